#pragma once

// Messages waiting in the users' queues, as the monitoring shows them: how
// many in all, and how old the oldest is. Each client actor reports its
// own queue when it changes; read from any thread.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ivm::actors {

class queue_tally {
public:
  /// `user`'s queue holds `depth` messages, the oldest accepted at
  /// `oldest_s` (Unix time). Depth 0 forgets the user.
  void set(const std::string& user, std::size_t depth, std::uint64_t oldest_s);

  /// Messages waiting in all queues.
  std::size_t waiting() const;

  /// When the oldest waiting message was accepted (0: none waits).
  std::uint64_t oldest_s() const;

private:
  struct entry {
    std::size_t depth = 0;
    std::uint64_t oldest_s = 0;
  };
  mutable std::mutex mtx_;
  std::map<std::string, entry> by_user_;
  std::size_t total_ = 0;
};

} // namespace ivm::actors
