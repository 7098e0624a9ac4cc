#include "console/model/health_view.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace ivm::console {

std::string format_uptime(std::uint64_t s) {
  char buf[64];
  auto days = s / 86400;
  auto h = (s / 3600) % 24;
  auto m = (s / 60) % 60;
  auto sec = s % 60;
  if (days > 0)
    std::snprintf(buf, sizeof(buf), "%llud %02llu:%02llu:%02llu",
                  static_cast<unsigned long long>(days),
                  static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(m),
                  static_cast<unsigned long long>(sec));
  else
    std::snprintf(buf, sizeof(buf), "%02llu:%02llu:%02llu",
                  static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(m),
                  static_cast<unsigned long long>(sec));
  return buf;
}

health_view make_health_view(int status, std::string_view body) {
  health_view v;
  v.reachable = status > 0;
  if (!v.reachable) {
    v.summary = "appliance not reachable";
    return v;
  }
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    v.summary =
        "unexpected answer from /health (HTTP " + std::to_string(status) + ")";
    return v;
  }
  v.version = doc.value("version", "");
  v.storage = doc.value("storage", "unknown");
  if (auto it = doc.find("configured"); it != doc.end() && it->is_boolean())
    v.configured = it->get<bool>();
  if (auto it = doc.find("uptime_s");
      it != doc.end() && it->is_number_unsigned())
    v.uptime_s = it->get<std::uint64_t>();
  v.ok = status == 200 && doc.value("status", "") == "ok";
  v.summary =
      std::string{v.ok ? "ok" : "degraded (storage: " + v.storage + ")"} +
      " · v" + v.version + " · up " + format_uptime(v.uptime_s);
  return v;
}

} // namespace ivm::console
