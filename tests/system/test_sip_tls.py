"""Issue 3: SIP over TLS (SIPS, RFC 3261 §26.2): a self-signed certificate
is generated into the data dir at first start, kept across restarts, or
taken from the configuration; requests over TLS are answered."""

import hashlib
import os
import socket
import ssl
import stat
import tempfile
import unittest

from harness import Appliance, run_binary, free_port
from sip_util import options, status_of, header


def tls_connect(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # self-signed: pinned by fingerprint
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return ctx.wrap_socket(raw)


def read_message(sock):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        buf += chunk
    return buf


def fingerprint(sock):
    return hashlib.sha256(sock.getpeercert(binary_form=True)).hexdigest()


class Tls(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()

    def tearDown(self):
        self.box.cleanup()

    def test_options_over_tls(self):
        s = tls_connect(self.box.tls_port)
        s.sendall(options(self.box.sip_port).replace(b"SIP/2.0/UDP",
                                                     b"SIP/2.0/TLS"))
        r = read_message(s)
        s.close()
        self.assertEqual(status_of(r), 200)
        self.assertIn("OPTIONS", header(r, "Allow"))

    def test_generated_certificate_is_kept_and_key_is_private(self):
        key = os.path.join(self.box.data_dir, "tls", "sip-key.pem")
        cert = os.path.join(self.box.data_dir, "tls", "sip-cert.pem")
        self.assertTrue(os.path.exists(cert))
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        s = tls_connect(self.box.tls_port)
        first = fingerprint(s)
        s.close()
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        s = tls_connect(self.box.tls_port)
        self.assertEqual(fingerprint(s), first)
        s.close()
        log = self.box.log_text()
        self.assertEqual(log.count("generated a self-signed TLS certificate"),
                         1)

    def test_configured_certificate_is_used(self):
        cert = os.path.join(self.box.data_dir, "tls", "sip-cert.pem")
        key = os.path.join(self.box.data_dir, "tls", "sip-key.pem")
        s = tls_connect(self.box.tls_port)
        expected = fingerprint(s)
        s.close()
        conf = os.path.join(self.box.tmp, "tls.toml")
        with open(conf, "w") as f:
            f.write('[sip]\ntls_certificate = "%s"\ntls_private_key = "%s"\n'
                    % (cert, key))
        other = Appliance(extra_args=["--config", conf]).start()
        try:
            s = tls_connect(other.tls_port)
            self.assertEqual(fingerprint(s), expected)
            s.close()
            self.assertFalse(os.path.exists(
                os.path.join(other.data_dir, "tls")))
        finally:
            other.cleanup()

    def test_plain_bytes_on_the_tls_port_are_refused(self):
        raw = socket.create_connection(("127.0.0.1", self.box.tls_port),
                                       timeout=30)
        raw.sendall(options(self.box.sip_port))
        try:
            data = raw.recv(4096)
        except ConnectionResetError:
            data = b""
        raw.close()
        self.assertFalse(data.startswith(b"SIP/2.0"))
        self.assertTrue(self.box.healthy())


class TlsConfiguration(unittest.TestCase):
    def test_unreadable_certificate_fails_cleanly(self):
        with tempfile.TemporaryDirectory() as d:
            conf = os.path.join(d, "tls.toml")
            with open(conf, "w") as f:
                f.write('[sip]\ntls_certificate = "%s/none.pem"\n'
                        'tls_private_key = "%s/none.key"\n' % (d, d))
            data = os.path.join(d, "var")
            r = run_binary(["--config", conf, "--data-dir", data,
                            "--sip-listen", "127.0.0.1:%d" % free_port(),
                            "--sip-tls-listen", "127.0.0.1:%d" % free_port(),
                            "--admin-listen", "127.0.0.1:%d" % free_port()])
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("sip.tls_certificate", r.stderr)
            self.assertFalse(os.path.exists(data))

    def test_certificate_without_key_is_a_config_error(self):
        with tempfile.TemporaryDirectory() as d:
            conf = os.path.join(d, "tls.toml")
            with open(conf, "w") as f:
                f.write('[sip]\ntls_certificate = "/x.pem"\n')
            r = run_binary(["--config", conf, "--check-config"])
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("tls_private_key", r.stderr)


if __name__ == "__main__":
    unittest.main()
