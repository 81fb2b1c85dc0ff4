"""Property tests of the registration rules with time in them, compared with small models written
here independently of the services:

- an edition takes registrations until the end of its last day in Beijing (the midnight after
  it), for any instant written in any time zone, and `registration_closed` after;
- a gate scan's time (uploaded by an offline phone) is refused before 2014, the year of the first
  summit, and otherwise answered as the same instant in Beijing time.

Bounded (`max_examples`) and derandomized, so CI runs the same examples each time; each example
rolls its own rows back."""
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from registration import services
from registration.models import Registration
from tests.factories import EditionFactory
from tests.properties import with_db
from wic.errors import DomainError

BEIJING = ZoneInfo("Asia/Shanghai")
WITH_DB = with_db(60)
zones = st.sampled_from(["UTC", "Asia/Shanghai", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"]).map(ZoneInfo)


@WITH_DB
@given(
    last_day=st.dates(min_value=date(2030, 1, 1), max_value=date(2098, 12, 31)),
    offset=st.one_of(st.integers(-3, 3), st.integers(-3 * 86_400_000_000, 2 * 86_400_000_000)),
    zone=zones,
)
def test_registration_closes_at_the_end_of_the_last_day_in_beijing(db, last_day, offset, zone):
    end_of_last_day = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=BEIJING)
    now = (end_of_last_day + timedelta(microseconds=offset)).astimezone(zone)
    with transaction.atomic(), translation.override("en"):
        edition = EditionFactory(year=2099, start_date=last_day - timedelta(days=2), end_date=last_day)
        data = {"name": "Maria Silva", "email": "maria@example.org", "organization_name": "Example", "country": "BR",
                "category": "government", "participation": "on_site", "consent": True}
        with mock.patch("django.utils.timezone.now", return_value=now):
            try:
                services.registration_create(edition=edition, data=data)
                code = None
            except DomainError as error:
                code = error.code
        assert code == (None if now < end_of_last_day else "registration_closed")
        assert Registration.objects.filter(edition=edition).count() == (1 if code is None else 0)
        transaction.set_rollback(True)


@WITH_DB
@given(
    scanned_at=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31), timezones=zones, allow_imaginary=False),
    list_key=st.sampled_from(["gate", "item"]),
)
def test_a_scan_time_is_refused_before_2014_and_echoed_as_the_same_beijing_instant_after(db, scanned_at, list_key):
    """A device clock never set (1970, 2000) is refused rather than kept as the earliest admission;
    any later time is answered with that instant, in ISO 8601 at +08:00."""
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from rest_framework.test import APIClient

    from registration.checkin import RESULTS
    from registration.models import CheckinList, Invitation
    from tests.factories import SessionFactory
    from wic import roles

    cache.clear()
    with transaction.atomic():
        edition = EditionFactory(year=2099)
        registration = services.registration_create(
            edition=edition, data={"name": "Maria Silva", "email": "maria@example.org", "organization_name": "Example", "country": "BR",
                                   "category": "government", "participation": "on_site", "consent": True},
        )
        services.registration_decide(registration=registration, status="approved", actor=None)
        banquet = SessionFactory(edition=edition, kind="banquet", access="by_invitation", board=None)
        Invitation.objects.create(registration=registration, session=banquet)
        lists = {
            "gate": CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=edition.start_date),
            "item": CheckinList.objects.create(edition=edition, name_zh="欢迎晚宴", kind="item", session=banquet),
        }
        staff = get_user_model().objects.create_user("gate-prop", password=None)
        staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
        client = APIClient()
        client.force_authenticate(staff)

        response = client.post(
            "/api/v1/checkins/",
            {"list": lists[list_key].pk, "secret": registration.credentials.get().secret, "nonce": f"prop-{scanned_at.isoformat()}", "scanned_at": scanned_at.isoformat()},
            format="json", HTTP_ACCEPT_LANGUAGE="en",
        )

        body = response.json()
        if scanned_at < datetime(2014, 1, 1, tzinfo=ZoneInfo("UTC")):
            assert (response.status_code, body["code"], body["errors"]["scanned_at"][0]["code"]) == (400, "invalid", "invalid")
        else:
            assert response.status_code == 200 and body["result"] in RESULTS
            echoed = datetime.fromisoformat(body["scanned_at"])
            assert (echoed.astimezone(BEIJING), body["scanned_at"][-6:]) == (scanned_at.astimezone(BEIJING), "+08:00")
        transaction.set_rollback(True)
