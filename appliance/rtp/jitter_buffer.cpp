#include "appliance/rtp/jitter_buffer.hpp"

#include <utility>

namespace ivm::rtp {

jitter_buffer::jitter_buffer(jitter_config cfg) : cfg_(cfg) {
  // nop
}

push_result jitter_buffer::push(frame f) {
  if (!started_) {
    started_ = true;
    highest_ = next_ = f.sequence;
    pending_.emplace(highest_, std::move(f));
    ++stats_.accepted;
    release(false);
    return push_result::accepted;
  }
  auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(
      f.sequence - static_cast<std::uint16_t>(highest_)));
  std::int64_t ext = highest_ + delta;
  bool too_far = ext > highest_ + static_cast<std::int64_t>(cfg_.max_dropout);
  bool too_old = ext < next_ - static_cast<std::int64_t>(cfg_.max_misorder);
  if (too_far || too_old) {
    if (bad_seq_ && *bad_seq_ == f.sequence) {
      // Two packets in sequence after a jump (RFC 3550 A.1): restart there.
      release(true);
      pending_.clear();
      bad_seq_.reset();
      highest_ = next_ = f.sequence;
      discontinuity_ = true;
      pending_.emplace(highest_, std::move(f));
      ++stats_.accepted;
      release(false);
      return push_result::resync;
    }
    bad_seq_ = static_cast<std::uint16_t>(f.sequence + 1);
    ++stats_.out_of_range;
    return push_result::out_of_range;
  }
  bad_seq_.reset();
  if (ext < next_) {
    ++stats_.late;
    return push_result::late;
  }
  if (pending_.count(ext) != 0) {
    ++stats_.duplicates;
    return push_result::duplicate;
  }
  pending_.emplace(ext, std::move(f));
  if (ext > highest_)
    highest_ = ext;
  ++stats_.accepted;
  release(false);
  return push_result::accepted;
}

std::optional<jitter_output> jitter_buffer::pop() {
  if (ready_.empty())
    return std::nullopt;
  auto out = std::move(ready_.front());
  ready_.pop_front();
  return out;
}

void jitter_buffer::flush() {
  release(true);
}

void jitter_buffer::reset() {
  started_ = false;
  highest_ = next_ = 0;
  pending_.clear();
  ready_.clear();
  bad_seq_.reset();
  discontinuity_ = false;
}

void jitter_buffer::release(bool all) {
  while (!pending_.empty()) {
    auto it = pending_.begin();
    if (it->first == next_) {
      jitter_output out;
      out.what = jitter_output::kind::frame;
      out.data = std::move(it->second);
      out.discontinuity = discontinuity_;
      discontinuity_ = false;
      ready_.push_back(std::move(out));
      pending_.erase(it);
      ++next_;
      continue;
    }
    if (all || highest_ - next_ >= static_cast<std::int64_t>(cfg_.depth)) {
      jitter_output out;
      out.what = jitter_output::kind::gap;
      out.first_missing = static_cast<std::uint16_t>(next_);
      out.missing = static_cast<std::uint32_t>(it->first - next_);
      stats_.lost += out.missing;
      ready_.push_back(std::move(out));
      next_ = it->first;
      continue;
    }
    break;
  }
}

} // namespace ivm::rtp
