// What a desk phone's display shows in IM mode (csta::im_terminal's
// screens), and the keypad's letters. Pure.

#include "appliance/csta/terminal.hpp"

#include <algorithm>
#include <ctime>

namespace ivm::csta {

namespace {

std::string hhmm(std::uint64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[8];
  std::strftime(buf, sizeof buf, "%H:%M", &tm);
  return buf;
}

std::string who(const im_entry& m) {
  if (m.from_ext.empty())
    return "IVM";
  return m.from_name.empty() ? m.from_ext
                             : m.from_name + " (" + m.from_ext + ")";
}

} // namespace

// ITU-T E.161 letters, then the digit; 1 punctuation, 0 space.
std::string_view multitap_letters(char key) {
  switch (key) {
    case '1':
      return ".,?!'-1";
    case '2':
      return "abc2";
    case '3':
      return "def3";
    case '4':
      return "ghi4";
    case '5':
      return "jkl5";
    case '6':
      return "mno6";
    case '7':
      return "pqrs7";
    case '8':
      return "tuv8";
    case '9':
      return "wxyz9";
    case '0':
      return " 0";
    default:
      return {};
  }
}

std::vector<std::string> wrap(std::string_view text, std::size_t columns) {
  std::vector<std::string> out;
  if (columns == 0)
    return out;
  std::string line;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n' || text[i] == '\r') {
      out.push_back(std::move(line));
      line.clear();
      i +=
          text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
      continue;
    }
    auto end = text.find_first_of(" \r\n", i);
    if (end == std::string_view::npos)
      end = text.size();
    auto word = text.substr(i, end - i);
    while (word.size() > columns) { // a word longer than a line: cut it
      if (!line.empty()) {
        out.push_back(std::move(line));
        line.clear();
      }
      out.emplace_back(word.substr(0, columns));
      word.remove_prefix(columns);
    }
    if (!line.empty() && line.size() + 1 + word.size() > columns) {
      out.push_back(std::move(line));
      line.clear();
    }
    if (!line.empty())
      line += ' ';
    line += word;
    i = end;
    while (i < text.size() && text[i] == ' ')
      ++i;
  }
  if (!line.empty() || out.empty())
    out.push_back(std::move(line));
  return out;
}

std::string im_terminal::fit(std::string_view s) const {
  return std::string{s.substr(0, g_.columns)};
}

std::vector<std::string>
im_terminal::rows_of(const std::vector<std::string>& lines,
                     std::size_t from) const {
  std::vector<std::string> out;
  for (std::size_t i = from; i < lines.size() && out.size() + 1 < g_.rows; ++i)
    out.push_back(fit(lines[i]));
  return out;
}

terminal_output im_terminal::render() {
  std::vector<std::string> rows;
  auto title = [&](std::string t) { rows.push_back(fit(t)); };
  auto unread_note = [&] {
    auto n = unread();
    return n == 0   ? std::string{}
           : n == 1 ? std::string{" 1 new"}
                    : " " + std::to_string(n) + " new";
  };
  switch (screen_) {
    case screen::off:
      break;
    case screen::notice: {
      // Who wrote, and as much of the text as the display holds.
      auto& m = inbox_.back();
      title(unread() > 1 ? std::to_string(unread()) + " IMs, last " + who(m)
                         : "IM from " + who(m));
      for (auto& r : rows_of(wrap(m.text, g_.columns), 0))
        rows.push_back(std::move(r));
      break;
    }
    case screen::menu:
    case screen::pick:
    case screen::canned:
    case screen::status:
    case screen::contacts: {
      title(list_.title + (screen_ == screen::menu ? unread_note() : ""));
      for (auto& r : rows_of(list_lines(), list_.cursor))
        rows.push_back(std::move(r));
      break;
    }
    case screen::inbox: {
      auto& m = inbox_[read_];
      title(who(m) + " " + hhmm(m.date_s) + " " + std::to_string(read_ + 1) +
            "/" + std::to_string(inbox_.size()));
      for (auto& r : rows_of(wrap(m.text, g_.columns), scroll_))
        rows.push_back(std::move(r));
      break;
    }
    case screen::dial:
      title("To number (# ok):");
      rows.push_back(fit(to_ + "_"));
      break;
    case screen::compose: {
      title("To " + (to_name_.empty() ? to_ : to_name_) + " (# send):");
      std::string t = text_;
      if (tap_key_ != 0)
        t += multitap_letters(tap_key_)[tap_];
      t += '_';
      // The end of the text, in whole display lines.
      std::size_t room = (g_.rows > 1 ? g_.rows - 1 : 1) * g_.columns;
      if (t.size() > room)
        t = t.substr(t.size() - room);
      for (std::size_t i = 0; i < t.size() && rows.size() < g_.rows;
           i += g_.columns)
        rows.push_back(t.substr(i, g_.columns));
      break;
    }
    case screen::wait:
      title("IM: one moment...");
      break;
    case screen::info: {
      auto lines = wrap(info_, g_.columns);
      for (std::size_t i = scroll_; i < lines.size() && rows.size() < g_.rows;
           ++i)
        rows.push_back(lines[i]);
      break;
    }
  }
  while (rows.size() < g_.rows)
    rows.emplace_back();
  rows.resize(g_.rows);
  shown_ = rows;
  terminal_output out;
  out.display = std::move(rows);
  return out;
}

std::vector<std::string> im_terminal::list_lines() const {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < list_.items.size(); ++i)
    lines.push_back(std::to_string(i % 9 + 1) + " " + list_.items[i]);
  if (screen_ != screen::menu)
    return lines;
  // Menu items share lines where they fit.
  std::vector<std::string> packed;
  for (auto& l : lines)
    if (!packed.empty() && packed.back().size() + 1 + l.size() <= g_.columns)
      packed.back() += " " + l;
    else
      packed.push_back(l);
  return packed;
}

} // namespace ivm::csta
