"""The DHCP scope changed through the admin API (issue 11): a box started
with DHCP off is turned on by PUT /api/v1/dhcp, serves real clients at
once, keeps the scope across a restart, refuses bad scopes without
changing anything, and DELETE returns to the configuration file (off)."""

import json
import socket
import unittest

from test_dhcp import BOX_IP, BoxOnSegment, RawClient, DISCOVER, OFFER

SCOPE = {
    "enabled": True,
    "interface": "eth0",
    "pool": "192.0.2.60-192.0.2.69",
    "subnet_mask": "255.255.255.0",
    "router": ["192.0.2.1"],
    "dns": ["192.0.2.53"],
    "lease_time_s": 900,
    "tftp_server": "192.0.2.1",
}


def in_scope(a):
    return a.startswith("192.0.2.6") and len(a) == len("192.0.2.60")


class ScopeThroughTheApi(BoxOnSegment):
    tag = "dhcps"
    config = ""

    def api(self, method, body=None):
        data = json.dumps(body).encode() if body is not None else None
        s, raw = self.box.http(method, "/api/v1/dhcp", data,
                               {"Authorization": "Bearer " + self.token,
                                "Content-Type": "application/json"})
        return s, json.loads(raw) if raw else None

    def offer_to(self, name):
        host, _ = self.client(name)
        c = RawClient(host, host.mac)
        try:
            return host, c.ask(DISCOVER, tries=3)
        finally:
            c.close()

    def test_put_enables_restart_keeps_delete_returns_to_file(self):
        s, view = self.api("GET")
        self.assertEqual(s, 200)
        self.assertFalse(view["enabled"])
        self.assertEqual(view["source"], "file")
        # Bad scopes: a clear error naming the member, nothing changes.
        for bad, field in (({**SCOPE, "pool": "192.0.2.69-192.0.2.60"}, "pool"),
                           ({**SCOPE, "router": "not an address"}, "router"),
                           ({**SCOPE, "lease_time_s": -5}, "lease_time_s"),
                           ({**SCOPE, "enabled": "yes"}, "enabled"),
                           ({**SCOPE, "colour": "blue"}, "colour"),
                           ({**SCOPE, "interface": "eth9"}, "interface")):
            s, err = self.api("PUT", bad)
            self.assertEqual(s, 422, (bad, err))
            self.assertEqual(err.get("field"), field, err)
        s, err = self.api("PUT", [1, 2])
        self.assertEqual(s, 422, err)
        s, view = self.api("GET")
        self.assertFalse(view["enabled"])
        self.assertEqual(view["source"], "file")
        ss = self.box_host.run(["ss", "-uanp"]).stdout
        self.assertNotIn(":67 ", ss)

        # On: served at once, no restart.
        s, view = self.api("PUT", SCOPE)
        self.assertEqual(s, 200, view)
        self.assertTrue(view["enabled"])
        self.assertEqual(view["source"], "api")
        self.assertEqual(view["pool"], SCOPE["pool"])
        self.assertEqual(view["server_address"], BOX_IP)
        host, cdir = self.client("first")
        r = self.udhcpc(host, cdir)
        self.assertEqual(r.returncode, 0, r.stderr)
        bound = cdir.wait_event("bound")
        self.assertTrue(in_scope(bound["ip"]), bound)
        self.assertEqual(bound["lease"], "900")
        lease = self.wait_lease_state(host.mac, "bound", bound["ip"])

        # PATCH changes one member, keeps the rest and the leases.
        s, view = self.api("PATCH", {"lease_time_s": 1200})
        self.assertEqual(s, 200, view)
        self.assertEqual(view["lease_time_s"], 1200)
        self.assertEqual(view["pool"], SCOPE["pool"])
        self.assertEqual(self.lease(host.mac)["address"], lease["address"])
        _, offer = self.offer_to("second")
        self.assertIsNotNone(offer)
        self.assertTrue(in_scope(offer[1]), offer)
        self.assertEqual(offer[2][51], (1200).to_bytes(4, "big"))

        # The stored scope survives a restart (the file still says off).
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        s, view = self.api("GET")
        self.assertTrue(view["enabled"], view)
        self.assertEqual(view["source"], "api")
        self.assertEqual(view["lease_time_s"], 1200)
        self.assertEqual(self.lease(host.mac)["address"], lease["address"])
        _, offer = self.offer_to("third")
        self.assertIsNotNone(offer)

        # DELETE: back to the file's [dhcp] (none: off), nobody answers.
        s, view = self.api("DELETE")
        self.assertEqual(s, 200, view)
        self.assertFalse(view["enabled"])
        self.assertEqual(view["source"], "file")
        _, offer = self.offer_to("fourth")
        self.assertIsNone(offer)
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        s, view = self.api("GET")
        self.assertFalse(view["enabled"])

    def test_without_the_token_nothing_changes(self):
        for method in ("PUT", "PATCH", "DELETE"):
            s, _ = self.box.http(method, "/api/v1/dhcp",
                                 json.dumps(SCOPE).encode(),
                                 {"Content-Type": "application/json"})
            self.assertEqual(s, 401)
        s, view = self.api("GET")
        self.assertEqual(s, 200)


if __name__ == "__main__":
    unittest.main()
