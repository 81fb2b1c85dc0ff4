"""Property tests of a call for sub-forums' dates, compared with a small model written here
independently of the service: for any instant, written in any time zone, a draft is saved and a
draft is submitted iff the instant is at or after the call's opening and before its close
(`call_not_open`, `call_closed` otherwise), and `ForumCall.is_open` says the same.

Bounded (`max_examples`) and derandomized, so CI runs the same examples each time; each example
rolls its own rows back."""
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from forums import services
from forums.models import ForumCall
from tests.factories import EditionFactory, OrganizationFactory, make_organizer
from tests.forums.conftest import complete_fields
from tests.properties import with_db
from wic.errors import DomainError

BEIJING = ZoneInfo("Asia/Shanghai")
WITH_DB = with_db(40)
OPENS = datetime(2099, 9, 1, 9, 0, tzinfo=BEIJING)
CLOSES = datetime(2099, 10, 10, 17, 0, tzinfo=BEIJING)
zones = st.sampled_from(["UTC", "Asia/Shanghai", "America/Los_Angeles", "Europe/Paris", "Asia/Kathmandu", "Pacific/Kiritimati"]).map(ZoneInfo)
# Instants near the opening or the close: a few microseconds either side, or up to two days.
instants = st.tuples(
    st.sampled_from([OPENS, CLOSES]),
    st.one_of(st.integers(-3, 3), st.integers(-2 * 86_400_000_000, 2 * 86_400_000_000)),
    zones,
).map(lambda t: (t[0] + timedelta(microseconds=t[1])).astimezone(t[2]))


def _code(service, **kwargs):
    try:
        return service(**kwargs), None
    except DomainError as error:
        return None, error.code


@WITH_DB
@given(saved_at=instants, submitted_at=instants)
def test_drafts_are_saved_and_submitted_only_while_the_call_is_open(db, saved_at, submitted_at):
    def model(now):
        return "call_not_open" if now < OPENS else "call_closed" if now >= CLOSES else None

    with transaction.atomic(), translation.override("en"):
        edition = EditionFactory(year=2099)
        call = ForumCall.objects.create(edition=edition, title_zh="测试申报", opens_at=OPENS, closes_at=CLOSES)
        applicant = make_organizer("forum-applicant", password=None)
        fields = complete_fields(edition, preferred_date=edition.start_date)
        hosts = [{"role": "host", "organization": OrganizationFactory()}]

        with mock.patch("django.utils.timezone.now", return_value=saved_at):
            draft, code = _code(services.application_save_draft, call=call, applicant=applicant, fields=fields, organizations=hosts)
        assert code == model(saved_at)
        assert call.is_open(saved_at) is (code is None)

        if draft is not None:
            with mock.patch("django.utils.timezone.now", return_value=submitted_at):
                submitted, code = _code(services.application_submit, application=draft, actor=applicant)
            assert code == model(submitted_at)
            draft.refresh_from_db()
            assert draft.state == ("submitted" if code is None else "draft")
            assert call.is_open(submitted_at) is (code is None)
        transaction.set_rollback(True)
