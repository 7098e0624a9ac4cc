#!/usr/bin/env python3
"""TFTP throughput on loopback: the atftp client fetches a SIZE_MB file,
1 and N at a time, lockstep (blksize 1468) and windowed (blksize 1468,
windowsize WINDOW), from ivm-appliance (the file uploaded as firmware
through the admin API), tftpd-hpa and atftpd. Every copy is checked
(size and SHA-256) after the clock stops.

Usage: tftp_bench.py OUT_DIR SIZE_MB "LEVELS" WINDOW SERVER=SPEC...
  appliance=PATH_TO_IVM_APPLIANCE  tftpd-hpa=PATH_TO_IN.TFTPD
  atftpd=PATH_TO_ATFTPD
Prints one JSON line per run. Stops everything it started on exit."""

import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

NAME = "bench-20m.rom"


def free_port():
    for _ in range(50):
        with socket.socket() as t, socket.socket(socket.AF_INET,
                                                 socket.SOCK_DGRAM) as u:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            try:
                u.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit("no free port")


CPUACCT = "/sys/fs/cgroup/cpuacct"


class CpuGroup:
    """CPU of a server and every process it forks (tftpd-hpa forks one per
    transfer): a cgroup v1 cpuacct group when the machine has one, else the
    server process alone (its reaped children included)."""

    def __init__(self, name):
        self.path = None
        if os.access(CPUACCT, os.W_OK):
            self.path = os.path.join(CPUACCT, "ivm-bench-%d-%s"
                                     % (os.getpid(), name))
            os.makedirs(self.path, exist_ok=True)

    def enter(self):  # runs in the child before exec
        if self.path:
            with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))

    def seconds(self, pid):
        if self.path:
            with open(os.path.join(self.path, "cpuacct.usage")) as f:
                return int(f.read()) / 1e9
        with open("/proc/%d/stat" % pid) as f:
            v = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in v[11:15]) / os.sysconf("SC_CLK_TCK")

    def close(self):
        if self.path:
            try:
                os.rmdir(self.path)
            except OSError:
                pass


class Servers:
    def __init__(self, tmp, out):
        self.tmp, self.out, self.procs = tmp, out, []

    def spawn(self, args, log):
        cg = CpuGroup(log.split(".")[0])
        p = subprocess.Popen(args, stdout=open(os.path.join(self.out, log),
                                               "ab"),
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             preexec_fn=cg.enter)
        p.cpu = cg
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            p.cpu.close()

    def appliance(self, binary, data):
        d = os.path.join(self.tmp, "appliance")
        os.makedirs(d)
        port, http, admin = free_port(), free_port(), free_port()
        conf = os.path.join(d, "box.toml")
        with open(conf, "w") as f:
            f.write('log_level = "warn"\n[provisioning]\n'
                    'tftp_listen = "127.0.0.1:%d"\nhttp_listen = '
                    '"127.0.0.1:%d"\n' % (port, http))
        p = self.spawn([binary, "--config", conf, "--data-dir",
                        os.path.join(d, "data"), "--sip-listen",
                        "127.0.0.1:%d" % free_port(), "--sip-tls-listen",
                        "127.0.0.1:0", "--admin-listen",
                        "127.0.0.1:%d" % admin], "appliance.log")
        token = None
        for _ in range(600):
            if p.poll() is not None:
                raise SystemExit("ivm-appliance exited")
            try:
                with open(os.path.join(d, "data", "admin.json")) as f:
                    token = json.load(f)["token"]
                urllib.request.urlopen("http://127.0.0.1:%d/health" % admin,
                                       timeout=2).read()
                break
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        req = urllib.request.Request(
            "http://127.0.0.1:%d/api/v1/firmware/%s" % (admin, NAME),
            data=data, method="PUT",
            headers={"Authorization": "Bearer %s" % token,
                     "Content-Type": "application/octet-stream"})
        urllib.request.urlopen(req, timeout=120).read()
        return p, port

    def root(self, data):
        d = tempfile.mkdtemp(dir=self.tmp, prefix="root-")
        os.chmod(d, 0o755)
        with open(os.path.join(d, NAME), "wb") as f:
            f.write(data)
        os.chmod(os.path.join(d, NAME), 0o644)
        return d

    def tftpd_hpa(self, binary, data):
        port = free_port()
        # -L: standalone in the foreground; -s: chroot into the root; it
        # drops to user nobody itself.
        p = self.spawn([binary, "-L", "-a", "127.0.0.1:%d" % port, "-s",
                        self.root(data)], "tftpd-hpa.log")
        return p, port

    def atftpd(self, binary, data):
        port = free_port()
        p = self.spawn([binary, "--daemon", "--no-fork", "--port", str(port),
                        "--bind-address", "127.0.0.1", "--user", "nobody",
                        "--group", "nogroup", "--maxthread", "200",
                        "--logfile", "/dev/null", self.root(data)],
                       "atftpd.log")
        return p, port


def fetch_all(port, n, options, outdir, limit_s=600):
    """n atftp clients at once; returns (wall seconds, failures)."""
    args = []
    for o in options:
        args += ["--option", o]
    t0 = time.monotonic()
    procs = [subprocess.Popen(
        ["timeout", str(limit_s), "atftp", "--get", "-r", NAME, "-l",
         os.path.join(outdir, "out-%d" % i)] + args
        + ["127.0.0.1", str(port)], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL) for i in range(n)]
    rcs = [p.wait() for p in procs]
    return time.monotonic() - t0, sum(1 for rc in rcs if rc != 0)


def wait_serving(port, outdir):
    for _ in range(100):
        r = subprocess.run(["atftp", "--get", "-r", NAME, "-l",
                            os.path.join(outdir, "probe"), "127.0.0.1",
                            str(port)], capture_output=True, timeout=120)
        if r.returncode == 0:
            return
        time.sleep(0.2)
    raise SystemExit("nothing served on port %d" % port)


def main():
    out, size_mb, levels, window = sys.argv[1], int(sys.argv[2]), \
        [int(x) for x in sys.argv[3].split()], int(sys.argv[4])
    specs = dict(a.split("=", 1) for a in sys.argv[5:])
    os.makedirs(out, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="ivm-tftp-bench-")
    shm = tempfile.mkdtemp(prefix="ivm-tftp-bench-",
                           dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.chmod(tmp, 0o755)
    rnd = random.Random(20)
    data = rnd.randbytes(size_mb * 1000 * 1000)
    digest = hashlib.sha256(data).hexdigest()
    servers = Servers(tmp, out)
    modes = (("lockstep", ["blksize 1468"]),
             ("windowed", ["blksize 1468", "windowsize %d" % window]))
    try:
        for name, path in specs.items():
            p, port = getattr(servers, name.replace("-", "_"))(path, data)
            wait_serving(port, shm)
            for mode, options in modes:
                for n in levels:
                    c0 = p.cpu.seconds(p.pid)
                    wall, failed = fetch_all(port, n, options, shm)
                    cpu = p.cpu.seconds(p.pid) - c0
                    bad = failed
                    for i in range(n):
                        f = os.path.join(shm, "out-%d" % i)
                        try:
                            with open(f, "rb") as fh:
                                if hashlib.sha256(fh.read()).hexdigest() \
                                        != digest:
                                    bad += 1
                            os.unlink(f)
                        except FileNotFoundError:
                            bad += 1
                    mb = n * len(data) / 1e6
                    print(json.dumps({
                        "server": name, "mode": mode, "transfers": n,
                        "options": " ".join(options),
                        "mb_per_s": round(mb / wall, 1),
                        "wall_s": round(wall, 2), "bad": bad,
                        "server_cpu_s": round(cpu, 2),
                        "cpu_ms_per_mb": round(1000 * cpu / mb, 2)}),
                        flush=True)
            p.terminate()
            p.wait(timeout=30)
            p.cpu.close()
    finally:
        servers.close()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(shm, ignore_errors=True)


if __name__ == "__main__":
    main()
