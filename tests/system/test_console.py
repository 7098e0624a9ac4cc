"""Issue 12: ivm-console, the box's own screen, under Xvfb against the
real appliance. Every page renders once its data arrived (the PNGs are
kept in IVM_ARTIFACTS/console/); the keyboard alone adds a user and assigns
a phone that was seen on the network, and the admin API shows the result.
A console pointed at a box that is not there says so and fails."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.request

from console_util import CONSOLE, ConsoleDriver, png_pixels
from harness import start_xvfb, Appliance, free_port, wait_until

YEALINK_MAC = "001565123456"
YEALINK_UA = "Yealink SIP-T46S 66.86.0.15 00:15:65:12:34:56"
PAGES = ("overview", "users", "devices", "dhcp", "firmware", "groups",
         "templates", "gateways")


@unittest.skipUnless(CONSOLE and shutil.which("Xvfb"), "no ivm-console/Xvfb")
class Console(ConsoleDriver, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ivm-console-")
        cls.xvfb, cls.display = start_xvfb()
        cls.box = Appliance()
        try:
            cls.box.start()
            with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
                cls.token = json.load(f)["token"]
            s, raw = cls.api("POST", "/api/v1/users",
                             {"extension": "201", "name": "Alice",
                              "password": "pw-201-alice"})
            assert s == 201, raw
            # A group for the Groups page's screenshot.
            s, raw = cls.api("POST", "/api/v1/groups",
                             {"name": "front-desk", "extension": "610",
                              "members": ["201"]})
            assert s == 201, raw
            # A media gateway with Alice on a line (the Gateways page).
            s, raw = cls.api("POST", "/api/v1/gateways",
                             {"name": "gw1", "protocol": "mgcp",
                              "address": "127.0.0.1:2427",
                              "domain": "gw1.example.net"})
            assert s == 201, raw
            s, raw = cls.api("POST", "/api/v1/stations",
                             {"gateway": "gw1", "endpoint": "aaln/1",
                              "extension": "201"})
            assert s == 201, raw
            # A phone asks for its file: the box lists it as unassigned.
            req = urllib.request.Request(
                "http://127.0.0.1:%d/%s.cfg" % (cls.box.prov_http_port,
                                                YEALINK_MAC),
                headers={"User-Agent": YEALINK_UA})
            try:
                urllib.request.urlopen(req, timeout=10).read()
            except urllib.error.HTTPError:
                pass
            wait_until(lambda: cls.api("GET", "/api/v1/devices/unassigned")
                       [1].find(YEALINK_MAC) >= 0, "the phone's sighting")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "box", None):
            cls.box.cleanup()
        cls.xvfb.kill()
        cls.xvfb.wait()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def screenshot(self, page, name, *extra, code=0):
        out_dir = os.path.join(os.environ.get("IVM_ARTIFACTS", self.tmp),
                               "console")
        os.makedirs(out_dir, exist_ok=True)
        path = os.path.join(out_dir, name + ".png")
        if os.path.exists(path):
            os.remove(path)
        r = subprocess.run(self.console_args("--page", page, "--screenshot",
                                             path, *extra),
                           env=self.env(), capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, code, (page, r.stderr))
        w, h, raw = png_pixels(path)
        self.assertEqual((w, h), (1280, 800), page)
        # Not a blank frame: text and widgets drawn in several colours.
        self.assertGreater(len(set(raw[::7])), 20, page)

    def test_first_boot_pages_and_phones_by_keyboard(self):
        # A fresh box: the console opens on its first boot.
        self.screenshot("overview", "first-boot")
        proc = subprocess.Popen(self.console_args(), env=self.env(),
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            self.focus_console()

            def site():
                return json.loads(self.api("GET", "/api/v1/settings")[1])
            # 1. Site name; Enter stores it (the box checks it).
            self.xdo("key", "Tab")
            self.xdo("type", "Berlin office")
            self.xdo("key", "Return")
            wait_until(lambda: site()["site_name"] == "Berlin office",
                       "the site name from the console")
            # 2. SIP domain: Tab selects the prefilled one, typing replaces.
            self.xdo("key", "Tab")
            self.xdo("type", "office.example")
            self.xdo("key", "Return")
            wait_until(lambda: site()["domain"] == "office.example",
                       "the SIP domain from the console")
            self.assertEqual(site()["restart_needed"], ["domain"])
            # 3. Network: Enter takes the address shown (loopback here).
            self.xdo("key", "Return")
            site_toml = os.path.join(self.box.data_dir, "site.toml")

            def stored():
                with open(site_toml) as f:
                    return f.read()
            wait_until(lambda: "address" in stored(),
                       "the address from the console")
            # 4. Time zone: one the box does not know is refused in place,
            # then corrected.
            self.xdo("key", "Tab")
            self.xdo("type", "Mars/Base")
            self.xdo("key", "Return", "ctrl+a")
            self.xdo("type", "Europe/Berlin")
            self.xdo("key", "Return")
            wait_until(lambda: site()["time_zone"] == "Europe/Berlin",
                       "the time zone from the console")
            self.assertEqual(site()["utc_offset_minutes"], 60)
            self.assertNotIn("Mars", stored())
            # 5. Admin: name (prefilled "admin", replaced), password twice.
            self.xdo("key", "Tab")
            self.xdo("type", "boss")
            self.xdo("key", "Tab")
            self.xdo("type", "a long secret 1")
            self.xdo("key", "Tab")
            self.xdo("type", "a long secret 1")
            self.xdo("key", "Return")
            wait_until(lambda: json.loads(self.api("GET", "/health")[1])
                       ["configured"], "the first admin from the console")
            # 6. DHCP: left off (the box serves on loopback here).
            self.xdo("key", "Page_Down")
            s, raw = self.api("GET", "/api/v1/admins")
            self.assertEqual([a["name"] for a in json.loads(raw)["admins"]],
                             ["boss"])
            # Every page, as a screenshot.
            for page in PAGES:
                self.screenshot(page, page)
            # F2: users; Tab to the extension, name and password; Enter.
            self.xdo("key", "F2", "Tab")
            self.xdo("type", "205")
            self.xdo("key", "Tab")
            self.xdo("type", "Eve")
            self.xdo("key", "Tab")
            self.xdo("type", "pw-205-eve")
            self.xdo("key", "Return")
            wait_until(lambda: self.api("GET", "/api/v1/users/205")[0] == 200,
                       "user 205 added from the console")
            self.assertIn('"name":"Eve"', self.api("GET",
                                                   "/api/v1/users/205")[1])
            # F3: phones; the waiting phone is chosen; its user; Enter.
            self.xdo("key", "F3", "Tab")
            self.xdo("type", "205")
            self.xdo("key", "Return")
            wait_until(lambda: self.api("GET", "/api/v1/devices/" +
                                        YEALINK_MAC)[0] == 200,
                       "the phone assigned from the console")
            dev = json.loads(self.api("GET", "/api/v1/devices/" +
                                      YEALINK_MAC)[1])
            self.assertEqual(dev["user"], "205")
            self.assertEqual(dev["vendor"], "yealink")
            # F7: groups; Tab to the name, extension, members; Enter.
            self.xdo("key", "F7", "Tab")
            self.xdo("type", "sales")
            self.xdo("key", "Tab")
            self.xdo("type", "600")
            self.xdo("key", "Tab")
            self.xdo("type", "205")
            self.xdo("key", "Return")

            def sales():
                s, raw = self.api("GET", "/api/v1/groups/sales")
                return json.loads(raw) if s == 200 else None
            wait_until(lambda: sales() is not None,
                       "group sales created from the console")
            self.assertEqual(sales()["extension"], "600")
            self.assertEqual(sales()["members"], ["205"])
            # The new group is chosen and its member field has the keys:
            # type, Enter adds it.
            self.xdo("type", "201")
            self.xdo("key", "Return")
            wait_until(lambda: sales()["members"] == ["205", "201"],
                       "member 201 added to sales from the console")
            # F9: gateways; Tab to the name, address; Enter adds it; the
            # keys then go to its endpoint field: a station for 205.
            self.xdo("key", "F9", "Tab")
            self.xdo("type", "gw2")
            self.xdo("key", "Tab")
            self.xdo("type", "127.0.0.1:2437")
            self.xdo("key", "Return")
            wait_until(lambda: self.api("GET", "/api/v1/gateways/gw2")[0]
                       == 200, "gateway gw2 added from the console")
            self.xdo("type", "aaln/1")
            self.xdo("key", "Tab")
            self.xdo("type", "205")
            self.xdo("key", "Return")
            wait_until(lambda: '"extension":"205"' in self.api(
                "GET", "/api/v1/gateways/gw2")[1],
                "station 205 on gw2 added from the console")
            self.assertIsNone(proc.poll())
        finally:
            proc.kill()
            proc.wait()
        # Without the box's token an admin signs in.
        self.screenshot("overview", "sign-in", "--sign-in")
        proc = subprocess.Popen(
            [CONSOLE, "--url", "http://127.0.0.1:%d" % self.box.admin_port,
             "--sign-in"], env=self.env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            self.focus_console()
            self.xdo("key", "Tab")
            self.xdo("type", "boss")
            self.xdo("key", "Tab")
            self.xdo("type", "a long secret 1")
            self.xdo("key", "Return")
            wait_until(lambda: "boss signed in" in self.box.log_text(),
                       "the admin signed in from the console")
        finally:
            proc.kill()
            proc.wait()

    def test_an_absent_box_is_reported(self):
        path = os.path.join(self.tmp, "nobox.png")
        r = subprocess.run(
            [CONSOLE, "--url", "http://127.0.0.1:%d" % free_port(), "--token",
             "x", "--page", "users", "--screenshot", path],
            env=self.env(), capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("users", r.stderr)
        r = subprocess.run(self.console_args("--page", "nosuchpage"),
                           env=self.env(), capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("overview", r.stderr)


if __name__ == "__main__":
    unittest.main()
