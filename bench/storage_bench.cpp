// Durable writes per second: the storage actor with group commit (1, 8 and
// 64 concurrent writers, each waiting for its ack before the next put)
// against a plain loop of RocksDB Put with sync=true on the same disk (1 and
// 8 threads). Prints a table and the ratios. Each case runs until a write
// count or a time limit is reached, whichever comes first.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "actors/storage/storage_actor.hpp"
#include "storage/store.hpp"

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

/// Synced writes issued on a fresh database before timing starts.
constexpr int warm_up_writes = 200;

struct limits {
  std::uint64_t writes = 20000;
  double seconds = 5.0;
};

struct result {
  std::string name;
  int writers = 0;
  std::uint64_t writes = 0;
  std::uint64_t failures = 0;
  double seconds = 0;
  std::uint64_t commits = 0; ///< WAL syncs (storage actor only)
  std::uint64_t largest_commit = 0;

  double per_second() const {
    return seconds > 0 ? static_cast<double>(writes) / seconds : 0;
  }
};

std::string make_key(int writer, std::uint64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "bench/%03d/%012llu", writer,
                static_cast<unsigned long long>(seq));
  return buf;
}

const std::string& value_300() {
  static const std::string v = [] {
    std::string s(300, ' ');
    for (std::size_t i = 0; i < s.size(); ++i)
      s[i] = static_cast<char>('a' + (i * 7) % 26);
    return s;
  }();
  return v;
}

// -- storage actor with group commit ------------------------------------------

/// State shared by the writer actors of one run.
struct actor_run {
  ivm::actors::storage_actor db;
  std::uint64_t limit = 0;
  clock_type::time_point deadline;
  std::atomic<std::uint64_t> issued{0};
  std::atomic<std::uint64_t> acked{0};
  std::atomic<std::uint64_t> failed{0};
  std::mutex mtx;
  std::condition_variable cv;
  int running = 0;
  clock_type::time_point last_done;
};

void writer_done(const std::shared_ptr<actor_run>& run) {
  std::lock_guard<std::mutex> guard{run->mtx};
  run->last_done = clock_type::now();
  if (--run->running == 0)
    run->cv.notify_all();
}

void write_next(caf::event_based_actor* self, std::shared_ptr<actor_run> run,
                int writer) {
  auto seq = run->issued.fetch_add(1);
  if (seq >= run->limit || clock_type::now() >= run->deadline) {
    writer_done(run);
    return;
  }
  ivm::storage::write_batch batch;
  batch.put(ivm::storage::family::messages, make_key(writer, seq), value_300());
  self->request(run->db, caf::infinite, caf::put_atom::value, std::move(batch))
      .then(
          [self, run, writer](caf::ok_atom) {
            run->acked.fetch_add(1);
            write_next(self, run, writer);
          },
          [run](caf::error&) {
            run->failed.fetch_add(1);
            writer_done(run);
          });
}

result run_actor(const fs::path& dir, int writers, const limits& lim) {
  result res;
  res.name = "storage actor, group commit";
  res.writers = writers;
  auto opened = ivm::storage::open_rocksdb(dir);
  if (!opened) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(),
                 opened.error().message.c_str());
    std::exit(1);
  }
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto db = ivm::actors::spawn_storage(
      sys, std::shared_ptr<ivm::storage::store>(std::move(*opened)));
  caf::scoped_actor self{sys};
  // Warm-up, not timed: the first synced appends to a fresh WAL cost more.
  for (int i = 0; i < warm_up_writes; ++i) {
    ivm::storage::write_batch batch;
    batch.put(ivm::storage::family::messages, make_key(999, i), value_300());
    self->request(db, caf::infinite, caf::put_atom::value, std::move(batch))
        .receive([](caf::ok_atom) {}, [](caf::error&) {});
  }
  auto run = std::make_shared<actor_run>();
  run->db = db;
  run->limit = lim.writes;
  run->running = writers;
  auto start = clock_type::now();
  run->deadline = start + std::chrono::duration_cast<clock_type::duration>(
                              std::chrono::duration<double>(lim.seconds));
  for (int w = 0; w < writers; ++w)
    sys.spawn(
        [run, w](caf::event_based_actor* self) { write_next(self, run, w); });
  {
    std::unique_lock<std::mutex> guard{run->mtx};
    // Bounded wait: the deadline plus a generous margin for the last acks.
    if (!run->cv.wait_for(guard,
                          std::chrono::duration<double>(lim.seconds + 60),
                          [&] { return run->running == 0; })) {
      std::fprintf(stderr, "storage actor run did not finish\n");
      std::exit(1);
    }
  }
  res.seconds = std::chrono::duration<double>(run->last_done - start).count();
  res.writes = run->acked.load();
  res.failures = run->failed.load();
  self->request(db, caf::infinite, ivm::atoms::stats_atom::value)
      .receive(
          [&](const ivm::actors::storage_stats& st) {
            res.commits = st.commits - warm_up_writes;
            res.largest_commit = st.largest_commit;
          },
          [&](caf::error&) {});
  caf::anon_send_exit(db, caf::exit_reason::user_shutdown);
  run->db = nullptr;
  return res; // ~actor_system waits for the storage actor to close the store
}

// -- plain RocksDB Put with sync=true -----------------------------------------

result run_plain(const fs::path& dir, int threads, const limits& lim) {
  result res;
  res.name = "plain RocksDB Put, sync=true";
  res.writers = threads;
  rocksdb::Options opts;
  opts.create_if_missing = true;
  // Same memtable size as the store's families (storage/rocksdb_store.cpp):
  // RocksDB preallocates WAL space in proportion to it.
  opts.write_buffer_size = 4 << 20;
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(opts, dir.string(), &raw);
  if (!st.ok()) {
    std::fprintf(stderr, "rocksdb open: %s\n", st.ToString().c_str());
    std::exit(1);
  }
  std::unique_ptr<rocksdb::DB> db{raw};
  {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    for (int i = 0; i < warm_up_writes; ++i)
      db->Put(wo, make_key(999, i), value_300());
  }
  std::atomic<std::uint64_t> issued{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> failed{0};
  auto start = clock_type::now();
  auto deadline = start + std::chrono::duration_cast<clock_type::duration>(
                              std::chrono::duration<double>(lim.seconds));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      for (;;) {
        auto seq = issued.fetch_add(1);
        if (seq >= lim.writes || clock_type::now() >= deadline)
          return;
        if (db->Put(wo, make_key(t, seq), value_300()).ok())
          done.fetch_add(1);
        else
          failed.fetch_add(1);
      }
    });
  for (auto& th : pool)
    th.join();
  res.seconds =
      std::chrono::duration<double>(clock_type::now() - start).count();
  res.writes = done.load();
  res.failures = failed.load();
  return res;
}

// -- main ---------------------------------------------------------------------

void print_row(const result& r, double plain1, double plain8) {
  char commits[64] = "-";
  if (r.commits > 0)
    std::snprintf(commits, sizeof(commits), "%6llu %7.1f %5llu",
                  static_cast<unsigned long long>(r.commits),
                  static_cast<double>(r.writes) / r.commits,
                  static_cast<unsigned long long>(r.largest_commit));
  std::printf("%-30s %7d %8llu %6.2f %10.0f %7.2f %7.2f  %s\n", r.name.c_str(),
              r.writers, static_cast<unsigned long long>(r.writes), r.seconds,
              r.per_second(), plain1 > 0 ? r.per_second() / plain1 : 0,
              plain8 > 0 ? r.per_second() / plain8 : 0, commits);
  if (r.failures > 0)
    std::printf("  !! %llu writes failed\n",
                static_cast<unsigned long long>(r.failures));
}

int usage() {
  std::fprintf(stderr, "usage: storage_bench [--dir DIR] [--writes N] "
                       "[--seconds S]\n"
                       "  DIR: scratch directory on the disk to measure "
                       "(default /var/tmp); removed afterwards\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  limits lim;
  fs::path base = "/var/tmp";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc)
      return usage();
    if (arg == "--dir")
      base = argv[++i];
    else if (arg == "--writes")
      lim.writes = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--seconds")
      lim.seconds = std::strtod(argv[++i], nullptr);
    else
      return usage();
  }
  std::error_code ec;
  fs::create_directories(base, ec);
  auto scratch = base / ("ivm-storage-bench-" + std::to_string(::getpid()));
  fs::remove_all(scratch, ec);
  fs::create_directories(scratch);
  std::printf("scratch %s; %llu writes or %.1f s per case, 300-byte values\n",
              scratch.c_str(), static_cast<unsigned long long>(lim.writes),
              lim.seconds);
  std::fflush(stdout);

  std::vector<result> results;
  int case_no = 0;
  auto fresh = [&] {
    auto d = scratch / std::to_string(case_no++);
    fs::remove_all(d, ec);
    return d;
  };
  // Plain and actor cases alternate so that both see the same disk weather;
  // results[0] and [1] are the plain baselines.
  std::vector<result> actor;
  results.push_back(run_plain(fresh(), 1, lim));
  actor.push_back(run_actor(fresh(), 1, lim));
  results.push_back(run_plain(fresh(), 8, lim));
  actor.push_back(run_actor(fresh(), 8, lim));
  actor.push_back(run_actor(fresh(), 64, lim));
  results.insert(results.end(), actor.begin(), actor.end());
  fs::remove_all(scratch, ec);

  double plain1 = results[0].per_second();
  double plain8 = results[1].per_second();
  std::printf("\n%-30s %7s %8s %6s %10s %7s %7s  %s\n", "case", "writers",
              "writes", "secs", "writes/s", "x plain1", "x plain8",
              "commits writes/commit max");
  for (const auto& r : results)
    print_row(r, plain1, plain8);
  std::printf("\nRESULT storage plain1=%.0f plain8=%.0f", plain1, plain8);
  for (std::size_t i = 2; i < results.size(); ++i)
    std::printf(" actor%d=%.0f", results[i].writers, results[i].per_second());
  std::printf("\n");
  for (const auto& r : results)
    if (r.failures > 0)
      return 1;
  return 0;
}
