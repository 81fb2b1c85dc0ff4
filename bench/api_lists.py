"""Benchmark: the public list endpoints on a database grown to N sessions.

Prints, per endpoint and size: median milliseconds per request and SQL queries per request, so
two sizes can be compared in one run (the machine is noisy; compare ratios, not absolutes).

    DJANGO_DEBUG=1 .venv/bin/python bench/api_lists.py [--sizes 50 500 2000] [--repeat 15]

Runs on a throwaway SQLite file (or DATABASE_URL if you point it at a scratch database).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))  # after ROOT: bench/agenda.py must not shadow the agenda app
from _server import figure  # noqa: E402
os.environ.setdefault("DJANGO_DEBUG", "1")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wic.settings")

import django  # noqa: E402

django.setup()

from datetime import date, datetime, time as dtime, timedelta  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

BEIJING = ZoneInfo("Asia/Shanghai")


def grow(total: int) -> None:
    from agenda.models import Hall, Outcome, Session, SessionOrganization
    from wic.models import Edition, Organization

    edition, _ = Edition.objects.get_or_create(
        year=2999, defaults={"name_zh": "基准测试", "start_date": date(2999, 11, 1), "end_date": date(2999, 11, 4), "is_demo": True}
    )
    halls = list(Hall.objects.all()[:10])
    existing = Session.objects.filter(edition=edition).count()
    orgs = [Organization.objects.get_or_create(name_zh=f"基准机构{i}")[0] for i in range(20)]
    for i in range(existing, total):
        day = edition.start_date + timedelta(days=i % 4)
        start = datetime.combine(day, dtime(8 + i % 9, 0), tzinfo=BEIJING)
        s = Session.objects.create(
            edition=edition, key=f"bench-{i}", title_zh=f"基准分论坛{i}", title_en=f"Bench forum {i}", kind="sub_forum",
            date=day, start=start, end=start + timedelta(hours=2), hall=halls[i % len(halls)] if halls else None,
        )
        SessionOrganization.objects.create(session=s, organization=orgs[i % 20], role="host")
        SessionOrganization.objects.create(session=s, organization=orgs[(i + 1) % 20], role="co_host", sort_order=1)
        Outcome.objects.create(edition=edition, session=s, title_zh=f"基准报告{i}", kind="report")


def measure(client: Client, url: str, repeat: int) -> tuple[float, int]:
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    return statistics.median(timings), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 2000])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed", stdout=open(os.devnull, "w"))
    client = Client()
    print(f"{'sessions':>8}  {'endpoint':<52} {'median ms':>9}  {'queries':>7}")
    for size in args.sizes:
        grow(size)
        reset_queries()
        for url in (
            "/api/v1/sessions/?edition=2999&page_size=500",
            "/api/v1/sessions/?edition=2999&search=%E5%9F%BA%E5%87%86%E6%9C%BA%E6%9E%8415",
            "/api/v1/sessions/?edition=2017",
            "/api/v1/editions/",
        ):
            ms, queries = measure(client, url, args.repeat)
            print(f"{size:>8}  {url[:52]:<52} {ms:>9.1f}  {queries:>7}")
            figure("api_lists", f"{url[8:]} at {size} sessions", ms, "ms", f"{queries} queries")


if __name__ == "__main__":
    main()
