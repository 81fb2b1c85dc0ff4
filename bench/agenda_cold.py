"""Benchmark: the CPU an uncached agenda page costs, in process, old and new side by side (issue 26).

The agenda page is cheap when its page entry is cached; this measures the renders that are not:
every edit gives the edition a new agenda version, so the next visitor of each of its pages gets
a fresh render. Before issue 26 such a render loaded every session of the edition to count the
day tabs and rendered the whole page, every session card with it. Now the tabs are counted in one
grouped query, the day is read as rows (agenda.day_rows), each card comes from its own cached
fragment and the rest of the page, its frame, from the frame cache, each keyed by a digest of
what it shows (agenda.cache.day_cards, framed).

Both are measured in one process, alternately, round after round: "old" is the page with the
setting AGENDA_CARD_CACHE = False (no card or frame cache, every session of the edition loaded:
the code before issue 26, kept behind that setting), "new" the page as it runs. Per round:

- old, page miss: a render of the day at an address not asked before, `?day=...&near=b<n>` with
  a new n each time (`near` is part of the page's cache key and has no effect when `day` is
  given), so the page entry is never there;
- new, fully cold: the same with every cache emptied first (cards, frames, pages);
- new, page miss, a page not seen before: the same at a new address, the day's cards cached (its
  frame is not: the frame holds the address, in the language links);
- new, page miss, the same page again: that address again after the edition's version moved (as
  after an edit elsewhere in the edition): frame and cards cached;
- new, after one edit, the same page again: one session of the day edited (its title, its hall
  or its time, in turn), then that address again: the goal's figure, since after an edit the
  pages asked again are those asked before it;
- new, after one edit, a page not seen before: another session edited, then a new address (the
  frame rendered, from the cached filter form).
The cards re-rendered (goal: 1) and the frames rendered are counted.

CPU is `time.process_time()` around the test client's GET (middleware included, as production
settings give them: DJANGO_DEBUG=0), after a `gc.collect()`; each figure is the median over the
rounds. Goals (issue 26): an uncached render at most 0.5 ms of CPU per session (from about 1.5),
and the render after one edit at most 20% of a fully cold one.

The database is a throwaway SQLite file in a temp dir (deleted at the end) holding only the
synthetic edition 2999 of bench/agenda.py: by default 400 timed sessions in 20 halls over 4
days, so 100 on the measured day, each with a host and a co-host, and 3 appearances per session.
The cache is local memory (the cards' own store, agenda.cache.card_store; frames in the default
cache) unless --redis gives a scratch Redis database (which the bench flushes).

    .venv/bin/python bench/agenda_cold.py [--rounds 9] [--sessions 400] [--days 4] [--halls 20]
                                          [--appearances 1200] [--redis redis://127.0.0.1:6379/15]
"""
import argparse
import gc
import importlib.util
import json
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))
from _server import figure  # noqa: E402

PER_SESSION_GOAL_MS = 0.5
AFTER_EDIT_GOAL = 0.20
YEAR = 2999


def synthetic_code(args) -> str:
    """bench/agenda.py's synthetic edition (the same sessions, halls, organizations and people)."""
    spec = importlib.util.spec_from_file_location("bench_agenda", ROOT / "bench" / "agenda.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SYNTHETIC.format(
        sessions=args.sessions, halls=args.halls, days=args.days, year=YEAR, appearances=args.appearances, people=max(1, args.sessions)
    )


def setup_django(tmp: Path, redis: str) -> None:
    for name in [k for k in os.environ if k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))]:
        del os.environ[name]
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "wic.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(tmp / "staticfiles"),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    if redis:
        os.environ["REDIS_URL"] = redis
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9, help="rounds; each measures every variant once, old and new alternately")
    parser.add_argument("--sessions", type=int, default=400, help="sessions of the synthetic edition 2999")
    parser.add_argument("--days", type=int, default=4, help="its days (sessions / days on the measured day)")
    parser.add_argument("--halls", type=int, default=20, help="its halls")
    parser.add_argument("--appearances", type=int, default=1200, help="people's appearances in its sessions (at most 5 per session)")
    parser.add_argument("--redis", metavar="URL", default="", help="REDIS_URL (a scratch database, flushed) instead of local memory")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print where it is")
    args = parser.parse_args()
    if min(args.rounds, args.sessions, args.days, args.halls) < 1 or not 0 <= args.appearances <= 5 * args.sessions:
        parser.error("counts must be positive, appearances at most 5 per session")

    tmp = Path(tempfile.mkdtemp(prefix="wic-bench-agenda-cold-"))
    try:
        setup_django(tmp, args.redis)
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", "--noinput", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        out = StringIO()
        with redirect_stdout(out):
            exec(synthetic_code(args), {})  # noqa: S102 - the bench's own code, as bench/agenda.py runs it
        data = json.loads(next(line for line in out.getvalue().splitlines() if line.startswith("BENCH-DATA "))[len("BENCH-DATA "):])
        print(f"set up in {time.perf_counter() - t0:.1f} s ({tmp})", flush=True)
        return measure(args, data)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(args, data) -> int:
    from datetime import timedelta

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings

    from agenda import cache as agenda_cache
    from agenda.models import Hall, Session

    client = Client()
    day = data["first_day"]
    shown = list(Session.objects.filter(edition__year=YEAR, date=day, is_published=True).order_by("pk"))
    halls = list(Hall.objects.filter(sessions__edition__year=YEAR).distinct().order_by("pk"))
    n = len(shown)
    counter = iter(range(10**9))
    rendered: list = []  # cards rendered
    views: list = []  # [frame rendered?] per render of the view
    real_render, real_framed = agenda_cache.render_card, agenda_cache.framed

    def counting_render(session, edition):
        rendered.append(session.pk)
        return real_render(session, edition)

    def counting_framed(key, render, slots):
        made = []
        html = real_framed(key, lambda fillers: made.append(1) or render(fillers), slots)
        views.append(bool(made))
        return html

    agenda_cache.render_card, agenda_cache.framed = counting_render, counting_framed

    def new_url() -> str:
        """The day's page, at an address no page entry and no frame holds (`near` is part of the
        page's key and of its frame's, the language links holding the address, and has no effect
        when `day` is given)."""
        return f"/editions/{YEAR}/agenda/?day={day}&near=b{next(counter)}"

    def page_miss(url: str) -> tuple[float, bytes]:
        """CPU seconds of one render of `url`, which no page entry holds."""
        before = len(views)
        gc.collect()
        t0 = time.process_time()
        response = client.get(url)
        cpu = time.process_time() - t0
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if len(views) == before and agenda_cache.cards_enabled():
            raise RuntimeError(f"{url} was served from its page entry, not rendered")
        return cpu, response.content

    def empty_caches():
        """Nothing cached at all: cards, frames, pages."""
        cache.clear()
        agenda_cache.card_store().clear()

    def edit(s, r: int) -> str:
        """Edit session `s`, in turn its title, its hall or its time (signals bump the edition's
        version, as any edit does)."""
        s.refresh_from_db()
        what = ("title", "hall", "time")[r % 3]
        if what == "title":
            s.title_zh = f"{s.title_zh.split('（')[0]}（改{r}）"
        elif what == "hall":
            s.hall = halls[(halls.index(s.hall) + 1) % len(halls)] if s.hall in halls else halls[0]
        else:
            s.start, s.end = s.start + timedelta(minutes=5), s.end + timedelta(minutes=5)
        s.save()
        return what

    if args.redis:
        cache.clear()

    def counting_queries(queries: list):
        def wrapper(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        return connection.execute_wrapper(wrapper)

    # Unmeasured: warm up both variants (templates compiled, imports done), count the queries,
    # check that both give the same page (but for the `near` value in the language links).
    old_q, new_q = [], []
    with override_settings(AGENDA_CARD_CACHE=False):
        page_miss(new_url())
        with counting_queries(old_q):
            _cpu, old_html = page_miss(new_url())
    empty_caches()
    page_miss(new_url())
    with counting_queries(new_q):
        _cpu, new_html = page_miss(new_url())
    if re.sub(rb"near%3Db\d+|near=b\d+", b"", old_html) != re.sub(rb"near%3Db\d+|near=b\d+", b"", new_html):
        raise RuntimeError("the old and the new page differ")

    rows = ("old", "cold", "warm", "refresh", "edited", "edited_new")
    times: dict[str, list] = {name: [] for name in rows}
    rerendered: dict[str, list] = {"edited": [], "edited_new": []}
    frames: dict[str, list] = {name: [] for name in rows[1:]}
    edits = []
    for r in range(args.rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        for variant in order:
            if variant == "old":
                with override_settings(AGENDA_CARD_CACHE=False):
                    times["old"].append(page_miss(new_url())[0])
                continue

            def run(name: str, url: str) -> None:
                rendered.clear()
                times[name].append(page_miss(url)[0])
                frames[name].append(views[-1])
                if name in rerendered:
                    rerendered[name].append(len(rendered))

            empty_caches()
            rendered.clear()
            run("cold", new_url())
            if len(rendered) != n:
                raise RuntimeError(f"a fully cold render rendered {len(rendered)} cards, not {n}")
            url = new_url()
            run("warm", url)  # a page not seen before: its cards cached, not its frame
            agenda_cache.bump_edition(YEAR)  # as after an edit elsewhere in the edition
            run("refresh", url)  # the same page again: its frame and cards cached
            edits.append(edit(shown[r % n], r))
            run("edited", url)  # the same page again, after one of its sessions was edited
            edit(shown[(r + n // 2) % n], r)
            run("edited_new", new_url())  # a page not seen before, after one of its sessions was edited

    med = {k: statistics.median(v) for k, v in times.items()}
    per = {k: v * 1000 / n for k, v in med.items()}
    edited_share = med["edited"] / med["cold"]
    print(
        f"\nedition {YEAR}: {data['sessions']} sessions over {args.days} days, {n} on {day} in {args.halls} halls, "
        f"{data['appearances']} appearances; cache: {'Redis ' + args.redis if args.redis else 'local memory'}; "
        f"{args.rounds} rounds, old and new alternately; medians of time.process_time()."
    )
    print(f"queries per render: old {len(old_q)}, new {len(new_q)} (cards cached); the old and the new page are the same")
    labels = {
        "cold": "fully cold (nothing cached)",
        "warm": "page miss, a page not seen before (cards cached)",
        "refresh": "page miss, the same page again (frame, cards cached)",
        "edited": "after one session edited, the same page again",
        "edited_new": "after one session edited, a page not seen before",
    }
    print(f"\n{'render (new: frames rendered / rounds)':<58} {'old ms':>8} {'new ms':>8} {'old ms/s.':>10} {'new ms/s.':>10} {'new/cold':>9}")
    for name, label in labels.items():
        label = f"{label} ({sum(frames[name])}/{len(frames[name])})"
        print(f"{label:<58} {med['old'] * 1000:>8.1f} {med[name] * 1000:>8.1f} {per['old']:>10.3f} {per[name]:>10.3f} {med[name] / med['cold']:>9.0%}")
    print(f"cards re-rendered after one edit ({', '.join(sorted(set(edits)))}): same page {sorted(set(rerendered['edited']))}, "
          f"a page not seen before {sorted(set(rerendered['edited_new']))}\n")

    warm_met = per["warm"] <= PER_SESSION_GOAL_MS
    edit_met = edited_share <= AFTER_EDIT_GOAL
    one_card = set(rerendered["edited"]) == {1} and set(rerendered["edited_new"]) == {1}
    goal = f"<= {PER_SESSION_GOAL_MS}"
    figure("agenda_cold", "uncached render, CPU per session, old (no card cache, whole edition loaded)", per["old"], "ms", f"{goal} {'MET' if per['old'] <= PER_SESSION_GOAL_MS else 'MISSED'}")
    figure("agenda_cold", "uncached render, CPU per session, new (cards cached)", per["warm"], "ms", f"{goal} {'MET' if warm_met else 'MISSED'}")
    figure("agenda_cold", "uncached render of a page seen before, CPU per session, new (frame and cards cached)", per["refresh"], "ms")
    figure("agenda_cold", "fully cold render, CPU per session, new (no card cached)", per["cold"], "ms")
    figure("agenda_cold", "render after one edit, share of a fully cold render, new", edited_share * 100, "%", f"<= {AFTER_EDIT_GOAL:.0%} {'MET' if edit_met else 'MISSED'}")
    figure("agenda_cold", "render after one edit of a page not seen before, share of a fully cold render, new", med["edited_new"] / med["cold"] * 100, "%")
    figure("agenda_cold", "render after one edit, share of an old render", med["edited"] / med["old"] * 100, "%")
    figure("agenda_cold", "cards re-rendered after one edit (max)", max(rerendered["edited"] + rerendered["edited_new"]), "cards", f"1 {'MET' if one_card else 'MISSED'}")
    return 0 if warm_met and edit_met and one_card else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as failure:
        sys.exit(f"bench failed: {failure}")
