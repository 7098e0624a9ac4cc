"""Issue 18 from outside, so far: a user's call-routing rules and profile
(admin API, the user's own /api/v1/me with digest, a dry run) and what a
real call meets: declined, deflected, forwarded, IM and terminate, offered
by IM and answered from the phone, unanswered offers, voicemail.
Alice (201) calls Bob (202); Carol (203) is where calls are forwarded."""

import json
import os
import random
import re
import subprocess
import threading
import time
import unittest

from harness import wait_until
from sip_ua import UA, authorization, body_of, parse_challenges
from sip_util import ack_for, header, status_of
from test_messaging import USERS
from test_presence import answer_as, next_request
from test_record import Caller, VoiceBox, rtp_packets, rtp_recorded
from test_voice import curl_as

IVMCTL = os.environ.get("IVMCTL", "ivmctl")


class Calling:
    """Alice's phone: an INVITE (with the 407 answered) whose responses are
    read as they come."""

    def __init__(self, box, callee="202"):
        self.c = Caller(box, "201")
        self.u = self.c.ua
        self.ruri = "sip:%s@127.0.0.1" % callee

    def close(self):
        self.c.close()

    def invite(self):
        u = self.u
        u.call_id = "rules-%x" % random.getrandbits(64)
        u.tag = "%x" % random.getrandbits(32)
        extra = ("Contact: <sip:201@127.0.0.1:%d>\r\n"
                 "Content-Type: application/sdp\r\n" % u.port)
        u.send(u.request("INVITE", self.ruri, extra, self.c.offer()))
        # (A retransmitted answer to the previous call may still come.)
        r = u.final_to_last()
        assert status_of(r) == 407, r
        u.send(ack_for(u.last_sent, r))
        ch = parse_challenges(r, "Proxy-Authenticate")[0]
        auth = authorization(ch, "INVITE", self.ruri, "201", USERS["201"][1])
        u.send(u.request("INVITE", self.ruri, extra +
                         "Proxy-Authorization: %s\r\n" % auth,
                         self.c.offer()))
        self.sent = u.last_sent

    def response(self, final=True):
        while True:
            r = self.u.recv()
            if r is None:
                return None
            if not r.startswith(b"SIP/2.0"):
                self.u.answer(r, 200)
                continue
            if header(r, "Call-ID") != self.u.call_id:
                continue  # a retransmission for an earlier call
            if header(r, "CSeq").endswith("INVITE") and (
                    not final or status_of(r) >= 200):
                if status_of(r) >= 300:
                    self.u.send(ack_for(self.sent, r))
                return r


class RulesBox(VoiceBox):
    """The voice box with Bob registered, Alice's phone, the admin API and
    Bob's messages."""

    def setUp(self):
        super().setUp()
        with open(self.box.data_dir + "/admin.json") as f:
            self.token = json.load(f)["token"]
        self.bob = UA(self.box.sip_port, "202", USERS["202"][1])
        self.assertEqual(status_of(self.bob.register()), 200)
        self.alice = Calling(self.box)

    def tearDown(self):
        self.alice.close()
        self.bob.close()
        super().tearDown()

    def api(self, method, path, body=None, token=True):
        hdr = {"Content-Type": "application/json"}
        if token:
            hdr["Authorization"] = "Bearer " + self.token
        status, data = self.box.http(
            method, path, json.dumps(body).encode() if body is not None
            else None, hdr)
        return status, (json.loads(data) if data else None)

    def rules(self, *rules, user="202"):
        s, body = self.api("PUT", "/api/v1/users/%s/rules" % user,
                           {"rules": list(rules)})
        self.assertEqual(s, 200, body)
        return body

    def next_message(self, ua=None):
        m = (ua or self.bob).receive_request("MESSAGE")
        self.assertIsNotNone(m, "no message from the box")
        return body_of(m).decode()


class CallRules(RulesBox, unittest.TestCase):
    # -- configuration ------------------------------------------------------

    def test_rules_and_profile_through_the_api(self):
        s, body = self.api("GET", "/api/v1/users/202/rules")
        self.assertEqual((s, body), (200, {"rules": []}))
        self.rules({"name": "evenings", "when": {"time": "18:00-08:00",
                                                 "days": ["mon", "fri"]},
                    "action": "forward", "to": "mobile"})
        s, body = self.api("GET", "/api/v1/users/202/rules")
        self.assertEqual(body["rules"][0]["when"],
                         {"time": "18:00-08:00", "days": ["mon", "fri"]})
        # Bad rules change nothing and name the field.
        s, body = self.api("PUT", "/api/v1/users/202/rules",
                           {"rules": [{"action": "forward"}]})
        self.assertEqual((s, body["field"]), (400, "rules[0].to"))
        s, body = self.api("GET", "/api/v1/users/202/rules")
        self.assertEqual(body["rules"][0]["name"], "evenings")
        s, _ = self.api("GET", "/api/v1/users/299/rules")
        self.assertEqual(s, 404)
        s, _ = self.api("GET", "/api/v1/users/202/rules", token=False)
        self.assertEqual(s, 401)
        # The profile: the PIN is never shown, a change keeps the rest.
        s, body = self.api("PUT", "/api/v1/users/202/profile",
                           {"pin": "4711", "email": "bob@example.com",
                            "destinations": {"mobile": "203"},
                            "hours": {"mon": ["08:00-17:00"]}})
        self.assertEqual(s, 200, body)
        self.assertTrue(body["pin_set"])
        self.assertNotIn("4711", json.dumps(body))
        s, body = self.api("PUT", "/api/v1/users/202/profile",
                           {"email": "robert@example.com"})
        self.assertEqual(body["destinations"], {"mobile": "203"})
        self.assertTrue(body["pin_set"])
        s, body = self.api("PUT", "/api/v1/users/202/profile", {"pin": "12"})
        self.assertEqual((s, body["field"]), (400, "pin"))

    def test_the_user_edits_their_own_rules_with_their_sip_password(self):
        import os
        import tempfile
        doc = os.path.join(tempfile.mkdtemp(), "rules.json")
        with open(doc, "w") as f:
            json.dump({"rules": [{"action": "decline",
                                  "when": {"callers": ["201"]}}]}, f)
        s, body = curl_as(self.box, "202", "PUT", "/api/v1/me/rules", doc,
                          ctype="application/json")
        self.assertEqual(s, 200, body)
        s, body = curl_as(self.box, "202", "GET", "/api/v1/me/rules")
        self.assertEqual(json.loads(body)["rules"][0]["action"], "decline")
        # A wrong password: 403; none: 401; nothing about the user.
        r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w",
                            "%{http_code}", "--digest", "-u", "202:wrong",
                            "http://127.0.0.1:%d/api/v1/me/rules"
                            % self.box.admin_port], capture_output=True)
        self.assertEqual(r.stdout, b"403")
        s, _ = self.api("GET", "/api/v1/me/rules", token=True)
        self.assertEqual(s, 401)  # the admin token is not a user

    def test_a_dry_run_at_other_times_in_the_box_time_zone(self):
        s, body = self.api("PATCH", "/api/v1/settings",
                           {"time_zone": "Europe/Berlin"})
        self.assertEqual(s, 200, body)
        self.rules({"name": "nights", "when": {"time": "22:00-07:00"},
                    "action": "voicemail"},
                   {"name": "busy", "when": {"presence": ["dnd"]},
                    "action": "offer", "timeout": 15,
                    "fallback": "decline"})

        def test(**kw):
            s, body = self.api("POST", "/api/v1/users/202/rules/test", kw)
            self.assertEqual(s, 200, body)
            return body

        r = test(time="2026-12-07T23:30", caller="201")
        self.assertEqual((r["action"], r["rule_name"]), ("voicemail", "nights"))
        self.assertEqual(r["time_zone"], "Europe/Berlin")
        # 21:30 UTC is 22:30 in Berlin in winter, 23:30 in summer.
        r = test(time="2026-12-07T21:30:00Z")
        self.assertEqual(r["local_time"], "2026-12-07T22:30:00")
        self.assertEqual(r["action"], "voicemail")
        r = test(time="2026-07-07T20:30:00Z")
        self.assertEqual(r["local_time"], "2026-07-07T22:30:00")
        r = test(time="2026-12-07T10:00", presence="dnd")
        self.assertEqual((r["action"], r["fallback"], r["timeout"]),
                         ("offer", "decline", 15))
        self.assertEqual(test(time="2026-12-07T10:00")["action"], "ring")
        s, body = self.api("POST", "/api/v1/users/202/rules/test",
                           {"time": "tomorrow"})
        self.assertEqual((s, body["field"]), (400, "time"))

    def test_ivmctl_sets_shows_and_tests_rules(self):
        doc = os.path.join(self.tmp, "rules.json")
        with open(doc, "w") as f:
            json.dump({"rules": [{"name": "nights",
                                  "when": {"time": "22:00-07:00"},
                                  "action": "voicemail"}]}, f)

        def ctl(*args, code=0):
            r = subprocess.run([IVMCTL, "--data-dir", self.box.data_dir] +
                               list(args), capture_output=True, text=True)
            self.assertEqual(r.returncode, code, r.stderr + r.stdout)
            return r.stdout + r.stderr

        self.assertIn("1  nights: 22:00-07:00 -> voicemail",
                      ctl("rules", "set", "202", doc))
        self.assertIn("nights", ctl("rules", "show", "202"))
        self.assertEqual(ctl("rules", "test", "202", "--time",
                             "2026-12-07T23:00Z"),
                         "voicemail (rule 1 nights) at 2026-12-07T23:00:00 "
                         "UTC\n")
        with open(doc, "w") as f:
            json.dump({"rules": [{"action": "fly"}]}, f)
        self.assertIn("rules[0].action", ctl("rules", "set", "202", doc,
                                             code=1))
        with open(doc, "w") as f:
            json.dump({"email": "bob@example.com"}, f)
        self.assertIn('"email": "bob@example.com"',
                      ctl("profile", "set", "202", doc))

    # -- calls ----------------------------------------------------------------

    def test_without_rules_the_phone_rings_and_new_rules_apply_at_once(self):
        self.alice.invite()
        inv = next_request(self.bob, "INVITE", answer=None)
        self.assertIsNotNone(inv)
        answer_as(self.bob, inv, 180, "Ringing")
        answer_as(self.bob, inv, 486, "Busy Here")
        self.assertEqual(status_of(self.alice.response()), 486)
        # A call that rang and ended unanswered is reported.
        self.assertRegex(self.next_message(),
                         r"^Missed call from 201 at \d\d:\d\d\.$")
        self.rules({"when": {"callers": ["201"]}, "action": "decline"})
        self.alice.invite()
        self.assertEqual(status_of(self.alice.response()), 486)
        self.assertIsNone(next_request(self.bob, "INVITE", timeout=0.3))

    def test_deflect_and_forward(self):
        carol = UA(self.box.sip_port, "203", USERS["203"][1])
        try:
            self.assertEqual(status_of(carol.register()), 200)
            self.rules({"action": "deflect", "to": "203"})
            self.alice.invite()
            r = self.alice.response()
            self.assertEqual(status_of(r), 302)
            self.assertIn("sip:203@", header(r, "Contact"))
            s, _ = self.api("PUT", "/api/v1/users/202/profile",
                            {"destinations": {"desk": "203"}})
            self.rules({"action": "forward", "to": "desk"})
            self.alice.invite()
            inv = next_request(carol, "INVITE", answer=None)
            self.assertIsNotNone(inv, "the forward did not reach Carol")
            self.assertTrue(inv.startswith(b"INVITE sip:203@"))
            answer_as(carol, inv, 200, "OK")
            self.assertEqual(status_of(self.alice.response()), 200)
        finally:
            carol.close()

    def test_im_and_terminate(self):
        self.rules({"name": "focus", "action": "notify"})
        self.alice.invite()
        self.assertEqual(status_of(self.alice.response()), 480)
        text = self.next_message()
        self.assertRegex(text, r"^Call from Alice \(201\) at \d\d:\d\d: "
                               r"not put through \(rule focus\)\.$")

    def test_an_offer_taken_from_the_phone(self):
        self.rules({"action": "offer", "timeout": 60,
                    "fallback": "voicemail"})
        self.alice.invite()
        self.assertEqual(status_of(self.alice.response(final=False)), 180)
        text = self.next_message()
        self.assertEqual(text, "Call from Alice (201) - reply 1 to take it, "
                               "2 to decline, 3 to send to voicemail")
        # (The INVITE may come before the answer to the reply: it is then
        # skipped here and sent again by the box, RFC 3261 Timer A.)
        self.assertEqual(status_of(self.bob.message("ivm", "1")), 200)
        inv = next_request(self.bob, "INVITE", answer=None)
        self.assertIsNotNone(inv, "the call was not put through")
        answer_as(self.bob, inv, 200, "OK")
        self.assertEqual(status_of(self.alice.response()), 200)

    def test_an_offer_declined_and_one_unanswered(self):
        self.rules({"action": "offer", "timeout": 5, "fallback": "decline"})
        self.alice.invite()
        self.next_message()
        self.assertEqual(status_of(self.bob.message("ivm", "2")), 200)
        self.assertEqual(self.next_message(), "Declined.")
        self.assertEqual(status_of(self.alice.response()), 603)
        # Nobody answers: after the timeout the fallback, and Bob hears
        # of the missed call.
        self.alice.invite()
        self.next_message()
        self.assertEqual(status_of(self.alice.response()), 486)
        self.assertRegex(self.next_message(),
                         r"^Missed call from Alice \(201\) at \d\d:\d\d\.$")

    def me_offer(self, user="202", choice=None):
        if choice is None:
            s, body = curl_as(self.box, user, "GET", "/api/v1/me/offer")
        else:
            path = os.path.join(self.box.tmp, "choice.json")
            with open(path, "w") as f:
                json.dump({"choice": choice}, f)
            s, body = curl_as(self.box, user, "POST", "/api/v1/me/offer",
                              data=path, ctype="application/json")
        return s, json.loads(body) if body else None

    def test_an_offer_answered_from_a_web_client(self):
        self.rules({"action": "offer", "timeout": 30, "fallback": "voicemail"})
        self.assertEqual(self.me_offer(), (200, {"offer": None}))
        self.alice.invite()
        self.assertEqual(status_of(self.alice.response(final=False)), 180)
        self.next_message()
        s, body = self.me_offer()
        self.assertEqual(s, 200)
        offer = body["offer"]
        self.assertEqual((offer["caller"], offer["caller_name"],
                          offer["text"], offer["timeout_s"]),
                         ("201", "Alice", "Call from Alice (201)", 30))
        self.assertEqual([(c["choice"], c["key"]) for c in offer["choices"]],
                         [("take", "1"), ("decline", "2"),
                          ("voicemail", "3")])
        self.assertRegex(offer["since"], r"^\d{4}-\d\d-\d\dT")
        # Another user sees nothing of it; a bad choice changes nothing.
        self.assertEqual(self.me_offer("203"), (200, {"offer": None}))
        s, body = self.me_offer(choice="maybe")
        self.assertEqual((s, body["field"]), (400, "choice"))
        self.assertEqual(self.me_offer("203", "decline")[0], 409)
        self.assertEqual(self.me_offer(choice="decline"),
                         (200, {"result": "Declined."}))
        self.assertEqual(status_of(self.alice.response()), 603)
        self.assertEqual(self.me_offer(choice="take")[0], 409)
        self.assertEqual(self.me_offer(), (200, {"offer": None}))

    def test_a_caller_who_hangs_up_during_the_offer_leaves_nothing(self):
        self.rules({"action": "offer", "timeout": 5, "fallback": "voicemail"})
        self.alice.invite()
        self.assertEqual(status_of(self.alice.response(final=False)), 180)
        self.next_message()  # the offer
        inv = self.alice.sent.decode()
        head = inv.split("\r\n\r\n")[0].split("\r\n")
        keep = [l for l in head[1:] if re.match(
            r"(?i)(via|from|to|call-id|max-forwards)\s*:", l)]
        cseq = re.search(r"(?im)^CSeq:\s*(\d+)", inv).group(1)
        self.alice.u.send(("CANCEL %s SIP/2.0\r\n%s\r\nCSeq: %s CANCEL\r\n"
                           "Content-Length: 0\r\n\r\n"
                           % (self.alice.ruri, "\r\n".join(keep), cseq))
                          .encode())
        self.assertEqual(status_of(self.alice.response()), 487)
        self.assertRegex(self.next_message(), r"^Missed call from Alice")
        # No voicemail session for a call that is gone: no recording, no
        # notice (the session would end on silence after 2 s).
        self.assertIsNone(self.bob.receive_request("MESSAGE", timeout=4))
        s, body = curl_as(self.box, "202", "GET", "/api/v1/voice-messages")
        self.assertEqual(json.loads(body)["messages"], [])

    def test_presence_decides_and_voicemail_records_for_the_user(self):
        self.rules({"when": {"presence": ["dnd"]}, "action": "voicemail"})
        self.assertEqual(status_of(self.bob.message("ivm", "status dnd")),
                         200)
        self.next_message()
        ok = self.alice.c.call("202")
        self.assertEqual(status_of(ok), 200, ok)
        self.assertIn(b"m=audio", body_of(ok))
        caller = self.alice.c
        caller.in_dialog("ACK")
        caller.tone_packets()
        pkts = rtp_packets(self.ulaw)
        caller.send_rtp(pkts)
        wait_until(lambda: rtp_recorded(self.box) >= len(pkts),
                   "the box to receive the speech")
        caller.in_dialog("BYE")
        self.assertEqual(status_of(caller.ua.final()), 200)
        self.assertIn("Voice message from Alice (201)", self.next_message())
        msg, _ = self.fetch_only_message("202")
        self.assertEqual(msg["from"], "201")

    def test_baresip_caller_offered_and_put_through(self):
        # baresip as Alice's softphone; Bob takes the offer with "1".
        self.rules({"action": "offer", "timeout": 30, "fallback": "decline"})
        stop = self.baresip("201", dial="202")
        self.assertEqual(self.next_message(), "Call from Alice (201) - reply "
                         "1 to take it, 2 to decline, 3 to send to voicemail")
        self.assertEqual(status_of(self.bob.message("ivm", "1")), 200)
        inv = next_request(self.bob, "INVITE", answer=None)
        self.assertIsNotNone(inv, "the call was not put through")
        self.assertIn(b"baresip", inv)  # baresip's own INVITE, proxied
        sdp = (b"v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
               b"c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
               b"a=rtpmap:0 PCMU/8000\r\n" % self.alice.c.rtp_port)
        head = inv.split(b"\r\n\r\n")[0].split(b"\r\n")
        keep = [l + (b";tag=b0b" if re.match(rb"(?i)to\s*:", l) else b"")
                for l in head[1:] if re.match(
                    rb"(?i)(via|from|to|call-id|cseq|record-route)\s*:", l)]
        self.bob.send(b"SIP/2.0 200 OK\r\n" + b"\r\n".join(keep) +
                      b"\r\nContact: <sip:202@127.0.0.1:%d>\r\n"
                      b"Content-Type: application/sdp\r\n"
                      b"Content-Length: %d\r\n\r\n" % (self.bob.port, len(sdp))
                      + sdp)
        self.assertIsNotNone(next_request(self.bob, "ACK", answer=None),
                             "no ACK from baresip:\n" + self.baresip_log())
        # baresip hangs up as it quits: its BYE reaches Bob through the box
        # (answered here while baresip waits for that answer to exit).
        quitting = threading.Thread(target=stop)
        quitting.start()
        bye = next_request(self.bob, "BYE")
        quitting.join()
        self.assertIsNotNone(bye, "no BYE from baresip:\n" +
                             self.baresip_log())

    def test_sipp_callers_declined_and_sent_to_voicemail(self):
        # SIPp as Alice's phone: declined by a rule (486 through the box).
        from sip_util import sipp
        from test_messaging import csv
        self.rules({"when": {"callers": ["201"]}, "action": "decline"})
        code, err = sipp("call_busy_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv(("201", USERS["201"][1], "202"))])
        self.assertEqual(code, 0, err)
        # Then to voicemail: SIPp speaks (RTP from a pcap), Bob gets it.
        self.rules({"when": {"callers": ["201"]}, "action": "voicemail"})
        self.sipp_speaks("202")
        self.assertIn("Voice message from Alice (201)", self.next_message())
        msg, wav = self.fetch_only_message("202")
        self.assertEqual(msg["from"], "201")


if __name__ == "__main__":
    unittest.main()
