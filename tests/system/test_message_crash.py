"""Issue 4: nothing acknowledged is lost. A sender sends MESSAGEs to an
offline user while the appliance is SIGKILLed and restarted; afterwards the
recipient registers and receives every message that got a 2xx/202, exactly
once, in order."""

import random
import socket
import threading
import unittest

from harness import Appliance
from sip_ua import UA, authorization, body_of, parse_challenges
from sip_util import status_of
from test_messaging import USERS, provision

MESSAGES = 150
KILL_AT = (40, 100)


class Sender(threading.Thread):
    """Sends MESSAGE i = 0..n-1 to 202, each retransmitted (same bytes, like
    a UAC's Timer E) until a final answer comes, across box restarts."""

    def __init__(self, port):
        super().__init__()
        self.ua = UA(port, "201", USERS["201"][1])
        self.acked = []
        self.error = None

    def exchange(self, data, limit=120):
        for _ in range(limit):
            try:
                self.ua.send(data)
                r = self.ua.final(timeout=0.5)
            except OSError:  # ICMP port unreachable while the box is down
                r = None
            if r is not None:
                return r
        raise AssertionError("no answer after %d tries" % limit)

    def run(self):
        try:
            for i in range(MESSAGES):
                body = b"message %04d" % i
                call_id = "crash-%d-%x" % (i, random.getrandbits(32))
                req = self.ua.request("MESSAGE", "sip:202@127.0.0.1",
                                      "Content-Type: text/plain\r\n", body,
                                      call_id=call_id)
                r = self.exchange(req)
                while status_of(r) == 407:
                    ch = [c for c in parse_challenges(r, "Proxy-Authenticate")
                          if c["algorithm"] == "MD5"][0]
                    auth = authorization(ch, "MESSAGE", "sip:202@127.0.0.1",
                                         "201", USERS["201"][1])
                    req = self.ua.request(
                        "MESSAGE", "sip:202@127.0.0.1",
                        "Content-Type: text/plain\r\nProxy-Authorization: %s"
                        "\r\n" % auth, body, call_id=call_id)
                    r = self.exchange(req)
                if status_of(r) in (200, 202):
                    self.acked.append(body)
                else:
                    raise AssertionError("message %d: %r" % (i, r[:60]))
        except Exception as e:  # reported by the test
            self.error = e


class Crash(unittest.TestCase):
    def test_acknowledged_messages_survive_sigkill_exactly_once_in_order(self):
        box = Appliance().start()
        try:
            provision(box, group=False)
            sender = Sender(box.sip_port)
            sender.start()
            for n in KILL_AT:
                # Kill mid-stream: the sender is sending continuously.
                from harness import wait_until
                wait_until(lambda: len(sender.acked) >= n or not
                           sender.is_alive(), "%d acknowledged messages" % n)
                box.kill()
                box.start()
            sender.join()
            self.assertIsNone(sender.error)
            self.assertEqual(len(sender.acked), MESSAGES)
            bob = UA(box.sip_port, "202", USERS["202"][1])
            self.assertEqual(status_of(bob.register()), 200)
            # Until every acknowledged message came (each may take a while
            # on a loaded machine), then a short look for a duplicate.
            got = []
            while len(got) < len(sender.acked):
                m = bob.receive_request(timeout=20)
                if m is None:
                    break
                got.append(body_of(m))
            extra = bob.receive_request(timeout=1)
            if extra is not None:
                got.append(body_of(extra))
            self.assertEqual(len(got), len(set(got)), "a message came twice")
            self.assertEqual(got, sender.acked,
                             "every acknowledged message, once, in order")
        finally:
            box.cleanup()


if __name__ == "__main__":
    unittest.main()
