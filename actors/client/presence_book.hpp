#pragma once

// The presence side of one user (ARCHITECTURE §3): who watches them (SUBSCRIBE
// dialogs, RFC 6665), what they published (RFC 3903), their status and calls,
// and who may watch them. Pure: the client actor feeds it and carries out
// what it returns (responses, NOTIFYs, storage writes, notices).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "appliance/presence/compose.hpp"
#include "appliance/sip/events/publication.hpp"
#include "appliance/sip/events/subscription.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/sip/proxy/dialog_tracker.hpp"
#include "storage/records/records.hpp"
#include "storage/store.hpp"

namespace ivm::actors {

/// One subscription the user is the notifier of.
struct book_sub {
  sip::events::subscription_data data;
  std::string watcher; ///< subscriber's extension
  std::uint8_t transport = 0;
  std::string source;        ///< "ip:port" of the last SUBSCRIBE
  std::uint32_t version = 0; ///< documents sent (dialog-info, watcherinfo)
  std::uint64_t created_s = 0;
  std::string last_body; ///< last presence document sent
};

/// A NOTIFY to send (without Via: the sender adds its own).
struct notify_out {
  std::string sub_id;
  sip::message request;
  std::uint8_t transport = 0;
  std::string source;
};

/// What the caller does after an input.
struct book_out {
  /// The answer to the request that was the input.
  std::optional<sip::message> response;
  std::vector<notify_out> notifies;
  storage::write_batch batch;
  /// Text messages from the box: (recipient extension, text).
  std::vector<std::pair<std::string, std::string>> notices;
};

struct book_env {
  std::string extension;
  std::string domain;
  std::string display_name;
  /// The Contact of NOTIFYs, e.g. "<sip:201@192.0.2.1:5060>".
  std::string contact;
  sip::events::events_config events;
};

class presence_book {
public:
  explicit presence_book(book_env env);

  /// Rows of the `contacts` family under `contacts_prefix(extension)`.
  void load_contacts(const std::vector<storage::key_value>& rows);

  /// Rows of the `subscriptions` family; expired ones are dropped (and
  /// deleted through the returned batch). After a `restart`, CSeq and
  /// version numbers jump ahead so a watcher never sees one twice (they were
  /// not saved at every NOTIFY); rows written by `save_all` are exact.
  book_out load_subscriptions(const std::vector<storage::key_value>& rows,
                              std::uint64_t now, bool restart = true);

  /// Every subscription as it is now (CSeq, versions), for a client actor
  /// about to leave memory.
  book_out save_all() const;

  /// Whether nothing here lives only in memory: no publications (they are
  /// refreshed by the phone and not stored) and no calls.
  bool may_leave() const;

  /// After `save_all` and a reload: the watchers already have the current
  /// document, so the first change is the next NOTIFY (no repeat).
  void prime_sent_state();

  /// Voice messages waiting (new, old) as last told.
  std::pair<std::uint32_t, std::uint32_t> voice_messages() const noexcept {
    return {voice_new_, voice_old_};
  }
  /// Sets the counts without notifying (a client actor coming back).
  void restore_voice_messages(std::uint32_t fresh, std::uint32_t old) noexcept {
    voice_new_ = fresh;
    voice_old_ = old;
  }

  /// A SUBSCRIBE to this user from `watcher` (authenticated), initial or
  /// in-dialog; `contact` is the Contact the box answers with.
  book_out subscribe(const sip::message& req, const std::string& watcher,
                     const std::string& watcher_display, std::uint8_t transport,
                     const std::string& source, const std::string& contact,
                     std::uint64_t now);

  /// A PUBLISH by the user (RFC 3903).
  book_out publish(const sip::message& req, std::uint64_t now);

  /// The final answer to a NOTIFY (408 on timeout, 503 transport failure).
  book_out notify_result(const std::string& sub_id, int status,
                         std::uint64_t now);

  book_out set_devices(std::size_t registered, std::uint64_t now);
  book_out dialog(const sip::proxy::dialog_view& v, std::uint64_t now);
  book_out set_status(presence::user_status s, std::string note,
                      std::uint64_t now);

  /// The user answered a watch request (ACCEPT/DECLINE); the reply text in
  /// `notices`. `known`: the watcher is a user of the box.
  book_out answer_watcher(const std::string& watcher, bool accept,
                          std::uint64_t now);

  /// The admin changed a contact list: `kind` 'c' (this user's list) or
  /// 'w' (authorization of `other` to watch this user), `state` -1 for
  /// removed, else a `watch_state`. Storage is written by the admin side.
  book_out contact_changed(char kind, const std::string& other, int state,
                           std::uint64_t now);

  /// Voice messages waiting changed (RFC 3842 message-summary).
  book_out set_voice_messages(std::uint32_t fresh, std::uint32_t old,
                              std::uint64_t now);

  /// After a restart: a NOTIFY with the current state on every active
  /// presence, dialog and watcher-info subscription (calls in progress were
  /// lost, and a change may have been acknowledged just before the stop).
  book_out resync(std::uint64_t now);

  /// Expiries due at `now`.
  book_out tick(std::uint64_t now);

  /// When `tick` has work next.
  std::optional<std::uint64_t> next_wakeup() const;

  std::vector<std::string> contacts() const;
  std::vector<std::pair<std::string, storage::records::watch_state>>
  watchers() const;
  presence::user_status status() const noexcept {
    return status_;
  }
  /// On the phone: a call through the box is answered (a live intercom
  /// would cut into it).
  bool in_call() const;
  std::size_t subscriptions() const noexcept {
    return subs_.size();
  }
  const book_sub* find(const std::string& id) const;

  /// The current PIDF document.
  std::string pidf() const;

private:
  /// The key of a subscription in `subs_`.
  static std::string id_of(const sip::events::subscription_data& d);
  /// The active presence subscriptions whose watcher was last sent another
  /// document than the current one (made into `doc` if empty).
  std::vector<book_sub*> stale_presence(std::string& doc);
  std::string entity() const;
  bool authorized(const std::string& watcher) const;
  void send_notify(book_sub& s, std::uint64_t now, book_out& out);
  void apply(const std::string& id, const sip::events::sub_effects& eff,
             std::uint64_t now, book_out& out);
  void save(const book_sub& s, book_out& out) const;
  void presence_changed(std::uint64_t now, book_out& out);
  void dialogs_changed(std::uint64_t now, book_out& out);
  void winfo_changed(std::uint64_t now, book_out& out);
  void authorize(const std::string& watcher, bool allow, bool end_pending,
                 std::uint64_t now, book_out& out);
  void set_watcher(const std::string& watcher, storage::records::watch_state st,
                   std::uint64_t now, book_out& out);

  book_env env_;
  sip::events::notifier_context ctx_;
  std::map<std::string, book_sub> subs_; ///< by call_id + '\n' + local tag
  std::map<std::string, std::uint64_t> contacts_;
  std::map<std::string, storage::records::watcher_entry> watchers_;
  sip::events::resource_publications pubs_;
  std::size_t devices_ = 0;
  presence::user_status status_ = presence::user_status::none;
  std::string note_;
  std::map<std::string, sip::proxy::dialog_view> dialogs_;
  std::uint32_t voice_new_ = 0;
  std::uint32_t voice_old_ = 0;
};

} // namespace ivm::actors
