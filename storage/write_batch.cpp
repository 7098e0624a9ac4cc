#include "storage/store.hpp"

namespace ivm::storage {

void write_batch::put(family f, std::string key, std::string value) {
  ops_.push_back(write_op{write_op::put, f, std::move(key), std::move(value)});
}

void write_batch::del(family f, std::string key) {
  ops_.push_back(write_op{write_op::del, f, std::move(key), std::string{}});
}

void write_batch::append(const write_batch& other) {
  if (&other == this) {
    // Inserting a vector's own range into itself is undefined behaviour.
    auto copy = other.ops_;
    ops_.insert(ops_.end(), copy.begin(), copy.end());
    return;
  }
  ops_.insert(ops_.end(), other.ops_.begin(), other.ops_.end());
}

} // namespace ivm::storage
