"""An H.248 media gateway on an independent stack: Erlang/OTP's megaco
application (Debian erlang-megaco) runs the protocol, otp_mg/ivm_otp_mg.erl
the gateway's lines and contexts; this class scripts it and mirrors its
state, with the same interface as megaco_gw_sim.MegacoGateway so the same
flows run against both. The RTP sockets are this side's (mgcp_sim_util
Connection): the Erlang gateway hands their ports out in its Local SDP.

`errors` holds what OTP could not decode or match; `replies` the outcome of
its own requests ("ok", "error 402", ...)."""

import os
import shutil
import socket
import subprocess
import tempfile
import threading

from megaco_gw_sim import Line, MegacoGateway
from mgcp_sim_util import Connection

HERE = os.path.dirname(os.path.abspath(__file__))
_beam_dir = None
_beam_lock = threading.Lock()


def available():
    return bool(shutil.which("erl") and shutil.which("erlc") and os.path.isdir(
        "/usr/lib/erlang/lib") and any(
            d.startswith("megaco") and os.path.isdir(
                os.path.join("/usr/lib/erlang/lib", d, "include"))
            for d in os.listdir("/usr/lib/erlang/lib")))


def _compiled():
    global _beam_dir
    with _beam_lock:
        if _beam_dir is None:
            d = tempfile.mkdtemp(prefix="ivm-otp-mg-")
            subprocess.run(["erlc", "-o", d, os.path.join(
                HERE, "otp_mg", "ivm_otp_mg.erl")], check=True)
            _beam_dir = d
        return _beam_dir


class OtpGateway:
    def __init__(self, lines=2, controller=("127.0.0.1", 2944),
                 compact=False, rtp_ports=12):
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.mid = "[127.0.0.1]:%d" % self.port
        self.lines = {n: Line("line/%d" % n) for n in range(1, lines + 1)}
        self.pool = {}
        for _ in range(rtp_ports):
            c = Connection(None, None, "sendrecv")
            self.pool[c.port] = c
        self.terms = {}       # ephemeral name -> Connection
        self.contexts = {}    # context -> set of ephemeral names
        self.commands = []    # (verb, termination) as OTP decoded them
        self.replies = []
        self.errors = []
        self.output = []
        self.lock = threading.RLock()
        self.proc = subprocess.Popen(
            ["erl", "-noshell", "-pa", _compiled(), "-run", "ivm_otp_mg",
             "main", str(self.port), str(controller[1]),
             "compact" if compact else "pretty", str(lines),
             ",".join(str(p) for p in self.pool)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        if not self.ready.wait(30):
            self.close()
            raise AssertionError("OTP gateway did not start: %s"
                                 % "\n".join(self.output))

    # -- scripting ------------------------------------------------------------
    def _tell(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def start(self):
        self._tell("start")

    def restart(self):
        self._tell("restart")

    def off_hook(self, n):
        self._tell("offhook %d" % n)

    def on_hook(self, n):
        self._tell("onhook %d" % n)

    def dial(self, n, digits):
        self._tell("dial %d %s" % (n, digits))

    # -- introspection (as MegacoGateway) -------------------------------------
    def signals(self, n):
        with self.lock:
            return set(self.lines[n].signals)

    def events(self, n):
        with self.lock:
            return list(self.lines[n].events)

    def connections(self, n):
        with self.lock:
            ctx = self.lines[n].context
            return [self.terms[t] for t in self.contexts.get(ctx, ())]

    ringing = MegacoGateway.ringing
    lamp = MegacoGateway.lamp
    caller_id = MegacoGateway.caller_id
    send_audio = MegacoGateway.send_audio
    wait_for = MegacoGateway.wait_for

    def close(self):
        if os.environ.get("IVM_OTP_DEBUG"):
            print("\n".join(self.output))
        if self.proc.poll() is None:
            try:
                self._tell("quit")
            except (OSError, ValueError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.thread.join(2)
        self.proc.stdin.close()
        self.proc.stdout.close()
        for c in self.pool.values():
            c.close()

    # -- its reports ----------------------------------------------------------
    def _read(self):
        for text in self.proc.stdout:
            text = text.rstrip("\n")
            with self.lock:
                self.output.append(text)
                if text.startswith("=ERROR REPORT"):
                    self.errors.append(text)  # e.g. a reply OTP cannot build
                elif text:
                    self._report(text.split(" "))

    def _line(self, name):
        for line in self.lines.values():
            if line.name == name:
                return line
        return None

    def _report(self, w):
        if w[0] == "ready":
            self.ready.set()
        elif w[0] == "line" and len(w) >= 6:
            line = self._line(w[1])
            line.context = w[2]
            line.events = [] if w[3] == "-" else w[3].split(",")
            line.signals = set() if w[4] == "-" else set(w[4].split(","))
            line.digit_map = "" if w[5] == "-" else " ".join(w[5:])
        elif w[0] == "display" and len(w) == 4:
            MegacoGateway._display(self._line(w[1]), w[2], w[3])
        elif w[0] == "add":
            self.terms[w[2]] = self.pool[int(w[3])]
            self.contexts.setdefault(w[1], set()).add(w[2])
        elif w[0] == "remote":
            self.terms[w[1]].remote = (w[2], int(w[3]))
        elif w[0] == "subtract":
            conn = self.terms.pop(w[2], None)
            if conn:
                conn.closed = True
            names = self.contexts.get(w[1], set())
            names.discard(w[2])
            if not names:
                self.contexts.pop(w[1], None)
        elif w[0] == "cmd":
            self.commands.append((w[1], w[2]))
        elif w[0] == "reply":
            self.replies.append(" ".join(w[1:]))
        elif w[0] == "error":
            self.errors.append(" ".join(w[1:]))
