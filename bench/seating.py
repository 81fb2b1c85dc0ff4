"""Benchmark: auto-seating a banquet of 1,200 accepted guests at 120 round tables of 10.

Goal (issue 23): `protocol.seating.auto_seat` in under 2 seconds.

Setup: a throwaway SQLite file (migrated here; about 20 s), or the database DATABASE_URL names
(`--database-url postgres://...`; it must be migrated; the bench's rows are written in a
transaction that is rolled back at the end, so the database is left as it was). The instance,
built with bulk_create and a fixed random seed (`--seed`):

- a demo edition (year 2997) and its welcome banquet, an invitation-only item with a seating plan
  of 120 tables of 10 seats (table 1 the head table);
- 1,200 approved registrations with an accepted invitation card each and the gate's row
  (registration.Invitation, accepted, no seat yet);
- about two thirds of them in delegations of random sizes (2 to 16 members, precedence 1 to 60,
  ties included), one member in eight an interpreter for an earlier member of their delegation
  (at most two per principal); the others alone (rank 1000).

Then `auto_seat` runs once (timed, queries counted), and the result is checked: no seat twice,
everyone seated, the gate's rows carry the seats, the interpreters beside their principal, the
delegations that fit a table at one table. Prints the figures; exit status 1 if the goal is
missed or a rule is broken.

    .venv/bin/python bench/seating.py [--guests 1200] [--tables 120] [--seats 10] [--seed 23] [--database-url URL]
"""
import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))  # after ROOT: bench/agenda.py must not shadow the agenda app
from _server import figure  # noqa: E402

BEIJING = ZoneInfo("Asia/Shanghai")
GOAL_SECONDS = 2.0
YEAR = 2997


class Rollback(Exception):
    pass


def build(guests: int, n_tables: int, seats: int, seed: int):
    from agenda.models import Session
    from protocol import seating
    from protocol.models import Delegation, DelegationMember, InvitationCard, InvitationItem
    from registration.models import Invitation, Registration
    from wic.models import Edition

    rng = random.Random(seed)
    edition = Edition.objects.create(year=YEAR, name_zh="基准测试峰会", name_en="Benchmark summit", start_date=date(YEAR, 11, 10), end_date=date(YEAR, 11, 12), is_demo=True)
    session = Session.objects.create(
        edition=edition, key="bench-banquet", title_zh="欢迎晚宴", title_en="Welcome banquet", kind="banquet", access="by_invitation",
        date=date(YEAR, 11, 10), start=datetime(YEAR, 11, 10, 18, 30, tzinfo=BEIJING), end=datetime(YEAR, 11, 10, 21, 0, tzinfo=BEIJING),
    )
    item = InvitationItem.objects.create(session=session)
    plan = seating.plan_create(item, layout="tables", blocks=[(str(n + 1), seats, n == 0) for n in range(n_tables)])
    registrations = Registration.objects.bulk_create([
        Registration(
            edition=edition, reference=f"B{n:07d}", token=secrets.token_hex(16), name=f"Guest {n:04d}", name_zh=f"嘉宾{n:04d}",
            email=f"guest{n}@bench.example.org", organization_name="Bench", country="CN", category="government", participation="on_site",
            consent=True, status="approved",
        )
        for n in range(guests)
    ], batch_size=500)
    # Delegations of random sizes over about two thirds of the guests.
    delegated = int(guests * 2 / 3)
    sizes, left = [], delegated
    while left > 0:
        size = min(left, rng.randint(2, 16))
        sizes.append(size)
        left -= size
    delegations = Delegation.objects.bulk_create([
        Delegation(edition=edition, name_zh=f"基准代表团{d:03d}", name_en=f"Bench delegation {d}", kind="government", precedence=rng.randint(1, 60), is_demo=True)
        for d in range(len(sizes))
    ])
    members, delegation_of, position = [], {}, 0
    for delegation, size in zip(delegations, sizes):
        for order in range(size):
            members.append(DelegationMember(delegation=delegation, registration=registrations[position], sort_order=order))
            delegation_of[registrations[position].pk] = delegation
            position += 1
    members = DelegationMember.objects.bulk_create(members, batch_size=500)
    interpreters, served, start = [], {}, 0
    for size in sizes:
        group = members[start:start + size]
        for i in range(1, size):
            if rng.random() < 1 / 8:
                principals = [m for m in group[:i] if not m.is_interpreter and served.get(m.pk, 0) < 2]
                if principals:
                    principal = rng.choice(principals)
                    group[i].is_interpreter, group[i].principal = True, principal
                    served[principal.pk] = served.get(principal.pk, 0) + 1
                    interpreters.append(group[i])
        start += size
    DelegationMember.objects.bulk_update(interpreters, ["is_interpreter", "principal"], batch_size=500)
    InvitationCard.objects.bulk_create([
        InvitationCard(item=item, registration=r, status="accepted", delegation=delegation_of.get(r.pk)) for r in registrations
    ], batch_size=500)
    Invitation.objects.bulk_create([Invitation(registration=r, session=session, rsvp="accepted") for r in registrations], batch_size=500)
    return plan, len(sizes), len(interpreters)


def violations(plan, seats_per_table: int) -> list[str]:
    from protocol.models import InvitationCard, SeatAssignment
    from protocol.seating import adjacent
    from registration.models import Invitation

    problems = []
    rows = list(SeatAssignment.objects.filter(plan=plan).select_related("block", "card__registration__delegation_membership"))
    where = {r.card_id: (r.block_id, r.number) for r in rows}
    if len(set(where.values())) != len(rows):
        problems.append("a seat holds two guests")
    accepted = InvitationCard.objects.filter(item=plan.item, status="accepted").count()
    if len(rows) != accepted:
        problems.append(f"{accepted - len(rows)} accepted guests without a seat")
    gate = dict(Invitation.objects.filter(session=plan.item.session).exclude(seat_number=None).values_list("registration_id", "seat_number"))
    if gate != {r.card.registration_id: r.number for r in rows}:
        problems.append("the gate's rows differ from the seats")
    member_seat = {}
    for r in rows:
        member = getattr(r.card.registration, "delegation_membership", None)
        if member is not None:
            member_seat[member.pk] = (r.block, r.number, member)
    apart = 0
    for block, number, member in member_seat.values():
        if member.is_interpreter and member.principal_id in member_seat:
            other_block, other_number, _ = member_seat[member.principal_id]
            if other_block.pk != block.pk or not adjacent("tables", block.seats, number, other_number):
                apart += 1
    if apart:
        problems.append(f"{apart} interpreters apart from their principal")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guests", type=int, default=1200)
    parser.add_argument("--tables", type=int, default=120)
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--profile", action="store_true", help="print where auto_seat spends its time (cProfile, top 25)")
    args = parser.parse_args()

    tmp = None
    if not args.database_url:
        tmp = tempfile.TemporaryDirectory(prefix="wic-seating-bench-")
        args.database_url = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wic.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from protocol.seating import auto_seat

    engine = connection.vendor
    if tmp is not None:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated a throwaway SQLite database in {time.perf_counter() - t0:.1f} s")
    failed = False
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            plan, n_delegations, n_interpreters = build(args.guests, args.tables, args.seats, args.seed)
            print(f"built {args.guests} accepted guests ({n_delegations} delegations, {n_interpreters} interpreters) "
                  f"and {args.tables} tables of {args.seats} in {time.perf_counter() - t0:.1f} s ({engine})")
            with CaptureQueriesContext(connection) as queries:
                if args.profile:
                    import cProfile
                    import pstats

                    profiler = cProfile.Profile()
                    t0 = time.perf_counter()
                    report = profiler.runcall(auto_seat, plan)
                    seconds = time.perf_counter() - t0
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
                else:
                    t0 = time.perf_counter()
                    report = auto_seat(plan)
                    seconds = time.perf_counter() - t0
            problems = violations(plan, args.seats)
            print()
            print(f"auto-seat: {seconds:.2f} s, {len(queries.captured_queries)} SQL queries")
            print(f"  seated {report.seated}, without a seat {len(report.unseated)}, interpreters apart {len(report.interpreters_apart)}, "
                  f"delegations split {len(report.delegations_split)} (of {n_delegations}; those larger than a table, or left for the last tables)")
            print(f"  rule violations: {len(problems)}" + (f" ({'; '.join(problems)})" if problems else ""))
            met = seconds < GOAL_SECONDS and not problems
            print(f"\ngoal: under {GOAL_SECONDS:.0f} s with every rule kept: {'MET' if met else 'NOT MET'}")
            figure("seating", f"auto-seat, {args.guests} guests at {args.tables} tables of {args.seats}", seconds, "s", f"< {GOAL_SECONDS:.0f} {'MET' if met else 'NOT MET'}")
            figure("seating", "SQL queries", len(queries.captured_queries), "")
            figure("seating", "rule violations", len(problems), "", "0 " + ("MET" if not problems else "NOT MET"))
            failed = not met
            raise Rollback
    except Rollback:
        pass
    finally:
        if tmp is not None:
            connection.close()
            tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
