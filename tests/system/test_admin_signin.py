"""Issue 12: admin accounts and sign-in. A fresh box says it is not
configured; its first admin account is made from the box itself (loopback)
without credentials, never from the network; admins sign in for a session
token; wrong passwords and unknown names look the same and are throttled;
accounts survive a restart, sessions do not. Off loopback the admin API
speaks only HTTPS."""

import json
import os
import ssl
import subprocess
import unittest
import urllib.error
import urllib.request

from harness import Appliance, free_port, wait_until
from netns import NetnsAppliance, Segment

PASSWORD = "a fine long password"


class SignIn(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = Appliance().start()

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()

    def call(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = json.dumps(body).encode() if body is not None else None
        s, raw = self.box.http(method, path, data, headers)
        try:
            return s, json.loads(raw) if raw else None, raw
        except ValueError:
            return s, None, raw

    def health(self):
        s, body, _ = self.call("GET", "/health")
        self.assertEqual(s, 200)
        return body

    def sign_in(self, name, password):
        return self.call("POST", "/api/v1/session",
                         {"name": name, "password": password})

    def test_first_boot_sign_in_throttle_restart(self):
        self.assertIs(self.health()["configured"], False)
        # No account yet: nobody signs in, the API still wants credentials.
        s, _, _ = self.sign_in("admin", PASSWORD)
        self.assertEqual(s, 401)
        s, _, _ = self.call("GET", "/api/v1/users")
        self.assertEqual(s, 401)
        # Bad first accounts: refused, nothing made.
        for body, field in (({"name": "Admin", "password": PASSWORD}, "name"),
                            ({"name": "admin", "password": "short"},
                             "password")):
            s, err, _ = self.call("POST", "/api/v1/admins", body)
            self.assertEqual(s, 422, err)
            self.assertEqual(err["field"], field)
        s, _, _ = self.call("POST", "/api/v1/admins", {"name": "admin"})
        self.assertEqual(s, 400)
        self.assertIs(self.health()["configured"], False)
        # The first one, from the box itself.
        s, acc, _ = self.call("POST", "/api/v1/admins",
                              {"name": "admin", "password": PASSWORD})
        self.assertEqual(s, 201, acc)
        self.assertEqual(acc["name"], "admin")
        self.assertNotIn("hash", acc)
        self.assertIs(self.health()["configured"], True)
        # The second one needs credentials.
        s, _, _ = self.call("POST", "/api/v1/admins",
                            {"name": "eve", "password": PASSWORD})
        self.assertEqual(s, 401)

        # Sign in; the session token opens the API.
        s, sess, _ = self.sign_in("admin", PASSWORD)
        self.assertEqual(s, 201, sess)
        token = sess["token"]
        s, _, _ = self.call("GET", "/api/v1/users", token=token)
        self.assertEqual(s, 200)
        s, me, _ = self.call("GET", "/api/v1/session", token=token)
        self.assertEqual(me["name"], "admin")
        s, acc, _ = self.call("POST", "/api/v1/admins",
                              {"name": "helpdesk", "password": PASSWORD},
                              token=token)
        self.assertEqual(s, 201, acc)
        s, lst, _ = self.call("GET", "/api/v1/admins", token=token)
        self.assertEqual([a["name"] for a in lst["admins"]],
                         ["admin", "helpdesk"])

        # A wrong password and an unknown name: the same answer.
        s1, _, raw1 = self.sign_in("admin", "not the password")
        s2, _, raw2 = self.sign_in("nosuchadmin", "not the password")
        self.assertEqual((s1, raw1), (s2, raw2))
        self.assertEqual(s1, 401)
        # Throttled after five failures (two above): 429 with Retry-After,
        # even with the right password.
        for _ in range(3):
            self.assertEqual(self.sign_in("helpdesk", "wrong again")[0], 401)
        s, err, _ = self.sign_in("helpdesk", PASSWORD)
        self.assertEqual(s, 429, err)
        # The bearer token of admin.json still works (the box's own tools).
        with open(os.path.join(self.box.data_dir, "admin.json")) as f:
            bearer = json.load(f)["token"]
        s, _, _ = self.call("GET", "/api/v1/users", token=bearer)
        self.assertEqual(s, 200)

        # A new password ends the account's sessions.
        s, _, _ = self.call("PATCH", "/api/v1/admins/admin",
                            {"password": "short"}, token=bearer)
        self.assertEqual(s, 422)
        s, _, _ = self.call("PATCH", "/api/v1/admins/admin",
                            {"password": PASSWORD + " two"}, token=bearer)
        self.assertEqual(s, 200)
        s, _, _ = self.call("GET", "/api/v1/users", token=token)
        self.assertEqual(s, 401)

        # Restart: accounts stay, sessions do not; the throttle is gone.
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        self.assertIs(self.health()["configured"], True)
        s, sess, _ = self.sign_in("admin", PASSWORD + " two")
        self.assertEqual(s, 201, sess)
        token = sess["token"]
        s, _, _ = self.call("DELETE", "/api/v1/admins/helpdesk", token=token)
        self.assertEqual(s, 204)
        s, err, _ = self.call("DELETE", "/api/v1/admins/admin", token=token)
        self.assertEqual(s, 409, err)  # the last one stays
        # Sign out.
        s, _, _ = self.call("DELETE", "/api/v1/session", token=token)
        self.assertEqual(s, 204)
        s, _, _ = self.call("GET", "/api/v1/users", token=token)
        self.assertEqual(s, 401)


class AdminOnTheLan(unittest.TestCase):
    """The admin API on a LAN address: HTTPS only, and no first account
    from the network."""

    @classmethod
    def setUpClass(cls):
        cls.seg = Segment("adm")
        try:
            cls.box_host = cls.seg.attach("box", address="192.0.2.1/24")
            cls.pc = cls.seg.attach("pc", address="192.0.2.20/24")
            cls.port = free_port()
            box = NetnsAppliance(cls.box_host, extra_args=[])
            lan = "192.0.2.1:%d" % cls.port
            plain_args = box.args

            def args():
                a = plain_args()
                a[a.index("--admin-listen") + 1] = lan
                return a
            box.args = args
            box.healthy = lambda: cls.curl("/health")[0] == 200
            cls.box = box.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "box", None):
            cls.box.cleanup()
        cls.seg.close()

    @classmethod
    def curl(cls, path, *extra, scheme="https"):
        r = cls.pc.run(["curl", "-sk", "-o", "/dev/stdout", "-w",
                        "\n%{http_code}", "--max-time", "10"] + list(extra) +
                       ["%s://192.0.2.1:%d%s" % (scheme, cls.port, path)])
        body, _, code = r.stdout.rpartition("\n")
        return int(code or 0), body

    def test_https_only_and_no_first_account_from_the_lan(self):
        s, body = self.curl("/health")
        self.assertEqual(s, 200, body)
        self.assertFalse(json.loads(body)["configured"])
        # Plain HTTP gets no answer.
        s, _ = self.curl("/health", scheme="http")
        self.assertEqual(s, 0)
        # A fresh box, but the request comes from the LAN: 401.
        s, _ = self.curl("/api/v1/admins", "-X", "POST", "-H",
                         "Content-Type: application/json", "-d",
                         json.dumps({"name": "admin", "password": PASSWORD}))
        self.assertEqual(s, 401)
        s, body = self.curl("/health")
        self.assertFalse(json.loads(body)["configured"])
        # The certificate is the box's.
        r = self.pc.run(["sh", "-c", "echo | openssl s_client -connect "
                         "192.0.2.1:%d 2>/dev/null | openssl x509 "
                         "-noout -fingerprint -sha256" % self.port])
        with open(os.path.join(self.box.data_dir, "tls", "sip-cert.pem")) as f:
            mine = subprocess.run(["openssl", "x509", "-noout", "-fingerprint",
                                   "-sha256"], input=f.read(),
                                  capture_output=True, text=True).stdout
        self.assertEqual(r.stdout.strip(), mine.strip())


if __name__ == "__main__":
    unittest.main()
