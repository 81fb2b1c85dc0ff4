"""Benchmark: gate scans (POST /api/v1/checkins/) under gunicorn + PostgreSQL, next to /healthz.

The goal (issue): with 50 concurrent clients against gunicorn + PostgreSQL on loopback, p99 under
50 ms and at least 300 scans per second on this 2-core machine. Throughput is measured closed
loop (each client sends its next scan when the last one answered); latency is measured open loop
at the goal's rate (the 50 clients together offer --rate scans per second, as gates do), because
in a closed loop latency is clients / throughput (Little's law) and 50 clients under 50 ms would
need over 1,000 scans per second.

Setup: a fresh PostgreSQL database `wic_bench_<random>` (127.0.0.1:5432, user postgres; created
with psycopg, dropped at the end), or a temp SQLite file with --sqlite. `migrate`, then one
`manage.py shell -c` script: edition 2999 (demo) with a gate list whose day is today in
Asia/Shanghai, N approved on-site registrations with one active 28-character credential each
(bulk_create, not the services: same rows, seconds instead of minutes), and one gate user per
client thread (group "gate", DRF token). One user per client, like one phone per gate lane: the
scan endpoint throttles each user to 600 scans a minute, which 50 clients on one account would hit.

Load: gunicorn `wic.wsgi` (--workers 4, sync) on a free loopback port, production settings
(DJANGO_DEBUG=0, random secret key, SSL redirect off) and DATABASE_CONN_MAX_AGE=60, i.e.
persistent database connections per worker. Client threads each hold a keep-alive http.client
connection (gunicorn's sync workers answer "Connection: close", so in effect each request opens
a new loopback TCP connection). Phases, all from the same --clients threads:

  warm-up     --warmup first admissions of spare secrets, not measured
  first scan  --scans first admissions of distinct secrets, unique nonces: every answer must be "ok"
  re-scan     the same secrets again with new nonces: every answer must be "already_checked_in"
  paced       --paced first admissions of other secrets offered at --rate per second in all;
              latency counts from when each scan was due
  healthz     GET /healthz (a database round trip), the same number of requests, for comparison

With --sqlite the app runs on a SQLite file with its own settings (WAL, BEGIN IMMEDIATE, the busy
timeout of DATABASE_SQLITE_TIMEOUT; nothing bench-only, the output names the options). Before
wic/settings.py set them a third of the concurrent warm-up scans failed with 500s. Answers 500 and
above (a 503 `database_busy` included) are counted over every phase and printed ("5xx answers").

Only valid secrets are sent (unknown ones count toward a per-user failed-scan lock-out). Any
non-200 status or unexpected result counts as an error. The load generator runs on the same
2 cores as gunicorn and PostgreSQL and takes CPU from them.

    .venv/bin/python bench/checkin.py [--scans 3000] [--clients 50] [--workers 4] [--threads 1] [--warmup 200] [--rate 300] [--paced 3000] [--sqlite]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
BEIJING = ZoneInfo("Asia/Shanghai")
GOAL_P99_MS, GOAL_RPS = 50.0, 300.0
YEAR = 2999

# Run inside `manage.py shell -c`; prints one JSON line the bench reads back.
SETUP = r'''
import json
from datetime import date
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from registration.models import CheckinList, Credential, Registration
from registration.services import CREDENTIAL_LENGTH, random_code
from wic import roles
from wic.models import Edition
from wic.tokens import token_create

GUESTS, USERS, YEAR, SECRETS_FILE = {guests}, {users}, {year}, {secrets_file!r}
today = timezone.localdate()  # TIME_ZONE is Asia/Shanghai
with transaction.atomic():
    edition = Edition.objects.create(
        year=YEAR, name_zh="基准测试峰会", name_en="Benchmark summit", start_date=date(YEAR, 11, 1), end_date=date(YEAR, 11, 3),
        location_zh="乌镇", location_en="Wuzhen", is_demo=True,
    )
    gate = CheckinList.objects.create(edition=edition, name_zh="基准主入口", name_en="Bench main gate", kind="gate", day=today)
    now = timezone.now()
    registrations = Registration.objects.bulk_create([
        Registration(
            edition=edition, reference=f"B{{i:07d}}", token=random_code(32), name=f"Bench Guest {{i}}", email=f"guest{{i}}@bench.example",
            organization_name="Bench Organization", title="Delegate", country="BR", category="government", participation="on_site",
            consent=True, status="approved", decided_at=now,
        )
        for i in range(GUESTS)
    ], batch_size=1000)
    codes = set()
    while len(codes) < GUESTS:
        codes.add(random_code(CREDENTIAL_LENGTH))
    codes = list(codes)
    Credential.objects.bulk_create([Credential(registration=r, secret=s) for r, s in zip(registrations, codes)], batch_size=1000)
    group, _ = Group.objects.get_or_create(name=roles.GATE)
    tokens = []
    for n in range(USERS):
        user = get_user_model().objects.create_user(f"bench-gate-{{n}}")  # no usable password
        user.groups.add(group)
        tokens.append(token_create(user=user)[1])  # a scan token: gate staff get no other kind
with open(SECRETS_FILE, "w") as f:
    f.write("\n".join(codes) + "\n")
print("BENCH-DATA " + json.dumps({{
    "list": gate.pk, "day": str(gate.day), "tokens": tokens,
    "credentials": Credential.objects.filter(registration__edition=edition, revoked_at__isnull=True).count(),
}}))
'''


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import add_server_options, clean_up, database_line, figure, percentile, production_env, request, run, start_gunicorn, stop, tool  # noqa: E402

SERVER_ERRORS = [0]  # answers 500 and above, every phase and the warm-up


@dataclass
class Phase:
    label: str
    expect: str | None  # expected "result" of a scan; None for /healthz
    latencies: list = field(default_factory=list)  # seconds, successful requests only
    elapsed: float = 0.0
    requests: int = 0
    errors: int = 0
    results: Counter = field(default_factory=Counter)
    error_samples: list = field(default_factory=list)



def load(phase: Phase | None, port: int, jobs: list, tokens: list[str], list_id: int, timeout: float, rate: float | None = None) -> None:
    """Split `jobs` (secrets, or None for a /healthz GET) over len(tokens) threads, one gate user
    each; record into `phase` (None: warm-up, nothing recorded but errors still raise).

    Without `rate` each thread sends its next request as soon as the last one answered (closed
    loop: measures the most the server can do). With `rate` the requests are spread over time at
    that many per second in all (open loop, as scans at gates arrive): job j is due at j / rate
    seconds, and its latency counts from when it was due, so time spent waiting behind a slow
    answer is counted rather than hidden (no coordinated omission)."""
    lock = threading.Lock()
    latencies, results, samples = [], Counter(), []
    errors = [0]
    clients = len(tokens)
    barrier = threading.Barrier(clients + 1)
    expect = phase.expect if phase else "ok"

    def worker(n: int):
        conn = [None]
        headers = {"Authorization": f"Token {tokens[n]}", "Content-Type": "application/json", "Accept-Encoding": "identity"}
        mine = jobs[n::clients]
        barrier.wait()
        start = start_at[0]
        try:
            for i, secret in enumerate(mine):
                due = None
                if rate:
                    due = start + (n + i * clients) / rate
                    pause = due - time.perf_counter()
                    if pause > 0:
                        time.sleep(pause)
                if secret is None:
                    method, url, body = "GET", "/healthz", None
                else:
                    method, url = "POST", "/api/v1/checkins/"
                    body = json.dumps({
                        "list": list_id, "secret": secret, "nonce": uuid.uuid4().hex,
                        "scanned_at": datetime.now(BEIJING).isoformat(), "type": "entry",
                        "gate": f"东门 {n % 4 + 1}", "device": f"bench-{n}",
                    }).encode()
                t0 = due if due is not None else time.perf_counter()
                try:
                    status, data = request(conn, port, method, url, body, headers if secret else {}, timeout)
                except Exception as error:  # timeouts, refused connections: counted, never fatal
                    status, data = None, repr(error).encode()
                dt = time.perf_counter() - t0
                result = None
                if status == 200 and secret is not None:
                    try:
                        result = json.loads(data).get("result")
                    except ValueError:
                        result = "unparsable"
                ok = status == 200 and (secret is None or result == expect)
                with lock:
                    if status is not None and status >= 500:
                        SERVER_ERRORS[0] += 1
                    if result:
                        results[result] += 1
                    if ok:
                        latencies.append(dt)
                    else:
                        errors[0] += 1
                        if len(samples) < 3:
                            samples.append(f"{method} {url} -> {status}: {data[:200]!r}")
        finally:
            if conn[0] is not None:
                conn[0].close()

    start_at = [0.0]
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    start_at[0] = time.perf_counter() + 0.05  # paced jobs are due from here on
    barrier.wait()  # all threads started and built their work lists: start the clock
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if phase is None:
        if errors[0]:
            raise RuntimeError(f"warm-up: {errors[0]} failed scan(s), {SERVER_ERRORS[0]} of them 5xx, e.g. {samples[:2]}")
        return
    phase.latencies += latencies
    phase.elapsed += elapsed
    phase.requests += len(jobs)
    phase.errors += errors[0]
    phase.results += results
    phase.error_samples += samples[: max(0, 3 - len(phase.error_samples))]


def figures(p: Phase) -> tuple[float, float, float]:
    lat = sorted(p.latencies)
    rps = len(lat) / p.elapsed if p.elapsed else 0.0
    return rps, (statistics.median(lat) * 1000 if lat else math.nan), percentile(lat, 0.99) * 1000


def report(phases: list[Phase], rate: float) -> bool:
    print(f"\n{'phase':<28} {'requests':>8} {'errors':>6} {'scans/s':>8} {'p50 ms':>8} {'p99 ms':>8}  results")
    for p in phases:
        rps, p50, p99 = figures(p)
        results = ", ".join(f"{k} {v}" for k, v in sorted(p.results.items())) or "-"
        print(f"{p.label:<28} {p.requests:>8} {p.errors:>6} {rps:>8.1f} {p50:>8.1f} {p99:>8.1f}  {results}")
    for p in phases:
        for sample in p.error_samples:
            print(f"  error, {p.label}: {sample}")
    closed, paced = phases[0], phases[2]
    rps, _, closed_p99 = figures(closed)
    _, paced_p50, paced_p99 = figures(paced)
    achieved = paced.requests / paced.elapsed if paced.elapsed else 0.0
    throughput_met = closed.errors == 0 and rps >= GOAL_RPS
    latency_met = paced.errors == 0 and paced_p99 < GOAL_P99_MS
    healthz_rps = figures(phases[3])[0]
    figure("checkin", "first scans, closed loop", rps, "scans/s", f">= {GOAL_RPS:.0f} {'MET' if throughput_met else 'NOT MET'}")
    figure("checkin", "re-scans, closed loop", figures(phases[1])[0], "scans/s")
    figure("checkin", f"p99 at {rate:.0f}/s offered", paced_p99, "ms", f"< {GOAL_P99_MS:.0f} {'MET' if latency_met else 'NOT MET'}")
    figure("checkin", "/healthz beside it", healthz_rps, "req/s")
    figure("checkin", "first scans vs /healthz", rps / healthz_rps * 100 if healthz_rps else 0.0, "%")
    figure("checkin", "5xx answers", SERVER_ERRORS[0], "count", f"0 {'MET' if SERVER_ERRORS[0] == 0 else 'NOT MET'}")
    print(
        f"\nthroughput: {rps:.0f} scans/s with {closed.requests} first scans back to back "
        f"(closed loop, p99 {closed_p99:.0f} ms); goal >= {GOAL_RPS:.0f}: {'MET' if throughput_met else 'NOT MET'}."
        f"\nlatency at {rate:.0f} scans/s offered, {achieved:.0f} answered per second (open loop, same clients): p50 {paced_p50:.1f} ms, "
        f"p99 {paced_p99:.1f} ms; goal p99 < {GOAL_P99_MS:.0f} ms: {'MET' if latency_met else 'NOT MET'}."
        "\n(In a closed loop, latency is clients / throughput by Little's law: 50 clients with p99 under 50 ms would"
        " need well over 1,000 scans/s, more than /healthz does on 2 cores; so latency is measured at the goal's rate.)"
        f"\n5xx answers: {SERVER_ERRORS[0]} (every phase, warm-up included)"
    )
    return throughput_met and latency_met


def set_up(args, tmp: Path) -> tuple[dict, str | None, dict, list[str]]:
    """A fresh database with the gate list, the guests and the gate users: (the app's environment,
    the PostgreSQL database's name or None, the set-up's BENCH-DATA, the secrets in order)."""
    python = tool("python")
    env, dbname = production_env(tmp, args.sqlite)
    print(f"setting up in {tmp} ({'SQLite' if args.sqlite else 'PostgreSQL database ' + dbname})", flush=True)
    manage = [python, str(ROOT / "manage.py")]
    run(manage + ["migrate", "--noinput", "-v", "0"], env, "manage.py migrate")
    secrets_file = tmp / "secrets.txt"
    code = SETUP.format(guests=args.guests, users=args.clients, year=YEAR, secrets_file=str(secrets_file))
    out = run(manage + ["shell", "-c", code], env, f"{args.guests} guests, {args.clients} gate users")
    data = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH-DATA "))[len("BENCH-DATA "):])
    codes = secrets_file.read_text().split()
    assert len(codes) == len(set(codes)) == args.guests == data["credentials"], "secrets file does not match the database"
    today = datetime.now(BEIJING).date().isoformat()
    if data["day"] != today:
        raise RuntimeError(f"gate list day {data['day']} is not today in Beijing ({today})")
    return env, dbname, data, codes


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Gate-scan throughput and latency (POST /api/v1/checkins/) under gunicorn, next to /healthz.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--scans", type=int, default=3000, help="measured first admissions (and as many re-scans and /healthz GETs)")
    parser.add_argument("--clients", type=int, default=50, help="client threads, each a gate user with its own keep-alive connection")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured first admissions before the run (spare secrets)")
    parser.add_argument("--rate", type=float, default=GOAL_RPS, help="scans per second offered in the paced (open-loop) phase")
    parser.add_argument("--paced", type=int, default=3000, help="first admissions sent in the paced phase")
    parser.add_argument("--guests", type=int, default=None, help="approved guests with credentials (default: scans + warmup)")
    parser.add_argument(
        "--compare", metavar="OLD", default=None,
        help="compare with older code: a commit (unpacked with `git archive`, no git write) or a directory holding that code; "
        "both run as servers on one database, first scans and /healthz alternating between them (--rounds)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --compare: rounds of (old, new) scans and /healthz, the order flipped each round")
    add_server_options(parser)
    args = parser.parse_args()
    if args.compare:
        args.guests = args.guests or 2 * (args.warmup + args.rounds * args.scans)
        if min(args.scans, args.clients, args.workers, args.rounds) < 1 or args.warmup < 0:
            parser.error("counts must be positive")
        if args.guests < 2 * (args.warmup + args.rounds * args.scans):
            parser.error("--guests must be at least 2 x (--warmup + --rounds x --scans) with --compare")
        return compare(args)
    args.guests = args.guests or args.scans + args.warmup + args.paced
    if min(args.scans, args.clients, args.workers) < 1 or args.warmup < 0:
        parser.error("counts must be positive")
    if args.guests < args.scans + args.warmup + args.paced:
        parser.error("--guests must be at least --scans + --warmup + --paced (every first scan needs its own secret)")
    if args.rate <= 0 or args.paced < 1:
        parser.error("--rate and --paced must be positive")

    tmp = Path(tempfile.mkdtemp(prefix="wic-bench-checkin-"))
    proc, dbname = None, None
    try:
        env, dbname, data, codes = set_up(args, tmp)
        print(f"  database: {database_line(args.sqlite, env)}", flush=True)
        proc, port, log = start_gunicorn(tmp, env, args.workers, args.threads)

        warm, measured = codes[: args.warmup], codes[args.warmup: args.warmup + args.scans]
        paced_codes = codes[args.warmup + args.scans: args.warmup + args.scans + args.paced]
        tokens, list_id = data["tokens"], data["list"]
        print(
            f"\ngate list {list_id} (day {data['day']}), {args.guests} credentials. gunicorn {args.workers} {'gthread worker(s) x ' + str(args.threads) + ' threads, keep-alive' if args.threads > 1 else 'sync worker(s)'}, DEBUG=0, "
            f"{'SQLite' if args.sqlite else 'PostgreSQL'} with persistent connections (CONN_MAX_AGE=60). Client: {args.clients} threads "
            f"(one gate user each), {args.scans} scans per phase after {args.warmup} warm-up scans.",
            flush=True,
        )
        load_before = os.getloadavg()[0]
        load(None, port, warm, tokens, list_id, args.timeout)
        load(None, port, [None] * max(args.clients, args.warmup), tokens, list_id, args.timeout)
        phases = [
            Phase("first scan (ok)", "ok"),
            Phase("re-scan (already_checked_in)", "already_checked_in"),
            Phase(f"paced {args.rate:.0f}/s first scan (ok)", "ok"),
            Phase("GET /healthz", None),
        ]
        load(phases[0], port, measured, tokens, list_id, args.timeout)
        load(phases[1], port, measured, tokens, list_id, args.timeout)
        load(phases[2], port, paced_codes, tokens, list_id, args.timeout, rate=args.rate)
        load(phases[3], port, [None] * args.scans, tokens, list_id, args.timeout)
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn died during the run (exit {proc.returncode}); see {log}")
        report(phases, args.rate)
        print(
            f"1-minute load average {load_before:.2f} before the load, {os.getloadavg()[0]:.2f} after "
            f"({os.cpu_count()} CPUs); other work on the machine skews the figures."
        )
        errors = sum(p.errors for p in phases)
        if errors:
            print(f"{errors} request(s) failed or gave an unexpected result; see above.")
        return 1 if errors else 0
    finally:
        clean_up(proc, tmp, dbname, args.keep)


# -- --compare: the code before a change and now, alternating in one run -----------------------------

def old_tree(spec: str, tmp: Path) -> tuple[Path, str]:
    """The older code to compare with: a directory as it is, or a commit unpacked into `tmp` with
    `git archive` (reads the repository, writes nothing to it). (path, label)."""
    path = Path(spec)
    if path.is_dir():
        return path.resolve(), path.name
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", f"{spec}^{{commit}}"], capture_output=True, text=True)
    if commit.returncode != 0:
        raise RuntimeError(f"--compare {spec}: neither a directory nor a commit ({commit.stderr.strip()})")
    target = tmp / f"old-{commit.stdout.strip()}"
    target.mkdir()
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", spec], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {spec} failed")
    return target, commit.stdout.strip()


def start_server(tmp: Path, env: dict, args, tree: Path):
    """gunicorn serving the code in `tree` (bench/_server.start_gunicorn, pointed at that tree),
    with its own log directory. (process, port, log)."""
    import _server

    home = tmp / f"server-{tree.name}"
    home.mkdir()
    saved = _server.ROOT
    _server.ROOT = tree  # start_gunicorn's --chdir: the tree whose code the workers import
    try:
        return start_gunicorn(home, {**env, "PYTHONPATH": str(tree)}, args.workers, args.threads)
    finally:
        _server.ROOT = saved


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU of each process still there."""
    found = {}
    for pid in pids:
        try:
            fields = _proc_stat(pid)
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings: by the processes read both times, and all of a process
    that started meanwhile (a process that ended meanwhile is missed: few, with CONN_MAX_AGE=60)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def workers_of(master: int) -> list[int]:
    """gunicorn's worker processes: the master's children."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_proc_stat(int(entry))[1]) == master:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def database_backends(dbname: str | None) -> list[int]:
    """The PostgreSQL server processes serving the bench's database (its persistent connections)."""
    if dbname is None:
        return []
    import psycopg

    from _server import PG

    with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:
        return [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [dbname])]


@dataclass
class Measured:
    rps: float
    p99: float
    app_ms: float  # gunicorn workers' CPU per request
    db_ms: float  # the database's backends' CPU per request (PostgreSQL only)
    client_ms: float  # this load generator's CPU per request
    errors: int


def measure(label: str, expect: str | None, port: int, jobs: list, tokens, list_id, args, master: int, dbname: str | None) -> Measured:
    """One phase on one server, with the CPU its workers, the database's backends and this
    process spent on it."""
    phase = Phase(label, expect)
    app0, db0, client0 = cpu_seconds(workers_of(master)), cpu_seconds(database_backends(dbname)), time.process_time()
    load(phase, port, jobs, tokens, list_id, args.timeout)
    app1, db1, client1 = cpu_seconds(workers_of(master)), cpu_seconds(database_backends(dbname)), time.process_time()
    rps, _p50, p99 = figures(phase)
    n = phase.requests
    for sample in phase.error_samples:
        print(f"  error, {label}: {sample}")
    return Measured(rps, p99, cpu_spent(app0, app1) / n * 1000, cpu_spent(db0, db1) / n * 1000, (client1 - client0) / n * 1000, phase.errors)


def compare(args) -> int:
    """First scans and /healthz on the older code's server and this code's, alternating (old then
    new, then new then old, ...), each with its own fresh secrets; scans per second over /healthz
    per second of the same server in the same round, and CPU per request."""
    tmp = Path(tempfile.mkdtemp(prefix="wic-bench-checkin-"))
    servers, dbname = {}, None
    try:
        old_path, old_label = old_tree(args.compare, tmp)
        env, dbname, data, codes = set_up(args, tmp)
        print(f"  database: {database_line(args.sqlite, env)}", flush=True)
        for name, tree in (("old", old_path), ("new", ROOT)):
            servers[name] = start_server(tmp, env, args, tree)
        tokens, list_id = data["tokens"], data["list"]
        labels = {"old": f"old ({old_label})", "new": "new (this checkout)"}
        print(
            f"\nold: {old_path}; new: {ROOT}. Each: gunicorn {args.workers} {'gthread worker(s) x ' + str(args.threads) + ' threads' if args.threads > 1 else 'sync worker(s)'}, "
            f"DEBUG=0, one database, {args.clients} client threads. Per round and server: {args.scans} first scans, then {args.scans} GET /healthz; "
            f"{args.rounds} round(s), the servers' order flipped each round.",
            flush=True,
        )
        fresh = iter(codes)
        for name in ("old", "new"):  # warm-up: connections, prepared statements, imports
            port = servers[name][1]
            load(None, port, [next(fresh) for _ in range(args.warmup)], tokens, list_id, args.timeout)
            load(None, port, [None] * max(args.clients, args.warmup), tokens, list_id, args.timeout)
        load_before = os.getloadavg()[0]
        results = {name: [] for name in servers}
        print(f"\n{'round':<8}{'server':<28}{'scans/s':>9}{'healthz/s':>11}{'ratio':>8}{'scan p99':>10}   CPU ms per scan (app, db, client) / per healthz")
        for r in range(args.rounds):
            order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
            scans = {}
            for name in order:
                jobs = [next(fresh) for _ in range(args.scans)]
                scans[name] = measure("first scan (ok)", "ok", servers[name][1], jobs, tokens, list_id, args, servers[name][0].pid, dbname)
            for name in order:
                health = measure("GET /healthz", None, servers[name][1], [None] * args.scans, tokens, list_id, args, servers[name][0].pid, dbname)
                scan = scans[name]
                ratio = scan.rps / health.rps if health.rps else 0.0
                results[name].append((scan, health, ratio))
                print(
                    f"{r + 1:<8}{labels[name]:<28}{scan.rps:>9.1f}{health.rps:>11.1f}{ratio:>7.0%}{scan.p99:>9.0f}ms   "
                    f"{scan.app_ms:.2f}, {scan.db_ms:.2f}, {scan.client_ms:.2f} / {health.app_ms:.2f}, {health.db_ms:.2f}, {health.client_ms:.2f}",
                    flush=True,
                )
        for name, (proc, _port, log) in servers.items():
            if proc.poll() is not None:
                raise RuntimeError(f"the {name} server died during the run (exit {proc.returncode}); see {log}")
        print(f"\n{'median':<8}{'server':<28}{'scans/s':>9}{'healthz/s':>11}{'ratio':>8}   app CPU ms per scan / per healthz")
        medians = {}
        for name in ("old", "new"):
            rows = results[name]
            med = {key: statistics.median(getter(row) for row in rows) for key, getter in (
                ("scans", lambda row: row[0].rps), ("healthz", lambda row: row[1].rps), ("ratio", lambda row: row[2]),
                ("scan_app", lambda row: row[0].app_ms), ("health_app", lambda row: row[1].app_ms),
                ("scan_db", lambda row: row[0].db_ms), ("scan_total", lambda row: row[0].app_ms + row[0].db_ms + row[0].client_ms),
            )}
            medians[name] = med
            print(f"{'':<8}{labels[name]:<28}{med['scans']:>9.1f}{med['healthz']:>11.1f}{med['ratio']:>7.0%}   {med['scan_app']:.2f} / {med['health_app']:.2f}")
        for name, med in medians.items():
            figure("checkin", f"first scans vs /healthz, {name}", med["ratio"] * 100, "%", ">= 50 " + ("MET" if med["ratio"] >= 0.5 else "NOT MET") if name == "new" else "")
            figure("checkin", f"first scans, {name}", med["scans"], "scans/s")
            figure("checkin", f"app CPU per scan, {name}", med["scan_app"], "ms")
        old, new = medians["old"], medians["new"]
        print(
            f"\nnew / old: {new['scans'] / old['scans']:.2f}x the scans per second, ratio to /healthz {old['ratio']:.0%} -> {new['ratio']:.0%}, "
            f"app CPU per scan {old['scan_app']:.2f} -> {new['scan_app']:.2f} ms, database backends' CPU per scan {old['scan_db']:.2f} -> {new['scan_db']:.2f} ms."
            f"\n5xx answers: {SERVER_ERRORS[0]} (every phase, warm-up included). 1-minute load average {load_before:.2f} before the rounds, "
            f"{os.getloadavg()[0]:.2f} after ({os.cpu_count()} CPUs); other work on the machine skews the figures, alike for both servers."
        )
        errors = sum(row[0].errors + row[1].errors for rows in results.values() for row in rows)
        if errors:
            print(f"{errors} request(s) failed or gave an unexpected result; see above.")
        return 1 if errors else 0
    finally:
        for proc, _port, _log in servers.values():
            stop(proc)
        clean_up(None, tmp, dbname, args.keep)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as failure:
        sys.exit(f"bench failed: {failure}")
