#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ivm::sdp {

/// The address type of `o=` and `c=` (RFC 4566 §5.2, §5.7); the network
/// type is always `IN`.
enum class address_type { ip4, ip6 };

/// Media direction attributes (RFC 4566 §6, RFC 3264 §5.1).
enum class direction { sendrecv, sendonly, recvonly, inactive };

/// The transport protocol of an `m=` line (RFC 4566 §5.14, RFC 3711 §12).
enum class transport {
  /// "RTP/AVP": supported.
  rtp_avp,
  /// "RTP/SAVP": recognised, not supported (no SRTP yet).
  rtp_savp,
  /// Anything else (kept as text in `media_description::proto`).
  other,
};

/// `c=IN <type> <address>` (RFC 4566 §5.7). `address` keeps any `/ttl`.
struct connection {
  address_type type = address_type::ip4;
  std::string address;
};

/// `o=<username> <sess-id> <sess-version> IN <type> <address>` (§5.2).
struct origin {
  std::string username = "-";
  std::string session_id = "0";
  std::string session_version = "0";
  address_type type = address_type::ip4;
  std::string address = "0.0.0.0";
};

/// `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]` (§6).
struct rtpmap {
  int payload_type = 0;
  std::string encoding;
  std::uint32_t clock_rate = 0;
  /// 0 when absent (meaning one channel for audio).
  std::uint32_t channels = 0;
};

/// `a=fmtp:<format> <parameters>` (§6), for RTP payload types.
struct fmtp {
  int payload_type = 0;
  std::string parameters;
};

/// Any other `a=` line: `a=<name>` or `a=<name>:<value>`.
struct attribute {
  std::string name;
  std::string value;
  bool has_value = false;
};

/// Any other `<type>=<value>` line (i=, u=, e=, p=, b=, r=, z=, k=, or a
/// type letter we do not know), kept to be written back.
struct other_line {
  char type = 'i';
  std::string value;
};

/// One `m=` section (RFC 4566 §5.14).
struct media_description {
  /// "audio", "video", ... as sent.
  std::string media;
  std::uint16_t port = 0;
  /// The `/<number of ports>` suffix, 0 when absent.
  std::uint32_t port_count = 0;
  /// The protocol as sent, e.g. "RTP/AVP".
  std::string proto;
  transport kind = transport::other;
  /// The format tokens in the offerer's order; payload type numbers for RTP.
  std::vector<std::string> formats;
  std::optional<connection> conn;
  std::vector<rtpmap> rtpmaps;
  std::vector<fmtp> fmtps;
  /// `a=ptime` in milliseconds (§6).
  std::optional<std::uint32_t> ptime;
  std::optional<direction> dir;
  std::vector<attribute> attributes;
  std::vector<other_line> others;

  /// The rtpmap of `payload_type`, or nullptr.
  const rtpmap* find_rtpmap(int payload_type) const;

  /// The fmtp parameters of `payload_type`, or nullptr.
  const std::string* find_fmtp(int payload_type) const;
};

/// A whole session description (RFC 4566 §5).
struct session_description {
  int version = 0;
  origin orig;
  std::string name = "-";
  std::optional<connection> conn;
  std::uint64_t start_time = 0;
  std::uint64_t stop_time = 0;
  /// Session-level direction attribute (applies to media without one).
  std::optional<direction> dir;
  std::vector<attribute> attributes;
  std::vector<other_line> others;
  std::vector<media_description> media;
};

/// The direction of `m`: its own attribute, else the session's, else
/// sendrecv (RFC 3264 §5.1).
direction effective_direction(const session_description& s,
                              const media_description& m);

/// The connection of `m`: its own `c=`, else the session's, else nullptr.
const connection* effective_connection(const session_description& s,
                                       const media_description& m);

/// "sendrecv", "sendonly", "recvonly" or "inactive".
const char* to_string(direction d);

/// The static audio payload types of RFC 3551 §6 that phones send without
/// an rtpmap: 0 PCMU/8000, 3 GSM/8000, 4 G723/8000, 8 PCMA/8000, 9
/// G722/8000, 18 G729/8000. Nullopt for any other number.
std::optional<rtpmap> static_rtpmap(int payload_type);

} // namespace ivm::sdp
