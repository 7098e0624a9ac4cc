#include "appliance/net/http_server.hpp"

#include <atomic>
#include <deque>
#include <optional>
#include <strings.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "appliance/net/asio_util.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/io_pool_impl.hpp"
#include "appliance/net/tls_context.hpp"
#include "appliance/net/tls_context_impl.hpp"

namespace ivm::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using strand_t = asio::strand<asio::io_context::executor_type>;

std::string http_request::header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (k.size() == name.size() &&
        strncasecmp(k.data(), name.data(), name.size()) == 0)
      return v;
  return {};
}

std::string_view http_reason(int status) {
  auto sv = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  return {sv.data(), sv.size()};
}

namespace {

std::string error_json(std::string_view text) {
  std::string out = R"({"error":")";
  for (char ch : text)
    out += (ch == '"' || ch == '\\') ? '_' : ch;
  out += "\"}";
  return out;
}

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

beast::tcp_stream& lowest(beast::tcp_stream& s) {
  return s;
}

beast::tcp_stream& lowest(tls_stream& s) {
  return beast::get_lowest_layer(s);
}

/// One connection, plain (`beast::tcp_stream`) or TLS (`tls_stream`).
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... Args>
  session(std::shared_ptr<http_server::impl> owner, tcp::socket sock,
          Args&&... args);
  void run();

private:
  void read();
  void on_read(beast::error_code ec);
  void reply(http_response resp, bool keep_alive);
  void fail(int status, std::string_view why);
  void close();
  // -- streamed responses ---------------------------------------------------
  struct sink : http_stream {
    std::weak_ptr<session> owner;
    std::atomic<bool> live{true};
    void write(std::string chunk) override;
    bool open() const override {
      return live.load();
    }
    void close() override;
  };
  void start_stream(http_response resp);
  void push(std::string chunk);
  void write_next();
  void watch();
  void end_stream();

  Stream stream_;
  std::shared_ptr<sink> sink_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool closed_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<http_server::impl> owner_;
  endpoint remote_;
};

} // namespace

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  impl(asio::io_context& c, http_limits l)
    : ctx(c), strand(asio::make_strand(c)), acceptor(strand), limits(l) {
    // nop
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(ctx), [self = shared_from_this()](
                                                      beast::error_code ec,
                                                      tcp::socket sock) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open())
        return;
      if (!ec) {
        if (self->sessions.load() >= self->limits.max_connections) {
          beast::error_code ignored;
          sock.close(ignored);
        } else if (self->tls) {
          std::make_shared<session<tls_stream>>(self, std::move(sock),
                                                self->tls->native().ctx)
              ->run();
        } else {
          std::make_shared<session<beast::tcp_stream>>(self, std::move(sock))
              ->run();
        }
      }
      self->accept();
    });
  }

  asio::io_context& ctx;
  strand_t strand;
  tcp::acceptor acceptor;
  http_limits limits;
  http_handler handler;
  std::shared_ptr<tls_context> tls;
  std::atomic<std::size_t> sessions{0};
  std::atomic<std::uint64_t> served{0};
};

namespace {

template <class Stream>
template <class... Args>
session<Stream>::session(std::shared_ptr<http_server::impl> owner,
                         tcp::socket sock, Args&&... args)
  : stream_(std::move(sock), std::forward<Args>(args)...),
    owner_(std::move(owner)) {
  ++owner_->sessions;
  beast::error_code ec;
  auto rep = lowest(stream_).socket().remote_endpoint(ec);
  if (!ec)
    remote_ = detail::from_asio(rep);
}

template <class Stream>
void session<Stream>::run() {
  auto self = this->shared_from_this();
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    // The handshake counts against the time a request may take.
    lowest(stream_).expires_after(owner_->limits.read_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self](beast::error_code ec) {
                              if (ec)
                                self->close();
                              else
                                self->read();
                            });
  } else {
    asio::post(stream_.get_executor(), [self] { self->read(); });
  }
}

template <class Stream>
void session<Stream>::close() {
  if (closed_)
    return;
  closed_ = true;
  beast::error_code ignored;
  lowest(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  --owner_->sessions;
}

template <class Stream>
void session<Stream>::sink::write(std::string chunk) {
  if (auto s = owner.lock())
    asio::post(s->stream_.get_executor(),
               [s, c = std::move(chunk)]() mutable { s->push(std::move(c)); });
}

template <class Stream>
void session<Stream>::sink::close() {
  live = false;
  if (auto s = owner.lock())
    asio::post(s->stream_.get_executor(), [s] { s->end_stream(); });
}

template <class Stream>
void session<Stream>::start_stream(http_response resp) {
  std::string head =
      "HTTP/1.1 " + std::to_string(resp.status) + " " +
      std::string{http_reason(resp.status)} +
      "\r\nServer: ivm-appliance\r\nContent-Type: " + resp.content_type +
      "\r\nCache-Control: no-store\r\nConnection: close\r\n";
  for (auto& [k, v] : resp.headers)
    head += k + ": " + v + "\r\n";
  head += "\r\n";
  ++owner_->served;
  lowest(stream_).expires_never();
  sink_ = std::make_shared<sink>();
  sink_->owner = this->weak_from_this();
  push(std::move(head));
  watch();
  if (resp.on_stream)
    resp.on_stream(sink_);
}

template <class Stream>
void session<Stream>::push(std::string chunk) {
  if (closed_)
    return;
  if (out_.size() >= 256) { // the client does not keep up: drop it
    end_stream();
    return;
  }
  out_.push_back(std::move(chunk));
  if (!writing_)
    write_next();
}

template <class Stream>
void session<Stream>::write_next() {
  writing_ = true;
  asio::async_write(
      stream_, asio::buffer(out_.front()),
      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        // The front stayed in place while it was written (end_stream
        // keeps it): its bytes were the write's buffer.
        self->out_.pop_front();
        self->writing_ = false;
        if (ec || self->closed_) {
          self->end_stream();
          return;
        }
        if (!self->out_.empty())
          self->write_next();
      });
}

/// A streamed response's client only ever closes: the socket turning
/// readable means it went away (FIN, TLS close_notify, or bytes it should
/// not send). A wait, not a read: over TLS a pending read of the session
/// beside its writes makes two operations of one kind on the TCP stream.
template <class Stream>
void session<Stream>::watch() {
  lowest(stream_).socket().async_wait(
      tcp::socket::wait_read, [self = this->shared_from_this()](
                                  beast::error_code) { self->end_stream(); });
}

template <class Stream>
void session<Stream>::end_stream() {
  if (sink_)
    sink_->live = false;
  // A write under way still reads the front: its handler drops it.
  while (out_.size() > (writing_ ? 1u : 0u))
    out_.pop_back();
  close();
}

template <class Stream>
void session<Stream>::read() {
  parser_.emplace();
  parser_->header_limit(
      static_cast<std::uint32_t>(owner_->limits.header_limit));
  parser_->body_limit(owner_->limits.body_limit);
  lowest(stream_).expires_after(owner_->limits.read_timeout);
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        self->on_read(ec);
      });
}

template <class Stream>
void session<Stream>::on_read(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted ||
      ec == asio::error::connection_reset || ec == asio::error::eof ||
      ec.category() == asio::error::get_ssl_category() ||
      ec == asio::ssl::error::stream_truncated) {
    close();
    return;
  }
  if (ec == bhttp::error::header_limit) {
    fail(431, "request header too large");
    return;
  }
  if (ec == bhttp::error::body_limit) {
    fail(413, "request body too large");
    return;
  }
  if (ec) {
    fail(400, "malformed request: " + ec.message());
    return;
  }
  auto msg = parser_->release();
  http_request req;
  req.method = std::string{msg.method_string()};
  req.target = std::string{msg.target()};
  for (auto& field : msg)
    req.headers.emplace_back(std::string{field.name_string()},
                             std::string{field.value()});
  req.body = std::move(msg.body());
  req.remote = remote_;
  bool keep_alive = msg.keep_alive();
  auto done = std::make_shared<std::atomic<bool>>(false);
  auto self = this->shared_from_this();
  http_responder responder = [self, done, keep_alive](http_response resp) {
    if (done->exchange(true))
      return;
    asio::post(self->stream_.get_executor(),
               [self, keep_alive, resp = std::move(resp)]() mutable {
                 self->reply(std::move(resp), keep_alive);
               });
  };
  lowest(stream_).expires_never();
  if (owner_->handler)
    owner_->handler(std::move(req), std::move(responder));
  else
    responder(
        http_response{503, "application/json", error_json("starting"), {}});
}

template <class Stream>
void session<Stream>::reply(http_response resp, bool keep_alive) {
  if (resp.on_stream) {
    start_stream(std::move(resp));
    return;
  }
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
  res->result(static_cast<unsigned>(resp.status));
  res->version(11);
  res->set(bhttp::field::server, "ivm-appliance");
  res->set(bhttp::field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers)
    res->insert(k, v); // several WWW-Authenticate challenges, say
  res->body() = std::move(resp.body);
  res->keep_alive(keep_alive);
  res->prepare_payload();
  ++owner_->served;
  lowest(stream_).expires_after(owner_->limits.read_timeout);
  bhttp::async_write(stream_, *res,
                     [self = this->shared_from_this(), res,
                      keep_alive](beast::error_code ec, std::size_t) {
                       if (!ec && keep_alive) {
                         self->read();
                         return;
                       }
                       self->close();
                     });
}

template <class Stream>
void session<Stream>::fail(int status, std::string_view why) {
  reply(http_response{status, "application/json", error_json(why), {}}, false);
}

} // namespace

expected<std::unique_ptr<http_server>, std::string>
http_server::open(io_pool& pool, const endpoint& local, http_limits limits) {
  auto ptr = std::make_shared<impl>(pool.impl().ctx, limits);
  if (auto ec = detail::listen(ptr->acceptor, local))
    return unexpected("http " + to_string(local) + ": " + ec.message());
  return std::unique_ptr<http_server>(new http_server(std::move(ptr)));
}

http_server::http_server(std::shared_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

http_server::~http_server() {
  close();
}

void http_server::enable_tls(std::shared_ptr<tls_context> ctx) {
  asio::post(impl_->strand, [self = impl_, ctx = std::move(ctx)]() mutable {
    self->tls = std::move(ctx);
  });
}

void http_server::start(http_handler handler) {
  asio::post(impl_->strand, [self = impl_, h = std::move(handler)]() mutable {
    self->handler = std::move(h);
    if (self->acceptor.is_open())
      self->accept();
  });
}

endpoint http_server::local_endpoint() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? endpoint{} : detail::from_asio(ep);
}

void http_server::close() {
  if (!impl_)
    return;
  asio::post(impl_->strand, [self = impl_] {
    beast::error_code ignored;
    self->acceptor.close(ignored);
  });
}

std::uint64_t http_server::requests_served() const {
  return impl_->served.load();
}

} // namespace ivm::net
