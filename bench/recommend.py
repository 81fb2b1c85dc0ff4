"""Benchmark: members recommending enterprises for an award (POST /api/v1/recommendations/) under
gunicorn + PostgreSQL, with concurrent requests racing for a member's last places, next to /healthz.

The hot path: a WIC member's representative recommends an enterprise for an award programme
(`{"programme": id, "enterprise": organization id}`, DRF token). awards.services.
recommendation_create locks the member's quota row for the programme (MemberQuotaLock, SELECT ...
FOR UPDATE), counts the member's active recommendations under it and takes the lowest free place,
so requests for one member arriving at once never exceed its tier's quota: the extra ones answer
409 `quota_exceeded`. This measures what that costs and checks that it holds under load.

Setup: a fresh PostgreSQL database `wic_bench_<random>` (127.0.0.1:5432, user postgres; created
with psycopg, dropped at the end, also on failure), or a temp SQLite file with --sqlite. `migrate`,
then one `manage.py shell -c` script: edition 2999 (demo) with one award programme open now
(opened yesterday, closes in 30 days, enterprise direction; awards.services.programme_upsert) and
its quotas per tier (quotas_set: those of tests/awards/conftest.py, except the "member" tier's,
which is --quota so that one run makes enough recommendations to measure; the real one is 5);
--clients member organizations (kind "enterprise", tier "member") each with one representative
account (group "member-representative", linked through Member.representatives, which is what
services.member_for_user reads; DRF token) and --enterprises non-member enterprises, all with
bulk_create. One member per client thread.

Load: gunicorn `wic.wsgi` (--workers 4, sync) on a free loopback port, started from a temp dir (so
the project's ./gunicorn.conf.py is not read), production settings (DJANGO_DEBUG=0, random secret
key, SSL redirect off) and DATABASE_CONN_MAX_AGE=60. Client threads each hold a keep-alive
http.client connection (gunicorn's sync workers answer "Connection: close"). Each member
recommends distinct enterprises. Phases:

  warm-up     --warmup recommendations per member (this also creates its quota lock row), not measured
  accepted    each client thread recommends for its member up to quota - --left places, one after
              the other (closed loop): every answer must be 201
  over quota  the clients in teams of --racers threads (default --left + --over, one request per
              thread); each team takes one member at a time and its threads fire, released together,
              the member's remaining --left places plus --over more, all distinct enterprises: every
              answer must be 201 or 409 `quota_exceeded`, and exactly --left of them 201
  check       the database afterwards (a `manage.py shell -c` query): no member may hold more
              active recommendations than its quota ("quota violations"), every member must hold
              exactly its quota (none refused while a place was free) and the active rows must
              match the 201s answered
  healthz     GET /healthz (a database round trip), as many requests as the accepted phase, for comparison

Any other status or code is an error; errors or violations make the exit status 1. Answers 500
and above are also counted apart, over every phase warm-up included, and printed as "5xx answers"
(a FIGURE whose goal is 0). The load generator runs on the same 2 cores as gunicorn and PostgreSQL
and takes CPU from them. With --sqlite the app runs on a SQLite file with its own settings as a
deployment gets them (WAL, BEGIN IMMEDIATE, the busy timeout of DATABASE_SQLITE_TIMEOUT; nothing
bench-only, the output says which options): SQLite serializes the writers, so the race is not one
there, and a write that waits past the busy timeout answers 503 `database_busy`, a 5xx.
`--sqlite --workers 2 --threads 4` is the embedded default under run.sh's production branch.

    .venv/bin/python bench/recommend.py [--clients 50] [--quota 20] [--left 3] [--over 3] [--racers N] [--warmup 1] [--workers 4] [--sqlite]
"""
import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2999
URL = "/api/v1/recommendations/"
QUOTA_EXCEEDED = "quota_exceeded"

# Run inside `manage.py shell -c`, after a line that sets P (the parameters, from JSON); prints
# one JSON line the bench reads back.
SETUP = r'''
from datetime import date, timedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from awards import services
from wic import roles
from wic.models import Edition, Member, Organization
from wic.tokens import token_create

YEAR, MEMBERS, ENTERPRISES = P["year"], P["members"], P["enterprises"]
QUOTAS = {"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1}  # tests/awards/conftest.py
QUOTAS["member"] = P["quota"]
User = get_user_model()
now = timezone.now()
with transaction.atomic():
    edition = Edition.objects.create(
        year=YEAR, name_zh="基准测试峰会", name_en="Benchmark summit", start_date=date(YEAR, 11, 1), end_date=date(YEAR, 11, 3),
        location_zh="乌镇", location_en="Wuzhen", is_demo=True,
    )
    programme = services.programme_upsert(
        edition=edition, key="bench-award", name_zh="基准测试奖", name_en="Benchmark award", has_enterprise_direction=True,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), is_demo=True,
    )
    services.quotas_set(programme=programme, quotas=QUOTAS)
    orgs = Organization.objects.bulk_create(
        [Organization(name_zh=f"基准会员单位{i:05d}", name_en=f"Bench Member {i}", kind="enterprise", is_demo=True) for i in range(MEMBERS)]
        + [Organization(name_zh=f"基准非会员企业{i:05d}", name_en=f"Bench Enterprise {i}", kind="enterprise", is_demo=True) for i in range(ENTERPRISES)],
        batch_size=1000,
    )
    members = Member.objects.bulk_create([Member(tier="member", organization=o, is_demo=True) for o in orgs[:MEMBERS]])
    users = [User.objects.create_user(f"bench-member-{n}") for n in range(MEMBERS)]  # no usable password
    group, _ = Group.objects.get_or_create(name=roles.MEMBER_REPRESENTATIVE)
    User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=group.pk) for u in users])
    Member.representatives.through.objects.bulk_create(
        [Member.representatives.through(member_id=m.pk, user_id=u.pk) for m, u in zip(members, users)]
    )
    tokens = [token_create(user=u)[1] for u in users]
print("BENCH-DATA " + json.dumps({
    "programme": programme.pk,
    "members": [m.pk for m in members],
    "tokens": tokens,
    "quota": services.quota_for(programme=programme, member=members[0]),
    "enterprises": [o.pk for o in orgs[MEMBERS:]],
    "representatives": [services.member_for_user(user=u).pk for u in users[:3]],
}))
'''

# Run inside `manage.py shell -c` after the load, P as above: the active recommendations per member.
CHECK = r'''
from django.db.models import Count, Max
from awards.models import Recommendation

rows = (
    Recommendation.objects.filter(programme_id=P["programme"], withdrawn_at__isnull=True)
    .values("member_id").annotate(n=Count("id"), slots=Count("slot", distinct=True), top=Max("slot"), quota=Max("quota"))
)
print("BENCH-CHECK " + json.dumps({
    "members": {str(r["member_id"]): [r["n"], r["slots"], r["top"], r["quota"]] for r in rows},
    "all": Recommendation.objects.filter(programme_id=P["programme"]).count(),
}))
'''


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import add_server_options, clean_up, database_line, figure, percentile, production_env, request, run, start_gunicorn, tool  # noqa: E402


def shell_code(script: str, params: dict) -> str:
    return "import json\nP = json.loads(" + repr(json.dumps(params)) + ")\n" + script


@dataclass
class Step:
    """One thread's requests for one member: sent one after the other, after `barrier` (shared
    with the thread's team) released them all, when there is one."""
    token: str | None  # None: GET /healthz
    member: int | None
    bodies: list  # JSON bodies, or None for each /healthz GET
    barrier: threading.Barrier | None = None


@dataclass
class Phase:
    label: str
    allowed: tuple  # outcomes that count as success
    latencies: list = field(default_factory=list)  # seconds, successful requests only
    elapsed: float = 0.0
    requests: int = 0
    errors: int = 0
    outcomes: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)  # member id -> 201s
    error_samples: list = field(default_factory=list)



def outcome(status: int | None, data: bytes, healthz: bool) -> str:
    """"201", "409 quota_exceeded", "200" (/healthz), or what else came back."""
    if healthz or status is None:
        return str(status)
    try:
        body = json.loads(data)
    except ValueError:
        return f"{status} unparsable"
    if status == 201:
        return "201" if isinstance(body, dict) and body.get("id") and body.get("active") is True else "201 unexpected body"
    return f"{status} {body.get('code') if isinstance(body, dict) else '?'}"


def load(phase: Phase, port: int, plans: list[list[Step]], timeout: float) -> None:
    """One thread per plan, each with its own connection, sending its steps in order (closed
    loop: the next request when the last one answered). Records into `phase`."""
    lock = threading.Lock()
    latencies, outcomes, created, samples = [], Counter(), Counter(), []
    errors = [0]
    start = threading.Barrier(len(plans) + 1)

    def worker(plan: list[Step]):
        conn = [None]
        start.wait()
        try:
            for step in plan:
                if step.barrier is not None:
                    try:
                        step.barrier.wait(timeout * 4)
                    except threading.BrokenBarrierError:
                        pass  # a team mate failed hard; send anyway, the answers still count
                headers = {"Accept-Encoding": "identity"}
                if step.token:
                    headers.update({"Authorization": f"Token {step.token}", "Content-Type": "application/json"})
                for body in step.bodies:
                    method, url = ("GET", "/healthz") if body is None else ("POST", URL)
                    payload = None if body is None else json.dumps(body).encode()
                    t0 = time.perf_counter()
                    try:
                        status, data = request(conn, port, method, url, payload, headers, timeout)
                    except Exception as error:  # timeouts, refused connections: counted, never fatal
                        status, data = None, repr(error).encode()
                    dt = time.perf_counter() - t0
                    result = outcome(status, data, body is None)
                    with lock:
                        outcomes[result] += 1
                        if result in phase.allowed:
                            latencies.append(dt)
                            if result == "201":
                                created[step.member] += 1
                        else:
                            errors[0] += 1
                            if len(samples) < 3:
                                samples.append(f"{method} {url} {payload!r} -> {status}: {data[:300]!r}")
        finally:
            if conn[0] is not None:
                conn[0].close()

    threads = [threading.Thread(target=worker, args=(plan,), daemon=True) for plan in plans]
    for t in threads:
        t.start()
    start.wait()  # all threads started: start the clock
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    phase.elapsed += time.perf_counter() - t0
    phase.requests += sum(len(step.bodies) for plan in plans for step in plan)
    phase.latencies += latencies
    phase.errors += errors[0]
    phase.outcomes += outcomes
    phase.created += created
    phase.error_samples += samples[: max(0, 3 - len(phase.error_samples))]


def server_errors(phases: list[Phase]) -> int:
    """Answers 500 and above (a 503 `database_busy` included) over the phases."""
    return sum(n for p in phases for answer, n in p.outcomes.items() if answer[:1] == "5")


def figures(p: Phase) -> tuple[float, float, float]:
    lat = sorted(p.latencies)
    rps = len(lat) / p.elapsed if p.elapsed else 0.0
    return rps, (statistics.median(lat) * 1000 if lat else math.nan), percentile(lat, 0.99) * 1000


def report(phases: list[Phase], violations: int, problems: list[str], server_5xx: int) -> None:
    accepted, races, healthz = phases
    print(f"\n{'phase':<34} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  answers")
    for p in phases:
        rps, p50, p99 = figures(p)
        answers = ", ".join(f"{k} x{v}" for k, v in sorted(p.outcomes.items())) or "-"
        print(f"{p.label:<34} {p.requests:>8} {p.errors:>6} {rps:>8.1f} {p50:>8.1f} {p99:>8.1f}  {answers}")
    for p in phases:
        for sample in p.error_samples:
            print(f"  error, {p.label}: {sample}")
    for problem in problems:
        print(f"  check: {problem}")
    rps, p50, p99 = figures(accepted)
    race_rps, _, race_p99 = figures(races)
    healthz_rps = figures(healthz)[0]
    figure("recommend", "recommendations, closed loop", rps, "req/s")
    figure("recommend", "recommendations p99, closed loop", p99, "ms")
    figure("recommend", "over-quota races", race_rps, "req/s")
    figure("recommend", "quota violations", violations, "count", f"0 {'MET' if violations == 0 else 'NOT MET'}")
    figure("recommend", "5xx answers", server_5xx, "count", f"0 {'MET' if server_5xx == 0 else 'NOT MET'}")
    figure("recommend", "/healthz beside it", healthz_rps, "req/s")
    figure("recommend", "recommendations vs /healthz", rps / healthz_rps * 100 if healthz_rps else 0.0, "%")
    print(
        f"\naccepted: {rps:.0f} recommendations/s (closed loop), p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
        f"{rps / healthz_rps * 100 if healthz_rps else 0:.0f}% of /healthz ({healthz_rps:.0f} req/s)."
        f"\nover quota: {race_rps:.0f} requests/s, p99 {race_p99:.1f} ms, "
        f"{races.outcomes.get('201', 0)} x 201 and {races.outcomes.get('409 ' + QUOTA_EXCEEDED, 0)} x 409 {QUOTA_EXCEEDED}."
        f"\nquota violations: {violations}"
        f"\n5xx answers: {server_5xx} (every phase, warm-up included)"
    )


def check_database(check: dict, members: list[int], quota: int, created: int) -> tuple[int, list[str]]:
    """(members over their quota, other problems) from the CHECK script's answer."""
    rows = check["members"]
    over = [m for m in members if rows.get(str(m), [0])[0] > quota]
    problems = []
    under = [m for m in members if rows.get(str(m), [0])[0] < quota]
    if under:
        problems.append(f"{len(under)} member(s) hold fewer than {quota} active recommendations after the races (refused while a place was free), e.g. {under[:3]}")
    bad_slots = [m for m, (n, slots, top, q) in rows.items() if slots != n or (top or 0) > quota or q != quota]
    if bad_slots:
        problems.append(f"{len(bad_slots)} member(s) with duplicate, missing or out-of-range places, e.g. {bad_slots[:3]}")
    active = sum(r[0] for r in rows.values())
    if active != created or check["all"] != created:
        problems.append(f"{created} x 201 answered, {active} active recommendation(s) and {check['all']} in all in the database")
    return len(over), problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Award recommendations (POST /api/v1/recommendations/) under gunicorn: throughput, latency, quota races, next to /healthz.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=50, help="client threads, one member (and its representative's token) each")
    parser.add_argument("--quota", type=int, default=20, help='the "member" tier\'s quota for the programme (recommendations per member)')
    parser.add_argument("--left", type=int, default=3, help="places each member leaves free after the accepted phase, raced for in the next")
    parser.add_argument("--over", type=int, default=3, help="recommendations per member beyond its quota in the over-quota phase")
    parser.add_argument("--racers", type=int, default=None, help="threads per member in the over-quota phase (default: --left + --over, one request each)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured recommendations per member before the accepted phase")
    parser.add_argument("--enterprises", type=int, default=1000, help="non-member enterprises to recommend (at least --quota + --over)")
    add_server_options(parser)
    args = parser.parse_args()
    racing = args.left + args.over
    args.racers = min(args.racers or racing, args.clients)
    if min(args.clients, args.quota, args.workers, args.threads, args.racers) < 1 or min(args.warmup, args.left, args.over) < 0:
        parser.error("counts must be positive")
    if args.warmup + args.left >= args.quota:
        parser.error("--quota must exceed --warmup + --left (the accepted phase needs places)")
    if args.enterprises < args.quota + args.over:
        parser.error("--enterprises must be at least --quota + --over (each member recommends distinct enterprises)")

    python = tool("python")
    tmp = Path(tempfile.mkdtemp(prefix="wic-bench-recommend-"))
    proc, dbname = None, None
    try:
        env, dbname = production_env(tmp, args.sqlite)
        print(f"setting up in {tmp} ({'SQLite' if args.sqlite else 'PostgreSQL database ' + dbname})", flush=True)
        manage = [python, str(ROOT / "manage.py")]
        run(manage + ["migrate", "--noinput", "-v", "0"], env, "manage.py migrate")
        params = {"year": YEAR, "members": args.clients, "enterprises": args.enterprises, "quota": args.quota}
        out = run(manage + ["shell", "-c", shell_code(SETUP, params)], env, f"{args.clients} members, {args.enterprises} enterprises")
        data = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH-DATA "))[len("BENCH-DATA "):])
        members, tokens, enterprises, quota = data["members"], data["tokens"], data["enterprises"], data["quota"]
        assert quota == args.quota and data["representatives"] == members[:3], "setup does not match the parameters"

        print(f"  database: {database_line(args.sqlite, env)}", flush=True)
        proc, port, log = start_gunicorn(tmp, env, args.workers, args.threads)

        # Member n recommends enterprises[(n * stride + i) % E] for i = 0, 1, ...: distinct for one
        # member, spread over the enterprises across members.
        programme, count, stride = data["programme"], len(enterprises), max(1, len(enterprises) // args.clients)

        def bodies(n: int, first: int, last: int) -> list[dict]:
            return [{"programme": programme, "enterprise": enterprises[(n * stride + i) % count]} for i in range(first, last)]

        filled = args.quota - args.left  # places used after the accepted phase
        teams = args.clients // args.racers
        print(
            f"\nprogramme {programme}, {args.clients} members with quota {quota}, {count} enterprises. gunicorn {args.workers} "
            f"{'gthread worker(s) x ' + str(args.threads) + ' threads, keep-alive' if args.threads > 1 else 'sync worker(s)'}, DEBUG=0, "
            f"{'SQLite' if args.sqlite else 'PostgreSQL'} with persistent connections (CONN_MAX_AGE=60). Client: {args.clients} threads, "
            f"one member each: {args.warmup} warm-up and {filled - args.warmup} measured recommendations per member, then "
            f"{racing} per member ({args.left} free places + {args.over} over) from {teams} team(s) of {args.racers} threads.",
            flush=True,
        )
        load_before = os.getloadavg()[0]
        warm = Phase("warm-up", ("201",))
        if args.warmup:
            load(warm, port, [[Step(tokens[n], members[n], bodies(n, 0, args.warmup))] for n in range(args.clients)], args.timeout)
        warm_healthz = Phase("warm-up /healthz", ("200",))
        load(warm_healthz, port, [[Step(None, None, [None] * 4)] for _ in range(args.clients)], args.timeout)
        for p in (warm, warm_healthz):
            if p.errors:
                print(f"\n5xx answers: {server_errors([warm, warm_healthz])} (warm-up)", flush=True)
                raise RuntimeError(f"{p.label}: {p.errors} failed request(s), e.g. {p.error_samples[:2]}")

        accepted = Phase("accepted (201)", ("201",))
        load(accepted, port, [[Step(tokens[n], members[n], bodies(n, args.warmup, filled))] for n in range(args.clients)], args.timeout)

        races = Phase(f"over quota (201/409 {QUOTA_EXCEEDED})", ("201", "409 " + QUOTA_EXCEEDED))
        plans = [[] for _ in range(teams * args.racers)]
        for n in range(args.clients):
            team = n % teams
            barrier = threading.Barrier(args.racers)
            wanted = bodies(n, filled, args.quota + args.over)
            for r in range(args.racers):
                plans[team * args.racers + r].append(Step(tokens[n], members[n], wanted[r::args.racers], barrier))
        load(races, port, plans, args.timeout)

        healthz = Phase("GET /healthz", ("200",))
        load(healthz, port, [[Step(None, None, [None] * len(range(n, accepted.requests, args.clients)))] for n in range(args.clients)], args.timeout)
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn died during the run (exit {proc.returncode}); see {log}")

        out = run(manage + ["shell", "-c", shell_code(CHECK, {"programme": programme})], env, "database check")
        check = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH-CHECK "))[len("BENCH-CHECK "):])
        created = sum(p.created.total() for p in (warm, accepted, races))
        violations, problems = check_database(check, members, quota, created)
        wrong = {m: races.created[m] for m in members if races.created[m] != args.left}
        if wrong:
            problems.append(f"{len(wrong)} member(s) got other than {args.left} x 201 in the races, e.g. {list(wrong.items())[:3]}")
        server_5xx = server_errors([warm, warm_healthz, accepted, races, healthz])
        report([accepted, races, healthz], violations, problems, server_5xx)
        print(
            f"1-minute load average {load_before:.2f} before the load, {os.getloadavg()[0]:.2f} after "
            f"({os.cpu_count()} CPUs); other work on the machine skews the figures."
        )
        errors = accepted.errors + races.errors + healthz.errors
        if errors or violations or problems:
            print(f"{errors} request(s) failed or gave an unexpected answer, {violations} quota violation(s), {len(problems)} other problem(s); see above.")
        return 1 if errors or violations or problems else 0
    finally:
        clean_up(proc, tmp, dbname, args.keep)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as failure:
        sys.exit(f"bench failed: {failure}")
