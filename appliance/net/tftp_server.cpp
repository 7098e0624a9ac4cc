#include "appliance/net/tftp_server.hpp"

#include <array>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "appliance/net/asio_util.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/io_pool_impl.hpp"
#include "provisioning/tftp/codec.hpp"
#include "provisioning/tftp/server.hpp"
#include "provisioning/tftp/transfer.hpp"

namespace ivm::net {

namespace asio = boost::asio;
namespace tftp = provisioning::tftp;
using udp = asio::ip::udp;
using strand_t = asio::strand<asio::io_context::executor_type>;

namespace {

class session;

} // namespace

struct tftp_server::impl : std::enable_shared_from_this<tftp_server::impl> {
  impl(asio::io_context& ctx, tftp_limits l)
    : strand(asio::make_strand(ctx)), socket(strand), limits(l) {
    // nop
  }

  void receive();
  void on_request(std::string_view bytes, const udp::endpoint& from);
  void answer(tftp::read_request req, udp::endpoint from,
              std::optional<tftp_content> content);

  strand_t strand;
  udp::socket socket;
  udp::endpoint sender;
  std::array<char, 2048> buf;
  tftp_limits limits;
  tftp_request_handler handler;
  std::set<std::shared_ptr<session>> sessions;
  std::size_t pending = 0; ///< lookups not answered yet
  bool closed = false;
  tftp_counters counters;
};

namespace {

/// One transfer: its own socket (TID), timer and machine, on the strand.
class session : public std::enable_shared_from_this<session> {
public:
  session(std::shared_ptr<tftp_server::impl> owner, udp::endpoint client,
          const std::vector<tftp::option>& options, tftp_content content,
          int fd, std::uint64_t size)
    : owner_(std::move(owner)), socket_(owner_->strand), timer_(owner_->strand),
      client_(client), content_(std::move(content)), fd_(fd),
      machine_(owner_->limits.transfer, options, size) {
    // nop
  }

  ~session() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  bool open(const asio::ip::address& local) {
    boost::system::error_code ec;
    socket_.open(udp::v4(), ec);
    if (!ec)
      socket_.bind(udp::endpoint{local, 0}, ec);
    if (!ec)
      socket_.non_blocking(true, ec);
    return !ec;
  }

  void run() {
    receive();
    apply(machine_.step(tftp::events::start{}, now()));
  }

  void stop() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

private:
  static tftp::time_point now() {
    return std::chrono::steady_clock::now();
  }

  void receive() {
    socket_.async_receive_from(
        asio::buffer(buf_), from_,
        [self = shared_from_this()](boost::system::error_code ec,
                                    std::size_t n) {
          if (ec == asio::error::operation_aborted || !self->socket_.is_open())
            return;
          if (!ec)
            self->on_datagram(std::string_view{self->buf_.data(), n});
          if (self->socket_.is_open())
            self->receive();
        });
  }

  void on_datagram(std::string_view bytes) {
    if (from_ != client_) {
      if (auto reply = tftp::wrong_tid_reply(bytes))
        send(*reply, from_);
      return;
    }
    if (auto ev = tftp::to_event(bytes))
      apply(machine_.step(*ev, now()));
  }

  void send(const std::string& bytes, const udp::endpoint& to) {
    boost::system::error_code ec;
    socket_.send_to(asio::buffer(bytes), to, 0, ec);
    // A full buffer loses the datagram: the machine's timer resends it.
  }

  void send_data(const tftp::effects::send_data& d) {
    packet_.resize(4 + d.length);
    tftp::write_data_header(d.block,
                            reinterpret_cast<std::uint8_t*>(packet_.data()));
    if (content_.bytes) {
      std::copy_n(content_.bytes->data() + d.offset, d.length,
                  packet_.data() + 4);
    } else if (d.length > 0) {
      auto n = ::pread(fd_, packet_.data() + 4, d.length,
                       static_cast<off_t>(d.offset));
      if (n != static_cast<ssize_t>(d.length)) {
        send(tftp::make_error(tftp::error_code::not_defined, "read error"),
             client_);
        finish(false);
        return;
      }
    }
    send(packet_, client_);
    owner_->counters.bytes_sent += d.length;
  }

  void apply(const tftp::transfer_effects& effects) {
    for (auto& e : effects) {
      if (finished_)
        return;
      if (auto* s = std::get_if<tftp::effects::send>(&e)) {
        send(s->bytes, client_);
      } else if (auto* d = std::get_if<tftp::effects::send_data>(&e)) {
        send_data(*d);
      } else if (auto* t = std::get_if<tftp::effects::set_timer>(&e)) {
        auto gen = t->generation;
        timer_.expires_after(t->after);
        timer_.async_wait(
            [self = shared_from_this(), gen](boost::system::error_code ec) {
              if (ec || self->finished_)
                return;
              self->apply(
                  self->machine_.step(tftp::events::timer_fired{gen}, now()));
            });
      } else if (std::get_if<tftp::effects::cancel_timer>(&e)) {
        timer_.cancel();
      } else if (auto* done = std::get_if<tftp::effects::done>(&e)) {
        finish(done->result == tftp::effects::outcome::completed);
      }
    }
  }

  void finish(bool ok) {
    if (finished_)
      return;
    finished_ = true;
    ++(ok ? owner_->counters.completed : owner_->counters.failed);
    stop();
    --owner_->counters.active;
    owner_->sessions.erase(shared_from_this());
  }

  std::shared_ptr<tftp_server::impl> owner_;
  udp::socket socket_;
  asio::steady_timer timer_;
  udp::endpoint client_;
  udp::endpoint from_;
  tftp_content content_;
  int fd_ = -1;
  tftp::transfer machine_;
  std::array<char, 2048> buf_;
  std::string packet_;
  bool finished_ = false;
};

} // namespace

void tftp_server::impl::receive() {
  socket.async_receive_from(
      asio::buffer(buf), sender,
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || !self->socket.is_open())
          return;
        if (!ec)
          self->on_request(std::string_view{self->buf.data(), n}, self->sender);
        self->receive();
      });
}

void tftp_server::impl::on_request(std::string_view bytes,
                                   const udp::endpoint& from) {
  ++counters.requests;
  boost::system::error_code ec;
  auto screened = tftp::screen_request(bytes);
  if (!screened) {
    ++counters.refused;
    if (screened.error().reply)
      socket.send_to(asio::buffer(screened.error().bytes()), from, 0, ec);
    return;
  }
  if (sessions.size() + pending >= limits.max_transfers || !handler) {
    ++counters.busy;
    socket.send_to(asio::buffer(tftp::make_error(tftp::error_code::not_defined,
                                                 "server busy, try later")),
                   from, 0, ec);
    return;
  }
  ++pending;
  tftp_request_info info{screened->file_name, screened->key,
                         detail::from_asio(from)};
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::weak_ptr<impl> weak = shared_from_this();
  auto req = std::make_shared<tftp::read_request>(std::move(*screened));
  handler(std::move(info), [weak, done, req,
                            from](std::optional<tftp_content> content) {
    if (done->exchange(true))
      return;
    if (auto self = weak.lock())
      asio::post(self->strand, [self, req, from, c = std::move(content)] {
        self->answer(std::move(*req), from, std::move(c));
      });
  });
}

void tftp_server::impl::answer(tftp::read_request req, udp::endpoint from,
                               std::optional<tftp_content> content) {
  --pending;
  if (closed)
    return;
  boost::system::error_code ec;
  int fd = -1;
  std::uint64_t size = 0;
  if (content && content->bytes) {
    size = content->bytes->size();
  } else if (content) {
    fd = ::open(content->path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
      ::close(fd);
      fd = -1;
    }
    if (fd < 0)
      content.reset();
    else
      size = static_cast<std::uint64_t>(st.st_size);
  }
  if (!content) {
    ++counters.not_found;
    socket.send_to(asio::buffer(tftp::not_found()), from, 0, ec);
    return;
  }
  auto s = std::make_shared<session>(shared_from_this(), from, req.options,
                                     std::move(*content), fd, size);
  auto local = socket.local_endpoint(ec).address();
  if (ec || !s->open(local)) {
    socket.send_to(asio::buffer(tftp::make_error(tftp::error_code::not_defined,
                                                 "no transfer port")),
                   from, 0, ec);
    return;
  }
  sessions.insert(s);
  ++counters.active;
  s->run();
}

expected<std::unique_ptr<tftp_server>, std::string>
tftp_server::open(io_pool& pool, const endpoint& local, tftp_limits limits) {
  auto ptr = std::make_shared<impl>(pool.impl().ctx, limits);
  boost::system::error_code ec;
  auto ep = detail::to_asio<udp::endpoint>(local, ec);
  if (!ec && !ep.address().is_v4())
    return unexpected("udp " + to_string(local) + ": IPv4 only");
  if (!ec)
    ptr->socket.open(ep.protocol(), ec);
  if (!ec)
    ptr->socket.bind(ep, ec);
  if (ec)
    return unexpected("udp " + to_string(local) + ": " + ec.message());
  ptr->socket.non_blocking(true, ec);
  return std::unique_ptr<tftp_server>(new tftp_server(std::move(ptr)));
}

tftp_server::tftp_server(std::shared_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

tftp_server::~tftp_server() {
  close();
}

void tftp_server::start(tftp_request_handler handler) {
  asio::post(impl_->strand, [self = impl_, h = std::move(handler)]() mutable {
    self->handler = std::move(h);
    if (self->socket.is_open())
      self->receive();
  });
}

endpoint tftp_server::local_endpoint() const {
  boost::system::error_code ec;
  auto ep = impl_->socket.local_endpoint(ec);
  return ec ? endpoint{} : detail::from_asio(ep);
}

void tftp_server::close() {
  if (!impl_)
    return;
  asio::post(impl_->strand, [self = impl_] {
    if (self->closed)
      return;
    self->closed = true;
    boost::system::error_code ignored;
    self->socket.close(ignored);
    self->handler = nullptr;
    auto sessions = std::move(self->sessions);
    for (auto& s : sessions)
      s->stop();
  });
}

const tftp_counters& tftp_server::counters() const noexcept {
  return impl_->counters;
}

} // namespace ivm::net
