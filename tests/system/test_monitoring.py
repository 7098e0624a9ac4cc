"""Issue 12: live monitoring through the admin API. GET /api/v1/events
streams server-sent events (the alerts and log at once, then "stats" every
2 s while someone watches) to a signed-in client only; a registration shows
up in the figures; a storm of refused sign-ins raises one alert, which is
listed and acknowledged; the log tail carries the box's warnings."""

import json
import os
import socket
import time
import unittest
import urllib.error
import urllib.request

from harness import Appliance, wait_until
from test_tftp import TftpError, tftp_get
from sip_ua import UA
from sip_util import status_of


class EventStream:
    """A raw SSE client: (event, data) pairs in arrival order."""

    def __init__(self, port, token):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n"
                           "Authorization: Bearer %s\r\n"
                           "Accept: text/event-stream\r\n\r\n" % token)
                          .encode())
        self.buf = b""
        head = self._until(b"\r\n\r\n")
        self.status = int(head.split(b" ")[1])
        self.head = head.decode()

    def _until(self, sep):
        while sep not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("stream closed")
            self.buf += data
        part, _, self.buf = self.buf.partition(sep)
        return part

    def next(self):
        block = self._until(b"\n\n").decode()
        name, data = "message", ""
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data += line[6:]
        return name, json.loads(data)

    def wait_for(self, name, pred=lambda d: True, limit=60):
        """The next `name` event whose data satisfies pred (at most `limit`
        events read)."""
        for _ in range(limit):
            n, d = self.next()
            if n == name and pred(d):
                return d
        raise AssertionError("no matching %s event" % name)

    def close(self):
        self.sock.close()


class Monitoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = Appliance().start()
        with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
            cls.token = json.load(f)["token"]

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()

    def call(self, method, path, body=None, token=True):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + self.token
        data = json.dumps(body).encode() if body is not None else None
        s, raw = self.box.http(method, path, data, headers)
        return s, (json.loads(raw) if raw else None)

    def test_strangers_get_nothing(self):
        for path in ("/api/v1/events", "/api/v1/stats", "/api/v1/alerts",
                     "/api/v1/log", "/api/v1/alerts/1/ack"):
            s, _ = self.call("GET" if "ack" not in path else "POST", path,
                             token=False)
            self.assertEqual(s, 401, path)
        ev = EventStream(self.box.admin_port, "not-the-token")
        self.assertEqual(ev.status, 401)
        ev.close()

    def test_watchers_leaving_mid_stream_leave_the_box_up(self):
        # Each leaves while the box still writes its replay (alerts, the
        # last log lines): the box once freed the chunk being written.
        for i in range(25):
            self.call("POST", "/api/v1/session",
                      {"name": "x%d" % i, "password": "wrong"}, token=False)
        for _ in range(30):
            ev = EventStream(self.box.admin_port, self.token)
            self.assertEqual(ev.status, 200)
            ev.close()
        s, body = self.call("GET", "/health")
        self.assertEqual(s, 200, body)
        self.assertNotIn("AddressSanitizer", self.box.log_text())

    def test_stream_figures_alerts_and_log(self):
        s, _ = self.call("POST", "/api/v1/users",
                         {"extension": "301", "password": "pw-301-x"})
        self.assertEqual(s, 201)
        ev = EventStream(self.box.admin_port, self.token)
        try:
            self.assertEqual(ev.status, 200)
            self.assertIn("text/event-stream", ev.head)
            self.assertEqual(ev.next()[0], "alerts")
            name, lines = ev.next()
            self.assertEqual(name, "log")
            self.assertTrue(any("starting" in l for l in lines), lines)
            stats = ev.wait_for("stats")
            for key in ("cpu_seconds", "rss_bytes", "disk_free_bytes",
                        "storage", "metrics", "registered"):
                self.assertIn(key, stats)
            self.assertTrue(stats["storage"]["healthy"])
            # A phone registers: the REGISTER rate and the count move.
            s, _ = self.call("POST", "/api/v1/users",
                             {"extension": "302", "password": "pw-302-x"})
            self.assertEqual(s, 201)
            ua = UA(self.box.sip_port, "301", "pw-301-x")
            try:
                self.assertEqual(status_of(ua.register()), 200)
                # 302 is offline: the message waits in its queue.
                self.assertEqual(status_of(ua.message("302", "hello")), 202)
            finally:
                ua.close()
            # A phone asks for its files over TFTP and HTTP.
            try:
                tftp_get(self.box.tftp_port, "y000000000066.cfg")
            except TftpError:
                pass
            try:
                urllib.request.urlopen(
                    "http://127.0.0.1:%d/y000000000066.cfg"
                    % self.box.prov_http_port, timeout=10).read()
            except urllib.error.HTTPError:
                pass
            stats = ev.wait_for(
                "stats", lambda d:
                d["metrics"]["ivm_tftp_requests_total"] >= 1 and
                d["metrics"]["ivm_http_file_requests_total"] >= 1 and
                d["registered"] >= 1 and
                d["metrics"]["ivm_sip_register_requests_total"] >= 1 and
                d["metrics"]["ivm_messages_waiting"] == 1)
            self.assertGreaterEqual(
                stats["metrics"]["ivm_oldest_waiting_message_age_seconds"], 0)
            self.assertEqual(stats["metrics"]["ivm_calls_active"], 0)
            self.assertEqual(stats["metrics"]["ivm_voice_sessions_active"], 0)
            # A storm of refused sign-ins: one alert, and the log says so.
            for i in range(25):
                self.call("POST", "/api/v1/session",
                          {"name": "guess%d" % (i % 3),
                           "password": "wrong-%d" % i}, token=False)
            alert = ev.wait_for("alert", lambda d: d["kind"] ==
                                "sign_in_storm")
            self.assertFalse(alert["acknowledged"])
            ev.wait_for("log", lambda d: any("failed" in l for l in d))
        finally:
            ev.close()
        s, listed = self.call("GET", "/api/v1/alerts")
        self.assertEqual(s, 200)
        ids = [a["id"] for a in listed["alerts"]
               if a["kind"] == "sign_in_storm"]
        self.assertEqual(len(ids), 1)
        s, _ = self.call("POST", "/api/v1/alerts/%d/ack" % ids[0])
        self.assertEqual(s, 200)
        s, listed = self.call("GET", "/api/v1/alerts")
        self.assertTrue(all(a["acknowledged"] for a in listed["alerts"]
                            if a["id"] == ids[0]))
        s, _ = self.call("POST", "/api/v1/alerts/999999/ack")
        self.assertEqual(s, 404)
        s, tail = self.call("GET", "/api/v1/log?lines=5")
        self.assertEqual(s, 200)
        self.assertLessEqual(len(tail["lines"]), 5)
        # The watcher went away: the box goes on.
        s, st = self.call("GET", "/api/v1/stats")
        self.assertEqual(s, 200)
        self.assertIn("metrics", st)


if __name__ == "__main__":
    unittest.main()
