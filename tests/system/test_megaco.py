"""Issue 16 from outside: legacy phones behind an H.248 (MEGACO) gateway,
played by megaco_gw_sim.py (its own text parser, not the box's): the
gateway taken into service by its ServiceChange, an unknown one refused,
the hook, dial tone and digit map, *8 playback, calls both ways with RTP
between the caller and the gateway, a gateway that stops answering; and
every message the box sent decodes in Erlang/OTP's H.248 decoder."""

import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import unittest

from harness import Appliance, wait_until
from megaco_gw_sim import MegacoGateway
from mgcp_box import IVMCTL
from sip_ua import UA, body_of
from sip_util import header, status_of
from test_messaging import USERS, provision
from test_mgcp_calls import Call
from test_presence import answer_as, next_request
from test_voice import curl_as

TOOLS = all(shutil.which(t) for t in ("curl", "espeak-ng"))


class MegacoBox(unittest.TestCase):
    compact = False
    config = None
    gateway = MegacoGateway  # or otp_mg.OtpGateway

    def setUp(self):
        args = []
        self.tmp = tempfile.mkdtemp(prefix="ivm-megaco-")
        if self.config:
            path = os.path.join(self.tmp, "box.toml")
            with open(path, "w") as f:
                f.write(self.config)
            args = ["--config", path]
        self.box = Appliance(args).start()
        provision(self.box, group=False)
        with open(os.path.join(self.box.data_dir, "admin.json")) as f:
            self.token = json.load(f)["token"]
        self.gw = self.gateway(lines=2, compact=self.compact,
                                controller=("127.0.0.1", self.box.megaco_port))

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

    def state(self):
        s, body = self.api("GET", "/api/v1/gateways/gw2")
        self.assertEqual(s, 200, body)
        return body

    def bring_up(self):
        s, body = self.api("POST", "/api/v1/gateways",
                           {"name": "gw2", "protocol": "megaco",
                            "address": "127.0.0.1:%d" % self.gw.port})
        self.assertEqual(s, 201, body)
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": "gw2", "termination": "line/1",
                            "extension": "201"})
        self.assertEqual(s, 201, body)
        self.gw.start()
        wait_until(lambda: self.state()["state"] == "up", "the gateway up")
        self.gw.wait_for(lambda: "al/of" in self.gw.events(1),
                         "the box's Modify of line/1 (off-hook wanted)")

    def otp_decodes_what_the_box_sent(self):
        """Every datagram the box sent the gateway decodes in OTP, and in
        tshark with the transaction ids and commands it carries. A gateway
        on OTP's stack decoded them itself: nothing it could not read."""
        if not hasattr(self.gw, "raw_in"):
            self.assertEqual(self.gw.errors, [])
            self.assertTrue(self.gw.commands)
            return
        if shutil.which("tshark"):
            self.tshark_reads_what_the_box_sent()
        if not shutil.which("erl"):
            return
        d = os.path.join(self.tmp, "sent")
        os.makedirs(d, exist_ok=True)
        names = []
        for i, (data, _) in enumerate(list(self.gw.raw_in)):
            p = os.path.join(d, "%d.txt" % i)
            with open(p, "wb") as f:
                f.write(data)
            names.append(p)
        self.assertTrue(names)
        script = (
            'Bad = [F || F <- string:lexemes(os:getenv("FILES"), ","), '
            'element(1, megaco_pretty_text_encoder:decode_message([], '
            'dynamic, element(2, file:read_file(F)))) =/= ok], '
            'io:format("BAD ~p~n", [Bad]), halt().')
        r = subprocess.run(["erl", "-noshell", "-eval", script],
                           env=dict(os.environ, FILES=",".join(names)),
                           capture_output=True, text=True, timeout=60)
        self.assertIn("BAD []", r.stdout, r.stdout + r.stderr)


    def tshark_reads_what_the_box_sent(self):
        from mgcp_box import write_udp_pcap
        got = list(self.gw.raw_in)  # a snapshot: audits keep coming
        pcap = os.path.join(self.tmp, "h248.pcap")
        write_udp_pcap(pcap, got, self.gw.port)
        fields = ["megaco.transid", "megaco.command", "megaco.termid",
                  "_ws.malformed"]
        args = ["tshark", "-r", pcap, "-d",
                "udp.port==%d,megaco" % self.gw.port, "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=a",
                "-E", "aggregator=,"]
        for f in fields:
            args += ["-e", f]
        out = subprocess.run(args, capture_output=True, text=True,
                             check=True)
        rows = [dict(zip(fields, line.split("|")))
                for line in out.stdout.splitlines()]
        self.assertEqual(len(rows), len(got))
        import re
        for (data, _), row in zip(got, rows):
            text = data.decode()
            self.assertEqual(row["_ws.malformed"], "", text)
            tid = re.search(r"(?:Transaction|Reply|\bT|\bP)\s*=\s*(\d+)",
                            text)
            if tid:
                self.assertIn(tid.group(1), row["megaco.transid"].split(","),
                              text)
            for verb in ("Modify", "Add", "Subtract", "AuditValue"):
                if re.search(r"\b%s\s*=" % verb, text) and "Reply" not in \
                        text:
                    self.assertIn(verb, row["megaco.command"], text)


class Megaco(MegacoBox):
    def test_gateway_in_service_hook_and_digit_map(self):
        self.bring_up()
        body = self.state()
        self.assertEqual(body["protocol"], "megaco")
        self.assertEqual(body["encoding"], "long")
        self.assertEqual(body["endpoints"][0]["endpoint"], "line/1")
        wait_until(lambda: self.state()["endpoints"][0]["line"] == "idle",
                   "line idle")
        # Off-hook: dial tone, digits wanted with the box's digit map (E
        # for *, F for #, S for the timer).
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1), "dial tone")
        self.assertIn("dd/ce", self.gw.events(1))
        self.assertIn("E8", self.gw.lines[1].digit_map)
        self.assertIn("E7[0-9E].F", self.gw.lines[1].digit_map)
        wait_until(lambda: self.state()["endpoints"][0]["hook"] == "off",
                   "off-hook in the API")
        # A wrong number: congestion tone (reorder).
        self.gw.dial(1, "0")
        self.gw.wait_for(lambda: "cg/ct" in self.gw.signals(1), "reorder")
        self.gw.on_hook(1)
        wait_until(lambda: self.state()["endpoints"][0]["line"] == "idle",
                   "line idle again")
        self.otp_decodes_what_the_box_sent()
        # ivmctl: an H.248 gateway writing compact tokens; bad encodings
        # refused.
        def ctl(*args):
            return subprocess.run([IVMCTL, "--data-dir", self.box.data_dir] +
                                  list(args), capture_output=True, text=True)
        r = ctl("gateway", "add", "gw3", "127.0.0.1:2949", "--protocol",
                "megaco", "--encoding", "compact")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("encoding: compact", r.stdout)
        r = ctl("gateway", "add", "gw4", "127.0.0.1:2950", "--encoding",
                "compact")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("encoding", r.stderr + r.stdout)
        r = ctl("gateway", "list")
        self.assertRegex(r.stdout, r"gw3\s+megaco")

    def test_unknown_gateway_is_refused_and_logged_once(self):
        stranger = MegacoGateway(lines=1,
                                 controller=("127.0.0.1", self.box.megaco_port))
        try:
            stranger.start()
            stranger.wait_for(lambda: [r for r in stranger.replies.values()
                                       if child_error(r) == "402"],
                              "the refusal")
            stranger.start()
            stranger.wait_for(lambda: len(stranger.replies) >= 2,
                              "the second refusal")
            self.assertEqual(self.box.log_text().count(
                "unknown H.248 gateway 127.0.0.1:%d" % stranger.port), 1)
            self.assertEqual(stranger.requests_in, [])
        finally:
            stranger.close()

    @unittest.skipUnless(TOOLS, "curl or espeak-ng missing")
    def test_star_8_plays_the_voice_messages(self):
        self.bring_up()
        wav = os.path.join(self.tmp, "m.wav")
        subprocess.run(["espeak-ng", "-w", wav, "The printer is fixed."],
                       check=True)
        code, body = curl_as(self.box, "202", "POST",
                             "/api/v1/voice-messages?to=201", wav)
        self.assertEqual(code, 201, body)
        # The lamp of the idle phone (andisp/data, a message-waiting MDMF).
        self.gw.wait_for(lambda: self.gw.lamp(1), "the lamp on")
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "*8")
        conn = self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                         if c.remote], "a connection")[0]
        self.assertEqual(conn.remote[0], "127.0.0.1")
        # Played to the end: the box empties the context.
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the context emptied (Subtract)", timeout=30)
        self.assertGreater(len(conn.received), 8000)
        self.gw.on_hook(1)
        self.gw.wait_for(lambda: not self.gw.lamp(1), "the lamp off")
        self.otp_decodes_what_the_box_sent()

    def test_calls_both_ways(self):
        self.bring_up()
        # A SIP phone calls the legacy phone.
        call = Call(self.box)
        try:
            call.invite()
            self.gw.wait_for(lambda: self.gw.ringing(1), "ringing")
            # With Bob's number for the display (andisp/dwa).
            self.assertIn("andisp/dwa", self.gw.signals(1))
            self.assertEqual(self.gw.caller_id(1)["number"], "202")
            self.assertRegex(self.gw.caller_id(1)["when"], r"^\d{8}$")
            self.assertEqual(status_of(call.response()), 180)
            self.gw.off_hook(1)
            conn = self.gw.wait_for(
                lambda: ([c for c in self.gw.connections(1)
                          if c.remote == ("127.0.0.1", call.c.rtp_port)]
                         or [None])[0], "a connection to Bob's RTP")
            ok = call.response(final=True)
            self.assertEqual(status_of(ok), 200, ok)
            self.assertIn(b"m=audio %d " % conn.port, body_of(ok))
            call.answered(ok)
            self.gw.send_audio(1, [3000] * 480)
            call.c.rtp.settimeout(10)
            data, src = call.c.rtp.recvfrom(2048)
            self.assertEqual(src[1], conn.port)
            for k in range(5):
                call.c.rtp.sendto(struct.pack("!BBHII", 0x80, 0, k, 160 * k,
                                              0xb0b) + b"\xff" * 160,
                                  ("127.0.0.1", conn.port))
            self.gw.wait_for(lambda: len(conn.received) >= 160,
                             "Bob's audio at the gateway")
            self.gw.on_hook(1)
            self.assertIsNotNone(next_request(call.u, "BYE"), "no BYE")
            self.gw.wait_for(lambda: not self.gw.connections(1),
                             "the context emptied")
            if hasattr(self.gw, "raw_in"):  # this simulator counts its RTP
                wait_until(lambda: "line/1: call statistics" in
                           self.box.log_text(), "the call's statistics")
                self.assertRegex(self.box.log_text(),
                                 r"call statistics nt/os=\d+ nt/or=\d+ "
                                 r"rtp/ps=3 rtp/pr=\d+")
        finally:
            call.close()
        # The legacy phone calls a SIP phone.
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        media.bind(("127.0.0.1", 0))
        try:
            self.assertEqual(status_of(bob.register()), 200)
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1),
                             "dial tone")
            self.gw.dial(1, "202")
            inv = next_request(bob, "INVITE", answer=None)
            self.assertIsNotNone(inv, "Bob's phone was not called")
            conn = self.gw.wait_for(lambda: self.gw.connections(1),
                                    "the context (Add)")[0]
            self.assertIn(b"m=audio %d " % conn.port, body_of(inv))
            answer_as(bob, inv, 180, "Ringing")
            self.gw.wait_for(lambda: "cg/rt" in self.gw.signals(1),
                             "ringback")
            sdp = ("v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                   "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
                   % media.getsockname()[1]).encode()
            answer_as(bob, inv, 200, "OK", body=sdp)
            self.assertIsNotNone(next_request(bob, "ACK", answer=None))
            self.gw.wait_for(
                lambda: conn.remote == ("127.0.0.1", media.getsockname()[1]),
                "Bob's media address given to the gateway (Modify)")
            self.gw.on_hook(1)
            self.assertIsNotNone(next_request(bob, "BYE"), "no BYE for Bob")
            self.gw.wait_for(lambda: not self.gw.connections(1),
                             "the context emptied")
            self.assertIn("sip:201@", header(inv, "From"))
        finally:
            bob.close()
            media.close()
        self.otp_decodes_what_the_box_sent()


    def test_a_busy_callee_gives_busy_tone(self):
        self.bring_up()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(bob.register()), 200)
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1),
                             "dial tone")
            self.gw.dial(1, "202")
            inv = next_request(bob, "INVITE", answer=None)
            self.assertIsNotNone(inv, "Bob's phone was not called")
            answer_as(bob, inv, 486, "Busy Here")
            self.gw.wait_for(lambda: "cg/bt" in self.gw.signals(1),
                             "busy tone (cg/bt)")
            self.gw.wait_for(lambda: not self.gw.connections(1),
                             "the context emptied")
            self.gw.on_hook(1)
            wait_until(lambda: self.state()["endpoints"][0]["line"] ==
                       "idle", "line idle")
        finally:
            bob.close()


class MegacoFaults(MegacoBox):
    compact = True

    @unittest.skipUnless(TOOLS, "curl or espeak-ng missing")
    def test_restart_during_a_recording_keeps_the_audio(self):
        self.bring_up()
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "*7202#")
        conn = self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                         if c.remote], "a connection")[0]
        self.gw.wait_for(lambda: conn.received, "the start tone")
        wav = os.path.join(self.tmp, "s.wav")
        subprocess.run(["espeak-ng", "-w", wav, "The first half arrives, "
                        "the rest is cut by the restart."], check=True)
        from mgcp_box import read_wav
        pcm = read_wav(wav)
        self.gw.send_audio(1, pcm[:len(pcm) // 2])
        self.gw.restart()  # ServiceChange Restart: its contexts are gone
        def messages():
            code, body = curl_as(self.box, "202", "GET",
                                 "/api/v1/voice-messages")
            return json.loads(body)["messages"] if code == 200 else []
        msgs = wait_until(messages, "the message cut by the restart")
        self.assertGreater(msgs[0]["duration_ms"], 500)
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        try:
            self.assertEqual(status_of(alice.register()), 200)
            note = alice.receive_request("MESSAGE")
            self.assertIsNotNone(note, "Alice was not told")
            self.assertIn(b"was cut short", body_of(note))
        finally:
            alice.close()
        self.gw.wait_for(lambda: self.gw.events(1), "line/1 asked anew")
        self.assertEqual(self.state()["state"], "up")
        self.otp_decodes_what_the_box_sent()

    def test_a_gateway_without_andisp_rings_plainly(self):
        # No H.248.23 display package there: the refused Modify is asked
        # again with al/ri, and the box says so once in its log.
        self.gw.close()
        self.gw = MegacoGateway(lines=2, compact=True, display=False,
                                controller=("127.0.0.1", self.box.megaco_port))
        self.bring_up()
        call = Call(self.box)
        try:
            call.invite()
            self.gw.wait_for(lambda: "al/ri" in self.gw.signals(1),
                             "plain ringing (al/ri)")
            self.assertEqual(status_of(call.response()), 180)
            self.assertIsNone(self.gw.caller_id(1))
            self.gw.off_hook(1)
            ok = call.response(final=True)
            self.assertEqual(status_of(ok), 200, ok)
            call.answered(ok)
            self.gw.on_hook(1)
            self.assertIsNotNone(next_request(call.u, "BYE"), "no BYE")
        finally:
            call.close()
        self.assertEqual(self.box.log_text().count(
            "takes no caller ID or message-waiting display"), 1)

    def test_lost_datagrams_duplicates_and_garbage(self):
        self.bring_up()
        # The box's reply to the off-hook Notify is lost: the gateway sends
        # the Notify again, gets the same reply, one dial tone request.
        self.gw.drop_replies = 1
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1), "dial tone")
        self.gw.wait_for(lambda: self.gw.retransmissions >= 1,
                         "the Notify sent again")
        # What the box sends next (its reply, its Add) is lost: sent again,
        # executed once.
        self.gw.drop_incoming(1)
        self.gw.dial(1, "*7202#")
        self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                  if c.remote], "a connection")
        self.assertEqual(max(self.gw.executions.values()), 1,
                         self.gw.executions)
        self.gw.on_hook(1)
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the context emptied")
        # Garbage from the gateway's address: nothing; a request broken after
        # its id: Error 403 for it; the box serves on.
        box = ("127.0.0.1", self.box.megaco_port)
        seen = len(self.gw.raw_in)
        self.gw.sock.sendto(b"\x00\xff garbage", box)
        self.gw.sock.sendto(("!/1 %s\nT=4711{C=-{N=line/1{OE=1{\"x}}}}"
                             % self.gw.mid).encode(), box)
        self.gw.wait_for(lambda: [d for d, _ in self.gw.raw_in[seen:]
                                  if b"4711" in d and b"403" in d],
                         "Error 403 for transaction 4711")
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1),
                         "dial tone after the garbage")
        self.gw.on_hook(1)
        self.assertEqual(self.state()["state"], "up")


def child_error(reply):
    for c in reply[2]:
        if c[0] == "Error":
            return c[1]
    return None


class SilentMegacoGateway(MegacoBox):
    compact = True
    config = "[mgcp]\naudit_interval_s = 1\nmax_retransmissions = 2\n"

    def test_down_then_resynchronised(self):
        self.bring_up()
        before = self.gw.lines[1].rid
        self.gw.pause()
        wait_until(lambda: self.state()["state"] == "down", "the gateway down")
        self.gw.resume()
        wait_until(lambda: self.state()["state"] == "up", "up again")
        self.gw.wait_for(lambda: self.gw.lines[1].rid != before,
                         "line/1 asked anew")
        self.otp_decodes_what_the_box_sent()


if __name__ == "__main__":
    unittest.main()
