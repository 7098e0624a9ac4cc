#!/usr/bin/env python3
"""Intercom fan-out of ivm-appliance (scripts/bench intercom).

  intercom.py SIP_PORT ADMIN_JSON APPLIANCE_PID "N1 N2 ..." SECONDS [list|group]

Users (admin API, password "pw" + extension): the caller 7000001, recipients
7100001.. (each one UDP socket for SIP, registered with digest, and one for
RTP). For each N, twice (every recipient answering PCMU: pass-through; then
every recipient answering Opus: transcoded), the caller dials *9 + the N
extensions separated by '*' ("list", default) or *9 + a group of them
("group"), waits for the box's tone, then sends SECONDS of PCMU RTP (20 ms
packets paced in real time, a 440 Hz tone with a 4-byte packet counter at the
start of each payload) and hangs up. The recipients answer the box's
auto-answer INVITEs 200 with SDP and time every RTP packet they get.

Matching: pass-through packets by the counter in the payload (which must
arrive unchanged); transcoded packets by order (the k-th packet of a leg,
counted from its first sequence number, is the caller's k-th). Added latency
= receive time (the kernel's SO_TIMESTAMPNS on the recipient's socket) -
send time (just before sendto), both CLOCK_REALTIME; the same with
time.monotonic_ns() right after recvmsg in Python is given as "py".

Prints one JSON line per (N, mode): recipients invited/answered, setup time
(dial to the first tone packet), packets sent, received per recipient
(min/total/expected), loss, latency p50/p99/max, the box's CPU seconds while
the caller speaks and its CPU % of one core, messages stored after the
hang-up (0 when every recipient heard it live). Progress goes to stderr.
Everything on 127.0.0.1; every wait is bounded.
"""
import json
import os
import random
import re
import selectors
import socket
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the bench scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recordings  # noqa: E402  (admin API, digest, PCMU tone, CPU, Call)

from recordings import admin, cpu_seconds, md5, pw  # noqa: E402

CALLER = 7000001
RECIPIENT = 7100001
GROUP_BASE = 7900000  # group of N recipients: extension GROUP_BASE + N
TONE2 = recordings.TONE + recordings.TONE
# Linux: SO_TIMESTAMPNS (= SCM_TIMESTAMPNS), struct timespec in the cmsg.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
INVITE_WAIT_S = 10


def log(*a):
    print("[intercom %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr,
          flush=True)


def header(msg, name):
    m = re.search(rb"(?im)^" + name.encode() + rb"\s*:\s*(.*?)\r$", msg)
    return m.group(1).decode() if m else ""


def payload_for(k):
    off = (k * 160) % 8000
    return struct.pack("!I", k) + TONE2[off + 4:off + 160]


def rtp_parse(data):
    """(marker, pt, seq, payload) or None."""
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    cc = data[0] & 0x0F
    start = 12 + 4 * cc
    if data[0] & 0x10 and len(data) >= start + 4:
        start += 4 + 4 * struct.unpack("!H", data[start + 2:start + 4])[0]
    end = len(data)
    if data[0] & 0x20 and end > start:
        end -= data[-1]
    marker, pt = data[1] >> 7, data[1] & 0x7F
    seq = struct.unpack("!H", data[2:4])[0]
    return marker, pt, seq, data[start:end]


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    i = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return round(s[i] / 1e6, 3)


class Recipient:
    """One recipient phone: registers, answers the box's INVITEs 200 with an
    SDP answer (PCMU or Opus), answers BYE; its RTP socket is read by the
    RTP thread."""

    def __init__(self, box, ext):
        self.box, self.ext = box, ext
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.sip.setblocking(False)
        self.port = self.sip.getsockname()[1]
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        try:
            self.rtp.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        except OSError:
            pass
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.setblocking(False)
        self.rtp_port = self.rtp.getsockname()[1]
        self.registered = None  # final REGISTER status
        self.reg_call_id = "reg-%d-%x" % (ext, random.getrandbits(32))
        self.lock = threading.Lock()
        self.reset("pcmu")

    def close(self):
        self.sip.close()
        self.rtp.close()

    # -- registration ------------------------------------------------------

    def register(self, auth=None, cseq=1):
        ruri = "sip:127.0.0.1"
        msg = ("REGISTER %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch="
               "z9hG4bK%x;rport\r\nMax-Forwards: 70\r\nFrom: <sip:%d@127.0.0.1>"
               ";tag=%x\r\nTo: <sip:%d@127.0.0.1>\r\nCall-ID: %s\r\n"
               "CSeq: %d REGISTER\r\nContact: <sip:%d@127.0.0.1:%d>\r\n"
               "Expires: 3600\r\n%sContent-Length: 0\r\n\r\n" % (
                   ruri, self.port, random.getrandbits(64), self.ext,
                   random.getrandbits(32), self.ext, self.reg_call_id, cseq,
                   self.ext, self.port,
                   ("Authorization: %s\r\n" % auth) if auth else ""))
        self.sip.sendto(msg.encode(), self.box)

    def on_register_response(self, data, code):
        if code < 200:
            return
        if code == 401 and " 1 REGISTER" in " " + header(data, "CSeq"):
            ch = header(data, "WWW-Authenticate")
            realm = re.search(r'realm="([^"]*)"', ch).group(1)
            nonce = re.search(r'nonce="([^"]*)"', ch).group(1)
            ruri = "sip:127.0.0.1"
            ha1 = md5("%d:%s:%s" % (self.ext, realm, pw(self.ext)))
            ha2 = md5("REGISTER:%s" % ruri)
            cnonce = "%x" % random.getrandbits(32)
            if "qop=" in ch:
                resp = md5("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce,
                                                          ha2))
                auth = ('Digest username="%d", realm="%s", nonce="%s", '
                        'uri="%s", response="%s", algorithm=MD5, qop=auth, '
                        'nc=00000001, cnonce="%s"' % (self.ext, realm, nonce,
                                                      ruri, resp, cnonce))
            else:
                resp = md5("%s:%s:%s" % (ha1, nonce, ha2))
                auth = ('Digest username="%d", realm="%s", nonce="%s", '
                        'uri="%s", response="%s", algorithm=MD5' % (
                            self.ext, realm, nonce, ruri, resp))
            self.register(auth, 2)
            return
        self.registered = code

    # -- the intercom leg ----------------------------------------------------

    def reset(self, mode):
        with self.lock:
            self.mode = mode
            self.call_id = None
            self.ok = None          # our 200 (bytes), sent again until ACK
            self.ok_to = None
            self.ok_sent = []       # monotonic times it was sent
            self.invite_at = None
            self.acked_at = None
            self.bye_at = None
            self.auto_answer = False
            self.offer_port = None  # the box's RTP port for this leg
            self.offer_opus_pt = None
            self.answer_pt = None
            self.invites = 0
            self.problems = []
            self.pkts = []          # (kernel ns or None, monotonic ns, port, data)

    def on_sip(self, data, addr):
        if data.startswith(b"SIP/2.0 "):
            code = int(data[8:11])
            if "REGISTER" in header(data, "CSeq"):
                self.on_register_response(data, code)
            return
        method = data.split(b" ", 1)[0].decode(errors="replace")
        call_id = header(data, "Call-ID")
        now = time.monotonic()
        if method == "INVITE":
            with self.lock:
                self.invites += 1
                if call_id == self.call_id and self.ok:
                    self.sip.sendto(self.ok, addr)  # a retransmission
                    return
                self.answer_invite(data, addr, call_id, now)
            return
        if method == "ACK":
            with self.lock:
                if call_id == self.call_id and self.acked_at is None:
                    self.acked_at = now
            return
        if method == "BYE":
            with self.lock:
                if call_id == self.call_id and self.bye_at is None:
                    self.bye_at = now
        # BYE, CANCEL, OPTIONS, NOTIFY (message waiting) ...: 200.
        self.sip.sendto(self.response(data, "200 OK"), addr)

    def response(self, req, status, to=None, extra=b"", body=b""):
        head = req.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        keep = []
        for line in head[1:]:
            if re.match(rb"(?i)to\s*:", line) and to is not None:
                keep.append(b"To: " + to)
            elif re.match(rb"(?i)(via|from|to|call-id|cseq)\s*:", line):
                keep.append(line)
        return (b"SIP/2.0 " + status.encode() + b"\r\n" + b"\r\n".join(keep) +
                b"\r\n" + extra + b"Content-Length: %d\r\n\r\n" % len(body) +
                body)

    def answer_invite(self, data, addr, call_id, now):
        self.call_id = call_id
        self.invite_at = now
        self.auto_answer = "answer-after=0" in header(data, "Call-Info")
        body = data.split(b"\r\n\r\n", 1)[1].decode(errors="replace") \
            if b"\r\n\r\n" in data else ""
        m = re.search(r"(?m)^m=audio (\d+) RTP/AVP ([0-9 ]+)", body)
        if not m:
            self.problems.append("INVITE without an audio offer")
            self.sip.sendto(self.response(data, "488 Not Acceptable Here"),
                            addr)
            return
        self.offer_port = int(m.group(1))
        opus = re.search(r"(?mi)^a=rtpmap:(\d+) opus/48000", body)
        self.offer_opus_pt = int(opus.group(1)) if opus else None
        if self.mode == "opus":
            if self.offer_opus_pt is None:
                self.problems.append("no Opus in the offer")
            pt = self.offer_opus_pt if self.offer_opus_pt is not None else 96
            fmt = "m=audio %d RTP/AVP %d\r\na=rtpmap:%d opus/48000/2\r\n" % (
                self.rtp_port, pt, pt)
        else:
            pt = 0
            fmt = "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % (
                self.rtp_port)
        self.answer_pt = pt
        sdp = ("v=0\r\no=- %d 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1"
               "\r\nt=0 0\r\n%s" % (self.ext, fmt)).encode()
        to = header(data, "To").encode() + b";tag=%x" % random.getrandbits(32)
        self.ok_to = to
        self.ok = self.response(
            data, "200 OK", to,
            b"Contact: <sip:%d@127.0.0.1:%d>\r\n"
            b"Content-Type: application/sdp\r\n" % (self.ext, self.port), sdp)
        self.ok_addr = addr
        self.sip.sendto(self.ok, addr)
        self.ok_sent.append(now)

    def tick(self, now):
        # Our 200 again until the ACK (RFC 3261 13.3.1.4), a few times.
        with self.lock:
            if (self.ok and self.acked_at is None and self.bye_at is None and
                    len(self.ok_sent) < 7 and
                    now - self.ok_sent[-1] >= 0.5 * 2 ** (len(self.ok_sent) - 1)):
                self.sip.sendto(self.ok, self.ok_addr)
                self.ok_sent.append(now)


def sip_loop(recipients, stop):
    sel = selectors.DefaultSelector()
    for r in recipients:
        sel.register(r.sip, selectors.EVENT_READ, r)
    while not stop.is_set():
        for key, _ in sel.select(timeout=0.05):
            r = key.data
            while True:
                try:
                    data, addr = r.sip.recvfrom(65535)
                except (BlockingIOError, OSError):
                    break
                try:
                    r.on_sip(data, addr)
                except Exception as e:  # a malformed message: note, go on
                    r.problems.append("SIP handling: %r" % e)
        now = time.monotonic()
        for r in recipients:
            r.tick(now)
    sel.close()


def rtp_loop(recipients, stop):
    sel = selectors.DefaultSelector()
    for r in recipients:
        sel.register(r.rtp, selectors.EVENT_READ, r)
    space = socket.CMSG_SPACE(16)
    while not stop.is_set():
        for key, _ in sel.select(timeout=0.05):
            r = key.data
            while True:
                try:
                    data, anc, _, addr = r.rtp.recvmsg(2048, space)
                except (BlockingIOError, OSError):
                    break
                mono = time.monotonic_ns()
                kern = None
                for level, kind, cd in anc:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS \
                            and len(cd) >= 16:
                        sec, nsec = struct.unpack("qq", cd[:16])
                        kern = sec * 1000000000 + nsec
                r.pkts.append((kern, mono, addr[1], data))
    sel.close()


class Caller(recordings.Call):
    """The caller: recordings.Call (INVITE with digest, ACK, BYE) sending
    counted packets and counting the box's tone."""

    def __init__(self, box, ext, target):
        super().__init__(box, ext, target)
        self.tone = []  # monotonic times of the box's RTP packets
        self.invite_sent = None

    def invite(self, auth=None):
        super().invite(auth)
        self.invite_sent = time.monotonic()

    def drain(self):
        while True:
            try:
                data = self.sip.recv(65535)
            except BlockingIOError:
                break
            self.on_sip(data)
        while True:
            try:
                data = self.rtp.recv(65535)
            except BlockingIOError:
                break
            if len(data) >= 12:
                self.tone.append(time.monotonic())

    def send_counted(self, k):
        pkt = struct.pack("!BBHII", 0x80, 0, self.seq & 0xffff, self.ts,
                          0x1000 + self.ext) + payload_for(k)
        t_real, t_mono = time.time_ns(), time.monotonic_ns()
        self.rtp.sendto(pkt, self.media)
        self.seq += 1
        self.ts += 160
        return t_real, t_mono


def wait(cond, limit_s, caller=None, step=0.005):
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if caller:
            caller.drain()
        if cond():
            return True
        time.sleep(step)
    if caller:
        caller.drain()
    return cond()


def analyse(r, sent_real, sent_mono, sent):
    """Packets of the leg from the box's port: (received k set, latencies
    kernel, latencies py, extra, changed, wrong pt, first marker)."""
    pkts = [p for p in list(r.pkts) if p[2] == r.offer_port]
    got, lat_k, lat_p = set(), [], []
    extra = changed = wrong_pt = dup = 0
    first_marker = None
    first_seq = None
    for kern, mono, _, data in pkts:
        h = rtp_parse(data)
        if h is None:
            wrong_pt += 1
            continue
        marker, pt, seq, payload = h
        if pt != r.answer_pt:
            wrong_pt += 1
            continue
        if r.mode == "pcmu":
            if len(payload) < 4:
                changed += 1
                continue
            k = struct.unpack("!I", payload[:4])[0]
            if k >= sent:
                extra += 1
                continue
            if payload != payload_for(k):
                changed += 1
        else:
            if first_seq is None:
                first_seq, first_marker = seq, bool(marker)
            k = (seq - first_seq) & 0xffff
            if k >= sent:
                extra += 1
                continue
        if k in got:
            dup += 1
            continue
        got.add(k)
        if kern is not None:
            lat_k.append(kern - sent_real[k])
        lat_p.append(mono - sent_mono[k])
    return got, lat_k, lat_p, extra, changed, wrong_pt, dup, first_marker


def step(box, admin_json, pid, recipients, n, mode, seconds, dial):
    rs = recipients[:n]
    for r in recipients:
        r.reset(mode)
    exts = [str(r.ext) for r in rs]
    target = "*9" + ("%d" % (GROUP_BASE + n) if dial == "group"
                     else "*".join(exts))
    caller = Caller(box, CALLER, target)
    result = {"recipients": n, "mode": mode, "dial": dial, "seconds": seconds}
    stored0 = recordings.metric(admin_json, "ivm_voice_messages_stored_total")
    t_dial = time.monotonic()
    caller.invite()
    wait(lambda: caller.state not in ("new", "auth"), 10, caller)
    result["caller"] = caller.state
    if caller.state != "talking":
        log("N=%d %s: the caller's call failed (%s)" % (n, mode, caller.state))
        caller.sip.close()
        caller.rtp.close()
        result.update(answered=0, invited=0, sustained=False)
        return result
    # The tone ("speak now"), and every recipient's INVITE (bounded).
    wait(lambda: caller.tone and all(r.invite_at for r in rs),
         INVITE_WAIT_S - (time.monotonic() - t_dial), caller)
    if caller.tone:  # the whole tone (~300 ms), then speak
        wait(lambda: len(caller.tone) >= 15 or
             time.monotonic() - caller.tone[-1] > 0.1, 2, caller)
    tone_pkts = len(caller.tone)
    no_invite = [r.ext for r in rs if r.invite_at is None]
    if no_invite:
        log("N=%d %s: %d recipient(s) got no INVITE within %d s: %s" % (
            n, mode, len(no_invite), INVITE_WAIT_S,
            " ".join(map(str, no_invite[:10]))))
    answered = [r for r in rs if r.ok and r.acked_at is not None]
    invites = [r.invite_at - caller.invite_sent for r in rs if r.invite_at]
    result.update(
        invited=n - len(no_invite), answered=len(answered),
        no_invite=no_invite[:20],
        not_acked=[r.ext for r in rs if r.ok and r.acked_at is None][:20],
        auto_answer_hdr=sum(1 for r in rs if r.auto_answer),
        invite_last_ms=round(1000 * max(invites), 1) if invites else None,
        tone_after_ms=round(1000 * (caller.tone[0] - caller.invite_sent), 1)
        if caller.tone else None,
        tone_pkts=tone_pkts)
    if not caller.tone:
        log("N=%d %s: no tone from the box; speaking anyway" % (n, mode))

    # Speaking: SECONDS of PCMU, packet k at t0 + 20 ms * k.
    frames = seconds * 50
    sent_real, sent_mono = [0] * frames, [0] * frames
    cpu0 = cpu_seconds(pid)
    t0 = time.monotonic()
    for k in range(frames):
        sent_real[k], sent_mono[k] = caller.send_counted(k)
        caller.drain()
        delay = t0 + (k + 1) * 0.02 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    behind = time.monotonic() - t0 - frames * 0.02
    time.sleep(0.1)  # the last packets through the box
    cpu = cpu_seconds(pid) - cpu0
    wall = time.monotonic() - t0

    # Hang up; the box hangs up every leg.
    caller.in_dialog("BYE")
    wait(lambda: caller.state == "ended", 5, caller)
    wait(lambda: all(r.bye_at for r in answered), 5, caller)
    time.sleep(1)
    # Recordings stored for those who did not hear it live (0 when all did).
    result.update(caller_bye=caller.state == "ended",
                  legs_bye=sum(1 for r in answered if r.bye_at),
                  stored=recordings.metric(
                      admin_json, "ivm_voice_messages_stored_total") - stored0)
    caller.sip.close()
    caller.rtp.close()

    per, lat_k, lat_p = [], [], []
    extra = changed = wrong_pt = dup = no_marker = 0
    for r in answered:
        got, lk, lp, ex, ch, wp, du, fm = analyse(r, sent_real, sent_mono,
                                                  frames)
        per.append(len(got))
        lat_k += lk
        lat_p += lp
        extra += ex
        changed += ch
        wrong_pt += wp
        dup += du
        if mode == "opus" and fm is False:
            no_marker += 1
    problems = sorted({p for r in rs for p in r.problems})
    expected = frames * len(answered)
    total = sum(per)
    loss = 100.0 * (expected - total) / expected if expected else 100.0
    lat = lat_k if len(lat_k) == total and total else lat_p
    result.update(
        rtp_sent=frames, rx_min=min(per) if per else 0, rx_total=total,
        rx_expected=expected, loss_pct=round(loss, 3),
        latency_clock="kernel" if lat is lat_k else "py",
        lat_p50_ms=pct(lat, 50), lat_p99_ms=pct(lat, 99),
        lat_max_ms=pct(lat, 100),
        lat_py_p50_ms=pct(lat_p, 50), lat_py_p99_ms=pct(lat_p, 99),
        lat_py_max_ms=pct(lat_p, 100),
        extra=extra, duplicates=dup, payload_changed=changed,
        wrong_pt=wrong_pt, first_without_marker=no_marker,
        problems=problems[:5],
        sender_behind_s=round(behind, 3),
        cpu_s=round(cpu, 2), cpu_pct=round(100.0 * cpu / wall, 1),
        sustained=len(answered) == n and loss < 0.1 and changed == 0)
    return result


def main():
    port, admin_json, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    levels = [int(x) for x in sys.argv[4].split()]
    seconds = int(sys.argv[5])
    dial = sys.argv[6] if len(sys.argv) > 6 else "list"
    if dial not in ("list", "group"):
        raise SystemExit("dial: list or group")
    sys.setswitchinterval(0.0005)  # the RTP thread gets the GIL quickly
    box = ("127.0.0.1", port)
    top = max(levels)
    for ext in [CALLER] + [RECIPIENT + i for i in range(top)]:
        status, body = admin(admin_json, "POST", "/api/v1/users",
                             {"extension": str(ext), "password": pw(ext)})
        if status not in (200, 201, 409):
            raise SystemExit("user %d: %d %s" % (ext, status, body[:200]))
    if dial == "group":
        for n in levels:
            status, body = admin(
                admin_json, "POST", "/api/v1/groups",
                {"name": "intercom-%d" % n, "extension": str(GROUP_BASE + n),
                 "members": [str(RECIPIENT + i) for i in range(n)]})
            if status not in (200, 201, 409):
                raise SystemExit("group %d: %d %s" % (n, status, body[:200]))
    recipients = [Recipient(box, RECIPIENT + i) for i in range(top)]
    stop = threading.Event()
    threads = [threading.Thread(target=sip_loop, args=(recipients, stop),
                                daemon=True),
               threading.Thread(target=rtp_loop, args=(recipients, stop),
                                daemon=True)]
    for t in threads:
        t.start()
    try:
        for r in recipients:
            r.register()
        if not wait(lambda: all(r.registered for r in recipients), 10):
            log("%d of %d recipients without an answer to REGISTER" % (
                sum(1 for r in recipients if not r.registered), top))
        bad = [r.ext for r in recipients if r.registered != 200]
        if bad:
            log("REGISTER failed for %d recipient(s): %s" % (
                len(bad), " ".join(map(str, bad[:10]))))
        time.sleep(0.5)
        for n in levels:
            for mode in ("pcmu", "opus"):
                log("N=%d recipients, %s, %d s" % (n, mode, seconds))
                r = step(box, admin_json, pid, recipients, n, mode, seconds,
                         dial)
                print(json.dumps(r), flush=True)
                time.sleep(1)
    finally:
        stop.set()
        for t in threads:
            t.join(2)
        for r in recipients:
            r.close()


if __name__ == "__main__":
    main()
