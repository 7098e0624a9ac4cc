// actors/storage: group commit under CAF's deterministic scheduler.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>
#include <gtest/gtest.h>

#include "actors/storage/storage_actor.hpp"

using namespace ivm;

namespace {

class storage_actor_test : public ::testing::Test {
protected:
  storage_actor_test() : sys_(config()) {
    sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler());
  }

  static caf::actor_system_config& config() {
    static caf::actor_system_config cfg;
    cfg.set("scheduler.policy", caf::atom("testing"));
    return cfg;
  }

  void spawn(std::size_t max_batch) {
    db_ = storage::make_memory_store();
    store_ = db_.get();
    actor_ = actors::spawn_storage(sys_, db_, max_batch, false);
  }

  // One client actor per writer, each sending one put.
  void write(int i) {
    auto storage = actor_;
    auto acked = &acked_;
    auto failed = &failed_;
    sys_.spawn([=](caf::event_based_actor* self) {
      storage::write_batch b;
      b.put(storage::family::messages, "k" + std::to_string(i),
            "v" + std::to_string(i));
      self->request(storage, caf::infinite, caf::put_atom::value, b)
          .then([acked](caf::ok_atom) { ++*acked; },
                [failed](const caf::error&) { ++*failed; });
    });
  }

  // A writer that is not an actor: answered by a call.
  void write_with_callback(int i, std::chrono::microseconds linger) {
    actors::callback_write w;
    w.batch.put(storage::family::leases, "c" + std::to_string(i),
                "v" + std::to_string(i));
    w.linger = linger;
    w.done = [this](const storage::status& failure) {
      if (failure)
        ++failed_;
      else
        ++called_;
    };
    caf::anon_send(actor_, caf::put_atom::value, std::move(w));
  }

  bool stored(const std::string& key) {
    auto v = store_->get(storage::family::leases, key);
    return v && *v;
  }

  actors::storage_stats stats() {
    actors::storage_stats out;
    sys_.spawn([&](caf::event_based_actor* self) {
      self->request(actor_, caf::infinite, ivm::atoms::stats_atom::value)
          .then([&](const actors::storage_stats& st) { out = st; });
    });
    sched_->run();
    return out;
  }

  ~storage_actor_test() override {
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
    sched_->run();
  }

  caf::actor_system sys_;
  caf::scheduler::test_coordinator* sched_;
  std::shared_ptr<storage::store> db_;
  storage::store* store_ = nullptr;
  actors::storage_actor actor_;
  int acked_ = 0;
  int failed_ = 0;
  int called_ = 0;
};

TEST_F(storage_actor_test, concurrent_writers_share_one_commit) {
  spawn(1024);
  for (int i = 0; i < 50; ++i)
    write(i);
  sched_->run();
  EXPECT_EQ(acked_, 50);
  EXPECT_EQ(failed_, 0);
  auto st = stats();
  EXPECT_EQ(st.writes, 50u);
  EXPECT_EQ(st.commits, 1u);
  EXPECT_EQ(st.largest_commit, 50u);
  for (int i = 0; i < 50; ++i) {
    auto v = store_->get(storage::family::messages, "k" + std::to_string(i));
    ASSERT_TRUE(v && *v);
    EXPECT_EQ(**v, "v" + std::to_string(i));
  }
}

TEST_F(storage_actor_test, max_batch_bounds_a_commit) {
  spawn(4);
  for (int i = 0; i < 10; ++i)
    write(i);
  sched_->run();
  EXPECT_EQ(acked_, 10);
  auto st = stats();
  EXPECT_EQ(st.commits, 3u); // 4 + 4 + 2
  EXPECT_EQ(st.largest_commit, 4u);
}

TEST_F(storage_actor_test, a_single_writer_is_answered_after_its_commit) {
  spawn(1024);
  write(1);
  sched_->run();
  EXPECT_EQ(acked_, 1);
  EXPECT_EQ(stats().commits, 1u);
}

TEST_F(storage_actor_test, reads_and_scans_see_acknowledged_writes) {
  spawn(1024);
  for (int i = 0; i < 3; ++i)
    write(i);
  sched_->run();
  actors::optional_string got;
  actors::key_values all;
  sys_.spawn([&](caf::event_based_actor* self) {
    self->request(actor_, caf::infinite, caf::get_atom::value,
                  storage::family::messages, std::string{"k1"})
        .then([&](const actors::optional_string& v) { got = v; });
    self->request(actor_, caf::infinite, ivm::atoms::scan_atom::value,
                  storage::family::messages, std::string{"k"}, std::string{},
                  std::uint64_t{10})
        .then([&](const actors::key_values& kv) { all = kv; });
  });
  sched_->run();
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "v1");
  EXPECT_EQ(all.size(), 3u);
}

TEST_F(storage_actor_test, callback_writes_are_called_after_their_commit) {
  spawn(1024);
  for (int i = 0; i < 5; ++i)
    write_with_callback(i, std::chrono::microseconds{0});
  sched_->run();
  EXPECT_EQ(called_, 5);
  EXPECT_EQ(failed_, 0);
  EXPECT_TRUE(stored("c0"));
  EXPECT_TRUE(stored("c4"));
  auto st = stats();
  EXPECT_EQ(st.commits, 1u);
  EXPECT_EQ(st.writes, 5u);
}

TEST_F(storage_actor_test, a_lingering_write_waits_for_its_window) {
  spawn(1024);
  write_with_callback(1, std::chrono::milliseconds{2});
  sched_->run();
  EXPECT_EQ(called_, 0);
  EXPECT_FALSE(stored("c1"));
  // Writes arriving within the window share its sync.
  write_with_callback(2, std::chrono::milliseconds{2});
  sched_->run();
  sched_->advance_time(std::chrono::milliseconds{2});
  sched_->run();
  EXPECT_EQ(called_, 2);
  EXPECT_TRUE(stored("c1"));
  EXPECT_TRUE(stored("c2"));
  EXPECT_EQ(stats().commits, 1u);
}

TEST_F(storage_actor_test, an_actor_write_ends_a_linger_window_early) {
  spawn(1024);
  write_with_callback(1, std::chrono::seconds{10});
  write(2);
  sched_->run();
  EXPECT_EQ(called_, 1);
  EXPECT_EQ(acked_, 1);
  EXPECT_TRUE(stored("c1"));
  EXPECT_EQ(stats().commits, 1u);
  // The window's own commit, later, finds nothing left to write.
  sched_->advance_time(std::chrono::seconds{10});
  sched_->run();
  EXPECT_EQ(stats().commits, 1u);
}

TEST_F(storage_actor_test, max_batch_ends_a_linger_window_early) {
  spawn(3);
  for (int i = 0; i < 3; ++i)
    write_with_callback(i, std::chrono::seconds{10});
  sched_->run();
  EXPECT_EQ(called_, 3);
  EXPECT_EQ(stats().commits, 1u);
}

} // namespace
