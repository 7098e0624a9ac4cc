"""The files a phone fetches, seen through the admin API with its secrets
masked, and the templates they come from (GET/PUT/DELETE
/api/v1/templates): a bad template is refused naming its line and changes
nothing; a good one changes what the phone gets at once, and survives in
the data dir; DELETE returns to the built-in one."""

import json
import os
import shutil
import tempfile
import unittest
import urllib.error
import urllib.request

from harness import Appliance, free_port

YEALINK_MAC = "00:15:65:12:34:56"
YEALINK_UA = "Yealink SIP-T46S 66.86.0.15 " + YEALINK_MAC
POLYCOM_MAC = "00:04:f2:ab:cd:ef"
POLYCOM_UA = ("FileTransport PolycomVVX-VVX_411-UA/6.3.1.1234 "
              "(SN:0004f2abcdef) Type/Application")
MASK = "********"

GOOD_YEALINK = """#!version:1.0.0.1
## changed by the admin
account.1.enable = 1
account.1.user_name = {{extension}}
account.1.auth_name = {{auth_user}}
account.1.password = {{auth_password}}
account.1.sip_server.1.address = {{registrar_host}}
"""

# Line 4 names a variable that does not exist.
BAD_YEALINK = """#!version:1.0.0.1
account.1.enable = 1
account.1.user_name = {{extension}}
account.1.password = {{pasword}}
"""


def compact(mac):
    return mac.replace(":", "").lower()


class ProvisioningFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ivm-files-")
        cls.http_port = free_port()
        conf = os.path.join(cls.tmp, "box.toml")
        with open(conf, "w") as f:
            f.write('[provisioning]\ntftp_listen = "127.0.0.1:0"\n'
                    'http_listen = "127.0.0.1:%d"\n' % cls.http_port)
        cls.box = Appliance(extra_args=["--config", conf])
        try:
            cls.box.start()
            with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
                cls.token = json.load(f)["token"]
            for ext in ("201", "202"):
                s, u = cls.api("POST", "/api/v1/users",
                               {"extension": ext, "name": "User " + ext,
                                "password": "pw-" + ext})
                assert s == 201, (s, u)
            cls.yealink = cls.add_device(YEALINK_MAC, "201", "yealink",
                                         "T46S")
            cls.polycom = cls.add_device(POLYCOM_MAC, "202", "polycom",
                                         "VVX411")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def raw(cls, method, path, body=None):
        headers = {"Authorization": "Bearer " + cls.token}
        return cls.box.http(method, path, body, headers)

    @classmethod
    def api(cls, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        status, raw = cls.raw(method, path, data)
        return status, (json.loads(raw) if raw else None)

    @classmethod
    def add_device(cls, mac, user, vendor, model):
        s, dev = cls.api("POST", "/api/v1/devices",
                         {"mac": mac, "user": user, "vendor": vendor,
                          "model": model})
        assert s == 201, (s, dev)
        return dev

    def setUp(self):
        self.assertIsNone(self.box.proc.poll(), "the box has exited")

    def phone_get(self, name, ua):
        req = urllib.request.Request(
            "http://127.0.0.1:%d/%s" % (self.http_port, name),
            headers={"User-Agent": ua})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def files_of(self, mac, password):
        status, raw = self.raw("GET", "/api/v1/devices/%s/files"
                               % compact(mac))
        self.assertEqual(status, 200, raw)
        # The password is nowhere in the answer, in any form.
        self.assertNotIn(password.encode(), raw)
        return {f["name"]: f for f in json.loads(raw)["files"]}

    def assert_as_served(self, files, ua, password, rename=None):
        for name, f in files.items():
            status, served = self.phone_get((rename or {}).get(name, name), ua)
            self.assertEqual(status, 200, name)
            self.assertEqual(f["text"], served.replace(password, MASK), name)

    def test_files_are_what_the_phone_gets_with_the_password_masked(self):
        pw = self.yealink["sip_password"]
        files = self.files_of(YEALINK_MAC, pw)
        own = compact(YEALINK_MAC) + ".cfg"
        self.assertEqual(sorted(files), sorted([own, "y0000000000XX.cfg"]))
        self.assertEqual(files[own]["kind"], "device_config")
        self.assertEqual(files[own]["content_type"], "text/plain")
        self.assertIn("account.1.password = " + MASK, files[own]["text"])
        self.assertIn("account.1.auth_name = "
                      + self.yealink["sip_auth_user"], files[own]["text"])
        self.assert_as_served(files, YEALINK_UA, pw,
                              {"y0000000000XX.cfg": "y000000000066.cfg"})

        pw = self.polycom["sip_password"]
        files = self.files_of(POLYCOM_MAC, pw)
        self.assertEqual(sorted(files),
                         sorted([compact(POLYCOM_MAC) + ".cfg",
                                 "000000000000.cfg",
                                 compact(POLYCOM_MAC) + "-ivm.cfg"]))
        self.assertIn('reg.1.auth.password="%s"' % MASK,
                      files[compact(POLYCOM_MAC) + "-ivm.cfg"]["text"])
        self.assert_as_served(files, POLYCOM_UA, pw)

    def test_unknown_device_is_an_unknown_resource(self):
        for mac in ("001565aaaaaa", "not-a-mac"):
            s, body = self.api("GET", "/api/v1/devices/%s/files" % mac)
            s2, body2 = self.api("GET", "/api/v1/devices/" + mac)
            self.assertEqual((s, body), (404, body2))
        s, _ = self.api("GET", "/api/v1/devices/%s/files"
                        % compact(YEALINK_MAC))
        self.assertEqual(s, 200)
        self.assertEqual(self.raw("GET", "/api/v1/templates",
                                  None)[0], 200)
        # Without the token: nothing.
        self.assertEqual(self.box.http(
            "GET", "/api/v1/devices/%s/files" % compact(YEALINK_MAC))[0], 401)

    def test_templates_put_get_delete(self):
        name = "yealink-device_config"
        own = compact(YEALINK_MAC) + ".cfg"
        pw = self.yealink["sip_password"]
        s, listed = self.api("GET", "/api/v1/templates")
        self.assertEqual(s, 200)
        sources = {t["name"]: t["source"] for t in listed["templates"]}
        self.assertEqual(sources[name], "built-in")
        self.assertIn("polycom-device_index", sources)
        s, builtin = self.api("GET", "/api/v1/templates/" + name)
        self.assertEqual((s, builtin["source"]), (200, "built-in"))
        self.assertIn("{{auth_password}}", builtin["text"])
        _, before = self.phone_get(own, YEALINK_UA)

        # A bad template: 422 naming the line, and nothing changed.
        s, body = self.api_text("PUT", "/api/v1/templates/" + name,
                                BAD_YEALINK)
        self.assertEqual(s, 422, body)
        self.assertIn("line 4", body["error"])
        self.assertIn("pasword", body["error"])
        self.assertEqual(body["line"], 4)
        self.assertEqual(self.api("GET", "/api/v1/templates/" + name)[1],
                         builtin)
        self.assertEqual(self.phone_get(own, YEALINK_UA), (200, before))
        overrides = os.path.join(self.box.data_dir, "templates")
        self.assertFalse(os.path.exists(os.path.join(overrides,
                                                     name + ".tmpl")))
        # Unknown names: 404.
        for bad in ("yealink-firmware", "acme-device_config", "x"):
            s, _ = self.api_text("PUT", "/api/v1/templates/" + bad,
                                 GOOD_YEALINK)
            self.assertEqual(s, 404, bad)

        # A good one: stored, served at once, shown masked.
        s, body = self.api_text("PUT", "/api/v1/templates/" + name,
                                GOOD_YEALINK)
        self.assertEqual((s, body["source"]), (200, "override"), body)
        with open(os.path.join(overrides, name + ".tmpl")) as f:
            self.assertEqual(f.read(), GOOD_YEALINK)
        s, now = self.phone_get(own, YEALINK_UA)
        self.assertEqual(s, 200)
        self.assertNotEqual(now, before)
        self.assertIn("## changed by the admin", now)
        self.assertIn("account.1.password = " + pw, now)
        files = self.files_of(YEALINK_MAC, pw)
        self.assertEqual(files[own]["text"], now.replace(pw, MASK))
        s, listed = self.api("GET", "/api/v1/templates")
        self.assertIn({"name": name, "vendor": "yealink",
                       "kind": "device_config", "source": "override"},
                      listed["templates"])

        # DELETE: back to the built-in one.
        s, body = self.api("DELETE", "/api/v1/templates/" + name)
        self.assertEqual((s, body["source"]), (200, "built-in"), body)
        self.assertEqual(body["text"], builtin["text"])
        self.assertFalse(os.path.exists(os.path.join(overrides,
                                                     name + ".tmpl")))
        self.assertEqual(self.phone_get(own, YEALINK_UA), (200, before))

    def api_text(self, method, path, text):
        status, raw = self.raw(method, path, text.encode())
        return status, (json.loads(raw) if raw else None)


if __name__ == "__main__":
    unittest.main()
