"""Demo data for the awards (`seed --demo`): an open programme on the demo edition with the 2024
Outstanding Contribution Award's rules (quotas per tier, 3 categories of which at most 2, the
endorsement, the basic condition and at least one further condition, the recommendation a
non-member needs), clearly fake non-member enterprises, and an enterprise account for one of them.
The demo member-* accounts (wic.demo) recommend; `enterprise-demo` applies. Everything is marked demo.
"""
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from wic import roles
from wic import services as wic_services
from wic.enums import OrganizationKind

from . import services

DEMO_ENTERPRISE_USER = "enterprise-demo"
DEMO_QUOTAS = {"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1}
DEMO_ENTERPRISES = (
    ("演示非会员企业甲（虚构）", "Demo Non-member Enterprise A (fictitious)", "CN"),
    ("演示非会员企业乙（虚构）", "Demo Non-member Enterprise B (fictitious)", "SG"),
    ("演示非会员企业丙（虚构）", "Demo Non-member Enterprise C (fictitious)", "BR"),
    ("演示非会员企业丁（虚构）", "Demo Non-member Enterprise D (fictitious)", "KE"),
    ("演示非会员企业戊（虚构）", "Demo Non-member Enterprise E (fictitious)", "DE"),
)
DEMO_CATEGORIES = (
    ("social-contribution", "社会贡献类", "Social contribution", "演示基本条件：在数字普惠或公益方面有可核实的贡献（虚构条件）。", "Demo basic condition: a verifiable contribution to digital inclusion or public good (fictitious)."),
    ("innovation-breakthrough", "创新突破类", "Innovation breakthrough", "演示基本条件：有原创技术或产品突破（虚构条件）。", "Demo basic condition: an original technical or product breakthrough (fictitious)."),
    ("growth-potential", "成长潜力类", "Growth potential", "演示基本条件：成立不超过十年且增长迅速（虚构条件）。", "Demo basic condition: under ten years old and growing fast (fictitious)."),
)
DEMO_CONDITIONS = (
    ("演示其他条件一：参与国际标准或开源社区（虚构）", "Demo further condition 1: takes part in international standards or open source (fictitious)"),
    ("演示其他条件二：服务三个以上国家和地区的用户（虚构）", "Demo further condition 2: serves users in three or more countries and regions (fictitious)"),
    ("演示其他条件三：获得过行业奖项（虚构）", "Demo further condition 3: has won an industry award (fictitious)"),
)


def seed_demo_awards(edition, password: str) -> dict:
    """Idempotent: the programme is found again by key and kept open (the close moved forward)
    whenever the demo is seeded again; recommendations made in the browser are kept."""
    now = timezone.now()
    existing = edition.award_programmes.filter(key="outstanding-contribution-demo").first()
    # Closes at 17:00 Beijing time, as the 2024 award did, about two months ahead.
    close_day = timezone.localtime(now + timedelta(days=60), services.BEIJING).date()
    opens_at, closes_at = now - timedelta(days=7), datetime.combine(close_day, time(17, 0), tzinfo=services.BEIJING)
    if existing is not None and existing.is_open(now):
        opens_at, closes_at = existing.opens_at, existing.closes_at
    programme = services.programme_upsert(
        edition=edition,
        key="outstanding-contribution-demo",
        name_zh=f"{edition.year}年世界互联网大会杰出贡献奖（演示）",
        name_en=f"{edition.year} WIC Outstanding Contribution Award (demo)",
        kind="award",
        description_zh="演示数据：规则同2024年杰出贡献奖（开放申报+推荐；每家企业最多选择2个类别；须认同大会国际组织宗旨、符合类别基本条件并符合一到多条其他条件）。条件文字为虚构。",
        description_en="Demo data: the rules of the 2024 Outstanding Contribution Award (open application plus recommendation; at most 2 categories; "
        "endorse the WIC's purposes, meet the category's basic condition and one or more further conditions). The condition texts are fictitious.",
        has_enterprise_direction=True,
        has_individual_direction=True,
        opens_at=opens_at,
        closes_at=closes_at,
        closes_time_stated=True,
        max_categories=2,
        requires_endorsement=True,
        min_further_conditions=1,
        non_members_need_recommendation=True,
        is_demo=True,
        source="demo",
    )
    for index, (key, zh, en, cond_zh, cond_en) in enumerate(DEMO_CATEGORIES):
        services.category_upsert(
            programme=programme, key=key, name_zh=zh, name_en=en, direction="enterprise", basic_condition_zh=cond_zh, basic_condition_en=cond_en, sort_order=index, source="demo"
        )
    for index, (zh, en) in enumerate(DEMO_CONDITIONS):
        services.further_condition_upsert(programme=programme, text_zh=zh, text_en=en, sort_order=index)
    services.quotas_set(programme=programme, quotas=DEMO_QUOTAS)
    enterprises = [
        wic_services.organization_upsert(name_zh=zh, name_en=en, kind=OrganizationKind.ENTERPRISE, country=country, is_demo=True, source="demo")
        for zh, en, country in DEMO_ENTERPRISES
    ]
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=DEMO_ENTERPRISE_USER, defaults={"email": f"{DEMO_ENTERPRISE_USER}@demo.wic-summit.example"})
    user.set_password(password)
    user.first_name, user.last_name = "Demo", DEMO_ENTERPRISE_USER
    user.save()
    user.groups.add(Group.objects.get_or_create(name=roles.APPLICANT)[0])
    services.enterprise_representative_grant(user=user, organization=enterprises[0])
    reviewer = User.objects.filter(username="reviewer").first()
    if reviewer is not None:
        services.reviewer_assign(programme=programme, user=reviewer)
    return {"programme": programme, "enterprises": enterprises, "enterprise_user": user}
