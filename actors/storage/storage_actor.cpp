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
  bool commit_scheduled = false;
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
  if (st.waiting.empty())
    return;
  auto failure = st.db->write(st.pending, true);
  auto n = st.waiting.size();
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
  st.waiting.clear();
  st.pending = storage::write_batch{};
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
        st.pending.append(batch);
        st.waiting.push_back(rp);
        if (st.waiting.size() >= st.max_batch) {
          commit(self);
        } else if (!st.commit_scheduled) {
          // Every write already in the mailbox is processed before this
          // message: they all share the next WAL sync.
          st.commit_scheduled = true;
          self->send(self, atoms::commit_atom::value);
        }
        return rp;
      },
      [self](atoms::commit_atom) { commit(self); },
      [self](atoms::scan_atom, storage::family fam, const std::string& prefix,
             const std::string& start,
             std::uint64_t limit) -> caf::result<key_values> {
        ++self->state.stats.scans;
        auto res = self->state.db->scan(fam, prefix, start, limit);
        if (!res)
          return to_caf(res.error());
        return std::move(*res);
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
