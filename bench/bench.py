#!/usr/bin/env python3
"""Portico's load benchmarks (issue 9), run on demand by `make bench`.

    python3 bench/bench.py peer     # side by side with the better-auth peer, A B A B A B, and medians
    python3 bench/bench.py scale    # 0 / 100,000 / 1,000,000 stored invitations
    python3 bench/bench.py scale --db postgres
    python3 bench/bench.py fleet    # one vs two instances on one PostgreSQL
    python3 bench/bench.py webhooks # invitations with 0 / 3 endpoints, 1M stored deliveries
    python3 bench/bench.py oidc     # the OpenID token endpoint, refresh grant
    python3 bench/bench.py scim     # SCIM filter and PATCH in a tenant of 100,000 provisioned members
    python3 bench/bench.py all      # all of the above

Every load is wrk with 16 connections, one thread, 10 s (BENCH_DURATION),
against the release binary (`target/release/portico`) with
PORTICO_RATE_LIMITS=off and mail over SMTP to a sink this script runs (it
answers every command and discards the mail, as a relay would accept it).
Server CPU per request comes from /proc/PID/stat (user + system) over the
load and the delivery of the mail it queued. Peak RSS is VmHWM over the
loads: it is reset (/proc/PID/clear_refs) once set-up is done, so the
password hashing of the bench's own sign-ups (argon2id, 19 MiB each) is
reported apart, as "set-up peak". Nothing here is a test: it prints numbers
for the README.
"""

import argparse
import base64
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "portico")
WRK_DIR = os.path.join(ROOT, "bench", "wrk")
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNS = int(os.environ.get("BENCH_CONNS", "16"))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PASSWORD = "correct horse battery"
PEER_DIR = os.path.join(ROOT, "..", "shared", "peers", "better-auth")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Db:
    """The benchmark's database: a SQLite file or a throwaway PostgreSQL."""

    def __init__(self, kind, workdir):
        self.kind = kind
        self.workdir = workdir
        if kind == "sqlite":
            self.path = os.path.join(workdir, "portico.db")
            self.url = f"sqlite://{self.path}?mode=rwc"
        else:
            self.pg_dir = os.path.join(workdir, "pg")
            self.url = subprocess.check_output(
                ["bash", os.path.join(ROOT, ".ci", "postgres.sh"), "start", self.pg_dir], text=True
            ).strip()

    def sql(self, statements):
        if self.kind == "sqlite":
            con = sqlite3.connect(self.path, timeout=60)
            con.executescript(statements)
            con.commit()
            con.close()
        else:
            subprocess.run(
                ["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url],
                input=statements, text=True, check=True, stdout=subprocess.DEVNULL,
            )

    def scalar(self, query):
        if self.kind == "sqlite":
            con = sqlite3.connect(self.path, timeout=60)
            value = con.execute(query).fetchone()[0]
            con.close()
            return value
        out = subprocess.check_output(["psql", "-tA", self.url, "-c", query], text=True)
        return int(out.strip() or 0)

    def text(self, query):
        if self.kind == "sqlite":
            con = sqlite3.connect(self.path, timeout=60)
            rows = con.execute(query).fetchall()
            con.close()
            return " / ".join(str(r[0]) for r in rows)
        return subprocess.check_output(["psql", "-tA", self.url, "-c", query], text=True).strip()

    def close(self):
        if self.kind == "postgres":
            subprocess.run(["bash", os.path.join(ROOT, ".ci", "postgres.sh"), "stop", self.pg_dir],
                           check=False)


class MailSink:
    """An SMTP server that accepts every mail and keeps none: the mail
    worker's real transport (lettre's pooled SMTP client), without the cost
    of storing mail. One per bench process, on a port of its own."""

    def __init__(self):
        import socketserver

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text):
                self.wfile.write(text.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                # Acknowledge at once: lettre writes a mail's end apart from
                # its body, and Nagle would hold that write for the ACK a
                # delayed-ACK receiver sends only after 40 ms.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.reply("220 sink ESMTP")
                for line in self.rfile:
                    self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.reply("250-sink\r\n250 8BITMIME")
                    elif verb == b"DATA":
                        self.reply("354 go ahead")
                        for body in self.rfile:
                            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                            if body in (b".\r\n", b".\n"):
                                break
                        self.reply("250 queued")
                    elif verb == b"QUIT":
                        self.reply("221 bye")
                        return
                    else:  # MAIL, RCPT, RSET, NOOP
                        self.reply("250 ok")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"smtp://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


_SINK = None


def mail_sink():
    global _SINK
    if _SINK is None:
        _SINK = MailSink()
    return _SINK


class Portico:
    """One running instance of the release binary."""

    def __init__(self, db, workdir, name="portico", extra=None):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": db.url,
            "PORTICO_ADDR": f"127.0.0.1:{self.port}",
            "PORTICO_BASE_URL": self.base,
            "PORTICO_MAIL": mail_sink().url,
            "PORTICO_RATE_LIMITS": "off",
            "PORTICO_SECRET": "bench-secret-bench-secret-bench-secret",
            "RUST_LOG": "warn",
            "LEPTOS_SITE_ROOT": os.path.join(ROOT, "target", "site"),
        })
        env.update(extra or {})
        self.log = open(os.path.join(workdir, f"{name}.log"), "w")
        self.proc = subprocess.Popen([BINARY], env=env, stdout=self.log, stderr=self.log)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/readyz", timeout=1)
                return
            except Exception:
                if self.proc.poll() is not None:
                    raise SystemExit(f"portico exited; see {self.log.name}")
                time.sleep(0.1)
        raise SystemExit("portico did not start")

    def cpu_ticks(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def peak_rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def setup_done(self):
        """Set-up (sign-ups, seeding) is over: its peak is logged, and the
        peak reported from here on is the loads' own."""
        log(f"   {self.name}: set-up peak RSS {self.peak_rss_kb() / 1024:.0f} MB")
        with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
            f.write("5")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def post(url, data=None, json_body=None, token=None):
    headers = {}
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    else:
        body = urllib.parse.urlencode(data or {}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        res = opener.open(req, timeout=30)
        return res.status, dict(res.headers), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def manager(app, db, workdir, email="bench@bench.test"):
    """Registers a manager with a tenant, confirms the address, returns
    (tenant id, token file path)."""
    status, headers, body = post(app.base + "/rpc/register", data={
        "email": email, "password": PASSWORD, "first_name": "Bench", "last_name": "Manager",
        "tenant_name": "Bench", "project_name": "Load",
    })
    if status != 200:
        raise SystemExit(f"register failed: {status} {body}")
    tenant = int(headers["location"].rsplit("/", 1)[1])
    db.sql(f"UPDATE accounts SET email_verified_at = 1 WHERE email = '{email}';")
    status, _, body = post(app.base + "/api/v1/auth/token",
                           json_body={"email": email, "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"token failed: {status} {body}")
    token_file = os.path.join(workdir, "token.txt")
    with open(token_file, "w") as f:
        f.write(json.loads(body)["accessToken"] + "\n")
    return tenant, token_file


def wrk(base, script, args, duration=DURATION, conns=CONNS):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--timeout", "10s", "--latency",
           "-s", os.path.join(WRK_DIR, script), base, "--"] + args
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    m = re.search(r"^RESULT .*$", out, re.M)
    if not m:
        raise SystemExit(f"wrk gave no RESULT:\n{out}")
    return dict(kv.split("=", 1) for kv in m.group(0).split()[1:])


def wait_for_outbox(db, timeout=120):
    deadline = time.time() + timeout
    while True:
        unsent = db.scalar("SELECT COUNT(*) FROM outbox_mail WHERE sent_at IS NULL")
        if unsent == 0:
            return
        if time.time() >= deadline:
            break
        time.sleep(0.1)
    # The CPU figure then leaves out the mail still queued: say so.
    log(f"   WARNING: {unsent:,} mails still unsent after {timeout} s; CPU per request excludes them")


def load(apps, db, script, args, name, drain=False):
    """One wrk run against `apps` (one wrk per instance, connections split);
    CPU over the load (and the mail it queued, with `drain`)."""
    c0 = [a.cpu_ticks() for a in apps]
    if len(apps) == 1:
        results = [wrk(apps[0].base, script, args)]
    else:
        procs = []
        for n, a in enumerate(apps):
            # Each wrk its own run id, so invitation emails never collide.
            own = [args[0], f"{args[1]}i{n}"] + args[2:]
            cmd = ["wrk", "-t1", f"-c{CONNS // len(apps)}", f"-d{DURATION}s", "--timeout", "10s",
                   "--latency", "-s", os.path.join(WRK_DIR, script), a.base, "--"] + own
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True))
        results = []
        for p in procs:
            out = p.communicate()[0]
            m = re.search(r"^RESULT .*$", out, re.M)
            results.append(dict(kv.split("=", 1) for kv in m.group(0).split()[1:]))
    if drain:
        wait_for_outbox(db)
    c1 = [a.cpu_ticks() for a in apps]
    requests = sum(int(r["requests"]) for r in results)
    errors = sum(int(r["errors"]) for r in results)
    cpu_s = sum(b - a for a, b in zip(c0, c1)) / CLK_TCK
    return {
        "name": name,
        "rps": sum(float(r["rps"]) for r in results),
        "p50": max(float(r["p50_ms"]) for r in results),
        "p99": max(float(r["p99_ms"]) for r in results),
        "cpu_ms": cpu_s * 1000 / requests if requests else 0,
        "errors": errors,
        "rss_mb": max(a.peak_rss_kb() for a in apps) / 1024,
    }


def row(r, label=None):
    cpu = "—" if r["cpu_ms"] is None else f"{r['cpu_ms']:.3f}"
    return (f"| {label or r['name']} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{cpu} | {r['rss_mb']:.0f} | {r['errors']} |")


HEADER = ("| load | req/s | p50 ms | p99 ms | server CPU ms/req | peak RSS MB | errors |\n"
          "|---|---:|---:|---:|---:|---:|---:|")


def portico_round(db_kind, seed=None, instances=1, label=""):
    """A fresh database (seeded), `instances` servers, the invite and read loads."""
    workdir = tempfile.mkdtemp(prefix="portico-bench-")
    os.chmod(workdir, 0o755)  # PostgreSQL runs as its own user and keeps its data here
    db = Db(db_kind, workdir)
    apps = []
    try:
        apps.append(Portico(db, workdir, "a"))
        tenant, token_file = manager(apps[0], db, workdir)
        if seed:
            log(f"   seeding {label} …")
            t = time.time()
            seed(db, tenant)
            log(f"   seeded in {time.time() - t:.0f} s")
        for n in range(1, instances):
            # A fleet behind one public URL: the same base URL everywhere.
            apps.append(Portico(db, workdir, f"i{n}", {"PORTICO_BASE_URL": apps[0].base}))
        for a in apps:
            a.setup_done()
        run = f"r{int(time.time() * 1000)}"
        url = apps[0].base + "/invite"
        wrk(apps[0].base, "invite.lua", [token_file, "warm" + run, url], duration=2)
        results = [
            load(apps, db, "invite.lua", [token_file, run, url], "create invitation", drain=True),
            load(apps, db, "read.lua", [token_file, run, f"/api/v1/members?tenantId={tenant}", "members"],
                 "authenticated read (GET /api/v1/members)"),
        ]
        if seed:
            for path, name in [
                (f"/api/v1/members?tenantId={tenant}&page=2", "members list, page 2"),
                (f"/api/v1/members?tenantId={tenant}&search=m4242", "members search"),
                (f"/api/v1/audit?tenantId={tenant}&page=2", "audit page 2"),
                (f"/api/v1/tenants/{tenant}", "tenant with seats used and reserved"),
            ]:
                r = wrk(apps[0].base, "read.lua", [token_file, run, path, name], duration=5, conns=1)
                results.append({"name": name, "rps": float(r["rps"]), "p50": float(r["p50_ms"]),
                                "p99": float(r["p99_ms"]), "cpu_ms": None, "errors": int(r["errors"]),
                                "rss_mb": apps[0].peak_rss_kb() / 1024})
        return results
    finally:
        for a in apps:
            a.stop()
        db.close()
        shutil.rmtree(workdir, ignore_errors=True)


def seed_sql(invites, members, audit, tenant):
    now = int(time.time() * 1000)
    future = now + 30 * 24 * 3600 * 1000
    seq = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {})"
    out = []
    if invites:
        out.append(seq.format(invites) + f"""
INSERT INTO invites (tenant_id, email, roles, token_hash, status, expired_at, send_email, token_mailed, created_at, updated_at)
SELECT {tenant}, 'seed' || n || '@seed.test', '["extractor-viewer"]', 'seedtoken' || n,
       CASE n % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'accepted' WHEN 2 THEN 'expired' ELSE 'revoked' END,
       {future}, 1, 1, {now} - n, {now} - n FROM seq;""")
    if members:
        out.append(seq.format(members) + f"""
INSERT INTO accounts (email, password_hash, first_name, last_name, email_verified_at, created_at, updated_at)
SELECT 'm' || n || '@seed.test', 'x', 'First' || n, 'Last' || n, 1, {now} - n, {now} - n FROM seq;""")
        out.append(f"""
INSERT INTO members (tenant_id, account_id, status, roles, organisation_id, meta, external_id, created_at, updated_at)
SELECT {tenant}, id, 'ACTIVE', '["extractor-viewer"]', NULL, '{{}}', CAST(id AS TEXT), created_at, created_at
FROM accounts WHERE email LIKE 'm%@seed.test';""")
    if audit:
        out.append(seq.format(audit) + f"""
INSERT INTO audit_events (tenant_id, actor_id, actor, action, target, details, at)
SELECT {tenant}, NULL, 'seed@seed.test', 'invite.created', 'x' || n || '@seed.test', '{{}}', {now} - n FROM seq;""")
    return "\n".join(out) + "\nANALYZE;\n"


def seeder(invites, members=0, audit=0):
    return lambda db, tenant: db.sql(seed_sql(invites, members, audit, tenant))


def cmd_scale(db_kind):
    print(f"\n### Scale on {db_kind} ({os.cpu_count()} cores, wrk -t1 -c{CONNS} -d{DURATION}s)\n")
    print(HEADER)
    for label, seed in [
        ("empty database", None),
        ("100,000 invitations", seeder(100_000)),
        ("1,000,000 invitations + 100,000 members + 1,000,000 audit events",
         seeder(1_000_000, 100_000, 1_000_000)),
    ]:
        log(f"-- {db_kind}: {label}")
        for r in portico_round(db_kind, seed, label=label):
            print(row(r, f"{label}: {r['name']}"), flush=True)


def cmd_fleet():
    print(f"\n### One and two instances on one PostgreSQL\n")
    print(HEADER)
    for n in (1, 2):
        log(f"-- postgres: {n} instance(s)")
        for r in portico_round("postgres", instances=n):
            print(row(r, f"{n} instance{'s' if n > 1 else ''}: {r['name']}"), flush=True)


def peer_round(workdir):
    """One run of the peer's own script (its README), from a writable copy."""
    peer = os.path.join(workdir, "peer")
    if not os.path.isdir(peer):
        shutil.copytree(PEER_DIR, peer, ignore=shutil.ignore_patterns("node_modules", "results", "data"))
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=peer, check=True,
                       env=dict(os.environ, npm_config_nodedir="/usr"), stdout=subprocess.DEVNULL)
    out = subprocess.run(["./run-peer.sh"], cwd=peer, capture_output=True, text=True,
                         env=dict(os.environ, DURATION=str(DURATION), CONNS=str(CONNS),
                                  PORT=str(free_port()))).stdout
    results = []
    rss = re.search(r"peak_rss_VmHWM_kB=(\d+)", out)
    for line in re.findall(r"^RESULT .*$", out, re.M):
        kv = dict(x.split("=", 1) for x in line.split()[1:] if "=" in x)
        results.append({
            "name": {"invite-member": "create invitation", "get-session": "authenticated read (get-session)"}
            .get(kv["name"], kv["name"]),
            "rps": float(kv["rps"]), "p50": float(kv["p50_ms"]), "p99": float(kv["p99_ms"]),
            "cpu_ms": float(kv["server_cpu_ms_per_req"]), "errors": int(kv["errors"]),
            "rss_mb": int(rss.group(1)) / 1024 if rss else 0,
        })
    if not results:
        raise SystemExit(f"the peer gave no results:\n{out[-2000:]}")
    return results


def cmd_peer():
    workdir = tempfile.mkdtemp(prefix="portico-peer-")
    print(f"\n### Side by side with better-auth 1.7.25 (SQLite WAL, {os.cpu_count()} cores, "
          f"wrk -t1 -c{CONNS} -d{DURATION}s, A B A B A B)\n")
    print(HEADER)
    runs = {}
    try:
        for round_ in (1, 2, 3):
            for who, run_round in (("Portico", lambda: portico_round("sqlite")),
                                   ("better-auth", lambda: peer_round(workdir))):
                log(f"-- round {round_}: {who}")
                for r in run_round():
                    print(row(r, f"{who} #{round_}: {r['name']}"), flush=True)
                    runs.setdefault(f"{who}: {r['name']}", []).append(r)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    # The figures the targets are read from: each column's median of the
    # three rounds (a column's own median, so a row can mix rounds).
    print(f"\n### Medians of the three rounds\n")
    print(HEADER)
    for label, rs in runs.items():
        print(row(median_row(rs), label), flush=True)


def median_row(rs):
    def med(key):
        values = sorted(r[key] for r in rs)
        return values[len(values) // 2]
    return {"name": rs[0]["name"], "rps": med("rps"), "p50": med("p50"), "p99": med("p99"),
            "cpu_ms": med("cpu_ms"), "errors": sum(r["errors"] for r in rs), "rss_mb": max(r["rss_mb"] for r in rs)}


class HookReceiver:
    """A local receiver that answers every webhook 204 and counts them;
    paths under /slow answer after `slow_s` seconds, and the arrival time
    of each request is kept by path."""

    def __init__(self, slow_s=9.0):
        import http.server

        counter = {"n": 0}
        arrivals = {}
        self.arrivals = arrivals

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length", 0)))
                arrivals.setdefault(self.path, []).append(time.time())
                if self.path.startswith("/slow"):
                    time.sleep(slow_s)
                counter["n"] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        class Server(http.server.ThreadingHTTPServer):
            # The default backlog of 5 drops the worker's 16 parallel
            # connects, and each dropped SYN costs a 1 s retransmit.
            request_queue_size = 128

        self.counter = counter
        self.server = Server(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def seed_deliveries_sql(count, endpoint):
    now = int(time.time() * 1000)
    return (f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})\n"
            "INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status, attempts, "
            "next_attempt_at, response_code, delivered_at, created_at) "
            f"SELECT {endpoint}, 'msg_seed' || n, 'invite.created', '{{}}', 'delivered', 1, {now} - n, 204, "
            f"{now} - n, {now} - n FROM seq;\nANALYZE;\n")


def cmd_webhooks(db_kind):
    """What events cost the write path: invitations with no endpoint, with
    three subscribed endpoints, and with three endpoints whose log already
    holds 1,000,000 deliveries; then how fast the worker drains the
    deliveries the load queued, and a page of a million-row log."""
    print(f"\n### Webhooks on {db_kind} ({os.cpu_count()} cores, wrk -t1 -c{CONNS} -d{DURATION}s)\n")
    print(HEADER)
    receiver = HookReceiver()
    try:
        for label, endpoints, stored in [
            ("no endpoint", 0, 0),
            ("3 endpoints", 3, 0),
            ("3 endpoints, 1,000,000 stored deliveries", 3, 1_000_000),
        ]:
            log(f"-- {db_kind}: {label}")
            workdir = tempfile.mkdtemp(prefix="portico-bench-")
            os.chmod(workdir, 0o755)
            db = Db(db_kind, workdir)
            app = None
            try:
                app = Portico(db, workdir, "a", {
                    "PORTICO_WEBHOOK_ALLOW_PRIVATE": "true",
                    "PORTICO_ALLOWED_ORIGINS": receiver.origin,
                })
                tenant, token_file = manager(app, db, workdir)
                with open(token_file) as f:
                    token = f.read().strip()
                ids = []
                for n in range(endpoints):
                    status, _, body = post(f"{app.base}/api/v1/webhooks?tenantId={tenant}",
                                           json_body={"url": f"{receiver.origin}/hook{n}"}, token=token)
                    if status != 201:
                        raise SystemExit(f"endpoint failed: {status} {body}")
                    ids.append(json.loads(body)["id"])
                if stored:
                    t = time.time()
                    db.sql(seed_deliveries_sql(stored, ids[0]))
                    log(f"   seeded in {time.time() - t:.0f} s")
                app.setup_done()
                run = f"r{int(time.time() * 1000)}"
                url = app.base + "/invite"
                wrk(app.base, "invite.lua", [token_file, "warm" + run, url], duration=2)
                result = load([app], db, "invite.lua", [token_file, run, url], "create invitation", drain=True)
                print(row(result, f"{label}: create invitation"), flush=True)
                if endpoints:
                    # Until every queued delivery had its first attempt: a
                    # failed one waits for its retry, which is not speed.
                    t = time.time()
                    untried = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending' AND attempts = 0"
                    queued = db.scalar(untried)
                    while db.scalar(untried) > 0 and time.time() - t < 300:
                        time.sleep(0.2)
                    took = time.time() - t
                    failed = db.scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE last_error IS NOT NULL")
                    if failed:
                        log("   failed attempts: " + db.text(
                            "SELECT last_error FROM webhook_deliveries WHERE last_error IS NOT NULL LIMIT 3"))
                    print(f"| {label}: worker drains {queued:,} queued deliveries | "
                          f"{queued / took if took else 0:,.0f} deliveries/s | | | | | {failed} |", flush=True)
                    r = wrk(app.base, "read.lua", [token_file, run, f"/api/v1/webhooks/{ids[0]}/deliveries?page=2",
                                                   "deliveries"], duration=5, conns=1)
                    print(f"| {label}: delivery log, page 2 | {float(r['rps']):,.0f} | {float(r['p50_ms']):.2f} | "
                          f"{float(r['p99_ms']):.2f} | — | {app.peak_rss_kb() / 1024:.0f} | {r['errors']} |", flush=True)
            finally:
                if app:
                    app.stop()
                db.close()
                shutil.rmtree(workdir, ignore_errors=True)
    finally:
        receiver.stop()


def cmd_fairness(db_kind, rounds=3):
    """Tenant B's delivery delay behind tenant A's slow endpoints: tenant A
    has 20 endpoints that answer after 9 s and 4 invitations queued (80
    deliveries); tenant B, one fast endpoint, invites someone; the time from
    B's request to its receiver getting the event, per round."""
    print(f"\n### Webhook fairness on {db_kind}\n")
    print("| scenario | tenant B's delivery after its change (median of rounds) | rounds |")
    print("|---|---|---|")
    receiver = HookReceiver(slow_s=9.0)
    workdir = tempfile.mkdtemp(prefix="portico-bench-")
    os.chmod(workdir, 0o755)
    db = Db(db_kind, workdir)
    app = None
    try:
        app = Portico(db, workdir, "a", {
            "PORTICO_WEBHOOK_ALLOW_PRIVATE": "true",
            "PORTICO_ALLOWED_ORIGINS": receiver.origin,
        })
        delays = []
        for round_ in range(rounds):
            tenant_a, token_file = manager(app, db, workdir, f"a{round_}@bench.test")
            with open(token_file) as f:
                token_a = f.read().strip()
            tenant_b, token_file = manager(app, db, workdir, f"b{round_}@bench.test")
            with open(token_file) as f:
                token_b = f.read().strip()
            for n in range(20):
                post(f"{app.base}/api/v1/webhooks?tenantId={tenant_a}",
                     json_body={"url": f"{receiver.origin}/slow{round_}-{n}", "events": ["invite.created"]},
                     token=token_a)
            post(f"{app.base}/api/v1/webhooks?tenantId={tenant_b}",
                 json_body={"url": f"{receiver.origin}/fast{round_}", "events": ["invite.created"]},
                 token=token_b)
            for n in range(4):
                post(f"{app.base}/api/v1/registration/invite", token=token_a, json_body={
                    "tenantId": tenant_a, "email": f"guest{round_}-{n}@bench.test",
                    "roles": ["extractor-user"], "url": app.base + "/invite"})
            time.sleep(1.5)  # the worker is now busy with tenant A
            t = time.time()
            post(f"{app.base}/api/v1/registration/invite", token=token_b, json_body={
                "tenantId": tenant_b, "email": f"carl{round_}@bench.test",
                "roles": ["extractor-user"], "url": app.base + "/invite"})
            while f"/fast{round_}" not in receiver.arrivals and time.time() - t < 120:
                time.sleep(0.02)
            got = receiver.arrivals.get(f"/fast{round_}")
            delays.append(got[0] - t if got else float("inf"))
            log(f"   round {round_}: {delays[-1]:.2f} s")
        delays.sort()
        print(f"| 20 slow endpoints (9 s) and 80 deliveries in tenant A | "
              f"{delays[len(delays) // 2]:.2f} s ({', '.join(f'{d:.2f}' for d in delays)}) | {rounds} |", flush=True)
    finally:
        if app:
            app.stop()
        db.close()
        shutil.rmtree(workdir, ignore_errors=True)
        receiver.stop()


ADMIN_TOKEN = "bench-operator-token-bench-operator-token"


def get_location(url, cookie):
    """GET without following redirects: the Location answered."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    req = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        res = urllib.request.build_opener(NoRedirect).open(req, timeout=30)
        raise SystemExit(f"no redirect from {url}: {res.status}")
    except urllib.error.HTTPError as e:
        return e.headers["Location"]


def cmd_oidc(db_kind, families=64):
    """Sign in with Portico: the token endpoint's refresh grant (two RS256
    signatures, the old token marked used and a new one stored per call)."""
    workdir = tempfile.mkdtemp(prefix="portico-bench-")
    os.chmod(workdir, 0o755)
    db = Db(db_kind, workdir)
    app = Portico(db, workdir, "oidc", {"PORTICO_ADMIN_TOKEN": ADMIN_TOKEN})
    try:
        manager(app, db, workdir)
        redirect_uri = "http://127.0.0.1:9/callback"
        status, _, body = post(app.base + "/api/v1/admin/oidc-clients", token=ADMIN_TOKEN,
                               json_body={"name": "Bench", "redirectUris": [redirect_uri]})
        if status != 201:
            raise SystemExit(f"client registration failed: {status} {body}")
        client = json.loads(body)
        basic = "Basic " + base64.b64encode(
            f"{client['clientId']}:{client['clientSecret']}".encode()).decode()
        status, headers, body = post(app.base + "/rpc/sign_in",
                                     data={"email": "bench@bench.test", "password": PASSWORD})
        cookie = next((v for k, v in headers.items() if k.lower() == "set-cookie"), "").split(";", 1)[0]
        if status != 200 or not cookie:
            raise SystemExit(f"sign-in failed: {status} {body}")
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": client["clientId"], "redirect_uri": redirect_uri,
            "scope": "openid email offline_access"})
        tokens = []
        for _ in range(families):
            location = get_location(f"{app.base}/oauth/authorize?{query}", cookie)
            code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
            req = urllib.request.Request(
                app.base + "/oauth/token", headers={"Authorization": basic},
                data=urllib.parse.urlencode({"grant_type": "authorization_code", "code": code,
                                             "redirect_uri": redirect_uri}).encode())
            tokens.append(json.loads(urllib.request.urlopen(req, timeout=30).read())["refresh_token"])
        token_file = os.path.join(workdir, "refresh.txt")
        with open(token_file, "w") as f:
            f.write(basic + "\n" + "\n".join(tokens) + "\n")
        app.setup_done()
        r = load([app], db, "refresh.lua", [token_file, "run"], "token endpoint: refresh grant")
        print(f"\n### Sign in with Portico on {db_kind} ({os.cpu_count()} cores, wrk -t1 -c{CONNS} -d{DURATION}s)\n")
        print(HEADER)
        print(row(r), flush=True)
    finally:
        app.stop()
        db.close()
        shutil.rmtree(workdir, ignore_errors=True)


def seed_scim_sql(count, tenant):
    """`count` provisioned members: accounts s{n}@seed.test, members, and
    the SCIM Users standing for them (ids u{member id})."""
    now = int(time.time() * 1000)
    seq = f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})"
    return f"""{seq}
INSERT INTO accounts (email, mailbox, password_hash, first_name, last_name, email_verified_at, created_at, updated_at)
SELECT 's' || n || '@seed.test', 's' || n || '@seed.test', '', 'First' || n, 'Last' || n, 1, {now} - n, {now} - n FROM seq;
INSERT INTO members (tenant_id, account_id, status, roles, organisation_id, meta, external_id, created_at, updated_at)
SELECT {tenant}, id, 'ACTIVE', '["extractor-user"]', NULL, '{{}}', CAST(id AS TEXT), created_at, created_at
FROM accounts WHERE email LIKE 's%@seed.test';
INSERT INTO scim_users (id, tenant_id, member_id, user_key, external_id, attributes, manages_roles, version, created_at, updated_at)
SELECT 'u' || CAST(m.id AS TEXT), {tenant}, m.id, a.email, '00u' || CAST(m.id AS TEXT),
       '{{"userName":"' || a.email || '","active":true,"emails":[{{"value":"' || a.email || '","primary":true}}]}}',
       1, 1, m.created_at, m.created_at
FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email LIKE 's%@seed.test';
ANALYZE;
"""


def cmd_scim(db_kind, count=100_000):
    """SCIM in a tenant of `count` provisioned members: Okta's lookup by
    userName, and a PATCH of one attribute (an audit entry each)."""
    workdir = tempfile.mkdtemp(prefix="portico-bench-")
    os.chmod(workdir, 0o755)
    db = Db(db_kind, workdir)
    app = Portico(db, workdir, "scim")
    try:
        tenant, token_file = manager(app, db, workdir)
        with open(token_file) as f:
            api_token = f.read().strip()
        status, _, body = post(f"{app.base}/api/v1/scim-tokens?tenantId={tenant}", token=api_token,
                               json_body={"name": "bench"})
        if status != 201:
            raise SystemExit(f"directory token failed: {status} {body}")
        scim_file = os.path.join(workdir, "scim-token.txt")
        with open(scim_file, "w") as f:
            f.write(json.loads(body)["token"] + "\n")
        log(f"   seeding {count:,} provisioned members …")
        t = time.time()
        db.sql(seed_scim_sql(count, tenant))
        log(f"   seeded in {time.time() - t:.0f} s")
        lo = db.scalar("SELECT MIN(member_id) FROM scim_users")
        hi = db.scalar("SELECT MAX(member_id) FROM scim_users")
        seeded = db.scalar(f"SELECT COUNT(*) FROM scim_users WHERE tenant_id = {tenant}")
        if seeded != count:
            raise SystemExit(f"seeded {seeded} SCIM users, not {count}")
        # The lookup the load makes finds its user (a 200 with no result
        # would measure nothing).
        probe = urllib.request.Request(
            f"{app.base}/scim/v2/{tenant}/Users?filter=" + urllib.parse.quote(f'userName eq "s{count // 2}@seed.test"'),
            headers={"Authorization": "Bearer " + json.loads(body)["token"]})
        found = json.loads(urllib.request.urlopen(probe, timeout=30).read())
        if found.get("totalResults") != 1:
            raise SystemExit(f"the seeded users are not found: {found}")
        args = [scim_file, "run", "filter", str(tenant), str(lo), str(hi)]
        app.setup_done()
        wrk(app.base, "scim.lua", args, duration=2)
        results = [
            load([app], db, "scim.lua", args, 'SCIM GET /Users?filter=userName eq "…"'),
            load([app], db, "scim.lua", [scim_file, f"r{int(time.time())}", "patch", str(tenant),
                                         str(lo), str(hi)], "SCIM PATCH /Users/{id} (replace displayName)"),
        ]
        print(f"\n### SCIM in a tenant of {count:,} members on {db_kind} "
              f"({os.cpu_count()} cores, wrk -t1 -c{CONNS} -d{DURATION}s)\n")
        print(HEADER)
        for r in results:
            print(row(r), flush=True)
    finally:
        app.stop()
        db.close()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["peer", "scale", "fleet", "webhooks", "fairness", "oidc", "scim", "all"])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    a = ap.parse_args()
    if not os.path.exists(BINARY):
        raise SystemExit("build first: make build")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk missing: make bench installs it")
    if a.what in ("peer", "all"):
        cmd_peer()
    if a.what == "scale":
        cmd_scale(a.db)
    if a.what == "webhooks":
        cmd_webhooks(a.db)
    if a.what == "fairness":
        cmd_fairness(a.db)
    if a.what == "oidc":
        cmd_oidc(a.db)
    if a.what == "scim":
        cmd_scim(a.db)
    if a.what == "all":
        cmd_oidc("sqlite")
        cmd_oidc("postgres")
        cmd_scim("sqlite")
        cmd_scim("postgres")
        cmd_scale("sqlite")
        cmd_scale("postgres")
        cmd_webhooks("sqlite")
        cmd_fairness("sqlite")
    if a.what in ("fleet", "all"):
        cmd_fleet()


if __name__ == "__main__":
    main()
