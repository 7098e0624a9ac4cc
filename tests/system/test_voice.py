"""Issue 6 (part): voice messages over HTTP. A spoken message (espeak-ng) is
uploaded for two users with the sender's SIP credentials (HTTP Digest); the
online one is told at once by SIP MESSAGE, the offline one when it
registers; the message comes back as Ogg Opus that decodes (opusdec) to the
same speech; nothing readable is stored; it survives a restart."""

import array
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import Appliance, wait_until
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS, provision

TOOLS = all(shutil.which(t) for t in ("curl", "espeak-ng", "sox", "opusdec"))


def envelope(path):
    """RMS per 20 ms of a file, after sox makes it 8 kHz mono 16-bit."""
    raw = subprocess.run(["sox", path, "-t", "raw", "-r", "8000", "-c", "1",
                          "-b", "16", "-e", "signed-integer", "-"],
                         capture_output=True, check=True).stdout
    pcm = array.array("h", raw)
    frames = [pcm[i:i + 160] for i in range(0, len(pcm) - 159, 160)]
    return [math.sqrt(sum(x * x for x in f) / 160.0) for f in frames]


def similarity(a, b):
    """Best normalized correlation of two envelopes over small lags."""
    best = 0.0
    for lag in range(-10, 11):
        xs = [(a[i], b[i + lag]) for i in range(len(a))
              if 0 <= i + lag < len(b)]
        if len(xs) < 10:
            continue
        ma = sum(x for x, _ in xs) / len(xs)
        mb = sum(y for _, y in xs) / len(xs)
        num = sum((x - ma) * (y - mb) for x, y in xs)
        den = math.sqrt(sum((x - ma) ** 2 for x, _ in xs) *
                        sum((y - mb) ** 2 for _, y in xs)) or 1.0
        best = max(best, num / den)
    return best


@unittest.skipUnless(TOOLS, "curl, espeak-ng, sox or opusdec missing")
def curl_as(box, user, method, path, data=None, out=None, ctype=None):
    """(status, body bytes) of an HTTP Digest request as `user`."""
    args = ["curl", "-s", "-o", out or "-", "-w", "\n%{http_code}",
            "--digest", "-u", "%s:%s" % (user, USERS[user][1]),
            "-X", method,
            "http://127.0.0.1:%d%s" % (box.admin_port, path)]
    if data is not None:
        args += ["--data-binary", "@" + data,
                 "-H", "Content-Type: " + (ctype or "audio/wav")]
    r = subprocess.run(args, capture_output=True, check=True)
    body, _, code = r.stdout.rpartition(b"\n")
    return int(code), body


class VoiceMessages(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box)
        self.tmp = tempfile.mkdtemp(prefix="ivm-voice-")
        self.speech = os.path.join(self.tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-w", self.speech,
                        "Hello Bob, this is Alice. The meeting moves to three "
                        "o'clock in the small room."], check=True)

    def tearDown(self):
        code = self.box.stop()
        self.box.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertEqual(code, 0)

    def curl(self, user, method, path, data=None, out=None, ctype=None):
        return curl_as(self.box, user, method, path, data, out, ctype)

    def test_upload_notify_fetch_and_delete(self):
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(bob.register()), 200)
            code, body = self.curl("201", "POST",
                                   "/api/v1/voice-messages?to=202,203",
                                   self.speech)
            self.assertEqual(code, 201, body)
            sent = json.loads(body)
            mid = sent["id"]
            self.assertEqual(sorted(sent["recipients"]), ["202", "203"])
            # Bob is online: told at once, by a message from the box.
            note = bob.receive_request("MESSAGE")
            self.assertIsNotNone(note)
            self.assertIn(b"Voice message from Alice (201)", body_of(note))
            self.assertIn(mid.encode(), body_of(note))
        finally:
            bob.close()
        # Bob's list, then the audio.
        code, body = self.curl("202", "GET", "/api/v1/voice-messages")
        self.assertEqual(code, 200)
        msgs = json.loads(body)["messages"]
        self.assertEqual([m["id"] for m in msgs], [mid])
        self.assertEqual(msgs[0]["from"], "201")
        self.assertFalse(msgs[0]["heard"])
        ogg = os.path.join(self.tmp, "got.ogg")
        code, _ = self.curl("202", "GET", "/api/v1/voice-messages/" + mid,
                            out=ogg)
        self.assertEqual(code, 200)
        with open(ogg, "rb") as f:
            self.assertEqual(f.read(4), b"OggS")
        wav = os.path.join(self.tmp, "got.wav")
        subprocess.run(["opusdec", "--quiet", ogg, wav], check=True)
        a, b = envelope(self.speech), envelope(wav)
        self.assertLess(abs(len(a) - len(b)), 10)  # same length (200 ms)
        self.assertGreater(similarity(a, b), 0.9)
        # Heard now; Carol (offline) is told when she registers.
        _, body = self.curl("202", "GET", "/api/v1/voice-messages")
        self.assertTrue(json.loads(body)["messages"][0]["heard"])
        carol = UA(self.box.sip_port, "203", USERS["203"][1])
        try:
            self.assertEqual(status_of(carol.register()), 200)
            note = carol.receive_request("MESSAGE")
            self.assertIsNotNone(note)
            self.assertIn(b"Voice message from Alice (201)", body_of(note))
        finally:
            carol.close()
        # Nobody else's messages: Alice cannot fetch Bob's copy by id.
        code, _ = self.curl("201", "GET", "/api/v1/voice-messages/" + mid)
        self.assertEqual(code, 404)
        code, _ = self.curl("202", "DELETE", "/api/v1/voice-messages/" + mid)
        self.assertEqual(code, 204)
        code, _ = self.curl("202", "GET", "/api/v1/voice-messages/" + mid)
        self.assertEqual(code, 404)
        # Carol still has hers.
        code, _ = self.curl("203", "GET", "/api/v1/voice-messages/" + mid,
                            out=os.devnull)
        self.assertEqual(code, 200)

    def test_encrypted_at_rest_and_durable(self):
        code, body = self.curl("201", "POST", "/api/v1/voice-messages?to=202",
                               self.speech)
        self.assertEqual(code, 201, body)
        mid = json.loads(body)["id"]
        self.box.stop()
        # No Ogg/Opus plaintext anywhere in the data directory.
        for root, _, files in os.walk(self.box.data_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                self.assertNotIn(b"OpusHead", data, name)
                self.assertNotIn(b"OggS", data, name)
        key = os.path.join(self.box.data_dir, "voice.key")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        self.box.start()
        code, _ = self.curl("202", "GET", "/api/v1/voice-messages/" + mid,
                            out=os.devnull)
        self.assertEqual(code, 200)
        # Another key cannot open it.
        self.box.stop()
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        self.box.start()
        code, _ = self.curl("202", "GET", "/api/v1/voice-messages/" + mid,
                            out=os.devnull)
        self.assertEqual(code, 500)

    def test_message_waiting_indicator(self):
        # RFC 3842: Bob's phone subscribes to message-summary; the lamp goes
        # on with a new voice message and off once he listened to it.
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            bob.call_id = "mwi-1"
            r = bob.with_auth(
                "SUBSCRIBE", "sip:202@127.0.0.1",
                "Event: message-summary\r\nExpires: 600\r\n"
                "Contact: <sip:202@127.0.0.1:%d>\r\n" % bob.port)
            self.assertEqual(status_of(r), 200)

            def next_summary():
                n = bob.receive_request("NOTIFY")
                self.assertIsNotNone(n, "no NOTIFY")
                return body_of(n).decode()

            first = next_summary()
            self.assertIn("Messages-Waiting: no", first)
            code, body = self.curl("201", "POST",
                                   "/api/v1/voice-messages?to=202",
                                   self.speech)
            self.assertEqual(code, 201, body)
            mid = json.loads(body)["id"]
            text = next_summary()
            self.assertIn("Messages-Waiting: yes", text)
            self.assertIn("Voice-Message: 1/0", text)
            code, _ = self.curl("202", "GET",
                                "/api/v1/voice-messages/" + mid,
                                out=os.devnull)
            self.assertEqual(code, 200)
            text = next_summary()
            self.assertIn("Messages-Waiting: no", text)
            self.assertIn("Voice-Message: 0/1", text)
        finally:
            bob.close()

    def test_bad_requests(self):
        text = os.path.join(self.tmp, "note.txt")
        with open(text, "w") as f:
            f.write("not audio at all")
        code, _ = self.curl("201", "POST", "/api/v1/voice-messages?to=202",
                            text, ctype="audio/wav")
        self.assertEqual(code, 415)
        code, _ = self.curl("201", "POST", "/api/v1/voice-messages?to=999",
                            self.speech)
        self.assertEqual(code, 422)
        code, _ = self.curl("201", "POST", "/api/v1/voice-messages",
                            self.speech)
        self.assertEqual(code, 422)
        # Without credentials: 401 with a Digest challenge.
        r = subprocess.run(["curl", "-s", "-i", "http://127.0.0.1:%d/api/v1/"
                            "voice-messages" % self.box.admin_port],
                           capture_output=True, check=True).stdout
        self.assertTrue(r.startswith(b"HTTP/1.1 401"), r[:200])
        self.assertIn(b"WWW-Authenticate: Digest", r)
        # Nothing was stored by the refused uploads.
        code, body = self.curl("202", "GET", "/api/v1/voice-messages")
        self.assertEqual(json.loads(body)["messages"], [])


if __name__ == "__main__":
    unittest.main()
