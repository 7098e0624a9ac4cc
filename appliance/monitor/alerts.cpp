#include "appliance/monitor/alerts.hpp"

#include <algorithm>
#include <cstdio>

namespace ivm::monitor {

namespace {

double get(const sample& s, const char* name) {
  auto it = s.metrics.find(name);
  return it == s.metrics.end() ? 0.0 : it->second;
}

} // namespace

void alert_book::raise(std::vector<alert>& out, const std::string& kind,
                       std::string text, const std::string& when) {
  alert a{next_id_++, kind, std::move(text), when, false};
  alerts_.push_back(a);
  while (alerts_.size() > 100)
    alerts_.pop_front();
  out.push_back(std::move(a));
}

void alert_book::condition(std::vector<alert>& out, const std::string& kind,
                           bool holds, std::string text,
                           const std::string& when) {
  if (!holds) {
    holding_.erase(kind);
    return;
  }
  if (holding_.insert(kind).second)
    raise(out, kind, std::move(text), when);
}

std::vector<alert> alert_book::observe(const sample& now,
                                       const std::string& when) {
  std::vector<alert> out;
  char buf[160];
  condition(out, "storage", !now.storage_ok,
            "Storage is failing: changes are refused until it works again",
            when);
  // Disk: raised under 10 % free, cleared above 15 %.
  bool low =
      now.disk_free < 0.10 || (holding_.count("disk") && now.disk_free < 0.15);
  std::snprintf(buf, sizeof buf, "The data disk is filling: %.0f %% free",
                now.disk_free * 100);
  condition(out, "disk", low, buf, when);
  // Sign-in storm: refused sign-ins within the last minute.
  auto total = get(now, "ivm_admin_sign_in_failures_total");
  failures_.emplace_back(now.t_s, total);
  while (failures_.size() > 1 &&
         now.t_s - failures_.front().first > storm_window_s)
    failures_.pop_front();
  auto failed = total - failures_.front().second;
  std::snprintf(buf, sizeof buf, "%.0f admin sign-ins refused within a minute",
                failed);
  condition(out, "sign_in_storm", failed >= storm, buf, when);
  if (prev_) {
    auto& p = *prev_;
    auto rogue = get(now, "ivm_dhcp_rogue_replies_total") -
                 get(p, "ivm_dhcp_rogue_replies_total");
    condition(out, "rogue_dhcp", rogue > 0,
              "Another DHCP server answers on the phones' segment", when);

    auto dropped = p.registered - now.registered;
    bool bulk = p.registered >= 0 && now.registered >= 0 && dropped >= 5 &&
                dropped * 10 >= p.registered * 3;
    std::snprintf(
        buf, sizeof buf, "%lld phones de-registered at once (%lld -> %lld)",
        static_cast<long long>(dropped), static_cast<long long>(p.registered),
        static_cast<long long>(now.registered));
    condition(out, "deregistration", bulk, buf, when);
  }
  prev_ = now;
  return out;
}

bool alert_book::acknowledge(std::uint64_t id) {
  for (auto& a : alerts_)
    if (a.id == id) {
      a.acknowledged = true;
      return true;
    }
  return false;
}

std::size_t alert_book::unacknowledged() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(alerts_.begin(), alerts_.end(),
                    [](const alert& a) { return !a.acknowledged; }));
}

} // namespace ivm::monitor
