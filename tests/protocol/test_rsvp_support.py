"""What the invitation-card tests share (issue 23): a future edition with an invitation-only
banquet, approved guests with credentials, and the link an email carries. No tests here."""
import re
from datetime import date, datetime

import pytest
from django.conf import settings

from agenda.models import Hall, Venue
from protocol import invitations
from registration import services as registration_services
from tests.factories import EditionFactory, SessionFactory, make_organizer
from wic.display import BEIJING
from wic.errors import DomainError
from wic.models import OutgoingEmail

YEAR = 2090
DEADLINE = datetime(YEAR, 11, 5, 18, 0, tzinfo=BEIJING)
BANQUET_START = datetime(YEAR, 11, 10, 19, 0, tzinfo=BEIJING)
BANQUET_END = datetime(YEAR, 11, 10, 21, 0, tzinfo=BEIJING)


def refused(call) -> tuple:
    """(code, field, status) of the DomainError `call` raises."""
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code, error.value.field, error.value.status


def future_edition(year: int = YEAR):
    return EditionFactory(year=year, start_date=date(year, 11, 10), end_date=date(year, 11, 12))


def banquet_session(edition, **fields):
    venue = Venue.objects.create(name_zh="测试宴会酒店", name_en="Test Banquet Hotel", kind="hotel")
    hall = Hall.objects.create(venue=venue, name_zh="龙凤厅", name_en="Longfeng Hall", room="")
    values = {
        "title_zh": "欢迎晚宴", "title_en": "Welcome banquet", "kind": "banquet", "access": "by_invitation", "hall": hall,
        "date": BANQUET_START.date(), "start": BANQUET_START, "end": BANQUET_END,
    }
    values.update(fields)
    return SessionFactory(edition=edition, **values)


def approved_guest(edition, email: str, name: str = "Maria Silva", name_zh: str = "", language: str = "zh-hans", status: str = "approved"):
    data = {
        "name": name, "name_zh": name_zh, "email": email, "organization_name": "Ministry of Communications", "title": "Director",
        "country": "BR", "category": "government", "participation": "on_site", "consent": True,
    }
    registration = registration_services.registration_create(edition=edition, data=data, language=language)
    if status != "pending":
        registration = registration_services.registration_decide(registration=registration, status=status, actor=None)
    return registration


def card_email(card, event: str = "protocol.card") -> OutgoingEmail:
    return OutgoingEmail.objects.get(key=f"{event}:{card.pk}:{card.link_nonce}")


def link_path(email: OutgoingEmail) -> str:
    """The path of the private link the email carries."""
    link = re.search(r"(https?://\S+/rsvp/\S+/)", email.body_text).group(1)
    return link.removeprefix(settings.SITE_URL)


def token_of(email: OutgoingEmail) -> str:
    return link_path(email).rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def edition(db):
    return future_edition()


@pytest.fixture
def banquet(edition):
    return banquet_session(edition)


@pytest.fixture
def item(banquet):
    return invitations.item_for_session(banquet, rsvp_deadline=DEADLINE, transferable=True)


@pytest.fixture
def organizer(db):
    return make_organizer()


@pytest.fixture
def maria(edition):
    return approved_guest(edition, "maria@example.org")


@pytest.fixture
def li(edition):
    return approved_guest(edition, "li@example.org", name="Li Wei", name_zh="李伟", language="zh-hans")


@pytest.fixture
def john(edition):
    return approved_guest(edition, "john@example.org", name="John Smith", language="en")
