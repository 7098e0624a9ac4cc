#include "appliance/rtp/rtcp_session.hpp"

#include "appliance/rtp/header.hpp"

namespace ivm::rtp {

rtcp_session::rtcp_session(std::uint32_t ssrc, std::string cname,
                           std::uint32_t clock_rate)
  : ssrc_(ssrc), cname_(std::move(cname)), clock_rate_(clock_rate),
    sent_(clock_rate), rng_(ssrc | 1u) {
  // nop
}

void rtcp_session::on_received(const std::uint8_t* data, std::size_t size,
                               steady::time_point now) {
  auto p = parse(data, size);
  if (!p)
    return;
  const auto& h = p->hdr;
  if (!peer_ || peer_->ssrc() != h.ssrc)
    peer_.emplace(h.ssrc, clock_rate_);
  peer_->on_packet(h.sequence, h.timestamp, now);
}

void rtcp_session::on_sent(std::uint32_t rtp_timestamp,
                           std::size_t payload_octets, steady::time_point now) {
  sent_.on_sent(rtp_timestamp, payload_octets, now);
}

bool rtcp_session::on_rtcp(const std::uint8_t* data, std::size_t size,
                           steady::time_point now) {
  auto packets = parse_compound(data, size);
  if (!packets)
    return false;
  ++reports_;
  auto about_us = [this](const std::vector<report_block>& blocks) {
    for (const auto& b : blocks)
      if (b.ssrc == ssrc_)
        peer_view_ = b;
  };
  for (const auto& p : *packets) {
    if (const auto* sr = std::get_if<sender_report>(&p)) {
      if (peer_ && peer_->ssrc() == sr->ssrc)
        peer_->on_sender_report(sr->info.ntp_timestamp, now);
      about_us(sr->reports);
    } else if (const auto* rr = std::get_if<receiver_report>(&p)) {
      about_us(rr->reports);
    } else if (const auto* b = std::get_if<bye>(&p)) {
      peer_left_ = true;
      (void)b;
    }
  }
  return true;
}

std::vector<std::uint8_t>
rtcp_session::report(std::chrono::system_clock::time_point wall,
                     steady::time_point now, bool leaving) {
  std::vector<report_block> blocks;
  if (peer_ && peer_->received() > 0)
    blocks.push_back(peer_->make_report(now));
  std::optional<bye> b;
  if (leaving)
    b = bye{{ssrc_}, std::nullopt};
  if (sent_.sent_any())
    return make_compound(
        sender_report{ssrc_, sent_.make_info(wall, now), std::move(blocks), {}},
        cname_, b);
  return make_compound(receiver_report{ssrc_, std::move(blocks), {}}, cname_,
                       b);
}

std::chrono::milliseconds rtcp_session::next_interval() {
  rtcp_interval_params p;
  p.initial = first_;
  p.we_sent = sent_.sent_any();
  first_ = false;
  auto d = rtcp_interval(p, rng_);
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

} // namespace ivm::rtp
