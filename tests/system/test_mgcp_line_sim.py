"""The MGCP line-gateway simulator (mgcp_line_sim.py) against a tiny call
agent written here: the simulator must play RFC 3435 faithfully before the
box is tested with it."""

import re
import socket
import time
import unittest

from mgcp_line_sim import (LineGateway, compile_map, match_map, tone,
                           ulaw_decode, ulaw_encode)


class CallAgent:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.addr = self.sock.getsockname()
        self.tid = 500

    def recv(self, timeout=5.0):
        self.sock.settimeout(timeout)
        data, src = self.sock.recvfrom(65536)
        return data.decode(), src

    def command(self, gw, text):
        """Sends a command to the gateway, returns its response."""
        self.tid += 1
        self.sock.sendto((text % self.tid).encode(), ("127.0.0.1", gw.port))
        return self.response(self.tid)

    def response(self, tid, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text, _ = self.recv(deadline - time.monotonic())
            head = text.split("\r\n", 1)[0].split()
            if head[0].isdigit() and int(head[1]) == tid:
                return text
        raise AssertionError("no response to %d" % tid)

    def next_command(self, verb, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text, src = self.recv(deadline - time.monotonic())
            if text.startswith(verb + " "):
                return text, src
        raise AssertionError("no " + verb)

    def ack(self, text, src, code=200):
        tid = text.split()[1]
        self.sock.sendto(("%d %s OK\r\n" % (code, tid)).encode(), src)

    def close(self):
        self.sock.close()


def param(text, name):
    m = re.search(r"(?mi)^%s:\s*(.*?)\r?$" % name, text)
    return m.group(1) if m else None


class LineSimulator(unittest.TestCase):
    def setUp(self):
        self.ca = CallAgent()
        self.gw = LineGateway("gw1.test", lines=2, call_agent=self.ca.addr,
                              digit_timer=0.3)

    def tearDown(self):
        self.gw.close()
        self.ca.close()

    def rqnt(self, line, *params):
        text = "RQNT %%d aaln/%d@gw1.test MGCP 1.0\r\n" % line
        text += "".join(p + "\r\n" for p in params)
        return self.ca.command(self.gw, text)

    def test_restart_is_retransmitted_until_answered(self):
        self.gw.start()
        first, src = self.ca.next_command("RSIP")
        self.assertEqual(param(first, "RM"), "restart")
        self.assertIn("aaln/*@gw1.test", first)
        again, _ = self.ca.next_command("RSIP")
        self.assertEqual(again, first)  # same transaction, sent again
        self.ca.ack(again, src)
        self.gw.wait_for(lambda: not self.gw.pending, "the RSIP answered")
        self.assertGreaterEqual(self.gw.retransmissions, 1)

    def test_hook_and_digits_are_notified(self):
        r = self.rqnt(1, "X: 11", "R: L/hd(N)")
        self.assertTrue(r.startswith("200 "), r)
        self.gw.off_hook(1)
        ntfy, src = self.ca.next_command("NTFY")
        self.assertEqual(param(ntfy, "X"), "11")
        self.assertEqual(param(ntfy, "O"), "L/hd")
        self.ca.ack(ntfy, src)
        r = self.rqnt(1, "X: 12", "R: L/hu(N), D/[0-9#*T](D)", "S: L/dl",
                      "D: (*8|*7|*9xxx|[2-8]xx)")
        self.assertTrue(r.startswith("200 "), r)
        self.assertIn("L/dl", self.gw.signals(1))
        self.gw.dial(1, "*8")
        ntfy, src = self.ca.next_command("NTFY")
        self.assertEqual(param(ntfy, "O"), "D/*,D/8")
        self.assertEqual(self.gw.signals(1), set())  # dial tone stopped
        self.ca.ack(ntfy, src)
        # A number the map leaves open is reported after the timer.
        self.rqnt(1, "X: 13", "R: D/[0-9#*T](D)", "D: (xx|xxx)")
        self.gw.dial(1, "20")
        ntfy, _ = self.ca.next_command("NTFY")
        self.assertEqual(param(ntfy, "O"), "D/2,D/0,D/T")

    def test_ringing_and_the_lamp(self):
        self.rqnt(2, "X: 1", "R: L/hd(N)", "S: L/rg, L/vmwi(+)")
        self.assertTrue(self.gw.ringing(2))
        self.assertTrue(self.gw.lamp(2))
        self.gw.off_hook(2)
        self.assertFalse(self.gw.ringing(2))
        ntfy, src = self.ca.next_command("NTFY")
        self.ca.ack(ntfy, src)
        self.rqnt(2, "X: 2", "R: L/hu(N)", "S:")
        self.assertTrue(self.gw.lamp(2))  # on/off signal: stays
        self.rqnt(2, "X: 3", "R: L/hu(N)", "S: L/vmwi(-)")
        self.assertFalse(self.gw.lamp(2))

    def test_asking_for_the_hook_it_is_in_fails(self):
        self.assertTrue(self.rqnt(1, "X: 1", "R: L/hu(N)").startswith("402 "))
        self.assertTrue(self.rqnt(1, "X: 2", "R: L/hd(N), L/hu(N)").startswith("200 "))
        self.gw.off_hook(1)
        ntfy, src = self.ca.next_command("NTFY")
        self.ca.ack(ntfy, src)
        self.assertTrue(self.rqnt(1, "X: 3", "R: L/hd(N)").startswith("401 "))

    def test_repeated_command_runs_once(self):
        self.ca.tid += 1
        text = "RQNT %d aaln/1@gw1.test MGCP 1.0\r\nX: 7\r\nR: L/hd(N)\r\n" % self.ca.tid
        self.ca.sock.sendto(text.encode(), ("127.0.0.1", self.gw.port))
        first = self.ca.response(self.ca.tid)
        self.ca.sock.sendto(text.encode(), ("127.0.0.1", self.gw.port))
        second = self.ca.response(self.ca.tid)
        self.assertEqual(first, second)
        self.assertEqual(self.gw.executions[self.ca.tid], 1)

    def test_errors(self):
        self.assertTrue(self.ca.command(
            self.gw, "RQNT %d aaln/9@gw1.test MGCP 1.0\r\n").startswith("500 "))
        self.assertTrue(self.ca.command(
            self.gw, "XXXX %d aaln/1@gw1.test MGCP 1.0\r\n").startswith("504 "))
        self.assertTrue(self.ca.command(
            self.gw, "RQNT %d aaln/1@gw1.test MGCP 2.0\r\n").startswith("528 "))
        self.assertTrue(self.rqnt(1, "R: L/zz(N)").startswith("512 "))
        self.assertTrue(self.rqnt(1, "R: Q/hd(N)").startswith("518 "))
        self.assertTrue(self.rqnt(1, "S: L/qq").startswith("513 "))
        self.assertTrue(self.rqnt(1, "bad line").startswith("510 "))
        # Garbage without a transaction id is dropped; it keeps serving.
        self.ca.sock.sendto(b"\x00\xffgarbage", ("127.0.0.1", self.gw.port))
        self.assertTrue(self.rqnt(1, "X: 1", "R: L/hd(N)").startswith("200 "))

    def test_lost_notify_response_is_retransmitted(self):
        self.rqnt(1, "X: 5", "R: L/hd(N)")
        self.gw.off_hook(1)
        first, _ = self.ca.next_command("NTFY")  # not answered: "lost"
        again, src = self.ca.next_command("NTFY")
        self.assertEqual(again, first)
        self.ca.ack(again, src)
        self.gw.wait_for(lambda: self.gw.notifies[-1]["code"] == 200,
                         "the NTFY answered")

    def test_connections_carry_audio_both_ways(self):
        peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        peer.bind(("127.0.0.1", 0))
        port = peer.getsockname()[1]
        try:
            r = self.ca.command(self.gw, (
                "CRCX %%d aaln/1@gw1.test MGCP 1.0\r\nC: A1\r\nL: p:20, a:PCMU\r\n"
                "M: sendrecv\r\n\r\nv=0\r\nc=IN IP4 127.0.0.1\r\n"
                "m=audio %d RTP/AVP 0\r\n") % port)
            self.assertTrue(r.startswith("200 "), r)
            cid = param(r, "I")
            local = int(re.search(r"m=audio (\d+)", r).group(1))
            # The phone talks: the peer hears PCMU.
            self.gw.send_audio(1, tone([440], 0.2))
            peer.settimeout(2)
            got = []
            while len(got) < 10:
                data, _ = peer.recvfrom(2048)
                self.assertEqual(data[1] & 0x7F, 0)
                got.append(data)
            # The peer talks: the phone records it.
            sent = tone([800], 0.2)
            for k in range(0, len(sent), 160):
                hdr = bytes([0x80, 0, 0, k // 160, 0, 0, 0, k // 160, 1, 2, 3, 4])
                peer.sendto(hdr + bytes(ulaw_encode(s) for s in sent[k:k + 160]),
                            ("127.0.0.1", local))
            self.gw.wait_for(lambda: len(self.gw.received_audio(1)) >= len(sent),
                             "the audio")
            heard = self.gw.received_audio(1)[:len(sent)]
            num = sum(a * b for a, b in zip(heard, sent))
            den = (sum(a * a for a in heard) * sum(b * b for b in sent)) ** 0.5
            self.assertGreater(num / den, 0.95)
            r = self.ca.command(self.gw, "MDCX %%d aaln/1@gw1.test MGCP 1.0\r\n"
                                "C: A1\r\nI: %s\r\nM: recvonly\r\n" % cid)
            self.assertTrue(r.startswith("200 "), r)
            r = self.ca.command(self.gw, "MDCX %d aaln/1@gw1.test MGCP 1.0\r\n"
                                "I: nope\r\n")
            self.assertTrue(r.startswith("515 "), r)
            r = self.ca.command(self.gw, "DLCX %%d aaln/1@gw1.test MGCP 1.0\r\n"
                                "I: %s\r\n" % cid)
            self.assertTrue(r.startswith("250 "), r)
            self.assertIn("PS=", param(r, "P"))
        finally:
            peer.close()

    def test_wildcard_audit(self):
        r = self.ca.command(self.gw, "AUEP %d aaln/*@gw1.test MGCP 1.0\r\n")
        self.assertEqual(re.findall(r"(?m)^Z: (\S+)", r),
                         ["aaln/1@gw1.test", "aaln/2@gw1.test"])

    def test_codec_and_digit_maps(self):
        for s in (0, 1, -1, 1000, -1000, 32000, -32000):
            self.assertLess(abs(ulaw_decode(ulaw_encode(s)) - s),
                            max(8, abs(s) // 16))
        m = compile_map("(0T|[1-7]xxx|*xx|9011x.T)")
        self.assertEqual(match_map(m, "2345"), "full")
        self.assertEqual(match_map(m, "0"), "partial")
        self.assertEqual(match_map(m, "0T"), "full")
        self.assertEqual(match_map(m, "*1#"), "none")
        self.assertEqual(match_map(compile_map("(xx|xxx)"), "20"), "longer")


if __name__ == "__main__":
    unittest.main()
