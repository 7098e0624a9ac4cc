// A fax machine calling to leave a message (issue 18): while the session
// records (G.711), the caller's audio goes to a CNG detector; once the
// calling tone is heard, the session answers as a fax machine instead
// (appliance/fax: T.30 with spandsp), one packet of ours for each packet
// of theirs (the caller's RTP clocks the modem), and when the call ends the
// pages go to the voice actor as PDF: stored, told to the recipients,
// mailed. A fax that failed midway keeps the pages that came; one that
// brought nothing is reported.

#include <cstdio>
#include <filesystem>

#include <caf/actor_cast.hpp>

#include "actors/voice/session_state.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/rtp/g711.hpp"
#include "appliance/rtp/header.hpp"

namespace ivm::actors::voice_session {

namespace {

/// A fax call ends after this long in any case, or when the caller's audio
/// has stopped for this long.
constexpr auto fax_max = std::chrono::minutes{15};
constexpr auto fax_quiet = std::chrono::seconds{10};

bool g711(const session_state& st) {
  return st.s.recorder.codec == voice::audio_codec::pcmu ||
         st.s.recorder.codec == voice::audio_codec::pcma;
}

std::string temp_file(const std::string& call_id) {
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec);
  auto name = "ivm-fax-" + std::to_string(std::hash<std::string>{}(call_id)) +
              "-" + std::to_string(steady::now().time_since_epoch().count()) +
              ".tif";
  return (ec ? std::filesystem::path{"/tmp"} : dir) / name;
}

} // namespace

bool fax_watch(pointer self) {
  auto& st = self->state;
  if (st.fax)
    return true;
  if ((!st.legs.empty() && !st.s.ask) || !g711(st))
    return false;
  if (!st.cng)
    st.cng = std::make_unique<fax::cng_detector>();
  const auto& pcm = st.rec->pcm();
  if (pcm.size() > st.cng_fed) {
    bool heard = st.cng->feed(pcm.data() + st.cng_fed, pcm.size() - st.cng_fed);
    st.cng_fed = pcm.size();
    if (!heard)
      return false;
  } else {
    return false;
  }
  st.log->info("call from {}: a fax machine (CNG)", st.s.call.user);
  fax_begin(self);
  return true;
}

void fax_begin(pointer self) {
  auto& st = self->state;
  if (st.fax || st.done)
    return;
  st.fax_file = temp_file(st.call_id);
  st.fax = fax::session::receiver(st.fax_file, "IVM appliance");
  st.fax_start = st.fax_last = steady::now();
  st.tone_next = st.tone.size(); // no more "speak now" tone
  st.log->info("call from {}: receiving a fax", st.s.call.user);
}

void fax_packet(pointer self, const datagram& d) {
  auto& st = self->state;
  auto pkt = rtp::parse(reinterpret_cast<const std::uint8_t*>(d.payload.data()),
                        d.payload.size());
  if (!pkt || pkt->hdr.payload_type != st.s.recorder.payload_type ||
      pkt->payload_size == 0 || pkt->payload_size > 1600)
    return; // DTMF events, comfort noise, oddities: not the fax's audio
  auto n = pkt->payload_size;
  std::vector<std::int16_t> in(n), out(n);
  std::vector<std::uint8_t> coded(n);
  bool ulaw = st.s.recorder.codec == voice::audio_codec::pcmu;
  if (ulaw)
    rtp::g711::decode_ulaw(pkt->payload, n, in.data());
  else
    rtp::g711::decode_alaw(pkt->payload, n, in.data());
  st.fax->process(in.data(), out.data(), n);
  st.fax_last = steady::now();
  if (ulaw)
    rtp::g711::encode_ulaw(out.data(), n, coded.data());
  else
    rtp::g711::encode_alaw(out.data(), n, coded.data());
  rtp::header h;
  h.payload_type = static_cast<std::uint8_t>(st.s.recorder.payload_type);
  h.sequence = st.seq++;
  h.timestamp = st.ts;
  st.ts += static_cast<std::uint32_t>(n);
  h.ssrc = st.ssrc;
  auto bytes = rtp::serialize(h, coded.data(), coded.size());
  if (st.rtcp)
    st.rtcp->sent(bytes.data(), bytes.size());
  st.s.socket->send_to(std::string{bytes.begin(), bytes.end()},
                       st.s.remote_media);
}

const char* fax_check(pointer self) {
  auto& st = self->state;
  auto now = steady::now();
  if (now - st.fax_start > fax_max)
    return "fax too long";
  if (now - st.fax_last > fax_quiet)
    return "fax audio stopped";
  return "";
}

void fax_end(pointer self, const char* why, bool hang_up) {
  auto& st = self->state;
  auto r = st.fax->result();
  if (!st.fax->done())
    r.error = std::string{"the call ended before the fax did ("} + why + ")";
  fax_received f;
  f.user = st.s.call.user;
  f.user_name = st.s.call.user_name;
  f.recipients = st.s.call.recipients;
  f.directory = st.s.call.directory;
  f.mail = st.s.call.mail;
  f.complete = st.fax->done() && r.ok;
  f.error = f.complete ? std::string{} : r.error;
  st.fax.reset(); // closes the TIFF
  int pages = 0;
  auto pdf = fax::tiff_to_pdf(st.fax_file, &pages);
  std::error_code ec;
  std::filesystem::remove(st.fax_file, ec);
  if (pdf && pages > 0) {
    f.pdf = std::move(*pdf);
    f.pages = pages;
  }
  st.log->info("fax from {}: {} page(s), {}{} ({} bit/s{})", f.user, f.pages,
               f.complete ? "complete" : "incomplete: ", f.error, r.bit_rate,
               r.ecm ? ", ECM" : "");
  self->request(st.s.voice, caf::infinite, atoms::deliver_atom::value,
                std::move(f))
      .then([self, hang_up](bool) { tell_caller(self, hang_up); },
            [self, hang_up](const caf::error&) { tell_caller(self, hang_up); });
}

} // namespace ivm::actors::voice_session
