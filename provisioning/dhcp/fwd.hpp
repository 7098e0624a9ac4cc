#pragma once

#include <cstdint>
#include <vector>

namespace ivm::provisioning::dhcp {

/// Raw octets of an option value or of a whole message.
using bytes = std::vector<std::uint8_t>;

class ipv4_address;
class lease_pool;
class server;

enum class message_type : std::uint8_t;
enum class op_code : std::uint8_t;
enum class parse_error : std::uint8_t;
enum class lease_state : std::uint8_t;
enum class lease_event : std::uint8_t;
enum class destination_kind : std::uint8_t;
enum class outcome : std::uint8_t;

struct option;
struct packet;
struct sip_servers;
struct lease;
struct server_config;
struct net_info;
struct destination;
struct outgoing;
struct observation;
struct result;

} // namespace ivm::provisioning::dhcp
