#include "appliance/presence/presence_doc.hpp"

#include <algorithm>
#include <array>

namespace ivm::presence {

namespace {

// RFC 4480 §3.2 and its schema (§4), sorted for binary search.
constexpr std::array<std::string_view, 25> activity_tokens = {
    "appointment",
    "away",
    "breakfast",
    "busy",
    "dinner",
    "holiday",
    "in-transit",
    "looking-for-work",
    "meal",
    "meeting",
    "on-the-phone",
    "performance",
    "permanent-absence",
    "playing",
    "presentation",
    "shopping",
    "sleeping",
    "spectator",
    "steering",
    "travel",
    "tv",
    "unknown",
    "vacation",
    "working",
    "worship",
};

} // namespace

std::string_view to_string(basic_status x) {
  return x == basic_status::open ? "open" : "closed";
}

bool operator==(const presence_tuple& x, const presence_tuple& y) {
  return x.id == y.id && x.basic == y.basic && x.contact == y.contact &&
         x.priority == y.priority && x.note == y.note &&
         x.timestamp == y.timestamp;
}

bool operator==(const presence_person& x, const presence_person& y) {
  return x.activities == y.activities && x.note == y.note &&
         x.display_name == y.display_name;
}

bool operator==(const presence_doc& x, const presence_doc& y) {
  return x.entity == y.entity && x.tuples == y.tuples && x.person == y.person;
}

bool is_activity(std::string_view token) {
  return std::binary_search(activity_tokens.begin(), activity_tokens.end(),
                            token);
}

basic_status overall_status(const presence_doc& doc) {
  auto open = std::any_of(
      doc.tuples.begin(), doc.tuples.end(),
      [](const presence_tuple& t) { return t.basic == basic_status::open; });
  return open ? basic_status::open : basic_status::closed;
}

} // namespace ivm::presence
