"""Property tests of the volunteer rules with arithmetic or time in them, each compared with a
small model written here independently of the service:

- overlap: two shifts overlap iff a.start < b.end and b.start < a.end (touching shifts do not),
  for shifts that cross midnight, given in any time zone;
- the check-in window and arrival, the check-out window and departure, in minutes around the start
  and the end, with the programme's own settings;
- no-shows: marked iff not checked in, `no_show_after_minutes` or more after the start and while
  the shift is still running;
- worked hours: the time from check-in to check-out, summed, to the hundredth of an hour.

Bounded (`max_examples`) and derandomized, so CI runs the same examples each time; database
examples each roll their own rows back."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from tests.properties import pure, with_db
from tests.volunteers.helpers import make_post, make_programme, make_shift, make_volunteer
from volunteers import selectors, services
from volunteers.models import Assignment, Shift, Volunteer
from volunteers.roster import _V
from wic.errors import DomainError

BEIJING = ZoneInfo("Asia/Shanghai")
# 20:00 the evening before: the generated shifts often cross midnight.
BASE = datetime(2099, 11, 9, 20, 0, tzinfo=BEIJING)
PURE = pure(200)
WITH_DB = with_db(40)

# Any zone the instant may be written in: the rules compare instants, never wall clocks.
zones = st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"]).map(ZoneInfo)


def at_minute(minute: int, zone=BEIJING) -> datetime:
    return (BASE + timedelta(minutes=minute)).astimezone(zone)


# On a quarter-hour grid over 12 hours, so touching and nested intervals come up often.
intervals = st.tuples(st.integers(0, 48), st.integers(1, 24)).map(lambda t: (t[0] * 15, (t[0] + t[1]) * 15))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@st.composite
def roster_cases(draw):
    modules = draw(st.sets(st.integers(1, 4), max_size=3))
    attended = draw(st.sets(st.integers(1, 4), max_size=4))
    languages = draw(st.lists(st.sampled_from(["en", "ar", "ko"]), max_size=2, unique=True))
    spoken = draw(st.sets(st.sampled_from(["en", "ar", "ko", "fr"]), max_size=3))
    busy = draw(st.lists(intervals, max_size=4))
    shift = draw(intervals)
    needed = draw(st.integers(1, 3))
    filled = draw(st.integers(0, needed))
    return modules, attended, languages, spoken, busy, shift, needed, filled


@PURE
@given(case=roster_cases(), zone=zones)
def test_roster_refusal_matches_the_model(case, zone):
    modules, attended, languages, spoken, busy, shift, needed, filled = case
    refusal = services.roster_refusal(
        shift_name="测试岗位", needed=needed, filled=filled, required_modules={pk: f"模块{pk}" for pk in modules}, attended=attended,
        required_languages=languages, spoken=spoken, busy=[(at_minute(s, zone), at_minute(e, zone), f"其他{s}") for s, e in busy],
        starts_at=at_minute(shift[0]), ends_at=at_minute(shift[1]),
    )
    if not modules <= attended:
        expected = "training_incomplete"
    elif not set(languages) <= spoken:
        expected = "language_required"
    elif any(overlaps(shift, other) for other in busy):
        expected = "shift_overlap"
    elif filled >= needed:
        expected = "shift_full"
    else:
        expected = None
    assert (refusal.code if refusal else None) == expected


@PURE
@given(busy=st.lists(intervals, max_size=5), shift=intervals, zone=zones)
def test_auto_roster_free_check_matches_the_model(busy, shift, zone):
    volunteer = _V(pk=1, attended=frozenset(), spoken=frozenset(), days=None, kinds=frozenset(), team_post=None,
                   busy=[(at_minute(s, zone), at_minute(e, zone), 0) for s, e in busy])
    assert volunteer.free(at_minute(shift[0]), at_minute(shift[1])) is not any(overlaps(shift, other) for other in busy)


def _assignment(programme, start: datetime, minutes: int, needed: int = 2) -> Assignment:
    shift = make_shift(make_post(programme), start=start, hours=minutes / 60, needed=needed)
    return services.shift_assign(shift=shift, volunteer=make_volunteer(programme))


def _code(call, **kwargs) -> str | None:
    try:
        call(**kwargs)
    except DomainError as error:
        return error.code
    return None


@WITH_DB
@given(
    opens=st.integers(0, 120), closes=st.integers(0, 60), margin=st.integers(0, 15), checkout_closes=st.integers(0, 180),
    arrive=st.integers(-150 * 60, 90 * 60), leave=st.integers(-60 * 60, 240 * 60), micro=st.sampled_from([0, 1, 999_999]),
    minutes=st.integers(15, 600), zone=zones,
)
def test_check_in_and_out_windows_match_the_model(db, opens, closes, margin, checkout_closes, arrive, leave, micro, minutes, zone):
    """Seconds around the start and the end (with a microsecond either side of the bounds); shifts
    up to ten hours, so the end often falls after midnight."""
    start = BASE + timedelta(hours=3)  # 23:00
    end = start + timedelta(minutes=minutes)
    at_in = (start + timedelta(seconds=arrive, microseconds=micro)).astimezone(zone)
    at_out = (end + timedelta(seconds=leave, microseconds=micro)).astimezone(zone)
    with transaction.atomic():
        programme = make_programme(checkin_opens_minutes=opens, checkin_closes_minutes=closes, on_time_margin_minutes=margin, checkout_closes_minutes=checkout_closes)
        assignment = _assignment(programme, start, minutes)

        code = _code(services.assignment_check_in, assignment=assignment, at=at_in)

        if at_in < start - timedelta(minutes=opens):
            assert code == "checkin_not_open"
        elif at_in > start + timedelta(minutes=closes):
            assert code == "checkin_closed"
        else:
            assert code is None
            assignment.refresh_from_db()
            m = timedelta(minutes=margin)
            expected = "early" if at_in < start - m else "late" if at_in > start + m else "on_time"
            assert (assignment.checked_in_at, assignment.arrival) == (at_in, expected)

            code = _code(services.assignment_check_out, assignment=assignment, at=at_out)

            if at_out > end + timedelta(minutes=checkout_closes):
                assert code == "checkout_closed"
            else:
                assert code is None
                assignment.refresh_from_db()
                left = max(at_out, at_in)  # leaving "before" arriving counts as leaving on arrival
                expected = "early" if left < end - m else "late" if left > end + m else "on_time"
                assert (assignment.checked_out_at, assignment.departure) == (left, expected)
                assert assignment.worked_hours == (left - at_in).total_seconds() / 3600 >= 0
        transaction.set_rollback(True)


@WITH_DB
@given(minutes=st.integers(1, 300), after=st.integers(0, 60), offset=st.integers(-30 * 60, 330 * 60), zone=zones)
def test_no_shows_are_marked_exactly_when_the_model_says(db, minutes, after, offset, zone):
    start = BASE + timedelta(hours=3, minutes=30)  # 23:30: a long shift runs past midnight
    now = (start + timedelta(seconds=offset)).astimezone(zone)
    with transaction.atomic():
        programme = make_programme(no_show_after_minutes=after)
        shift = make_shift(make_post(programme), start=start, hours=minutes / 60, needed=2)
        absent = services.shift_assign(shift=shift, volunteer=make_volunteer(programme))
        present = services.shift_assign(shift=shift, volunteer=make_volunteer(programme))
        services.assignment_check_in(assignment=present, at=start)

        result = services.no_shows_mark(now=now)

        due = start + timedelta(minutes=after) <= now < start + timedelta(minutes=minutes)
        assert result == {"no_shows": 1 if due else 0, "offers": 0}
        statuses = dict(Assignment.objects.filter(shift=shift).values_list("pk", "status"))
        assert statuses == {absent.pk: "no_show" if due else "assigned", present.pk: "assigned"}
        assert Shift.objects.get(pk=shift.pk).filled == (1 if due else 2)
        transaction.set_rollback(True)


@WITH_DB
@given(worked=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 14 * 3600)), min_size=0, max_size=5), zone=zones)
def test_worked_hours_are_the_checked_in_time_to_the_hundredth(db, worked, zone):
    with transaction.atomic():
        programme = make_programme()
        volunteer = make_volunteer(programme)
        for day, seconds in worked:
            checked_in = (BASE + timedelta(days=day, hours=3)).astimezone(zone)  # 23:00, often worked past midnight
            shift = Shift.objects.create(post=make_post(programme), starts_at=checked_in, ends_at=checked_in + timedelta(hours=15), needed=1)
            Assignment.objects.create(shift=shift, volunteer=volunteer, checked_in_at=checked_in, checked_out_at=checked_in + timedelta(seconds=seconds))

        [row] = selectors.worked_hours(Volunteer.objects.filter(pk=volunteer.pk))

        exact = sum(seconds for _day, seconds in worked) / 3600
        assert abs(row.hours - exact) <= 0.005 + 1e-9
        assert row.shifts_worked == len(worked)
        transaction.set_rollback(True)


@pytest.mark.parametrize("minutes", [15, 16])
def test_a_volunteer_checked_in_is_never_marked(db, minutes):
    """The model's edge, stated plainly: at and after the no-show time, only the absent are marked."""
    start = BASE + timedelta(hours=3)
    programme = make_programme()
    shift = make_shift(make_post(programme), start=start, hours=3, needed=2)
    late = services.shift_assign(shift=shift, volunteer=make_volunteer(programme))
    services.assignment_check_in(assignment=late, at=start + timedelta(minutes=15))
    assert services.no_shows_mark(now=start + timedelta(minutes=minutes)) == {"no_shows": 0, "offers": 0}
    assert Assignment.objects.get(pk=late.pk).status == "assigned"
