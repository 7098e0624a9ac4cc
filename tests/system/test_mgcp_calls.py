"""Issue 15 from outside: a SIP phone calls a user whose phone is a legacy
line behind an MGCP gateway. The line rings next to the user's SIP phones;
off-hook answers with the gateway's media address (RTP flows between the
caller and the gateway); either side hanging up clears both; a caller who
gives up stops the ring; a line in use is busy; a real softphone (baresip)
calls it too."""

import os
import random
import re
import shutil
import struct
import subprocess
import unittest

from harness import wait_until
from mgcp_box import MgcpBox, read_wav
from sip_ua import UA, authorization, body_of, parse_challenges
from sip_util import ack_for, header, status_of
from test_messaging import USERS
from test_presence import answer_as, next_request
from test_record import Caller


class Call:
    """Bob (202) calls Alice (201) from a scripted phone with its RTP."""

    def __init__(self, box, callee="201"):
        self.c = Caller(box, "202")
        self.u = self.c.ua
        self.callee = callee

    def close(self):
        self.c.close()

    def invite(self):
        """Sends the INVITE (answering the 407 challenge); returns at once."""
        u = self.u
        u.call_id = "call-%x" % random.getrandbits(64)
        u.tag = "%x" % random.getrandbits(32)
        self.ruri = "sip:%s@127.0.0.1" % self.callee
        self.extra = ("Contact: <sip:202@127.0.0.1:%d>\r\n"
                      "Content-Type: application/sdp\r\n" % u.port)
        u.send(u.request("INVITE", self.ruri, self.extra, self.c.offer()))
        r = u.final()
        assert status_of(r) == 407, r
        u.send(ack_for(u.last_sent, r))
        ch = parse_challenges(r, "Proxy-Authenticate")[0]
        auth = authorization(ch, "INVITE", self.ruri, u.user, u.password)
        self.extra += "Proxy-Authorization: %s\r\n" % auth
        u.send(u.request("INVITE", self.ruri, self.extra, self.c.offer()))
        self.invite_sent = u.last_sent

    def response(self, final=False):
        """The next response to the INVITE (a final one if `final`)."""
        while True:
            r = self.u.recv()
            if r is None:
                return None
            if not r.startswith(b"SIP/2.0"):
                self.u.answer(r, 200)
                continue
            if header(r, "CSeq").endswith("INVITE") and (
                    not final or status_of(r) >= 200):
                return r

    def cancel(self):
        inv = self.invite_sent.decode()
        head = inv.split("\r\n\r\n")[0].split("\r\n")
        keep = [l for l in head[1:] if re.match(
            r"(?i)(via|from|to|call-id|max-forwards)\s*:", l)]
        cseq = re.search(r"(?im)^CSeq:\s*(\d+)", inv).group(1)
        msg = ("CANCEL %s SIP/2.0\r\n%s\r\nCSeq: %s CANCEL\r\n"
               "Content-Length: 0\r\n\r\n"
               % (self.ruri, "\r\n".join(keep), cseq))
        self.u.send(msg.encode())

    def answered(self, ok):
        self.c.ok = ok
        self.c.in_dialog("ACK")


class MgcpCalls(MgcpBox):
    def test_a_sip_phone_calls_the_legacy_phone(self):
        self.bring_up()
        call = Call(self.box)
        try:
            for who_hangs_up in ("legacy", "caller"):
                seen = len(self.gw.raw_in)
                call.invite()
                # The line rings with Bob's number for the display (L/ci);
                # Bob hears that it does.
                self.gw.wait_for(lambda: self.gw.ringing(1), "ringing")
                self.assertTrue([d for d, _ in self.gw.raw_in[seen:]
                                 if re.search(rb"L/ci\(\d\d/\d\d/\d\d/\d\d,"
                                              rb"202,", d)],
                                "no caller id for the display")
                self.assertEqual(status_of(call.response()), 180)
                self.gw.off_hook(1)
                # The gateway gets Bob's media address in the CRCX; Bob gets
                # the gateway's in the 200.
                conn = self.gw.wait_for(
                    lambda: ([c for c in self.gw.connections(1)
                              if c.remote == ("127.0.0.1", call.c.rtp_port)]
                             or [None])[0], "a connection to Bob's RTP")
                ok = call.response(final=True)
                self.assertEqual(status_of(ok), 200, ok)
                self.assertIn(b"m=audio %d " % conn.port, body_of(ok))
                self.assertIn("application/sdp", header(ok, "Content-Type"))
                self.assertIsNotNone(re.search(r"<sip:[^>]+>",
                                               header(ok, "Contact")))
                call.answered(ok)
                self.assertFalse(self.gw.ringing(1))
                # Busy lamp: Alice is on the phone for the admin's view.
                wait_until(lambda: self.gateway_state()["endpoints"][0][
                    "line"] == "connected", "line connected")
                # RTP both ways, straight between Bob and the gateway.
                self.gw.send_audio(1, [3000] * 480)
                call.c.rtp.settimeout(10)
                data, src = call.c.rtp.recvfrom(2048)
                while src[1] != conn.port:  # left from the call before
                    data, src = call.c.rtp.recvfrom(2048)
                self.assertEqual(data[1] & 0x7f, 0)  # PCMU
                for k in range(5):
                    call.c.rtp.sendto(
                        struct.pack("!BBHII", 0x80, 0, k, 160 * k, 0xb0b)
                        + b"\xff" * 160, ("127.0.0.1", conn.port))
                self.gw.wait_for(lambda: len(conn.received) >= 160,
                                 "Bob's audio at the gateway")
                if who_hangs_up == "legacy":
                    self.gw.on_hook(1)
                    bye = next_request(call.u, "BYE")
                    self.assertIsNotNone(bye, "no BYE for Bob")
                    self.assertIn("tag=" + header(bye, "From").split(
                        "tag=")[1], header(ok, "To"))
                    self.gw.wait_for(lambda: not self.gw.connections(1),
                                     "the connection deleted")
                else:
                    call.c.in_dialog("BYE")
                    self.assertEqual(status_of(call.u.final()), 200)
                    self.gw.wait_for(lambda: not self.gw.connections(1),
                                     "the connection deleted")
                    self.gw.wait_for(lambda: "L/ro" in self.gw.signals(1),
                                     "reorder")
                    self.gw.on_hook(1)
                wait_until(lambda: self.gateway_state()["endpoints"][0][
                    "line"] == "idle", "line idle")
        finally:
            call.close()

    def test_the_line_rings_with_the_sip_phones(self):
        """A call to Alice rings her SIP phone and her line together: the
        one that answers takes it, the other stops; a caller who gives up
        stops both."""
        self.bring_up()
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        call = Call(self.box)
        try:
            self.assertEqual(status_of(alice.register()), 200)
            # Her SIP phone answers: the line stops ringing.
            call.invite()
            inv = next_request(alice, "INVITE", answer=None)
            self.assertIsNotNone(inv, "Alice's SIP phone was not called")
            self.gw.wait_for(lambda: self.gw.ringing(1), "ringing")
            answer_as(alice, inv, 200, "OK", body=call.c.offer())
            ok = call.response(final=True)
            self.assertEqual(status_of(ok), 200)
            self.assertIn(b"tag=b0b", header(ok, "To").encode())
            self.gw.wait_for(lambda: not self.gw.ringing(1), "ring stopped")
            self.assertFalse(self.gw.connections(1))
            call.c.ok = ok
            call.c.in_dialog("ACK")
            call.c.in_dialog("BYE")
            self.assertIsNotNone(next_request(alice, "BYE"))
            self.assertEqual(status_of(call.u.final()), 200)
            # Bob gives up while both ring: 487, the line stops.
            call.invite()
            inv = next_request(alice, "INVITE", answer=None)
            self.gw.wait_for(lambda: self.gw.ringing(1), "ringing")
            answer_as(alice, inv, 180, "Ringing")
            self.assertEqual(status_of(call.response()), 180)
            call.cancel()
            self.assertIsNotNone(next_request(alice, "CANCEL"))
            answer_as(alice, inv, 487, "Request Terminated")
            final = call.response(final=True)
            self.assertEqual(status_of(final), 487)
            call.u.send(ack_for(call.invite_sent, final))
            self.gw.wait_for(lambda: not self.gw.ringing(1), "ring stopped")
            # Alice lifts her handset (dial tone): a call now rings only her
            # SIP phone; when it declines, Bob hears busy.
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1),
                             "dial tone")
            call.invite()
            inv = next_request(alice, "INVITE", answer=None)
            answer_as(alice, inv, 603, "Decline")
            final = call.response(final=True)
            self.assertIn(status_of(final), (486, 603))
            self.assertFalse(self.gw.ringing(1))
            self.gw.on_hook(1)
        finally:
            alice.close()
            call.close()

    def test_nobody_answers_the_line(self):
        """Only the line: Bob hears it ring, gives up; the line stops. A
        line in use answers busy."""
        self.bring_up()
        call = Call(self.box)
        try:
            call.invite()
            self.gw.wait_for(lambda: self.gw.ringing(1), "ringing")
            self.assertEqual(status_of(call.response()), 180)
            call.cancel()
            final = call.response(final=True)
            self.assertEqual(status_of(final), 487)
            call.u.send(ack_for(call.invite_sent, final))
            self.gw.wait_for(lambda: not self.gw.ringing(1), "ring stopped")
            self.assertFalse(self.gw.connections(1))
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1),
                             "dial tone")
            call.invite()
            final = call.response(final=True)
            self.assertEqual(status_of(final), 486)
            call.u.send(ack_for(call.invite_sent, final))
            self.gw.on_hook(1)
        finally:
            call.close()

    def test_a_text_message_waits_for_a_device_with_a_display(self):
        """An analog set shows no text: a message to a user whose only phone
        is the line waits (202) for their SIP phone."""
        self.bring_up()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        try:
            r = bob.message("201", "Lunch at noon?")
            self.assertEqual(status_of(r), 202, r)
            self.assertFalse(self.gw.ringing(1))
            self.assertEqual(status_of(alice.register()), 200)
            got = alice.receive_request("MESSAGE")
            self.assertIsNotNone(got, "the message never came")
            self.assertIn(b"Lunch at noon?", got)
        finally:
            bob.close()
            alice.close()

    @unittest.skipUnless(shutil.which("baresip") and shutil.which("sox"),
                         "baresip or sox missing")
    def test_baresip_calls_the_legacy_phone(self):
        from test_softphone import decoded_wav, write_baresip
        self.bring_up()
        home = os.path.join(self.tmp, "baresip")
        dump = os.path.join(self.tmp, "dump")
        os.makedirs(dump)
        tone = os.path.join(self.tmp, "tone.wav")
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16",
                        tone, "synth", "60", "sine", "440"], check=True)
        write_baresip(home, "<sip:202@127.0.0.1:%d>;auth_pass=%s;regint=0"
                      % (self.box.sip_port, USERS["202"][1]), source=tone,
                      dump=dump)
        log = open(os.path.join(home, "log"), "wb")
        proc = subprocess.Popen(
            ["baresip", "-f", home, "-e",
             "/dial sip:201@127.0.0.1:%d" % self.box.sip_port],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

        def stop():
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
            log.close()
        self.addCleanup(stop)
        self.gw.wait_for(lambda: self.gw.ringing(1), "ringing", timeout=30)
        self.gw.off_hook(1)
        conn = self.gw.wait_for(lambda: ([c for c in self.gw.connections(1)
                                          if c.remote] or [None])[0],
                                "a connection to baresip")
        # baresip's tone reaches the gateway; the line's audio reaches
        # baresip (its decoder wrote it).
        self.gw.wait_for(lambda: len(conn.received) >= 8000,
                         "baresip's audio at the gateway", timeout=20)
        self.gw.send_audio(1, [6000, -6000, 6000, -6000, 0, 0, 0, 0] * 1000)
        self.gw.on_hook(1)
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the connection deleted")

        def closed():
            with open(os.path.join(home, "log"), "rb") as f:
                return b"terminated" in f.read()
        wait_until(closed, "baresip hung up by the box")
        stop()
        # What baresip decoded: the line's 1 s of audio, loud.
        wav = decoded_wav(dump)
        self.assertIsNotNone(wav)
        pcm = read_wav(wav)
        loud = sum(1 for v in pcm if abs(v) > 3000)
        self.assertGreater(loud, 2000, "the line's audio not heard")


if __name__ == "__main__":
    unittest.main()
