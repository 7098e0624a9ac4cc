// A fax machine for the system tests (issue 18): spandsp's sending side
// over RTP (G.711, 20 ms packets) to the box's media port, the SIP side done
// by the test.
//
//   ivm-fax-peer page OUT.tif OUT.pbm ROWS [PAGES]
//       writes the test page (fax::test_page) as TIFF (PAGES copies) and
//       as PBM (P4)
//   ivm-fax-peer send IN.tif LOCAL_PORT REMOTE_HOST REMOTE_PORT PT [PAGES_OK]
//       sends the fax from 127.0.0.1:LOCAL_PORT with payload type PT (0
//       PCMU, 8 PCMA); each packet waits (at most 40 ms) for the box's
//       answer, so the exchange runs as fast as the box answers. Prints
//       "ok PAGES" or "failed PAGES REASON"; exit 0 when sent whole.
//       With "cut N" at the end the audio stops after N packets (a fax
//       that breaks off). The packets sent are printed on stderr.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "appliance/fax/fax.hpp"
#include "appliance/rtp/g711.hpp"

using namespace ivm;

namespace {

int page(int argc, char** argv) {
  if (argc != 5 && argc != 6)
    return 2;
  int rows = std::atoi(argv[4]);
  int pages = argc == 6 ? std::atoi(argv[5]) : 1;
  auto bits = fax::test_page(rows);
  auto err = fax::write_tiff(argv[2], bits, rows, pages);
  if (!err.empty()) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  std::ofstream pbm{argv[3], std::ios::binary};
  pbm << "P4\n1728 " << rows << "\n";
  pbm.write(reinterpret_cast<const char*>(bits.data()),
            static_cast<std::streamsize>(bits.size()));
  return pbm ? 0 : 1;
}

int send(int argc, char** argv) {
  if (argc < 7)
    return 2;
  int cut = argc > 8 && std::string{argv[7]} == "cut" ? std::atoi(argv[8]) : -1;
  int pt = std::atoi(argv[6]);
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in local{}, remote{};
  local.sin_family = remote.sin_family = AF_INET;
  local.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[3])));
  inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
  remote.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[5])));
  inet_pton(AF_INET, argv[4], &remote.sin_addr);
  if (fd < 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    std::perror("bind");
    return 1;
  }
  auto tx = fax::session::sender(argv[2], "+49 30 5550100");
  std::int16_t heard[160] = {}, out[160];
  std::uint8_t pkt[12 + 160], in[2048];
  std::uint16_t seq = 1;
  std::uint32_t ts = 0;
  int after = 0, sent = 0;
  auto start = std::chrono::steady_clock::now();
  // Bounded: 30000 packets (10 minutes of audio) or 5 minutes of time.
  for (int i = 0; i < 30000; ++i) {
    if (std::chrono::steady_clock::now() - start > std::chrono::minutes{5})
      break;
    if (tx->done() && ++after > 50)
      break; // a second more for the box to hear the end
    if (cut >= 0 && i >= cut)
      break;
    tx->process(heard, out, 160);
    pkt[0] = 0x80;
    pkt[1] = static_cast<std::uint8_t>(pt);
    pkt[2] = static_cast<std::uint8_t>(seq >> 8);
    pkt[3] = static_cast<std::uint8_t>(seq);
    for (int k = 0; k < 4; ++k)
      pkt[4 + k] = static_cast<std::uint8_t>(ts >> (24 - 8 * k));
    std::memcpy(pkt + 8, "\x12\x34\x56\x78", 4);
    if (pt == 8)
      rtp::g711::encode_alaw(out, 160, pkt + 12);
    else
      rtp::g711::encode_ulaw(out, 160, pkt + 12);
    ++seq;
    ts += 160;
    ::sendto(fd, pkt, sizeof pkt, 0, reinterpret_cast<sockaddr*>(&remote),
             sizeof remote);
    ++sent;
    std::memset(heard, 0, sizeof heard);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 40) == 1) {
      auto n = ::recv(fd, in, sizeof in, 0);
      if (n > 12) {
        auto len = std::min<std::size_t>(160, static_cast<std::size_t>(n) - 12);
        if ((in[1] & 0x7f) == 8)
          rtp::g711::decode_alaw(in + 12, len, heard);
        else
          rtp::g711::decode_ulaw(in + 12, len, heard);
      }
    }
  }
  ::close(fd);
  std::fprintf(stderr, "packets %d\n", sent);
  auto r = tx->result();
  if (tx->done() && r.ok) {
    std::printf("ok %d\n", r.pages);
    return 0;
  }
  std::printf("failed %d %s\n", r.pages,
              r.error.empty() ? "not finished" : r.error.c_str());
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  int rc = mode == "page"   ? page(argc, argv)
           : mode == "send" ? send(argc, argv)
                            : 2;
  if (rc == 2)
    std::fprintf(stderr, "usage: see tests/fax/fax_peer.cpp\n");
  return rc;
}
