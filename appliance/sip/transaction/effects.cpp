#include "appliance/sip/transaction/effects.hpp"

namespace ivm::sip {

namespace {

std::string ms(tx_duration d) {
  return std::to_string(d.count()) + "ms";
}

std::string render(const effects::send& x) {
  return "send(" + std::to_string(x.bytes.size()) + " bytes)";
}

std::string render(const effects::start_timer& x) {
  return "start_timer(" + std::string{to_string(x.id)} + ", " + ms(x.after) +
         ")";
}

std::string render(const effects::cancel_timer& x) {
  return "cancel_timer(" + std::string{to_string(x.id)} + ")";
}

std::string render(const effects::pass_to_tu& x) {
  return "pass_to_tu(" + std::to_string(x.status_code) + ")";
}

std::string render(const effects::build_ack& x) {
  return "build_ack(" + std::to_string(x.status_code) + ")";
}

std::string render(const effects::pass_request_to_tu&) {
  return "pass_request_to_tu";
}

std::string render(const effects::pass_ack_to_tu&) {
  return "pass_ack_to_tu";
}

std::string render(const effects::send_trying&) {
  return "send_trying";
}

std::string render(const effects::timeout& x) {
  return "timeout(" + std::string{to_string(x.timer)} + ")";
}

std::string render(const effects::transport_failure&) {
  return "transport_failure";
}

std::string render(const effects::terminated&) {
  return "terminated";
}

} // namespace

std::string to_string(const effect& x) {
  return std::visit([](const auto& y) { return render(y); }, x);
}

} // namespace ivm::sip
