#include "appliance/presence/compose.hpp"

#include <algorithm>
#include <map>

namespace ivm::presence {

namespace {

// The published tuples by id, the newest publication winning; the box's
// registration tuple id is reserved.
std::map<std::string, presence_tuple>
published_tuples(const std::vector<presence_doc>& pubs) {
  std::map<std::string, presence_tuple> result;
  for (const auto& doc : pubs)
    for (const auto& t : doc.tuples)
      if (t.id != registration_tuple_id)
        result[t.id] = t;
  return result;
}

// The newest non-empty value of `field` among the publications.
template <class F>
std::string newest(const std::vector<presence_doc>& pubs, F field) {
  for (auto i = pubs.rbegin(); i != pubs.rend(); ++i)
    if (!field(*i).empty())
      return field(*i);
  return {};
}

std::string person_note(const presence_inputs& in) {
  if (in.status == user_status::dnd)
    return in.status_note.empty()
               ? std::string{dnd_note}
               : std::string{dnd_note} + ": " + in.status_note;
  if (!in.status_note.empty())
    return in.status_note;
  if (in.status == user_status::none)
    return newest(in.publications,
                  [](const presence_doc& d) { return d.person.note; });
  return {};
}

std::set<std::string> activities(const presence_inputs& in) {
  std::set<std::string> result;
  switch (in.status) {
    case user_status::signed_out:
      return result;
    case user_status::none:
      for (const auto& doc : in.publications)
        for (const auto& a : doc.person.activities)
          if (is_activity(a))
            result.insert(a);
      break;
    case user_status::available:
      break;
    case user_status::away:
      result.insert("away");
      break;
    case user_status::busy:
    case user_status::dnd:
      result.insert("busy");
      break;
  }
  if (in.calls_confirmed > 0)
    result.insert("on-the-phone");
  // "unknown" says nothing once anything else is known (RFC 4480 §3.2).
  if (result.size() > 1)
    result.erase("unknown");
  return result;
}

} // namespace

presence_doc compose(const presence_inputs& in) {
  auto signed_out = in.status == user_status::signed_out;
  presence_doc doc;
  doc.entity = in.entity;
  doc.person.activities = activities(in);
  doc.person.note = person_note(in);
  doc.person.display_name = in.display_name;
  if (doc.person.display_name.empty())
    doc.person.display_name =
        newest(in.publications,
               [](const presence_doc& d) { return d.person.display_name; });
  auto tuples = published_tuples(in.publications);
  presence_tuple reg;
  reg.id = std::string{registration_tuple_id};
  reg.basic = in.registered_devices > 0 && !signed_out ? basic_status::open
                                                       : basic_status::closed;
  if (!in.contact.empty())
    reg.contact = in.contact;
  if (!doc.person.note.empty())
    reg.note = doc.person.note;
  tuples[reg.id] = std::move(reg);
  for (auto& entry : tuples) {
    auto& t = entry.second;
    if (signed_out)
      t.basic = basic_status::closed;
    doc.tuples.push_back(std::move(t));
  }
  return doc;
}

} // namespace ivm::presence
