// Behaviour only the on-disk store has: reopening, the schema record, the
// lock, and databases written by other builds.

#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <fstream>

#include "storage/codec.hpp"
#include "storage/schema.hpp"
#include "storage/store.hpp"
#include "test_util.hpp"

namespace ivm::storage {
namespace {

using test::temp_dir;

class rocksdb_store_test : public ::testing::Test {
protected:
  std::unique_ptr<store> open() {
    auto st = open_rocksdb(db_dir());
    if (!st) {
      ADD_FAILURE() << st.error().message;
      return nullptr;
    }
    return std::move(*st);
  }

  std::filesystem::path db_dir() const {
    return dir_.path() / "db";
  }

  temp_dir dir_;
};

TEST_F(rocksdb_store_test, reopen_keeps_data) {
  {
    auto db = open();
    ASSERT_NE(db, nullptr);
    write_batch b;
    b.put(family::accounts, "alice", "record");
    b.put(family::voice, "v", std::string(8192, 'x'));
    ASSERT_OK(db->write(b, true));
  }
  auto db = open();
  ASSERT_NE(db, nullptr);
  auto x = db->get(family::accounts, "alice");
  ASSERT_OK(x);
  EXPECT_EQ(*x, "record");
  auto v = db->get(family::voice, "v");
  ASSERT_OK(v);
  EXPECT_EQ(*v, std::string(8192, 'x'));
}

TEST_F(rocksdb_store_test, creates_directory_and_describes_itself) {
  auto nested = dir_.path() / "a" / "b";
  auto st = open_rocksdb(nested);
  ASSERT_OK(st);
  EXPECT_TRUE(std::filesystem::is_directory(nested));
  EXPECT_EQ((*st)->describe(), "rocksdb:" + nested.string());
}

TEST_F(rocksdb_store_test, missing_db_without_create_fails) {
  rocksdb_options opts;
  opts.create_if_missing = false;
  auto st = open_rocksdb(db_dir(), opts);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find(db_dir().string()), std::string::npos)
      << st.error().message;
}

TEST_F(rocksdb_store_test, schema_record_written_on_creation) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  auto rec = db->get(family::meta, schema_key);
  ASSERT_OK(rec);
  ASSERT_TRUE(rec->has_value());
  auto version = decode_schema_record(**rec);
  ASSERT_OK(version);
  EXPECT_EQ(*version, schema_version);
}

TEST_F(rocksdb_store_test, newer_schema_refuses_to_open) {
  {
    auto db = open();
    ASSERT_NE(db, nullptr);
    write_batch b;
    b.put(family::meta, std::string{schema_key}, encode_schema_record(99));
    ASSERT_OK(db->write(b, true));
  }
  auto st = open_rocksdb(db_dir());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, errc::schema_too_new);
  const auto& msg = st.error().message;
  EXPECT_NE(msg.find("database schema 99 is newer than this build's " +
                     std::to_string(schema_version) +
                     "; upgrade the appliance"),
            std::string::npos)
      << msg;
}

TEST_F(rocksdb_store_test, garbage_schema_record_is_corruption) {
  {
    auto db = open();
    ASSERT_NE(db, nullptr);
    write_batch b;
    b.put(family::meta, std::string{schema_key}, std::string("\x01\x00", 2));
    ASSERT_OK(db->write(b, true));
  }
  auto st = open_rocksdb(db_dir());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, errc::corruption) << st.error().message;
}

TEST_F(rocksdb_store_test, second_open_is_busy) {
  auto first = open();
  ASSERT_NE(first, nullptr);
  auto second = open_rocksdb(db_dir());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::busy) << second.error().message;
  EXPECT_NE(second.error().message.find(db_dir().string()), std::string::npos)
      << second.error().message;
  // The first handle is unaffected.
  write_batch b;
  b.put(family::events, "e", "1");
  EXPECT_OK(first->write(b, true));
}

TEST_F(rocksdb_store_test, unwritable_directory_is_io_error) {
  // A path below a regular file can never be created, even by root.
  auto file = dir_.path() / "not-a-dir";
  std::ofstream{file} << "x";
  auto target = file / "db";
  auto st = open_rocksdb(target);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, errc::io_error);
  EXPECT_NE(st.error().message.find(target.string()), std::string::npos)
      << st.error().message;
}

TEST_F(rocksdb_store_test, extra_unknown_family_still_opens) {
  {
    auto db = open();
    ASSERT_NE(db, nullptr);
    write_batch b;
    b.put(family::accounts, "alice", "record");
    ASSERT_OK(db->write(b, true));
  }
  { // What a newer build with one more family leaves behind.
    rocksdb::DBOptions opts;
    std::vector<std::string> names;
    ASSERT_TRUE(
        rocksdb::DB::ListColumnFamilies(opts, db_dir().string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& name : names)
      descs.emplace_back(name, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    auto s = rocksdb::DB::Open(opts, db_dir().string(), descs, &handles, &raw);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::unique_ptr<rocksdb::DB> db{raw};
    rocksdb::ColumnFamilyHandle* extra = nullptr;
    s = db->CreateColumnFamily(rocksdb::ColumnFamilyOptions{},
                               "from_the_future", &extra);
    ASSERT_TRUE(s.ok()) << s.ToString();
    handles.push_back(extra);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions{}, extra, "k", "v").ok());
    for (auto* h : handles)
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  auto db = open();
  ASSERT_NE(db, nullptr);
  auto x = db->get(family::accounts, "alice");
  ASSERT_OK(x);
  EXPECT_EQ(*x, "record");
}

} // namespace
} // namespace ivm::storage
