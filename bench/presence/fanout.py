#!/usr/bin/env python3
"""NOTIFY fan-out of ivm-appliance (scripts/bench presence).

  fanout.py SIP_PORT ADMIN_JSON PRESENTITIES WATCHERS_PER [SUBS_PER_WATCHER]

Users (made through the admin API): presentities 4000001.., watcher users
5000001.. (password "pw" + extension). Every watcher user is put in each
presentity's allowed watchers by the admin (POST .../contacts), then
subscribes (digest, UDP) to `presence` of the presentities it watches: each
presentity gets WATCHERS_PER subscriptions. A watcher user holds up to
SUBS_PER_WATCHER subscriptions on one UDP socket (default: one per
presentity it watches). Then every presentity PUBLISHes (digest) a new
state and the tool answers every NOTIFY with 200, timing the fan-out.

Prints one JSON line: subscriptions made, NOTIFYs expected/received, the
time from the first PUBLISH to the last NOTIFY, NOTIFYs per second.
Everything stays on 127.0.0.1; every wait is bounded.
"""
import hashlib
import http.client
import json
import random
import re
import selectors
import socket
import sys
import threading
import time
import urllib.parse

PRES_BASE = 4000001
WATCH_BASE = 5000001
DOMAIN = "127.0.0.1"


def pw(ext):
    return "pw%d" % ext


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def admin_calls(admin_json, calls, conns=8):
    """Runs (method, path, body) calls on CONNS keep-alive connections."""
    cfg = json.load(open(admin_json))
    url = urllib.parse.urlsplit(cfg["url"])
    hdr = {"Authorization": "Bearer " + cfg["token"],
           "Content-Type": "application/json"}
    lock = threading.Lock()
    it = iter(calls)
    failed = []

    def worker():
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        while True:
            with lock:
                job = next(it, None)
            if job is None:
                break
            m, path, body = job
            c.request(m, path, json.dumps(body).encode() if body else None,
                      hdr)
            r = c.getresponse()
            r.read()
            if r.status not in (200, 201, 409):
                failed.append((path, r.status))
        c.close()

    ts = [threading.Thread(target=worker) for _ in range(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if failed:
        raise SystemExit("admin calls failed: %r" % failed[:5])


def header(msg, name):
    m = re.search(rb"(?im)^" + name.encode() + rb"\s*:\s*(.*?)\r$", msg)
    return m.group(1).decode() if m else ""


class Endpoint:
    """One UDP socket of one user: sends requests with digest, answers
    NOTIFYs 200, counts them."""

    def __init__(self, box, ext):
        self.box, self.ext = box, ext
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.pending = {}  # call-id -> (method, ruri, extra, body, cseq)
        self.done = {}  # call-id -> final status
        self.notifies = 0
        self.last_notify = 0.0

    def request(self, method, ruri, call_id, cseq, extra="", body=b"",
                auth=None, ext=None):
        ext = ext or self.ext
        head = ("%s %s SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%x;rport\r\n"
                "Max-Forwards: 70\r\n"
                "From: <sip:%d@%s>;tag=%s\r\n"
                "To: <%s>\r\n"
                "Call-ID: %s\r\nCSeq: %d %s\r\n"
                "Contact: <sip:%d@127.0.0.1:%d>\r\n%s%s"
                "Content-Length: %d\r\n\r\n" % (
                    method, ruri, self.port, random.getrandbits(64),
                    ext, DOMAIN, call_id[:12], ruri, call_id, cseq,
                    method, ext, self.port, extra,
                    ("Authorization: %s\r\n" % auth) if auth else "",
                    len(body)))
        self.sock.sendto(head.encode() + body, self.box)

    def start(self, method, ruri, call_id, extra="", body=b"", ext=None):
        ext = ext or self.ext
        self.pending[call_id] = (method, ruri, extra, body, 1, ext)
        self.request(method, ruri, call_id, 1, extra, body, None, ext)

    def on_datagram(self, data):
        if data.startswith(b"NOTIFY "):
            keep = [l for l in data.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]
                    if re.match(rb"(?i)(via|from|to|call-id|cseq)\s*:", l)]
            self.sock.sendto(b"SIP/2.0 200 OK\r\n" + b"\r\n".join(keep) +
                             b"\r\nContent-Length: 0\r\n\r\n", self.box)
            self.notifies += 1
            self.last_notify = time.monotonic()
            return
        if not data.startswith(b"SIP/2.0 "):
            return
        code = int(data[8:11])
        call_id = header(data, "Call-ID")
        job = self.pending.get(call_id)
        if job is None or code < 200:
            return
        method, ruri, extra, body, cseq, ext = job
        if code == 401 and cseq == 1:
            ch = header(data, "WWW-Authenticate")
            realm = re.search(r'realm="([^"]*)"', ch).group(1)
            nonce = re.search(r'nonce="([^"]*)"', ch).group(1)
            qop = "qop=" in ch
            ha1 = md5("%d:%s:%s" % (ext, realm, pw(ext)))
            ha2 = md5("%s:%s" % (method, ruri))
            cnonce = "%x" % random.getrandbits(32)
            if qop:
                resp = md5("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce,
                                                          ha2))
                auth = ('Digest username="%d", realm="%s", nonce="%s", '
                        'uri="%s", response="%s", algorithm=MD5, qop=auth, '
                        'nc=00000001, cnonce="%s"' % (
                            ext, realm, nonce, ruri, resp, cnonce))
            else:
                resp = md5("%s:%s:%s" % (ha1, nonce, ha2))
                auth = ('Digest username="%d", realm="%s", nonce="%s", '
                        'uri="%s", response="%s", algorithm=MD5' % (
                            ext, realm, nonce, ruri, resp))
            self.pending[call_id] = (method, ruri, extra, body, 2, ext)
            self.request(method, ruri, call_id, 2, extra, body, auth, ext)
            return
        del self.pending[call_id]
        self.done[call_id] = code


def pump(endpoints, until, limit_s):
    """Reads all sockets (at least one pass) until until() or limit_s."""
    sel = selectors.DefaultSelector()
    for e in endpoints:
        sel.register(e.sock, selectors.EVENT_READ, e)
    end = time.monotonic() + limit_s
    while True:
        left = end - time.monotonic()
        for key, _ in sel.select(timeout=max(0.0, min(0.2, left))):
            e = key.data
            while True:
                try:
                    data = e.sock.recv(65535)
                except BlockingIOError:
                    break
                e.on_datagram(data)
        if until() or time.monotonic() >= end:
            break
    sel.close()


def windowed(endpoints, jobs, window, limit_s):
    """Starts jobs (endpoint, method, ruri, call_id, extra, body) keeping at
    most `window` unfinished; returns the final statuses."""
    jobs = list(jobs)
    i = 0
    end = time.monotonic() + limit_s
    while (i < len(jobs) or any(e.pending for e in endpoints)) and \
            time.monotonic() < end:
        inflight = sum(len(e.pending) for e in endpoints)
        while i < len(jobs) and inflight < window:
            e, m, ruri, cid, extra, body = jobs[i]
            e.start(m, ruri, cid, extra, body)
            i += 1
            inflight += 1
        pump(endpoints, lambda: sum(len(e.pending) for e in endpoints)
             < max(1, min(window // 2, len(jobs) - i + 1)), 1.0)
    codes = {}
    for e in endpoints:
        for c in e.done.values():
            codes[c] = codes.get(c, 0) + 1
    return codes


PIDF = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" '
        'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" '
        'entity="sip:%d@127.0.0.1"><tuple id="bench"><status><basic>open'
        '</basic></status></tuple><dm:person id="p"><rpid:activities>'
        '<rpid:%s/></rpid:activities></dm:person></presence>')


def main():
    port, admin_json = int(sys.argv[1]), sys.argv[2]
    presentities, per = int(sys.argv[3]), int(sys.argv[4])
    box = ("127.0.0.1", port)
    t0 = time.monotonic()
    # Users and authorizations through the admin API.
    users = [("POST", "/api/v1/users",
              {"extension": str(PRES_BASE + i), "password": pw(PRES_BASE + i)})
             for i in range(presentities)]
    users += [("POST", "/api/v1/users",
               {"extension": str(WATCH_BASE + j),
                "password": pw(WATCH_BASE + j)}) for j in range(per)]
    admin_calls(admin_json, users)
    admin_calls(admin_json, [
        ("POST", "/api/v1/users/%d/contacts" % (WATCH_BASE + j),
         {"extension": str(PRES_BASE + i)})
        for i in range(presentities) for j in range(per)])
    t_users = time.monotonic() - t0
    # Subscriptions: watcher j subscribes to every presentity.
    watchers = [Endpoint(box, WATCH_BASE + j) for j in range(per)]
    jobs = [(w, "SUBSCRIBE", "sip:%d@%s" % (PRES_BASE + i, DOMAIN),
             "s%x-%d-%d" % (random.getrandbits(32), i, w.ext),
             "Event: presence\r\nExpires: 3600\r\nAccept: "
             "application/pidf+xml\r\n", b"")
            for i in range(presentities) for w in watchers]
    t1 = time.monotonic()
    codes = windowed(watchers, jobs, 400, 600)
    subs = codes.get(200, 0)
    # Initial NOTIFYs (one per subscription) drain first.
    pump(watchers, lambda: sum(w.notifies for w in watchers) >= subs, 120)
    t_subs = time.monotonic() - t1
    base = sum(w.notifies for w in watchers)
    # Every presentity publishes a new activity (from 50 sockets, each
    # request authenticated as its presentity).
    pubs = [Endpoint(box, PRES_BASE + i) for i in range(min(presentities, 50))]
    all_eps = watchers + pubs
    expected = subs
    window = 200
    k = 0
    start = time.monotonic()
    end = start + 600

    def notifies():
        return sum(w.notifies for w in watchers) - base

    while (k < presentities or any(p.pending for p in pubs)) and \
            time.monotonic() < end:
        inflight = sum(len(p.pending) for p in pubs)
        while k < presentities and inflight < window:
            ext = PRES_BASE + k
            pubs[k % len(pubs)].start(
                "PUBLISH", "sip:%d@%s" % (ext, DOMAIN),
                "p%x-%d" % (random.getrandbits(32), k),
                "Event: presence\r\nExpires: 3600\r\n"
                "Content-Type: application/pidf+xml\r\n",
                (PIDF % (ext, "meeting")).encode(), ext)
            k += 1
            inflight += 1
        pump(all_eps, lambda: sum(len(p.pending) for p in pubs)
             < max(1, min(window // 2, presentities - k + 1)), 1.0)
    pump(all_eps, lambda: notifies() >= expected, 120)
    last = max(w.last_notify for w in watchers)
    pub_codes = {}
    for p in pubs:
        for c in p.done.values():
            pub_codes[c] = pub_codes.get(c, 0) + 1
    span = max(last - start, 1e-9)
    print(json.dumps({
        "presentities": presentities, "watchers_per": per,
        "subscriptions": subs, "subscribe_codes": codes,
        "publish_codes": pub_codes,
        "notifies_expected": expected, "notifies_received": notifies(),
        "setup_users_s": round(t_users, 1), "setup_subs_s": round(t_subs, 1),
        "fanout_s": round(span, 3),
        "notifies_per_s": round(notifies() / span, 1)}))


if __name__ == "__main__":
    main()
