#!/usr/bin/env python3
"""CSTA events through a running box (issue 17): this script is a PBX with
--devices digital phones, each a station of its own user. The box connects,
monitors every device and takes snapshots; then the PBX sends calls
(Delivered, Established, ConnectionCleared on a device: three events each)
at each rate of --rates events/s for --seconds. Printed per rate: events
offered and taken by the box (ivm_csta_events_total), the box's CPU per
event and its share of one core, and how long after the last event the box
had taken them all.

Usage: load.py --admin URL --token T --pid PID [--devices 1000]
               [--rates 2000,8000] [--seconds 10]"""

import argparse
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import urllib.request

NS = "http://www.ecma-international.org/standards/ecma-323/csta/ed4"
TICK = os.sysconf("SC_CLK_TCK")


def frame(invoke_id, xml):
    body = xml.encode()
    return struct.pack(">HH", 0, len(body) + 8) + b"%04d" % invoke_id + body


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Pbx:
    """Answers what the box asks (monitors, snapshots, heartbeats)."""

    def __init__(self):
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.port = self.srv.getsockname()[1]
        self.conn = None
        self.monitors = {}  # device -> cross ref
        self.lock = threading.Lock()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        self.conn, _ = self.srv.accept()
        self.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = b""
        xref = 1000
        while True:
            data = self.conn.recv(1 << 16)
            if not data:
                return
            buf += data
            while len(buf) >= 8:
                (length,) = struct.unpack(">H", buf[2:4])
                if len(buf) < length:
                    break
                iid, xml = int(buf[4:8]), buf[8:length].decode()
                buf = buf[length:]
                name = re.search(r"<(?:\w+:)?(\w+)", xml).group(1)
                if name == "MonitorStart":
                    dev = re.search(r"<deviceObject>([^<]*)<", xml).group(1)
                    xref += 1
                    with self.lock:
                        self.monitors[dev] = str(xref)
                    body = ("<monitorCrossRefID>%d</monitorCrossRefID>"
                            % xref)
                elif name == "SnapshotDevice":
                    body = "<crossRefIDorSnapshotData><snapshotData/>" \
                           "</crossRefIDorSnapshotData>"
                else:
                    body = ""
                self.send(frame(iid, "<%sResponse xmlns=\"%s\">%s</%sResponse>"
                                % (name, NS, body, name)))

    def send(self, data):
        with self.lock:
            self.conn.sendall(data)


def call_events(xref, cid, dev):
    conn = ("<connection><callID>%s</callID><deviceID>%s</deviceID>"
            "</connection>" % (cid, dev))
    other = "<callingDevice><deviceIdentifier>4000</deviceIdentifier>" \
            "</callingDevice>"
    out = []
    for name, tag, state in (("DeliveredEvent", "connection", "alerting"),
                             ("EstablishedEvent", "establishedConnection",
                              "connected"),
                             ("ConnectionClearedEvent", "droppedConnection",
                              "null")):
        c = conn.replace("connection>", tag + ">")
        out.append(frame(9999, "<%s xmlns=\"%s\"><monitorCrossRefID>%s"
                         "</monitorCrossRefID>%s%s<localConnectionInfo>%s"
                         "</localConnectionInfo></%s>"
                         % (name, NS, xref, c, other, state, name)))
    return out


def api(base, token, method, path, body=None):
    req = urllib.request.Request(
        base + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + token,
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def taken(base):
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        m = re.search(rb"\nivm_csta_events_total (\d+)", r.read())
    return int(m.group(1)) if m else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--admin", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--rates", default="2000,8000")
    ap.add_argument("--seconds", type=float, default=10)
    a = ap.parse_args()
    pbx = Pbx()
    for i in range(a.devices):
        ext = str(70000 + i)
        s, b = api(a.admin, a.token, "POST", "/api/v1/users",
                   {"extension": ext, "name": "P" + ext, "password": "pw" + ext})
        assert s in (201, 409), (s, b)
    s, b = api(a.admin, a.token, "POST", "/api/v1/pbx",
               {"name": "bench", "address": "127.0.0.1:%d" % pbx.port})
    assert s == 201, (s, b)
    t0 = time.monotonic()
    for i in range(a.devices):
        s, b = api(a.admin, a.token, "POST", "/api/v1/stations",
                   {"pbx": "bench", "device": str(30000 + i),
                    "extension": str(70000 + i)})
        assert s == 201, (s, b)
    deadline = time.monotonic() + 120
    while len(pbx.monitors) < a.devices and time.monotonic() < deadline:
        time.sleep(0.05)
    print("%d devices monitored %.1f s after the first station"
          % (len(pbx.monitors), time.monotonic() - t0))
    sys.stdout.flush()
    devices = sorted(pbx.monitors)
    seq = 0
    print("%10s %10s %10s %12s %10s %12s" % ("offered/s", "events", "taken",
                                            "cpu us/event", "cpu %",
                                            "drained ms"))
    for rate in [int(r) for r in a.rates.split(",")]:
        before, cpu0 = taken(a.admin), cpu_seconds(a.pid)
        start = time.monotonic()
        sent = 0
        batch_every = 0.01
        while True:
            now = time.monotonic()
            if now - start >= a.seconds:
                break
            due = int((now - start) * rate)
            chunk = []
            while sent + len(chunk) < due:
                d = devices[seq % len(devices)]
                seq += 1
                chunk.extend(call_events(pbx.monitors[d], "C%d" % seq, d))
            if chunk:
                pbx.send(b"".join(chunk))
                sent += len(chunk)
            time.sleep(batch_every)
        end = time.monotonic()
        want = before + sent
        while taken(a.admin) < want and time.monotonic() - end < 60:
            time.sleep(0.01)
        drained = (time.monotonic() - end) * 1000
        got = taken(a.admin) - before
        cpu = cpu_seconds(a.pid) - cpu0
        print("%10d %10d %10d %12.1f %10.0f %12.0f"
              % (rate, sent, got, cpu / max(got, 1) * 1e6,
                 cpu / (time.monotonic() - start) * 100, drained))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
