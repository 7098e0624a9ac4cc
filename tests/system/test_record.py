"""Issue 6 (part): record mode from a phone. A caller dials *7202*203, the
box answers with SDP, plays a tone, records the caller's RTP (G.711 speech
made with espeak-ng and sox) until the caller hangs up, presses '#' or stays
silent; the recipients are told and fetch a recording that matches."""

import json
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from harness import Appliance, wait_until
from sip_ua import UA, authorization, body_of, parse_challenges
from sip_util import ack_for, header, status_of
from test_messaging import USERS, provision
from test_voice import envelope, similarity

TOOLS = all(shutil.which(t) for t in ("curl", "espeak-ng", "sox", "opusdec"))


def rtp_packets(ulaw, pt=0, ssrc=0x1234, seq0=1000, ts0=0):
    out = []
    for i in range(0, len(ulaw) - 159, 160):
        out.append(struct.pack("!BBHII", 0x80, pt | (0x80 if i == 0 else 0),
                               (seq0 + i // 160) & 0xffff,
                               (ts0 + i) & 0xffffffff, ssrc) + ulaw[i:i + 160])
    return out


def dtmf_key(key, seq=40000, ts=80000, ssrc=0x1234, pt=101):
    """One key press by RFC 4733: two packets of the event, then three
    with the end bit (as phones send it), all with the event's timestamp."""
    event = "0123456789*#".index(key)
    out = []
    for i, (end, duration) in enumerate(((0, 160), (0, 320), (1, 640),
                                         (1, 640), (1, 640))):
        out.append(struct.pack("!BBHIIBBH", 0x80, pt | (0x80 if i == 0 else 0),
                               (seq + i) & 0xffff, ts, ssrc, event,
                               (0x80 if end else 0) | 10, duration))
    return out


def dtmf_hash(seq, ts, ssrc=0x1234, pt=101):
    # RFC 4733: event 11 ('#'), end bit, volume 10, duration 800.
    return struct.pack("!BBHIIBBH", 0x80, pt, seq & 0xffff, ts, ssrc, 11,
                       0x80 | 10, 800)


def write_pcap(path, ulaw, sport=4000, dport=6000):
    """RTP (PCMU, 20 ms packets) in a pcap file, for SIPp's
    play_pcap_audio (it sends the RTP to the media address of the SDP)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k, pkt in enumerate(rtp_packets(ulaw)):
            udp = struct.pack("!HHHH", sport, dport, 8 + len(pkt), 0) + pkt
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k, 0,
                             64, 17, 0, socket.inet_aton("127.0.0.1"),
                             socket.inet_aton("127.0.0.1")) + udp
            frame = b"\0" * 12 + b"\x08\x00" + ip
            usec = k * 20000
            f.write(struct.pack("<IIII", usec // 1000000, usec % 1000000,
                                len(frame), len(frame)) + frame)


def rtcp_packets(data):
    """The packets of an RTCP compound (RFC 3550 §6): [(type, count,
    body)]."""
    out = []
    while len(data) >= 4:
        first, kind, length = struct.unpack("!BBH", data[:4])
        assert first >> 6 == 2, "not RTCP version 2"
        size = 4 * (length + 1)
        out.append((kind, first & 0x1f, data[4:size]))
        data = data[size:]
    assert not data, "trailing bytes"
    return out


def rtp_recorded(box):
    _, text = box.http("GET", "/metrics")
    m = re.search(rb"(?m)^ivm_voice_rtp_packets_total (\d+)", text)
    return int(m.group(1)) if m else 0


class Caller:
    """A phone calling a service code over UDP, with its RTP socket."""

    def __init__(self, box, user="201", rtp_host="127.0.0.1"):
        self.ua = UA(box.sip_port, user, USERS[user][1])
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((rtp_host, 0))
        self.rtp_port = self.rtp.getsockname()[1]
        self.sdp_host = "127.0.0.1"

    def close(self):
        self.ua.close()
        self.rtp.close()

    def offer(self, codecs="0 101", rtpmaps=("0 PCMU/8000",
                                              "101 telephone-event/8000"),
              rtcp_port=None):
        lines = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-",
                 "c=IN IP4 %s" % self.sdp_host, "t=0 0",
                 "m=audio %d RTP/AVP %s" % (self.rtp_port, codecs)]
        lines += ["a=rtpmap:" + r for r in rtpmaps] + ["a=sendrecv"]
        if rtcp_port:
            lines.append("a=rtcp:%d" % rtcp_port)  # RFC 3605
        return ("\r\n".join(lines) + "\r\n").encode()

    def call(self, code, sdp=None):
        """INVITE sip:CODE@box (answering the 407); returns the final
        response."""
        u = self.ua
        u.call_id = "rec-%x" % random.getrandbits(64)
        u.tag = "%x" % random.getrandbits(32)
        self.ruri = "sip:%s@127.0.0.1" % code
        extra = ("Contact: <sip:%s@127.0.0.1:%d>\r\n"
                 "Content-Type: application/sdp\r\n" % (u.user, u.port))
        body = sdp or self.offer()
        u.send(u.request("INVITE", self.ruri, extra, body))
        r = u.final()
        if status_of(r) == 407:
            u.send(ack_for(u.last_sent, r))
            ch = parse_challenges(r, "Proxy-Authenticate")[0]
            auth = authorization(ch, "INVITE", self.ruri, u.user, u.password)
            u.send(u.request("INVITE", self.ruri, extra +
                             "Proxy-Authorization: %s\r\n" % auth, body))
            r = u.final()
        if status_of(r) is not None and status_of(r) >= 300:
            u.send(ack_for(u.last_sent, r))
        self.ok = r
        return r

    def media_target(self):
        body = body_of(self.ok).decode()
        port = int(re.search(r"m=audio (\d+)", body).group(1))
        host = re.search(r"c=IN IP4 (\S+)", body).group(1)
        return host, port

    def in_dialog(self, method):
        u = self.ua
        u.cseq += 1
        target = re.search(r"<([^>]+)>", header(self.ok, "Contact")).group(1)
        msg = ("%s %s SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%x;rport\r\n"
               "Max-Forwards: 70\r\nFrom: <sip:%s@127.0.0.1>;tag=%s\r\n"
               "To: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
               "Content-Length: 0\r\n\r\n" % (
                   method, target, u.port, random.getrandbits(48), u.user,
                   u.tag, header(self.ok, "To"), u.call_id,
                   u.cseq if method != "ACK" else u.cseq - 1, method))
        if method == "ACK":
            u.cseq -= 1
        u.send(msg.encode())

    def send_rtp(self, packets, source=None):
        sock = source or self.rtp
        for p in packets:
            sock.sendto(p, self.media_target())

    def tone_packets(self, limit_s=5.0):
        """RTP the box sent us (the "speak now" tone), until it pauses."""
        self.rtp.settimeout(limit_s)
        got = []
        try:
            while True:
                got.append(self.rtp.recvfrom(2048)[0])
                self.rtp.settimeout(0.5)
        except socket.timeout:
            pass
        return got


class VoiceBox:
    """A box with Alice, Bob and Carol, short voice timeouts, and Alice's
    speech (espeak-ng) as WAVE and mu-law; HTTP access to the messages."""

    CONFIG = "[voice]\nsilence_timeout_s = 2\nmax_length_s = 30\n"

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ivm-voice-")
        conf = os.path.join(self.tmp, "box.toml")
        with open(conf, "w") as f:
            f.write(self.CONFIG)
        self.box = Appliance(extra_args=["--config", conf]).start()
        provision(self.box)
        speech = os.path.join(self.tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-w", speech, "Hello Bob. This is a "
                        "voice message from Alice about the budget."],
                       check=True)
        self.speech8k = os.path.join(self.tmp, "speech8k.wav")
        subprocess.run(["sox", speech, "-r", "8000", "-c", "1", "-b", "16",
                        self.speech8k], check=True)
        self.ulaw = subprocess.run(
            ["sox", speech, "-t", "raw", "-r", "8000", "-c", "1", "-e",
             "mu-law", "-"], capture_output=True, check=True).stdout

    def tearDown(self):
        code = self.box.stop()
        self.box.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertEqual(code, 0)

    def password(self, user):
        return USERS[user][1]

    def register_sipp(self, user, port):
        """Registers `user` with a contact on `port` (a SIPp phone)."""
        from sip_util import sipp
        from test_messaging import csv
        code, err = sipp("register_contact_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv((user, self.password(user),
                                             str(port)))])
        self.assertEqual(code, 0, err)

    def baresip(self, user, dial=None, params="regint=0", **kw):
        """Starts baresip as `user`'s softphone (options of write_baresip),
        dialing `dial` if given; returns a function that stops it (also
        called at the end of the test). Its log: baresip_log()."""
        from test_softphone import write_baresip
        self.baresip_home = os.path.join(self.tmp, "baresip")
        write_baresip(self.baresip_home, "<sip:%s@127.0.0.1:%d>;auth_pass=%s;%s"
                      % (user, self.box.sip_port, self.password(user), params),
                      **kw)
        log = open(os.path.join(self.baresip_home, "log"), "wb")
        args = ["baresip", "-f", self.baresip_home]
        if dial:
            args += ["-e", "/dial sip:%s@127.0.0.1:%d" % (dial,
                                                          self.box.sip_port)]
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)

        def stop():
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
            log.close()
        self.addCleanup(stop)
        return stop

    def baresip_log(self):
        with open(os.path.join(self.baresip_home, "log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def sipp_speaks(self, code, scenario="record_uac.xml"):
        """SIPp as Alice's phone dials `code` and plays the speech (RTP from
        a pcap), then hangs up (record_uac.xml, or `scenario`)."""
        from sip_util import sipp
        from test_messaging import csv
        write_pcap(os.path.join(self.tmp, "speech.pcap"), self.ulaw)
        cwd = os.getcwd()
        os.chdir(self.tmp)  # SIPp finds speech.pcap here
        try:
            code, err = sipp(scenario, self.box.sip_port, "u1",
                             calls=1, rate=1,
                             extra=["-inf", csv(("201", USERS["201"][1],
                                                 code))])
        finally:
            os.chdir(cwd)
        self.assertEqual(code, 0, err)

    def curl(self, user, path, out):
        r = subprocess.run(
            ["curl", "-s", "-o", out, "-w", "%{http_code}", "--digest", "-u",
             "%s:%s" % (user, self.password(user)),
             "http://127.0.0.1:%d%s" % (self.box.admin_port, path)],
            capture_output=True, check=True)
        return int(r.stdout)

    def messages(self, user):
        listing = os.path.join(self.tmp, "list.json")
        self.assertEqual(self.curl(user, "/api/v1/voice-messages", listing),
                         200)
        with open(listing) as f:
            return json.load(f)["messages"]

    def fetch_only_message(self, user):
        # Stored once encoded, just after the call ended.
        wait_until(lambda: self.messages(user), "the recording for " + user)
        msgs = self.messages(user)
        self.assertEqual(len(msgs), 1, msgs)
        ogg = os.path.join(self.tmp, "got-%s.ogg" % user)
        self.assertEqual(self.curl(user, "/api/v1/voice-messages/" +
                                   msgs[0]["id"], ogg), 200)
        wav = os.path.join(self.tmp, "got-%s.wav" % user)
        subprocess.run(["opusdec", "--quiet", ogg, wav], check=True)
        return msgs[0], wav


@unittest.skipUnless(TOOLS, "curl, espeak-ng, sox or opusdec missing")
class RecordMode(VoiceBox, unittest.TestCase):
    def test_record_until_hang_up(self):
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        caller = Caller(self.box)
        try:
            self.assertEqual(status_of(bob.register()), 200)
            ok = caller.call("*7202*203")
            self.assertEqual(status_of(ok), 200, ok)
            self.assertIn(b"m=audio", body_of(ok))
            self.assertIn(b"PCMU", body_of(ok))
            caller.in_dialog("ACK")
            tone = caller.tone_packets()
            self.assertGreater(len(tone), 5, "no tone from the box")
            self.assertEqual(tone[0][1] & 0x7f, 0)  # PCMU
            # Packets from another address are not part of the message.
            other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            other.bind(("127.0.0.2", 0))
            noise = bytes([0x00] * 160)  # loudest mu-law value
            caller.send_rtp([struct.pack("!BBHII", 0x80, 0, 1, 0, 99) + noise
                             for _ in range(50)], source=other)
            other.close()
            pkts = rtp_packets(self.ulaw)
            caller.send_rtp(pkts)
            # Hang up once the box has taken them all (a phone hangs up
            # after the last word, not microseconds after its packet).
            wait_until(lambda: rtp_recorded(self.box) >= len(pkts),
                       "the box to receive the speech")
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
            note = bob.receive_request("MESSAGE")
            self.assertIsNotNone(note, "Bob was not told")
            self.assertIn(b"Voice message from Alice (201)", body_of(note))
        finally:
            bob.close()
            caller.close()
        msg, wav = self.fetch_only_message("202")
        self.assertEqual(msg["from"], "201")
        a, b = envelope(self.speech8k), envelope(wav)
        self.assertLess(abs(len(a) - len(b)), 10, (len(a), len(b)))
        self.assertGreater(similarity(a, b), 0.9)
        # Carol was offline: hers is there too.
        self.fetch_only_message("203")

    def test_rtcp_reports_and_bye(self):
        # The caller's SDP names its RTCP port (RFC 3605); the box reports
        # what it received (RR with a block about the caller's stream, SDES
        # CNAME) and says BYE when the recording ends (RFC 3550 §6).
        rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rtcp.bind(("127.0.0.1", 0))
        caller = Caller(self.box)
        try:
            ok = caller.call("*7202", caller.offer(
                rtcp_port=rtcp.getsockname()[1]))
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            caller.tone_packets()
            pkts = rtp_packets(self.ulaw)
            # One lost on the way.
            caller.send_rtp(pkts[:10] + pkts[11:])
            wait_until(lambda: rtp_recorded(self.box) >= len(pkts) - 1,
                       "the box to receive the speech")
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
            rtcp.settimeout(10)
            while True:
                got = rtcp_packets(rtcp.recv(2048))
                if any(kind == 203 for kind, _, _ in got):
                    break
        finally:
            rtcp.close()
            caller.close()
        kinds = [kind for kind, _, _ in got]
        # The box sent the tone: a sender report; then SDES and BYE.
        self.assertEqual(kinds, [200, 202, 203])
        kind, count, body = got[0]
        self.assertEqual(count, 1)  # one report block: about the caller
        ssrc, = struct.unpack("!I", body[24:28])
        self.assertEqual(ssrc, 0x1234)
        lost = int.from_bytes(body[29:32], "big")
        highest, = struct.unpack("!I", body[32:36])
        self.assertEqual(lost, 1)
        self.assertEqual(highest, 1000 + len(pkts) - 1)
        self.assertIn(b"ivm@127.0.0.1", got[1][2])

    def test_hang_up_then_kill_loses_nothing(self):
        # The 200 to the caller's BYE says the message is sent: it comes
        # once the recording is on disk (sealed), so killing the box right
        # after it loses nothing; the message is finished at the next start.
        caller = Caller(self.box)
        long_speech = self.ulaw * 8  # ~25 s: encoding takes a while
        try:
            ok = caller.call("*7202")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            caller.tone_packets()
            pkts = rtp_packets(long_speech)
            caller.send_rtp(pkts)
            wait_until(lambda: rtp_recorded(self.box) >= len(pkts),
                       "the box to receive the speech")
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
            self.box.kill()
        finally:
            caller.close()
        self.box.start()
        msg, wav = self.fetch_only_message("202")
        self.assertEqual(msg["from"], "201")
        self.assertGreater(msg["duration_ms"], 20000)
        self.assertIn("finished after a restart", self.box.log_text())
        # Nothing readable was left on disk on the way.
        self.box.stop()
        for root, _, files in os.walk(self.box.data_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                self.assertNotIn(long_speech[4000:4200], data, name)
                self.assertNotIn(b"OggS", data, name)
        self.box.start()

    def test_hash_key_and_silence_end_the_recording(self):
        caller = Caller(self.box)
        try:
            self.assertEqual(status_of(caller.call("*7202")), 200)
            caller.in_dialog("ACK")
            caller.tone_packets()
            pkts = rtp_packets(self.ulaw)
            caller.send_rtp(pkts + [dtmf_hash(1000 + len(pkts),
                                              160 * len(pkts))])
            # The box hangs up: a BYE comes to the caller.
            bye = caller.ua.receive_request("BYE")
            self.assertIsNotNone(bye, "no BYE after #")
        finally:
            caller.close()
        msg, wav = self.fetch_only_message("202")
        self.assertGreater(msg["duration_ms"], 1000)
        # Silence: a call that sends nothing is ended after the timeout
        # (2 s here) and nothing is stored for so short a recording.
        caller = Caller(self.box)
        try:
            self.assertEqual(status_of(caller.call("*7203")), 200)
            caller.in_dialog("ACK")
            bye = caller.ua.receive_request("BYE", timeout=15)
            self.assertIsNotNone(bye, "no BYE after silence")
        finally:
            caller.close()

    def upload(self, text, to="202"):
        wav = os.path.join(self.tmp, "up-%x.wav" % random.getrandbits(32))
        subprocess.run(["espeak-ng", "-w", wav, text], check=True)
        r = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
             "--digest", "-u", "201:%s" % USERS["201"][1],
             "--data-binary", "@" + wav, "-H", "Content-Type: audio/wav",
             "http://127.0.0.1:%d/api/v1/voice-messages?to=%s"
             % (self.box.admin_port, to)], capture_output=True, check=True)
        self.assertEqual(int(r.stdout), 201)
        return wav

    def listen(self, keys=()):
        """Bob dials *8; returns the audio the box played (mu-law bytes),
        pressing `keys` [(after_seconds, event)] on the way; ends at the
        box's BYE."""
        import select
        caller = Caller(self.box, "202")
        try:
            ok = caller.call("*8")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            audio = b""
            pending = sorted(keys)
            ts = 5000
            while True:
                ready, _, _ = select.select([caller.rtp, caller.ua.sock], [],
                                            [], 15)
                self.assertTrue(ready, "the playback stalled")
                if caller.ua.sock in ready:
                    msg = caller.ua.recv(1)
                    if msg and msg.startswith(b"BYE "):
                        caller.ua.answer(msg, 200)
                        return audio
                if caller.rtp in ready:
                    pkt = caller.rtp.recvfrom(2048)[0]
                    audio += pkt[12:]
                    if pending and len(audio) >= pending[0][0] * 8000:
                        _, ev = pending.pop(0)
                        ts += 8000
                        caller.send_rtp([struct.pack(
                            "!BBHIIBBH", 0x80, 101, 1 + ts // 8000, ts,
                            0x4321, ev, 0x80 | 10, 800)] * 3)
        finally:
            caller.close()

    def test_listen_with_star_8(self):
        first = self.upload("First message, about lunch.")
        second = self.upload("Second message, about the train.")
        audio = self.listen()
        got = os.path.join(self.tmp, "played.wav")
        subprocess.run(["sox", "-t", "raw", "-r", "8000", "-c", "1", "-e",
                        "mu-law", "-", got], input=audio, check=True)
        played = envelope(got)
        a, b = envelope(first), envelope(second)
        # beep (0.4 s) + first + beep + second + closing beeps (0.7 s)
        expected = 20 + len(a) + 20 + len(b) + 35
        self.assertLess(abs(len(played) - expected), 15,
                        (len(played), expected))
        self.assertGreater(similarity(a, played[20:20 + len(a)]), 0.8)
        start = 20 + len(a) + 20
        self.assertGreater(similarity(b, played[start:start + len(b)]), 0.8)
        # Both are heard now.
        wait_until(lambda: all(m["heard"] for m in self.messages("202")),
                   "the messages to be marked heard")

    @unittest.skipUnless(shutil.which("baresip"), "baresip is not installed")
    def test_baresip_with_opus_only_listens_with_star_8(self):
        # A softphone without G.711 dials *8: the box plays in Opus.
        from test_softphone import decoded_wav
        first = self.upload("A message for Bob, played in Opus.")
        dump = os.path.join(self.tmp, "dump")
        os.makedirs(dump)
        stop = self.baresip("202", dial="*8", opus=True, dump=dump)
        try:
            # The box hangs up after the closing beeps; the message is heard.
            wait_until(lambda: all(m["heard"] for m in self.messages("202")),
                       "the message to be played")
        finally:
            stop()
        text = self.baresip_log()
        self.assertIn("opus", text)
        wav = decoded_wav(dump)
        self.assertIsNotNone(wav, text[-3000:])
        a, played = envelope(first), envelope(wav)
        # A beep (0.4 s), the message, the closing beeps.
        best = max(similarity(a, played[k:k + len(a)]) for k in range(15, 30))
        self.assertGreater(best, 0.8)

    def test_listen_keys_delete_and_skip(self):
        self.upload("A message to delete.")
        self.upload("A message to keep, long enough to be skipped with the "
                    "hash key.")
        # '7' half a second into the first message, '#' into the second.
        audio = self.listen(keys=[(0.9, 7), (0.9 + 0.8, 11)])
        self.assertLess(len(audio) / 8000.0, 4.0)  # both cut short
        wait_until(lambda: len(self.messages("202")) == 1 and
                   self.messages("202")[0]["heard"],
                   "one message left, heard")

    def test_sipp_records_for_online_and_offline(self):
        # SIPp as the caller (RTP from a pcap of the speech), a SIPp UAS as
        # the online recipient's phone; Carol is offline.
        from sip_util import sipp_background
        phone, port = sipp_background("voice_notice_uas.xml")
        try:
            self.register_sipp("202", port)
            self.sipp_speaks("*7202*203")
            out, _ = phone.communicate(timeout=400)
            self.assertEqual(phone.returncode, 0, out[-3000:])
        finally:
            if phone.poll() is None:
                phone.kill()
                phone.communicate()
        for user in ("202", "203"):
            msg, wav = self.fetch_only_message(user)
            a, b = envelope(self.speech8k), envelope(wav)
            self.assertLess(abs(len(a) - len(b)), 10, (len(a), len(b)))
            self.assertGreater(similarity(a, b), 0.9)

    @unittest.skipUnless(shutil.which("baresip"), "baresip is not installed")
    def test_baresip_records(self):
        # A real softphone dials *7202 and plays the speech (aufile); it
        # goes silent at the end of the file and the box hangs up.
        stop = self.baresip("201", dial="*7202", source=self.speech8k)
        try:
            msg, wav = self.fetch_only_message("202")
        except AssertionError:
            self.fail(self.baresip_log()[-3000:])
        finally:
            stop()
        a, b = envelope(self.speech8k), envelope(wav)
        self.assertGreater(similarity(a, b[:len(a) + 25]), 0.8)

    def test_answer_is_resent_until_the_ack(self):
        # RFC 3261 13.3.1.4: the box's 200 comes again until the caller ACKs
        # (a 200 lost on the network must not leave the caller hanging).
        caller = Caller(self.box)
        try:
            ok = caller.call("*7202")
            self.assertEqual(status_of(ok), 200)
            again = caller.ua.final(timeout=5)
            self.assertIsNotNone(again, "the 200 was not sent again")
            self.assertEqual(status_of(again), 200)
            self.assertEqual(header(again, "To"), header(ok, "To"))
            caller.in_dialog("ACK")
            # Unstopped, two more would come within 4 s (at 1.5 and 3.5 s);
            # one may have crossed the ACK.
            late = []
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:
                msg = caller.ua.recv(timeout=max(0.05, deadline -
                                                 time.monotonic()))
                if msg is None:
                    break
                if msg.startswith(b"SIP/2.0 200"):
                    late.append(msg)
            self.assertLessEqual(len(late), 1, "the 200 went on after the ACK")
        finally:
            caller.close()

    def test_no_common_codec_is_488(self):
        caller = Caller(self.box)
        try:
            r = caller.call("*7202", caller.offer(
                "18", ("18 G729/8000",)))
            self.assertEqual(status_of(r), 488)
            r = caller.call("*7999")
            self.assertEqual(status_of(r), 404)
        finally:
            caller.close()


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(TOOLS, "curl, espeak-ng, sox or opusdec missing")
class MaximumLength(VoiceBox, unittest.TestCase):
    CONFIG = "[voice]\nsilence_timeout_s = 5\nmax_length_s = 2\n"

    def test_an_over_long_recording_is_cut_and_kept(self):
        caller = Caller(self.box)
        try:
            ok = caller.call("*7202")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            caller.tone_packets()
            caller.send_rtp(rtp_packets(self.ulaw))  # ~3 s of speech
            # The box hangs up at the maximum.
            bye = caller.ua.receive_request("BYE", timeout=30)
            self.assertIsNotNone(bye, "the box did not hang up")
        finally:
            caller.close()
        msg, wav = self.fetch_only_message("202")
        self.assertGreaterEqual(msg["duration_ms"], 1900)
        self.assertLessEqual(msg["duration_ms"], 2100)
        # The first two seconds of what was said.
        a, b = envelope(self.speech8k), envelope(wav)
        self.assertGreater(similarity(a[:len(b)], b), 0.9)
