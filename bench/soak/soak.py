#!/usr/bin/env python3
"""Soak of the appliance: MESSAGE relayed to registered users at a steady
rate for a long time, run by scripts/bench soak.

As the "online" test of scripts/bench messaging: the appliance runs on a
copy of the data directory holding the provisioned users (scripts/bench's
user cache); RECIPIENTS users register (digest, bench/messaging/
reg_auth_uac.xml) with their contact at one SIPp UAS that answers every
MESSAGE with 200 (bench/messaging/msg_uas.xml); SENDERS users send MESSAGEs
with digest (MESSAGE, 407, MESSAGE with Proxy-Authorization, 200;
bench/messaging/msg_online_uac.xml), each to a recipient in turn, at RATE/s
for SECONDS: one SIPp run bounded by count (-m RATE*SECONDS) and time. The
recipients register again every REREG seconds (their Expires is 3600 s).

Every SAMPLE seconds the appliance's VmRSS, RssAnon, CPU seconds
(utime+stime, all threads), threads, the messages it counts delivered
(/metrics) and SIPp's counters go to OUT_DIR/soak.csv. At the end it prints
the messages sent/ok/failed, the CPU per message over each tenth of the run,
the RSS at the end of the warm-up (the first WARMUP %) and at the end, and
"RSS flat" if the growth after the warm-up is under FLAT_PCT %.

Usage: soak.py --appliance EXE --users-dir DATA_DIR --out OUT_DIR
         --scratch DIR [--rate 500] [--seconds 3600] [--sample 10]
         [--senders 1000] [--sender-base 1000001] [--recipients 200]
         [--rcpt-base 3000001] [--rereg 1800] [--warmup 10] [--flat 5]
         [--summary FILE]
       soak.py --report OUT_DIR/soak.csv [--warmup 10] [--flat 5]
"""
import argparse
import csv
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "memory"))
import servers as S  # noqa: E402

COLUMNS = ["t_s", "phase", "rss_kib", "rss_anon_kib", "cpu_s", "threads",
           "delivered", "sipp_sent", "sipp_ok", "sipp_failed",
           "sipp_retrans"]


def sample(app, t_s, phase, sipp):
    st = S.status_kib(app.pid, "VmRSS", "RssAnon", "Threads")
    m = S.metrics(app.admin_json)
    s = sipp or {}
    return {"t_s": round(t_s, 1), "phase": phase, "rss_kib": st["VmRSS"],
            "rss_anon_kib": st["RssAnon"],
            "cpu_s": round(S.cpu_seconds(app.pid), 2),
            "threads": st["Threads"],
            "delivered": int(m.get("ivm_messages_delivered_total", -1)),
            "sipp_sent": s.get("sent", ""), "sipp_ok": s.get("ok", ""),
            "sipp_failed": s.get("failed", ""),
            "sipp_retrans": s.get("retrans", "")}


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def interp(rows, t, key):
    """KEY at t seconds, linear between the samples around it."""
    pts = [(r["t_s"], num(r[key])) for r in rows if num(r[key]) is not None]
    if not pts:
        return None
    if t <= pts[0][0]:
        return pts[0][1]
    for (t0, v0), (t1, v1) in zip(pts, pts[1:]):
        if t0 <= t <= t1:
            return v0 if t1 == t0 else v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return pts[-1][1]


def report(rows, warmup_pct, flat_pct, final=None, meta=None):
    load = [r for r in rows if r["phase"] in ("start", "load")]
    out = []
    if meta:
        out.append("Soak: MESSAGE relayed to %(recipients)d registered users "
                   "from %(senders)d senders at %(rate)d/s for %(seconds)d s "
                   "(samples every %(sample)d s)" % meta)
    if final:
        sent, ok, failed = final["sent"], final["ok"], final["failed"]
        out.append("messages sent %d, ok %d, failed %d (%.3f %%), SIPp "
                   "retransmissions %d" % (
                       sent, ok, failed, 100.0 * failed / sent if sent else 0,
                       final["retrans"]))
    if len(load) < 2:
        out.append("too few samples")
        return "\n".join(out)
    t_end = load[-1]["t_s"]
    # Messages per tenth from SIPp's counters when every sample has them,
    # else from the box's delivered counter.
    key = "sipp_ok" if all(num(r["sipp_ok"]) is not None
                           for r in load[1:]) else "delivered"
    out.append("")
    out.append("%-16s %10s %8s %14s %10s" % (
        "tenth of the run", "messages", "CPU s", "CPU ms/message",
        "RSS MiB"))
    # The start sample has no SIPp counters yet: 0 messages then.
    for r in load[:1]:
        r[key] = num(r[key]) or 0
    t_first = load[0]["t_s"]
    for i in range(10):
        ta = t_first + (t_end - t_first) * i / 10.0
        tb = t_first + (t_end - t_first) * (i + 1) / 10.0
        msgs = interp(load, tb, key) - interp(load, ta, key)
        cpu = interp(load, tb, "cpu_s") - interp(load, ta, "cpu_s")
        out.append("%4.0f-%4.0f s %5s %10.0f %8.2f %14s %10.1f" % (
            ta, tb, "", msgs, cpu,
            "%.3f" % (1000.0 * cpu / msgs) if msgs > 0 else "-",
            interp(load, tb, "rss_kib") / 1024.0))
    t_warm = t_first + (t_end - t_first) * warmup_pct / 100.0
    e = load[-1]
    rw, re_ = interp(load, t_warm, "rss_kib"), num(e["rss_kib"])
    growth = re_ - rw
    pct = 100.0 * growth / rw if rw else 0.0
    first = load[0]
    out.append("")
    out.append("RSS before the load %.1f MiB, at the end of the warm-up "
               "(%.0f s, first %d %%) %.1f MiB, at the end (%.0f s) %.1f MiB:"
               " growth after warm-up %+.1f MiB (%+.1f %%); max %.1f MiB" % (
                   num(first["rss_kib"]) / 1024.0, t_warm, warmup_pct,
                   rw / 1024.0, e["t_s"], re_ / 1024.0, growth / 1024.0, pct,
                   max(num(r["rss_kib"]) for r in rows) / 1024.0))
    cpu = num(e["cpu_s"]) - num(first["cpu_s"])
    msgs = (num(e[key]) or 0) - (num(first[key]) or 0)
    out.append("CPU over the run %.1f s = %.1f %% of a core, %s ms per "
               "message" % (cpu, 100.0 * cpu / t_end if t_end else 0,
                            "%.3f" % (1000.0 * cpu / msgs) if msgs else "-"))
    after = [r for r in rows if r["phase"] == "after"]
    if after:
        out.append("RSS %.0f s after the load stopped: %.1f MiB" % (
            after[-1]["t_s"] - t_end, num(after[-1]["rss_kib"]) / 1024.0))
    verdict = "RSS flat" if pct < flat_pct else "RSS grows"
    out.append("%s (growth after the first %d %% %s %d %%)" % (
        verdict, warmup_pct, "under" if pct < flat_pct else "not under",
        flat_pct))
    out.append("RESULT soak rss_warm_mib=%.1f rss_end_mib=%.1f growth_mib=%.1f"
               " growth_pct=%.1f verdict=%s" % (
                   rw / 1024.0, re_ / 1024.0, growth / 1024.0, pct,
                   verdict.replace(" ", "_")))
    return "\n".join(out)


def read_csv(path):
    rows = []
    for r in csv.DictReader(open(path)):
        r["t_s"] = float(r["t_s"])
        rows.append(r)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--appliance")
    ap.add_argument("--users-dir")
    ap.add_argument("--out")
    ap.add_argument("--scratch")
    ap.add_argument("--rate", type=int, default=500)
    ap.add_argument("--seconds", type=int, default=3600)
    ap.add_argument("--sample", type=int, default=10)
    ap.add_argument("--senders", type=int, default=1000)
    ap.add_argument("--sender-base", type=int, default=1000001)
    ap.add_argument("--recipients", type=int, default=200)
    ap.add_argument("--rcpt-base", type=int, default=3000001)
    ap.add_argument("--rereg", type=int, default=1800)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--flat", type=int, default=5)
    ap.add_argument("--after", type=int, default=30,
                    help="seconds of samples after the load")
    ap.add_argument("--summary")
    ap.add_argument("--report", help="only report on a soak.csv")
    o = ap.parse_args()
    if o.report:
        print(report(read_csv(o.report), o.warmup, o.flat))
        return 0
    for k in ("appliance", "users_dir", "out", "scratch"):
        if not getattr(o, k):
            ap.error("--%s is needed" % k.replace("_", "-"))
    S.on_signals()
    os.makedirs(o.out, exist_ok=True)
    os.makedirs(o.scratch, exist_ok=True)
    meta = {k: getattr(o, k) for k in ("rate", "seconds", "sample", "senders",
                                       "recipients")}
    procs = S.Procs()
    rows, final = [], None
    csv_path = os.path.join(o.out, "soak.csv")
    f = open(csv_path, "w", newline="")
    w = csv.DictWriter(f, COLUMNS)
    w.writeheader()

    def keep(r):
        rows.append(r)
        w.writerow(r)
        f.flush()

    try:
        data = os.path.join(o.scratch, "appliance")
        S.copy_data(o.users_dir, data)
        app = S.Appliance(procs, o.appliance, data,
                          os.path.join(o.out, "appliance.log"))
        total = o.rate * o.seconds
        uas_port = S.free_port()
        rcpt_csv = os.path.join(o.scratch, "rcpt.csv")
        msg_csv = os.path.join(o.scratch, "online.csv")
        S.users.csv_file(rcpt_csv, o.rcpt_base, o.recipients,
                         "127.0.0.1:%d" % uas_port)
        S.users.csv_file(msg_csv, o.sender_base, o.senders, None,
                         o.rcpt_base, o.recipients)
        # The recipients' phone: answers every MESSAGE; bounded by count
        # (every message once, with room for retransmitted ones arriving
        # after its 4 s) and time.
        uas_dir = os.path.join(o.out, "uas")
        os.makedirs(uas_dir, exist_ok=True)
        uas_limit = o.seconds + 300
        uas = procs.start(
            ["sipp", "-sf", os.path.join(S.MSG_DIR, "msg_uas.xml"),
             "-t", "u1", "-i", "127.0.0.1", "-p", uas_port,
             "-cp", S.free_port(), "-mp", S.free_port(), "-nostdin", "-nd",
             "-buff_size", "4194304", "-max_log_size", "2000000",
             "-m", int(total * 1.2) + 10000, "-timeout", "%ds" % uas_limit,
             "-trace_err"], os.path.join(uas_dir, "sipp.txt"), cwd=uas_dir)
        time.sleep(0.5)
        S.log("ivm-appliance pid %d on 127.0.0.1:%d; SIPp UAS on "
              "127.0.0.1:%d for %d recipients" % (app.pid, app.port,
                                                  uas_port, o.recipients))
        c = S.sipp_run(procs, os.path.join(o.out, "register_rcpt"), app.port,
                       "reg_auth_uac.xml", rcpt_csv, 200, o.recipients)
        S.log("%d recipients registered (SIPp ok %s, failed %s)" % (
            o.recipients, c and c["ok"], c and c["failed"]))
        if not c or c["ok"] != o.recipients:
            raise SystemExit("the recipients did not all register")
        time.sleep(2)
        uac_dir = os.path.join(o.out, "uac")
        stat = os.path.join(uac_dir, "stat.csv")
        S.log("soak: %d MESSAGE/s for %d s (%d messages), a sample every "
              "%d s into %s" % (o.rate, o.seconds, total, o.sample,
                                csv_path))
        t0 = time.monotonic()
        keep(sample(app, 0.0, "start", None))
        uac = S.sipp_start(procs, uac_dir, app.port, "msg_online_uac.xml",
                           msg_csv, o.rate, total, limit_s=o.seconds + 60)
        next_t, next_rereg, rereg, n_rereg = o.sample, o.rereg, None, 0
        last = None  # SIPp's counters, kept when its file is mid-write

        def counts():
            nonlocal last
            last = S.sipp_counts(stat) or last
            return last

        while uac.poll() is None:
            now = time.monotonic() - t0
            if now >= uac.limit - t0:
                S.log("SIPp over its time limit, stopped")
                break
            if rereg is not None and rereg.poll() is not None:
                procs.stop(rereg)
                rereg = None
            if now >= next_rereg and rereg is None:
                n_rereg += 1
                rereg = S.sipp_start(
                    procs, os.path.join(o.out, "reregister_%d" % n_rereg),
                    app.port, "reg_auth_uac.xml", rcpt_csv, 200,
                    o.recipients)
                next_rereg += o.rereg
            if now >= next_t:
                r = sample(app, now, "load", counts())
                keep(r)
                if int(now) % 60 < o.sample:
                    S.log("%5.0f s: RSS %.1f MiB, CPU %.1f s, ok %s, failed "
                          "%s" % (now, r["rss_kib"] / 1024.0, r["cpu_s"],
                                  r["sipp_ok"], r["sipp_failed"]))
                next_t += o.sample
            if not app.alive():
                raise SystemExit("ivm-appliance exited during the soak")
            time.sleep(min(0.5, max(0.05, next_t - (time.monotonic() - t0))))
        # The last sample of the load: when SIPp ended (it stops at -m).
        keep(sample(app, time.monotonic() - t0, "load", counts()))
        procs.stop(uac)
        if rereg is not None:
            S.sipp_wait(procs, rereg)
        final = counts()
        t_end = time.monotonic() - t0
        S.log("load over after %.0f s; %d s of samples without load" % (
            t_end, o.after))
        t_after = t_end
        while t_after - t_end < o.after:
            time.sleep(min(o.sample, o.after))
            t_after = time.monotonic() - t0
            keep(sample(app, t_after, "after", None))
    finally:
        procs.close()
        f.close()
    text = report(rows, o.warmup, o.flat, final, meta)
    print(text)
    if o.summary:
        with open(o.summary, "w") as fs:
            fs.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
