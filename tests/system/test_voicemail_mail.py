"""Issue 18: voicemail for a user who is offline reaches them as an e-mail
with the recording attached, through a real SMTP server (Debian's aiosmtpd,
smtp_sink.py): the message parsed and its audio decoded and compared with
what the caller said; STARTTLS with a login; the server down, then back
(mailed once); a box killed between the recording and the e-mail; a
recipient the server refuses; a user who is online gets the IM only.
Alice (201) calls Bob (202), whose rule sends every call to voicemail."""

import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import free_port, wait_until
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS
from test_record import Caller, VoiceBox, rtp_packets, rtp_recorded
from test_voice import envelope, similarity

SINK = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "smtp_sink.py")
HAVE_SINK = subprocess.run(["/usr/bin/python3", "-c", "import aiosmtpd"],
                           capture_output=True).returncode == 0


def metric(box, name):
    _, text = box.http("GET", "/metrics")
    m = re.search(rb"(?m)^%s (\d+)" % name.encode(), text)
    return int(m.group(1)) if m else 0


class MailBox(VoiceBox):
    """A box whose [mail] goes to an SMTP sink of the test's own; Bob has
    an e-mail address and a rule that sends every call to voicemail."""
    TLS = False

    def mail_settings(self):
        return 'security = "none"\n'

    def setUp(self):
        self.mtmp = tempfile.mkdtemp(prefix="ivm-mail-")
        self.maildir = os.path.join(self.mtmp, "maildir")
        self.smtp_port = free_port()
        self.sink = None
        if self.TLS:
            self.cert = os.path.join(self.mtmp, "cert.pem")
            self.key = os.path.join(self.mtmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                            "-nodes", "-keyout", self.key, "-out", self.cert,
                            "-days", "2", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1"],
                           check=True, capture_output=True)
        self.CONFIG = (VoiceBox.CONFIG +
                       '[mail]\nsmarthost = "127.0.0.1:%d"\n'
                       'from = "voicemail@office.example"\n'
                       'retry_s = 1\nretry_max_s = 2\n' % self.smtp_port +
                       self.mail_settings())
        self.start_sink()
        super().setUp()
        with open(self.box.data_dir + "/admin.json") as f:
            self.token = json.load(f)["token"]
        self.api("PUT", "/api/v1/users/202/profile",
                 {"email": "bob@office.example"})
        self.api("PUT", "/api/v1/users/202/rules",
                 {"rules": [{"action": "voicemail"}]})

    def tearDown(self):
        self.stop_sink()
        super().tearDown()
        shutil.rmtree(self.mtmp, ignore_errors=True)

    def start_sink(self, *extra):
        args = ["/usr/bin/python3", SINK, str(self.smtp_port), self.maildir]
        if self.TLS:
            args += ["--tls", self.cert, self.key, "--user", "box",
                     "s3cret"]
        self.sink = subprocess.Popen(args + list(extra),
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        line = self.sink.stdout.readline()
        self.assertEqual(line.strip(), b"ready", line)

    def stop_sink(self):
        if self.sink and self.sink.poll() is None:
            self.sink.terminate()
            self.sink.wait()
        if self.sink:
            self.sink.stdout.close()
        self.sink = None

    def api(self, method, path, body):
        status, data = self.box.http(
            method, path, json.dumps(body).encode(),
            {"Content-Type": "application/json",
             "Authorization": "Bearer " + self.token})
        self.assertEqual(status, 200, data)

    def mails(self):
        new = os.path.join(self.maildir, "new")
        if not os.path.isdir(new):
            return []
        out = []
        for name in sorted(os.listdir(new)):
            with open(os.path.join(new, name), "rb") as f:
                out.append(email.message_from_bytes(
                    f.read(), policy=email.policy.default))
        return out

    def leave_voicemail(self):
        caller = Caller(self.box, "201")
        try:
            ok = caller.call("202")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            caller.tone_packets()
            pkts = rtp_packets(self.ulaw)
            before = rtp_recorded(self.box)
            caller.send_rtp(pkts)
            wait_until(lambda: rtp_recorded(self.box) >=
                       before + len(pkts), "the box to receive the speech")
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
        finally:
            caller.close()

    def check_voicemail_mail(self, m, ext="ogg"):
        self.assertEqual(m["X-Envelope-From"], "voicemail@office.example")
        self.assertEqual(m["X-Envelope-To"], "bob@office.example")
        self.assertEqual(m["To"], "bob@office.example")
        self.assertEqual(m["From"], "voicemail@office.example")
        self.assertRegex(m["Subject"],
                         r"^Voice message from Alice \(201\), 0:0\d$")
        self.assertIsNotNone(m["Date"])
        self.assertRegex(m["Message-ID"], r"^<voicemail\.[^@]+\.202@")
        text = m.get_body(("plain",)).get_content()
        self.assertIn("Alice (201) left you a voice message", text)
        self.assertIn("dial *8", text)
        files = list(m.iter_attachments())
        self.assertEqual(len(files), 1)
        audio = files[0]
        self.assertEqual(audio.get_content_type(),
                         "audio/ogg" if ext == "ogg" else "audio/wav")
        self.assertTrue(audio.get_filename().endswith("." + ext))
        got = os.path.join(self.mtmp, "got." + ext)
        with open(got, "wb") as f:
            f.write(audio.get_content())
        if ext == "ogg":
            wav = os.path.join(self.mtmp, "got.wav")
            subprocess.run(["opusdec", "--quiet", got, wav], check=True)
            got = wav
        a, b = envelope(self.speech8k), envelope(got)
        self.assertLess(abs(len(a) - len(b)), 10, (len(a), len(b)))
        self.assertGreater(similarity(a, b), 0.9)


@unittest.skipUnless(HAVE_SINK and shutil.which("opusdec"),
                     "python3-aiosmtpd or opusdec missing")
class VoicemailByMail(MailBox, unittest.TestCase):

    def test_an_offline_user_gets_the_recording_by_mail(self):
        self.leave_voicemail()
        wait_until(lambda: self.mails(), "the voicemail e-mail")
        self.check_voicemail_mail(self.mails()[0])
        # It is on the box too, for *8 and the API.
        msg, _ = self.fetch_only_message("202")
        self.assertEqual(msg["from"], "201")
        wait_until(lambda: metric(self.box, "ivm_mail_sent_total") == 1,
                   "the outbox to be empty")
        self.assertEqual(len(self.mails()), 1)

    def test_an_online_user_gets_the_message_and_no_mail(self):
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(bob.register()), 200)
            self.leave_voicemail()
            note = bob.receive_request("MESSAGE")
            self.assertIsNotNone(note, "Bob was not told")
            self.assertIn(b"Voice message from Alice (201)", body_of(note))
        finally:
            bob.close()
        self.fetch_only_message("202")
        # "email" delivery mails it even so.
        self.api("PUT", "/api/v1/users/202/profile",
                 {"email": "bob@office.example", "delivery": "email"})
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(bob.register()), 200)
            self.leave_voicemail()
            wait_until(lambda: self.mails(), "the voicemail e-mail")
        finally:
            bob.close()
        # Only the second call was mailed.
        wait_until(lambda: metric(self.box, "ivm_mail_sent_total") == 1,
                   "the outbox to be empty")
        self.assertEqual(len(self.mails()), 1)

    def test_the_server_down_then_back_and_a_box_killed_meanwhile(self):
        self.stop_sink()
        self.leave_voicemail()
        self.fetch_only_message("202")
        wait_until(lambda: metric(self.box, "ivm_mail_retries_total") >= 1,
                   "a failed attempt")
        # Killed while the mail waits: it is sent after the restart.
        self.box.kill()
        self.box.start()
        wait_until(lambda: metric(self.box, "ivm_mail_retries_total") >= 1,
                   "a failed attempt after the restart")
        self.start_sink()
        wait_until(lambda: self.mails(), "the voicemail e-mail")
        self.check_voicemail_mail(self.mails()[0])
        wait_until(lambda: metric(self.box, "ivm_mail_sent_total") == 1,
                   "the outbox to be empty")
        # Once: a second voicemail is the second mail, nothing else.
        self.leave_voicemail()
        wait_until(lambda: metric(self.box, "ivm_mail_sent_total") == 2,
                   "the second e-mail")
        self.assertEqual(len(self.mails()), 2)
        self.assertEqual(len({m["Message-ID"] for m in self.mails()}), 2)

    def test_a_refused_recipient_is_told_on_the_phone_not_retried(self):
        self.stop_sink()
        self.start_sink("--reject", "bob@office.example")
        self.leave_voicemail()
        wait_until(lambda: metric(self.box, "ivm_mail_rejected_total") == 1,
                   "the refusal")
        self.assertEqual(metric(self.box, "ivm_mail_retries_total"), 0)
        self.assertEqual(self.mails(), [])
        # Bob learns of it with his messages when he is back.
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(bob.register()), 200)
            texts = []
            while not any("was refused" in t for t in texts):
                m = bob.receive_request("MESSAGE")
                self.assertIsNotNone(m, "no notice of the refusal: %r" % texts)
                texts.append(body_of(m).decode())
                bob.answer(m, 200)
            self.assertTrue(any("bob@office.example was refused" in t
                                for t in texts), texts)
        finally:
            bob.close()


@unittest.skipUnless(HAVE_SINK and shutil.which("opusdec"),
                     "python3-aiosmtpd or opusdec missing")
class VoicemailByMailStartTls(MailBox, unittest.TestCase):
    """STARTTLS required, the server's certificate checked against the
    configured CA file, AUTH with the configured login; WAVE attached."""
    TLS = True

    def mail_settings(self):
        return ('security = "starttls"\nusername = "box"\n'
                'password = "s3cret"\nvoice_format = "wav"\n'
                'ca_file = "%s"\n' % self.cert)

    def test_an_offline_user_gets_the_recording_as_wave(self):
        self.leave_voicemail()
        wait_until(lambda: self.mails(), "the voicemail e-mail")
        self.check_voicemail_mail(self.mails()[0], ext="wav")

    def test_a_wrong_password_is_retried_not_dropped(self):
        self.stop_sink()
        args = ["/usr/bin/python3", SINK, str(self.smtp_port), self.maildir,
                "--tls", self.cert, self.key, "--user", "box", "other"]
        self.sink = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.assertEqual(self.sink.stdout.readline().strip(), b"ready")
        self.leave_voicemail()
        wait_until(lambda: metric(self.box, "ivm_mail_retries_total") >= 2,
                   "failed logins")
        self.assertEqual(metric(self.box, "ivm_mail_rejected_total"), 0)
        # The admin fixes the password on the server side: it goes out.
        self.stop_sink()
        self.start_sink()
        wait_until(lambda: self.mails(), "the voicemail e-mail")


if __name__ == "__main__":
    unittest.main()
