#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "appliance/presence/presence_doc.hpp"

namespace ivm::presence {

/// Writes `doc` as an `application/pidf+xml` body (RFC 3863) with the data
/// model's person (RFC 4479), RPID activities (RFC 4480) and a CIPID display
/// name (RFC 4482). Deterministic: equal documents give equal bytes. All
/// text is escaped; tuple ids are made valid, unique `xs:ID`s.
std::string to_pidf(const presence_doc& doc);

/// Parses a PIDF body, e.g. from PUBLISH (RFC 3903). Strict about the root
/// (`presence` in urn:ietf:params:xml:ns:pidf), its `entity` (a URI), tuple
/// ids (present, unique) and `<basic>` values; ignores unknown elements and
/// unknown activity tokens. A presence-level `<note>` becomes the person's
/// note when the person has none. Persons are merged. Refuses DOCTYPEs and
/// bodies over `max_size` bytes. The error is a short reason for a 400.
expected<presence_doc, std::string>
parse_pidf(std::string_view xml, std::size_t max_size = max_document_size);

} // namespace ivm::presence
