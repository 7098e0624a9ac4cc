// Fuzzes the TFTP codec, the request screening and the transfer machine.
// What parses must write back to octets that parse to the same packet, and
// writing it again gives the same octets. A request that passes screening
// has a safe relative name. The input then drives a transfer (file size,
// options and a stream of ACKs, ERRORs and timer firings taken from the
// bytes), checking that every DATA range lies inside the file, no block
// exceeds the block size and the machine finishes at most once.
//
// Input: a datagram, optionally followed by the marker FF FF FF FF and a
// script: two octets of file size (times 7), then two octets per event
// (FFFF: the timer fires, FFFE: the client sends an ERROR, else an ACK of
// that block number).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "provisioning/tftp/codec.hpp"
#include "provisioning/tftp/file_name.hpp"
#include "provisioning/tftp/server.hpp"
#include "provisioning/tftp/transfer.hpp"

namespace tftp = ivm::provisioning::tftp;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void codec(std::string_view bytes) {
  auto x = tftp::parse(bytes);
  if (!x)
    return;
  auto wire = tftp::serialize(*x);
  // Only an ERROR message missing its NUL grows (by that NUL).
  check(wire.size() <= bytes.size() + 1);
  auto again = tftp::parse(wire);
  check(again.has_value());
  check(*again == *x);
  check(tftp::serialize(*again) == wire);
}

void name(std::string_view bytes) {
  auto n = tftp::normalize_file_name(bytes);
  if (!n)
    return;
  check(!n->empty() && n->front() != '/');
  check(n->find('\\') == std::string::npos);
  check(("/" + *n + "/").find("/../") == std::string::npos);
  auto again = tftp::normalize_file_name(*n);
  check(again.has_value() && *again == *n);
}

/// Drives a transfer with events read off `script`, two octets each.
void drive(const tftp::read_request& req, std::string_view script) {
  tftp::server_config cfg;
  cfg.max_retries = 3;
  std::uint64_t size = 0;
  if (script.size() >= 2) {
    size = (static_cast<unsigned char>(script[0]) << 8 |
            static_cast<unsigned char>(script[1])) *
           7u;
    script.remove_prefix(2);
  }
  tftp::transfer t{cfg, req.options, size};
  auto block_size = t.options().block_size;
  check(block_size >= 8 && block_size <= cfg.max_block_size);
  check(t.options().window_size >= 1 &&
        t.options().window_size <= cfg.max_window_size);
  auto now = std::chrono::steady_clock::time_point{};
  std::uint64_t timer = 0;
  int finished = 0;
  auto run = [&](const tftp::transfer_event& ev) {
    for (auto& fx : t.step(ev, now)) {
      check(finished == 0);
      if (auto d = std::get_if<tftp::effects::send_data>(&fx)) {
        check(d->length <= block_size);
        check(d->offset <= size && d->length <= size - d->offset);
      } else if (auto s = std::get_if<tftp::effects::set_timer>(&fx)) {
        timer = s->generation;
      } else if (auto r = std::get_if<tftp::effects::done>(&fx)) {
        check(r->bytes_acked <= size);
        ++finished;
      }
    }
  };
  run(tftp::events::start{});
  for (std::size_t i = 0; i + 2 <= script.size(); i += 2) {
    auto hi = static_cast<unsigned char>(script[i]);
    auto lo = static_cast<unsigned char>(script[i + 1]);
    now += std::chrono::milliseconds{100};
    if (hi == 0xFF && lo == 0xFF)
      run(tftp::events::timer_fired{timer});
    else if (hi == 0xFF && lo == 0xFE)
      run(tftp::events::error_received{0, "stop"});
    else
      run(tftp::events::ack_received{static_cast<std::uint16_t>(hi << 8 | lo)});
  }
  check(finished == (t.state() == tftp::transfer_state::finished ? 1 : 0));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes{size == 0 ? "" : reinterpret_cast<const char*>(data),
                         size};
  codec(bytes);
  name(bytes);
  tftp::to_event(bytes);
  tftp::wrong_tid_reply(bytes);
  constexpr std::string_view marker{"\xFF\xFF\xFF\xFF", 4};
  auto cut = bytes.find(marker);
  auto head = bytes.substr(0, cut);
  auto script = cut == std::string_view::npos ? std::string_view{}
                                              : bytes.substr(cut + 4);
  auto req = tftp::screen_request(head);
  if (!req) {
    check(req.error().bytes().size() >= 5);
    return 0;
  }
  check(req->key == tftp::lookup_key(req->file_name));
  drive(*req, script);
  return 0;
}
