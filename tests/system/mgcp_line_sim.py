"""A residential MGCP line gateway for black-box tests (RFC 3435, line and
DTMF packages of RFC 3660): the gateway's side of the protocol, with
scripted phone users on its analog lines and RTP of its own.

    gw = LineGateway("gw1.example.net", lines=2, call_agent=("127.0.0.1", 2727))
    gw.start()                      # RSIP restart, retransmitted until answered
    gw.off_hook(1); gw.dial(1, "*8"); gw.on_hook(1)
    gw.wait_for(lambda: gw.lamp(1), "the lamp")
    gw.close()

What it plays:
- Commands from the call agent: RQNT, CRCX, MDCX, DLCX, AUEP, AUCX, EPCF,
  answered with the RFC's codes (500 unknown endpoint, 504 unknown verb,
  510 protocol error, 512/513/518 events, signals or packages it lacks,
  515/516/517 connection id, call id, mode, 527 missing SDP, 528 version).
  A repeated command (same transaction id and source) is answered from the
  response cache and never executed twice (`executions`).
- Its own commands (RSIP, NTFY) retransmitted every 200 ms doubling to 4 s,
  7 repeats at most (`retransmissions`); `drop_incoming(n)`,
  `drop_outgoing(n)` lose datagrams; `pause()`/`resume()` play dead.
- Per line: RequestedEvents with actions N, A, D, I, K, S and embedded
  requests E(R(..),S(..),D(..)); signals L/rg, L/dl, L/rt, G/rt, L/bz,
  L/ro (stopped by a requested event unless K, or by an empty S:), the
  lamp L/vmwi(+/-) (on/off: stays); digit maps (x, ranges, ".", T timer);
  lockstep: after a NTFY, events wait for the next RQNT.
- Connections: CRCX/MDCX/DLCX with an RTP socket each, G.711 mu-law audio
  sent paced (`send_audio`) and received (`received_audio`).
"""

import random
import re
import socket
import struct
import threading
import time

from harness import wait_until
from mgcp_sim_util import (Connection, Line, LINE_EVENTS, LINE_SIGNALS, MODES, PACKAGES,  # noqa: F401
                           alaw_decode, compile_map, event_name, match_map,
                           param, parse_message, split_groups, split_list,
                           tone, ulaw_decode, ulaw_encode)

# -- the gateway ----------------------------------------------------------------

class LineGateway:
    def __init__(self, name="gw1.example.net", lines=4,
                 call_agent=("127.0.0.1", 2727), port=0, digit_timer=0.5):
        self.name, self.call_agent = name, call_agent
        self.digit_timer = digit_timer
        self.lines = {i: Line(i) for i in range(1, lines + 1)}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.RLock()
        self.commands = []        # (verb, tid, endpoint, params) received
        self.responses = []       # what it answered
        self.notifies = []        # dicts: tid, endpoint, X, O, code
        self.responses_received = []  # (code, tid): final answers to its own
        self.raw_in = []          # (bytes, addr): every datagram received
        self.executions = {}      # tid -> times executed
        self.retransmissions = 0
        self.cache = {}           # (addr, tid) -> response text
        self.pending = {}         # own tid -> [text, to, next_at, wait, sends, record]
        self.next_tid = random.randint(1000, 100000)
        self.next_cid = 0x1000
        self.drop_in = self.drop_out = 0
        self.paused = False
        self.closed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    # -- scripting ------------------------------------------------------------
    def endpoint(self, n):
        return "aaln/%d@%s" % (n, self.name)

    def start(self):
        self.restart("restart")

    def restart(self, method="restart", delay=None):
        params = [("RM", method)] + ([("RD", str(delay))] if delay else [])
        self._send_command("RSIP", "aaln/*@" + self.name, params)

    def off_hook(self, n):
        with self.lock:
            line = self.lines[n]
            line.off_hook = True
            self._stop_signals(line, on_event=True)
            self._event(line, ("L", "hd"))

    def on_hook(self, n):
        with self.lock:
            line = self.lines[n]
            line.off_hook = False
            line.digits = ""
            self._event(line, ("L", "hu"))

    def flash(self, n):
        with self.lock:
            self._event(self.lines[n], ("L", "hf"))

    def dial(self, n, digits, gap=0.05):
        for d in digits:
            with self.lock:
                self._event(self.lines[n], ("D", d.upper()))
            time.sleep(gap)

    def drop_incoming(self, n):
        self.drop_in += n

    def drop_outgoing(self, n):
        self.drop_out += n

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False

    # -- introspection --------------------------------------------------------
    def lamp(self, n):
        return self.lines[n].lamp

    def ringing(self, n):
        return "L/rg" in self.lines[n].signals

    def signals(self, n):
        with self.lock:
            return set(self.lines[n].signals)

    def hook(self, n):
        return "off" if self.lines[n].off_hook else "on"

    def last_request(self, n):
        with self.lock:
            return dict(self.lines[n].request or {})

    def connections(self, n):
        with self.lock:
            return list(self.lines[n].connections.values())

    def received_audio(self, n):
        out = []
        for c in self.connections(n):
            out.extend(c.received)
        return out

    def send_audio(self, n, samples, rate=8000):
        """Sends PCM16 `samples` as PCMU over every connection of line n
        that may send, paced in real time (blocks while sending)."""
        conns = [c for c in self.connections(n)
                 if c.remote and c.mode in ("sendrecv", "sendonly")]
        ssrc, seq, ts = random.getrandbits(32), random.getrandbits(16), 0
        start = time.monotonic()
        for k in range(0, len(samples), 160):
            chunk = bytes(ulaw_encode(s) for s in samples[k:k + 160])
            hdr = struct.pack("!BBHII", 0x80, (0x80 if k == 0 else 0),
                              seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc)
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
        return wait_until(predicate, "line gateway: " + what, timeout)

    def close(self):
        self.closed = True
        self.thread.join(2)
        for line in self.lines.values():
            for c in line.connections.values():
                c.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the loop -------------------------------------------------------------
    def _run(self):
        while not self.closed:
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                data = None
            except OSError:
                return
            with self.lock:
                if data is not None and not self.paused:
                    if self.drop_in:
                        self.drop_in -= 1
                    else:
                        self._datagram(data, addr)
                self._timers()

    def _transmit(self, text, to):
        if self.drop_out:
            self.drop_out -= 1
            return
        try:
            self.sock.sendto(text.encode(), to)
        except OSError:
            pass

    def _datagram(self, data, addr):
        self.raw_in.append((data, addr))
        try:
            text = data.decode("utf-8", "replace")
        except Exception:
            return
        parts = re.split(r"\r?\n\.\r?\n", text)
        for part in parts:
            try:
                self._message(part, addr)
            except Exception:
                m = re.match(r"\s*[A-Za-z]{4}\s+(\d{1,9})\b", part)
                if m:
                    self._respond(addr, int(m.group(1)), 510, "Protocol error")

    def _message(self, text, addr):
        head, params, sdp = parse_message(text)
        if re.fullmatch(r"\d{3}", head[0]):
            self._response(int(head[0]), int(head[1]), params)
            return
        if len(head) < 2 or not re.fullmatch(r"\d{1,9}", head[1]):
            return
        tid = int(head[1])
        if len(head) < 5 or head[3].upper() != "MGCP":
            return self._respond(addr, tid, 510, "Protocol error")
        key = (addr, tid)
        if key in self.cache:
            self._transmit(self.cache[key], addr)
            return
        verb, ep = head[0].upper(), head[2]
        self.commands.append((verb, tid, ep, params))
        self.executions[tid] = self.executions.get(tid, 0) + 1
        if head[4] != "1.0":
            return self._respond(addr, tid, 528, "Incompatible protocol version")
        ack = param(params, "K")
        if ack:
            for rng in ack.split(","):
                lo, _, hi = rng.strip().partition("-")
                for t in range(int(lo), int(hi or lo) + 1):
                    self.cache.pop((addr, t), None)
        handler = {"RQNT": self._rqnt, "CRCX": self._crcx, "MDCX": self._mdcx,
                   "DLCX": self._dlcx, "AUEP": self._auep, "AUCX": self._aucx,
                   "EPCF": self._epcf}.get(verb)
        if handler is None:
            return self._respond(addr, tid, 504, "Unknown command")
        handler(addr, tid, ep, params, sdp)

    def _respond(self, addr, tid, code, comment, params=(), sdp=""):
        text = "%03d %d %s\r\n" % (code, tid, comment)
        text += "".join("%s: %s\r\n" % kv for kv in params)
        if sdp:
            text += "\r\n" + sdp + "\r\n"
        self.cache[(addr, tid)] = text
        self.responses.append((code, tid, dict(params)))
        self._transmit(text, addr)

    def _line_of(self, ep):
        m = re.fullmatch(r"aaln/(\d+)@(.+)", ep, re.I)
        if not m or m.group(2).lower() != self.name.lower():
            return None
        return self.lines.get(int(m.group(1)))

    # -- commands -------------------------------------------------------------
    def _rqnt(self, addr, tid, ep, params, sdp):
        line = self._line_of(ep)
        if line is None:
            return self._respond(addr, tid, 500, "Endpoint unknown")
        try:
            events = self._requested(param(params, "R") or "")
            signals = self._signals(param(params, "S"))
            dmap = param(params, "D")
            if dmap:
                compile_map(dmap)
        except KeyError as e:
            return self._respond(addr, tid, e.args[0], "Not supported")
        except (ValueError, IndexError):
            return self._respond(addr, tid, 510, "Protocol error")
        # Asking for a hook change that already happened (RFC 3435 §2.4).
        wants = {(e["pkg"], e["ev"]) for e in events}
        if ("L", "hd") in wants and ("L", "hu") not in wants and line.off_hook:
            return self._respond(addr, tid, 401, "Phone off-hook")
        if ("L", "hu") in wants and ("L", "hd") not in wants and not line.off_hook:
            return self._respond(addr, tid, 402, "Phone on-hook")
        line.request = {"X": param(params, "X") or "", "events": events,
                        "D": dmap or (line.request or {}).get("D"),
                        "N": param(params, "N"), "S": param(params, "S")}
        line.digits = ""
        line.waiting = False
        self._apply_signals(line, signals)
        self._respond(addr, tid, 200, "OK")
        queued, line.quarantine = line.quarantine, []
        for e in queued:
            self._event(line, e)

    @staticmethod
    def _items(value, known, unknown_code):
        """(package, name, groups) of each item of an R: or S: value; an
        unknown package is 518, a line event or signal not in `known` is
        `unknown_code`."""
        for item in split_list(value) if value.strip() else []:
            name, groups = split_groups(item)
            pkg, ev = event_name(name)
            if pkg not in PACKAGES:
                raise KeyError(518)
            if pkg == "L" and ev not in known:
                raise KeyError(unknown_code)
            yield pkg, ev, groups

    def _requested(self, value):
        out = []
        for pkg, ev, groups in self._items(value, LINE_EVENTS, 512):
            actions, embedded = [], None
            for a in split_list(groups[0]) if groups else ["N"]:
                if a.upper().startswith("E("):
                    embedded = a[2:-1]
                    actions.append("E")
                elif a.upper() in ("N", "A", "D", "I", "K", "S"):
                    actions.append(a.upper())
                else:
                    raise KeyError(523)
            out.append({"pkg": pkg, "ev": ev, "actions": actions,
                        "embedded": embedded})
        return out

    def _signals(self, value):
        if value is None:
            return None
        return [(pkg, sig, groups[0] if groups else "")
                for pkg, sig, groups in self._items(value, LINE_SIGNALS, 513)]

    def _apply_signals(self, line, signals):
        if signals is None:
            return
        line.signals = set()
        for pkg, sig, arg in signals:
            if sig == "vmwi":
                line.lamp = arg.strip() != "-"
            elif not (sig == "rg" and line.off_hook):
                line.signals.add("%s/%s" % (pkg, sig))

    def _stop_signals(self, line, on_event=False):
        line.signals = set()

    def _crcx(self, addr, tid, ep, params, sdp):
        line = self._line_of(ep)
        if line is None:
            return self._respond(addr, tid, 500, "Endpoint unknown")
        call_id = param(params, "C")
        if not call_id:
            return self._respond(addr, tid, 400, "Missing call id")
        mode = (param(params, "M") or "").lower()
        if mode not in MODES:
            return self._respond(addr, tid, 517, "Unsupported or invalid mode")
        if len(line.connections) >= 4:
            return self._respond(addr, tid, 540, "Connection limit")
        remote = self._remote(sdp) if sdp else None
        if sdp and remote is None:
            return self._respond(addr, tid, 509, "Error in remote SDP")
        self.next_cid += 1
        c = Connection("%X" % self.next_cid, call_id, mode)
        c.remote = remote
        line.connections[c.cid] = c
        self._respond(addr, tid, 200, "OK", [("I", c.cid)], self._local_sdp(c))

    def _mdcx(self, addr, tid, ep, params, sdp):
        line = self._line_of(ep)
        if line is None:
            return self._respond(addr, tid, 500, "Endpoint unknown")
        c = line.connections.get(param(params, "I") or "")
        if c is None:
            return self._respond(addr, tid, 515, "Incorrect connection-id")
        call_id = param(params, "C")
        if call_id and call_id != c.call_id:
            return self._respond(addr, tid, 516, "Unknown call-id")
        mode = param(params, "M")
        if mode:
            if mode.lower() not in MODES:
                return self._respond(addr, tid, 517, "Unsupported or invalid mode")
            c.mode = mode.lower()
        if sdp:
            remote = self._remote(sdp)
            if remote is None:
                return self._respond(addr, tid, 509, "Error in remote SDP")
            c.remote = remote
        self._respond(addr, tid, 200, "OK", [], self._local_sdp(c))

    def _dlcx(self, addr, tid, ep, params, sdp):
        line = self._line_of(ep)
        if line is None:
            return self._respond(addr, tid, 500, "Endpoint unknown")
        cid = param(params, "I")
        if cid:
            c = line.connections.pop(cid, None)
            if c is None:
                return self._respond(addr, tid, 515, "Incorrect connection-id")
            gone = [c]
        else:
            gone = list(line.connections.values())
            line.connections.clear()
        for c in gone:
            c.close()
        stats = "PS=%d, OS=%d, PR=%d, OR=%d, PL=0, JI=0, LA=0" % (
            sum(c.sent for c in gone), 160 * sum(c.sent for c in gone),
            sum(len(c.received) // 160 for c in gone),
            sum(len(c.received) for c in gone))
        self._respond(addr, tid, 250, "Connection was deleted", [("P", stats)])

    def _auep(self, addr, tid, ep, params, sdp):
        if ep.lower() == ("aaln/*@" + self.name).lower():
            return self._respond(addr, tid, 200, "OK",
                                 [("Z", self.endpoint(n)) for n in self.lines])
        line = self._line_of(ep)
        if line is None:
            return self._respond(addr, tid, 500, "Endpoint unknown")
        info = []
        wanted = (param(params, "F") or "").upper()
        if "ES" in wanted:
            info.append(("ES", "L/hd" if line.off_hook else "L/hu"))
        if "I" in [w.strip() for w in wanted.split(",")]:
            info.append(("I", ", ".join(line.connections)))
        self._respond(addr, tid, 200, "OK", info)

    def _aucx(self, addr, tid, ep, params, sdp):
        line = self._line_of(ep)
        if line is None:
            return self._respond(addr, tid, 500, "Endpoint unknown")
        c = line.connections.get(param(params, "I") or "")
        if c is None:
            return self._respond(addr, tid, 515, "Incorrect connection-id")
        self._respond(addr, tid, 200, "OK", [("C", c.call_id), ("M", c.mode)])

    def _epcf(self, addr, tid, ep, params, sdp):
        if self._line_of(ep) is None:
            return self._respond(addr, tid, 500, "Endpoint unknown")
        self._respond(addr, tid, 200, "OK")

    @staticmethod
    def _remote(sdp):
        c = re.search(r"(?m)^c=IN IP4 (\S+)", sdp)
        m = re.search(r"(?m)^m=audio (\d+) ", sdp)
        if not c or not m:
            return None
        return (c.group(1), int(m.group(1)))

    @staticmethod
    def _local_sdp(c):
        return ("v=0\r\no=- %s 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
                "a=rtpmap:0 PCMU/8000\r\na=ptime:20" % (c.cid, c.port))

    # -- events ---------------------------------------------------------------
    def _event(self, line, ev):
        """An event the phone user made: notify, accumulate or quarantine
        it per the request in force."""
        if line.waiting or line.request is None:
            line.quarantine.append(ev)
            return
        pkg, name = ev
        for r in line.request["events"]:
            if not self._matches(r, pkg, name):
                continue
            acts = r["actions"]
            if "K" not in acts:
                line.signals = {s for s in line.signals if s == "L/vmwi"}
            if "I" in acts:
                return
            if "D" in acts and pkg == "D":
                line.digits += name
                self._check_digits(line)
                return
            if "A" in acts:
                line.digits += name if pkg == "D" else ""
            if "E" in acts and r["embedded"]:
                self._embedded(line, r["embedded"])
            if "N" in acts:
                self._notify(line, [("%s/%s" % (pkg, name))])
            return
        # Not requested: nothing happens (RFC 3435 §4.4.1: ignored).

    @staticmethod
    def _matches(r, pkg, name):
        if r["pkg"] != pkg:
            return False
        if r["ev"].startswith("["):
            return bool(re.fullmatch(r["ev"].replace("*", r"\*")
                                     .replace("#", r"\#"), name))
        return r["ev"] in (name.lower(), "all", "*")

    def _embedded(self, line, text):
        for part in split_list(text):
            key, groups = split_groups(part)
            value = groups[0] if groups else ""
            if key.upper() == "R":
                line.request["events"] = self._requested(value)
            elif key.upper() == "S":
                self._apply_signals(line, self._signals(value))
            elif key.upper() == "D":
                line.request["D"] = value

    def _check_digits(self, line):
        if line.timer:
            line.timer = None
        dmap = line.request.get("D") if line.request else None
        if not dmap:
            return self._notify(line, ["D/" + d for d in line.digits])
        r = match_map(compile_map(dmap), line.digits)
        if r in ("full", "none"):
            self._notify(line, ["D/" + d for d in line.digits])
        else:
            line.timer = (time.monotonic() + self.digit_timer, line.digits)

    def _notify(self, line, observed):
        req = line.request or {}
        line.waiting = True
        line.digits = ""
        line.timer = None
        to = self.call_agent
        n = req.get("N")
        if n:
            m = re.search(r"@\[?([\w.\-]+)\]?(?::(\d+))?$", n)
            if m:
                to = (m.group(1), int(m.group(2) or 2727))
        record = {"endpoint": self.endpoint(line.n), "X": req.get("X", ""),
                  "O": ",".join(observed), "code": None}
        self.notifies.append(record)
        self._send_command("NTFY", self.endpoint(line.n),
                           ([("N", n)] if n else []) +
                           [("X", req.get("X", "")), ("O", ",".join(observed))],
                           to, record)

    def _send_command(self, verb, ep, params, to=None, record=None):
        with self.lock:
            tid = self.next_tid
            self.next_tid += 1
            text = "%s %d %s MGCP 1.0\r\n" % (verb, tid, ep)
            text += "".join("%s: %s\r\n" % kv for kv in params)
            to = to or self.call_agent
            if record is not None:
                record["tid"] = tid
            self.pending[tid] = [text, to, time.monotonic() + 0.2, 0.2, 1, record]
            if not self.paused:
                self._transmit(text, to)
            return tid

    def _response(self, code, tid, params):
        p = self.pending.get(tid)
        if p is None:
            return
        if 100 <= code < 200:
            p[2] = time.monotonic() + 5
            return
        del self.pending[tid]
        self.responses_received.append((code, tid))
        if p[5] is not None:
            p[5]["code"] = code
        if param(params, "K") is not None:
            self._transmit("000 %d\r\n" % tid, p[1])

    def _timers(self):
        now = time.monotonic()
        for line in self.lines.values():
            if line.timer and now >= line.timer[0]:
                line.timer = None
                line.digits += "T"
                dmap = line.request.get("D") if line.request else None
                r = match_map(compile_map(dmap), line.digits) if dmap else "full"
                self._notify(line, ["D/" + d for d in line.digits])
        for tid, p in list(self.pending.items()):
            if now < p[2] or self.paused:
                continue
            if p[4] >= 8:
                del self.pending[tid]
                if p[5] is not None:
                    p[5]["code"] = "timeout"
                continue
            p[4] += 1
            p[3] = min(p[3] * 2, 4.0)
            p[2] = now + p[3]
            self.retransmissions += 1
            self._transmit(p[0], p[1])
