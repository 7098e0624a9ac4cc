"""Issue 18: a caller asked what they want (Bob's rule "ask"). The box
answers and speaks a menu (espeak-ng): 1 talk to Bob, 2 leave a voice
message, 3 send a fax; keys by RFC 4733 or SIP INFO. "Talk" rings Bob's
phone and bridges the two calls both ways; no answer in the rule's time is
a voice message; a caller who leaves in the menu is a missed call for Bob.
Callers are our UA (to hear the prompts and check the audio both ways) and
SIPp (DTMF from SIPp's own RFC 4733 recordings)."""

import array
import math
import os
import random
import re
import socket
import struct
import subprocess
import time
import unittest

from harness import free_port, wait_until
from sip_ua import body_of
from sip_util import header, status_of
from test_call_rules import RulesBox
from test_presence import answer_as, next_request
from test_record import dtmf_key, rtp_packets, rtp_recorded
from test_voice import TOOLS, envelope, similarity

ULAW = [0] * 256


def _ulaw_table():
    for b in range(256):
        u = ~b & 0xff
        t = ((u & 0x0f) << 3) + 0x84
        t <<= (u & 0x70) >> 4
        ULAW[b] = (0x84 - t) if u & 0x80 else (t - 0x84)


_ulaw_table()


def pcm_of(packets):
    """The mu-law payloads of RTP packets (payload type 0) as PCM."""
    out = []
    for p in packets:
        if len(p) > 12 and p[1] & 0x7f == 0:
            out.extend(ULAW[b] for b in p[12:])
    return out


def power_at(pcm, hz, rate=8000):
    """Goertzel: the share of a block's energy at `hz`."""
    if not pcm:
        return 0.0
    k = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in pcm:
        s1, s2 = x + k * s1 - s2, s1
    p = s1 * s1 + s2 * s2 - k * s1 * s2
    total = sum(x * x for x in pcm) * len(pcm) / 2 or 1.0
    return p / total


def rms(pcm):
    return math.sqrt(sum(x * x for x in pcm) / len(pcm)) if pcm else 0.0


class Listener:
    """What a phone's RTP socket receives, read on demand."""

    def __init__(self, sock):
        self.sock = sock

    def until(self, cond, limit_s=30.0):
        """Packets until `cond(packets so far)` holds (None after
        `limit_s` without it)."""
        got = []
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                got.append(self.sock.recvfrom(2048)[0])
            except socket.timeout:
                break
            if cond(got):
                return got
        return None


def heard_tone(packets):
    """The box's "speak now" tone (440 Hz) in the last 100 ms."""
    tail = pcm_of(packets[-5:])
    return len(tail) >= 800 and rms(tail) > 1000 and \
        power_at(tail, 440.0) > 0.5


@unittest.skipUnless(TOOLS, "curl, espeak-ng, sox or opusdec missing")
class AskTheCaller(RulesBox, unittest.TestCase):
    # SIPp speaks at a fixed time after its key: the recording must not end
    # for silence before (the prompt and the tone come first).
    CONFIG = "[voice]\nsilence_timeout_s = 6\nmax_length_s = 30\n"

    def answered_call(self):
        """Alice calls Bob, the box answers; returns the listener on her
        RTP socket."""
        caller = self.alice.c
        ok = caller.call("202")
        self.assertEqual(status_of(ok), 200, ok)
        self.assertIn(b"telephone-event", ok)
        caller.in_dialog("ACK")
        return Listener(caller.rtp)

    def info(self, key):
        """A key by SIP INFO (application/dtmf-relay), answered 200."""
        c = self.alice.c
        u = c.ua
        u.cseq += 1
        body = "Signal=%s\r\nDuration=160\r\n" % key
        target = re.search(r"<([^>]+)>", header(c.ok, "Contact")).group(1)
        u.send(("INFO %s SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%x;rport\r\n"
                "Max-Forwards: 70\r\nFrom: <sip:201@127.0.0.1>;tag=%s\r\n"
                "To: %s\r\nCall-ID: %s\r\nCSeq: %d INFO\r\n"
                "Content-Type: application/dtmf-relay\r\n"
                "Content-Length: %d\r\n\r\n%s" % (
                    target, u.port, random.getrandbits(48), u.tag,
                    header(c.ok, "To"), u.call_id, u.cseq, len(body),
                    body)).encode())
        while True:
            r = u.recv()
            self.assertIsNotNone(r, "no answer to the INFO")
            if r.startswith(b"SIP/2.0") and header(r, "CSeq").endswith("INFO"):
                self.assertEqual(status_of(r), 200, r)
                return

    def hang_up(self):
        c = self.alice.c
        c.in_dialog("BYE")
        while True:
            r = c.ua.recv()
            self.assertIsNotNone(r, "no answer to the BYE")
            if r.startswith(b"SIP/2.0") and header(r, "CSeq").endswith("BYE"):
                self.assertEqual(status_of(r), 200, r)
                return

    def speak_and_check_message(self, listener):
        """After the tone: Alice speaks, hangs up; Bob gets her message and
        it holds her speech only (not what was said in the menu)."""
        pkts = rtp_packets(self.ulaw)
        before = rtp_recorded(self.box)
        self.alice.c.send_rtp(pkts)
        wait_until(lambda: rtp_recorded(self.box) >= before + len(pkts),
                   "the box to record the speech")
        self.hang_up()
        self.assertIn("Voice message from Alice (201)", self.next_message())
        msg, wav = self.fetch_only_message("202")
        self.assertEqual(msg["from"], "201")
        self.assertLess(msg["duration_ms"], len(self.ulaw) / 8 + 1500)
        self.assertGreater(similarity(envelope(self.speech8k),
                                      envelope(wav)), 0.8)

    # -- the menu -----------------------------------------------------------

    def test_the_menu_is_spoken_and_2_by_rfc4733_leaves_a_message(self):
        self.rules({"action": "ask"})
        heard = self.answered_call()
        # The menu: speech (not silence, not a tone) for two seconds.
        menu = heard.until(lambda got: len(got) >= 100)
        self.assertIsNotNone(menu, "no menu from the box")
        speech = pcm_of(menu[10:])
        self.assertGreater(rms(speech), 500)
        self.assertLess(power_at(speech, 440.0), 0.5)
        self.alice.c.send_rtp(dtmf_key("2"))
        # "Please leave your message after the tone", then the tone.
        self.assertIsNotNone(heard.until(heard_tone), "no tone")
        self.speak_and_check_message(heard)

    def test_talk_by_sip_info_rings_bob_and_bridges_both_ways(self):
        self.rules({"action": "ask", "timeout": 20})
        heard = self.answered_call()
        self.assertIsNotNone(heard.until(lambda got: len(got) >= 25))
        self.info("1")
        inv = next_request(self.bob, "INVITE", answer=None)
        self.assertIsNotNone(inv, "Bob's phone did not ring")
        self.assertRegex(header(inv, "From"), r"Alice.*sip:201@")
        self.assertNotIn("Answer-Mode", inv.decode())
        box_port = int(re.search(rb"m=audio (\d+)", inv).group(1))
        bob_rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(bob_rtp.close)
        bob_rtp.bind(("127.0.0.1", 0))
        sdp = (b"v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
               b"c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
               b"a=rtpmap:0 PCMU/8000\r\n" % bob_rtp.getsockname()[1])
        answer_as(self.bob, inv, 180, "Ringing")
        # Alice hears ringback (425 Hz) while Bob's phone rings.
        self.assertIsNotNone(heard.until(
            lambda got: power_at(pcm_of(got[-5:]), 425.0) > 0.5),
            "no ringback")
        answer_as(self.bob, inv, 200, "OK", body=sdp)
        self.assertIsNotNone(next_request(self.bob, "ACK", answer=None))
        # Alice -> Bob: her speech, payload for payload (both PCMU).
        pkts = rtp_packets(self.ulaw)[:50]
        self.alice.c.send_rtp(pkts)
        at_bob = Listener(bob_rtp).until(
            lambda got: sum(1 for p in got if p[12:] == pkts[-1][12:]) > 0)
        self.assertIsNotNone(at_bob, "Alice's audio did not reach Bob")
        sent = {p[12:] for p in pkts}
        self.assertGreaterEqual(sum(1 for p in at_bob if p[12:] in sent), 45)
        # Bob -> Alice.
        reply = rtp_packets(bytes(reversed(self.ulaw)), ssrc=0xb0b)[:50]
        for p in reply:
            bob_rtp.sendto(p, ("127.0.0.1", box_port))
        back = {p[12:] for p in reply}
        at_alice = heard.until(
            lambda got: sum(1 for p in got if p[12:] in back) >= 45)
        self.assertIsNotNone(at_alice, "Bob's audio did not reach Alice")
        # Alice hangs up: Bob's call ends too; nothing was recorded.
        self.hang_up()
        self.assertIsNotNone(next_request(self.bob, "BYE"), "no BYE to Bob")
        self.assertEqual(self.messages("202"), [])

    def test_talk_unanswered_is_a_message_and_leaving_the_menu_a_missed_call(
            self):
        self.rules({"action": "ask", "timeout": 5})
        heard = self.answered_call()
        self.alice.c.send_rtp(dtmf_key("1"))
        inv = next_request(self.bob, "INVITE", answer=None)
        self.assertIsNotNone(inv, "Bob's phone did not ring")
        answer_as(self.bob, inv, 180, "Ringing")
        # Five seconds later the box gives up on Bob's phone ...
        cancel = next_request(self.bob, "CANCEL")
        self.assertIsNotNone(cancel, "Bob's phone was not cancelled")
        answer_as(self.bob, inv, 487, "Request Terminated")
        # ... and Alice is asked to leave a message.
        self.assertIsNotNone(heard.until(heard_tone), "no tone")
        self.speak_and_check_message(heard)
        # Another call: Alice hangs up while the menu plays.
        heard = self.answered_call()
        self.assertIsNotNone(heard.until(lambda got: len(got) >= 25))
        self.hang_up()
        self.assertRegex(self.next_message(),
                         r"^Missed call from Alice \(201\) at \d\d:\d\d\.$")
        self.assertEqual(len(self.messages("202")), 1)

    def test_sipp_caller_presses_2_and_leaves_a_message(self):
        self.rules({"action": "ask"})
        self.sipp_speaks("202", scenario="ask_uac.xml")
        self.assertIn("Voice message from Alice (201)", self.next_message())
        msg, wav = self.fetch_only_message("202")
        self.assertEqual(msg["from"], "201")
        self.assertGreater(similarity(envelope(self.speech8k),
                                      envelope(wav)), 0.8)

    def test_baresip_caller_presses_2_and_leaves_a_message(self):
        # baresip calls Bob; its microphone is a file: five seconds of
        # silence, then Alice's speech. Its "2" (typed on its console once
        # the call is up, sent as RFC 4733 DTMF) chooses the voice message;
        # the box hangs up after the speech and the silence that follows.
        self.rules({"action": "ask"})
        source = os.path.join(self.tmp, "mic.wav")
        subprocess.run(["sox", self.speech8k, source, "pad", "5", "0"],
                       check=True)
        port = free_port()
        self.baresip("201", dial="202", source=source, console=port)
        keys = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(keys.close)
        wait_until(lambda: "established" in self.baresip_log().lower(),
                   "baresip's call to be answered")
        keys.sendto(b"2", ("127.0.0.1", port))
        # The message ends with the silence after the speech.
        m = self.bob.receive_request("MESSAGE", timeout=60)
        self.assertIsNotNone(m, self.baresip_log())
        self.assertIn("Voice message from Alice (201)",
                      body_of(m).decode())
        msg, wav = self.fetch_only_message("202")
        # The speech somewhere after the tone (baresip's file started with
        # the call): the best match over the recording.
        a, rec = envelope(self.speech8k), envelope(wav)
        best = max(similarity(a, rec[k:k + len(a)])
                   for k in range(0, max(1, len(rec) - len(a) + 1), 10))
        self.assertGreater(best, 0.8)

    def test_rules_refuse_what_ask_does_not_take(self):
        s, body = self.api("PUT", "/api/v1/users/202/rules",
                           {"rules": [{"action": "ask", "to": "203"}]})
        self.assertEqual(s, 400, body)
        self.assertIn("rules[0].to", str(body))


if __name__ == "__main__":
    unittest.main()
