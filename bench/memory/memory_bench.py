#!/usr/bin/env python3
"""Memory per registered user: ivm-appliance next to Kamailio (registrar,
usrloc in memory), run by scripts/bench memory.

Both servers run side by side on 127.0.0.1: the appliance on a copy of the
data directory holding the provisioned users (scripts/bench's user cache),
Kamailio with bench/messaging/kamailio.cfg and the same users in its sqlite
"subscriber" table. For each level of registered users, in increasing order,
the users not yet registered are registered with digest (SIPp,
bench/messaging/reg_auth_uac.xml, bounded by count and time, first the
appliance, then Kamailio), both servers are left idle for IDLE seconds, and
then their memory is read:
  appliance  VmRSS (and RssAnon, RssFile, VmHWM) from /proc/PID/status, and
             the process_* gauges of its /metrics; the users registered are
             those SIPp saw registered (200)
  Kamailio   Pss summed over its processes (smaps_rollup: the usrloc shared
             memory is mapped by all of them, the sum of their RSS would
             count it once per process), the RSS sum, usrloc's
             registered_users
Level 0 (users provisioned, none registered) is always measured. Per
registered user = (memory at N - memory at 0) / N.

Usage: memory_bench.py --appliance EXE --users-dir DATA_DIR --out OUT_DIR
         --scratch DIR [--levels "0 10000 100000"] [--idle 60] [--rate 2000]
         [--base 1000001] [--users 100000] [--kam-children 4] [--summary FILE]
Writes OUT_DIR/memory.jsonl (one line per level), the logs and SIPp files,
and prints the table (also to --summary).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402


def level_reading(level, app, kam, idle, regs, cpu0):
    a, k = app.reading(), kam.reading()
    a["idle_cpu_s"] = round(a["cpu_s"] - cpu0[0], 2)
    k["idle_cpu_s"] = round(k["cpu_s"] - cpu0[1], 2)
    return {"level": level, "idle_s": idle, "time": time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "appliance": a, "kamailio": k,
        "sipp": regs}


def mib(kib):
    return "%.1f" % (kib / 1024.0)


def table(rows, idle, procs_note=""):
    rows = sorted(rows, key=lambda r: r["level"])
    base = next((r for r in rows if r["level"] == 0), None)
    out = []
    out.append("Memory with N users registered, each level read after %d s "
               "idle (MiB; per user: KiB above 0 registered)" % idle)
    out.append("%10s  %10s %10s %9s  %10s %10s %9s  %9s  %s" % (
        "registered", "app VmRSS", "per user", "app 200s", "kam Pss",
        "per user", "usrloc", "ratio", "kam RSS sum, procs; SIPp ok/failed "
        "this level: app, kam"))
    result = {}
    app_ok = 0
    for r in rows:
        a, k, n = r["appliance"], r["kamailio"], r["level"]
        ap = kp = None
        if base and n > 0:
            ap = (a["vmrss"] - base["appliance"]["vmrss"]) / n
            kp = (k["pss_kib"] - base["kamailio"]["pss_kib"]) / n
            result[n] = (ap, kp)
        s = r.get("sipp") or {}
        app_ok += (s.get("appliance") or {}).get("ok", 0)
        regs = ", ".join("%s %s/%s" % (srv, s[srv]["ok"], s[srv]["failed"])
                         for srv in ("appliance", "kamailio")
                         if s.get(srv))
        out.append("%10d  %10s %10s %9s  %10s %10s %9s  %9s  %s MiB, %d%s" % (
            n, mib(a["vmrss"]), "-" if ap is None else "%.2f" % ap,
            app_ok, mib(k["pss_kib"]),
            "-" if kp is None else "%.2f" % kp, k.get("registered"),
            "%.2f" % (ap / kp) if ap and kp and kp > 0 else "-",
            mib(k["rss_kib"]), k["procs"], "; " + regs if regs else ""))
    if base:
        a, k = base["appliance"], base["kamailio"]
        out.append("")
        out.append("Users provisioned, none registered: appliance VmRSS %s "
                   "MiB (RssAnon %s, RssFile %s), Kamailio Pss %s MiB over %d "
                   "processes (its subscribers live in sqlite)" % (
                       mib(a["vmrss"]), mib(a["rssanon"]), mib(a["rssfile"]),
                       mib(k["pss_kib"]), k["procs"]))
    for n, (ap, kp) in sorted(result.items()):
        r = next(x for x in rows if x["level"] == n)
        out.append("%d registered: appliance %.2f KiB per registered user, "
                   "Kamailio %.2f KiB, ratio %s; whole process %s MiB vs %s "
                   "MiB (ratio %.2f); idle CPU over %d s: appliance %.2f s, "
                   "Kamailio %.2f s" % (
                       n, ap, kp, "%.2f" % (ap / kp) if kp > 0 else "-",
                       mib(r["appliance"]["vmrss"]),
                       mib(r["kamailio"]["pss_kib"]),
                       r["appliance"]["vmrss"] /
                       max(1, r["kamailio"]["pss_kib"]), idle,
                       r["appliance"]["idle_cpu_s"],
                       r["kamailio"]["idle_cpu_s"]))
        out.append("RESULT memory per_user_kib registered=%d appliance=%.2f "
                   "kamailio=%.2f ratio=%s" % (
                       n, ap, kp, "%.2f" % (ap / kp) if kp > 0 else "-"))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--appliance", required=True)
    ap.add_argument("--users-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--levels", default="0 10000 100000")
    ap.add_argument("--idle", type=int, default=60)
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--base", type=int, default=1000001)
    ap.add_argument("--users", type=int, default=100000)
    ap.add_argument("--kam-children", type=int, default=4)
    ap.add_argument("--summary")
    ap.add_argument("--table", help="only print the table of a memory.jsonl")
    o = ap.parse_args()
    if o.table:
        rows = [json.loads(l) for l in open(o.table) if l.strip()]
        print(table(rows, rows[0]["idle_s"] if rows else 0))
        return 0
    levels = sorted({0} | {int(x) for x in o.levels.split()})
    if levels[-1] > o.users:
        raise SystemExit("level %d above the %d users provisioned"
                         % (levels[-1], o.users))
    S.on_signals()
    os.makedirs(o.out, exist_ok=True)
    os.makedirs(o.scratch, exist_ok=True)
    jsonl = os.path.join(o.out, "memory.jsonl")
    procs = S.Procs()
    rows = []
    try:
        data = os.path.join(o.scratch, "appliance")
        S.copy_data(o.users_dir, data)
        app = S.Appliance(procs, o.appliance, data,
                          os.path.join(o.out, "appliance.log"))
        kam = S.Kamailio(procs, os.path.join(o.scratch, "kamailio"),
                         o.kam_children, os.path.join(o.out, "kamailio.log"),
                         [(o.base, o.users)])
        S.log("ivm-appliance pid %d on 127.0.0.1:%d; kamailio pid %d on "
              "127.0.0.1:%d (children=%d, usrloc in memory, auth_db on "
              "sqlite); %d users provisioned in both" % (
                  app.pid, app.port, kam.pid, kam.port, o.kam_children,
                  o.users))
        done = 0
        for level in levels:
            regs = {}
            if level > done:
                csv_path = os.path.join(o.scratch, "users-%d.csv" % level)
                S.users.csv_file(csv_path, o.base + done, level - done,
                                 "127.0.0.1:9")
                for name, srv in (("appliance", app), ("kamailio", kam)):
                    t0 = time.monotonic()
                    c = S.sipp_run(procs, os.path.join(
                        o.out, "register_%d_%s" % (level, name)), srv.port,
                        "reg_auth_uac.xml", csv_path, o.rate, level - done)
                    regs[name] = c or {"ok": 0, "failed": "?"}
                    S.log("%s: users %d..%d registered in %.0f s (SIPp ok %s,"
                          " failed %s)" % (name, done + 1, level,
                                           time.monotonic() - t0,
                                           regs[name]["ok"],
                                           regs[name]["failed"]))
                done = level
            cpu0 = (S.cpu_seconds(app.pid), S.cpu_seconds(kam.pid))
            S.log("%d registered: idle %d s" % (level, o.idle))
            time.sleep(o.idle)
            if not app.alive() or not kam.alive():
                raise SystemExit("a server exited during the run (appliance "
                                 "alive: %s, kamailio alive: %s)" % (
                                     app.alive(), kam.alive()))
            r = level_reading(level, app, kam, o.idle, regs, cpu0)
            rows.append(r)
            with open(jsonl, "a") as f:
                f.write(json.dumps(r) + "\n")
            S.log("%d registered: appliance VmRSS %s MiB, kamailio Pss %s "
                  "MiB RSS sum %s MiB (usrloc %s)" % (
                           level, mib(r["appliance"]["vmrss"]),
                           mib(r["kamailio"]["pss_kib"]),
                           mib(r["kamailio"]["rss_kib"]),
                           r["kamailio"]["registered"]))
    finally:
        procs.close()
    text = table(rows, o.idle)
    print(text)
    if o.summary:
        with open(o.summary, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
