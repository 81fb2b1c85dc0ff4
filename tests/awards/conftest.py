from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from awards import services
from tests.factories import EditionFactory, OrganizationFactory
from wic import roles
from wic.models import Member

BEIJING = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2099, 9, 11, 9, 0, tzinfo=BEIJING)
CLOSES = datetime(2099, 10, 10, 17, 0, tzinfo=BEIJING)
DURING = datetime(2099, 9, 20, 10, 0, tzinfo=BEIJING)
QUOTAS = {"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1}


def make_programme(edition, *, opens=OPENS, closes=CLOSES, key="outstanding-contribution"):
    programme = services.programme_upsert(
        edition=edition,
        key=key,
        name_zh="测试杰出贡献奖",
        name_en="Test Outstanding Contribution Award",
        has_enterprise_direction=True,
        has_individual_direction=True,
        opens_at=opens,
        closes_at=closes,
        max_categories=2,
        requires_endorsement=True,
        min_further_conditions=1,
        non_members_need_recommendation=True,
    )
    for index, (k, zh, en) in enumerate((("social", "社会贡献类", "Social contribution"), ("innovation", "创新突破类", "Innovation breakthrough"), ("growth", "成长潜力类", "Growth potential"))):
        services.category_upsert(programme=programme, key=k, name_zh=zh, name_en=en, direction="enterprise", basic_condition_zh=f"{zh}基本条件（测试）", sort_order=index)
    for index, text in enumerate(("测试其他条件一", "测试其他条件二", "测试其他条件三")):
        services.further_condition_upsert(programme=programme, text_zh=text, sort_order=index)
    services.quotas_set(programme=programme, quotas=QUOTAS)
    return programme


def make_member(tier, django_user_model, name=None, username=None):
    username = username or f"rep-{tier}-{Member.objects.count()}"
    user = django_user_model.objects.create_user(username, password="a-long-test-password-1")
    user.groups.add(Group.objects.get_or_create(name=roles.MEMBER_REPRESENTATIVE)[0])
    if tier == "individual":
        member = Member.objects.create(tier=tier, person_name=name or "测试个人会员")
    else:
        org = OrganizationFactory(name_zh=name or f"测试会员单位{username}", name_en=f"Example Association {username}", kind="enterprise")
        member = Member.objects.create(tier=tier, organization=org)
    member.representatives.add(user)
    return member, user


@pytest.fixture
def edition(db):
    return EditionFactory(year=2099)


@pytest.fixture
def programme(edition):
    return make_programme(edition)


@pytest.fixture
def enterprises(db):
    return [OrganizationFactory(name_zh=f"测试非会员企业{i}", name_en=f"Non-member Enterprise {i}", kind="enterprise") for i in range(12)]


@pytest.fixture
def member_rep(django_user_model):
    return make_member("member", django_user_model)


@pytest.fixture
def enterprise_rep(enterprises, django_user_model):
    user = django_user_model.objects.create_user("enterprise-rep", password="a-long-test-password-1")
    services.enterprise_representative_grant(user=user, organization=enterprises[0])
    return user


def recommend(programme, member, enterprise, user=None, now=DURING):
    return services.recommendation_create(programme=programme, member=member, enterprise=enterprise, actor=user, now=now)


def later(minutes=1):
    return DURING + timedelta(minutes=minutes)
