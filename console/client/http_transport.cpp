#include "console/client/http_transport.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ivm::admin {

namespace {

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

/// Waits until `fd` is ready for `events`; 0 on success, else an errno-like
/// value (ETIMEDOUT on timeout).
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

} // namespace

expected<http_response, std::string> exchange(const std::string& host,
                                              std::uint16_t port,
                                              const http_request& req,
                                              const timeouts& limits) {
  auto fd_or_err = open_connection(host, port, limits.connect);
  if (!fd_or_err)
    return unexpected(fd_or_err.error());
  socket_guard sock{*fd_or_err};
  auto wire = serialize(req);
  std::size_t sent = 0;
  while (sent < wire.size()) {
    auto n = ::send(sock.get(), wire.data() + sent, wire.size() - sent,
                    MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int err = wait_for(sock.get(), POLLOUT, limits.io);
      if (err == ETIMEDOUT)
        return unexpected("timed out after " + seconds_text(limits.io) +
                          " sending the request");
      if (err != 0)
        return unexpected(std::string{std::strerror(err)});
      continue;
    }
    return unexpected("sending the request failed: " +
                      std::string{std::strerror(errno)});
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
    int err = wait_for(sock.get(), POLLIN, limits.io);
    if (err == ETIMEDOUT)
      return unexpected("timed out after " + seconds_text(limits.io) +
                        " waiting for the response");
    if (err != 0)
      return unexpected(std::string{std::strerror(err)});
    char chunk[8192];
    auto n = ::recv(sock.get(), chunk, sizeof(chunk), 0);
    if (n > 0) {
      buf.append(chunk, static_cast<std::size_t>(n));
      if (buf.size() > 16 * 1024 * 1024)
        return unexpected(std::string{"response larger than 16 MiB"});
    } else if (n == 0) {
      eof = true;
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      if (errno == ECONNRESET && !buf.empty())
        eof = true;
      else
        return unexpected("reading the response failed: " +
                          std::string{std::strerror(errno)});
    }
  }
}

} // namespace ivm::admin
