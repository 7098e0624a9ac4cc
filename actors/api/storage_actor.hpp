#pragma once

#include <cstdint>
#include <string>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/types.hpp"

namespace ivm::actors {

/// The storage service: the only user of the store, on its own thread.
/// - get: one record (empty optional when absent).
/// - put: a durable atomic batch; answered only once it is on disk. Writes
///   that arrive together share one WAL sync (group commit).
/// - scan: up to N records of a family by prefix, from a start key.
/// - sync: answered when everything before it is durable.
/// - stats: counters.
using storage_actor = caf::typed_actor<
    caf::replies_to<caf::get_atom, storage::family,
                    std::string>::with<optional_string>,
    caf::replies_to<caf::put_atom, storage::write_batch>::with<caf::ok_atom>,
    caf::replies_to<atoms::scan_atom, storage::family, std::string, std::string,
                    std::uint64_t>::with<key_values>,
    caf::replies_to<atoms::sync_atom>::with<caf::ok_atom>,
    caf::replies_to<atoms::stats_atom>::with<storage_stats>,
    caf::reacts_to<atoms::commit_atom>>;

} // namespace ivm::actors
