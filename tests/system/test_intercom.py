"""Issue 6: intercom mode. Alice dials *9 with recipients: the box calls
each one online with auto-answer and relays her RTP to them as it comes
(G.711 passed through, transcoded where their phone chose another codec),
while recording it; whoever is offline, busy or does not answer gets the
recording afterwards."""

import array
import json
import math
import os
import random
import re
import shutil
import socket
import threading
import unittest

from harness import wait_until
from sip_ua import UA, body_of
from sip_util import header, sipp, sipp_background, status_of
from test_messaging import USERS, csv
from test_record import (TOOLS, Caller, VoiceBox, rtp_packets, rtp_recorded)
from test_voice import envelope, similarity

DAVE = ("204", "Dave", "d4vepass")


class RtpSink:
    """A phone's RTP port: keeps every packet that arrives."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.packets = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            try:
                data = self.sock.recv(4096)
            except OSError:
                return
            if not data:
                return
            self.packets.append(data)

    def close(self):
        self.sock.close()

    def payload_type(self):
        return self.packets[0][1] & 0x7f

    def payloads(self):
        return [p[12:] for p in self.packets]

    def sequences(self):
        return [int.from_bytes(p[2:4], "big") for p in self.packets]


def correlation(x, y):
    n = min(len(x), len(y))
    num = sum(x[i] * y[i] for i in range(n))
    den = math.sqrt(sum(v * v for v in x[:n]) * sum(v * v for v in y[:n]))
    return num / den if den else 0.0


def ulaw_to_pcm(data):
    # G.711 mu-law (ITU-T G.711 table 2a).
    out = array.array("h")
    for b in data:
        b = ~b & 0xff
        t = (((b & 0x0f) << 3) + 0x84) << ((b & 0x70) >> 4)
        out.append(0x84 - t if b & 0x80 else t - 0x84)
    return out


def alaw_to_pcm(data):
    # G.711 A-law (ITU-T G.711 table 1a).
    out = array.array("h")
    for b in data:
        b ^= 0x55
        t = (b & 0x0f) << 4
        seg = (b & 0x70) >> 4
        t = t + 8 if seg == 0 else (t + 0x108) << (seg - 1)
        out.append(t if b & 0x80 else -t)
    return out


@unittest.skipUnless(TOOLS and shutil.which("sipp"),
                     "curl, espeak-ng, sox, opusdec or sipp missing")
class Intercom(VoiceBox, unittest.TestCase):
    CONFIG = ("[voice]\nsilence_timeout_s = 2\nmax_length_s = 30\n"
              "intercom_answer_s = 2\n")

    def setUp(self):
        super().setUp()
        with open(os.path.join(self.box.data_dir, "admin.json")) as f:
            token = json.load(f)["token"]
        s, _ = self.box.http("POST", "/api/v1/users", json.dumps(
            {"extension": DAVE[0], "name": DAVE[1],
             "password": DAVE[2]}).encode(),
            {"Authorization": "Bearer " + token,
             "Content-Type": "application/json"})
        self.assertEqual(s, 201)

    def password(self, user):
        return DAVE[2] if user == DAVE[0] else USERS[user][1]

    def register_sipp(self, user, port):
        code, err = sipp("register_contact_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv((user, self.password(user),
                                             str(port)))])
        self.assertEqual(code, 0, err)

    def speak(self, caller, code):
        """Alice calls `code`, waits for the tone, speaks, hangs up."""
        ok = caller.call(code)
        self.assertEqual(status_of(ok), 200, ok)
        caller.in_dialog("ACK")
        tone = caller.tone_packets()
        self.assertGreater(len(tone), 5, self.box.log_text()[-6000:])
        pkts = rtp_packets(self.ulaw)
        before = rtp_recorded(self.box)
        caller.send_rtp(pkts)
        wait_until(lambda: rtp_recorded(self.box) >= before + len(pkts),
                   "the box to receive the speech")
        caller.in_dialog("BYE")
        self.assertEqual(status_of(caller.ua.final()), 200)
        return pkts

    def test_sipp_phones_hear_it_live_and_the_offline_one_gets_it(self):
        # Bob's phone takes PCMU (passed through), Carol's PCMA
        # (transcoded); Dave is offline.
        bob_rtp, carol_rtp = RtpSink(), RtpSink()
        bob, bob_port = sipp_background(
            "intercom_uas.xml", extra=["-set", "rtpport", str(bob_rtp.port),
                                       "-set", "pt", "0",
                                       "-set", "codec", "PCMU"])
        carol, carol_port = sipp_background(
            "intercom_uas.xml", extra=["-set", "rtpport",
                                       str(carol_rtp.port), "-set", "pt",
                                       "8", "-set", "codec", "PCMA"])
        caller = Caller(self.box)
        try:
            self.register_sipp("202", bob_port)
            self.register_sipp("203", carol_port)
            pkts = self.speak(caller, "*9202*203*204")
            for phone in (bob, carol):
                out, _ = phone.communicate(timeout=120)
                self.assertEqual(phone.returncode, 0, out[-3000:])
        finally:
            caller.close()
            for phone in (bob, carol):
                if phone.poll() is None:
                    phone.kill()
                    phone.communicate()
            bob_rtp.close()
            carol_rtp.close()
        sent = [p[12:] for p in pkts]
        # Bob: the very payloads Alice sent, in order, numbered in sequence.
        self.assertEqual(bob_rtp.payload_type(), 0)
        self.assertEqual(bob_rtp.payloads(), sent)
        seqs = bob_rtp.sequences()
        self.assertEqual(seqs, [(seqs[0] + i) & 0xffff
                                for i in range(len(seqs))])
        self.assertTrue(bob_rtp.packets[0][1] & 0x80, "no marker bit")
        # Carol: the same sound in A-law, frame for frame.
        self.assertEqual(carol_rtp.payload_type(), 8)
        self.assertEqual(len(carol_rtp.packets), len(pkts))
        got = alaw_to_pcm(b"".join(carol_rtp.payloads()))
        want = ulaw_to_pcm(b"".join(sent))
        self.assertGreater(correlation(got, want), 0.99)
        # Dave was offline: the recording waits for him.
        dave = UA(self.box.sip_port, *DAVE[::2])
        try:
            self.assertEqual(status_of(dave.register()), 200)
            note = dave.receive_request("MESSAGE")
            self.assertIsNotNone(note, "Dave was not told")
            self.assertIn(b"Voice message from Alice (201)", body_of(note))
        finally:
            dave.close()
        msg, wav = self.fetch_only_message("204")
        a, b = envelope(self.speech8k), envelope(wav)
        self.assertLess(abs(len(a) - len(b)), 10, (len(a), len(b)))
        self.assertGreater(similarity(a, b), 0.9)
        # Bob and Carol heard it live: no recording for them.
        self.assertEqual(self.messages("202"), [])
        self.assertEqual(self.messages("203"), [])
