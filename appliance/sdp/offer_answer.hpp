#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/sdp/codec.hpp"
#include "appliance/sdp/session.hpp"

namespace ivm::sdp {

/// The box's side of a session.
struct local_endpoint {
  address_type type = address_type::ip4;
  /// The address phones send RTP to.
  std::string address;
  /// The RTP port (even; RTCP is port + 1).
  std::uint16_t port = 0;
  std::string username = "ivm";
  /// `o=` session id and version (RFC 4566 §5.2): the caller keeps them and
  /// increments the version for each new offer or answer in a dialog.
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  /// What the box wants: sendrecv for intercom, recvonly to record, sendonly
  /// to play a message.
  direction dir = direction::sendrecv;
  /// Packetisation time the box asks for, in milliseconds.
  std::uint32_t ptime = 20;
};

/// The audio stream both sides agreed on.
struct negotiated_audio {
  /// Index of the m-line in the offer and the answer.
  std::size_t index = 0;
  /// The chosen codec (the box's entry) and its payload type on the wire.
  codec audio;
  int payload_type = 0;
  /// The telephone-event payload type, if both sides use it.
  std::optional<int> telephone_event;
  /// Where the peer receives RTP, and its packetisation time if given.
  connection remote;
  std::uint16_t remote_port = 0;
  std::optional<std::uint32_t> remote_ptime;
  /// Where the peer receives RTCP: `a=rtcp` (RFC 3605) if given, else the
  /// RTP port + 1 (RFC 3550 §11).
  std::uint16_t remote_rtcp_port = 0;
  /// The direction from the box's point of view (as written in the answer).
  direction dir = direction::sendrecv;
};

struct answer_result {
  session_description answer;
  negotiated_audio audio;
};

/// Why no answer can be made. `status` is the SIP response to send: 488 Not
/// Acceptable Here (RFC 3261 §21.4.26), with a 304 warning text in `reason`.
struct answer_error {
  int status = 488;
  std::string reason;
};

/// Answers `offer` as RFC 3264 §6 says: as many m-lines as the offer; the
/// first RTP/AVP audio stream with a common codec is accepted with the
/// box's most preferred codec among those offered (in the offerer's payload
/// type number) and telephone-event when offered at that codec's clock
/// rate; every other stream is rejected with port 0. Direction per §6.1.
/// `t=` is copied from the offer.
expected<answer_result, answer_error>
make_answer(const session_description& offer, const std::vector<codec>& codecs,
            const local_endpoint& local);

/// An offer for a call the box places: one RTP/AVP audio stream with
/// `codecs` in order; static payload types keep their number, dynamic ones
/// get 96, 97, ... Every format gets an rtpmap.
session_description make_offer(const std::vector<codec>& codecs,
                               const local_endpoint& local);

/// Where the peer of `m` receives RTCP: the port of `a=rtcp:PORT ...`
/// (RFC 3605 §2.1), else the RTP port + 1 (RFC 3550 §11).
std::uint16_t rtcp_port_of(const media_description& m);

/// Reads the answer to an offer the box made with `codecs` (RFC 3264 §6.1,
/// §7): the first RTP/AVP audio stream the answerer accepted (port not 0),
/// its first format among `codecs` (the answerer's preference) with the
/// answerer's payload type, telephone-event if also accepted, and where the
/// answerer receives RTP. An error text when nothing usable was accepted.
expected<negotiated_audio, std::string>
read_answer(const session_description& answer,
            const std::vector<codec>& codecs);

} // namespace ivm::sdp
