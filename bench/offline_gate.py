"""Benchmark: a gate device's offline data (GET /api/v1/checkin-lists/{id}/offline/, issue 28)
for 5,000 guests: the whole download, then a delta after 50 changes.

Setup as bench/checkin.py's (its SETUP script): a fresh PostgreSQL database `wic_bench_<random>`
(or a temp SQLite file with --sqlite), migrate, edition 2999 with a gate list for today and
--guests approved guests with one credential each, a gate user with a scan token. Then, in this
process with the app's production settings (DJANGO_DEBUG=0) through Django's test client (the
whole middleware stack, no HTTP server: the figures are the app's own):

  full      GET .../offline/ --rounds times: median wall and CPU time, body size, gzip size
  changes   50 changes: 20 credentials revoked, 20 guests renamed, 10 admissions at the gate
  delta     GET .../offline/?since=<the version before the changes>: time, size, entries

Prints FIGURE lines (bench/all). Goals: a whole download of 5,000 guests under 1 s and 2 MB
(a phone on the venue's Wi-Fi), a delta of 50 changes under 5% of the whole's size.

    .venv/bin/python bench/offline_gate.py [--guests 5000] [--rounds 5] [--sqlite]
"""
import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import drop_database, figure, production_env, run, tool  # noqa: E402
from checkin import SETUP, YEAR  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def measure(rounds: int, call) -> tuple[float, float, object]:
    walls, cpus, last = [], [], None
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        last = call()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wic-bench-offline-"))
    dbname = None
    try:
        env, dbname = production_env(tmp, args.sqlite)
        manage = [tool("python"), str(ROOT / "manage.py")]
        run(manage + ["migrate", "--noinput", "-v", "0"], env, "manage.py migrate")
        out = run(manage + ["shell", "-c", SETUP.format(guests=args.guests, users=1, year=YEAR, secrets_file=str(tmp / "secrets.txt"))], env,
                  f"{args.guests} guests")
        data = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH-DATA "))[len("BENCH-DATA "):])
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.test import Client
        from django.utils import timezone

        from registration.models import Checkin, CheckinList, Credential, Registration

        client = Client(HTTP_AUTHORIZATION=f"Token {data['tokens'][0]}", HTTP_HOST="127.0.0.1")
        path = f"/api/v1/checkin-lists/{data['list']}/offline/"

        def get(query=""):
            response = client.get(path + query)
            assert response.status_code == 200, response.content[:300]
            return response

        get()  # warm: imports, connection, prepared statements
        wall, cpu, whole = measure(args.rounds, get)
        body = whole.content
        before = json.loads(body)
        assert len(before["credentials"]) == args.guests
        zipped = len(gzip.compress(body, 6))
        print(f"\nwhole: {len(before['credentials'])} credentials, {len(body) / 1e6:.2f} MB ({zipped / 1e6:.2f} MB gzip), "
              f"{wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU (median of {args.rounds})")

        gate = CheckinList.objects.get(pk=data["list"])
        credentials = list(Credential.objects.filter(registration__edition__year=YEAR).select_related("registration").order_by("id")[:50])
        now = timezone.now()
        Credential.objects.filter(pk__in=[c.pk for c in credentials[:20]]).update(revoked_at=now)
        for c in credentials[20:40]:
            Registration.objects.filter(pk=c.registration_id).update(name=c.registration.name + " (renamed)")
        Checkin.objects.bulk_create([
            Checkin(checkin_list=gate, credential=c, raw_secret=c.secret, nonce=f"bench-{c.pk}", result="ok", scanned_at=now) for c in credentials[40:]
        ])
        dwall, dcpu, delta_response = measure(args.rounds, lambda: get(f"?since={before['version']}"))
        delta = json.loads(delta_response.content)
        assert delta["full"] is False and len(delta["credentials"]) == 50, (delta["full"], len(delta["credentials"]))
        share = len(delta_response.content) / len(body)
        print(f"delta after 50 changes: {len(delta['credentials'])} entries, {len(delta_response.content) / 1e3:.1f} kB "
              f"({share:.1%} of the whole), {dwall * 1000:.0f} ms wall, {dcpu * 1000:.0f} ms CPU\n")
        figure("offline_gate", f"whole download, {args.guests} guests (median wall)", wall * 1000, "ms", f"< 1000 {'MET' if wall < 1 else 'MISSED'}")
        figure("offline_gate", "whole download size", len(body) / 1e6, "MB", f"< 2 {'MET' if len(body) < 2e6 else 'MISSED'}")
        figure("offline_gate", "whole download size, gzip", zipped / 1e6, "MB", "")
        figure("offline_gate", "delta after 50 changes (median wall)", dwall * 1000, "ms", "")
        figure("offline_gate", "delta size as a share of the whole", share * 100, "%", f"< 5 {'MET' if share < 0.05 else 'MISSED'}")
        return 0
    finally:
        if dbname:
            from django.db import connections

            connections.close_all()
            drop_database(dbname)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
