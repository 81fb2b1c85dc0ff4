"""Property tests of hall double-booking (`agenda.services.session_place`), compared with a small
model written here independently of the service: two slots in one hall conflict iff
a.start < b.end and b.start < a.end, so touching slots (one ends at 12:00, the next starts at
12:00) do not. The hall already holds sessions that may cross midnight (a late banquet, put there
by hand); slots are placed, and moved, one after another, on a grid of hours so touching and
nested slots come up often.

Bounded (`max_examples`) and derandomized, so CI runs the same examples each time; each example
rolls its own rows back."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from agenda import services
from agenda.models import Session
from tests.factories import EditionFactory, HallFactory, SessionFactory
from tests.properties import with_db
from wic.errors import DomainError

BEIJING = ZoneInfo("Asia/Shanghai")
WITH_DB = with_db(60)

# Already in the hall: (hours from 18:00 on the day before the edition, length in hours), so some
# cross midnight into the edition's first day or run from one of its days into the next.
held = st.lists(st.tuples(st.integers(0, 96), st.integers(1, 8)), max_size=4)
# A placement: (a session placed before to move, or a new one), a day from the day before the
# edition to the day after it, a start hour and a length in hours (none or less: ends before it
# starts). On a grid of hours, so touching and nested slots come up often.
# Or (the last item) right after or right before a slot already in the hall, touching it.
placements = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 5)), st.sampled_from([0, 0, 1, 1, 2, -1, 3]), st.integers(6, 22),
        st.sampled_from([1, 1, 2, 2, 3, 4, 0, -1]), st.one_of(st.none(), st.integers(0, 11)),
    ),
    min_size=1, max_size=8,
)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@WITH_DB
@given(held=held, placements=placements)
def test_a_hall_is_never_double_booked(db, held, placements):
    with transaction.atomic(), translation.override("en"):
        edition = EditionFactory()
        hall, other_hall = HallFactory(), HallFactory()
        evening_before = datetime.combine(edition.start_date - timedelta(days=1), time(18), tzinfo=BEIJING)
        booked: dict[int, tuple[datetime, datetime]] = {}  # the model: session id -> its slot in the hall
        for index, (start, length) in enumerate(held):
            slot = (evening_before + timedelta(hours=start), evening_before + timedelta(hours=start + length))
            session = SessionFactory(edition=edition, hall=hall, board=None, date=slot[0].date(), start=slot[0], end=slot[1], key=f"held-{index}")
            booked[session.pk] = slot
            # The same slot in another hall never conflicts.
            SessionFactory(edition=edition, hall=other_hall, board=None, date=slot[0].date(), start=slot[0], end=slot[1], key=f"elsewhere-{index}")
        SessionFactory(edition=edition, hall=hall, board=None, start=None, end=None, period="morning", key="untimed")  # holds no slot
        placed: list[Session] = []

        for step, (move, day_offset, start_hour, length, touch) in enumerate(placements):
            session = placed[move % len(placed)] if move is not None and placed else SessionFactory(
                edition=edition, hall=None, board=None, start=None, end=None, key=f"new-{step}"
            )
            day = edition.start_date + timedelta(days=day_offset)
            if touch is not None and booked:
                other = sorted(booked.values())[touch % len(booked)]
                start = other[1] if touch % 2 else other[0] - timedelta(hours=max(length, 1))
                day, start_hour = start.astimezone(BEIJING).date(), start.astimezone(BEIJING).hour
            start_time, end_time = time(start_hour), time((start_hour + length) % 24)
            slot = (datetime.combine(day, start_time, tzinfo=BEIJING), datetime.combine(day, start_time, tzinfo=BEIJING) + timedelta(hours=length))
            try:
                services.session_place(session=session, hall=hall, date=day, start_time=start_time, end_time=end_time)
                code = None
            except DomainError as error:
                code = error.code

            others = {pk: other for pk, other in booked.items() if pk != session.pk}
            if not edition.start_date <= day <= edition.end_date:
                expected = "slot_outside_edition"
            elif length <= 0 or start_hour + length >= 24:
                expected = "session_ends_before_start"  # a slot is given as times of one day: it ends by 23:59
            elif any(overlaps(slot, other) for other in others.values()):
                expected = "slot_conflict"
            else:
                expected = None
            assert code == expected, (slot, sorted(others.values()))
            if code is None:
                booked[session.pk] = slot
                if session not in placed:
                    placed.append(session)

            in_hall = {s.pk: (s.start, s.end) for s in Session.objects.filter(hall=hall, start__isnull=False)}
            assert in_hall == booked
        transaction.set_rollback(True)
