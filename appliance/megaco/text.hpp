#pragma once

// H.248 / MEGACO text encoding (RFC 3525, ITU-T H.248.1 Annex B), issue 16.
// A message is a header (`MEGACO/1 mId`) and a body of descriptors, each a
// token with an optional value and an optional braced list of children:
//
//   Transaction = 10003 { Context = $ { Add = line/1 { Media { ... } } } }
//
// The codec keeps that tree generic (names as written, long or compact
// tokens alike) and leaves meaning to the layers above; `Local`, `Remote`
// and `DigitMap` bodies are octet strings kept verbatim (SDP, digit maps).
// Pure: no I/O. docs/protocols/megaco.md has the subset.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::megaco {

/// One descriptor or parameter: `name [op value] [{ children }]`, or a
/// quoted string in a list (`Error = 401 { "text" }`: a child with an empty
/// name and `quoted`), or an octet string (`Local { v=0 ... }`).
struct node {
  std::string name;    ///< as written: "Transaction", "T", "nt/jit", "line/1"
  std::string op;      ///< "", "=", "<", ">" or "#" (not equal)
  std::string value;   ///< after `op`, without quotes
  bool quoted = false; ///< `value` was a quoted string
  bool braces = false; ///< a `{ ... }` followed (children or octets)
  bool octets = false; ///< its body is `text`, verbatim (SDP, digit map)
  std::string text;    ///< the octet string
  std::vector<node> children;

  /// `name` is `long_name` or `compact` (ABNF tokens are case-insensitive).
  bool is(std::string_view long_name, std::string_view compact = {}) const;
  /// The first child that `is(long_name, compact)`, or null.
  const node* child(std::string_view long_name,
                    std::string_view compact = {}) const;
  node* child(std::string_view long_name, std::string_view compact = {});
};

bool operator==(const node& a, const node& b);
inline bool operator!=(const node& a, const node& b) {
  return !(a == b);
}

struct message {
  int version = 1;
  /// The sender's mId as written: "[192.0.2.1]:2944", "<mg1.example>",
  /// "MTP{050801}", a device name.
  std::string mid;
  /// Transactions, replies, pendings, acks, or a message-level Error.
  std::vector<node> body;
};

/// Why a message could not be read, as H.248.8 error codes: 400 (syntax
/// error in the message), 403 (syntax error in a transaction request, with
/// its id) or 406 (version not supported).
struct parse_error {
  int code = 400;
  std::string reason;
  std::size_t offset = 0; ///< where in the input
  /// The request being read when it failed (403), else 0.
  std::uint32_t transaction = 0;
};

struct parse_options {
  std::size_t max_size = 65536; ///< bigger: 400
  std::size_t max_depth = 24;   ///< deeper nesting: 400
  std::size_t max_nodes = 4096; ///< more descriptors: 400
  int max_version = 3;          ///< higher: 406
};

expected<message, parse_error> parse(std::string_view text,
                                     const parse_options& opts = {});

/// The text of `m`: the long tokens, one descriptor per line, or the compact
/// ones (`!/1`, `T=`, `C=`...) with no blanks but those needed.
std::string serialize(const message& m, bool compact = false);

/// The compact token of a long one ("Transaction" -> "T"); `name` itself
/// when it has none (package names, termination ids, values).
std::string_view compact_of(std::string_view name);

/// `name` with every known token in its compact form, for comparing trees
/// written in either form.
node compacted(const node& n);

} // namespace ivm::megaco
