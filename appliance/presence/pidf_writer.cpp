#include "appliance/presence/pidf.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "appliance/presence/namespaces.hpp"
#include "appliance/presence/xml_escape.hpp"
#include "appliance/presence/xml_writer.hpp"

namespace ivm::presence {

namespace {

// A qvalue with at most three decimals: "0", "0.5", "0.125", "1".
std::string format_qvalue(double q) {
  auto milli = std::lround(std::fmin(std::fmax(q, 0.0), 1.0) * 1000.0);
  if (milli == 1000)
    return "1";
  if (milli == 0)
    return "0";
  std::string digits = std::to_string(milli);
  digits.insert(0, 3 - digits.size(), '0');
  while (digits.back() == '0')
    digits.pop_back();
  return "0." + digits;
}

// Makes `id` a valid xs:ID not yet in `used`, and records it.
std::string unique_id(std::string_view id, std::set<std::string>& used) {
  auto base = to_xml_id(id);
  auto candidate = base;
  for (int n = 2; used.count(candidate) > 0; ++n)
    candidate = base + "-" + std::to_string(n);
  used.insert(candidate);
  return candidate;
}

void write_tuple(detail::xml_writer& out, const presence_tuple& t,
                 const std::string& id) {
  out.start("tuple").attr("id", id);
  out.start("status");
  if (t.basic)
    out.element("basic", to_string(*t.basic));
  out.end();
  if (t.contact) {
    out.start("contact");
    if (t.priority && !std::isnan(*t.priority))
      out.attr("priority", format_qvalue(*t.priority));
    out.text(*t.contact).end();
  }
  if (t.note)
    out.element("note", *t.note);
  if (t.timestamp)
    out.element("timestamp", *t.timestamp);
  out.end();
}

void write_person(detail::xml_writer& out, const presence_person& p,
                  const std::string& id) {
  out.start("dm:person").attr("id", id);
  std::vector<std::string_view> acts;
  for (const auto& a : p.activities)
    if (is_activity(a))
      acts.emplace_back(a);
  // RFC 4480 §4: <unknown/> stands alone.
  if (acts.size() > 1)
    acts.erase(std::remove(acts.begin(), acts.end(), "unknown"), acts.end());
  if (!acts.empty()) {
    out.start("rpid:activities");
    for (auto a : acts)
      out.start("rpid:" + std::string{a}).end();
    out.end();
  }
  if (!p.display_name.empty())
    out.element("c:display-name", p.display_name);
  if (!p.note.empty())
    out.element("dm:note", p.note);
  out.end();
}

} // namespace

std::string to_pidf(const presence_doc& doc) {
  detail::xml_writer out;
  out.start("presence")
      .attr("xmlns", ns::pidf)
      .attr("xmlns:dm", ns::data_model)
      .attr("xmlns:rpid", ns::rpid)
      .attr("xmlns:c", ns::cipid)
      .attr("entity", doc.entity);
  std::set<std::string> used;
  std::vector<std::string> ids;
  for (const auto& t : doc.tuples)
    ids.push_back(unique_id(t.id, used));
  for (std::size_t i = 0; i < doc.tuples.size(); ++i)
    write_tuple(out, doc.tuples[i], ids[i]);
  if (!doc.person.empty())
    write_person(out, doc.person, unique_id("person", used));
  return out.finish();
}

} // namespace ivm::presence
