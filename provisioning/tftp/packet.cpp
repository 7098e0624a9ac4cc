#include "provisioning/tftp/packet.hpp"

namespace ivm::provisioning::tftp {

std::string_view default_message(error_code x) {
  switch (x) {
    case error_code::not_defined:
      return "Not defined";
    case error_code::file_not_found:
      return "File not found";
    case error_code::access_violation:
      return "Access violation";
    case error_code::disk_full:
      return "Disk full or allocation exceeded";
    case error_code::illegal_operation:
      return "Illegal TFTP operation";
    case error_code::unknown_transfer_id:
      return "Unknown transfer ID";
    case error_code::file_exists:
      return "File already exists";
    case error_code::no_such_user:
      return "No such user";
    case error_code::option_refused:
      return "Option negotiation failed";
  }
  return "Not defined";
}

std::string_view to_string(transfer_mode x) {
  switch (x) {
    case transfer_mode::netascii:
      return "netascii";
    case transfer_mode::octet:
      return "octet";
    case transfer_mode::mail:
      return "mail";
  }
  return "?";
}

opcode opcode_of(const packet& x) {
  struct visitor {
    opcode operator()(const request& r) const {
      return r.write ? opcode::wrq : opcode::rrq;
    }
    opcode operator()(const data_packet&) const {
      return opcode::data;
    }
    opcode operator()(const ack_packet&) const {
      return opcode::ack;
    }
    opcode operator()(const error_packet&) const {
      return opcode::error;
    }
    opcode operator()(const oack_packet&) const {
      return opcode::oack;
    }
  };
  return std::visit(visitor{}, x);
}

} // namespace ivm::provisioning::tftp
