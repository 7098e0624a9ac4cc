#include "appliance/csta/terminal.hpp"

#include <algorithm>

namespace ivm::csta {

namespace {

bool is_digit_key(std::string_view k) {
  return k.size() == 1 && k[0] >= '0' && k[0] <= '9';
}

// A presence request notice from the box names who asks (presence_book).
std::string requester(const im_entry& m) {
  static constexpr std::string_view tag = "reply ACCEPT ";
  if (!m.from_ext.empty())
    return {};
  auto at = m.text.find(tag);
  if (at == std::string::npos)
    return {};
  auto from = at + tag.size();
  auto end = m.text.find(' ', from);
  return m.text.substr(from, end == std::string::npos ? end : end - from);
}

enum menu_item : std::size_t {
  m_read,
  m_write,
  m_canned,
  m_status,
  m_contacts,
  m_signin,
  m_signout
};

const char* const status_words[] = {"available", "away", "busy", "dnd"};

} // namespace

im_terminal::im_terminal(display_geometry g, terminal_keys keys)
  : g_(g), keys_(std::move(keys)) {
  g_.rows = std::max(1u, std::min(g_.rows, 16u));
  g_.columns = std::max(8u, std::min(g_.columns, 80u));
}

std::size_t im_terminal::unread() const {
  return inbox_.size() - std::min(first_unread_, inbox_.size());
}

terminal_output im_terminal::open_list(screen s, std::string title,
                                       std::vector<std::string> items) {
  screen_ = s;
  list_ = list_view{std::move(title), std::move(items), 0};
  return render();
}

terminal_output im_terminal::open_menu() {
  reply_to_.clear();
  canned_text_.clear();
  return open_list(
      screen::menu, "IM",
      {"Read", "Write", "Canned", "Status", "Contacts", "Sign in", "Sign out"});
}

terminal_output im_terminal::open_inbox() {
  if (inbox_.empty())
    return show_info("No messages. Any key: menu");
  screen_ = screen::inbox;
  read_ = first_unread_ < inbox_.size() ? first_unread_ : inbox_.size() - 1;
  first_unread_ = std::max(first_unread_, read_ + 1);
  scroll_ = 0;
  return render();
}

terminal_output im_terminal::show_info(std::string text) {
  screen_ = screen::info;
  info_ = std::move(text);
  scroll_ = 0;
  return render();
}

terminal_output im_terminal::request(terminal_action a, screen then) {
  screen_ = then;
  auto out = render();
  out.actions.push_back(std::move(a));
  return out;
}

terminal_output im_terminal::leave() {
  tap_key_ = 0;
  typed_ahead_.clear();
  if (unread() > 0) {
    screen_ = screen::notice;
    return render();
  }
  screen_ = screen::off;
  shown_.clear();
  terminal_output out;
  out.restore = true;
  return out;
}

terminal_output im_terminal::press(std::string_view key, millis now) {
  if (key.empty())
    return {};
  if (key == keys_.im) {
    if (screen_ == screen::off)
      return open_menu();
    if (screen_ == screen::notice)
      return open_inbox();
    return leave();
  }
  switch (screen_) {
    case screen::off:
    case screen::notice:
      return {}; // the PBX's key
    case screen::menu:
    case screen::pick:
    case screen::canned:
    case screen::status:
    case screen::contacts:
      return on_list_key(key);
    case screen::inbox:
      return on_inbox_key(key);
    case screen::dial:
      return on_dial_key(key);
    case screen::compose:
      return on_compose_key(key, now);
    case screen::wait:
      // Keys typed ahead of the box's answer count once it is here.
      if (typed_ahead_.size() < max_typed_ahead)
        typed_ahead_.emplace_back(std::string{key}, now);
      return {};
    case screen::info: {
      auto lines = wrap(info_, g_.columns);
      if ((key == "#" || key == keys_.down) &&
          scroll_ + g_.rows < lines.size()) {
        scroll_ += g_.rows;
        return render();
      }
      return open_menu();
    }
  }
  return {};
}

terminal_output im_terminal::on_list_key(std::string_view key) {
  auto n = list_.items.size();
  // The menu scrolls by display line (items share lines), lists by item.
  auto lines = screen_ == screen::menu ? list_lines().size() : n;
  if (key == "*") {
    if (screen_ == screen::menu)
      return leave();
    if (screen_ == screen::canned && !reply_to_.empty()) {
      screen_ = screen::inbox; // back to the message it answers
      return render();
    }
    return open_menu();
  }
  if (key == "#" || key == keys_.down) {
    if (lines > 0)
      list_.cursor = list_.cursor + 1 < lines ? list_.cursor + 1 : 0;
    return render();
  }
  if (key == keys_.up) {
    if (lines > 0)
      list_.cursor = list_.cursor > 0 ? list_.cursor - 1 : lines - 1;
    return render();
  }
  if (!is_digit_key(key))
    return {};
  int d = key[0] - '0';
  if (screen_ == screen::menu)
    return d >= 1 && static_cast<std::size_t>(d) <= n
               ? choose(static_cast<std::size_t>(d) - 1)
               : terminal_output{};
  if (d == 0)
    return n > 0 ? choose(list_.cursor) : terminal_output{};
  // The item numbered d that is on the display, else in the cursor's block
  // of nine.
  std::size_t visible = g_.rows > 1 ? g_.rows - 1 : 1;
  for (std::size_t i = list_.cursor; i < n && i < list_.cursor + visible; ++i)
    if (i % 9 + 1 == static_cast<std::size_t>(d))
      return choose(i);
  auto index = list_.cursor / 9 * 9 + static_cast<std::size_t>(d) - 1;
  if (index < n)
    return choose(index);
  return {};
}

terminal_output im_terminal::choose(std::size_t i) {
  using k = terminal_action::kind;
  switch (screen_) {
    case screen::menu:
      switch (i) {
        case m_read:
          return open_inbox();
        case m_write:
          browsing_ = false;
          return request({k::contacts, {}, {}});
        case m_canned:
          reply_to_.clear();
          return request({k::canned, {}, {}});
        case m_status:
          return open_list(screen::status, "Status",
                           {"Available", "Away", "Busy", "Do not disturb"});
        case m_contacts:
          browsing_ = true;
          return request({k::contacts, {}, {}});
        case m_signin:
          return request({k::command, {}, "signin"});
        case m_signout:
          return request({k::command, {}, "signout"});
        default:
          return {};
      }
    case screen::status:
      return request(
          {k::command,
           {},
           std::string{"status "} + status_words[std::min<std::size_t>(i, 3)]});
    case screen::pick:
    case screen::contacts:
      if (screen_ == screen::pick && i == 0) {
        screen_ = screen::dial;
        to_.clear();
        return render();
      }
      {
        auto& c = contacts_[screen_ == screen::pick ? i - 1 : i];
        if (!canned_text_.empty())
          return send_now(c.ext, canned_text_);
        return start_compose(c.ext, c.name);
      }
    case screen::canned:
      if (i >= canned_.size())
        return {};
      if (!reply_to_.empty())
        return send_now(reply_to_, canned_[i]);
      canned_text_ = canned_[i];
      browsing_ = false;
      return request({k::contacts, {}, {}});
    default:
      return {};
  }
}

terminal_output im_terminal::on_inbox_key(std::string_view key) {
  using k = terminal_action::kind;
  auto& m = inbox_[read_];
  auto lines = wrap(m.text, g_.columns);
  std::size_t page = g_.rows > 1 ? g_.rows - 1 : 1;
  if (key == "*")
    return open_menu();
  if (key == "#" || key == keys_.down) {
    if (scroll_ + page < lines.size())
      scroll_ += page;
    else if (read_ + 1 < inbox_.size()) {
      ++read_;
      first_unread_ = std::max(first_unread_, read_ + 1);
      scroll_ = 0;
    }
    return render();
  }
  if (key == keys_.up) {
    if (scroll_ > 0)
      scroll_ -= std::min(scroll_, page);
    else if (read_ > 0)
      --read_;
    return render();
  }
  auto asks = requester(m);
  if (key == "1") {
    if (!asks.empty())
      return request({k::command, {}, "accept " + asks});
    if (!m.from_ext.empty())
      return start_compose(m.from_ext, m.from_name);
  }
  if (key == "2") {
    if (!asks.empty())
      return request({k::command, {}, "decline " + asks});
    if (!m.from_ext.empty()) {
      reply_to_ = m.from_ext;
      return request({k::canned, m.from_ext, {}});
    }
  }
  return {};
}

terminal_output im_terminal::on_dial_key(std::string_view key) {
  if (key == "*") {
    if (to_.empty()) {
      browsing_ = false;
      return request({terminal_action::kind::contacts, {}, {}});
    }
    to_.pop_back();
    return render();
  }
  if (key == "#") {
    if (to_.empty())
      return {};
    if (!canned_text_.empty())
      return send_now(to_, canned_text_);
    return start_compose(to_, {});
  }
  if (is_digit_key(key) && to_.size() < 32) {
    to_ += key;
    return render();
  }
  return {};
}

void im_terminal::commit_tap() {
  if (tap_key_ != 0)
    text_ += multitap_letters(tap_key_)[tap_];
  tap_key_ = 0;
  tap_ = 0;
}

terminal_output im_terminal::on_compose_key(std::string_view key, millis now) {
  if (key == "*") {
    if (tap_key_ != 0) {
      tap_key_ = 0;
      tap_ = 0;
    } else if (!text_.empty())
      text_.pop_back();
    else
      return open_menu();
    return render();
  }
  if (key == "#") {
    commit_tap();
    if (text_.empty())
      return render();
    return send_now(to_, text_);
  }
  if (!is_digit_key(key))
    return {};
  char c = key[0];
  if (c == tap_key_ && now - tap_at_ < multitap_window) {
    tap_ = (tap_ + 1) % multitap_letters(c).size();
  } else {
    commit_tap();
    if (text_.size() < 1000) {
      tap_key_ = c;
      tap_ = 0;
    }
  }
  tap_at_ = now;
  return render();
}

terminal_output im_terminal::start_compose(std::string to, std::string name,
                                           std::string text) {
  screen_ = screen::compose;
  to_ = std::move(to);
  to_name_ = std::move(name);
  text_ = std::move(text);
  tap_key_ = 0;
  tap_ = 0;
  return render();
}

terminal_output im_terminal::send_now(std::string to, std::string text) {
  canned_text_.clear();
  reply_to_.clear();
  text_.clear();
  return request({terminal_action::kind::send, std::move(to), std::move(text)});
}

terminal_output im_terminal::incoming(im_entry m) {
  if (!m.id.empty() &&
      std::any_of(inbox_.begin(), inbox_.end(),
                  [&](const im_entry& e) { return e.id == m.id; }))
    return {};
  inbox_.push_back(std::move(m));
  while (inbox_.size() > max_inbox) {
    inbox_.pop_front();
    if (first_unread_ > 0)
      --first_unread_;
    if (read_ > 0)
      --read_;
  }
  switch (screen_) {
    case screen::off:
    case screen::notice:
      screen_ = screen::notice;
      return render();
    case screen::menu:
      return render(); // the count of new ones
    default:
      return {}; // not while the user is doing something
  }
}

terminal_output im_terminal::replay(terminal_output out) {
  while (!typed_ahead_.empty() && screen_ != screen::wait) {
    auto [key, at] = std::move(typed_ahead_.front());
    typed_ahead_.pop_front();
    auto next = press(key, at);
    if (!next.display.empty() || next.restore) {
      out.display = std::move(next.display);
      out.restore = next.restore;
    }
    for (auto& a : next.actions)
      out.actions.push_back(std::move(a));
  }
  return out;
}

terminal_output im_terminal::contacts(std::vector<contact_line> list) {
  if (screen_ != screen::wait)
    return {};
  return replay(contacts_now(std::move(list)));
}

terminal_output im_terminal::canned(std::vector<std::string> texts) {
  if (screen_ != screen::wait)
    return {};
  return replay(canned_now(std::move(texts)));
}

terminal_output im_terminal::answer(std::string text) {
  if (screen_ != screen::wait)
    return {};
  return replay(show_info(std::move(text)));
}

terminal_output im_terminal::contacts_now(std::vector<contact_line> list) {
  contacts_ = std::move(list);
  std::vector<std::string> items;
  if (browsing_) {
    for (auto& c : contacts_)
      items.push_back((c.name.empty() ? c.ext : c.name) + " " +
                      (c.status.empty() ? "?" : c.status));
    if (items.empty())
      return show_info("No contacts. Any key: menu");
    return open_list(screen::contacts, "Contacts", std::move(items));
  }
  items.push_back("Number...");
  for (auto& c : contacts_)
    items.push_back((c.name.empty() ? c.ext : c.name + " " + c.ext) +
                    (c.status == "in call" ? " in call" : ""));
  return open_list(screen::pick, canned_text_.empty() ? "Write to" : "Send to",
                   std::move(items));
}

terminal_output im_terminal::canned_now(std::vector<std::string> texts) {
  canned_ = std::move(texts);
  if (canned_.empty())
    return show_info("No stored replies. Any key: menu");
  return open_list(screen::canned, "Canned", canned_);
}

} // namespace ivm::csta
