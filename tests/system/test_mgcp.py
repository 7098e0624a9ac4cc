"""Issue 15 from outside, the admin's side and the faults: gateways and
stations through the admin API and ivmctl, unknown gateways refused, a
gateway restarting during a recording, lost datagrams, wrong numbers."""

import socket
import unittest

from harness import wait_until
from mgcp_box import TOOLS, MgcpBox, read_wav, requested
from mgcp_line_sim import LineGateway
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS


class Mgcp(MgcpBox):
    def test_gateways_and_stations_through_the_api(self):
        # Bad input: a clear error, nothing stored.
        bad = [({"name": "gw 1", "address": "127.0.0.1:2427"}, "name"),
               ({"name": "gw1", "address": "nowhere"}, "address"),
               ({"name": "gw1", "address": "127.0.0.1:0"}, "address"),
               ({"name": "gw1", "protocol": "h323",
                 "address": "127.0.0.1:2944"}, "protocol"),
               ({"name": "gw1", "protocol": "mgcp", "encoding": "compact",
                 "address": "127.0.0.1:2427"}, "encoding"),
               ({"name": "gw1", "address": "127.0.0.1:2427", "x": 1}, "x")]
        for body, field in bad:
            s, answer = self.api("POST", "/api/v1/gateways", body)
            self.assertEqual(s, 400, body)
            self.assertEqual(answer.get("field"), field, answer)
        s, body = self.api("GET", "/api/v1/gateways")
        self.assertEqual((s, body["gateways"]), (200, []))
        self.add_gateway()
        s, body = self.api("POST", "/api/v1/gateways",
                           {"name": "gw1", "address": "127.0.0.1:9"})
        self.assertEqual(s, 409)
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": "gw9", "endpoint": "aaln/1",
                            "extension": "201"})
        self.assertEqual((s, body.get("field")), (400, "gateway"))
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": "gw1", "endpoint": "aaln/*",
                            "extension": "201"})
        self.assertEqual((s, body.get("field")), (400, "endpoint"))
        self.add_station("201", "aaln/1")
        s, body = self.api("POST", "/api/v1/stations",
                           {"gateway": "gw1", "endpoint": "AALN/1",
                            "extension": "202"})
        self.assertEqual(s, 409)
        # The box audits a new gateway at once (AUEP); its RSIP brings it
        # up as well, and the box asks for the station's hook events.
        self.assertIn(self.gateway_state()["state"], ("registering", "up"))
        self.gw.start()
        wait_until(lambda: self.gateway_state()["state"] == "up",
                   "the gateway up")
        self.gw.wait_for(lambda: ("L", "hd") in requested(self.gw, 1),
                         "the box's RQNT for line 1")
        state = self.gateway_state()
        self.assertEqual(state["address"], "127.0.0.1:%d" % self.gw.port)
        self.assertEqual([(e["endpoint"], e["extension"], e["hook"])
                          for e in state["endpoints"]],
                         [("aaln/1", "201", "on")])
        # The line not mapped to a station is left alone.
        self.assertEqual(self.gw.last_request(2), {})
        # Kept across a restart; the box audits the gateway when it starts.
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        wait_until(lambda: self.gateway_state()["state"] == "up",
                   "the gateway up after the box restarted")
        s, body = self.api("GET", "/api/v1/stations")
        self.assertEqual([(x["gateway"], x["endpoint"], x["extension"])
                          for x in body["stations"]],
                         [("gw1", "aaln/1", "201")])
        # ivmctl shows the same.
        out = self.ctl("gateway", "list")
        self.assertRegex(out, r"gw1\s+mgcp\s+127\.0\.0\.1:%d\s+up"
                         % self.gw.port)
        out = self.ctl("gateway", "show", "gw1")
        self.assertRegex(out, r"aaln/1\s+201\s+\w+\s+on\s+off")
        self.assertRegex(self.ctl("station", "list"), r"gw1\s+aaln/1\s+201")
        self.ctl("station", "add", "gw1", "aaln/2", "202")
        self.ctl("station", "del", "gw1", "aaln/2")
        # Deleting the gateway deletes its stations.
        s, _ = self.api("DELETE", "/api/v1/gateways/gw1")
        self.assertEqual(s, 200)
        s, body = self.api("GET", "/api/v1/stations")
        self.assertEqual(body["stations"], [])
        self.assertEqual(self.api("GET", "/api/v1/gateways/gw1")[0], 404)
        # Without the token: nothing.
        s, _ = self.box.http("GET", "/api/v1/gateways")
        self.assertEqual(s, 401)

    def test_unknown_gateway_is_refused_and_logged_once(self):
        stranger = LineGateway("rogue.example.net", lines=1,
                               call_agent=("127.0.0.1", self.box.mgcp_port))
        try:
            stranger.start()
            # Refused: 500 (endpoint unknown), retransmissions answered too.
            stranger.wait_for(
                lambda: [r for r in stranger.responses_received
                         if r[0] == 500], "the refusal")
            stranger.restart()
            stranger.wait_for(
                lambda: len([r for r in stranger.responses_received
                             if r[0] == 500]) >= 2, "the second refusal")
            text = self.box.log_text()
            self.assertEqual(
                text.count("RSIP from unknown gateway 127.0.0.1:%d"
                           % stranger.port), 1, text)
            s, body = self.api("GET", "/api/v1/gateways")
            self.assertEqual((body["gateways"], body["pending"]), ([], []))
            # It never got an RQNT or anything else.
            self.assertEqual(stranger.commands, [])
        finally:
            stranger.close()

    # -- the user's side -------------------------------------------------------

    @unittest.skipUnless(TOOLS, "curl, espeak-ng and opusdec needed")
    def test_gateway_restart_during_a_recording_keeps_the_audio(self):
        self.bring_up()
        pcm = read_wav(self.speech("The first half arrives, the rest is "
                                   "cut by the restart of the gateway."))
        self.dial_service("*7202#")
        self.gw.send_audio(1, pcm[:len(pcm) // 2])
        self.gw.restart()  # RSIP restart: its calls are gone

        msgs = self.wait_voice_messages("202",
                                        "the message cut by the restart")
        self.assertGreater(msgs[0]["duration_ms"], 500)
        # Alice is told by message (her softphone gets it when it registers).
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        try:
            self.assertEqual(status_of(alice.register()), 200)
            note = alice.receive_request("MESSAGE")
            self.assertIsNotNone(note, "Alice was not told")
            self.assertIn(b"Your voice message for 202 was cut short",
                          body_of(note))
        finally:
            alice.close()
        # The line is asked for its events again, the gateway is up.
        self.gw.wait_for(lambda: ("L", "hd") in requested(self.gw, 1) or
                         ("L", "hu") in requested(self.gw, 1),
                         "the line resynchronised")
        self.assertEqual(self.gateway_state()["state"], "up")

    def test_a_phone_off_hook_across_a_gateway_restart(self):
        # The box asks the hook state after a restart (AUEP F: ES): a phone
        # left off-hook gets its dial tone back at once and still shows the
        # user on the phone.
        self.bring_up()
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        x0 = self.gw.last_request(1).get("X")
        self.gw.restart()
        self.gw.wait_for(lambda: self.gw.last_request(1).get("X") != x0 and
                         "L/dl" in self.gw.signals(1),
                         "dial tone again after the restart")
        audits = [c for c in self.gw.commands
                  if c[0] == "AUEP" and ("F", "ES") in c[3]]
        self.assertTrue(audits)
        wait_until(lambda: self.gateway_state()["endpoints"][0]["hook"] ==
                   "off", "the hook off in the API")
        self.gw.on_hook(1)

    def test_lost_datagrams_are_retransmitted_and_executed_once(self):
        self.bring_up()
        # The box's answer to the off-hook NTFY is lost: the gateway sends
        # the NTFY again and gets the same answer, no second dial tone
        # request.
        self.gw.drop_incoming(1)
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.wait_for(lambda: self.gw.retransmissions >= 1,
                         "the NTFY retransmitted")
        # The box's CRCX is lost: the box sends it again, the gateway
        # makes one connection.
        self.gw.drop_incoming(1)
        self.gw.dial(1, "*8")
        self.gw.wait_for(lambda: [c for c in self.gw.connections(1)
                                  if c.remote], "a connection")
        self.assertEqual(len(self.gw.connections(1)), 1)
        self.assertEqual(max(self.gw.executions.values()), 1,
                         self.gw.executions)
        crcx = [c for c in self.gw.commands if c[0] == "CRCX"]
        self.assertEqual(len(crcx), 1)
        self.gw.on_hook(1)
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "the connection deleted")

    def test_garbage_gets_an_error_or_nothing_and_the_box_serves_on(self):
        self.bring_up()
        box = ("127.0.0.1", self.box.mgcp_port)
        # From the gateway's own address: a command the box cannot read is
        # answered with an error code (RFC 3435 §3.4: 510 protocol error
        # and its kin), junk with nothing.
        seen = len(self.gw.raw_in)
        self.gw.sock.sendto(b"NTFY 4711 aaln/1@gw1.example.net MGCP 1.0\r\n"
                            b"O: L/hd\r\nX: \x00\xff\r\nQ: \r\n\r\n"
                            b"v=0\r\n", box)
        self.gw.sock.sendto(b"FOO 4712 aaln/1@gw1.example.net MGCP 1.0\r\n",
                            box)
        self.gw.sock.sendto(b"\x00\xff\xfe garbage \r\n\r\n", box)
        self.gw.sock.sendto(b"", box)
        self.gw.wait_for(lambda: [d for d, _ in self.gw.raw_in[seen:]
                                  if d.startswith(b"5") and b" 4712" in d],
                         "an error answer to the unknown verb")
        # From a stranger: nothing at all comes back.
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        stranger.bind(("127.0.0.1", 0))
        stranger.settimeout(0.5)
        try:
            for junk in (b"\x00\xff garbage", b"AUEP 1 */* MGCP 1.0\r\n",
                         b"RQNT 2 aaln/1@gw1.example.net MGCP 1.0\r\n"):
                stranger.sendto(junk, box)
            # The box still serves the gateway: off-hook gets dial tone.
            self.gw.off_hook(1)
            self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1),
                             "dial tone")
            with self.assertRaises(socket.timeout):
                stranger.recvfrom(2048)
        finally:
            stranger.close()
        self.gw.on_hook(1)
        self.assertEqual(self.gateway_state()["state"], "up")

    def test_unknown_service_and_recipient_get_reorder(self):
        self.bring_up()
        self.gw.off_hook(1)
        self.gw.wait_for(lambda: "L/dl" in self.gw.signals(1), "dial tone")
        self.gw.dial(1, "*7999#")  # nobody has 999
        self.gw.wait_for(lambda: "L/ro" in self.gw.signals(1), "reorder")
        self.gw.wait_for(lambda: not self.gw.connections(1),
                         "no connection left")
        self.gw.on_hook(1)


@unittest.skipUnless(TOOLS, "curl, espeak-ng, sox or opusdec missing")
class SilentGateway(MgcpBox):
    """A gateway that stops answering: down after the retransmissions, then
    resynchronised when it answers an audit again (short timers)."""
    config = "[mgcp]\naudit_interval_s = 1\nmax_retransmissions = 2\n"

    def test_down_then_resynchronised(self):
        self.bring_up()
        before = self.gw.last_request(1).get("X")
        self.gw.pause()
        wait_until(lambda: self.gateway_state()["state"] == "down",
                   "the gateway down")
        wait_until(lambda: "gateway gw1 (127.0.0.1:%d) is down" % self.gw.port
                   in self.box.log_text(), "the log says so")
        # While it is down: a voice message for Alice (the lamp must come
        # on later) and a call to her line (refused, not lost in silence).
        wav = self.speech("The gateway was down.")
        code, body = self.curl("202", "POST",
                               "/api/v1/voice-messages?to=201", wav)
        self.assertEqual(code, 201, body)
        self.assertFalse(self.gw.lamp(1))
        from test_mgcp_calls import Call
        call = Call(self.box)
        try:
            call.invite()
            final = call.response(final=True)
            self.assertEqual(status_of(final), 480)
        finally:
            call.close()
        # It answers again: up, its lines asked for their events anew, the
        # lamp lit.
        self.gw.resume()
        wait_until(lambda: self.gateway_state()["state"] == "up",
                   "the gateway up again")
        self.gw.wait_for(lambda: self.gw.last_request(1).get("X") != before,
                         "a new request for line 1")
        self.assertIn(("L", "hd"), requested(self.gw, 1))
        self.gw.wait_for(lambda: self.gw.lamp(1), "the lamp on")
        wait_until(lambda: self.gateway_state()["endpoints"][0]["line"] ==
                   "idle", "line 1 idle")


if __name__ == "__main__":
    unittest.main()
