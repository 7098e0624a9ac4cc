#include "console/client/stream_transport.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console/client/byte_stream.hpp"
#include "console/client/tls_channel.hpp"
#include "console/client/trust.hpp"

namespace ivm::admin {

namespace {

constexpr std::size_t max_head = 64 * 1024;
constexpr std::size_t max_refusal = 1024 * 1024;

/// Owns a socket descriptor.
struct socket_guard {
  int fd = -1;
  socket_guard() = default;
  socket_guard(const socket_guard&) = delete;
  socket_guard& operator=(const socket_guard&) = delete;
  ~socket_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

enum class ready { yes, timed_out, cancelled, failed };

/// Waits until `fd` is ready for `events` or `cancel_fd` is readable.
ready wait(int fd, short events, int cancel_fd,
           std::chrono::milliseconds limit) {
  pollfd p[2] = {{fd, events, 0}, {cancel_fd, POLLIN, 0}};
  for (;;) {
    int n = ::poll(p, cancel_fd >= 0 ? 2 : 1, static_cast<int>(limit.count()));
    if (n > 0)
      return cancel_fd >= 0 && (p[1].revents & POLLIN) != 0 ? ready::cancelled
                                                            : ready::yes;
    if (n == 0)
      return ready::timed_out;
    if (errno != EINTR)
      return ready::failed;
  }
}

std::string seconds(std::chrono::milliseconds d) {
  return std::to_string((d.count() + 999) / 1000) + " s";
}

stream_end failed(std::string why) {
  stream_end e;
  e.error = std::move(why);
  return e;
}

stream_end cancelled() {
  stream_end e;
  e.cancelled = true;
  e.error = "stopped";
  return e;
}

/// Connects to the first address of `host:port` that answers.
stream_end connect_to(const std::string& host, std::uint16_t port,
                      std::chrono::milliseconds limit, int cancel_fd,
                      socket_guard& sock) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list))
    return failed("cannot resolve " + host + ": " + ::gai_strerror(rc));
  std::string why = "no address";
  for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                 ai->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        auto r = wait(fd, POLLOUT, cancel_fd, limit);
        if (r == ready::cancelled) {
          ::close(fd);
          ::freeaddrinfo(list);
          return cancelled();
        }
        err = r == ready::timed_out ? ETIMEDOUT : 0;
        socklen_t len = sizeof(err);
        if (r == ready::yes &&
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
          err = errno;
      }
    }
    if (err == 0) {
      sock.fd = fd;
      ::freeaddrinfo(list);
      return {};
    }
    why = err == ETIMEDOUT ? "timed out after " + seconds(limit) + " connecting"
                           : std::string{std::strerror(err)};
    ::close(fd);
  }
  ::freeaddrinfo(list);
  return failed(why);
}

/// The status of a response head ("HTTP/1.1 200 OK\r\n..."), 0 if none.
int status_of(std::string_view head) {
  if (head.substr(0, 7) != "HTTP/1." || head.size() < 12 || head[8] != ' ')
    return 0;
  int s = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(head[i])))
      return 0;
    s = s * 10 + (head[i] - '0');
  }
  return s;
}

bool is_chunked(std::string head) {
  for (auto& c : head)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = head.find("\r\ntransfer-encoding:");
  return at != std::string::npos &&
         head.find("chunked", at) < head.find("\r\n", at + 2);
}

/// The plain TCP connection (the TLS channel's counterpart).
class socket_stream : public detail::byte_stream {
public:
  explicit socket_stream(int fd) : fd_(fd) {
    // nop
  }

  expected<std::size_t, detail::io_error>
  write_some(const char* data, std::size_t size,
             std::chrono::milliseconds limit) override {
    return io(POLLOUT, limit,
              [&] { return ::send(fd_, data, size, MSG_NOSIGNAL); });
  }

  expected<std::size_t, detail::io_error>
  read_some(char* buf, std::size_t size,
            std::chrono::milliseconds limit) override {
    return io(POLLIN, limit, [&] { return ::recv(fd_, buf, size, 0); });
  }

private:
  template <class Op>
  expected<std::size_t, detail::io_error>
  io(short events, std::chrono::milliseconds limit, Op op) {
    for (;;) {
      auto n = op();
      if (n >= 0)
        return static_cast<std::size_t>(n);
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        return unexpected(
            detail::io_error{false, errno == ECONNRESET, std::strerror(errno)});
      int err = detail::wait_for(fd_, events, limit);
      if (err == ETIMEDOUT)
        return unexpected(detail::io_error{true, false, {}});
      if (err != 0)
        return unexpected(detail::io_error{false, false, std::strerror(err)});
    }
  }

  int fd_;
};

/// What one read of the stream brought.
struct piece {
  /// Bytes in the caller's buffer; 0 with no `end`: the peer closed.
  std::size_t size = 0;
  /// Set when the stream ended otherwise (cancelled, silent, broken).
  std::optional<stream_end> end;
  /// The read failed (not a timeout): `end` says why.
  bool broken = false;
};

/// Reads what `conn` has, waiting on `fd` (and `cancel_fd`) only when it
/// has nothing: a TLS session may hold decrypted bytes already, which no
/// poll on the socket would announce. The reads themselves never wait.
piece read_piece(detail::byte_stream& conn, int fd, int cancel_fd,
                 std::chrono::milliseconds idle, char* buf, std::size_t size) {
  piece p;
  for (;;) {
    if (cancel_fd >= 0 && wait(cancel_fd, POLLIN, -1,
                               std::chrono::milliseconds{0}) == ready::yes) {
      p.end = cancelled();
      return p;
    }
    auto n = conn.read_some(buf, size, std::chrono::milliseconds{0});
    if (n) {
      p.size = *n;
      return p;
    }
    if (!n.error().timed_out) {
      p.broken = true;
      p.end = failed(n.error().message);
      return p;
    }
    auto r = wait(fd, POLLIN, cancel_fd, idle);
    if (r == ready::cancelled)
      p.end = cancelled();
    else if (r == ready::timed_out)
      p.end = failed("the box was silent for " + seconds(idle));
    else if (r == ready::failed)
      p.end = failed(std::strerror(errno));
    if (p.end)
      return p;
  }
}

/// Writes the whole request.
std::optional<stream_end> send_request(detail::byte_stream& conn,
                                       const http_request& req,
                                       std::chrono::milliseconds limit) {
  auto wire = serialize(req);
  for (std::size_t sent = 0; sent < wire.size();) {
    auto n = conn.write_some(wire.data() + sent, wire.size() - sent, limit);
    if (!n && n.error().timed_out)
      return failed("timed out sending the request");
    if (!n)
      return failed("sending the request failed: " + n.error().message);
    sent += *n;
  }
  return std::nullopt;
}

} // namespace

stream_end open_stream(const std::string& host, std::uint16_t port,
                       const http_request& req, const stream_limits& limits,
                       int cancel_fd, const std::function<void()>& on_open,
                       const std::function<void(std::string_view)>& on_data) {
  endpoint ep;
  ep.host = host;
  ep.port = port;
  return open_stream(ep, req, limits, cancel_fd, on_open, on_data);
}

stream_end open_stream(const endpoint& ep, const http_request& req,
                       const stream_limits& limits, int cancel_fd,
                       const std::function<void()>& on_open,
                       const std::function<void(std::string_view)>& on_data,
                       const notice_fn& notice) {
  socket_guard sock;
  if (auto e = connect_to(ep.host, ep.port, limits.connect, cancel_fd, sock);
      sock.fd < 0)
    return e;
  socket_stream plain{sock.fd};
  std::unique_ptr<detail::tls_channel> tls;
  if (ep.tls) {
    auto done =
        detail::tls_channel::handshake(sock.fd, ep.host, limits.connect);
    if (!done)
      return failed(
          detail::handshake_failure(ep, done.error(), limits.connect));
    tls = std::move(*done);
    // Judged before a byte of the request (and its token) is written.
    if (auto refusal = detail::check_trust(ep, *tls, notice))
      return failed(*refusal);
  }
  detail::byte_stream& conn =
      tls ? *tls : static_cast<detail::byte_stream&>(plain);
  if (auto e = send_request(conn, req, limits.idle))
    return *e;
  std::string buf;
  int status = -1; // -1: the head has not arrived
  for (;;) {
    char chunk[16384];
    auto got =
        read_piece(conn, sock.fd, cancel_fd, limits.idle, chunk, sizeof chunk);
    if (got.end && !got.broken)
      return *got.end; // cancelled, silent
    if (got.broken && status == 200)
      return failed("the stream broke: " + got.end->error);
    if (got.broken && buf.empty())
      return *got.end;
    // A refusal then a reset: what arrived still counts.
    auto n = static_cast<std::ptrdiff_t>(got.size);
    bool eof = got.broken || n == 0;
    if (n > 0 && status == 200) {
      on_data(std::string_view{chunk, static_cast<std::size_t>(n)});
      continue;
    }
    if (eof && status == 200) {
      stream_end e;
      e.status = 200;
      e.error = "the box closed the stream";
      return e;
    }
    if (n > 0)
      buf.append(chunk, static_cast<std::size_t>(n));
    if (status < 0) {
      auto end = buf.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (eof)
          return failed("bad HTTP response: closed before its head ended");
        if (buf.size() > max_head)
          return failed("bad HTTP response: head larger than 64 KiB");
        continue;
      }
      status = status_of(buf);
      if (status == 0)
        return failed("bad HTTP response: no status line");
      if (status == 200) {
        if (is_chunked(buf.substr(0, end + 2)))
          return failed("chunked event streams are not supported");
        on_open();
        if (buf.size() > end + 4)
          on_data(std::string_view{buf}.substr(end + 4));
        buf.clear();
        continue; // a close is read (and reported) on the next round
      }
    }
    // A refusal: its whole body, for the error text.
    http_response resp;
    std::string why;
    auto state = parse_response(buf, eof, resp, why);
    if (state == parse_state::complete) {
      stream_end e;
      e.status = resp.status;
      e.body = std::move(resp.body);
      e.error = "HTTP " + std::to_string(resp.status);
      return e;
    }
    if (state == parse_state::invalid)
      return failed("bad HTTP response: " + why);
    if (eof || buf.size() > max_refusal) {
      stream_end e;
      e.status = status;
      e.error = "HTTP " + std::to_string(status);
      return e;
    }
  }
}

} // namespace ivm::admin
