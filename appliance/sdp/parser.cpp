#include "appliance/sdp/parser.hpp"

#include "appliance/sdp/attribute_parser.hpp"
#include "appliance/sdp/text.hpp"

namespace ivm::sdp {

namespace {

using detail::iequals;
using detail::parse_uint;
using detail::split_fields;

std::optional<address_type> address_type_of(std::string_view s) {
  if (s == "IP4")
    return address_type::ip4;
  if (s == "IP6")
    return address_type::ip6;
  return std::nullopt;
}

bool valid_address(std::string_view s) {
  if (s.empty() || s.size() > 255)
    return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || c == '.' || c == ':' || c == '-' ||
              c == '/' || c == '%' || c == '_';
    if (!ok)
      return false;
  }
  return true;
}

// "IN IP4 192.0.2.1" (RFC 4566 §5.7).
const char* parse_connection(std::string_view v, connection& out) {
  auto f = split_fields(v, 3);
  if (!f || f->size() != 3)
    return "malformed c= line";
  if ((*f)[0] != "IN")
    return "unsupported network type";
  auto type = address_type_of((*f)[1]);
  if (!type)
    return "unsupported address type";
  if (!valid_address((*f)[2]))
    return "bad connection address";
  out.type = *type;
  out.address = std::string{(*f)[2]};
  return nullptr;
}

// "<user> <id> <version> IN <type> <address>" (§5.2).
const char* parse_origin(std::string_view v, origin& out) {
  auto f = split_fields(v, 6);
  if (!f || f->size() != 6)
    return "malformed o= line";
  for (std::size_t i = 0; i < 3; ++i)
    if ((*f)[i].size() > 128)
      return "malformed o= line";
  if ((*f)[3] != "IN")
    return "unsupported network type";
  auto type = address_type_of((*f)[4]);
  if (!type)
    return "unsupported address type";
  if (!valid_address((*f)[5]))
    return "bad origin address";
  out.username = std::string{(*f)[0]};
  out.session_id = std::string{(*f)[1]};
  out.session_version = std::string{(*f)[2]};
  out.type = *type;
  out.address = std::string{(*f)[5]};
  return nullptr;
}

// "<media> <port>[/<count>] <proto> <fmt> ..." (§5.14).
const char* parse_media(std::string_view v, const parse_limits& limits,
                        media_description& m) {
  auto f = split_fields(v, 3 + limits.max_formats);
  if (!f)
    return "too many formats";
  if (f->size() < 4)
    return "malformed m= line";
  m.media = std::string{(*f)[0]};
  if (m.media.size() > 32)
    return "malformed m= line";
  auto port_field = (*f)[1];
  auto slash = port_field.find('/');
  auto port = parse_uint(port_field.substr(0, slash), 65535, 5);
  if (!port)
    return "bad media port";
  m.port = static_cast<std::uint16_t>(*port);
  if (slash != std::string_view::npos) {
    auto count = parse_uint(port_field.substr(slash + 1), 65535, 5);
    if (!count || *count == 0)
      return "bad media port count";
    m.port_count = static_cast<std::uint32_t>(*count);
  }
  m.proto = std::string{(*f)[2]};
  if (m.proto.size() > 64)
    return "malformed m= line";
  if (iequals(m.proto, "RTP/AVP"))
    m.kind = transport::rtp_avp;
  else if (iequals(m.proto, "RTP/SAVP"))
    m.kind = transport::rtp_savp;
  else
    m.kind = transport::other;
  bool rtp = m.kind != transport::other;
  for (std::size_t i = 3; i < f->size(); ++i) {
    auto fmt = (*f)[i];
    if (rtp && !parse_uint(fmt, 127, 3))
      return "bad RTP payload type";
    if (fmt.size() > 64)
      return "malformed m= line";
    m.formats.emplace_back(fmt);
  }
  return nullptr;
}

std::size_t attribute_count(const media_description& m) {
  return m.attributes.size() + m.rtpmaps.size() + m.fmtps.size();
}

struct state {
  const parse_limits& limits;
  session_description s;
  bool have_origin = false;
  bool have_name = false;
  bool have_time = false;
};

// One line after "v=0"; `type` and `v` are its letter and value.
const char* parse_line(state& st, char type, std::string_view v) {
  auto& s = st.s;
  media_description* m = s.media.empty() ? nullptr : &s.media.back();
  switch (type) {
    case 'v':
      return "repeated v= line";
    case 'o':
      if (st.have_origin || m != nullptr)
        return "misplaced o= line";
      st.have_origin = true;
      return parse_origin(v, s.orig);
    case 's':
      if (st.have_name || m != nullptr)
        return "misplaced s= line";
      st.have_name = true;
      s.name = std::string{v};
      return nullptr;
    case 'c': {
      auto& target = m != nullptr ? m->conn : s.conn;
      if (target)
        return "repeated c= line";
      connection c;
      if (auto err = parse_connection(v, c))
        return err;
      target = std::move(c);
      return nullptr;
    }
    case 't': {
      if (m != nullptr)
        return "misplaced t= line";
      auto f = split_fields(v, 2);
      if (!f || f->size() != 2)
        return "malformed t= line";
      auto start = parse_uint((*f)[0], UINT64_MAX, 19);
      auto stop = parse_uint((*f)[1], UINT64_MAX, 19);
      if (!start || !stop)
        return "malformed t= line";
      // Several t= lines are allowed; the first one is kept.
      if (!st.have_time) {
        s.start_time = *start;
        s.stop_time = *stop;
      }
      st.have_time = true;
      return nullptr;
    }
    case 'm': {
      if (!st.have_origin || !st.have_name)
        return "m= line before o= and s=";
      if (s.media.size() == st.limits.max_media)
        return "too many media sections";
      media_description md;
      if (auto err = parse_media(v, st.limits, md))
        return err;
      s.media.push_back(std::move(md));
      return nullptr;
    }
    case 'a': {
      if (m != nullptr) {
        if (attribute_count(*m) >= st.limits.max_attributes)
          return "too many attributes";
        return detail::apply_attribute(v, {&m->dir, &m->attributes, m});
      }
      if (s.attributes.size() >= st.limits.max_attributes)
        return "too many attributes";
      return detail::apply_attribute(v, {&s.dir, &s.attributes, nullptr});
    }
    default: {
      auto& others = m != nullptr ? m->others : s.others;
      if (others.size() >= st.limits.max_attributes)
        return "too many lines";
      others.push_back(other_line{type, std::string{v}});
      return nullptr;
    }
  }
}

} // namespace

expected<session_description, parse_error> parse(std::string_view body,
                                                 const parse_limits& limits) {
  auto fail = [](std::size_t line, const char* reason) {
    return unexpected(parse_error{line, reason});
  };
  if (body.size() > limits.max_size)
    return fail(0, "body too large");
  if (body.empty())
    return fail(0, "empty body");
  state st{limits, {}, false, false, false};
  std::size_t line_no = 0;
  while (!body.empty()) {
    auto nl = body.find('\n');
    auto line = body.substr(0, nl);
    body =
        nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    ++line_no;
    if (line_no > limits.max_lines)
      return fail(line_no, "too many lines");
    if (line.empty()) {
      // Tolerate trailing empty lines only.
      if (body.find_first_not_of("\r\n") == std::string_view::npos)
        break;
      return fail(line_no, "empty line");
    }
    if (line.size() > limits.max_line_length)
      return fail(line_no, "line too long");
    for (char c : line)
      if (c == '\0' || c == '\r')
        return fail(line_no, "control character in line");
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
      return fail(line_no, "not a <type>=<value> line");
    auto type = line[0];
    auto value = line.substr(2);
    if (line_no == 1) {
      if (type != 'v' || value != "0")
        return fail(line_no, "first line is not v=0");
      continue;
    }
    if (auto err = parse_line(st, type, value))
      return fail(line_no, err);
  }
  if (!st.have_origin)
    return fail(0, "missing o= line");
  if (!st.have_name)
    return fail(0, "missing s= line");
  for (const auto& m : st.s.media)
    if (!m.conn && !st.s.conn)
      return fail(0, "missing c= line");
  return std::move(st.s);
}

} // namespace ivm::sdp
