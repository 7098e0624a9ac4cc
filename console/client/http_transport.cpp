#include "console/client/http_transport.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console/client/byte_stream.hpp"
#include "console/client/endpoint.hpp"
#include "console/client/tls_channel.hpp"
#include "console/client/trust.hpp"

namespace ivm::admin {

namespace detail {

int wait_for(int fd, short events, std::chrono::milliseconds limit) {
  pollfd pfd{fd, events, 0};
  for (;;) {
    int n = ::poll(&pfd, 1, static_cast<int>(limit.count()));
    if (n > 0)
      return 0;
    if (n == 0)
      return ETIMEDOUT;
    if (errno != EINTR)
      return errno;
  }
}

} // namespace detail

namespace {

using detail::io_error;
using detail::wait_for;

/// Owns a socket descriptor.
class socket_guard {
public:
  explicit socket_guard(int fd) : fd_(fd) {
    // nop
  }

  socket_guard(const socket_guard&) = delete;
  socket_guard& operator=(const socket_guard&) = delete;

  ~socket_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  int get() const {
    return fd_;
  }

private:
  int fd_;
};

std::string seconds_text(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

/// Connects a non-blocking socket to one resolved address.
int connect_one(const addrinfo& ai, std::chrono::milliseconds limit, int& err) {
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai.ai_protocol);
  if (fd < 0) {
    err = errno;
    return -1;
  }
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0)
    return fd;
  if (errno != EINPROGRESS) {
    err = errno;
    ::close(fd);
    return -1;
  }
  err = wait_for(fd, POLLOUT, limit);
  if (err == 0) {
    socklen_t len = sizeof(err);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
      err = errno;
  }
  if (err != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

expected<int, std::string> open_connection(const std::string& host,
                                           std::uint16_t port,
                                           std::chrono::milliseconds limit) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  auto service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0)
    return unexpected("cannot resolve " + host + ": " + ::gai_strerror(rc));
  int err = 0;
  int fd = -1;
  for (auto* ai = list; ai != nullptr && fd < 0; ai = ai->ai_next)
    fd = connect_one(*ai, limit, err);
  ::freeaddrinfo(list);
  if (fd >= 0)
    return fd;
  if (err == ETIMEDOUT)
    return unexpected("timed out after " + seconds_text(limit) + " connecting");
  return unexpected(std::string{std::strerror(err)});
}

/// A plain TCP connection.
class plain_stream : public detail::byte_stream {
public:
  explicit plain_stream(int fd) : fd_(fd) {
    // nop
  }

  expected<std::size_t, io_error>
  write_some(const char* data, std::size_t size,
             std::chrono::milliseconds limit) override {
    for (;;) {
      auto n = ::send(fd_, data, size, MSG_NOSIGNAL);
      if (n > 0)
        return static_cast<std::size_t>(n);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (auto err = wait(POLLOUT, limit))
          return unexpected(*err);
        continue;
      }
      return unexpected(io_error{false, false, std::strerror(errno)});
    }
  }

  expected<std::size_t, io_error>
  read_some(char* buf, std::size_t size,
            std::chrono::milliseconds limit) override {
    for (;;) {
      auto n = ::recv(fd_, buf, size, 0);
      if (n >= 0)
        return static_cast<std::size_t>(n);
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (auto err = wait(POLLIN, limit))
          return unexpected(*err);
        continue;
      }
      return unexpected(
          io_error{false, errno == ECONNRESET, std::strerror(errno)});
    }
  }

private:
  std::optional<io_error> wait(short events, std::chrono::milliseconds limit) {
    int err = wait_for(fd_, events, limit);
    if (err == ETIMEDOUT)
      return io_error{true, false, {}};
    if (err != 0)
      return io_error{false, false, std::strerror(err)};
    return std::nullopt;
  }

  int fd_;
};

/// "timed out after 10 s <doing>" or the error's message.
std::string describe(const io_error& err, std::chrono::milliseconds limit,
                     const char* doing) {
  if (err.timed_out)
    return "timed out after " + seconds_text(limit) + ' ' + doing;
  return err.message;
}

/// Writes the request and reads the whole response.
expected<http_response, std::string> talk(detail::byte_stream& conn,
                                          const http_request& req,
                                          const timeouts& limits) {
  auto wire = serialize(req);
  std::size_t sent = 0;
  while (sent < wire.size()) {
    auto n = conn.write_some(wire.data() + sent, wire.size() - sent, limits.io);
    if (!n) {
      if (n.error().timed_out)
        return unexpected(
            describe(n.error(), limits.io, "sending the request"));
      return unexpected("sending the request failed: " + n.error().message);
    }
    sent += *n;
  }
  std::string buf;
  http_response resp;
  std::string error;
  bool eof = false;
  for (;;) {
    if (!buf.empty() || eof) {
      switch (parse_response(buf, eof, resp, error)) {
        case parse_state::complete:
          return resp;
        case parse_state::invalid:
          return unexpected("bad HTTP response: " + error);
        case parse_state::need_more:
          if (eof)
            return unexpected(std::string{"bad HTTP response: connection "
                                          "closed before the end"});
          break;
      }
    }
    char chunk[8192];
    auto n = conn.read_some(chunk, sizeof(chunk), limits.io);
    if (!n && n.error().reset && !buf.empty()) {
      eof = true;
      continue;
    }
    if (!n) {
      if (n.error().timed_out)
        return unexpected(
            describe(n.error(), limits.io, "waiting for the response"));
      return unexpected("reading the response failed: " + n.error().message);
    }
    if (*n == 0) {
      eof = true;
      continue;
    }
    buf.append(chunk, *n);
    if (buf.size() > 16 * 1024 * 1024)
      return unexpected(std::string{"response larger than 16 MiB"});
  }
}

} // namespace

expected<http_response, std::string> exchange(const std::string& host,
                                              std::uint16_t port,
                                              const http_request& req,
                                              const timeouts& limits) {
  auto fd_or_err = open_connection(host, port, limits.connect);
  if (!fd_or_err)
    return unexpected(fd_or_err.error());
  socket_guard sock{*fd_or_err};
  plain_stream conn{sock.get()};
  return talk(conn, req, limits);
}

expected<http_response, std::string> exchange(const endpoint& ep,
                                              const http_request& req,
                                              const timeouts& limits,
                                              const notice_fn& notice) {
  if (!ep.tls)
    return exchange(ep.host, ep.port, req, limits);
  auto fd_or_err = open_connection(ep.host, ep.port, limits.connect);
  if (!fd_or_err)
    return unexpected(fd_or_err.error());
  socket_guard sock{*fd_or_err};
  auto tls =
      detail::tls_channel::handshake(sock.get(), ep.host, limits.connect);
  if (!tls)
    return unexpected(
        detail::handshake_failure(ep, tls.error(), limits.connect));
  // Checked after the handshake, before a byte of the request (and its
  // token or password) is written.
  if (auto refusal = detail::check_trust(ep, **tls, notice))
    return unexpected(*refusal);
  return talk(**tls, req, limits);
}

} // namespace ivm::admin
