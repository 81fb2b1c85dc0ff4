"""Property tests of the awards rules with arithmetic or time in them, each compared with a small
model written here independently of the service:

- members' recommendation quotas: after any sequence of recommendations, withdrawals and quota
  changes, the active recommendations are exactly the model's, each on its own place within the
  quota, and a recommendation is refused (with the model's code) exactly when the model refuses it;
- the opening and the close: for any instant written in any time zone, a programme accepts iff it
  is at or after the opening and before the close, the three statements of that rule (the
  service's check, the model's `is_open`, the open-programmes selector) agree, and a close given
  as a day ("截止至北京时间2024年6月20日") accepts every instant of that Beijing day and none after.

Bounded (`max_examples`) and derandomized, so CI runs the same examples each time; database
examples each roll their own rows back."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from awards import selectors, services
from awards.models import AwardProgramme, Recommendation
from awards.seeding import parse_instant
from tests.awards.conftest import DURING, make_programme
from tests.factories import EditionFactory, OrganizationFactory
from tests.properties import pure, with_db
from wic.errors import DomainError
from wic.models import Member

BEIJING = ZoneInfo("Asia/Shanghai")
PURE = pure(300)
WITH_DB = with_db(40)
ENTERPRISES = 4

zones = st.sampled_from(["UTC", "Asia/Shanghai", "America/Los_Angeles", "Europe/Berlin", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns"]).map(ZoneInfo)
# Instants around a close at 2099-10-10 17:00 Beijing, to the microsecond: the bounds come up often.
CLOSE = datetime(2099, 10, 10, 17, 0, tzinfo=BEIJING)
near = st.one_of(
    st.integers(-3, 3),  # microseconds either side of a bound
    st.integers(-2 * 86_400_000_000, 2 * 86_400_000_000),  # anywhere within two days
).map(lambda us: timedelta(microseconds=us))

operations = st.lists(
    st.one_of(
        st.tuples(st.just("recommend"), st.integers(0, ENTERPRISES - 1)),
        st.tuples(st.just("withdraw"), st.integers(0, ENTERPRISES - 1)),
        st.tuples(st.just("quota"), st.integers(0, 4)),
    ),
    max_size=14,
)


def _code(call, **kwargs):
    try:
        return call(**kwargs), None
    except DomainError as error:
        return None, error.code


@WITH_DB
@given(first_quota=st.integers(0, 4), ops=operations)
def test_quota_holds_after_any_sequence_of_recommendations_and_withdrawals(db, first_quota, ops):
    with transaction.atomic(), translation.override("en"):
        programme = make_programme(EditionFactory(year=2099))
        services.quotas_set(programme=programme, quotas={"member": first_quota})
        member = Member.objects.create(organization=OrganizationFactory(kind="enterprise"), tier="member")
        enterprises = [OrganizationFactory(kind="enterprise") for _ in range(ENTERPRISES)]
        recommendations = {}
        quota, active = first_quota, set()  # the model
        for step, (op, value) in enumerate(ops):
            now = DURING + timedelta(minutes=step)
            if op == "quota":
                services.quotas_set(programme=programme, quotas={"member": value})
                quota = value
                continue
            if op == "recommend":
                made, code = _code(services.recommendation_create, programme=programme, member=member, enterprise=enterprises[value], now=now)
                expected = "duplicate_recommendation" if value in active else "quota_exceeded" if len(active) >= quota else None
                assert code == expected
                if made is not None:
                    active.add(value)
                    recommendations[value] = made
                    assert 1 <= made.slot <= made.quota == quota
            elif value in recommendations:
                _made, code = _code(services.recommendation_withdraw, recommendation=recommendations[value], now=now)
                assert code == (None if value in active else "already_withdrawn")
                active.discard(value)

            rows = Recommendation.objects.filter(programme=programme, member=member, withdrawn_at__isnull=True)
            slots = sorted(rows.values_list("slot", flat=True))
            assert {e.pk for e in enterprises if e.pk in set(rows.values_list("enterprise_id", flat=True))} == {enterprises[i].pk for i in active}
            assert services.quota_used(programme=programme, member=member) == len(active)
            assert len(set(slots)) == len(slots)  # one active recommendation per place
            if op == "recommend" and code is None:
                assert len(active) <= quota  # nothing is ever accepted beyond the quota
        transaction.set_rollback(True)


def _accepts(programme: AwardProgramme, now: datetime) -> bool:
    try:
        services.check_open(programme, now)
    except DomainError as error:
        assert error.code in ("not_open_yet", "deadline_passed")
        return False
    return True


@PURE
@given(opens_before=st.one_of(st.none(), st.integers(1, 30 * 86_400)), has_close=st.booleans(), offset=near, zone=zones)
def test_a_programme_accepts_exactly_between_its_opening_and_its_close(opens_before, has_close, offset, zone):
    opens_at = None if opens_before is None else CLOSE - timedelta(seconds=opens_before)
    programme = AwardProgramme(name_zh="测试奖", opens_at=opens_at, closes_at=CLOSE if has_close else None)
    for bound in filter(None, (opens_at, CLOSE)):
        now = (bound + offset).astimezone(zone)
        expected = has_close and (opens_at is None or now >= opens_at) and now < CLOSE
        with translation.override("en"):
            assert _accepts(programme, now) is expected
        assert programme.is_open(now) is expected


@WITH_DB
@given(opens_before=st.one_of(st.none(), st.integers(1, 30 * 86_400)), offset=near, zone=zones)
def test_the_open_programmes_selector_agrees_with_the_service(db, opens_before, offset, zone):
    opens_at = None if opens_before is None else CLOSE - timedelta(seconds=opens_before)
    now = (CLOSE + offset).astimezone(zone)
    with transaction.atomic():
        programme = services.programme_upsert(edition=EditionFactory(year=2099), key="p", name_zh="测试奖", opens_at=opens_at, closes_at=CLOSE)
        listed = selectors.programmes_open(now).filter(pk=programme.pk).exists()
        with translation.override("en"):
            assert listed is _accepts(programme, now) is programme.is_open(now)
        transaction.set_rollback(True)


@PURE
@given(day=st.dates(min_value=date(2017, 1, 1), max_value=date(2099, 12, 30)), offset=near, zone=zones)
def test_a_close_given_as_a_day_accepts_every_instant_of_that_beijing_day(day, offset, zone):
    opens_at, _stated = parse_instant((day - timedelta(days=30)).isoformat(), end_of_day=False)
    closes_at, stated = parse_instant(day.isoformat(), end_of_day=True)
    programme = AwardProgramme(name_zh="测试奖", opens_at=opens_at, closes_at=closes_at, closes_time_stated=stated)
    midnight_after = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=BEIJING)
    for now in ((midnight_after + offset).astimezone(zone), (opens_at + offset).astimezone(zone)):
        beijing_day = now.astimezone(BEIJING).date()
        expected = day - timedelta(days=30) <= beijing_day <= day
        with translation.override("en"):
            assert _accepts(programme, now) is expected, (now.astimezone(BEIJING), closes_at)
    assert stated is False
