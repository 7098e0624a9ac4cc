#include "appliance/ctl/password_input.hpp"

#include <termios.h>
#include <unistd.h>

namespace ivm::ctl {

namespace {

/// Turns terminal echo off for its lifetime.
class echo_off {
public:
  explicit echo_off(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) == 0) {
      auto quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }

  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;

  ~echo_off() {
    if (active_)
      ::tcsetattr(fd_, TCSAFLUSH, &saved_);
  }

private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

std::optional<std::string> read_line(std::FILE* in) {
  std::string line;
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n')
      break;
    line += static_cast<char>(c);
  }
  if (!any)
    return std::nullopt;
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return line;
}

std::optional<std::string> prompt(std::FILE* in, const char* text) {
  std::fputs(text, stderr);
  std::fflush(stderr);
  std::optional<std::string> line;
  {
    echo_off guard{::fileno(in)};
    line = read_line(in);
  }
  std::fputc('\n', stderr);
  return line;
}

} // namespace

std::optional<std::string> read_password(std::FILE* in, std::string& why) {
  if (!::isatty(::fileno(in))) {
    auto line = read_line(in);
    if (!line || line->empty()) {
      why = "no password on stdin (or pass --password)";
      return std::nullopt;
    }
    return line;
  }
  auto first = prompt(in, "New password: ");
  if (!first || first->empty()) {
    why = "no password given";
    return std::nullopt;
  }
  auto second = prompt(in, "Retype password: ");
  if (!second || *second != *first) {
    why = "the passwords do not match";
    return std::nullopt;
  }
  return first;
}

} // namespace ivm::ctl
