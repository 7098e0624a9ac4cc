#include "appliance/sip/digest/challenge.hpp"

namespace ivm::sip::digest {

void append_quoted(std::string& out, std::string_view str) {
  out += '"';
  for (auto ch : str) {
    auto byte = static_cast<unsigned char>(ch);
    if ((byte < 0x20 && ch != '\t') || byte == 0x7f)
      continue;
    if (ch == '"' || ch == '\\')
      out += '\\';
    out += ch;
  }
  out += '"';
}

std::string to_header_value(const challenge& c) {
  std::string result = "Digest realm=";
  append_quoted(result, c.realm);
  result += ", nonce=";
  append_quoted(result, c.nonce);
  if (!c.opaque.empty()) {
    result += ", opaque=";
    append_quoted(result, c.opaque);
  }
  result += ", algorithm=";
  result += to_string(c.alg);
  result += ", qop=\"auth\"";
  if (c.stale)
    result += ", stale=TRUE";
  return result;
}

} // namespace ivm::sip::digest
