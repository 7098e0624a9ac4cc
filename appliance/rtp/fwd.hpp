#pragma once

namespace ivm::rtp {

enum class rtp_error;
struct header;
struct packet_view;
struct telephone_event;
struct frame;
struct jitter_output;
enum class push_result;
class jitter_buffer;

} // namespace ivm::rtp
