#include "provisioning/tftp/effects.hpp"

namespace ivm::provisioning::tftp {

namespace {

std::string render(const effects::send& x) {
  return "send(" + std::to_string(x.bytes.size()) + " bytes)";
}

std::string render(const effects::send_data& x) {
  return std::string{x.retransmission ? "resend_data(" : "data("} +
         std::to_string(x.block) + ", +" + std::to_string(x.offset) + ", " +
         std::to_string(x.length) + ")";
}

std::string render(const effects::set_timer& x) {
  return "set_timer(" + std::to_string(x.after.count()) + "ms)";
}

std::string render(const effects::cancel_timer&) {
  return "cancel_timer";
}

std::string render(const effects::done& x) {
  auto result = "done(" + std::string{to_string(x.result)} + ", " +
                std::to_string(x.bytes_acked) + " bytes";
  if (x.result == effects::outcome::client_error)
    result += ", error " + std::to_string(x.error_code);
  return result + ")";
}

} // namespace

std::string_view to_string(effects::outcome x) {
  switch (x) {
    case effects::outcome::completed:
      return "completed";
    case effects::outcome::client_error:
      return "client_error";
    case effects::outcome::timed_out:
      return "timed_out";
  }
  return "?";
}

std::string to_string(const effect& x) {
  return std::visit([](const auto& y) { return render(y); }, x);
}

} // namespace ivm::provisioning::tftp
