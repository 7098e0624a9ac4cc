#pragma once

// `ivmctl rules ...` and `ivmctl profile ...`: a user's call-routing rules
// and profile (issue 18; /api/v1/users/{ext}/rules|profile,
// docs/call-routing.md).

#include <string>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

/// One line per rule: number, name, conditions, action.
std::string format_rules(const std::string& body);
/// What a dry run answered: "forward to 0171... (rule 2 evenings) at ...".
std::string format_rule_test(const std::string& body);

/// `what`: "rules" or "profile".
int routing_show(const context& ctx, const std::string& ext,
                 const std::string& what);
/// Replaces the rules, or changes the profile, from the JSON in `file`
/// ("-": standard input).
int routing_set(const context& ctx, const std::string& ext,
                const std::string& what, const std::string& file);

struct rules_test_args {
  std::string ext;
  std::string time; ///< "2026-12-24T10:00" local, or with Z; empty: now
  std::string caller;
  std::string presence;
  bool contact = false;
};
int rules_test(const context& ctx, const rules_test_args& a);

} // namespace ivm::ctl
