// The users' call-routing profile and rules (issue 18, docs/call-routing.md):
// /api/v1/users/{ext}/rules|profile for the admin, /api/v1/me/rules|profile
// for the user (HTTP Digest with their SIP credentials), a dry run
// (.../rules/test) saying what a call would meet; and the calls the rules
// forward.

#include <nlohmann/json.hpp>

#include <caf/send.hpp>

#include "actors/directory/directory_state.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/directory/trunks.hpp"
#include "appliance/routing/rules.hpp"
#include "appliance/sip/digest/algorithm.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::actors::dir {

namespace {

using json = nlohmann::json;

void reply(net::http_responder& r, int status, const std::string& body,
           std::vector<std::pair<std::string, std::string>> headers = {}) {
  r(net::http_response{status, "application/json", body, std::move(headers)});
}

void field_error(net::http_responder& r, const routing::field_error& e) {
  reply(r, 400, json{{"error", e.message}, {"field", e.field}}.dump());
}

void test_rules(pointer self, http_exchange ex, const std::string& rules_text,
                const std::string& profile_text) {
  auto body = json::parse(ex.request.body, nullptr, false);
  if (!body.is_object()) {
    reply(ex.respond, 400,
          R"({"error":"the body must be a JSON object","field":""})");
    return;
  }
  auto zone = self->state.cfg.clients->zone->get();
  routing::call_facts facts;
  facts.caller = body.value("caller", std::string{});
  facts.caller_is_contact = body.value("caller_is_contact", false);
  facts.presence = body.value("presence", std::string{"available"});
  auto when = static_cast<std::int64_t>(directory::unix_now());
  if (body.contains("time")) {
    auto t =
        body["time"].is_string()
            ? routing::parse_instant(body["time"].get<std::string>(), *zone)
            : std::nullopt;
    if (!t) {
      reply(ex.respond, 400,
            json{{"error", "time: \"YYYY-MM-DDTHH:MM\" (the box's time zone) "
                           "or with Z (UTC)"},
                 {"field", "time"}}
                .dump());
      return;
    }
    when = *t;
  }
  auto rules =
      routing::parse_rules(rules_text.empty() ? R"({"rules":[]})" : rules_text);
  auto d = routing::decide(rules ? *rules : std::vector<routing::rule>{},
                           routing::decode_profile(profile_text), facts, when,
                           *zone);
  json out{{"action", std::string{routing::to_string(d.act)}},
           {"local_time", routing::iso_text(zone->to_local(when))},
           {"time_zone", self->state.cfg.clients->zone->name()}};
  if (d.rule >= 0) {
    out["rule"] = d.rule + 1;
    out["rule_name"] = d.rule_name;
  }
  if (!d.to.empty())
    out["to"] = d.to;
  if (d.act == routing::action::offer) {
    out["timeout"] = d.timeout_s;
    out["fallback"] = std::string{
        routing::to_string(d.fallback.value_or(routing::action::voicemail))};
    if (!d.fallback_to.empty())
      out["fallback_to"] = d.fallback_to;
  }
  reply(ex.respond, 200, out.dump());
}

void put_record(pointer self, http_exchange ex, const std::string& key,
                const std::string& value, const std::string& shown,
                const std::string& owner) {
  storage::write_batch b;
  if (value.empty())
    b.del(storage::family::meta, key);
  else
    b.put(storage::family::meta, key, value);
  self->request(self->state.cfg.clients->storage, caf::infinite,
                caf::put_atom::value, b)
      .then(
          [self, ex, shown, owner](caf::ok_atom) mutable {
            auto& st = self->state;
            if (auto c = st.clients.find(owner);
                c != st.clients.end() && !st.leaving.count(owner))
              self->send(c->second, atoms::rules_atom::value);
            reply(ex.respond, 200, shown);
          },
          [ex](const caf::error&) mutable {
            reply(ex.respond, 503,
                  R"({"error":"storage unavailable: nothing changed"})");
          });
}

} // namespace

void on_routing_http(pointer self, http_exchange ex, const std::string& owner,
                     const std::string& what) {
  auto& st = self->state;
  if (!st.dir.by_extension(owner)) {
    reply(ex.respond, 404, R"({"error":"no such user"})");
    return;
  }
  auto storage = st.cfg.clients->storage;
  auto& method = ex.request.method;
  auto allow = what == "rules/test" ? "POST" : "GET, PUT";
  if ((what == "rules/test") != (method == "POST") ||
      (method != "GET" && method != "PUT" && method != "POST")) {
    reply(ex.respond, 405, R"({"error":"method not allowed"})",
          {{"Allow", allow}});
    return;
  }
  auto rules_key = routing::rules_key(owner);
  auto profile_key = routing::profile_key(owner);
  // Both records, then `then(rules, profile)`.
  auto read_both = [self, storage, rules_key, profile_key](auto then) {
    self->request(storage, caf::infinite, caf::get_atom::value,
                  storage::family::meta, rules_key)
        .then([self, storage, profile_key,
               then](const optional_string& r) mutable {
          self->request(storage, caf::infinite, caf::get_atom::value,
                        storage::family::meta, profile_key)
              .then([then, r](const optional_string& p) mutable {
                then(r ? *r : std::string{}, p ? *p : std::string{});
              });
        });
  };
  if (what == "rules/test") {
    read_both([self, ex](const std::string& r, const std::string& p) mutable {
      test_rules(self, std::move(ex), r, p);
    });
    return;
  }
  bool rules = what == "rules";
  if (method == "GET") {
    read_both([ex, rules](const std::string& r, const std::string& p) mutable {
      if (rules) {
        auto parsed = routing::parse_rules(r.empty() ? R"({"rules":[]})" : r);
        reply(ex.respond, 200,
              routing::rules_json(parsed ? *parsed
                                         : std::vector<routing::rule>{}));
      } else {
        reply(ex.respond, 200,
              routing::profile_json(routing::decode_profile(p)));
      }
    });
    return;
  }
  if (rules) {
    auto parsed = routing::parse_rules(ex.request.body);
    if (!parsed) {
      field_error(ex.respond, parsed.error());
      return;
    }
    auto text = routing::rules_json(*parsed);
    put_record(self, std::move(ex), rules_key, parsed->empty() ? "" : text,
               text, owner);
    return;
  }
  // A profile changes the fields it names: read, merge, write.
  read_both([self, ex, profile_key, owner](const std::string&,
                                           const std::string& p) mutable {
    auto salt = sip::digest::random_hex(8);
    auto parsed = routing::parse_profile(ex.request.body,
                                         routing::decode_profile(p), salt);
    if (!parsed) {
      field_error(ex.respond, parsed.error());
      return;
    }
    put_record(self, std::move(ex), profile_key,
               routing::encode_profile(*parsed), routing::profile_json(*parsed),
               owner);
  });
}

namespace {

// /api/v1/me/offer: the call offered to the user now (GET), and their
// choice for it (POST {"choice": "take"|"decline"|"voicemail"}); for web
// clients, which show the choices as buttons.
void on_offer_http(pointer self, http_exchange ex, const std::string& ext) {
  const auto& method = ex.request.method;
  if (method == "GET") {
    with_client(self, ext, [self, ex](const client_actor& c) mutable {
      self->request(c, std::chrono::seconds{5}, atoms::offer_atom::value)
          .then(
              [ex](const std::string& offer) mutable {
                reply(ex.respond, 200, R"({"offer":)" + offer + "}");
              },
              [ex](const caf::error&) mutable {
                reply(ex.respond, 503, R"({"error":"try again"})");
              });
    });
    return;
  }
  if (method != "POST") {
    reply(ex.respond, 405, R"({"error":"method not allowed"})",
          {{"Allow", "GET, POST"}});
    return;
  }
  auto body = nlohmann::json::parse(ex.request.body, nullptr, false);
  auto choice =
      body.is_object() && body.contains("choice") && body["choice"].is_string()
          ? body["choice"].get<std::string>()
          : std::string{};
  if (choice != "take" && choice != "decline" && choice != "voicemail") {
    reply(ex.respond, 400,
          R"({"error":"choice: take, decline or voicemail","field":"choice"})");
    return;
  }
  with_client(self, ext, [self, ex, choice](const client_actor& c) mutable {
    self->request(c, std::chrono::seconds{5}, atoms::offer_atom::value, choice)
        .then(
            [ex](const std::string& said) mutable {
              if (said.empty())
                reply(ex.respond, 409, R"({"error":"no call is waiting"})");
              else
                reply(ex.respond, 200, nlohmann::json{{"result", said}}.dump());
            },
            [ex](const caf::error&) mutable {
              reply(ex.respond, 503, R"({"error":"try again"})");
            });
  });
}

} // namespace

void on_me_http(pointer self, http_exchange ex) {
  auto path = ex.request.target.substr(0, ex.request.target.find('?'));
  const std::string me = "/api/v1/me/";
  auto what = path.size() > me.size() ? path.substr(me.size()) : std::string{};
  if (what != "rules" && what != "profile" && what != "rules/test" &&
      what != "offer") {
    reply(ex.respond, 404, R"({"error":"no such resource"})");
    return;
  }
  auto* user = http_user(self, ex);
  if (!user)
    return;
  if (what == "offer")
    on_offer_http(self, std::move(ex), user->extension);
  else
    on_routing_http(self, std::move(ex), user->extension, what);
}

// A call the callee's rules forward: to a user of the box (whose own rules
// apply in turn; Max-Forwards bounds a loop of forwards), or a PBX's number.
void on_forward(pointer self, sip_task& t, const std::string& caller,
                const std::string& to) {
  auto& st = self->state;
  auto& msg = t.in.msg;
  auto hops = sip::parse_max_forwards(msg.value_of("Max-Forwards"));
  if (hops && *hops == 0) {
    answer(self, t, 483, "Too Many Hops");
    return;
  }
  msg.replace("Max-Forwards", std::to_string(hops ? *hops - 1 : 69));
  auto target = st.dir.resolve(to);
  if (target.user && target.user->enabled) {
    with_client(self, target.user->extension,
                [self, t, caller](const client_actor& c) {
                  self->send(c, atoms::proxy_atom::value, t, caller);
                });
    return;
  }
  if (auto* trunk = directory::route_number(st.trunks, to)) {
    self->send(t.router, atoms::proxy_atom::value, t.key,
               trunk_plan(*trunk, to, caller));
    return;
  }
  st.log->info("a rule forwards a call to {}: nobody and no route", to);
  answer(self, t, 404, "Not Found");
}

} // namespace ivm::actors::dir
