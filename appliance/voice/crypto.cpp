#include "appliance/voice/crypto.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace ivm::voice {

namespace {

constexpr std::string_view magic = "IVMV\x01";
constexpr std::size_t key_size = 32;
constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// AES-256-GCM encryption: returns ciphertext, sets `tag`.
std::string gcm_encrypt(std::string_view key, std::string_view nonce,
                        std::string_view aad, std::string_view plain,
                        std::string& tag) {
  ctx_ptr ctx{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
  std::string out(plain.size(), '\0');
  int len = 0;
  tag.assign(tag_size, '\0');
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                          static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, u8(key), u8(nonce)) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(aad),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                        &len, u8(plain), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG,
                          static_cast<int>(tag_size), tag.data()) != 1)
    throw std::runtime_error("AES-256-GCM encryption failed");
  return out;
}

std::optional<std::string>
gcm_decrypt(std::string_view key, std::string_view nonce, std::string_view aad,
            std::string_view cipher, std::string_view tag) {
  ctx_ptr ctx{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
  std::string out(cipher.size(), '\0');
  int len = 0;
  std::string t{tag};
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                          static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, u8(key), u8(nonce)) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(aad),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                        &len, u8(cipher),
                        static_cast<int>(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                          static_cast<int>(t.size()), t.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), nullptr, &len) != 1)
    return std::nullopt;
  return out;
}

} // namespace

expected<master_key, std::string>
load_or_create_master_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0)
      return unexpected(path + ": readable by others (chmod 600 it)");
    std::ifstream in(path, std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
    if (key.size() != key_size)
      return unexpected(path + ": not a 32-byte key");
    return key;
  }
  auto key = random_bytes(key_size);
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return unexpected("cannot create " + tmp);
  bool ok =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return unexpected("cannot write " + path);
  }
  return key;
}

std::string seal(std::string_view plain, const master_key& master,
                 std::string_view aad) {
  auto msg_key = random_bytes(key_size);
  auto wrap_nonce = random_bytes(nonce_size);
  std::string wrap_tag;
  auto wrapped = gcm_encrypt(master, wrap_nonce, aad, msg_key, wrap_tag);
  auto nonce = random_bytes(nonce_size);
  std::string tag;
  auto cipher = gcm_encrypt(msg_key, nonce, aad, plain, tag);
  std::string out;
  out.reserve(magic.size() + nonce_size * 2 + key_size + tag_size * 2 +
              cipher.size());
  out.append(magic).append(wrap_nonce).append(wrapped).append(wrap_tag);
  out.append(nonce).append(tag).append(cipher);
  return out;
}

expected<std::string, std::string>
open(std::string_view sealed, const master_key& master, std::string_view aad) {
  constexpr auto head =
      magic.size() + nonce_size + key_size + tag_size + nonce_size + tag_size;
  if (sealed.size() < head || sealed.substr(0, magic.size()) != magic)
    return unexpected(std::string{"not a sealed voice message"});
  auto p = magic.size();
  auto wrap_nonce = sealed.substr(p, nonce_size);
  p += nonce_size;
  auto wrapped = sealed.substr(p, key_size);
  p += key_size;
  auto wrap_tag = sealed.substr(p, tag_size);
  p += tag_size;
  auto nonce = sealed.substr(p, nonce_size);
  p += nonce_size;
  auto tag = sealed.substr(p, tag_size);
  p += tag_size;
  auto key = gcm_decrypt(master, wrap_nonce, aad, wrapped, wrap_tag);
  if (!key)
    return unexpected(std::string{"wrong key or damaged message"});
  auto plain = gcm_decrypt(*key, nonce, aad, sealed.substr(p), tag);
  if (!plain)
    return unexpected(std::string{"wrong key or damaged message"});
  return *plain;
}

std::string random_password(std::size_t length) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    for (unsigned char c : random_bytes(length)) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally
      // likely.
      if (c < 248 && out.size() < length)
        out.push_back(alphabet[c % alphabet.size()]);
    }
  }
  return out;
}

} // namespace ivm::voice
