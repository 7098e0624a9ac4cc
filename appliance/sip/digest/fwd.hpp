#pragma once

namespace ivm::sip::digest {

enum class algorithm;
enum class nonce_status;

struct challenge;
struct credentials;
struct failure_limiter_config;

class failure_limiter;
class nonce_counter;
class nonce_issuer;

} // namespace ivm::sip::digest
