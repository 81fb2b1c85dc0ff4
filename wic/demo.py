"""Demo data for `seed --demo`: a clearly marked future edition, demo organizations and one
account per role. Everything here is flagged `is_demo` and named "演示 / Demo", so it never
mixes with the historical records."""
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from agenda import services as agenda_services
from agenda.models import Hall, Venue
from wic import roles, services
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
    organizer_perms = Permission.objects.filter(Q(content_type__app_label__in=roles.ORGANIZER_APPS) | extra)
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
        main_venue=Venue.objects.filter(name_zh="乌镇互联网国际会展中心").first(),
        is_demo=True,
        source="demo",
    )
    host = services.organization_upsert(
        name_zh="演示主办单位", name_en="Demo Host Organization", kind=OrganizationKind.OTHER, is_demo=True, source="demo"
    )
    services.edition_organization_set(edition=edition, organization=host, role=OrganizationRole.HOST, source="demo")
    for key, value, label_zh, label_en in (
        ("guests_on_site", 1800, "现场参会嘉宾（演示）", "Guests on site (demo)"),
        ("sub_forums", 3, "分论坛（演示）", "Sub-forums (demo)"),
    ):
        services.edition_figure_upsert(
            edition=edition, key=key, value=value, label_zh=label_zh, label_en=label_en, source="demo"
        )
    board = agenda_services.board_upsert(
        edition=edition, key="demo-ai", number=1, name_zh="人工智能板块（演示）", name_en="AI board (demo)", source="demo"
    )
    halls = list(Hall.objects.filter(venue__name_zh="乌镇互联网国际会展中心").order_by("sort_order")[:3])
    sessions = (
        ("demo-opening", "开幕式（演示）", "Opening ceremony (demo)", "ceremony", 1, time(9, 30), time(10, 30), 0, None),
        ("demo-main-forum", "主论坛（演示）", "Main forum (demo)", "main_forum", 1, time(14, 0), time(17, 30), 0, None),
        ("demo-forum-ai", "人工智能分论坛（演示）", "AI sub-forum (demo)", "sub_forum", 2, time(9, 0), time(12, 0), 1, board),
        ("demo-forum-data", "数据治理分论坛（演示）", "Data governance sub-forum (demo)", "sub_forum", 2, time(9, 0), time(12, 0), 2, None),
        ("demo-forum-youth", "青年与数字未来分论坛（演示）", "Youth and the digital future (demo)", "sub_forum", 2, time(14, 0), time(17, 0), 1, None),
        ("demo-closing", "闭幕式（演示）", "Closing ceremony (demo)", "ceremony", 3, time(11, 0), time(12, 0), 0, None),
    )
    for index, (key, title_zh, title_en, kind, day, t0, t1, hall_index, session_board) in enumerate(sessions):
        session = agenda_services.session_upsert(
            edition=edition,
            key=key,
            title_zh=title_zh,
            title_en=title_en,
            kind=kind,
            date=start + timedelta(days=day),
            start_time=t0,
            end_time=t1,
            hall=halls[hall_index] if len(halls) > hall_index else None,
            board=session_board,
            source="demo",
            sort_order=index,
        )
        agenda_services.session_set_organizations(session=session, roles=[(host, OrganizationRole.HOST)])

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
    seed_demo_forum_call(edition)
    seed_demo_guests(edition)
    from awards.demo import seed_demo_awards

    seed_demo_awards(edition, password)
    from volunteers.demo import seed_demo_volunteers

    seed_demo_volunteers(edition)
    from expo.demo import seed_demo_expo

    seed_demo_expo(edition, password)
    return {"edition": edition, "accounts": accounts, "password": password}


DEMO_GUESTS = (
    ("Demo Guest One", "演示嘉宾一", "guest1@demo.wic-summit.example", "BR", "government", "approved"),
    ("Demo Guest Two", "", "guest2@demo.wic-summit.example", "KE", "academia", "approved"),
    ("Demo Guest Three", "演示嘉宾三", "guest3@demo.wic-summit.example", "CN", "enterprise", "pending"),
)


def seed_demo_guests(edition) -> None:
    """Demo guests (two approved with credentials, one pending) and open check-in lists: a gate
    list per day, one for the day of seeding and one for the demo's invitation-only item, so
    /checkin/ can be tried as `gate`."""
    from datetime import timedelta

    from registration import services as registration_services
    from registration.models import CheckinList, Invitation, Registration

    for name, name_zh, email, country, category, status in DEMO_GUESTS:
        registration = Registration.objects.filter(edition=edition, email=email).first()
        if registration is None:
            registration = registration_services.registration_create(
                edition=edition,
                data={"name": name, "name_zh": name_zh, "email": email, "organization_name": "演示机构 Demo Organization", "country": country,
                      "category": category, "participation": "on_site", "consent": True},
            )
        if status == "approved" and registration.status == "pending":
            registration_services.registration_decide(registration=registration, status="approved", actor=None)
    day = edition.start_date
    while day <= edition.end_date:
        CheckinList.objects.get_or_create(
            edition=edition, kind=CheckinList.GATE, day=day,
            defaults={"name_zh": f"主入口 {day.month}月{day.day}日（演示）", "name_en": f"Main gate {day.isoformat()} (demo)"},
        )
        day += timedelta(days=1)
    # The demo edition lies ahead, so its gate lists answer `wrong_day` until then: one more gate
    # list for the day the demo is seeded lets /checkin/ admit the demo guests today.
    today = timezone.localdate()
    if not edition.start_date <= today <= edition.end_date:
        CheckinList.objects.get_or_create(
            edition=edition, kind=CheckinList.GATE, day=today,
            defaults={"name_zh": f"主入口 {today.month}月{today.day}日（演示，今天可试）", "name_en": f"Main gate {today.isoformat()} (demo, try it today)"},
        )
    banquet = agenda_services.session_upsert(
        edition=edition, key="demo-banquet", title_zh="欢迎晚宴（演示，凭请柬）", title_en="Welcome banquet (demo, by invitation)",
        kind="banquet", date=edition.start_date, start_time=time(19, 0), end_time=time(20, 30), access="by_invitation", source="demo",
    )
    item_list, _created = CheckinList.objects.get_or_create(
        edition=edition, kind=CheckinList.ITEM, session=banquet, defaults={"name_zh": "欢迎晚宴（演示）", "name_en": "Welcome banquet (demo)"}
    )
    first = Registration.objects.filter(edition=edition, email=DEMO_GUESTS[0][2]).first()
    if first is not None:
        Invitation.objects.get_or_create(registration=first, session=banquet)


DEMO_APPLICATIONS = (
    # title, state to reach, host organization (demo)
    ("数字治理圆桌（演示草稿）", "draft"),
    ("开源生态分论坛（演示，已提交）", "submitted"),
    ("人工智能安全分论坛（演示，评审中）", "under_review"),
    ("数字教育分论坛（演示，已通过）", "accepted"),
    ("智慧城市分论坛（演示，候补）", "waitlisted"),
)


def seed_demo_forum_call(edition) -> None:
    """An open call for sub-forums on the demo edition, review criteria, a reviewer grant, and
    applications by the demo applicant in different states, all through the services."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from forums import services as forum_services
    from forums.models import CallQuestion, ForumApplication, ForumCall, ReviewCriterion, Reviewer

    User = get_user_model()
    now = timezone.now()
    call, created = ForumCall.objects.get_or_create(
        edition=edition,
        title_zh=f"{edition.year}年分论坛申报（演示）",
        defaults={
            "title_en": f"{edition.year} call for sub-forums (demo)",
            "description_zh": "演示数据：申报主办一场分论坛。",
            "description_en": "Demo data: apply to host a sub-forum.",
            "opens_at": now - timedelta(days=7),
            "closes_at": now + timedelta(days=60),
        },
    )
    if not call.is_open(now):  # keep the demo call open whenever the demo is seeded again
        call.opens_at, call.closes_at = now - timedelta(days=7), now + timedelta(days=60)
        call.save(update_fields=["opens_at", "closes_at"])
    call.boards.set(edition.boards.all())
    for index, (zh, en) in enumerate((("主题契合度", "Relevance to the theme"), ("主协办单位与嘉宾", "Hosts and speakers"), ("预期成果", "Expected outcomes"))):
        ReviewCriterion.objects.get_or_create(call=call, name_zh=zh, defaults={"name_en": en, "sort_order": index})
    CallQuestion.objects.get_or_create(call=call, text_zh="是否需要同声传译？", defaults={"text_en": "Do you need simultaneous interpretation?", "sort_order": 0})
    reviewer = User.objects.get(username="reviewer")
    Reviewer.objects.get_or_create(edition=edition, user=reviewer)
    organizer = User.objects.get(username="organizer")
    applicant = User.objects.get(username="applicant")
    host = services.organization_upsert(name_zh="演示申报机构", name_en="Demo Applicant Organization", kind=OrganizationKind.ASSOCIATION, is_demo=True, source="demo")
    for title, target in DEMO_APPLICATIONS:
        if ForumApplication.objects.filter(call=call, title_zh=title).exists():
            continue
        application = forum_services.application_save_draft(
            call=call,
            applicant=applicant,
            fields={
                "title_zh": title,
                "theme_zh": "演示主题",
                "format": "round_table",
                "preferred_date": edition.start_date + timedelta(days=1),
                "preferred_half_day": "morning",
                "expected_attendance": 120,
                "contact_name": "演示联系人",
                "contact_email": "applicant@demo.wic-summit.example",
                "rationale": "演示数据",
            },
            organizations=[{"role": "host", "organization": host}],
        )
        if target == "draft":
            continue
        application = forum_services.application_submit(application=application, actor=applicant)
        if target == "submitted":
            continue
        criteria = {c.pk: (4, "演示评审意见") for c in call.criteria.all()}
        forum_services.review_submit(application=application, user=reviewer, scores=criteria)
        if target == "under_review":
            continue
        forum_services.application_transition(application=application, to_state=target, actor=organizer, message="演示决定 / demo decision")
