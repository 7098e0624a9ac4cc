#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/directory/devices.hpp"
#include "storage/records/records.hpp"
#include "storage/store.hpp"

namespace ivm::directory {

using storage::records::account;
using storage::records::group;

/// What a SIP user part names: one user, or the members of a group.
struct target {
  const account* user = nullptr;
  const group* grp = nullptr;
};

/// An admin API answer, plus the change to make durable before it is sent
/// (empty `batch`: nothing to write) and to apply to the directory after.
struct admin_outcome {
  int status = 200;
  std::string body; ///< JSON
  storage::write_batch batch;
  std::vector<account> put_accounts;
  std::vector<std::string> del_accounts;
  std::vector<group> put_groups;
  std::vector<std::string> del_groups;
};

/// The users and groups of the box, in memory (an office has hundreds or a
/// few thousands), loaded from storage at start and changed only through
/// `handle` + `commit`, so validation and uniqueness live in one place.
class directory {
public:
  explicit directory(std::string realm = "127.0.0.1");

  /// Loads a stored record (at start).
  void load(account x);
  void load(group x);

  const account* by_extension(std::string_view ext) const;
  const account* by_username(std::string_view name) const;
  /// A user by extension or user name, else a group by name or extension.
  target resolve(std::string_view user_part) const;
  const std::map<std::string, account, std::less<>>& accounts() const {
    return accounts_;
  }
  const std::string& realm() const noexcept {
    return realm_;
  }

  /// Handles `/api/v1/users...` and `/api/v1/groups...` (path without the
  /// query). Validation errors are 400/404/409 with `{"error","field"}` and
  /// change nothing.
  admin_outcome handle(std::string_view method, std::string_view path,
                       std::string_view body, std::uint64_t now_s) const;

  /// Applies an outcome once its batch is durable.
  void commit(const admin_outcome& out);

  /// The phones of the box and their own credentials (issue 11).
  device_book& devices() noexcept {
    return devices_;
  }
  const device_book& devices() const noexcept {
    return devices_;
  }

private:
  admin_outcome users(std::string_view method, std::string_view ext,
                      std::string_view body, std::uint64_t now_s) const;
  admin_outcome groups(std::string_view method, std::string_view name,
                       std::string_view body) const;
  bool number_taken(std::string_view number, std::string_view except_user,
                    std::string_view except_group) const;

  std::string realm_;
  std::map<std::string, account, std::less<>> accounts_;  // by extension
  std::map<std::string, std::string, std::less<>> names_; // username -> ext
  std::map<std::string, group, std::less<>> groups_;      // by name
  std::map<std::string, std::string, std::less<>> group_numbers_; // -> name
  device_book devices_;
};

/// The user as the admin API shows it (never a secret).
std::string to_json(const account& x);
std::string to_json(const group& x);

/// Computes the HA1 values of `x` for `password` in `realm`.
void set_password(account& x, std::string_view password,
                  std::string_view realm);

} // namespace ivm::directory
