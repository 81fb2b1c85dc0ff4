"""The race for the last bed, on PostgreSQL: 20 organizers give 20 different guests the last free
bed of a block at the same moment (real threads, one connection each, released together by a
barrier). Exactly one stay is made; the 19 others are refused `room_full`, by the check made under
the block's lock.

The negative controls show what holds it and that the test can fail: with the block's row lock
removed (travel.hotels.LOCK_BLOCK off), every organizer finds the bed free, and RoomNight's unique
constraint alone still makes one stay (the losers' IntegrityError becomes `room_full`); with the
constraint dropped as well, several organizers are told they succeeded and the bed is overbooked."""
import time
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count

from registration.models import Registration
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import EditionFactory
from travel import hotels
from travel.models import Hotel, RoomBlock, RoomNight, RoomStay

from .support import YEAR, guest

RACERS = 20
NIGHTS = (date(YEAR, 11, 10), date(YEAR, 11, 11))


def _setup() -> tuple[RoomBlock, list[Registration]]:
    """A block of two single rooms whose room 1 is taken: room 2 is the last bed. 20 approved guests."""
    edition = EditionFactory(year=YEAR, start_date=date(YEAR, 11, 10), end_date=date(YEAR, 11, 12))
    hotel = Hotel.objects.create(edition=edition, name_zh="乌镇互联网国际会展中心酒店", name_en="Wuzhen Conference Center Hotel")
    block = RoomBlock.objects.create(hotel=hotel, room_type_zh="大床房", rooms=2, guests_per_room=1, first_night=NIGHTS[0], last_night=NIGHTS[1])
    hotels.stay_allocate(block, guest(edition, "first@example.org", name="First Guest"), first_night=NIGHTS[0], last_night=NIGHTS[1])
    return block, [guest(edition, f"racer{n}@example.org", name=f"Racer {n}") for n in range(RACERS)]


def _race(monkeypatch, block, racers) -> tuple[list[str], int, int]:
    """Every racer's organizer allocates the block at once. Returns the answers ("ok" or the
    refusal's code), how many found a free bed when they looked, and how many the constraint refused."""
    checked, by_constraint = [], []

    def widen_the_window():
        checked.append(1)
        time.sleep(0.05)  # without the lock, every organizer has read "free" before any writes

    monkeypatch.setattr(hotels, "_beds_checked", widen_the_window)
    monkeypatch.setattr(hotels, "_refused_by_constraint", lambda: by_constraint.append(1))

    def organizer(registration):
        return lambda: hotels.stay_allocate(RoomBlock(pk=block.pk), Registration.objects.get(pk=registration.pk), first_night=NIGHTS[0], last_night=NIGHTS[1])

    answers = at_once([organizer(registration) for registration in racers])
    return answers, len(checked), len(by_constraint)


def _guests_per_bed_night(block) -> int:
    """The most guests any room of the block holds on any night."""
    return max(RoomNight.objects.filter(block=block).values("room_number", "night").annotate(n=Count("pk")).values_list("n", flat=True))


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_organizers_allocating_the_last_bed_make_one_stay(monkeypatch):
    block, racers = _setup()
    answers, checked, by_constraint = _race(monkeypatch, block, racers)
    assert sorted(answers) == ["ok"] + ["room_full"] * (RACERS - 1)
    assert (checked, by_constraint) == (1, 0)  # under the lock, only the winner ever found the bed free
    assert list(RoomStay.objects.filter(block=block).order_by("room_number").values_list("room_number", flat=True)) == [1, 2]
    assert RoomNight.objects.filter(block=block, room_number=2).count() == 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_controls_without_the_lock_and_without_the_constraint(monkeypatch):
    block, racers = _setup()
    # Without the block's lock every organizer finds the bed free; the constraint alone refuses
    # all but one of them, and they are told `room_full` all the same.
    monkeypatch.setattr(hotels, "LOCK_BLOCK", False)
    answers, checked, by_constraint = _race(monkeypatch, block, racers[:10])
    assert sorted(answers) == ["ok"] + ["room_full"] * 9
    assert checked > 1 and by_constraint == checked - 1  # the check let several through: the constraint decided
    assert RoomStay.objects.filter(block=block).count() == 2 and _guests_per_bed_night(block) == 1

    # Without the constraint as well, the test above would fail: several organizers are told they
    # succeeded, and room 2 holds several guests a night in a block of single rooms.
    hotels.stay_cancel(RoomStay.objects.get(block=block, room_number=2))  # the last bed is free again
    constraint = next(c for c in RoomNight._meta.constraints if c.name == "travel_one_guest_per_bed_night")
    with connection.schema_editor() as editor:
        editor.remove_constraint(RoomNight, constraint)
    try:
        answers, _checked, _by_constraint = _race(monkeypatch, block, racers[10:])
        assert answers.count("ok") > 1
        assert _guests_per_bed_night(block) > 1
    finally:
        RoomStay.objects.filter(block=block).delete()  # the overbooked rows, before the constraint returns
        with connection.schema_editor() as editor:
            editor.add_constraint(RoomNight, constraint)
