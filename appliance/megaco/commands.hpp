#pragma once

// H.248 messages as the media gateway controller reads and writes them
// (issue 16), on top of the text tree (text.hpp): transactions (requests,
// replies, pendings, response acks), their actions and commands, the
// observed events of a Notify, the ServiceChange parameters; and the
// builders of what the box sends. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/megaco/text.hpp"

namespace ivm::megaco {

enum class verb : std::uint8_t {
  add,
  modify,
  subtract,
  move,
  audit_value,
  audit_capabilities,
  notify,
  service_change,
};

std::string_view to_string(verb v); ///< the long token: "Add", ...
std::optional<verb> verb_of(std::string_view token);

/// An Error descriptor (H.248.8): code and text.
struct error_descriptor {
  int code = 0;
  std::string text;
};

/// One command of an action, or its reply: the verb, the termination id
/// ("line/1", "ROOT", "$", "*") and its descriptors as written.
struct command {
  verb what = verb::modify;
  std::string termination;
  std::vector<node> descriptors;
  std::optional<error_descriptor> error; ///< in a reply

  /// The Local (or Remote) SDP of its first stream, if any.
  std::optional<std::string> local_sdp() const;
  std::optional<std::string> remote_sdp() const;
};

struct action {
  std::string context; ///< "-" (null), "$" (choose), "*", or an id
  std::vector<command> commands;
  std::optional<error_descriptor> error; ///< an action-level error
};

struct request {
  std::uint32_t id = 0;
  std::vector<action> actions;
};
struct reply {
  std::uint32_t id = 0;
  bool imm_ack_required = false;
  std::vector<action> actions;
  std::optional<error_descriptor> error; ///< a transaction-level error
};
struct pending {
  std::uint32_t id = 0;
};
/// TransactionResponseAck: inclusive ranges of reply ids.
struct response_ack {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
};
using transaction = std::variant<request, reply, pending, response_ack>;

struct decoded {
  int version = 1;
  std::string mid;
  std::vector<transaction> transactions;
  /// A message-level Error (the peer could not read ours).
  std::optional<error_descriptor> error;
};

/// The message in `text`; a syntax error (400/403/406 with the transaction)
/// or a structure the box cannot read as H.248 (400, 403 with the id).
expected<decoded, parse_error> decode(std::string_view text);

// -- what a Notify and a ServiceChange say ----------------------------------

/// One observed event: "al/of", "dd/ce" with its parameters (ds="0123",
/// Meth=UM), the optional time stamp.
struct observed_event {
  std::string name; ///< "al/of" (lower case)
  std::string timestamp;
  std::vector<std::pair<std::string, std::string>> params;
  /// A parameter's value by name ("ds"), if present.
  std::optional<std::string> param(std::string_view name) const;
};
struct observed_events {
  std::string request_id;
  std::vector<observed_event> events;
};
/// The ObservedEvents of a Notify command, if it has them.
std::optional<observed_events> observed_of(const command& c);

struct service_change {
  std::string method;  ///< "Restart", "Forced", ... as written
  std::string reason;  ///< "901 Cold Boot"
  std::string address; ///< ServiceChangeAddress (a port or an mId)
  std::string mgc_id;  ///< MgcIdToTry
  std::string profile;
  int version = 0;
  int delay = -1;
};
std::optional<service_change> service_change_of(const command& c);

// -- what the box sends -----------------------------------------------------

/// A message of `mid` (the box's, e.g. "[127.0.0.1]:2944") holding `items`.
std::string write_message(const std::string& mid,
                          const std::vector<node>& items, int version,
                          bool compact);

/// A descriptor node: `name [= value] [{ children }]`.
node make(std::string name, std::string value = {},
          std::vector<node> children = {}, bool braces = false);

/// `Transaction = id { Context = ctx { commands... } }`.
node make_request(std::uint32_t id, const std::string& context,
                  std::vector<node> commands);
/// `Reply = id { Context = ctx { replies... } }`.
node make_reply(std::uint32_t id, const std::string& context,
                std::vector<node> replies);
/// `Reply = id { Error = code { "text" } }`: the request was refused.
node make_error_reply(std::uint32_t id, int code, const std::string& text);
/// `TransactionResponseAck { a-b, c }`.
node make_response_ack(
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ranges);
/// `Verb = termination [{ descriptors }]`.
node make_command(verb v, const std::string& termination,
                  std::vector<node> descriptors = {});

/// `Events = request_id { name{params}, ... }` with an optional embedded
/// digit map for dd/ce (`dd/ce {DigitMap = name}` or the map itself).
node make_events(const std::string& request_id,
                 const std::vector<std::string>& events,
                 const std::string& digit_map = {});
/// `Signals { name, ... }`; none: a bare `Signals` (stops all signals).
node make_signals(const std::vector<std::string>& signals);
/// `Media { Stream = 1 { LocalControl { Mode = mode }, Local {..},
/// Remote {..} } }`; an empty SDP is left out.
node make_media(const std::string& mode, const std::string& local_sdp,
                const std::string& remote_sdp);

} // namespace ivm::megaco
