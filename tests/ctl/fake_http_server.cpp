#include "tests/ctl/fake_http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace ivm::test {

namespace {

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    default:
      return "Other";
  }
}

std::string render(const canned_response& r) {
  if (!r.raw.empty())
    return r.raw;
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + ' ' +
                    reason(r.status) + "\r\nConnection: close\r\n";
  if (r.status == 204)
    return out + "\r\n";
  out += "Content-Type: application/json\r\n";
  if (r.chunked) {
    out += "Transfer-Encoding: chunked\r\n\r\n";
    // Two chunks, to exercise reassembly.
    auto half = r.body.size() / 2;
    auto chunk = [](std::string_view part) {
      char size[32];
      std::snprintf(size, sizeof(size), "%zx\r\n", part.size());
      return std::string{size} + std::string{part} + "\r\n";
    };
    std::string_view body{r.body};
    if (half > 0)
      out += chunk(body.substr(0, half));
    if (body.size() > half)
      out += chunk(body.substr(half));
    return out + "0\r\n\r\n";
  }
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  return out + r.body;
}

void send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    auto n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    off += static_cast<std::size_t>(n);
  }
}

/// Reads one request (head plus Content-Length body); false on EOF.
bool read_request(int fd, recorded_request& req) {
  std::string buf;
  char chunk[4096];
  std::size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    auto n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0)
      return false;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  auto line_end = buf.find("\r\n");
  auto line = buf.substr(0, line_end);
  auto sp1 = line.find(' ');
  auto sp2 = line.find(' ', sp1 + 1);
  req.method = line.substr(0, sp1);
  req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t pos = line_end + 2;
  while (pos < head_end) {
    auto end = buf.find("\r\n", pos);
    auto h = buf.substr(pos, end - pos);
    auto colon = h.find(':');
    auto value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.erase(0, 1);
    req.headers.emplace_back(h.substr(0, colon), value);
    pos = end + 2;
  }
  std::size_t length = 0;
  if (auto cl = req.header("Content-Length"); !cl.empty())
    length = std::stoul(cl);
  std::string body = buf.substr(head_end + 4);
  while (body.size() < length) {
    auto n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0)
      return false;
    body.append(chunk, static_cast<std::size_t>(n));
  }
  req.body = body;
  return true;
}

} // namespace

std::string recorded_request::header(std::string_view name) const {
  for (auto& [key, value] : headers)
    if (key.size() == name.size() &&
        ::strncasecmp(key.data(), name.data(), name.size()) == 0)
      return value;
  return {};
}

fake_http_server::fake_http_server(handler h) : handler_(std::move(h)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) !=
          0 ||
      ::pipe2(stop_pipe_, O_CLOEXEC) != 0)
    throw std::runtime_error("fake_http_server: cannot listen");
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread{[this] { run(); }};
}

fake_http_server::~fake_http_server() {
  char byte = 'x';
  [[maybe_unused]] auto n = ::write(stop_pipe_[1], &byte, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

std::string fake_http_server::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::vector<recorded_request> fake_http_server::requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return requests_;
}

void fake_http_server::run() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0)
      continue;
    if (fds[1].revents != 0)
      return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      serve(fd);
      ::close(fd);
    }
  }
}

void fake_http_server::serve(int fd) {
  recorded_request req;
  if (!read_request(fd, req))
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    requests_.push_back(req);
  }
  auto resp = handler_(req);
  if (resp.hang) {
    // Hold the connection until the server stops.
    pollfd stop{stop_pipe_[0], POLLIN, 0};
    ::poll(&stop, 1, -1);
    return;
  }
  send_all(fd, render(resp));
}

std::uint16_t unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace ivm::test
