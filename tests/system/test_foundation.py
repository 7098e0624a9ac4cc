"""Issue 2: the appliance boots, answers /health and /metrics, fails cleanly
on bad configuration and stops cleanly on SIGTERM/SIGINT."""

import os
import signal
import socket
import tempfile
import unittest

from harness import Appliance, run_binary, free_port


class Running(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()

    def tearDown(self):
        self.box.cleanup()

    def test_health(self):
        status, body = self.box.json("GET", "/health")
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["storage"], "ok")
        self.assertIn("version", body)
        self.assertIsInstance(body["uptime_s"], int)

    def test_metrics_are_prometheus_text(self):
        status, body = self.box.http("GET", "/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        for name in ("ivm_uptime_seconds", "process_resident_memory_bytes",
                     "ivm_storage_writes_total", "ivm_storage_commits_total"):
            self.assertIn("# TYPE " + name + " ", text)
        for line in text.splitlines():
            if not line.startswith("#"):
                name, value = line.split(" ")
                float(value)

    def test_unknown_path_is_404_json(self):
        status, body = self.box.json("GET", "/no/such/thing")
        self.assertEqual(status, 404)
        self.assertIn("error", body)

    def test_wrong_method_is_405(self):
        status, _ = self.box.http("DELETE", "/health")
        self.assertEqual(status, 405)

    def test_garbage_gets_400_and_box_keeps_serving(self):
        with socket.create_connection(("127.0.0.1", self.box.admin_port)) as s:
            s.sendall(b"\x00\x01\x02 NOT HTTP \xff\r\n\r\n")
            data = s.recv(4096)
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data)
        self.assertTrue(self.box.healthy())

    def test_start_log_names_version_data_dir_and_sockets(self):
        log = self.box.log_text()
        self.assertIn("starting", log)
        self.assertIn(self.box.data_dir, log)
        self.assertIn("127.0.0.1:%d" % self.box.admin_port, log)
        self.assertIn("127.0.0.1:%d" % self.box.sip_port, log)

    def test_sigterm_stops_cleanly(self):
        self.assertEqual(self.box.stop(signal.SIGTERM), 0)
        log = self.box.log_text()
        self.assertIn("storage flushed", log)
        self.assertIn("stopped", log)

    def test_sigint_stops_cleanly(self):
        self.assertEqual(self.box.stop(signal.SIGINT), 0)

    def test_restart_on_same_data_dir(self):
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        self.assertTrue(self.box.healthy())


class BadConfiguration(unittest.TestCase):
    """Each bad configuration exits non-zero with one line naming the key or
    resource, and writes nothing to the data dir."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "var")

    def tearDown(self):
        self.tmp.cleanup()

    def run_bad(self, args, expect):
        r = run_binary(["--data-dir", self.data,
                        "--sip-listen", "127.0.0.1:%d" % free_port(),
                        "--sip-tls-listen", "127.0.0.1:%d" % free_port(),
                        "--admin-listen", "127.0.0.1:%d" % free_port(),
                        "--tftp-listen", "127.0.0.1:%d" % free_port(),
                        "--provisioning-http-listen",
                        "127.0.0.1:%d" % free_port()]
                       + args)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(expect, lines[0])
        self.assertFalse(os.path.exists(self.data),
                         "a failed start wrote to the data dir")
        return lines[0]

    def write(self, text):
        path = os.path.join(self.tmp.name, "ivm.toml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_unknown_key(self):
        self.run_bad(["--config", self.write("[sip]\nlisten_port = 1\n")],
                     "sip.listen_port: unknown key")

    def test_bad_port_in_file(self):
        self.run_bad(["--config", self.write("[admin]\nlisten = "
                                             "\"127.0.0.1:70000\"\n")],
                     "admin.listen")

    def test_bad_port_flag(self):
        self.run_bad(["--sip-listen", "127.0.0.1:notaport"], "sip.listen")

    def test_toml_syntax_error(self):
        self.run_bad(["--config", self.write("[sip\n")], "ivm.toml")

    def test_missing_config_file(self):
        self.run_bad(["--config", os.path.join(self.tmp.name, "nope.toml")],
                     "nope.toml")

    def test_bad_log_level(self):
        self.run_bad(["--log-level", "loud"], "log_level")

    def test_unwritable_data_dir(self):
        blocker = os.path.join(self.tmp.name, "file")
        open(blocker, "w").close()
        r = run_binary(["--data-dir", os.path.join(blocker, "var"),
                        "--sip-listen", "127.0.0.1:%d" % free_port(),
                        "--sip-tls-listen", "127.0.0.1:0",
                        "--admin-listen", "127.0.0.1:%d" % free_port()])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("data_dir", r.stderr)

    def test_admin_port_in_use(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            line = self.run_bad(["--admin-listen", "127.0.0.1:%d" % port],
                                "admin.listen")
            self.assertIn("in use", line)

    def test_sip_udp_port_in_use(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            self.run_bad(["--sip-listen", "127.0.0.1:%d" % port],
                         "sip.listen")

    def test_flags_override_file(self):
        path = self.write("[admin]\nlisten = \"127.0.0.1:1\"\n")
        r = run_binary(["--config", path, "--admin-listen",
                        "127.0.0.1:2345", "--check-config"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('listen = "127.0.0.1:2345"', r.stdout)


class Informational(unittest.TestCase):
    def test_version(self):
        r = run_binary(["--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^ivm-appliance \d+\.\d+\.\d+")

    def test_help_lists_flags(self):
        r = run_binary(["--help"])
        self.assertEqual(r.returncode, 0)
        for flag in ("--config", "--data-dir", "--sip-listen",
                     "--admin-listen", "--domain", "--log-level",
                     "--check-config", "--version"):
            self.assertIn(flag, r.stdout)

    def test_check_config_prints_embedded_defaults(self):
        with tempfile.TemporaryDirectory() as d:
            r = run_binary(["--check-config"], cwd=d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn('data_dir = "./var"', r.stdout)
            self.assertIn('listen = "127.0.0.1:5060"', r.stdout)
            self.assertFalse(os.path.exists(os.path.join(d, "var")))


if __name__ == "__main__":
    unittest.main()
