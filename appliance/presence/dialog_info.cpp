#include "appliance/presence/dialog_info.hpp"

#include "appliance/presence/namespaces.hpp"
#include "appliance/presence/xml_writer.hpp"

namespace ivm::presence {

std::string_view to_string(dialog_direction x) {
  return x == dialog_direction::initiator ? "initiator" : "recipient";
}

std::string_view to_string(dialog_state x) {
  switch (x) {
    case dialog_state::trying:
      return "trying";
    case dialog_state::proceeding:
      return "proceeding";
    case dialog_state::early:
      return "early";
    case dialog_state::confirmed:
      return "confirmed";
    case dialog_state::terminated:
      return "terminated";
  }
  return "trying";
}

std::string to_dialog_info(std::uint32_t version, bool full,
                           const std::string& entity,
                           const std::vector<dialog>& dialogs) {
  detail::xml_writer out;
  out.start("dialog-info")
      .attr("xmlns", ns::dialog_info)
      .attr("version", std::to_string(version))
      .attr("state", full ? "full" : "partial")
      .attr("entity", entity);
  for (const auto& d : dialogs) {
    out.start("dialog").attr("id", d.id);
    if (!d.call_id.empty())
      out.attr("call-id", d.call_id);
    if (!d.local_tag.empty())
      out.attr("local-tag", d.local_tag);
    if (!d.remote_tag.empty())
      out.attr("remote-tag", d.remote_tag);
    out.attr("direction", to_string(d.direction));
    out.element("state", to_string(d.state));
    // RFC 4235 §4.1: <local> comes before <remote>.
    if (!d.local_identity.empty()) {
      out.start("local").element("identity", d.local_identity).end();
    }
    if (!d.remote_identity.empty()) {
      out.start("remote").start("identity");
      if (!d.remote_display.empty())
        out.attr("display", d.remote_display);
      out.text(d.remote_identity).end().end();
    }
    out.end();
  }
  return out.finish();
}

} // namespace ivm::presence
