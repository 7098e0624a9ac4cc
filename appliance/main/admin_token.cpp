#include "appliance/main/admin_token.hpp"

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::app {

namespace {

// Writes `text` to `path` with mode 0600 via a temp file + rename.
std::optional<std::string> write_private(const std::filesystem::path& path,
                                         const std::string& text) {
  auto tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    return tmp + ": cannot create";
  bool ok = ::write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return path.string() + ": cannot write";
  }
  return std::nullopt;
}

} // namespace

expected<admin_token, std::string>
ensure_admin_token(const std::filesystem::path& data_dir) {
  return ensure_secret(data_dir, "admin-token", 32);
}

expected<admin_token, std::string>
ensure_secret(const std::filesystem::path& data_dir, const std::string& name,
              std::size_t bytes) {
  auto path = data_dir / name;
  std::ifstream in{path};
  if (in) {
    std::string token{std::istreambuf_iterator<char>{in}, {}};
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
      token.pop_back();
    if (token.size() >= 16)
      return admin_token{token, false};
  }
  admin_token out{sip::digest::random_hex(bytes), true};
  if (auto err = write_private(path, out.token + "\n"))
    return unexpected(*err);
  return out;
}

std::optional<std::string> write_admin_json(const std::filesystem::path& dir,
                                            const std::string& url,
                                            const std::string& token) {
  nlohmann::json j{{"url", url}, {"token", token}};
  return write_private(dir / "admin.json", j.dump() + "\n");
}

} // namespace ivm::app
