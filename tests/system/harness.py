"""Black-box harness: runs the real ivm-appliance on loopback ports in a
temporary directory and talks to it like a user would (HTTP, signals)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

BINARY = os.environ.get("IVM_APPLIANCE", "ivm-appliance")


_GIVEN = set()


def free_port(kind=socket.SOCK_STREAM):
    """A port free for both TCP and UDP on 127.0.0.1 (best effort), never one
    this process was given before (the kernel hands a just-closed port out
    again: a box once got the same port for SIP and TLS)."""
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port in _GIVEN:
            continue
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                u.bind(("127.0.0.1", port))
                t.bind(("127.0.0.1", port))
            _GIVEN.add(port)
            return port
        except OSError:
            continue


def wait_until(predicate, what, limit_s=60.0):
    """Polls `predicate` until it is true; fails after `limit_s` (a guard
    against a hung box, not a timing assertion)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("gave up waiting for " + what)


class Appliance:
    def __init__(self, extra_args=(), data_dir=None, sip_port=None,
                 admin_port=None):
        self.tmp = tempfile.mkdtemp(prefix="ivm-sys-")
        self.data_dir = data_dir or os.path.join(self.tmp, "var")
        self.sip_port = sip_port or free_port()
        self.admin_port = admin_port or free_port()
        self.tls_port = free_port()
        # Provisioning listens too (TFTP, HTTP): ports of its own, so boxes
        # of tests run in parallel never meet on the defaults.
        self.tftp_port = free_port()
        self.prov_http_port = free_port()
        self.mgcp_port = free_port(socket.SOCK_DGRAM)
        self.megaco_port = free_port(socket.SOCK_DGRAM)
        self.extra_args = list(extra_args)
        # Ports this harness chose may be re-chosen if another test took one
        # between free_port() and the box's bind (tests run in parallel).
        self._own_ports = sip_port is None and admin_port is None
        self._started = False
        self.proc = None
        self.log_path = os.path.join(self.tmp, "appliance.log")

    def args(self):
        args = [BINARY, "--data-dir", self.data_dir,
                "--sip-listen", "127.0.0.1:%d" % self.sip_port,
                "--sip-tls-listen", "127.0.0.1:%d" % self.tls_port,
                "--admin-listen", "127.0.0.1:%d" % self.admin_port,
                "--mgcp-listen", "127.0.0.1:%d" % self.mgcp_port,
                "--megaco-listen", "127.0.0.1:%d" % self.megaco_port]
        # A test's own [provisioning] section chooses its ports itself.
        conf = None
        if "--config" in self.extra_args:
            i = self.extra_args.index("--config")
            conf = self.extra_args[i + 1] if i + 1 < len(self.extra_args) \
                else None
        own = False
        if conf and os.path.exists(conf):
            with open(conf) as f:
                own = "[provisioning]" in f.read()
        if not own:
            args += ["--tftp-listen", "127.0.0.1:%d" % self.tftp_port,
                     "--provisioning-http-listen",
                     "127.0.0.1:%d" % self.prov_http_port]
        return args + self.extra_args

    def start(self, wait=True):
        for attempt in range(5):
            if getattr(self, "log", None):
                self.log.close()
            self.log = open(self.log_path, "ab")
            mark = self.log.tell()
            self.proc = subprocess.Popen(self.args(), stdout=self.log,
                                         stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
            if not wait:
                break
            wait_until(lambda: self.proc.poll() is not None or self.healthy(),
                       "the appliance to answer /health")
            if self.proc.poll() is None:
                break
            # Another test bound one of our ports between free_port() and
            # the box's bind: the first start may choose them again.
            if (self._own_ports and not self._started and attempt < 4 and
                    b"Address already in use" in self._log_since(mark)):
                self._choose_ports()
                continue
            raise AssertionError("appliance exited:\n" + self.log_text())
        self._started = True
        return self

    def _log_since(self, offset):
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read()

    def _choose_ports(self):
        self.sip_port = free_port()
        self.admin_port = free_port()
        self.tls_port = free_port()
        self.tftp_port = free_port()
        self.prov_http_port = free_port()
        self.mgcp_port = free_port(socket.SOCK_DGRAM)
        self.megaco_port = free_port(socket.SOCK_DGRAM)

    def healthy(self):
        try:
            status, _ = self.http("GET", "/health")
            return status == 200
        except OSError:
            return False

    def http(self, method, path, body=None, headers=None):
        req = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.admin_port, path), data=body,
            method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def json(self, method, path, body=None):
        status, data = self.http(method, path, body)
        return status, json.loads(data)

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig` and returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def cleanup(self):
        self.kill()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def run_binary(args, cwd=None):
    """Runs ivm-appliance to completion (config errors, --version)."""
    return subprocess.run([BINARY] + list(args), cwd=cwd, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def start_xvfb():
    """An Xvfb of the caller's own at 1280x800 (the console's screenshots):
    returns (process, DISPLAY). Kill and wait for the process when done."""
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24",
         "-nolisten", "tcp"], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL)
    display = ":" + xvfb.stdout.readline().decode().strip()
    xvfb.stdout.close()
    return xvfb, display
