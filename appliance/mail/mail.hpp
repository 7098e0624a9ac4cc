#pragma once

// E-mail from the box (issue 18): a voicemail reaches a user who is offline
// as an e-mail with the recording attached, through the office's SMTP
// smarthost (RFC 5321, STARTTLS RFC 3207, AUTH RFC 4954), as a MIME
// multipart message (RFC 2045/2046, RFC 2047 encoded words, RFC 5322
// headers). docs/operations.md ("Mail").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ivm::mail {

/// How the box reaches the smarthost (`[mail]` in the settings).
struct smtp_settings {
  std::string host; ///< empty: no mail is sent
  std::uint16_t port = 587;
  /// starttls: plain connection upgraded with STARTTLS, refused without it;
  /// tls: TLS from the first byte (port 465); none: no encryption (a relay
  /// on the box's own network).
  enum class security { starttls, tls, none } security = security::starttls;
  std::string username; ///< empty: no AUTH
  std::string password;
  std::string from = "ivm-appliance@localhost"; ///< envelope and From:
  std::string ca_file; ///< PEM bundle for the smarthost's certificate
  std::string voice_format = "ogg"; ///< or "wav" (16-bit PCM, 48 kHz)
  std::chrono::seconds timeout{60};
  std::chrono::seconds retry_first{30}; ///< doubles up to retry_max
  std::chrono::seconds retry_max{3600};
  std::chrono::hours max_age{168}; ///< then given up (the user is told)
  bool enabled() const {
    return !host.empty();
  }
};

struct attachment {
  std::string name; ///< file name
  std::string type; ///< MIME type
  std::string data;
};

struct message {
  std::string to; ///< address
  std::string subject;
  std::string text;       ///< UTF-8 plain text
  std::string message_id; ///< without the angle brackets
  std::int64_t date = 0;  ///< Unix time
  std::vector<attachment> attachments;
};

/// What became of a message: sent (the server took it, 250 after DATA),
/// to be tried again later (no connection, 4xx, a login refused: settings
/// an admin can fix), or rejected for good (5xx for the sender, the
/// recipient or the content).
struct send_result {
  enum class outcome { sent, retry, rejected } what = outcome::retry;
  int smtp_code = 0;
  std::string error;
};

/// Sends `m` (blocking, at most `s.timeout`). smtp.cpp, libcurl.
send_result send(const smtp_settings& s, const message& m);

// -- pure helpers (outbox.cpp) ---------------------------------------------

/// One e-mail the box owes (the outbox entry, JSON in the store): the
/// voicemail or fax `id` (in the key) for `user`, to `email`.
struct outbox_job {
  std::string user;
  std::string email;
  std::string from_ext;
  std::string from_name;
  std::int64_t queued = 0;        ///< Unix time it was queued
  std::string kind = "voicemail"; ///< or "fax"
};

std::string encode(const outbox_job& j);
std::optional<outbox_job> decode_job(std::string_view text);

/// A plain check of an address (local@domain, no spaces, no brackets, no
/// control characters): what goes into headers and the envelope.
bool valid_address(std::string_view a);

/// `text` for a header: control characters dropped; non-ASCII as an
/// RFC 2047 encoded word (UTF-8, base64).
std::string header_text(std::string_view text);

/// RFC 5322 date-time in UTC: "Mon, 07 Dec 2026 20:37:34 +0000".
std::string rfc5322_date(std::int64_t unix);

/// A RIFF/WAVE file of 16-bit mono PCM at `rate`.
std::string wav_file(const std::vector<std::int16_t>& pcm, int rate);

/// The voicemail e-mail: subject "Voice message from Alice (201), 0:07",
/// a short text with the time (`local_time`, already in the box's zone)
/// and how to listen on the phone, the audio attached (`audio`, with its
/// file extension and MIME type).
message voicemail_message(const outbox_job& j, std::string_view voice_id,
                          std::uint32_t duration_ms,
                          const std::string& local_time, attachment audio,
                          const std::string& domain);

/// The fax e-mail: subject "Fax from Alice (201), 2 pages" (or "Fax from
/// Alice (201), incomplete: 1 page"), the text says what went wrong, the
/// PDF attached.
message fax_message(const outbox_job& j, std::string_view fax_id, int pages,
                    bool complete, const std::string& error,
                    const std::string& local_time, std::string pdf,
                    const std::string& domain);

/// The wait before attempt `attempt` (1: the first retry): first, doubled
/// each time, at most `max`.
std::chrono::seconds retry_delay(unsigned attempt, std::chrono::seconds first,
                                 std::chrono::seconds max);

} // namespace ivm::mail
