"""Issue 12: the console's Monitor page (F6) under Xvfb against the real
appliance, fed by its event stream. A phone registered and a storm of
refused sign-ins (one alert): the page's screenshot is taken once the first
figures arrived (kept in IVM_ARTIFACTS/console/monitor.png); then, by
keyboard alone (F6, Down to the alert's button, Space), the alert is
acknowledged and the admin API says so. The console holds the stream only
while the page is shown."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from console_util import CONSOLE, ConsoleDriver, png_pixels
from harness import start_xvfb, Appliance, wait_until
from sip_ua import UA
from sip_util import status_of



@unittest.skipUnless(CONSOLE and shutil.which("Xvfb") and
                     shutil.which("xdotool"), "no ivm-console/Xvfb/xdotool")
class ConsoleMonitor(ConsoleDriver, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ivm-console-monitor-")
        cls.xvfb, cls.display = start_xvfb()
        cls.box = Appliance()
        try:
            cls.box.start()
            with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
                cls.token = json.load(f)["token"]
            # Past first boot: an admin account exists.
            s, raw = cls.box.http(
                "POST", "/api/v1/admins",
                json.dumps({"name": "boss",
                            "password": "a long secret 1"}).encode(),
                {"Content-Type": "application/json"})
            assert s == 201, raw
            s, raw = cls.api("POST", "/api/v1/users",
                             {"extension": "301", "password": "pw-301-x"})
            assert s == 201, raw
            ua = UA(cls.box.sip_port, "301", "pw-301-x")
            try:
                assert status_of(ua.register()) == 200
            finally:
                ua.close()
            # 20 refused sign-ins within a minute raise one alert (the
            # box compares samples: one before, one after).
            cls.api("GET", "/api/v1/stats")
            for i in range(25):
                cls.box.http("POST", "/api/v1/session",
                             json.dumps({"name": "guess%d" % (i % 3),
                                         "password": "wrong"}).encode(),
                             {"Content-Type": "application/json"})
            wait_until(lambda: cls.api("GET", "/api/v1/stats")[1].find(
                '"alerts_open":0') < 0, "the sign-in storm alert")
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

    def storm_alerts(self):
        s, raw = self.api("GET", "/api/v1/alerts")
        self.assertEqual(s, 200, raw)
        return [a for a in json.loads(raw)["alerts"]
                if a["kind"] == "sign_in_storm"]

    def test_screenshot_then_acknowledge_by_keyboard(self):
        out_dir = os.path.join(os.environ.get("IVM_ARTIFACTS", self.tmp),
                               "console")
        os.makedirs(out_dir, exist_ok=True)
        path = os.path.join(out_dir, "monitor.png")
        if os.path.exists(path):
            os.remove(path)
        r = subprocess.run(self.console_args("--page", "monitor",
                                             "--screenshot", path),
                           env=self.env(), capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        w, h, raw = png_pixels(path)
        self.assertEqual((w, h), (1280, 800))
        self.assertGreater(len(set(raw[::7])), 20)
        self.assertEqual(len(self.storm_alerts()), 1)
        self.assertFalse(self.storm_alerts()[0]["acknowledged"])
        # F6 from the overview; the newest open alert's button is the first
        # stop of the arrow keys; Space presses it.
        proc = subprocess.Popen(self.console_args(), env=self.env(),
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            self.focus_console()
            # The console holds keys until the page's first figures came
            # (the alerts come before them on the stream).
            self.xdo("key", "F6", "Down", "space")
            wait_until(lambda: self.storm_alerts()[0]["acknowledged"],
                       "the alert acknowledged from the console", 30)
            self.assertIsNone(proc.poll())
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    unittest.main()
