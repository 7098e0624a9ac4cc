#pragma once

#include <cstdint>

namespace ivm::storage {

enum class family : std::uint8_t;
enum class errc : std::uint8_t;
struct error;
struct write_op;
class write_batch;
class store;
struct rocksdb_options;
class rocksdb_store;
class memory_store;
class record_writer;
class record_reader;

} // namespace ivm::storage
