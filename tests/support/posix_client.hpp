#pragma once

// Plain POSIX sockets for tests: a client nobody in this project wrote on
// top of Asio, so tests do not share the code they check.

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace ivm::test {

inline sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// Connects to 127.0.0.1:port; returns the fd or -1.
inline int tcp_connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline void send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    auto n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    off += static_cast<std::size_t>(n);
  }
}

/// Reads until the peer closes (or an error).
inline std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0)
      return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

/// Reads until `out` holds at least `n` bytes or the peer closes.
inline std::string read_n(int fd, std::size_t n) {
  std::string out;
  char buf[4096];
  while (out.size() < n) {
    auto k = ::recv(fd, buf, sizeof(buf), 0);
    if (k <= 0)
      break;
    out.append(buf, static_cast<std::size_t>(k));
  }
  return out;
}

} // namespace ivm::test
