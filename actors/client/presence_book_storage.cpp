// The presence book in storage: contacts and watchers read when the client
// loads, subscriptions saved with their state changes and exactly before
// the client leaves memory, read back with a gap after a restart
// (docs/architecture.md, "Client actors in and out of memory").

#include "actors/client/presence_book.hpp"

#include "storage/codec.hpp"

namespace ivm::actors {

namespace records = storage::records;
using sip::events::sub_state;
using sip::events::term_reason;

namespace {

/// After a restart, NOTIFY CSeq and document versions continue this far
/// ahead of what was last saved (they are saved with state changes only).
constexpr std::uint32_t restart_gap = 1000;

} // namespace

void presence_book::load_contacts(const std::vector<storage::key_value>& rows) {
  for (auto& [key, value] : rows) {
    auto parts = storage::key_split(key);
    if (!parts || parts->size() < 2)
      continue;
    auto& kind = (*parts)[1];
    if (kind == "c" && parts->size() == 3) {
      if (auto c = records::decode_contact(value))
        contacts_[(*parts)[2]] = c->since_s;
    } else if (kind == "w" && parts->size() == 3) {
      if (auto w = records::decode_watcher(value))
        watchers_[(*parts)[2]] = *w;
    } else if (kind == "s") {
      if (auto s = records::decode_status(value)) {
        if (s->status <=
            static_cast<std::uint8_t>(presence::user_status::signed_out))
          status_ = static_cast<presence::user_status>(s->status);
        note_ = s->note;
      }
    }
  }
}

book_out
presence_book::load_subscriptions(const std::vector<storage::key_value>& rows,
                                  std::uint64_t now, bool restart) {
  book_out out;
  std::uint32_t gap = restart ? restart_gap : 0U;
  for (auto& [key, value] : rows) {
    auto rec = records::decode_subscription(value);
    if (!rec || rec->expires_at <= now ||
        rec->state == static_cast<std::uint8_t>(sub_state::terminated)) {
      out.batch.del(storage::family::subscriptions, key);
      continue;
    }
    book_sub s;
    auto& d = s.data;
    d.call_id = rec->call_id;
    d.local_tag = rec->local_tag;
    d.remote_tag = rec->remote_tag;
    d.local_party = rec->local_party;
    d.remote_party = rec->remote_party;
    d.remote_target = rec->remote_target;
    d.route_set = rec->route_set;
    d.local_cseq = rec->local_cseq + gap;
    d.remote_cseq = rec->remote_cseq;
    d.package = rec->package;
    d.event_id = rec->event_id;
    d.expires_at = rec->expires_at;
    d.state = static_cast<sub_state>(rec->state);
    d.reason = static_cast<term_reason>(rec->reason);
    s.watcher = rec->watcher;
    s.transport = rec->transport;
    s.source = rec->source;
    s.version = rec->version + gap;
    s.created_s = rec->created_s;
    subs_.emplace(id_of(d), std::move(s));
  }
  return out;
}

book_out presence_book::save_all() const {
  book_out out;
  for (auto& [id, s] : subs_)
    save(s, out);
  return out;
}

bool presence_book::may_leave() const {
  return pubs_.entries.empty() && dialogs_.empty();
}

void presence_book::prime_sent_state() {
  std::string doc;
  for (auto* s : stale_presence(doc))
    s->last_body = doc;
}

void presence_book::save(const book_sub& s, book_out& out) const {
  const auto& d = s.data;
  records::subscription_record r;
  r.call_id = d.call_id;
  r.local_tag = d.local_tag;
  r.remote_tag = d.remote_tag;
  r.local_party = d.local_party;
  r.remote_party = d.remote_party;
  r.remote_target = d.remote_target;
  r.route_set = d.route_set;
  r.local_cseq = d.local_cseq;
  r.remote_cseq = d.remote_cseq;
  r.package = d.package;
  r.event_id = d.event_id;
  r.expires_at = d.expires_at;
  r.state = static_cast<std::uint8_t>(d.state);
  r.reason = static_cast<std::uint8_t>(d.reason);
  r.watcher = s.watcher;
  r.transport = s.transport;
  r.source = s.source;
  r.version = s.version;
  r.created_s = s.created_s;
  out.batch.put(
      storage::family::subscriptions,
      records::subscription_key(env_.extension, d.call_id, d.local_tag),
      records::encode(r));
}

} // namespace ivm::actors
