"""Issue 4: users and groups through the admin API and ivmctl."""

import json
import os
import subprocess
import unittest
import urllib.request

from harness import Appliance

IVMCTL = os.environ.get("IVMCTL", "ivmctl")


class Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = Appliance().start()
        with open(os.path.join(cls.box.data_dir, "admin.json")) as f:
            cls.token = json.load(f)["token"]

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()

    def call(self, method, path, body=None, token=None):
        headers = {"Authorization": "Bearer " + (token or self.token)}
        data = None
        if body is not None:
            data = (body if isinstance(body, bytes)
                    else json.dumps(body).encode())
            headers["Content-Type"] = "application/json"
        status, raw = self.box.http(method, path, data, headers)
        return status, (json.loads(raw) if raw else None)

    def test_token_is_required_but_health_stays_open(self):
        self.assertEqual(self.call("GET", "/api/v1/users", token="nope")[0],
                         401)
        status, _ = self.box.http("GET", "/api/v1/users")
        self.assertEqual(status, 401)
        self.assertTrue(self.box.healthy())
        mode = os.stat(os.path.join(self.box.data_dir, "admin.json")).st_mode
        self.assertEqual(mode & 0o777, 0o600)

    def test_user_lifecycle(self):
        s, u = self.call("POST", "/api/v1/users",
                         {"extension": "301", "name": "Carol",
                          "password": "s3cret"})
        self.assertEqual(s, 201)
        self.assertEqual(u["username"], "301")
        self.assertNotIn("password", u)
        s, u = self.call("GET", "/api/v1/users/301")
        self.assertEqual((s, u["name"]), (200, "Carol"))
        s, u = self.call("PATCH", "/api/v1/users/301", {"name": "Carol K"})
        self.assertEqual((s, u["name"]), (200, "Carol K"))
        s, lst = self.call("GET", "/api/v1/users")
        self.assertIn("301", [x["extension"] for x in lst["users"]])
        self.assertEqual(self.call("DELETE", "/api/v1/users/301")[0], 204)
        self.assertEqual(self.call("GET", "/api/v1/users/301")[0], 404)

    def test_bad_input_names_the_field_and_changes_nothing(self):
        for body, field in (({"name": "x", "password": "s3cret"}, "extension"),
                            ({"extension": "3a", "password": "s3cret"},
                             "extension"),
                            ({"extension": "302"}, "password"),
                            ({"extension": "302", "password": "s3cret",
                              "pin": 1}, "pin")):
            s, err = self.call("POST", "/api/v1/users", body)
            self.assertEqual(s, 400, body)
            self.assertEqual(err["field"], field)
        s, err = self.call("POST", "/api/v1/users", b"{not json")
        self.assertEqual(s, 400)
        self.assertEqual(self.call("GET", "/api/v1/users/302")[0], 404)

    def test_conflicts_are_409(self):
        self.call("POST", "/api/v1/users",
                  {"extension": "303", "password": "s3cret"})
        s, err = self.call("POST", "/api/v1/users",
                           {"extension": "303", "password": "s3cret"})
        self.assertEqual((s, err["field"]), (409, "extension"))

    def test_groups(self):
        for ext in ("311", "312"):
            self.call("POST", "/api/v1/users",
                      {"extension": ext, "password": "s3cret"})
        s, g = self.call("POST", "/api/v1/groups",
                         {"name": "sales", "extension": "610",
                          "members": ["311", "312"]})
        self.assertEqual(s, 201)
        s, g = self.call("GET", "/api/v1/groups/sales")
        self.assertEqual(g["members"], ["311", "312"])
        s, err = self.call("POST", "/api/v1/groups",
                           {"name": "bad", "members": ["999"]})
        self.assertEqual((s, err["field"]), (400, "members"))
        self.assertEqual(self.call("DELETE", "/api/v1/groups/sales")[0], 204)

    def test_users_survive_a_restart(self):
        self.call("POST", "/api/v1/users",
                  {"extension": "320", "name": "Dan", "password": "s3cret"})
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        s, u = self.call("GET", "/api/v1/users/320")
        self.assertEqual((s, u["name"]), (200, "Dan"))


class Ivmctl(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()

    def tearDown(self):
        self.box.cleanup()

    def ctl(self, *args, stdin=None):
        return subprocess.run([IVMCTL, "--data-dir", self.box.data_dir]
                              + list(args), capture_output=True, text=True,
                              input=stdin, timeout=60)

    def test_user_commands_against_the_box(self):
        r = self.ctl("user", "add", "201", "--name", "Alice", "--password",
                     "s3cret")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("user", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Alice", r.stdout)
        r = self.ctl("user", "passwd", "201", stdin="n3wpass\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("user", "add", "201", "--password", "s3cret")
        self.assertEqual(r.returncode, 1)
        self.assertIn("exists", r.stderr)
        r = self.ctl("group", "add", "team", "--members", "201")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("--json", "group", "show", "team")
        self.assertEqual(json.loads(r.stdout)["members"], ["201"])
        r = self.ctl("user", "del", "201")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("user", "show", "201")
        self.assertEqual(r.returncode, 1)

    def test_contact_commands_against_the_box(self):
        for ext, name in (("201", "Alice"), ("202", "Bob")):
            r = self.ctl("user", "add", ext, "--name", name, "--password",
                         "s3cret")
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("contacts", "add", "201", "202")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("added 202 (Bob)", r.stdout)
        r = self.ctl("contacts", "add", "201", "202")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("already", r.stdout)
        r = self.ctl("--json", "contacts", "list", "201")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["contacts"],
                         [{"extension": "202", "display_name": "Bob"}])
        # Bob's side: Alice may watch him (the admin's authority).
        r = self.ctl("--json", "contacts", "list", "202")
        self.assertEqual(json.loads(r.stdout)["watchers"],
                         [{"extension": "201", "display_name": "Alice",
                           "state": "allowed"}])
        r = self.ctl("contacts", "add", "201", "999")
        self.assertEqual(r.returncode, 1)
        self.assertIn("999", r.stderr)
        r = self.ctl("contacts", "remove", "201", "202")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("contacts", "remove", "201", "202")
        self.assertEqual(r.returncode, 1)
        r = self.ctl("--json", "contacts", "list", "201")
        self.assertEqual(json.loads(r.stdout)["contacts"], [])

    def test_unreachable_box_is_exit_2(self):
        self.box.stop()
        r = self.ctl("user", "list")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot reach", r.stderr)


if __name__ == "__main__":
    unittest.main()
