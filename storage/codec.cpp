#include "storage/codec.hpp"

namespace ivm::storage {

// -- record_writer ------------------------------------------------------------

record_writer::record_writer(std::uint8_t version) {
  buf_.push_back(static_cast<char>(version));
}

record_writer& record_writer::put_u8(std::uint8_t x) {
  buf_.push_back(static_cast<char>(x));
  return *this;
}

record_writer& record_writer::put_u32(std::uint32_t x) {
  for (int shift = 24; shift >= 0; shift -= 8)
    buf_.push_back(static_cast<char>((x >> shift) & 0xff));
  return *this;
}

record_writer& record_writer::put_u64(std::uint64_t x) {
  buf_ += be64(x);
  return *this;
}

record_writer& record_writer::put_varint(std::uint64_t x) {
  while (x >= 0x80) {
    buf_.push_back(static_cast<char>((x & 0x7f) | 0x80));
    x >>= 7;
  }
  buf_.push_back(static_cast<char>(x));
  return *this;
}

record_writer& record_writer::put_string(std::string_view x) {
  put_varint(x.size());
  buf_.append(x.data(), x.size());
  return *this;
}

record_writer& record_writer::put_bool(bool x) {
  return put_u8(x ? 1 : 0);
}

// -- record_reader ------------------------------------------------------------

error record_reader::fail(std::string_view what) const {
  std::string msg = "malformed record: ";
  msg += what;
  msg += " at offset ";
  msg += std::to_string(pos_);
  msg += " of ";
  msg += std::to_string(in_.size());
  return error{errc::corruption, std::move(msg)};
}

template <class T>
expected<T, error> record_reader::get_be(std::string_view what) {
  if (remaining() < sizeof(T))
    return unexpected(fail(what));
  T result = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    result = static_cast<T>((result << 8) |
                            static_cast<unsigned char>(in_[pos_ + i]));
  pos_ += sizeof(T);
  return result;
}

expected<std::uint8_t, error> record_reader::version(std::uint8_t max_version) {
  auto v = get_u8();
  if (!v)
    return unexpected(fail("missing version byte"));
  if (*v == 0 || *v > max_version) {
    return unexpected(
        error{errc::corruption, "record format version " + std::to_string(*v) +
                                    " is not supported (this build reads 1.." +
                                    std::to_string(max_version) + ")"});
  }
  return v;
}

expected<std::uint8_t, error> record_reader::get_u8() {
  return get_be<std::uint8_t>("truncated u8");
}

expected<std::uint32_t, error> record_reader::get_u32() {
  return get_be<std::uint32_t>("truncated u32");
}

expected<std::uint64_t, error> record_reader::get_u64() {
  return get_be<std::uint64_t>("truncated u64");
}

expected<std::uint64_t, error> record_reader::get_varint() {
  std::uint64_t result = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (at_end())
      return unexpected(fail("truncated varint"));
    auto byte = static_cast<unsigned char>(in_[pos_]);
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && byte > 1)
      return unexpected(fail("varint overflows 64 bits"));
    ++pos_;
    result |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return result;
  }
  return unexpected(fail("varint longer than 10 bytes"));
}

expected<std::string, error> record_reader::get_string() {
  auto start = pos_;
  auto len = get_varint();
  if (!len)
    return unexpected(len.error());
  if (*len > remaining()) {
    pos_ = start;
    return unexpected(fail("string length exceeds record"));
  }
  std::string result{in_.substr(pos_, static_cast<std::size_t>(*len))};
  pos_ += static_cast<std::size_t>(*len);
  return result;
}

expected<bool, error> record_reader::get_bool() {
  auto x = get_u8();
  if (!x)
    return unexpected(x.error());
  if (*x > 1) {
    --pos_;
    return unexpected(fail("bool is neither 0 nor 1"));
  }
  return *x == 1;
}

status record_reader::finish() const {
  if (!at_end())
    return fail("trailing bytes");
  return std::nullopt;
}

// -- keys ---------------------------------------------------------------------

std::string be64(std::uint64_t x) {
  std::string result(8, '\0');
  for (int i = 7; i >= 0; --i) {
    result[static_cast<std::size_t>(i)] = static_cast<char>(x & 0xff);
    x >>= 8;
  }
  return result;
}

expected<std::uint64_t, error> read_be64(std::string_view bytes) {
  if (bytes.size() != 8) {
    return unexpected(
        error{errc::corruption, "expected 8 bytes for a big-endian u64, got " +
                                    std::to_string(bytes.size())});
  }
  std::uint64_t result = 0;
  for (auto c : bytes)
    result = (result << 8) | static_cast<unsigned char>(c);
  return result;
}

namespace {

void append_escaped(std::string& out, std::string_view part) {
  for (auto c : part) {
    out.push_back(c);
    if (c == '\0')
      out.push_back('\xff');
  }
}

} // namespace

std::string key_join(std::initializer_list<std::string_view> parts) {
  std::string result;
  bool first = true;
  for (auto part : parts) {
    if (!first)
      result += key_separator;
    first = false;
    append_escaped(result, part);
  }
  return result;
}

std::string key_prefix(std::initializer_list<std::string_view> parts) {
  auto result = key_join(parts);
  result += key_separator;
  return result;
}

expected<std::vector<std::string>, error> key_split(std::string_view key) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] != '\0') {
      parts.back().push_back(key[i]);
      continue;
    }
    if (i + 1 == key.size())
      return unexpected(error{errc::corruption, "key ends inside an escape"});
    auto next = key[++i];
    if (next == '\xff')
      parts.back().push_back('\0');
    else if (next == '\x01')
      parts.emplace_back();
    else
      return unexpected(error{errc::corruption, "bad escape in key"});
  }
  return parts;
}

} // namespace ivm::storage
