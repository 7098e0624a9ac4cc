#pragma once

// One recording in progress (record mode, issue 6): the box answered a call
// to *7..., receives the caller's RTP on its own port and records it until
// the caller hangs up, presses '#', stays silent or reaches the maximum
// length; then the recording goes to the voice actor to be stored.

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include <caf/fwd.hpp>

#include "actors/voice/voice_actor.hpp"
#include "appliance/rtp/rtcp_session.hpp"
#include "appliance/sdp/offer_answer.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/voice/audio.hpp"
#include "appliance/voice/recorder.hpp"

namespace ivm::net {
class udp_socket;
} // namespace ivm::net

namespace ivm::actors {

/// A finished recording, for the voice actor to store and announce.
struct voice_recording {
  std::string user;
  std::string user_name;
  std::vector<std::string> recipients;
  std::vector<std::int16_t> pcm;
  int rate = 8000;
  directory_actor directory;
  /// Its message id, once saved as pending (see the voice actor).
  std::string id;
  /// Recipients it is mailed to, with their addresses (voice_call::mail).
  std::vector<std::pair<std::string, std::string>> mail;
};

/// A fax received in a call (issue 18), for the voice actor to store and
/// deliver: the pages as PDF (none when nothing came through), how it went.
struct fax_received {
  std::string user; ///< the caller
  std::string user_name;
  std::vector<std::string> recipients;
  std::string pdf;
  int pages = 0;
  bool complete = false;
  std::string error; ///< why it ended early
  directory_actor directory;
  std::vector<std::pair<std::string, std::string>> mail;
};

/// A recording encoded to Ogg Opus by an encoder thread.
struct encoded_recording {
  voice_recording meta; ///< (pcm emptied)
  voice::ogg_audio audio;
};

/// One device an intercom calls (issue 6): the recipient, how to reach the
/// device, the box's RTP socket for it and the SDP offer naming that port.
struct intercom_leg_setup {
  std::string user;
  proxy_target target;
  std::shared_ptr<net::udp_socket> socket;
  std::shared_ptr<net::udp_socket> rtcp; ///< socket's port + 1
  std::string offer;
};

/// The gauge of open voice sessions (recordings, intercom, playback).
inline constexpr const char* voice_sessions_metric =
    "ivm_voice_sessions_active";
inline constexpr const char* voice_sessions_help =
    "Voice sessions open: recordings, intercom and playback.";

/// The spoken prompts of a caller asked what they want (voice_call::ask),
/// 16-bit PCM at 8 kHz (appliance/voice/speech, cached by the voice actor).
struct ask_prompts {
  using pcm = std::shared_ptr<const std::vector<std::int16_t>>;
  pcm menu, connecting, unavailable, leave, fax;
};

struct session_setup {
  voice_call call;
  voice::recorder_config recorder;
  std::shared_ptr<net::udp_socket> socket;
  std::shared_ptr<net::udp_socket> rtcp; ///< socket's port + 1
  net::endpoint remote_media;            ///< where the caller receives RTP
  net::endpoint remote_rtcp;             ///< and RTCP
  sip::message answer;                   ///< the 200 OK with the SDP answer
  caf::actor voice; ///< the voice actor (gets the recording)
  std::shared_ptr<const client_config> clients;
  /// Intercom (*9): the devices of the recipients online, called with
  /// auto-answer while the caller speaks; `answer_timeout` for each to
  /// answer. Empty in record mode.
  std::vector<intercom_leg_setup> legs;
  std::chrono::milliseconds answer_timeout{8000};
  /// How long the caller's "speak now" tone waits for the legs to answer.
  std::chrono::milliseconds go_ahead_wait{2000};
  /// Ask mode (voice_call::ask): the menu's prompts; `legs` are the
  /// callee's devices, called (no auto-answer) when the caller chooses to
  /// talk and rung for `answer_timeout`.
  std::optional<ask_prompts> ask;
};

/// The RTCP of one RTP stream of the box (RFC 3550 §6): compound reports
/// from the RTP port + 1 to the peer's RTCP address on a timer, the peer's
/// reports and BYE taken in.
struct rtcp_link {
  rtcp_link(std::shared_ptr<net::udp_socket> s, net::endpoint peer,
            std::uint32_t ssrc, std::uint32_t clock_rate);
  std::shared_ptr<net::udp_socket> sock;
  net::endpoint remote;
  rtp::rtcp_session session;
  bool closed = false;

  /// Sends a report now (with BYE when `leaving`, which closes the link).
  void report(bool leaving);
  /// An RTP packet the box sent on this stream (header and payload).
  void sent(const std::uint8_t* packet, std::size_t size);
  /// A datagram on the RTCP port: taken from the peer's host only.
  void received(const datagram& d);
};

/// Starts `link`: its datagrams come to `self` as (rtcp_atom, id,
/// datagram) and its report timer as (rtcp_atom, id).
void start_rtcp(caf::event_based_actor* self, rtcp_link& link,
                std::uint64_t id);

/// The report timer of `link` fired: report and schedule the next one.
void rtcp_due(caf::event_based_actor* self, rtcp_link& link, std::uint64_t id);

/// The codec of a negotiated stream (PCMU, PCMA or Opus).
voice::audio_codec codec_of(const sdp::negotiated_audio& a);

caf::actor spawn_session(caf::actor_system& sys, session_setup setup);

/// RFC 3261 §13.3.1.4: when the box sends its 2xx to an INVITE again,
/// until the ACK comes (T1 doubling to T2, for 64 T1 at most).
struct resend_2xx {
  std::chrono::milliseconds interval{500};
  std::chrono::milliseconds total{0};
  bool acked = false;

  /// The delay before the next retransmission, or nullopt to stop.
  std::optional<std::chrono::milliseconds> next() {
    if (acked || total >= std::chrono::seconds{32})
      return std::nullopt;
    auto d = interval;
    total += d;
    interval = std::min(interval * 2, std::chrono::milliseconds{4000});
    return d;
  }
};

/// Sends `answer` (the 2xx of `key`) again unless acknowledged or `done`,
/// and schedules the next retransmission (`sipresp_atom` to `self`).
void resend_answer(caf::event_based_actor* self, const sip_router_actor& router,
                   const std::string& key, const sip::message& answer,
                   resend_2xx& r, bool done);

/// Answers an in-dialog request of a dialog the box answered: the ACK stops
/// the 2xx retransmissions (no answer), a re-INVITE gets 488, others 200.
void answer_in_dialog(caf::event_based_actor* self, const sip_task& t,
                      resend_2xx& r, const std::string& server);

/// Starts a dialog the box answers: its in-dialog requests come to `self`,
/// `answer` goes out (and again until the ACK), and the RTP of `socket`
/// comes to `self` as (recv_atom, datagram).
void start_own_dialog(caf::event_based_actor* self,
                      const sip_router_actor& router,
                      const std::string& call_id, const std::string& key,
                      const sip::message& answer, resend_2xx& r,
                      net::udp_socket& socket);

/// Ends a dialog the box answered: in-dialog requests no longer come to
/// `self`, the RTP socket closes, and `self` stops 5 s later (after the
/// BYE's answer and retransmitted BYEs).
void end_own_dialog(caf::event_based_actor* self,
                    const sip_router_actor& router, const std::string& call_id,
                    net::udp_socket& socket);

/// The BYE the box sends to end a call it answered (`invite`, our To tag
/// `local_tag`), and where to send it; nullopt when the caller cannot be
/// reached (no Contact, connection gone).
std::optional<sip_request_task> bye_to_caller(const client_config& cfg,
                                              const sip_task& invite,
                                              const std::string& local_tag,
                                              const caf::actor& requester);

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::voice_recording)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::fax_received)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::encoded_recording)
