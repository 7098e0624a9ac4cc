#include "appliance/megaco/commands.hpp"

#include <algorithm>
#include <cctype>

namespace ivm::megaco {

namespace {

struct verb_token {
  verb v;
  std::string_view long_name;
  std::string_view compact;
};
constexpr verb_token verbs[] = {
    {verb::add, "Add", "A"},
    {verb::modify, "Modify", "MF"},
    {verb::subtract, "Subtract", "S"},
    {verb::move, "Move", "MV"},
    {verb::audit_value, "AuditValue", "AV"},
    {verb::audit_capabilities, "AuditCapability", "AC"},
    {verb::notify, "Notify", "N"},
    {verb::service_change, "ServiceChange", "SC"},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::uint32_t> id_of(std::string_view text) {
  if (text.empty() || text.size() > 10)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v == 0 || v > 0xffffffffu)
    return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

std::optional<int> int_of(std::string_view text) {
  auto v = id_of(text);
  if (!v || *v > 99999)
    return std::nullopt;
  return static_cast<int>(*v);
}

error_descriptor error_of(const node& n) {
  error_descriptor e;
  e.code = int_of(n.value).value_or(0);
  for (auto& c : n.children)
    if (c.name.empty() && c.quoted)
      e.text = c.value;
  return e;
}

parse_error bad(int code, std::string reason, std::uint32_t id = 0) {
  parse_error e;
  e.code = code;
  e.reason = std::move(reason);
  e.transaction = id;
  return e;
}

// One command (or command reply): `[O-][W-]Verb = termination { ... }`.
std::optional<command> command_of(const node& n) {
  std::string_view name = n.name;
  while (name.size() > 2 && name[1] == '-' &&
         (name[0] == 'O' || name[0] == 'o' || name[0] == 'W' || name[0] == 'w'))
    name.remove_prefix(2);
  auto v = verb_of(name);
  if (!v)
    return std::nullopt;
  command c;
  c.what = *v;
  c.termination = n.value;
  for (auto& d : n.children) {
    if (d.is("Error", "ER"))
      c.error = error_of(d);
    else
      c.descriptors.push_back(d);
  }
  return c;
}

expected<action, parse_error> action_of(const node& ctx, std::uint32_t id,
                                        bool in_reply) {
  action a;
  a.context = ctx.value;
  if (a.context.empty())
    return unexpected(bad(in_reply ? 400 : 403, "Context without an id", id));
  for (auto& c : ctx.children) {
    if (auto cmd = command_of(c)) {
      a.commands.push_back(std::move(*cmd));
    } else if (c.is("Error", "ER")) {
      a.error = error_of(c);
    } else if (c.is("Priority", "PR") || c.is("Emergency", "EG") ||
               c.is("EmergencyOff", "EGO") ||
               c.is("EmergencyOffToken") || // as OTP 24's encoder writes it
               c.is("Topology", "TP") || c.is("IEPSCall", "IEPS") ||
               c.is("ContextAttr", "CT") || c.is("ContextAudit", "CA") ||
               c.is("ContextList", "CLT")) {
      // Context properties: not used by the box.
    } else {
      return unexpected(
          bad(in_reply ? 400 : 403, "unknown command '" + c.name + "'", id));
    }
  }
  return a;
}

const node* stream_of(const command& c) {
  for (auto& d : c.descriptors)
    if (d.is("Media", "M")) {
      if (auto* s = d.child("Stream", "ST"))
        return s;
      return &d; // a single stream without a Stream descriptor
    }
  return nullptr;
}

} // namespace

std::string_view to_string(verb v) {
  for (auto& t : verbs)
    if (t.v == v)
      return t.long_name;
  return "?";
}

std::optional<verb> verb_of(std::string_view token) {
  for (auto& t : verbs)
    if (iequals(token, t.long_name) || iequals(token, t.compact))
      return t.v;
  return std::nullopt;
}

std::optional<std::string> command::local_sdp() const {
  if (auto* s = stream_of(*this))
    if (auto* l = s->child("Local", "L"); l && l->octets)
      return l->text;
  return std::nullopt;
}

std::optional<std::string> command::remote_sdp() const {
  if (auto* s = stream_of(*this))
    if (auto* r = s->child("Remote", "R"); r && r->octets)
      return r->text;
  return std::nullopt;
}

expected<decoded, parse_error> decode(std::string_view text) {
  auto m = parse(text);
  if (!m)
    return unexpected(m.error());
  decoded d;
  d.version = m->version;
  d.mid = m->mid;
  for (auto& item : m->body) {
    bool is_request = item.is("Transaction", "T");
    if (is_request || item.is("Reply", "P")) {
      auto id = id_of(item.value);
      if (!id)
        return unexpected(bad(400, "bad transaction id '" + item.value + "'"));
      request rq{*id, {}};
      reply rp;
      rp.id = *id;
      for (auto& c : item.children) {
        if (c.is("Context", "C")) {
          auto a = action_of(c, *id, !is_request);
          if (!a)
            return unexpected(a.error());
          (is_request ? rq.actions : rp.actions).push_back(std::move(*a));
        } else if (!is_request && c.is("ImmAckRequired", "IA")) {
          rp.imm_ack_required = true;
        } else if (!is_request && c.is("Error", "ER")) {
          rp.error = error_of(c);
        } else {
          return unexpected(bad(is_request ? 403 : 400,
                                "unexpected '" + c.name + "' in a " +
                                    (is_request ? "request" : "reply"),
                                is_request ? *id : 0));
        }
      }
      if (is_request && rq.actions.empty())
        return unexpected(bad(403, "a request without actions", *id));
      if (is_request)
        d.transactions.emplace_back(std::move(rq));
      else
        d.transactions.emplace_back(std::move(rp));
    } else if (item.is("Pending", "PN")) {
      auto id = id_of(item.value);
      if (!id)
        return unexpected(bad(400, "bad transaction id '" + item.value + "'"));
      d.transactions.emplace_back(pending{*id});
    } else if (item.is("TransactionResponseAck", "K")) {
      response_ack k;
      for (auto& r : item.children) {
        auto dash = r.name.find('-');
        auto lo = id_of(r.name.substr(0, dash));
        auto hi =
            dash == std::string::npos ? lo : id_of(r.name.substr(dash + 1));
        if (!lo || !hi || *hi < *lo)
          return unexpected(
              bad(400, "bad TransactionResponseAck '" + r.name + "'"));
        k.ranges.emplace_back(*lo, *hi);
      }
      d.transactions.emplace_back(std::move(k));
    } else if (item.is("Error", "ER")) {
      d.error = error_of(item);
    } else {
      return unexpected(bad(400, "unexpected '" + item.name + "'"));
    }
  }
  return d;
}

std::optional<std::string> observed_event::param(std::string_view name) const {
  for (auto& [k, v] : params)
    if (iequals(k, name))
      return v;
  return std::nullopt;
}

std::optional<observed_events> observed_of(const command& c) {
  for (auto& d : c.descriptors) {
    if (!d.is("ObservedEvents", "OE"))
      continue;
    observed_events out;
    out.request_id = d.value;
    for (auto& e : d.children) {
      observed_event ev;
      std::string name = e.name;
      // "19990729T22000000:al/of": the time stamp first.
      auto colon = name.find(':');
      if (colon != std::string::npos && name.find('/') > colon) {
        ev.timestamp = name.substr(0, colon);
        name = name.substr(colon + 1);
      }
      ev.name = lower(name);
      for (auto& p : e.children)
        ev.params.emplace_back(p.name, p.value);
      out.events.push_back(std::move(ev));
    }
    return out;
  }
  return std::nullopt;
}

std::optional<service_change> service_change_of(const command& c) {
  if (c.what != verb::service_change)
    return std::nullopt;
  service_change sc;
  for (auto& d : c.descriptors) {
    if (!d.is("Services", "SV"))
      continue;
    for (auto& p : d.children) {
      if (p.is("Method", "MT"))
        sc.method = p.value;
      else if (p.is("Reason", "RE"))
        sc.reason = p.value;
      else if (p.is("ServiceChangeAddress", "AD"))
        sc.address = p.value;
      else if (p.is("MgcIdToTry", "MG"))
        sc.mgc_id = p.value;
      else if (p.is("Profile", "PF"))
        sc.profile = p.value;
      else if (p.is("Version", "V"))
        sc.version = int_of(p.value).value_or(0);
      else if (p.is("Delay", "DL"))
        sc.delay = int_of(p.value).value_or(-1);
    }
    return sc;
  }
  return std::nullopt;
}

std::string write_message(const std::string& mid,
                          const std::vector<node>& items, int version,
                          bool compact) {
  message m;
  m.version = version;
  m.mid = mid;
  m.body = items;
  return serialize(m, compact);
}

node make(std::string name, std::string value, std::vector<node> children,
          bool braces) {
  node n;
  n.name = std::move(name);
  if (!value.empty()) {
    n.op = "=";
    n.value = std::move(value);
  }
  n.braces = braces || !children.empty();
  n.children = std::move(children);
  return n;
}

node make_request(std::uint32_t id, const std::string& context,
                  std::vector<node> commands) {
  return make("Transaction", std::to_string(id),
              {make("Context", context, std::move(commands), true)});
}

node make_reply(std::uint32_t id, const std::string& context,
                std::vector<node> replies) {
  return make("Reply", std::to_string(id),
              {make("Context", context, std::move(replies), true)});
}

node make_error_reply(std::uint32_t id, int code, const std::string& text) {
  node q;
  q.quoted = true;
  q.value = text;
  return make("Reply", std::to_string(id),
              {make("Error", std::to_string(code), {q})});
}

node make_response_ack(
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ranges) {
  std::vector<node> items;
  for (auto [lo, hi] : ranges)
    items.push_back(make(lo == hi
                             ? std::to_string(lo)
                             : std::to_string(lo) + "-" + std::to_string(hi)));
  return make("TransactionResponseAck", {}, std::move(items), true);
}

node make_command(verb v, const std::string& termination,
                  std::vector<node> descriptors) {
  return make(std::string{to_string(v)}, termination, std::move(descriptors));
}

node make_events(const std::string& request_id,
                 const std::vector<std::string>& events,
                 const std::string& digit_map) {
  std::vector<node> items;
  for (auto& e : events) {
    auto n = make(e);
    if (iequals(e, "dd/ce") && !digit_map.empty()) {
      node dm = make("DigitMap");
      dm.op = "="; // eventDM = DigitMapToken EQUAL LBRKT digitMap RBRKT
      dm.braces = true;
      dm.octets = true;
      dm.text = digit_map;
      n.children.push_back(std::move(dm));
      n.braces = true;
    }
    items.push_back(std::move(n));
  }
  return make("Events", request_id, std::move(items), true);
}

node make_signals(const std::vector<std::string>& signals) {
  std::vector<node> items;
  for (auto& s : signals)
    items.push_back(make(s));
  // None: a bare `Signals` (OTP's v1 parser refuses `Signals { }`).
  return make("Signals", {}, std::move(items), !items.empty());
}

node make_media(const std::string& mode, const std::string& local_sdp,
                const std::string& remote_sdp) {
  std::vector<node> stream;
  if (!mode.empty())
    stream.push_back(make("LocalControl", {}, {make("Mode", mode)}));
  for (auto [name, sdp] :
       {std::pair{"Local", &local_sdp}, std::pair{"Remote", &remote_sdp}}) {
    if (sdp->empty())
      continue;
    node n = make(name);
    n.braces = true;
    n.octets = true;
    n.text = "\n" + *sdp;
    if (n.text.back() != '\n')
      n.text += '\n';
    stream.push_back(std::move(n));
  }
  return make("Media", {}, {make("Stream", "1", std::move(stream))});
}

} // namespace ivm::megaco
