"""Text, digit maps and G.711 for the MGCP line-gateway simulator
(mgcp_line_sim.py): RFC 3435 message and list syntax, RFC 3435 §2.1.5 digit
maps, mu-law and A-law (audioop is gone from newer Pythons)."""

import math
import re
import socket
import threading

LINE_EVENTS = {"hd", "hu", "hf", "oc", "of"}
LINE_SIGNALS = {"rg", "dl", "rt", "bz", "ro", "vmwi", "cf", "wt", "ci"}
PACKAGES = {"L", "D", "G"}
MODES = {"sendrecv", "recvonly", "sendonly", "inactive", "loopback",
         "conttest", "netwtest"}


# -- mu-law (G.711) ----------------------------------------------------------

def ulaw_encode(sample):
    sign = 0x80 if sample < 0 else 0
    m = min(abs(int(sample)), 32635) + 0x84
    exp = 7
    while exp > 0 and not (m & (0x4000 >> (7 - exp))):
        exp -= 1
    mant = (m >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


def ulaw_decode(byte):
    byte = ~byte & 0xFF
    sign, exp, mant = byte & 0x80, (byte >> 4) & 7, byte & 0x0F
    m = ((mant << 3) + 0x84) << exp
    return -(m - 0x84) if sign else m - 0x84


def alaw_decode(byte):
    byte ^= 0x55
    sign, exp, mant = byte & 0x80, (byte >> 4) & 7, byte & 0x0F
    m = (mant << 4) + 8 if exp == 0 else ((mant << 4) + 0x108) << (exp - 1)
    return m if sign else -m


def tone(freqs, seconds, rate=8000, level=8000):
    n = int(seconds * rate)
    return [int(level / len(freqs) * sum(math.sin(2 * math.pi * f * i / rate)
                                         for f in freqs)) for i in range(n)]


# -- text ---------------------------------------------------------------------

def _scan(text):
    """(index, char, depth) of each character outside double quotes, depth
    being the parentheses open after it; raises on unbalanced text."""
    depth, quoted = 0, False
    for i, c in enumerate(text):
        if quoted:
            quoted = c != '"'
            continue
        if c == '"':
            quoted = True
            continue
        depth += (c == "(") - (c == ")")
        if depth < 0:
            raise ValueError("unbalanced")
        yield i, c, depth
    if depth or quoted:
        raise ValueError("unbalanced")


def split_list(value):
    """Comma-separated items, commas inside parentheses or quotes kept."""
    items, start = [], 0
    for i, c, depth in _scan(value):
        if c == "," and depth == 0:
            items.append(value[start:i].strip())
            start = i + 1
    cur = value[start:]
    if cur.strip() or items:
        items.append(cur.strip())
    if any(not i for i in items):
        raise ValueError("empty item")
    return items


def split_groups(item):
    """'L/hd(N)(x)' -> ('L/hd', ['N', 'x'])."""
    m = re.match(r"^([^()]*)", item)
    name, rest, groups = m.group(1).strip(), item[m.end():], []
    while rest:
        if rest[0] != "(":
            raise ValueError("text after group")
        i = next(i for i, c, depth in _scan(rest) if c == ")" and depth == 0)
        groups.append(rest[1:i])
        rest = rest[i + 1:].strip()
    return name, groups


def event_name(text):
    """('L', 'hd') with the default package L for a bare name."""
    text = text.split("@")[0].strip()
    if "/" in text and not text.startswith("["):
        pkg, name = text.split("/", 1)
    else:
        pkg, name = "", text
    if not name:
        raise ValueError("empty event")
    if not pkg:
        pkg = "D" if (len(name) == 1 and name in "0123456789*#ABCDT") or \
            name.startswith("[") else "L"
    return pkg.upper(), name.lower() if not name.startswith("[") else name


def parse_message(text):
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ValueError("empty")
    head = lines[0].split()
    params, i = [], 1
    while i < len(lines) and lines[i].strip():
        if ":" not in lines[i]:
            raise ValueError("parameter line without ':'", head)
        k, v = lines[i].split(":", 1)
        params.append((k.strip(), v.strip()))
        i += 1
    sdp = "\r\n".join(l for l in lines[i:] if l.strip())
    return head, params, sdp


def param(params, name):
    for k, v in params:
        if k.lower() == name.lower():
            return v
    return None


# -- digit maps (RFC 3435 §2.1.5) ------------------------------------------------

def compile_map(text):
    s = re.sub(r"\s", "", text)
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    pats = []
    for alt in s.split("|"):
        pat, i = [], 0
        while i < len(alt):
            c = alt[i]
            if c == ".":
                pat[-1] = (pat[-1][0], True)
            elif c in "xX":
                pat.append((set("0123456789"), False))
            elif c == "[":
                j = alt.index("]", i)
                body, acc, k = alt[i + 1:j], set(), 0
                while k < len(body):
                    if k + 2 < len(body) and body[k + 1] == "-":
                        acc |= {str(d) for d in range(int(body[k]), int(body[k + 2]) + 1)}
                        k += 3
                    else:
                        acc |= set("0123456789") if body[k] in "xX" else {body[k].upper()}
                        k += 1
                pat.append((acc, False))
                i = j
            else:
                pat.append(({c.upper()}, False))
            i += 1
        pats.append(pat)
    return pats


def match_map(pats, digits):
    """'full', 'longer' (full, but more could match), 'partial' or 'none'."""
    full = longer = partial = False
    for pat in pats:
        states = _closure(pat, {0})
        for d in digits:
            states = _closure(pat, {k if pat[k][1] else k + 1 for k in states
                                    if k < len(pat) and d in pat[k][0]})
            if not states:
                break
        if not states:
            continue
        f = len(pat) in states
        more = any(k < len(pat) for k in states)
        full |= f
        if more:
            longer |= f
            partial |= not f
    if full:
        return "longer" if (longer or partial) else "full"
    return "partial" if partial else "none"


def _closure(pat, states):
    out, todo = set(states), list(states)
    while todo:
        k = todo.pop()
        if k < len(pat) and pat[k][1] and k + 1 not in out:
            out.add(k + 1)
            todo.append(k + 1)
    return out


# -- lines and their connections ---------------------------------------------

class Line:
    def __init__(self, n):
        self.n = n
        self.off_hook = False
        self.signals = set()      # active signals, e.g. {"L/rg"}
        self.lamp = False
        self.request = None       # dict: X, events, D, N
        self.digits = ""
        self.quarantine = []      # events while waiting for the next RQNT
        self.waiting = False      # notified, no RQNT since (lockstep)
        self.connections = {}     # id -> Connection
        self.timer = None


class Connection:
    def __init__(self, cid, call_id, mode):
        self.cid, self.call_id, self.mode = cid, call_id, mode
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.settimeout(0.2)
        self.port = self.rtp.getsockname()[1]
        self.remote = None
        self.received = []        # PCM16 samples
        self.sent = 0
        self.closed = False
        self.thread = threading.Thread(target=self._recv, daemon=True)
        self.thread.start()

    def _recv(self):
        while not self.closed:
            try:
                data, _ = self.rtp.recvfrom(2048)
            except (socket.timeout, OSError):
                continue
            if len(data) < 12 or data[0] >> 6 != 2:
                continue
            pt, payload = data[1] & 0x7F, data[12:]
            if self.mode in ("sendonly", "inactive"):
                continue
            if pt == 0:
                self.received.extend(ulaw_decode(b) for b in payload)
            elif pt == 8:
                self.received.extend(alaw_decode(b) for b in payload)

    def close(self):
        self.closed = True
        self.rtp.close()
