#!/usr/bin/env python3
"""Latency probe for scripts/bench: OPTIONS over UDP to a SIP server on
127.0.0.1, one request at a time, with microsecond timing (SIPp's own response
times have 1 ms resolution, too coarse for a loopback server).

  options_probe.py ready PORT [SECONDS]    exit 0 once the server answers 200
  options_probe.py run PORT SECONDS RATE   JSON: n, answered, lost, p50/p99 us
"""
import json
import os
import socket
import sys
import time


def request(port, local_port, n):
    return ("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-probe-%d-%d;rport\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:probe@127.0.0.1:%d>;tag=probe%d\r\n"
            "To: <sip:127.0.0.1:%d>\r\n"
            "Call-ID: probe-%d-%d@127.0.0.1\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n"
            % (port, local_port, os.getpid(), n, local_port, os.getpid(), port,
               os.getpid(), n)).encode()


def exchange(sock, port, n, timeout):
    """Sends request n; returns the round trip in microseconds, or None."""
    local_port = sock.getsockname()[1]
    call_id = b"probe-%d-%d@" % (os.getpid(), n)
    t0 = time.perf_counter_ns()
    sock.sendto(request(port, local_port, n), ("127.0.0.1", port))
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            data = sock.recv(65535)
        except socket.timeout:
            return None
        # Skip late answers to earlier probes.
        if call_id in data and data.startswith(b"SIP/2.0 200"):
            return (time.perf_counter_ns() - t0) / 1000.0


def pct(vals, p):
    if not vals:
        return None
    k = (len(vals) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(vals) - 1)
    return round(vals[lo] + (vals[hi] - vals[lo]) * (k - lo), 1)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    cmd, port = sys.argv[1], int(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    if cmd == "ready":
        limit = time.monotonic() + float(sys.argv[3] if len(sys.argv) > 3 else 10)
        n = 0
        while time.monotonic() < limit:
            n += 1
            if exchange(sock, port, n, 0.2) is not None:
                return 0
            time.sleep(0.05)
        return 1
    if cmd != "run" or len(sys.argv) != 5:
        raise SystemExit(__doc__)
    seconds, rate = float(sys.argv[3]), float(sys.argv[4])
    period = 1.0 / rate
    rtts, n = [], 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        n += 1
        slot = start + n * period
        r = exchange(sock, port, n, 0.5)
        if r is not None:
            rtts.append(r)
        pause = slot - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    rtts.sort()
    print(json.dumps({"sent": n, "answered": len(rtts), "lost": n - len(rtts),
                      "p50_us": pct(rtts, 50), "p99_us": pct(rtts, 99)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
