"""Issue 20: no user enumeration by any method, password guessing throttled
on every method, and a data dir no other local account can read.

The attacker is sipvicious 0.3.3 (svwar, svcrack) and raw requests from
loopback addresses of their own (127.0.0.66 and up), so that the bans they
earn never touch the users' phones on 127.0.0.1."""

import json
import os
import re
import random
import socket
import stat
import subprocess
import tempfile
import threading
import unittest

from harness import Appliance, free_port, wait_until
from sip_ua import UA, authorization, parse_challenges
from sip_util import status_of

USERS = {"201": ("Alice", "alice-pw-1"), "205": ("Eve", "eve-pw-5"),
         "233": ("Zed", "zed-pw-33")}


def provision(box):
    with open(os.path.join(box.data_dir, "admin.json")) as f:
        token = json.load(f)["token"]
    hdr = {"Authorization": "Bearer " + token,
           "Content-Type": "application/json"}
    for ext, (name, pw) in USERS.items():
        s, _ = box.http("POST", "/api/v1/users", json.dumps(
            {"extension": ext, "name": name, "password": pw}).encode(), hdr)
        assert s == 201, s
    s, _ = box.http("POST", "/api/v1/groups", json.dumps(
        {"name": "team", "extension": "600",
         "members": ["201", "205"]}).encode(), hdr)
    assert s == 201, s


class Stranger:
    """Raw UDP requests from an address of its own."""

    def __init__(self, box_port, addr):
        self.box = ("127.0.0.1", box_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((addr, 0))
        self.addr, self.port = self.sock.getsockname()

    def request(self, method, user, from_user=None, extra=""):
        ruri = "sip:%s@127.0.0.1" % user
        from_user = from_user or user  # as svwar: From = To = the extension
        body = b""
        if method == "INVITE":
            body = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                    b"c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    b"m=audio 4000 RTP/AVP 0\r\n")
            extra += "Content-Type: application/sdp\r\n"
        elif method == "MESSAGE":
            body = b"hello"
            extra += "Content-Type: text/plain\r\n"
        elif method in ("SUBSCRIBE", "PUBLISH"):
            extra += "Event: presence\r\n"
        elif method == "REFER":
            extra += "Refer-To: <sip:233@127.0.0.1>\r\n"
        elif method == "NOTIFY":
            extra += "Event: presence\r\nSubscription-State: active\r\n"
        head = ("%s %s SIP/2.0\r\n"
                "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%x;rport\r\n"
                "Max-Forwards: 70\r\n"
                "From: \"%s\" <sip:%s@127.0.0.1>;tag=%x\r\n"
                "To: \"%s\" <%s>\r\n"
                "Call-ID: enum-%x\r\n"
                "CSeq: 1 %s\r\n"
                "Contact: <sip:%s@%s:%d>\r\n"
                "User-Agent: friendly-scanner\r\n%s"
                "Content-Length: %d\r\n\r\n"
                % (method, ruri, self.addr, self.port,
                   random.getrandbits(48), from_user, from_user,
                   random.getrandbits(32), user, ruri,
                   random.getrandbits(64), method, from_user, self.addr,
                   self.port, extra, len(body)))
        return head.encode() + body

    def ask(self, data):
        self.sock.sendto(data, self.box)
        self.sock.settimeout(10)
        while True:
            resp = self.sock.recvfrom(65535)[0]
            if status_of(resp) >= 200:
                return resp

    def close(self):
        self.sock.close()


def shape(resp):
    """What a response tells: its status line and headers, with the values
    that differ per request anyway (tags, nonces, branch, Call-ID, CSeq)
    blanked out."""
    head = resp.split(b"\r\n\r\n")[0].decode()
    lines = head.split("\r\n")
    out = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name in ("via", "from", "to", "call-id", "cseq", "content-length"):
            out.append(name)
            continue
        value = re.sub(r'nonce="[^"]*"', 'nonce=""', value)
        out.append(name + ":" + value.strip())
    return out


class Enumeration(unittest.TestCase):
    def start(self, toml=""):
        box = Appliance()
        if toml:
            conf = os.path.join(box.tmp, "box.toml")
            with open(conf, "w") as f:
                f.write(toml)
            box.extra_args += ["--config", conf]
        self.box = box.start()
        provision(self.box)
        return self.box

    def tearDown(self):
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def test_unauthenticated_answers_do_not_depend_on_the_target(self):
        """Every method, to a user, a group, a service code, the command
        address and numbers nobody has: one and the same challenge."""
        self.start()
        s = Stranger(self.box.sip_port, "127.0.0.66")
        targets = ["201", "205", "999", "600", "team", "*7201", "*7999",
                   "*9205", "*8", "*5", "ivm", "nobody"]
        methods = ["INVITE", "OPTIONS", "MESSAGE", "SUBSCRIBE", "PUBLISH",
                   "REFER", "INFO", "NOTIFY", "UPDATE", "PRACK", "BYE"]
        try:
            for method in methods:
                seen = {}
                for user in targets:
                    r = s.ask(s.request(method, user))
                    seen.setdefault(tuple(shape(r)), []).append(user)
                self.assertEqual(len(seen), 1, "%s answers differ: %r"
                                 % (method, seen))
                code = int(next(iter(seen))[0].split()[1])
                presence = method in ("SUBSCRIBE", "PUBLISH")
                self.assertEqual(code, 401 if presence else 407, method)
        finally:
            s.close()

    def test_wrong_password_answers_do_not_depend_on_the_user_name(self):
        self.start("[auth]\nmax_failures = 1000\n")
        s = Stranger(self.box.sip_port, "127.0.0.67")
        try:
            for method, target in (("INVITE", "205"), ("MESSAGE", "205"),
                                   ("OPTIONS", "233"), ("INVITE", "999"),
                                   ("REGISTER", None)):
                seen = {}
                for name, pw in (("201", "wrong"), ("999", "wrong"),
                                 ("205", "alice-pw-1")):
                    user = target or name
                    first = s.request(method, user, from_user=name)
                    if method == "REGISTER":
                        first = first.replace(
                            b"REGISTER sip:%s@127.0.0.1" % name.encode(),
                            b"REGISTER sip:127.0.0.1")
                    r = s.ask(first)
                    code = status_of(r)
                    self.assertIn(code, (401, 407))
                    hname = ("WWW" if code == 401 else "Proxy") \
                        + "-Authenticate"
                    ch = parse_challenges(r, hname)[0]
                    uri = ("sip:127.0.0.1" if method == "REGISTER"
                           else "sip:%s@127.0.0.1" % user)
                    auth = authorization(ch, method, uri, name, pw)
                    hdr = ("Authorization" if code == 401
                           else "Proxy-Authorization")
                    second = first.replace(
                        b"Content-Length", ("%s: %s\r\nContent-Length"
                                            % (hdr, auth)).encode(), 1)
                    second = second.replace(b"CSeq: 1 ", b"CSeq: 2 ")
                    r2 = s.ask(second)
                    seen.setdefault(tuple(shape(r2)), []).append(name)
                self.assertEqual(len(seen), 1, "%s answers differ: %r"
                                 % (method, seen))
                self.assertEqual(next(iter(seen))[0], "SIP/2.0 403 Forbidden")
        finally:
            s.close()

    def test_authenticated_users_still_learn_what_exists(self):
        self.start()
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        try:
            self.assertEqual(status_of(alice.register()), 200)
            r = alice.with_auth("INVITE", "sip:999@127.0.0.1",
                                "Content-Type: application/sdp\r\n",
                                b"v=0\r\n")
            self.assertEqual(status_of(r), 404)
            r = alice.with_auth("OPTIONS", "sip:999@127.0.0.1")
            self.assertEqual(status_of(r), 404)
            r = alice.with_auth("OPTIONS", "sip:205@127.0.0.1")
            self.assertEqual(status_of(r), 200)
            self.assertIn(b"MESSAGE", r)  # Allow
            r = alice.with_auth("REFER", "sip:205@127.0.0.1",
                                "Refer-To: <sip:233@127.0.0.1>\r\n")
            self.assertEqual(status_of(r), 405)
            r = alice.message("205", "are you there?")
            self.assertEqual(status_of(r), 202)  # Eve is offline: stored
            r = alice.message("999", "anyone?")
            self.assertEqual(status_of(r), 404)
        finally:
            alice.close()

    def svwar(self, method, addr, force=True):
        port = free_port(socket.SOCK_DGRAM)
        args = ["svwar", "-m", method, "-e", "195-240,600,999", "-b", addr,
                "-P", str(port), "-p", str(self.box.sip_port),
                "--maximumtime", "3", "-t", "0.01", "127.0.0.1"]
        if force:
            args.insert(1, "--force")
        return subprocess.run(args, capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL)

    def test_svwar_finds_no_extension(self):
        self.start()
        # Alice's phone is online: a stranger's INVITE must not ring it.
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        self.assertEqual(status_of(alice.register()), 200)
        try:
            for i, method in enumerate(("REGISTER", "INVITE", "OPTIONS")):
                for force in (False, True):
                    p = self.svwar(method, "127.0.0.%d" % (70 + i), force)
                    out = p.stdout + p.stderr
                    for ext in list(USERS) + ["600"]:
                        self.assertNotRegex(
                            out, r"(?m)^\| %s\s" % ext,
                            "svwar -m %s listed %s:\n%s" % (method, ext, out))
                        self.assertNotIn("extension '%s' exists" % ext, out)
                    if force:
                        # It scanned: every extension got the same answer.
                        self.assertNotIn("probably exists", out)
            self.assertIsNone(alice.recv(timeout=0.2),
                              "a stranger's request reached Alice's phone")
        finally:
            alice.close()

    def svcrack(self, words):
        d = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        d.write("\n".join(words) + "\n")
        d.close()
        port = free_port(socket.SOCK_DGRAM)
        try:
            return subprocess.run(
                # svcrack 0.3.3 ignores -b: it sends from 127.0.0.1.
                ["svcrack", "-m", "INVITE", "-u", "201",
                 "--requesturi", "sip:201@127.0.0.1", "-d", d.name,
                 "-P", str(port), "-p", str(self.box.sip_port),
                 "--maximumtime", "3", "127.0.0.1"],
                capture_output=True, text=True, timeout=300,
                stdin=subprocess.DEVNULL)
        finally:
            os.unlink(d.name)

    def test_svcrack_against_invite_is_throttled(self):
        self.start()
        # Alice's phone answers her calls (svcrack calls 201 as 201): a
        # right password ends in 200, which is what svcrack looks for. It
        # sits on 127.0.0.5; the attacker comes from 127.0.0.1.
        alice = UA(self.box.sip_port, "201", USERS["201"][1],
                   host="127.0.0.5")
        self.assertEqual(status_of(alice.register()), 200)
        stop = threading.Event()

        def phone():
            while not stop.is_set():
                r = alice.recv(timeout=0.2)
                if r and r.startswith(b"INVITE "):
                    alice.answer(r, 200)
        t = threading.Thread(target=phone, daemon=True)
        t.start()
        try:
            # The right password alone is found: the attack can work.
            p = self.svcrack([USERS["201"][1]])
            self.assertIn("alice-pw-1", p.stdout + p.stderr)
            # Eight wrong guesses first: the source is blocked after five,
            # and the right one at the end is never tried for real.
            words = ["guess%d" % i for i in range(8)] + [USERS["201"][1]]
            p = self.svcrack(words)
            out = p.stdout + p.stderr
            self.assertNotIn("alice-pw-1", out)
            self.assertIn("blocking 127.0.0.1 ", self.box.log_text())
            # Alice's own phone, elsewhere, is not blocked.
            stop.set()
            t.join()
            r = alice.with_auth("OPTIONS", "sip:205@127.0.0.1")
            self.assertEqual(status_of(r), 200)
        finally:
            stop.set()
            t.join()
            alice.close()


class DataDirModes(unittest.TestCase):
    def test_fresh_data_dir_and_every_file_in_it_are_private(self):
        box = Appliance().start()
        try:
            provision(box)
            alice = UA(box.sip_port, "201", USERS["201"][1])
            try:
                # A queued message (Eve is offline): its text is in the WAL.
                self.assertEqual(status_of(alice.message("205", "secret")),
                                 202)
            finally:
                alice.close()
            self.assertEqual(box.stop(), 0)
            checked = 0
            for root, dirs, files in os.walk(box.data_dir):
                for name in [root] + [os.path.join(root, f) for f in files]:
                    mode = stat.S_IMODE(os.lstat(name).st_mode)
                    self.assertEqual(mode & 0o077, 0, "%s is %04o"
                                     % (name, mode))
                    checked += 1
            self.assertEqual(stat.S_IMODE(os.stat(box.data_dir).st_mode),
                             0o700)
            self.assertGreater(checked, 10)
        finally:
            box.cleanup()

    def test_a_data_dir_others_can_read_is_refused(self):
        box = Appliance()
        try:
            os.makedirs(box.data_dir)
            os.chmod(box.data_dir, 0o755)
            box.start(wait=False)
            self.assertNotEqual(box.proc.wait(timeout=60), 0)
            log = box.log_text()
            self.assertIn("data_dir", log)
            self.assertIn("0755", log)
            self.assertIn("chmod", log)
            self.assertEqual(os.listdir(box.data_dir), [])  # nothing written
            # The admin says it is wanted: it starts.
            box.extra_args.append("--allow-shared-data-dir")
            box.start()
            self.assertEqual(box.stop(), 0)
        finally:
            box.cleanup()


if __name__ == "__main__":
    unittest.main()
