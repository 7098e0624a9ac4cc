#!/usr/bin/env python3
"""Bookkeeping of scripts/bench messaging (SIPp REGISTER/MESSAGE load with
digest authentication, appliance vs Kamailio).

  messaging_report.py mem PID            JSON: VmRSS and Pss (KiB) summed
                                         over PID and its child processes,
                                         and the number of processes
  messaging_report.py step SERVER TEST RATE STAT_CSV RTT_CSV CPU0 CPU1
                           UDP0 UDP1     one JSON line for one load step
                                         (as options_report.py step)
  messaging_report.py table STEPS_JSONL MEMORY_JSONL
                                         the summary tables and ratios

CPU figures come from options_report.py cpu (utime+stime of the process
tree, so Kamailio's workers are included).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import options_report  # noqa: E402

TESTS = [("reg", "REGISTER with digest"),
         ("online", "MESSAGE relayed to online user"),
         ("offline", "MESSAGE stored for offline user"),
         ("calls", "call through the proxy: INVITE, 407, ACK, INVITE, 200, ACK, BYE, 200")]


def tree(root):
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                s = open("/proc/%s/stat" % d).read()
                parent[int(d)] = int(s[s.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [int(root)]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(c for c, pp in parent.items() if pp == p)
    return out


def field_kib(path, name):
    try:
        for line in open(path):
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def mem(root):
    pids = tree(root)
    return {"procs": len(pids),
            "rss_kib": sum(field_kib("/proc/%d/status" % p, "VmRSS")
                           for p in pids),
            "pss_kib": sum(field_kib("/proc/%d/smaps_rollup" % p, "Pss")
                           for p in pids)}


def fmt(x, spec="%.0f"):
    return "-" if x is None else spec % x


def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"


def table(steps_path, mem_path):
    steps = []
    if os.path.exists(steps_path):
        steps = [json.loads(l) for l in open(steps_path) if l.strip()]
    print("%-10s %-8s %7s %9s %7s %8s %6s %6s %10s %6s  %s" % (
        "server", "test", "target", "ok/s", "fail%", "retrans", "p50ms",
        "p99ms", "cpu/1000", "drops", "sustained"))
    for d in steps:
        print("%-10s %-8s %7.0f %9.1f %7.3f %8d %6s %6s %10s %6d  %s" % (
            d["server"], d["transport"], d["target"], d["ok_per_s"],
            d["fail_pct"], d["retrans"], fmt(d["sipp_p50_ms"]),
            fmt(d["sipp_p99_ms"]), fmt(d["cpu_ms_per_1000"], "%.1fms"),
            d["udp_rcvbuf_drops"], "yes" if d["sustained"] else "NO"))
    print()
    print("Highest sustained rate (<%.1f%% failures, >=%d%% of target), "
          "response time of the whole exchange (both round trips), CPU "
          "seconds of the server per 1000 requests at that rate:" % (
              options_report.MAX_FAIL_PCT, options_report.MIN_ACHIEVED * 100))
    for test, title in TESTS:
        best = {}
        for d in steps:
            if d["transport"] == test and d["sustained"]:
                b = best.get(d["server"])
                if b is None or d["ok_per_s"] > b["ok_per_s"]:
                    best[d["server"]] = d
        tried = {d["server"] for d in steps if d["transport"] == test}
        if not tried:
            continue
        print("  %s:" % title)
        for name in ("appliance", "kamailio"):
            d = best.get(name)
            if d:
                print("    %-10s %7.0f/s  p50 %s ms  p99 %s ms  CPU %s s per "
                      "1000 requests" % (
                          name, d["ok_per_s"], fmt(d["sipp_p50_ms"]),
                          fmt(d["sipp_p99_ms"]),
                          fmt(d["cpu_ms_per_1000"] and
                              d["cpu_ms_per_1000"] / 1000.0, "%.3f")))
            elif name in tried:
                print("    %-10s no rate sustained" % name)
        a, k = best.get("appliance"), best.get("kamailio")
        if a and k:
            print("    ratio appliance/kamailio: rate %s, CPU per request %s"
                  % (ratio(a["ok_per_s"], k["ok_per_s"]),
                     ratio(a["cpu_ms_per_1000"], k["cpu_ms_per_1000"])))
            print("RESULT messaging %s appliance=%.0f kamailio=%.0f "
                  "ratio=%s" % (test, a["ok_per_s"], k["ok_per_s"],
                                ratio(a["ok_per_s"], k["ok_per_s"])))
        # Same offered rate, both sustained: the fairest CPU comparison.
        for d in steps:
            if d["server"] != "appliance" or d["transport"] != test:
                continue
            ks = [x for x in steps if x["server"] == "kamailio"
                  and x["transport"] == test and x["target"] == d["target"]]
            if ks and d["sustained"] and ks[0]["sustained"]:
                print("    at %5.0f/s: CPU per 1000 appliance %s ms, kamailio "
                      "%s ms (ratio %s); p50/p99 appliance %s/%s ms, "
                      "kamailio %s/%s ms" % (
                          d["target"], fmt(d["cpu_ms_per_1000"], "%.1f"),
                          fmt(ks[0]["cpu_ms_per_1000"], "%.1f"),
                          ratio(d["cpu_ms_per_1000"],
                                ks[0]["cpu_ms_per_1000"]),
                          fmt(d["sipp_p50_ms"]), fmt(d["sipp_p99_ms"]),
                          fmt(ks[0]["sipp_p50_ms"]),
                          fmt(ks[0]["sipp_p99_ms"])))
    if mem_path and os.path.exists(mem_path):
        rows = [json.loads(l) for l in open(mem_path) if l.strip()]
        print()
        print("Memory (KiB; Kamailio: all its processes, RSS counts its "
              "shared memory once per process that touched it, Pss splits "
              "it):")
        for r in rows:
            print("  %-10s %-34s procs %2d  RSS %9d  Pss %9d%s" % (
                r["server"], r["phase"], r["procs"], r["rss_kib"],
                r["pss_kib"],
                "  (%s)" % r["note"] if r.get("note") else ""))
        by = {(r["server"], r["phase"]): r for r in rows}
        a = by.get(("appliance", "registered"))
        k = by.get(("kamailio", "registered"))
        if a and k:
            print("RESULT messaging memory appliance_rss_kib=%d "
                  "kamailio_pss_kib=%d ratio=%s" % (
                      a["rss_kib"], k["pss_kib"],
                      ratio(a["rss_kib"], k["pss_kib"])))


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "mem":
        print(json.dumps(mem(a[1])))
    elif len(a) == 10 and a[0] == "step":
        print(json.dumps(options_report.step(*a[1:], "")))
    elif len(a) in (2, 3) and a[0] == "table":
        table(a[1], a[2] if len(a) > 2 else "")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
