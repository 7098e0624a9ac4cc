#include "provisioning/tftp/codec.hpp"

#include <algorithm>

namespace ivm::provisioning::tftp {

namespace {

/// Reads big-endian numbers and NUL-terminated strings off the front of a
/// datagram; every read checks the remaining length first.
class reader {
public:
  explicit reader(std::string_view bytes) : rest_(bytes) {
    // nop
  }

  bool u16(std::uint16_t& out) {
    if (rest_.size() < 2)
      return false;
    out =
        static_cast<std::uint16_t>((static_cast<unsigned char>(rest_[0]) << 8) |
                                   static_cast<unsigned char>(rest_[1]));
    rest_.remove_prefix(2);
    return true;
  }

  /// Reads up to the next NUL and skips it; false if there is none.
  bool cstring(std::string_view& out) {
    auto nul = rest_.find('\0');
    if (nul == std::string_view::npos)
      return false;
    out = rest_.substr(0, nul);
    rest_.remove_prefix(nul + 1);
    return true;
  }

  std::string_view rest() const noexcept {
    return rest_;
  }

  bool empty() const noexcept {
    return rest_.empty();
  }

private:
  std::string_view rest_;
};

bool all_nul(std::string_view x) {
  return std::all_of(x.begin(), x.end(), [](char c) { return c == '\0'; });
}

expected<std::vector<option>, parse_error> parse_options(reader& in) {
  std::vector<option> result;
  while (!all_nul(in.rest())) { // trailing NULs are padding
    std::string_view name;
    std::string_view value;
    if (!in.cstring(name))
      return unexpected(parse_error::unterminated);
    if (name.empty())
      return unexpected(parse_error::empty_option_name);
    if (in.empty())
      return unexpected(parse_error::missing_value);
    if (!in.cstring(value))
      return unexpected(parse_error::unterminated);
    for (auto& x : result)
      if (iequals(x.name, name))
        return unexpected(parse_error::duplicate_option);
    if (result.size() == max_options)
      return unexpected(parse_error::too_many_options);
    result.push_back(option{std::string{name}, std::string{value}});
  }
  return result;
}

expected<packet, parse_error> parse_request(reader& in, bool write) {
  std::string_view name;
  std::string_view mode;
  if (!in.cstring(name))
    return unexpected(parse_error::unterminated);
  if (name.empty())
    return unexpected(parse_error::empty_file_name);
  if (name.size() > max_file_name_length)
    return unexpected(parse_error::file_name_too_long);
  if (!in.cstring(mode))
    return unexpected(parse_error::unterminated);
  request result;
  result.write = write;
  result.file_name = std::string{name};
  if (iequals(mode, "octet"))
    result.mode = transfer_mode::octet;
  else if (iequals(mode, "netascii"))
    result.mode = transfer_mode::netascii;
  else if (iequals(mode, "mail"))
    result.mode = transfer_mode::mail;
  else
    return unexpected(parse_error::unknown_mode);
  auto options = parse_options(in);
  if (!options)
    return unexpected(options.error());
  result.options = std::move(*options);
  return packet{std::move(result)};
}

void put_u16(std::string& out, std::uint16_t x) {
  out.push_back(static_cast<char>(x >> 8));
  out.push_back(static_cast<char>(x & 0xFF));
}

void put_cstring(std::string& out, std::string_view x) {
  out.append(x.substr(0, x.find('\0')));
  out.push_back('\0');
}

void put_options(std::string& out, const std::vector<option>& xs) {
  for (auto& x : xs) {
    put_cstring(out, x.name);
    put_cstring(out, x.value);
  }
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::string_view to_string(parse_error x) {
  switch (x) {
    case parse_error::too_short:
      return "packet too short";
    case parse_error::unknown_opcode:
      return "unknown opcode";
    case parse_error::unterminated:
      return "string not terminated";
    case parse_error::empty_file_name:
      return "empty file name";
    case parse_error::file_name_too_long:
      return "file name too long";
    case parse_error::unknown_mode:
      return "unknown mode";
    case parse_error::empty_option_name:
      return "empty option name";
    case parse_error::missing_value:
      return "option without value";
    case parse_error::duplicate_option:
      return "duplicate option";
    case parse_error::too_many_options:
      return "too many options";
  }
  return "?";
}

error_code to_error_code(parse_error x) {
  switch (x) {
    case parse_error::empty_option_name:
    case parse_error::missing_value:
    case parse_error::duplicate_option:
    case parse_error::too_many_options:
      return error_code::option_refused;
    default:
      return error_code::illegal_operation;
  }
}

expected<packet, parse_error> parse(std::string_view bytes) {
  reader in{bytes};
  std::uint16_t op = 0;
  if (!in.u16(op))
    return unexpected(parse_error::too_short);
  switch (static_cast<opcode>(op)) {
    case opcode::rrq:
      return parse_request(in, false);
    case opcode::wrq:
      return parse_request(in, true);
    case opcode::data: {
      data_packet result;
      if (!in.u16(result.block))
        return unexpected(parse_error::too_short);
      result.payload = std::string{in.rest()};
      return packet{std::move(result)};
    }
    case opcode::ack: {
      ack_packet result;
      if (!in.u16(result.block))
        return unexpected(parse_error::too_short);
      return packet{result};
    }
    case opcode::error: {
      error_packet result;
      if (!in.u16(result.code))
        return unexpected(parse_error::too_short);
      std::string_view message;
      if (!in.cstring(message))
        message = in.rest();
      result.message = std::string{message};
      return packet{std::move(result)};
    }
    case opcode::oack: {
      auto options = parse_options(in);
      if (!options)
        return unexpected(options.error());
      return packet{oack_packet{std::move(*options)}};
    }
  }
  return unexpected(parse_error::unknown_opcode);
}

expected<packet, parse_error> parse(const std::uint8_t* data,
                                    std::size_t size) {
  if (size == 0)
    return parse(std::string_view{});
  return parse(std::string_view{reinterpret_cast<const char*>(data), size});
}

// -- writers ------------------------------------------------------------------

std::string serialize(const packet& x) {
  std::string out;
  put_u16(out, static_cast<std::uint16_t>(opcode_of(x)));
  if (auto r = std::get_if<request>(&x)) {
    put_cstring(out, r->file_name);
    put_cstring(out, to_string(r->mode));
    put_options(out, r->options);
  } else if (auto d = std::get_if<data_packet>(&x)) {
    put_u16(out, d->block);
    out.append(d->payload);
  } else if (auto a = std::get_if<ack_packet>(&x)) {
    put_u16(out, a->block);
  } else if (auto e = std::get_if<error_packet>(&x)) {
    put_u16(out, e->code);
    put_cstring(out, e->message);
  } else if (auto o = std::get_if<oack_packet>(&x)) {
    put_options(out, o->options);
  }
  return out;
}

std::string make_data(std::uint16_t block, std::string_view payload) {
  std::string out;
  out.reserve(data_header_size + payload.size());
  put_u16(out, static_cast<std::uint16_t>(opcode::data));
  put_u16(out, block);
  out.append(payload);
  return out;
}

void write_data_header(std::uint16_t block, std::uint8_t* out) {
  out[0] = 0;
  out[1] = static_cast<std::uint8_t>(opcode::data);
  out[2] = static_cast<std::uint8_t>(block >> 8);
  out[3] = static_cast<std::uint8_t>(block & 0xFF);
}

std::string make_ack(std::uint16_t block) {
  std::string out;
  put_u16(out, static_cast<std::uint16_t>(opcode::ack));
  put_u16(out, block);
  return out;
}

std::string make_error(error_code code, std::string_view message) {
  std::string out;
  put_u16(out, static_cast<std::uint16_t>(opcode::error));
  put_u16(out, static_cast<std::uint16_t>(code));
  put_cstring(out, message.empty() ? default_message(code) : message);
  return out;
}

std::string make_oack(const std::vector<option>& options) {
  std::string out;
  put_u16(out, static_cast<std::uint16_t>(opcode::oack));
  put_options(out, options);
  return out;
}

// -- ASCII helpers ------------------------------------------------------------

bool iequals(std::string_view x, std::string_view y) noexcept {
  if (x.size() != y.size())
    return false;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (lower(x[i]) != lower(y[i]))
      return false;
  return true;
}

std::string ascii_lower(std::string_view x) {
  std::string result{x};
  for (auto& c : result)
    c = lower(c);
  return result;
}

} // namespace ivm::provisioning::tftp
