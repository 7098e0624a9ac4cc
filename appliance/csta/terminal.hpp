#pragma once

// The IM mode of a digital desk phone on a PBX (issue 17; seed 000 claims
// 18-31), pure: button presses and the box's answers in, what the display
// shows and what the box should do out. The key layout is in
// docs/legacy.md ("IM on a digital desk phone"):
//
// - the IM key enters IM mode and leaves it; outside IM mode only the IM
//   key is ours, every other key is the PBX's;
// - `*` goes back (deletes while composing), `#` goes on (scrolls, sends),
//   digits pick the numbered item shown or compose by multi-tap (ITU-T
//   E.161 letters, 1 for punctuation, 0 for space); optional scroll keys
//   move through lists and messages.

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ivm::csta {

struct display_geometry {
  unsigned rows = 2;
  unsigned columns = 24;
};

/// The buttons that are ours (ButtonPress `button` values): the IM key
/// (required) and optional scroll keys.
struct terminal_keys {
  std::string im;
  std::string up;
  std::string down;
};

/// A message as the phone shows it.
struct im_entry {
  std::string id;        ///< the box's message id: shown once
  std::string from_ext;  ///< "" when from the box
  std::string from_name; ///< display name, or empty
  std::string text;
  std::uint64_t date_s = 0;
};

/// A contact as the contacts screen lists it.
struct contact_line {
  std::string ext;
  std::string name;
  std::string status; ///< "available", "away", ... or "" (not shared)
};

/// What the box is asked to do; each is answered with `answer()`,
/// `contacts()` or `canned()`.
struct terminal_action {
  enum class kind {
    send,     ///< an IM `text` to extension `to`; answer() with the outcome
    command,  ///< the user's text command `text` (status, signin, accept...)
    contacts, ///< the contact list with statuses: contacts()
    canned,   ///< the stored replies, fields filled (`to`: whom they answer)
  };
  kind what{};
  std::string to;
  std::string text;
};

struct terminal_output {
  /// What the display shows now (`rows` strings of at most `columns`);
  /// empty: unchanged.
  std::vector<std::string> display;
  /// IM mode ended: the display goes back to what the PBX shows.
  bool restore = false;
  std::vector<terminal_action> actions;
};

class im_terminal {
public:
  using millis = std::chrono::milliseconds;

  im_terminal(display_geometry g, terminal_keys keys);

  /// A button pressed on the phone. Keys pressed while the box answers an
  /// action are kept and count once the answer is shown.
  terminal_output press(std::string_view button, millis now);
  /// A message arrived for the phone's user: kept, and announced (a message
  /// with an id the phone has is not again).
  terminal_output incoming(im_entry m);
  terminal_output contacts(std::vector<contact_line> list);
  terminal_output canned(std::vector<std::string> texts);
  /// The box's answer to a send or a command ("Sent.", "Your status...").
  terminal_output answer(std::string text);

  bool active() const {
    return screen_ != screen::off;
  }
  std::size_t unread() const;
  /// What the display shows now while IM mode or a notification owns it
  /// (repainted after the link comes back); empty otherwise.
  std::vector<std::string> shown() const {
    return shown_;
  }

  /// Messages kept on the phone, and how long a key may wait for the next
  /// press of the same key to pick its next letter.
  static constexpr std::size_t max_inbox = 20;
  static constexpr millis multitap_window{1500};
  static constexpr std::size_t max_typed_ahead = 64;

private:
  enum class screen {
    off,
    notice, ///< outside IM mode, a new message announced
    menu,
    inbox,
    pick, ///< a recipient from the contacts, or "Number"
    dial, ///< a recipient's number typed
    compose,
    canned,
    status,
    contacts,
    wait, ///< for the box's answer
    info, ///< the box's answer shown
  };
  struct list_view {
    std::string title;
    std::vector<std::string> items;
    std::size_t cursor = 0; ///< the first item shown
  };

  terminal_output render();
  terminal_output open_menu();
  terminal_output open_inbox();
  terminal_output open_list(screen s, std::string title,
                            std::vector<std::string> items);
  terminal_output request(terminal_action a, screen then = screen::wait);
  terminal_output show_info(std::string text);
  terminal_output leave();
  terminal_output on_list_key(std::string_view key);
  terminal_output choose(std::size_t index);
  terminal_output on_inbox_key(std::string_view key);
  terminal_output on_compose_key(std::string_view key, millis now);
  terminal_output on_dial_key(std::string_view key);
  terminal_output start_compose(std::string to, std::string name,
                                std::string text = {});
  terminal_output send_now(std::string to, std::string text);
  terminal_output replay(terminal_output out);
  terminal_output contacts_now(std::vector<contact_line> list);
  terminal_output canned_now(std::vector<std::string> texts);
  void commit_tap();
  std::vector<std::string> list_lines() const;
  std::vector<std::string> rows_of(const std::vector<std::string>& lines,
                                   std::size_t from) const;
  std::string fit(std::string_view s) const;

  display_geometry g_;
  terminal_keys keys_;
  screen screen_ = screen::off;
  std::deque<im_entry> inbox_;
  std::size_t read_ = 0; ///< the message shown in the inbox
  std::size_t first_unread_ = 0;
  std::size_t scroll_ = 0; ///< first text line shown (inbox, info)
  list_view list_;
  std::vector<contact_line> contacts_;
  std::vector<std::string> canned_;
  bool browsing_ = false;   ///< the contacts screen, not a recipient pick
  std::string reply_to_;    ///< canned reply: whom it answers
  std::string canned_text_; ///< a stored message waiting for a recipient
  std::string to_, to_name_, text_;
  char tap_key_ = 0; ///< the multi-tap key pending
  std::size_t tap_ = 0;
  millis tap_at_{0};
  std::string info_;
  std::vector<std::string> shown_;
  /// Keys pressed while the box was answering, replayed after the answer.
  std::deque<std::pair<std::string, millis>> typed_ahead_;
};

/// The characters key `key` ('0'-'9') gives in turn when pressed again
/// (ITU-T E.161 letters, then the digit); empty for other keys.
std::string_view multitap_letters(char key);

/// `text` in lines of at most `columns` characters, broken at spaces where
/// a word fits.
std::vector<std::string> wrap(std::string_view text, std::size_t columns);

} // namespace ivm::csta
