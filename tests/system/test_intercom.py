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
import subprocess
import threading
import time
import unittest

from harness import wait_until
from sip_ua import UA, body_of
from sip_util import header, sipp_background, status_of
from test_messaging import USERS
from test_record import (TOOLS, Caller, VoiceBox, rtcp_packets, rtp_packets,
                         rtp_recorded)
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


def respond(ua, req, code, reason, tag, body=b""):
    """A response of phone `ua` to `req`, with our To tag and, with a body,
    a Contact and SDP."""
    head = req.split(b"\r\n\r\n")[0].split(b"\r\n")
    keep = [l for l in head[1:] if re.match(
        rb"(?i)(via|v|from|f|to|t|call-id|i|cseq)\s*:", l)]
    keep = [l + b";tag=" + tag.encode()
            if re.match(rb"(?i)(to|t)\s*:", l) and b"tag=" not in l else l
            for l in keep]
    extra = []
    if body:
        extra = [b"Contact: <sip:%s@127.0.0.1:%d>" % (ua.user.encode(),
                                                       ua.port),
                 b"Content-Type: application/sdp"]
    ua.send(b"SIP/2.0 %d %s\r\n" % (code, reason.encode()) +
            b"\r\n".join(keep + extra) +
            b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


def sdp_answer(port, pt=0, codec="PCMU", rtcp=None):
    return ("v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
            "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP %d\r\na=rtpmap:%d %s/8000\r\n%s"
            % (port, pt, pt, codec,
               "a=rtcp:%d\r\n" % rtcp if rtcp else "")).encode()


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

    def sipp_phone(self, user, sink):
        """A SIPp phone of `user` that answers the intercom (PCMU, RTP to
        `sink`), registered; returns the process."""
        phone, port = sipp_background(
            "intercom_uas.xml", extra=["-set", "rtpport", str(sink.port),
                                       "-set", "pt", "0",
                                       "-set", "codec", "PCMU"])
        self.register_sipp(user, port)
        return phone

    def heard(self, sink):
        """What a PCMU phone heard, as a WAVE file."""
        raw = os.path.join(self.tmp, "heard.ulaw")
        with open(raw, "wb") as f:
            f.write(b"".join(sink.payloads()))
        wav = os.path.join(self.tmp, "heard.wav")
        subprocess.run(["sox", "-t", "raw", "-r", "8000", "-c", "1", "-e",
                        "mu-law", raw, wav], check=True)
        return wav

    def end_phone(self, phone):
        out, _ = phone.communicate(timeout=120)
        self.assertEqual(phone.returncode, 0, out[-3000:])

    def test_sipp_caller(self):
        # SIPp dials *9202*203 and plays the speech from a pcap; Bob's
        # phone hears exactly those payloads, Carol (offline) gets it later.
        sink = RtpSink()
        phone = self.sipp_phone("202", sink)
        try:
            self.sipp_speaks("*9202*203")
            self.end_phone(phone)
        finally:
            if phone.poll() is None:
                phone.kill()
                phone.communicate()
            sink.close()
        # SIPp speaks at once, without waiting for the tone: what it sent
        # before Bob's phone answered (a few ms) is not relayed; the rest is,
        # byte for byte.
        sent = [p[12:] for p in rtp_packets(self.ulaw)]
        got = sink.payloads()
        self.assertGreater(len(got), len(sent) - 10)
        self.assertEqual(got, sent[len(sent) - len(got):])
        msg, wav = self.fetch_only_message("203")
        self.assertGreater(similarity(envelope(self.speech8k),
                                      envelope(wav)), 0.9)
        self.assertEqual(self.messages("202"), [])

    @unittest.skipUnless(shutil.which("baresip"), "baresip is not installed")
    def test_baresip_caller(self):
        # A real softphone dials *9202 and plays the speech (aufile); Bob's
        # phone hears it; baresip goes silent and the box hangs up.
        sink = RtpSink()
        phone = self.sipp_phone("202", sink)
        stop = self.baresip("201", dial="*9202", source=self.speech8k)
        try:
            self.end_phone(phone)  # the box's BYE ended Bob's call
        finally:
            stop()
            if phone.poll() is None:
                phone.kill()
                phone.communicate()
            sink.close()
        a, b = envelope(self.speech8k), envelope(self.heard(sink))
        self.assertGreater(similarity(a, b[:len(a) + 25]), 0.8)
        self.assertEqual(self.messages("202"), [])

    def test_no_answer_busy_and_hang_up_get_the_recording(self):
        # Bob's phone rings but does not answer (the box cancels it after
        # intercom_answer_s), Carol's is busy (486), Dave's answers and
        # hangs up in the middle: all three get the recording.
        phones = {u: UA(self.box.sip_port, u, self.password(u))
                  for u in ("202", "203", "204")}
        dave_rtp, dave_rtcp = RtpSink(), RtpSink()
        caller = Caller(self.box)
        seen = {}

        def run_phone(user, ua):
            invite = ua.receive_request("INVITE", answer=None)
            seen[user] = [invite]
            if invite is None:
                return
            tag = "ph%s" % user
            if user == "202":
                respond(ua, invite, 180, "Ringing", tag)
                cancel = ua.receive_request("CANCEL", timeout=30)
                seen[user].append(cancel)
                respond(ua, invite, 487, "Request Terminated", tag)
                seen[user].append(ua.receive_request("ACK", answer=None))
            elif user == "203":
                respond(ua, invite, 486, "Busy Here", tag)
                seen[user].append(ua.receive_request("ACK", answer=None))
            else:
                respond(ua, invite, 200, "OK", tag,
                        sdp_answer(dave_rtp.port, rtcp=dave_rtcp.port))
                seen[user].append(ua.receive_request("ACK", answer=None))

        try:
            for ua in phones.values():
                self.assertEqual(status_of(ua.register()), 200)
            threads = [threading.Thread(target=run_phone, args=(u, ua))
                       for u, ua in phones.items()]
            for t in threads:
                t.start()
            ok = caller.call("*9202*203*204")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            self.assertGreater(len(caller.tone_packets()), 5, "no tone")
            for t in threads:
                t.join(timeout=60)
            self.assertIn(b"answer-after=0", seen["202"][0])
            self.assertIsNotNone(seen["202"][1], "no CANCEL for Bob")
            self.assertIsNotNone(seen["202"][2], "no ACK for the 487")
            self.assertIsNotNone(seen["203"][1], "no ACK for the 486")
            self.assertIsNotNone(seen["204"][1], "no ACK for the 200")
            pkts = rtp_packets(self.ulaw)
            half = len(pkts) // 2
            caller.send_rtp(pkts[:half])
            wait_until(lambda: len(dave_rtp.packets) >= half,
                       "Dave to hear the first half")
            # Dave hangs up.
            dave, invite = phones["204"], seen["204"][0]
            box_contact = re.search(rb"(?im)^contact:\s*<([^>]+)>",
                                    invite).group(1).decode()
            dave.send(("BYE %s SIP/2.0\r\n"
                       "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-by%x;"
                       "rport\r\nMax-Forwards: 70\r\n"
                       "From: %s;tag=ph204\r\nTo: %s\r\nCall-ID: %s\r\n"
                       "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n" % (
                           box_contact, dave.port, random.getrandbits(40),
                           header(invite, "To"), header(invite, "From"),
                           header(invite, "Call-ID"))).encode())
            self.assertEqual(status_of(dave.final()), 200)
            heard = len(dave_rtp.packets)
            caller.send_rtp(pkts[half:])
            wait_until(lambda: rtp_recorded(self.box) >= len(pkts),
                       "the box to receive the speech")
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
            # Nothing more for Dave after his BYE; the box's RTCP to his
            # port (RFC 3605) ends with a sender report of what he got
            # and a BYE.
            self.assertEqual(len(dave_rtp.packets), heard)
            wait_until(lambda: dave_rtcp.packets, "RTCP for Dave")
            last = rtcp_packets(dave_rtcp.packets[-1])
            self.assertEqual([k for k, _, _ in last], [200, 202, 203])
            sent_count = int.from_bytes(last[0][2][16:20], "big")
            self.assertEqual(sent_count, heard)
        finally:
            caller.close()
            dave_rtp.close()
            dave_rtcp.close()
            for ua in phones.values():
                ua.close()
        for user in ("202", "203", "204"):
            msg, wav = self.fetch_only_message(user)
            self.assertEqual(msg["from"], "201")
            a, b = envelope(self.speech8k), envelope(wav)
            self.assertGreater(similarity(a, b), 0.9)

    def lamp_states(self, watcher, until):
        """Dialog states in the NOTIFYs to `watcher` until `until` shows."""
        from test_presence import next_request
        states = []
        while until not in states:
            n = next_request(watcher, "NOTIFY")
            self.assertIsNotNone(n, "no NOTIFY with " + until)
            states += [x.decode() for x in
                       re.findall(rb"<state>(\w+)</state>", body_of(n))]
        return states

    def test_phone_on_tcp_with_busy_lamp(self):
        # Bob's phone registered over TCP: the INVITE, ACK and BYE of the
        # intercom come over the connection it registered on, as calls and
        # messages do. Carol's busy lamp for Bob (RFC 4235) is lit while he
        # listens.
        from test_presence import next_request, subscribe
        bob = UA(self.box.sip_port, "202", USERS["202"][1], transport="tcp")
        carol = UA(self.box.sip_port, "203", USERS["203"][1])
        sink = RtpSink()
        caller = Caller(self.box)
        try:
            self.assertEqual(status_of(subscribe(carol, "202", "dialog")), 200)
            self.assertIsNotNone(next_request(carol, "NOTIFY"))  # idle
            self.assertEqual(status_of(bob.register()), 200)
            ok = caller.call("*9202")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            invite = bob.receive_request("INVITE", answer=None)
            self.assertIsNotNone(invite)
            self.assertIn(b"SIP/2.0/TCP", invite)
            self.assertIn(b"transport=tcp", header(invite, "Contact").encode())
            respond(bob, invite, 200, "OK", "bobtcp", sdp_answer(sink.port))
            self.assertIsNotNone(bob.receive_request("ACK", answer=None))
            self.lamp_states(carol, "confirmed")
            self.assertGreater(len(caller.tone_packets()), 5, "no tone")
            pkts = rtp_packets(self.ulaw)
            caller.send_rtp(pkts)
            wait_until(lambda: len(sink.packets) >= len(pkts),
                       "Bob to hear it")
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
            self.assertIsNotNone(bob.receive_request("BYE"), "no BYE")
            self.lamp_states(carol, "terminated")
        finally:
            caller.close()
            carol.close()
            bob.close()
            sink.close()
        self.assertEqual(sink.payloads(), [p[12:] for p in pkts])

    @unittest.skipUnless(shutil.which("baresip"), "baresip is not installed")
    def test_baresip_answers_by_itself_and_hears_it(self):
        # A real softphone with auto-answer (baresip, answermode=auto); its
        # sndfile module writes what it decoded to a WAVE file.
        self.baresip_recipient(opus=False)

    @unittest.skipUnless(shutil.which("baresip"), "baresip is not installed")
    def test_baresip_with_opus_only_hears_it_transcoded(self):
        # The same softphone without G.711: the box transcodes Alice's PCMU
        # to Opus (RFC 7587) for it.
        self.baresip_recipient(opus=True)

    def baresip_recipient(self, opus):
        from test_softphone import decoded_wav
        dump = os.path.join(self.tmp, "dump")
        os.makedirs(dump)
        stop = self.baresip("202", params="regint=600;answermode=auto",
                            opus=opus, dump=dump)
        caller = Caller(self.box)
        try:
            wait_until(lambda: re.search(r"\b202 registered",
                                         self.box.log_text()),
                       "baresip to register")
            ok = caller.call("*9202")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            self.assertGreater(len(caller.tone_packets()), 5, "no tone")
            # A phone sends a packet every 20 ms.
            start = time.monotonic()
            for i, p in enumerate(rtp_packets(self.ulaw)):
                delay = start + i * 0.02 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                caller.rtp.sendto(p, caller.media_target())
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
            wait_until(lambda: "intercom from 201: heard live by 1"
                       in self.box.log_text(), "the end of the intercom")
            self.assertIn("answered, %s" % ("opus" if opus else "PCMU"),
                          self.box.log_text())
        finally:
            caller.close()
            stop()
        text = self.baresip_log()
        wav = decoded_wav(dump)
        self.assertIsNotNone(wav, text[-3000:])
        a, b = envelope(self.speech8k), envelope(wav)
        self.assertLess(abs(len(a) - len(b)), 15, (len(a), len(b)))
        self.assertGreater(similarity(a, b), 0.9 if opus else 0.95)
        # Heard live: no recording for Bob.
        self.assertEqual(self.messages("202"), [])
