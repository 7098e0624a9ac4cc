// One suite, two backends: every body runs against RocksDB (in a fresh
// temp dir) and the memory store.

#include <gtest/gtest.h>

#include <memory>

#include "storage/codec.hpp"
#include "storage/store.hpp"
#include "test_util.hpp"

namespace ivm::storage {
namespace {

using test::temp_dir;

struct rocksdb_backend {
  static std::unique_ptr<store> make(const temp_dir& dir) {
    auto st = open_rocksdb(dir.path() / "db");
    if (!st) {
      ADD_FAILURE() << st.error().message;
      return nullptr;
    }
    return std::move(*st);
  }
};

struct memory_backend {
  static std::unique_ptr<store> make(const temp_dir&) {
    return make_memory_store();
  }
};

template <class Backend>
class store_test : public ::testing::Test {
protected:
  void SetUp() override {
    db_ = Backend::make(dir_);
    ASSERT_NE(db_, nullptr);
  }

  void TearDown() override {
    db_.reset(); // Close before the directory goes away.
  }

  std::optional<std::string> get(family f, std::string_view key) {
    auto x = db_->get(f, key);
    EXPECT_OK(x);
    return x ? *x : std::nullopt;
  }

  status put(family f, std::string key, std::string value) {
    write_batch b;
    b.put(f, std::move(key), std::move(value));
    return db_->write(b, false);
  }

  std::vector<key_value> scan(family f, std::string_view prefix,
                              std::string_view start, std::size_t limit) {
    auto x = db_->scan(f, prefix, start, limit);
    EXPECT_OK(x);
    return x ? *x : std::vector<key_value>{};
  }

  temp_dir dir_;
  std::unique_ptr<store> db_;
};

struct backend_names {
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, rocksdb_backend> ? "rocksdb" : "memory";
  }
};

using backends = ::testing::Types<rocksdb_backend, memory_backend>;
TYPED_TEST_SUITE(store_test, backends, backend_names);

TYPED_TEST(store_test, put_get_del) {
  ASSERT_OK(this->put(family::accounts, "alice", "v1"));
  EXPECT_EQ(this->get(family::accounts, "alice"), "v1");
  write_batch b;
  b.del(family::accounts, "alice");
  ASSERT_OK(this->db_->write(b, false));
  EXPECT_EQ(this->get(family::accounts, "alice"), std::nullopt);
}

TYPED_TEST(store_test, absent_key_is_empty_not_error) {
  EXPECT_EQ(this->get(family::devices, "nobody"), std::nullopt);
  write_batch b;
  b.del(family::devices, "nobody"); // Deleting an absent key is fine.
  EXPECT_OK(this->db_->write(b, false));
}

TYPED_TEST(store_test, families_are_separate) {
  ASSERT_OK(this->put(family::accounts, "k", "account"));
  ASSERT_OK(this->put(family::devices, "k", "device"));
  EXPECT_EQ(this->get(family::accounts, "k"), "account");
  EXPECT_EQ(this->get(family::devices, "k"), "device");
  EXPECT_EQ(this->get(family::events, "k"), std::nullopt);
}

TYPED_TEST(store_test, every_family_is_usable) {
  for (auto f : all_families()) {
    ASSERT_OK(this->put(f, "probe", std::string{to_string(f)}));
    EXPECT_EQ(this->get(f, "probe"), std::string{to_string(f)});
  }
}

TYPED_TEST(store_test, batch_across_families_is_all_visible) {
  ASSERT_OK(this->put(family::bindings, "old", "x"));
  write_batch b;
  b.put(family::messages, key_join({"bob", be64(1)}), "hello");
  b.put(family::accounts, "bob", "record");
  b.put(family::events, be64(7), "delivered");
  b.del(family::bindings, "old");
  ASSERT_OK(this->db_->write(b, true));
  EXPECT_EQ(this->get(family::messages, key_join({"bob", be64(1)})), "hello");
  EXPECT_EQ(this->get(family::accounts, "bob"), "record");
  EXPECT_EQ(this->get(family::events, be64(7)), "delivered");
  EXPECT_EQ(this->get(family::bindings, "old"), std::nullopt);
}

TYPED_TEST(store_test, batch_with_a_bad_op_changes_nothing) {
  write_batch b;
  b.put(family::accounts, "carol", "record");
  b.put(static_cast<family>(200), "k", "v");
  auto err = this->db_->write(b, true);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, errc::invalid_argument);
  EXPECT_EQ(this->get(family::accounts, "carol"), std::nullopt);
}

TYPED_TEST(store_test, later_ops_in_a_batch_win) {
  write_batch b;
  b.put(family::contacts, "k", "first");
  b.put(family::contacts, "k", "second");
  b.put(family::contacts, "gone", "x");
  b.del(family::contacts, "gone");
  ASSERT_OK(this->db_->write(b, false));
  EXPECT_EQ(this->get(family::contacts, "k"), "second");
  EXPECT_EQ(this->get(family::contacts, "gone"), std::nullopt);
}

TYPED_TEST(store_test, overwrite_replaces_value) {
  ASSERT_OK(this->put(family::sessions, "s", "a much longer first value"));
  ASSERT_OK(this->put(family::sessions, "s", "short"));
  EXPECT_EQ(this->get(family::sessions, "s"), "short");
}

TYPED_TEST(store_test, scan_prefix_in_key_order) {
  // Written out of order; "bobby" shares the text prefix but not the part.
  for (std::uint64_t seq : {3, 1, 256, 2})
    ASSERT_OK(this->put(family::messages, key_join({"bob", be64(seq)}),
                        "m" + std::to_string(seq)));
  ASSERT_OK(this->put(family::messages, key_join({"bobby", be64(1)}), "x"));
  ASSERT_OK(this->put(family::messages, key_join({"alice", be64(1)}), "y"));
  auto xs = this->scan(family::messages, key_prefix({"bob"}), "", 100);
  ASSERT_EQ(xs.size(), 4u);
  EXPECT_EQ(xs[0].second, "m1");
  EXPECT_EQ(xs[1].second, "m2");
  EXPECT_EQ(xs[2].second, "m3");
  EXPECT_EQ(xs[3].second, "m256");
  EXPECT_EQ(xs[3].first, key_join({"bob", be64(256)}));
}

TYPED_TEST(store_test, scan_start_and_limit) {
  for (std::uint64_t seq = 1; seq <= 10; ++seq)
    ASSERT_OK(this->put(family::messages, key_join({"bob", be64(seq)}),
                        std::to_string(seq)));
  auto prefix = key_prefix({"bob"});
  auto page =
      this->scan(family::messages, prefix, key_join({"bob", be64(4)}), 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].second, "4");
  EXPECT_EQ(page[2].second, "6");
  // A start past the last key yields nothing; a start before the prefix
  // starts at the prefix.
  EXPECT_TRUE(
      this->scan(family::messages, prefix, key_join({"bob", be64(11)}), 3)
          .empty());
  auto from_start = this->scan(family::messages, prefix, "a", 2);
  ASSERT_EQ(from_start.size(), 2u);
  EXPECT_EQ(from_start[0].second, "1");
  EXPECT_TRUE(this->scan(family::messages, prefix, "", 0).empty());
}

TYPED_TEST(store_test, scan_empty_prefix_covers_family) {
  ASSERT_OK(this->put(family::routing, "b", "2"));
  ASSERT_OK(this->put(family::routing, "a", "1"));
  ASSERT_OK(this->put(family::routing, std::string("\xff\xff", 2), "3"));
  ASSERT_OK(this->put(family::leases, "c", "other family"));
  auto xs = this->scan(family::routing, "", "", 10);
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_EQ(xs[0].first, "a");
  EXPECT_EQ(xs[1].first, "b");
  EXPECT_EQ(xs[2].second, "3");
}

TYPED_TEST(store_test, scan_prefix_of_ff_bytes) {
  std::string p("\xff", 1);
  ASSERT_OK(this->put(family::cluster, p + "a", "1"));
  ASSERT_OK(this->put(family::cluster, p + "\xff", "2"));
  ASSERT_OK(this->put(family::cluster, "z", "3"));
  auto xs = this->scan(family::cluster, p, "", 10);
  ASSERT_EQ(xs.size(), 2u);
  EXPECT_EQ(xs[0].second, "1");
  EXPECT_EQ(xs[1].second, "2");
}

TYPED_TEST(store_test, binary_keys_and_values) {
  std::string key("k\0\xff\x01", 4);
  std::string value("\0\0v\0", 4);
  ASSERT_OK(this->put(family::subscriptions, key, value));
  EXPECT_EQ(this->get(family::subscriptions, key), value);
  EXPECT_EQ(this->get(family::subscriptions, "k"), std::nullopt);
}

TYPED_TEST(store_test, big_value_one_mib) {
  std::string big(1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 31 % 251);
  ASSERT_OK(this->put(family::voice, "msg-1", big));
  ASSERT_OK(this->put(family::accounts, "big", big));
  EXPECT_EQ(this->get(family::voice, "msg-1"), big);
  EXPECT_EQ(this->get(family::accounts, "big"), big);
}

TYPED_TEST(store_test, durable_write_and_sync) {
  write_batch b;
  b.put(family::messages, "m", "acknowledged");
  ASSERT_OK(this->db_->write(b, true));
  ASSERT_OK(this->db_->sync());
  EXPECT_EQ(this->get(family::messages, "m"), "acknowledged");
  EXPECT_OK(this->db_->write(write_batch{}, true));
}

TYPED_TEST(store_test, unknown_family_is_invalid_argument) {
  auto bad = static_cast<family>(family_count);
  auto g = this->db_->get(bad, "k");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, errc::invalid_argument);
  auto s = this->db_->scan(bad, "", "", 1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, errc::invalid_argument);
}

TEST(write_batch, append_copies_ops) {
  write_batch a;
  a.put(family::accounts, "a", "1");
  write_batch b;
  b.del(family::devices, "b");
  a.append(b);
  a.append(a);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a.ops()[1].kind, write_op::del);
  EXPECT_EQ(a.ops()[3].key, "b");
}

TEST(families, names_and_order) {
  ASSERT_EQ(all_families().size(), family_count);
  EXPECT_EQ(all_families().front(), family::meta);
  EXPECT_EQ(all_families().back(), family::events);
  EXPECT_EQ(to_string(family::meta), "meta");
  EXPECT_EQ(to_string(family::voice), "voice");
  EXPECT_EQ(to_string(family::events), "events");
}

} // namespace
} // namespace ivm::storage
