#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "storage/store.hpp"

namespace ivm::storage::test {

inline const char* to_cstr(errc code) {
  switch (code) {
    case errc::io_error:
      return "io_error";
    case errc::corruption:
      return "corruption";
    case errc::schema_too_new:
      return "schema_too_new";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::busy:
      return "busy";
  }
  return "?";
}

inline ::testing::AssertionResult is_ok(const status& st) {
  if (!st)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << to_cstr(st->code) << ": " << st->message;
}

template <class T>
::testing::AssertionResult is_ok(const expected<T, error>& x) {
  if (x)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << to_cstr(x.error().code) << ": " << x.error().message;
}

/// A fresh directory under the system temp dir, removed with its contents
/// when the object goes away.
class temp_dir {
public:
  temp_dir() {
    auto tmpl = (std::filesystem::temp_directory_path() / "ivm-storage-XXXXXX")
                    .string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::system_error(errno, std::generic_category(), "mkdtemp");
    path_ = tmpl;
  }

  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const noexcept {
    return path_;
  }

private:
  std::filesystem::path path_;
};

} // namespace ivm::storage::test

/// Asserts that a `status` or `expected` holds no error, printing it if so.
#define ASSERT_OK(x) ASSERT_TRUE(::ivm::storage::test::is_ok(x))
#define EXPECT_OK(x) EXPECT_TRUE(::ivm::storage::test::is_ok(x))
