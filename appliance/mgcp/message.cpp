#include "appliance/mgcp/message.hpp"

#include <array>
#include <cctype>

#include "appliance/mgcp/text.hpp"

namespace ivm::mgcp {

namespace {

constexpr std::array<std::string_view, 9> verb_names{
    "EPCF", "CRCX", "MDCX", "DLCX", "RQNT", "NTFY", "AUEP", "AUCX", "RSIP"};

parse_error fail(int code, std::uint32_t tid, std::string reason) {
  return parse_error{code, tid, std::move(reason)};
}

bool all_digits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

// 1*9 DIGIT (RFC 3435 Appendix A, transaction-id).
std::optional<std::uint32_t> transaction_of(std::string_view s) {
  if (!all_digits(s) || s.size() > 9)
    return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s)
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  return v;
}

// local-name "@" domain: both non-empty, printable, no blanks.
bool valid_endpoint(std::string_view s) {
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size())
    return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f)
      return false;
  return true;
}

bool valid_param_name(std::string_view s) {
  if (s.empty() || s.size() > 32)
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '+')
      return false;
  return true;
}

// Parameter lines up to the empty line, then the SDP. `lines` starts after
// the start line.
expected<bool, parse_error>
read_rest(const std::vector<std::string_view>& lines, std::size_t from,
          std::uint32_t tid, const parse_options& opts, parameters& params,
          std::string& sdp) {
  std::size_t i = from;
  for (; i < lines.size(); ++i) {
    auto line = text::trim(lines[i]);
    if (line.empty())
      break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return unexpected(fail(510, tid, "parameter line without ':'"));
    auto name = text::trim(line.substr(0, colon));
    if (!valid_param_name(name))
      return unexpected(fail(510, tid, "bad parameter name"));
    if (params.size() >= opts.max_params)
      return unexpected(fail(510, tid, "too many parameter lines"));
    params.push_back(
        {std::string{name}, std::string{text::trim(line.substr(colon + 1))}});
  }
  // Skip the empty line(s); what follows is the session description.
  while (i < lines.size() && text::trim(lines[i]).empty())
    ++i;
  for (; i < lines.size(); ++i) {
    sdp.append(lines[i]);
    sdp.append("\r\n");
  }
  return true;
}

expected<message, parse_error>
parse_command(const std::vector<std::string_view>& lines,
              const std::vector<std::string_view>& words,
              const parse_options& opts) {
  // VERB tid endpoint MGCP major.minor [profile]
  std::uint32_t tid = 0;
  if (words.size() >= 2)
    if (auto t = transaction_of(words[1]); t && *t != 0)
      tid = *t;
  if (tid == 0)
    return unexpected(fail(510, 0, "no transaction id"));
  if (words.size() < 5)
    return unexpected(fail(510, tid, "incomplete command line"));
  command c;
  c.transaction = tid;
  auto v = verb_of(words[0]);
  if (!v) {
    auto w = words[0];
    bool shaped = w.size() == 4;
    for (char ch : w)
      shaped = shaped && std::isalnum(static_cast<unsigned char>(ch));
    return unexpected(fail(shaped ? 504 : 510, tid, "unknown command"));
  }
  c.what = *v;
  if (!valid_endpoint(words[2]))
    return unexpected(fail(500, tid, "bad endpoint name"));
  c.endpoint = std::string{words[2]};
  if (!text::iequals(words[3], "MGCP"))
    return unexpected(fail(510, tid, "not an MGCP command"));
  auto dot = words[4].find('.');
  if (dot == std::string_view::npos || !all_digits(words[4].substr(0, dot)) ||
      !all_digits(words[4].substr(dot + 1)))
    return unexpected(fail(510, tid, "bad protocol version"));
  // MGCP 1.0 (and 0.1, which it succeeded and is the same on the wire for
  // what the box uses, RFC 3435 Appendix B notes).
  if (words[4] != "1.0" && words[4] != "0.1")
    return unexpected(fail(528, tid, "incompatible protocol version"));
  c.version = std::string{words[4]};
  for (std::size_t i = 5; i < words.size(); ++i) {
    c.version += ' ';
    c.version.append(words[i]);
  }
  auto rest = read_rest(lines, 1, tid, opts, c.params, c.sdp);
  if (!rest)
    return unexpected(rest.error());
  return message{std::move(c)};
}

expected<message, parse_error> parse_response(
    std::string_view first, const std::vector<std::string_view>& lines,
    const std::vector<std::string_view>& words, const parse_options& opts) {
  // code tid [/package] [commentary]
  if (words.size() < 2)
    return unexpected(fail(510, 0, "response without transaction id"));
  auto tid = transaction_of(words[1]);
  if (!tid)
    return unexpected(fail(510, 0, "bad transaction id in response"));
  response r;
  r.transaction = *tid;
  r.code = (words[0][0] - '0') * 100 + (words[0][1] - '0') * 10 +
           (words[0][2] - '0');
  // The commentary is the rest of the line after the id (and package).
  auto rest = first;
  for (int n = 0; n < 2; ++n) {
    rest = text::trim(rest);
    auto sp = rest.find_first_of(" \t");
    rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp);
  }
  rest = text::trim(rest);
  if (!rest.empty() && rest[0] == '/') {
    auto sp = rest.find_first_of(" \t");
    r.package = std::string{rest.substr(
        1, sp == std::string_view::npos ? std::string_view::npos : sp - 1)};
    rest = sp == std::string_view::npos ? std::string_view{}
                                        : text::trim(rest.substr(sp));
  }
  r.comment = std::string{rest};
  auto more = read_rest(lines, 1, 0, opts, r.params, r.sdp);
  if (!more)
    return unexpected(more.error());
  return message{std::move(r)};
}

} // namespace

std::string_view to_string(verb v) {
  return verb_names[static_cast<std::size_t>(v)];
}

std::optional<verb> verb_of(std::string_view text) {
  for (std::size_t i = 0; i < verb_names.size(); ++i)
    if (text::iequals(text, verb_names[i]))
      return static_cast<verb>(i);
  return std::nullopt;
}

const std::string* find(const parameters& ps, std::string_view name) {
  for (auto& p : ps)
    if (text::iequals(p.name, name))
      return &p.value;
  return nullptr;
}

expected<message, parse_error> parse_one(std::string_view text_in,
                                         const parse_options& opts) {
  auto lines = text::split_lines(text_in);
  // Leading empty lines carry nothing (a stray CRLF before a message).
  std::size_t first = 0;
  while (first < lines.size() && text::trim(lines[first]).empty())
    ++first;
  if (first == lines.size())
    return unexpected(fail(510, 0, "empty message"));
  lines.erase(lines.begin(), lines.begin() + static_cast<long>(first));
  auto words = text::words(lines[0]);
  if (words.empty())
    return unexpected(fail(510, 0, "empty message"));
  auto& w0 = words[0];
  if (w0.size() == 3 && all_digits(w0))
    return parse_response(lines[0], lines, words, opts);
  return parse_command(lines, words, opts);
}

expected<std::vector<message>, parse_error> parse(std::string_view datagram,
                                                  const parse_options& opts) {
  if (datagram.size() > opts.max_datagram)
    return unexpected(fail(510, 0, "datagram too large"));
  std::vector<message> out;
  std::size_t start = 0;
  while (start <= datagram.size()) {
    // The end of this message: a line holding only ".", or the end.
    std::size_t pos = start, end = datagram.size(), next = datagram.size() + 1;
    while (pos < datagram.size()) {
      auto eol = datagram.find('\n', pos);
      auto line_end = eol == std::string_view::npos ? datagram.size() : eol;
      auto line = datagram.substr(pos, line_end - pos);
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (line == ".") {
        end = pos;
        next = eol == std::string_view::npos ? datagram.size() + 1 : eol + 1;
        break;
      }
      if (eol == std::string_view::npos)
        break;
      pos = eol + 1;
    }
    auto part = datagram.substr(start, end - start);
    if (out.size() >= opts.max_messages)
      return unexpected(fail(510, 0, "too many piggy-backed messages"));
    auto m = parse_one(part, opts);
    if (!m)
      return unexpected(m.error());
    out.push_back(std::move(*m));
    start = next;
  }
  return out;
}

namespace {

void write_rest(std::string& out, const parameters& ps,
                const std::string& sdp) {
  for (auto& p : ps) {
    out += p.name;
    out += ": ";
    out += p.value;
    out += "\r\n";
  }
  if (!sdp.empty()) {
    out += "\r\n";
    out += sdp;
    if (sdp.back() != '\n')
      out += "\r\n";
  }
}

} // namespace

std::string serialize(const command& c) {
  std::string out;
  out.reserve(64 + c.sdp.size() + 24 * c.params.size());
  out += to_string(c.what);
  out += ' ';
  out += std::to_string(c.transaction);
  out += ' ';
  out += c.endpoint;
  out += " MGCP ";
  out += c.version;
  out += "\r\n";
  write_rest(out, c.params, c.sdp);
  return out;
}

std::string serialize(const response& r) {
  std::string out;
  out.reserve(48 + r.sdp.size() + 24 * r.params.size());
  char code[4] = {static_cast<char>('0' + r.code / 100 % 10),
                  static_cast<char>('0' + r.code / 10 % 10),
                  static_cast<char>('0' + r.code % 10), 0};
  out += code;
  out += ' ';
  out += std::to_string(r.transaction);
  if (!r.package.empty()) {
    out += " /";
    out += r.package;
  }
  if (!r.comment.empty()) {
    out += ' ';
    out += r.comment;
  }
  out += "\r\n";
  write_rest(out, r.params, r.sdp);
  return out;
}

std::string serialize(const message& m) {
  return std::visit([](auto& x) { return serialize(x); }, m);
}

std::string serialize(const std::vector<message>& ms) {
  std::string out;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (i > 0)
      out += ".\r\n";
    out += serialize(ms[i]);
  }
  return out;
}

std::string_view reason_of(int code) {
  switch (code) {
    case 0:
      return "Response acknowledgement";
    case 100:
      return "Transaction being executed";
    case 101:
      return "Transaction has been queued";
    case 200:
      return "OK";
    case 250:
      return "Connection was deleted";
    case 400:
      return "Transient error";
    case 401:
      return "Phone off-hook";
    case 402:
      return "Phone on-hook";
    case 403:
      return "Insufficient resources now";
    case 404:
      return "Insufficient bandwidth now";
    case 405:
      return "Endpoint restarting";
    case 406:
      return "Timeout";
    case 407:
      return "Aborted";
    case 409:
      return "Overload";
    case 410:
      return "No endpoint available";
    case 500:
      return "Endpoint unknown";
    case 501:
      return "Endpoint not ready";
    case 502:
      return "Insufficient resources";
    case 503:
      return "All of wildcard too complicated";
    case 504:
      return "Unknown or unsupported command";
    case 505:
      return "Unsupported remote connection descriptor";
    case 506:
      return "Unable to satisfy both LocalConnectionOptions and "
             "RemoteConnectionDescriptor";
    case 507:
      return "Unsupported functionality";
    case 508:
      return "Unknown or unsupported quarantine handling";
    case 509:
      return "Error in RemoteConnectionDescriptor";
    case 510:
      return "Protocol error";
    case 511:
      return "Unrecognized extension";
    case 512:
      return "Not equipped to detect requested event";
    case 513:
      return "Not equipped to generate requested signal";
    case 514:
      return "Cannot send the specified announcement";
    case 515:
      return "Incorrect connection-id";
    case 516:
      return "Unknown or incorrect call-id";
    case 517:
      return "Unsupported or invalid mode";
    case 518:
      return "Unsupported or unknown package";
    case 519:
      return "Endpoint does not have a digit map";
    case 520:
      return "Endpoint is restarting";
    case 521:
      return "Endpoint redirected to another Call Agent";
    case 522:
      return "No such event or signal";
    case 523:
      return "Unknown action or illegal combination of actions";
    case 524:
      return "Internal inconsistency in LocalConnectionOptions";
    case 525:
      return "Unknown extension in LocalConnectionOptions";
    case 526:
      return "Insufficient bandwidth";
    case 527:
      return "Missing RemoteConnectionDescriptor";
    case 528:
      return "Incompatible protocol version";
    case 529:
      return "Internal hardware failure";
    case 532:
      return "Unsupported value(s) in LocalConnectionOptions";
    case 533:
      return "Response too large";
    case 534:
      return "Codec negotiation failure";
    case 535:
      return "Packetization period not supported";
    case 536:
      return "Unknown or unsupported RestartMethod";
    case 537:
      return "Unknown or unsupported digit map extension";
    case 538:
      return "Event/signal parameter error";
    case 539:
      return "Invalid or unsupported command parameter";
    case 540:
      return "Per endpoint connection limit exceeded";
    case 541:
      return "Invalid or unsupported LocalConnectionOptions";
    default:
      return "";
  }
}

response make_response(std::uint32_t tid, int code, std::string_view comment) {
  response r;
  r.code = code;
  r.transaction = tid;
  r.comment = std::string{comment.empty() ? reason_of(code) : comment};
  return r;
}

} // namespace ivm::mgcp
