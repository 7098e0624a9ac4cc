#pragma once

// Holds the admin API's event stream (GET /api/v1/events) open on a thread
// of its own while the model wants it (the Monitor page shown to a
// signed-in admin), reconnecting after a drop with a short backoff, and
// hands what arrives to the UI thread. The worker sends one request at a
// time with `Connection: close`; this connection lives for minutes, over
// TLS for an https:// box (pinned as the worker pins).

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "console/client/endpoint.hpp"
#include "console/model/monitor_view.hpp"

namespace ivm::console {

class event_stream {
public:
  /// `wake` is called (on the reader thread) when news arrived, to wake
  /// the UI thread's wait for events.
  event_stream(admin::endpoint ep, std::function<void()> wake);
  /// Ends the stream at once and joins the thread.
  ~event_stream();

  event_stream(const event_stream&) = delete;
  event_stream& operator=(const event_stream&) = delete;

  /// Keep a stream open with `token` (a change reconnects), or none.
  void want(const std::optional<std::string>& token);

  /// News since the last call, in order.
  std::vector<stream_news> take();

private:
  enum class outcome { cancelled, dropped, failed };

  void run();
  /// One connection, until it ends.
  outcome hold(const std::string& token);
  void post(stream_news n);
  void interrupt();
  void drain();

  admin::endpoint ep_;
  std::function<void()> wake_;
  /// Written to end a stream in progress (its reader polls the other end).
  int cancel_[2] = {-1, -1};
  std::mutex mtx_;
  std::condition_variable cv_;
  std::optional<std::string> wanted_;
  /// Bumped by every change of `wanted_` and by stop.
  unsigned generation_ = 0;
  bool stop_ = false;
  std::vector<stream_news> news_;
  std::thread thread_;
};

} // namespace ivm::console
