"""Issue 15, shared by test_mgcp and test_mgcp_phone: a box with users and
a line gateway simulator (mgcp_line_sim) playing an analog gateway with
scripted users; the box is its call agent."""

import json
import math
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import unittest
import wave

from harness import Appliance, wait_until
from mgcp_line_sim import LineGateway
from test_messaging import USERS, provision
from test_voice import curl_as

IVMCTL = os.environ.get("IVMCTL", "ivmctl")
TOOLS = all(shutil.which(t) for t in ("curl", "espeak-ng", "opusdec"))


def read_wav(path):
    with wave.open(path, "rb") as w:
        rate, n = w.getframerate(), w.getnframes()
        raw = w.readframes(n)
    pcm = [int.from_bytes(raw[i:i + 2], "little", signed=True)
           for i in range(0, len(raw), 2)]
    if rate != 8000:  # espeak-ng speaks at 22050 Hz: to 8 kHz, roughly
        pcm = [pcm[int(i * rate / 8000)] for i in range(len(pcm) * 8000 // rate)]
    return pcm


def frames_energy(pcm, frame=160):
    return [math.sqrt(sum(s * s for s in pcm[i:i + frame]) / frame)
            for i in range(0, len(pcm) - frame + 1, frame)]


def correlation(a, b):
    n = min(len(a), len(b))
    if n < 10:
        return 0.0
    a, b = a[:n], b[:n]
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = math.sqrt(sum((x - ma) ** 2 for x in a))
    vb = math.sqrt(sum((y - mb) ** 2 for y in b))
    return cov / (va * vb) if va and vb else 0.0


def write_udp_pcap(path, datagrams, dport):
    """`datagrams` [(payload, (host, sport))] as UDP to `dport` in a pcap."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k, (payload, (host, sport)) in enumerate(datagrams):
            udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) \
                + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k, 0,
                             64, 17, 0, socket.inet_aton(host),
                             socket.inet_aton("127.0.0.1")) + udp
            frame = b"\0" * 12 + b"\x08\x00" + ip
            f.write(struct.pack("<IIII", k, 0, len(frame), len(frame)) + frame)


def requested(gw, n):
    """The (package, event) pairs of the request in force on line n."""
    return [(e["pkg"], e["ev"]) for e in
            gw.last_request(n).get("events") or []]


def best_alignment(ref, got):
    """The energy envelopes' best correlation over shifts of `got`."""
    best = 0.0
    for shift in range(0, max(1, len(got) - len(ref) // 2)):
        best = max(best, correlation(ref, got[shift:]))
    return best


class MgcpBox(unittest.TestCase):
    """A box with users 201-203 and a line gateway simulator (two lines)."""

    #: TOML the box starts with (a test class's own settings), or None.
    config = None

    def setUp(self):
        args = []
        if self.config:
            fd, self.config_path = tempfile.mkstemp(suffix=".toml")
            with os.fdopen(fd, "w") as f:
                f.write(self.config)
            self.addCleanup(os.unlink, self.config_path)
            args = ["--config", self.config_path]
        self.box = Appliance(args).start()
        provision(self.box, group=False)
        with open(os.path.join(self.box.data_dir, "admin.json")) as f:
            self.token = json.load(f)["token"]
        self.gw = LineGateway("gw1.example.net", lines=2,
                              call_agent=("127.0.0.1", self.box.mgcp_port))
        self.tmp = tempfile.mkdtemp(prefix="ivm-mgcp-")

    def tearDown(self):
        self.gw.close()
        code = self.box.stop()
        self.box.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertEqual(code, 0)

    def api(self, method, path, body=None):
        hdr = {"Authorization": "Bearer " + self.token,
               "Content-Type": "application/json"}
        status, data = self.box.http(
            method, path, json.dumps(body).encode() if body is not None
            else None, hdr)
        return status, (json.loads(data) if data else None)

    def add_gateway(self, name="gw1", gw=None):
        gw = gw or self.gw
        s, body = self.api("POST", "/api/v1/gateways",
                           {"name": name, "protocol": "mgcp",
                            "address": "127.0.0.1:%d" % gw.port,
                            "domain": gw.name})
        self.assertEqual(s, 201, body)
        return body

    def add_station(self, ext="201", endpoint="aaln/1", gateway="gw1"):
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": gateway, "endpoint": endpoint,
                            "extension": ext})
        self.assertEqual(s, 201, body)
        return body

    def ctl(self, *args):
        r = subprocess.run([IVMCTL, "--data-dir", self.box.data_dir] +
                           list(args), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def gateway_state(self, name="gw1"):
        s, body = self.api("GET", "/api/v1/gateways/" + name)
        self.assertEqual(s, 200, body)
        return body

    def bring_up(self):
        self.add_gateway()
        self.add_station("201", "aaln/1")
        self.gw.start()
        wait_until(lambda: self.gateway_state()["state"] == "up",
                   "the gateway up")
        # The box asked for the line's events (RQNT: off-hook at least) and
        # its hook state (AUEP F: ES): the line is idle.
        self.gw.wait_for(lambda: ("L", "hd") in requested(self.gw, 1),
                         "the box's RQNT for line 1")
        wait_until(lambda: self.gateway_state()["endpoints"][0]["line"] ==
                   "idle", "line 1 idle")

    def curl(self, user, method, path, data=None, out=None, ctype=None):
        return curl_as(self.box, user, method, path, data, out, ctype)

    def wait_voice_messages(self, user, what):
        """`user`'s voice messages, once there is one."""
        def messages():
            code, body = self.curl(user, "GET", "/api/v1/voice-messages")
            return json.loads(body)["messages"] if code == 200 else []
        return wait_until(messages, what)

    def dial_service(self, digits):
        """Line 1 lifts, dials `digits`; returns once the box connected
        the line and its tone or audio reached the handset."""
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, digits)
        self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                  if c.remote], "a connection with the box")
        self.gw.wait_for(lambda: self.gw.received_audio(1), "the tone")

    def speech(self, text):
        path = os.path.join(self.tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-w", path, text], check=True)
        return path

    # -- the admin's side ------------------------------------------------------
