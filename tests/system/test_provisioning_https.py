"""Issue 11: phone files over HTTPS with the box's certificate. HTTP is off
here, so the phones' URL (option 66, the files' provisioning URL) says
https://; loopback is outside `allow`, so per-device files need the
device's own credentials (Digest, as curl and phones do it)."""

import hashlib
import json
import os
import random
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from harness import Appliance, free_port

MAC = "00:15:65:12:34:77"
UA = "Yealink SIP-T46S 66.86.0.15 " + MAC
FIRMWARE = "t46s-66.86.0.16.rom"


class Https(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ivm-https-")
        cls.port = free_port()
        conf = os.path.join(cls.tmp, "box.toml")
        with open(conf, "w") as f:
            f.write('[provisioning]\nhttp_listen = "127.0.0.1:0"\n'
                    'https_listen = "127.0.0.1:%d"\n'
                    'allow = ["198.51.100.0/24"]\n' % cls.port)
        cls.box = Appliance(extra_args=["--config", conf])
        try:
            cls.box.start()
            with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
                cls.token = json.load(f)["token"]
            s, raw = cls.api("POST", "/api/v1/users",
                             {"extension": "261", "password": "pw-261"})
            assert s == 201, raw
            s, raw = cls.api("POST", "/api/v1/devices",
                             {"mac": MAC, "user": "261", "vendor": "yealink",
                              "model": "T46S"})
            assert s == 201, raw
            cls.dev = json.loads(raw)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def api(cls, method, path, body=None, raw=False):
        headers = {"Authorization": "Bearer " + cls.token}
        data = body if raw else (json.dumps(body).encode()
                                 if body is not None else None)
        return cls.box.http(method, path, data, headers)

    def setUp(self):
        self.assertIsNone(self.box.proc.poll(), "the box has exited")

    def curl(self, name, *args):
        """(status, body, headers) of GET https://box/name (certificate not
        checked here: it is compared with the box's below)."""
        out = os.path.join(self.tmp, "out-%x" % random.getrandbits(32))
        hdr = out + ".h"
        r = subprocess.run(
            ["curl", "-sk", "-o", out, "-D", hdr, "-w", "%{http_code}",
             "-A", UA, "https://127.0.0.1:%d/%s" % (self.port, name)]
            + list(args), capture_output=True, text=True, timeout=60)
        body, heads = b"", ""
        if os.path.exists(out):
            with open(out, "rb") as f:
                body = f.read()
        if os.path.exists(hdr):
            with open(hdr) as f:
                heads = f.read()
        return int(r.stdout or 0), body, heads

    def test_the_device_gets_its_file_with_its_credentials(self):
        creds = "%s:%s" % (self.dev["sip_auth_user"], self.dev["sip_password"])
        status, body, _ = self.curl("001565123477.cfg", "--digest", "-u", creds)
        self.assertEqual(status, 200, body)
        self.assertIn(self.dev["sip_password"], body.decode())
        # Strangers: the same 401 for a known and an unknown MAC.
        for name in ("001565123477.cfg", "001565aabbcc.cfg"):
            for args in ((), ("--digest", "-u", "dev:wrong"),
                         ("--basic", "-u", creds.split(":")[0] + ":x")):
                status, body, heads = self.curl(name, *args)
                self.assertEqual(status, 401, (name, args))
                self.assertIn("WWW-Authenticate: Digest", heads)
                self.assertNotIn(self.dev["sip_password"].encode(), body)

    def test_the_certificate_is_the_boxs(self):
        pem = ssl.get_server_certificate(("127.0.0.1", self.port))
        served = ssl.PEM_cert_to_DER_cert(pem)
        with open(os.path.join(self.box.data_dir, "tls", "sip-cert.pem")) as f:
            mine = ssl.PEM_cert_to_DER_cert(f.read())
        self.assertEqual(hashlib.sha256(served).hexdigest(),
                         hashlib.sha256(mine).hexdigest())

    def test_firmware_is_byte_identical(self):
        body = bytes(random.Random(3).getrandbits(8) for _ in range(300001))
        s, raw = self.api("PUT", "/api/v1/firmware/" + FIRMWARE, body, True)
        self.assertIn(s, (200, 201), raw)
        status, got, _ = self.curl(FIRMWARE)
        self.assertEqual(status, 200)
        self.assertEqual(got, body)

    def test_plain_http_and_garbage_change_nothing(self):
        for junk in (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                     bytes(random.Random(5).getrandbits(8)
                           for _ in range(3000)),
                     b"\x16\x03\x01\x00\x05hello"):
            with socket.create_connection(("127.0.0.1", self.port),
                                          timeout=10) as s:
                s.sendall(junk)
                s.shutdown(socket.SHUT_WR)
                try:
                    while s.recv(4096):
                        pass
                except (ConnectionResetError, socket.timeout):
                    pass
        self.assertIsNone(self.box.proc.poll())
        # The vendor-wide file (no secret, to anyone) sends the phone back
        # here over HTTPS.
        status, body, _ = self.curl("y000000000066.cfg")
        self.assertEqual(status, 200)
        self.assertIn("auto_provision.server.url = https://127.0.0.1:%d/"
                      % self.port, body.decode())


if __name__ == "__main__":
    unittest.main()
