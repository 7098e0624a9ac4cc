// Writing H.248 text: the long form (one descriptor per line, indented) or
// the compact one (short tokens, no blanks but the one after the mId).
// Octet strings (SDP) are written as they are, on lines of their own.

#include <cctype>
#include <utility>

#include "appliance/megaco/text.hpp"

namespace ivm::megaco {

namespace {

// H.248.1 Annex B tokens with a compact form.
constexpr std::pair<std::string_view, std::string_view> tokens[] = {
    {"Add", "A"},
    {"Audit", "AT"},
    {"AuditCapability", "AC"},
    {"AuditValue", "AV"},
    {"Authentication", "AU"},
    {"Bothway", "BW"},
    {"Brief", "BR"},
    {"Buffer", "BF"},
    {"Context", "C"},
    {"ContextAudit", "CA"},
    {"ContextAttr", "CT"},
    {"ContextList", "CLT"},
    {"DigitMap", "DM"},
    {"Disconnected", "DC"},
    {"Delay", "DL"},
    {"Duration", "DR"},
    {"Embed", "EM"},
    {"Emergency", "EG"},
    {"EmergencyOff", "EGO"},
    {"Error", "ER"},
    {"EventBuffer", "EB"},
    {"Events", "E"},
    {"Failover", "FL"},
    {"Forced", "FO"},
    {"Graceful", "GR"},
    {"HandOff", "HO"},
    {"IEPSCall", "IEPS"},
    {"ImmAckRequired", "IA"},
    {"Inactive", "IN"},
    {"InService", "IS"},
    {"IntByEvent", "IBE"},
    {"IntBySigDescr", "IBS"},
    {"Isolate", "IS"},
    {"Iteration", "IR"},
    {"KeepActive", "KA"},
    {"Local", "L"},
    {"LocalControl", "O"},
    {"LockStep", "SP"},
    {"Loopback", "LB"},
    {"Media", "M"},
    {"Method", "MT"},
    {"MgcIdToTry", "MG"},
    {"Mode", "MO"},
    {"Modify", "MF"},
    {"Modem", "MD"},
    {"Move", "MV"},
    {"Mux", "MX"},
    {"NeverNotify", "NBNN"},
    {"Notify", "N"},
    {"NotifyCompletion", "NC"},
    {"Nx64Kservice", "N64"},
    {"ObservedEvents", "OE"},
    {"Oneway", "OW"},
    {"OnOff", "OO"},
    {"OtherReason", "OR"},
    {"OutOfService", "OS"},
    {"Packages", "PG"},
    {"Pending", "PN"},
    {"Priority", "PR"},
    {"Profile", "PF"},
    {"Reason", "RE"},
    {"ReceiveOnly", "RC"},
    {"Reply", "P"},
    {"Remote", "R"},
    {"RequestID", "RQ"},
    {"ReservedGroup", "RG"},
    {"ReservedValue", "RV"},
    {"Restart", "RS"},
    {"SendOnly", "SO"},
    {"SendReceive", "SR"},
    {"Services", "SV"},
    {"ServiceStates", "SI"},
    {"ServiceChange", "SC"},
    {"ServiceChangeAddress", "AD"},
    {"ServiceChangeInc", "SIC"},
    {"SignalList", "SL"},
    {"Signals", "SG"},
    {"SignalType", "SY"},
    {"Statistics", "SA"},
    {"Stream", "ST"},
    {"Subtract", "S"},
    {"TerminationState", "TS"},
    {"Test", "TE"},
    {"TimeOut", "TO"},
    {"Topology", "TP"},
    {"Transaction", "T"},
    {"TransactionResponseAck", "K"},
    {"Version", "V"},
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

void write(std::string& out, const node& n, bool compact, int depth) {
  auto name = compact ? compact_of(n.name) : std::string_view{n.name};
  if (n.name.empty() && n.quoted) {
    out += '"' + n.value + '"';
    return;
  }
  out += name;
  if (!n.op.empty()) {
    if (!compact)
      out += ' ';
    out += n.op;
    if (!compact && (n.quoted || !n.value.empty()))
      out += ' ';
    if (n.quoted)
      out += '"' + n.value + '"';
    else
      out += compact ? compact_of(n.value) : std::string_view{n.value};
  }
  if (!n.braces)
    return;
  out += compact ? "{" : " {";
  if (n.octets) {
    // Verbatim (whoever builds SDP puts it on lines of its own).
    out += n.text;
    out += '}';
    return;
  }
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    if (i > 0)
      out += ',';
    if (!compact) {
      out += '\n';
      out.append(static_cast<std::size_t>(depth + 1), '\t');
    }
    write(out, n.children[i], compact, depth + 1);
  }
  if (!compact && !n.children.empty()) {
    out += '\n';
    out.append(static_cast<std::size_t>(depth), '\t');
  }
  out += '}';
}

} // namespace

std::string_view compact_of(std::string_view name) {
  for (auto& [l, c] : tokens)
    if (iequals(name, l))
      return c;
  return name;
}

node compacted(const node& n) {
  node out = n;
  out.name = std::string{compact_of(n.name)};
  if (!n.quoted)
    out.value = std::string{compact_of(n.value)};
  for (auto& c : out.children)
    c = compacted(c);
  // Compact tokens are case-insensitive too: one case for comparing.
  for (auto& ch : out.name)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!n.quoted)
    for (auto& ch : out.value)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

std::string serialize(const message& m, bool compact) {
  std::string out = compact ? "!/" : "MEGACO/";
  out += std::to_string(m.version);
  out += ' ';
  out += m.mid;
  out += '\n';
  for (std::size_t i = 0; i < m.body.size(); ++i) {
    // Transactions follow each other without a separator in the compact
    // form; anything not ended by a brace is a list item: a comma.
    if (i > 0) {
      if (out.back() != '}')
        out += ',';
      if (!compact)
        out += '\n';
    }
    write(out, m.body[i], compact, 0);
  }
  return out;
}

} // namespace ivm::megaco
