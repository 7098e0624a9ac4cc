"""Issue 12: the site settings of first boot (GET/PATCH /api/v1/settings).
While the box has no admin account the console on the box itself (loopback)
sets them without credentials; afterwards only a signed-in admin does. Bad
values are refused naming the field and change nothing; good ones are in
data_dir/site.toml before the answer; the time zone reaches the phones'
files at once, the domain at the next start."""

import json
import os
import unittest
import urllib.request

from harness import Appliance

PASSWORD = "a fine long password"
SNOM_UA = "Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33)"


class SiteSettings(unittest.TestCase):
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
        data = body if isinstance(body, bytes) else \
            (json.dumps(body).encode() if body is not None else None)
        s, raw = self.box.http(method, path, data, headers)
        try:
            return s, json.loads(raw) if raw else None
        except ValueError:
            return s, None

    def site_file(self):
        path = os.path.join(self.box.data_dir, "site.toml")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read()

    def snom_offset(self):
        req = urllib.request.Request(
            "http://127.0.0.1:%d/snomD785.htm" % self.box.prov_http_port,
            headers={"User-Agent": SNOM_UA})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
        start = text.index('<utc_offset perm="R">') + len('<utc_offset perm="R">')
        return int(text[start:text.index("<", start)])

    def test_first_boot_settings_then_only_signed_in(self):
        s, view = self.call("GET", "/api/v1/settings")
        self.assertEqual(s, 200, view)
        self.assertEqual(view["time_zone"], "UTC")
        self.assertIn("lo", [i["name"] for i in view["interfaces"]])
        self.assertEqual(view["restart_needed"], [])
        self.assertEqual(self.snom_offset(), 0)

        # Bad values: 422 naming the field, nothing stored or changed.
        for body, field in (({"address": "192.0.2.99"}, "address"),
                            ({"interface": "nosuch0"}, "interface"),
                            ({"time_zone": "Mars/Olympus"}, "time_zone"),
                            ({"domain": "a b"}, "domain"),
                            ({"site_name": ""}, "site_name"),
                            ({"site_name": 5}, "site_name"),
                            ({"colour": "red"}, "colour")):
            s, err = self.call("PATCH", "/api/v1/settings", body)
            self.assertEqual(s, 422, (body, err))
            self.assertEqual(err["field"], field, err)
        s, err = self.call("PATCH", "/api/v1/settings", b"{not json")
        self.assertEqual(s, 400, err)
        s, err = self.call("PUT", "/api/v1/settings", {"site_name": "x"})
        self.assertEqual(s, 405, err)
        self.assertIsNone(self.site_file())
        s, again = self.call("GET", "/api/v1/settings")
        self.assertEqual(again, view)

        # Good ones: stored before the answer; the time zone at once.
        s, view = self.call("PATCH", "/api/v1/settings",
                            {"site_name": "Berlin office",
                             "domain": "office.example",
                             "time_zone": "Europe/Berlin"})
        self.assertEqual(s, 200, view)
        self.assertEqual(view["site_name"], "Berlin office")
        self.assertEqual(view["utc_offset_minutes"], 60)
        self.assertEqual(view["restart_needed"], ["domain"])
        stored = self.site_file()
        self.assertIn("office.example", stored)
        self.assertIn("Europe/Berlin", stored)
        self.assertEqual(self.snom_offset(), 3600)

        # The first admin: now the settings want credentials, and a
        # stranger cannot tell them from a missing resource by the answer.
        s, _ = self.call("POST", "/api/v1/admins",
                         {"name": "admin", "password": PASSWORD})
        self.assertEqual(s, 201)
        s, anon = self.call("GET", "/api/v1/settings")
        s2, anon2 = self.call("GET", "/api/v1/no-such-thing")
        self.assertEqual((s, anon), (401, anon2))
        self.assertEqual(s2, 401)
        s, _ = self.call("PATCH", "/api/v1/settings", {"site_name": "Evil"})
        self.assertEqual(s, 401)
        s, signed = self.call("POST", "/api/v1/session",
                              {"name": "admin", "password": PASSWORD})
        self.assertEqual(s, 201, signed)
        token = signed["token"]
        s, view = self.call("PATCH", "/api/v1/settings",
                            {"site_name": "Berlin HQ"}, token)
        self.assertEqual(s, 200, view)

        # After a restart the domain is in use and nothing waits for one.
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        s, signed = self.call("POST", "/api/v1/session",
                              {"name": "admin", "password": PASSWORD})
        s, view = self.call("GET", "/api/v1/settings", token=signed["token"])
        self.assertEqual(s, 200)
        self.assertEqual(view["domain"], "office.example")
        self.assertEqual(view["site_name"], "Berlin HQ")
        self.assertEqual(view["restart_needed"], [])
        self.assertEqual(self.snom_offset(), 3600)


if __name__ == "__main__":
    unittest.main()
