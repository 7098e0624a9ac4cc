// Digital desk phones on a PBX as IM devices of their users (issue 17,
// seed 000): a station with an IM key is one of its user's devices while
// the link is up; IM for the user shows on its display (csta::im_terminal),
// its keys (ButtonPress) drive IM mode, and what the user does goes to the
// directory (send, commands, contacts, stored replies). The display is
// written with SetDisplay, rows separated by line feeds.

#include <algorithm>
#include <cctype>
#include <optional>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/mgcp/csta_link_state.hpp"
#include "appliance/sip/message.hpp"

namespace ivm::actors::csta_link {

namespace {

// The phone on `device`, or null.
phone* find_phone(pointer self, const std::string& device) {
  auto it = self->state.phones.find(device);
  return it == self->state.phones.end() ? nullptr : &it->second;
}

// Writes `rows` on the phone's display; the PBX's answer comes back with
// `token` (0: not awaited).
void show(pointer self, phone& p, const std::string& device,
          const std::vector<std::string>& rows, csta::link_session::output& out,
          std::uint64_t token = 0) {
  std::string text;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = rows[i];
    r.erase(r.find_last_not_of(' ') + 1);
    text += (i ? "\n" : "") + r;
  }
  text.erase(text.find_last_not_of('\n') + 1); // no empty rows at the end
  p.box_displays.push_back(text);
  if (p.box_displays.size() > 16)
    p.box_displays.pop_front();
  self->state.link->invoke(out, csta::set_display(device, text), token,
                           now_ms());
}

void carry_out(pointer self, const std::string& device, csta::terminal_output t,
               csta::link_session::output& out);

// The directory's answer to a phone's action, back into its terminal.
void answered(pointer self, const std::string& device,
              csta::terminal_output t) {
  auto& st = self->state;
  if (!st.phones.count(device))
    return;
  csta::link_session::output out;
  carry_out(self, device, std::move(t), out);
  apply(self, std::move(out));
}

// The directory's answers: one item a line.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto nl = text.find('\n', at);
    auto line = text.substr(at, nl == std::string::npos ? nl : nl - at);
    if (!line.empty())
      out.push_back(std::move(line));
    if (nl == std::string::npos)
      break;
    at = nl + 1;
  }
  return out;
}

// "ext\tname\tstatus" lines.
std::vector<csta::contact_line> contact_lines(const std::string& text) {
  std::vector<csta::contact_line> out;
  for (auto& line : lines_of(text)) {
    auto t1 = line.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 != std::string::npos)
      out.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1),
                     line.substr(t2 + 1)});
  }
  return out;
}

// The party of the phone's current PBX call, for {caller}.
std::string current_party(pointer self, const std::string& device) {
  auto* d = self->state.link->device(device);
  auto* c = d ? d->current() : nullptr;
  return c ? c->other : std::string{};
}

void carry_out(pointer self, const std::string& device, csta::terminal_output t,
               csta::link_session::output& out) {
  auto& st = self->state;
  auto* found = find_phone(self, device);
  if (!found)
    return;
  auto& p = *found;
  if (!t.display.empty())
    show(self, p, device, t.display, out);
  if (t.restore) {
    st.link->invoke(out, csta::set_display(device, p.pbx_display), 0, now_ms());
  }
  if (!st.s.directory)
    return;
  using k = csta::terminal_action::kind;
  auto ext = p.ext;
  for (auto& a : t.actions) {
    auto back = [self, device](auto make) {
      return [self, device, make](const std::string& r) {
        if (auto* p = find_phone(self, device))
          answered(self, device, make(p->term, r));
      };
    };
    auto failed = [self, device](const caf::error&) {
      if (auto* p = find_phone(self, device))
        answered(self, device,
                 p->term.answer("The box did not answer. Try again."));
    };
    switch (a.what) {
      case k::send: {
        auto to = a.to;
        self->request(st.s.directory, std::chrono::seconds{10},
                      atoms::message_atom::value, ext, a.to, a.text)
            .then(back([to](csta::im_terminal& t, const std::string& err) {
                    return t.answer(err.empty() ? "Sent to " + to + "." : err);
                  }),
                  failed);
        break;
      }
      case k::command:
        self->request(st.s.directory, std::chrono::seconds{10},
                      atoms::command_atom::value, ext, a.text)
            .then(back([](csta::im_terminal& t, const std::string& r) {
                    return t.answer(r);
                  }),
                  failed);
        break;
      case k::contacts: {
        // The other party of the phone's PBX call first, when a user of the
        // box: an IM conversation beside the call (seed 001).
        std::string party;
        if (auto e = st.ext_of.find(current_party(self, device));
            e != st.ext_of.end() && e->second != ext)
          party = e->second;
        self->request(st.s.directory, std::chrono::seconds{10},
                      atoms::contacts_atom::value, ext)
            .then(back([party](csta::im_terminal& t, const std::string& r) {
                    auto list = contact_lines(r);
                    if (!party.empty()) {
                      csta::contact_line first{party, {}, "in call"};
                      for (auto i = list.begin(); i != list.end(); ++i)
                        if (i->ext == party) {
                          first.name = i->name;
                          list.erase(i);
                          break;
                        }
                      list.insert(list.begin(), first);
                    }
                    return t.contacts(std::move(list));
                  }),
                  failed);
        break;
      }
      case k::canned: {
        auto caller = a.to.empty() ? current_party(self, device) : a.to;
        self->request(st.s.directory, std::chrono::seconds{10},
                      atoms::canned_atom::value, ext, caller)
            .then(back([](csta::im_terminal& t, const std::string& r) {
                    return t.canned(lines_of(r));
                  }),
                  failed);
        break;
      }
    }
  }
}

void attach(pointer self, const std::string& device, phone& p, bool on) {
  auto& st = self->state;
  if (p.attached == on || !st.s.directory)
    return;
  p.attached = on;
  self->send(st.s.directory, atoms::station_atom::value, p.ext, device,
             caf::actor_cast<caf::actor>(self), on);
}

// The text of a message as the phone shows it: CPIM (RFC 3862) unwrapped;
// delivery notifications are not shown.
std::optional<std::string>
shown_text(const storage::records::queued_message& m) {
  auto ct = m.content_type;
  for (auto& c : ct)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ct.rfind("message/cpim", 0) != 0)
    return m.body;
  // CPIM headers, a blank line, the MIME headers, a blank line, the body.
  auto a = m.body.find("\r\n\r\n");
  auto b = a == std::string::npos ? a : m.body.find("\r\n\r\n", a + 4);
  if (b == std::string::npos)
    return m.body;
  auto inner = m.body.substr(a + 4, b - a - 4);
  for (auto& c : inner)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (inner.find("imdn+xml") != std::string::npos)
    return std::nullopt;
  return m.body.substr(b + 4);
}

std::string display_name(const std::string& from) {
  auto q = from.find('"');
  if (q == std::string::npos)
    return {};
  auto e = from.find('"', q + 1);
  return e == std::string::npos ? std::string{} : from.substr(q + 1, e - q - 1);
}

} // namespace

void phone_added(pointer self, const storage::records::station& s) {
  auto& st = self->state;
  st.phones.erase(s.endpoint);
  if (s.im_key.empty())
    return;
  csta::display_geometry g;
  if (s.display_rows)
    g.rows = s.display_rows;
  if (s.display_columns)
    g.columns = s.display_columns;
  st.phones.emplace(
      std::piecewise_construct, std::forward_as_tuple(s.endpoint),
      std::forward_as_tuple(phone{s.extension,
                                  csta::im_terminal{g, {s.im_key, {}, {}}},
                                  false,
                                  {},
                                  {}}));
}

void phone_removed(pointer self, const std::string& device) {
  auto& st = self->state;
  auto it = st.phones.find(device);
  if (it == st.phones.end())
    return;
  attach(self, device, it->second, false);
  st.phones.erase(it);
}

void phone_synced(pointer self, const std::string& device,
                  csta::link_session::output& out) {
  auto& st = self->state;
  auto it = st.phones.find(device);
  if (it == st.phones.end())
    return;
  attach(self, device, it->second, true);
  // IM mode or a notice owned the display: the PBX may have lost it.
  auto rows = it->second.term.shown();
  if (!rows.empty())
    show(self, it->second, device, rows, out);
}

void phones_up(pointer self) {
  for (auto& [device, p] : self->state.phones)
    attach(self, device, p, true);
}

void phones_down(pointer self) {
  for (auto& [device, p] : self->state.phones)
    attach(self, device, p, false);
}

void phone_event(pointer self, const std::string& device, const csta::event& e,
                 csta::link_session::output& out) {
  auto* found = find_phone(self, device);
  if (!found)
    return;
  auto& p = *found;
  if (e.kind == csta::event_kind::display_updated) {
    // Not our own SetDisplay coming back: what the PBX shows.
    // Events arrive with line breaks taken out (csta::parse): compare the
    // texts without them.
    auto trimmed = [](std::string t) {
      t.erase(std::remove_if(t.begin(), t.end(),
                             [](char c) { return c == '\n' || c == '\r'; }),
              t.end());
      t.erase(0, t.find_first_not_of(" \t"));
      t.erase(t.find_last_not_of(" \t") + 1);
      return t;
    };
    auto shown = trimmed(e.display);
    if (std::none_of(p.box_displays.begin(), p.box_displays.end(),
                     [&](const std::string& b) { return trimmed(b) == shown; }))
      p.pbx_display = e.display;
    return;
  }
  if (e.kind == csta::event_kind::button_press)
    carry_out(self, device, p.term.press(e.button, now_ms()), out);
}

void phone_deliver(pointer self, const std::string& device, std::uint64_t id,
                   const storage::records::queued_message& m,
                   const caf::actor& client) {
  auto& st = self->state;
  auto it = st.phones.find(device);
  auto result = [&](int code) {
    self->send(client, atoms::sipresult_atom::value, id, code, sip::message{});
  };
  if (it == st.phones.end() || st.link->phase() != csta::link_phase::up) {
    result(480);
    return;
  }
  auto text = shown_text(m);
  if (!text) {
    result(200); // a delivery notification: nothing to show
    return;
  }
  csta::im_entry e{m.id, m.from_ext, display_name(m.from), *text, m.date_s};
  auto t = it->second.term.incoming(std::move(e));
  if (t.display.empty()) {
    result(200); // kept for the user (busy in IM mode), or shown before
    return;
  }
  // Delivered once the PBX took the display: if it does not answer, the
  // link drops and the message stays queued for the next time.
  auto token = st.next_token++;
  st.shown_wait.emplace(token, std::make_pair(client, id));
  csta::link_session::output out;
  show(self, it->second, device, t.display, out, token);
  apply(self, std::move(out));
  if (st.shown)
    st.shown->inc();
}

} // namespace ivm::actors::csta_link
