// The Monitor page's side of the model: the event stream the app holds
// open for it, what arrives on it, and acknowledging alerts.

#include "console/model/console_model.hpp"

namespace ivm::console {

std::optional<std::string> model::wanted_stream() const {
  if (page_ != page::monitor || access() != gate::open)
    return std::nullopt;
  return token_;
}

void model::apply_stream(const stream_news& n) {
  using kind = stream_news::kind;
  switch (n.what) {
    case kind::connecting:
      monitor_.connecting();
      return;
    case kind::connected:
      monitor_.connected();
      return;
    case kind::bytes:
      monitor_.feed(n.bytes, n.at);
      return;
    case kind::dropped:
      break;
  }
  if (n.status == 0) {
    monitor_.dropped(n.error);
    return;
  }
  if (n.status == 401 && session_ && n.token == token_ && !token_.empty()) {
    // The session ended (timeout, password changed, box restarted).
    token_.clear();
    admin_.clear();
    say("Your session ended: sign in again.", true);
  }
  monitor_.dropped(error_text(n.status, n.error));
}

void model::acknowledge_alert(std::uint64_t id) {
  auto text = std::to_string(id);
  change("POST", "/api/v1/alerts/" + text + "/ack", {},
         "Alert " + text + " acknowledged", {});
  jobs_.back().acknowledges = id;
}

} // namespace ivm::console
