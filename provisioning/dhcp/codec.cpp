#include "provisioning/dhcp/codec.hpp"

#include <algorithm>

#include "provisioning/dhcp/bytes.hpp"

namespace ivm::provisioning::dhcp {

namespace {

constexpr std::size_t sname_offset = 44;
constexpr std::size_t sname_size = 64;
constexpr std::size_t file_offset = 108;
constexpr std::size_t file_size = 128;
constexpr std::uint8_t magic_cookie[] = {99, 130, 83, 99};

/// An option instance as found on the wire: a view into the input.
struct instance {
  std::uint8_t code;
  const std::uint8_t* data;
  std::size_t size;
};

/// Scans one field (options, file or sname) into `out`. Pad is skipped,
/// END stops the scan, a field without END ends at its last whole option.
bool scan_field(const std::uint8_t* p, std::size_t n,
                std::vector<instance>& out) {
  std::size_t i = 0;
  while (i < n) {
    auto code = p[i];
    if (code == codes::pad) {
      ++i;
      continue;
    }
    if (code == codes::end)
      return true;
    if (i + 1 >= n)
      return false;
    std::size_t len = p[i + 1];
    if (len > n - i - 2)
      return false;
    out.push_back(instance{code, p + i + 2, len});
    i += 2 + len;
  }
  return true;
}

std::string field_text(const std::uint8_t* p, std::size_t n) {
  auto last = std::find(p, p + n, std::uint8_t{0});
  return std::string(p, last);
}

/// Concatenates instances of the same code in order (RFC 3396 §7).
std::vector<option> aggregate(const std::vector<instance>& xs) {
  std::vector<option> result;
  for (auto& x : xs) {
    auto i = std::find_if(result.begin(), result.end(),
                          [&x](const option& y) { return y.code == x.code; });
    if (i == result.end()) {
      result.push_back(option{x.code, bytes(x.data, x.data + x.size)});
    } else {
      i->data.insert(i->data.end(), x.data, x.data + x.size);
    }
  }
  return result;
}

void put_address(bytes& out, ipv4_address x) {
  detail::put32(out, x.value());
}

void put_text_field(bytes& out, const std::string& text, std::size_t size) {
  auto n = std::min(text.size(), size);
  out.insert(out.end(), text.begin(), text.begin() + static_cast<long>(n));
  out.insert(out.end(), size - n, 0);
}

/// Encodes `opts` as instances of at most 255 octets each.
std::vector<bytes> encode_instances(const std::vector<option>& opts) {
  std::vector<bytes> result;
  for (auto& x : opts) {
    if (x.code == codes::pad || x.code == codes::end ||
        x.code == codes::overload)
      continue;
    std::size_t pos = 0;
    do {
      auto n = std::min<std::size_t>(255, x.data.size() - pos);
      bytes one{x.code, static_cast<std::uint8_t>(n)};
      one.insert(one.end(), x.data.begin() + static_cast<long>(pos),
                 x.data.begin() + static_cast<long>(pos + n));
      result.push_back(std::move(one));
      pos += n;
    } while (pos < x.data.size());
  }
  return result;
}

/// Places instances into the options field, `file` and `sname` in that
/// order (whole instances, each field closed by END). Returns false if they
/// do not fit.
bool lay_out(const std::vector<bytes>& xs, std::size_t options_room,
             bytes& options, bytes& file, bytes& sname) {
  bytes* fields[] = {&options, &file, &sname};
  std::size_t rooms[] = {options_room, file_size - 1, sname_size - 1};
  std::size_t field = 0;
  for (auto& x : xs) {
    while (field < 3 && fields[field]->size() + x.size() > rooms[field])
      ++field;
    if (field == 3)
      return false;
    fields[field]->insert(fields[field]->end(), x.begin(), x.end());
  }
  return true;
}

} // namespace

std::string_view to_string(parse_error x) {
  switch (x) {
    case parse_error::too_short:
      return "too_short";
    case parse_error::bad_op:
      return "bad_op";
    case parse_error::bad_hlen:
      return "bad_hlen";
    case parse_error::bad_magic_cookie:
      return "bad_magic_cookie";
    case parse_error::truncated_option:
      return "truncated_option";
    case parse_error::bad_overload:
      return "bad_overload";
  }
  return "unknown";
}

expected<packet, parse_error> parse(const std::uint8_t* data,
                                    std::size_t size) {
  if (data == nullptr || size < min_message_size)
    return unexpected(parse_error::too_short);
  if (data[0] != 1 && data[0] != 2)
    return unexpected(parse_error::bad_op);
  if (data[2] > 16)
    return unexpected(parse_error::bad_hlen);
  if (!std::equal(std::begin(magic_cookie), std::end(magic_cookie),
                  data + header_size))
    return unexpected(parse_error::bad_magic_cookie);
  packet msg;
  msg.op = static_cast<op_code>(data[0]);
  msg.htype = data[1];
  msg.hlen = data[2];
  msg.hops = data[3];
  msg.xid = detail::read32(data + 4);
  msg.secs = detail::read16(data + 8);
  msg.flags = detail::read16(data + 10);
  msg.ciaddr = ipv4_address{detail::read32(data + 12)};
  msg.yiaddr = ipv4_address{detail::read32(data + 16)};
  msg.siaddr = ipv4_address{detail::read32(data + 20)};
  msg.giaddr = ipv4_address{detail::read32(data + 24)};
  std::copy_n(data + 28, 16, msg.chaddr.begin());
  std::vector<instance> found;
  if (!scan_field(data + min_message_size, size - min_message_size, found))
    return unexpected(parse_error::truncated_option);
  // Option 52 (RFC 2132 §9.3) only counts in the options field.
  std::uint8_t overload = 0;
  std::size_t overload_octets = 0;
  for (auto& x : found)
    if (x.code == codes::overload) {
      overload_octets += x.size;
      if (x.size == 1)
        overload = x.data[0];
    }
  if (overload_octets > 0 &&
      (overload_octets != 1 || overload < 1 || overload > 3))
    return unexpected(parse_error::bad_overload);
  if ((overload & 1) != 0 && !scan_field(data + file_offset, file_size, found))
    return unexpected(parse_error::truncated_option);
  if ((overload & 2) != 0 &&
      !scan_field(data + sname_offset, sname_size, found))
    return unexpected(parse_error::truncated_option);
  // Option 52 inside file/sname is meaningless: drop it with the original.
  found.erase(std::remove_if(
                  found.begin(), found.end(),
                  [](const instance& x) { return x.code == codes::overload; }),
              found.end());
  msg.options = aggregate(found);
  if ((overload & 2) == 0)
    msg.sname = field_text(data + sname_offset, sname_size);
  if ((overload & 1) == 0)
    msg.file = field_text(data + file_offset, file_size);
  return msg;
}

expected<packet, parse_error> parse(std::string_view data) {
  return parse(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
}

bytes serialize(const packet& msg, std::size_t max_size) {
  auto instances = encode_instances(msg.options);
  std::size_t total = 0;
  for (auto& x : instances)
    total += x.size();
  bytes options;
  bytes file;
  bytes sname;
  bool overload = false;
  if (max_size != 0 && min_message_size + total + 1 > max_size &&
      msg.sname.empty() && msg.file.empty() &&
      max_size >= min_message_size + 4) {
    // Room in the options field: minus option 52 (3) and END (1).
    overload = lay_out(instances, max_size - min_message_size - 4, options,
                       file, sname);
  }
  if (!overload) {
    options.clear();
    for (auto& x : instances)
      options.insert(options.end(), x.begin(), x.end());
  }
  bytes out;
  out.reserve(min_message_size + options.size() + 4);
  out.push_back(static_cast<std::uint8_t>(msg.op));
  out.push_back(msg.htype);
  out.push_back(msg.hlen);
  out.push_back(msg.hops);
  detail::put32(out, msg.xid);
  detail::put16(out, msg.secs);
  detail::put16(out, msg.flags);
  put_address(out, msg.ciaddr);
  put_address(out, msg.yiaddr);
  put_address(out, msg.siaddr);
  put_address(out, msg.giaddr);
  out.insert(out.end(), msg.chaddr.begin(), msg.chaddr.end());
  std::uint8_t overload_value = 0;
  if (overload) {
    overload_value = static_cast<std::uint8_t>((file.empty() ? 0 : 1) |
                                               (sname.empty() ? 0 : 2));
    if (!sname.empty())
      sname.push_back(codes::end);
    if (!file.empty())
      file.push_back(codes::end);
    put_text_field(out, std::string(sname.begin(), sname.end()), sname_size);
    put_text_field(out, std::string(file.begin(), file.end()), file_size);
  } else {
    put_text_field(out, msg.sname, sname_size);
    put_text_field(out, msg.file, file_size);
  }
  out.insert(out.end(), std::begin(magic_cookie), std::end(magic_cookie));
  if (overload_value != 0) {
    out.push_back(codes::overload);
    out.push_back(1);
    out.push_back(overload_value);
  }
  out.insert(out.end(), options.begin(), options.end());
  out.push_back(codes::end);
  return out;
}

} // namespace ivm::provisioning::dhcp
