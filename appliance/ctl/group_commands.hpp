#pragma once

#include <optional>
#include <string>
#include <vector>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

/// `ivmctl group add NAME [--extension E] [--members A,B]`.
struct group_add_args {
  std::string name;
  std::optional<std::string> extension;
  std::vector<std::string> members;
};

/// `ivmctl group set NAME [--members A,B] [--extension E]`.
struct group_set_args {
  std::string name;
  std::optional<std::vector<std::string>> members;
  std::optional<std::string> extension;
};

// Each command returns the process exit code (see exit_code.hpp).

int group_add(const context& ctx, const group_add_args& args);
int group_list(const context& ctx);
int group_show(const context& ctx, const std::string& name);
int group_set(const context& ctx, const group_set_args& args);
int group_del(const context& ctx, const std::string& name);

} // namespace ivm::ctl
