#pragma once

// The mail outbox (issue 18): e-mails the box owes, each a durable entry
// in the store (written with the recording it carries), sent one at a time
// through the smarthost, retried with a growing delay, removed once the
// server took it. Nothing queued is lost over a restart or an outage of
// the smarthost; an entry is removed only after the server's 250, so a
// mail goes out once (the Message-ID is stable should a crash fall between
// the 250 and the removal). docs/operations.md ("Mail").

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/api/storage_actor.hpp"
#include "actors/client/client_actor.hpp"
#include "appliance/mail/mail.hpp"

namespace ivm::actors {

struct mail_config {
  mail::smtp_settings smtp;
  storage_actor storage;
  std::string master_key; ///< opens the sealed recordings
  std::string domain;
  /// Time zone, directory (notices), metrics: shared with the clients.
  std::shared_ptr<const client_config> clients;
};

/// Where the outbox entries are (family voice): "mail/ID/USER".
std::string mail_outbox_key(const std::string& voice_id,
                            const std::string& user);
std::string mail_outbox_prefix();

/// Spawns the outbox. `(wake_atom)`: look for work (after a recording was
/// stored); it also looks at start.
caf::actor spawn_mail(caf::actor_system& sys, mail_config cfg);

} // namespace ivm::actors
