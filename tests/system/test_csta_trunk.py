"""Issue 17 from outside: calls between a PBX's phones and the box's SIP
users over the PBX's SIP trunk (seed 001: "the box places the SIP leg").
The PBX's SIP side is a scripted SIP UA on 127.0.0.2 (another loopback
address, so it is told apart from the SIP phones on 127.0.0.1); its CTI
link is csta_pbx_sim.py. Alice (201) has desk phone 3001 on the PBX and a
SIP softphone; Bob (202) a SIP softphone."""

import json
import os
import random
import re
import subprocess
import unittest

from csta_pbx_sim import PbxSim
from harness import Appliance, wait_until
from sip_ua import UA, authorization, parse_challenges
from sip_util import ack_for, header, status_of
from test_messaging import USERS, provision

IVMCTL = os.environ.get("IVMCTL", "ivmctl")
PBX_HOST = "127.0.0.2"

SDP = (b"v=0\r\no=pbx 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\n"
       b"t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def headers(msg, name):
    """Every value of header `name` (one line each, or comma-joined)."""
    out = []
    for line in msg.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == name.lower().encode():
            out += [x.strip() for x in re.split(r",\s*(?=<)", v.decode())]
    return out


def uri_of(value):
    m = re.search(r"<([^>]+)>", value)
    return m.group(1) if m else value.split(";")[0].strip()


def contact(ua):
    return "<sip:%s@%s:%d>" % (ua.user, ua.host, ua.port)


class Dialog:
    """One side of a call, enough to send ACK and BYE (RFC 3261 §12)."""

    def __init__(self, ua, local, remote, target, route, call_id, cseq):
        self.ua, self.local, self.remote = ua, local, remote
        self.target, self.route = target, route
        self.call_id, self.cseq = call_id, cseq

    @staticmethod
    def of_caller(ua, invite, ok):
        """The caller's dialog from its INVITE and the 200 it got."""
        return Dialog(ua, header(invite, "From"), header(ok, "To"),
                      uri_of(header(ok, "Contact")),
                      list(reversed(headers(ok, "Record-Route"))),
                      header(invite, "Call-ID"),
                      int(header(invite, "CSeq").split()[0]))

    @staticmethod
    def of_callee(ua, invite, tag):
        return Dialog(ua, header(invite, "To") + ";tag=" + tag,
                      header(invite, "From"), uri_of(header(invite, "Contact")),
                      headers(invite, "Record-Route"),
                      header(invite, "Call-ID"), 100)

    def send(self, method):
        if method != "ACK":
            self.cseq += 1
        ua = self.ua
        route = "".join("Route: %s\r\n" % r for r in self.route)
        ua.send(("%s %s SIP/2.0\r\n"
                 "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%x;rport\r\n"
                 "Max-Forwards: 70\r\n%sFrom: %s\r\nTo: %s\r\n"
                 "Call-ID: %s\r\nCSeq: %d %s\r\nContent-Length: 0\r\n\r\n"
                 % (method, self.target, ua.host, ua.port,
                    random.getrandbits(48), route, self.local, self.remote,
                    self.call_id, self.cseq, method)).encode())


def answer(ua, req, code, reason, tag="pbx", body=b""):
    """`ua` answers `req` (a request the box sent it) with its Contact."""
    head = req.split(b"\r\n\r\n")[0].split(b"\r\n")
    keep = [l for l in head[1:] if re.match(
        rb"(?i)(via|v|from|f|to|t|call-id|i|cseq|record-route)\s*:", l)]
    keep = [l + b";tag=" + tag.encode()
            if re.match(rb"(?i)(to|t)\s*:", l) and b"tag=" not in l
            else l for l in keep]
    keep.append(b"Contact: " + contact(ua).encode())
    if body:
        keep.append(b"Content-Type: application/sdp")
    ua.send(b"SIP/2.0 %d %s\r\n" % (code, reason.encode())
            + b"\r\n".join(keep)
            + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


def next_request(ua, method, timeout=10.0):
    """The next request of `method` (others answered 200, responses and
    retransmissions of earlier requests skipped)."""
    while True:
        r = ua.recv(timeout)
        if r is None:
            return None
        if r.startswith(b"SIP/2.0"):
            continue
        if r.startswith(method.encode() + b" "):
            return r
        if not r.startswith(b"ACK ") and not r.startswith(b"INVITE "):
            ua.answer(r, 200)


def final_response(ua, method="INVITE"):
    """The next final response to a `method` request, provisional ones
    skipped (returned with the list of provisional codes seen)."""
    seen = []
    while True:
        r = ua.recv()
        if r is None:
            return None, seen
        if not r.startswith(b"SIP/2.0"):
            if not r.startswith(b"ACK "):
                ua.answer(r, 200)
            continue
        if not header(r, "CSeq").endswith(method):
            continue
        if status_of(r) >= 200:
            return r, seen
        seen.append(status_of(r))


def invite(ua, ruri, extra=""):
    ua.call_id = "call-%x" % random.getrandbits(64)
    ua.tag = "%x" % random.getrandbits(32)
    ua.send(ua.request("INVITE", ruri,
                       "Contact: %s\r\nContent-Type: application/sdp\r\n%s"
                       % (contact(ua), extra), SDP))
    return ua.last_sent


class PbxTrunk(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box, group=False)
        with open(self.box.data_dir + "/admin.json") as f:
            self.token = json.load(f)["token"]
        self.cti = PbxSim(phones=("3001", "3002", "3003"))
        # The PBX's SIP side: calls from its phones come from here.
        self.trunk = UA(self.box.sip_port, "3002", "", host=PBX_HOST,
                        domain=PBX_HOST)
        s, body = self.api("POST", "/api/v1/pbx", {
            "name": "pbx1", "edition": "ed4",
            "address": "127.0.0.1:%d" % self.cti.port,
            "trunk": "%s:%d" % (PBX_HOST, self.trunk.port),
            "trunk_prefixes": ["39"]})
        self.assertEqual(s, 201, body)
        self.assertEqual(body["trunk"], "%s:%d" % (PBX_HOST, self.trunk.port))
        self.assertEqual(body["trunk_prefixes"], ["39"])
        s, body = self.api("POST", "/api/v1/stations",
                           {"pbx": "pbx1", "device": "3001",
                            "extension": "201"})
        self.assertEqual(s, 201, body)
        self.cti.wait_for(lambda: self.cti.monitored() == ["3001"],
                          "the box monitoring 3001")
        self.bob = UA(self.box.sip_port, "202", USERS["202"][1])
        self.assertEqual(status_of(self.bob.register()), 200)

    def tearDown(self):
        self.bob.close()
        self.trunk.close()
        self.cti.close()
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

    def bob_calls(self, number):
        """Bob dials `number` (answering the 407); returns his INVITE."""
        ruri = "sip:%s@127.0.0.1" % number
        sent = invite(self.bob, ruri)
        r, _ = final_response(self.bob)
        self.assertEqual(status_of(r), 407, r)
        self.bob.send(ack_for(sent, r))
        ch = parse_challenges(r, "Proxy-Authenticate")[0]
        auth = authorization(ch, "INVITE", ruri, "202", USERS["202"][1])
        self.bob.send(self.bob.request(
            "INVITE", ruri,
            "Contact: %s\r\nContent-Type: application/sdp\r\n"
            "Proxy-Authorization: %s\r\n" % (contact(self.bob), auth), SDP))
        return self.bob.last_sent

    # -- the PBX calls a SIP user -------------------------------------------

    def test_a_pbx_phone_calls_a_sip_user_who_hangs_up(self):
        sent = invite(self.trunk, "sip:202@127.0.0.1")
        inv = next_request(self.bob, "INVITE")
        self.assertIsNotNone(inv, "the PBX's call did not reach Bob")
        self.assertIn("sip:3002@" + PBX_HOST, header(inv, "From"))
        self.assertIn(b"m=audio 40000", inv)  # the PBX's media, end to end
        answer(self.bob, inv, 180, "Ringing", tag="bob")
        answer(self.bob, inv, 200, "OK", tag="bob", body=SDP)
        # (The 180 may arrive after the 200 over UDP and is then dropped.)
        ok, _ = final_response(self.trunk)
        self.assertEqual(status_of(ok), 200, ok)
        self.assertTrue(headers(ok, "Record-Route"), "the box stays in")
        pbx_side = Dialog.of_caller(self.trunk, sent, ok)
        pbx_side.send("ACK")
        self.assertIsNotNone(next_request(self.bob, "ACK"), "ACK to Bob")
        bob_side = Dialog.of_callee(self.bob, inv, "bob")
        bob_side.send("BYE")
        bye = next_request(self.trunk, "BYE")
        self.assertIsNotNone(bye, "Bob's BYE did not reach the PBX")
        self.trunk.answer(bye, 200)
        r, _ = final_response(self.bob, "BYE")
        self.assertEqual(status_of(r), 200)

    def test_a_busy_user_and_an_unknown_number_are_answered_to_the_pbx(self):
        s, _ = self.api("PATCH", "/api/v1/pbx/pbx1", {"trunk_prefixes": []})
        self.assertEqual(s, 200)
        invite(self.trunk, "sip:202@127.0.0.1")
        inv = next_request(self.bob, "INVITE")
        answer(self.bob, inv, 486, "Busy Here", tag="bob")
        r, _ = final_response(self.trunk)
        self.assertEqual(status_of(r), 486)
        self.trunk.send(ack_for(self.trunk.last_sent, r))
        invite(self.trunk, "sip:299@127.0.0.1")
        r, _ = final_response(self.trunk)
        self.assertEqual(status_of(r), 404)  # a trusted peer may know

    def test_only_the_trunk_address_is_trusted(self):
        # The same host from another port, and another host: strangers,
        # challenged like anyone else (a known and an unknown target alike).
        for ua in (UA(self.box.sip_port, "3002", "", host=PBX_HOST,
                      domain=PBX_HOST),
                   UA(self.box.sip_port, "3002", "", host="127.0.0.3",
                      domain="127.0.0.3")):
            try:
                for target in ("202", "299", "3003"):
                    invite(ua, "sip:%s@127.0.0.1" % target)
                    r, _ = final_response(ua)
                    self.assertEqual(status_of(r), 407, (target, r))
                    self.assertNotIn("Reason", r.decode())
                    ua.send(ack_for(ua.last_sent, r))
            finally:
                ua.close()
        # The trunk is trusted for calls only: a MESSAGE is challenged.
        self.trunk.send(self.trunk.request(
            "MESSAGE", "sip:202@127.0.0.1", "Content-Type: text/plain\r\n",
            b"hello", call_id="msg-%x" % random.getrandbits(48)))
        r = self.trunk.final_to_last()
        self.assertEqual(status_of(r), 407)

    # -- a SIP user calls the PBX ---------------------------------------------

    def test_a_sip_user_calls_a_pbx_phone_which_hangs_up(self):
        sent = self.bob_calls("3001")  # a phone of the PBX the box knows
        inv = next_request(self.trunk, "INVITE")
        self.assertIsNotNone(inv, "Bob's call did not reach the PBX")
        self.assertEqual(inv.split(b" ")[1].decode(),
                         "sip:3001@%s:%d" % (PBX_HOST, self.trunk.port))
        self.assertIn("sip:202@", header(inv, "From"))
        answer(self.trunk, inv, 200, "OK", body=SDP)
        ok, _ = final_response(self.bob)
        self.assertEqual(status_of(ok), 200, ok)
        Dialog.of_caller(self.bob, sent, ok).send("ACK")
        self.assertIsNotNone(next_request(self.trunk, "ACK"))
        Dialog.of_callee(self.trunk, inv, "pbx").send("BYE")
        bye = next_request(self.bob, "BYE")
        self.assertIsNotNone(bye, "the PBX's BYE did not reach Bob")
        self.bob.answer(bye, 200)
        r, _ = final_response(self.trunk, "BYE")
        self.assertEqual(status_of(r), 200)

    def test_numbers_go_to_the_pbx_by_prefix_and_others_are_not_found(self):
        self.bob_calls("3977")  # prefix "39"
        inv = next_request(self.trunk, "INVITE")
        self.assertIsNotNone(inv)
        self.assertTrue(inv.startswith(b"INVITE sip:3977@" + PBX_HOST.encode()))
        answer(self.trunk, inv, 480, "Temporarily Unavailable")
        r, _ = final_response(self.bob)
        self.assertEqual(status_of(r), 480)
        self.bob.send(ack_for(self.bob.last_sent, r))
        self.bob_calls("4977")
        r, _ = final_response(self.bob)
        self.assertEqual(status_of(r), 404)
        self.bob.send(ack_for(self.bob.last_sent, r))
        # Without the trunk the PBX's numbers are nobody's.
        s, body = self.api("PATCH", "/api/v1/pbx/pbx1", {"trunk": ""})
        self.assertEqual(s, 200, body)
        self.assertNotIn("trunk", body)
        self.bob_calls("3002")
        r, _ = final_response(self.bob)
        self.assertEqual(status_of(r), 404)

    def test_a_user_with_a_desk_phone_rings_there_and_on_sip(self):
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        try:
            self.assertEqual(status_of(alice.register()), 200)
            self.bob_calls("201")
            on_sip = next_request(alice, "INVITE")
            on_desk = next_request(self.trunk, "INVITE")
            self.assertIsNotNone(on_sip)
            self.assertIsNotNone(on_desk, "the desk phone did not ring")
            answer(alice, on_sip, 180, "Ringing", tag="al")
            self.assertTrue(on_desk.startswith(
                b"INVITE sip:3001@" + PBX_HOST.encode()))
            answer(self.trunk, on_desk, 200, "OK", body=SDP)
            ok, _ = final_response(self.bob)
            self.assertEqual(status_of(ok), 200)
            cancel = next_request(alice, "CANCEL")  # taken on the desk
            self.assertIsNotNone(cancel)
            alice.answer(cancel, 200)

            # A call from the PBX to Alice rings her SIP phone only: it
            # never goes back to the PBX it came from.
            invite(self.trunk, "sip:201@127.0.0.1")
            inv = next_request(alice, "INVITE")
            self.assertIsNotNone(inv)
            answer(alice, inv, 486, "Busy Here", tag="al")
            r, _ = final_response(self.trunk)
            self.assertEqual(status_of(r), 486)
            self.trunk.send(ack_for(self.trunk.last_sent, r))
            self.assertIsNone(next_request(self.trunk, "INVITE", timeout=0.5))
        finally:
            alice.close()

    # -- configuration ------------------------------------------------------

    def test_bad_trunk_settings_are_refused_and_change_nothing(self):
        for body, field in (({"trunk": "pbx.example"}, "trunk"),
                            ({"trunk": "127.0.0.2:0"}, "trunk"),
                            ({"trunk": 5060}, "trunk"),
                            ({"trunk_prefixes": ["3a"]}, "trunk_prefixes"),
                            ({"trunk_prefixes": "3"}, "trunk_prefixes"),
                            ({"trunk_prefixes": ["3,4"]}, "trunk_prefixes"),
                            ({"trunk": "", "trunk_prefixes": ["3"]},
                             "trunk_prefixes"),
                            ({"address": "127.0.0.1:1"}, "address"),
                            ({"colour": "red"}, "colour")):
            s, r = self.api("PATCH", "/api/v1/pbx/pbx1", body)
            self.assertEqual(s, 400, body)
            self.assertEqual(r["field"], field, body)
        s, r = self.api("PATCH", "/api/v1/pbx/nope", {"trunk": ""})
        self.assertEqual(s, 404)
        s, r = self.api("GET", "/api/v1/pbx/pbx1")
        self.assertEqual(r["trunk"], "%s:%d" % (PBX_HOST, self.trunk.port))
        self.assertEqual(r["trunk_prefixes"], ["39"])
        s, r = self.api("POST", "/api/v1/pbx", {
            "name": "pbx2", "address": "127.0.0.1:9",
            "trunk_prefixes": ["4"]})
        self.assertEqual((s, r["field"]), (400, "trunk_prefixes"))

    def ctl(self, *args):
        r = subprocess.run([IVMCTL, "--data-dir", self.box.data_dir] +
                           list(args), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r.stdout

    def test_ivmctl_sets_the_trunk_and_it_survives_a_restart(self):
        out = self.ctl("pbx", "trunk", "pbx1",
                       "%s:%d" % (PBX_HOST, self.trunk.port),
                       "--prefix", "38", "--prefix", "39")
        self.assertIn("trunk prefixes: 38, 39", out)
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        out = self.ctl("pbx", "show", "pbx1")
        self.assertIn("trunk: %s:%d" % (PBX_HOST, self.trunk.port), out)
        self.assertEqual(status_of(self.bob.register()), 200)
        self.bob_calls("3812")
        inv = next_request(self.trunk, "INVITE")
        self.assertIsNotNone(inv, "routing lost across the restart")
        self.assertTrue(inv.startswith(b"INVITE sip:3812@"))
        out = self.ctl("pbx", "trunk", "pbx1", "none")
        self.assertNotIn("trunk", out.replace("changed PBX", ""))

if __name__ == "__main__":
    unittest.main()
