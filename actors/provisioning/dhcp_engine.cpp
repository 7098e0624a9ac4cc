#include "actors/provisioning/dhcp_engine.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <caf/send.hpp>
#include <spdlog/logger.h>

#include "appliance/common/metrics.hpp"
#include "storage/records/leases.hpp"

namespace ivm::actors::prov {

namespace dhcp = provisioning::dhcp;

namespace {

constexpr auto sighting_interval = std::chrono::minutes{1};
constexpr std::size_t sightings_kept = 4096;

/// How long a lease write may wait for others to share its WAL sync. A
/// sync costs the bench machine ~0.5 ms and ~60 us of CPU; with a 2 ms
/// window 7,000 exchanges per second need ~350 syncs, not ~2,000, and a
/// phone waits up to 2 ms longer for its ACK.
constexpr auto lease_commit_window = std::chrono::microseconds{2000};

void inc(metrics::counter* c, std::uint64_t n = 1) {
  if (c != nullptr && n > 0)
    c->inc(n);
}

net::dhcp_send to_send(const dhcp::outgoing& out) {
  net::dhcp_send x;
  x.payload = out.wire();
  switch (out.to.kind) {
    case dhcp::destination_kind::relay:
    case dhcp::destination_kind::unicast:
      x.kind = net::dhcp_send_kind::to_address;
      break;
    case dhcp::destination_kind::broadcast:
      x.kind = net::dhcp_send_kind::broadcast;
      break;
    case dhcp::destination_kind::link_unicast:
      x.kind = net::dhcp_send_kind::link_unicast;
      break;
  }
  x.address = out.to.address.value();
  x.port = out.to.port;
  x.mac = out.to.mac.bytes();
  return x;
}

} // namespace

/// Lease changes to store, and the replies that announce them.
struct pending_write {
  storage::write_batch batch;
  std::vector<net::dhcp_send> replies;
  std::size_t writers = 0; ///< requests with changes

  /// Takes everything, leaving this empty.
  pending_write take() {
    pending_write out{std::move(batch), std::move(replies), writers};
    *this = pending_write{};
    return out;
  }
};

struct dhcp_engine::core : std::enable_shared_from_this<dhcp_engine::core> {
  explicit core(dhcp::server s) : srv(std::move(s)) {
    // nop
  }

  /// Decides one burst (I/O thread), sends what needs no write, hands the
  /// rest to the storage actor.
  void on_burst(const std::vector<net::dhcp_datagram_view>& xs);

  /// The sighting of `r`'s client, if the directory has not heard of it
  /// within the last minute.
  std::optional<device_sighting> sighting(const dhcp::result& r);

  void send(const std::vector<net::dhcp_send>& xs) const;

  /// Hands `w` to the storage actor; `written` follows on its thread.
  void submit(pending_write w);

  /// After a write (storage thread): its replies, then the next write.
  void written(const storage::status& failure, pending_write& w);

  std::mutex mtx; // guards srv, sighted, next, writing
  dhcp::server srv;
  std::atomic<bool> serving{false};
  dhcp_engine_links links;
  /// MAC -> when its last sighting went to the directory.
  std::map<std::uint64_t, std::chrono::steady_clock::time_point> sighted;
  /// Lease changes decided while the previous write was under way: one
  /// write at a time, each taking all that came meanwhile.
  pending_write next;
  bool writing = false;
};

void dhcp_engine::core::send(const std::vector<net::dhcp_send>& xs) const {
  if (xs.empty())
    return;
  std::string why;
  auto refused = links.socket->send_all(xs, &why);
  inc(links.counters.replies, xs.size() - refused);
  if (refused > 0) {
    inc(links.counters.send_errors, refused);
    if (links.log)
      links.log->warn("{} DHCP replies not sent: {}", refused, why);
  }
}

std::optional<device_sighting>
dhcp_engine::core::sighting(const dhcp::result& r) {
  auto& seen = *r.seen;
  std::uint64_t key = 0;
  for (auto b : seen.mac.bytes())
    key = (key << 8) | b;
  auto now = std::chrono::steady_clock::now();
  auto [it, fresh] = sighted.emplace(key, now);
  bool due = fresh || now - it->second >= sighting_interval;
  if (due)
    it->second = now;
  if (sighted.size() > sightings_kept) // bounded: forget the old ones
    for (auto i = sighted.begin(); i != sighted.end();)
      i = now - i->second >= sighting_interval ? sighted.erase(i)
                                               : std::next(i);
  if (!due)
    return std::nullopt;
  device_sighting s;
  s.mac = seen.mac.to_compact_upper();
  std::transform(s.mac.begin(), s.mac.end(), s.mac.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  s.source = "dhcp";
  s.vendor_class = seen.vendor_class;
  s.host_name = seen.host_name;
  auto addr = !seen.ciaddr.is_zero() ? seen.ciaddr : seen.requested;
  if (r.reply && !r.reply->message.yiaddr.is_zero())
    addr = r.reply->message.yiaddr;
  if (!addr.is_zero())
    s.address = addr.to_string();
  return s;
}

void dhcp_engine::core::submit(pending_write w) {
  callback_write cw;
  cw.batch = std::move(w.batch);
  cw.linger = lease_commit_window;
  cw.done = [self = shared_from_this(),
             w = std::make_shared<pending_write>(std::move(w))](
                const storage::status& failure) { self->written(failure, *w); };
  caf::anon_send(links.storage, caf::put_atom::value, std::move(cw));
}

void dhcp_engine::core::written(const storage::status& failure,
                                pending_write& w) {
  if (failure) {
    inc(links.counters.write_errors, w.writers);
    if (links.log)
      links.log->error("{} lease changes not stored, no DHCP reply: {}",
                       w.writers, failure->message);
  } else if (serving) { // else the scope changed: the socket is closed
    send(w.replies);
  }
  std::optional<pending_write> more;
  {
    std::lock_guard<std::mutex> guard{mtx};
    if (next.writers > 0)
      more = next.take();
    else
      writing = false;
  }
  if (more)
    submit(std::move(*more));
}

void dhcp_engine::core::on_burst(
    const std::vector<net::dhcp_datagram_view>& xs) {
  auto& c = links.counters;
  std::vector<net::dhcp_send> now_replies;
  std::vector<device_sighting> sightings;
  std::vector<net::dhcp_datagram> rogues;
  std::optional<pending_write> start;
  {
    std::lock_guard<std::mutex> guard{mtx};
    if (!serving)
      return;
    auto t = dhcp::clock_type::now();
    auto& probe = links.probe_mac.bytes();
    for (auto& x : xs) {
      inc(c.received);
      if (x.truncated) {
        inc(c.malformed);
        continue;
      }
      // Our own probe, looped back by the kernel: not a client.
      if (x.size >= 34 && std::equal(probe.begin(), probe.end(), x.data + 28))
        continue;
      auto r = srv.handle(
          x.data, x.size,
          dhcp::net_info{dhcp::ipv4_address{x.source}, x.broadcast}, t);
      if (r.what == dhcp::outcome::malformed) {
        inc(c.malformed);
        continue;
      }
      auto i = static_cast<std::size_t>(r.what);
      if (i < c.outcomes.size())
        inc(c.outcomes[i]);
      if (r.rogue_server) {
        net::dhcp_datagram d;
        d.payload.assign(reinterpret_cast<const char*>(x.data), x.size);
        d.source = x.source;
        d.source_port = x.source_port;
        d.broadcast = x.broadcast;
        rogues.push_back(std::move(d));
      }
      if (r.seen)
        if (auto s = sighting(r))
          sightings.push_back(std::move(*s));
      if (!r.changes.empty()) {
        // On disk before the reply announces it.
        storage::records::put_leases(next.batch, r.changes);
        ++next.writers;
        if (r.reply)
          next.replies.push_back(to_send(*r.reply));
      } else if (r.reply) {
        now_replies.push_back(to_send(*r.reply));
      }
    }
    if (!writing && next.writers > 0) {
      writing = true;
      start = next.take();
    }
  }
  send(now_replies);
  if (start)
    submit(std::move(*start));
  for (auto& s : sightings)
    if (links.directory)
      caf::anon_send(links.directory, atoms::seen_atom::value, std::move(s));
  for (auto& d : rogues)
    caf::anon_send(links.owner, atoms::dhcp_atom::value,
                   dhcp_input{std::move(d), true});
}

// -- dhcp_engine
// ---------------------------------------------------------------

std::vector<dhcp::lease> dhcp_engine::pool_view::snapshot() const {
  std::lock_guard<std::mutex> guard{core_->mtx};
  return core_->srv.pool().snapshot();
}

dhcp_engine::dhcp_engine(dhcp::server srv)
  : core_(std::make_shared<core>(std::move(srv))) {
  // nop
}

dhcp_engine::~dhcp_engine() {
  std::lock_guard<std::mutex> guard{core_->mtx};
  core_->serving = false;
}

std::size_t dhcp_engine::load(const std::vector<dhcp::lease>& leases) {
  std::lock_guard<std::mutex> guard{core_->mtx};
  return core_->srv.load(leases);
}

const dhcp::server_config& dhcp_engine::config() const noexcept {
  return core_->srv.config();
}

dhcp_engine::pool_view dhcp_engine::pool() const {
  return pool_view{core_};
}

void dhcp_engine::serve(dhcp_engine_links links) {
  auto socket = links.socket;
  if (!socket)
    return;
  {
    std::lock_guard<std::mutex> guard{core_->mtx};
    core_->links = std::move(links);
    core_->serving = true;
  }
  socket->start_bursts(
      [c = core_](const std::vector<net::dhcp_datagram_view>& xs) {
        c->on_burst(xs);
      });
}

} // namespace ivm::actors::prov
