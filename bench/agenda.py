"""Benchmark: the public agenda pages and exports under gunicorn, next to /healthz.

Starts the app under gunicorn on loopback with production settings (DJANGO_DEBUG=0, the same
middleware as production, SSL redirect off), on a throwaway SQLite database holding the seeded
editions (2015-2024) plus a synthetic edition 2999 of 300 timed sessions in 20 halls over 4 days,
with 900 appearances of 300 people (issue 22; `--appearances 0` for the agenda without speakers).
Then loads each URL from this process and prints, per URL: requests, requests per second, p50 and
p99 latency, and throughput as a share of /healthz measured in the same run. The
goal (issue): the cached agenda page at 60% or more of /healthz throughput.

The client is threads with one keep-alive http.client connection each; gunicorn's sync workers
answer "Connection: close", so in effect every request opens a new loopback connection. The
"uncached" row adds a distinct `near=` value to each request (a parameter the agenda reads, so
it is part of the cache key, but which has no effect when `day` is given), so every request
renders the same full day from the database. Parameters the view does not read are dropped
before the cache lookup, so they cannot be used to bypass it.

    .venv/bin/python bench/agenda.py [--requests 1000] [--uncached-requests 100] [--concurrency 8]
                                     [--rounds 4] [--warmup 16] [--workers 2] [--redis redis://127.0.0.1:6379/15]

Without --redis the cache is local memory, one per gunicorn worker (the warm-up runs with the
same concurrency so every worker fills its own). With --redis the workers share that Redis (give
it a scratch database: the bench leaves page entries there, 24-hour TTL, and does not flush it).

The load generator shares the machine with gunicorn: on 2 cores it takes CPU from the workers,
so compare the ratios between rows, not the absolute figures. Nothing is written inside the
repository: the database and the collected static files (DJANGO_STATIC_ROOT) live in a temp dir
that is deleted at the end. The settings are the app's own (wic.settings), nothing bench-only.
"""
import argparse
import itertools
import json
import math
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
GOAL = 0.60
YEAR = 2999

# Run inside `manage.py shell -c`: the synthetic edition, then one JSON line the bench reads back.
SYNTHETIC = r'''
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo
from django.db import transaction
from django.db.models import F
from agenda.models import Hall, Session, SessionOrganization, Venue
from wic.models import Edition, Organization

BEIJING = ZoneInfo("Asia/Shanghai")
SESSIONS, HALLS, DAYS, YEAR, APPEARANCES, PEOPLE = {sessions}, {halls}, {days}, {year}, {appearances}, {people}
KINDS = ["sub_forum"] * 6 + ["main_forum", "launch", "cafe_talk", "press_conference"]
with transaction.atomic():
    edition = Edition.objects.create(
        year=YEAR, name_zh="基准测试峰会", name_en="Benchmark summit", theme_zh="基准测试", theme_en="Benchmarking",
        start_date=date(YEAR, 11, 1), end_date=date(YEAR, 11, DAYS), location_zh="乌镇", location_en="Wuzhen", is_demo=True,
    )
    venue = Venue.objects.create(name_zh="基准会展中心", name_en="Bench convention center", kind="convention_center")
    halls = [
        Hall.objects.create(venue=venue, name_zh=f"基准{{n + 1}}号厅", name_en=f"Bench hall {{n + 1}}", room=str(101 + n), sort_order=n)
        for n in range(HALLS)
    ]
    orgs = [
        Organization.objects.create(name_zh=f"基准主办机构{{n}}", name_en=f"Bench host organization {{n}}", is_demo=True)
        for n in range(40)
    ]
    per_hall_day = -(-SESSIONS // (DAYS * HALLS))
    slot_minutes = min(240, (22 - 8) * 60 // per_hall_day)  # per hall and day: 08:30 to 22:30 at most
    first = None
    for i in range(SESSIONS):
        day = edition.start_date + timedelta(days=i % DAYS)
        hall = halls[(i // DAYS) % HALLS]
        slot = i // (DAYS * HALLS)
        start = datetime.combine(day, time(8, 30), tzinfo=BEIJING) + timedelta(minutes=slot * slot_minutes)
        session = Session.objects.create(
            edition=edition, key=f"bench-{{i}}", kind=KINDS[i % len(KINDS)], date=day, start=start,
            end=start + timedelta(minutes=slot_minutes * (2 if i % 3 else 5) // 6), hall=hall,
            title_zh=f"基准分论坛{{i}}：数字经济与人工智能治理", title_en=f"Bench sub-forum {{i}}: digital economy and AI governance",
            theme_zh="携手构建网络空间命运共同体", theme_en="Building a community with a shared future in cyberspace",
            summary_zh="基准测试用的合成议程。" * 3, summary_en="Synthetic agenda item for the benchmark. " * 3,
        )
        SessionOrganization.objects.create(session=session, organization=orgs[i % len(orgs)], role="host")
        SessionOrganization.objects.create(session=session, organization=orgs[(i + 7) % len(orgs)], role="co_host", sort_order=1)
        if first is None:
            first = session
    # The people (issue 22): APPEARANCES spread over the sessions, up to 5 per session, by PEOPLE
    # people in turn, all "appeared" (public), so the cards show their key speakers.
    from people.models import Appearance, Person
    people = [
        Person.objects.create(key=f"bench-{{n}}", name_zh=f"基准嘉宾{{n}}", name_en=f"Bench Speaker {{n}}", precedence=n)
        for n in range(PEOPLE)
    ] if APPEARANCES else []
    sessions = list(Session.objects.filter(edition=edition).order_by("pk"))
    ROLES = ["remarks", "keynote", "moderator", "panelist", "speech"]
    rows = []
    for n in range(APPEARANCES):
        s, k = sessions[n % len(sessions)], n // len(sessions)
        rows.append(Appearance(person=people[n % len(people)], session=s, role=ROLES[k % len(ROLES)], status="appeared", title_zh="基准职务 · 基准研究院院长", sort_order=k))
    Appearance.objects.bulk_create(rows)
other = (
    Session.objects.filter(edition__year=2024, is_published=True)
    .order_by(F("hall").asc(nulls_last=True), "date", "sort_key", "id").values_list("pk", flat=True).first()
)
print("BENCH-DATA " + json.dumps({{
    "session": first.pk, "first_day": str(edition.start_date),
    "session_2024": other,
    "sessions": Session.objects.filter(edition=edition).count(), "halls": len(halls),
    "sessions_2024": Session.objects.filter(edition__year=2024).count(),
    "appearances": Appearance.objects.filter(session__edition=edition).count(),
}}))
'''


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import figure, free_port, percentile, request, run, stop, tool, wait_for_health  # noqa: E402


@dataclass
class Target:
    label: str
    path: str  # may hold "{n}": replaced per request by a unique number (a cache miss every time)
    latencies: list = field(default_factory=list)  # seconds, successful requests only
    elapsed: float = 0.0
    requests: int = 0
    errors: int = 0
    error_samples: list = field(default_factory=list)
    body_bytes: int = 0

    def url(self, n: int) -> str:
        return self.path.replace("{n}", str(n))


def get(conn_holder: list, port: int, url: str, timeout: float) -> tuple[int, bytes]:
    return request(conn_holder, port, "GET", url, None, {"Accept-Encoding": "identity"}, timeout)


def load(target: Target, port: int, total: int, concurrency: int, counter, record: bool, timeout: float) -> None:
    """`total` GETs of the target from `concurrency` threads; adds to its figures when `record`."""
    remaining = itertools.count()
    lock = threading.Lock()
    latencies, errors, samples = [], [0], []

    def worker():
        conn = [None]
        try:
            while next(remaining) < total:
                url = target.url(next(counter))
                t0 = time.perf_counter()
                try:
                    status, body = get(conn, port, url, timeout)
                except Exception as error:  # timeouts, refused connections: counted, never fatal
                    status, body = None, repr(error).encode()
                dt = time.perf_counter() - t0
                with lock:
                    if status == 200:
                        latencies.append(dt)
                        target.body_bytes = len(body)
                    else:
                        errors[0] += 1
                        if len(samples) < 3:
                            samples.append(f"{url} -> {status}: {body[:200]!r}")
        finally:
            if conn[0] is not None:
                conn[0].close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if record:
        target.latencies += latencies
        target.elapsed += elapsed
        target.requests += total
    target.errors += errors[0]
    target.error_samples += samples[: max(0, 3 - len(target.error_samples))]


def report(targets: list[Target], healthz: Target) -> float | None:
    def rps(t: Target) -> float:
        return len(t.latencies) / t.elapsed if t.elapsed else 0.0

    base = rps(healthz)
    print(f"\n{'URL':<22} {'path':<44} {'requests':>8} {'errors':>6} {'KiB':>7} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs healthz':>10}")
    for t in targets:
        lat = sorted(t.latencies)
        p50 = statistics.median(lat) * 1000 if lat else math.nan
        p99 = percentile(lat, 0.99) * 1000
        share = f"{rps(t) / base:>9.0%}" if base else f"{'n/a':>9}"
        print(
            f"{t.label:<22} {t.path[:44]:<44} {t.requests:>8} {t.errors:>6} {t.body_bytes / 1024:>7.1f} "
            f"{rps(t):>8.1f} {p50:>8.1f} {p99:>8.1f} {share:>10}"
        )
    for t in targets:
        for sample in t.error_samples:
            print(f"  error, {t.label}: {sample}")
    cached = next(t for t in targets if t.label == "agenda 2999")
    if not base:
        print("\n/healthz failed: no ratio.")
        return None
    ratio = rps(cached) / base
    verdict = "meets" if ratio >= GOAL else "misses"
    figure("agenda", "/healthz", base, "req/s")
    for t in targets:
        if t.label != "healthz":
            figure("agenda", t.label, rps(t) / base * 100, "% of /healthz", f">= {GOAL:.0%} {'MET' if ratio >= GOAL else 'NOT MET'}" if t is cached else "")
    print(
        f"\ncached agenda page (2999, {cached.path}): {rps(cached):.0f} rps = {ratio:.0%} of /healthz "
        f"({base:.0f} rps); {verdict} the {GOAL:.0%} goal."
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Throughput and latency of the agenda page, the session page and the exports under gunicorn, next to /healthz.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per URL (split over the rounds)")
    parser.add_argument("--uncached-requests", type=int, default=100, help="measured requests of the uncached agenda row (each one a full render, about 80 ms of a worker)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, each with its own keep-alive connection")
    parser.add_argument("--warmup", type=int, default=16, help="unmeasured requests per URL first (run with the same concurrency, so every worker's cache fills)")
    parser.add_argument("--rounds", type=int, default=4, help="go over all URLs this many times, interleaved, and add up (evens out drift on a noisy machine)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn --workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn --threads (1: the default sync workers)")
    parser.add_argument("--sessions", type=int, default=300, help="sessions of the synthetic edition 2999")
    parser.add_argument("--appearances", type=int, default=900, help="people's appearances in the synthetic edition's sessions (0: none, as before issue 22; at most 5 per session)")
    parser.add_argument("--halls", type=int, default=20, help="halls of the synthetic edition")
    parser.add_argument("--days", type=int, default=4, help="days of the synthetic edition")
    parser.add_argument("--redis", metavar="URL", default=argparse.SUPPRESS, help="REDIS_URL for the app (a scratch database) instead of the local-memory cache per worker")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a single request may take before it counts as an error")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, gunicorn log) and print where it is")
    args = parser.parse_args()
    args.redis = getattr(args, "redis", "")
    if min(args.requests, args.uncached_requests, args.concurrency, args.rounds, args.workers, args.sessions, args.halls, args.days) < 1 or args.warmup < 0:
        parser.error("counts must be positive")
    if args.days > 30:
        parser.error("--days is at most 30")
    if args.sessions > args.days * args.halls * 28:
        parser.error("at most 28 sessions per hall and day (30-minute slots): raise --halls or --days")
    if not 0 <= args.appearances <= 5 * args.sessions:
        parser.error("--appearances is between 0 and 5 per session")

    python, gunicorn = tool("python"), tool("gunicorn")
    tmp = Path(tempfile.mkdtemp(prefix="wic-bench-agenda-"))
    proc = None
    try:
        # The app's own production settings, as a deployment gets them (SQLite with the options
        # wic/settings.py gives it); only the paths point into the temp dir.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "wic.settings",
                "PYTHONPATH": str(ROOT),
                "DJANGO_STATIC_ROOT": str(tmp / "staticfiles"),
                "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_LOG_LEVEL": "WARNING",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        if args.redis:
            env["REDIS_URL"] = args.redis

        print(f"setting up in {tmp}", flush=True)
        manage = [python, str(ROOT / "manage.py")]
        run(manage + ["migrate", "--noinput", "-v", "0"], env, "manage.py migrate")
        run(manage + ["seed"], env, "manage.py seed")
        run(manage + ["collectstatic", "--noinput", "-v", "0"], env, "manage.py collectstatic")
        code = SYNTHETIC.format(sessions=args.sessions, halls=args.halls, days=args.days, year=YEAR, appearances=args.appearances, people=max(1, args.sessions))
        out = run(manage + ["shell", "-c", code], env, f"synthetic edition {YEAR}")
        data = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH-DATA "))[len("BENCH-DATA "):])

        port = free_port()
        log = tmp / "gunicorn.log"
        cmd = [
            gunicorn, "wic.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads),
            "--chdir", str(ROOT), "--error-logfile", str(log), "--log-level", "warning", "--timeout", "120",
        ]
        t0 = time.perf_counter()
        with open(log, "ab") as sink:
            # From the temp dir, not ROOT: there gunicorn would also read ./gunicorn.conf.py (production:
            # gthread, access log); the flags above are the whole configuration. --chdir still imports from ROOT.
            proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_health(proc, port, log)
        print(f"  {'gunicorn up':<34} {time.perf_counter() - t0:6.1f} s", flush=True)

        first_day = data["first_day"]
        targets = [
            Target("healthz", "/healthz"),
            Target("agenda 2999", f"/editions/{YEAR}/agenda/?day={first_day}"),
            Target("session 2999", f"/editions/{YEAR}/sessions/{data['session']}/"),
            Target("agenda.ics 2999", f"/editions/{YEAR}/agenda.ics"),
            Target("schedule.json 2999", f"/editions/{YEAR}/schedule.json"),
            Target("schedule.xml 2999", f"/editions/{YEAR}/schedule.xml"),
            Target("agenda 2024", "/editions/2024/agenda/?day=2024-11-21"),
        ]
        if data["session_2024"]:
            targets.append(Target("session 2024", f"/editions/2024/sessions/{data['session_2024']}/"))
        # Last in each round: every request of this row leaves a new entry in the cache (24-hour TTL),
        # which must not push the cached rows' entries out of a worker's bounded local-memory cache.
        targets.append(Target("agenda 2999 (uncached)", f"/editions/{YEAR}/agenda/?day={first_day}&near=b{{n}}"))
        print(
            f"\nedition {YEAR}: {data['sessions']} sessions in {data['halls']} halls over {args.days} days, {data['appearances']} appearances; 2024: {data['sessions_2024']} "
            f"sessions. gunicorn {args.workers} worker(s) x {args.threads} thread(s), DEBUG=0, cache: "
            f"{'Redis ' + args.redis if args.redis else 'local memory per worker'}. Client: {args.concurrency} threads, "
            f"{args.requests} requests per URL ({args.uncached_requests} uncached) in {args.rounds} rounds after {args.warmup} warm-up requests.",
            flush=True,
        )
        load_before = os.getloadavg()[0]
        counter = itertools.count(1)  # unique numbers for "{n}" paths, warm-up included
        for t in targets:
            load(t, port, args.warmup, args.concurrency, counter, record=False, timeout=args.timeout)
        def share(total: int, r: int) -> int:
            return total // args.rounds + (1 if r < total % args.rounds else 0)

        for r in range(args.rounds):
            for t in targets:
                n = share(args.uncached_requests if "{n}" in t.path else args.requests, r)
                if n:
                    load(t, port, n, args.concurrency, counter, record=True, timeout=args.timeout)
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn died during the run (exit {proc.returncode}); see {log}")
        report(targets, targets[0])
        print(
            f"1-minute load average {load_before:.2f} before the load, {os.getloadavg()[0]:.2f} after "
            f"({os.cpu_count()} CPUs); other work on the machine skews the figures."
        )
        errors = sum(t.errors for t in targets)
        if errors:
            print(f"{errors} request(s) failed (warm-up included); see above.")
        return 1 if errors else 0
    finally:
        if proc is not None:
            stop(proc)
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as failure:
        sys.exit(f"bench failed: {failure}")
