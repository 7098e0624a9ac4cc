// The box's MGCP stack (appliance/mgcp: codec, transactions, the gateway
// session) against a real media gateway: osmo-mgw (Debian), for the
// connection-control subset. The session audits it up, creates two
// connections on one of its RTP bridge endpoints with our SDP, RTP sent to
// one comes out of the other, MDCX changes a mode, DLCX deletes them.
// Skipped when osmo-mgw is not installed (scripts/setup installs it).

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "appliance/mgcp/gateway.hpp"

namespace mgcp = ivm::mgcp;

namespace {

mgcp::millis now() {
  return std::chrono::duration_cast<mgcp::millis>(
      std::chrono::steady_clock::now().time_since_epoch());
}

/// A UDP socket on 127.0.0.1 (port 0: any).
struct udp {
  int fd = -1;
  std::uint16_t port = 0;
  udp() {
    fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    port = ntohs(a.sin_port);
  }
  ~udp() {
    ::close(fd);
  }
  void send_to(const std::string& data, std::uint16_t to) const {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(to);
    ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a),
             sizeof a);
  }
  /// A datagram within `ms`, or nullopt.
  std::optional<std::string> receive(int ms) const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0)
      return std::nullopt;
    char buf[4096];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0)
      return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }
};

std::uint16_t free_udp_port() {
  udp u;
  return u.port;
}

std::string sdp_for(std::uint16_t port) {
  return "v=0\r\no=ivm 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
         "t=0 0\r\nm=audio " +
         std::to_string(port) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
}

std::uint16_t port_in(const std::string& sdp) {
  auto m = sdp.find("m=audio ");
  return m == std::string::npos
             ? 0
             : static_cast<std::uint16_t>(std::atoi(sdp.c_str() + m + 8));
}

class OsmoMgw : public ::testing::Test {
protected:
  void SetUp() override {
    if (::access("/usr/bin/osmo-mgw", X_OK) != 0)
      GTEST_SKIP() << "osmo-mgw is not installed";
    mgw_port_ = free_udp_port();
    char dir[] = "/tmp/ivm-osmo-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    std::ofstream cfg{dir_ + "/osmo-mgw.cfg"};
    cfg << "log stderr\n logging level set-all notice\n"
        << "line vty\n bind 127.0.0.1 " << free_udp_port() << "\n"
        << "mgcp\n  bind ip 127.0.0.1\n  bind port " << mgw_port_ << "\n"
        << "  rtp port-range 17002 17100\n  rtp bind-ip 127.0.0.1\n"
        << "  number endpoints 31\n";
    cfg.close();
    pid_ = ::fork();
    if (pid_ == 0) {
      auto log = dir_ + "/osmo-mgw.log";
      std::freopen(log.c_str(), "w", stderr);
      std::freopen(log.c_str(), "a", stdout);
      ::execl("/usr/bin/osmo-mgw", "osmo-mgw", "-c",
              (dir_ + "/osmo-mgw.cfg").c_str(), "-s", nullptr);
      std::_Exit(127);
    }
    ASSERT_GT(pid_, 0);
    mgcp::gateway_config gc;
    gc.domain = "mgw";
    gc.lines = {"rtpbridge/1"};
    gc.audit_every = mgcp::millis{60000};
    session_.emplace(gc, now());
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (!dir_.empty())
      std::system(("rm -rf " + dir_).c_str());
  }

  /// Sends what `out` holds; then feeds the gateway's datagrams and the
  /// time to the session until `done` says so or the session gave up
  /// (its retransmissions end every transaction).
  template <class Done>
  void run(mgcp::gateway_session::output out, Done done) {
    for (;;) {
      for (auto& d : out.datagrams)
        sock_.send_to(d, mgw_port_);
      for (auto& a : out.answers)
        answers_.push_back(a);
      if (done() || (session_->pending() == 0 && out.datagrams.empty() &&
                     out.answers.empty() && !first_))
        return;
      first_ = false;
      if (auto d = sock_.receive(100))
        out = session_->on_datagram(*d, now());
      else
        out = session_->on_tick(now());
    }
  }

  /// The final answer to `c` on the endpoint (406: never answered).
  mgcp::response command(mgcp::command c) {
    mgcp::gateway_session::output out;
    auto tid = session_->command_for(out, "rtpbridge/1", std::move(c), now());
    EXPECT_NE(tid, 0u);
    std::optional<mgcp::response> got;
    first_ = true;
    run(std::move(out), [&] {
      for (auto& a : answers_)
        if (a.transaction == tid)
          got = a;
      return got.has_value();
    });
    return got ? *got : mgcp::make_response(tid, 406);
  }

  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t mgw_port_ = 0;
  udp sock_;
  std::optional<mgcp::gateway_session> session_;
  std::vector<mgcp::response> answers_;
  bool first_ = true;
};

} // namespace

TEST_F(OsmoMgw, ConnectionsAreCreatedModifiedAndDeletedAndRtpFlows) {
  // Audited up (AUEP answered; osmo-mgw starts in a moment: the audit is
  // retransmitted until it answers).
  run(session_->on_tick(now()),
      [&] { return session_->phase() == mgcp::gateway_phase::up; });
  ASSERT_EQ(session_->phase(), mgcp::gateway_phase::up);
  // Two connections on one endpoint, each pointed at one of our sockets.
  udp a, b;
  auto crcx = [&](const udp& peer) {
    mgcp::command c;
    c.what = mgcp::verb::crcx;
    c.params.push_back({"C", "1a2b3c"});
    c.params.push_back({"L", "p:20, a:PCMU"});
    c.params.push_back({"M", "sendrecv"});
    c.sdp = sdp_for(peer.port);
    return command(std::move(c));
  };
  auto ra = crcx(a);
  ASSERT_EQ(ra.code, 200) << ra.comment;
  ASSERT_TRUE(ra.param("I"));
  auto rb = crcx(b);
  ASSERT_EQ(rb.code, 200) << rb.comment;
  auto mgw_a = port_in(ra.sdp), mgw_b = port_in(rb.sdp);
  ASSERT_NE(mgw_a, 0);
  ASSERT_NE(mgw_b, 0);
  // RTP from A to its connection comes out of the other one to B (the
  // 1-byte keep-alive osmo-mgw sends after CRCX is skipped).
  std::string rtp(12 + 160, '\xff');
  rtp[0] = '\x80';
  rtp[1] = '\x00';
  std::optional<std::string> got;
  for (int i = 0; i < 50 && !(got && got->size() > 1); ++i) {
    rtp[3] = static_cast<char>(i);
    a.send_to(rtp, mgw_a);
    got = b.receive(20);
  }
  ASSERT_TRUE(got && got->size() == rtp.size());
  EXPECT_EQ(got->substr(12), rtp.substr(12));
  // MDCX: A's connection becomes receive-only; then both deleted.
  mgcp::command m;
  m.what = mgcp::verb::mdcx;
  m.params.push_back({"C", "1a2b3c"});
  m.params.push_back({"I", *ra.param("I")});
  m.params.push_back({"M", "recvonly"});
  auto rm = command(std::move(m));
  EXPECT_EQ(rm.code, 200) << rm.comment;
  // An unknown connection id is refused with the RFC's code.
  mgcp::command bad;
  bad.what = mgcp::verb::mdcx;
  bad.params.push_back({"C", "1a2b3c"});
  bad.params.push_back({"I", "DEADBEEF"});
  bad.params.push_back({"M", "sendrecv"});
  EXPECT_EQ(command(std::move(bad)).code, 515);
  mgcp::command d;
  d.what = mgcp::verb::dlcx;
  d.params.push_back({"C", "1a2b3c"});
  auto rd = command(std::move(d));
  EXPECT_TRUE(rd.code == 200 || rd.code == 250) << rd.code;
  // Deleted: MDCX of A's connection is refused now (osmo-mgw says 400
  // for an endpoint with no call, where the RFC suggests 515 or 516).
  mgcp::command gone;
  gone.what = mgcp::verb::mdcx;
  gone.params.push_back({"C", "1a2b3c"});
  gone.params.push_back({"I", *ra.param("I")});
  gone.params.push_back({"M", "sendrecv"});
  auto refused = command(std::move(gone)).code;
  EXPECT_GE(refused, 400);
  EXPECT_NE(refused, 406); // answered, not timed out
}
