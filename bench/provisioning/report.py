#!/usr/bin/env python3
"""Tables of the provisioning benchmark (dhcp.jsonl and tftp.jsonl of
dhcp_bench.py and tftp_bench.py). Usage: report.py DHCP_JSONL TFTP_JSONL"""

import json
import sys


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f if l.startswith("{")]
    except FileNotFoundError:
        return []


def dhcp(rows):
    if not rows:
        print("DHCP: no results")
        return
    print("DHCP (perfdhcp -R 200, DORA = DISCOVER-OFFER-REQUEST-ACK)")
    print("server      target/s  DORA/s   loss %   offer/ack avg ms  "
          "CPU s  us CPU/DORA")
    best = {}
    for d in rows:
        print("%-10s %9d %7.0f %8.3f %8s/%-8s %6.2f %9s%s" % (
            d["server"], d["target"], d["dora_per_s"], d["loss_pct"],
            d["offer_avg_ms"], d["ack_avg_ms"], d["cpu_s"],
            d["cpu_us_per_dora"], "" if d["sustained"] else
            "  (not sustained)" if d["alive"] else "  (server exited)"))
        if d["sustained"] and d["dora_per_s"] > best.get(
                d["server"], {}).get("dora_per_s", -1):
            best[d["server"]] = d
    print()
    for server, d in best.items():
        print("%-10s highest rate with <1%% loss: %.0f DORA/s, %s us CPU per "
              "exchange" % (server, d["dora_per_s"], d["cpu_us_per_dora"]))
    a, k = best.get("appliance"), best.get("kea")
    if a and k:
        print("appliance/kea: rate x%.2f, CPU per exchange x%.2f" % (
            a["dora_per_s"] / k["dora_per_s"],
            a["cpu_us_per_dora"] / k["cpu_us_per_dora"]))


def tftp(rows):
    if not rows:
        print("TFTP: no results")
        return
    print()
    print("TFTP (atftp client, loopback)")
    print("server      mode      transfers    MB/s   server CPU ms/MB  bad")
    for d in rows:
        print("%-10s  %-9s %9d %7.1f %18.2f %4d" % (
            d["server"], d["mode"], d["transfers"], d["mb_per_s"],
            d["cpu_ms_per_mb"], d["bad"]))


def main():
    dhcp(lines(sys.argv[1]))
    tftp(lines(sys.argv[2]))


if __name__ == "__main__":
    main()
