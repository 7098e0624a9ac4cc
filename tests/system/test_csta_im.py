"""Issue 17 from outside: IM on a digital desk phone behind a PBX (seed
000), played by csta_pbx_sim.py. Alice (201) has desk phone 3001 with IM
key 12 and a 2x24 display; Bob (202) a SIP softphone. What the display shows
is what the box wrote with SetDisplay; keys are the PBX's ButtonPress
events; the key layout is docs/legacy.md's."""

import json
import os
import subprocess
import unittest

from csta_pbx_sim import PbxSim
from harness import Appliance, wait_until
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS, provision
from test_presence import next_request, subscribe

IVMCTL = os.environ.get("IVMCTL", "ivmctl")


class DeskPhoneIm(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box, group=False)
        with open(self.box.data_dir + "/admin.json") as f:
            self.token = json.load(f)["token"]
        self.pbx = PbxSim(phones=("3001", "3002", "3003"))
        s, body = self.api("POST", "/api/v1/pbx",
                           {"name": "pbx1", "edition": "ed4",
                            "address": "127.0.0.1:%d" % self.pbx.port})
        self.assertEqual(s, 201, body)
        s, body = self.api("POST", "/api/v1/stations",
                           {"pbx": "pbx1", "device": "3001",
                            "extension": "201", "im_key": "12",
                            "display": {"rows": 2, "columns": 24}})
        self.assertEqual(s, 201, body)
        self.pbx.wait_for(lambda: self.pbx.monitored() == ["3001"],
                          "the box monitoring 3001")
        self.bob = UA(self.box.sip_port, "202", USERS["202"][1])
        self.assertEqual(status_of(self.bob.register()), 200)

    def tearDown(self):
        self.bob.close()
        self.pbx.close()
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def api(self, method, path, body=None):
        hdr = {"Content-Type": "application/json",
               "Authorization": "Bearer " + self.token}
        status, data = self.box.http(
            method, path, json.dumps(body).encode() if body is not None
            else None, hdr)
        return status, (json.loads(data) if data else None)

    def shows(self, text, what=None):
        """Waits until 3001's display holds `text`; returns the display."""
        self.pbx.wait_for(lambda: text in self.pbx.display("3001"),
                          what or "3001 showing %r (shows %r)"
                          % (text, self.pbx.display("3001")))
        return self.pbx.display("3001")

    def keys(self, *buttons):
        """Presses buttons on 3001, each once the box has shown the answer
        to the one before (every key here changes the display) and is not
        waiting for itself."""
        for b in buttons:
            before = len(self.pbx.phones["3001"].displays)
            self.pbx.press("3001", b)
            self.pbx.wait_for(
                lambda: len(self.pbx.phones["3001"].displays) > before and
                not self.pbx.display("3001").startswith("IM: one moment"),
                "the display after key %s (shows %r)"
                % (b, self.pbx.display("3001")))

    def bob_gets(self):
        m = self.bob.receive_request("MESSAGE")
        self.assertIsNotNone(m, "Bob got no MESSAGE")
        return body_of(m).decode()

    def test_messages_both_ways_with_keypad_and_display(self):
        # Bob writes: the desk phone announces it, even during a PBX call.
        cid = self.pbx.dial("3002", "3001")
        self.pbx.answer(cid)
        self.assertIn(status_of(self.bob.message("201", "Lunch at noon?")),
                      (200, 202))
        d = self.shows("IM from Bob (202)")
        self.assertIn("Lunch at noon?", d)
        # The IM key opens it.
        self.keys("12")
        d = self.shows("Lunch at noon?")
        self.assertTrue(d.startswith("Bob (202)"), d)
        # 1 answers: "ok" by multi-tap (6 6 6, 5 5), # sends.
        self.keys("1")
        self.shows("To Bob (# send):")
        self.keys("6", "6", "6", "5", "5")
        self.shows("ok_")
        self.keys("#")
        self.shows("Sent to 202.")
        self.assertEqual(self.bob_gets(), "ok")
        # The IM key again gives the display back to the PBX.
        self.pbx.press("3001", "12")
        self.pbx.wait_for(lambda: self.pbx.display("3001") == "",
                          "the PBX's display back")
        self.pbx.hang_up(cid, "3002")
        # Writing to a number typed on the keypad.
        self.keys("12", "2")
        self.shows("1 Number...")
        self.keys("1", "2", "0", "2", "#")
        self.shows("To 202 (# send):")
        self.keys("4", "4", "#")
        self.shows("Sent to 202.")
        self.assertEqual(self.bob_gets(), "h")
        # A number nobody has is said so, and nothing is sent.
        self.keys("*", "2", "1", "9", "9", "#", "2", "#")
        self.shows("Nobody has the number\n99.")

    def test_im_beside_a_pbx_call(self):
        # Bob's desk phone is 3002 on the same PBX; he calls Alice there.
        s, body = self.api("POST", "/api/v1/stations",
                           {"pbx": "pbx1", "device": "3002",
                            "extension": "202", "im_key": "12"})
        self.assertEqual(s, 201, body)
        self.pbx.wait_for(lambda: self.pbx.monitored() == ["3001", "3002"],
                          "the box monitoring 3002")
        cid = self.pbx.dial("3002", "3001")
        self.pbx.answer(cid)
        # Alice writes to the one she talks with: first in her list.
        self.keys("12", "2")
        self.shows("1 Number...")
        self.keys("#")
        self.shows("2 202 in call")
        self.keys("2", "6", "6", "6", "5", "5", "#")
        self.shows("Sent to 202.")
        self.assertEqual(self.bob_gets(), "ok")
        # His desk phone has it too (phone to phone through the box).
        self.pbx.wait_for(lambda: self.pbx.display("3002") ==
                          "IM from Alice (201)\nok", "3002 showing it")
        self.pbx.hang_up(cid, "3001")

    def test_canned_replies_with_fields(self):
        s, body = self.api("PUT", "/api/v1/canned",
                           {"replies": ["In a meeting, {caller}"]})
        self.assertEqual(s, 200, body)
        s, body = self.api("PUT", "/api/v1/users/201/canned",
                           {"replies": ["Call you back at {time}, {my_name}"]})
        self.assertEqual(s, 200, body)
        s, body = self.api("GET", "/api/v1/users/201/canned")
        self.assertEqual(body, {"replies":
                                ["Call you back at {time}, {my_name}"]})
        s, body = self.api("PUT", "/api/v1/canned", {"replies": ["a\nb"]})
        self.assertEqual(s, 400, body)
        self.assertEqual(body["field"], "replies")
        self.assertEqual(self.api("PUT", "/api/v1/users/999/canned",
                                  {"replies": []})[0], 404)
        # Bob writes; Alice answers with a stored reply: one key.
        self.bob.message("201", "Where are you?")
        self.shows("IM from")
        self.keys("12", "2")
        self.shows("1 In a meeting, Bob")
        self.keys("1")
        self.shows("Sent to 202.")
        self.assertEqual(self.bob_gets(), "In a meeting, Bob")
        # From the menu: the box's, {caller} being whom it goes to.
        self.keys("*", "3")
        self.shows("1 In a meeting, {caller}")
        self.keys("1")
        self.shows("Send to")
        self.keys("1", "2", "0", "2", "#")
        self.shows("Sent to 202.")
        self.assertEqual(self.bob_gets(), "In a meeting, Bob")
        # Her own.
        self.keys("*", "3", "#")
        self.shows("2 Call you back at")
        self.keys("2")
        self.shows("Send to")
        self.keys("1", "2", "0", "2", "#")
        got = self.bob_gets()
        self.assertRegex(got, r"^Call you back at \d\d:\d\d, Alice$")
        # Bob's softphone uses the box's list by text command.
        self.assertEqual(status_of(self.bob.message("ivm", "canned")), 200)
        self.assertIn("1 In a meeting, ", self.bob_gets())
        self.assertEqual(status_of(self.bob.message("ivm", "canned 1 201")),
                         200)
        self.assertIn("Sent to 201: In a meeting, Alice", self.bob_gets())
        self.keys("12")
        self.shows("IM from")

    def test_status_sign_out_and_contacts(self):
        s, _ = self.api("POST", "/api/v1/users/201/contacts",
                        {"extension": "202"})
        self.assertEqual(s, 201)
        self.keys("12", "4", "2")
        self.shows("Your status is now away.")
        # Contacts with their status: Bob's softphone is registered.
        self.keys("*", "5")
        d = self.shows("1 Bob ")
        self.assertRegex(d, r"1 Bob (available|\?)")
        # Signing out and in again.
        self.keys("*", "#", "7")
        self.shows("You are signed out")
        self.keys("#", "#", "6")
        self.shows("You are signed in")

    def ctl(self, *args, code=0):
        r = subprocess.run([IVMCTL, "--data-dir", self.box.data_dir] +
                           list(args), capture_output=True, text=True)
        self.assertEqual(r.returncode, code, r.stderr + r.stdout)
        return r.stdout + r.stderr

    def test_ivmctl_for_pbx_phones_and_canned_replies(self):
        self.assertRegex(self.ctl("pbx", "list"),
                         r"pbx1\s+127\.0\.0\.1:%d\s+ed4\s+up" % self.pbx.port)
        self.ctl("pbx", "phone-add", "pbx1", "3002", "202", "--im-key", "7",
                 "--display", "4x40")
        s, body = self.api("GET", "/api/v1/stations")
        mine = [x for x in body["stations"] if x.get("device") == "3002"]
        self.assertEqual(mine[0]["display"], {"rows": 4, "columns": 40})
        self.assertEqual(mine[0]["im_key"], "7")
        self.assertRegex(self.ctl("pbx", "show", "pbx1"),
                         r"3002\s+202\s+\S+\s+on\s+off")
        self.assertIn("ROWSxCOLUMNS",
                      self.ctl("pbx", "phone-add", "pbx1", "3003", "203",
                               "--display", "big", code=2))
        self.ctl("pbx", "phone-del", "pbx1", "3002")
        self.ctl("canned", "set", "Back at {time}", "In a meeting")
        self.assertEqual(self.ctl("canned", "list"),
                         "1  Back at {time}\n2  In a meeting\n")
        self.ctl("canned", "set", "--user", "201", "Mine")
        self.assertEqual(self.ctl("canned", "list", "--user", "201"),
                         "1  Mine\n")
        self.assertIn("no such user",
                      self.ctl("canned", "list", "--user", "999", code=1))

    def test_a_contact_request_is_answered_with_a_key(self):
        # Bob asks to see Alice's presence: her desk phone says so.
        self.assertEqual(status_of(subscribe(self.bob, "201", "presence")),
                         200)
        self.shows("IM from IVM")
        self.keys("12")
        d = self.shows("wants to see")
        self.assertIn("Bob (202)", d)
        self.keys("1")
        self.shows("202 can now see your")
        n = next_request(self.bob, "NOTIFY")
        while n is not None and b"<basic>open</basic>" not in body_of(n):
            n = next_request(self.bob, "NOTIFY")
        self.assertIsNotNone(n, "no NOTIFY with her presence")

    def test_dnd_and_forwarding_on_the_pbx_are_presence(self):
        s, _ = self.api("POST", "/api/v1/users/202/contacts",
                        {"extension": "201"})
        self.assertEqual(s, 201)
        self.assertEqual(status_of(subscribe(self.bob, "201", "presence")),
                         200)

        def until(text):
            n = next_request(self.bob, "NOTIFY")
            while n is not None and text not in body_of(n):
                n = next_request(self.bob, "NOTIFY")
            self.assertIsNotNone(n, "no NOTIFY with %r" % text)
            return body_of(n)
        until(b"<basic>open</basic>")  # the desk phone is her device
        self.pbx.set_dnd("3001", True)
        until(b"Do not disturb")
        self.pbx.set_dnd("3001", False)
        self.pbx.set_forward("3001", "3003")
        until(b"Calls go to 3003")
        self.pbx.set_forward("3001", None)
        body = next_request(self.bob, "NOTIFY")
        self.assertIsNotNone(body)
        self.assertNotIn(b"Calls go to", body_of(body))

    def health(self):
        s, body = self.box.http("GET", "/health")
        self.assertEqual(s, 200)
        return json.loads(body)["pbx_links"]

    def test_a_message_waits_while_the_link_is_down(self):
        wait_until(lambda: self.health() == {"configured": 1, "up": 1},
                   "the link up in /health")
        self.pbx.drop()
        self.pbx.pause()  # the box cannot come back yet
        wait_until(lambda: self.health() == {"configured": 1, "up": 0},
                   "the link down in /health")
        self.assertIn(status_of(self.bob.message("201", "stored")),
                      (200, 202))
        self.pbx.resume()
        self.shows("IM from")
        shown = len(self.pbx.phones["3001"].displays)
        # The link drops again with the notice up: repainted once back.
        self.pbx.drop()
        self.pbx.wait_for(lambda: len(self.pbx.phones["3001"].displays) >
                          shown, "the display repainted")
        self.assertIn("IM from Bob (202)\nstored", self.pbx.display("3001"))
        self.keys("12")
        self.shows("stored")
        s, text = self.box.http("GET", "/metrics")
        self.assertIn(b"\nivm_pbx_links_up 1\n", text)
        self.assertRegex(text.decode(),
                         r"\nivm_pbx_messages_shown_total [1-9]")


if __name__ == "__main__":
    unittest.main()
