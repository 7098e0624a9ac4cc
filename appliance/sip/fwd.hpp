#pragma once

namespace ivm::sip {

// -- message model ------------------------------------------------------------

class message;
struct header;
struct parse_error;
struct parse_options;
class stream_framer;

// -- typed header values ------------------------------------------------------

struct param;
struct uri;
struct name_addr;
struct contact_list;
struct via;
struct cseq;
struct media_type;
struct event;
struct subscription_state;
struct auth_value;

} // namespace ivm::sip
