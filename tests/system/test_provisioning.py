"""Issue 11 end to end: a phone provisions itself.

The admin adds a user and a device (MAC, vendor, model); the phone fetches
its file over HTTP (with its vendor's User-Agent) and over TFTP; the test
reads the credentials out of that file as the phone would, registers with
them and receives a text message. Deleting the device revokes them. A phone
the box does not know shows up in the list of unassigned devices."""

import json
import os
import random
import shutil
import tempfile
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from harness import Appliance, free_port, wait_until
from sip_ua import UA, authorization, body_of, parse_challenges
from sip_util import status_of
from test_tftp import TftpError, tftp_get

YEALINK_MAC = "00:15:65:12:34:56"
YEALINK_UA = "Yealink SIP-T46S 66.86.0.15 " + YEALINK_MAC
POLYCOM_MAC = "00:04:f2:ab:cd:ef"
POLYCOM_UA = ("FileTransport PolycomVVX-VVX_411-UA/6.3.1.1234 "
              "(SN:0004f2abcdef) Type/Application")


def compact(mac):
    return mac.replace(":", "").lower()


class Phone(UA):
    """A phone whose digest user name (the device's) differs from its
    address of record (the user's extension)."""

    def __init__(self, port, aor_user, auth_user, password, domain):
        super().__init__(port, aor_user, password, domain=domain)
        self.auth_user = auth_user

    def with_auth(self, method, ruri, extra="", body=b"", algorithm="MD5",
                  password=None, **kw):
        self.send(self.request(method, ruri, extra, body, **kw))
        r = self.final()
        if r is None or status_of(r) not in (401, 407):
            return r
        code = status_of(r)
        name = "WWW-Authenticate" if code == 401 else "Proxy-Authenticate"
        chs = [c for c in parse_challenges(r, name)
               if c["algorithm"].upper() == algorithm.upper()]
        assert chs, r
        auth = authorization(chs[0], method, ruri, self.auth_user,
                             password or self.password)
        hdr = "Authorization" if code == 401 else "Proxy-Authorization"
        self.send(self.request(method, ruri,
                               extra + "%s: %s\r\n" % (hdr, auth), body, **kw))
        return self.final()


def yealink_settings(text):
    """`name = value` lines of a Yealink .cfg file."""
    lines = text.splitlines()
    assert lines[0] == "#!version:1.0.0.1", lines[:1]
    out = {}
    for line in lines[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        k, sep, v = line.partition("=")
        assert sep, line
        out[k.strip()] = v.strip()
    return out


def polycom_settings(text):
    """Every attribute of a Polycom configuration file (XML)."""
    out = {}
    for el in ET.fromstring(text).iter():
        out.update(el.attrib)
    return out


class Provisioning(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ivm-prov-")
        cls.tftp_port, cls.http_port = free_port(), free_port()
        conf = os.path.join(cls.tmp, "box.toml")
        with open(conf, "w") as f:
            f.write('[provisioning]\ntftp_listen = "127.0.0.1:%d"\n'
                    'http_listen = "127.0.0.1:%d"\n'
                    % (cls.tftp_port, cls.http_port))
        cls.box = Appliance(extra_args=["--config", conf])
        try:
            cls.box.start()
            with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
                cls.token = json.load(f)["token"]
            for ext, name in (("201", "Alice"), ("202", "Bob"),
                              ("203", "Carol")):
                s, u = cls.api("POST", "/api/v1/users",
                               {"extension": ext, "name": name,
                                "password": "pw-" + ext})
                assert s == 201, (s, u)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def api(cls, method, path, body=None):
        headers = {"Authorization": "Bearer " + cls.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        status, raw = cls.box.http(method, path, data, headers)
        return status, (json.loads(raw) if raw else None)

    def setUp(self):
        self.assertIsNone(self.box.proc.poll(), "the box has exited")

    def http_get(self, name, ua):
        req = urllib.request.Request(
            "http://127.0.0.1:%d/%s" % (self.http_port, name),
            headers={"User-Agent": ua})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def add_device(self, mac, user, vendor, model):
        s, dev = self.api("POST", "/api/v1/devices",
                          {"mac": mac, "user": user, "vendor": vendor,
                           "model": model})
        self.assertEqual(s, 201, dev)
        self.assertEqual(dev["mac"], compact(mac))
        self.assertEqual(dev["user"], user)
        self.assertTrue(dev["sip_auth_user"])
        self.assertTrue(dev["sip_password"])
        self.assertNotEqual(dev["sip_password"], "pw-" + user)
        s, again = self.api("GET", "/api/v1/devices/" + compact(mac))
        self.assertEqual((s, again["user"]), (200, user))
        return dev

    def fetch(self, name, ua):
        """The file over HTTP (as the phone asks) and over TFTP: the same."""
        status, over_http = self.http_get(name, ua)
        self.assertEqual(status, 200, over_http)
        over_tftp, _ = tftp_get(self.tftp_port, name, blksize=1428)
        self.assertEqual(over_tftp, over_http, name)
        return over_http.decode()

    def register_and_receive(self, user, auth_user, password, host, port):
        self.assertEqual((host, int(port)), ("127.0.0.1", self.box.sip_port))
        phone = Phone(int(port), user, auth_user, password, host)
        self.addCleanup(phone.close)
        r = phone.register()
        self.assertEqual(status_of(r), 200, r)
        # Another user writes to the phone's user: the phone gets it.
        sender = UA(self.box.sip_port, "202", "pw-202")
        self.addCleanup(sender.close)
        text = "provisioned %x" % random.getrandbits(32)
        r = sender.message(user, text)
        self.assertIn(status_of(r), (200, 202), r)
        msg = phone.receive_request("MESSAGE")
        self.assertIsNotNone(msg, "no MESSAGE reached the phone")
        self.assertEqual(body_of(msg).decode(), text)
        return phone

    def revoke(self, mac, phone):
        s, _ = self.api("DELETE", "/api/v1/devices/" + compact(mac))
        self.assertEqual(s, 204)
        self.assertEqual(self.api("GET", "/api/v1/devices/"
                                  + compact(mac))[0], 404)
        r = phone.register()
        self.assertEqual(status_of(r), 403, r)

    def test_yealink(self):
        dev = self.add_device(YEALINK_MAC, "201", "yealink", "T46S")
        cfg = yealink_settings(self.fetch(compact(YEALINK_MAC) + ".cfg",
                                          YEALINK_UA))
        self.assertEqual(cfg["account.1.user_name"], "201")
        self.assertEqual(cfg["account.1.auth_name"], dev["sip_auth_user"])
        self.assertEqual(cfg["account.1.password"], dev["sip_password"])
        # The model's vendor-wide file points back at the box.
        common = self.fetch("y000000000066.cfg", YEALINK_UA)
        self.assertIn("auto_provision.server.url = http://127.0.0.1:%d/"
                      % self.http_port, common)
        phone = self.register_and_receive(
            cfg["account.1.user_name"], cfg["account.1.auth_name"],
            cfg["account.1.password"], cfg["account.1.sip_server.1.address"],
            cfg["account.1.sip_server.1.port"])
        # The admin sees it registered, with its last file fetch.
        wait_until(lambda: self.api("GET", "/api/v1/devices/" +
                                    YEALINK_MAC)[1]["registered"],
                   "the phone shown registered")
        s, shown = self.api("GET", "/api/v1/devices/" + YEALINK_MAC)
        self.assertNotEqual(shown["last_registration"], "")
        self.assertNotEqual(shown["last_fetch"], "")
        self.assertTrue(shown["last_fetch_file"].endswith(".cfg"), shown)
        self.revoke(YEALINK_MAC, phone)
        # The file is gone with the device.
        self.assertEqual(self.http_get(compact(YEALINK_MAC) + ".cfg",
                                       YEALINK_UA)[0], 404)

    def test_polycom(self):
        dev = self.add_device(POLYCOM_MAC, "203", "polycom", "VVX411")
        master = self.fetch(compact(POLYCOM_MAC) + ".cfg", POLYCOM_UA)
        files = [a.get("CONFIG_FILES") for a in
                 [el.attrib for el in ET.fromstring(master).iter()]
                 if "CONFIG_FILES" in a]
        self.assertTrue(files, master)
        self.assertIn(compact(POLYCOM_MAC) + "-ivm.cfg", files[0])
        cfg = polycom_settings(self.fetch(compact(POLYCOM_MAC) + "-ivm.cfg",
                                          POLYCOM_UA))
        user, _, domain = cfg["reg.1.address"].partition("@")
        self.assertEqual(user, "203")
        self.assertEqual(cfg["reg.1.auth.userId"], dev["sip_auth_user"])
        self.assertEqual(cfg["reg.1.auth.password"], dev["sip_password"])
        phone = self.register_and_receive(
            user, cfg["reg.1.auth.userId"], cfg["reg.1.auth.password"],
            cfg["reg.1.server.1.address"], cfg["reg.1.server.1.port"])
        self.assertEqual(domain, phone.domain)
        self.revoke(POLYCOM_MAC, phone)

    def test_the_users_own_password_is_not_in_any_file(self):
        self.add_device("00:15:65:00:02:02", "202", "yealink", "T46S")
        text = self.fetch("001565000202.cfg",
                          "Yealink SIP-T46S 66.86.0.15 00:15:65:00:02:02")
        self.assertNotIn("pw-202", text)
        self.assertEqual(self.api("DELETE",
                                  "/api/v1/devices/001565000202")[0], 204)

    def test_an_unknown_phone_shows_up_as_unassigned(self):
        mac = "00:15:65:99:88:77"
        ua = "Yealink SIP-T46S 66.86.0.15 " + mac
        status, _ = self.http_get(compact(mac) + ".cfg", ua)
        self.assertEqual(status, 404)
        # Over TFTP too (no User-Agent: the name and the OUI tell).
        with self.assertRaises(TftpError) as e:
            tftp_get(self.tftp_port, "0004f2111111-ivm.cfg")
        self.assertEqual(e.exception.code, 1)

        def listed():
            s, body = self.api("GET", "/api/v1/devices/unassigned")
            self.assertEqual(s, 200, body)
            text = json.dumps(body).lower()
            return (compact(mac) in text or mac in text) and \
                ("0004f2111111" in text or "00:04:f2:11:11:11" in text) \
                and text
        text = wait_until(listed, "both MACs in /api/v1/devices/unassigned",
                          30)
        self.assertIn("t46s", text)
        # Once it is a device, it is no longer unassigned.
        self.add_device(mac, "202", "yealink", "T46S")
        s, body = self.api("GET", "/api/v1/devices/unassigned")
        self.assertNotIn(compact(mac), json.dumps(body).lower())
        self.assertNotIn(mac, json.dumps(body).lower())


if __name__ == "__main__":
    unittest.main()
