#include "console/app/event_stream.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

#include "console/client/stream_transport.hpp"

namespace ivm::console {

namespace {

double now_s() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr auto first_retry = std::chrono::milliseconds{1000};
constexpr auto last_retry = std::chrono::milliseconds{5000};

} // namespace

event_stream::event_stream(admin::endpoint ep, std::function<void()> wake)
  : ep_(std::move(ep)), wake_(std::move(wake)) {
  if (::pipe2(cancel_, O_CLOEXEC | O_NONBLOCK) != 0)
    cancel_[0] = cancel_[1] = -1; // streams then end only by the server
  thread_ = std::thread{[this] { run(); }};
}

event_stream::~event_stream() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
    ++generation_;
  }
  cv_.notify_all();
  interrupt();
  thread_.join();
  for (int fd : cancel_)
    if (fd >= 0)
      ::close(fd);
}

void event_stream::want(const std::optional<std::string>& token) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (wanted_ == token)
      return;
    wanted_ = token;
    ++generation_;
  }
  cv_.notify_all();
  interrupt();
}

std::vector<stream_news> event_stream::take() {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<stream_news> out;
  out.swap(news_);
  return out;
}

void event_stream::interrupt() {
  if (cancel_[1] >= 0) {
    char c = 1;
    [[maybe_unused]] auto n = ::write(cancel_[1], &c, 1);
  }
}

void event_stream::drain() {
  char buf[64];
  while (cancel_[0] >= 0 && ::read(cancel_[0], buf, sizeof buf) > 0) {
    // nop
  }
}

void event_stream::post(stream_news n) {
  n.at = now_s();
  {
    std::lock_guard<std::mutex> guard{mtx_};
    news_.push_back(std::move(n));
  }
  if (wake_)
    wake_();
}

void event_stream::run() {
  std::chrono::milliseconds retry{0};
  for (;;) {
    // Interruptions meant for an earlier stream are spent; one that comes
    // after this only ends the stream about to start (it is reopened).
    drain();
    std::string token;
    {
      std::unique_lock<std::mutex> lock{mtx_};
      cv_.wait(lock, [this] { return stop_ || wanted_.has_value(); });
      if (retry.count() > 0) {
        auto seen = generation_;
        cv_.wait_for(lock, retry,
                     [this, seen] { return stop_ || generation_ != seen; });
        if (generation_ != seen)
          retry = std::chrono::milliseconds{0};
      }
      if (stop_)
        return;
      if (!wanted_)
        continue;
      token = *wanted_;
    }
    switch (hold(token)) {
      case outcome::cancelled: // another token, or none: at once
        retry = std::chrono::milliseconds{0};
        break;
      case outcome::dropped: // it was open: the box restarts, say
        retry = first_retry;
        break;
      case outcome::failed:
        retry = std::clamp(retry * 2, first_retry, last_retry);
        break;
    }
  }
}

event_stream::outcome event_stream::hold(const std::string& token) {
  stream_news n;
  n.what = stream_news::kind::connecting;
  n.token = token;
  post(n);
  admin::http_request req;
  req.method = "GET";
  req.target = ep_.base_path + "/api/v1/events";
  auto host =
      ep_.host.find(':') == std::string::npos ? ep_.host : '[' + ep_.host + ']';
  req.headers = {{"Host", host + ':' + std::to_string(ep_.port)},
                 {"Accept", "text/event-stream"},
                 {"User-Agent", "ivm-console"},
                 {"Connection", "close"}};
  if (!token.empty())
    req.headers.emplace_back("Authorization", "Bearer " + token);
  admin::stream_limits limits; // the box sends stats every 2 s
  bool opened = false;
  // Over https:// the certificate is judged as the worker's requests judge
  // it (the worker usually pinned it first); a refusal ends up as the
  // page's error, retried with the backoff of any failure.
  auto end = admin::open_stream(
      ep_, req, limits, cancel_[0],
      [&] {
        opened = true;
        stream_news open;
        open.what = stream_news::kind::connected;
        open.token = token;
        post(std::move(open));
      },
      [&](std::string_view bytes) {
        stream_news data;
        data.what = stream_news::kind::bytes;
        data.bytes = std::string{bytes};
        data.token = token;
        post(std::move(data));
      },
      [](const std::string& notice) {
        std::fprintf(stderr, "ivm-console: %s\n", notice.c_str());
      });
  if (end.cancelled)
    return outcome::cancelled;
  stream_news down;
  down.what = stream_news::kind::dropped;
  down.token = token;
  bool refused = end.status != 0 && end.status != 200;
  down.status = refused ? end.status : 0;
  down.error = refused ? end.body : end.error;
  post(std::move(down));
  return opened ? outcome::dropped : outcome::failed;
}

} // namespace ivm::console
