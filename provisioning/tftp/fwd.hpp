#pragma once

#include <cstdint>

namespace ivm::provisioning::tftp {

// -- codec --------------------------------------------------------------------

enum class opcode : std::uint16_t;
enum class error_code : std::uint16_t;
enum class transfer_mode : std::uint8_t;
enum class parse_error : std::uint8_t;

struct option;
struct request;
struct data_packet;
struct ack_packet;
struct error_packet;
struct oack_packet;

// -- requests and options -----------------------------------------------------

enum class name_error : std::uint8_t;

struct server_config;
struct negotiation;
struct read_request;
struct refusal;

// -- transfers ----------------------------------------------------------------

enum class transfer_state : std::uint8_t;

class transfer;

struct transfer_stats;

} // namespace ivm::provisioning::tftp
