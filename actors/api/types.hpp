#pragma once

// The one type-ID block of the project (CAF 0.17 type IDs + atoms) and the
// local-only message types. Included by every actor unit; keep it light.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include "appliance/net/endpoint.hpp"
#include "appliance/net/http_server.hpp"
#include "storage/store.hpp"

namespace ivm::actors {

/// Counters of the storage actor, for /health and /metrics.
struct storage_stats {
  std::string backend;
  bool healthy = true;
  std::string last_error;
  std::uint64_t reads = 0;
  std::uint64_t scans = 0;
  std::uint64_t writes = 0;         ///< write requests acknowledged
  std::uint64_t write_errors = 0;   ///< write requests failed
  std::uint64_t commits = 0;        ///< synced batches (WAL fsyncs)
  std::uint64_t records = 0;        ///< records written
  std::uint64_t largest_commit = 0; ///< most write requests in one commit
};

/// An HTTP request handed from the I/O thread to the admin actor, with the
/// function that answers it.
struct http_exchange {
  net::http_request request;
  net::http_responder respond;
};

/// A datagram received on a UDP socket, and when (for load shedding).
struct datagram {
  std::string payload;
  net::endpoint from;
  std::chrono::steady_clock::time_point received{};
};

using optional_string = std::optional<std::string>;
using key_values = std::vector<storage::key_value>;

/// One part of a multi-scan: up to `limit` records of `fam` under `prefix`.
struct scan_spec {
  storage::family fam{};
  std::string prefix;
  std::uint64_t limit = 0;
};
using scan_specs = std::vector<scan_spec>;
/// The records of each scan_spec, in order.
using scan_results = std::vector<key_values>;

} // namespace ivm::actors

CAF_BEGIN_TYPE_ID_BLOCK(ivm, caf::first_custom_type_id)
CAF_ADD_ATOM(ivm, ivm::atoms, scan_atom, "scan")
CAF_ADD_ATOM(ivm, ivm::atoms, stats_atom, "stats")
CAF_ADD_ATOM(ivm, ivm::atoms, start_atom, "start")
CAF_ADD_ATOM(ivm, ivm::atoms, stop_atom, "stop")
CAF_ADD_ATOM(ivm, ivm::atoms, commit_atom, "commit")
CAF_ADD_ATOM(ivm, ivm::atoms, sync_atom, "sync")
CAF_ADD_ATOM(ivm, ivm::atoms, recv_atom, "recv")
CAF_ADD_ATOM(ivm, ivm::atoms, http_atom, "http")
CAF_ADD_ATOM(ivm, ivm::atoms, conn_atom, "conn")
CAF_ADD_ATOM(ivm, ivm::atoms, timer_atom, "timer")
CAF_ADD_ATOM(ivm, ivm::atoms, sipreq_atom, "sipreq")
CAF_ADD_ATOM(ivm, ivm::atoms, sipresp_atom, "sipresp")
CAF_ADD_ATOM(ivm, ivm::atoms, sipsend_atom, "sipsend")
CAF_ADD_ATOM(ivm, ivm::atoms, sipresult_atom, "sipresult")
CAF_ADD_ATOM(ivm, ivm::atoms, register_atom, "register")
CAF_ADD_ATOM(ivm, ivm::atoms, enqueue_atom, "enqueue")
CAF_ADD_ATOM(ivm, ivm::atoms, deliver_atom, "deliver")
CAF_ADD_ATOM(ivm, ivm::atoms, retry_atom, "retry")
CAF_ADD_ATOM(ivm, ivm::atoms, notify_atom, "notify")
CAF_ADD_ATOM(ivm, ivm::atoms, proxy_atom, "proxy")
CAF_ADD_ATOM(ivm, ivm::atoms, dialog_atom, "dialog")
CAF_ADD_ATOM(ivm, ivm::atoms, presence_atom, "presence")
CAF_ADD_ATOM(ivm, ivm::atoms, contacts_atom, "contacts")
CAF_ADD_ATOM(ivm, ivm::atoms, command_atom, "command")
CAF_ADD_ATOM(ivm, ivm::atoms, expire_atom, "expire")
CAF_ADD_ATOM(ivm, ivm::atoms, mwi_atom, "mwi")
CAF_ADD_ATOM(ivm, ivm::atoms, intercom_atom, "intercom")
CAF_ADD_ATOM(ivm, ivm::atoms, rtcp_atom, "rtcp")
CAF_ADD_ATOM(ivm, ivm::atoms, resume_atom, "resume")
CAF_ADD_ATOM(ivm, ivm::atoms, seen_atom, "seen")
CAF_ADD_ATOM(ivm, ivm::atoms, provision_atom, "provision")
CAF_ADD_ATOM(ivm, ivm::atoms, checksync_atom, "checksync")
CAF_ADD_ATOM(ivm, ivm::atoms, lease_atom, "lease")
CAF_ADD_ATOM(ivm, ivm::atoms, tftp_atom, "tftp")
CAF_ADD_ATOM(ivm, ivm::atoms, dhcp_atom, "dhcp")
CAF_ADD_ATOM(ivm, ivm::atoms, idle_atom, "idle")
CAF_ADD_ATOM(ivm, ivm::atoms, leave_atom, "leave")
CAF_ADD_ATOM(ivm, ivm::atoms, stay_atom, "stay")
CAF_ADD_ATOM(ivm, ivm::atoms, wake_atom, "wake")
CAF_ADD_ATOM(ivm, ivm::atoms, station_atom, "station")
CAF_ADD_ATOM(ivm, ivm::atoms, message_atom, "message")
CAF_ADD_ATOM(ivm, ivm::atoms, canned_atom, "canned")
CAF_ADD_ATOM(ivm, ivm::atoms, trunk_atom, "trunk")
CAF_ADD_ATOM(ivm, ivm::atoms, rules_atom, "rules")
CAF_ADD_ATOM(ivm, ivm::atoms, offer_atom, "offer")
CAF_END_TYPE_ID_BLOCK(ivm)

// Local-only payloads: they never cross the network, so they need no
// serialization.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::storage::family)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::storage::write_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::storage_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::http_exchange)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::datagram)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::optional_string)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::key_values)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::scan_specs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::scan_results)
