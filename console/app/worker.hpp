#pragma once

// Sends the model's requests to the admin API on a thread of its own (the
// client blocks) and hands the answers back to the UI thread.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "console/client/endpoint.hpp"
#include "console/model/console_model.hpp"

namespace ivm::console {

class worker {
public:
  explicit worker(admin::endpoint ep);
  ~worker();

  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  void submit(std::vector<job> jobs);

  /// Answers that arrived since the last call.
  std::vector<std::pair<job, answer>> take_answers();

  /// Notices for the status line since the last call (a certificate pinned
  /// on first use).
  std::vector<std::string> take_notices();

private:
  void run();
  answer send(const job& j);

  admin::endpoint ep_;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<job> queue_;
  std::vector<std::pair<job, answer>> done_;
  std::vector<std::string> notices_;
  bool stop_ = false;
  std::thread thread_;
};

} // namespace ivm::console
