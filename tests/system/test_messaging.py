"""Issue 4: registrar with digest authentication, and text messages that are
never lost, driven by SIPp scenarios and a Python UA (SHA-256, threads)."""

import json
import os
import re
import subprocess
import tempfile
import threading
import unittest

from harness import Appliance, free_port, wait_until
from sip_ua import UA, body_of
from sip_util import header, sipp, sipp_background, status_of

USERS = {"201": ("Alice", "s3cret"), "202": ("Bob", "b0bpass"),
         "203": ("Carol", "c4rolpw")}


def provision(box, group=True):
    with open(os.path.join(box.data_dir, "admin.json")) as f:
        token = json.load(f)["token"]
    hdr = {"Authorization": "Bearer " + token,
           "Content-Type": "application/json"}
    for ext, (name, pw) in USERS.items():
        s, _ = box.http("POST", "/api/v1/users", json.dumps(
            {"extension": ext, "name": name, "password": pw}).encode(), hdr)
        assert s == 201, s
    if group:
        s, _ = box.http("POST", "/api/v1/groups", json.dumps(
            {"name": "team", "extension": "600",
             "members": ["201", "202", "203"]}).encode(), hdr)
        assert s == 201, s


def csv(*rows):
    f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    f.write("SEQUENTIAL\n" + "".join(";".join(r) + ";\n" for r in rows))
    f.close()
    return f.name


def ua(box, ext, **kw):
    return UA(box.sip_port, ext, USERS[ext][1], **kw)


class Messaging(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box)

    def tearDown(self):
        code = self.box.stop()
        self.box.cleanup()
        self.assertEqual(code, 0)

    def restart_with(self, toml):
        """Restarts the box (same data dir) with a configuration file."""
        self.box.stop()
        conf = os.path.join(self.box.tmp, "extra.toml")
        with open(conf, "w") as f:
            f.write(toml)
        self.box.extra_args = ["--config", conf]
        self.box.start()

    def registered(self, ext):
        wait_until(lambda: re.search(r"\b%s registered" % ext,
                                     self.box.log_text()),
                   ext + " to register")

    # -- registrar (RFC 3261 §10, §22) ------------------------------------------

    def test_sipp_register_digest_refresh_unregister(self):
        for transport in ("u1", "t1"):
            code, err = sipp("register_auth_uac.xml", self.box.sip_port,
                             transport, calls=1, rate=1,
                             extra=["-inf", csv(("201", "s3cret"))])
            self.assertEqual(code, 0, err)

    def test_sipsak_registers_with_digest(self):
        # A client nobody here wrote: sipsak's usrloc mode (MD5, qop=auth).
        r = subprocess.run(
            ["sipsak", "-U", "-C", "sip:201@127.0.0.1:%d" % free_port(),
             "-s", "sip:201@127.0.0.1:%d" % self.box.sip_port,
             "-a", "s3cret", "-u", "201", "-x", "3600", "-vv"],
            capture_output=True, text=True, timeout=60,
            stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr)
        self.registered("201")
        r = subprocess.run(
            ["sipsak", "-U", "-C", "sip:201@127.0.0.1:%d" % free_port(),
             "-s", "sip:201@127.0.0.1:%d" % self.box.sip_port,
             "-a", "wrong", "-u", "201", "-x", "3600", "-vv"],
            capture_output=True, text=True, timeout=60,
            stdin=subprocess.DEVNULL)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("refused: wrong password for 201", self.box.log_text())

    def test_sha256_and_md5_digest(self):
        for alg in ("SHA-256", "MD5"):
            u = ua(self.box, "202")
            r = u.register(algorithm=alg)
            self.assertEqual(status_of(r), 200, alg)
            # The 200 lists every binding of 202; this UA's is fresh.
            mine = [l for l in r.split(b"\r\n")
                    if re.match(rb"(?i)(contact|m)\s*:", l)
                    and b":%d>" % u.port in l]
            self.assertEqual(len(mine), 1, r)
            self.assertIn(b"expires=3600", mine[0])
            u.close()

    def test_wrong_password_and_unknown_user_look_the_same(self):
        def attempt(user, password):
            u = UA(self.box.sip_port, user, password)
            r = u.register()
            u.close()
            names = sorted(l.split(b":")[0].lower() for l in
                           r.split(b"\r\n\r\n")[0].split(b"\r\n")[1:])
            return r.split(b"\r\n")[0], names
        self.assertEqual(attempt("201", "wrong"), attempt("299", "wrong"))
        self.assertEqual(attempt("201", "wrong")[0], b"SIP/2.0 403 Forbidden")

    def test_replayed_nonce_count_is_rechallenged(self):
        # RFC 7616 §3.3: a request that repeats a nonce count (a replay, here
        # as a new transaction) is not accepted: a fresh challenge, stale.
        u = ua(self.box, "201")
        self.assertEqual(status_of(u.register()), 200)
        replay = re.sub(rb"branch=z9hG4bK-[0-9a-f]+",
                        b"branch=z9hG4bK-replayed", u.last_sent)
        replay = re.sub(rb"CSeq: (\d+)", b"CSeq: 99", replay)
        u.send(replay)
        r = u.final()
        u.close()
        self.assertEqual(status_of(r), 401)
        self.assertIn("stale=TRUE", header(r, "WWW-Authenticate"))

    def test_too_brief_expiry_is_423(self):
        u = ua(self.box, "201")
        r = u.register(expires=10)
        self.assertEqual(status_of(r), 423)
        self.assertEqual(header(r, "Min-Expires"), "60")

    def test_failed_attempts_block_the_source(self):
        u = UA(self.box.sip_port, "201", "wrong")
        for _ in range(5):
            self.assertEqual(status_of(u.register()), 403)
        # Even the right password is refused now, and the box says why.
        self.assertEqual(status_of(u.register(password="s3cret")), 403)
        u.close()
        self.assertIn("blocking 127.0.0.1", self.box.log_text())

    def test_bindings_survive_a_restart(self):
        u = ua(self.box, "202")
        self.assertEqual(status_of(u.register()), 200)
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        # A message for 202 reaches the device registered before the restart.
        got = []
        t = threading.Thread(target=lambda: got.append(u.receive_request()))
        t.start()
        a = ua(self.box, "201")
        self.assertEqual(status_of(a.message("202", "after restart")), 200)
        t.join()
        self.assertEqual(body_of(got[0]), b"after restart")

    # -- messages (RFC 3428) -----------------------------------------------------

    def phone(self):
        """A SIPp UAS waiting for one MESSAGE; returns (process, port)."""
        return sipp_background("message_uas.xml")

    def test_sipp_offline_then_delivered_on_register(self):
        code, err = sipp("message_stored_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv(("201", "s3cret", "202"))])
        self.assertEqual(code, 0, err)
        phone, port = self.phone()
        code, err = sipp("register_contact_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv(("202", "b0bpass", str(port)))])
        self.assertEqual(code, 0, err)
        out, _ = phone.communicate(timeout=400)
        self.assertEqual(phone.returncode, 0, out[-3000:])

    def test_sipp_online_message_gets_200(self):
        phone, port = self.phone()
        code, err = sipp("register_contact_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv(("202", "b0bpass", str(port)))])
        self.assertEqual(code, 0, err)
        code, err = sipp("message_online_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv(("201", "s3cret", "202"))])
        self.assertEqual(code, 0, err)
        out, _ = phone.communicate(timeout=400)
        self.assertEqual(phone.returncode, 0, out[-3000:])

    def test_sipp_group_message(self):
        phones = [self.phone() for _ in range(2)]
        for ext, (proc, port) in zip(("202", "203"), phones):
            code, err = sipp("register_contact_uac.xml", self.box.sip_port,
                             "u1", calls=1, rate=1,
                             extra=["-inf", csv((ext, USERS[ext][1],
                                                 str(port)))])
            self.assertEqual(code, 0, err)
        code, err = sipp("message_stored_uac.xml", self.box.sip_port, "u1",
                         calls=1, rate=1,
                         extra=["-inf", csv(("201", "s3cret", "team"))])
        self.assertEqual(code, 0, err)
        for proc, _ in phones:
            out, _ = proc.communicate(timeout=400)
            self.assertEqual(proc.returncode, 0, out[-3000:])

    def test_offline_messages_arrive_in_order_with_sender_and_date(self):
        a = ua(self.box, "201")
        for i in range(5):
            r = a.message("202", "message %d" % i)
            self.assertEqual(status_of(r), 202)
        r = a.message("202", "<b>hi</b>", content_type="text/html")
        self.assertEqual(status_of(r), 202)
        b = ua(self.box, "202")
        self.assertEqual(status_of(b.register()), 200)
        got = [b.receive_request() for _ in range(6)]
        self.assertEqual([body_of(m) for m in got[:5]],
                         [b"message %d" % i for i in range(5)])
        self.assertRegex(header(got[0], "From", "f"), r'"Alice" <sip:201@')
        self.assertRegex(header(got[0], "Date"), r"GMT$")
        self.assertEqual(header(got[5], "Content-Type", "c"), "text/html")
        # Delivered messages are gone: a new registration gets nothing more.
        b2 = ua(self.box, "202")
        self.assertEqual(status_of(b2.register()), 200)
        self.assertIsNone(b2.receive_request(timeout=1))

    def test_online_message_is_forked_to_every_device(self):
        phones = [ua(self.box, "202") for _ in range(2)]
        for p in phones:
            self.assertEqual(status_of(p.register()), 200)
        got = [[], []]
        threads = [threading.Thread(
            target=lambda i=i: got[i].append(phones[i].receive_request()))
            for i in range(2)]
        for t in threads:
            t.start()
        r = ua(self.box, "201").message("202", "to all my devices")
        self.assertEqual(status_of(r), 200)
        for t in threads:
            t.join()
        self.assertEqual([body_of(g[0]) for g in got],
                         [b"to all my devices"] * 2)

    def test_group_message_reaches_every_member_but_the_sender(self):
        a = ua(self.box, "201")
        self.assertEqual(status_of(a.message("team", "team meeting")), 202)
        for ext in ("202", "203"):
            u = ua(self.box, ext)
            self.assertEqual(status_of(u.register()), 200)
            self.assertEqual(body_of(u.receive_request()), b"team meeting")
        self.assertEqual(status_of(a.register()), 200)
        self.assertIsNone(a.receive_request(timeout=1))
        # The group's number works as well.
        self.assertEqual(status_of(a.message("600", "by number")), 202)

    def test_retransmitted_message_is_delivered_once(self):
        a = ua(self.box, "201")
        req = a.message("202", "only once")  # authenticated and answered
        self.assertEqual(status_of(req), 202)
        # Send the exact same authorized request again (a retransmission).
        a.send(a.last_sent)
        self.assertEqual(status_of(a.final()), 202)
        self.assertEqual(status_of(a.message("202", "next")), 202)
        b = ua(self.box, "202")
        b.register()
        self.assertEqual(body_of(b.receive_request()), b"only once")
        self.assertEqual(body_of(b.receive_request()), b"next")

    def test_message_over_the_registered_tcp_connection_is_trusted(self):
        a = ua(self.box, "201", transport="tcp")
        self.assertEqual(status_of(a.register()), 200)
        # No challenge: the connection is the one 201 registered on.
        a.send(a.request("MESSAGE", "sip:202@127.0.0.1",
                         "Content-Type: text/plain\r\n", b"over tcp",
                         call_id="tcp-trust"))
        self.assertEqual(status_of(a.final()), 202)
        # Another connection claiming to be 201 is challenged.
        b = ua(self.box, "201", transport="tcp")
        b.send(b.request("MESSAGE", "sip:202@127.0.0.1",
                         "Content-Type: text/plain\r\n", b"spoof",
                         call_id="tcp-spoof"))
        self.assertEqual(status_of(b.final()), 407)
        # And the registered device receives messages on its connection.
        got = []
        t = threading.Thread(target=lambda: got.append(a.receive_request()))
        t.start()
        c = ua(self.box, "203")
        self.assertEqual(status_of(c.message("201", "to tcp")), 200)
        t.join()
        self.assertEqual(body_of(got[0]), b"to tcp")

    def test_trust_is_per_transport_connection(self):
        # 201 registers over TLS (the TLS server's connection 1); a plain TCP
        # connection (the TCP server's connection 1) claiming to be 201 is
        # still challenged.
        tls = UA(self.box.tls_port, "201", USERS["201"][1], transport="tls")
        self.assertEqual(status_of(tls.register()), 200)
        tcp = ua(self.box, "201", transport="tcp")
        tcp.send(tcp.request("MESSAGE", "sip:202@127.0.0.1",
                             "Content-Type: text/plain\r\n", b"spoof",
                             call_id="cross-transport"))
        self.assertEqual(status_of(tcp.final()), 407)
        tls.send(tls.request("MESSAGE", "sip:202@127.0.0.1",
                             "Content-Type: text/plain\r\n", b"over tls",
                             call_id="tls-trust"))
        self.assertEqual(status_of(tls.final()), 202)

    def test_overload_is_shed_with_503_and_retry_after(self):
        # RFC 3261 §21.5.4: past the pending limit new work is refused at
        # once (here: a limit of 0 refuses everything the registrar and
        # messaging would queue), while OPTIONS keeps being answered.
        self.restart_with("[sip]\nmax_pending = 0\n")
        u = ua(self.box, "201")
        r = u.register()
        self.assertEqual(status_of(r), 503)
        self.assertEqual(header(r, "Retry-After"), "5")
        _, text = self.box.http("GET", "/metrics")
        self.assertRegex(text.decode(), r"(?m)^ivm_sip_overload_total [1-9]")

    def test_bad_messages(self):
        a = ua(self.box, "201")
        self.assertEqual(status_of(a.message("299", "nobody")), 404)
        self.assertEqual(status_of(a.message("202", "x" * 20000)), 413)
        r = a.message("202", "\x00\x01", content_type="application/octet-stream")
        self.assertEqual(status_of(r), 415)
        self.assertIn("text/plain", header(r, "Accept"))
        # Someone else's From with my credentials.
        r = a.with_auth("MESSAGE", "sip:202@127.0.0.1",
                        "Content-Type: text/plain\r\n", b"spoof",
                        from_user="203")
        self.assertEqual(status_of(r), 403)

    def test_undeliverable_message_is_given_up_with_a_notice(self):
        # With one attempt allowed, a device that refuses ends the message;
        # the sender is told by a message from the box.
        self.restart_with("[messaging]\nmax_attempts = 1\n")
        bob = ua(self.box, "202")
        self.assertEqual(status_of(bob.register()), 200)
        got = []
        t = threading.Thread(target=lambda: got.append(
            bob.receive_request(answer=480)))
        t.start()
        a = ua(self.box, "201")
        self.assertEqual(status_of(a.message("202", "refused")), 202)
        t.join()
        self.assertEqual(body_of(got[0]), b"refused")
        self.assertEqual(status_of(a.register()), 200)
        notice = a.receive_request()
        self.assertRegex(header(notice, "From", "f"), r"sip:ivm@")
        self.assertIn(b"could not be delivered", body_of(notice))
        # Bob's queue is empty: a new registration brings nothing.
        self.assertIsNone(bob.receive_request(timeout=1))

    def test_delivery_resumes_after_a_restart_without_a_new_register(self):
        # Bob's phone is registered but does not answer: the message waits.
        self.restart_with("[messaging]\nfork_timeout_ms = 300\n")
        bob = ua(self.box, "202")
        self.assertEqual(status_of(bob.register()), 200)
        a = ua(self.box, "201")
        self.assertEqual(status_of(a.message("202", "waiting")), 202)
        self.assertEqual(self.box.stop(), 0)
        self.box.start()
        # The restarted box delivers to the device it still has on record;
        # Bob answers now, and tells the new delivery from what the old
        # process retransmitted by its branch.
        old_branches = set()
        first = bob.receive_request(timeout=5)
        if first is not None:
            old_branches.add(re.search(rb"branch=([^;\r]+)", first).group(1))
        while True:
            m = bob.receive_request(timeout=30)
            self.assertIsNotNone(m, "the waiting message was not delivered")
            branch = re.search(rb"branch=([^;\r]+)", m).group(1)
            if branch not in old_branches and b"resuming" in \
                    self.box.log_text().encode():
                break
            old_branches.add(branch)
        self.assertEqual(body_of(m), b"waiting")
        self.assertIn("resuming delivery for 1 users", self.box.log_text())

    def test_delivery_notification_imdn(self):
        cpim = ("From: <sip:201@127.0.0.1>\r\nTo: <sip:202@127.0.0.1>\r\n"
                "NS: imdn <urn:ietf:params:imdn>\r\n"
                "imdn.Message-ID: 34jk324j\r\n"
                "imdn.Disposition-Notification: positive-delivery\r\n"
                "DateTime: 2026-11-22T00:00:00Z\r\n\r\n"
                "Content-type: text/plain\r\nContent-length: 5\r\n\r\nhello")
        a = ua(self.box, "201")
        self.assertEqual(status_of(a.message("202", cpim,
                                             content_type="message/cpim")),
                         202)
        b = ua(self.box, "202")
        b.register()
        self.assertIn(b"hello", body_of(b.receive_request()))
        self.assertEqual(status_of(a.register()), 200)
        n = a.receive_request()
        self.assertEqual(header(n, "Content-Type", "c"), "message/cpim")
        self.assertIn(b"<message-id>34jk324j</message-id>", body_of(n))
        self.assertIn(b"<delivered/>", body_of(n))


if __name__ == "__main__":
    unittest.main()
