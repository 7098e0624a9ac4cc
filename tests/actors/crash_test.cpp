// Crash test: a child writes durably through the storage actor and reports
// each acknowledgement; it is SIGKILLed mid-stream; the reopened database
// must hold every acknowledged write.

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "storage/store.hpp"

using namespace ivm;

namespace {

struct child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

child start_child(const std::string& dir, int writers) {
  int fds[2];
  if (pipe(fds) != 0)
    return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    auto w = std::to_string(writers);
    execl(CRASH_CHILD, CRASH_CHILD, dir.c_str(), w.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  return {pid, fdopen(fds[0], "r")};
}

void crash_round(const std::string& dir, int writers, int kill_after,
                 std::set<std::string>& acked) {
  auto c = start_child(dir, writers);
  ASSERT_GT(c.pid, 0);
  char line[128];
  int seen = 0;
  while (seen < kill_after && std::fgets(line, sizeof(line), c.out)) {
    int w = 0;
    int seq = 0;
    if (std::sscanf(line, "ack %d %d", &w, &seq) == 2) {
      acked.insert("w" + std::to_string(w) + "-" + std::to_string(seq));
      ++seen;
    }
  }
  kill(c.pid, SIGKILL);
  int status = 0;
  waitpid(c.pid, &status, 0);
  // Acknowledgements printed before the kill but not yet read count too.
  while (std::fgets(line, sizeof(line), c.out)) {
    int w = 0;
    int seq = 0;
    if (std::sscanf(line, "ack %d %d", &w, &seq) == 2)
      acked.insert("w" + std::to_string(w) + "-" + std::to_string(seq));
  }
  std::fclose(c.out);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended on its own";
  ASSERT_EQ(seen, kill_after) << "the child stopped acknowledging early";
}

TEST(crash, every_acknowledged_write_survives_sigkill) {
  auto dir = std::filesystem::temp_directory_path() /
             ("ivm-crash-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::set<std::string> acked;
  // Three rounds on the same database: each restart reopens what the
  // previous kill left. Writers restart at sequence 0 and overwrite.
  for (int round = 0; round < 3; ++round)
    crash_round(dir.string(), 8, 1500 + 500 * round, acked);
  auto db = storage::open_rocksdb(dir);
  ASSERT_TRUE(db) << db.error().message;
  std::size_t missing = 0;
  for (auto& key : acked) {
    auto v = (*db)->get(storage::family::messages, key);
    ASSERT_TRUE(v) << v.error().message;
    if (!*v || **v != std::string(100, 'x') + key)
      ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged writes";
  EXPECT_GE(acked.size(), 2500u);
  db->reset();
  std::filesystem::remove_all(dir);
}

} // namespace
