// appliance/net tcp_client against the box's own tcp_server on loopback:
// open, bytes both ways, the peer closing, a refused connection, our close.

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "appliance/net/io_pool.hpp"
#include "appliance/net/tcp_client.hpp"
#include "appliance/net/tcp_server.hpp"

using namespace ivm;

namespace {

/// What the client saw, awaited from the test thread.
struct seen {
  std::mutex m;
  std::condition_variable cv;
  bool opened = false;
  std::string data;
  std::string closed; ///< the reason, once closed

  net::tcp_client_handlers handlers() {
    return {
        [this] { set([&] { opened = true; }); },
        [this](std::string b) { set([&] { data += b; }); },
        [this](std::string r) { set([&] { closed = r.empty() ? "?" : r; }); },
        {}};
  }
  template <class F>
  void set(F f) {
    std::lock_guard<std::mutex> l(m);
    f();
    cv.notify_all();
  }
  template <class P>
  void wait(P p) {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, p);
  }
};

} // namespace

TEST(tcp_client, talks_to_a_server_and_sees_it_close) {
  net::io_pool io;
  io.start();
  auto opened = net::tcp_server::open(io, {"127.0.0.1", 0});
  ASSERT_TRUE(opened);
  auto& server = **opened;
  std::mutex m;
  std::condition_variable cv;
  std::string at_server;
  net::conn_id peer = 0;
  server.start({[&](net::conn_id id, net::endpoint) {
                  std::lock_guard<std::mutex> l(m);
                  peer = id;
                  cv.notify_all();
                },
                [&](net::conn_id, std::string b) {
                  std::lock_guard<std::mutex> l(m);
                  at_server += b;
                  cv.notify_all();
                },
                nullptr});
  seen s;
  auto c = net::tcp_client::connect(io, server.local_endpoint(), s.handlers());
  c->send("hello "); // queued before the connection is open
  c->send("PBX");
  s.wait([&] { return s.opened; });
  {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return at_server == "hello PBX" && peer != 0; });
  }
  server.send(peer, "hi box");
  s.wait([&] { return s.data == "hi box"; });
  server.close(peer);
  s.wait([&] { return !s.closed.empty(); });
  EXPECT_EQ(s.closed, "closed by peer");
  c->send("after close"); // ignored
  server.close();
  io.stop();
}

TEST(tcp_client, a_refused_connection_and_our_own_close) {
  net::io_pool io;
  io.start();
  // A port nobody listens on: the listener closed again.
  net::endpoint gone;
  {
    auto o = net::tcp_server::open(io, {"127.0.0.1", 0});
    ASSERT_TRUE(o);
    gone = (*o)->local_endpoint();
  }
  seen refused;
  auto c = net::tcp_client::connect(io, gone, refused.handlers());
  refused.wait([&] { return !refused.closed.empty(); });
  EXPECT_FALSE(refused.opened);
  EXPECT_NE(refused.closed.find("refused"), std::string::npos)
      << refused.closed;
  // A bad address is said, not thrown.
  seen bad;
  auto b = net::tcp_client::connect(io, {"not-an-ip", 1}, bad.handlers());
  bad.wait([&] { return !bad.closed.empty(); });
  EXPECT_NE(bad.closed.find("bad address"), std::string::npos);
  // Ours: on_close once.
  auto o = net::tcp_server::open(io, {"127.0.0.1", 0});
  ASSERT_TRUE(o);
  (*o)->start({});
  seen mine;
  auto d =
      net::tcp_client::connect(io, (*o)->local_endpoint(), mine.handlers());
  mine.wait([&] { return mine.opened; });
  d->close();
  mine.wait([&] { return !mine.closed.empty(); });
  EXPECT_EQ(mine.closed, "closed by us");
  io.stop();
}
