"""Benchmark: the auto-roster on the 2017 programme's size, 1,240 volunteers and 600 shifts.

Goal (issue 6): a full roster in under 10 seconds.

Setup: a throwaway SQLite file (migrated here; about 20 s), or the database DATABASE_URL names
(`--database-url postgres://...`; it must be migrated; the bench's rows are written in a
transaction that is rolled back at the end, so the database is left as it was). The instance,
built with bulk_create and a fixed random seed (`--seed`):

- a demo edition (year 2998) and its programme; 3 training modules per post kind family plus the
  general module: general (通识), professional (专业) per kind, on-post drill (岗位演练) per kind;
- 35 posts: 10 hall services, 10 guest liaisons (one per foreign language, each shift needing
  that language), 3 registration desks, 2 media centres, 3 transport, 4 expo guides, 3 information
  points; each post requires the general module and its kind's professional training and drill;
- 600 shifts over 4 days in five slots (07-11, 09-13, 11-15, 15-19, 19-22; the 09-13 slot
  overlaps two others), needing 6 (hall), 2 (liaison) or 5 (others) volunteers;
- 1,240 accepted volunteers in 62 teams of 20 (each serving a post): 97% did the general module,
  each trained for one post kind (25% for a second), 40% speak English at working level or
  better, each foreign language has 35 to 60 speakers, half offer every day and half three of
  the four, each prefers one or two post kinds.

Then `roster_auto` runs once (timed, queries counted), and `roster_violations` checks the result
(no overlap, headcount, training, languages). Prints the figures; exit status 1 if the goal is
missed or a rule is broken.

    .venv/bin/python bench/roster.py [--volunteers 1240] [--shifts 600] [--seed 6] [--database-url URL]
"""
import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))  # after ROOT: bench/agenda.py must not shadow the agenda app
from _server import figure  # noqa: E402
BEIJING = ZoneInfo("Asia/Shanghai")
GOAL_SECONDS = 10.0
LANGUAGES = ["en", "fr", "de", "es", "pt", "ru", "ar", "ja", "ko", "it"]
SLOTS = [(7, 11), (9, 13), (11, 15), (15, 19), (19, 22)]
KINDS = [("hall_service", 10, 6), ("guest_liaison", 10, 2), ("registration_desk", 3, 5), ("media_centre", 2, 5), ("transport", 3, 5), ("expo_guide", 4, 5), ("information", 3, 5)]


class Rollback(Exception):
    pass


def build(n_volunteers: int, n_shifts: int, seed: int):
    from volunteers.models import Post, Programme, Shift, Team, TrainingAttendance, TrainingModule, Volunteer, VolunteerLanguage
    from wic.models import Edition

    rng = random.Random(seed)
    edition = Edition.objects.create(year=2998, name_zh="基准测试峰会", start_date=date(2998, 11, 10), end_date=date(2998, 11, 12), is_demo=True)
    programme = Programme.objects.create(edition=edition, name_zh="基准志愿者计划", is_demo=True)
    general = TrainingModule.objects.create(programme=programme, kind="general", name_zh="通识培训")
    modules = {}
    for kind, _count, _needed in KINDS:
        modules[kind] = (
            TrainingModule.objects.create(programme=programme, kind="professional", name_zh=f"专业培训 {kind}"),
            TrainingModule.objects.create(programme=programme, kind="drill", name_zh=f"岗位演练 {kind}"),
        )
    posts = []
    for kind, count, needed in KINDS:
        for i in range(count):
            language = LANGUAGES[i] if kind == "guest_liaison" else ""
            post = Post.objects.create(programme=programme, kind=kind, name_zh=f"{kind} {i + 1}", language=language)
            post.required_modules.set([general, *modules[kind]])
            posts.append((post, needed))
    days = [edition.start_date - timedelta(days=1) + timedelta(days=d) for d in range(4)]
    shifts = []
    for i in range(n_shifts):
        post, needed = posts[i % len(posts)]
        day = days[(i // len(posts)) % 4]
        h0, h1 = SLOTS[(i // (len(posts) * 4)) % len(SLOTS)]
        start = datetime(day.year, day.month, day.day, h0, tzinfo=BEIJING)
        shifts.append(Shift(post=post, starts_at=start, ends_at=start.replace(hour=h1), needed=needed, required_languages=[post.language] if post.language else []))
    Shift.objects.bulk_create(shifts, batch_size=1000)
    teams = Team.objects.bulk_create(
        [Team(programme=programme, name_zh=f"第{t + 1}组", post=posts[t % len(posts)][0]) for t in range((n_volunteers + 19) // 20)]
    )
    kinds = [k for k, _c, _n in KINDS]
    volunteers = []
    for n in range(n_volunteers):
        offered = [d.isoformat() for d in days] if rng.random() < 0.5 else sorted(d.isoformat() for d in rng.sample(days, 3))
        volunteers.append(Volunteer(
            programme=programme, name=f"Bench Volunteer {n + 1:04d}", university=f"Bench University {n % 15 + 1}", phone="0", email=f"bench{n}@example.org",
            status="accepted", available_days=offered if len(offered) < 4 else [], preferred_post_kinds=rng.sample(kinds, rng.choice((1, 2))),
            team=teams[n // 20], is_demo=True,
        ))
    volunteers = Volunteer.objects.bulk_create(volunteers, batch_size=1000)
    languages, attendance = [], []
    speakers = {code: set(rng.sample(range(n_volunteers), min(n_volunteers, rng.randint(35, 60)))) for code in LANGUAGES[1:]}
    for n, v in enumerate(volunteers):
        if rng.random() < 0.4:
            languages.append(VolunteerLanguage(volunteer=v, language="en", level=rng.choice(("working", "fluent"))))
        for code, who in speakers.items():
            if n in who:
                languages.append(VolunteerLanguage(volunteer=v, language=code, level=rng.choice(("working", "fluent", "native"))))
        if rng.random() < 0.97:
            attendance.append(TrainingAttendance(module=general, volunteer=v))
        tracks = {kinds[n % len(kinds)]} | ({rng.choice(kinds)} if rng.random() < 0.25 else set())
        for kind in tracks:
            attendance += [TrainingAttendance(module=m, volunteer=v) for m in modules[kind]]
    VolunteerLanguage.objects.bulk_create(languages, batch_size=2000)
    TrainingAttendance.objects.bulk_create(attendance, batch_size=2000)
    return programme


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=1240)
    parser.add_argument("--shifts", type=int, default=600)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    tmp = None
    if not args.database_url:
        tmp = tempfile.TemporaryDirectory(prefix="wic-roster-bench-")
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

    from volunteers.roster import roster_auto, roster_violations

    engine = connection.vendor
    if tmp is not None:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated a throwaway SQLite database in {time.perf_counter() - t0:.1f} s")
    failed = False
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            programme = build(args.volunteers, args.shifts, args.seed)
            print(f"built {args.volunteers} volunteers and {args.shifts} shifts in {time.perf_counter() - t0:.1f} s ({engine})")
            with CaptureQueriesContext(connection) as queries:
                report = roster_auto(programme=programme)
            problems = roster_violations(programme)
            reasons = {}
            for unfilled in report.unfilled:
                reasons[unfilled.reason] = reasons.get(unfilled.reason, 0) + unfilled.missing
            print()
            print(f"auto-roster: {report.seconds:.2f} s, {len(queries.captured_queries)} SQL queries")
            print(f"  volunteers {report.volunteers}, shifts {report.shifts}, places {report.places}")
            print(f"  assigned {report.assigned}, fill rate {report.fill_rate:.1%}, unfilled shifts {len(report.unfilled)} ({report.open_after} places)")
            if reasons:
                print("  open places by reason: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
            print(f"  rule violations: {len(problems)}" + (f" (first: {problems[:3]})" if problems else ""))
            met = report.seconds < GOAL_SECONDS and not problems
            print(f"\ngoal: under {GOAL_SECONDS:.0f} s with every rule kept: {'MET' if met else 'NOT MET'}")
            figure("roster", f"auto-roster, {report.volunteers} volunteers x {report.shifts} shifts", report.seconds, "s", f"< {GOAL_SECONDS:.0f} {'MET' if met else 'NOT MET'}")
            figure("roster", "fill rate", report.fill_rate * 100, "%")
            figure("roster", "rule violations", len(problems), "", "0 " + ("MET" if not problems else "NOT MET"))
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
