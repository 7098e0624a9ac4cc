#pragma once

namespace ivm::sip::proxy {

struct proxy_identity;
struct proxy_error;
class response_context;
class dialog_tracker;
struct dialog_view;

} // namespace ivm::sip::proxy
