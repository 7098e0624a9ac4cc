// The users' client actors as the directory sees them: loaded from storage
// on first use, asked to leave memory when idle, brought back when work
// arrives or an expiry is due (docs/architecture.md, "Client actors in and
// out of memory").

#include "actors/directory/directory_state.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>

#include "appliance/common/memory_trim.hpp"
#include "appliance/directory/intake.hpp"

namespace ivm::actors::dir {

namespace {

// A parked client is woken this long before its expiry is due.
constexpr std::uint64_t wake_early_s = 5;

bool is_current(pointer self, const std::string& ext) {
  auto it = self->state.clients.find(ext);
  return it != self->state.clients.end() &&
         self->current_sender() ==
             caf::actor_cast<caf::strong_actor_ptr>(it->second);
}

void arm_wake(pointer self) {
  auto& st = self->state;
  if (st.wakes.empty())
    return;
  auto at = st.wakes.begin()->first;
  if (st.wake_armed_at != 0 && st.wake_armed_at <= at)
    return;
  st.wake_armed_at = std::max<std::uint64_t>(at, 1);
  auto now = directory::unix_now();
  auto delay = std::chrono::seconds{at > now ? at - now : 0};
  self->delayed_send(self, delay, atoms::wake_atom::value, ++st.wake_gen);
}

void spawn_loaded(pointer self, const std::string& ext, scan_results& rows) {
  auto& st = self->state;
  auto pending = std::move(st.loading[ext]);
  st.loading.erase(ext);
  auto user = st.dir.by_extension(ext);
  if (!user || rows.size() != 4)
    return; // deleted meanwhile
  client_residue residue;
  bool restart = true;
  if (auto p = st.parked.find(ext); p != st.parked.end()) {
    residue = p->second;
    restart = !residue.saved_subscriptions;
    st.parked.erase(p);
  }
  auto c = spawn_client(self->system(), st.cfg.clients, *user, rows[0], rows[1],
                        rows[2], rows[3], residue, restart);
  // Not linked: see stop_clients.
  st.clients.emplace(ext, c);
  if (st.loads)
    st.loads->inc();
  for (auto& fn : pending)
    fn(c);
}

// Reads a client's state in one request and spawns it.
void load_client(pointer self, const std::string& ext) {
  namespace rec = storage::records;
  scan_specs specs{
      {storage::family::bindings, rec::binding_prefix(ext), 100},
      {storage::family::messages, rec::message_prefix(ext), 10000},
      {storage::family::contacts, rec::contacts_prefix(ext), 100000},
      {storage::family::subscriptions, rec::subscription_prefix(ext), 100000}};
  self->request(self->state.cfg.clients->storage, caf::infinite,
                atoms::scan_atom::value, std::move(specs))
      .then([self, ext](scan_results& rows) { spawn_loaded(self, ext, rows); },
            [self, ext](const caf::error& err) {
              self->state.log->error("cannot load user {}: {}", ext,
                                     self->system().render(err));
              self->state.loading.erase(ext);
            });
}

} // namespace

void stop_clients(pointer self, const caf::error& reason) {
  for (auto& [ext, c] : self->state.clients)
    self->send_exit(c, reason);
}

void with_client(pointer self, const std::string& ext, client_fn fn) {
  auto& st = self->state;
  bool leaving = st.leaving.count(ext) != 0;
  if (!leaving) {
    if (auto it = st.clients.find(ext); it != st.clients.end()) {
      fn(it->second);
      return;
    }
  }
  auto [pos, first] = st.loading.try_emplace(ext);
  pos->second.push_back(std::move(fn));
  if (first && !leaving)
    load_client(self, ext);
}

namespace {

// How often the idle queue is served.
constexpr auto idle_tick = std::chrono::milliseconds{100};
// A request this late from the socket to the directory means the box is
// busy; leaves then wait this long after the last late one.
constexpr auto busy_delay = std::chrono::milliseconds{20};
constexpr auto busy_hold = std::chrono::seconds{1};

void let_leave(pointer self, const std::string& ext) {
  auto& st = self->state;
  st.leaving.insert(ext);
  self->send(st.clients[ext], atoms::leave_atom::value);
}

void arm_idle_tick(pointer self) {
  auto& st = self->state;
  if (st.idle_tick_armed || st.idle_queue.empty())
    return;
  st.idle_tick_armed = true;
  self->delayed_send(self, idle_tick, atoms::idle_atom::value);
}

} // namespace

void on_client_idle(pointer self, const std::string& ext) {
  auto& st = self->state;
  if (!is_current(self, ext) || st.leaving.count(ext) != 0)
    return;
  if (st.cfg.leaves_per_second == 0) {
    let_leave(self, ext);
    return;
  }
  // Its turn comes at the bounded rate; work for it meanwhile goes to it as
  // usual (it stays when asked if it had some: see client on_leave).
  st.idle_queue.emplace_back(
      ext, caf::actor_cast<caf::actor_addr>(self->current_sender()));
  arm_idle_tick(self);
}

void note_load(pointer self, std::chrono::steady_clock::time_point received) {
  if (received == std::chrono::steady_clock::time_point{})
    return;
  auto now = std::chrono::steady_clock::now();
  if (now - received > busy_delay)
    self->state.busy_until = now + busy_hold;
}

void on_idle_tick(pointer self) {
  auto& st = self->state;
  st.idle_tick_armed = false;
  if (std::chrono::steady_clock::now() < st.busy_until) {
    // Busy: no leaves this tick (and no credit saved up for later).
    st.idle_credit = 0;
    arm_idle_tick(self);
    return;
  }
  // Credit in thousandths of a leave, so low rates are kept exactly.
  st.idle_credit += std::uint64_t{st.cfg.leaves_per_second} * idle_tick.count();
  auto per_tick = st.idle_credit / 1000;
  st.idle_credit %= 1000;
  for (std::uint64_t n = 0; n < per_tick && !st.idle_queue.empty();) {
    auto [ext, addr] = std::move(st.idle_queue.front());
    st.idle_queue.pop_front();
    auto it = st.clients.find(ext);
    // Skip stale entries: the actor left or was replaced meanwhile.
    if (it == st.clients.end() ||
        caf::actor_cast<caf::actor_addr>(it->second) != addr ||
        st.leaving.count(ext) != 0)
      continue;
    let_leave(self, ext);
    ++n;
  }
  if (st.idle_queue.empty())
    st.idle_credit = 0; // no saving up while nobody waits
  arm_idle_tick(self);
}

void on_client_left(pointer self, const std::string& ext,
                    const client_residue& residue) {
  auto& st = self->state;
  if (!is_current(self, ext))
    return;
  st.clients.erase(ext);
  st.leaving.erase(ext);
  if (st.leaves)
    st.leaves->inc();
  if (!residue.empty()) {
    st.parked[ext] = residue;
    if (residue.wake_at != 0) {
      st.wakes.emplace(
          residue.wake_at > wake_early_s ? residue.wake_at - wake_early_s : 0,
          ext);
      arm_wake(self);
    }
  }
  // Work that arrived while it was leaving brings it back.
  if (auto it = st.loading.find(ext); it != st.loading.end()) {
    if (it->second.empty())
      st.loading.erase(it);
    else
      load_client(self, ext);
  }
  memory::trim_soon(); // what it held shows in RSS
}

void on_client_stays(pointer self, const std::string& ext) {
  auto& st = self->state;
  if (!is_current(self, ext))
    return;
  st.leaving.erase(ext);
  auto it = st.loading.find(ext);
  if (it == st.loading.end())
    return;
  auto pending = std::move(it->second);
  st.loading.erase(it);
  auto c = st.clients[ext];
  for (auto& fn : pending)
    fn(c);
}

void on_wake(pointer self, std::uint64_t gen) {
  auto& st = self->state;
  if (gen != st.wake_gen)
    return;
  st.wake_armed_at = 0;
  auto now = directory::unix_now();
  while (!st.wakes.empty() && st.wakes.begin()->first <= now) {
    auto ext = std::move(st.wakes.begin()->second);
    auto at = st.wakes.begin()->first;
    st.wakes.erase(st.wakes.begin());
    auto p = st.parked.find(ext);
    // Skip stale entries: the client came back (and left again) meanwhile.
    if (p == st.parked.end() || p->second.wake_at == 0 ||
        (p->second.wake_at > wake_early_s ? p->second.wake_at - wake_early_s
                                          : 0) != at)
      continue;
    with_client(self, ext, [](const client_actor&) {});
  }
  arm_wake(self);
}

void forget_client(pointer self, const std::string& ext) {
  auto& st = self->state;
  if (auto it = st.clients.find(ext); it != st.clients.end()) {
    self->send_exit(it->second, caf::exit_reason::user_shutdown);
    st.clients.erase(it);
  }
  st.leaving.erase(ext);
  st.loading.erase(ext);
  st.parked.erase(ext);
}

} // namespace ivm::actors::dir
