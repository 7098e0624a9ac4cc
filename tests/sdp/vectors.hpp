// SDP offers as real phones send them, written from their usual formats.
#pragma once

namespace ivm::sdp::vectors {

/// SIPp's built-in uac scenario ([local_ip] = 127.0.0.1, media port 6000).
inline constexpr const char* sipp_uac = "v=0\r\n"
                                        "o=user1 53655765 2353687637 IN IP4 "
                                        "127.0.0.1\r\n"
                                        "s=-\r\n"
                                        "c=IN IP4 127.0.0.1\r\n"
                                        "t=0 0\r\n"
                                        "m=audio 6000 RTP/AVP 0\r\n"
                                        "a=rtpmap:0 PCMU/8000\r\n";

/// baresip with opus, G.711 and DTMF.
inline constexpr const char* baresip =
    "v=0\r\n"
    "o=- 1876383349 3612873524 IN IP4 127.0.0.2\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.2\r\n"
    "t=0 0\r\n"
    "a=tool:baresip 1.1.0\r\n"
    "m=audio 10770 RTP/AVP 96 0 8 101\r\n"
    "b=TIAS:64000\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=fmtp:96 stereo=1;sprop-stereo=1;maxaveragebitrate=28000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=rtcp-rsize\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n"
    "a=label:1\r\n";

/// Linphone (desktop) with audio and video; three telephone-event rates.
inline constexpr const char* linphone =
    "v=0\r\n"
    "o=alice 2371 1391 IN IP4 127.0.0.3\r\n"
    "s=Talk\r\n"
    "c=IN IP4 127.0.0.3\r\n"
    "t=0 0\r\n"
    "a=ice-pwd:31ec21eb38b2ec6d36e8dc7b\r\n"
    "a=ice-ufrag:70ec1fe2\r\n"
    "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL "
    "voip-metrics\r\n"
    "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=fmtp:96 useinbandfec=1\r\n"
    "a=rtpmap:97 SILK/16000\r\n"
    "a=rtpmap:98 speex/16000\r\n"
    "a=fmtp:98 vbr=on\r\n"
    "a=fmtp:18 annexb=yes\r\n"
    "a=rtpmap:101 telephone-event/48000\r\n"
    "a=rtpmap:99 telephone-event/16000\r\n"
    "a=rtpmap:100 telephone-event/8000\r\n"
    "a=rtcp:7079\r\n"
    "a=candidate:1 1 UDP 2130706431 127.0.0.3 7078 typ host\r\n"
    "a=rtcp-fb:* trr-int 1000\r\n"
    "a=rtcp-fb:* ccm tmmbr\r\n"
    "m=video 9078 RTP/AVP 103\r\n"
    "a=rtpmap:103 VP8/90000\r\n"
    "a=rtcp-fb:103 nack pli\r\n";

/// A Cisco SIP desk phone (79xx SIP firmware style).
inline constexpr const char* cisco =
    "v=0\r\n"
    "o=Cisco-SIPUA 18830 0 IN IP4 127.0.0.4\r\n"
    "s=SIP Call\r\n"
    "c=IN IP4 127.0.0.4\r\n"
    "t=0 0\r\n"
    "m=audio 28240 RTP/AVP 0 8 18 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=fmtp:18 annexb=no\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=sendrecv\r\n";

/// A Polycom VVX: G.722 first, direction at session level.
inline constexpr const char* polycom =
    "v=0\r\n"
    "o=- 1277385614 1277385614 IN IP4 127.0.0.5\r\n"
    "s=Polycom IP Phone\r\n"
    "c=IN IP4 127.0.0.5\r\n"
    "t=0 0\r\n"
    "a=sendrecv\r\n"
    "m=audio 2226 RTP/AVP 9 102 0 8 18 127\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:102 G7221/16000\r\n"
    "a=fmtp:102 bitrate=32000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=fmtp:18 annexb=no\r\n"
    "a=rtpmap:127 telephone-event/8000\r\n";

/// A Polycom set to require SRTP.
inline constexpr const char* polycom_srtp =
    "v=0\r\n"
    "o=- 1277385615 1277385615 IN IP4 127.0.0.5\r\n"
    "s=Polycom IP Phone\r\n"
    "c=IN IP4 127.0.0.5\r\n"
    "t=0 0\r\n"
    "a=sendrecv\r\n"
    "m=audio 2226 RTP/SAVP 0 8 127\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
    "inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:127 telephone-event/8000\r\n";

} // namespace ivm::sdp::vectors
