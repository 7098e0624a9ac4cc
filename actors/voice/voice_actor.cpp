#include "actors/voice/voice_actor.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <nlohmann/json.hpp>

#include "actors/mail/mail_actor.hpp"
#include "actors/voice/fax_store.hpp"
#include "actors/voice/session_actor.hpp"
#include "actors/voice/voice_state.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/voice/audio.hpp"
#include "appliance/voice/crypto.hpp"
#include "storage/codec.hpp"
#include "storage/records/records.hpp"

namespace ivm::actors {

namespace voice_detail {
namespace records = storage::records;
using json = nlohmann::json;

std::string seconds_text(std::uint32_t ms) {
  return std::to_string((ms + 500) / 1000) + " s";
}

// Counts `user`'s voice messages and tells their client (message-waiting).
void recount(pointer self, const std::string& user,
             const directory_actor& dir) {
  self->request(self->state.cfg.storage, caf::infinite, atoms::scan_atom::value,
                storage::family::voice, records::voice_box_prefix(user),
                std::string{}, std::uint64_t{100000})
      .then(
          [self, user, dir](const key_values& rows) {
            std::uint32_t fresh = 0;
            std::uint32_t old = 0;
            for (auto& [k, v] : rows)
              if (auto e = records::decode_voice_entry(v))
                ++(e->heard ? old : fresh);
            self->send(dir, atoms::mwi_atom::value, user, fresh, old);
          },
          [](const caf::error&) {});
}

// A new message id: time-ordered (milliseconds, then random), so listings
// and *8 keep the order in which messages came, even within one second.

// Seals and stores `audio` for `recipients` as message `id` (a new one when
// empty; a recording's pending record goes in the same write), then tells
// them; `done(entry)` (or `failed()`) once it is on disk.
void store_message(pointer self, const voice::ogg_audio& audio,
                   const std::string& from, const std::string& from_name,
                   const std::vector<std::string>& recipients,
                   const directory_actor& dir, stored_fn done,
                   std::function<void()> failed, std::string id) {
  auto& st = self->state;
  if (id.empty())
    id = new_message_id();
  auto sealed = voice::seal(audio.ogg, st.cfg.master_key, id);
  auto now = directory::unix_now();
  storage::write_batch b;
  b.del(storage::family::voice, records::voice_pending_key(id));
  b.put(storage::family::voice, records::voice_blob_key(id), sealed);
  b.put(storage::family::voice, records::voice_meta_key(id),
        records::encode(records::voice_meta{
            static_cast<std::uint32_t>(recipients.size()), sealed.size()}));
  records::voice_entry e{id, from, from_name, now, audio.duration_ms, false};
  for (auto& to : recipients)
    b.put(storage::family::voice, records::voice_box_key(to, id),
          records::encode(e));
  self->request(st.cfg.storage, caf::infinite, caf::put_atom::value, b)
      .then(
          [self, recipients, e, dir, done](caf::ok_atom) mutable {
            auto& st = self->state;
            st.log->info("voice message {} from {} ({} ms) for {} recipient(s)",
                         e.id, e.from_ext, e.duration_ms, recipients.size());
            if (st.cfg.clients && st.cfg.clients->metrics)
              st.cfg.clients->metrics
                  ->make_counter("ivm_voice_messages_stored_total",
                                 "Voice messages stored (encrypted).")
                  .inc();
            done(e);
            auto who = e.from_name.empty()
                           ? e.from_ext
                           : e.from_name + " (" + e.from_ext + ")";
            for (auto& to : recipients)
              recount(self, to, dir);
            for (auto& to : recipients)
              self->send(
                  dir, atoms::notify_atom::value, to,
                  directory::make_notice(to, st.cfg.domain,
                                         "Voice message from " + who + ", " +
                                             seconds_text(e.duration_ms) +
                                             ": dial *8 to listen, or GET "
                                             "/api/v1/voice-messages/" +
                                             e.id,
                                         directory::unix_now()));
          },
          [self, failed](const caf::error& err) mutable {
            self->state.log->error("voice message not stored: {}",
                                   self->system().render(err));
            failed();
          });
}

void encode_later(pointer self, voice_recording r) {
  auto& st = self->state;
  auto& enc = st.encoders[st.next_encoder++ % st.encoders.size()];
  self->send(enc, atoms::deliver_atom::value, std::move(r),
             caf::actor_cast<caf::actor>(self));
}

// A recording from a phone has ended: it goes to disk as it is (sealed)
// before the caller is told it is over (`rp`), then it is encoded and
// stored as a message, which replaces the pending record.
void on_recording(pointer self, voice_recording& r, caf::response_promise rp) {
  auto& st = self->state;
  if (r.pcm.size() < static_cast<std::size_t>(r.rate) / 2) {
    st.log->info("recording from {} under half a second: dropped", r.user);
    rp.deliver(true);
    return;
  }
  r.id = new_message_id();
  records::voice_pending p{r.user, r.user_name, r.recipients,
                           static_cast<std::uint32_t>(r.rate),
                           std::string(r.pcm.size() * 2, '\0')};
  for (std::size_t i = 0; i < r.pcm.size(); ++i) {
    auto v = static_cast<std::uint16_t>(r.pcm[i]);
    p.pcm[2 * i] = static_cast<char>(v & 0xff);
    p.pcm[2 * i + 1] = static_cast<char>(v >> 8);
  }
  storage::write_batch b;
  b.put(storage::family::voice, records::voice_pending_key(r.id),
        voice::seal(records::encode(p), st.cfg.master_key, r.id));
  // Its e-mails are owed from now on, with the recording (issue 18).
  if (st.cfg.mail)
    for (auto& [to, address] : r.mail)
      if (std::find(r.recipients.begin(), r.recipients.end(), to) !=
          r.recipients.end()) {
        b.put(storage::family::voice, mail_outbox_key(r.id, to),
              mail::encode(mail::outbox_job{
                  to, address, r.user, r.user_name,
                  static_cast<std::int64_t>(directory::unix_now())}));
        st.log->info("recording {} for {}: e-mail to {} queued", r.id, to,
                     address);
      }
  self->request(st.cfg.storage, caf::infinite, caf::put_atom::value, b)
      .then(
          [self, r, rp](caf::ok_atom) mutable {
            rp.deliver(true);
            encode_later(self, std::move(r));
          },
          [self, r, rp](const caf::error& err) mutable {
            self->state.log->error("recording from {} not saved: {}", r.user,
                                   self->system().render(err));
            rp.deliver(false);
            encode_later(self, std::move(r)); // try to store it anyway
          });
}

// At start: recordings that ended but were not stored as messages yet (the
// box stopped in between) are encoded and stored now.
void resume_pending(pointer self) {
  auto& st = self->state;
  self->request(st.cfg.storage, caf::infinite, atoms::scan_atom::value,
                storage::family::voice, records::voice_pending_prefix(),
                std::string{}, std::uint64_t{100000})
      .then(
          [self](const key_values& rows) {
            auto& st = self->state;
            for (auto& [key, sealed] : rows) {
              auto parts = storage::key_split(key);
              if (!parts || parts->size() != 2)
                continue;
              const auto& id = (*parts)[1];
              auto plain = voice::open(sealed, st.cfg.master_key, id);
              auto p = plain ? records::decode_voice_pending(*plain)
                             : expected<records::voice_pending, storage::error>{
                                   unexpected(storage::error{})};
              if (!p) {
                st.log->error("pending recording {} unreadable: kept", id);
                continue;
              }
              voice_recording r;
              r.user = p->from_ext;
              r.user_name = p->from_name;
              r.recipients = p->recipients;
              r.rate = static_cast<int>(p->rate);
              r.pcm.resize(p->pcm.size() / 2);
              for (std::size_t i = 0; i < r.pcm.size(); ++i)
                r.pcm[i] = static_cast<std::int16_t>(
                    static_cast<std::uint8_t>(p->pcm[2 * i]) |
                    static_cast<std::uint8_t>(p->pcm[2 * i + 1]) << 8);
              if (st.cfg.clients)
                r.directory = st.cfg.clients->directory;
              r.id = id;
              st.log->info("recording {} from {} finished after a restart", id,
                           r.user);
              encode_later(self, std::move(r));
            }
          },
          [self](const caf::error& err) {
            self->state.log->error("pending recordings not read: {}",
                                   self->system().render(err));
          });
}

void on_encoded(pointer self, encoded_recording& e) {
  auto& r = e.meta;
  auto mail = r.mail.empty() ? caf::actor{} : self->state.cfg.mail;
  store_message(
      self, e.audio, r.user, r.user_name, r.recipients, r.directory,
      [mail](const records::voice_entry&) {
        if (mail)
          caf::anon_send(mail, atoms::wake_atom::value);
      },
      [] {}, r.id);
}

// Removes `id` from `user`'s messages (the audio goes with its last
// holder); `done(ok)` after the write.
void remove_entry(pointer self, const std::string& user, const std::string& id,
                  const directory_actor& dir, std::function<void(bool)> done) {
  auto& st = self->state;
  self->request(st.cfg.storage, caf::infinite, caf::get_atom::value,
                storage::family::voice, records::voice_meta_key(id))
      .then(
          [self, user, id, dir, done](const optional_string& m) mutable {
            storage::write_batch b;
            b.del(storage::family::voice, records::voice_box_key(user, id));
            auto meta = m ? records::decode_voice_meta(*m)
                          : expected<records::voice_meta, storage::error>{
                                unexpected(storage::error{})};
            if (!meta || meta->holders <= 1) {
              b.del(storage::family::voice, records::voice_blob_key(id));
              b.del(storage::family::voice, records::voice_meta_key(id));
            } else {
              auto left = *meta;
              --left.holders;
              b.put(storage::family::voice, records::voice_meta_key(id),
                    records::encode(left));
            }
            self->request(self->state.cfg.storage, caf::infinite,
                          caf::put_atom::value, b)
                .then(
                    [self, user, dir, done](caf::ok_atom) mutable {
                      done(true);
                      recount(self, user, dir);
                    },
                    [done](const caf::error&) mutable { done(false); });
          },
          [done](const caf::error&) mutable { done(false); });
}

void mark_heard(pointer self, const std::string& user, records::voice_entry e,
                const directory_actor& dir) {
  if (e.heard)
    return;
  e.heard = true;
  storage::write_batch b;
  b.put(storage::family::voice, records::voice_box_key(user, e.id),
        records::encode(e));
  self->request(self->state.cfg.storage, caf::infinite, caf::put_atom::value, b)
      .then([self, user, dir](caf::ok_atom) { recount(self, user, dir); },
            [](const caf::error&) {});
}

// Runs `fn(entry)` with `user`'s entry of message `id`, or `none()`.
void with_entry(pointer self, const std::string& user, const std::string& id,
                std::function<void(records::voice_entry)> fn,
                std::function<void()> none) {
  self->request(self->state.cfg.storage, caf::infinite, caf::get_atom::value,
                storage::family::voice, records::voice_box_key(user, id))
      .then(
          [fn, none](const optional_string& entry) mutable {
            auto e = entry ? records::decode_voice_entry(*entry)
                           : expected<records::voice_entry, storage::error>{
                                 unexpected(storage::error{})};
            if (e)
              fn(*e);
            else
              none();
          },
          [none](const caf::error&) mutable { none(); });
}

caf::behavior encoder_impl(caf::event_based_actor*) {
  return {
      [](atoms::deliver_atom, voice_recording& r, const caf::actor& back) {
        auto audio = voice::encode_pcm16(r.pcm, r.rate, 1);
        if (!audio) {
          log::get("voice")->error("recording from {} not encoded: {}", r.user,
                                   audio.error());
          return;
        }
        r.pcm = {};
        caf::anon_send(back, atoms::commit_atom::value,
                       encoded_recording{std::move(r), std::move(*audio)});
      },
  };
}

caf::behavior voice_impl(pointer self, voice_config cfg) {
  self->state.cfg = std::move(cfg);
  auto& c = self->state.cfg;
  self->state.fax = {c.storage, c.master_key, c.domain, c.clients, c.mail};
  for (int i = 0; i < 2; ++i) {
    auto enc = self->system().spawn<caf::detached>(encoder_impl);
    self->link_to(enc);
    self->state.encoders.push_back(enc);
  }
  return {
      [self](atoms::start_atom, voice_call& c) { on_call(self, c); },
      [self](atoms::commit_atom, encoded_recording& e) { on_encoded(self, e); },
      // From a playback: message `id` of `user` was heard or deleted.
      [self](atoms::commit_atom, const std::string& user, const std::string& id,
             bool del, const caf::actor& d) {
        auto dir = caf::actor_cast<directory_actor>(d);
        with_entry(
            self, user, id,
            [self, user, id, del, dir](records::voice_entry e) {
              if (del)
                remove_entry(self, user, id, dir, [](bool) {});
              else
                mark_heard(self, user, e, dir);
            },
            [] {});
      },
      [self](atoms::deliver_atom, voice_recording& r) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        on_recording(self, r, rp);
        return rp;
      },
      [self](atoms::deliver_atom, fax_received& f) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        store_fax(self, self->state.fax, std::move(f),
                  [rp](bool ok) mutable { rp.deliver(ok); });
        return rp;
      },
      [self](atoms::resume_atom) { resume_pending(self); },
      [self](atoms::mwi_atom, const std::string& user, const caf::actor& dir) {
        recount(self, user, caf::actor_cast<directory_actor>(dir));
      },
      [self](atoms::http_atom, voice_request& r) { on_http(self, r); },
  };
}

} // namespace voice_detail

std::string new_message_id() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  char head[17];
  std::snprintf(head, sizeof(head), "%012llx",
                static_cast<unsigned long long>(ms));
  return std::string{head} + sip::core::random_tag();
}

caf::actor spawn_voice(caf::actor_system& sys, voice_config cfg) {
  return sys.spawn<caf::detached>(voice_detail::voice_impl, std::move(cfg));
}

} // namespace ivm::actors
