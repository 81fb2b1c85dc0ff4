"""What the travel tests share (issue 24): a future edition with dates, approved and pending
guests, a valid letter request. No tests here; modules take the fixtures with
`from tests.travel.support import *` or by name."""
from datetime import date

import pytest

from registration import services as registration_services
from tests.factories import EditionFactory, make_organizer
from travel import letters
from wic.errors import DomainError

YEAR = 2090
START, END = date(YEAR, 11, 10), date(YEAR, 11, 12)


def refused(call) -> tuple:
    """(code, field, status) of the DomainError `call` raises."""
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code, error.value.field, error.value.status


def guest(edition, email: str, name: str = "Maria Silva", status: str = "approved", language: str = "en"):
    data = {
        "name": name, "name_zh": "", "email": email, "organization_name": "Ministry of Communications", "title": "Director",
        "country": "BR", "category": "government", "participation": "on_site", "consent": True,
    }
    registration = registration_services.registration_create(edition=edition, data=data, language=language)
    if status != "pending":
        registration = registration_services.registration_decide(registration=registration, status=status, actor=None)
    return registration


def request_data(**overrides) -> dict:
    """A request that passes every check for the edition of `edition` below."""
    data = {
        "passport_name": "SILVA MARIA", "nationality": "BR", "passport_number": "FA123456", "date_of_birth": "1980-04-02",
        "passport_expires_on": "2095-01-31", "apply_at": "Consulate-General of China in São Paulo",
        "stay_from": f"{YEAR}-11-09", "stay_until": f"{YEAR}-11-13",
    }
    data.update(overrides)
    return data


@pytest.fixture
def edition(db):
    return EditionFactory(year=YEAR, start_date=START, end_date=END)


@pytest.fixture
def maria(edition):
    return guest(edition, "maria@example.org")


@pytest.fixture
def organizer(db):
    return make_organizer()


@pytest.fixture
def letter(maria):
    return letters.letter_request(maria, data=request_data())


@pytest.fixture
def approved(letter, organizer):
    return letters.letter_decide(letter, approve=True, actor=organizer)
