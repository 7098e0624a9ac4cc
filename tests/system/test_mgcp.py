"""Issue 15: legacy phones behind MGCP gateways, from outside. The line
gateway simulator (mgcp_line_sim) plays an analog gateway with scripted
users; the box is its call agent. Gateways and stations through the admin
API; the hook as presence for SIP watchers; the message-waiting lamp; *8
plays voice messages to the handset; *7 records from it."""

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import wave

from harness import Appliance, wait_until
from mgcp_line_sim import LineGateway
from sip_ua import UA
from sip_util import status_of
from test_messaging import USERS, provision
from test_presence import next_request, subscribe
from sip_ua import body_of

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


class Mgcp(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
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
        # The box asked for the line's events (RQNT: off-hook at least).
        self.gw.wait_for(lambda: ("L", "hd") in requested(self.gw, 1),
                         "the box's RQNT for line 1")

    def curl(self, user, method, path, data=None, out=None, ctype=None):
        args = ["curl", "-s", "-o", out or "-", "-w", "\n%{http_code}",
                "--digest", "-u", "%s:%s" % (user, USERS[user][1]),
                "-X", method,
                "http://127.0.0.1:%d%s" % (self.box.admin_port, path)]
        if data is not None:
            args += ["--data-binary", "@" + data,
                     "-H", "Content-Type: " + (ctype or "audio/wav")]
        r = subprocess.run(args, capture_output=True, check=True)
        body, _, code = r.stdout.rpartition(b"\n")
        return int(code), body

    def speech(self, text):
        path = os.path.join(self.tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-w", path, text], check=True)
        return path

    # -- the admin's side ------------------------------------------------------
    def test_gateways_and_stations_through_the_api(self):
        # Bad input: a clear error, nothing stored.
        bad = [({"name": "gw 1", "address": "127.0.0.1:2427"}, "name"),
               ({"name": "gw1", "address": "nowhere"}, "address"),
               ({"name": "gw1", "address": "127.0.0.1:0"}, "address"),
               ({"name": "gw1", "protocol": "megaco",
                 "address": "127.0.0.1:2944"}, "protocol"),
               ({"name": "gw1", "address": "127.0.0.1:2427", "x": 1}, "x")]
        for body, field in bad:
            s, answer = self.api("POST", "/api/v1/gateways", body)
            self.assertEqual(s, 400, body)
            self.assertEqual(answer.get("field"), field, answer)
        s, body = self.api("GET", "/api/v1/gateways")
        self.assertEqual((s, body["gateways"]), (200, []))
        self.add_gateway()
        s, body = self.api("POST", "/api/v1/gateways",
                           {"name": "gw1", "address": "127.0.0.1:9"})
        self.assertEqual(s, 409)
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": "gw9", "endpoint": "aaln/1",
                            "extension": "201"})
        self.assertEqual((s, body.get("field")), (400, "gateway"))
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": "gw1", "endpoint": "aaln/*",
                            "extension": "201"})
        self.assertEqual((s, body.get("field")), (400, "endpoint"))
        self.add_station("201", "aaln/1")
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": "gw1", "endpoint": "AALN/1",
                            "extension": "202"})
        self.assertEqual(s, 409)
        # The box audits a new gateway at once (AUEP); its RSIP brings it
        # up as well, and the box asks for the station's hook events.
        self.assertIn(self.gateway_state()["state"], ("registering", "up"))
        self.gw.start()
        wait_until(lambda: self.gateway_state()["state"] == "up",
                   "the gateway up")
        self.gw.wait_for(lambda: ("L", "hd") in requested(self.gw, 1),
                         "the box's RQNT for line 1")
        state = self.gateway_state()
        self.assertEqual(state["address"], "127.0.0.1:%d" % self.gw.port)
        self.assertEqual([(e["endpoint"], e["extension"], e["hook"])
                          for e in state["endpoints"]],
                         [("aaln/1", "201", "on")])
        # The line not mapped to a station is left alone.
        self.assertEqual(self.gw.last_request(2), {})
        # Kept across a restart; the box audits the gateway when it starts.
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        wait_until(lambda: self.gateway_state()["state"] == "up",
                   "the gateway up after the box restarted")
        s, body = self.api("GET", "/api/v1/stations")
        self.assertEqual([(x["gateway"], x["endpoint"], x["extension"])
                          for x in body["stations"]],
                         [("gw1", "aaln/1", "201")])
        # Deleting the gateway deletes its stations.
        s, _ = self.api("DELETE", "/api/v1/gateways/gw1")
        self.assertEqual(s, 200)
        s, body = self.api("GET", "/api/v1/stations")
        self.assertEqual(body["stations"], [])
        self.assertEqual(self.api("GET", "/api/v1/gateways/gw1")[0], 404)
        # Without the token: nothing.
        s, _ = self.box.http("GET", "/api/v1/gateways")
        self.assertEqual(s, 401)

    def test_unknown_gateway_is_refused_and_logged_once(self):
        stranger = LineGateway("rogue.example.net", lines=1,
                               call_agent=("127.0.0.1", self.box.mgcp_port))
        try:
            stranger.start()
            # Refused: 500 (endpoint unknown), retransmissions answered too.
            stranger.wait_for(
                lambda: [r for r in stranger.responses_received
                         if r[0] == 500], "the refusal")
            stranger.restart()
            stranger.wait_for(
                lambda: len([r for r in stranger.responses_received
                             if r[0] == 500]) >= 2, "the second refusal")
            text = self.box.log_text()
            self.assertEqual(
                text.count("RSIP from unknown gateway 127.0.0.1:%d"
                           % stranger.port), 1, text)
            s, body = self.api("GET", "/api/v1/gateways")
            self.assertEqual((body["gateways"], body["pending"]), ([], []))
            # It never got an RQNT or anything else.
            self.assertEqual(stranger.commands, [])
        finally:
            stranger.close()

    # -- the user's side -------------------------------------------------------
    def test_hook_is_presence_for_sip_watchers(self):
        self.bring_up()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(subscribe(bob, "201", "dialog")), 200)
            n = next_request(bob, "NOTIFY")
            self.assertIn(b"dialog-info", body_of(n))
            self.assertNotIn(b"<state>confirmed</state>", body_of(n))
            self.gw.off_hook(1)
            n = next_request(bob, "NOTIFY")
            while n is not None and b"<state>confirmed</state>" \
                    not in body_of(n):
                n = next_request(bob, "NOTIFY")
            self.assertIsNotNone(n, "no busy lamp for the off-hook phone")
            # The box asked for digits with dial tone.
            self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1),
                             "dial tone")
            self.gw.on_hook(1)
            n = next_request(bob, "NOTIFY")
            while n is not None and b"<state>confirmed</state>" in body_of(n):
                n = next_request(bob, "NOTIFY")
            self.assertIsNotNone(n, "no NOTIFY for on-hook")
            self.assertNotIn(b"<state>confirmed</state>", body_of(n))
        finally:
            bob.close()

    @unittest.skipUnless(TOOLS, "curl, espeak-ng and opusdec needed")
    def test_lamp_and_listening_with_star_8(self):
        self.bring_up()
        self.assertFalse(self.gw.lamp(1))
        wav = self.speech("Hello Alice, the printer on the second floor is "
                          "fixed.")
        code, body = self.curl("202", "POST",
                               "/api/v1/voice-messages?to=201", wav)
        self.assertEqual(code, 201, body)
        self.gw.wait_for(lambda: self.gw.lamp(1), "the lamp on")
        # Lift, dial *8: the box connects the line to its RTP and plays.
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "*8")
        conn = self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                         if c.remote], "a connection")[0]
        self.assertEqual(conn.mode, "sendrecv")
        self.assertEqual(conn.remote[0], "127.0.0.1")
        # Played to the end (beep, message, two beeps): the box ends the
        # connection and the line plays reorder; the message is heard.
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the connection deleted", timeout=30)
        heard = conn.received
        self.gw.wait_for(lambda: "L/ro" in self.gw.signals(1), "reorder")
        ref = frames_energy(read_wav(wav))
        got = frames_energy(heard)
        self.assertGreater(len(got), len(ref) * 0.9)
        self.assertGreater(best_alignment(ref, got), 0.8)
        self.gw.wait_for(lambda: not self.gw.lamp(1), "the lamp off")
        self.gw.on_hook(1)
        code, body = self.curl("201", "GET", "/api/v1/voice-messages")
        self.assertTrue(json.loads(body)["messages"][0]["heard"])

    @unittest.skipUnless(TOOLS, "curl, espeak-ng and opusdec needed")
    def test_recording_with_star_7(self):
        self.bring_up()
        wav = self.speech("Bob, the delivery is at the front desk.")
        pcm = read_wav(wav)
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "*7202#")
        self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                  if c.remote], "a connection with the box")
        # The go-ahead tone reaches the handset, then the user speaks.
        self.gw.wait_for(lambda: self.gw.received_audio(1), "the tone")
        self.gw.send_audio(1, pcm)
        self.gw.on_hook(1)
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the connection deleted")

        def messages():
            code, body = self.curl("202", "GET", "/api/v1/voice-messages")
            return json.loads(body)["messages"] if code == 200 else []
        msgs = wait_until(messages, "Bob's voice message")
        self.assertEqual(msgs[0]["from"], "201")
        ogg = os.path.join(self.tmp, "got.ogg")
        code, _ = self.curl("202", "GET",
                            "/api/v1/voice-messages/" + msgs[0]["id"], out=ogg)
        self.assertEqual(code, 200)
        out = os.path.join(self.tmp, "got.wav")
        subprocess.run(["opusdec", "--quiet", "--rate", "8000", ogg, out],
                       check=True)
        ref, got = frames_energy(pcm), frames_energy(read_wav(out))
        self.assertGreater(len(got), len(ref) * 0.8)
        self.assertGreater(best_alignment(ref, got), 0.8)

    def test_unknown_service_and_recipient_get_reorder(self):
        self.bring_up()
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "*7999#")  # nobody has 999
        self.gw.wait_for(lambda: "L/ro" in self.gw.signals(1), "reorder")
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "no connection left")
        self.gw.on_hook(1)


if __name__ == "__main__":
    unittest.main()
