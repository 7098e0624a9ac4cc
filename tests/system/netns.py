"""Private network segments for black-box tests: network namespaces joined
by a bridge, the box in one of them, DHCP clients in others.

Every name is unique to this process (tests run in parallel), addresses are
TEST-NET (192.0.2.0/24, 198.51.100.0/24), and everything is removed again,
also when a test fails: use `Segment` as a context manager or call
`close()` from a cleanup. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN)."""

import ctypes
import itertools
import os
import queue
import socket
import struct
import subprocess
import threading
import time

from harness import Appliance

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_counter = itertools.count(1)


def ip(*args, check=True):
    return subprocess.run(["ip"] + [str(a) for a in args], check=check,
                          capture_output=True, text=True, timeout=30)


def _enter(name):
    """Moves the calling thread (only it) into namespace `name`."""
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (name, os.strerror(err)))
    finally:
        os.close(fd)


class Netns:
    """One network namespace with its loopback up."""

    def __init__(self, name):
        self.name = name
        ip("netns", "add", name)
        self.ip("link", "set", "lo", "up")
        self.pids = []

    def ip(self, *args, check=True):
        return ip("-n", self.name, *args, check=check)

    def cmd(self, args):
        return ["ip", "netns", "exec", self.name] + [str(a) for a in args]

    def run(self, args, timeout=60, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        kw.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.run(self.cmd(args), timeout=timeout, **kw)

    def popen(self, args, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(self.cmd(args), **kw)
        self.pids.append(p.pid)
        return p

    def call(self, fn, *args, **kw):
        """Runs fn(*args, **kw) on a thread inside this namespace and returns
        its result (sockets it creates stay in the namespace)."""
        out = queue.Queue()

        def body():
            try:
                _enter(self.name)
                out.put((True, fn(*args, **kw)))
            except BaseException as e:  # handed to the caller
                out.put((False, e))
        t = threading.Thread(target=body, daemon=True)
        t.start()
        ok, value = out.get()
        t.join()
        if not ok:
            raise value
        return value

    def socket(self, family=socket.AF_INET, kind=socket.SOCK_DGRAM, proto=0):
        return self.call(socket.socket, family, kind, proto)

    def kill_pid(self, pid):
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass

    def close(self):
        for pid in self.pids:
            self.kill_pid(pid)
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        ip("netns", "del", self.name, check=False)


class Host(Netns):
    """A namespace attached to a segment through its interface `eth0`."""

    def __init__(self, name, mac=None, address=None):
        super().__init__(name)
        self.ifname = "eth0"
        self.mac = mac
        self.address = address

    @property
    def ipv4(self):
        return self.address.split("/")[0] if self.address else None

    def set_mac(self, mac):
        self.ip("link", "set", "dev", "eth0", "down")
        self.ip("link", "set", "dev", "eth0", "address", mac)
        self.ip("link", "set", "dev", "eth0", "up")
        self.mac = mac

    def flush(self):
        self.ip("addr", "flush", "dev", "eth0")


class Segment:
    """An Ethernet segment: a bridge in its own namespace, and hosts (each
    its own namespace) plugged into it with veth pairs."""

    def __init__(self, tag="seg"):
        self.prefix = "ivmt%d-%d-%s" % (os.getpid(), next(_counter), tag)
        self.hosts = []
        self.bridge = None
        try:
            self.bridge = Netns(self.prefix + "-br")
            self.bridge.ip("link", "add", "br0", "type", "bridge",
                           "forward_delay", "0", "stp_state", "0")
            self.bridge.ip("link", "set", "br0", "up")
        except BaseException:
            self.close()
            raise

    def attach(self, name, mac=None, address=None):
        h = Host("%s-%s" % (self.prefix, name), mac, address)
        self.hosts.append(h)
        port = "p%d" % len(self.hosts)
        ip("link", "add", "name", port, "netns", self.bridge.name, "type",
           "veth", "peer", "name", "eth0", "netns", h.name)
        self.bridge.ip("link", "set", port, "master", "br0")
        self.bridge.ip("link", "set", port, "up")
        if mac:
            h.ip("link", "set", "dev", "eth0", "address", mac)
        else:
            h.mac = h.ip("-o", "link", "show", "eth0").stdout.split(
                "link/ether ")[1].split()[0]
        if address:
            h.ip("addr", "add", address, "dev", "eth0")
        h.ip("link", "set", "eth0", "up")
        self._wait_forwarding(h, port)
        return h

    def _wait_forwarding(self, host, port):
        """Until both ends have carrier and the bridge forwards on `port`:
        the kernel notices carrier asynchronously (linkwatch), and a frame
        sent before that is dropped by the bridge."""
        while True:
            up = all("LOWER_UP" in ns.ip("-o", "link", "show", dev).stdout
                     for ns, dev in ((host, "eth0"), (self.bridge, port)))
            st = self.bridge.cmd(["bridge", "link", "show", "dev", port])
            st = subprocess.run(st, capture_output=True, text=True,
                                timeout=30).stdout
            if up and "state forwarding" in st:
                return
            time.sleep(0.02)

    def close(self):
        for h in reversed(self.hosts):
            h.close()
        self.hosts = []
        if self.bridge:
            self.bridge.close()
            self.bridge = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class NetnsAppliance(Appliance):
    """The real ivm-appliance inside namespace `host`; its loopback ports
    (SIP, admin) are reached from a thread inside that namespace."""

    def __init__(self, host, **kw):
        super().__init__(**kw)
        self.host = host

    def args(self):
        return self.host.cmd(super().args())

    def http(self, method, path, body=None, headers=None):
        return self.host.call(Appliance.http, self, method, path, body,
                              headers)


# -- raw Ethernet frames (a client that owns no address yet) -------------------

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003
BROADCAST_MAC = b"\xff" * 6


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload):
    """An Ethernet II frame carrying IPv4/UDP with correct checksums."""
    sip, dip = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)
    ulen = 8 + len(payload)
    pseudo = sip + dip + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    csum = _checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0, 64, 17, 0,
                      sip, dip)
    iph = iph[:10] + struct.pack("!H", _checksum(iph)) + iph[12:]
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IP) + iph + udp


def parse_udp_frame(frame):
    """(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload) or None."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    if frame[23] != 17:
        return None
    ip_total = struct.unpack("!H", frame[16:18])[0]
    u = 14 + ihl
    sport, dport, ulen = struct.unpack("!HHH", frame[u:u + 6])
    payload = frame[u + 8:min(u + ulen, 14 + ip_total)]
    return (frame[6:12], frame[0:6], socket.inet_ntoa(frame[26:30]),
            socket.inet_ntoa(frame[30:34]), sport, dport, payload)


class RawLink:
    """An AF_PACKET socket on `host`'s eth0: sends and receives whole frames,
    so a client can speak DHCP with any MAC before it has an address."""

    def __init__(self, host):
        self.host = host
        self.sock = host.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                socket.htons(ETH_P_ALL))
        self.sock.bind((host.ifname, 0))

    def send_udp(self, src_mac, src_ip, dst_ip, sport, dport, payload,
                 dst_mac=BROADCAST_MAC):
        self.sock.send(udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport,
                                 dport, payload))

    def recv_udp(self, dport, accept=lambda p: True, timeout=5.0):
        """The next UDP payload to port `dport` for which accept(payload) is
        true (frames this socket sent itself are skipped), or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                frame, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                return None
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            u = parse_udp_frame(frame)
            if u and u[5] == dport and accept(u[6]):
                return u

    def close(self):
        self.sock.close()
