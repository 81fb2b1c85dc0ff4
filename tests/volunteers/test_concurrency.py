"""Two standby volunteers accept the same freed place at the same instant: one place, one winner.
On PostgreSQL (SQLite serializes writers anyway), with a negative control showing the race."""
import threading
import time
from datetime import timedelta

import pytest

from tests.conftest import requires_postgres
from tests.volunteers.helpers import DAY1, make_post, make_programme, make_shift, make_volunteer
from volunteers import services
from volunteers.models import Assignment, Shift, StandbyOffer
from wic.errors import DomainError


def _setup():
    programme = make_programme()
    shift = make_shift(make_post(programme, "注册台"), start=DAY1, needed=1)
    absent = make_volunteer(programme)
    services.shift_assign(shift=shift, volunteer=absent)
    for i in range(2):
        make_volunteer(programme, status="standby", email=f"standby{i}@example.org")
    services.no_shows_mark(now=DAY1 + timedelta(minutes=15))
    offers = list(StandbyOffer.objects.filter(shift=shift).order_by("id"))
    assert len(offers) == 2
    return shift, offers


def _race(offers, monkeypatch, lock: bool):
    monkeypatch.setattr(services, "LOCK_SHIFT", lock)
    judged_free = []
    real = services.roster_refusal

    def slow_refusal(**kwargs):
        refusal = real(**kwargs)
        time.sleep(0.2)  # widen the window between reading the count and writing
        if refusal is None:
            judged_free.append(1)
        return refusal

    monkeypatch.setattr(services, "roster_refusal", slow_refusal)
    barrier = threading.Barrier(len(offers))
    results = []

    def accept(offer):
        from django.db import connection

        try:
            barrier.wait()
            try:
                results.append(services.standby_offer_accept(offer=offer, now=DAY1 + timedelta(minutes=20)).source)
            except DomainError as error:
                results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(offer,)) for offer in offers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(results), len(judged_free)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_standby_accepting_at_once_fill_one_place(monkeypatch):
    shift, offers = _setup()
    results, judged_free = _race(offers, monkeypatch, lock=True)
    assert results == ["place_taken", "standby"]
    assert judged_free == 1  # the shift lock serialized the decisions
    assert Shift.objects.get(pk=shift.pk).filled == 1
    assert Assignment.objects.filter(shift=shift, status="assigned").count() == 1
    assert sorted(StandbyOffer.objects.values_list("status", flat=True)) == ["accepted", "taken"]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_the_lock_the_race_is_real(monkeypatch):
    shift, offers = _setup()
    results, judged_free = _race(offers, monkeypatch, lock=False)
    assert judged_free == 2  # both read a free place: the test can see the race...
    assert results == ["place_taken", "standby"]  # ...and the filled <= needed constraint still fills it once
    assert Shift.objects.get(pk=shift.pk).filled == 1
