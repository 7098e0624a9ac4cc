#!/usr/bin/env python3
"""Call setup time added by call-routing rules (scripts/bench routing).

  call_setup.py SIP_PORT ADMIN_JSON CALLS

Alice (201) calls Bob (202) through the box, one call at a time, CALLS calls
in each of three modes:
  plain  Bob has no rules: the box proxies the INVITE to his phone;
  rules  Bob has 32 rules, none of which matches this call (each names
         another caller): the box reads and evaluates them, then his phone
         rings;
  offer  Bob's rule offers the call by IM: his phone gets the MESSAGE and
         replies "1" at once, then gets the INVITE.
Bob's phone answers 200 at once. The setup time is from the authenticated
INVITE leaving Alice's phone to her 200 OK (the digest challenge before it
is not counted). Prints one JSON line per mode: median, p90 and max in ms,
and the median added to plain's. Everything on 127.0.0.1; each wait is
bounded (10 s), a call that fails is counted, not retried.
"""
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from sip_ua import UA, authorization, body_of, parse_challenges  # noqa: E402
from sip_util import ack_for, header, status_of  # noqa: E402

USERS = {"201": ("Alice", "alice-pw-1"), "202": ("Bob", "bob-pw-22")}


def admin(admin_json, method, path, body=None):
    cfg = json.load(open(admin_json))
    req = urllib.request.Request(
        cfg["url"].rstrip("/") + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + cfg["token"],
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def contact_of(u):
    return "<sip:%s@127.0.0.1:%d>" % (u.user, u.port)


def answer(u, req, code, reason, tag="b0b"):
    head = req.split(b"\r\n\r\n")[0].split(b"\r\n")
    keep = [l for l in head[1:] if re.match(
        rb"(?i)(via|from|to|call-id|cseq|record-route)\s*:", l)]
    keep = [l + b";tag=" + tag.encode()
            if re.match(rb"(?i)to\s*:", l) and b"tag=" not in l else l
            for l in keep]
    keep.append(b"Contact: " + contact_of(u).encode())
    u.send(b"SIP/2.0 %d %s\r\n" % (code, reason.encode()) + b"\r\n".join(keep)
           + b"\r\nContent-Length: 0\r\n\r\n")


def bob_answers(bob):
    """Bob's phone until it answered the INVITE: offers are taken with "1"
    (the MESSAGE to the box's address, digest answered)."""
    ivm = "sip:ivm@127.0.0.1"
    while True:
        r = bob.recv(10)
        if r is None:
            return False
        if r.startswith(b"SIP/2.0"):
            if status_of(r) == 407 and header(r, "CSeq").endswith("MESSAGE"):
                ch = parse_challenges(r, "Proxy-Authenticate")[0]
                auth = authorization(ch, "MESSAGE", ivm, bob.user,
                                     bob.password)
                bob.send(bob.request(
                    "MESSAGE", ivm, "Content-Type: text/plain\r\n"
                    "Proxy-Authorization: %s\r\n" % auth, b"1"))
            continue
        if r.startswith(b"INVITE "):
            answer(bob, r, 200, "OK")
            return True
        bob.answer(r, 200)
        if r.startswith(b"MESSAGE ") and b"reply 1" in body_of(r):
            bob.call_id = "take-%x" % random.getrandbits(64)
            bob.send(bob.request("MESSAGE", ivm,
                                 "Content-Type: text/plain\r\n", b"1"))


def one_call(alice, bob):
    alice.call_id = "setup-%x" % random.getrandbits(64)
    alice.tag = "%x" % random.getrandbits(32)
    ruri = "sip:202@127.0.0.1"
    extra = "Contact: %s\r\n" % contact_of(alice)
    alice.send(alice.request("INVITE", ruri, extra))
    r = alice.final_to_last()
    if status_of(r) != 407:
        return None
    alice.send(ack_for(alice.last_sent, r))
    ch = parse_challenges(r, "Proxy-Authenticate")[0]
    auth = authorization(ch, "INVITE", ruri, "201", USERS["201"][1])
    t0 = time.perf_counter()
    alice.send(alice.request("INVITE", ruri,
                             extra + "Proxy-Authorization: %s\r\n" % auth))
    if not bob_answers(bob):
        return None
    ok = alice.final_to_last()
    t1 = time.perf_counter()
    if status_of(ok) != 200:
        return None
    rr = header(ok, "Record-Route")
    to = header(ok, "To")
    target = re.search(r"<([^>]+)>", header(ok, "Contact")).group(1)
    for method in ("ACK", "BYE"):
        if method == "BYE":
            alice.cseq += 1
        alice.send(("%s %s SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%x;rport\r\n"
                    "Max-Forwards: 70\r\nRoute: %s\r\n"
                    "From: <sip:201@127.0.0.1>;tag=%s\r\nTo: %s\r\n"
                    "Call-ID: %s\r\nCSeq: %d %s\r\nContent-Length: 0\r\n\r\n"
                    % (method, target, alice.port, random.getrandbits(48), rr,
                       alice.tag, to, alice.call_id, alice.cseq,
                       method)).encode())
    while True:  # Bob takes the ACK and answers the BYE
        r = bob.recv(10)
        if r is None:
            return None
        if r.startswith(b"SIP/2.0"):
            continue
        if not r.startswith(b"ACK "):
            bob.answer(r, 200)  # the BYE, and "Putting the call through."
        if r.startswith(b"BYE "):
            break
    alice.final_to_last()
    return (t1 - t0) * 1000.0


def main():
    port, admin_json, calls = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for ext, (name, pw) in USERS.items():
        s = admin(admin_json, "POST", "/api/v1/users",
                  {"extension": ext, "name": name, "password": pw})
        assert s == 201, s
    alice = UA(port, "201", USERS["201"][1])
    bob = UA(port, "202", USERS["202"][1])
    assert status_of(bob.register()) == 200
    rules = {
        "plain": [],
        "rules": [{"name": "r%d" % i, "when": {"callers": ["9%03d" % i]},
                   "action": "decline"} for i in range(32)],
        "offer": [{"action": "offer", "timeout": 30, "fallback": "decline"}],
    }
    base = None
    for mode, rs in rules.items():
        assert admin(admin_json, "PUT", "/api/v1/users/202/rules",
                     {"rules": rs}) == 200
        times, failed = [], 0
        deadline = time.monotonic() + 600
        for _ in range(calls):
            if time.monotonic() > deadline:
                break
            t = one_call(alice, bob)
            if t is None:
                failed += 1
            else:
                times.append(t)
        times.sort()
        med = statistics.median(times) if times else None
        if mode == "plain":
            base = med
        print(json.dumps({
            "mode": mode, "calls": len(times), "failed": failed,
            "median_ms": round(med, 2) if med else None,
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 2)
            if times else None,
            "max_ms": round(times[-1], 2) if times else None,
            "added_ms": round(med - base, 2) if med and base else None}),
            flush=True)
    alice.close()
    bob.close()


if __name__ == "__main__":
    main()
