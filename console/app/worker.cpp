#include "console/app/worker.hpp"

#include <fstream>
#include <iterator>

#include "console/client/http_transport.hpp"

namespace ivm::console {

worker::worker(admin::endpoint ep)
  : ep_(std::move(ep)), thread_([this] { run(); }) {
  // nop
}

worker::~worker() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void worker::submit(std::vector<job> jobs) {
  if (jobs.empty())
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& j : jobs)
      queue_.push_back(std::move(j));
  }
  cv_.notify_all();
}

std::vector<std::pair<job, answer>> worker::take_answers() {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<std::pair<job, answer>> out;
  out.swap(done_);
  return out;
}

std::vector<std::string> worker::take_notices() {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<std::string> out;
  out.swap(notices_);
  return out;
}

void worker::run() {
  for (;;) {
    job j;
    {
      std::unique_lock<std::mutex> lock{mtx_};
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_)
        return;
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    auto a = send(j);
    std::lock_guard<std::mutex> guard{mtx_};
    done_.emplace_back(std::move(j), std::move(a));
  }
}

answer worker::send(const job& j) {
  admin::http_request req;
  req.method = j.method;
  req.target = ep_.base_path + j.path;
  auto host =
      ep_.host.find(':') == std::string::npos ? ep_.host : '[' + ep_.host + ']';
  req.headers = {{"Host", host + ':' + std::to_string(ep_.port)},
                 {"Accept", "application/json"},
                 {"User-Agent", "ivm-console"},
                 {"Connection", "close"}};
  if (!j.token.empty())
    req.headers.emplace_back("Authorization", "Bearer " + j.token);
  if (!j.body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = j.body;
  }
  if (!j.body_file.empty()) {
    // A firmware image from this machine, read here (not on the UI thread).
    std::ifstream in{j.body_file, std::ios::binary};
    if (!in)
      return answer{0, {}, "cannot read " + j.body_file};
    req.body.assign(std::istreambuf_iterator<char>{in}, {});
    if (in.bad())
      return answer{0, {}, "cannot read " + j.body_file};
    req.headers.emplace_back("Content-Type", "application/octet-stream");
  }
  admin::timeouts limits;
  limits.connect = std::chrono::seconds{5};
  limits.io = std::chrono::seconds{10};
  auto resp = admin::exchange(ep_, req, limits, [this](const std::string& n) {
    std::lock_guard<std::mutex> guard{mtx_};
    notices_.push_back(n);
  });
  if (!resp)
    return answer{0, {}, resp.error()};
  return answer{resp->status, std::move(resp->body), {}};
}

} // namespace ivm::console
