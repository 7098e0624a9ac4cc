// appliance/net: UDP and TCP echo through an actor, endpoint parsing.

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <gtest/gtest.h>

#include "actors/api/types.hpp"
#include "appliance/net/endpoint.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/tcp_server.hpp"
#include "appliance/net/udp_socket.hpp"
#include "tests/support/posix_client.hpp"

using namespace ivm;

namespace {

const net::endpoint any_port{"127.0.0.1", 0};

TEST(endpoint, parses_ipv4_and_ipv6) {
  auto a = net::parse_endpoint("127.0.0.1:5060");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 5060);
  auto b = net::parse_endpoint("[::1]:5061");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(net::to_string(*b), "[::1]:5061");
}

TEST(endpoint, rejects_bad_text_with_a_reason) {
  EXPECT_FALSE(net::parse_endpoint("127.0.0.1"));
  EXPECT_FALSE(net::parse_endpoint("127.0.0.1:65536"));
  EXPECT_FALSE(net::parse_endpoint("127.0.0.1:-1"));
  EXPECT_FALSE(net::parse_endpoint("localhost:80"));
  EXPECT_FALSE(net::parse_endpoint("[::1:80"));
  auto e = net::parse_endpoint("1.2.3.4:99999");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("99999"), std::string::npos);
}

TEST(udp, bind_to_a_port_in_use_fails_naming_the_address) {
  net::io_pool io;
  auto first = net::udp_socket::open(io, any_port);
  ASSERT_TRUE(first);
  auto taken = (*first)->local_endpoint();
  auto second = net::udp_socket::open(io, taken);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find(net::to_string(taken)), std::string::npos);
  auto tcp1 = net::tcp_server::open(io, any_port);
  ASSERT_TRUE(tcp1);
  auto tcp2 = net::tcp_server::open(io, (*tcp1)->local_endpoint());
  ASSERT_FALSE(tcp2);
  EXPECT_NE(tcp2.error().find(net::to_string((*tcp1)->local_endpoint())),
            std::string::npos);
  EXPECT_NE(taken.port, 0);
}

TEST(udp, echo_through_an_actor) {
  // The I/O pool outlives the actor system: actors hold sockets that must
  // be destroyed while their io_context still exists.
  net::io_pool io;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  io.start();
  auto server = net::udp_socket::open(io, any_port);
  ASSERT_TRUE(server);
  std::shared_ptr<net::udp_socket> sock = std::move(*server);
  // The echo actor owns the reply: the I/O thread only hands it datagrams.
  auto echo = sys.spawn([sock](caf::event_based_actor*) -> caf::behavior {
    return {[sock](ivm::atoms::recv_atom, const actors::datagram& d) {
      sock->send_to("echo:" + d.payload, d.from);
    }};
  });
  sock->start([echo](std::string payload, net::endpoint from) {
    caf::anon_send(echo, ivm::atoms::recv_atom::value,
                   actors::datagram{std::move(payload), std::move(from)});
  });
  auto client = net::udp_socket::open(io, any_port);
  ASSERT_TRUE(client);
  std::promise<std::string> got;
  (*client)->start([&got](std::string payload, net::endpoint) {
    got.set_value(std::move(payload));
  });
  (*client)->send_to("hello", sock->local_endpoint());
  EXPECT_EQ(got.get_future().get(), "echo:hello");
  EXPECT_EQ(sock->datagrams_received(), 1u);
  (*client)->close();
  sock->close();
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  io.stop();
}

TEST(udp, datagrams_queued_before_a_wait_are_received_without_another) {
  // More than one wake-up's worth of datagrams (16 rounds of 32) queues
  // before the socket receives; each is taken without a later datagram
  // to wake the socket, and so is a lone one afterwards.
  net::io_pool io;
  io.start();
  auto server = net::udp_socket::open(io, any_port);
  ASSERT_TRUE(server);
  auto client = net::udp_socket::open(io, any_port);
  ASSERT_TRUE(client);
  constexpr std::size_t queued = 700;
  for (std::size_t i = 0; i < queued; ++i)
    (*client)->send_to("d" + std::to_string(i), (*server)->local_endpoint());
  // The datagrams are in the server's queue before it receives.
  while ((*client)->datagrams_sent() < queued)
    std::this_thread::yield();
  std::mutex mtx;
  std::condition_variable cv;
  std::size_t got = 0;
  std::string last;
  (*server)->start([&](std::string payload, net::endpoint) {
    std::lock_guard<std::mutex> lock{mtx};
    ++got;
    last = std::move(payload);
    cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock{mtx};
    cv.wait(lock, [&] { return got == queued; });
    EXPECT_EQ(last, "d" + std::to_string(queued - 1));
  }
  (*client)->send_to("alone", (*server)->local_endpoint());
  {
    std::unique_lock<std::mutex> lock{mtx};
    cv.wait(lock, [&] { return got == queued + 1; });
    EXPECT_EQ(last, "alone");
  }
  (*client)->close();
  (*server)->close();
  io.stop();
}

TEST(tcp, echo_through_an_actor_and_close_events) {
  // The I/O pool outlives the actor system: actors hold sockets that must
  // be destroyed while their io_context still exists.
  net::io_pool io;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  io.start();
  auto opened = net::tcp_server::open(io, any_port);
  ASSERT_TRUE(opened);
  std::shared_ptr<net::tcp_server> server = std::move(*opened);
  auto echo = sys.spawn([server](caf::event_based_actor*) -> caf::behavior {
    return {[server](ivm::atoms::conn_atom, net::conn_id id,
                     const std::string& bytes) {
      server->send(id, bytes);
      if (bytes.find("bye") != std::string::npos)
        server->close(id);
    }};
  });
  std::promise<std::string> closed;
  net::tcp_handlers handlers;
  handlers.on_data = [echo](net::conn_id id, std::string bytes) {
    caf::anon_send(echo, ivm::atoms::conn_atom::value, id, std::move(bytes));
  };
  handlers.on_close = [&closed](net::conn_id, std::string reason) {
    closed.set_value(reason);
  };
  server->start(std::move(handlers));
  int fd = test::tcp_connect(server->local_endpoint().port);
  ASSERT_GE(fd, 0);
  test::send_all(fd, "ping");
  EXPECT_EQ(test::read_n(fd, 4), "ping");
  test::send_all(fd, "bye");
  EXPECT_EQ(test::read_all(fd), "bye"); // then the server closes
  EXPECT_EQ(closed.get_future().get(), "closed by us");
  ::close(fd);
  server->close();
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  io.stop();
}

TEST(tcp, limits_connections_per_source) {
  net::io_pool io;
  io.start();
  net::tcp_limits limits;
  limits.max_per_source = 2;
  auto opened = net::tcp_server::open(io, any_port, limits);
  ASSERT_TRUE(opened);
  auto& server = **opened;
  std::promise<void> two_open;
  std::atomic<int> n{0};
  net::tcp_handlers handlers;
  handlers.on_open = [&](net::conn_id, net::endpoint) {
    if (++n == 2)
      two_open.set_value();
  };
  server.start(std::move(handlers));
  int a = test::tcp_connect(server.local_endpoint().port);
  int b = test::tcp_connect(server.local_endpoint().port);
  two_open.get_future().wait();
  int c = test::tcp_connect(server.local_endpoint().port);
  ASSERT_GE(c, 0);
  // The third is accepted by the kernel, then closed by the server.
  EXPECT_EQ(test::read_all(c), "");
  EXPECT_EQ(server.connection_count(), 2u);
  ::close(a);
  ::close(b);
  ::close(c);
  server.close();
  io.stop();
}

} // namespace
