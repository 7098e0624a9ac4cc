#include "appliance/mgcp/transactions.hpp"

#include <algorithm>

#include "appliance/mgcp/text.hpp"

namespace ivm::mgcp {

namespace {

constexpr std::uint32_t max_tid = 999999999;

} // namespace

std::uint32_t outgoing_transactions::next_id() {
  for (;;) {
    auto id = next_id_;
    next_id_ = next_id_ >= max_tid ? 1 : next_id_ + 1;
    if (pending_.count(id) == 0)
      return id;
  }
}

void outgoing_transactions::sent(std::uint32_t tid, std::string peer,
                                 std::string datagram, millis now) {
  entry e;
  e.peer = std::move(peer);
  e.datagram = std::move(datagram);
  e.wait = policy_.initial;
  e.next_at = now + e.wait;
  pending_[tid] = std::move(e);
}

std::optional<outgoing_transactions::entry>
outgoing_transactions::on_response(std::string_view peer, std::uint32_t tid,
                                   int code, millis now) {
  auto it = pending_.find(tid);
  if (it == pending_.end() || it->second.peer != peer)
    return std::nullopt;
  if (code >= 100 && code < 200) {
    it->second.provisional = true;
    it->second.next_at = now + policy_.long_timer;
    return std::nullopt;
  }
  auto e = std::move(it->second);
  pending_.erase(it);
  return e;
}

outgoing_transactions::due_list outgoing_transactions::due(millis now) {
  due_list out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& e = it->second;
    if (e.next_at > now) {
      ++it;
      continue;
    }
    if (e.sends >= policy_.max_sends) {
      out.failed.emplace_back(it->first, std::move(e));
      it = pending_.erase(it);
      continue;
    }
    ++e.sends;
    if (e.provisional) {
      e.next_at = now + policy_.long_timer;
    } else {
      e.wait = std::min(e.wait * 2, policy_.max);
      e.next_at = now + e.wait;
    }
    out.resend.emplace_back(it->first, e);
    ++it;
  }
  return out;
}

std::optional<millis> outgoing_transactions::next_due() const {
  std::optional<millis> at;
  for (auto& [tid, e] : pending_)
    if (!at || e.next_at < *at)
      at = e.next_at;
  return at;
}

std::vector<std::uint32_t>
outgoing_transactions::drop_peer(std::string_view peer) {
  std::vector<std::uint32_t> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.peer == peer) {
      out.push_back(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

incoming_transactions::check_result
incoming_transactions::check(const std::string& peer, std::uint32_t tid,
                             millis now) {
  auto [it, fresh] = seen_.try_emplace({peer, tid});
  if (fresh) {
    it->second.at = now;
    return {verdict::fresh, {}};
  }
  if (!it->second.done)
    return {verdict::executing, {}};
  return {verdict::answered, it->second.response};
}

void incoming_transactions::answered(const std::string& peer, std::uint32_t tid,
                                     std::string datagram, millis now) {
  auto& r = seen_[{peer, tid}];
  r.done = true;
  r.response = std::move(datagram);
  r.at = now;
  order_.emplace_back(now, std::make_pair(peer, tid));
}

void incoming_transactions::acknowledged(
    const std::string& peer,
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ranges) {
  for (auto [lo, hi] : ranges) {
    auto it = seen_.lower_bound({peer, lo});
    for (;
         it != seen_.end() && it->first.first == peer && it->first.second <= hi;
         ++it)
      if (it->second.done)
        it->second.response.clear();
  }
}

void incoming_transactions::expire(millis now) {
  // A command still running is kept however old (its answer will come): only
  // answered ones are queued here.
  while (!order_.empty() && order_.front().first + history_ <= now) {
    auto it = seen_.find(order_.front().second);
    // Answered again since (a later entry covers it), or dropped: skip.
    if (it != seen_.end() && it->second.done && it->second.at + history_ <= now)
      seen_.erase(it);
    order_.pop_front();
  }
}

void incoming_transactions::drop_peer(const std::string& peer) {
  auto it = seen_.lower_bound({peer, 0});
  while (it != seen_.end() && it->first.first == peer)
    it = seen_.erase(it);
}

expected<std::vector<std::pair<std::uint32_t, std::uint32_t>>, std::string>
parse_response_ack(std::string_view value) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  if (text::trim(value).empty())
    return out;
  auto number = [](std::string_view s) -> std::optional<std::uint32_t> {
    s = text::trim(s);
    if (s.empty() || s.size() > 9)
      return std::nullopt;
    std::uint32_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9')
        return std::nullopt;
      v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return v;
  };
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    auto item = value.substr(start, comma == std::string_view::npos
                                        ? std::string_view::npos
                                        : comma - start);
    auto dash = item.find('-');
    auto lo = number(item.substr(0, dash));
    auto hi =
        dash == std::string_view::npos ? lo : number(item.substr(dash + 1));
    if (!lo || !hi || *hi < *lo)
      return unexpected(std::string{"bad response acknowledgement"});
    out.emplace_back(*lo, *hi);
    if (out.size() > 64)
      return unexpected(std::string{"too many acknowledgement ranges"});
    if (comma == std::string_view::npos)
      break;
    start = comma + 1;
  }
  return out;
}

} // namespace ivm::mgcp
