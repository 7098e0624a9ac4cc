#include "appliance/sip/core/routing.hpp"

#include <algorithm>
#include <cctype>

#include "appliance/sip/header_name.hpp"
#include "appliance/sip/uri.hpp"
#include "appliance/sip/via.hpp"

namespace ivm::sip::core {

namespace {

std::string strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return std::string{host};
}

// Splits off the first via-parm of a Via header value (up to the first
// comma outside quotes).
std::size_t first_parm_end(std::string_view value) {
  bool quoted = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      return i;
    }
  }
  return value.size();
}

// Removes ";name" or ";name=value" from a via-parm text.
std::string drop_param(std::string text, std::string_view name) {
  std::size_t pos = 0;
  while ((pos = text.find(';', pos)) != std::string::npos) {
    auto start = pos + 1;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t'))
      ++start;
    auto end = start;
    while (end < text.size() && text[end] != '=' && text[end] != ';' &&
           text[end] != ' ' && text[end] != '\t')
      ++end;
    if (iequals(std::string_view{text}.substr(start, end - start), name)) {
      auto stop = text.find(';', end);
      text.erase(pos,
                 stop == std::string::npos ? std::string::npos : stop - pos);
    } else {
      ++pos;
    }
  }
  return text;
}

} // namespace

bool stamp_via(message& req, const net::endpoint& source) {
  auto it =
      std::find_if(req.headers.begin(), req.headers.end(),
                   [](const header& h) { return h.id == header_id::via; });
  if (it == req.headers.end())
    return false;
  auto end = first_parm_end(it->value);
  auto parsed = parse_via(std::string_view{it->value}.substr(0, end));
  if (!parsed || parsed->empty())
    return false;
  auto& top = parsed->front();
  bool differs = strip_brackets(top.host) != source.host;
  bool rport = top.has_rport();
  if (!differs && !rport)
    return true;
  auto text = it->value.substr(0, end);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.pop_back();
  auto rest = it->value.substr(end);
  text = drop_param(drop_param(std::move(text), "received"), "rport");
  // RFC 5118 §4.5: an IPv6 received value is written without brackets.
  text += ";received=" + source.host;
  if (rport)
    text += ";rport=" + std::to_string(source.port);
  it->value = text + rest;
  return true;
}

net::endpoint response_destination(const message& req,
                                   const net::endpoint& source,
                                   bool symmetric) {
  if (symmetric)
    return source;
  auto h = req.find(header_id::via);
  if (!h)
    return source;
  auto parsed =
      parse_via(std::string_view{h->value}.substr(0, first_parm_end(h->value)));
  if (!parsed || parsed->empty())
    return source;
  auto& top = parsed->front();
  if (top.has_rport())
    return source;
  net::endpoint dest;
  if (auto r = top.received())
    dest.host = strip_brackets(*r);
  else if (auto host = strip_brackets(top.host);
           is_ipv4_address(host) || is_ipv6_address(host))
    dest.host = host;
  else
    dest.host = source.host;
  dest.port = top.port.value_or(5060);
  return dest;
}

bool via_names(const message& req, const std::vector<listener>& self) {
  for (auto h : req.find_all("Via")) {
    auto parsed = parse_via(h->value);
    if (!parsed)
      continue;
    for (auto& v : *parsed) {
      // RFC 3261 §18.2.1: the port a sent-by without one means.
      std::uint16_t port = iequals(v.transport, "TLS") ? 5061 : 5060;
      auto host = strip_brackets(v.host);
      for (auto& [transport, at] : self)
        if (iequals(v.transport, transport) && host == at.host &&
            v.port.value_or(port) == at.port)
          return true;
    }
  }
  return false;
}

std::optional<std::string> raw_error_response(std::string_view raw,
                                              const parse_error& err,
                                              std::string_view to_tag,
                                              std::string_view server) {
  // Unfold the header section into logical lines.
  auto head_end = raw.find("\r\n\r\n");
  auto head = raw.substr(0, head_end);
  std::vector<std::string> lines;
  std::size_t pos = head.find("\r\n"); // skip the start line
  if (pos == std::string_view::npos)
    return std::nullopt;
  pos += 2;
  while (pos < head.size()) {
    auto eol = head.find("\r\n", pos);
    auto line =
        head.substr(pos, eol == std::string_view::npos ? std::string_view::npos
                                                       : eol - pos);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t') &&
        !lines.empty())
      lines.back().append(" ").append(line.substr(1));
    else
      lines.emplace_back(line);
    if (eol == std::string_view::npos)
      break;
    pos = eol + 2;
  }
  std::string via;
  std::string out =
      "SIP/2.0 " + std::to_string(err.status) + " " + err.reason + "\r\n";
  bool has_to_tag = false;
  for (auto& line : lines) {
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    std::string_view name{line.data(), colon};
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
      name.remove_suffix(1);
    auto value = std::string_view{line}.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    if (iequals(name, "via") || iequals(name, "v")) {
      via += "Via: " + std::string{value} + "\r\n";
    } else if (iequals(name, "to") || iequals(name, "t")) {
      out += "To: " + std::string{value};
      has_to_tag = value.find(";tag=") != std::string_view::npos;
      if (!has_to_tag && !to_tag.empty())
        out += ";tag=" + std::string{to_tag};
      out += "\r\n";
    } else if (iequals(name, "from") || iequals(name, "f") ||
               iequals(name, "call-id") || iequals(name, "i") ||
               iequals(name, "cseq")) {
      auto canonical = iequals(name, "f") || iequals(name, "from") ? "From"
                       : iequals(name, "cseq")                     ? "CSeq"
                                                                   : "Call-ID";
      out += std::string{canonical} + ": " + std::string{value} + "\r\n";
    }
  }
  if (via.empty())
    return std::nullopt;
  auto first_line_end = out.find("\r\n") + 2;
  out.insert(first_line_end, via);
  out += "Server: " + std::string{server} + "\r\nContent-Length: 0\r\n\r\n";
  return out;
}

} // namespace ivm::sip::core
