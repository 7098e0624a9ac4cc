#include "appliance/mgcp/digit_map.hpp"

#include <algorithm>

namespace ivm::mgcp {

namespace {

constexpr std::size_t max_patterns = 64;
constexpr std::size_t max_positions = 64;
constexpr std::size_t max_dialled = 128;

constexpr char letters[] = "0123456789*#ABCDT";

} // namespace

int digit_map::symbol_of(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  switch (c) {
    case '*':
      return 10;
    case '#':
      return 11;
    case 'A':
    case 'a':
      return 12;
    case 'B':
    case 'b':
      return 13;
    case 'C':
    case 'c':
      return 14;
    case 'D':
    case 'd':
      return 15;
    case 'T':
    case 't':
      return 16;
    default:
      return -1;
  }
}

expected<digit_map, std::string> digit_map::parse(std::string_view text) {
  // Blanks carry nothing; the parentheses are optional for one pattern.
  std::string s;
  for (char c : text)
    if (c != ' ' && c != '\t')
      s += c;
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')')
    s = s.substr(1, s.size() - 2);
  if (s.empty())
    return unexpected(std::string{"empty digit map"});
  digit_map m;
  pattern current;
  auto finish = [&]() -> bool {
    if (current.empty() || m.patterns_.size() >= max_patterns)
      return false;
    m.patterns_.push_back(std::move(current));
    current.clear();
    return true;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '|') {
      if (!finish())
        return unexpected("empty or extra pattern at " + std::to_string(i));
      continue;
    }
    if (current.size() >= max_positions)
      return unexpected(std::string{"pattern too long"});
    if (c == '.') {
      if (current.empty() || current.back().repeat)
        return unexpected("'.' without a position at " + std::to_string(i));
      current.back().repeat = true;
      continue;
    }
    position p;
    if (c == 'x' || c == 'X') {
      for (int d = 0; d <= 9; ++d)
        p.accepts.set(static_cast<std::size_t>(d));
    } else if (c == '[') {
      auto close = s.find(']', i);
      if (close == std::string::npos || close == i + 1)
        return unexpected("bad range at " + std::to_string(i));
      for (std::size_t j = i + 1; j < close; ++j) {
        char a = s[j];
        if (a == 'x' || a == 'X') {
          for (int d = 0; d <= 9; ++d)
            p.accepts.set(static_cast<std::size_t>(d));
          continue;
        }
        auto sa = symbol_of(a);
        if (sa < 0)
          return unexpected("bad range at " + std::to_string(j));
        if (j + 2 < close && s[j + 1] == '-') {
          auto sb = symbol_of(s[j + 2]);
          if (sa > 9 || sb < 0 || sb > 9 || sb < sa)
            return unexpected("bad range at " + std::to_string(j));
          for (int d = sa; d <= sb; ++d)
            p.accepts.set(static_cast<std::size_t>(d));
          j += 2;
          continue;
        }
        p.accepts.set(static_cast<std::size_t>(sa));
      }
      i = close;
    } else {
      auto sc = symbol_of(c);
      if (sc < 0)
        return unexpected("bad character at " + std::to_string(i));
      p.accepts.set(static_cast<std::size_t>(sc));
    }
    current.push_back(p);
  }
  if (!finish())
    return unexpected(std::string{"empty pattern at the end"});
  return m;
}

digit_map::result digit_map::match(std::string_view digits) const {
  // No dial plan is this long; a runaway phone is simply told no.
  if (digits.size() > max_dialled)
    return result::no_match;
  bool any_partial = false, any_full = false, any_longer = false;
  std::vector<std::size_t> states, next;
  for (auto& p : patterns_) {
    // NFA over positions: state k = "positions before k are consumed".
    // A repeated position may be skipped or consumed any number of times.
    auto closure = [&p](std::vector<std::size_t>& set) {
      for (std::size_t i = 0; i < set.size(); ++i) {
        auto k = set[i];
        if (k < p.size() && p[k].repeat &&
            std::find(set.begin(), set.end(), k + 1) == set.end())
          set.push_back(k + 1);
      }
    };
    states.assign(1, 0);
    closure(states);
    bool dead = false;
    for (char c : digits) {
      auto sym = symbol_of(c);
      next.clear();
      if (sym >= 0)
        for (auto k : states)
          if (k < p.size() &&
              p[k].accepts.test(static_cast<std::size_t>(sym))) {
            auto to = p[k].repeat ? k : k + 1;
            if (std::find(next.begin(), next.end(), to) == next.end())
              next.push_back(to);
          }
      closure(next);
      states.swap(next);
      if (states.empty()) {
        dead = true;
        break;
      }
    }
    if (dead)
      continue;
    bool full = false, more = false;
    for (auto k : states) {
      if (k == p.size())
        full = true;
      else
        more = true;
    }
    // Could this pattern take more (a real position not consumed, or a
    // repeated one)? Only what is left counts, the timer included.
    any_full = any_full || full;
    if (more) {
      if (full)
        any_longer = true;
      else
        any_partial = true;
    }
  }
  if (any_full)
    return any_longer || any_partial ? result::full_but_longer : result::full;
  return any_partial ? result::partial : result::no_match;
}

std::string digit_map::to_string() const {
  std::string out = "(";
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    if (i > 0)
      out += '|';
    for (auto& p : patterns_[i]) {
      std::size_t n = p.accepts.count();
      bool digits_only = true;
      for (std::size_t d = 0; d <= 9; ++d)
        digits_only = digits_only && p.accepts.test(d);
      if (n == 10 && digits_only) {
        out += 'x';
      } else if (n == 1) {
        for (std::size_t s = 0; s < 17; ++s)
          if (p.accepts.test(s))
            out += letters[s];
      } else {
        out += '[';
        for (std::size_t s = 0; s < 17; ++s)
          if (p.accepts.test(s))
            out += letters[s];
        out += ']';
      }
      if (p.repeat)
        out += '.';
    }
  }
  out += ')';
  return out;
}

} // namespace ivm::mgcp
