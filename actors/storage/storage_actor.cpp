#include "actors/storage/storage_actor.hpp"

#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "appliance/common/log.hpp"

namespace ivm::actors {

namespace {

struct storage_state {
  std::shared_ptr<storage::store> db;
  std::size_t max_batch = 1024;
  /// Write requests received since the last commit, merged.
  storage::write_batch pending;
  std::vector<caf::typed_response_promise<caf::ok_atom>> waiting;
  /// Writers that are not actors, answered by a call.
  std::vector<std::function<void(const storage::status&)>> callbacks;
  bool commit_scheduled = false;
  /// A commit at the end of a callback write's linger window is coming.
  bool linger_scheduled = false;
  storage_stats stats;
  std::shared_ptr<spdlog::logger> log = log::get("storage");
  static inline const char* name = "storage";
};

using pointer = storage_actor::stateful_pointer<storage_state>;

caf::error to_caf(const storage::error& e) {
  return caf::make_error(caf::sec::runtime_error, e.message);
}

// Writes everything pending as one synced batch and answers every writer.
void commit(pointer self) {
  auto& st = self->state;
  st.commit_scheduled = false;
  if (st.waiting.empty() && st.callbacks.empty())
    return;
  auto failure = st.db->write(st.pending, true);
  auto n = st.waiting.size() + st.callbacks.size();
  if (failure) {
    st.stats.healthy = false;
    st.stats.last_error = failure->message;
    st.stats.write_errors += n;
    st.log->error("commit of {} writes failed: {}", n, failure->message);
    auto err = to_caf(*failure);
    for (auto& rp : st.waiting)
      rp.deliver(err);
  } else {
    st.stats.healthy = true;
    st.stats.writes += n;
    st.stats.records += st.pending.size();
    ++st.stats.commits;
    if (n > st.stats.largest_commit)
      st.stats.largest_commit = n;
    for (auto& rp : st.waiting)
      rp.deliver(caf::ok_atom::value);
  }
  for (auto& done : st.callbacks)
    if (done)
      done(failure);
  st.waiting.clear();
  st.callbacks.clear();
  st.pending = storage::write_batch{};
}

// Adds one write to the next commit.
void enqueue(pointer self, const storage::write_batch& batch) {
  auto& st = self->state;
  st.pending.append(batch);
  if (st.waiting.size() + st.callbacks.size() >= st.max_batch) {
    commit(self);
  } else if (!st.commit_scheduled) {
    // Every write already in the mailbox is processed before this
    // message: they all share the next WAL sync.
    st.commit_scheduled = true;
    self->send(self, atoms::commit_atom::value);
  }
}

// Adds a write that may wait up to `linger` for others to share its sync.
void enqueue_lingering(pointer self, const storage::write_batch& batch,
                       std::chrono::microseconds linger) {
  auto& st = self->state;
  if (linger.count() <= 0 || st.commit_scheduled) {
    enqueue(self, batch);
    return;
  }
  st.pending.append(batch);
  if (st.waiting.size() + st.callbacks.size() >= st.max_batch) {
    commit(self);
  } else if (!st.linger_scheduled) {
    st.linger_scheduled = true;
    self->delayed_send(self, linger, atoms::commit_atom::value, true);
  }
}

storage_actor::behavior_type storage_impl(pointer self,
                                          std::shared_ptr<storage::store> db,
                                          std::size_t max_batch) {
  self->state.db = std::move(db);
  self->state.max_batch = max_batch == 0 ? 1 : max_batch;
  self->state.stats.backend = self->state.db->describe();
  return {
      [self](caf::get_atom, storage::family fam,
             const std::string& key) -> caf::result<optional_string> {
        ++self->state.stats.reads;
        auto res = self->state.db->get(fam, key);
        if (!res)
          return to_caf(res.error());
        return *res;
      },
      [self](caf::put_atom,
             const storage::write_batch& batch) -> caf::result<caf::ok_atom> {
        auto& st = self->state;
        auto rp = self->make_response_promise<caf::ok_atom>();
        st.waiting.push_back(rp);
        enqueue(self, batch);
        return rp;
      },
      [self](caf::put_atom, callback_write& w) {
        self->state.callbacks.push_back(std::move(w.done));
        enqueue_lingering(self, w.batch, w.linger);
      },
      [self](atoms::commit_atom) { commit(self); },
      [self](atoms::commit_atom, bool) {
        self->state.linger_scheduled = false;
        commit(self);
      },
      [self](atoms::scan_atom, storage::family fam, const std::string& prefix,
             const std::string& start,
             std::uint64_t limit) -> caf::result<key_values> {
        ++self->state.stats.scans;
        auto res = self->state.db->scan(fam, prefix, start, limit);
        if (!res)
          return to_caf(res.error());
        return std::move(*res);
      },
      [self](atoms::scan_atom,
             const scan_specs& specs) -> caf::result<scan_results> {
        scan_results out;
        out.reserve(specs.size());
        for (auto& sp : specs) {
          ++self->state.stats.scans;
          auto res = self->state.db->scan(sp.fam, sp.prefix, {}, sp.limit);
          if (!res)
            return to_caf(res.error());
          out.push_back(std::move(*res));
        }
        return out;
      },
      [self](atoms::sync_atom) -> caf::result<caf::ok_atom> {
        commit(self);
        if (auto failure = self->state.db->sync())
          return to_caf(*failure);
        return caf::ok_atom::value;
      },
      [self](atoms::stats_atom) { return self->state.stats; },
  };
}

} // namespace

storage_actor spawn_storage(caf::actor_system& sys,
                            std::shared_ptr<storage::store> db,
                            std::size_t max_batch, bool detached) {
  if (detached)
    return sys.spawn<caf::detached>(storage_impl, std::move(db), max_batch);
  return sys.spawn(storage_impl, std::move(db), max_batch);
}

} // namespace ivm::actors
