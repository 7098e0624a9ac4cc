"""Issue 16 against a gateway nobody here wrote: the legacy-phone flows with
the media gateway played by Erlang/OTP's megaco stack (otp_mg.py), long and
compact tokens: taken into service, the hook and the digit map, the hook as
presence for SIP watchers, *8 playback with the lamp, *9 intercom to a SIP
phone, the box ringing the phone to record,
calls both ways with RTP, a restart during a recording, an unknown gateway
refused. OTP decodes every message the box sends (a message it cannot read,
or a reply it cannot build, fails the test) and builds every message the
box reads."""

import json
import os
import shutil
import unittest

import otp_mg
import test_megaco as tm  # its flows; not its classes (they run there)
from harness import wait_until
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS
from test_intercom import RtpSink, respond, sdp_answer
from test_presence import next_request, subscribe
from test_voice import curl_as


@unittest.skipUnless(otp_mg.available(), "erlang-megaco or erlang-dev missing")
class OtpBox(tm.MegacoBox):
    gateway = otp_mg.OtpGateway

    def tearDown(self):
        errors = list(self.gw.errors)
        super().tearDown()
        self.assertEqual(errors, [], "what OTP's gateway could not handle")


class MegacoOtp(OtpBox):
    test_gateway_in_service_hook_and_digit_map = \
        tm.Megaco.test_gateway_in_service_hook_and_digit_map
    test_star_8_plays_the_voice_messages = \
        tm.Megaco.test_star_8_plays_the_voice_messages
    test_calls_both_ways = tm.Megaco.test_calls_both_ways
    test_a_busy_callee_gives_busy_tone = \
        tm.Megaco.test_a_busy_callee_gives_busy_tone

    def test_unknown_gateway_is_refused(self):
        stranger = otp_mg.OtpGateway(
            lines=1, controller=("127.0.0.1", self.box.megaco_port))
        try:
            stranger.start()
            stranger.wait_for(lambda: "error 402" in stranger.replies,
                              "the refusal (402)")
            self.assertEqual(stranger.commands, [])
            self.assertEqual(stranger.errors, [])
        finally:
            stranger.close()

    def test_hook_is_presence_for_sip_watchers(self):
        self.bring_up()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(subscribe(bob, "201", "dialog")), 200)
            n = next_request(bob, "NOTIFY")
            self.assertIn(b"dialog-info", body_of(n))
            self.assertNotIn(b"<state>confirmed</state>", body_of(n))
            self.gw.off_hook(1)
            n = next_request(bob, "NOTIFY")
            while n is not None and b"<state>confirmed</state>" \
                    not in body_of(n):
                n = next_request(bob, "NOTIFY")
            self.assertIsNotNone(n, "no busy lamp for the off-hook phone")
            self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1),
                             "dial tone")
            self.gw.on_hook(1)
            n = next_request(bob, "NOTIFY")
            while n is not None and b"<state>confirmed</state>" in body_of(n):
                n = next_request(bob, "NOTIFY")
            self.assertIsNotNone(n, "no NOTIFY for on-hook")
        finally:
            bob.close()


    def test_intercom_with_star_9(self):
        # *9 and an extension: the box calls Bob's phone with auto-answer
        # and relays the legacy phone's voice to it live.
        self.bring_up()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        sink = RtpSink()
        try:
            self.assertEqual(status_of(bob.register()), 200)
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: "cg/dt" in self.gw.signals(1),
                             "dial tone")
            self.gw.dial(1, "*9202#")
            invite = bob.receive_request("INVITE", answer=None)
            self.assertIsNotNone(invite, "Bob's phone was not called")
            self.assertIn(b"answer-after=0", invite)
            respond(bob, invite, 200, "OK", "bobph", sdp_answer(sink.port))
            self.assertIsNotNone(bob.receive_request("ACK", answer=None))
            conn = self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                             if c.remote], "a connection")[0]
            self.gw.wait_for(lambda: conn.received, "the go-ahead tone")
            self.gw.send_audio(1, [3000, -3000] * 4000)  # 1 s
            wait_until(lambda: len(sink.packets) >= 25,
                       "Bob to hear the legacy phone")
            self.gw.on_hook(1)
            self.assertIsNotNone(bob.receive_request("BYE"), "no BYE for Bob")
            self.gw.wait_for(lambda: not self.gw.connections(1),
                             "the context emptied")
        finally:
            bob.close()
            sink.close()


class MegacoOtpCompact(OtpBox):
    compact = True
    test_calls_both_ways = tm.Megaco.test_calls_both_ways
    test_restart_during_a_recording_keeps_the_audio = \
        tm.MegacoFaults.test_restart_during_a_recording_keeps_the_audio

    @unittest.skipUnless(shutil.which("curl"), "curl missing")
    def test_ring_to_record(self):
        # Alice picks the recipients on the web; the box rings her analog
        # phone, off-hook records after the tone, on-hook sends.
        self.bring_up()
        body = os.path.join(self.tmp, "to.json")
        with open(body, "w") as f:
            json.dump({"to": ["202"]}, f)
        code, answer = curl_as(self.box, "201", "POST",
                               "/api/v1/voice-messages/record", body,
                               ctype="application/json")
        self.assertEqual(code, 202, answer)
        self.gw.wait_for(lambda: self.gw.ringing(1), "ringing (al/ri)")
        self.gw.off_hook(1)
        conn = self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                         if c.remote], "a connection")[0]
        self.gw.wait_for(lambda: conn.received, "the tone")
        self.gw.send_audio(1, [4000, -4000] * 4000)  # 1 s of tone
        self.gw.on_hook(1)

        def messages():
            code, out = curl_as(self.box, "202", "GET",
                                "/api/v1/voice-messages")
            return json.loads(out)["messages"] if code == 200 else []
        msgs = wait_until(messages, "Bob's voice message")
        self.assertEqual(msgs[0]["from"], "201")
        self.assertGreater(msgs[0]["duration_ms"], 500)
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the context emptied")
