"""Simultaneous requests on PostgreSQL, each thread on its own connection: a booth is allotted
once, a stage slot taken once, an exhibitor accepts one of two overlapping meetings. Each race has
a negative control: without the lock the race is real, and the database constraint still holds."""
import threading
import time

import pytest

from expo import services
from expo.models import BoothAllotment, Launch, MeetingRequest
from tests.conftest import requires_postgres
from wic.errors import DomainError

from .conftest import approved, at

THREADS = 8


def _run_together(jobs) -> list[str]:
    """Run the callables at the same instant, each in its own thread and connection; returns
    "ok" or the refusal code of each."""
    barrier = threading.Barrier(len(jobs))
    results = []

    def worker(job):
        from django.db import connection

        try:
            barrier.wait()
            job()
            results.append("ok")
        except DomainError as error:
            results.append(error.code)
        except Exception as error:  # noqa: BLE001 - shown in the assertion, not swallowed
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _slowed(monkeypatch, name, judged_free):
    real = getattr(services, name)

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(0.1)  # widen the window between reading and writing
        if result is None:
            judged_free.append(1)
        return result

    monkeypatch.setattr(services, name, slow)


def _booth_race(booths, edition, monkeypatch, lock):
    monkeypatch.setattr(services, "LOCK_BOOTH", lock)
    exhibitors = [approved(edition, n) for n in range(THREADS)]
    judged_free = []
    _slowed(monkeypatch, "_check_booth_free", judged_free)
    results = _run_together([lambda e=e: services.booth_allot(booth=booths[0], exhibitor=e) for e in exhibitors])
    return results, len(judged_free)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_allotment_gives_the_booth_once(edition, booths, monkeypatch):
    results, judged_free = _booth_race(booths, edition, monkeypatch, lock=True)
    assert sorted(results) == ["booth_taken"] * (THREADS - 1) + ["ok"]
    assert judged_free == 1  # the lock serialized the checks
    assert BoothAllotment.objects.filter(booth=booths[0], released_at__isnull=True).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_the_booth_lock_the_constraint_still_holds(edition, booths, monkeypatch):
    results, judged_free = _booth_race(booths, edition, monkeypatch, lock=False)
    assert judged_free > 1  # several allotments judged the booth free: the test can see the race...
    assert sorted(results) == ["booth_taken"] * (THREADS - 1) + ["ok"]  # ...and the constraint still allots once
    assert BoothAllotment.objects.filter(booth=booths[0]).count() == 1


def _stage_race(edition, rep, monkeypatch, lock):
    monkeypatch.setattr(services, "LOCK_STAGE", lock)
    services.expo_for(edition)  # else the racing get_or_create of the expo row would serialize them
    exhibitors = [approved(edition, n, rep=rep) for n in range(THREADS)]
    judged_free = []
    _slowed(monkeypatch, "_launch_clash", judged_free)
    day = edition.start_date
    jobs = [
        lambda e=e, i=i: services.launch_schedule(exhibitor=e, title_zh=f"发布{i}", start=at(day, 10, i), end=at(day, 10, 30 + i), actor=rep)
        for i, e in enumerate(exhibitors)
    ]
    return _run_together(jobs), len(judged_free)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_launches_in_overlapping_slots_take_the_stage_once(edition, rep, monkeypatch):
    results, judged_free = _stage_race(edition, rep, monkeypatch, lock=True)
    assert sorted(results) == ["ok"] + ["slot_conflict"] * (THREADS - 1)
    assert judged_free == 1
    assert Launch.objects.filter(edition=edition).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_the_stage_lock_the_exclusion_constraint_holds(edition, rep, monkeypatch):
    results, judged_free = _stage_race(edition, rep, monkeypatch, lock=False)
    assert judged_free > 1
    assert sorted(results) == ["ok"] + ["slot_conflict"] * (THREADS - 1)
    assert Launch.objects.filter(edition=edition).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_of_overlapping_meetings_book_the_exhibitor_once(edition, rep, monkeypatch, django_user_model):
    exhibitor = approved(edition, 1, rep=rep)
    day = edition.start_date
    meetings = []
    for n in range(THREADS):
        guest = django_user_model.objects.create_user(f"race-guest-{n}", f"race{n}@example.org", "pw")
        meetings.append(services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day, 10, n), minutes=30))
    monkeypatch.setattr(services, "LOCK_SIDES", False)  # only the exclusion constraint guards now
    results = _run_together([lambda m=m: services.meeting_decide(meeting=m, actor=rep, accept=True) for m in meetings])
    assert sorted(results) == ["exhibitor_busy"] * (THREADS - 1) + ["ok"]
    assert MeetingRequest.objects.filter(exhibitor=exhibitor, status="accepted").count() == 1
