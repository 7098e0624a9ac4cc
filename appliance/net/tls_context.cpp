#include "appliance/net/tls_context.hpp"

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "appliance/net/tls_context_impl.hpp"

namespace ivm::net {

namespace {

std::string openssl_error() {
  auto code = ERR_get_error();
  if (code == 0)
    return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

std::string sha256_fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1)
    return {};
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof(hex), i == 0 ? "%02X" : ":%02X", md[i]);
    out += hex;
  }
  return out;
}

bool add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  auto ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext)
    return false;
  auto ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Writes with `mode` via a temp file + rename, so a crash never leaves half
// a key behind.
template <class Writer>
expected<bool, std::string> write_pem(const std::filesystem::path& path,
                                      mode_t mode, Writer writer) {
  auto tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0)
    return unexpected(tmp + ": cannot create");
  FILE* f = fdopen(fd, "w");
  bool ok = f && writer(f);
  if (f) {
    ok = std::fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    std::fclose(f);
  }
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return unexpected(path.string() + ": cannot write");
  }
  return true;
}

} // namespace

tls_context::tls_context(std::unique_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

tls_context::~tls_context() = default;

const std::string& tls_context::fingerprint() const noexcept {
  return impl_->fingerprint;
}

expected<std::shared_ptr<tls_context>, std::string>
tls_context::load(const std::filesystem::path& certificate,
                  const std::filesystem::path& private_key) {
  auto ptr = std::make_unique<impl>();
  namespace ssl = boost::asio::ssl;
  ptr->ctx.set_options(ssl::context::default_workarounds |
                       ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  ptr->ctx.use_certificate_chain_file(certificate.string(), ec);
  if (ec)
    return unexpected(certificate.string() + ": " + ec.message());
  ptr->ctx.use_private_key_file(private_key.string(), ssl::context::pem, ec);
  if (ec)
    return unexpected(private_key.string() + ": " + ec.message());
  if (SSL_CTX_check_private_key(ptr->ctx.native_handle()) != 1)
    return unexpected(private_key.string() +
                      ": does not match the certificate");
  if (auto cert = SSL_CTX_get0_certificate(ptr->ctx.native_handle()))
    ptr->fingerprint = sha256_fingerprint(cert);
  return std::shared_ptr<tls_context>(new tls_context(std::move(ptr)));
}

expected<bool, std::string>
ensure_self_signed(const std::filesystem::path& certificate,
                   const std::filesystem::path& private_key,
                   const std::string& common_name) {
  std::error_code fs_ec;
  if (std::filesystem::exists(certificate, fs_ec) &&
      std::filesystem::exists(private_key, fs_ec))
    return false;
  std::filesystem::create_directories(certificate.parent_path(), fs_ec);
  std::filesystem::create_directories(private_key.parent_path(), fs_ec);
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key)
    return unexpected("key generation failed: " + openssl_error());
  X509* cert = X509_new();
  std::string failure;
  auto name = X509_get_subject_name(cert);
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert),
                   static_cast<long>(::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("IVM appliance"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  bool is_ip = common_name.find_first_not_of("0123456789.:abcdefABCDEF") ==
               std::string::npos;
  std::string san = (is_ip ? "IP:" : "DNS:") + common_name;
  if (common_name != "127.0.0.1")
    san += ",IP:127.0.0.1";
  if (!add_ext(cert, NID_subject_alt_name, san.c_str()) ||
      !add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(cert, NID_ext_key_usage, "serverAuth,clientAuth") ||
      X509_sign(cert, key, EVP_sha256()) == 0)
    failure = "certificate creation failed: " + openssl_error();
  expected<bool, std::string> result = true;
  if (failure.empty())
    result = write_pem(private_key, 0600, [key](FILE* f) {
      return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr,
                                  nullptr) == 1;
    });
  if (failure.empty() && result)
    result = write_pem(certificate, 0644, [cert](FILE* f) {
      return PEM_write_X509(f, cert) == 1;
    });
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!failure.empty())
    return unexpected(failure);
  return result;
}

std::string certificate_fingerprint(x509_st* cert) {
  return sha256_fingerprint(cert);
}

} // namespace ivm::net
