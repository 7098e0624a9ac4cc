"""Issue 18: a fax machine calling a user whose calls go to voicemail (the
box hears its CNG tone and receives the fax instead of a recording): the
pages arrive as a PDF, stored for the user (GET /api/v1/faxes), told by
message while they are online, mailed with the PDF attached while they are
not; a fax that breaks off is reported, not dropped. The fax machine is
spandsp's sending side over RTP (tests/fax/fax_peer.cpp, "ivm-fax-peer");
its test page is compared pixel for pixel with the PDF's image."""

import json
import os
import re
import shutil
import socket
import subprocess
import unittest
import zlib

from harness import wait_until
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS
from test_record import Caller, dtmf_key
from test_voice import curl_as
from test_voicemail_mail import HAVE_SINK, MailBox, metric

PEER = os.environ.get("IVM_FAX_PEER", "")
ROWS = 600


def pdf_page_bits(pdf):
    """(width, height, bits) of the first image of a PDF the box wrote."""
    m = re.search(rb"/Width (\d+) /Height (\d+) .*?/Length (\d+) >>\nstream\n",
                  pdf, re.S)
    assert m, pdf[:400]
    data = pdf[m.end():m.end() + int(m.group(3))]
    return int(m.group(1)), int(m.group(2)), zlib.decompress(data)


def pbm_bits(path):
    with open(path, "rb") as f:
        data = f.read()
    head = re.match(rb"P4\n(\d+) (\d+)\n", data)
    return int(head.group(1)), int(head.group(2)), data[head.end():]


@unittest.skipUnless(PEER and os.path.exists(PEER) and HAVE_SINK,
                     "ivm-fax-peer or python3-aiosmtpd missing")
class FaxInCalls(MailBox, unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.tif = os.path.join(self.mtmp, "page.tif")
        self.pbm = os.path.join(self.mtmp, "page.pbm")
        subprocess.run([PEER, "page", self.tif, self.pbm, str(ROWS)],
                       check=True)

    def send_fax(self, cut=None, key=None, tif=None):
        """Alice's fax machine calls Bob (202) and sends the page (after
        pressing `key`, RFC 4733, when given); returns what the peer printed
        once the call is over."""
        caller = Caller(self.box, "201")
        try:
            port = caller.rtp_port
            ok = caller.call("202")
            self.assertEqual(status_of(ok), 200, ok)
            caller.in_dialog("ACK")
            if key is not None:
                caller.send_rtp(dtmf_key(key))
            caller.rtp.close()  # the fax machine takes the port
            host, bport = caller.media_target()
            args = [PEER, "send", tif or self.tif, str(port), host,
                    str(bport), "0"]
            if cut is not None:
                args += ["cut", str(cut)]
            out = subprocess.run(args, capture_output=True, timeout=600)
            caller.in_dialog("BYE")
            self.assertEqual(status_of(caller.ua.final()), 200)
            return out
        finally:
            caller.ua.close()

    def faxes(self):
        s, body = curl_as(self.box, "202", "GET", "/api/v1/faxes")
        self.assertEqual(s, 200, body)
        return json.loads(body)["faxes"]

    def check_pdf(self, pdf):
        self.assertTrue(pdf.startswith(b"%PDF-"))
        w, h, bits = pdf_page_bits(pdf)
        sw, sh, sent = pbm_bits(self.pbm)
        self.assertEqual((w, h), (sw, sh))
        same = sum(1 for a, b in zip(bits, sent) if a == b)
        self.assertGreater(same / len(sent), 0.999)

    def test_a_fax_for_an_offline_user_is_stored_and_mailed(self):
        out = self.send_fax()
        self.assertEqual(out.stdout.strip(), b"ok 1", out)
        wait_until(lambda: self.faxes(), "the fax stored")
        f = self.faxes()[0]
        self.assertEqual((f["from"], f["pages"], f["complete"]),
                         ("201", 1, True))
        pdf_path = os.path.join(self.mtmp, "got.pdf")
        s, _ = curl_as(self.box, "202", "GET", "/api/v1/faxes/" + f["id"],
                       out=pdf_path)
        self.assertEqual(s, 200)
        with open(pdf_path, "rb") as fh:
            pdf = fh.read()
        self.check_pdf(pdf)
        # Bob is offline: the PDF by e-mail.
        wait_until(lambda: self.mails(), "the fax e-mail")
        m = self.mails()[0]
        self.assertEqual(m["Subject"], "Fax from Alice (201), 1 page")
        self.assertEqual(m["To"], "bob@office.example")
        files = list(m.iter_attachments())
        self.assertEqual(files[0].get_content_type(), "application/pdf")
        self.assertEqual(files[0].get_content(), pdf)
        # No voice message came of it; others cannot see it.
        s, body = curl_as(self.box, "202", "GET", "/api/v1/voice-messages")
        self.assertEqual(json.loads(body)["messages"], [])
        s, _ = curl_as(self.box, "203", "GET", "/api/v1/faxes/" + f["id"])
        self.assertEqual(s, 404)
        s, body = curl_as(self.box, "203", "GET", "/api/v1/faxes")
        self.assertEqual(json.loads(body)["faxes"], [])
        # Deleted by its owner: gone.
        s, _ = curl_as(self.box, "202", "DELETE", "/api/v1/faxes/" + f["id"])
        self.assertEqual(s, 204)
        self.assertEqual(self.faxes(), [])

    def test_an_online_user_is_told_and_a_broken_fax_is_reported(self):
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(bob.register()), 200)
            out = self.send_fax()
            self.assertEqual(out.stdout.strip(), b"ok 1", out)
            note = bob.receive_request("MESSAGE")
            self.assertIsNotNone(note, "Bob was not told")
            text = body_of(note).decode()
            self.assertRegex(text, r"^Fax from Alice \(201\), 1 page: GET "
                                   r"/api/v1/faxes/f[0-9a-f]+")
            fid = text.rsplit("/", 1)[1]
            self.assertEqual([f["id"] for f in self.faxes()], [fid])
            # A fax machine that stops in the middle of the handshake.
            out = self.send_fax(cut=150)
            self.assertNotEqual(out.returncode, 0)
            note = bob.receive_request("MESSAGE")
            self.assertIsNotNone(note, "Bob was not told of the broken fax")
            self.assertRegex(body_of(note).decode(),
                             r"^A fax from Alice \(201\) failed: ")
        finally:
            bob.close()
        self.assertEqual(len(self.faxes()), 1)  # nothing kept of the second
        self.assertEqual(metric(self.box, "ivm_faxes_received_total"), 1)
        self.assertEqual(self.mails(), [])  # he was online

    def test_a_fax_that_breaks_off_in_its_second_page_keeps_the_first(self):
        two = os.path.join(self.mtmp, "two.tif")
        subprocess.run([PEER, "page", two, os.path.join(self.mtmp, "2.pbm"),
                        str(ROWS), "2"], check=True)
        out = self.send_fax(tif=two)
        self.assertEqual(out.stdout.strip(), b"ok 2", out)
        whole = int(re.search(rb"packets (\d+)", out.stderr).group(1))
        # The same fax again, its audio cut three quarters of the way
        # through: in the second page (spandsp runs on the packets' clock,
        # so the same count lands in the same place).
        out = self.send_fax(cut=whole * 3 // 4, tif=two)
        self.assertNotEqual(out.returncode, 0, out)
        wait_until(lambda: len(self.faxes()) == 2, "the broken fax kept")
        broken = [f for f in self.faxes() if not f["complete"]]
        self.assertEqual(len(broken), 1, self.faxes())
        self.assertEqual(broken[0]["pages"], 1, broken)
        pdf_path = os.path.join(self.mtmp, "broken.pdf")
        s, _ = curl_as(self.box, "202", "GET",
                       "/api/v1/faxes/" + broken[0]["id"], out=pdf_path)
        self.assertEqual(s, 200)
        with open(pdf_path, "rb") as fh:
            self.check_pdf(fh.read())  # the first page, whole

    def test_a_fax_machine_meets_the_menu_of_an_asked_caller(self):
        # Bob's rule asks callers what they want: a fax machine cannot
        # press keys, its calling tone during the menu is enough; a person
        # at a fax machine presses 3 first.
        self.api("PUT", "/api/v1/users/202/rules",
                 {"rules": [{"action": "ask"}]})
        for key in (None, "3"):
            out = self.send_fax(key=key)
            self.assertEqual(out.stdout.strip(), b"ok 1", (key, out))
        wait_until(lambda: len(self.faxes()) == 2, "both faxes stored")
        for f in self.faxes():
            self.assertEqual((f["pages"], f["complete"]), (1, True))
            pdf_path = os.path.join(self.mtmp, "got.pdf")
            s, _ = curl_as(self.box, "202", "GET",
                           "/api/v1/faxes/" + f["id"], out=pdf_path)
            self.assertEqual(s, 200)
            with open(pdf_path, "rb") as fh:
                self.check_pdf(fh.read())
        s, body = curl_as(self.box, "202", "GET", "/api/v1/voice-messages")
        self.assertEqual(json.loads(body)["messages"], [])


if __name__ == "__main__":
    unittest.main()
