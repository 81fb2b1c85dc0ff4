"""A rehearsal of the multi-machine layout (docs/deploy.md, "More than one machine") on one machine,
on loopback only, with faults injected under load (issue 26).

What it starts, each in a temp dir of its own and each on a free port chosen at start (bound to
port 0), and stops again at the end (try/finally, atexit, one process group per process; Ctrl-C
and SIGTERM too):

  PostgreSQL primary   its own cluster (initdb, trust on loopback), database `wic`; never the
                       machine's PostgreSQL on 5432
  PostgreSQL replica   pg_basebackup -R of the primary, streaming, hot standby
  PgBouncer            transaction pooling in front of the primary (--pool-mode session for
                       session pooling); the app therefore runs with
                       DATABASE_PREPARED_STATEMENTS=0 and DATABASE_SERVER_SIDE_CURSORS=0
                       (docs/deploy.md)
  Redis "cache"        allkeys-lru, no persistence              (REDIS_URL)
  Redis "broker"       noeviction, no persistence               (CELERY_BROKER_URL, CELERY_RESULT_BACKEND)
  SMTP sink            a small SMTP server inside this process  (EMAIL_URL); counts messages per recipient
  app-1, app-2         gunicorn -c gunicorn.conf.py, GUNICORN_BIND=127.0.0.1:<port>, GUNICORN_WORKERS=2,
                       production settings (DJANGO_DEBUG=0, a random secret key, SSL redirect off, as
                       bench/_server.py runs them), DATABASE_URL through PgBouncer,
                       DATABASE_REPLICA_URL on the replica (used only if wic/db_router.py exists)
  HAProxy              round robin over app-1/app-2, `GET /healthz` checked every 500 ms (fall 2,
                       rise 2), `retries 3`, `option redispatch 1` and `retry-on conn-failure
                       empty-response response-timeout 500 502 503 504` for GET/HEAD only
                       (`http-request disable-l7-retry unless METH_GET || METH_HEAD`: a POST is
                       never replayed by the balancer; the client resends a scan with the same
                       nonce). Its stats socket gives each row's retries and redispatches.
  Celery               worker "mail" (-Q mail), worker "bg" (-Q notifications,default), one beat

PostgreSQL and PgBouncer refuse to run as root: as root they run as the `postgres` OS user
(their dirs are chowned to it); otherwise as the current user. The app's data: `manage.py
migrate` and `manage.py seed` (the past editions) through PgBouncer, `collectstatic` into the
temp dir, then one `manage.py shell` script adds an open edition 2999 with a gate list for today,
guests with credentials and two gate users with scan tokens (as bench/checkin.py does).

Load, through HAProxy only, from the start of the first phase to the end of the last: 3 threads
of GETs (the home page, editions' pages and agendas, the API lists: sessions, halls, people,
editions, organizations; /healthz; and, with a gate token, the gate list's offline data) and 2 threads of gate scans (`POST
/api/v1/checkins/`, one gate user each, a fresh credential and nonce per scan; a scan answered with no answer or a 5xx is sent again
with the SAME nonce until it is answered, as the gate's page does; every 4th scan is sent a
second time with its nonce after it was answered, as a phone that lost the answer). Each thread
pauses between requests: the load is small on purpose (2 cores shared).

Faults, one after the other, each bounded in time:

  app server killed   SIGKILL to app-1's process group mid-run; HAProxy's stats socket gives the
                      moment it marks app-1 DOWN; failed GETs before and after that are counted
                      apart. PASS: 0 failed GETs after detection, every scan answered, one
                      admission per credential, every re-sent nonce answered with its first answer.
                      app-1 is started again afterwards and must come back UP.
  PgBouncer restarted stopped (SIGINT, safe shutdown) and started again on its port. PASS: 0
                      failed GETs (a GET the app answers 503 `database_unavailable` with
                      Retry-After is sent again, as its clients do, and counted), 0 lost scans.
  replica stopped     only when wic/db_router.py exists (else "skipped: no router"). PASS: the
                      replica was serving reads before (its pg_stat_database), then 0 errors and
                      0 5xx while it is down (reads fall back to the primary). Started again after.
  cache Redis stopped PASS: 0 5xx and 0 failed requests while it is down. Started again after.
  worker -9 mid-email guests register through HAProxy (POST /api/v1/registrations/); the SMTP sink
                      stalls the first message after its DATA (not accepted yet), the "mail"
                      worker's process group gets SIGKILL there, and is started again (as systemd's
                      Restart= would). PASS: every registration's email received exactly once
                      (counted per outbox key) and marked sent.
  broker restarted    the broker Redis stopped, guests register while it is down (their emails stay
                      queued in the outbox), then it is started again (empty: no persistence).
                      PASS: 0 failed requests, each email received exactly once (the sweep sends
                      them: OUTBOX_SWEEP_AFTER=15 s, OUTBOX_SWEEP_INTERVAL=3 s here).

Across the whole run the scans are checked in the database at the end: one Checkin row per
nonce, one admission per credential. The gate's offline data has a row of its own (HAProxy sends
it to a backend of its own, with the same two servers, so its figures are counted apart). It
found that a server-side cursor (`.iterator()`) fails through transaction pooling
(`InvalidCursorName`, a 500); the app now reads it without one, and runs here with
DATABASE_SERVER_SIDE_CURSORS=0 (Django's DISABLE_SERVER_SIDE_CURSORS) for the exports that still
use one. PASS: 0 failed; a 5xx reaches the client only as the app's 503 with Retry-After
(`database_unavailable` while PgBouncer restarts), which the GET threads send again after that many
seconds (at most 30 s) as the gate phone does. Every row also gives HAProxy's
retries and redispatches in its window: failures the balancer hid from the client.

Output: the set-up steps with their times, one line per fault as it runs, then the table

  fault | requests | failed | 5xx | what was checked | PASS/FAIL

and the list of processes stopped. Run it from the project folder, after `bash bin/setup.sh`:

    .venv/bin/python bench/cluster.py [--short] [--keep-logs DIR] [--pool-mode transaction|session] [--install]

  --short          shorter phases and fewer emails (3 to 5 minutes in all on the shared 2-core
                   machine, most of it migrate, seed and collectstatic), for the CI test
                   (tests/wic/test_cluster_rehearsal.py)
  --keep-logs DIR  copy every process's log (and the generated configs) into DIR at the end
  --pool-mode M    PgBouncer's pool_mode: transaction (the default; the app then runs with
                   DATABASE_PREPARED_STATEMENTS=0 and DATABASE_SERVER_SIDE_CURSORS=0) or
                   session (prepared statements and server-side cursors on)
  --install        as root: apt-get install -y what is missing (haproxy, pgbouncer, redis-server,
                   postgresql-15) before starting

Exit codes: 0 every fault PASS; 1 a fault FAILED (a request lost that should not be, an email sent
twice or not at all, a scan admitted twice); 2 the cluster could not be set up (a process did not
start; its log's tail is printed); 3 cannot run here (a program missing without --install, no
.venv, --install without root): what is missing is printed; 130 interrupted (Ctrl-C, SIGTERM),
after stopping everything.
"""
import argparse
import atexit
import csv
import http.client
import io
import json
import os
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
BEIJING = ZoneInfo("Asia/Shanghai")
EXIT_OK, EXIT_FAIL, EXIT_SETUP, EXIT_CANNOT = 0, 1, 2, 3
YEAR = 2999  # the open edition the run registers guests for and scans at

# program -> Debian package that has it
PROGRAMS = {
    "haproxy": "haproxy",
    "pgbouncer": "pgbouncer",
    "redis-server": "redis-server",
    "postgres": "postgresql-15",
    "initdb": "postgresql-15",
    "pg_basebackup": "postgresql-client-15",
}
EXTRA_DIRS = ["/usr/sbin", "/usr/local/bin", "/usr/lib/postgresql/15/bin", "/usr/bin"]

def _checkin_setup() -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("wic_bench_checkin", Path(__file__).resolve().parent / "checkin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SETUP


GET_URLS = [
    "/", "/editions/", "/editions/2017/", "/editions/2024/agenda/", "/editions/2017/agenda/",
    "/api/v1/sessions/?edition=2017", "/api/v1/halls/", "/api/v1/people/?edition=2024", "/api/v1/editions/",
    "/api/v1/organizations/", "/healthz",
]

# The open edition, its gate list for today, guests with credentials and gate users with scan
# tokens: bench/checkin.py's own set-up script (it prints one BENCH-DATA line).
SETUP = _checkin_setup()

CHECK = r'''
import json
from collections import Counter
from registration.models import Checkin
from wic.models import OutgoingEmail
secrets_, addresses = json.load(open({inputs!r}))
rows = list(Checkin.objects.filter(raw_secret__in=secrets_).values_list("nonce", "raw_secret", "result", "type"))
per_nonce = Counter(r[0] for r in rows)
admissions = Counter(r[1] for r in rows if r[2] == "ok" and r[3] == "entry")
emails = [
    {{"key": e.key, "to": e.to, "status": e.status, "attempts": e.attempts}}
    for e in OutgoingEmail.objects.all() if set(e.to) & set(addresses)
]
print("CLUSTER-CHECK " + json.dumps({{
    "rows": len(rows), "nonces_twice": sum(1 for v in per_nonce.values() if v > 1),
    "admitted": len(admissions), "admitted_twice": sum(1 for v in admissions.values() if v > 1),
    "emails": emails,
}}))
'''


class CannotRun(Exception):
    """Something this machine lacks (exit 3)."""


class SetupFailed(Exception):
    """The cluster could not be set up (exit 2)."""


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find(program: str) -> str | None:
    found = shutil.which(program)
    if found:
        return found
    for folder in EXTRA_DIRS:
        candidate = Path(folder) / program
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def programs(install: bool) -> dict[str, str]:
    if not PYTHON.exists():
        raise CannotRun(f"no {PYTHON}: run `bash bin/setup.sh` first")
    missing = [name for name in PROGRAMS if not find(name)]
    if missing and install:
        if os.geteuid() != 0:
            raise CannotRun(f"--install needs root; missing: {', '.join(missing)}")
        packages = sorted({PROGRAMS[name] for name in missing})
        say(f"installing {' '.join(packages)} (apt-get)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        result = subprocess.run(["apt-get", "install", "-y", "-q", *packages], env=env)
        if result.returncode != 0:
            raise CannotRun(f"apt-get install {' '.join(packages)} failed (exit {result.returncode})")
        missing = [name for name in PROGRAMS if not find(name)]
    if missing:
        packages = sorted({PROGRAMS[name] for name in missing})
        raise CannotRun(
            f"missing: {', '.join(missing)} (Debian: apt-get install -y {' '.join(packages)}; or run this as root with --install)"
        )
    return {name: find(name) for name in PROGRAMS}


# -- processes ----------------------------------------------------------------------------------

class Processes:
    """Every process this run starts, each in its own process group (session), logging to
    <tmp>/logs/<name>.log; stop_all() ends them all, in reverse order, and is idempotent."""

    def __init__(self, logs: Path, run_as: str | None):
        self.logs = logs
        self.run_as = run_as  # OS user for PostgreSQL and PgBouncer (root cannot run them)
        self.procs: dict[str, subprocess.Popen] = {}
        self.order: list[str] = []
        self.every_pid: list[int] = []

    def start(self, name: str, cmd: list[str], env: dict | None = None, cwd: Path | None = None, as_db_user: bool = False) -> subprocess.Popen:
        kwargs = {}
        if as_db_user and self.run_as:
            kwargs = {"user": self.run_as, "group": self.run_as, "extra_groups": []}
        with open(self.logs / f"{name}.log", "ab") as log:
            log.write(f"\n=== {datetime.now().isoformat(timespec='seconds')} {' '.join(map(str, cmd))}\n".encode())
            log.flush()
            proc = subprocess.Popen(
                [str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, cwd=cwd or ROOT, start_new_session=True, **kwargs,
            )
        self.procs[name] = proc
        if name not in self.order:
            self.order.append(name)
        self.every_pid.append(proc.pid)
        return proc

    def alive(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def send(self, name: str, sig: int) -> None:
        proc = self.procs.get(name)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        proc = self.procs.get(name)
        if proc is None:
            return
        if proc.poll() is None:
            self.send(name, sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.send(name, signal.SIGKILL)
                proc.wait(5)
        # whatever is left in its group (a Celery pool child, a gunicorn worker) goes too
        self.send(name, signal.SIGKILL)

    def kill(self, name: str) -> None:
        self.send(name, signal.SIGKILL)
        proc = self.procs.get(name)
        if proc is not None:
            proc.wait(10)

    def stop_all(self) -> list[str]:
        stopped = []
        for name in reversed(self.order):
            proc = self.procs.get(name)
            if proc is None:
                continue
            # PostgreSQL: SIGINT is its fast shutdown; others SIGTERM (graceful)
            sig = signal.SIGINT if name.startswith(("pg-", "pgbouncer")) else signal.SIGTERM
            try:
                self.stop(name, sig, timeout=20)
            except Exception as error:  # keep going: every process must be stopped
                say(f"  could not stop {name}: {error!r}")
            stopped.append(name)
        return stopped

    def leftovers(self) -> list[int]:
        """Pids of process groups started here that still have a member."""
        left = []
        for pid in self.every_pid:
            try:
                os.killpg(pid, 0)
                left.append(pid)
            except (ProcessLookupError, PermissionError):
                pass
        return left


def log_tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def wait_until(predicate, timeout: float, interval: float = 0.2, what: str = "", proc: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SetupFailed(f"{what}: the process exited with {proc.returncode}\n{log_tail(log) if log else ''}")
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # not up yet
            last = error
        time.sleep(interval)
    raise SetupFailed(f"{what}: not ready within {timeout:.0f} s (last: {last!r})\n{log_tail(log) if log else ''}")


def run(cmd: list, env: dict, what: str, timeout: float = 600, user: str | None = None, cwd: Path | None = None) -> str:
    t0 = time.perf_counter()
    kwargs = {"user": user, "group": user, "extra_groups": []} if user else {}
    result = subprocess.run([str(c) for c in cmd], cwd=cwd or ROOT, env=env, capture_output=True, text=True, timeout=timeout, **kwargs)
    if result.returncode != 0:
        raise SetupFailed(f"{what} failed (exit {result.returncode})\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    say(f"  {what:<44} {time.perf_counter() - t0:6.1f} s")
    return result.stdout


# -- SMTP sink ----------------------------------------------------------------------------------

class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib. A message counts as received once the sink has answered 250
    to its final dot (as a mail server takes responsibility for it only then). When a stall is
    armed, the next message is held after its DATA, unanswered, until the client goes away."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server
        self.reply("220 cluster-sink ESMTP")
        recipients = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].decode("ascii", "replace").upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-localhost\r\n250 8BITMIME\r\n")
                self.wfile.flush()
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>").lower())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    pass
                if server.take_stall():
                    server.stalled.set()
                    try:
                        while self.rfile.read(1024):  # hold until the client goes away (killed)
                            pass
                    except OSError:
                        pass
                    server.dropped += 1
                    return
                with server.lock:
                    for rcpt in recipients:
                        server.received[rcpt] += 1
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.lock = threading.Lock()
        self.received: Counter = Counter()
        self.stalls_left = 0
        self.stalled = threading.Event()
        self.dropped = 0

    def arm_stall(self) -> None:
        with self.lock:
            self.stalls_left = 1
            self.stalled.clear()

    def take_stall(self) -> bool:
        with self.lock:
            if self.stalls_left > 0:
                self.stalls_left -= 1
                return True
            return False


# -- HTTP load ----------------------------------------------------------------------------------

class Client:
    """One keep-alive connection to HAProxy. A request on a REUSED connection that the other end
    had closed (idle) is sent again once, as any HTTP client does; nothing else is retried here."""

    def __init__(self, port: int, timeout: float = 15):
        self.port, self.timeout, self.conn, self.used = port, timeout, None, False
        self.retry_after: str | None = None  # the last answer's Retry-After header

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn, self.used = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout), False
            reused = self.used
            try:
                self.conn.request(method, url, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                self.used = True
                self.retry_after = response.getheader("Retry-After")
                if response.will_close:
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2 or not reused:
                    raise
            except Exception:
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None


class Load:
    """GET threads and scan threads against HAProxy until stop(); every request is recorded as
    (end time, kind, status or None, ok)."""

    def __init__(self, port: int, tokens: list[str], list_id: int, secrets_: list[str], get_threads: int = 3, pause: float = 0.12):
        self.port, self.tokens, self.list_id = port, tokens, list_id
        self.secrets = iter(secrets_)
        self.used_secrets: list[str] = []
        self.get_threads, self.pause = get_threads, pause
        self.lock = threading.Lock()
        self.records: list[tuple[float, str, int | None, bool, str]] = []  # (t, kind, status, ok, note)
        self.scans: list[dict] = []
        self.get_503s = {"get": 0, "offline": 0}  # 503s of the app with Retry-After, the GET sent again
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self):
        for n in range(self.get_threads):
            self.threads.append(threading.Thread(target=self._gets, args=(n,), daemon=True))
        for n in range(len(self.tokens)):
            self.threads.append(threading.Thread(target=self._scans, args=(n,), daemon=True))
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(60)

    def _record(self, kind: str, status: int | None, ok: bool, note: str = ""):
        with self.lock:
            self.records.append((time.monotonic(), kind, status, ok, note))

    def _gets(self, n: int):
        client = Client(self.port)
        urls = GET_URLS + [f"/api/v1/checkin-lists/{self.list_id}/offline/"]
        i = n
        while not self.stopping.is_set():
            url = urls[i % len(urls)]
            i += 1
            headers = {"Accept-Encoding": "identity"}
            if "/checkin-lists/" in url:  # the gate phone's offline data, with a gate token
                headers["Authorization"] = f"Token {self.tokens[0]}"
            # As the app's own clients do (the gate page, the offline data's download): a 503 of the
            # app with Retry-After (`database_unavailable`, `database_busy`: nothing was done) is
            # sent again after that many seconds, for at most 30 s. HAProxy's own 503 (no server)
            # has no Retry-After and counts as a failure at once.
            deadline = time.monotonic() + 30
            while True:
                try:
                    status, data = client.request("GET", url, headers=headers)
                    ok = status == 200
                    note = "" if ok else f"GET {url} -> {status} {data[:120]!r}"
                except Exception as error:
                    status, ok, note = None, False, f"GET {url} -> {error!r}"
                retry_after = client.retry_after if status == 503 else None
                if ok or retry_after is None or not retry_after.isdigit() or time.monotonic() > deadline or self.stopping.is_set():
                    break
                with self.lock:
                    self.get_503s["offline" if "/checkin-lists/" in url else "get"] += 1
                time.sleep(min(int(retry_after), 2))
            self._record("offline" if "/checkin-lists/" in url else "get", status, ok, note)
            time.sleep(self.pause)
        client.close()

    def _scans(self, n: int):
        client = Client(self.port)
        headers = {"Authorization": f"Token {self.tokens[n]}", "Content-Type": "application/json", "Accept-Encoding": "identity"}
        count = 0
        while not self.stopping.is_set():
            with self.lock:
                secret = next(self.secrets, None)
                if secret is not None:
                    self.used_secrets.append(secret)
            if secret is None:
                return
            nonce = uuid.uuid4().hex
            body = json.dumps({"list": self.list_id, "secret": secret, "nonce": nonce, "type": "entry", "gate": f"东门 {n + 1}", "device": f"cluster-{n}"}).encode()
            scan = {"t0": time.monotonic(), "secret": secret, "nonce": nonce, "attempts": 0, "statuses": [], "result": None, "resend": None}
            deadline = time.monotonic() + 30
            while True:
                scan["attempts"] += 1
                try:
                    status, data = client.request("POST", "/api/v1/checkins/", body, headers)
                except Exception as error:
                    status, data = None, repr(error).encode()
                scan["statuses"].append(status)
                self._record("scan-attempt", status, status == 200, "" if status == 200 else f"POST scan -> {status} {data[:120]!r}")
                if status == 200:
                    scan["result"] = json.loads(data).get("result")
                    break
                if (status is not None and status < 500) or time.monotonic() > deadline:
                    scan["result"] = f"failed: {status} {data[:120]!r}"
                    break
                time.sleep(0.3)  # the gate's page queues the scan and sends it again, same nonce
            count += 1
            if count % 4 == 0 and scan["result"] == "ok":  # the answer "lost": the same nonce again
                try:
                    status, data = client.request("POST", "/api/v1/checkins/", body, headers)
                    scan["resend"] = json.loads(data).get("result") if status == 200 else f"{status}"
                except Exception as error:
                    scan["resend"] = repr(error)
            scan["t1"] = time.monotonic()
            with self.lock:
                self.scans.append(scan)
            time.sleep(self.pause * 2)
        client.close()

    def window(self, t0: float, t1: float) -> dict:
        """Figures of the requests that ended in [t0, t1)."""
        with self.lock:
            records = [r for r in self.records if t0 <= r[0] < t1 and r[1] != "offline"]  # the offline data has its own row
            scans = [s for s in self.scans if t0 <= s["t0"] < t1]
        gets = [r for r in records if r[1] == "get"]
        return {
            "requests": len(records),
            "failed_gets": sum(1 for r in gets if not r[3]),
            "gets": len(gets),
            "5xx": sum(1 for r in records if r[2] is not None and r[2] >= 500),
            "no_answer": sum(1 for r in records if r[2] is None),
            "scans": len(scans),
            "scans_failed": sum(1 for s in scans if s["result"] != "ok"),
            "scans_resent": sum(1 for s in scans if s["attempts"] > 1),
            "resends": sum(1 for s in scans if s["resend"] is not None),
            "resends_wrong": sum(1 for s in scans if s["resend"] not in (None, "ok")),
            "samples": [r[4] for r in records if not r[3]][:3],
        }


# -- the cluster --------------------------------------------------------------------------------

class Cluster:
    def __init__(self, args, bins: dict[str, str]):
        self.args, self.bins = args, bins
        self.tmp = Path(tempfile.mkdtemp(prefix="wic-cluster-"))
        os.chmod(self.tmp, 0o755)  # the postgres user must reach its dirs inside
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.run_as = "postgres" if os.geteuid() == 0 else None
        self.p = Processes(self.logs, self.run_as)
        self.ports = {name: free_port() for name in ("primary", "replica", "pgbouncer", "cache", "broker", "app-1", "app-2", "haproxy")}
        self.smtp = SMTPSink()
        threading.Thread(target=self.smtp.serve_forever, daemon=True).start()
        self.env: dict = {}
        self.router = False
        self.haproxy_states: list[tuple[float, str, str]] = []  # (t, server, status)
        self._cleaned = False
        self.log_offsets: dict[str, int] = {}

    # PostgreSQL ---------------------------------------------------------------------------
    def pg_dir(self) -> Path:
        return self.tmp / "pg"

    def _pg_connect(self, port: int, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True, connect_timeout=2)

    def start_postgres(self, name: str, datadir: Path, port: int):
        cmd = [
            self.bins["postgres"], "-D", datadir, "-c", f"port={port}", "-c", "listen_addresses=127.0.0.1",
            "-c", f"unix_socket_directories={self.pg_dir()}", "-c", "shared_buffers=32MB", "-c", "max_connections=80",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "log_min_messages=warning", "-c", "hot_standby=on",
        ]
        proc = self.p.start(name, cmd, env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}, cwd=self.pg_dir(), as_db_user=True)

        def ready():
            with self._pg_connect(port) as conn:
                return conn.execute("select pg_is_in_recovery()").fetchone() is not None

        wait_until(ready, 60, what=name, proc=proc, log=self.logs / f"{name}.log")

    def setup_postgres(self):
        pg = self.pg_dir()
        pg.mkdir(mode=0o700)
        if self.run_as:
            shutil.chown(pg, self.run_as, self.run_as)
        t0 = time.perf_counter()
        user = self.run_as
        run([self.bins["initdb"], "-D", pg / "primary", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            {"PATH": os.environ.get("PATH", "")}, "initdb (primary)", user=user, cwd=pg)
        self.start_postgres("pg-primary", pg / "primary", self.ports["primary"])
        with self._pg_connect(self.ports["primary"]) as conn:
            conn.execute("CREATE DATABASE wic")
        run([self.bins["pg_basebackup"], "-h", "127.0.0.1", "-p", self.ports["primary"], "-U", "postgres", "-D", pg / "replica",
             "-R", "-X", "stream", "-c", "fast", "--no-sync"], {"PATH": os.environ.get("PATH", "")}, "pg_basebackup -R (replica)", user=user, cwd=pg)
        self.start_postgres("pg-replica", pg / "replica", self.ports["replica"])
        with self._pg_connect(self.ports["replica"]) as conn:
            if not conn.execute("select pg_is_in_recovery()").fetchone()[0]:
                raise SetupFailed("the replica is not in recovery (hot standby)")

        def streaming():
            with self._pg_connect(self.ports["primary"]) as conn:
                return conn.execute("select count(*) from pg_stat_replication where state = 'streaming'").fetchone()[0] == 1

        wait_until(streaming, 30, what="replica streaming")
        say(f"  {'PostgreSQL primary + streaming replica up':<44} {time.perf_counter() - t0:6.1f} s")

    # PgBouncer ----------------------------------------------------------------------------
    def write_pgbouncer_ini(self):
        ini = self.tmp / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"wic = host=127.0.0.1 port={self.ports['primary']} dbname=wic user=postgres\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.ports['pgbouncer']}\n"
            "unix_socket_dir =\n"
            "auth_type = any\n"
            f"pool_mode = {self.args.pool_mode}\n"
            "max_client_conn = 200\n"
            "default_pool_size = 20\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            "log_connections = 0\n"
            "log_disconnections = 0\n"
        )
        ini.chmod(0o644)
        return ini

    def start_pgbouncer(self):
        proc = self.p.start("pgbouncer", [self.bins["pgbouncer"], self.tmp / "pgbouncer.ini"], env={"PATH": os.environ.get("PATH", "")}, cwd=self.tmp, as_db_user=True)

        def ready():
            with self._pg_connect(self.ports["pgbouncer"], "wic") as conn:
                return conn.execute("select 1").fetchone()[0] == 1

        wait_until(ready, 30, what="pgbouncer", proc=proc, log=self.logs / "pgbouncer.log")

    # Redis --------------------------------------------------------------------------------
    def start_redis(self, name: str):
        policy = "allkeys-lru" if name == "cache" else "noeviction"
        folder = self.tmp / f"redis-{name}"
        folder.mkdir(exist_ok=True)
        port = self.ports[name]
        proc = self.p.start(f"redis-{name}", [
            self.bins["redis-server"], "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--maxmemory", "64mb", "--maxmemory-policy", policy, "--dir", folder, "--daemonize", "no", "--unixsocket", "",
        ], cwd=folder)

        def ready():
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

        wait_until(ready, 20, what=f"redis {name}", proc=proc, log=self.logs / f"redis-{name}.log")

    # the app ------------------------------------------------------------------------------
    def app_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "GUNICORN_", "EMAIL_", "OUTBOX_"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "wic.settings",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(self.tmp / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_PROXY_COUNT": "1",  # HAProxy appends to X-Forwarded-For
            "SITE_URL": f"http://127.0.0.1:{self.ports['haproxy']}",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.ports['pgbouncer']}/wic",
            # PgBouncer 1.18 in transaction mode keeps no prepared statements; in session mode it does
            "DATABASE_PREPARED_STATEMENTS": "0" if self.args.pool_mode == "transaction" else "1",
            "DATABASE_SERVER_SIDE_CURSORS": "0" if self.args.pool_mode == "transaction" else "1",
            "DATABASE_CONN_MAX_AGE": "60",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.ports['replica']}/wic",
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['cache']}/0",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.ports['broker']}/0",
            "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{self.ports['broker']}/0",
            "CELERY_VISIBILITY_TIMEOUT": "15",
            "OUTBOX_SWEEP_AFTER": "15",
            "OUTBOX_SWEEP_INTERVAL": "3",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.server_address[1]}/",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "GUNICORN_FORWARDED_ALLOW_IPS": "127.0.0.1",
            "GUNICORN_LOG_LEVEL": "warning",
        })
        return env

    def setup_app(self):
        env = self.env = self.app_env()
        manage = [PYTHON, ROOT / "manage.py"]
        self.router = subprocess.run([PYTHON, "-c", "import wic.db_router"], cwd=ROOT, env=env, capture_output=True).returncode == 0
        collect_log = open(self.logs / "collectstatic.log", "wb")
        t0 = time.perf_counter()
        collect = subprocess.Popen([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, stdout=collect_log, stderr=subprocess.STDOUT, start_new_session=True)
        self.p.every_pid.append(collect.pid)
        try:
            run([*manage, "migrate", "--noinput", "-v", "0"], env, "manage.py migrate (through PgBouncer)")
            run([*manage, "seed", "-v", "0"], env, "manage.py seed (past editions)")
            secrets_file = self.tmp / "secrets.txt"
            guests = 2500 if self.args.short else 5000
            out = run([*manage, "shell", "-c", SETUP.format(guests=guests, users=2, year=YEAR, secrets_file=str(secrets_file))], env,
                      f"edition {YEAR}: {guests} guests, 2 gate users")
            self.data = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH-DATA "))[len("BENCH-DATA "):])
            self.secrets = secrets_file.read_text().split()
            if collect.wait(300) != 0:
                raise SetupFailed("collectstatic failed\n" + log_tail(self.logs / "collectstatic.log"))
            say(f"  {'collectstatic (beside migrate and seed)':<44} {time.perf_counter() - t0:6.1f} s")
        finally:
            if collect.poll() is None:
                os.killpg(collect.pid, signal.SIGKILL)
                collect.wait()
            collect_log.close()

    def start_app(self, name: str, wait: bool = True):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.ports[name]}"}
        self.p.start(name, [VENV_BIN / "gunicorn", "-c", ROOT / "gunicorn.conf.py"], env=env, cwd=ROOT)
        if wait:
            self.wait_app(name)

    def wait_app(self, name: str):
        def healthy():
            conn = http.client.HTTPConnection("127.0.0.1", self.ports[name], timeout=3)
            try:
                conn.request("GET", "/healthz")
                return conn.getresponse().status == 200
            finally:
                conn.close()

        wait_until(healthy, 90, what=name, proc=self.p.procs[name], log=self.logs / f"{name}.log")

    def start_celery(self, name: str, wait: bool = True):
        host = f"{name}-{os.getpid()}@%h"
        if name == "worker-mail":
            cmd = [VENV_BIN / "celery", "-A", "wic", "worker", "-Q", "mail", "-n", host, "-c", "1", "--prefetch-multiplier", "1", "-l", "info"]
        elif name == "worker-bg":
            cmd = [VENV_BIN / "celery", "-A", "wic", "worker", "-Q", "notifications,default", "-n", host, "-c", "1", "-l", "info"]
        else:
            cmd = [VENV_BIN / "celery", "-A", "wic", "beat", "-l", "info", "--schedule", self.tmp / "celerybeat-schedule"]
        log = self.logs / f"{name}.log"
        self.log_offsets[name] = log.stat().st_size if log.exists() else 0
        self.p.start(name, cmd, env=self.env, cwd=ROOT)
        if name.startswith("worker") and wait:
            self.wait_celery(name)

    def wait_celery(self, name: str):
        """Until the worker logs "ready." (in this start's part of its log)."""
        log = self.logs / f"{name}.log"
        wait_until(lambda: b"ready." in log.read_bytes()[self.log_offsets.get(name, 0):], 60, what=name, proc=self.p.procs[name], log=log)

    # HAProxy ------------------------------------------------------------------------------
    def write_haproxy_cfg(self):
        cfg = self.tmp / "haproxy.cfg"
        cfg.write_text(f"""global
    maxconn 400
    stats socket {self.tmp / 'haproxy.sock'} mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 2s
    timeout http-keep-alive 4s
    option forwardfor
    retries 3
    option redispatch 1
    # Replayed on another server when the first one died or failed: GET and HEAD only (below)
    retry-on conn-failure empty-response response-timeout 500 502 503 504

frontend web
    bind 127.0.0.1:{self.ports['haproxy']}
    # the same servers; a backend of its own only so that its figures are counted apart
    use_backend gate_offline if {{ path_beg /api/v1/checkin-lists/ }}
    default_backend app

backend app
    balance roundrobin
    # a POST (a scan, a registration) is never replayed by the balancer: the client decides
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 500ms fastinter 500ms downinter 500ms fall 2 rise 2
    server app-1 127.0.0.1:{self.ports['app-1']} check
    server app-2 127.0.0.1:{self.ports['app-2']} check

backend gate_offline
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 500ms fastinter 500ms downinter 500ms fall 2 rise 2
    server app-1 127.0.0.1:{self.ports['app-1']} check
    server app-2 127.0.0.1:{self.ports['app-2']} check
""")
        return cfg

    def haproxy_stat(self) -> list[dict]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(str(self.tmp / "haproxy.sock"))
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return list(csv.DictReader(io.StringIO(data.decode().lstrip("# "))))

    def haproxy_servers(self) -> dict[str, str]:
        return {row["svname"]: row["status"] for row in self.haproxy_stat() if row["pxname"] == "app" and row["svname"].startswith("app-")}

    def haproxy_retries(self, backend: str = "app") -> tuple[int, int, int]:
        """The backend's requests retried, redispatched to another server, and answered 5xx to the
        client (after any retries), so far. A retry is a failure HAProxy hid from the client."""
        row = next(r for r in self.haproxy_stat() if r["pxname"] == backend and r["svname"] == "BACKEND")
        return int(row["wretr"] or 0), int(row["wredis"] or 0), int(row["hrsp_5xx"] or 0)

    def start_haproxy(self):
        proc = self.p.start("haproxy", [self.bins["haproxy"], "-f", self.tmp / "haproxy.cfg", "-db"], cwd=self.tmp)
        wait_until(lambda: all(s.startswith("UP") for s in self.haproxy_servers().values()) and len(self.haproxy_servers()) == 2,
                   30, what="haproxy (both servers UP)", proc=proc, log=self.logs / "haproxy.log")
        threading.Thread(target=self._watch_haproxy, daemon=True).start()

    def _watch_haproxy(self):
        last = {}
        while not self._cleaned:
            try:
                now = self.haproxy_servers()
            except Exception:
                time.sleep(0.1)
                continue
            for server, status in now.items():
                if last.get(server) != status:
                    self.haproxy_states.append((time.monotonic(), server, status))
            last = now
            time.sleep(0.05)

    def detected_down(self, server: str, after: float) -> float | None:
        for t, name, status in self.haproxy_states:
            if name == server and t >= after and status.startswith("DOWN") and "/" not in status:
                return t
        return None

    def up(self, server: str) -> bool:
        return self.haproxy_servers().get(server, "").startswith("UP")

    # everything ---------------------------------------------------------------------------
    def start(self):
        say(f"setting up in {self.tmp} (ports: {', '.join(f'{k} {v}' for k, v in self.ports.items())}, smtp {self.smtp.server_address[1]})")
        self.setup_postgres()
        t0 = time.perf_counter()
        self.write_pgbouncer_ini()
        self.start_pgbouncer()
        self.start_redis("cache")
        self.start_redis("broker")
        say(f"  {f'PgBouncer ({self.args.pool_mode} pooling), 2 Redis up':<44} {time.perf_counter() - t0:6.1f} s")
        self.setup_app()
        t0 = time.perf_counter()
        self.start_app("app-1", wait=False)
        self.start_app("app-2", wait=False)
        self.start_celery("worker-mail", wait=False)
        self.start_celery("worker-bg", wait=False)
        self.start_celery("beat")
        for name in ("app-1", "app-2"):
            self.wait_app(name)
        for name in ("worker-mail", "worker-bg"):
            self.wait_celery(name)
        say(f"  {'gunicorn app-1, app-2; Celery mail, bg, beat':<44} {time.perf_counter() - t0:6.1f} s")
        self.write_haproxy_cfg()
        self.start_haproxy()
        say(f"  {'HAProxy: both app servers UP':<44}")
        say(f"  read-replica router (wic.db_router): {'present' if self.router else 'absent'}; DATABASE_REPLICA_URL set regardless")

    def clean_up(self, keep_logs: str | None):
        if self._cleaned:
            return
        self._cleaned = True
        stopped = self.p.stop_all()
        try:
            self.smtp.shutdown()
            self.smtp.server_close()
        except Exception:
            pass
        left = self.p.leftovers()
        say(f"stopped {len(stopped)} processes ({', '.join(stopped)}); "
            + ("none left" if not left else f"STILL RUNNING: process groups {left}"))
        if keep_logs:
            dest = Path(keep_logs)
            dest.mkdir(parents=True, exist_ok=True)
            for path in list(self.logs.iterdir()) + [self.tmp / "haproxy.cfg", self.tmp / "pgbouncer.ini"]:
                if path.exists():
                    shutil.copy(path, dest / path.name)
            say(f"logs and configs copied to {dest}")
        shutil.rmtree(self.tmp, ignore_errors=True)


# -- the faults ---------------------------------------------------------------------------------

class Rehearsal:
    def __init__(self, cluster: Cluster, short: bool):
        self.c, self.short = cluster, short
        self.rows: list[tuple[str, int, int, int, str, bool]] = []
        self.registered: list[str] = []
        self.latencies: list[float] = []

    def phase(self, seconds: float):
        time.sleep(seconds * (0.6 if self.short else 1.0))

    def add(self, fault: str, w: dict, failed: int, checked: str, passed: bool, since: tuple[int, int, int] | None = None):
        if since is not None:
            retried, redispatched, server_5xx = (a - b for a, b in zip(self.c.haproxy_retries(), since))
            checked += f"; HAProxy: {retried} retried, {redispatched} redispatched, {server_5xx} 5xx to clients"
        self.rows.append((fault, w["requests"], failed, w["5xx"], checked, passed))
        say(f"  -> {fault}: {'PASS' if passed else 'FAIL'}: {checked}" + (f"; e.g. {w['samples']}" if w["samples"] and not passed else ""))

    def scans_ok(self, w: dict) -> bool:
        return w["scans_failed"] == 0 and w["resends_wrong"] == 0

    def scan_words(self, w: dict) -> str:
        return (f"{w['scans']} scans, {w['scans_failed']} unanswered, {w['scans_resent']} resent by the client (same nonce), "
                f"{w['resends']} nonces sent twice: {w['resends'] - w['resends_wrong']} got their first answer")

    def baseline(self, load: Load):
        say("baseline: no fault")
        r0 = self.c.haproxy_retries()
        t0 = time.monotonic()
        self.phase(5)
        w = load.window(t0, time.monotonic())
        failed = w["failed_gets"] + w["scans_failed"]
        self.add("baseline (no fault)", w, failed, f"0 failed ({w['gets']} GETs; {self.scan_words(w)})", failed == 0 and self.scans_ok(w), r0)

    def app_killed(self, load: Load):
        c = self.c
        say("fault: app-1 killed (SIGKILL to its process group)")
        self.phase(2)
        r0 = c.haproxy_retries()
        t0 = time.monotonic()
        c.p.kill("app-1")
        t_kill = time.monotonic()
        detected = None
        deadline = t_kill + 15
        while time.monotonic() < deadline and detected is None:
            detected = c.detected_down("app-1", t_kill)
            time.sleep(0.05)
        self.phase(6)
        t1 = time.monotonic()
        if detected is None:
            detected = t1
        before, after, w = load.window(t0, detected), load.window(detected, t1), load.window(t0, t1)
        say(f"  HAProxy marked app-1 DOWN {detected - t_kill:.2f} s after the kill; "
            f"failed GETs before detection {before['failed_gets']} of {before['gets']}, after {after['failed_gets']} of {after['gets']}")
        # back again, as its supervisor would start it
        c.start_app("app-1")
        wait_until(lambda: c.up("app-1"), 20, what="app-1 UP again in HAProxy")
        ok = after["failed_gets"] == 0 and self.scans_ok(w) and c.detected_down("app-1", t_kill) is not None
        self.add(
            "app server killed (SIGKILL)", w, w["failed_gets"] + w["scans_failed"],
            f"detected in {detected - t_kill:.1f} s; failed GETs before detection {before['failed_gets']}/{before['gets']}, "
            f"after {after['failed_gets']}/{after['gets']} (must be 0); {self.scan_words(w)}; app-1 back UP",
            ok, r0,
        )

    def pgbouncer_restarted(self, load: Load):
        c = self.c
        say("fault: PgBouncer restarted")
        self.phase(1)
        r0 = c.haproxy_retries()
        resent_before = load.get_503s["get"]
        t0 = time.monotonic()
        c.p.stop("pgbouncer", signal.SIGINT, timeout=10)  # safe shutdown; SIGKILL after 10 s
        t_down = time.monotonic()
        c.start_pgbouncer()
        gap = time.monotonic() - t_down
        self.phase(4)
        w = load.window(t0, time.monotonic())
        failed = w["failed_gets"] + w["scans_failed"]
        resent = load.get_503s["get"] - resent_before
        self.add("PgBouncer restarted", w, failed,
                 f"stopped in {t_down - t0:.1f} s (SIGINT: safe shutdown, SIGKILL after 10 s), down {gap:.1f} s; {w['failed_gets']} failed GETs of {w['gets']} (must be 0; "
                 f"{resent} answered 503 with Retry-After and sent again, as the app's clients do), {self.scan_words(w)}", failed == 0 and self.scans_ok(w), r0)

    def replica_stopped(self, load: Load):
        c = self.c
        if not c.router:
            say("fault: replica stopped: skipped: no router (wic/db_router.py absent)")
            self.rows.append(("replica stopped", 0, 0, 0, "skipped: no router", True))
            return
        say("fault: replica stopped")

        def replica_stats():
            with c._pg_connect(c.ports["replica"], "wic") as conn:
                return conn.execute(
                    "select xact_commit, (select count(*) from pg_stat_activity where datname = 'wic' and backend_type = 'client backend') "
                    "from pg_stat_database where datname = 'wic'"
                ).fetchone()

        x0, _ = replica_stats()
        time.sleep(2)
        x1, connections = replica_stats()
        used = (x1 - x0 - 1) / 2  # transactions a second, less this check's own
        say(f"  before the stop the replica served {used:.1f} transactions/s to {connections - 1} app connection(s)")
        r0 = c.haproxy_retries()
        t0 = time.monotonic()
        c.p.stop("pg-replica", signal.SIGINT, timeout=20)
        self.phase(6)
        w = load.window(t0, time.monotonic())
        c.start_postgres("pg-replica", c.pg_dir() / "replica", c.ports["replica"])
        failed = w["failed_gets"] + w["scans_failed"]
        self.add("replica stopped", w, failed,
                 f"the replica served {used:.1f} transactions/s before; reads fall back to the primary: 0 errors, 0 5xx "
                 f"({w['gets']} GETs, {w['scans']} scans)",
                 failed == 0 and w["5xx"] == 0 and self.scans_ok(w) and used > 0, r0)

    def cache_stopped(self, load: Load):
        c = self.c
        say("fault: cache Redis stopped")
        self.phase(1)
        r0 = c.haproxy_retries()
        t0 = time.monotonic()
        c.p.stop("redis-cache", signal.SIGTERM, timeout=10)
        self.phase(6)
        t1 = time.monotonic()
        w = load.window(t0, t1)
        still_up = all(c.up(s) for s in ("app-1", "app-2"))
        c.start_redis("cache")
        failed = w["failed_gets"] + w["scans_failed"]
        self.add("cache Redis stopped", w, failed,
                 f"pages still served: 0 5xx, 0 failed ({w['gets']} GETs, {w['scans']} scans); both servers stayed UP: {still_up}",
                 failed == 0 and w["5xx"] == 0 and still_up and self.scans_ok(w), r0)

    def register(self, tag: str, n: int, together: bool = False) -> tuple[list[str], float]:
        """n guests register through HAProxy (one after the other, or all at once); returns the
        addresses answered 202 and the slowest answer's seconds. The client waits up to 60 s."""
        addresses, slowest = [], [0.0]
        lock = threading.Lock()

        def one(i: int):
            address = f"{tag}-{i}-{secrets.token_hex(3)}@cluster.example"
            body = json.dumps({
                "edition": YEAR, "name": f"Rehearsal {tag} {i}", "email": address, "organization_name": "Rehearsal Org",
                "country": "DE", "category": "government", "participation": "on_site", "consent": True,
            }).encode()
            client = Client(self.c.ports["haproxy"], timeout=60)
            t0 = time.monotonic()
            try:
                status, data = client.request("POST", "/api/v1/registrations/", body, {"Content-Type": "application/json", "Accept-Language": "en"})
            except Exception as error:
                status, data = None, repr(error).encode()
            finally:
                client.close()
            with lock:
                slowest[0] = max(slowest[0], time.monotonic() - t0)
                if status == 202:
                    addresses.append(address)
                else:
                    say(f"  registration {address}: {status} {data[:200]!r}")

        if together:
            threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        else:
            for i in range(n):
                one(i)
                time.sleep(0.2)
        self.registered += addresses
        return sorted(addresses), slowest[0]

    def emails(self, addresses: list[str]) -> list[dict]:
        check = self.check([], addresses)
        return check["emails"]

    def check(self, secrets_: list[str], addresses: list[str]) -> dict:
        inputs = self.c.tmp / f"check-{secrets.token_hex(3)}.json"
        inputs.write_text(json.dumps([secrets_, addresses]))
        out = run([PYTHON, ROOT / "manage.py", "shell", "-c", CHECK.format(inputs=str(inputs))], self.c.env, "check in the database", timeout=120)
        return json.loads(next(line for line in out.splitlines() if line.startswith("CLUSTER-CHECK "))[len("CLUSTER-CHECK "):])

    def wait_emails(self, addresses: list[str], timeout: float) -> tuple[Counter, list[dict]]:
        """Wait until each address received its email and its row is sent; then a few seconds
        more (a sweep interval and then some) for a second copy to show up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.c.smtp.lock:
                if all(self.c.smtp.received[a] >= 1 for a in addresses):
                    break
            time.sleep(0.5)
        time.sleep(8)
        with self.c.smtp.lock:
            counts = Counter({a: self.c.smtp.received[a] for a in addresses})
        return counts, self.emails(addresses)

    def email_verdict(self, addresses: list[str], counts: Counter, rows: list[dict]) -> tuple[bool, str]:
        by_address = {}
        for row in rows:
            for a in row["to"]:
                by_address.setdefault(a, []).append(row)
        twice = [a for a in addresses if counts[a] > 1]
        never = [a for a in addresses if counts[a] == 0]
        keys_ok = all(len(by_address.get(a, [])) == 1 and by_address[a][0]["status"] == "sent" for a in addresses)
        for a in addresses:
            for row in by_address.get(a, []):
                say(f"    outbox key {row['key']}: status {row['status']}, attempts {row['attempts']}, received {counts[a]}")
        ok = bool(addresses) and not twice and not never and keys_ok
        return ok, f"{len(addresses)} emails: {sum(1 for a in addresses if counts[a] == 1)} received exactly once, {len(twice)} twice or more, {len(never)} never; every outbox row sent: {keys_ok}"

    def worker_killed(self, load: Load):
        c = self.c
        say("fault: Celery worker \"mail\" killed (-9) mid-email")
        n = 2 if self.short else 4
        t0 = time.monotonic()
        c.smtp.arm_stall()
        addresses, slowest = self.register("kill", n)
        stalled = c.smtp.stalled.wait(30)
        if stalled:
            c.p.kill("worker-mail")
            say("  SMTP sink holding a message after DATA: worker-mail's process group got SIGKILL; starting it again")
            time.sleep(1)
            c.start_celery("worker-mail")
        else:
            say("  the stall never came (no message reached the sink within 30 s)")
        counts, rows = self.wait_emails(addresses, 90)
        w = load.window(t0, time.monotonic())
        ok, words = self.email_verdict(addresses, counts, rows)
        ok = ok and stalled and len(addresses) == n and w["5xx"] == 0
        self.add("worker killed -9 mid-email", w, w["failed_gets"] + w["scans_failed"] + (n - len(addresses)),
                 f"killed mid-send: {stalled}; {words}", ok)

    def broker_restarted(self, load: Load):
        c = self.c
        say("fault: broker Redis restarted (no persistence: its queues are lost)")
        n = 2 if self.short else 4
        r0 = c.haproxy_retries()
        t0 = time.monotonic()
        c.p.stop("redis-broker", signal.SIGTERM, timeout=10)
        addresses, slowest = self.register("broker", n, together=True)
        self.phase(2)
        c.start_redis("broker")
        say(f"  broker down {time.monotonic() - t0:.1f} s; {len(addresses)} of {n} registrations answered 202 meanwhile, the slowest in {slowest:.1f} s")
        counts, rows = self.wait_emails(addresses, 120)
        w = load.window(t0, time.monotonic())
        ok, words = self.email_verdict(addresses, counts, rows)
        failed = w["failed_gets"] + w["scans_failed"] + (n - len(addresses))
        ok = ok and failed == 0 and w["5xx"] == 0 and self.scans_ok(w)
        self.add("broker Redis restarted", w, failed,
                 f"0 failed requests ({w['gets']} GETs, {w['scans']} scans); {len(addresses)}/{n} registrations answered 202 while it was down, "
                 f"slowest {slowest:.1f} s; {words}", ok, r0)

    def final_scan_check(self, load: Load) -> bool:
        used = list(load.used_secrets)
        answered = [s for s in load.scans if s["result"] == "ok"]
        check = self.check(used, [])
        ok = check["nonces_twice"] == 0 and check["admitted_twice"] == 0 and check["admitted"] == len(answered)
        with load.lock:
            records = list(load.records)
        w = {"requests": len([r for r in records if r[1] == "scan-attempt"]), "5xx": sum(1 for r in records if r[1] == "scan-attempt" and r[2] and r[2] >= 500), "samples": []}
        self.add("all scans, whole run (database)", w, len(load.scans) - len(answered),
                 f"{len(load.scans)} scans answered ok {len(answered)}; Checkin rows {check['rows']}, a nonce twice {check['nonces_twice']}, "
                 f"admitted {check['admitted']}, admitted twice {check['admitted_twice']}", ok)
        return ok

    def offline_row(self, load: Load):
        """The gate's offline data (GET /api/v1/checkin-lists/<id>/offline/, a gate token) over the
        whole run (it once read through a server-side cursor, which PgBouncer's transaction pooling
        cannot keep across statements: InvalidCursorName, a 500)."""
        with load.lock:
            records = [r for r in load.records if r[1] == "offline"]
        retried, redispatched, server_5xx = self.c.haproxy_retries("gate_offline")
        failed = sum(1 for r in records if not r[3])
        w = {"requests": len(records), "5xx": sum(1 for r in records if r[2] is not None and r[2] >= 500), "samples": [r[4] for r in records if not r[3]][:2]}
        resent = load.get_503s["offline"]
        self.add(f"gate offline data, whole run ({self.c.args.pool_mode} pooling)", w, failed,
                 f"GET .../offline/: {failed} failed (must be 0) though HAProxy retried {retried} and "
                 f"redispatched {redispatched}; {server_5xx} 5xx to clients, of which {resent} the app's 503 with Retry-After, "
                 f"sent again by the client as the gate phone does (any other 5xx fails the row)",
                 failed == 0 and server_5xx <= resent)

    def table(self) -> bool:
        headers = ("fault", "requests", "failed", "5xx", "what was checked", "result")
        lines = [(f, str(r), str(fl), str(x), what, "PASS" if ok else "FAIL") for f, r, fl, x, what, ok in self.rows]
        widths = [max(len(h), *(len(l[i]) for l in lines)) if i < 4 else len(h) for i, h in enumerate(headers)]
        say("")
        say(f"cluster rehearsal, {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, {os.cpu_count()} CPUs, "
            f"{'--short' if self.short else 'full run'}, PgBouncer {self.c.args.pool_mode} pooling, load average {os.getloadavg()[0]:.1f}")
        say("| " + " | ".join(h.ljust(widths[i]) if i < 4 else h for i, h in enumerate(headers)) + " |")
        say("|" + "|".join("-" * (widths[i] + 2) if i < 4 else "---" for i in range(len(headers))) + "|")
        for line in lines:
            say("| " + " | ".join(v.ljust(widths[i]) if i < 4 else v for i, v in enumerate(line)) + " |")
        return all(ok for *_, ok in self.rows)


def main() -> int:
    parser = argparse.ArgumentParser(description="Rehearse the multi-machine layout on loopback, with faults under load (issue 26).")
    parser.add_argument("--short", action="store_true", help="shorter phases, fewer emails (about 3 minutes): the CI test's run")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy every process's log and the generated configs into DIR at the end")
    parser.add_argument("--pool-mode", choices=["transaction", "session"], default="transaction",
                        help="PgBouncer's pool_mode (transaction: DATABASE_PREPARED_STATEMENTS=0; session: as docs/deploy.md advises, prepared statements on)")
    parser.add_argument("--install", action="store_true", help="as root: apt-get install -y the missing programs first")
    args = parser.parse_args()
    try:
        bins = programs(args.install)
    except CannotRun as error:
        print(f"cannot run here: {error}", flush=True)
        return EXIT_CANNOT

    cluster = Cluster(args, bins)
    atexit.register(cluster.clean_up, args.keep_logs)

    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    load = None
    started = time.monotonic()
    try:
        try:
            cluster.start()
        except SetupFailed as error:
            print(f"set-up failed: {error}", flush=True)
            return EXIT_SETUP
        load = Load(cluster.ports["haproxy"], cluster.data["tokens"], cluster.data["list"], cluster.secrets)
        say(f"\nload through HAProxy on 127.0.0.1:{cluster.ports['haproxy']}: {load.get_threads} GET threads, {len(load.tokens)} scan threads")
        load.start()
        r = Rehearsal(cluster, args.short)
        try:
            r.baseline(load)
            r.app_killed(load)
            r.pgbouncer_restarted(load)
            r.replica_stopped(load)
            r.cache_stopped(load)
            r.worker_killed(load)
            r.broker_restarted(load)
        except SetupFailed as error:
            say(f"a fault's recovery failed: {error}")
            r.rows.append(("(run interrupted)", 0, 0, 0, str(error).splitlines()[0][:160], False))
        finally:
            load.stop()
        r.final_scan_check(load)
        r.offline_row(load)
        passed = r.table()
        say(f"\n{'every fault PASS' if passed else 'FAILED'} in {time.monotonic() - started:.0f} s")
        return EXIT_OK if passed else EXIT_FAIL
    except KeyboardInterrupt:
        say("interrupted: stopping everything")
        return 130
    finally:
        if load is not None:
            load.stopping.set()
        cluster.clean_up(args.keep_logs)


if __name__ == "__main__":
    sys.exit(main())
