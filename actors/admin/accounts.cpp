// Admin accounts and sign-in: POST/DELETE /api/v1/session and
// /api/v1/admins. Passwords are hashed and checked on a detached actor
// (scrypt is slow on purpose); failures are throttled per source address
// and per account; a stranger learns nothing about which accounts exist.

#include "actors/admin/admin_state.hpp"

#include <ctime>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "appliance/auth/password_hash.hpp"
#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::actors::admin {

namespace {

constexpr std::size_t max_checking = 4;
constexpr auto hash_timeout = std::chrono::seconds{30};

using clock = std::chrono::steady_clock;

std::string now_rfc3339() {
  auto t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool loopback(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1" ||
         host.rfind("::ffff:127.", 0) == 0;
}

std::string bearer(const net::http_request& req) {
  auto auth = req.header("Authorization");
  constexpr std::string_view prefix = "Bearer ";
  if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix))
    return {};
  return auth.substr(prefix.size());
}

/// Constant time over `want`.
bool same(const std::string& got, const std::string& want) {
  if (want.empty() || got.size() != want.size())
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    diff |= static_cast<unsigned char>(got[i] ^ want[i]);
  return diff == 0;
}

json account_view(const auth::admin_account& a) {
  return json{{"name", a.name}, {"created", a.created}};
}

/// {"name", "password"} of a request body, or why not.
std::optional<std::string>
credentials(const std::string& body, std::string& name, std::string& password) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return "the body must be a JSON object";
  auto n = doc.find("name");
  auto p = doc.find("password");
  if (n == doc.end() || !n->is_string())
    return "name: required (a string)";
  if (p == doc.end() || !p->is_string())
    return "password: required (a string)";
  name = n->get<std::string>();
  password = p->get<std::string>();
  return std::nullopt;
}

net::http_response too_many(std::chrono::seconds wait) {
  auto resp = error_response(429, "too many failed sign-ins: wait " +
                                      std::to_string(wait.count()) + " s");
  resp.headers.emplace_back("Retry-After", std::to_string(wait.count()));
  return resp;
}

void sign_in(pointer self, http_exchange& ex) {
  auto& st = self->state;
  std::string name;
  std::string password;
  if (auto bad = credentials(ex.request.body, name, password)) {
    ex.respond(error_response(400, *bad));
    return;
  }
  auto source = ex.request.remote.host;
  if (auto wait = st.throttle.wait(source, name, clock::now())) {
    st.log->warn("sign-in as '{}' from {} refused: throttled", name, source);
    if (st.sign_in_failures)
      st.sign_in_failures->inc();
    ex.respond(too_many(*wait));
    return;
  }
  if (st.checking >= max_checking) {
    auto resp = error_response(503, "busy checking other sign-ins");
    resp.headers.emplace_back("Retry-After", "1");
    ex.respond(std::move(resp));
    return;
  }
  // An unknown name costs the same check as a known one.
  auto it = st.admins.find(name);
  auto stored = it != st.admins.end() ? it->second.hash : st.dummy_hash;
  bool known = it != st.admins.end();
  ++st.checking;
  auto respond = std::move(ex.respond);
  self->request(st.hasher, hash_timeout, std::move(password), stored)
      .then(
          [self, respond, name, source, known](bool ok) {
            auto& st = self->state;
            --st.checking;
            if (!ok || !known || !st.admins.count(name)) {
              st.throttle.failed(source, name, clock::now());
              if (st.sign_in_failures)
                st.sign_in_failures->inc();
              st.log->warn("sign-in as '{}' from {} failed", name, source);
              respond(error_response(401, "wrong name or password"));
              return;
            }
            st.throttle.succeeded(source, name);
            auto token = st.sessions.open(name, clock::now());
            st.log->info("{} signed in from {}", name, source);
            respond(json_response(
                201, json{{"token", token},
                          {"name", name},
                          {"idle_timeout_s",
                           std::chrono::seconds{auth::session_table::idle_limit}
                               .count()}}));
          },
          [self, respond](const caf::error& err) {
            --self->state.checking;
            respond(error_response(503, "sign-in not checked: " +
                                            self->system().render(err)));
          });
}

/// Hashes `password`, stores the account, then answers `status`.
void store_account(pointer self, net::http_responder respond, std::string name,
                   std::string password, std::string created, int status) {
  auto& st = self->state;
  self->request(st.hasher, hash_timeout, std::move(password))
      .then(
          [self, respond, name, created, status](const std::string& hash) {
            if (hash.empty()) {
              respond(error_response(500, "password not hashed"));
              return;
            }
            auth::admin_account a{name, hash, created};
            storage::write_batch batch;
            batch.put(storage::family::meta, auth::admin_key(name),
                      auth::encode(a));
            self->request(self->state.ctx.storage, std::chrono::seconds{10},
                          caf::put_atom::value, std::move(batch))
                .then(
                    [self, respond, a, status](caf::ok_atom) {
                      auto& st = self->state;
                      bool fresh = !st.admins.count(a.name);
                      st.admins[a.name] = a;
                      if (!fresh) // a new password ends the old sessions
                        st.sessions.close_all(a.name);
                      st.log->info("admin account '{}' {}", a.name,
                                   fresh ? "created" : "changed");
                      respond(json_response(status, account_view(a)));
                    },
                    [respond](const caf::error&) {
                      respond(error_response(503, "not stored"));
                    });
          },
          [respond](const caf::error&) {
            respond(error_response(503, "password not hashed"));
          });
}

void on_admins(pointer self, http_exchange& ex, std::string_view rest,
               const std::optional<std::string>& who) {
  auto& st = self->state;
  auto& req = ex.request;
  if (rest.empty() && req.method == "GET") {
    auto list = json::array();
    for (auto& [name, a] : st.admins)
      list.push_back(account_view(a));
    ex.respond(json_response(200, json{{"admins", list}}));
    return;
  }
  if (rest.empty() && req.method == "POST") {
    std::string name;
    std::string password;
    if (auto bad = credentials(req.body, name, password)) {
      ex.respond(error_response(400, *bad));
      return;
    }
    if (!auth::valid_admin_name(name)) {
      ex.respond(json_response(
          422, json{{"error", "name: 1-32 of a-z 0-9 . _ -, starting with a "
                              "letter or digit"},
                    {"field", "name"}}));
      return;
    }
    if (auto weak = auth::weak_password(password, name)) {
      ex.respond(json_response(
          422, json{{"error", "password: " + *weak}, {"field", "password"}}));
      return;
    }
    if (st.admins.count(name)) {
      ex.respond(error_response(409, "admin '" + name + "' exists"));
      return;
    }
    st.log->info("admin account '{}' requested by {} from {}", name,
                 who.value_or("first boot"), req.remote.host);
    store_account(self, std::move(ex.respond), name, std::move(password),
                  now_rfc3339(), 201);
    return;
  }
  auto name = std::string{rest};
  auto it = st.admins.find(name);
  if (rest.empty() || it == st.admins.end()) {
    ex.respond(error_response(rest.empty() ? 405 : 404,
                              rest.empty() ? "method not allowed"
                                           : "no admin '" + name + "'"));
    return;
  }
  if (req.method == "GET") {
    ex.respond(json_response(200, account_view(it->second)));
  } else if (req.method == "PATCH") {
    auto doc = json::parse(req.body, nullptr, false);
    auto p = doc.is_object() ? doc.find("password") : doc.end();
    if (p == doc.end() || !p->is_string()) {
      ex.respond(error_response(400, "password: required (a string)"));
      return;
    }
    if (auto weak = auth::weak_password(p->get<std::string>(), name)) {
      ex.respond(json_response(
          422, json{{"error", "password: " + *weak}, {"field", "password"}}));
      return;
    }
    store_account(self, std::move(ex.respond), name, p->get<std::string>(),
                  it->second.created, 200);
  } else if (req.method == "DELETE") {
    if (st.admins.size() == 1) {
      ex.respond(error_response(409, "the last admin account stays"));
      return;
    }
    storage::write_batch batch;
    batch.del(storage::family::meta, auth::admin_key(name));
    auto respond = std::move(ex.respond);
    self->request(st.ctx.storage, std::chrono::seconds{10},
                  caf::put_atom::value, std::move(batch))
        .then(
            [self, respond, name](caf::ok_atom) {
              self->state.admins.erase(name);
              self->state.sessions.close_all(name);
              self->state.log->info("admin account '{}' deleted", name);
              respond(net::http_response{204, "application/json", {}, {}});
            },
            [respond](const caf::error&) {
              respond(error_response(503, "not stored"));
            });
  } else {
    ex.respond(error_response(405, "method not allowed"));
  }
}

} // namespace

void init_accounts(pointer self) {
  auto& st = self->state;
  for (auto& a : st.ctx.admins)
    st.admins[a.name] = a;
  st.ctx.admins.clear();
  st.hasher = self->system().spawn<caf::detached>([]() -> caf::behavior {
    return {
        [](const std::string& password, const std::string& stored) {
          return auth::verify_password(password, stored);
        },
        [](const std::string& password) {
          return auth::hash_password(password);
        },
    };
  });
  self->link_to(st.hasher);
  st.dummy_hash = auth::hash_password(sip::digest::random_hex(16));
  if (st.ctx.metrics)
    st.sign_in_failures = &st.ctx.metrics->make_counter(
        "ivm_admin_sign_in_failures_total", "Admin sign-ins refused.");
}

std::optional<std::string> authorized(pointer self,
                                      const net::http_request& req) {
  auto& st = self->state;
  auto token = bearer(req);
  if (token.empty())
    return std::nullopt;
  if (same(token, st.ctx.token))
    return std::string{"token"};
  return st.sessions.use(token, clock::now());
}

bool on_accounts(pointer self, http_exchange& ex, const std::string& path,
                 const std::optional<std::string>& who) {
  auto& st = self->state;
  auto& req = ex.request;
  if (path == "/api/v1/session") {
    if (req.method == "POST") {
      sign_in(self, ex);
    } else if (req.method == "DELETE" && who) {
      st.sessions.close(bearer(req));
      ex.respond(net::http_response{204, "application/json", {}, {}});
    } else if (req.method == "GET" && who) {
      ex.respond(json_response(200, json{{"name", *who}}));
    } else if (!who && (req.method == "DELETE" || req.method == "GET")) {
      return false; // 401 below
    } else {
      auto resp = error_response(405, "method not allowed");
      resp.headers.emplace_back("Allow", "POST, GET, DELETE");
      ex.respond(std::move(resp));
    }
    return true;
  }
  constexpr std::string_view base = "/api/v1/admins";
  if (path != base && path.rfind(std::string{base} + "/", 0) != 0)
    return false;
  // First boot: the first account may be made without credentials, from
  // the box itself only (its console), never over the network.
  bool first = st.admins.empty() && req.method == "POST" && path == base &&
               loopback(req.remote.host);
  if (!who && !first)
    return false;
  auto rest = std::string_view{path}.substr(base.size());
  if (!rest.empty())
    rest.remove_prefix(1);
  on_admins(self, ex, rest, who);
  return true;
}

bool on_settings(pointer self, http_exchange& ex,
                 const std::optional<std::string>& who) {
  auto& st = self->state;
  auto& req = ex.request;
  bool first = st.admins.empty() && loopback(req.remote.host);
  if (!who && !first)
    return false;
  if (!st.ctx.settings) {
    ex.respond(error_response(404, "no such resource: /api/v1/settings"));
    return true;
  }
  ex.respond(st.ctx.settings(req));
  return true;
}

} // namespace ivm::actors::admin
