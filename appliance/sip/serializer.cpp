#include "appliance/sip/serializer.hpp"

namespace ivm::sip {

namespace {

void append_header(std::string& out, std::string_view name,
                   std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

} // namespace

std::string serialize(const message& msg, const serialize_options& opts) {
  size_t size = msg.body.size() + 64;
  for (auto& hdr : msg.headers)
    size += hdr.name.size() + hdr.value.size() + 4;
  std::string out;
  out.reserve(size);
  if (msg.is_request()) {
    out += msg.method;
    out += ' ';
    out += msg.request_uri;
    out += ' ';
    out += msg.version;
  } else {
    out += msg.version;
    out += ' ';
    out += std::to_string(msg.status_code);
    out += ' ';
    out += msg.reason;
  }
  out += "\r\n";
  auto length = std::to_string(msg.body.size());
  bool length_written = false;
  for (auto& hdr : msg.headers) {
    std::string_view name =
        opts.long_names ? hdr.canonical_name() : std::string_view{hdr.name};
    if (hdr.id == header_id::content_length) {
      if (!length_written)
        append_header(out, name, length);
      length_written = true;
      continue;
    }
    append_header(out, name, hdr.value);
  }
  if (!length_written)
    append_header(out, "Content-Length", length);
  out += "\r\n";
  out += msg.body;
  return out;
}

} // namespace ivm::sip
