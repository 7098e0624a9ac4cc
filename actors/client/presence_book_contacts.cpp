// Who may watch the user: their contact list, the watchers they allowed or
// refused (RFC 3857 watcher information), and the subscriptions that
// follow from those decisions.

#include "actors/client/presence_book.hpp"

#include "storage/codec.hpp"

namespace ivm::actors {

namespace records = storage::records;
using sip::events::sub_event;
using sip::events::sub_input;
using sip::events::sub_state;

bool presence_book::authorized(const std::string& watcher) const {
  if (watcher == env_.extension)
    return true;
  auto it = watchers_.find(watcher);
  return it != watchers_.end() &&
         it->second.state == records::watch_state::allowed;
}

void presence_book::set_watcher(const std::string& watcher,
                                records::watch_state st, std::uint64_t now,
                                book_out& out) {
  records::watcher_entry e{st, now};
  watchers_[watcher] = e;
  out.batch.put(storage::family::contacts,
                records::watcher_key(env_.extension, watcher),
                records::encode(e));
}

void presence_book::authorize(const std::string& watcher, bool allow,
                              bool end_pending, std::uint64_t now,
                              book_out& out) {
  std::vector<std::string> ids;
  for (auto& [id, s] : subs_)
    if (s.watcher == watcher && s.data.package == "presence")
      ids.push_back(id);
  for (auto& id : ids) {
    auto it = subs_.find(id);
    if (it == subs_.end())
      continue;
    auto& d = it->second.data;
    bool refuse = d.state == sub_state::active ||
                  (end_pending && d.state == sub_state::pending);
    if (allow && d.state == sub_state::pending)
      apply(id, sip::events::step(d, sub_event{sub_input::accept}, now, ctx_),
            now, out);
    else if (!allow && refuse)
      apply(id, sip::events::step(d, sub_event{sub_input::decline}, now, ctx_),
            now, out);
  }
  winfo_changed(now, out);
}

book_out presence_book::answer_watcher(const std::string& watcher, bool accept,
                                       std::uint64_t now) {
  book_out out;
  set_watcher(watcher,
              accept ? records::watch_state::allowed
                     : records::watch_state::declined,
              now, out);
  authorize(watcher, accept, true, now, out);
  return out;
}

book_out presence_book::contact_changed(char kind, const std::string& other,
                                        int state, std::uint64_t now) {
  book_out out;
  if (kind == 'c') {
    if (state < 0)
      contacts_.erase(other);
    else
      contacts_[other] = now;
    return out;
  }
  if (state < 0 || state > 2) {
    watchers_.erase(other);
    state = static_cast<int>(records::watch_state::declined);
  } else {
    watchers_[other] =
        records::watcher_entry{static_cast<records::watch_state>(state), now};
  }
  authorize(other, state == static_cast<int>(records::watch_state::allowed),
            false, now, out);
  return out;
}

std::vector<std::string> presence_book::contacts() const {
  std::vector<std::string> out;
  for (auto& [ext, since] : contacts_)
    out.push_back(ext);
  return out;
}

std::vector<std::pair<std::string, records::watch_state>>
presence_book::watchers() const {
  std::vector<std::pair<std::string, records::watch_state>> out;
  for (auto& [ext, w] : watchers_)
    out.emplace_back(ext, w.state);
  return out;
}

} // namespace ivm::actors
