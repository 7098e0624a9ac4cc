#pragma once

// The Monitor page's data, fed by the admin API's event stream
// (GET /api/v1/events): stats samples every 2 s with the rates derived
// from counter differences, the alerts, and a log tail. Pure: the app
// hands it the stream's bytes with the time they arrived.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "console/model/sse_parser.hpp"

namespace ivm::console {

/// The per-second rates the page plots.
enum class rate : std::uint8_t {
  registers,     ///< SIP REGISTER requests
  messages,      ///< SIP MESSAGE requests
  sip_requests,  ///< every new SIP request
  dhcp_received, ///< DHCP datagrams received
  dhcp_acked,    ///< DHCPACKs sent
  tftp_files,    ///< phone file requests over TFTP
  http_files,    ///< phone file requests over HTTP(S)
  count_
};

inline constexpr std::size_t rate_count =
    static_cast<std::size_t>(rate::count_);

/// The daemon's counter behind `r` (a name of `/metrics`).
const char* metric_of(rate r);

/// One `stats` event, and what it means next to the one before.
struct stats_sample {
  /// When it arrived (seconds of the console's steady clock).
  double at = 0;
  double uptime_s = 0;
  double cpu_seconds = 0;
  std::uint64_t rss_bytes = 0;
  std::uint64_t disk_total_bytes = 0;
  std::uint64_t disk_free_bytes = 0;
  bool storage_ok = true;
  std::string storage_error;
  /// Phones registered now, -1 before the box's first count.
  std::int64_t registered = -1;
  std::int64_t alerts_open = 0;
  /// Live counts (-1: the box does not say): calls up, voice sessions
  /// open, text messages waiting for delivery, the oldest one's age.
  std::int64_t calls = -1;
  std::int64_t voice_sessions = -1;
  std::int64_t messages_waiting = -1;
  std::int64_t oldest_waiting_s = -1;
  /// The counters of `rate`, -1 when the box does not have one.
  std::array<double, rate_count> counters{};
  /// Per second since the previous sample (0 for the first one).
  std::array<float, rate_count> rates{};
  /// CPU time used per wall time since the previous sample, in % of one
  /// core.
  float cpu_percent = 0;
  /// Whether `rates` and `cpu_percent` compare two samples.
  bool has_rates = false;

  /// Free space of the data dir's file system in % (100 when unknown).
  double disk_free_percent() const;
};

struct alert_row {
  std::uint64_t id = 0;
  std::string kind;
  std::string text;
  std::string raised;
  bool acknowledged = false;
};

/// Which log lines the tail shows, by the level word of each line
/// (`time level [subsystem] text`, as the box logs).
enum class log_filter : std::uint8_t { all, info, warn, error };

/// The level word of a log line ("info", "warning", ...), or "".
std::string_view level_of(std::string_view line);
/// Whether `line` is shown under `f` (a line without a level only in all).
bool passes(std::string_view line, log_filter f);

/// The state of the event stream, for the page's header.
enum class link_state : std::uint8_t { idle, connecting, live, down };

/// What the app's stream reader saw, handed to `model::apply_stream`.
struct stream_news {
  enum class kind : std::uint8_t {
    connecting, ///< a connection is being made
    connected,  ///< the box answered 200: bytes follow
    bytes,      ///< `bytes` of the stream
    dropped,    ///< it ended or was refused (`status`, `error`)
  } what = kind::bytes;
  std::string bytes;
  /// The HTTP status that refused the stream (0: none, e.g. no
  /// connection).
  int status = 0;
  /// Why it ended: a transport error, or the refusal's body.
  std::string error;
  /// When (seconds of the console's steady clock).
  double at = 0;
  /// The token the stream was opened with.
  std::string token;
};

class monitor_view {
public:
  static constexpr std::size_t max_samples = 150; ///< 5 minutes at 2 s
  static constexpr std::size_t max_log = 500;
  static constexpr std::size_t max_alerts = 100;
  /// Samples closer together than this replace the previous one (rates
  /// over a shorter time say little).
  static constexpr double min_interval_s = 1.0;

  // -- the stream
  // --------------------------------------------------------------

  /// A (re)connection is being made.
  void connecting();
  /// The stream is open: the box replays its alerts and log tail next.
  void connected();
  /// Bytes of the stream, as they arrived at `now` (seconds).
  void feed(std::string_view bytes, double now);
  /// The stream ended or could not be opened; `why` for the header.
  void dropped(std::string why);
  /// One decoded event.
  void apply(const sse_event& e, double now);
  /// A `stats` object (JSON) that arrived at `now`; false when it is not.
  bool add_stats(std::string_view json, double now);

  link_state link() const noexcept {
    return link_;
  }
  /// Why the stream is down (empty while live).
  const std::string& link_error() const noexcept {
    return link_error_;
  }
  /// Events whose data could not be decoded, and parser drops.
  std::size_t bad_events() const noexcept {
    return bad_events_ + parser_.dropped();
  }

  // -- what the page shows
  // -----------------------------------------------------

  const std::deque<stats_sample>& samples() const noexcept {
    return samples_;
  }
  /// The newest sample, or nullptr before the first.
  const stats_sample* latest() const noexcept {
    return samples_.empty() ? nullptr : &samples_.back();
  }
  const std::vector<alert_row>& alerts() const noexcept {
    return alerts_;
  }
  /// Alerts not acknowledged.
  std::size_t open_alerts() const noexcept;
  /// Marks `id` acknowledged (the box said so; its stream confirms).
  void mark_acknowledged(std::uint64_t id);
  const std::deque<std::string>& log() const noexcept {
    return log_;
  }
  /// The lines of the tail shown under `f`, oldest first.
  std::vector<std::string_view> log_lines(log_filter f) const;

private:
  void set_alerts(std::string_view json);
  void add_alert(std::string_view json);
  void add_log(std::string_view json);

  sse_parser parser_;
  link_state link_ = link_state::idle;
  std::string link_error_;
  std::size_t bad_events_ = 0;
  std::deque<stats_sample> samples_;
  std::vector<alert_row> alerts_;
  std::deque<std::string> log_;
};

} // namespace ivm::console
