#pragma once

// Where faxes received in calls are kept (family voice): shared by their
// store (fax_store.cpp) and the mail outbox (actors/mail).

#include <string>

#include "storage/codec.hpp"

namespace ivm::actors {

/// The sealed PDF.
inline std::string fax_blob_key(const std::string& id) {
  return storage::key_join({"faxblob", id});
}
/// How many recipients still keep it.
inline std::string fax_meta_key(const std::string& id) {
  return storage::key_join({"faxmeta", id});
}
/// A recipient's entry (JSON: id, from, from_name, date, pages, complete,
/// error).
inline std::string fax_box_key(const std::string& user, const std::string& id) {
  return storage::key_join({"faxbox", user, id});
}
inline std::string fax_box_prefix(const std::string& user) {
  return storage::key_prefix({"faxbox", user});
}

} // namespace ivm::actors
