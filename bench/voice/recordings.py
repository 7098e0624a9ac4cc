#!/usr/bin/env python3
"""Concurrent recordings of ivm-appliance (scripts/bench voice).

  recordings.py SIP_PORT ADMIN_JSON APPLIANCE_PID "N1 N2 ..." SECONDS

For each N: N callers dial *7 + a recipient at once (digest over UDP), each
sends SECONDS of PCMU RTP (a 440 Hz tone, 20 ms packets, paced in real time),
then hangs up. Prints one JSON line per N: calls answered, RTP packets sent
and recorded by the box (its ivm_voice_rtp_packets_total), loss, the box's CPU
seconds during the step and per recording-second, messages stored.
Everything on 127.0.0.1; every wait is bounded.
"""
import hashlib
import http.client
import json
import math
import random
import re
import socket
import struct
import sys
import time
import urllib.parse

CALLER = 6000001
RECIPIENT = 6100001


def pw(ext):
    return "pw%d" % ext


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def admin(admin_json, method, path, body=None):
    cfg = json.load(open(admin_json))
    url = urllib.parse.urlsplit(cfg["url"])
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    c.request(method, path, json.dumps(body).encode() if body else None,
              {"Authorization": "Bearer " + cfg["token"],
               "Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def metric(admin_json, name):
    cfg = json.load(open(admin_json))
    url = urllib.parse.urlsplit(cfg["url"])
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    c.close()
    m = re.search(r"(?m)^%s (\d+)" % name, text)
    return int(m.group(1)) if m else 0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


def ulaw(sample):
    # G.711 mu-law encoder (for the benchmark's tone only).
    sign = 0x80 if sample < 0 else 0
    sample = min(abs(sample), 32635) + 132
    exp = 7
    for e in range(7, -1, -1):
        if sample & (0x4000 >> (7 - e)):
            exp = e
            break
    mant = (sample >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


TONE = bytes(ulaw(int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
             for i in range(8000))


class Call:
    def __init__(self, box, ext, target):
        self.box, self.ext, self.target = box, ext, target
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.sip.setblocking(False)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.setblocking(False)
        self.port = self.sip.getsockname()[1]
        self.call_id = "bench-%x" % random.getrandbits(64)
        self.tag = "%x" % random.getrandbits(32)
        self.cseq = 1
        self.state = "new"
        self.media = None
        self.ok = None
        self.seq = random.getrandbits(16)
        self.ts = 0

    def invite(self, auth=None):
        ruri = "sip:%s@127.0.0.1" % self.target
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1"
               "\r\nt=0 0\r\nm=audio %d RTP/AVP 0 101\r\n"
               "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
               % self.rtp.getsockname()[1])
        self.branch = "z9hG4bK%x" % random.getrandbits(64)
        msg = ("INVITE %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;"
               "rport\r\nMax-Forwards: 70\r\nFrom: <sip:%d@127.0.0.1>;tag=%s"
               "\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: %d INVITE\r\n"
               "Contact: <sip:%d@127.0.0.1:%d>\r\n%s"
               "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
               % (ruri, self.port, self.branch, self.ext, self.tag, ruri,
                  self.call_id, self.cseq, self.ext, self.port,
                  ("Proxy-Authorization: %s\r\n" % auth) if auth else "",
                  len(sdp), sdp))
        self.sip.sendto(msg.encode(), self.box)
        self.last_invite = msg

    def on_sip(self, data):
        if data.startswith(b"BYE "):
            self.answer(data)
            self.state = "ended"
            return
        if not data.startswith(b"SIP/2.0 "):
            return
        code = int(data[8:11])
        if code < 200:
            return
        if b"CSeq: %d BYE" % self.cseq in data or b" BYE\r\n" in data.split(
                b"\r\n\r\n")[0]:
            self.state = "ended"
            return
        if code == 407 and self.state == "new":
            self.ack(data)
            text = data.decode()
            ch = re.search(r"Proxy-Authenticate: (Digest [^\r]*)", text)
            realm = re.search(r'realm="([^"]*)"', ch.group(1)).group(1)
            nonce = re.search(r'nonce="([^"]*)"', ch.group(1)).group(1)
            ruri = "sip:%s@127.0.0.1" % self.target
            ha1 = md5("%d:%s:%s" % (self.ext, realm, pw(self.ext)))
            ha2 = md5("INVITE:%s" % ruri)
            cnonce = "%x" % random.getrandbits(32)
            resp = md5("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce, ha2))
            auth = ('Digest username="%d", realm="%s", nonce="%s", uri="%s", '
                    'response="%s", algorithm=MD5, qop=auth, nc=00000001, '
                    'cnonce="%s"' % (self.ext, realm, nonce, ruri, resp,
                                     cnonce))
            self.cseq += 1
            self.state = "auth"
            self.invite(auth)
            return
        if code == 200 and self.state == "auth":
            self.ok = data
            body = data.split(b"\r\n\r\n", 1)[1].decode()
            port = int(re.search(r"m=audio (\d+)", body).group(1))
            self.media = ("127.0.0.1", port)
            self.to = re.search(rb"(?im)^To: (.*)\r$", data).group(1).decode()
            self.remote = re.search(r"<([^>]+)>", re.search(
                rb"(?im)^Contact: (.*)\r$", data).group(1).decode()).group(1)
            self.in_dialog("ACK")
            self.state = "talking"
        elif code >= 300:
            self.ack(data)
            self.state = "failed"

    def ack(self, resp):
        to = re.search(rb"(?im)^To: (.*)\r$", resp).group(1).decode()
        ruri = "sip:%s@127.0.0.1" % self.target
        msg = ("ACK %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;"
               "rport\r\nMax-Forwards: 70\r\nFrom: <sip:%d@127.0.0.1>;tag=%s"
               "\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d ACK\r\n"
               "Content-Length: 0\r\n\r\n" % (ruri, self.port, self.branch,
                                             self.ext, self.tag, to,
                                             self.call_id, self.cseq))
        self.sip.sendto(msg.encode(), self.box)

    def in_dialog(self, method):
        if method == "BYE":
            self.cseq += 1
        msg = ("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK"
               "%x;rport\r\nMax-Forwards: 70\r\nFrom: <sip:%d@127.0.0.1>;tag=%s"
               "\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
               "Content-Length: 0\r\n\r\n" % (
                   method, self.remote, self.port, random.getrandbits(64),
                   self.ext, self.tag, self.to, self.call_id, self.cseq,
                   method))
        self.sip.sendto(msg.encode(), self.box)

    def answer(self, req):
        head = req.split(b"\r\n\r\n")[0].split(b"\r\n")
        keep = [l for l in head[1:] if re.match(
            rb"(?i)(via|from|to|call-id|cseq)\s*:", l)]
        self.sip.sendto(b"SIP/2.0 200 OK\r\n" + b"\r\n".join(keep) +
                        b"\r\nContent-Length: 0\r\n\r\n", self.box)

    def send_frame(self):
        off = (self.ts % 8000)
        payload = (TONE + TONE)[off:off + 160]
        pkt = struct.pack("!BBHII", 0x80, 0, self.seq & 0xffff, self.ts,
                          0x1000 + self.ext) + payload
        self.rtp.sendto(pkt, self.media)
        self.seq += 1
        self.ts += 160

    def drain(self):
        for sock in (self.sip, self.rtp):
            while True:
                try:
                    data = sock.recv(65535)
                except BlockingIOError:
                    break
                if sock is self.sip:
                    self.on_sip(data)


def step(box, admin_json, pid, n, seconds):
    calls = [Call(box, CALLER + i, "*7%d" % RECIPIENT) for i in range(n)]
    rec0 = metric(admin_json, "ivm_voice_rtp_packets_total")
    stored0 = metric(admin_json, "ivm_voice_messages_stored_total")
    cpu0 = cpu_seconds(pid)
    for c in calls:
        c.invite()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
            c.state in ("new", "auth") for c in calls):
        for c in calls:
            c.drain()
        time.sleep(0.005)
    talking = [c for c in calls if c.state == "talking"]
    sent = 0
    frames = seconds * 50
    t0 = time.monotonic()
    for k in range(frames):
        for c in talking:
            c.send_frame()
            sent += 1
        for c in calls:
            c.drain()
        # Real time: packet k goes out at t0 + 20 ms * k.
        delay = t0 + (k + 1) * 0.02 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    behind = time.monotonic() - t0 - frames * 0.02
    cpu_live = cpu_seconds(pid) - cpu0
    t_bye = time.monotonic()
    for c in talking:
        c.in_dialog("BYE")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
            c.state == "talking" for c in talking):
        for c in talking:
            c.drain()
        time.sleep(0.005)
    # Packets still in the box's queues count too (bounded wait).
    deadline = time.monotonic() + 10
    while (time.monotonic() < deadline and
           metric(admin_json, "ivm_voice_rtp_packets_total") - rec0 < sent):
        time.sleep(0.2)
    recorded = metric(admin_json, "ivm_voice_rtp_packets_total") - rec0
    # Every recording encoded, sealed and stored (bounded wait).
    deadline = time.monotonic() + 900
    while (time.monotonic() < deadline and
           metric(admin_json, "ivm_voice_messages_stored_total") - stored0
           < len(talking)):
        time.sleep(0.2)
    stored = metric(admin_json, "ivm_voice_messages_stored_total") - stored0
    t_stored = time.monotonic() - t_bye
    cpu = cpu_seconds(pid) - cpu0
    for c in calls:
        c.sip.close()
        c.rtp.close()
    loss = 100.0 * (sent - recorded) / sent if sent else 100.0
    return {"concurrent": n, "answered": len(talking), "seconds": seconds,
            "rtp_sent": sent, "rtp_recorded": recorded,
            "loss_pct": round(loss, 3), "sender_behind_s": round(behind, 2),
            "cpu_live_s": round(cpu_live, 2),
            "cpu_s": round(cpu, 2),
            "cpu_ms_per_recording_s": round(
                1000 * cpu / max(1, len(talking) * seconds), 2),
            "stored": stored, "stored_after_s": round(t_stored, 1),
            "sustained": len(talking) == n and loss < 0.1 and
            stored == len(talking)}


def main():
    port, admin_json, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    levels = [int(x) for x in sys.argv[4].split()]
    seconds = int(sys.argv[5])
    box = ("127.0.0.1", port)
    top = max(levels)
    for i in range(top):
        admin(admin_json, "POST", "/api/v1/users",
              {"extension": str(CALLER + i), "password": pw(CALLER + i)})
    admin(admin_json, "POST", "/api/v1/users",
          {"extension": str(RECIPIENT), "password": pw(RECIPIENT)})
    for n in levels:
        r = step(box, admin_json, pid, n, seconds)
        print(json.dumps(r), flush=True)
        if not r["sustained"]:
            break


if __name__ == "__main__":
    main()
