from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from expo import services
from expo.models import Booth, Zone
from tests.factories import EditionFactory, make_organizer

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the Chinese catalogue is checked on pages."""
    with translation.override("en"):
        yield



def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def application(n: int = 1, **overrides) -> dict:
    data = {
        "organization_name_zh": f"测试参展商{n}",
        "organization_name_en": f"Test Exhibitor {n}",
        "country": "CN",
        "fields": ["ai", "cloud"],
        "products_zh": "智能翻译机",
        "products_en": "A translator",
        "booth_size": 9,
        "contact_name": "联系人",
        "contact_email": f"contact{n}@example.org",
    }
    data.update(overrides)
    return data


@pytest.fixture
def edition(db):
    return EditionFactory()


@pytest.fixture
def zone(edition):
    return Zone.objects.create(edition=edition, key="theme", name_zh="主题展区", name_en="Theme zone", kind="theme")


@pytest.fixture
def booths(edition, zone):
    return [Booth.objects.create(edition=edition, zone=zone, code=f"A-{i:02d}", area=Decimal("9"), sort_order=i) for i in range(1, 4)]


@pytest.fixture
def organizer(django_user_model):
    return make_organizer("expo-organizer", password="pw", email="org@example.org")


@pytest.fixture
def rep(django_user_model):
    return django_user_model.objects.create_user("expo-rep", "rep@example.org", "pw")


@pytest.fixture
def guest(django_user_model):
    return django_user_model.objects.create_user("expo-guest", "guest@example.org", "pw")


def approved(edition, n=1, rep=None, **overrides):
    exhibitor = services.exhibitor_create(edition=edition, data=application(n, **overrides))
    if rep is not None:
        exhibitor.representatives.add(rep)
    return exhibitor


@pytest.fixture
def exhibitor(edition, rep):
    return approved(edition, 1, rep=rep)
