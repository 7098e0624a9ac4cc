// What a digital desk phone on a PBX asks of the box (issue 17, seed 000):
// its station joining the user's devices, an IM typed on it, its user's
// commands, contacts with their status, and the stored common replies with
// their fields filled. The replies are also the admin's
// (/api/v1/canned, /api/v1/users/{ext}/canned) and, by text command, every
// SIP user's ("canned", "canned 2 203").

#include <memory>

#include <caf/send.hpp>

#include <nlohmann/json.hpp>

#include "actors/directory/directory_state.hpp"
#include "appliance/directory/canned.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/header_values.hpp"

namespace ivm::actors::dir {

namespace {

std::string display_of(pointer self, const std::string& ext) {
  auto* a = self->state.dir.by_extension(ext);
  return a && !a->display_name.empty() ? a->display_name : std::string{};
}

// Both lists of `ext`, the box's first, then `done(texts)`.
template <class Done>
void read_canned(pointer self, const std::string& ext, Done done) {
  auto storage = self->state.cfg.clients->storage;
  self->request(storage, caf::infinite, caf::get_atom::value,
                storage::family::meta, directory::canned_key_box())
      .then(
          [self, storage, ext, done](const optional_string& box) mutable {
            self->request(storage, caf::infinite, caf::get_atom::value,
                          storage::family::meta,
                          directory::canned_key_user(ext))
                .then(
                    [box, done](const optional_string& mine) mutable {
                      auto all = directory::decode_canned(box ? *box : "");
                      for (auto& t :
                           directory::decode_canned(mine ? *mine : ""))
                        all.push_back(std::move(t));
                      done(std::move(all));
                    },
                    [done](const caf::error&) mutable { done({}); });
          },
          [done](const caf::error&) mutable { done({}); });
}

// The texts of `ext` with the fields filled; `caller`: whom they answer.
template <class Done>
void filled_canned(pointer self, const std::string& ext,
                   const std::string& caller, Done done) {
  read_canned(
      self, ext,
      [self, ext, caller, done](std::vector<std::string> texts) mutable {
        auto fields = directory::standard_fields(display_of(self, ext), ext,
                                                 directory::unix_now());
        if (!caller.empty()) {
          auto name = display_of(self, caller);
          fields["caller"] = name.empty() ? caller : name;
        }
        with_client(
            self, ext,
            [self, ext, texts, fields, done](const client_actor& c) mutable {
              self->request(c, std::chrono::seconds{5},
                            atoms::presence_atom::value, ext)
                  .then(
                      [texts, fields, done](const std::string& status) mutable {
                        fields["status"] = status;
                        for (auto& t : texts)
                          t = directory::fill_fields(t, fields);
                        done(std::move(texts));
                      },
                      [texts, fields, done](const caf::error&) mutable {
                        for (auto& t : texts)
                          t = directory::fill_fields(t, fields);
                        done(std::move(texts));
                      });
            });
      });
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& l : lines)
    out += l + "\n";
  return out;
}

} // namespace

void on_station(pointer self, const std::string& ext, const std::string& device,
                const caf::actor& link, bool attached) {
  if (!self->state.dir.by_extension(ext))
    return;
  with_client(self, ext, [self, device, link, attached](const client_actor& c) {
    self->send(c, atoms::station_atom::value, device, link, attached);
  });
}

caf::result<std::string> on_phone_message(pointer self, const std::string& from,
                                          const std::string& to,
                                          const std::string& text) {
  auto& st = self->state;
  auto* sender = st.dir.by_extension(from);
  if (!sender)
    return std::string{"You are not a user of the box."};
  if (text.empty() || text.size() > st.cfg.max_message_body)
    return std::string{"The message is empty or too long."};
  auto names = recipients_of(self, from, to);
  if (names.empty())
    return "Nobody has the number " + to + ".";
  auto rp = self->make_response_promise<std::string>();
  auto left = std::make_shared<std::size_t>(names.size());
  auto failed = std::make_shared<bool>(false);
  auto realm = st.dir.realm();
  auto shown =
      sender->display_name.empty() ? sender->extension : sender->display_name;
  for (auto& r : names) {
    storage::records::queued_message m;
    m.id = sip::core::random_tag() + sip::core::random_tag();
    m.from = "\"" + shown + "\" <sip:" + sender->extension + "@" + realm + ">";
    m.from_ext = sender->extension;
    m.to = "sip:" + r + "@" + realm;
    m.content_type = "text/plain;charset=UTF-8";
    // A stored message picked before its recipient: {caller} is whom it
    // goes to (a keypad cannot type braces).
    m.body = text.find("{caller}") == std::string::npos
                 ? text
                 : directory::fill_fields(
                       text, {{"caller", display_of(self, r).empty()
                                             ? r
                                             : display_of(self, r)}});
    m.date_s = directory::unix_now();
    enqueue_task task{std::move(m), {}, std::nullopt};
    with_client(
        self, r, [self, task, rp, left, failed](const client_actor& c) mutable {
          self->request(c, caf::infinite, atoms::enqueue_atom::value, task,
                        true)
              .then(
                  [rp, left, failed](bool) mutable {
                    if (--*left == 0)
                      rp.deliver(*failed
                                     ? std::string{"Not every member got it."}
                                     : std::string{});
                  },
                  [rp, left, failed](const caf::error&) mutable {
                    *failed = true;
                    if (--*left == 0)
                      rp.deliver(std::string{"Not sent: try again."});
                  });
        });
  }
  return rp;
}

caf::result<std::string> on_phone_command(pointer self, const std::string& ext,
                                          const std::string& text) {
  if (!self->state.dir.by_extension(ext))
    return std::string{"You are not a user of the box."};
  auto rp = self->make_response_promise<std::string>();
  with_client(self, ext, [self, text, rp](const client_actor& c) mutable {
    self->request(c, std::chrono::seconds{5}, atoms::command_atom::value, text)
        .then([rp](const std::string& r) mutable { rp.deliver(r); },
              [rp](const caf::error&) mutable {
                rp.deliver(std::string{"The box is busy: try again."});
              });
  });
  return rp;
}

caf::result<std::string> on_phone_contacts(pointer self,
                                           const std::string& ext) {
  if (!self->state.dir.by_extension(ext))
    return std::string{};
  auto rp = self->make_response_promise<std::string>();
  with_client(self, ext, [self, ext, rp](const client_actor& c) mutable {
    self->request(c, std::chrono::seconds{5}, atoms::contacts_atom::value)
        .then(
            [self, ext, rp](const std::string& lines) mutable {
              // "c EXT" lines: this user's contacts.
              std::vector<std::string> contacts;
              std::size_t at = 0;
              while (at < lines.size()) {
                auto nl = lines.find('\n', at);
                auto line = lines.substr(at, nl - at);
                if (line.rfind("c ", 0) == 0 &&
                    self->state.dir.by_extension(line.substr(2)))
                  contacts.push_back(line.substr(2));
                if (nl == std::string::npos)
                  break;
                at = nl + 1;
              }
              auto statuses =
                  std::make_shared<std::vector<std::string>>(contacts.size());
              auto left = std::make_shared<std::size_t>(contacts.size());
              auto finish = [self, contacts, statuses, rp]() mutable {
                std::string out;
                for (std::size_t i = 0; i < contacts.size(); ++i)
                  out += contacts[i] + "\t" + display_of(self, contacts[i]) +
                         "\t" + (*statuses)[i] + "\n";
                rp.deliver(out);
              };
              if (contacts.empty()) {
                finish();
                return;
              }
              for (std::size_t i = 0; i < contacts.size(); ++i)
                with_client(
                    self, contacts[i],
                    [self, ext, i, statuses, left,
                     finish](const client_actor& other) mutable {
                      self->request(other, std::chrono::seconds{5},
                                    atoms::presence_atom::value, ext)
                          .then(
                              [i, statuses, left,
                               finish](const std::string& s) mutable {
                                (*statuses)[i] = s;
                                if (--*left == 0)
                                  finish();
                              },
                              [left, finish](const caf::error&) mutable {
                                if (--*left == 0)
                                  finish();
                              });
                    });
            },
            [rp](const caf::error&) mutable { rp.deliver(std::string{}); });
  });
  return rp;
}

caf::result<std::string> on_phone_canned(pointer self, const std::string& ext,
                                         const std::string& caller) {
  if (!self->state.dir.by_extension(ext))
    return std::string{};
  auto rp = self->make_response_promise<std::string>();
  filled_canned(self, ext, caller,
                [rp](std::vector<std::string> texts) mutable {
                  rp.deliver(joined(texts));
                });
  return rp;
}

bool on_canned_command(pointer self, sip_task& t,
                       const directory::account& sender,
                       const std::string& text) {
  std::size_t end = 0;
  if (!sip::iequals(first_word(text, end), "canned"))
    return false;
  answer(self, t, 200, "OK");
  auto ext = sender.extension;
  auto tell = teller(self, ext);
  // "canned" lists; "canned N TO" sends reply N to TO.
  std::string rest =
      end == std::string::npos ? std::string{} : text.substr(end);
  std::size_t n = 0;
  std::string to;
  {
    auto a = rest.find_first_not_of(" \t\r\n");
    if (a != std::string::npos) {
      auto b = rest.find_first_of(" \t\r\n", a);
      auto num = rest.substr(a, b == std::string::npos ? b : b - a);
      if (num.size() <= 2 &&
          num.find_first_not_of("0123456789") == std::string::npos)
        n = std::stoul(num);
      if (b != std::string::npos) {
        auto c = rest.find_first_not_of(" \t\r\n", b);
        if (c != std::string::npos)
          to = rest.substr(c, rest.find_first_of(" \t\r\n", c) - c);
      }
      if (n == 0 || to.empty()) {
        tell("To send a stored reply: canned NUMBER TO, e.g. canned 2 203. "
             "To list them: canned");
        return true;
      }
    }
  }
  filled_canned(
      self, ext, to, [self, ext, n, to, tell](std::vector<std::string> texts) {
        if (texts.empty()) {
          tell("There are no stored replies.");
          return;
        }
        if (n == 0) {
          std::string list = "Stored replies (canned NUMBER TO):";
          for (std::size_t i = 0; i < texts.size(); ++i)
            list += "\n" + std::to_string(i + 1) + " " + texts[i];
          tell(list);
          return;
        }
        if (n > texts.size()) {
          tell("There is no stored reply " + std::to_string(n) + ".");
          return;
        }
        auto text = texts[n - 1];
        directory_actor me = self;
        self->request(me, caf::infinite, atoms::message_atom::value, ext, to,
                      text)
            .then(
                [tell, text, to](const std::string& err) {
                  tell(err.empty() ? "Sent to " + to + ": " + text : err);
                },
                [tell](const caf::error&) { tell("Not sent: try again."); });
      });
  return true;
}

void on_canned_admin(pointer self, http_exchange ex, const std::string& owner) {
  auto& st = self->state;
  auto json = [](net::http_responder& r, int status, const std::string& body) {
    r(net::http_response{status, "application/json", body, {}});
  };
  if (!owner.empty() && !st.dir.by_extension(owner)) {
    json(ex.respond, 404, R"({"error":"no such user"})");
    return;
  }
  auto key = owner.empty() ? directory::canned_key_box()
                           : directory::canned_key_user(owner);
  auto storage = st.cfg.clients->storage;
  if (ex.request.method == "GET") {
    self->request(storage, caf::infinite, caf::get_atom::value,
                  storage::family::meta, key)
        .then(
            [ex, json](const optional_string& v) mutable {
              json(ex.respond, 200,
                   directory::canned_json(
                       directory::decode_canned(v ? *v : "")));
            },
            [ex, json](const caf::error&) mutable {
              json(ex.respond, 500, R"({"error":"storage failed"})");
            });
    return;
  }
  if (ex.request.method != "PUT") {
    ex.respond(net::http_response{405,
                                  "application/json",
                                  R"({"error":"method not allowed"})",
                                  {{"Allow", "GET, PUT"}}});
    return;
  }
  auto parsed = directory::parse_canned_json(ex.request.body);
  if (!parsed) {
    json(
        ex.respond, 400,
        nlohmann::json{{"error", parsed.error()}, {"field", "replies"}}.dump());
    return;
  }
  storage::write_batch b;
  if (parsed->empty())
    b.del(storage::family::meta, key);
  else
    b.put(storage::family::meta, key, directory::encode_canned(*parsed));
  auto texts = *parsed;
  self->request(storage, caf::infinite, caf::put_atom::value, b)
      .then(
          [ex, json, texts](caf::ok_atom) mutable {
            json(ex.respond, 200, directory::canned_json(texts));
          },
          [ex, json](const caf::error&) mutable {
            json(ex.respond, 500, R"({"error":"storage failed"})");
          });
}

} // namespace ivm::actors::dir
