#include "console/client/api_error.hpp"

namespace ivm::admin {

std::string to_string(const api_error& err) {
  std::string out = err.message;
  if (err.what == api_error::kind::rejected && out.empty())
    out = "HTTP " + std::to_string(err.status);
  if (!err.field.empty())
    out += " (field: " + err.field + ")";
  return out;
}

} // namespace ivm::admin
