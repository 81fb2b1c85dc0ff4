"""Demo data for `seed --demo`: a clearly marked future edition, demo organizations and one
account per role, then each app's part (a `wic.contrib.Demo` in `<app>/contrib.py`: the agenda's
sessions, the sub-forum call, guests, awards, volunteers, the expo), in dependency order, in one
transaction. Everything here is flagged `is_demo` and named "演示 / Demo", so it never mixes with
the historical records."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from wic import contrib, roles, services
from wic.enums import MemberTier, OrganizationKind, OrganizationRole
from wic.errors import DomainError
from wic.models import Edition


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    tier: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("organizer", roles.ORGANIZER),
    DemoAccount("reviewer", roles.REVIEWER),
    DemoAccount("gate", roles.GATE),
    DemoAccount("volunteer-lead", roles.VOLUNTEER_LEAD),
    DemoAccount("volunteer", roles.VOLUNTEER),
    DemoAccount("applicant", roles.APPLICANT),
    DemoAccount("attendee", roles.ATTENDEE),
    DemoAccount("member-council", roles.MEMBER_REPRESENTATIVE, MemberTier.COUNCIL),
    DemoAccount("member-senior", roles.MEMBER_REPRESENTATIVE, MemberTier.SENIOR),
    DemoAccount("member-regular", roles.MEMBER_REPRESENTATIVE, MemberTier.MEMBER),
    DemoAccount("member-individual", roles.MEMBER_REPRESENTATIVE, MemberTier.INDIVIDUAL),
    DemoAccount("member-associate", roles.MEMBER_REPRESENTATIVE, MemberTier.ASSOCIATE),
    DemoAccount("member-nonprofit", roles.MEMBER_REPRESENTATIVE, MemberTier.NONPROFIT),
)

TIER_ORGANIZATIONS = {
    MemberTier.COUNCIL: ("演示理事单位数字集团", "Demo Council Digital Group", OrganizationKind.ENTERPRISE),
    MemberTier.SENIOR: ("演示高级会员网络公司", "Demo Senior Member Networks Ltd", OrganizationKind.ENTERPRISE),
    MemberTier.MEMBER: ("演示会员云计算公司", "Demo Member Cloud Co", OrganizationKind.ENTERPRISE),
    MemberTier.ASSOCIATE: ("演示合作会员研究院", "Demo Associate Research Institute", OrganizationKind.RESEARCH_INSTITUTE),
    MemberTier.NONPROFIT: ("演示非营利数字基金会", "Demo Non-profit Digital Foundation", OrganizationKind.ASSOCIATION),
}
DEMO_INDIVIDUAL_MEMBER = "演示个人会员 (Demo Individual Member)"


def demo_host():
    """The demo edition's host organization (the apps' demo sessions name it)."""
    return services.organization_upsert(
        name_zh="演示主办单位", name_en="Demo Host Organization", kind=OrganizationKind.OTHER, is_demo=True, source="demo"
    )


def demo_year() -> int:
    existing = Edition.objects.filter(is_demo=True).order_by("-year").values_list("year", flat=True).first()
    return existing or timezone.localdate().year + 1


def ensure_role_groups() -> dict[str, Group]:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ROLE_LABELS}
    from django.db.models import Q

    extra = Q()
    for label in roles.ORGANIZER_PERMISSIONS:
        app_label, codename = label.split(".")
        extra |= Q(content_type__app_label=app_label, codename=codename)
    organizer_perms = Permission.objects.filter(Q(content_type__app_label__in=roles.organizer_apps()) | extra)
    withheld = Q()
    for app_label, codename in roles.withheld_permissions():
        withheld |= Q(content_type__app_label=app_label, codename=codename)
    if withheld:
        organizer_perms = organizer_perms.exclude(withheld)
    groups[roles.ORGANIZER].permissions.set(organizer_perms)
    return groups


@transaction.atomic
def seed_demo(password: str | None = None) -> dict:
    password = password if password is not None else settings.DEMO_PASSWORD
    if not password:
        raise DomainError(
            "demo_password_missing",
            "Set DEMO_PASSWORD to create the demo accounts (there is a default only with DJANGO_DEBUG=1).",
        )
    year = demo_year()
    start = date(year, 11, 16)
    edition = services.edition_upsert(
        year=year,
        name_zh=f"{year}年世界互联网大会·乌镇峰会（演示）",
        name_en=f"{year} World Internet Conference Wuzhen Summit (demo)",
        start_date=start,
        end_date=start + timedelta(days=3),
        theme_zh="演示数据：用于试用本系统，不是真实的大会信息",
        theme_en="Demo data for trying the system out; not a real summit",
        location_zh="浙江乌镇",
        location_en="Wuzhen, Zhejiang",
        is_demo=True,
        source="demo",
        **{k: v for c in contrib.items(contrib.Demo) if c.edition_fields for k, v in c.edition_fields().items()},
    )
    host = demo_host()
    services.edition_organization_set(edition=edition, organization=host, role=OrganizationRole.HOST, source="demo")
    for key, value, label_zh, label_en in (
        ("guests_on_site", 1800, "现场参会嘉宾（演示）", "Guests on site (demo)"),
        # As many as the demo agenda shows: the agenda's three, and the accepted application's.
        ("sub_forums", 4, "分论坛（演示）", "Sub-forums (demo)"),
    ):
        services.edition_figure_upsert(
            edition=edition, key=key, value=value, label_zh=label_zh, label_en=label_en, source="demo"
        )
    for contribution in contrib.in_dependency_order(contrib.Demo, lambda item: item.before_accounts):
        contribution.item.build(edition, password=password)
    groups = ensure_role_groups()
    from django.contrib.auth import get_user_model

    User = get_user_model()
    accounts = []
    for account in DEMO_ACCOUNTS:
        user, _created = User.objects.get_or_create(
            username=account.username, defaults={"email": f"{account.username}@demo.wic-summit.example"}
        )
        user.set_password(password)
        user.is_staff = account.role == roles.ORGANIZER
        user.first_name = "Demo"
        user.last_name = account.username
        user.save()
        user.groups.add(groups[account.role])
        if account.tier:
            if account.tier == MemberTier.INDIVIDUAL:
                member = services.member_upsert(tier=account.tier, person_name=DEMO_INDIVIDUAL_MEMBER, is_demo=True)
            else:
                name_zh, name_en, kind = TIER_ORGANIZATIONS[account.tier]
                org = services.organization_upsert(name_zh=name_zh, name_en=name_en, kind=kind, is_demo=True, source="demo")
                member = services.member_upsert(tier=account.tier, organization=org, is_demo=True)
            member.representatives.add(user)
        accounts.append(account)
    for contribution in contrib.in_dependency_order(contrib.Demo, lambda item: not item.before_accounts):
        contribution.item.build(edition, password=password)
    return {"edition": edition, "accounts": accounts, "password": password}
