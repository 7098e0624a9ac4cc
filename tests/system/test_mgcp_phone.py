"""Issue 15 from outside, the phone user's side: the hook as presence for
SIP watchers, the message-waiting lamp, *8 plays voice messages to the
handset (and every MGCP message the box sent decodes in tshark), *7
records from it, the box rings the phone to record, calls to a SIP
phone."""

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import unittest

from harness import wait_until
from mgcp_box import (TOOLS, MgcpBox, best_alignment, frames_energy, read_wav,
                      write_udp_pcap)
from sip_ua import UA, body_of
from sip_util import header, status_of
from test_messaging import USERS
from test_presence import answer_as, next_request, subscribe


class MgcpPhone(MgcpBox):
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
        # The go-ahead tone reaches the handset, then the user speaks.
        self.dial_service("*7202#")
        self.gw.send_audio(1, pcm)
        self.gw.on_hook(1)
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the connection deleted")

        msgs = self.wait_voice_messages("202", "Bob's voice message")
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
            msgs = self.wait_voice_messages(user, user + "'s voice message")
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

    def test_record_command_rings_the_phone(self):
        # The same flow from a text message to the box's service address:
        # "record 202" (the answer comes back as a message from the box).
        self.bring_up()
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        try:
            self.assertEqual(status_of(alice.register()), 200)
            self.assertEqual(status_of(alice.message("ivm", "record 999")), 200)
            note = alice.receive_request("MESSAGE")
            self.assertIn(b"No such recipient: 999", body_of(note))
            self.assertFalse(self.gw.ringing(1))
            self.assertEqual(status_of(alice.message("ivm", "Record 202")), 200)
            note = alice.receive_request("MESSAGE")
            self.assertIn(b"Your phone rings", body_of(note))
            self.gw.wait_for(lambda: self.gw.ringing(1), "ringing")
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                      if c.remote], "a connection")
            self.gw.wait_for(lambda: self.gw.received_audio(1), "the tone")
            self.gw.send_audio(1, [4000, -4000] * 4000)  # 1 s of tone
            self.gw.on_hook(1)
            bob = UA(self.box.sip_port, "202", USERS["202"][1])
            try:
                self.assertEqual(status_of(bob.register()), 200)
                note = bob.receive_request("MESSAGE")
                self.assertIn(b"Voice message from", body_of(note))
                self.assertIn(b"(201)", body_of(note))
            finally:
                bob.close()
        finally:
            alice.close()

    def test_calls_between_the_legacy_phone_and_a_sip_phone(self):
        self.bring_up()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        media.bind(("127.0.0.1", 0))
        media.settimeout(10)
        port = media.getsockname()[1]
        answer_sdp = ("v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                      "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                      "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                      % port).encode()
        try:
            self.assertEqual(status_of(bob.register()), 200)
            for who_hangs_up in ("callee", "legacy"):
                self.gw.off_hook(1)
                self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1),
                                 "dial tone")
                self.gw.dial(1, "202")
                inv = next_request(bob, "INVITE", answer=None)
                self.assertIsNotNone(inv, "Bob's phone was not called")
                # A plain call from Alice (no auto-answer) offering the
                # gateway's own RTP address: media end to end.
                self.assertIsNone(header(inv, "Answer-Mode"))
                self.assertIn("sip:201@", header(inv, "From"))
                conn = self.gw.connections(1)[0]
                self.assertIn(b"m=audio %d " % conn.port, body_of(inv))
                answer_as(bob, inv, 180, "Ringing")
                # Alice hears ringback until Bob answers.
                self.gw.wait_for(lambda: "L/rt" in self.gw.signals(1),
                                 "ringback tone")
                answer_as(bob, inv, 200, "OK", body=answer_sdp)
                self.assertIsNotNone(next_request(bob, "ACK", answer=None))
                self.gw.wait_for(lambda: conn.remote == ("127.0.0.1", port),
                                 "the gateway given Bob's media address")
                self.gw.wait_for(lambda: "L/rt" not in self.gw.signals(1),
                                 "ringback stopped")
                # RTP both ways, straight between the gateway and Bob.
                self.gw.send_audio(1, [3000] * 480)
                data, src = media.recvfrom(2048)
                while src[1] != conn.port:  # left from the call before
                    data, src = media.recvfrom(2048)
                self.assertEqual(data[1] & 0x7f, 0)  # PCMU
                for k in range(5):
                    media.sendto(struct.pack("!BBHII", 0x80, 0, k, 160 * k,
                                             0xb0b) + b"\xff" * 160,
                                 ("127.0.0.1", conn.port))
                self.gw.wait_for(lambda: len(conn.received) >= 160,
                                 "Bob's audio at the gateway")
                if who_hangs_up == "callee":
                    to = header(inv, "To") + ";tag=b0b"
                    contact = re.search(r"<([^>]+)>",
                                        header(inv, "Contact")).group(1)
                    bye = ("BYE %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;"
                           "branch=z9hG4bK-bye%d;rport\r\nMax-Forwards: 70\r\n"
                           "From: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
                           "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n"
                           % (contact, bob.port, port, to, header(inv, "From"),
                              header(inv, "Call-ID")))
                    bob.send(bye.encode())
                    self.assertEqual(status_of(bob.final()), 200)
                    # The line is released: reorder until Alice hangs up.
                    self.gw.wait_for(lambda: not self.gw.connections(1),
                                     "the connection deleted")
                    self.gw.wait_for(lambda: "L/ro" in self.gw.signals(1),
                                     "reorder")
                    self.gw.on_hook(1)
                else:
                    self.gw.on_hook(1)
                    self.assertIsNotNone(next_request(bob, "BYE"),
                                         "no BYE for Bob")
                    self.gw.wait_for(lambda: not self.gw.connections(1),
                                     "the connection deleted")
            # Nobody at 203 (not registered): reorder, no connection left.
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
            self.gw.dial(1, "203")
            self.gw.wait_for(lambda: "L/ro" in self.gw.signals(1), "reorder")
            self.gw.wait_for(lambda: not self.gw.connections(1),
                             "no connection left")
            self.gw.on_hook(1)
        finally:
            bob.close()
            media.close()

    @unittest.skipUnless(TOOLS, "curl, espeak-ng and opusdec needed")
    def test_the_callees_rules_meet_a_call_from_the_legacy_phone(self):
        # Alice (201) on the analog line calls Bob (202): his rules decline
        # her, take her voice message, ask her what she wants (she presses
        # 2 and speaks after the tone), and offer her call by IM.
        from test_call_ask import power_at
        self.bring_up()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        self.addCleanup(bob.close)
        self.assertEqual(status_of(bob.register()), 200)

        def rules(action, **more):
            rule = {"when": {"callers": ["201"]}, "action": action}
            rule.update(more)
            s, body = self.api("PUT", "/api/v1/users/202/rules",
                               {"rules": [rule]})
            self.assertEqual(s, 200, body)

        def hang_up():
            self.gw.on_hook(1)
            self.gw.wait_for(lambda: not self.gw.connections(1),
                             "the connection deleted")

        rules("decline")
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "202")
        self.gw.wait_for(lambda: "L/bz" in self.gw.signals(1), "busy tone")
        hang_up()
        pcm = read_wav(self.speech("Bob, the delivery is at the front desk."))
        rules("voicemail")
        self.dial_service("202")  # the go-ahead tone reaches the handset
        self.gw.send_audio(1, pcm)
        hang_up()
        self.wait_voice_messages("202", "the voice message")
        # The menu; 2; "leave your message after the tone"; the tone.
        rules("ask")
        self.dial_service("202")
        self.gw.dial(1, "2")
        self.gw.wait_for(
            lambda: power_at(self.gw.received_audio(1)[-800:], 440.0) > 0.5,
            "the tone after the prompt")
        self.gw.send_audio(1, pcm)
        hang_up()
        def bobs():
            code, body = self.curl("202", "GET", "/api/v1/voice-messages")
            return json.loads(body)["messages"] if code == 200 else []
        wait_until(lambda: len(bobs()) == 2, "the second voice message")
        self.assertEqual([m["from"] for m in bobs()], ["201", "201"])
        # Offered by IM: Bob takes it, his phone rings with Alice's call.
        rules("offer", timeout=30)
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "202")
        m = bob.receive_request("MESSAGE")
        while m is not None and not body_of(m).startswith(b"Call from"):
            m = bob.receive_request("MESSAGE")
        self.assertIsNotNone(m, "no offer")
        self.assertEqual(body_of(m).decode(), "Call from Alice (201) - reply "
                         "1 to take it, 2 to decline, 3 to send to voicemail")
        self.assertEqual(status_of(bob.message("ivm", "1")), 200)
        inv = next_request(bob, "INVITE", answer=None)
        self.assertIsNotNone(inv, "Bob's phone did not ring")
        self.assertIn("sip:201@", header(inv, "From"))
        answer_as(bob, inv, 180, "Ringing")
        self.gw.wait_for(lambda: "L/rt" in self.gw.signals(1),
                         "ringback tone")
        hang_up()
        self.assertIsNotNone(next_request(bob, "CANCEL"), "no CANCEL")


if __name__ == "__main__":
    unittest.main()
