// Reading H.248 text (RFC 3525 Annex B ABNF): the header, then descriptors
// as a tree. Whitespace (LWSP, including CR/LF) and comments (';' to the end
// of the line) separate tokens; commas separate list items but some senders
// leave them out between transactions, so they are optional here. Trailing
// NULs and blanks after the body are tolerated (gateways send them).

#include "appliance/megaco/text.hpp"

#include <cctype>

namespace ivm::megaco {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// SafeChar of the ABNF, and ':' (timestamps "19990729T22000000:al/of",
// mIds, ranges).
bool safe(char c) {
  auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u))
    return true;
  switch (c) {
    case '+':
    case '-':
    case '&':
    case '!':
    case '_':
    case '/':
    case '\'':
    case '?':
    case '@':
    case '^':
    case '`':
    case '~':
    case '*':
    case '$':
    case '\\':
    case '(':
    case ')':
    case '%':
    case '|':
    case '.':
    case ':':
      return true;
    default:
      return false;
  }
}

class reader {
public:
  reader(std::string_view text, const parse_options& opts)
    : s_(text), opts_(opts) {}

  expected<message, parse_error> run() {
    if (s_.size() > opts_.max_size)
      return fail("message too long");
    message m;
    blanks();
    auto magic = token();
    auto slash = magic.find('/');
    if (slash == std::string::npos ||
        !(iequals(magic.substr(0, slash), "MEGACO") ||
          magic.substr(0, slash) == "!"))
      return fail("not an H.248 text message (no MEGACO/version)");
    auto v = magic.substr(slash + 1);
    if (v.empty() || v.size() > 2 ||
        !std::isdigit(static_cast<unsigned char>(v[0])) ||
        (v.size() == 2 && !std::isdigit(static_cast<unsigned char>(v[1]))))
      return fail("bad version");
    m.version = std::stoi(v);
    if (m.version < 1 || m.version > opts_.max_version) {
      parse_error e{406, "Version not supported", pos_, 0};
      return unexpected(std::move(e));
    }
    if (!blank_here())
      return fail("a blank must follow the version");
    blanks();
    if (!mid(m.mid))
      return fail("bad mId");
    if (!blank_here() && !at_end())
      return fail("a blank must follow the mId");
    if (!items(m.body, 0, true))
      return unexpected(std::move(err_));
    // Trailing blanks and NULs only.
    while (pos_ < s_.size() && (s_[pos_] == '\0' || is_blank(s_[pos_])))
      ++pos_;
    if (pos_ != s_.size())
      return fail("unexpected text after the message");
    if (m.body.empty())
      return fail("empty message body");
    return m;
  }

private:
  static bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  bool at_end() const {
    return pos_ >= s_.size();
  }

  bool blank_here() const {
    return pos_ < s_.size() && (is_blank(s_[pos_]) || s_[pos_] == ';');
  }

  // Blanks and comments.
  void blanks() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (is_blank(c)) {
        ++pos_;
      } else if (c == ';') {
        while (pos_ < s_.size() && s_[pos_] != '\n')
          ++pos_;
      } else {
        break;
      }
    }
  }

  std::string token() {
    auto start = pos_;
    while (pos_ < s_.size() && safe(s_[pos_]))
      ++pos_;
    return std::string{s_.substr(start, pos_ - start)};
  }

  // Reads up to and including `close` (no nesting); false if missing.
  bool until(char close, std::string& out) {
    auto end = s_.find(close, pos_);
    if (end == std::string_view::npos)
      return false;
    out.append(s_.substr(pos_, end + 1 - pos_));
    pos_ = end + 1;
    return true;
  }

  bool mid(std::string& out) {
    if (at_end())
      return false;
    char c = s_[pos_];
    if (c == '[' || c == '<') {
      if (!until(c == '[' ? ']' : '>', out))
        return false;
      if (pos_ < s_.size() && s_[pos_] == ':') {
        ++pos_;
        auto port = token();
        if (port.empty() || port.size() > 5)
          return false;
        for (char d : port)
          if (!std::isdigit(static_cast<unsigned char>(d)))
            return false;
        out += ":" + port;
      }
      return out.size() > 2;
    }
    out = token();
    if (out.empty())
      return false;
    if (iequals(out, "MTP") && pos_ < s_.size() && s_[pos_] == '{')
      return until('}', out);
    return true;
  }

  // A value after an operator: a quoted string, or token characters with
  // bracketed parts ("[192.0.2.1]:2944", "[2:10]", "<mgc.example>").
  bool value(node& n) {
    if (at_end())
      return true;
    if (s_[pos_] == '"') {
      ++pos_;
      auto end = s_.find('"', pos_);
      if (end == std::string_view::npos)
        return bad("unterminated quoted string");
      n.value = std::string{s_.substr(pos_, end - pos_)};
      n.quoted = true;
      pos_ = end + 1;
      return true;
    }
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '[' || c == '<') {
        if (!until(c == '[' ? ']' : '>', n.value))
          return bad("unterminated bracket");
      } else if (safe(c)) {
        n.value += c;
        ++pos_;
      } else {
        break;
      }
    }
    return true;
  }

  // The octet string of Local, Remote or DigitMap: up to the '}' that is
  // not escaped with '\'.
  bool octets(node& n) {
    auto start = pos_;
    while (pos_ < s_.size()) {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
        pos_ += 2;
        continue;
      }
      if (s_[pos_] == '}') {
        n.text = std::string{s_.substr(start, pos_ - start)};
        ++pos_;
        return true;
      }
      ++pos_;
    }
    return bad("unterminated octet string");
  }

  bool item(node& n, std::size_t depth) {
    if (++nodes_ > opts_.max_nodes)
      return bad("too many descriptors");
    if (s_[pos_] == '"') {
      if (!value(n))
        return false;
      blanks();
      return true;
    }
    n.name = token();
    if (n.name.empty())
      return bad(std::string{"unexpected character '"} +
                 (std::isprint(static_cast<unsigned char>(s_[pos_]))
                      ? std::string(1, s_[pos_])
                      : std::string{"?"}) +
                 "'");
    blanks();
    // "TimeStamp LWSP COLON LWSP pkgdName" (an observed event): one name.
    if (pos_ < s_.size() && s_[pos_] == ':') {
      ++pos_;
      blanks();
      auto rest = token();
      if (rest.empty())
        return bad("an event must follow ':'");
      n.name += ':' + rest;
      blanks();
    }
    if (pos_ < s_.size() && (s_[pos_] == '=' || s_[pos_] == '<' ||
                             s_[pos_] == '>' || s_[pos_] == '#')) {
      n.op = std::string(1, s_[pos_]);
      ++pos_;
      blanks();
      if (pos_ < s_.size() && s_[pos_] != '{' && !value(n))
        return false;
      if (n.value.empty() && !n.quoted && (at_end() || s_[pos_] != '{'))
        return bad("a value must follow '" + n.op + "'");
      blanks();
    }
    if (pos_ < s_.size() && s_[pos_] == '{') {
      ++pos_;
      n.braces = true;
      if (n.is("Local", "L") || n.is("Remote", "R") || n.is("DigitMap", "DM")) {
        n.octets = true;
        if (!octets(n))
          return false;
      } else {
        if (!items(n.children, depth + 1, false))
          return false;
        if (at_end() || s_[pos_] != '}')
          return bad("missing '}'");
        ++pos_;
      }
      blanks();
    }
    return true;
  }

  // Items up to '}' (inside braces) or the end (the body).
  bool items(std::vector<node>& out, std::size_t depth, bool top) {
    if (depth > opts_.max_depth)
      return bad("nested too deep");
    blanks();
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '}') {
        if (top)
          return bad("unexpected '}'");
        return true;
      }
      if (c == ',') {
        if (out.empty())
          return bad("unexpected ','");
        ++pos_;
        blanks();
        continue;
      }
      if (top && c == '\0')
        return true; // trailing NULs
      node n;
      if (!item(n, depth)) {
        // Inside a request whose id was read: 403 for that transaction.
        if (top && n.is("Transaction", "T") && !n.value.empty() &&
            n.value.size() <= 10) {
          std::uint64_t id = 0;
          bool digits = true;
          for (char d : n.value) {
            digits = digits && std::isdigit(static_cast<unsigned char>(d));
            id = id * 10 + static_cast<std::uint64_t>(d - '0');
          }
          if (digits && id > 0 && id <= 0xffffffffu) {
            err_.code = 403;
            err_.transaction = static_cast<std::uint32_t>(id);
          }
        }
        return false;
      }
      out.push_back(std::move(n));
    }
    if (!top)
      return bad("missing '}'");
    return true;
  }

  bool bad(std::string reason) {
    err_.code = 400;
    err_.reason = std::move(reason);
    err_.offset = pos_;
    return false;
  }

  unexpected_t<parse_error> fail(std::string reason) {
    bad(std::move(reason));
    return unexpected(err_);
  }

  std::string_view s_;
  const parse_options& opts_;
  std::size_t pos_ = 0;
  std::size_t nodes_ = 0;
  parse_error err_;
};

} // namespace

bool node::is(std::string_view long_name, std::string_view compact) const {
  return iequals(name, long_name) ||
         (!compact.empty() && iequals(name, compact));
}

const node* node::child(std::string_view long_name,
                        std::string_view compact) const {
  for (auto& c : children)
    if (c.is(long_name, compact))
      return &c;
  return nullptr;
}

node* node::child(std::string_view long_name, std::string_view compact) {
  for (auto& c : children)
    if (c.is(long_name, compact))
      return &c;
  return nullptr;
}

bool operator==(const node& a, const node& b) {
  return a.name == b.name && a.op == b.op && a.value == b.value &&
         a.quoted == b.quoted && a.braces == b.braces && a.octets == b.octets &&
         a.text == b.text && a.children == b.children;
}

expected<message, parse_error> parse(std::string_view text,
                                     const parse_options& opts) {
  return reader{text, opts}.run();
}

} // namespace ivm::megaco
