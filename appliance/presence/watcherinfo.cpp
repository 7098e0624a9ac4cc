#include "appliance/presence/watcherinfo.hpp"

#include "appliance/presence/namespaces.hpp"
#include "appliance/presence/xml_writer.hpp"

namespace ivm::presence {

std::string_view to_string(watcher_status x) {
  switch (x) {
    case watcher_status::pending:
      return "pending";
    case watcher_status::active:
      return "active";
    case watcher_status::waiting:
      return "waiting";
    case watcher_status::terminated:
      return "terminated";
  }
  return "pending";
}

std::string_view to_string(watcher_event x) {
  switch (x) {
    case watcher_event::subscribe:
      return "subscribe";
    case watcher_event::approved:
      return "approved";
    case watcher_event::deactivated:
      return "deactivated";
    case watcher_event::probation:
      return "probation";
    case watcher_event::rejected:
      return "rejected";
    case watcher_event::timeout:
      return "timeout";
    case watcher_event::giveup:
      return "giveup";
    case watcher_event::noresource:
      return "noresource";
  }
  return "subscribe";
}

std::string to_watcherinfo(std::uint32_t version, bool full,
                           const std::vector<watcher_list>& lists) {
  detail::xml_writer out;
  out.start("watcherinfo")
      .attr("xmlns", ns::watcherinfo)
      .attr("version", std::to_string(version))
      .attr("state", full ? "full" : "partial");
  for (const auto& list : lists) {
    out.start("watcher-list")
        .attr("resource", list.resource)
        .attr("package", list.package);
    for (const auto& w : list.watchers) {
      out.start("watcher");
      if (!w.display_name.empty())
        out.attr("display-name", w.display_name);
      out.attr("status", to_string(w.status))
          .attr("event", to_string(w.event))
          .attr("id", w.id)
          .attr("duration-subscribed", std::to_string(w.duration_s))
          .text(w.uri)
          .end();
    }
    out.end();
  }
  return out.finish();
}

} // namespace ivm::presence
