#!/usr/bin/env python3
"""NTFY/RQNT round trips against a running appliance (issue 15 benchmark),
or with --protocol megaco the H.248 equivalent (issue 16): Notify of al/of or
al/on -> the box's Reply and its Modify of the line's events -> its Reply.

G simulated gateways with L lines each (default 10 x 100 = 1,000 endpoints)
are added through the admin API, restart (RSIP) and answer the box's RQNTs.
Then, at each offered rate, every round is one line's user lifting or
replacing the handset: the gateway sends NTFY (O: L/hd or L/hu, X: the
request in force), the box answers 200 and sends the line's next RQNT, the
gateway answers 200. A round is complete when the RQNT arrived; its latency
is NTFY sent -> RQNT received. Prints one line per rate: offered, completed
rounds/s, p50/p99 latency, the box's CPU per round and per MGCP transaction
(4 datagrams, 2 transactions per round).

    load.py --admin URL --token T --mgcp 127.0.0.1:2727 --pid PID \\
            --rates 500,1000,2000 --seconds 10 [--protocol megaco]
"""

import argparse
import json
import os
import random
import re
import select
import socket
import sys
import time
import urllib.request

CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def api(base, token, method, path, body):
    req = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method=method,
        headers={"Authorization": "Bearer " + token,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


class Gateway:
    def __init__(self, index, lines, box):
        self.name = "bgw%d.example.net" % index
        self.box = box
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.port = self.sock.getsockname()[1]
        self.lines = lines
        self.x = {}          # line -> request id in force
        self.off = {}        # line -> off-hook
        self.sent_at = {}    # line -> time the round's NTFY left
        self.tid = random.randint(1000, 100000)

    def send(self, text):
        self.sock.sendto(text.encode(), self.box)

    def command(self, verb, ep, params):
        self.tid += 1
        self.send("%s %d %s MGCP 1.0\r\n%s" % (
            verb, self.tid, ep, "".join("%s: %s\r\n" % p for p in params)))
        return self.tid

    # -- H.248 ------------------------------------------------------------
    def h248(self, body):
        self.tid += 1
        self.send("MEGACO/1 [127.0.0.1]:%d\nTransaction = %d { %s }"
                  % (self.port, self.tid, body))

    def restart(self, megaco):
        if megaco:
            self.h248("Context = - { ServiceChange = ROOT { Services { "
                      "Method = Restart } } }")
        else:
            self.command("RSIP", "aaln/*@" + self.name, [("RM", "restart")])

    def hook(self, megaco, n, off):
        if megaco:
            self.h248("Context = - { Notify = line/%d { ObservedEvents = %s "
                      "{ %s } } }" % (n, self.x.get(n, "0"),
                                      "al/of" if off else "al/on"))
        else:
            self.command("NTFY", "aaln/%d@%s" % (n, self.name),
                         [("X", self.x.get(n, "0")),
                          ("O", "L/hd" if off else "L/hu")])

    def on_h248(self, text, now, done):
        """The box's datagram: its requests answered, a line's Modify
        completes that line's round."""
        for m in re.finditer(r"(?:Transaction|\bT)\s*=\s*(\d+)", text):
            self.send("MEGACO/1 [127.0.0.1]:%d\nReply = %s { Context = - "
                      "{ Modify = ROOT } }" % (self.port, m.group(1)))
        for m in re.finditer(r"Modify\s*=\s*line/(\d+)\s*\{\s*Events\s*="
                             r"\s*(\d+)", text):
            line = int(m.group(1))
            self.x[line] = m.group(2)
            t0 = self.sent_at.pop(line, None)
            if t0 is not None:
                done.append(now - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--admin", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--mgcp", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--gateways", type=int, default=10)
    ap.add_argument("--lines", type=int, default=100)
    ap.add_argument("--rates", default="500,1000,2000")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--protocol", default="mgcp", choices=("mgcp", "megaco"))
    a = ap.parse_args()
    megaco = a.protocol == "megaco"
    host, port = a.mgcp.rsplit(":", 1)
    box = (host, int(port))
    gws = [Gateway(i, a.lines, box) for i in range(a.gateways)]
    by_fd = {g.sock.fileno(): g for g in gws}
    for i, g in enumerate(gws):
        api(a.admin, a.token, "POST", "/api/v1/gateways",
            {"name": "bgw%d" % i, "address": "127.0.0.1:%d" % g.port,
             "domain": g.name, "protocol": a.protocol})
        for n in range(1, a.lines + 1):
            api(a.admin, a.token, "POST", "/api/v1/stations",
                {"gateway": "bgw%d" % i,
                 "endpoint": ("line/%d" if megaco else "aaln/%d") % n,
                 "extension": str(10000 + i * 1000 + n)})
    done = []  # latencies of completed rounds

    def pump(timeout):
        r, _, _ = select.select(list(by_fd), [], [], timeout)
        now = time.monotonic()
        for fd in r:
            g = by_fd[fd]
            while True:
                try:
                    data = g.sock.recv(65535)
                except BlockingIOError:
                    break
                if megaco:
                    g.on_h248(data.decode(errors="replace"), now, done)
                    continue
                for part in re.split(r"\r?\n\.\r?\n", data.decode(errors="replace")):
                    head = part.split("\r\n", 1)[0].split()
                    if len(head) < 3 or not head[1].isdigit():
                        continue
                    if head[0] == "RQNT":
                        line = int(head[2].split("@")[0].split("/")[1])
                        m = re.search(r"(?m)^X:\s*(\S+)", part)
                        g.x[line] = m.group(1) if m else g.x.get(line)
                        g.send("200 %s OK\r\n" % head[1])
                        t0 = g.sent_at.pop(line, None)
                        if t0 is not None:
                            done.append(now - t0)
                    elif head[0] in ("AUEP",):
                        g.send("200 %s OK\r\n" % head[1])
                    elif not head[0].isdigit():
                        g.send("200 %s OK\r\n" % head[1])

    # Restart every gateway; wait for every line's first RQNT.
    for g in gws:
        g.restart(megaco)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and \
            sum(len(g.x) for g in gws) < a.gateways * a.lines:
        pump(0.05)
    ready = sum(len(g.x) for g in gws)
    if ready < a.gateways * a.lines:
        sys.exit("only %d of %d lines got their RQNT" % (ready,
                                                         a.gateways * a.lines))
    order = [(g, n) for n in range(1, a.lines + 1) for g in gws]
    print("%-8s %-10s %-10s %-9s %-9s %-14s %-14s" % (
        "offered", "completed", "lost", "p50 ms", "p99 ms", "CPU/round ms",
        "CPU/trans ms"))
    k = 0
    for rate in [int(r) for r in a.rates.split(",")]:
        done.clear()
        sent = 0
        c0, t0 = cpu_seconds(a.pid), time.monotonic()
        end = t0 + a.seconds
        while True:
            now = time.monotonic()
            if now >= end:
                break
            due = int((now - t0) * rate)
            while sent < due:
                g, n = order[k % len(order)]
                k += 1
                if n in g.sent_at:  # still waiting: a lost round
                    sent += 1
                    continue
                g.off[n] = not g.off.get(n, False)
                g.sent_at[n] = time.monotonic()
                g.hook(megaco, n, g.off[n])
                sent += 1
            pump(0.001)
        # Let the last rounds finish (bounded).
        drain = time.monotonic() + 2
        while time.monotonic() < drain and any(g.sent_at for g in gws):
            pump(0.01)
        elapsed = time.monotonic() - t0
        cpu = cpu_seconds(a.pid) - c0
        lost = sum(len(g.sent_at) for g in gws)
        for g in gws:
            g.sent_at.clear()
        lat = sorted(done)
        p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else 0
        per = cpu / len(done) * 1000 if done else 0
        print("%-8d %-10.0f %-10d %-9.2f %-9.2f %-14.3f %-14.3f" % (
            rate, len(done) / a.seconds, lost, p(0.5), p(0.99), per, per / 2))
        sys.stdout.flush()
        time.sleep(0.5)


if __name__ == "__main__":
    main()
