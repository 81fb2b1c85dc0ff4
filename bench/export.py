"""Benchmark: the admin's CSV and XLSX export of 20,000 guests (issue 9: "streamed so a 20,000-row
export neither times out nor loads all rows at once").

Setup: a throwaway SQLite file (migrated here), or the database `--database-url` names (migrated;
the rows are written in a transaction rolled back at the end). N registrations (bulk_create) in
one edition, a superuser signed in with Django's test client (no server: the figures are the
view's own work, not the network's).

For each of two sizes (N/10 and N) and each format: time to the first byte, total time, rows
read back, bytes, the number of queries, and the peak of Python memory allocated while the
response is produced and consumed (tracemalloc). A streamed export keeps the peak flat as rows
grow (CSV: rows are read 2,000 at a time and written as they go; XLSX: openpyxl's write-only
mode into a temporary file that spills to disk past 8 MB), so the ratio of the two peaks is the
figure to look at, not the absolute numbers (this machine is shared and noisy).

    .venv/bin/python bench/export.py [--rows 20000] [--database-url URL]
"""
import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))  # after ROOT: bench/agenda.py must not shadow the agenda app
from _server import figure  # noqa: E402


def build(start: int, stop: int):
    from registration.models import Registration
    from wic.models import Edition

    edition, _created = Edition.objects.get_or_create(year=2997, defaults={"name_zh": "导出基准（演示）", "name_en": "Export bench (demo)", "is_demo": True,
                                                                          "start_date": "2997-11-10", "end_date": "2997-11-12"})
    categories = ["government", "international_organization", "enterprise", "academia", "media"]
    Registration.objects.bulk_create(
        [
            Registration(
                edition=edition, reference=f"B{index:09d}", token=f"bench-{index:058d}", name=f"Bench Guest {index:05d}", name_zh=f"基准嘉宾{index:05d}",
                email=f"guest{index}@bench.example", organization_name=f"基准机构 {index % 500}", title="Director", country="CN" if index % 3 else "DE",
                category=categories[index % 5], participation="onsite", languages="zh, en", consent=True,
                status="approved" if index % 4 else "pending",
            )
            for index in range(start, stop)
        ],
        batch_size=2000,
    )
    return edition


def _consume(client, url: str, keep: bool):
    t0 = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    first, size, chunks = None, 0, []
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - t0
        size += len(chunk)
        if keep:
            chunks.append(chunk)
    return first, time.perf_counter() - t0, size, chunks


def measure(client, url: str, keep: bool) -> dict:
    """Timed once without tracing (tracemalloc slows Python down several times), then once more
    under tracemalloc for the peak of memory allocated while the export is produced and read."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # each request resets the query log: start the capture from zero
    with CaptureQueriesContext(connection) as queries:
        first, total, size, chunks = _consume(client, url, keep)
    tracemalloc.start()
    _consume(client, url, keep=False)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"first": first or total, "total": total, "bytes": size, "queries": len(queries), "peak": peak, "xlsx": b"".join(chunks) if chunks else None}


def count_rows(result: dict, csv_text_rows: int | None) -> int:
    if result["xlsx"] is not None:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(result["xlsx"]), read_only=True).active
        return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    return csv_text_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = None
    if not args.database_url:
        tmp = tempfile.TemporaryDirectory(prefix="wic-export-bench-")
        args.database_url = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_DEBUG"] = "1"  # the CaptureQueriesContext works either way; console mail
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wic.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if tmp is not None:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated a throwaway SQLite database in {time.perf_counter() - t0:.1f} s")
    try:
        with transaction.atomic():
            admin = get_user_model().objects.create_superuser("export-bench", "bench@example.org", "x")
            client = Client()
            client.force_login(admin)
            small, large = max(1, args.rows // 10), args.rows
            for fmt in ("csv", "xlsx"):  # warm-up: templates, translations, openpyxl imports
                _consume(client, f"/admin/registration/registration/export/{fmt}/", keep=False)
            results = {}
            made = 0
            for n in (small, large):
                t0 = time.perf_counter()
                edition = build(made, n)
                made = n
                print(f"\n{n} registrations in the database (built in {time.perf_counter() - t0:.1f} s)")
                print(f"  {'format':<6} {'first byte':>11} {'total':>8} {'rows':>7} {'bytes':>11} {'queries':>8} {'peak memory':>12}")
                for fmt in ("csv", "xlsx"):
                    url = f"/admin/registration/registration/export/{fmt}/?edition__id__exact={edition.pk}"
                    result = measure(client, url, keep=fmt == "xlsx")
                    rows = count_rows(result, None) if fmt == "xlsx" else None
                    if fmt == "csv":
                        text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
                        rows = text.count("\n") - 1
                    results[(n, fmt)] = result
                    print(f"  {fmt:<6} {result['first'] * 1000:9.0f} ms {result['total']:6.2f} s {rows:7d} {result['bytes']:11,d} {result['queries']:8d} {result['peak'] / 1e6:9.1f} MB")
                    if rows != n:
                        print(f"  ! expected {n} rows, read {rows}")
                        return 1
            print()
            for fmt in ("csv", "xlsx"):
                a, b = results[(small, fmt)], results[(large, fmt)]
                print(f"{fmt}: {large // small}x the rows -> {b['total'] / a['total']:.1f}x the time, {b['peak'] / a['peak']:.2f}x the peak memory, "
                      f"queries {a['queries']} -> {b['queries']}")
                figure("export", f"{fmt} {large} rows, first byte", b["first"] * 1000, "ms")
                figure("export", f"{fmt} {large} rows, total", b["total"], "s")
                figure("export", f"{fmt} peak memory at {large} rows", b["peak"] / 1e6, "MB")
                # Proportional would be large/small times; a streamed export stays well under it.
                ratio = b["peak"] / a["peak"]
                figure("export", f"{fmt} peak memory, {large // small}x the rows", ratio, "x", "under proportional" if ratio < (large // small) / 2 else "proportional")
                figure("export", f"{fmt} queries, {small} -> {large} rows", b["queries"], "", "constant " + ("MET" if a["queries"] == b["queries"] else "NOT MET"))
            transaction.set_rollback(True)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
