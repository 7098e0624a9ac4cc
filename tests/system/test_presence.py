"""Issue 5: presence (SUBSCRIBE/NOTIFY/PUBLISH, pending authorization answered
by text message), busy lamps (dialog-info) and calls through the box's
stateful proxy, with Python UAs on loopback."""

import json
import os
import random
import re
import tempfile
import unittest

from harness import Appliance, free_port, wait_until
from sip_ua import UA, authorization, body_of, parse_challenges
from sip_util import header, sipp, sipp_background, status_of

USERS = {"201": ("Alice", "s3cret"), "202": ("Bob", "b0bpass"),
         "203": ("Carol", "c4rolpw")}


def admin(box):
    with open(os.path.join(box.data_dir, "admin.json")) as f:
        token = json.load(f)["token"]
    return {"Authorization": "Bearer " + token,
            "Content-Type": "application/json"}


def provision(box):
    hdr = admin(box)
    for ext, (name, pw) in USERS.items():
        s, _ = box.http("POST", "/api/v1/users", json.dumps(
            {"extension": ext, "name": name, "password": pw}).encode(), hdr)
        assert s == 201, s


def ua(box, ext, **kw):
    return UA(box.sip_port, ext, USERS[ext][1], **kw)


def contact_of(u):
    return "<sip:%s@127.0.0.1:%d>" % (u.user, u.port)


def next_request(u, method, timeout=10.0, answer=200):
    """Waits for a request of `method`, answering any other request 200 (and
    ignoring responses); answers it with `answer` unless None."""
    while True:
        r = u.recv(timeout)
        if r is None:
            return None
        if r.startswith(b"SIP/2.0"):
            continue
        if r.startswith(method.encode() + b" "):
            if answer is not None:
                u.answer(r, answer)
            return r
        u.answer(r, 200)


def subscribe(u, target, event, expires=600, accept=None):
    extra = "Event: %s\r\nExpires: %d\r\nContact: %s\r\n" % (
        event, expires, contact_of(u))
    if accept:
        extra += "Accept: %s\r\n" % accept
    u.call_id = "sub-%x" % random.getrandbits(64)
    return u.with_auth("SUBSCRIBE", "sip:%s@%s" % (target, u.domain), extra)


def publish(u, activity):
    """PUBLISH (RFC 3903) of an open tuple with an RPID activity."""
    pidf = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
            'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" '
            'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" '
            'entity="sip:%s@127.0.0.1"><tuple id="pc"><status><basic>open'
            '</basic></status></tuple><dm:person id="p"><rpid:activities>'
            '<rpid:%s/></rpid:activities></dm:person></presence>'
            % (u.user, activity)).encode()
    u.call_id = "pub-%x" % random.getrandbits(64)
    return u.with_auth("PUBLISH", "sip:%s@127.0.0.1" % u.user,
                       "Event: presence\r\nExpires: 600\r\n"
                       "Content-Type: application/pidf+xml\r\n", pidf)


def notifies_sent(box):
    _, text = box.http("GET", "/metrics")
    m = re.search(rb"(?m)^ivm_presence_notifies_total (\d+)", text)
    return int(m.group(1)) if m else 0


def sub_state(notify):
    return header(notify, "Subscription-State")


class Presence(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box)
        self.uas = []

    def tearDown(self):
        for u in self.uas:
            u.close()
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def ua(self, ext, **kw):
        u = ua(self.box, ext, **kw)
        self.uas.append(u)
        return u

    def test_unknown_event_is_489(self):
        bob = self.ua("202")
        r = subscribe(bob, "201", "no-such-package")
        self.assertEqual(status_of(r), 489)
        self.assertIn("presence", header(r, "Allow-Events"))

    def test_pending_watcher_accepted_by_message(self):
        alice, bob = self.ua("201"), self.ua("202")
        self.assertEqual(status_of(alice.register()), 200)
        self.assertEqual(status_of(bob.register()), 200)
        r = subscribe(bob, "201", "presence")
        self.assertEqual(status_of(r), 200)
        n = next_request(bob, "NOTIFY")
        self.assertTrue(sub_state(n).startswith("pending"), n)
        # Alice is asked, by a message from the box.
        ask = next_request(alice, "MESSAGE")
        self.assertIn(b"Bob (202) wants to see your presence", body_of(ask))
        self.assertIn(b"ACCEPT 202", body_of(ask))
        self.assertIn("sip:ivm@", header(ask, "From"))
        # She accepts by answering the service address.
        self.assertEqual(status_of(alice.message("ivm", "accept 202")), 200)
        n = next_request(bob, "NOTIFY")
        self.assertTrue(sub_state(n).startswith("active"), n)
        self.assertEqual(header(n, "Content-Type"), "application/pidf+xml")
        self.assertIn(b"<basic>open</basic>", body_of(n))
        self.assertIn(b"Alice", body_of(n))
        # Unregistering closes her presence.
        alice.send(alice.request(
            "REGISTER", "sip:127.0.0.1",
            "Contact: *\r\nExpires: 0\r\n", to_uri="sip:201@127.0.0.1"))
        r = alice.final()
        if status_of(r) == 401:
            ch = parse_challenges(r, "WWW-Authenticate")[0]
            auth = authorization(ch, "REGISTER", "sip:127.0.0.1", "201",
                                 "s3cret")
            alice.send(alice.request(
                "REGISTER", "sip:127.0.0.1",
                "Contact: *\r\nExpires: 0\r\nAuthorization: %s\r\n" % auth,
                to_uri="sip:201@127.0.0.1"))
            r = alice.final()
        self.assertEqual(status_of(r), 200)
        n = next_request(bob, "NOTIFY")
        self.assertIn(b"<basic>closed</basic>", body_of(n))

    def test_status_command_and_publish(self):
        alice, bob = self.ua("201"), self.ua("202")
        hdr = admin(self.box)
        # The admin puts Alice in Bob's list: Bob may watch her at once.
        s, _ = self.box.http("POST", "/api/v1/users/202/contacts",
                             json.dumps({"extension": "201"}).encode(), hdr)
        self.assertEqual(s, 201)
        self.assertEqual(status_of(alice.register()), 200)
        self.assertEqual(status_of(subscribe(bob, "201", "presence")), 200)
        n = next_request(bob, "NOTIFY")
        self.assertTrue(sub_state(n).startswith("active"), n)
        self.assertIn(b"<basic>open</basic>", body_of(n))
        # "status away lunch" from Alice's phone.
        self.assertEqual(status_of(alice.message("ivm", "status away lunch")),
                         200)
        n = next_request(bob, "NOTIFY")
        self.assertIn(b"away", body_of(n))
        self.assertIn(b"lunch", body_of(n))
        reply = next_request(alice, "MESSAGE")
        self.assertIn(b"away", body_of(reply))
        # PUBLISH (RFC 3903) with an RPID activity.
        self.assertEqual(status_of(alice.message("ivm", "signin")), 200)
        next_request(bob, "NOTIFY")
        r = publish(alice, "meeting")
        self.assertEqual(status_of(r), 200)
        self.assertTrue(header(r, "SIP-ETag"))
        n = next_request(bob, "NOTIFY")
        self.assertIn(b"meeting", body_of(n))
        # The contact list shows through the admin API.
        s, body = self.box.http("GET", "/api/v1/users/202/contacts",
                                None, hdr)
        self.assertEqual(s, 200)
        self.assertEqual(json.loads(body)["contacts"][0]["extension"], "201")

    def test_subscription_survives_restart(self):
        alice, bob = self.ua("201"), self.ua("202")
        hdr = admin(self.box)
        s, _ = self.box.http("POST", "/api/v1/users/202/contacts",
                             json.dumps({"extension": "201"}).encode(), hdr)
        self.assertEqual(s, 201)
        self.assertEqual(status_of(subscribe(bob, "201", "presence")), 200)
        n = next_request(bob, "NOTIFY")
        self.assertTrue(sub_state(n).startswith("active"), n)
        cseq = int(header(n, "CSeq").split()[0])
        self.box.stop()
        self.box.start()
        # At start the box tells Bob the state as it is (Alice is offline).
        n = next_request(bob, "NOTIFY")
        self.assertIsNotNone(n, "no NOTIFY after the restart")
        self.assertIn(b"<basic>closed</basic>", body_of(n))
        self.assertGreater(int(header(n, "CSeq").split()[0]), cseq)
        cseq = int(header(n, "CSeq").split()[0])
        # Alice registers after the restart: Bob hears of it. (Copies of
        # the NOTIFY before, retransmitted while the box had not yet seen
        # Bob's 200 on a loaded machine, are answered and skipped, as is
        # a state sent before the registration took effect.)
        self.assertEqual(status_of(alice.register()), 200)
        n = next_request(bob, "NOTIFY")
        for _ in range(5):
            if n is None or b"<basic>open</basic>" in body_of(n):
                break
            n = next_request(bob, "NOTIFY")
        self.assertIsNotNone(n, "no NOTIFY after the restart")
        self.assertIn(b"<basic>open</basic>", body_of(n))
        self.assertGreater(int(header(n, "CSeq").split()[0]), cseq)


class Calls(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box)
        self.alice, self.bob = ua(self.box, "201"), ua(self.box, "202")
        self.assertEqual(status_of(self.alice.register()), 200)
        self.assertEqual(status_of(self.bob.register()), 200)

    def tearDown(self):
        self.alice.close()
        self.bob.close()
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def invite(self, to="202"):
        a = self.alice
        a.call_id = "call-%x" % random.getrandbits(64)
        a.tag = "%x" % random.getrandbits(32)
        sdp = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
        extra = "Contact: %s\r\nContent-Type: application/sdp\r\n" % contact_of(a)
        ruri = "sip:%s@127.0.0.1" % to
        a.send(a.request("INVITE", ruri, extra, sdp))
        r = a.final()
        self.assertEqual(status_of(r), 407, r)
        ack = a.last_sent.replace(b"INVITE sip", b"ACK sip", 1)
        ch = parse_challenges(r, "Proxy-Authenticate")[0]
        auth = authorization(ch, "INVITE", ruri, "201", "s3cret")
        a.cseq += 0
        a.send(a.request("INVITE", ruri,
                         extra + "Proxy-Authorization: %s\r\n" % auth, sdp))
        return ruri, ack

    def respond(self, req, code, reason, tag="b0b", contact=True, body=b""):
        answer_as(self.bob, req, code, reason, tag, body, contact)

    def test_call_rings_answers_and_hangs_up_with_busy_lamp(self):
        carol = ua(self.box, "203")
        try:
            self.assertEqual(status_of(subscribe(carol, "202", "dialog")),
                             200)
            n = next_request(carol, "NOTIFY")
            self.assertIn(b"dialog-info", body_of(n))
            self.invite()
            inv = next_request(self.bob, "INVITE", answer=None)
            self.assertIsNotNone(inv, "INVITE not forwarded")
            self.assertTrue(header(inv, "Record-Route"))
            self.respond(inv, 180, "Ringing")
            r = self.alice.recv()
            while r is not None and status_of(r) == 100:
                r = self.alice.recv()
            self.assertEqual(status_of(r), 180)
            states = []
            while "early" not in states:
                n = next_request(carol, "NOTIFY")
                self.assertIsNotNone(n)
                states += re.findall(rb"<state>(\w+)</state>", body_of(n))
                states = [s.decode() if isinstance(s, bytes) else s
                          for s in states]
            self.respond(inv, 200, "OK", body=b"v=0\r\n")
            ok = self.alice.final()
            self.assertEqual(status_of(ok), 200)
            rr = header(ok, "Record-Route")
            self.assertTrue(rr)
            while "confirmed" not in states:
                n = next_request(carol, "NOTIFY")
                self.assertIsNotNone(n)
                states += [s.decode() for s in
                           re.findall(rb"<state>(\w+)</state>", body_of(n))]
            # ACK and BYE go through the box (Route: the Record-Route).
            a = self.alice
            to = header(ok, "To")
            bob_contact = re.search(r"<([^>]+)>", header(ok, "Contact")).group(1)
            for method in ("ACK", "BYE"):
                if method == "BYE":
                    a.cseq += 1
                msg = ("%s %s SIP/2.0\r\n"
                       "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%x;rport\r\n"
                       "Max-Forwards: 70\r\nRoute: %s\r\n"
                       "From: <sip:201@127.0.0.1>;tag=%s\r\nTo: %s\r\n"
                       "Call-ID: %s\r\nCSeq: %d %s\r\n"
                       "Content-Length: 0\r\n\r\n" % (
                           method, bob_contact, a.port,
                           random.getrandbits(48), rr, a.tag, to, a.call_id,
                           a.cseq, method))
                a.send(msg.encode())
                got = next_request(self.bob, method,
                                   answer=200 if method == "BYE" else None)
                self.assertIsNotNone(got, method + " not forwarded")
            self.assertEqual(status_of(a.final()), 200)
            while "terminated" not in states:
                n = next_request(carol, "NOTIFY")
                self.assertIsNotNone(n)
                states += [s.decode() for s in
                           re.findall(rb"<state>(\w+)</state>", body_of(n))]
        finally:
            carol.close()

    def test_busy_callee(self):
        self.invite()
        inv = next_request(self.bob, "INVITE", answer=None)
        self.respond(inv, 486, "Busy Here", contact=False)
        r = self.alice.final()
        self.assertEqual(status_of(r), 486)
        # The box ACKs the 486 towards Bob (RFC 3261 17.1.1.3).
        self.assertIsNotNone(next_request(self.bob, "ACK", answer=None))

    def test_caller_cancels(self):
        ruri, _ = self.invite()
        inv = next_request(self.bob, "INVITE", answer=None)
        self.respond(inv, 180, "Ringing")
        r = self.alice.recv()
        while status_of(r) == 100:
            r = self.alice.recv()
        self.assertEqual(status_of(r), 180)
        a = self.alice
        via = re.search(rb"(?im)^Via: (.*)$", a.last_sent).group(1).decode()
        cancel = ("CANCEL %s SIP/2.0\r\nVia: %s\r\nMax-Forwards: 70\r\n"
                  "From: <sip:201@127.0.0.1>;tag=%s\r\nTo: <%s>\r\n"
                  "Call-ID: %s\r\nCSeq: %d CANCEL\r\nContent-Length: 0\r\n\r\n"
                  % (ruri, via.strip(), a.tag, ruri, a.call_id, a.cseq))
        a.send(cancel.encode())
        got = next_request(self.bob, "CANCEL")
        self.assertIsNotNone(got, "CANCEL not forwarded")
        self.respond(inv, 487, "Request Terminated", contact=False)
        codes = set()
        while 487 not in codes:
            r = a.recv()
            self.assertIsNotNone(r)
            codes.add(status_of(r))
        self.assertIn(200, codes)  # the CANCEL's own answer

    def test_unregistered_callee_is_480(self):
        carol = ua(self.box, "203")
        carol.close()
        ruri, _ = self.invite("203")
        self.assertEqual(status_of(self.alice.final()), 480)


def csv(*rows):
    f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    f.write("SEQUENTIAL\n" + "".join(";".join(r) + ";\n" for r in rows))
    f.close()
    return f.name


def unregister(u):
    """Removes every binding of `u`'s user (Contact: *, Expires: 0)."""
    u.call_id = "unreg-%x" % random.getrandbits(64)
    return u.with_auth("REGISTER", "sip:%s" % u.domain,
                       "Contact: *\r\nExpires: 0\r\n",
                       to_uri="sip:%s@%s" % (u.user, u.domain))


def answer_as(callee, req, code, reason, tag="b0b", body=b"", contact=True):
    """`callee` answers `req` (a request the box forwarded to it)."""
    head = req.split(b"\r\n\r\n")[0].split(b"\r\n")
    keep = [l for l in head[1:] if re.match(
        rb"(?i)(via|v|from|f|to|t|call-id|i|cseq|record-route)\s*:", l)]
    keep = [l + b";tag=" + tag.encode()
            if re.match(rb"(?i)(to|t)\s*:", l) and b"tag=" not in l
            else l for l in keep]
    if contact:
        keep.append(b"Contact: " + contact_of(callee).encode())
    callee.send(b"SIP/2.0 %d %s\r\n" % (code, reason.encode())
                + b"\r\n".join(keep)
                + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


def call_and_hang_up(test, caller, callee):
    """caller calls callee through the box; callee answers; caller ACKs,
    then hangs up. Returns when the BYE got its 200."""
    caller.call_id = "call-%x" % random.getrandbits(64)
    caller.tag = "%x" % random.getrandbits(32)
    ruri = "sip:%s@127.0.0.1" % callee.user
    extra = "Contact: %s\r\n" % contact_of(caller)
    caller.send(caller.request("INVITE", ruri, extra))
    inv = next_request(callee, "INVITE", answer=None, timeout=1.0)
    if inv is None:
        # Challenged (a caller over a connection it registered on is not).
        r = caller.final()
        test.assertEqual(status_of(r), 407, r)
        ch = parse_challenges(r, "Proxy-Authenticate")[0]
        auth = authorization(ch, "INVITE", ruri, caller.user, caller.password)
        caller.send(caller.request(
            "INVITE", ruri, extra + "Proxy-Authorization: %s\r\n" % auth))
        inv = next_request(callee, "INVITE", answer=None)
    test.assertIsNotNone(inv, "INVITE not forwarded")
    answer_as(callee, inv, 200, "OK")
    ok = caller.final()
    while ok is not None and status_of(ok) != 200:
        ok = caller.final()
    test.assertEqual(status_of(ok), 200)
    rr = header(ok, "Record-Route")
    to = header(ok, "To")
    target = re.search(r"<([^>]+)>", header(ok, "Contact")).group(1)
    for method in ("ACK", "BYE"):
        if method == "BYE":
            caller.cseq += 1
        msg = ("%s %s SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%x;rport\r\n"
               "Max-Forwards: 70\r\nRoute: %s\r\n"
               "From: <sip:%s@127.0.0.1>;tag=%s\r\nTo: %s\r\n"
               "Call-ID: %s\r\nCSeq: %d %s\r\nContent-Length: 0\r\n\r\n"
               % (method, target, caller.port, random.getrandbits(48), rr,
                  caller.user, caller.tag, to, caller.call_id, caller.cseq,
                  method))
        caller.send(msg.encode())
        got = next_request(callee, method,
                           answer=200 if method == "BYE" else None)
        test.assertIsNotNone(got, method + " not forwarded")
    test.assertEqual(status_of(caller.final()), 200)


class CallsAcrossTransports(unittest.TestCase):
    """A call changing transport gets two Record-Routes (RFC 5658) and every
    in-dialog request reaches the other phone over its own flow."""

    def setUp(self):
        self.box = Appliance().start()
        provision(self.box)

    def tearDown(self):
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def call(self, caller_tp, callee_tp):
        def phone(ext, tp):
            port = self.box.tls_port if tp == "tls" else self.box.sip_port
            return UA(port, ext, USERS[ext][1], transport=tp)

        alice = phone("201", caller_tp)
        carol = phone("203", callee_tp)
        try:
            self.assertEqual(status_of(alice.register()), 200)
            self.assertEqual(status_of(carol.register()), 200)
            call_and_hang_up(self, alice, carol)
        finally:
            alice.close()
            carol.close()

    def test_tcp_caller_udp_callee(self):
        self.call("tcp", "udp")

    def test_udp_caller_tcp_callee(self):
        self.call("udp", "tcp")

    def test_tls_caller_tcp_callee(self):
        self.call("tls", "tcp")


class SippCalls(unittest.TestCase):
    """The SIPp scenarios of tests/scenarios/sipp: phones on SIPp."""

    def setUp(self):
        self.box = Appliance().start()
        provision(self.box)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def background(self, scenario, extra=(), port=None):
        """A SIPp instance waiting (UAS, or a UAC that blocks on NOTIFYs)."""
        proc, port = sipp_background(scenario, extra, port)
        self.procs.append(proc)
        return proc, port

    def phone(self, ext, scenario):
        proc, port = self.background(scenario)
        code, err = sipp("register_contact_uac.xml", self.box.sip_port,
                         "u1", calls=1, rate=1,
                         extra=["-inf", csv((ext, USERS[ext][1], str(port)))])
        self.assertEqual(code, 0, err)
        return proc

    def finish(self, proc):
        out, _ = proc.communicate(timeout=400)
        self.assertEqual(proc.returncode, 0, out[-3000:] + "\n--- box:\n" +
                         self.box.log_text()[-3000:])

    def test_sipp_call_with_busy_lamp(self):
        callee = self.phone("202", "call_uas.xml")
        # Carol's desk phone watches Bob's line.
        blf, _ = self.background(
            "blf_watcher.xml",
            ["-inf", csv(("203", USERS["203"][1], "202")),
             "127.0.0.1:%d" % self.box.sip_port])
        # The first NOTIFY (no calls yet) went out before the call starts.
        wait_until(lambda: notifies_sent(self.box) >= 1, "the first NOTIFY")
        code, err = sipp("call_uac.xml", self.box.sip_port, "u1", calls=1,
                         rate=1, extra=["-inf", csv(("201", "s3cret", "202"))])
        self.assertEqual(code, 0, err)
        self.finish(callee)
        self.finish(blf)

    def test_sipp_presence_watcher_across_a_restart(self):
        alice, carol = ua(self.box, "201"), ua(self.box, "203")
        try:
            self.assertEqual(status_of(alice.register()), 200)
            self.assertEqual(status_of(carol.register()), 200)
            watcher, _ = self.background(
                "presence_watcher.xml",
                ["-inf", csv(("202", USERS["202"][1], "201")),
                 "127.0.0.1:%d" % self.box.sip_port])
            ask = next_request(alice, "MESSAGE", timeout=30)
            self.assertIsNotNone(ask, "Alice was not asked")
            self.assertIn(b"ACCEPT 202", body_of(ask))
            self.assertEqual(status_of(alice.message("ivm", "ACCEPT 202")),
                             200)
            self.assertEqual(status_of(unregister(alice)), 200)
            # pending, open, closed: all sent before the box stops.
            wait_until(lambda: notifies_sent(self.box) >= 3,
                       "the NOTIFY for the unregistration")
            # The subscription is on disk: it outlives a restart.
            self.box.stop()
            self.box.start()
            r = publish(alice, "meeting")
            self.assertEqual(status_of(r), 200)
            call_and_hang_up(self, alice, carol)
            self.finish(watcher)
        finally:
            alice.close()
            carol.close()

    def test_sipp_busy_callee(self):
        callee = self.phone("202", "call_busy_uas.xml")
        code, err = sipp("call_busy_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv(("201", "s3cret", "202"))])
        self.assertEqual(code, 0, err)
        self.finish(callee)


if __name__ == "__main__":
    unittest.main()
