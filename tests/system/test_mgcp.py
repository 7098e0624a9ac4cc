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
import socket
import struct
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
        # ivmctl shows the same.
        out = self.ctl("gateway", "list")
        self.assertRegex(out, r"gw1\s+mgcp\s+127\.0\.0\.1:%d\s+up"
                         % self.gw.port)
        out = self.ctl("gateway", "show", "gw1")
        self.assertRegex(out, r"aaln/1\s+201\s+\w+\s+on\s+off")
        self.assertRegex(self.ctl("station", "list"), r"gw1\s+aaln/1\s+201")
        self.ctl("station", "add", "gw1", "aaln/2", "202")
        self.ctl("station", "del", "gw1", "aaln/2")
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
        if shutil.which("tshark"):
            self.check_wire_with_tshark()

    def check_wire_with_tshark(self):
        """Every datagram the box sent the gateway decodes in tshark with
        the fields the simulator read (verb, transaction, endpoint, and the
        parameters of RQNT, CRCX, MDCX, DLCX)."""
        got = [(d, a) for d, a in self.gw.raw_in
               if a[1] == self.box.mgcp_port]
        self.assertTrue(got)
        pcap = os.path.join(self.tmp, "mgcp.pcap")
        write_udp_pcap(pcap, got, self.gw.port)
        fields = ["mgcp.req.verb", "mgcp.transid", "mgcp.req.endpoint",
                  "mgcp.rsp.rspcode", "mgcp.param.requestid",
                  "mgcp.param.reqevents", "mgcp.param.callid",
                  "mgcp.param.connectionmode", "mgcp.param.connectionid",
                  "mgcp.param.notifiedentity"]
        args = ["tshark", "-r", pcap, "-d", "udp.port==%d,mgcp" % self.gw.port,
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"]
        for f in fields:
            args += ["-e", f]
        out = subprocess.run(args, capture_output=True, text=True, check=True)
        rows = [dict(zip(fields, line.split("|")))
                for line in out.stdout.splitlines()]
        self.assertEqual(len(rows), len(got))
        verbs = set()
        for (data, _), row in zip(got, rows):
            text = data.decode()
            first = text.split("\r\n", 1)[0].split()
            self.assertEqual(row["mgcp.transid"], first[1], text)
            if first[0].isdigit():  # a response to the gateway's NTFY/RSIP
                self.assertEqual(row["mgcp.rsp.rspcode"], first[0], text)
                continue
            verbs.add(first[0])
            self.assertEqual(row["mgcp.req.verb"], first[0], text)
            self.assertEqual(row["mgcp.req.endpoint"], first[2], text)
            if first[0] == "RQNT":
                self.assertTrue(row["mgcp.param.requestid"], text)
                self.assertTrue(row["mgcp.param.reqevents"], text)
                self.assertEqual(row["mgcp.param.notifiedentity"],
                                 "ca@127.0.0.1:%d" % self.box.mgcp_port)
            if first[0] in ("CRCX", "MDCX", "DLCX"):
                self.assertTrue(row["mgcp.param.callid"], text)
            if first[0] == "CRCX":
                self.assertEqual(row["mgcp.param.connectionmode"], "sendrecv")
            if first[0] == "MDCX":
                self.assertTrue(row["mgcp.param.connectionid"], text)
        self.assertTrue({"AUEP", "RQNT", "CRCX", "MDCX", "DLCX"} <= verbs,
                        verbs)

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

    @unittest.skipUnless(TOOLS, "curl, espeak-ng and opusdec needed")
    def test_ring_to_record(self):
        # The seed's flow: Alice picks the recipients elsewhere, the box
        # rings her analog phone, off-hook records, on-hook sends.
        self.bring_up()
        body = os.path.join(self.tmp, "to.json")
        with open(body, "w") as f:
            json.dump({"to": ["202", "203"]}, f)
        code, answer = self.curl("201", "POST",
                                 "/api/v1/voice-messages/record", body,
                                 ctype="application/json")
        self.assertEqual(code, 202, answer)
        self.gw.wait_for(lambda: self.gw.ringing(1), "ringing")
        # Asked again while it rings: in use.
        code, _ = self.curl("201", "POST", "/api/v1/voice-messages/record",
                            body, ctype="application/json")
        self.assertEqual(code, 409)
        wav = self.speech("Team, lunch is at noon today.")
        pcm = read_wav(wav)
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                  if c.remote], "a connection with the box")
        self.gw.wait_for(lambda: self.gw.received_audio(1), "the tone")
        self.gw.send_audio(1, pcm)
        self.gw.on_hook(1)
        for user in ("202", "203"):
            def messages():
                code, body = self.curl(user, "GET", "/api/v1/voice-messages")
                return json.loads(body)["messages"] if code == 200 else []
            msgs = wait_until(messages, user + "'s voice message")
            self.assertEqual(msgs[0]["from"], "201")
            self.assertGreater(msgs[0]["duration_ms"], 1000)
        # Bad requests: no recipients, an unknown one, a user with no
        # legacy phone, a stranger.
        with open(body, "w") as f:
            json.dump({"to": []}, f)
        code, _ = self.curl("201", "POST", "/api/v1/voice-messages/record",
                            body, ctype="application/json")
        self.assertEqual(code, 422)
        with open(body, "w") as f:
            json.dump({"to": ["999"]}, f)
        code, _ = self.curl("201", "POST", "/api/v1/voice-messages/record",
                            body, ctype="application/json")
        self.assertEqual(code, 422)
        with open(body, "w") as f:
            json.dump({"to": ["201"]}, f)
        code, _ = self.curl("202", "POST", "/api/v1/voice-messages/record",
                            body, ctype="application/json")
        self.assertEqual(code, 404)
        s, _ = self.box.http("POST", "/api/v1/voice-messages/record",
                             b'{"to":["202"]}')
        self.assertEqual(s, 401)

    @unittest.skipUnless(TOOLS, "curl, espeak-ng and opusdec needed")
    def test_gateway_restart_during_a_recording_keeps_the_audio(self):
        self.bring_up()
        pcm = read_wav(self.speech("The first half arrives, the rest is "
                                   "cut by the restart of the gateway."))
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "*7202#")
        self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                  if c.remote], "a connection with the box")
        self.gw.wait_for(lambda: self.gw.received_audio(1), "the tone")
        self.gw.send_audio(1, pcm[:len(pcm) // 2])
        self.gw.restart()  # RSIP restart: its calls are gone

        def messages():
            code, body = self.curl("202", "GET", "/api/v1/voice-messages")
            return json.loads(body)["messages"] if code == 200 else []
        msgs = wait_until(messages, "the message cut by the restart")
        self.assertGreater(msgs[0]["duration_ms"], 500)
        # The line is asked for its events again, the gateway is up.
        self.gw.wait_for(lambda: ("L", "hd") in requested(self.gw, 1) or
                         ("L", "hu") in requested(self.gw, 1),
                         "the line resynchronised")
        self.assertEqual(self.gateway_state()["state"], "up")

    def test_lost_datagrams_are_retransmitted_and_executed_once(self):
        self.bring_up()
        # The box's answer to the off-hook NTFY is lost: the gateway sends
        # the NTFY again and gets the same answer, no second dial tone
        # request.
        self.gw.drop_incoming(1)
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.wait_for(lambda: self.gw.retransmissions >= 1,
                         "the NTFY retransmitted")
        # The box's CRCX is lost: the box sends it again, the gateway
        # makes one connection.
        self.gw.drop_incoming(1)
        self.gw.dial(1, "*8")
        self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                  if c.remote], "a connection")
        self.assertEqual(len(self.gw.connections(1)), 1)
        self.assertEqual(max(self.gw.executions.values()), 1,
                         self.gw.executions)
        crcx = [c for c in self.gw.commands if c[0] == "CRCX"]
        self.assertEqual(len(crcx), 1)
        self.gw.on_hook(1)
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the connection deleted")

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
