#include "appliance/ctl/routing_commands.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "appliance/ctl/exit_code.hpp"
#include "console/client/client.hpp"
#include "console/client/endpoint.hpp"

namespace ivm::ctl {

namespace {

using json = nlohmann::json;

std::string path_of(const std::string& ext, const std::string& what) {
  return "users/" + admin::encode_path_segment(ext) + "/" + what;
}

std::string joined(const json& list) {
  std::string out;
  for (auto& x : list)
    out += (out.empty() ? "" : ",") +
           (x.is_string() ? x.get<std::string>() : x.dump());
  return out;
}

std::string conditions(const json& w) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : " ") + s; };
  if (w.contains("days"))
    add(joined(w["days"]));
  if (w.contains("time"))
    add(w["time"].get<std::string>());
  if (w.contains("dates"))
    add("on " + joined(w["dates"]));
  if (w.contains("callers"))
    add("from " + joined(w["callers"]));
  if (w.contains("caller_is_contact"))
    add(w["caller_is_contact"].get<bool>() ? "contacts" : "non-contacts");
  if (w.contains("presence"))
    add("when " + joined(w["presence"]));
  if (w.contains("schedule"))
    add(w["schedule"] == "in" ? "in working hours" : "out of working hours");
  return out.empty() ? "always" : out;
}

} // namespace

std::string format_rules(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("rules") || !j["rules"].is_array())
    return body + '\n';
  if (j["rules"].empty())
    return "(no rules: calls ring the user's phones)\n";
  std::string out;
  int n = 1;
  for (auto& r : j["rules"]) {
    out += std::to_string(n++) + "  ";
    if (!r.value("name", std::string{}).empty())
      out += r["name"].get<std::string>() + ": ";
    out += conditions(r.value("when", json::object())) + " -> " +
           r.value("action", std::string{"ring"});
    if (r.contains("to"))
      out += " " + r["to"].get<std::string>();
    if (r.contains("fallback"))
      out +=
          " (unanswered in " + std::to_string(r.value("timeout", 20)) +
          " s: " + r["fallback"].get<std::string>() +
          (r.contains("fallback_to") ? " " + r["fallback_to"].get<std::string>()
                                     : std::string{}) +
          ")";
    if (!r.value("enabled", true))
      out += " [off]";
    out += '\n';
  }
  return out;
}

std::string format_rule_test(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("action"))
    return body + '\n';
  std::string out = j["action"].get<std::string>();
  if (j.contains("to"))
    out += " to " + j["to"].get<std::string>();
  if (j.contains("fallback"))
    out += ", unanswered in " + std::to_string(j.value("timeout", 20)) +
           " s: " + j["fallback"].get<std::string>();
  out += j.contains("rule")
             ? " (rule " + std::to_string(j["rule"].get<int>()) +
                   (j.value("rule_name", std::string{}).empty()
                        ? std::string{}
                        : " " + j["rule_name"].get<std::string>()) +
                   ")"
             : std::string{" (no rule)"};
  out += " at " + j.value("local_time", std::string{}) + " " +
         j.value("time_zone", std::string{});
  return out + '\n';
}

namespace {

// The rules as lines, a profile as indented JSON.
template <class Result>
int shown(const context& ctx, const Result& r, const std::string& what) {
  if (!r)
    return report(ctx, r.error());
  auto j = json::parse(r->body, nullptr, false);
  return print_result(ctx, r->body,
                      what == "rules"    ? format_rules(r->body)
                      : j.is_discarded() ? r->body + '\n'
                                         : j.dump(2) + '\n');
}

} // namespace

int routing_show(const context& ctx, const std::string& ext,
                 const std::string& what) {
  return shown(ctx, ctx.api.call("GET", path_of(ext, what)), what);
}

int routing_set(const context& ctx, const std::string& ext,
                const std::string& what, const std::string& file) {
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "ivmctl: cannot read " << file << '\n';
      return exit_code::usage_or_unreachable;
    }
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  return shown(ctx, ctx.api.call("PUT", path_of(ext, what), text), what);
}

int rules_test(const context& ctx, const rules_test_args& a) {
  json body = json::object();
  if (!a.time.empty())
    body["time"] = a.time;
  if (!a.caller.empty())
    body["caller"] = a.caller;
  if (!a.presence.empty())
    body["presence"] = a.presence;
  if (a.contact)
    body["caller_is_contact"] = true;
  auto r = ctx.api.call("POST", path_of(a.ext, "rules/test"), body.dump());
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_rule_test(r->body));
}

} // namespace ivm::ctl
