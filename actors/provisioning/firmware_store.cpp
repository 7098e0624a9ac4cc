#include "actors/provisioning/firmware_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "appliance/sip/digest/algorithm.hpp"
#include "provisioning/tftp/file_name.hpp"

namespace ivm::actors::prov {

namespace fs = std::filesystem;

namespace {

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string sha256_file(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return {};
  auto* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::string buf(1 << 16, '\0');
  for (;;) {
    auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return sip::digest::to_hex(
      std::string_view{reinterpret_cast<const char*>(md), len});
}

} // namespace

std::optional<std::string> bad_firmware_name(std::string_view name) {
  auto norm = provisioning::tftp::normalize_file_name(name);
  if (!norm)
    return std::string{provisioning::tftp::to_string(norm.error())};
  if (*norm != name || name.find('/') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos)
    return std::string{"a plain file name, no directories"};
  if (name.front() == '.')
    return std::string{"must not start with '.'"};
  return std::nullopt;
}

expected<firmware_info, std::string> put_firmware(const fs::path& dir,
                                                  const std::string& name,
                                                  std::string_view data) {
  if (auto bad = bad_firmware_name(name))
    return unexpected("bad name: " + *bad);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return unexpected(dir.string() + ": " + ec.message());
  auto tmp = dir / (".upload-" + sip::digest::random_hex(8));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return unexpected(tmp.string() + ": " + std::strerror(errno));
  bool ok = write_all(fd, data) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), (dir / name).c_str()) != 0) {
    auto why = std::string{std::strerror(errno)};
    ::unlink(tmp.c_str());
    return unexpected(name + ": " + why);
  }
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return firmware_info{name, data.size(), sha256_file(dir / name)};
}

std::vector<firmware_info> list_firmware(const fs::path& dir) {
  std::vector<firmware_info> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    auto name = e.path().filename().string();
    if (!e.is_regular_file(ec) || name.empty() || name.front() == '.')
      continue;
    out.push_back({name, static_cast<std::uint64_t>(e.file_size(ec)),
                   sha256_file(e.path())});
  }
  std::sort(out.begin(), out.end(),
            [](auto& x, auto& y) { return x.name < y.name; });
  return out;
}

bool remove_firmware(const fs::path& dir, const std::string& name) {
  if (bad_firmware_name(name))
    return false;
  std::error_code ec;
  return fs::remove(dir / name, ec);
}

std::optional<fs::path> find_firmware(const fs::path& dir,
                                      std::string_view name) {
  if (bad_firmware_name(name))
    return std::nullopt;
  std::error_code ec;
  auto exact = dir / std::string{name};
  if (fs::is_regular_file(exact, ec))
    return exact;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    auto n = e.path().filename().string();
    if (n.size() == name.size() &&
        ::strncasecmp(n.data(), name.data(), n.size()) == 0 &&
        e.is_regular_file(ec) && n.front() != '.')
      return e.path();
  }
  return std::nullopt;
}

} // namespace ivm::actors::prov
