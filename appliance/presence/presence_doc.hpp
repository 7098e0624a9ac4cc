#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ivm::presence {

/// The `<basic>` status of a tuple (RFC 3863 §4.1.4).
enum class basic_status { open, closed };

/// "open" or "closed".
std::string_view to_string(basic_status x);

/// One `<tuple>` (RFC 3863 §4.1.2; a service in RFC 4479 §3.1).
struct presence_tuple {
  /// The `id` attribute; written as an `xs:ID` (see `to_xml_id`).
  std::string id;

  /// `<status><basic>`; absent when the tuple carries none.
  std::optional<basic_status> basic;

  /// `<contact>` URI, if any.
  std::optional<std::string> contact;

  /// The contact's `priority` attribute, a qvalue in [0, 1] written with at
  /// most three decimals (RFC 3863 §4.1.5).
  std::optional<double> priority;

  /// The tuple's first `<note>`, if any.
  std::optional<std::string> note;

  /// `<timestamp>` as written (an `xs:dateTime`), if any.
  std::optional<std::string> timestamp;

  friend bool operator==(const presence_tuple&, const presence_tuple&);
};

/// The `<dm:person>` (RFC 4479 §3.2) of the presentity.
struct presence_person {
  /// RPID activity tokens (RFC 4480 §3.2), e.g. "on-the-phone". Only tokens
  /// for which `is_activity` holds are written; a set keeps them sorted.
  std::set<std::string> activities;

  /// `<dm:note>`: free text, e.g. "lunch until 2".
  std::string note;

  /// `<cipid:display-name>` (RFC 4482 §3.2): PIDF, the data model and RPID
  /// have no display name, CIPID defines one as a person element.
  std::string display_name;

  /// True when nothing would be written for the person.
  bool empty() const noexcept {
    return activities.empty() && note.empty() && display_name.empty();
  }

  friend bool operator==(const presence_person&, const presence_person&);
};

/// A PIDF document: the presentity, its services and the person.
struct presence_doc {
  /// The `entity` attribute: the presentity's URI (`pres:` or `sip:`).
  std::string entity;

  /// The tuples, written in this order.
  std::vector<presence_tuple> tuples;

  /// The person element; omitted from the XML when empty.
  presence_person person;

  friend bool operator==(const presence_doc&, const presence_doc&);
};

/// True for the activity tokens of RFC 4480 §3.2 ("appointment", "away",
/// "breakfast", "busy", "dinner", "holiday", "in-transit",
/// "looking-for-work", "meal", "meeting", "on-the-phone", "performance",
/// "permanent-absence", "playing", "presentation", "shopping", "sleeping",
/// "spectator", "steering", "travel", "tv", "unknown", "vacation",
/// "working", "worship").
bool is_activity(std::string_view token);

/// Open when any tuple is open, closed otherwise (also without tuples).
basic_status overall_status(const presence_doc& doc);

/// Default size limit for parsed documents (PUBLISH bodies): 64 KiB.
inline constexpr std::size_t max_document_size = std::size_t{64} * 1024;

} // namespace ivm::presence
