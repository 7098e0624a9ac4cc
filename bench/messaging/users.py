#!/usr/bin/env python3
"""User accounts for scripts/bench messaging.

Users are numbered: extension = BASE + i, password = "pw" + extension.

  users.py http ADMIN_JSON BASE COUNT [CONNS]
      creates the users in a running ivm-appliance through its admin HTTP
      API (POST /api/v1/users), CONNS keep-alive connections in parallel;
      prints JSON {"created", "existing", "failed", "seconds", "per_s"}
  users.py sqlite DB SCHEMA_DIR BASE COUNT [BASE COUNT]...
      creates (or extends) Kamailio's sqlite database: the tables of
      SCHEMA_DIR/{standard,auth_db,msilo}-create.sql and the users in
      "subscriber" (domain 127.0.0.1, plain-text password)
  users.py silo DB SCHEMA_DIR JOURNAL_MODE
      creates Kamailio's msilo database (table "silo") with the given sqlite
      journal mode (kept in the file: WAL, or DELETE, sqlite's default)
  users.py csv OUT BASE COUNT CONTACT [RECIPIENT_BASE RECIPIENT_COUNT]
      a SIPp injection file: user;password;CONTACT  or, with recipients,
      user;password;recipient (recipient cycles through its range)
"""
import http.client
import json
import os
import sqlite3
import sys
import threading
import time
import urllib.parse


def password(ext):
    return "pw%d" % ext


def http_create(admin_json, base, count, conns=8):
    cfg = json.load(open(admin_json))
    url = urllib.parse.urlsplit(cfg["url"])
    headers = {"Authorization": "Bearer " + cfg["token"],
               "Content-Type": "application/json"}
    counts = {"created": 0, "existing": 0, "failed": 0}
    errors = []
    lock = threading.Lock()

    def worker(k):
        c = None
        for i in range(k, count, conns):
            ext = base + i
            body = json.dumps({"extension": str(ext), "password": password(ext)})
            for attempt in range(3):
                try:
                    if c is None:
                        c = http.client.HTTPConnection(url.hostname, url.port,
                                                       timeout=30)
                    c.request("POST", "/api/v1/users", body, headers)
                    r = c.getresponse()
                    text = r.read()
                    status = r.status
                    break
                except (OSError, http.client.HTTPException) as e:
                    if c is not None:
                        c.close()
                    c = None
                    status, text = None, str(e).encode()
            with lock:
                if status == 201:
                    counts["created"] += 1
                elif status == 409:
                    counts["existing"] += 1
                else:
                    counts["failed"] += 1
                    if len(errors) < 5:
                        errors.append("%s %s: %s" % (ext, status, text[:200]))
        if c is not None:
            c.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t0
    counts.update(seconds=round(dt, 1),
                  per_s=round(count / dt, 1) if dt > 0 else None,
                  errors=errors)
    print(json.dumps(counts))
    return 0 if counts["failed"] == 0 else 1


def sqlite_create(db, schema_dir, ranges):
    con = sqlite3.connect(db)
    have = {r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    if "subscriber" not in have:
        for f in ("standard-create.sql", "auth_db-create.sql",
                  "msilo-create.sql"):
            con.executescript(open(os.path.join(schema_dir, f)).read())
    rows = []
    for base, count in ranges:
        rows.extend((str(base + i), "127.0.0.1", password(base + i))
                    for i in range(count))
    con.executemany("INSERT INTO subscriber(username, domain, password) "
                    "VALUES (?, ?, ?)", rows)
    con.commit()
    n = con.execute("SELECT count(*) FROM subscriber").fetchone()[0]
    con.close()
    print(json.dumps({"subscribers": n}))


def silo_create(db, schema_dir, journal):
    con = sqlite3.connect(db)
    for f in ("standard-create.sql", "msilo-create.sql"):
        con.executescript(open(os.path.join(schema_dir, f)).read())
    mode = con.execute("PRAGMA journal_mode=%s" % journal).fetchone()[0]
    con.commit()
    con.close()
    print(json.dumps({"journal_mode": mode}))


def csv_file(out, base, count, contact, rbase=None, rcount=None):
    with open(out, "w") as f:
        f.write("SEQUENTIAL\n")
        for i in range(count):
            ext = base + i
            third = contact if rbase is None else str(rbase + i % rcount)
            f.write("%d;%s;%s;\n" % (ext, password(ext), third))


def main():
    a = sys.argv[1:]
    if len(a) >= 4 and a[0] == "http":
        sys.exit(http_create(a[1], int(a[2]), int(a[3]),
                             int(a[4]) if len(a) > 4 else 8))
    if len(a) >= 5 and a[0] == "sqlite" and len(a) % 2 == 1:
        nums = [int(x) for x in a[3:]]
        sqlite_create(a[1], a[2], list(zip(nums[::2], nums[1::2])))
        return
    if len(a) == 4 and a[0] == "silo":
        silo_create(a[1], a[2], a[3])
        return
    if len(a) in (5, 7) and a[0] == "csv":
        if len(a) == 7:
            csv_file(a[1], int(a[2]), int(a[3]), None, int(a[5]), int(a[6]))
        else:
            csv_file(a[1], int(a[2]), int(a[3]), a[4])
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
