#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "storage/store.hpp"

/// The records the directory and the messaging core keep, with their keys
/// and versioned encodings (`storage/codec.hpp`). Each `encode` writes the
/// current format; each `decode` reads every format it knows.
namespace ivm::storage::records {

/// A user (family `accounts`, key `key_join({"u", extension})`). Secrets are
/// digest HA1 values only, never the password (RFC 3261 §22, RFC 8760).
struct account {
  std::string extension;
  std::string username;
  std::string display_name;
  std::string ha1_md5;
  std::string ha1_sha256;
  /// The realm the HA1 values were computed for (the SIP domain).
  std::string realm;
  bool enabled = true;
  std::uint64_t created_s = 0; ///< Unix time
};

std::string account_key(std::string_view extension);
/// Prefix of every account key.
std::string account_prefix();
std::string encode(const account& x);
expected<account, error> decode_account(std::string_view bytes);

/// A group of users messaged together (family `accounts`, key
/// `key_join({"g", name})`).
struct group {
  std::string name;
  std::string extension;            ///< optional dialable number
  std::vector<std::string> members; ///< extensions
};

std::string group_key(std::string_view name);
std::string group_prefix();
std::string encode(const group& x);
expected<group, error> decode_group(std::string_view bytes);

/// A registered contact (family `bindings`, key
/// `key_join({extension, contact})`).
struct binding {
  std::string contact;         ///< the Contact URI as registered
  std::uint16_t q = 1000;      ///< q-value x 1000
  std::uint64_t expires_s = 0; ///< Unix time
  std::string call_id;
  std::uint32_t cseq = 0;
  std::uint8_t transport = 0; ///< 0 UDP, 1 TCP, 2 TLS
  std::string source;         ///< "ip:port" the REGISTER came from
  std::string user_agent;
  /// The MAC of the provisioned phone whose own credentials registered it
  /// (issue 11); empty for the user's password.
  std::string device;
};

std::string binding_key(std::string_view extension, std::string_view contact);
std::string binding_prefix(std::string_view extension);
std::string encode(const binding& x);
expected<binding, error> decode_binding(std::string_view bytes);

/// A text message waiting for its recipient (family `messages`, key
/// `key_join({recipient extension, be64(seq)})`: in arrival order).
struct queued_message {
  std::string id;       ///< box-wide message id
  std::string from;     ///< sender's name-addr, as delivered
  std::string from_ext; ///< sender's extension ("" for the box)
  std::string to;       ///< recipient's AOR
  std::string content_type;
  std::string body;
  std::uint64_t date_s = 0; ///< when the box accepted it (Unix time)
  std::uint32_t attempts = 0;
  /// The sender asked for a delivery notification (IMDN, RFC 5438).
  bool notify_delivery = false;
  std::string imdn_id; ///< the sender's imdn.Message-ID
};

std::string message_key(std::string_view extension, std::uint64_t seq);
std::string message_prefix(std::string_view extension);
std::string encode(const queued_message& x);
expected<queued_message, error> decode_message(std::string_view bytes);

/// The identity of the request that brought a message: From tag, Call-ID
/// and CSeq number.
std::string request_identity(std::string_view from_tag,
                             std::string_view call_id, std::uint32_t cseq);

/// Which request created a message for `extension` (family `messages`, key
/// `key_join({"dedup", extension, identity})`, value: `be64(Unix time)`):
/// a sender that retransmits after a crash gets the same answer, not a
/// second message.
std::string dedup_key(std::string_view extension, std::string_view identity);
std::string dedup_prefix(std::string_view extension);

// -- contact lists and presence (family `contacts`) ---------------------------

/// What a user answered to someone who wants to watch their presence.
enum class watch_state : std::uint8_t {
  pending = 0,
  allowed = 1,
  declined = 2
};

/// One entry of a user's contact list (key `contact_key(owner, other)`):
/// `other`'s presence is shown to `owner`.
struct contact_entry {
  std::uint64_t since_s = 0;
};

/// Whether `watcher` may see `owner`'s presence (key
/// `watcher_key(owner, watcher)`).
struct watcher_entry {
  watch_state state = watch_state::pending;
  std::uint64_t since_s = 0;
};

/// The status a user set (text command, console): `presence::user_status`
/// as a number, and the note (key `status_key(owner)`).
struct presence_status {
  std::uint8_t status = 0;
  std::string note;
};

std::string contacts_prefix(std::string_view owner); ///< everything of owner
std::string contact_key(std::string_view owner, std::string_view other);
std::string watcher_key(std::string_view owner, std::string_view watcher);
std::string status_key(std::string_view owner);
std::string encode(const contact_entry& x);
std::string encode(const watcher_entry& x);
std::string encode(const presence_status& x);
expected<contact_entry, error> decode_contact(std::string_view bytes);
expected<watcher_entry, error> decode_watcher(std::string_view bytes);
expected<presence_status, error> decode_status(std::string_view bytes);

// -- subscriptions (family `subscriptions`) -----------------------------------

/// A SUBSCRIBE dialog the box serves as notifier (RFC 6665), key
/// `subscription_key(presentity, call_id, local_tag)`: the fields of
/// `sip::events::subscription_data` plus how to reach the subscriber.
struct subscription_record {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  std::string local_party;
  std::string remote_party;
  std::string remote_target;
  std::vector<std::string> route_set;
  std::uint32_t local_cseq = 0;
  std::uint32_t remote_cseq = 0;
  std::string package;
  std::string event_id;
  std::uint64_t expires_at = 0;
  std::uint8_t state = 0;  ///< sub_state
  std::uint8_t reason = 0; ///< term_reason
  std::string watcher;     ///< subscriber's extension
  std::uint8_t transport = 0;
  std::string source;        ///< "ip:port" the SUBSCRIBE came from
  std::uint32_t version = 0; ///< documents sent (dialog-info, winfo)
  std::uint64_t created_s = 0;
};

std::string subscription_key(std::string_view presentity,
                             std::string_view call_id,
                             std::string_view local_tag);
std::string subscription_prefix(std::string_view presentity);
std::string encode(const subscription_record& x);
expected<subscription_record, error>
decode_subscription(std::string_view bytes);

// -- voice messages (family `voice`) ------------------------------------------

/// A voice message as one recipient sees it (key `voice_box_key(recipient,
/// id)`); the sealed audio is at `voice_blob_key(id)`, shared by all.
struct voice_entry {
  std::string id;
  std::string from_ext;
  std::string from_name;
  std::uint64_t date_s = 0;
  std::uint32_t duration_ms = 0;
  bool heard = false;
};

/// The audio's bookkeeping (key `voice_meta_key(id)`): how many recipients
/// still keep it (the blob goes when the last one deletes it).
struct voice_meta {
  std::uint32_t holders = 0;
  std::uint64_t size = 0;
};

/// A recording that ended but is not stored as a message yet (key
/// `voice_pending_key(id)`, sealed like the audio): written before the box
/// tells the caller it is over, so a crash before the message is encoded
/// and stored loses nothing; finished (and removed) at the next start.
struct voice_pending {
  std::string from_ext;
  std::string from_name;
  std::vector<std::string> recipients;
  std::uint32_t rate = 8000;
  std::string pcm; ///< 16-bit little-endian mono samples
};

std::string voice_box_key(std::string_view recipient, std::string_view id);
std::string voice_box_prefix(std::string_view recipient);
std::string voice_blob_key(std::string_view id);
std::string voice_meta_key(std::string_view id);
std::string voice_pending_key(std::string_view id);
std::string voice_pending_prefix();
std::string encode(const voice_pending& x);
expected<voice_pending, error> decode_voice_pending(std::string_view bytes);
std::string encode(const voice_entry& x);
std::string encode(const voice_meta& x);
expected<voice_entry, error> decode_voice_entry(std::string_view bytes);
expected<voice_meta, error> decode_voice_meta(std::string_view bytes);

} // namespace ivm::storage::records
