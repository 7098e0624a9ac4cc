#pragma once

#include <optional>
#include <string>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

/// `ivmctl user add EXT --name N --password P [--username U] [--disabled]`.
struct user_add_args {
  std::string extension;
  std::string name;
  std::string password;
  std::optional<std::string> username;
  bool disabled = false;
};

/// `ivmctl user set EXT [--name N] [--username U] [--enable|--disable]`.
struct user_set_args {
  std::string extension;
  std::optional<std::string> name;
  std::optional<std::string> username;
  std::optional<bool> enabled;
};

// Each command returns the process exit code (see exit_code.hpp).

int user_add(const context& ctx, const user_add_args& args);
int user_list(const context& ctx);
int user_show(const context& ctx, const std::string& extension);
int user_passwd(const context& ctx, const std::string& extension,
                const std::string& password);
int user_set(const context& ctx, const user_set_args& args);
int user_del(const context& ctx, const std::string& extension);

} // namespace ivm::ctl
