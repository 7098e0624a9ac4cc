"""An H.248 (MEGACO text) residential gateway for the tests, independent of
the box's own codec: analog lines (terminations line/1, line/2, ...) with
scripted users (off-hook, digits, on-hook), RTP terminations with their own
sockets, and the gateway's side of the protocol (RFC 3525):

- ServiceChange Restart of ROOT at start; replies to the controller's
  Modify (events, signals, digit map kept per line), Add (the line and an
  ephemeral `$` termination into a new context: an RTP socket, its Local
  SDP in the reply), Modify of the ephemeral (Remote SDP), Subtract (the
  context emptied), AuditValue; a repeated request is answered from the
  reply cache.
- Notify of al/of, al/on and dd/ce {ds=...} (digits with * as E and # as F;
  the caller dials whole strings, the simulator does not run the digit map)
  or dd/d0.. while connected; retransmitted until replied.
- `signals(n)`: the signals requested on line n; an observed event stops
  them, as H.248 signals do without KeepActive.

Long tokens (`compact=False`) or compact ones.
"""

import random
import re
import socket
import struct
import threading
import time

from harness import wait_until
from mgcp_sim_util import Connection, ulaw_encode

TOKENS = {  # compact -> long, for what this simulator reads
    "T": "Transaction", "P": "Reply", "C": "Context", "MF": "Modify",
    "A": "Add", "S": "Subtract", "AV": "AuditValue", "N": "Notify",
    "SC": "ServiceChange", "E": "Events", "SG": "Signals", "M": "Media",
    "ST": "Stream", "O": "LocalControl", "MO": "Mode", "L": "Local",
    "R": "Remote", "DM": "DigitMap", "ER": "Error", "K":
    "TransactionResponseAck", "PN": "Pending", "SV": "Services",
}


def long_name(name):
    return TOKENS.get(name.upper(), name)


def parse(text):
    """The body of an H.248 text message as nested (name, value, children,
    octets) tuples; octets is the raw text of Local/Remote/DigitMap."""
    text = re.sub(r";[^\n]*", "", text)
    m = re.match(r"\s*(MEGACO|!)/(\d)\s+(\[[^\]]*\](:\d+)?|<[^>]*>(:\d+)?|\S+)\s",
                 text)
    if not m:
        raise ValueError("no header")
    pos = m.end()

    def items(pos):
        out = []
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] == "}":
                return out, pos
            mm = re.compile(r"[A-Za-z0-9_/\-\.\*\$:@+]+").match(text, pos)
            if text[pos] == '"':
                end = text.index('"', pos + 1)
                out.append(("", text[pos + 1:end], [], None))
                pos = end + 1
                continue
            if not mm:
                raise ValueError("bad token at %d" % pos)
            name = mm.group(0)
            pos = mm.end()
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            value = ""
            if pos < len(text) and text[pos] in "=<>#":
                pos += 1
                while pos < len(text) and text[pos] in " \t\r\n":
                    pos += 1
                if pos < len(text) and text[pos] == '"':
                    end = text.index('"', pos + 1)
                    value = text[pos + 1:end]
                    pos = end + 1
                else:
                    vm = re.compile(r"[A-Za-z0-9_/\-\.\*\$:@+\[\]]*").match(
                        text, pos)
                    value = vm.group(0)
                    pos = vm.end()
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            children, octets = [], None
            if pos < len(text) and text[pos] == "{":
                if long_name(name) in ("Local", "Remote", "DigitMap"):
                    end = text.index("}", pos)
                    octets = text[pos + 1:end]
                    pos = end + 1
                else:
                    children, pos = items(pos + 1)
                    if pos >= len(text) or text[pos] != "}":
                        raise ValueError("missing }")
                    pos += 1
            out.append((long_name(name), value, children, octets))

    body, pos = items(pos)
    return m.group(3), body


def child(node, name):
    for c in node[2]:
        if c[0] == name:
            return c
    return None


def sdp_address(sdp):
    host = re.search(r"c=IN IP4 (\S+)", sdp or "")
    port = re.search(r"m=audio (\d+)", sdp or "")
    if host and port and host.group(1) != "$" and port.group(1) != "$":
        return host.group(1), int(port.group(1))
    return None


def read_ddb(hex_text):
    """An andisp display data block (H.248.23 ddb: an MDMF message, GR-30 /
    EN 300 659-3) -> (type, {param type: bytes}), None if the length or
    the checksum is wrong."""
    try:
        b = bytes.fromhex(hex_text)
    except ValueError:
        return None
    if len(b) < 3 or sum(b) % 256 or b[1] + 3 != len(b):
        return None
    params, i = {}, 2
    while i + 2 <= len(b) - 1:
        n = b[i + 1]
        params[b[i]] = b[i + 2:i + 2 + n]
        i += 2 + n
    return b[0], params


class Line:
    def __init__(self, name):
        self.name = name
        self.lamp = False     # message waiting, as the phone shows it
        self.caller = None    # {"number", "name", "when"} of the last dwa
        self.off_hook = False
        self.events = []      # names requested
        self.rid = ""
        self.signals = set()
        self.digit_map = ""
        self.context = "-"
        self.strict_now = []


class MegacoGateway:
    def __init__(self, lines=2, controller=("127.0.0.1", 2944),
                 compact=False, prefix="line", display=True):
        self.display = display  # takes andisp (caller ID, the lamp)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.mid = "[127.0.0.1]:%d" % self.port
        self.controller = controller
        self.compact = compact
        self.lines = {n: Line("%s/%d" % (prefix, n))
                      for n in range(1, lines + 1)}
        self.contexts = {}   # id -> {termination: Connection or None}
        self.next_ctx = 100
        self.next_eph = 1
        self.next_tid = random.randint(1000, 100000)
        self.cache = {}      # tid -> reply text
        self.pending = {}    # own tid -> [text, next_at, sends]
        self.replies = {}    # own tid -> reply body
        self.requests_in = []  # (tid, commands) from the controller
        self.raw_in = []
        self.executions = {}
        self.paused = False
        self.drop_in = 0     # datagrams from the controller to lose
        self.drop_replies = 0  # ... of them, replies only
        self.drop_out = 0    # datagrams to it to lose
        self.retransmissions = 0
        self.closed = False
        self.lock = threading.RLock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    # -- scripting ------------------------------------------------------------
    def start(self):
        self._request("Context = - { ServiceChange = ROOT { Services { "
                      "Method = Restart, ServiceChangeAddress = %d, "
                      "Reason = \"901 Cold Boot\" } } }" % self.port)

    def off_hook(self, n):
        with self.lock:
            line = self.lines[n]
            line.off_hook = True
            self._event(line, "al/of")

    def on_hook(self, n):
        with self.lock:
            line = self.lines[n]
            line.off_hook = False
            self._event(line, "al/on")

    def dial(self, n, digits):
        with self.lock:
            line = self.lines[n]
            h248 = digits.replace("*", "E").replace("#", "F")
            if "dd/ce" in line.events:
                self._event(line, 'dd/ce {ds="%s", Meth=FM}' % h248)
            else:
                for d in h248:
                    name = {"E": "ds", "F": "do"}.get(d, d.lower())
                    if "dd/d" + name in line.events:
                        self._event(line, "dd/d" + name)

    def drop_incoming(self, n):
        self.drop_in += n

    def drop_outgoing(self, n):
        self.drop_out += n

    def restart(self):
        """A restart: contexts and their RTP are gone, the hook states
        stay; ServiceChange Restart on ROOT."""
        with self.lock:
            for ctx in self.contexts.values():
                for c in ctx.values():
                    if c:
                        c.close()
            self.contexts = {}
            for line in self.lines.values():
                line.context = "-"
                line.signals = set()
                line.events = []
        self.start()

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False

    # -- introspection --------------------------------------------------------
    def signals(self, n):
        with self.lock:
            return set(self.lines[n].signals)

    def events(self, n):
        with self.lock:
            return list(self.lines[n].events)

    def ringing(self, n):
        return bool({"al/ri", "andisp/dwa"} & self.signals(n))

    def lamp(self, n):
        with self.lock:
            return self.lines[n].lamp

    def caller_id(self, n):
        with self.lock:
            return self.lines[n].caller

    @staticmethod
    def _display(line, signal, ddb):
        """What the phone shows for an andisp signal."""
        msg = read_ddb(ddb)
        if msg is None:
            raise AssertionError("bad display data block " + ddb)
        kind, params = msg
        if signal == "andisp/data" and kind == 0x82:
            line.lamp = params.get(0x0B) == b"\xff"
        elif signal == "andisp/dwa" and kind == 0x80:
            line.caller = {"when": params.get(1, b"").decode(),
                           "number": params.get(2, b"").decode(),
                           "name": params.get(7, b"").decode()}

    def connections(self, n):
        with self.lock:
            ctx = self.lines[n].context
            return [c for c in self.contexts.get(ctx, {}).values() if c]

    def send_audio(self, n, samples):
        conns = [c for c in self.connections(n) if c.remote]
        ssrc, seq, ts = random.getrandbits(32), random.getrandbits(16), 0
        start = time.monotonic()
        for k in range(0, len(samples), 160):
            chunk = bytes(ulaw_encode(s) for s in samples[k:k + 160])
            hdr = struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF,
                              ts & 0xFFFFFFFF, ssrc)
            for c in conns:
                try:
                    c.rtp.sendto(hdr + chunk, c.remote)
                    c.sent += 1
                except OSError:
                    pass
            seq, ts = seq + 1, ts + 160
            delay = start + (k // 160 + 1) * 0.02 - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def wait_for(self, predicate, what, timeout=10.0):
        return wait_until(predicate, "H.248 gateway: " + what, timeout)

    def close(self):
        self.closed = True
        self.thread.join(2)
        for ctx in self.contexts.values():
            for c in ctx.values():
                if c:
                    c.close()
        self.sock.close()

    # -- the wire -------------------------------------------------------------
    def _header(self):
        return ("!/1 " if self.compact else "MEGACO/1 ") + self.mid + "\n"

    def _request(self, body):
        with self.lock:
            self.next_tid += 1
            tid = self.next_tid
            text = self._header() + "Transaction = %d { %s }" % (tid, body)
            self.pending[tid] = [text, time.monotonic() + 0.5, 1]
            self._send(text)
            return tid

    def _send(self, text):
        if self.drop_out:
            self.drop_out -= 1
            return
        try:
            self.sock.sendto(text.encode(), self.controller)
        except OSError:
            pass

    def _event(self, line, event, stop_signals=True):
        if stop_signals:
            line.signals = set()  # an observed event stops the signals
        name = event.split()[0]
        if name not in line.events:
            return
        self._request("Context = %s { Notify = %s { ObservedEvents = %s { "
                      "%s } } }" % (line.context, line.name, line.rid or "0",
                                    event))

    def _run(self):
        while not self.closed:
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                data = None
            except OSError:
                return
            with self.lock:
                if data is not None and not self.paused and self.drop_in:
                    self.drop_in -= 1
                elif data is not None and not self.paused and \
                        self.drop_replies and re.search(
                            rb"^\S+\s+\S+\s+(Reply|P)\s*=", data):
                    self.drop_replies -= 1
                elif data is not None and not self.paused:
                    self.raw_in.append((data, addr))
                    try:
                        self._message(data.decode("utf-8", "replace"))
                    except Exception:
                        pass  # garbage: nothing answered
                now = time.monotonic()
                for tid, p in list(self.pending.items()):
                    if now >= p[1] and not self.paused:
                        if p[2] >= 6:
                            del self.pending[tid]
                            continue
                        p[1], p[2] = now + 0.5 * (2 ** p[2]), p[2] + 1
                        self.retransmissions += 1
                        self._send(p[0])

    def _message(self, text):
        mid, body = parse(text)
        for item in body:
            if item[0] == "Reply":
                tid = int(item[1])
                self.pending.pop(tid, None)
                self.replies[tid] = item
            elif item[0] == "Transaction":
                tid = int(item[1])
                if tid in self.cache:
                    self._send(self.cache[tid])
                    continue
                self.executions[tid] = self.executions.get(tid, 0) + 1
                reply = self._execute(item)
                text = self._header() + "Reply = %d { %s }" % (tid, reply)
                self.cache[tid] = text
                self._send(text)
                self._report_states()

    def _report_states(self):
        # Events asked with strict=state are reported at once when the line
        # is in that state already (H.248.1 Annex E.9).
        for line in self.lines.values():
            want = line.strict_now
            line.strict_now = []
            for e in want:
                if (e == "al/on" and not line.off_hook) or \
                        (e == "al/of" and line.off_hook):
                    self._event(line, e, stop_signals=False)

    def _execute(self, tr):
        out = []
        for ctx in tr[2]:
            if ctx[0] != "Context":
                continue
            ctx_id, replies = ctx[1], []
            if ctx_id == "$":
                self.next_ctx += 1
                ctx_id = str(self.next_ctx)
                self.contexts[ctx_id] = {}
            self.requests_in.append((tr[1], ctx[2]))
            for cmd in ctx[2]:
                replies.append(self._command(ctx_id, cmd))
            out.append("Context = %s { %s }" % (ctx_id, ", ".join(replies)))
        return ", ".join(out)

    def _line(self, name):
        for line in self.lines.values():
            if line.name.lower() == name.lower():
                return line
        return None

    def _command(self, ctx_id, cmd):
        verb, term = cmd[0], cmd[1]
        line = self._line(term)
        if verb == "Modify" and line:
            sg = child(cmd, "Signals")
            if not self.display and sg is not None and any(
                    s[0].startswith("andisp/") for s in sg[2]):
                # A failed command changes nothing (H.248.1 §8.2.2).
                return ('Modify = %s { Error = 440 { "Unsupported or '
                        'unknown Package" } }' % term)
            ev = child(cmd, "Events")
            if ev is not None:
                line.rid = ev[1]
                line.events = [e[0] for e in ev[2]]
                line.strict_now = [
                    e[0] for e in ev[2]
                    if any(p[0] == "strict" and p[1] == "state"
                           for p in e[2])]
                dm = [c for e in ev[2] for c in e[2] if c[0] == "DigitMap"]
                line.digit_map = dm[0][3] if dm and dm[0][3] else ""
            sg = child(cmd, "Signals")
            if sg is not None:
                shown = [s for s in sg[2] if s[0].startswith("andisp/")]
                for s in shown:
                    ddb = child(s, "ddb")
                    self._display(line, s[0], ddb[1] if ddb else "")
                line.signals = {s[0] for s in sg[2]}
            return "Modify = %s" % term
        if verb == "Add" and line:
            line.context = ctx_id
            self.contexts.setdefault(ctx_id, {})[line.name] = None
            return "Add = %s" % term
        if verb == "Add" and term == "$":
            eph = "rtp/%d" % self.next_eph
            self.next_eph += 1
            conn = Connection(eph, ctx_id, "sendrecv")
            conn.remote = sdp_address(self._sdp(cmd, "Remote"))
            self.contexts.setdefault(ctx_id, {})[eph] = conn
            local = ("v=0\nc=IN IP4 127.0.0.1\nm=audio %d RTP/AVP 0\n"
                     % conn.port)
            return ("Add = %s { Media { Stream = 1 { Local {\n%s} } } }"
                    % (eph, local))
        if verb == "Modify" and term.startswith("rtp/"):
            conn = self.contexts.get(ctx_id, {}).get(term)
            if conn is None:
                return 'Modify = %s { Error = 430 { "Unknown TerminationID" } }' % term
            remote = sdp_address(self._sdp(cmd, "Remote"))
            if remote:
                conn.remote = remote
            return "Modify = %s" % term
        if verb == "Subtract":
            ctx = self.contexts.pop(ctx_id, {})
            replies = []
            for name, c in ctx.items():
                if c:
                    c.close()
                    # Its statistics (H.248.1 Annex E.12/E.13), as counted.
                    got = len(c.received)
                    replies.append(
                        "Subtract = %s { Statistics { nt/os=%d, nt/or=%d, "
                        "rtp/ps=%d, rtp/pr=%d, rtp/pl=0, rtp/jit=0 } }"
                        % (name, c.sent * 172, got + 12 * (got // 160),
                           c.sent, got // 160))
                elif self._line(name):
                    self._line(name).context = "-"
                    replies.append("Subtract = %s" % name)
            return ", ".join(replies) or "Subtract = %s" % term
        if verb == "AuditValue":
            return "AuditValue = %s" % term
        return '%s = %s { Error = 501 { "Not implemented" } }' % (verb, term)

    @staticmethod
    def _sdp(cmd, which):
        media = child(cmd, "Media")
        if media is None:
            return None
        stream = child(media, "Stream") or media
        node = child(stream, which)
        return node[3] if node else None
