#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/types.hpp"

namespace ivm::actors {

/// A durable write for a writer that is not an actor (the DHCP path on the
/// I/O thread): `done` runs on the storage thread once the batch is on disk
/// (empty status) or has failed. It must be quick and must not throw.
struct callback_write {
  storage::write_batch batch;
  std::function<void(const storage::status&)> done;
  /// How long this write may wait for others to share its WAL sync when
  /// no commit is under way (a group-commit window, as PostgreSQL's
  /// commit_delay): fewer syncs under load, `linger` more latency.
  std::chrono::microseconds linger{0};
};

/// The storage service: the only user of the store, on its own thread.
/// - get: one record (empty optional when absent).
/// - put: a durable atomic batch; answered only once it is on disk. Writes
///   that arrive together share one WAL sync (group commit).
/// - put with a callback: the same, answered by calling it (no reply).
/// - commit: commits what is pending (sent to itself; `true`: a linger
///   window ended).
/// - scan: up to N records of a family by prefix, from a start key.
/// - scan with specs: several scans in one request (a client's state).
/// - sync: answered when everything before it is durable.
/// - stats: counters.
using storage_actor = caf::typed_actor<
    caf::replies_to<caf::get_atom, storage::family,
                    std::string>::with<optional_string>,
    caf::replies_to<caf::put_atom, storage::write_batch>::with<caf::ok_atom>,
    caf::reacts_to<caf::put_atom, callback_write>,
    caf::replies_to<atoms::scan_atom, storage::family, std::string, std::string,
                    std::uint64_t>::with<key_values>,
    caf::replies_to<atoms::scan_atom, scan_specs>::with<scan_results>,
    caf::replies_to<atoms::sync_atom>::with<caf::ok_atom>,
    caf::replies_to<atoms::stats_atom>::with<storage_stats>,
    caf::reacts_to<atoms::commit_atom>,
    caf::reacts_to<atoms::commit_atom, bool>>;

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::callback_write)
