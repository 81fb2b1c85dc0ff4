from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from forums.models import ForumCall, ReviewCriterion, Reviewer
from tests.factories import make_organizer
from wic.models import Edition, Organization


@pytest.fixture
def edition(db):
    return Edition.objects.get(year=2024)


@pytest.fixture
def call(edition):
    now = timezone.now()
    call = ForumCall.objects.create(
        edition=edition, title_zh="2024年分论坛申报", title_en="2024 call for sub-forums", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)
    )
    call.boards.set(edition.boards.all())
    ReviewCriterion.objects.create(call=call, name_zh="主题契合度", name_en="Relevance to the theme", sort_order=0)
    ReviewCriterion.objects.create(call=call, name_zh="主协办单位与嘉宾", name_en="Hosts and speakers", sort_order=1)
    return call


@pytest.fixture
def applicant(db):
    return get_user_model().objects.create_user("applicant-x", email="applicant@example.org", password="a-long-test-password-1")


@pytest.fixture
def other_user(db):
    return get_user_model().objects.create_user("other-x", email="other@example.org", password="a-long-test-password-1")


@pytest.fixture
def organizer(db):
    return make_organizer("organizer-x")


@pytest.fixture
def host_org(db):
    return Organization.objects.get(name_zh="清华大学")


@pytest.fixture
def reviewer(edition):
    user = get_user_model().objects.create_user("reviewer-x", password="a-long-test-password-1")
    Reviewer.objects.create(edition=edition, user=user, organization=Organization.objects.get(name_zh="中国科学院"))
    return user


def complete_fields(edition, **overrides):
    fields = {
        "title_zh": "数字丝路合作论坛",
        "title_en": "Digital Silk Road cooperation forum",
        "theme_zh": "共建数字丝路",
        "format": "round_table",
        "preferred_date": date(2024, 11, 21),
        "preferred_half_day": "morning",
        "expected_attendance": 150,
        "planned_speakers": "张三，某大学",
        "planned_outcomes": "发布合作倡议",
        "contact_name": "李四",
        "contact_email": "contact@example.org",
        "rationale": "促进合作",
    }
    fields.update(overrides)
    return fields
