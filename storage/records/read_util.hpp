#pragma once

// Private to storage/records: reading a record's fields.

#include <utility>

#include "storage/codec.hpp"

// Reads one field into `out`, or returns the error from the enclosing
// function.
#define IVM_READ(out, expr)                                                    \
  do {                                                                         \
    auto ivm_read_result = (expr);                                             \
    if (!ivm_read_result)                                                      \
      return unexpected(ivm_read_result.error());                              \
    out = std::move(*ivm_read_result);                                         \
  } while (false)

namespace ivm::storage::records {

/// `value` when `in` was read to its end, else the error.
template <class T>
expected<T, error> finish(record_reader& in, T value) {
  if (auto st = in.finish())
    return unexpected(*st);
  return value;
}

} // namespace ivm::storage::records
