#include "actors/mail/mail_actor.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/api/services.hpp"
#include "actors/voice/fax_keys.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/routing/zone_holder.hpp"
#include "appliance/voice/audio.hpp"
#include "appliance/voice/crypto.hpp"
#include "storage/codec.hpp"
#include "storage/records/records.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::mail::message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::mail::send_result)

namespace ivm::actors {

std::string mail_outbox_key(const std::string& voice_id,
                            const std::string& user) {
  return storage::key_join({"mail", voice_id, user});
}

std::string mail_outbox_prefix() {
  return storage::key_prefix({"mail"});
}

namespace {

namespace records = storage::records;
using clock = std::chrono::steady_clock;

struct mail_state {
  mail_config cfg;
  caf::actor smtp; ///< the blocking SMTP sender, on its own thread
  bool busy = false;
  bool again = false;
  unsigned failures = 0;      ///< in a row, for the retry delay
  clock::time_point paused{}; ///< after a failure: nothing before this
  std::shared_ptr<spdlog::logger> log = log::get("mail");
  static inline const char* name = "mail";
};

using pointer = caf::stateful_actor<mail_state>*;

void wake(pointer self);

void count(pointer self, const char* name, const char* help) {
  auto& c = self->state.cfg.clients;
  if (c && c->metrics)
    c->metrics->make_counter(name, help).inc();
}

// Done with one entry: the next one, if any.
void next(pointer self) {
  self->state.busy = false;
  self->state.again = false;
  wake(self);
}

void remove(pointer self, const std::string& key) {
  storage::write_batch b;
  b.del(storage::family::voice, key);
  self->request(self->state.cfg.storage, caf::infinite, caf::put_atom::value, b)
      .then([self](caf::ok_atom) { next(self); },
            [self](const caf::error& e) {
              self->state.log->error("outbox entry not removed: {}",
                                     self->system().render(e));
              self->state.busy = false;
            });
}

void tell_user(pointer self, const std::string& user, const std::string& text) {
  auto& c = self->state.cfg.clients;
  if (!c || !c->directory)
    return;
  self->send(c->directory, atoms::notify_atom::value, user,
             directory::make_notice(user, self->state.cfg.domain, text,
                                    directory::unix_now()));
}

std::string what(const mail::outbox_job& j) {
  return j.kind == "fax" ? "fax" : "voice message";
}

std::string waits(const mail::outbox_job& j) {
  return j.kind == "fax" ? "the fax waits on the box (GET /api/v1/faxes)."
                         : "the message waits on the box: dial *8.";
}

std::string local_text(pointer self, std::uint64_t unix) {
  auto& c = self->state.cfg.clients;
  routing::local_time t;
  if (c && c->zone)
    t = c->zone->get()->to_local(static_cast<std::int64_t>(unix));
  else
    t = routing::time_zone{}.to_local(static_cast<std::int64_t>(unix));
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%d %s %d at %02d:%02d", t.day % 100,
                months[(t.month + 11) % 12], t.year % 10000, t.hour % 100,
                t.minute % 100);
  return buf;
}

void on_result(pointer self, const std::string& key,
               const mail::outbox_job& job, const mail::send_result& r) {
  auto& st = self->state;
  using outcome = mail::send_result::outcome;
  if (r.what == outcome::sent) {
    st.failures = 0;
    st.log->info("{} mailed to {} for {} ({})", job.kind, job.email, job.user,
                 key);
    count(self, "ivm_mail_sent_total", "E-mails taken by the smarthost.");
    remove(self, key);
    return;
  }
  if (r.what == outcome::rejected) {
    st.log->error("{} mail to {} for {} rejected: {} (SMTP {})", job.kind,
                  job.email, job.user, r.error, r.smtp_code);
    count(self, "ivm_mail_rejected_total",
          "E-mails the smarthost refused for good.");
    tell_user(self, job.user,
              "The e-mail of your " + what(job) + " from " +
                  (job.from_name.empty() ? job.from_ext : job.from_name) +
                  " to " + job.email + " was refused (" + r.error + "); " +
                  waits(job));
    remove(self, key);
    return;
  }
  ++st.failures;
  auto delay = mail::retry_delay(st.failures, st.cfg.smtp.retry_first,
                                 st.cfg.smtp.retry_max);
  st.log->warn("mail to {} not sent: {} (SMTP {}); trying again in {} s",
               job.email, r.error, r.smtp_code, delay.count());
  count(self, "ivm_mail_retries_total",
        "E-mail attempts that failed and wait for another.");
  st.paused = clock::now() + delay;
  st.busy = false;
  self->delayed_send(self, delay, atoms::wake_atom::value);
}

// The attachment of `job` (the sealed recording or fax `id`) opened; when
// it is gone or unreadable the entry is dropped (logged) and null returned.
std::optional<std::string> opened(pointer self, const optional_string& sealed,
                                  const std::string& key,
                                  const mail::outbox_job& job,
                                  const std::string& id) {
  auto& st = self->state;
  auto plain = sealed ? voice::open(*sealed, st.cfg.master_key, id)
                      : expected<std::string, std::string>{
                            unexpected(std::string{"nothing stored"})};
  if (plain)
    return std::move(*plain);
  st.log->error("{} {} unreadable ({}): its e-mail is dropped", job.kind, id,
                plain.error());
  remove(self, key);
  return std::nullopt;
}

void send_mail(pointer self, const std::string& key,
               const mail::outbox_job& job, mail::message m) {
  self->request(self->state.smtp, caf::infinite, atoms::deliver_atom::value,
                std::move(m))
      .then([self, key,
             job](const mail::send_result& r) { on_result(self, key, job, r); },
            [self](const caf::error&) { self->state.busy = false; });
}

// Sends the fax of `job` (stored with its entry, in one write).
void send_fax(pointer self, const std::string& key, const std::string& id,
              const mail::outbox_job& job) {
  auto& st = self->state;
  self->request(st.cfg.storage, caf::infinite, caf::get_atom::value,
                storage::family::voice, fax_box_key(job.user, id))
      .then(
          [self, key, id, job](const optional_string& entry) {
            if (!entry) {
              self->state.log->info("fax {} deleted before its e-mail: not "
                                    "sent",
                                    id);
              remove(self, key);
              return;
            }
            auto e = nlohmann::json::parse(*entry, nullptr, false);
            if (!e.is_object())
              e = nlohmann::json::object();
            self->request(self->state.cfg.storage, caf::infinite,
                          caf::get_atom::value, storage::family::voice,
                          fax_blob_key(id))
                .then(
                    [self, key, id, job, e](const optional_string& sealed) {
                      auto& st = self->state;
                      auto pdf = opened(self, sealed, key, job, id);
                      if (!pdf)
                        return;
                      send_mail(
                          self, key, job,
                          mail::fax_message(
                              job, id, e.value("pages", 0),
                              e.value("complete", false), e.value("error", ""),
                              local_text(self,
                                         e.value("date", std::uint64_t{0})),
                              std::move(*pdf), st.cfg.domain));
                    },
                    [self](const caf::error&) { self->state.busy = false; });
          },
          [self](const caf::error&) { self->state.busy = false; });
}

// Sends the voicemail of `job` once its recording is stored.
void send_voicemail(pointer self, const std::string& key, const std::string& id,
                    const mail::outbox_job& job) {
  auto& st = self->state;
  self->request(st.cfg.storage, caf::infinite, caf::get_atom::value,
                storage::family::voice, records::voice_box_key(job.user, id))
      .then(
          [self, key, id, job](const optional_string& entry) {
            auto& st = self->state;
            if (!entry) {
              // Not stored yet (being encoded: the voice actor wakes us),
              // or heard and deleted before it could be mailed.
              self->request(st.cfg.storage, caf::infinite, caf::get_atom::value,
                            storage::family::voice,
                            records::voice_pending_key(id))
                  .then(
                      [self, key, id](const optional_string& pending) {
                        if (pending) {
                          self->state.busy = false;
                          self->delayed_send(self, std::chrono::seconds{2},
                                             atoms::wake_atom::value);
                          return;
                        }
                        self->state.log->info(
                            "voice message {} deleted before its e-mail: "
                            "not sent",
                            id);
                        remove(self, key);
                      },
                      [self](const caf::error&) { self->state.busy = false; });
              return;
            }
            auto e = records::decode_voice_entry(*entry);
            self->request(st.cfg.storage, caf::infinite, caf::get_atom::value,
                          storage::family::voice, records::voice_blob_key(id))
                .then(
                    [self, key, id, job, e = e ? *e : records::voice_entry{}](
                        const optional_string& sealed) {
                      auto& st = self->state;
                      auto ogg = opened(self, sealed, key, job, id);
                      if (!ogg)
                        return;
                      mail::attachment a{"voicemail-" + id + ".ogg",
                                         "audio/ogg", std::move(*ogg)};
                      if (st.cfg.smtp.voice_format == "wav") {
                        if (auto pcm = voice::decode_ogg_opus(a.data)) {
                          a = {"voicemail-" + id + ".wav", "audio/wav",
                               mail::wav_file(*pcm, 48000)};
                        }
                      }
                      auto m = mail::voicemail_message(
                          job, id, e.duration_ms, local_text(self, e.date_s),
                          std::move(a), st.cfg.domain);
                      send_mail(self, key, job, std::move(m));
                    },
                    [self](const caf::error&) { self->state.busy = false; });
          },
          [self](const caf::error&) { self->state.busy = false; });
}

void on_entries(pointer self, const key_values& rows) {
  auto& st = self->state;
  for (auto& [key, value] : rows) {
    auto parts = storage::key_split(key);
    auto job = mail::decode_job(value);
    if (!parts || parts->size() != 3 || !job) {
      st.log->error("outbox entry {} unreadable: dropped", key);
      remove(self, key);
      return;
    }
    auto age = std::chrono::seconds{
        static_cast<std::int64_t>(directory::unix_now()) - job->queued};
    if (age > st.cfg.smtp.max_age) {
      st.log->error("voicemail mail to {} for {} not sent in {} h: given up",
                    job->email, job->user, st.cfg.smtp.max_age.count());
      count(self, "ivm_mail_rejected_total",
            "E-mails the smarthost refused for good.");
      tell_user(self, job->user,
                "The e-mail of your " + what(*job) + " from " +
                    (job->from_name.empty() ? job->from_ext : job->from_name) +
                    " to " + job->email + " could not be sent; " + waits(*job));
      remove(self, key);
      return;
    }
    if (job->kind == "fax")
      send_fax(self, key, (*parts)[1], *job);
    else
      send_voicemail(self, key, (*parts)[1], *job);
    return;
  }
  st.busy = false; // nothing (more) to send
  if (st.again)
    next(self);
}

void wake(pointer self) {
  auto& st = self->state;
  if (st.busy) {
    st.again = true;
    return;
  }
  auto now = clock::now();
  if (now < st.paused)
    return; // a delayed wake-up is on its way
  st.busy = true;
  st.again = false;
  self->request(st.cfg.storage, caf::infinite, atoms::scan_atom::value,
                storage::family::voice, mail_outbox_prefix(), std::string{},
                std::uint64_t{1})
      .then([self](const key_values& rows) { on_entries(self, rows); },
            [self](const caf::error& e) {
              self->state.busy = false;
              self->state.log->error("outbox not read: {}",
                                     self->system().render(e));
            });
}

caf::behavior smtp_impl(caf::event_based_actor*, mail::smtp_settings s) {
  return {
      [s](atoms::deliver_atom, const mail::message& m) {
        return mail::send(s, m);
      },
  };
}

caf::behavior mail_impl(pointer self, mail_config cfg) {
  self->state.cfg = std::move(cfg);
  self->state.smtp =
      self->system().spawn<caf::detached>(smtp_impl, self->state.cfg.smtp);
  self->link_to(self->state.smtp);
  auto& c = self->state.cfg.clients;
  if (c && c->metrics) {
    c->metrics->make_counter("ivm_mail_sent_total",
                             "E-mails taken by the smarthost.");
    c->metrics->make_counter("ivm_mail_retries_total",
                             "E-mail attempts that failed and wait for "
                             "another.");
    c->metrics->make_counter("ivm_mail_rejected_total",
                             "E-mails the smarthost refused for good.");
  }
  self->send(self, atoms::wake_atom::value);
  return {
      [self](atoms::wake_atom) { wake(self); },
  };
}

} // namespace

caf::actor spawn_mail(caf::actor_system& sys, mail_config cfg) {
  return sys.spawn(mail_impl, std::move(cfg));
}

} // namespace ivm::actors
