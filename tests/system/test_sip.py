"""Issue 3: the SIP stack over the wire. RFC 4475 torture messages sent to
the running box get the answers the RFC expects (or are dropped), SIPp and
sipsak interoperate over UDP and TCP, retransmissions are answered
identically, and garbage never stops the box."""

import os
import random
import re
import subprocess
import unittest

from harness import Appliance, wait_until
from sip_util import (Tcp, Udp, VECTORS, ack_for, header, options, sipp,
                      status_of)

TORTURE = os.path.join(VECTORS, "torture")

# RFC 4475 §3: the answer of the box to each message over UDP. None: the
# message is a response and must be dropped. A set: any of these is right
# (the registrar and proxy parts come with later issues).
EXPECTED = {
    "3.1.1.1-wsinv": 404,        # valid INVITE for a user the box lacks
    "3.1.1.2-intmeth": 501,      # unknown method (§3.1.1.2: 501)
    "3.1.1.3-esc01": 404,
    "3.1.1.4-escnull": {404, 200, 401},
    "3.1.1.5-esc02": 501,        # RE%47IST%45R is not REGISTER
    "3.1.1.6-lwsdisp": 404,
    "3.1.1.7-longreq": 404,
    "3.1.1.8-dblreq": {404, 200, 401},  # the REGISTER only
    "3.1.1.9-semiuri": 404,
    "3.1.1.10-transports": 404,
    "3.1.1.11-mpart01": 404,
    "3.1.1.12-unreason": None,   # a response: nothing matches, dropped
    "3.1.1.13-noreason": None,
    "3.1.2.1-badinv01": 400,
    "3.1.2.2-clerr": 400,
    "3.1.2.3-ncl": 400,
    "3.1.2.4-scalar02": 400,
    "3.1.2.5-scalarlg": None,
    "3.1.2.6-quotbal": 400,
    "3.1.2.7-ltgtruri": 400,
    "3.1.2.8-lwsruri": 400,
    "3.1.2.9-lwsstart": 400,
    "3.1.2.10-trws": 400,
    "3.1.2.11-escruri": 400,
    "3.1.2.12-baddate": {400, 404},
    "3.1.2.13-regbadct": 400,
    "3.1.2.14-badaspec": 400,
    "3.1.2.15-baddn": 400,
    "3.1.2.16-badvers": 505,
    "3.1.2.17-mismatch01": 400,
    "3.1.2.18-mismatch02": 501,
    "3.1.2.19-bigcode": None,
    "3.2.1-badbranch": {400, 404},
    "3.3.1-insuf": 400,
    "3.3.2-unkscm": 416,
    "3.3.3-novelsc": 416,
    "3.3.4-unksm2": {400, 404},
    "3.3.5-bext01": 420,
    "3.3.6-invut": 415,
    "3.3.7-regaut01": {401, 404, 405},
    "3.3.8-multi01": 400,
    "3.3.9-mcl01": 400,
    "3.3.10-bcast": None,
    "3.3.11-zeromf": 483,
    "3.3.12-cparam01": {404, 200, 401},
    "3.3.13-cparam02": {404, 200, 401},
    "3.3.14-regescrt": {404, 200, 401},
    "3.3.15-sdp01": 406,
    "3.4.1-inv2543": 404,
    "archive-unreferenced-test": None,  # no Via: nothing to answer to
}


def vector(name):
    with open(os.path.join(TORTURE, name + ".dat"), "rb") as f:
        return f.read()


class Base(unittest.TestCase):
    def assert_alive(self):
        u = Udp(self.box.sip_port)
        u.send(options(self.box.sip_port))
        r = u.final()
        u.close()
        self.assertIsNotNone(r, "the box stopped answering")
        self.assertEqual(status_of(r), 200)

    def check_vector(self, name, expect, udp):
        data = vector(name)
        udp.send(data)
        if expect is None:
            # Responses are dropped. A request with the same Call-ID goes to
            # the same shard after it: its answer proves the drop happened.
            cid = re.search(rb"(?im)^(?:call-id|i)\s*:\s*(\S+)", data)
            udp.send(options(self.box.sip_port, call_id=cid.group(1).decode()))
            r = udp.final()
            self.assertEqual(status_of(r), 200, (name, r))
            return
        r = udp.final()
        self.assertIsNotNone(r, name + ": no answer")
        code = status_of(r)
        wanted = expect if isinstance(expect, set) else {expect}
        self.assertIn(code, wanted, name + ": " + r.split(b"\r\n")[0].decode(
            "utf-8", "replace"))
        if data.startswith(b"INVITE") and code >= 300:
            udp.send(ack_for(data, r))
        return r



class OwnBox(Base):
    """Tests that leave transactions behind (unacknowledged INVITEs, garbage
    with real branches) each get a box of their own."""

    def setUp(self):
        self.box = Appliance().start()

    def tearDown(self):
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0, "appliance did not stop cleanly")

    def test_torture_over_udp(self):
        for name in sorted(EXPECTED):
            with self.subTest(vector=name):
                udp = Udp(self.box.sip_port)
                try:
                    r = self.check_vector(name, EXPECTED[name], udp)
                    if name == "3.3.5-bext01":
                        self.assertIn("nothingSupportsThis",
                                      header(r, "Unsupported"))
                    if name == "3.3.6-invut":
                        self.assertEqual(header(r, "Accept"),
                                         "application/sdp")
                    if name == "3.1.1.8-dblreq":
                        # The trailing INVITE octets are ignored: one answer.
                        self.assertIsNone(udp.recv(timeout=0.5))
                finally:
                    udp.close()
        self.assert_alive()

    def test_torture_over_tcp(self):
        framed = [n for n in EXPECTED
                  if re.search(rb"(?im)^(content-length|l)\s*:",
                               vector(n)) and EXPECTED[n] is not None
                  and n not in ("3.1.2.2-clerr", "3.1.2.3-ncl",
                                "3.3.9-mcl01", "3.1.1.8-dblreq",
                                # no empty line: an incomplete message
                                "3.1.2.15-baddn")]
        for name in sorted(framed):
            with self.subTest(vector=name):
                tcp = Tcp(self.box.sip_port)
                try:
                    data = vector(name)
                    tcp.send(data)
                    r = tcp.final()
                    self.assertIsNotNone(r, name + ": no answer over TCP")
                    if data.startswith(b"INVITE") and status_of(r) >= 300:
                        tcp.send(ack_for(data, r))
                    expect = EXPECTED[name]
                    wanted = expect if isinstance(expect, set) else {expect}
                    self.assertIn(status_of(r), wanted, name)
                finally:
                    tcp.close()
        self.assert_alive()

    def test_tcp_framing_errors_close_the_connection(self):
        # RFC 4475 §3.1.2.3, §3.3.9: framing is lost: close the connection.
        for name in ("3.1.2.3-ncl", "3.3.9-mcl01"):
            with self.subTest(vector=name):
                tcp = Tcp(self.box.sip_port)
                tcp.send(vector(name))
                self.assertTrue(tcp.closed_by_peer(), name)
                tcp.close()
        self.assert_alive()


    def test_tcp_connections_per_source_are_limited(self):
        self.box.stop()
        conf = os.path.join(self.box.tmp, "limit.toml")
        with open(conf, "w") as f:
            f.write("[sip]\nmax_tcp_per_source = 3\n")
        self.box.extra_args = ["--config", conf]
        self.box.start()
        kept = [Tcp(self.box.sip_port) for _ in range(3)]
        for t in kept:  # all three are served
            t.send(options(self.box.sip_port))
            self.assertEqual(status_of(t.final()), 200)
        extra = Tcp(self.box.sip_port)
        self.assertTrue(extra.closed_by_peer())
        extra.close()
        kept.pop().close()
        again = wait_until(lambda: self._try_tcp_options(), "a free slot")
        self.assertEqual(status_of(again), 200)
        for t in kept:
            t.close()

    def _try_tcp_options(self):
        t = Tcp(self.box.sip_port)
        try:
            t.send(options(self.box.sip_port))
            return t.final(timeout=2)
        except OSError:
            return None
        finally:
            t.close()


class SharedBox(Base):
    @classmethod
    def setUpClass(cls):
        cls.box = Appliance().start()

    @classmethod
    def tearDownClass(cls):
        code = cls.box.stop()
        cls.box.cleanup()
        assert code == 0, "appliance did not stop cleanly"

    def metric(self, name):
        _, text = self.box.http("GET", "/metrics")
        return float(re.search(rb"(?m)^" + name.encode() + rb" (\S+)",
                               text).group(1))

    def test_retransmission_gets_the_identical_answer_once_processed(self):
        # A stateful request (SUBSCRIBE to the box: 405): the retransmission
        # is absorbed by the server transaction (RFC 3261 §17.2.2).
        requests = self.metric("ivm_sip_requests_total")
        absorbed = self.metric("ivm_sip_retransmissions_absorbed_total")
        u = Udp(self.box.sip_port)
        req = options(self.box.sip_port).replace(b"OPTIONS", b"SUBSCRIBE")
        u.send(req)
        first = u.final()
        u.send(req)
        second = u.final()
        self.assertEqual(status_of(first), 405)
        self.assertEqual(first, second)
        self.assertEqual(self.metric("ivm_sip_requests_total") - requests, 1)
        self.assertGreaterEqual(
            self.metric("ivm_sip_retransmissions_absorbed_total") - absorbed, 1)
        # OPTIONS to the box is answered statelessly (RFC 3261 §8.2.7), and
        # a retransmission still gets exactly the same bytes.
        opt = options(self.box.sip_port)
        u.send(opt)
        a = u.final()
        u.send(opt)
        b = u.final()
        u.close()
        self.assertEqual(status_of(a), 200)
        self.assertEqual(a, b)

    def test_options_answer_has_allow_accept_supported(self):
        u = Udp(self.box.sip_port)
        u.send(options(self.box.sip_port))
        r = u.final()
        u.close()
        self.assertEqual(status_of(r), 200)
        self.assertIn("OPTIONS", header(r, "Allow"))
        self.assertIsNotNone(header(r, "Accept"))
        self.assertIsNotNone(header(r, "Supported", "k"))
        self.assertRegex(header(r, "To", "t"), r";tag=")
        self.assertRegex(header(r, "Via", "v"), r"received=127\.0\.0\.1")
        self.assertRegex(header(r, "Via", "v"), r"rport=\d+")

    def test_unacknowledged_invite_answer_is_retransmitted(self):
        # RFC 3261 §17.2.1: Timer G re-sends the final response until the ACK
        # (T1 = 500 ms, doubling); after the ACK it stops.
        u = Udp(self.box.sip_port)
        invite = options(self.box.sip_port,
                         ruri="sip:nobody@127.0.0.1:%d" % self.box.sip_port)
        invite = invite.replace(b"OPTIONS", b"INVITE")
        u.send(invite)
        first = u.final()
        second = u.final()
        self.assertEqual(status_of(first), 407)  # a stranger: challenged
        self.assertEqual(first, second)
        u.send(ack_for(invite, first))
        self.assertIsNone(u.recv(timeout=2.5))
        u.close()

    def test_cancel_without_transaction_is_481(self):
        u = Udp(self.box.sip_port)
        u.send(options(self.box.sip_port).replace(b"OPTIONS", b"CANCEL"))
        r = u.final()
        u.close()
        self.assertEqual(status_of(r), 481)

    def test_merged_request_is_482(self):
        # RFC 3261 §8.2.2.2: same From tag, Call-ID and CSeq, no To tag, but
        # another branch (it forked and came back another way).
        u = Udp(self.box.sip_port)
        a = options(self.box.sip_port, call_id="merged-1",
                    branch="z9hG4bK-a").replace(b"OPTIONS", b"SUBSCRIBE")
        b = a.replace(b"z9hG4bK-a", b"z9hG4bK-b")
        u.send(a)
        self.assertEqual(status_of(u.final()), 405)
        u.send(b)
        self.assertEqual(status_of(u.final()), 482)
        u.close()

    def test_loop_is_our_address_over_our_transport_only(self):
        # A Via naming the box's UDP listener has been here: 482. The TLS
        # listener is TCP only, so a UDP phone on this host may have its
        # port number: that is no loop (RFC 3261 §16.3 item 4).
        u = Udp(self.box.sip_port)
        codes = {}
        for name, port in (("udp", self.box.sip_port),
                           ("tls", self.box.tls_port)):
            req = options(self.box.sip_port).replace(b"OPTIONS", b"SUBSCRIBE")
            req = req.replace(b"127.0.0.1:9;", b"127.0.0.1:%d;" % port)
            u.send(req)
            codes[name] = status_of(u.final())
        u.close()
        self.assertEqual(codes, {"udp": 482, "tls": 405})

    def test_max_forwards_zero_for_a_user_is_483(self):
        u = Udp(self.box.sip_port)
        u.send(options(self.box.sip_port,
                       ruri="sip:bob@127.0.0.1:%d" % self.box.sip_port)
               .replace(b"Max-Forwards: 70", b"Max-Forwards: 0"))
        self.assertEqual(status_of(u.final()), 483)
        u.close()

    def test_crlf_keepalive_gets_a_pong(self):
        # RFC 5626 §3.5.1.
        tcp = Tcp(self.box.sip_port)
        tcp.send(b"\r\n\r\n")
        tcp.sock.settimeout(10)
        self.assertEqual(tcp.sock.recv(16), b"\r\n")
        tcp.send(options(self.box.sip_port))
        self.assertEqual(status_of(tcp.final()), 200)
        tcp.close()

    def test_oversized_message_over_tcp_is_refused(self):
        tcp = Tcp(self.box.sip_port)
        big = options(self.box.sip_port).replace(
            b"Content-Length: 0\r\n\r\n",
            b"Content-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
        tcp.send(big + b"x" * 100000)
        self.assertTrue(tcp.closed_by_peer())
        tcp.close()
        self.assert_alive()

    def test_garbage_never_stops_the_box(self):
        rng = random.Random(4475)
        u = Udp(self.box.sip_port)
        seeds = [vector(n) for n in EXPECTED]
        for i in range(3000):
            if i % 3 == 0:
                data = bytes(rng.getrandbits(8)
                             for _ in range(rng.randrange(1, 1500)))
            else:
                data = bytearray(rng.choice(seeds))
                for _ in range(rng.randrange(1, 20)):
                    data[rng.randrange(len(data))] = rng.getrandbits(8)
                data = bytes(data[:rng.randrange(1, len(data) + 1)])
            u.send(data)
        u.close()
        for i in range(20):
            tcp = Tcp(self.box.sip_port)
            tcp.send(bytes(rng.getrandbits(8) for _ in range(4000)))
            tcp.close()
        self.assert_alive()
        self.assertTrue(self.box.healthy())

    def test_sipp_scenarios_over_udp_and_tcp(self):
        for transport in ("u1", "t1"):
            for scenario in ("options_uac.xml", "options_unknown_user_uac.xml",
                             "unimplemented_uac.xml",
                             "invite_cancel_uac.xml"):
                with self.subTest(transport=transport, scenario=scenario):
                    code, err = sipp(scenario, self.box.sip_port, transport,
                                     calls=50, rate=200)
                    self.assertEqual(code, 0, err[-2000:])

    def test_sipsak_options(self):
        r = subprocess.run(["sipsak", "-vv", "-s",
                            "sip:127.0.0.1:%d" % self.box.sip_port],
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("200 OK", r.stdout)


if __name__ == "__main__":
    unittest.main()
