#include "storage/records/records.hpp"

#include "storage/codec.hpp"
#include "storage/records/read_util.hpp"

namespace ivm::storage::records {

// -- account ------------------------------------------------------------------

std::string account_key(std::string_view extension) {
  return key_join({"u", extension});
}

std::string account_prefix() {
  return key_prefix({"u"});
}

std::string encode(const account& x) {
  record_writer w{1};
  w.put_string(x.extension)
      .put_string(x.username)
      .put_string(x.display_name)
      .put_string(x.ha1_md5)
      .put_string(x.ha1_sha256)
      .put_string(x.realm)
      .put_bool(x.enabled)
      .put_u64(x.created_s);
  return std::move(w).take();
}

expected<account, error> decode_account(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  account x;
  IVM_READ(x.extension, in.get_string());
  IVM_READ(x.username, in.get_string());
  IVM_READ(x.display_name, in.get_string());
  IVM_READ(x.ha1_md5, in.get_string());
  IVM_READ(x.ha1_sha256, in.get_string());
  IVM_READ(x.realm, in.get_string());
  IVM_READ(x.enabled, in.get_bool());
  IVM_READ(x.created_s, in.get_u64());
  return finish(in, std::move(x));
}

// -- group --------------------------------------------------------------------

std::string group_key(std::string_view name) {
  return key_join({"g", name});
}

std::string group_prefix() {
  return key_prefix({"g"});
}

std::string encode(const group& x) {
  record_writer w{1};
  w.put_string(x.name).put_string(x.extension).put_varint(x.members.size());
  for (auto& m : x.members)
    w.put_string(m);
  return std::move(w).take();
}

expected<group, error> decode_group(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  group x;
  IVM_READ(x.name, in.get_string());
  IVM_READ(x.extension, in.get_string());
  std::uint64_t n = 0;
  IVM_READ(n, in.get_varint());
  if (n > in.remaining())
    return unexpected(error{errc::corruption, "group: bad member count"});
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string m;
    IVM_READ(m, in.get_string());
    x.members.push_back(std::move(m));
  }
  return finish(in, std::move(x));
}

// -- binding ------------------------------------------------------------------

std::string binding_key(std::string_view extension, std::string_view contact) {
  return key_join({extension, contact});
}

std::string binding_prefix(std::string_view extension) {
  return key_prefix({extension});
}

std::string encode(const binding& x) {
  record_writer w{x.device.empty() ? std::uint8_t{1} : std::uint8_t{2}};
  w.put_string(x.contact)
      .put_u32(x.q)
      .put_u64(x.expires_s)
      .put_string(x.call_id)
      .put_u32(x.cseq)
      .put_u8(x.transport)
      .put_string(x.source)
      .put_string(x.user_agent);
  if (!x.device.empty())
    w.put_string(x.device);
  return std::move(w).take();
}

expected<binding, error> decode_binding(std::string_view bytes) {
  record_reader in{bytes};
  auto v = in.version(2);
  if (!v)
    return unexpected(v.error());
  binding x;
  std::uint32_t q = 0;
  IVM_READ(x.contact, in.get_string());
  IVM_READ(q, in.get_u32());
  x.q = static_cast<std::uint16_t>(q > 1000 ? 1000 : q);
  IVM_READ(x.expires_s, in.get_u64());
  IVM_READ(x.call_id, in.get_string());
  IVM_READ(x.cseq, in.get_u32());
  IVM_READ(x.transport, in.get_u8());
  IVM_READ(x.source, in.get_string());
  IVM_READ(x.user_agent, in.get_string());
  if (*v >= 2)
    IVM_READ(x.device, in.get_string());
  return finish(in, std::move(x));
}

// -- queued message -----------------------------------------------------------

std::string message_key(std::string_view extension, std::uint64_t seq) {
  auto seq_bytes = be64(seq);
  return key_join({"q", extension, seq_bytes});
}

std::string message_prefix(std::string_view extension) {
  return key_prefix({"q", extension});
}

std::string encode(const queued_message& x) {
  record_writer w{1};
  w.put_string(x.id)
      .put_string(x.from)
      .put_string(x.from_ext)
      .put_string(x.to)
      .put_string(x.content_type)
      .put_string(x.body)
      .put_u64(x.date_s)
      .put_u32(x.attempts)
      .put_bool(x.notify_delivery)
      .put_string(x.imdn_id);
  return std::move(w).take();
}

expected<queued_message, error> decode_message(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  queued_message x;
  IVM_READ(x.id, in.get_string());
  IVM_READ(x.from, in.get_string());
  IVM_READ(x.from_ext, in.get_string());
  IVM_READ(x.to, in.get_string());
  IVM_READ(x.content_type, in.get_string());
  IVM_READ(x.body, in.get_string());
  IVM_READ(x.date_s, in.get_u64());
  IVM_READ(x.attempts, in.get_u32());
  IVM_READ(x.notify_delivery, in.get_bool());
  IVM_READ(x.imdn_id, in.get_string());
  return finish(in, std::move(x));
}

std::string request_identity(std::string_view from_tag,
                             std::string_view call_id, std::uint32_t cseq) {
  auto n = std::to_string(cseq);
  return key_join({from_tag, call_id, n});
}

std::string dedup_key(std::string_view extension, std::string_view identity) {
  return key_join({"dedup", extension, identity});
}

std::string dedup_prefix(std::string_view extension) {
  return key_prefix({"dedup", extension});
}

// -- contacts -----------------------------------------------------------------

std::string contacts_prefix(std::string_view owner) {
  return key_prefix({owner});
}

std::string contact_key(std::string_view owner, std::string_view other) {
  return key_join({owner, "c", other});
}

std::string watcher_key(std::string_view owner, std::string_view watcher) {
  return key_join({owner, "w", watcher});
}

std::string status_key(std::string_view owner) {
  return key_join({owner, "s"});
}

std::string encode(const contact_entry& x) {
  record_writer w{1};
  w.put_u64(x.since_s);
  return std::move(w).take();
}

std::string encode(const watcher_entry& x) {
  record_writer w{1};
  w.put_u8(static_cast<std::uint8_t>(x.state)).put_u64(x.since_s);
  return std::move(w).take();
}

std::string encode(const presence_status& x) {
  record_writer w{1};
  w.put_u8(x.status).put_string(x.note);
  return std::move(w).take();
}

expected<contact_entry, error> decode_contact(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  contact_entry x;
  IVM_READ(x.since_s, in.get_u64());
  return finish(in, std::move(x));
}

expected<watcher_entry, error> decode_watcher(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  watcher_entry x;
  std::uint8_t st = 0;
  IVM_READ(st, in.get_u8());
  if (st > 2)
    return unexpected(error{errc::corruption, "bad watcher state"});
  x.state = static_cast<watch_state>(st);
  IVM_READ(x.since_s, in.get_u64());
  return finish(in, std::move(x));
}

expected<presence_status, error> decode_status(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  presence_status x;
  IVM_READ(x.status, in.get_u8());
  IVM_READ(x.note, in.get_string());
  return finish(in, std::move(x));
}

// -- subscriptions ------------------------------------------------------------

std::string subscription_key(std::string_view presentity,
                             std::string_view call_id,
                             std::string_view local_tag) {
  return key_join({presentity, call_id, local_tag});
}

std::string subscription_prefix(std::string_view presentity) {
  return key_prefix({presentity});
}

std::string encode(const subscription_record& x) {
  record_writer w{1};
  w.put_string(x.call_id)
      .put_string(x.local_tag)
      .put_string(x.remote_tag)
      .put_string(x.local_party)
      .put_string(x.remote_party)
      .put_string(x.remote_target)
      .put_u32(static_cast<std::uint32_t>(x.route_set.size()));
  for (auto& r : x.route_set)
    w.put_string(r);
  w.put_u32(x.local_cseq)
      .put_u32(x.remote_cseq)
      .put_string(x.package)
      .put_string(x.event_id)
      .put_u64(x.expires_at)
      .put_u8(x.state)
      .put_u8(x.reason)
      .put_string(x.watcher)
      .put_u8(x.transport)
      .put_string(x.source)
      .put_u32(x.version)
      .put_u64(x.created_s);
  return std::move(w).take();
}

expected<subscription_record, error>
decode_subscription(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  subscription_record x;
  IVM_READ(x.call_id, in.get_string());
  IVM_READ(x.local_tag, in.get_string());
  IVM_READ(x.remote_tag, in.get_string());
  IVM_READ(x.local_party, in.get_string());
  IVM_READ(x.remote_party, in.get_string());
  IVM_READ(x.remote_target, in.get_string());
  std::uint32_t routes = 0;
  IVM_READ(routes, in.get_u32());
  if (routes > 64)
    return unexpected(error{errc::corruption, "too many routes"});
  for (std::uint32_t i = 0; i < routes; ++i) {
    std::string r;
    IVM_READ(r, in.get_string());
    x.route_set.push_back(std::move(r));
  }
  IVM_READ(x.local_cseq, in.get_u32());
  IVM_READ(x.remote_cseq, in.get_u32());
  IVM_READ(x.package, in.get_string());
  IVM_READ(x.event_id, in.get_string());
  IVM_READ(x.expires_at, in.get_u64());
  IVM_READ(x.state, in.get_u8());
  IVM_READ(x.reason, in.get_u8());
  IVM_READ(x.watcher, in.get_string());
  IVM_READ(x.transport, in.get_u8());
  IVM_READ(x.source, in.get_string());
  IVM_READ(x.version, in.get_u32());
  IVM_READ(x.created_s, in.get_u64());
  return finish(in, std::move(x));
}

// -- voice --------------------------------------------------------------------

std::string voice_box_key(std::string_view recipient, std::string_view id) {
  return key_join({"box", recipient, id});
}

std::string voice_box_prefix(std::string_view recipient) {
  return key_prefix({"box", recipient});
}

std::string voice_blob_key(std::string_view id) {
  return key_join({"blob", id});
}

std::string voice_meta_key(std::string_view id) {
  return key_join({"meta", id});
}

std::string voice_pending_key(std::string_view id) {
  return key_join({"pend", id});
}

std::string voice_pending_prefix() {
  return key_prefix({"pend"});
}

std::string encode(const voice_pending& x) {
  record_writer w{1};
  w.put_string(x.from_ext).put_string(x.from_name);
  w.put_varint(x.recipients.size());
  for (const auto& r : x.recipients)
    w.put_string(r);
  w.put_u32(x.rate).put_string(x.pcm);
  return std::move(w).take();
}

expected<voice_pending, error> decode_voice_pending(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  voice_pending x;
  std::uint64_t n = 0;
  IVM_READ(x.from_ext, in.get_string());
  IVM_READ(x.from_name, in.get_string());
  IVM_READ(n, in.get_varint());
  if (n > 10000)
    return unexpected(error{errc::corruption, "too many recipients"});
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string r;
    IVM_READ(r, in.get_string());
    x.recipients.push_back(std::move(r));
  }
  IVM_READ(x.rate, in.get_u32());
  IVM_READ(x.pcm, in.get_string());
  return finish(in, std::move(x));
}

std::string encode(const voice_entry& x) {
  record_writer w{1};
  w.put_string(x.id)
      .put_string(x.from_ext)
      .put_string(x.from_name)
      .put_u64(x.date_s)
      .put_u32(x.duration_ms)
      .put_u8(x.heard ? 1 : 0);
  return std::move(w).take();
}

std::string encode(const voice_meta& x) {
  record_writer w{1};
  w.put_u32(x.holders).put_u64(x.size);
  return std::move(w).take();
}

expected<voice_entry, error> decode_voice_entry(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  voice_entry x;
  std::uint8_t heard = 0;
  IVM_READ(x.id, in.get_string());
  IVM_READ(x.from_ext, in.get_string());
  IVM_READ(x.from_name, in.get_string());
  IVM_READ(x.date_s, in.get_u64());
  IVM_READ(x.duration_ms, in.get_u32());
  IVM_READ(heard, in.get_u8());
  x.heard = heard != 0;
  return finish(in, std::move(x));
}

expected<voice_meta, error> decode_voice_meta(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  voice_meta x;
  IVM_READ(x.holders, in.get_u32());
  IVM_READ(x.size, in.get_u64());
  return finish(in, std::move(x));
}

} // namespace ivm::storage::records
