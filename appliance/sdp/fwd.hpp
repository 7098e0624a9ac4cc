#pragma once

namespace ivm::sdp {

// -- data model ---------------------------------------------------------------

enum class address_type;
enum class direction;
enum class transport;
struct connection;
struct origin;
struct rtpmap;
struct fmtp;
struct attribute;
struct other_line;
struct media_description;
struct session_description;

// -- parsing ------------------------------------------------------------------

struct parse_error;

// -- codecs and offer/answer --------------------------------------------------

struct codec;
struct local_endpoint;
struct negotiated_audio;
struct answer_result;
struct answer_error;

} // namespace ivm::sdp
