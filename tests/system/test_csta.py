"""Issue 17 from outside, so far: a PBX's CSTA link (played by
csta_pbx_sim.py, its own ECMA-323 code) configured through the admin API,
its digital phones as stations, the PBX's calls as presence for SIP
watchers, a link that drops and comes back, and bad input refused."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from csta_pbx_sim import PbxSim
from harness import Appliance, wait_until
from sip_ua import UA, body_of
from sip_util import status_of
from test_messaging import USERS, provision
from test_presence import next_request, subscribe
from test_voice import curl_as


class CstaBox(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box, group=False)
        with open(self.box.data_dir + "/admin.json") as f:
            self.token = json.load(f)["token"]
        self.pbx = PbxSim(phones=("3001", "3002", "3003"))

    def tearDown(self):
        self.pbx.close()
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def api(self, method, path, body=None, auth=True):
        hdr = {"Content-Type": "application/json"}
        if auth:
            hdr["Authorization"] = "Bearer " + self.token
        status, data = self.box.http(
            method, path, json.dumps(body).encode() if body is not None
            else None, hdr)
        return status, (json.loads(data) if data else None)

    def link(self, edition="ed4", handshake=None):
        req = {"name": "pbx1", "edition": edition,
               "address": "127.0.0.1:%d" % self.pbx.port}
        if handshake:
            req["handshake"] = handshake
        s, body = self.api("POST", "/api/v1/pbx", req)
        self.assertEqual(s, 201, body)
        self.assertEqual(body["handshake"], handshake or "none")
        s, body = self.api("POST", "/api/v1/stations",
                           {"pbx": "pbx1", "device": "3001",
                            "extension": "201", "im_key": "12",
                            "display": {"rows": 2, "columns": 24}})
        self.assertEqual(s, 201, body)
        self.assertEqual(body["display"], {"rows": 2, "columns": 24})
        self.pbx.wait_for(lambda: self.pbx.monitored() == ["3001"],
                          "the box monitoring 3001")
        wait_until(lambda: self.state()["state"] == "up", "the link up")

    def state(self):
        s, body = self.api("GET", "/api/v1/pbx/pbx1")
        self.assertEqual(s, 200, body)
        return body

    def test_pbx_calls_are_presence_and_the_link_comes_back(self):
        self.link()
        bob = UA(self.box.sip_port, "202", USERS["202"][1])
        try:
            self.assertEqual(status_of(subscribe(bob, "201", "dialog")), 200)
            n = next_request(bob, "NOTIFY")
            self.assertNotIn(b"<state>", body_of(n))

            seen = []

            def until(state):
                n = next_request(bob, "NOTIFY")
                while n is not None and (b"<state>%s</state>" % state) \
                        not in body_of(n):
                    seen.append(body_of(n))
                    n = next_request(bob, "NOTIFY")
                self.assertIsNotNone(n, "no NOTIFY with %s after %r"
                                     % (state.decode(), seen[-3:]))
                seen.append(body_of(n))
                return body_of(n)
            # 3002 calls Alice's desk phone on the PBX: ringing, talking.
            cid = self.pbx.dial("3002", "3001")
            self.assertIn(b"direction=\"recipient\"", until(b"early"))
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "ringing", "ringing in the API")
            self.pbx.answer(cid)
            until(b"confirmed")
            self.pbx.hang_up(cid, "3002")
            until(b"terminated")
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "idle", "idle in the API")
            # Alice calls out; the link drops during the call: what the
            # PBX does is unknown (the call ends for watchers) until the box
            # is back, monitors again and the snapshot shows the call.
            cid = self.pbx.dial("3001", "3003")
            self.assertIn(b"direction=\"initiator\"", until(b"confirmed"))
            self.pbx.drop()
            until(b"terminated")
            self.pbx.wait_for(lambda: self.pbx.connections >= 2 and
                              self.pbx.monitored() == ["3001"],
                              "the box back, monitoring 3001")
            until(b"confirmed")
            self.pbx.hang_up(cid, "3003")
            until(b"terminated")
        except AssertionError:
            print("\n".join(l for l in self.box.log_text().splitlines()
                            if "PBX" in l or "csta" in l))
            raise
        finally:
            bob.close()

    def test_a_tls_link_pins_the_pbx_certificate(self):
        d = tempfile.mkdtemp()
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=pbx"], check=True, capture_output=True)
        fp = subprocess.run(["openssl", "x509", "-in", cert, "-noout",
                             "-fingerprint", "-sha256"], check=True,
                            capture_output=True, text=True).stdout
        fp = fp.strip().split("=", 1)[1].upper()
        good = PbxSim(phones=("4001",), tls=(cert, key))
        bad = PbxSim(phones=("4002",), tls=(cert, key))
        try:
            for body, field in (({"tls": "yes"}, "tls"),
                                ({"fingerprint": "xyz"}, "fingerprint"),
                                ({"tls": False, "fingerprint": fp},
                                 "fingerprint")):
                body.update({"name": "x", "address": "127.0.0.1:9"})
                s, b = self.api("POST", "/api/v1/pbx", body)
                self.assertEqual((s, b["field"]), (400, field), b)
            # No fingerprint given: the first certificate is pinned.
            s, b = self.api("POST", "/api/v1/pbx",
                            {"name": "tls1", "tls": True,
                             "address": "127.0.0.1:%d" % good.port})
            self.assertEqual(s, 201, b)
            self.assertEqual(b["tls"], True)
            s, b = self.api("POST", "/api/v1/stations",
                            {"pbx": "tls1", "device": "4001",
                             "extension": "201"})
            self.assertEqual(s, 201, b)
            good.wait_for(lambda: good.monitored() == ["4001"],
                          "the box monitoring 4001 over TLS")
            wait_until(lambda: self.api("GET", "/api/v1/pbx/tls1")[1]
                       .get("fingerprint") == fp, "the certificate pinned")
            # A PBX whose certificate is not the pinned one stays down.
            s, b = self.api("POST", "/api/v1/pbx",
                            {"name": "tls2", "fingerprint": "00" * 32,
                             "address": "127.0.0.1:%d" % bad.port})
            self.assertEqual(s, 201, b)
            self.assertEqual(b["fingerprint"], ":".join(["00"] * 32))
            self.api("POST", "/api/v1/stations",
                     {"pbx": "tls2", "device": "4002", "extension": "202"})
            wait_until(lambda: "is not the pinned" in self.box.log_text(),
                       "the wrong certificate refused")
            self.assertEqual(bad.monitored(), [])
            self.assertEqual(self.api("GET", "/api/v1/pbx/tls2")[1]["state"],
                             "down")
        finally:
            good.close()
            bad.close()
            shutil.rmtree(d)

    def test_call_control_by_text_message(self):
        self.link()
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        try:
            self.assertEqual(status_of(alice.register()), 200)

            def say(text):
                self.assertEqual(status_of(alice.message("ivm", text)), 200)
                note = alice.receive_request("MESSAGE")
                self.assertIsNotNone(note, "no answer to " + text)
                return body_of(note).decode()
            # Nothing to answer yet; a bad command is explained.
            self.assertIn("No call is ringing", say("answer"))
            self.assertIn("call NUMBER", say("call nobody"))
            # A call to her desk phone, answered from her softphone.
            cid = self.pbx.dial("3002", "3001")
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "ringing", "ringing in the API")
            self.assertIn("Answered", say("answer"))
            answered = self.pbx.invoked("AnswerCall")
            self.assertEqual(len(answered), 1)
            self.assertIn(cid, ET.tostring(answered[0]).decode())
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "on-the-phone", "talking in the API")
            self.assertIn("On hold", say("hold"))
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "on-hold", "on hold in the API")
            self.assertIn("Retrieved", say("retrieve"))
            self.assertIn("Transferred to 3003", say("transfer 3003"))
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "idle", "idle after the transfer")
            # She calls 3002 from the box, then hangs up.
            self.assertIn("Calling 3002", say("call 3002"))
            made = self.pbx.invoked("MakeCall")
            self.assertEqual(made[0].find("{*}callingDevice").text, "3001")
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "on-the-phone", "dialling in the API")
            self.assertIn("Hung up", say("hangup"))
            self.assertIn("Forwarded to 3003", say("forward 3003"))
            self.assertEqual(self.pbx.phones["3001"].forward, "3003")
            self.assertIn("Forwarding off", say("forward off"))
            self.assertIsNone(self.pbx.phones["3001"].forward)
            self.assertIn("Do not disturb on", say("dnd on"))
            self.assertTrue(self.pbx.phones["3001"].dnd)
            # The PBX refuses: said as it is.
            self.assertIn("refused: invalidCalledDeviceID",
                          say("call 9999"))
            # The same through the user's API (HTTP Digest, their SIP
            # credentials).
            def post(user, body):
                path = os.path.join(self.box.data_dir, "..", "call.json")
                with open(path, "w") as f:
                    json.dump(body, f)
                code, out = curl_as(self.box, user, "POST", "/api/v1/calls",
                                    path, ctype="application/json")
                return code, json.loads(out) if out else None
            code, out = post("201", {"action": "call", "to": "3003"})
            self.assertEqual((code, out), (200, {"result": "Calling 3003."}))
            wait_until(lambda: self.state()["devices"][0]["activity"] ==
                       "on-the-phone", "the PBX's events of the call")
            self.assertEqual(post("201", {"action": "hangup"})[0], 200)
            code, out = post("201", {"action": "park"})
            self.assertEqual((code, out["field"]), (400, "action"))
            self.assertEqual(post("201", {"action": "dnd", "on": "x"})[0],
                             400)
            self.assertEqual(post("202", {"action": "answer"})[0], 404)
            s, _ = self.box.http("POST", "/api/v1/calls",
                                 b'{"action":"answer"}')
            self.assertEqual(s, 401)
            # The link down: said.
            self.pbx.pause()
            self.pbx.drop()
            self.assertIn("down", say("call 3002"))
        finally:
            alice.close()

    @unittest.skipUnless(shutil.which("espeak-ng") and shutil.which("curl"),
                         "espeak-ng or curl missing")
    def test_the_lamp_follows_voice_messages(self):
        self.link()
        self.assertFalse(self.pbx.phones["3001"].lamp)
        wav = os.path.join(self.box.data_dir, "..", "m.wav")
        subprocess.run(["espeak-ng", "-w", wav, "Lunch at noon."],
                       check=True)
        code, body = curl_as(self.box, "202", "POST",
                             "/api/v1/voice-messages?to=201", wav)
        self.assertEqual(code, 201, body)
        self.pbx.wait_for(lambda: self.pbx.phones["3001"].lamp,
                          "SetMessageWaitingIndicator on 3001")
        # Set again after the link comes back (the PBX may have lost it).
        self.pbx.phones["3001"].lamp = False
        self.pbx.drop()
        self.pbx.wait_for(lambda: self.pbx.phones["3001"].lamp,
                          "the lamp set again after reconnecting")

    def test_bad_input_and_what_a_stranger_sees(self):
        bad = [({"name": "p", "address": "127.0.0.1:1", "edition": "ed9"},
                "edition"),
               ({"name": "p", "address": "127.0.0.1:1", "handshake": "x"},
                "handshake"),
               ({"name": "p", "address": "nowhere"}, "address"),
               ({"name": "p b", "address": "127.0.0.1:1"}, "name"),
               ({"name": "p", "address": "127.0.0.1:1", "tls": 1}, "tls")]
        for body, field in bad:
            s, answer = self.api("POST", "/api/v1/pbx", body)
            self.assertEqual(s, 400, body)
            self.assertEqual(answer.get("field"), field, answer)
        self.link()
        s, _ = self.api("POST", "/api/v1/pbx",
                        {"name": "pbx1", "address": "127.0.0.1:9"})
        self.assertEqual(s, 409)
        for body, field in [
                ({"pbx": "nope", "device": "3002", "extension": "202"},
                 "pbx"),
                ({"pbx": "pbx1", "device": "30a2", "extension": "202"},
                 "device"),
                ({"pbx": "pbx1", "device": "3002", "extension": "x"},
                 "extension"),
                ({"pbx": "pbx1", "device": "3002", "extension": "202",
                  "display": {"rows": 0, "columns": 24}}, "display"),
                ({"pbx": "pbx1", "device": "3002", "extension": "202",
                  "im_key": ""}, "im_key")]:
            s, answer = self.api("POST", "/api/v1/stations", body)
            self.assertEqual(s, 400, body)
            self.assertEqual(answer.get("field"), field, answer)
        s, _ = self.api("POST", "/api/v1/stations",
                        {"pbx": "pbx1", "device": "3001", "extension": "202"})
        self.assertEqual(s, 409)
        # A PBX is not a media gateway, and a stranger sees nothing.
        s, body = self.api("GET", "/api/v1/gateways")
        self.assertEqual([g["name"] for g in body["gateways"]], [])
        self.assertEqual(self.api("GET", "/api/v1/gateways/pbx1")[0], 404)
        self.assertEqual(self.api("GET", "/api/v1/pbx", auth=False)[0], 401)
        self.assertEqual(self.api("GET", "/api/v1/pbx/nope", auth=False)[0],
                         401)
        self.assertEqual(self.api("DELETE",
                                  "/api/v1/stations/pbx1/3001")[0], 200)
        self.assertEqual(self.api("DELETE",
                                  "/api/v1/stations/pbx1/3001")[0], 404)
        self.pbx.wait_for(lambda: self.pbx.monitored() == [],
                          "the monitor stopped")
        # Deleted: the link closes, the stations go.
        s, _ = self.api("DELETE", "/api/v1/pbx/pbx1")
        self.assertEqual(s, 200)
        self.assertEqual(self.api("GET", "/api/v1/pbx/pbx1")[0], 404)
        s, body = self.api("GET", "/api/v1/stations")
        self.assertEqual(body["stations"], [])

    def test_kept_across_a_restart(self):
        # An ed6 PBX that wants an ECMA-354 application session.
        self.pbx.close()
        self.pbx = PbxSim(phones=("3001", "3002"), edition="ed6",
                          handshake="application-session")
        self.link("ed6", "application-session")
        self.assertEqual(len(self.pbx.sessions), 1)
        self.box.stop()
        first = self.pbx.connections
        self.box.start()
        self.pbx.wait_for(lambda: self.pbx.connections > first and
                          self.pbx.monitored() == ["3001"],
                          "the restarted box monitoring 3001")
        body = self.state()
        self.assertEqual(body["edition"], "ed6")
        self.assertEqual(len(self.pbx.sessions), 2)
        self.assertEqual(body["devices"][0]["extension"], "201")


if __name__ == "__main__":
    unittest.main()
