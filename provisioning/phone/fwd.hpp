#pragma once

// Forward declarations of the phone configuration library: per-vendor
// configuration files generated from templates, as pure code (no sockets, no
// actors).

namespace ivm::provisioning::phone {

enum class vendor : unsigned char;
enum class file_kind : unsigned char;
enum class value_format : unsigned char;
enum class sip_transport : unsigned char;

struct agent_info;
struct device_config;
struct file_request;
struct line_key;
struct template_data;
struct template_error;
struct template_schema;

class templates;
class text_template;

} // namespace ivm::provisioning::phone
