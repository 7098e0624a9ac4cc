"""Small SIP helpers for black-box tests: raw messages over UDP/TCP, reading
answers, and running SIPp scenarios against the box."""

import os
import random
import re
import socket
import subprocess

from harness import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "..", "scenarios", "sipp")
VECTORS = os.path.join(HERE, "..", "vectors", "sip")


def status_of(resp):
    m = re.match(rb"SIP/2\.0 (\d{3}) ", resp)
    return int(m.group(1)) if m else None


def header(resp, *names):
    for line in resp.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower().decode() in [n.lower() for n in names]:
            return value.strip().decode("utf-8", "replace")
    return None


def options(port, call_id=None, branch=None, ruri=None, extra=""):
    call_id = call_id or "opt-%x" % random.getrandbits(48)
    branch = branch or "z9hG4bK-%x" % random.getrandbits(48)
    ruri = ruri or "sip:127.0.0.1:%d" % port
    return ("OPTIONS %s SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:9;branch=%s;rport\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:test@127.0.0.1>;tag=t%x\r\n"
            "To: <%s>\r\n"
            "Call-ID: %s\r\n"
            "CSeq: 1 OPTIONS\r\n%s"
            "Content-Length: 0\r\n\r\n" % (ruri, branch, random.getrandbits(32),
                                           ruri, call_id, extra)).encode()


class Udp:
    """A UDP socket of our own: everything the box sends back to it is an
    answer to what we sent from it."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))

    def send(self, data):
        self.sock.sendto(data, ("127.0.0.1", self.port))

    def recv(self, timeout=10.0):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recvfrom(65535)[0]
        except socket.timeout:
            return None

    def final(self, timeout=10.0):
        """The first final (>= 200) response."""
        while True:
            r = self.recv(timeout)
            if r is None or (status_of(r) or 0) >= 200:
                return r

    def close(self):
        self.sock.close()


class Tcp:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def read_message(self, timeout=10.0):
        """One SIP message framed by Content-Length, or None on close."""
        self.sock.settimeout(timeout)
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end >= 0:
                m = re.search(rb"\r\n(?:Content-Length|l)\s*:\s*(\d+)",
                              self.buf[:head_end + 2], re.I)
                length = int(m.group(1)) if m else 0
                total = head_end + 4 + length
                if len(self.buf) >= total:
                    msg, self.buf = self.buf[:total], self.buf[total:]
                    return msg
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                return None
            self.buf += chunk

    def final(self, timeout=10.0):
        while True:
            r = self.read_message(timeout)
            if r is None or (status_of(r) or 0) >= 200:
                return r

    def closed_by_peer(self, timeout=30.0):
        self.sock.settimeout(timeout)
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except (socket.timeout, ConnectionResetError):
            return False

    def close(self):
        self.sock.close()


def sipp(scenario, sip_port, transport="u1", calls=10, rate=50, extra=()):
    """Runs a SIPp scenario from tests/scenarios/sipp against the box;
    returns (exit code, stderr). SIPp exits 0 only when every call passed.
    SIPp binds its media port and the ones above it (video RTP at +2):
    another test may hold one of them, and SIPp then stops before its
    first message; it is started again on other ports."""
    for attempt in range(5):
        control = free_port()
        media = free_port()
        while media in range(control - 4, control + 5):
            media = free_port()
        args = ["sipp", "-sf", os.path.join(SCENARIOS, scenario),
                "-m", str(calls), "-r", str(rate), "-t", transport,
                "-i", "127.0.0.1", "-p", "0",
                "-cp", str(control), "-mp", str(media),
                "-timeout", "300s", "-timeout_error", "-nostdin",
                "-trace_err", "-error_file", os.devnull] + list(extra) + [
                "127.0.0.1:%d" % sip_port]
        r = subprocess.run(args, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=400)
        out = r.stdout[-3000:] + r.stderr
        unbound = (re.search(r"Unable to bind .*Address already in use",
                             out) and
                   re.search(r"Total Calls created\s*\|\s*\|\s*0\s", out))
        if r.returncode == 0 or not unbound or attempt == 4:
            return r.returncode, out


def ack_for(request, response):
    """The ACK a UAC sends for a non-2xx final answer to an INVITE."""
    head = request.split(b"\r\n\r\n")[0].split(b"\r\n")
    ruri = head[0].split(b" ")[1]
    keep = [l for l in head[1:] if re.match(
        rb"(?i)(via|v|from|f|call-id|i)\s*:", l)]
    to = [l for l in response.split(b"\r\n") if re.match(rb"(?i)to\s*:", l)]
    cseq = re.search(rb"(?im)^cseq\s*:\s*(\d+)", request)
    return (b"ACK " + ruri + b" SIP/2.0\r\n" + b"\r\n".join(keep + to)
            + b"\r\nCSeq: " + cseq.group(1) + b" ACK\r\nContent-Length: 0"
            b"\r\n\r\n")


def sipp_background(scenario, extra=(), port=None):
    """Starts one SIPp call of `scenario` that waits (a UAS phone, or a UAC
    that blocks on NOTIFYs) on `port` (free by default); returns (process,
    port). Its output is read with process.communicate()."""
    port = port or free_port()
    args = ["sipp", "-sf", os.path.join(SCENARIOS, scenario),
            "-m", "1", "-t", "u1", "-i", "127.0.0.1", "-p", str(port),
            "-cp", str(free_port()), "-mp", str(free_port()),
            "-timeout", "300s", "-timeout_error", "-nostdin",
            "-trace_err", "-error_file", os.devnull] + list(extra)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True)
    return proc, port
