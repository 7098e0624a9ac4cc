#!/usr/bin/env python3
"""DHCP DORA/s: perfdhcp (Kea's load generator) from a client namespace
against a server in another namespace, joined by a veth pair on
192.0.2.0/24: first ivm-appliance (leases durable in RocksDB), then Kea
dhcp4 (memfile, raw sockets), in the same namespaces, one at a time.

For each server the rate is ramped; each step runs perfdhcp for SECONDS
with 200 simulated clients (-R 200; the pool has 241 addresses). Prints
one JSON line per step: packets, loss, the server's CPU per exchange.

Usage: dhcp_bench.py APPLIANCE OUT_DIR "RATES" SECONDS [SERVERS]
Everything it starts is stopped, and the namespaces deleted, on exit."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

POOL = "192.0.2.10-192.0.2.250"
# perfdhcp counts an exchange lost when no answer came within its drop time
# (-d, 1 s), but by default it exits at the end of the period and counts
# every exchange still under way as lost too: wait out the drop time.
EXIT_WAIT_US = int(os.environ.get("PERFDHCP_EXIT_WAIT_US", "1000000"))


def sh(*args, check=True):
    return subprocess.run([str(a) for a in args], check=check,
                          capture_output=True, text=True, timeout=60)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Bench:
    def __init__(self, appliance, out):
        self.appliance, self.out = appliance, out
        tag = "ivmb%d" % os.getpid()
        self.srv, self.cli = tag + "-srv", tag + "-cli"
        self.tmp = tempfile.mkdtemp(prefix="ivm-dhcp-bench-")
        self.procs = []
        sh("ip", "netns", "add", self.srv)
        sh("ip", "netns", "add", self.cli)
        sh("ip", "link", "add", "name", "eth0", "netns", self.srv, "type",
           "veth", "peer", "name", "eth0", "netns", self.cli)
        for ns in (self.srv, self.cli):
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "-n", self.srv, "addr", "add", "192.0.2.1/24", "dev", "eth0")
        # Kea picks the subnet by the source address perfdhcp sends from:
        # one in the subnet, outside the pool.
        sh("ip", "-n", self.cli, "addr", "add", "192.0.2.254/24", "dev",
           "eth0")

    def close(self):
        for p in self.procs:
            self.stop(p)
        for ns in (self.srv, self.cli):
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, args, log, env=None):
        p = subprocess.Popen(["ip", "netns", "exec", self.srv] + args,
                             stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env)
        self.procs.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def start_appliance(self):
        d = os.path.join(self.tmp, "appliance")
        os.makedirs(d)
        conf = os.path.join(d, "box.toml")
        with open(conf, "w") as f:
            f.write('log_level = "warn"\n[dhcp]\nenabled = true\n'
                    'interface = "eth0"\npool = "%s"\n'
                    'subnet_mask = "255.255.255.0"\nrouter = ["192.0.2.1"]\n'
                    'dns = ["192.0.2.1"]\nlease_time_s = 3600\n' % POOL)
        return self.start([self.appliance, "--config", conf, "--data-dir",
                           os.path.join(d, "data")],
                          os.path.join(self.out, "appliance.log"))

    def start_kea(self):
        d = os.path.join(self.tmp, "kea")
        os.makedirs(d)
        first, last = POOL.split("-")
        conf = {"Dhcp4": {
            "interfaces-config": {"interfaces": ["eth0"],
                                  "dhcp-socket-type": "raw"},
            "lease-database": {"type": "memfile", "persist": True,
                               "name": os.path.join(d, "leases.csv"),
                               "lfc-interval": 0},
            "valid-lifetime": 3600,
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "%s - %s" % (first, last)}],
                         "option-data": [
                             {"name": "routers", "data": "192.0.2.1"},
                             {"name": "domain-name-servers",
                              "data": "192.0.2.1"}]}],
            "loggers": [{"name": "kea-dhcp4", "severity": "WARN",
                         "output_options": [{"output": os.path.join(
                             self.out, "kea.log")}]}]}}
        path = os.path.join(d, "kea.json")
        with open(path, "w") as f:
            json.dump(conf, f)
        env = dict(os.environ, KEA_PIDFILE_DIR=d, KEA_LOCKFILE_DIR=d)
        return self.start(["kea-dhcp4", "-c", path],
                          os.path.join(self.out, "kea.out"), env)

    def perfdhcp(self, rate, seconds, log=None):
        r = subprocess.run(
            ["ip", "netns", "exec", self.cli, "timeout", str(seconds + 30),
             "perfdhcp", "-4", "-l", "eth0", "-r", str(rate), "-R", "200",
             "-p", str(seconds), "-W", str(EXIT_WAIT_US)],
            capture_output=True, text=True,
            timeout=seconds + 60)
        if log:
            with open(log, "w") as f:
                f.write(r.stdout + r.stderr)
        return parse_perfdhcp(r.stdout)

    def udp_errors(self):
        """The server namespace's UDP counters: datagrams in and out, receive
        and send buffer errors (the appliance's socket; Kea's raw sockets do
        not count here)."""
        text = sh("ip", "netns", "exec", self.srv, "cat",
                  "/proc/net/snmp").stdout
        rows = [line.split()[1:] for line in text.splitlines()
                if line.startswith("Udp:")]
        if len(rows) < 2:
            return {}
        named = dict(zip(rows[0], (int(x) for x in rows[1])))
        return {k: named.get(k, 0) for k in ("InDatagrams", "OutDatagrams",
                                              "RcvbufErrors", "SndbufErrors")}

    def wait_ready(self, p, name):
        for _ in range(30):
            if p.poll() is not None:
                raise SystemExit("%s exited (see %s)" % (name, self.out))
            st = self.perfdhcp(20, 1)
            if st.get("acks", 0) > 0:
                return
        raise SystemExit("%s gave no lease" % name)


def parse_perfdhcp(text):
    out = {}
    sections = re.split(r"\*\*\*Statistics for: ", text)
    for sec in sections[1:]:
        name = sec.split("***")[0]
        sent = re.search(r"sent packets: (\d+)", sec)
        recv = re.search(r"received packets: (\d+)", sec)
        if not (sent and recv):
            continue
        if name.startswith("DISCOVER"):
            out["discovers"], out["offers"] = int(sent.group(1)), int(
                recv.group(1))
        elif name.startswith("REQUEST"):
            out["requests"], out["acks"] = int(sent.group(1)), int(
                recv.group(1))
        avg = re.search(r"avg delay: ([\d.]+) ms", sec)
        if avg:
            out[("offer" if name.startswith("DISCOVER") else "ack")
                + "_avg_ms"] = float(avg.group(1))
    m = re.search(r"Rate: ([\d.]+) 4-way", text)
    if m:
        out["rate"] = float(m.group(1))
    return out


def main():
    appliance, out, rates, seconds = sys.argv[1], sys.argv[2], \
        [int(x) for x in sys.argv[3].split()], int(sys.argv[4])
    servers = (sys.argv[5] if len(sys.argv) > 5 else "appliance kea").split()
    os.makedirs(out, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    b = Bench(appliance, out)
    try:
        for server in servers:
            p = b.start_appliance() if server == "appliance" else b.start_kea()
            b.wait_ready(p, server)
            for rate in rates:
                c0, t0 = cpu_seconds(p.pid), time.monotonic()
                e0 = b.udp_errors()
                st = b.perfdhcp(rate, seconds, os.path.join(
                    out, "%s-%d.txt" % (server, rate)))
                cpu = cpu_seconds(p.pid) - c0
                e1 = b.udp_errors()
                d = st.get("discovers", 0)
                acks = st.get("acks", 0)
                loss = 100.0 * (d - acks) / d if d else 100.0
                line = {"server": server, "target": rate,
                        "discovers": d, "offers": st.get("offers", 0),
                        "acks": acks, "loss_pct": round(loss, 3),
                        "dora_per_s": round(acks / seconds, 1),
                        "offer_avg_ms": st.get("offer_avg_ms"),
                        "ack_avg_ms": st.get("ack_avg_ms"),
                        "cpu_s": round(cpu, 2),
                        "cpu_us_per_dora": round(1e6 * cpu / acks, 1)
                        if acks else None,
                        "wall_s": round(time.monotonic() - t0, 1),
                        "udp_in": e1.get("InDatagrams", 0)
                        - e0.get("InDatagrams", 0),
                        "udp_out": e1.get("OutDatagrams", 0)
                        - e0.get("OutDatagrams", 0),
                        "udp_rcvbuf_errors": e1.get("RcvbufErrors", 0)
                        - e0.get("RcvbufErrors", 0),
                        "udp_sndbuf_errors": e1.get("SndbufErrors", 0)
                        - e0.get("SndbufErrors", 0),
                        "sustained": d > 0 and loss < 1.0,
                        "alive": p.poll() is None}
                print(json.dumps(line), flush=True)
                if not line["sustained"] or not line["alive"]:
                    break
            b.stop(p)
    finally:
        b.close()


if __name__ == "__main__":
    main()
