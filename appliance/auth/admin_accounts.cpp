#include "appliance/auth/admin_accounts.hpp"

#include <nlohmann/json.hpp>

#include "appliance/auth/password_hash.hpp"

namespace ivm::auth {

std::string admin_key(std::string_view name) {
  return std::string{admin_key_prefix} + std::string{name};
}

std::string encode(const admin_account& a) {
  return nlohmann::json{
      {"name", a.name}, {"hash", a.hash}, {"created", a.created}}
      .dump();
}

expected<admin_account, std::string> decode_admin(std::string_view bytes) {
  auto doc = nlohmann::json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(std::string{"not a JSON object"});
  admin_account a;
  auto str = [&](const char* k) {
    auto it = doc.find(k);
    return it != doc.end() && it->is_string() ? it->get<std::string>()
                                              : std::string{};
  };
  a.name = str("name");
  a.hash = str("hash");
  a.created = str("created");
  if (!valid_admin_name(a.name) || a.hash.rfind("scrypt$", 0) != 0)
    return unexpected("not an admin account: '" + a.name + "'");
  return a;
}

} // namespace ivm::auth
