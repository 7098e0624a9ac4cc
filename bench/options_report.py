#!/usr/bin/env python3
"""Bookkeeping of scripts/bench options (SIPp OPTIONS load).

  options_report.py cpu PID              CPU seconds (utime+stime from
                                         /proc/PID/stat) of PID and its
                                         child processes (Kamailio forks)
  options_report.py udp                  "InDatagrams RcvbufErrors" now
  options_report.py step SERVER TRANSPORT RATE STAT_CSV RTT_CSV CPU0 CPU1
                         UDP0 UDP1 PROBE_JSON
                                         one JSON line for one load step
  options_report.py table STEPS_JSONL    the summary tables and ratios
"""
import csv
import json
import os
import sys

MAX_FAIL_PCT = 0.1      # a rate is sustained with fewer failures than this
MIN_ACHIEVED = 0.95     # ... and at least this share of the target rate


def cpu_seconds(root):
    hz = os.sysconf("SC_CLK_TCK")
    parent, ticks = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            s = open("/proc/%s/stat" % d).read()
        except OSError:
            continue
        rest = s[s.rindex(")") + 2:].split()
        parent[int(d)] = int(rest[1])
        ticks[int(d)] = int(rest[11]) + int(rest[12])
    total, todo = 0, [int(root)]
    while todo:
        p = todo.pop()
        total += ticks.get(p, 0)
        todo.extend(c for c, pp in parent.items() if pp == p)
    return total / hz


def udp_counters():
    lines = [l.split() for l in open("/proc/net/snmp") if l.startswith("Udp:")]
    d = dict(zip(lines[0][1:], lines[1][1:]))
    return "%s %s" % (d.get("InDatagrams", 0), d.get("RcvbufErrors", 0))


def pct(vals, p):
    if not vals:
        return None
    k = (len(vals) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (k - lo)


def epoch(field):  # SIPp: "YYYY-MM-DD\tHH:MM:SS.usec\tEPOCH.usec"
    return float(field.split("\t")[-1])


def step(server, transport, rate, stat_csv, rtt_csv, cpu0, cpu1, udp0, udp1,
         probe_json):
    d = {"server": server, "transport": transport, "target": float(rate)}
    rows = [r for r in csv.reader(open(stat_csv), delimiter=";") if r]
    v = dict(zip(rows[0], rows[-1]))
    elapsed = epoch(v["CurrentTime"]) - epoch(v["StartTime"])
    calls = int(v["OutgoingCall(C)"])
    ok = int(v["SuccessfulCall(C)"])
    failed = int(v["FailedCall(C)"])
    d.update(calls=calls, ok=ok, failed=failed,
             retrans=int(v["Retransmissions(C)"]),
             elapsed_s=round(elapsed, 2),
             ok_per_s=round(ok / elapsed, 1) if elapsed > 0 else 0,
             fail_pct=round(100.0 * (calls - ok) / calls, 3) if calls else 100)
    rts = []
    if rtt_csv and os.path.exists(rtt_csv):
        with open(rtt_csv) as f:
            next(f, None)
            for line in f:
                p = line.split(";")
                try:
                    rts.append(float(p[1]))
                except (IndexError, ValueError):
                    pass
    rts.sort()
    d["sipp_p50_ms"], d["sipp_p99_ms"] = pct(rts, 50), pct(rts, 99)
    cpu = float(cpu1) - float(cpu0)
    d["cpu_s"] = round(cpu, 2)
    d["cpu_ms_per_1000"] = round(1e6 * cpu / ok, 1) if ok else None
    u0, u1 = [int(x) for x in udp0.split()], [int(x) for x in udp1.split()]
    d["udp_rcvbuf_drops"] = u1[1] - u0[1]
    try:
        d["probe"] = json.load(open(probe_json))
    except (OSError, ValueError):
        d["probe"] = {}
    d["sustained"] = (d["fail_pct"] < MAX_FAIL_PCT
                      and d["ok_per_s"] >= MIN_ACHIEVED * d["target"])
    return d


def fmt(x, spec="%.0f"):
    return "-" if x is None else spec % x


def table(path):
    steps = [json.loads(l) for l in open(path) if l.strip()]
    print("%-10s %-4s %7s %9s %7s %8s %7s %7s %8s %8s %9s %7s  %s" % (
        "server", "tp", "target", "ok/s", "fail%", "retrans", "p50ms",
        "p99ms", "probe50", "probe99", "cpu/1000", "drops", "sustained"))
    for d in steps:
        pr = d.get("probe") or {}
        print("%-10s %-4s %7.0f %9.1f %7.3f %8d %7s %7s %8s %8s %9s %7d  %s" % (
            d["server"], d["transport"], d["target"], d["ok_per_s"],
            d["fail_pct"], d["retrans"], fmt(d["sipp_p50_ms"]),
            fmt(d["sipp_p99_ms"]), fmt(pr.get("p50_us"), "%.0fus"),
            fmt(pr.get("p99_us"), "%.0fus"), fmt(d["cpu_ms_per_1000"], "%.1fms"),
            d["udp_rcvbuf_drops"], "yes" if d["sustained"] else "NO"))
    print()
    best = {}
    for d in steps:
        key = (d["server"], d["transport"])
        if d["sustained"] and (key not in best
                               or d["ok_per_s"] > best[key]["ok_per_s"]):
            best[key] = d
    print("Highest sustained rate (<%.1f%% failures, >=%d%% of target):" % (
        MAX_FAIL_PCT, MIN_ACHIEVED * 100))
    for tp in sorted({d["transport"] for d in steps}):
        a, k = best.get(("appliance", tp)), best.get(("kamailio", tp))
        for name, d in (("appliance", a), ("kamailio", k)):
            if d:
                pr = d.get("probe") or {}
                print("  %-4s %-10s %8.0f OPTIONS/s  p50 %s ms p99 %s ms  "
                      "probe p50 %s us p99 %s us  CPU %s ms/1000 req" % (
                          tp, name, d["ok_per_s"], fmt(d["sipp_p50_ms"]),
                          fmt(d["sipp_p99_ms"]), fmt(pr.get("p50_us")),
                          fmt(pr.get("p99_us")),
                          fmt(d["cpu_ms_per_1000"], "%.1f")))
            else:
                print("  %-4s %-10s  no rate sustained" % (tp, name))
        if a and k:
            print("  %-4s ratio appliance/kamailio: rate %.2f, CPU per request "
                  "%.2f" % (tp, a["ok_per_s"] / k["ok_per_s"],
                            (a["cpu_ms_per_1000"] or 0)
                            / (k["cpu_ms_per_1000"] or 1)))
            print("RESULT options %s appliance=%.0f kamailio=%.0f ratio=%.2f" % (
                tp, a["ok_per_s"], k["ok_per_s"],
                a["ok_per_s"] / k["ok_per_s"]))
    # CPU per request at the same offered rate (both sustained): the fairest
    # efficiency comparison, since SIPp caps the top rate for both.
    for tp in sorted({d["transport"] for d in steps}):
        for d in steps:
            if d["server"] != "appliance" or d["transport"] != tp:
                continue
            k = [x for x in steps if x["server"] == "kamailio"
                 and x["transport"] == tp and x["target"] == d["target"]]
            if k and d["sustained"] and k[0]["sustained"] and \
                    d["cpu_ms_per_1000"] and k[0]["cpu_ms_per_1000"]:
                print("  %-4s at %5.0f/s CPU per 1000 req: appliance %.1f ms, "
                      "kamailio %.1f ms, ratio %.2f" % (
                          tp, d["target"], d["cpu_ms_per_1000"],
                          k[0]["cpu_ms_per_1000"],
                          d["cpu_ms_per_1000"] / k[0]["cpu_ms_per_1000"]))


def main():
    a = sys.argv[1:]
    if not a:
        raise SystemExit(__doc__)
    if a[0] == "cpu":
        print("%.2f" % cpu_seconds(a[1]))
    elif a[0] == "udp":
        print(udp_counters())
    elif a[0] == "step" and len(a) == 11:
        print(json.dumps(step(*a[1:])))
    elif a[0] == "table":
        table(a[1])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
