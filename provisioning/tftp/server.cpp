#include "provisioning/tftp/server.hpp"

#include "provisioning/tftp/codec.hpp"
#include "provisioning/tftp/file_name.hpp"

namespace ivm::provisioning::tftp {

namespace {

bool is_error_packet(std::string_view datagram) {
  return datagram.size() >= 2 && datagram[0] == '\0' &&
         static_cast<unsigned char>(datagram[1]) ==
             static_cast<unsigned char>(opcode::error);
}

refusal refuse(error_code code, std::string_view message) {
  return refusal{code, std::string{message}, true};
}

} // namespace

std::string refusal::bytes() const {
  return make_error(code, message);
}

expected<read_request, refusal> screen_request(std::string_view datagram) {
  if (is_error_packet(datagram))
    return unexpected(refusal{error_code::not_defined, "ERROR packet", false});
  auto x = parse(datagram);
  if (!x)
    return unexpected(refuse(to_error_code(x.error()), to_string(x.error())));
  auto req = std::get_if<request>(&*x);
  if (req == nullptr)
    return unexpected(
        refuse(error_code::illegal_operation, "expected a read request"));
  if (req->write)
    return unexpected(refuse(error_code::access_violation, "read-only server"));
  if (req->mode == transfer_mode::mail)
    return unexpected(
        refuse(error_code::illegal_operation, "mail mode not supported"));
  auto name = normalize_file_name(req->file_name);
  if (!name)
    return unexpected(
        refuse(to_error_code(name.error()), to_string(name.error())));
  read_request result;
  result.key = lookup_key(*name);
  result.file_name = std::move(*name);
  result.mode = req->mode;
  result.options = std::move(req->options);
  return result;
}

std::string not_found(std::string_view message) {
  return make_error(error_code::file_not_found, message);
}

std::optional<std::string> wrong_tid_reply(std::string_view datagram) {
  if (is_error_packet(datagram))
    return std::nullopt;
  return make_error(error_code::unknown_transfer_id);
}

} // namespace ivm::provisioning::tftp
