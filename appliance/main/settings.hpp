#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/mail/mail.hpp"
#include "appliance/main/settings_provisioning.hpp"
#include "appliance/net/endpoint.hpp"

namespace ivm::app {

/// Everything the daemon is configured with. Defaults are the embedded
/// configuration: `ivm-appliance` runs with no file at all.
struct settings {
  std::filesystem::path data_dir = "./var";
  /// Start even when other local accounts can read or write the data dir
  /// (it holds the users' digest hashes and queued messages). Off: the box
  /// refuses such a data dir with one line saying how to fix it.
  bool allow_shared_data_dir = false;
  std::string domain = "127.0.0.1";
  /// The site's name, shown by the console (empty: not set yet).
  std::string site_name;
  std::string log_level = "info";

  struct sip_t {
    net::endpoint listen{"127.0.0.1", 5060};
    /// SIPS over TLS; port 0 disables it.
    net::endpoint tls_listen{"127.0.0.1", 5061};
    std::size_t max_message_size = 65536;
    std::size_t max_headers = 256;
    std::size_t max_tcp_per_source = 64;
    /// Requests per router shard waiting for the registrar or messaging;
    /// beyond, new ones get 503 + Retry-After (load shedding).
    std::size_t max_pending = 5000;
    /// A new request that waited longer than this inside the box is
    /// answered 503 + Retry-After (shedding past capacity).
    std::chrono::milliseconds max_queue_delay{300};
    /// TCP/TLS connections silent this long are closed (RFC 4475 §3.1.2.2).
    std::chrono::seconds tcp_idle_timeout{300};
    std::chrono::milliseconds t1{500};
    std::chrono::milliseconds t2{4000};
    std::chrono::milliseconds t4{5000};
    std::string tls_certificate; ///< PEM file; empty: generated in data dir
    std::string tls_private_key; ///< PEM file; empty: generated in data dir
  } sip;

  struct admin_t {
    net::endpoint listen{"127.0.0.1", 8080};
  } admin;

  struct registrar_t {
    std::uint32_t min_expires = 60;
    std::uint32_t max_expires = 7200;
    std::uint32_t default_expires = 3600;
  } registrar;

  struct messaging_t {
    /// Largest text message body accepted (413 beyond).
    std::size_t max_body = 16384;
    /// How long the sender waits for an online recipient's device (then 202).
    std::chrono::milliseconds fork_timeout{4000};
    /// Failed delivery attempts before giving up (the sender is told).
    std::uint32_t max_attempts = 20;
    /// A user's client actor idle this long leaves memory (0: never).
    std::chrono::seconds client_idle{30};
    /// Most idle client actors let go per second (0: no bound).
    std::uint32_t client_leaves_per_s = 1000;
    /// Age after which an undelivered message is given up.
    std::chrono::hours max_age{168};
  } messaging;

  struct voice_t {
    /// Longest recording, then it is cut and kept.
    std::chrono::seconds max_length{120};
    /// A recording ends after this much silence (no RTP, or only silence).
    std::chrono::seconds silence_timeout{10};
    /// An intercom recipient whose phone has not answered by then gets the
    /// recording instead.
    std::chrono::seconds intercom_answer{8};
    /// The language of spoken prompts (a caller asked what they want, issue
    /// 18): en, de, fr or es.
    std::string language = "en";
    /// RTP ports of the box (even ports; RTCP on the next odd one).
    std::uint16_t rtp_port_min = 20000;
    std::uint16_t rtp_port_max = 20999;
  } voice;

  /// Legacy phones behind MGCP gateways (issue 15): the call agent.
  struct mgcp_t {
    /// UDP; port 0 turns MGCP off.
    net::endpoint listen{"127.0.0.1", 2727};
    /// An RSIP from an unconfigured address is listed for the admin (GET
    /// /api/v1/gateways, "pending") as well as refused.
    bool accept_unknown = false;
    /// A gateway that is up is audited (AUEP) this often; one that is
    /// down is probed as often.
    std::uint32_t audit_interval_s = 30;
    /// Repeats of an unanswered command before the gateway is down (RFC
    /// 3435 §4.3, Max2).
    std::uint32_t max_retransmissions = 7;
  } mgcp;

  /// Legacy phones behind H.248 gateways (issue 16): the controller. The
  /// audit and retransmission settings of [mgcp] apply to it too.
  struct megaco_t {
    /// UDP; port 0 turns H.248 off.
    net::endpoint listen{"127.0.0.1", 2944};
    /// A ServiceChange from an unconfigured address is listed for the
    /// admin (pending) as well as refused.
    bool accept_unknown = false;
  } megaco;

  struct auth_t {
    /// Digest challenges offered, in order ("MD5", "SHA-256").
    std::vector<std::string> algorithms{"MD5", "SHA-256"};
    /// User agents challenged with MD5 only (they break on SHA-256 ones).
    std::vector<std::string> md5_only_user_agents{"baresip"};
    /// Failed authentications from one address within `window_s` that
    /// block it for `ban_s`.
    std::size_t max_failures = 5;
    std::chrono::seconds window{60};
    std::chrono::seconds ban{300};
  } auth;

  struct storage_t {
    /// Most records merged into one synced write (group commit).
    std::size_t max_batch = 1024;
  } storage;

  /// DHCP for phones (off unless enabled) and their files over TFTP/HTTP
  /// (issue 11; settings_provisioning.hpp).
  dhcp_settings dhcp;
  provisioning_settings provisioning;

  /// The office's SMTP smarthost for voicemail by e-mail (issue 18;
  /// `[mail]`, settings_mail.cpp). Off while `mail.smarthost` is empty.
  mail::smtp_settings mail;
};

/// A configuration problem: `what` names the key or resource and the problem
/// in one line, e.g. "sip.listen: '1.2.3.4:99999' is not a port (0-65535)".
struct config_error {
  std::string what;
};

/// Reads a TOML file over the defaults in `base`. Unknown keys, wrong types
/// and bad values are errors naming the key.
expected<settings, config_error> load_file(const std::filesystem::path& file,
                                           settings base = {});

/// Applies one `key = value` override as given on the command line
/// ("sip.listen", "127.0.0.1:5070"), with the same checks as the file.
std::optional<config_error> apply(settings& s, std::string_view key,
                                  std::string_view value);

/// Checks what can be checked without side effects: the data dir is a
/// directory we may write to (or can be created), ports differ.
std::optional<config_error> validate(const settings& s);

/// Why `dir` must not be used as the data dir: group or other permission
/// bits set. Nullopt when private, or when it does not exist yet (the box
/// creates it 0700).
std::optional<std::string> shared_data_dir(const std::filesystem::path& dir);

/// The settings as TOML (for `--check-config` and the docs).
std::string to_toml(const settings& s);

// settings_mail.cpp: the `mail.*` keys.
std::optional<config_error> apply_mail(settings& s, std::string_view key,
                                       std::string_view value);
std::optional<config_error> validate_mail(const settings& s);
std::string mail_to_toml(const settings& s);

} // namespace ivm::app
