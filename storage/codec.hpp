#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "storage/store.hpp"

namespace ivm::storage {

// -- records ------------------------------------------------------------------

/// Builds a record value. Every record starts with its format version byte
/// (`record_writer w{1};`), so later builds can read old records and refuse
/// records from newer ones. Fixed-width integers are big-endian; varints are
/// LEB128; strings are a varint length followed by the bytes.
class record_writer {
public:
  /// Starts a record with format version `version`.
  explicit record_writer(std::uint8_t version);

  record_writer& put_u8(std::uint8_t x);
  record_writer& put_u32(std::uint32_t x);
  record_writer& put_u64(std::uint64_t x);
  record_writer& put_varint(std::uint64_t x);
  record_writer& put_string(std::string_view x);
  record_writer& put_bool(bool x);

  /// The encoded record so far.
  const std::string& bytes() const noexcept {
    return buf_;
  }

  /// Moves the encoded record out.
  std::string take() && {
    return std::move(buf_);
  }

private:
  std::string buf_;
};

/// Reads a record built by `record_writer`. Never reads past the end: a
/// truncated or malformed record yields `errc::corruption`. The reader views
/// `bytes`, which must outlive it.
class record_reader {
public:
  explicit record_reader(std::string_view bytes) noexcept : in_(bytes) {
    // nop
  }

  /// Views a NUL-terminated literal.
  explicit record_reader(const char* str) noexcept : in_(str) {
    // nop
  }

  /// Refuses temporaries: the reader would view freed bytes.
  explicit record_reader(std::string&&) = delete;

  /// Reads the leading version byte and checks it is in [1, max_version].
  expected<std::uint8_t, error> version(std::uint8_t max_version);

  expected<std::uint8_t, error> get_u8();
  expected<std::uint32_t, error> get_u32();
  expected<std::uint64_t, error> get_u64();
  expected<std::uint64_t, error> get_varint();
  expected<std::string, error> get_string();
  expected<bool, error> get_bool();

  /// Fails unless every byte has been consumed.
  status finish() const;

  std::size_t remaining() const noexcept {
    return in_.size() - pos_;
  }

  bool at_end() const noexcept {
    return pos_ == in_.size();
  }

private:
  error fail(std::string_view what) const;

  template <class T>
  expected<T, error> get_be(std::string_view what);

  std::string_view in_;
  std::size_t pos_ = 0;
};

// -- order-preserving keys
// -----------------------------------------------------

/// `x` as 8 big-endian bytes: byte order equals numeric order.
std::string be64(std::uint64_t x);

/// Decodes 8 big-endian bytes.
expected<std::uint64_t, error> read_be64(std::string_view bytes);

/// Separator between key parts. A NUL inside a part is escaped as
/// "\0\xff", so parts may hold any bytes (user names, `be64` numbers) and
/// the byte order of joined keys is the part-by-part order of their parts.
inline constexpr std::string_view key_separator{"\0\x01", 2};

/// Joins `parts` into one key, e.g. `key_join({recipient, be64(seq)})`.
std::string key_join(std::initializer_list<std::string_view> parts);

/// Joins `parts` and appends the separator: the prefix of every key whose
/// leading parts are exactly `parts` (so "bob" does not match "bobby").
std::string key_prefix(std::initializer_list<std::string_view> parts);

/// Splits a key built by `key_join` back into its parts.
expected<std::vector<std::string>, error> key_split(std::string_view key);

} // namespace ivm::storage
