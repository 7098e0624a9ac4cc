"""Processes of scripts/bench memory and soak (bench/memory/memory_bench.py,
bench/soak/soak.py): ivm-appliance, Kamailio as registrar (bench/messaging/
kamailio.cfg, started as scripts/bench's m_start_kamailio does), bounded
SIPp runs, and the readings of their memory and CPU.

Everything listens on 127.0.0.1. Every process started through Procs is
recorded and stopped (TERM, then KILL of its whole process tree) by
Procs.close(), which the scripts call on exit, SIGTERM and Ctrl-C.
"""
import contextlib
import csv
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MSG_DIR = os.path.join(BENCH, "messaging")
sys.path.insert(0, BENCH)
sys.path.insert(0, MSG_DIR)
import messaging_report  # noqa: E402  (tree, mem)
import options_report  # noqa: E402  (cpu_seconds)
import users  # noqa: E402  (csv_file, sqlite_create, silo_create, password)

KAM_SCHEMA = "/usr/share/kamailio/db_sqlite"


def log(*a):
    print("[%s %s]" % (os.path.basename(sys.argv[0]).split(".")[0],
                       time.strftime("%H:%M:%S")), *a, file=sys.stderr,
          flush=True)


def on_signals():
    """SIGTERM (scripts/bench's cleanup) ends the script through its
    finally blocks, as Ctrl-C does."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            pass
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free port")


class Procs:
    """The processes this script started; close() stops them all."""

    def __init__(self):
        self.procs = []

    def start(self, args, log_path, cwd=None):
        f = open(log_path, "ab")
        p = subprocess.Popen([str(a) for a in args], stdout=f,
                             stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, cwd=cwd)
        f.close()
        self.procs.append(p)
        return p

    def stop(self, *ps, grace=10.0):
        ps = [p for p in ps if p is not None]
        trees = {}
        for p in ps:
            trees[p.pid] = messaging_report.tree(p.pid)
            if p.poll() is None:
                try:
                    p.terminate()
                except OSError:
                    pass
        limit = time.monotonic() + grace
        for p in ps:
            try:
                p.wait(max(0.1, limit - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            # Kamailio's workers, should any outlive their parent.
            for c in trees[p.pid][1:]:
                try:
                    os.kill(c, signal.SIGKILL)
                except OSError:
                    pass
            if p in self.procs:
                self.procs.remove(p)

    def close(self):
        self.stop(*reversed(self.procs), grace=8.0)


# -- readings -------------------------------------------------------------------

def status_kib(pid, *names):
    out = dict.fromkeys(names, 0)
    try:
        for line in open("/proc/%d/status" % pid):
            k = line.split(":")[0]
            if k in out:
                out[k] = int(line.split()[1])
    except OSError:
        pass
    return out


def cpu_seconds(pid):
    """utime+stime of PID and its child processes (all threads)."""
    return options_report.cpu_seconds(pid)


def tree_mem(pid):
    """Kamailio: {"procs", "rss_kib", "pss_kib"} summed over its processes
    (Pss from smaps_rollup counts its shared memory once)."""
    return messaging_report.mem(pid)


def admin_get(admin_json, path, token=True):
    cfg = json.load(open(admin_json))
    url = urllib.parse.urlsplit(cfg["url"])
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        c.request("GET", path, headers={"Authorization": "Bearer " +
                                        cfg["token"]} if token else {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def metrics(admin_json):
    """The appliance's /metrics as {name: value} (unlabelled samples)."""
    try:
        status, body = admin_get(admin_json, "/metrics", token=False)
    except (OSError, http.client.HTTPException):
        return {}
    out = {}
    if status != 200:
        return out
    for line in body.decode(errors="replace").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        try:
            out[name] = float(value)
        except ValueError:
            pass
    return out


# -- servers --------------------------------------------------------------------

class Appliance:
    def __init__(self, procs, exe, data_dir, log_path):
        self.port, admin = free_port(), free_port()
        self.data_dir = data_dir
        self.admin_json = os.path.join(data_dir, "admin.json")
        self.p = procs.start(
            [exe, "--data-dir", data_dir,
             "--sip-listen", "127.0.0.1:%d" % self.port,
             "--sip-tls-listen", "127.0.0.1:0",
             "--tftp-listen", "127.0.0.1:0",
             "--provisioning-http-listen", "127.0.0.1:0",
             "--mgcp-listen", "127.0.0.1:0",
             "--admin-listen", "127.0.0.1:%d" % admin,
             "--log-level", "warn"], log_path)
        self.pid = self.p.pid
        ready = subprocess.run(
            [sys.executable, os.path.join(BENCH, "options_probe.py"), "ready",
             str(self.port), "60"], timeout=90).returncode == 0
        if not ready:
            raise SystemExit("ivm-appliance did not answer OPTIONS, see %s"
                             % log_path)
        for _ in range(100):
            try:
                if str(admin) in open(self.admin_json).read():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("ivm-appliance wrote no admin.json")

    def alive(self):
        return self.p.poll() is None

    def reading(self):
        """VmRSS (and its parts) from /proc, then the process_* and a few
        ivm_* figures of /metrics. (Not /api/v1/stats: its count of the
        registered users scans every binding in storage, which would itself
        allocate memory in the process measured.)"""
        d = {k.lower(): v for k, v in status_kib(
            self.pid, "VmRSS", "RssAnon", "RssFile", "VmHWM").items()}
        d["cpu_s"] = round(cpu_seconds(self.pid), 2)
        m = metrics(self.admin_json)
        d["metrics"] = {k: v for k, v in m.items()
                        if k.startswith("process_") or k in (
                            "ivm_messages_waiting", "ivm_calls_active",
                            "ivm_messages_delivered_total",
                            "ivm_messages_stored_total",
                            "ivm_sip_overload_total",
                            "ivm_storage_writes_total")}
        return d


def copy_data(src, dst):
    """A copy of the appliance data directory with the users (the cache
    made by scripts/bench's m_user_cache is never written to)."""
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    subprocess.run(["cp", "-a", src, dst], check=True)
    for f in ("admin.json",):
        with contextlib.suppress(OSError):
            os.remove(os.path.join(dst, f))


class Kamailio:
    """Kamailio with bench/messaging/kamailio.cfg (usrloc in memory, auth_db
    and msilo on sqlite), as scripts/bench's m_start_kamailio runs it."""

    def __init__(self, procs, kdir, children, log_path, ranges,
                 cfg=os.path.join(MSG_DIR, "kamailio.cfg")):
        shutil.rmtree(kdir, ignore_errors=True)
        os.makedirs(kdir)
        with contextlib.redirect_stdout(io.StringIO()):
            users.sqlite_create(os.path.join(kdir, "auth.sqlite"), KAM_SCHEMA,
                                ranges)
            users.silo_create(os.path.join(kdir, "silo.sqlite"), KAM_SCHEMA,
                              "WAL")
        self.port = free_port()
        self.ctl = "unix:%s/ctl" % kdir
        self.p = procs.start(
            ["kamailio", "-f", cfg, "-DD", "-E", "-m", "512", "-M", "16",
             "-Y", kdir, "-A", "PORT=%d" % self.port,
             "-A", "NCHILD=%d" % children,
             "-A", 'AUTHDBURL="sqlite://%s/auth.sqlite"' % kdir,
             "-A", 'DBURL="sqlite://%s/silo.sqlite"' % kdir,
             "-A", 'CTLSOCK="%s"' % self.ctl], log_path)
        self.pid = self.p.pid
        for _ in range(100):
            if os.path.exists(os.path.join(kdir, "ctl")) and subprocess.run(
                    ["kamcmd", "-s", self.ctl, "core.uptime"],
                    capture_output=True, timeout=10).returncode == 0:
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit("kamailio did not start, see %s" % log_path)

    def alive(self):
        return self.p.poll() is None

    def usrloc(self):
        """usrloc's registered_users counter, or None."""
        try:
            out = subprocess.run(["kamcmd", "-s", self.ctl,
                                  "stats.get_statistics", "usrloc:"],
                                 capture_output=True, text=True,
                                 timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
        for line in out.splitlines():
            if "registered_users" in line:
                try:
                    return int(line.split("=")[-1].strip().strip('"'))
                except ValueError:
                    pass
        return None

    def reading(self):
        d = tree_mem(self.pid)
        d["cpu_s"] = round(cpu_seconds(self.pid), 2)
        d["registered"] = self.usrloc()
        return d


# -- SIPp -----------------------------------------------------------------------

def sipp_args(port, scenario, csv_path, rate, count, limit_s, extra=()):
    """SIPp on 127.0.0.1 as scripts/bench's m_sipp runs it: bounded by
    count (-m) and time (-timeout)."""
    if not os.path.isabs(scenario):
        scenario = os.path.join(MSG_DIR, scenario)
    a = ["sipp", "127.0.0.1:%d" % port, "-sf", scenario]
    if csv_path:
        a += ["-inf", csv_path]
    a += ["-t", "u1", "-i", "127.0.0.1", "-p", str(free_port()),
          "-cp", str(free_port()), "-mp", str(free_port()), "-nostdin",
          "-buff_size", "4194304", "-max_log_size", "2000000",
          "-r", str(rate), "-rp", "1000", "-m", str(count), "-l", "20000",
          "-recv_timeout", "4000", "-timeout", "%ds" % limit_s,
          "-timeout_error", "-trace_stat", "-stf", "stat.csv", "-trace_err"]
    return a + list(extra)


def sipp_start(procs, out_dir, port, scenario, csv_path, rate, count,
               limit_s=None, extra=("-fd", "1")):
    os.makedirs(out_dir, exist_ok=True)
    if limit_s is None:
        limit_s = count // max(1, rate) + 30
    p = procs.start(sipp_args(port, scenario, csv_path, rate, count, limit_s,
                              extra), os.path.join(out_dir, "sipp.txt"),
                    cwd=out_dir)
    p.limit = time.monotonic() + limit_s + 20
    return p


def sipp_wait(procs, p):
    try:
        p.wait(max(1, p.limit - time.monotonic()))
    except subprocess.TimeoutExpired:
        log("SIPp over its time limit, stopped")
    procs.stop(p)


def sipp_run(procs, out_dir, port, scenario, csv_path, rate, count):
    """One bounded SIPp run; returns its final counters."""
    p = sipp_start(procs, out_dir, port, scenario, csv_path, rate, count)
    sipp_wait(procs, p)
    return sipp_counts(os.path.join(out_dir, "stat.csv"))


def sipp_counts(stat_csv):
    """{"sent", "ok", "failed", "retrans"} from the last row of SIPp's
    statistics file (read from its end: it grows during a soak)."""
    try:
        with open(stat_csv, "rb") as f:
            header = f.readline().decode(errors="replace")
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 65536))
            lines = [l for l in f.read().decode(errors="replace").splitlines()
                     if l.strip()]
    except OSError:
        return None
    if len(lines) < 1 or lines[-1] == header.strip():
        return None
    row = next(csv.reader([lines[-1]], delimiter=";"))
    v = dict(zip(header.strip().split(";"), row))
    try:
        return {"sent": int(v["OutgoingCall(C)"]),
                "ok": int(v["SuccessfulCall(C)"]),
                "failed": int(v["FailedCall(C)"]),
                "retrans": int(v["Retransmissions(C)"])}
    except (KeyError, ValueError):
        return None
