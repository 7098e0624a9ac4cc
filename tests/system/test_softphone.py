"""Issue 4 interop: a real softphone (baresip, Debian's) registers with
digest authentication and receives a text message through the box."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import Appliance, free_port, wait_until
from sip_ua import UA
from sip_util import status_of
from test_messaging import USERS, provision

CONFIG = """poll_method\t\tepoll
sip_listen\t\t127.0.0.1:{port}
net_interface\t\t127.0.0.1
module_path\t\t/usr/lib/baresip/modules
module\t\t\tg711.so
module\t\t\taufile.so
module_tmp\t\tuuid.so
module_tmp\t\taccount.so
module_app\t\tmenu.so
module_app\t\tcontact.so
module_app\t\tpresence.so
audio_player\t\taufile,/dev/null
audio_source\t\taufile,/dev/null
audio_alert\t\taufile,/dev/null
"""


def write_baresip(home, account, source=None, opus=False, dump=None,
                  console=None):
    """A baresip home directory `home` with one account line. `source`: a
    WAVE file it plays into calls (silence when None; baresip needs its
    codec's rate and channels); `opus`: Opus instead of G.711; `dump`: a
    directory where the sndfile module writes what it sent and decoded (a
    headless audio bridge plays it); `console`: a UDP port where baresip's
    cons module takes keys (digits in a call are sent as DTMF)."""
    os.makedirs(home, exist_ok=True)
    if source is None:
        source = os.path.join(home, "silence.wav")
        subprocess.run(["sox", "-n", "-r", "48000" if opus else "8000",
                        "-c", "2" if opus else "1", "-b", "16", source,
                        "trim", "0", "120"], check=True)
    conf = CONFIG.format(port=free_port_pair()).replace(
        "audio_source\t\taufile,/dev/null", "audio_source\t\taufile," + source)
    if dump:
        conf = conf.replace("audio_player\t\taufile,/dev/null",
                            "audio_player\t\taubridge,%x" % id(home))
        conf += ("module\t\t\taubridge.so\nmodule\t\t\tsndfile.so\n"
                 "snd_path\t\t%s\n" % dump)
    if opus:
        conf = conf.replace("module\t\t\tg711.so", "module\t\t\topus.so")
    if console:
        conf += "module\t\t\tcons.so\ncons_listen\t\t127.0.0.1:%d\n" % console
    with open(os.path.join(home, "config"), "w") as f:
        f.write(conf)
    with open(os.path.join(home, "accounts"), "w") as f:
        f.write(account + "\n")


def decoded_wav(dump):
    """The file where baresip's sndfile module wrote what it decoded."""
    wavs = [f for f in os.listdir(dump) if f.endswith("-dec.wav")]
    return os.path.join(dump, wavs[0]) if len(wavs) == 1 else None


def free_port_pair():
    """A port p with p and p + 1 free: baresip binds sip_listen's port for
    UDP/TCP and the next one for TLS."""
    while True:
        p = free_port()
        try:
            import socket
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                with socket.socket(socket.AF_INET, kind) as s:
                    s.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue


@unittest.skipUnless(shutil.which("baresip"), "baresip is not installed")
class Baresip(unittest.TestCase):
    def setUp(self):
        self.box = Appliance().start()
        provision(self.box, group=False)
        self.dir = tempfile.mkdtemp(prefix="ivm-baresip-")
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(CONFIG.format(port=free_port_pair()))
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write("<sip:202@127.0.0.1:%d>;auth_pass=%s;regint=600\n"
                    % (self.box.sip_port, USERS["202"][1]))
        # Bob's softphone watches Alice (RFC 3856 subscription, baresip's
        # presence module); the admin put Alice in Bob's contact list.
        with open(os.path.join(self.dir, "contacts"), "w") as f:
            f.write('"Alice" <sip:201@127.0.0.1:%d>;presence=p2p\n'
                    % self.box.sip_port)
        with open(os.path.join(self.box.data_dir, "admin.json")) as f:
            token = json.load(f)["token"]
        status, _ = self.box.http(
            "POST", "/api/v1/users/202/contacts",
            json.dumps({"extension": "201"}).encode(),
            {"Authorization": "Bearer " + token,
             "Content-Type": "application/json"})
        assert status == 201, status
        self.log = open(os.path.join(self.dir, "baresip.log"), "wb")
        self.phone = subprocess.Popen(["baresip", "-f", self.dir],
                                      stdin=subprocess.DEVNULL,
                                      stdout=self.log,
                                      stderr=subprocess.STDOUT)

    def tearDown(self):
        self.phone.terminate()
        self.phone.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.box.cleanup()

    def test_registers_and_receives_a_message(self):
        try:
            wait_until(lambda: re.search(r"\b202 registered",
                                         self.box.log_text()),
                       "baresip to register")
        except AssertionError:
            self.log.flush()
            with open(os.path.join(self.dir, "baresip.log"), "rb") as f:
                phone = f.read().decode("utf-8", "replace")
            self.fail("baresip did not register:\n" + phone[-3000:]
                      + "\n--- box:\n" + self.box.log_text()[-2000:])
        alice = UA(self.box.sip_port, "201", USERS["201"][1])
        # 200: baresip itself accepted the message (202 would mean stored).
        self.assertEqual(status_of(alice.message("202", "hello baresip")),
                         200)


    def phone_log(self):
        self.log.flush()
        with open(os.path.join(self.dir, "baresip.log"), "rb") as f:
            text = f.read().decode("utf-8", "replace")
        return re.sub(r"\x1b\[[0-9;]*m", "", text)  # its colours

    def test_watches_presence_of_a_contact(self):
        # baresip subscribes to Alice's presence and gets her state (closed:
        # no phone registered); then her phone registers and baresip shows
        # her online.
        def notifies():
            _, text = self.box.http("GET", "/metrics")
            m = re.search(rb"(?m)^ivm_presence_notifies_total (\d+)", text)
            return int(m.group(1)) if m else 0

        changed = re.compile(r"<sip:201@[^>]*> changed status from (\w+) to "
                             r"(\w+)")
        try:
            wait_until(lambda: notifies() >= 1, "the first NOTIFY to baresip")
            alice = UA(self.box.sip_port, "201", USERS["201"][1])
            self.assertEqual(status_of(alice.register()), 200)
            wait_until(lambda: changed.search(self.phone_log()),
                       "baresip to see Alice's change")
            alice.close()
        except AssertionError:
            self.fail("baresip did not follow the presence:\n"
                      + self.phone_log()[-3000:] + "\n--- box:\n"
                      + self.box.log_text()[-2000:])
        old, new = changed.search(self.phone_log()).groups()
        self.assertEqual(new.lower(), "online", self.phone_log()[-1000:])


if __name__ == "__main__":
    unittest.main()
