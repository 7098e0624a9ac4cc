"""Issue 11: the box's DHCP server on a private Ethernet segment.

The box runs in its own network namespace (192.0.2.1/24 on eth0), clients in
others, all joined by a bridge (netns.py). Real clients nobody here wrote ask
for leases: busybox udhcpc, ISC dhclient and nmap's broadcast-dhcp-discover;
a small raw-socket client speaks the parts they cannot be made to say
(DHCPDECLINE, garbage, captured packets). What the box holds is read from
GET /api/v1/dhcp inside its namespace."""

import gzip
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import unittest

from harness import wait_until
from netns import NetnsAppliance, RawLink, Segment, mac_bytes

BOX_IP = "192.0.2.1"
POOL = ("192.0.2.100", "192.0.2.200")
RESERVED_MAC, RESERVED_IP = "02:00:00:00:05:01", "192.0.2.150"
VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "..", "..", "shared", "vectors", "dhcp",
                       "captures")
if not os.path.isdir(VECTORS):
    VECTORS = "/work/shared/vectors/dhcp/captures"

CONFIG = """
[dhcp]
enabled = true
interface = "eth0"
pool = "192.0.2.100-192.0.2.200"
subnet_mask = "255.255.255.0"
router = ["192.0.2.1"]
dns = ["192.0.2.53", "192.0.2.54"]
ntp = ["192.0.2.123"]
lease_time_s = 600
tftp_server = "192.0.2.1"
cisco_tftp = ["192.0.2.1", "192.0.2.9"]
reservations = [{mac = "%s", address = "%s"}]
""" % (RESERVED_MAC, RESERVED_IP)


def ip_int(a):
    return struct.unpack("!I", socket.inet_aton(a))[0]


def in_pool(a):
    return ip_int(POOL[0]) <= ip_int(a) <= ip_int(POOL[1])


def compact(mac):
    return mac.replace(":", "").replace("-", "").lower()


# -- a raw DHCP client ---------------------------------------------------------

DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE = 1, 2, 3, 4, 5, 6, 7


def bootrequest(mac, xid, msg_type, options=(), ciaddr="0.0.0.0",
                flags=0x8000):
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0,
                       flags, socket.inet_aton(ciaddr), b"\0" * 4, b"\0" * 4,
                       b"\0" * 4, mac_bytes(mac), b"", b"")
    opts = bytes([53, 1, msg_type])
    for code, value in options:
        opts += bytes([code, len(value)]) + value
    return head + b"\x63\x82\x53\x63" + opts + b"\xff"


def parse_reply(data):
    """(xid, yiaddr, {code: bytes}) of a BOOTREPLY, or None."""
    if len(data) < 240 or data[0] != 2 or data[236:240] != b"\x63\x82\x53\x63":
        return None
    xid = struct.unpack("!I", data[4:8])[0]
    opts, i = {}, 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        code, n = data[i], data[i + 1]
        opts[code] = opts.get(code, b"") + data[i + 2:i + 2 + n]
        i += 2 + n
    return xid, socket.inet_ntoa(data[16:20]), opts


class RawClient:
    """DHCP as a client with any MAC, over an AF_PACKET socket."""

    def __init__(self, host, mac):
        self.link = RawLink(host)
        self.mac = mac

    def send(self, payload, dst_ip="255.255.255.255", src_ip="0.0.0.0",
             dst_mac=b"\xff" * 6):
        self.link.send_udp(mac_bytes(self.mac), src_ip, dst_ip, 68, 67,
                           payload, dst_mac)

    def ask(self, msg_type, options=(), tries=5):
        """The reply to one request, retransmitted with the same xid as a
        client does (RFC 2131 §4.1) until a reply or `tries` sends."""
        xid = random.getrandbits(32)
        payload = bootrequest(self.mac, xid, msg_type, options)
        for n in range(tries):
            self.send(payload)
            got = self.link.recv_udp(
                68, lambda p: (parse_reply(p) or (None,))[0] == xid,
                min(1.0 * 2 ** n, 4.0))
            if got:
                return parse_reply(got[6])
        return None

    def dora(self, request_list=(1, 3, 6)):
        prl = (55, bytes(request_list))
        offer = self.ask(DISCOVER, [prl])
        assert offer and offer[2].get(53) == bytes([OFFER]), offer
        server = offer[2][54]
        ack = self.ask(REQUEST, [prl, (50, socket.inet_aton(offer[1])),
                                 (54, server)])
        assert ack and ack[2].get(53) == bytes([ACK]), ack
        return ack[1], server

    def close(self):
        self.link.close()


# -- hooks of the real clients ---------------------------------------------------

UDHCPC_HOOK = """#!/bin/sh
# udhcpc event $1; configure the address so that renew and release work.
case "$1" in
  bound|renew) ip addr flush dev "$interface"
               ip addr add "$ip/${mask:-24}" dev "$interface" ;;
  deconfig) ip addr flush dev "$interface" ;;
esac
env > "%(dir)s/$1.env"
echo "$1 $ip" >> "%(dir)s/events"
"""

DHCLIENT_HOOK = """#!/bin/sh
env | grep -E '^(new_|reason=|interface=)' > "%(dir)s/$reason.env"
echo "$reason $new_ip_address" >> "%(dir)s/events"
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip addr flush dev "$interface"
      ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  RELEASE|EXPIRE|STOP) ip addr flush dev "$interface" ;;
esac
"""

DHCLIENT_CONF = """option cisco-tftp code 150 = array of ip-address;
request subnet-mask, routers, domain-name-servers, tftp-server-name,
        cisco-tftp, ntp-servers;
"""


def read_env(path):
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            out[k] = v
    return out


class ClientDir:
    """A directory for one client's hook, lease file and event log."""

    def __init__(self, tmp, name):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode=0o644):
        with open(self.path(name), "w") as f:
            f.write(text % {"dir": self.dir} if "%(dir)s" in text else text)
        os.chmod(self.path(name), mode)
        return self.path(name)

    def read(self, name):
        try:
            with open(self.path(name)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def events(self):
        try:
            with open(self.path("events")) as f:
                return [l.split() for l in f.read().splitlines()]
        except FileNotFoundError:
            return []

    def wait_event(self, name, count=1):
        wait_until(lambda: sum(1 for e in self.events() if e[0] == name)
                   >= count, "client event " + name, 30)
        return read_env(self.path(name + ".env"))


# -- pcap reading (libpcap and pcapng, Ethernet) ---------------------------------

def _frames(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e, i = "<", 24
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e, i = ">", 24
    elif magic == b"\x0a\x0d\x0d\x0a":
        e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        i = 0
        while i + 12 <= len(data):
            btype, blen = struct.unpack(e + "II", data[i:i + 8])
            if blen < 12:
                return
            if btype == 6:
                caplen = struct.unpack(e + "I", data[i + 20:i + 24])[0]
                yield data[i + 28:i + 28 + caplen]
            i += blen
        return
    else:
        return
    while i + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[i + 8:i + 12])[0]
        yield data[i + 16:i + 16 + caplen]
        i += 16 + caplen


def capture_payloads(path):
    """UDP payloads to or from ports 67/68 of an Ethernet capture."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    out = []
    for fr in _frames(data):
        if len(fr) < 42 or fr[12:14] != b"\x08\x00" or fr[23] != 17:
            continue
        u = 14 + (fr[14] & 0x0F) * 4
        sport, dport, ulen = struct.unpack("!HHH", fr[u:u + 6])
        if {sport, dport} & {67, 68}:
            out.append(fr[u + 8:u + ulen])
    return out


# -- the box on a segment ---------------------------------------------------------

class BoxOnSegment(unittest.TestCase):
    """A segment with the box at 192.0.2.1 (configuration CONFIG)."""

    config = CONFIG
    tag = "dhcp"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ivm-dhcp-")
        cls.seg = Segment(cls.tag)
        try:
            cls.box_host = cls.seg.attach("box", address=BOX_IP + "/24")
            conf = os.path.join(cls.tmp, "box.toml")
            with open(conf, "w") as f:
                f.write(cls.config)
            args = ["--config", conf] if cls.config else []
            cls.box = NetnsAppliance(cls.box_host, extra_args=args).start()
            with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
                cls.token = json.load(f)["token"]
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "box", None):
            cls.box.cleanup()
        cls.seg.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertIsNone(self.box.proc.poll(), "the box has exited")

    def client(self, name, mac=None):
        mac = mac or "02:00:%02x:%02x:%02x:%02x" % tuple(
            random.getrandbits(8) for _ in range(4))
        host = self.seg.attach(name, mac=mac)
        return host, ClientDir(self.tmp, host.name)

    def dhcp_state(self):
        s, raw = self.box.http("GET", "/api/v1/dhcp", None,
                               {"Authorization": "Bearer " + self.token})
        self.assertEqual(s, 200, raw)
        return json.loads(raw)

    def lease(self, mac=None, address=None):
        for l in self.dhcp_state()["leases"]:
            if (mac is None or compact(l["mac"]) == compact(mac)) and \
                    (address is None or l["address"] == address):
                return l
        return None

    def wait_lease_state(self, mac, state, address=None):
        return wait_until(
            lambda: (lambda l: l if l and l["state"] == state else None)(
                self.lease(mac, address)),
            "lease of %s in state %s" % (mac, state), 30)

    def udhcpc(self, host, cdir, *extra, once=True):
        hook = cdir.write("hook.sh", UDHCPC_HOOK, 0o755)
        args = ["busybox", "udhcpc", "-i", "eth0", "-f", "-n", "-t", "3",
                "-T", "2", "-O", "tftp", "-O", "150", "-O", "ntpsrv",
                "-s", hook] + list(extra)
        if once:
            return host.run(args + ["-q"], timeout=60)
        return host.popen(args + ["-R"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)


class Leases(BoxOnSegment):
    def test_udhcpc_gets_a_lease_with_the_options_renews_and_releases(self):
        host, cdir = self.client("udhcpc")
        p = self.udhcpc(host, cdir, once=False)
        try:
            env = cdir.wait_event("bound")
            self.assertTrue(in_pool(env["ip"]), env["ip"])
            self.assertEqual(env["subnet"], "255.255.255.0")   # option 1
            self.assertEqual(env["router"].split(), ["192.0.2.1"])  # 3
            self.assertEqual(env["dns"].split(),                # 6
                             ["192.0.2.53", "192.0.2.54"])
            self.assertEqual(env["tftp"], "192.0.2.1")          # 66
            self.assertEqual(env["opt150"].lower(), "c0000201c0000209")
            self.assertEqual(env["ntpsrv"].split(), ["192.0.2.123"])  # 42
            self.assertEqual(env["serverid"], BOX_IP)
            self.assertEqual(env["lease"], "600")
            got = self.wait_lease_state(host.mac, "bound", env["ip"])
            self.assertGreater(got["expires_s"], 0)
            # Renew (SIGUSR1: unicast REQUEST from the leased address).
            p.send_signal(signal.SIGUSR1)
            renewed = cdir.wait_event("renew")
            self.assertEqual(renewed["ip"], env["ip"])
            self.assertEqual(self.lease(host.mac)["state"], "bound")
            # Release on exit (-R): the address is free again.
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
            self.wait_lease_state(host.mac, "released", env["ip"])
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()

    def test_dhclient_gets_option_150_keeps_its_address_and_releases(self):
        host, cdir = self.client("dhclient")
        conf = cdir.write("dhclient.conf", DHCLIENT_CONF)
        hook = cdir.write("hook.sh", DHCLIENT_HOOK, 0o755)
        base = ["dhclient", "-v", "-cf", conf, "-sf", hook,
                "-lf", cdir.path("leases"), "-pf", cdir.path("pid")]

        def run_until(event, count):
            p = host.popen(base + ["-1", "-d", "eth0"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            try:
                env = cdir.wait_event(event, count)
                # The hook runs before dhclient writes its lease file.
                wait_until(lambda: "fixed-address %s;" % env[
                    "new_ip_address"] in cdir.read("leases"),
                    "dhclient's lease file", 30)
                return env
            finally:
                p.kill()
                p.wait()

        env = run_until("BOUND", 1)
        address = env["new_ip_address"]
        self.assertTrue(in_pool(address), address)
        self.assertEqual(env["new_subnet_mask"], "255.255.255.0")
        self.assertEqual(env["new_routers"], "192.0.2.1")
        self.assertEqual(env["new_domain_name_servers"],
                         "192.0.2.53 192.0.2.54")
        self.assertEqual(env["new_tftp_server_name"], "192.0.2.1")
        self.assertEqual(env["new_cisco_tftp"].replace(",", " ").split(),
                         ["192.0.2.1", "192.0.2.9"])
        self.assertEqual(env["new_ntp_servers"], "192.0.2.123")
        self.wait_lease_state(host.mac, "bound", address)
        # A second start with the lease file: INIT-REBOOT, same address.
        host.flush()
        env = run_until("REBOOT", 1)
        self.assertEqual(env["new_ip_address"], address)
        # dhclient -r: DHCPRELEASE to the box.
        r = host.run(base + ["-r", "eth0"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.wait_lease_state(host.mac, "released", address)

    def test_nmap_broadcast_discover_sees_the_offer(self):
        host, _ = self.client("nmap")
        # nmap's broadcast scripts skip interfaces without an IPv4 address.
        host.ip("addr", "add", "198.51.100.7/24", "dev", "eth0")
        r = host.run(["nmap", "-n", "--script", "broadcast-dhcp-discover",
                      "--script-args",
                      "broadcast-dhcp-discover.timeout=3s,"
                      "broadcast-dhcp-discover.mac=" + host.mac,
                      "-e", "eth0"], timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = {}
        for line in r.stdout.splitlines():
            k, sep, v = line.strip("|_ ").partition(": ")
            if sep:
                out[k] = v.strip()
        self.assertEqual(out.get("DHCP Message Type"), "DHCPOFFER", r.stdout)
        self.assertTrue(in_pool(out["IP Offered"]), r.stdout)
        self.assertEqual(out["Subnet Mask"], "255.255.255.0")
        self.assertEqual(out["Router"], "192.0.2.1")
        self.assertEqual(out["Domain Name Server"].replace(",", " ").split(),
                         ["192.0.2.53", "192.0.2.54"])
        self.assertEqual(out["Server Identifier"], BOX_IP)
        self.assertEqual(out["TFTP Server Name"], "192.0.2.1")

    def test_a_reservation_gets_its_address(self):
        host, cdir = self.client("reserved", RESERVED_MAC)
        r = self.udhcpc(host, cdir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(cdir.wait_event("bound")["ip"], RESERVED_IP)
        self.wait_lease_state(RESERVED_MAC, "bound", RESERVED_IP)
        # Nobody else is offered it, even asking for it by name.
        other, _ = self.client("other")
        c = RawClient(other, other.mac)
        try:
            offer = c.ask(DISCOVER, [(50, socket.inet_aton(RESERVED_IP))])
            self.assertIsNotNone(offer)
            self.assertNotEqual(offer[1], RESERVED_IP)
        finally:
            c.close()

    def test_decline_puts_the_address_in_quarantine(self):
        host, _ = self.client("decliner")
        c = RawClient(host, host.mac)
        try:
            address, server = c.dora()
            self.assertTrue(in_pool(address))
            self.wait_lease_state(host.mac, "bound", address)
            # RFC 2131 §4.4.1: the client found the address in use.
            c.send(bootrequest(host.mac, random.getrandbits(32), DECLINE,
                               [(50, socket.inet_aton(address)),
                                (54, server)]))
            self.wait_lease_state(host.mac, "declined", address)
            # Neither it nor another client is offered that address again.
            again = c.ask(DISCOVER)
            self.assertIsNotNone(again)
            self.assertNotEqual(again[1], address)
        finally:
            c.close()
        other, _ = self.client("after-decline")
        c = RawClient(other, other.mac)
        try:
            offer = c.ask(DISCOVER, [(50, socket.inet_aton(address))])
            self.assertIsNotNone(offer)
            self.assertNotEqual(offer[1], address)
        finally:
            c.close()

    def test_garbage_and_malformed_captures_change_nothing(self):
        host, _ = self.client("garbage")
        # One bound lease before, to see that nothing disturbs it.
        c = RawClient(host, host.mac)
        try:
            address, _ = c.dora()
        finally:
            c.close()
        before = self.dhcp_state()
        bound_before = sorted((compact(l["mac"]), l["address"])
                              for l in before["leases"]
                              if l["state"] == "bound")
        box_mac = mac_bytes(self.box_host.mac)
        raw = RawLink(host)
        src = mac_bytes(host.mac)
        sent = 0
        capture_macs = set()

        def send(payload):
            nonlocal sent
            raw.send_udp(src, "0.0.0.0", "255.255.255.255", 68, 67, payload)
            raw.send_udp(src, "198.51.100.9", BOX_IP, 68, 67, payload,
                         box_mac)
            sent += 2

        rnd = random.Random(11)
        try:
            for n in (0, 1, 4, 100, 239, 240, 241, 300, 548, 1400):
                send(bytes(rnd.getrandbits(8) for _ in range(n)))
            good = bootrequest(host.mac, 1, DISCOVER, [(55, b"\x01\x03")])
            for cut in range(0, len(good), 7):
                send(good[:cut])                            # truncated
            send(good[:240] + b"\x35")                       # length missing
            send(good[:240] + b"\x35\x09\x01")               # runs past end
            send(good[:240] + b"\x34\x01\x07\xff")           # bad overload
            send(b"\x01\x01\x11" + good[3:])                 # hlen 17
            send(b"\x01\x01\x06\x00" + good[4:236] + b"\0\0\0\0" + good[240:])
            names = sorted(os.listdir(VECTORS))
            self.assertIn("PRIV_bootp-both_overload_empty-no_end.pcap", names)
            for name in names:
                if name.startswith("DHCPv6"):
                    continue
                payloads = capture_payloads(os.path.join(VECTORS, name))
                self.assertTrue(payloads, name)
                for p in payloads[:200]:
                    if p[0] == 1 and len(p) >= 34:    # client messages whole
                        capture_macs.add(p[28:34].hex())
                        send(p)
                    send(p[:rnd.randrange(0, min(len(p), 240))])  # cut short
                    send(p[:236] + b"\x00\x00\x00\x00" + p[240:])  # no cookie
        finally:
            raw.close()
        self.assertGreater(sent, 200)
        # Still alive and serving, nothing bound, nothing reported.
        probe, _ = self.client("after-garbage")
        c = RawClient(probe, probe.mac)
        try:
            self.assertTrue(in_pool(c.dora()[0]))
        finally:
            c.close()
        self.assertIsNone(self.box.proc.poll(), self.box.log_text()[-3000:])
        after = self.dhcp_state()
        bound_after = sorted((compact(l["mac"]), l["address"])
                             for l in after["leases"]
                             if l["state"] == "bound"
                             and compact(l["mac"]) != compact(probe.mac))
        self.assertEqual(bound_after, bound_before)
        self.assertIn((compact(host.mac), address), bound_after)
        self.assertFalse(capture_macs & {compact(l["mac"])
                                         for l in after["leases"]
                                         if l["state"] == "bound"})
        self.assertEqual(after.get("rogue_servers"), [])


class Restart(BoxOnSegment):
    tag = "dhcpr"

    def test_leases_survive_a_restart(self):
        clients = []
        for name in ("r1", "r2", "r3"):
            host, _ = self.client(name)
            c = RawClient(host, host.mac)
            try:
                clients.append((host.mac, c.dora()[0]))
            finally:
                c.close()
        self.assertEqual(len({a for _, a in clients}), 3)
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        # The last client asks first: a box that forgot would offer it the
        # lowest free address, which was the first client's.
        for mac, address in reversed(clients):
            self.assertEqual(self.lease(mac, address)["state"], "bound")
        host = [h for h in self.seg.hosts if h.mac == clients[-1][0]][0]
        c = RawClient(host, host.mac)
        try:
            self.assertEqual(c.dora()[0], clients[-1][1])
        finally:
            c.close()
        # An acknowledged lease survives SIGKILL too.
        host, _ = self.client("r4")
        c = RawClient(host, host.mac)
        try:
            address = c.dora()[0]
        finally:
            c.close()
        self.box.kill()
        self.box.start()
        self.assertEqual(self.lease(host.mac, address)["state"], "bound")


class DisabledByDefault(BoxOnSegment):
    tag = "dhcpd"
    config = ""

    def test_nothing_answers_on_the_segment(self):
        host, cdir = self.client("nobody")
        r = self.udhcpc(host, cdir, "-t", "2", "-T", "1")
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("bound", [e[0] for e in cdir.events()])
        ss = self.box_host.run(["ss", "-uanp"]).stdout
        self.assertNotIn(":67 ", ss)
        self.assertIsNone(self.box.proc.poll())


ROGUE_IP = "192.0.2.2"


def rogue_responder(host, stop):
    """Answers every DHCPDISCOVER on the segment with an OFFER from
    192.0.2.2 (a home router someone plugged in)."""
    s = host.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
    s.bind(("0.0.0.0", 67))
    s.settimeout(0.2)
    offered = 0
    while not stop.is_set():
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            continue
        if len(data) < 244 or data[0] != 1 or b"\x35\x01\x01" not in data[240:]:
            continue
        offered += 1
        reply = bytearray(data[:240])
        reply[0] = 2
        reply[16:20] = socket.inet_aton("192.0.2.250")
        reply += bytes([53, 1, OFFER, 54, 4]) + socket.inet_aton(ROGUE_IP)
        reply += bytes([51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0, 255])
        s.sendto(bytes(reply), ("255.255.255.255", 68))
    s.close()
    return offered


class RogueServer(BoxOnSegment):
    tag = "dhcpx"

    def test_another_dhcp_server_is_reported(self):
        rogue = self.seg.attach("rogue", address=ROGUE_IP + "/24")
        stop = threading.Event()
        result = []
        t = threading.Thread(target=lambda: result.append(
            rogue.call(rogue_responder, rogue, stop)), daemon=True)
        t.start()
        try:
            # A phone booting on the segment hears both servers.
            host, cdir = self.client("victim")
            self.udhcpc(host, cdir)
            found = wait_until(lambda: self.dhcp_state()["rogue_servers"],
                               "the rogue server in GET /api/v1/dhcp", 120)
        finally:
            stop.set()
            t.join()
        self.assertIn(ROGUE_IP, json.dumps(found))
        self.assertNotIn(BOX_IP, json.dumps(found))
        log = self.box.log_text().lower()
        self.assertTrue("rogue" in log or "another dhcp server" in log)
        self.assertIn(ROGUE_IP, self.box.log_text())


if __name__ == "__main__":
    unittest.main()
