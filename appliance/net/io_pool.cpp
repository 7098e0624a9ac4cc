#include "appliance/net/io_pool.hpp"

#include "appliance/net/io_pool_impl.hpp"

namespace ivm::net {

io_pool::io_pool(std::size_t threads)
  : impl_(std::make_unique<detail::io_pool_impl>()) {
  impl_->size = threads == 0 ? 1 : threads;
}

io_pool::~io_pool() {
  stop();
}

void io_pool::start() {
  if (!impl_->threads.empty())
    return;
  for (std::size_t i = 0; i < impl_->size; ++i)
    impl_->threads.emplace_back([this] { impl_->ctx.run(); });
}

void io_pool::stop() {
  impl_->guard.reset();
  impl_->ctx.stop();
  for (auto& t : impl_->threads)
    if (t.joinable())
      t.join();
  impl_->threads.clear();
}

} // namespace ivm::net
