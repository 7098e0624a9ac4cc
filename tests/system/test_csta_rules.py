"""Issue 18 from outside: a PBX call ringing at a user's desk phone (CSTA
DeliveredEvent from csta_pbx_sim.py) meets the user's call-routing rules:
forward and deflect become DeflectCall, decline and "IM and terminate"
ClearConnection (with the user's message), ring leaves the call alone.
Alice (201) has desk phone 3001, Bob (202) desk phone 3002; 3003 is a PBX
phone of nobody on the box."""

import json
import re
import unittest

from csta_pbx_services import find
from csta_pbx_sim import PbxSim
from harness import Appliance
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS, provision


class DeskPhoneRules(unittest.TestCase):
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
        for device, ext in (("3001", "201"), ("3002", "202")):
            s, body = self.api("POST", "/api/v1/stations",
                               {"pbx": "pbx1", "device": device,
                                "extension": ext})
            self.assertEqual(s, 201, body)
        self.pbx.wait_for(lambda: self.pbx.monitored() == ["3001", "3002"],
                          "the box monitoring 3001 and 3002")

    def tearDown(self):
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

    def rules(self, *rules):
        s, body = self.api("PUT", "/api/v1/users/202/rules",
                           {"rules": list(rules)})
        self.assertEqual(s, 200, body)

    def ringing_at(self, cid):
        with self.pbx.lock:
            c = self.pbx.calls.get(cid)
            return c and c.callee

    def test_forward_and_deflect_by_caller_and_a_call_left_alone(self):
        self.rules({"name": "boss", "when": {"callers": ["201"]},
                    "action": "forward", "to": "3003"},
                   {"when": {"callers": ["3003"]}, "action": "deflect",
                    "to": "mobile"})
        s, body = self.api("PUT", "/api/v1/users/202/profile",
                           {"destinations": {"mobile": "3001"}})
        self.assertEqual(s, 200, body)
        # From Alice's desk phone (a box user: the rules see 201): to 3003.
        cid = self.pbx.dial("3001", "3002")
        self.pbx.wait_for(lambda: self.ringing_at(cid) == "3003",
                          "the call deflected to 3003")
        got = self.pbx.invoked("DeflectCall")
        self.assertEqual(len(got), 1)
        self.assertEqual(find(got[0], "newDestination"), "3003")
        self.assertEqual(find(got[0], "callToBeDiverted/deviceID"), "3002")
        self.pbx.hang_up(cid, "3001")
        # From 3003 (a PBX number): to the profile's "mobile".
        cid = self.pbx.dial("3003", "3002")
        self.pbx.wait_for(lambda: self.ringing_at(cid) == "3001",
                          "the call deflected to mobile (3001)")
        self.pbx.hang_up(cid, "3003")
        # Bob calling Alice: she has no rules, her phone rings; and the
        # box acts on the callee's rules only (Bob's are not asked).
        cid = self.pbx.dial("3002", "3001")
        self.pbx.answer(cid)
        self.pbx.hang_up(cid, "3002")
        cid2 = self.pbx.dial("3001", "3002")
        self.pbx.wait_for(lambda: len(self.pbx.invoked("DeflectCall")) == 3,
                          "the third deflection")
        self.assertEqual(self.ringing_at(cid2), "3003")
        self.assertEqual([find(e, "callToBeDiverted/deviceID")
                          for e in self.pbx.invoked("DeflectCall")],
                         ["3002"] * 3)
        self.assertEqual(len(self.pbx.invoked("ClearConnection")), 0)

    def test_decline_and_im_and_terminate(self):
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(bob.register()), 200)
            self.rules({"when": {"callers": ["3003"]}, "action": "decline"},
                       {"name": "focus", "action": "notify"})
            cid = self.pbx.dial("3003", "3002")
            self.pbx.wait_for(lambda: cid not in self.pbx.calls,
                              "the call cleared")
            self.assertEqual(find(self.pbx.invoked("ClearConnection")[0],
                                  "connectionToBeCleared/deviceID"), "3002")
            cid = self.pbx.dial("3001", "3002")
            self.pbx.wait_for(lambda: cid not in self.pbx.calls,
                              "the second call cleared")
            m = bob.receive_request("MESSAGE")
            self.assertIsNotNone(m, "Bob was not told")
            self.assertRegex(body_of(m).decode(),
                             r"^Call from 201 at \d\d:\d\d: not put through "
                             r"\(rule focus\)\.$")
            self.assertEqual(len(self.pbx.invoked("ClearConnection")), 2)
        finally:
            bob.close()

    def test_presence_from_the_pbx_and_a_call_answered_meanwhile(self):
        self.rules({"when": {"presence": ["dnd"]}, "action": "forward",
                    "to": "3003"})
        # Available: rings.
        cid = self.pbx.dial("3001", "3002")
        self.pbx.answer(cid)
        self.pbx.hang_up(cid, "3002")
        # Do not disturb set on the PBX: forwarded.
        self.pbx.set_dnd("3002", True)
        cid = self.pbx.dial("3001", "3002")
        self.pbx.wait_for(lambda: self.ringing_at(cid) == "3003",
                          "the call forwarded while in DND")
        self.assertEqual(len(self.pbx.invoked("DeflectCall")), 1)
        self.assertEqual(find(self.pbx.invoked("DeflectCall")[0],
                              "newDestination"), "3003")

    def connected_at(self, cid, device):
        with self.pbx.lock:
            c = self.pbx.calls.get(cid)
            return bool(c) and c.state.get(device) == "connected"

    def test_offer_answered_at_the_desk_phone_declined_and_unanswered(self):
        # Bob's rule offers his calls by IM; his desk phone rings on
        # meanwhile. 1 answers it at the desk phone (AnswerCall), 2 clears
        # it, no answer is the fallback: voicemail, the call deflected to
        # Bob's extension at the box through the PBX's SIP trunk.
        s, body = self.api("PATCH", "/api/v1/pbx/pbx1",
                           {"trunk": "127.0.0.1:5999"})
        self.assertEqual(s, 200, body)
        self.rules({"action": "offer", "timeout": 5,
                    "fallback": "voicemail"})
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        self.addCleanup(bob.close)
        self.assertEqual(status_of(bob.register()), 200)

        def message_like(pattern):
            # (The box's confirmations of the replies may come between.)
            while True:
                m = bob.receive_request("MESSAGE")
                self.assertIsNotNone(m, "Bob got no message like " + pattern)
                if re.search(pattern, body_of(m).decode()):
                    return body_of(m).decode()

        cid = self.pbx.dial("3003", "3002")
        self.assertEqual(message_like("^Call from"),
                         "Call from 3003 at your desk phone - "
                         "reply 1 to answer it there, 2 to decline, 3 to "
                         "send to voicemail")
        self.assertEqual(status_of(bob.message("ivm", "1")), 200)
        self.pbx.wait_for(lambda: self.connected_at(cid, "3002"),
                          "the call answered at 3002")
        self.assertEqual(find(self.pbx.invoked("AnswerCall")[0],
                              "callToBeAnswered/deviceID"), "3002")
        self.pbx.hang_up(cid, "3003")
        cid = self.pbx.dial("3001", "3002")
        message_like("^Call from 201 at your desk phone")
        self.assertEqual(status_of(bob.message("ivm", "2")), 200)
        self.pbx.wait_for(lambda: cid not in self.pbx.calls,
                          "the call cleared")
        self.pbx.dial("3003", "3002")
        message_like("^Call from 3003")
        message_like(r"^Missed call from 3003 at \d\d:\d\d\.$")
        self.pbx.wait_for(lambda: self.pbx.invoked("DeflectCall"),
                          "the call deflected to the box")
        got = self.pbx.invoked("DeflectCall")[0]
        self.assertEqual(find(got, "newDestination"), "202")
        self.assertEqual(find(got, "callToBeDiverted/deviceID"), "3002")

    def test_voicemail_and_ask_need_the_trunk(self):
        # Without a SIP trunk the box cannot take the call: the desk phone
        # rings. With one, the call goes to Bob's extension at the box.
        self.rules({"when": {"callers": ["3003"]}, "action": "voicemail"},
                   {"when": {"callers": ["201"]}, "action": "ask"})
        cid = self.pbx.dial("3003", "3002")
        self.pbx.answer(cid)
        self.pbx.hang_up(cid, "3002")
        self.assertEqual(self.pbx.invoked("DeflectCall"), [])
        s, body = self.api("PATCH", "/api/v1/pbx/pbx1",
                           {"trunk": "127.0.0.1:5999"})
        self.assertEqual(s, 200, body)
        for caller in ("3003", "3001"):
            self.pbx.dial(caller, "3002")
        self.pbx.wait_for(lambda: len(self.pbx.invoked("DeflectCall")) == 2,
                          "both calls deflected to the box")
        self.assertEqual([find(e, "newDestination")
                          for e in self.pbx.invoked("DeflectCall")],
                         ["202", "202"])


if __name__ == "__main__":
    unittest.main()
