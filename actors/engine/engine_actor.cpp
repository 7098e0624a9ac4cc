#include "actors/engine/engine_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/admin/admin_actor.hpp"
#include "actors/storage/storage_actor.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/net/http_server.hpp"

namespace ivm::actors {

namespace {

struct engine_state {
  engine_resources res;
  storage_actor storage;
  admin_actor admin;
  bool started = false;
  bool stopping = false;
  std::shared_ptr<spdlog::logger> log = log::get("engine");
  static inline const char* name = "engine";
};

using pointer = engine_actor::stateful_pointer<engine_state>;

void start(pointer self) {
  auto& st = self->state;
  // 1. storage: everything else reads and writes through it.
  st.storage = spawn_storage(self->system(), st.res.store,
                             st.res.storage_max_batch);
  st.log->info("storage started ({})", st.res.store->describe());
  // 2. admin API, then its HTTP listener.
  admin_context ctx;
  ctx.storage = st.storage;
  ctx.metrics = st.res.metrics;
  st.admin = spawn_admin(self->system(), std::move(ctx));
  if (st.res.admin_http) {
    auto admin = st.admin;
    st.res.admin_http->start(
      [admin](net::http_request req, net::http_responder respond) {
        caf::anon_send(admin, atoms::http_atom::value,
                       http_exchange{std::move(req), std::move(respond)});
      });
    st.log->info("admin HTTP listening on {}",
                 net::to_string(st.res.admin_http->local_endpoint()));
  }
  st.started = true;
}

void stop(pointer self, caf::typed_response_promise<caf::ok_atom> rp) {
  auto& st = self->state;
  // Reverse order: listeners first, storage last.
  if (st.res.admin_http)
    st.res.admin_http->close();
  self->send_exit(st.admin, caf::exit_reason::user_shutdown);
  st.log->info("admin stopped");
  self
    ->request(st.storage, caf::infinite, atoms::sync_atom::value)
    .then(
      [self, rp](caf::ok_atom) mutable {
        self->state.log->info("storage flushed");
        self->send_exit(self->state.storage, caf::exit_reason::user_shutdown);
        rp.deliver(caf::ok_atom::value);
      },
      [self, rp](const caf::error& err) mutable {
        self->state.log->error("storage flush failed: {}",
                               self->system().render(err));
        self->send_exit(self->state.storage, caf::exit_reason::user_shutdown);
        rp.deliver(err);
      });
}

engine_actor::behavior_type engine_impl(pointer self, engine_resources res) {
  self->state.res = std::move(res);
  return {
    [self](atoms::start_atom) -> caf::ok_atom {
      if (!self->state.started)
        start(self);
      return caf::ok_atom::value;
    },
    [self](atoms::stop_atom) -> caf::result<caf::ok_atom> {
      auto rp = self->make_response_promise<caf::ok_atom>();
      if (!self->state.stopping) {
        self->state.stopping = true;
        stop(self, rp);
      } else {
        rp.deliver(caf::ok_atom::value);
      }
      return rp;
    },
  };
}

} // namespace

engine_actor spawn_engine(caf::actor_system& sys, engine_resources res) {
  return sys.spawn(engine_impl, std::move(res));
}

} // namespace ivm::actors
