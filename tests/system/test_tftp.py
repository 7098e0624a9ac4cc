"""Issue 11: the box serves phone files over TFTP (RFC 1350, 2347-2349,
7440) and HTTP, on loopback.

Real clients nobody here wrote fetch a firmware uploaded through the admin
API and vendor-wide configuration files: tftp-hpa (lockstep, 512-byte
blocks), atftp (blksize, windowsize), curl (tftp:// and http://). A small
Python client plays the phone that loses packets: it leaves ACKs and DATA
unanswered and still has to end with the very same bytes."""

import base64
import hashlib
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from harness import Appliance, free_port

RRQ, WRQ, DATA, ACK, ERROR, OACK = 1, 2, 3, 4, 5, 6
FIRMWARE = "t46s-66.86.0.15.rom"       # Yealink firmware name
FIRMWARE_EXACT = "sip.ld"              # Polycom; size a multiple of 512
YEALINK_COMMON = "y000000000066.cfg"   # vendor-wide file of the T4xS
POLYCOM_COMMON = "000000000000.cfg"


# -- a TFTP client that can lose packets on purpose -----------------------------

def rrq(name, mode="octet", **options):
    out = struct.pack("!H", RRQ) + name.encode() + b"\0" + mode.encode() + b"\0"
    for k, v in options.items():
        out += k.encode() + b"\0" + str(v).encode() + b"\0"
    return out


def parse_error(pkt):
    code = struct.unpack("!H", pkt[2:4])[0]
    return code, pkt[4:].split(b"\0")[0].decode("utf-8", "replace")


class TftpError(Exception):
    def __init__(self, code, message):
        super().__init__("TFTP error %d: %s" % (code, message))
        self.code = code


def tftp_get(port, name, drop_acks=(), drop_data=(), limit_s=60, **options):
    """Fetches `name` like a phone on a lossy link: the first ACK of each
    block in `drop_acks` and the first copy of each DATA block in
    `drop_data` are lost. Returns (bytes, OACK options); raises TftpError.
    RFC 7440 §4: on a gap the receiver acknowledges the last block it got in
    order; on a duplicate it acknowledges again (RFC 1350 lockstep)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    deadline = time.monotonic() + limit_s
    try:
        s.sendto(rrq(name, **options), ("127.0.0.1", port))
        blksize, window = 512, 1
        expected, since_ack, got = 1, 0, bytearray()
        server, oack, gap_acked = None, {}, False
        acks_dropped, data_dropped = set(), set()
        final = None

        def ack(block):
            if block in drop_acks and block not in acks_dropped:
                acks_dropped.add(block)
                return
            s.sendto(struct.pack("!HH", ACK, block & 0xFFFF), server)

        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("transfer of %s did not end" % name)
            s.settimeout(min(left, 10))
            pkt, addr = s.recvfrom(70000)
            op = struct.unpack("!H", pkt[:2])[0]
            if op == ERROR and server in (None, addr):
                raise TftpError(*parse_error(pkt))
            if server is None:
                server = addr
                if addr[1] == port:
                    raise AssertionError("the box sends a transfer from its "
                                         "listening port (RFC 1350 TIDs)")
            elif addr != server:
                continue
            if op == OACK:
                items = pkt[2:].split(b"\0")[:-1]
                oack = {items[i].decode().lower(): items[i + 1].decode()
                        for i in range(0, len(items) - 1, 2)}
                blksize = int(oack.get("blksize", 512))
                window = int(oack.get("windowsize", 1))
                s.sendto(struct.pack("!HH", ACK, 0), server)
                continue
            if op != DATA:
                raise AssertionError("unexpected opcode %d" % op)
            block = struct.unpack("!H", pkt[2:4])[0]
            payload = pkt[4:]
            if block == expected & 0xFFFF:
                if expected in drop_data and expected not in data_dropped:
                    data_dropped.add(expected)
                    continue
                got += payload
                since_ack += 1
                gap_acked = False
                last = len(payload) < blksize
                if since_ack >= window or last:
                    ack(expected)
                    since_ack = 0
                expected += 1
                if last:
                    final = expected - 1
                    if final not in acks_dropped or final not in drop_acks:
                        return bytes(got), oack
                    # Our final ACK was "lost": the box must send the last
                    # block again (below), and we acknowledge that one.
            elif final is not None and block == final & 0xFFFF:
                ack(final)
                return bytes(got), oack
            elif not gap_acked:
                # A gap (a block ahead) or a resent one: tell where we are.
                since_ack = 0
                gap_acked = block != (expected - 1) & 0xFFFF
                ack(expected - 1)
    finally:
        s.close()


def tftp_raw(port, packet, timeout=10):
    """Sends one datagram to the listening port; returns the answer."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(timeout)
    try:
        s.sendto(packet, ("127.0.0.1", port))
        return s.recvfrom(70000)[0]
    finally:
        s.close()


# -- the box ----------------------------------------------------------------------

class Files(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ivm-tftp-")
        cls.tftp_port, cls.http_port = free_port(), free_port()
        conf = os.path.join(cls.tmp, "box.toml")
        with open(conf, "w") as f:
            # Loopback is outside `allow`: per-device files need credentials.
            f.write('[provisioning]\ntftp_listen = "127.0.0.1:%d"\n'
                    'http_listen = "127.0.0.1:%d"\n'
                    'allow = ["198.51.100.0/24"]\n'
                    % (cls.tftp_port, cls.http_port))
        cls.box = Appliance(extra_args=["--config", conf])
        try:
            cls.box.start()
            with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
                cls.token = json.load(f)["token"]
            rnd = random.Random(7)
            cls.files = {
                FIRMWARE: bytes(rnd.getrandbits(8) for _ in range(700001)),
                FIRMWARE_EXACT: bytes(rnd.getrandbits(8)
                                      for _ in range(512 * 300)),
            }
            for name, body in cls.files.items():
                s, raw = cls.api("PUT", "/api/v1/firmware/" + name, body)
                assert s in (200, 201, 204), (s, raw)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def api(cls, method, path, body=None, ctype="application/octet-stream"):
        headers = {"Authorization": "Bearer " + cls.token}
        if body is not None:
            headers["Content-Type"] = ctype
        return cls.box.http(method, path, body, headers)

    def setUp(self):
        self.assertIsNone(self.box.proc.poll(), "the box has exited")

    def out(self, name):
        return os.path.join(self.tmp, "%s-%x" % (name, random.getrandbits(32)))

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def http_get(self, name, ua=None, auth=None):
        req = urllib.request.Request(
            "http://127.0.0.1:%d/%s" % (self.http_port, name),
            headers=dict(([("User-Agent", ua)] if ua else []) +
                         ([("Authorization", auth)] if auth else [])))
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    # -- real clients ---------------------------------------------------------

    def tftp_hpa(self, *cmd):
        return subprocess.run(["tftp", "127.0.0.1", str(self.tftp_port),
                               "-m", "binary", "-c"] + list(cmd),
                              capture_output=True, text=True, timeout=120)

    def atftp(self, name, dest, *options):
        args = ["atftp", "--get", "-r", name, "-l", dest]
        for o in options:
            args += ["--option", o]
        return subprocess.run(args + ["127.0.0.1", str(self.tftp_port)],
                              capture_output=True, text=True, timeout=120)

    def curl(self, url, *args):
        return subprocess.run(["curl", "-sS", "--max-time", "60", url]
                              + list(args), capture_output=True, timeout=120)

    def test_the_firmware_list_shows_the_uploads(self):
        s, raw = self.api("GET", "/api/v1/firmware")
        self.assertEqual(s, 200, raw)
        listed = json.dumps(json.loads(raw))
        for name in self.files:
            self.assertIn(name, listed)
        for name, body in self.files.items():
            s, raw = self.api("GET", "/api/v1/firmware/" + name)
            self.assertEqual(s, 200, raw)
            self.assertIn(hashlib.sha256(body).hexdigest(), raw.decode())

    def test_tftp_hpa_fetches_byte_identical_files(self):
        for name, body in self.files.items():
            dest = self.out(name)
            r = self.tftp_hpa("get", name, dest)
            self.assertNotIn("Error", r.stdout + r.stderr)
            self.assertEqual(self.read(dest), body, name)
        dest = self.out("common")
        r = self.tftp_hpa("get", YEALINK_COMMON, dest)
        self.assertNotIn("Error", r.stdout + r.stderr)
        common = self.read(dest)
        self.assertTrue(common.startswith(b"#!version:1.0.0.1\n"), common)
        self.assertIn(b"auto_provision.server.url", common)
        # The same bytes over HTTP.
        self.assertEqual(self.http_get(YEALINK_COMMON), (200, common))

    def test_atftp_fetches_with_blksize_and_windowsize(self):
        for opts in ((), ("blksize 1428",), ("blksize 1428", "windowsize 16"),
                     ("blksize 8192", "windowsize 4"), ("windowsize 64",)):
            for name, body in self.files.items():
                dest = self.out(name)
                r = self.atftp(name, dest, *opts)
                self.assertEqual(r.returncode, 0, (opts, r.stderr))
                self.assertEqual(self.read(dest), body, (name, opts))

    def test_curl_fetches_over_tftp_and_http(self):
        for name, body in self.files.items():
            for extra in ((), ("--tftp-blksize", "1024")):
                dest = self.out(name)
                r = self.curl("tftp://127.0.0.1:%d/%s" % (self.tftp_port, name),
                              "-o", dest, *extra)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.read(dest), body)
            dest = self.out(name)
            r = self.curl("http://127.0.0.1:%d/%s" % (self.http_port, name),
                          "-o", dest, "--fail")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.read(dest), body)
        dest = self.out("polycom")
        r = self.curl("tftp://127.0.0.1:%d/%s" % (self.tftp_port,
                                                  POLYCOM_COMMON), "-o", dest)
        self.assertEqual(r.returncode, 0, r.stderr)
        master = self.read(dest)
        self.assertIn(b"CONFIG_FILES", master)
        self.assertEqual(self.http_get(POLYCOM_COMMON), (200, master))

    def test_write_requests_are_refused(self):
        src = os.path.join(self.tmp, "upload.bin")
        with open(src, "wb") as f:
            f.write(b"x" * 1000)
        r = self.tftp_hpa("put", src, "evil.rom")
        self.assertIn("Error code 2", r.stdout + r.stderr)
        r = self.curl("tftp://127.0.0.1:%d/evil2.rom" % self.tftp_port,
                      "-T", src)
        self.assertEqual(r.returncode, 69, r.stderr)   # TFTP: access violation
        answer = tftp_raw(self.tftp_port, struct.pack("!H", WRQ)
                          + b"x.rom\0octet\0")
        self.assertEqual(struct.unpack("!H", answer[:2])[0], ERROR)
        self.assertEqual(parse_error(answer)[0], 2)
        for name in ("evil.rom", "evil2.rom", "x.rom"):
            with self.assertRaises(TftpError) as e:
                tftp_get(self.tftp_port, name)
            self.assertEqual(e.exception.code, 1)
        s, raw = self.api("GET", "/api/v1/firmware")
        self.assertNotIn("evil", raw.decode())

    def test_traversal_absolute_and_unknown_names_are_refused(self):
        refused = ("../" + FIRMWARE, "/" + FIRMWARE, "../../etc/passwd",
                   "/etc/passwd", "..\\..\\etc\\passwd", "a/../" + FIRMWARE,
                   "C:" + FIRMWARE)
        for name in refused:
            answer = tftp_raw(self.tftp_port, rrq(name))
            self.assertEqual(struct.unpack("!H", answer[:2])[0], ERROR, name)
            self.assertEqual(parse_error(answer)[0], 2, name)
        for name in ("nothing-here.rom", "y000000000000.boot",
                     "CTLSEP001122AABBCC.tlv"):
            answer = tftp_raw(self.tftp_port, rrq(name))
            self.assertEqual(parse_error(answer)[0], 1, name)
            r = self.curl("tftp://127.0.0.1:%d/%s" % (self.tftp_port, name),
                          "-o", os.devnull)
            self.assertEqual(r.returncode, 68, name)  # TFTP: file not found
        r = self.tftp_hpa("get", "../../etc/passwd", self.out("passwd"))
        self.assertIn("Error code 2", r.stdout + r.stderr)
        for path in ("../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd",
                     "..%2f..%2fetc%2fpasswd", "nothing-here.rom"):
            status, body = self.http_get(path)
            self.assertIn(status, (400, 403, 404), path)
            self.assertNotIn(b"root:", body)

    def test_lost_acks_and_data_still_give_identical_bytes(self):
        body = self.files[FIRMWARE]
        # Lockstep, 512-byte blocks: the box resends after its timeout.
        got, _ = tftp_get(self.tftp_port, FIRMWARE, drop_acks={3, 10, 11},
                          drop_data={20, 21}, timeout=1)
        self.assertEqual(got, body)
        # Windowed: gaps make the box go back to the first block missing.
        got, oack = tftp_get(self.tftp_port, FIRMWARE, blksize=1428,
                             windowsize=8, tsize=0, timeout=1,
                             drop_data={5, 6, 17, 40, 300},
                             drop_acks={8, 16, 48})
        self.assertEqual(oack.get("windowsize"), "8")
        self.assertEqual(oack.get("tsize"), str(len(body)))
        self.assertEqual(got, body)
        # The last block's ACK lost: the box sends it again.
        n = len(self.files[FIRMWARE_EXACT]) // 512 + 1   # empty final block
        got, _ = tftp_get(self.tftp_port, FIRMWARE_EXACT, drop_acks={n},
                          timeout=1)
        self.assertEqual(got, self.files[FIRMWARE_EXACT])

    def test_per_device_files_outside_allow_need_credentials(self):
        # A device the box knows and a MAC it has never seen: the same 401,
        # so an outsider cannot even tell which phones exist.
        s, raw = self.api("POST", "/api/v1/users", json.dumps(
            {"extension": "251", "password": "s3cret"}).encode(),
            "application/json")
        self.assertIn(s, (201, 409), raw)
        s, raw = self.api("POST", "/api/v1/devices", json.dumps(
            {"mac": "00:15:65:12:34:99", "user": "251", "vendor": "yealink",
             "model": "T46S"}).encode(), "application/json")
        self.assertEqual(s, 201, raw)
        dev = json.loads(raw)
        ua = "Yealink SIP-T46S 66.86.0.15 00:15:65:12:34:99"
        for name in ("001565123499.cfg", "001565aabbcc.cfg",
                     "001565aabbcc-ivm.cfg", "SEP001565AABBCC.cnf.xml"):
            status, body = self.http_get(name, ua=ua if "1234" in name
                                         else None)
            self.assertEqual(status, 401, name)
            self.assertNotIn(b"password", body.lower())
            status, _ = self.http_get(name, auth="Basic d3Jvbmc6d3Jvbmc=")
            self.assertEqual(status, 401, name)
        # The device's own credentials open its file (HTTP Basic here).
        basic = "Basic " + base64.b64encode(("%s:%s" % (
            dev["sip_auth_user"], dev["sip_password"])).encode()).decode()
        status, body = self.http_get("001565123499.cfg", ua=ua, auth=basic)
        self.assertEqual(status, 200, body)
        self.assertIn(dev["sip_password"].encode(), body)
        # TFTP has no credentials: outside `allow` the file does not exist.
        for name in ("001565123499.cfg", "001565aabbcc.cfg"):
            with self.assertRaises(TftpError) as e:
                tftp_get(self.tftp_port, name)
            self.assertEqual(e.exception.code, 1, name)
        # The vendor-wide files carry no secret: served to anyone.
        self.assertEqual(self.http_get(YEALINK_COMMON)[0], 200)


if __name__ == "__main__":
    unittest.main()
