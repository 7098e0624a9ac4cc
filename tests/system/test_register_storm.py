"""Issue 13: a SIGKILL in the middle of a registration storm of 20,000
phones loses no acknowledged binding. SIPp registers the phones with digest
as fast as the box answers and logs every 200 OK; the box is killed with
SIGKILL halfway, restarted on the same data, and every phone whose
registration was acknowledged is still registered (a REGISTER without
Contact lists its binding, RFC 3261 §10.2.3)."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import unittest

from harness import Appliance, free_port, wait_until
from sip_ua import UA
from sip_util import status_of

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "messaging"))
import users as bench_users  # noqa: E402

PHONES = 20000
BASE = 300000
SCENARIO = os.path.join(ROOT, "tests", "scenarios", "sipp",
                        "storm_register_uac.xml")


def metric(box, name):
    _, text = box.http("GET", "/metrics")
    m = re.search(rb"(?m)^" + name.encode() + rb" (\d+)", text)
    return int(m.group(1)) if m else 0


ANSWERS = {}  # ext -> the box's last answers (a failure shows them)


def registered(box_port, ext):
    """The contacts the box lists for `ext` (REGISTER without Contact), None
    without a 200."""
    ua = UA(box_port, str(ext), bench_users.password(ext))
    try:
        for _ in range(5):  # UDP: a lost datagram is asked again
            r = ua.with_auth("REGISTER", "sip:127.0.0.1",
                             to_uri="sip:%d@127.0.0.1" % ext)
            if r is not None:
                break
        ANSWERS.setdefault(ext, []).append(r)
        if r is None or status_of(r) != 200:
            return None
        return re.findall(rb"(?im)^(?:contact|m)\s*:\s*(.*)$", r)
    finally:
        ua.close()


class RegisterStorm(unittest.TestCase):
    def test_kill_during_storm_loses_no_acknowledged_binding(self):
        box = Appliance()
        self.addCleanup(box.cleanup)
        box.start()
        admin_json = os.path.join(box.tmp, "admin-url.json")
        with open(os.path.join(box.data_dir, "admin.json")) as f:
            token = __import__("json").load(f)["token"]
        with open(admin_json, "w") as f:
            f.write('{"url": "http://127.0.0.1:%d", "token": "%s"}'
                    % (box.admin_port, token))
        made = subprocess.run(
            [sys.executable, os.path.join(ROOT, "bench", "messaging",
                                          "users.py"),
             "http", admin_json, str(BASE), str(PHONES), "8"],
            capture_output=True, text=True)
        self.assertEqual(made.returncode, 0, made.stdout + made.stderr)

        work = tempfile.mkdtemp(dir=box.tmp)
        csv = os.path.join(work, "phones.csv")
        with open(csv, "w") as f:
            f.write("SEQUENTIAL\n")
            for i in range(PHONES):
                f.write("%d;%s\n" % (BASE + i,
                                     bench_users.password(BASE + i)))
        log = os.path.join(work, "acked.log")
        sipp = subprocess.Popen(
            ["sipp", "-sf", SCENARIO, "-inf", csv, "-m", str(PHONES),
             "-r", "5000", "-l", "200", "-t", "u1", "-i", "127.0.0.1",
             "-p", "0", "-cp", str(free_port()), "-mp", str(free_port()),
             "-max_retrans", "4", "-nostdin", "-trace_logs", "-log_file",
             log, "127.0.0.1:%d" % box.sip_port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: sipp.poll() is None and sipp.kill())
        # Halfway through (two REGISTERs a phone), the box is killed.
        wait_until(lambda: metric(box, "ivm_sip_register_requests_total")
                   >= PHONES, "half of the storm", limit_s=600)
        box.stop(signal.SIGKILL)
        sipp.send_signal(signal.SIGUSR1)  # stop: no new phones; logs flushed
        sipp.wait()
        with open(log) as f:
            acked = sorted({int(m) for m in re.findall(r"acked (\d+)",
                                                       f.read())})
        self.assertGreater(len(acked), 0)
        self.assertLess(len(acked), PHONES)

        box.start()
        missing = []
        lock = threading.Lock()

        def check(part):
            for ext in part:
                contacts = registered(box.sip_port, ext)
                ok = contacts is not None and any(
                    b"sip:%d@192.0.2.1:5060" % ext in c for c in contacts)
                if not ok:
                    with lock:
                        missing.append(ext)

        threads = [threading.Thread(target=check, args=(acked[k::8],))
                   for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # On failure: what the box answered and logged for the first few.
        detail = ""
        for ext in missing[:3]:
            lines = [line for line in box.log_text().splitlines()
                     if str(ext) in line]
            detail += "\n%d answered %r, logged:\n%s" % (
                ext, ANSWERS.get(ext), "\n".join(lines[-10:]))
        self.assertEqual(missing[:20], [],
                         "%d of %d acknowledged bindings lost%s"
                         % (len(missing), len(acked), detail))
        self.assertEqual(box.stop(), 0)


if __name__ == "__main__":
    unittest.main()
