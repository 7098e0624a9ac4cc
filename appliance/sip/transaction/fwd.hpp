#pragma once

#include <cstdint>

namespace ivm::sip {

// -- timers -------------------------------------------------------------------

enum class timer_id : std::uint8_t;
struct timer_config;
class timer_set;

// -- machines -----------------------------------------------------------------

class invite_client_transaction;
class non_invite_client_transaction;
class invite_server_transaction;
class non_invite_server_transaction;

struct transaction_stats;

} // namespace ivm::sip
