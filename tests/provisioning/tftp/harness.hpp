#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "provisioning/tftp/codec.hpp"
#include "provisioning/tftp/transfer.hpp"

namespace ivm::provisioning::tftp::test {

using namespace std::chrono_literals;

/// Renders the effects of a step, e.g. {"data(1, +0, 512)",
/// "set_timer(1000ms)"}.
inline std::vector<std::string> describe(const transfer_effects& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.emplace_back(to_string(x));
  return result;
}

/// Returns a file of `size` octets whose content depends on the position,
/// so that a block sent at the wrong offset shows.
inline std::string make_file(std::size_t size) {
  std::string result(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    result[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
  return result;
}

/// Plays the actor around one transfer with a fake clock: renders
/// `send_data` from an in-memory file into real DATA datagrams, keeps the
/// one timer and fires it when time advances, and logs every effect with
/// the time it happened.
class harness {
public:
  struct record {
    duration at;
    effect what;
  };

  harness(const server_config& cfg, const std::vector<option>& options,
          std::string file)
    : machine(cfg, options, file.size()), file(std::move(file)) {
    // nop
  }

  /// Steps the machine now; returns that step's effects.
  transfer_effects feed(const transfer_event& ev) {
    auto out = machine.step(ev, now_);
    for (auto& x : out)
      execute(x);
    return out;
  }

  /// Feeds an ACK of `block`.
  transfer_effects ack(std::uint16_t block) {
    return feed(events::ack_received{block});
  }

  /// Advances the clock to `t` after the start, firing the timer if due.
  void advance_to(duration t) {
    auto target = epoch_ + t;
    while (timer_ && timer_->at <= target) {
      auto fired = *timer_;
      timer_.reset();
      now_ = fired.at;
      feed(events::timer_fired{fired.generation});
    }
    now_ = target;
  }

  /// Fires the armed timer at its due time; false if none is armed.
  bool fire_timer() {
    if (!timer_)
      return false;
    advance_to(std::chrono::duration_cast<duration>(timer_->at - epoch_));
    return true;
  }

  /// Time since the start.
  duration elapsed() const {
    return std::chrono::duration_cast<duration>(now_ - epoch_);
  }

  /// The armed timer, if any.
  const std::optional<effects::set_timer>& timer() const {
    return timer_;
  }

  /// When (ms since the start) DATA with wire number `block` was sent.
  std::vector<long long> data_times(std::uint16_t block) const {
    std::vector<long long> result;
    for (auto& r : log)
      if (auto d = std::get_if<effects::send_data>(&r.what);
          d && d->block == block)
        result.push_back(r.at.count());
    return result;
  }

  /// How many effects of type `Effect` happened.
  template <class Effect>
  std::size_t count() const {
    std::size_t n = 0;
    for (auto& r : log)
      n += std::holds_alternative<Effect>(r.what) ? 1 : 0;
    return n;
  }

  transfer machine;

  /// The file being served.
  std::string file;

  /// Every effect so far.
  std::vector<record> log;

  /// Datagrams sent (OACK, DATA) and not yet taken by a client.
  std::deque<std::string> wire;

  /// The `done` effect, once it happened.
  std::optional<effects::done> result;

private:
  void execute(const effect& x) {
    log.push_back(record{elapsed(), x});
    if (auto s = std::get_if<effects::send>(&x)) {
      wire.push_back(s->bytes);
    } else if (auto d = std::get_if<effects::send_data>(&x)) {
      wire.push_back(make_data(
          d->block, std::string_view{file}.substr(d->offset, d->length)));
    } else if (auto t = std::get_if<effects::set_timer>(&x)) {
      timer_ = *t;
    } else if (auto c = std::get_if<effects::cancel_timer>(&x)) {
      if (timer_ && timer_->generation == c->generation)
        timer_.reset();
    } else if (auto r = std::get_if<effects::done>(&x)) {
      result = *r;
    }
  }

  time_point epoch_ = time_point{} + 1h;
  time_point now_ = epoch_;
  std::optional<effects::set_timer> timer_;
};

/// A receiving client after RFC 1350 and RFC 7440 §4: takes DATA in
/// order, ACKs the last block of each window and the short last block, and
/// answers any other DATA (a gap or a duplicate) with an ACK of the last
/// block received in order. Answers an OACK with ACK 0.
class client {
public:
  client(std::size_t block_size, std::uint16_t window_size)
    : block_size_(block_size), window_size_(window_size) {
    // nop
  }

  /// Takes one datagram; returns the ACK to send, if any.
  std::optional<std::uint16_t> receive(const std::string& datagram) {
    auto x = parse(datagram);
    if (!x)
      return std::nullopt;
    if (std::holds_alternative<oack_packet>(*x))
      return complete_ ? std::nullopt : std::optional<std::uint16_t>{0};
    auto d = std::get_if<data_packet>(&*x);
    if (d == nullptr)
      return std::nullopt;
    if (complete_ || d->block != wire_number(received_blocks_ + 1)) {
      in_window_ = 0;
      ++out_of_order;
      return wire_number(received_blocks_);
    }
    data += d->payload;
    ++received_blocks_;
    if (d->payload.size() < block_size_) {
      complete_ = true;
      return d->block;
    }
    if (++in_window_ == window_size_) {
      in_window_ = 0;
      return d->block;
    }
    return std::nullopt;
  }

  bool complete() const {
    return complete_;
  }

  /// The file as received.
  std::string data;

  /// DATA that was not the next block.
  std::size_t out_of_order = 0;

private:
  static std::uint16_t wire_number(std::uint64_t index) {
    return static_cast<std::uint16_t>(index & 0xFFFF);
  }

  std::size_t block_size_;
  std::uint16_t window_size_;
  std::uint64_t received_blocks_ = 0;
  std::uint16_t in_window_ = 0;
  bool complete_ = false;
};

/// Decides whether the n-th datagram (0-based, per direction) is lost.
using loss = std::function<bool(std::size_t n, const std::string& datagram)>;

inline bool no_loss(std::size_t, const std::string&) {
  return false;
}

/// Runs a whole transfer between `h` and `c`: starts it, delivers DATA and
/// ACKs in order through the lossy channels, and lets the fake clock fire
/// the timer whenever nothing is in flight. Returns the outcome.
inline std::optional<effects::done> run(harness& h, client& c,
                                        const loss& lose_data = no_loss,
                                        const loss& lose_ack = no_loss) {
  std::size_t sent_data = 0;
  std::size_t sent_acks = 0;
  h.feed(events::start{});
  while (!h.result) {
    if (h.wire.empty()) {
      if (!h.fire_timer())
        break;
      continue;
    }
    auto datagram = std::move(h.wire.front());
    h.wire.pop_front();
    if (lose_data(sent_data++, datagram))
      continue;
    if (auto a = c.receive(datagram)) {
      if (!lose_ack(sent_acks++, make_ack(*a)))
        h.ack(*a);
    }
  }
  return h.result;
}

} // namespace ivm::provisioning::tftp::test
