#pragma once

// Faxes received in calls (issue 18), kept like voice messages: the PDF
// sealed (AES-256-GCM under the box's master key) at "faxblob/ID", each
// recipient's entry at "faxbox/USER/ID" (JSON), the holders at
// "faxmeta/ID"; the recipients told by message; e-mails queued with the
// fax where the call said so. Served at /api/v1/faxes (the user's own, HTTP
// Digest through the directory).

#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/api/storage_actor.hpp"
#include "actors/voice/session_actor.hpp"
#include "actors/voice/voice_actor.hpp"

namespace ivm::actors {

struct fax_store_context {
  storage_actor storage;
  std::string master_key;
  std::string domain;
  std::shared_ptr<const client_config> clients;
  caf::actor mail; ///< null: no e-mail
};

/// Stores `f` (under a new id) and tells its recipients; `done(true)` once
/// on disk (false if the store failed).
void store_fax(caf::event_based_actor* self, const fax_store_context& c,
               fax_received f, std::function<void(bool)> done);

/// GET /api/v1/faxes (the list), GET|DELETE /api/v1/faxes/{id}.
void on_fax_http(caf::event_based_actor* self, const fax_store_context& c,
                 voice_request& r);

} // namespace ivm::actors
