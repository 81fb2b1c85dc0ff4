"""A demo expo for `seed --demo`: a few hundred clearly fake exhibitors ("Demo Exhibitor 001",
"演示参展商001") in demo zones with booths, launches on the stage and openings, all flagged
`is_demo`. Built with bulk_create, so it stays fast: it runs at every ./run.sh and browser-test
server start. Running it again adds nothing.

The demo `exhibitor` account represents Demo Exhibitor 001; the demo `attendee` has asked it for
a meeting, so both sides of matchmaking can be tried.
"""
from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from wic import roles
from wic.models import Organization

from . import services
from .enums import ExpoField, ExhibitorStatus
from .models import Booth, BoothAllotment, Exhibitor, ExhibitorField, Launch, MeetingRequest, TalentListing

EXHIBITORS = 300
PENDING = 8  # the last few wait for the organizers' decision
BOOTHS_PER_ZONE = 80
ZONES = (
    ("demo-ai", "A", "人工智能馆（演示）", "AI hall (demo)", "feature"),
    ("demo-digital-economy", "B", "数字经济馆（演示）", "Digital economy hall (demo)", "theme"),
    ("demo-frontier", "C", "前沿科技馆（演示）", "Frontier technology hall (demo)", "theme"),
    ("demo-international", "D", "国际馆（演示）", "International hall (demo)", "other"),
)
SECTIONS = (
    ("demo-exhibition", "展览展示（演示）", "Exhibition (demo)"),
    ("demo-launches", "新产品新技术发布（演示）", "New product and technology launches (demo)"),
    ("demo-talent", "产业人才引智（演示）", "Talent (demo)"),
    ("demo-matchmaking", "产业合作对接（演示）", "Industry matchmaking (demo)"),
)
COUNTRIES = ("CN", "CN", "CN", "DE", "FR", "GB", "US", "JP", "KR", "SG", "MY", "TH", "VN", "ID", "IN", "AE", "SA", "EG", "KE", "NG", "ZA", "BR", "AR", "MX", "RU", "KZ", "PK", "IT", "ES", "NL")
CITIES = ("杭州", "乌镇", "上海", "北京", "深圳", "嘉兴")
FIELDS = [code for code in ExpoField.values if code != ExpoField.OTHER]
AREAS = (Decimal("9"), Decimal("9"), Decimal("18"), Decimal("36"))


def _demo_user(username: str, password: str | None, group: str):
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@demo.wic-summit.example", "first_name": "Demo", "last_name": username})
    if password:  # as wic.demo does for every demo account: the demo password, at every run
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def seed_demo_expo(edition, password: str | None = None) -> dict:
    """Add the demo expo to the demo edition (once). Returns counts of what exists afterwards."""
    services.expo_upsert(
        edition=edition, name_zh="“互联网之光”博览会（演示）", name_en="“Light of Internet” Expo (demo)", opens_on=edition.start_date - timedelta(days=1),
        online_zh="演示数据：线下展示与线上展示", online_en="Demo data: on site and online", summary_zh="演示数据，不是真实的参展信息。",
        summary_en="Demo data, not real exhibitors.", source="demo",
    )
    for number, (key, name_zh, name_en) in enumerate(SECTIONS, start=1):
        services.section_upsert(edition=edition, key=key, number=number, name_zh=name_zh, name_en=name_en, source="demo")
    zones = [
        services.zone_upsert(edition=edition, key=key, name_zh=name_zh, name_en=name_en, kind=kind, sort_order=index, source="demo")
        for index, (key, _letter, name_zh, name_en, kind) in enumerate(ZONES)
    ]
    if not Exhibitor.objects.filter(edition=edition, is_demo=True).exists():
        _bulk_expo(edition, zones)
    exhibitor_account = _demo_user("exhibitor", password, roles.EXHIBITOR)
    first = Exhibitor.objects.filter(edition=edition, organization__name_en="Demo Exhibitor 001").first()
    if first is not None:
        first.representatives.add(exhibitor_account)
        _demo_launches_and_meeting(edition, first, password)
    return {
        "exhibitors": Exhibitor.objects.filter(edition=edition, is_demo=True).count(),
        "booths": Booth.objects.filter(edition=edition).count(),
        "launches": Launch.objects.filter(edition=edition, cancelled_at__isnull=True).count(),
        "openings": TalentListing.objects.filter(exhibitor__edition=edition).count(),
    }


def _bulk_expo(edition, zones) -> None:
    booths = Booth.objects.bulk_create(
        [
            Booth(edition=edition, zone=zone, code=f"{ZONES[z][1]}{n:03d}", area=AREAS[n % len(AREAS)], sort_order=n)
            for z, zone in enumerate(zones)
            for n in range(1, BOOTHS_PER_ZONE + 1)
        ],
        ignore_conflicts=True,
    )
    booths = list(Booth.objects.filter(edition=edition).order_by("zone__sort_order", "sort_order"))
    names = [(f"演示参展商{n:03d}", f"Demo Exhibitor {n:03d}") for n in range(1, EXHIBITORS + 1)]
    existing = set(Organization.objects.filter(name_zh__in=[zh for zh, _en in names]).values_list("name_zh", flat=True))
    confirmed = timezone.now()  # the demo's own organizations, public like the seed's
    Organization.objects.bulk_create(
        [Organization(name_zh=zh, name_en=en, kind="enterprise", is_demo=True, source="demo", verified_at=confirmed) for zh, en in names if zh not in existing]
    )
    organizations = {o.name_zh: o for o in Organization.objects.filter(name_zh__in=[zh for zh, _en in names])}
    Exhibitor.objects.bulk_create(
        [
            Exhibitor(
                edition=edition, organization=organizations[zh], country=COUNTRIES[n % len(COUNTRIES)],
                products_zh=f"演示产品{n:03d}", products_en=f"Demo product {n:03d}",
                description_en="Demo data, not a real exhibitor.", description_zh="演示数据，不是真实的参展商。",
                booth_size=int(AREAS[n % len(AREAS)]), contact_name="Demo", contact_email=f"exhibitor{n:03d}@demo.wic-summit.example",
                status=ExhibitorStatus.PENDING if n > EXHIBITORS - PENDING else ExhibitorStatus.APPROVED,
                notified_status="" if n > EXHIBITORS - PENDING else ExhibitorStatus.APPROVED,
                is_demo=True, source="demo",
            )
            for n, (zh, _en) in enumerate(names, start=1)
        ]
    )
    exhibitors = list(Exhibitor.objects.filter(edition=edition, is_demo=True).order_by("organization__name_zh"))
    ExhibitorField.objects.bulk_create(
        [ExhibitorField(exhibitor=e, field=FIELDS[(i * k + k) % len(FIELDS)]) for i, e in enumerate(exhibitors) for k in range(1, 1 + i % 3 + 1)],
        ignore_conflicts=True,
    )
    approved = [e for e in exhibitors if e.status == ExhibitorStatus.APPROVED]
    BoothAllotment.objects.bulk_create([BoothAllotment(booth=booth, exhibitor=e) for booth, e in zip(booths, approved)])
    TalentListing.objects.bulk_create(
        [
            TalentListing(
                exhibitor=e, title_zh=f"演示岗位{i:03d}", title_en=f"Demo opening {i:03d}", field=FIELDS[i % len(FIELDS)],
                city=CITIES[i % len(CITIES)], count=1 + i % 5,
            )
            for i, e in enumerate(approved[::4], start=1)
        ]
    )


def _demo_launches_and_meeting(edition, first: Exhibitor, password) -> None:
    """A few launches on the stage (through the service, so they reach the agenda) and one meeting request."""
    if not Launch.objects.filter(edition=edition).exists():
        organizer = get_user_model().objects.filter(is_active=True, groups__name=roles.ORGANIZER).order_by("pk").first()
        launchers = list(Exhibitor.objects.filter(edition=edition, is_demo=True, status=ExhibitorStatus.APPROVED).select_related("organization").order_by("organization__name_zh")[:12])
        for index, exhibitor in enumerate(launchers):
            day = edition.start_date + timedelta(days=index // 4)
            start = services.beijing(day, time(10 + 2 * (index % 4), 0))
            services.launch_schedule(
                exhibitor=exhibitor, actor=organizer or _staff_stand_in(), title_zh=f"演示新品发布{index + 1:02d}", title_en=f"Demo launch {index + 1:02d}",
                start=start, end=start + timedelta(minutes=45), description_zh="演示数据。",
            )
    attendee = get_user_model().objects.filter(username="attendee").first()
    if attendee is not None and not MeetingRequest.objects.filter(exhibitor=first, guest=attendee).exists():
        start = services.beijing(edition.start_date, time(15, 0))
        services.meeting_request(exhibitor=first, guest=attendee, start=start, minutes=30, message="演示数据 / demo request")


def _staff_stand_in():
    """The seeding acts as the organizers when no organizer account exists yet."""

    class Staff:
        is_authenticated = True
        is_active = True
        is_staff = True
        is_superuser = True
        pk = None

    return Staff()
