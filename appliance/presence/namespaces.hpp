#pragma once

#include <string_view>

namespace ivm::presence::ns {

/// PIDF, RFC 3863 §4.
inline constexpr std::string_view pidf = "urn:ietf:params:xml:ns:pidf";

/// Presence data model (person, device), RFC 4479 §4.
inline constexpr std::string_view data_model =
    "urn:ietf:params:xml:ns:pidf:data-model";

/// Rich presence (activities), RFC 4480 §4.
inline constexpr std::string_view rpid = "urn:ietf:params:xml:ns:pidf:rpid";

/// Contact information (display-name), RFC 4482 §3.
inline constexpr std::string_view cipid = "urn:ietf:params:xml:ns:pidf:cipid";

/// Watcher information, RFC 3858 §4.
inline constexpr std::string_view watcherinfo =
    "urn:ietf:params:xml:ns:watcherinfo";

/// Dialog event package, RFC 4235 §4.
inline constexpr std::string_view dialog_info =
    "urn:ietf:params:xml:ns:dialog-info";

} // namespace ivm::presence::ns
