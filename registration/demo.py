"""Registration's part of the demo (`seed --demo`, contributed through registration/contrib.py):
demo guests with credentials and the check-in lists /checkin/ can be tried on."""
from datetime import time, timedelta

from django.utils import timezone

from agenda import services as agenda_services

from . import services as registration_services
from .models import CheckinList, Invitation, Registration

DEMO_GUESTS = (
    ("Demo Guest One", "演示嘉宾一", "guest1@demo.wic-summit.example", "BR", "government", "approved"),
    ("Demo Guest Two", "", "guest2@demo.wic-summit.example", "KE", "academia", "approved"),
    ("Demo Guest Three", "演示嘉宾三", "guest3@demo.wic-summit.example", "CN", "enterprise", "pending"),
)


def seed_demo_guests(edition, *, password=None) -> None:
    """Demo guests (two approved with credentials, one pending) and open check-in lists: a gate
    list per day, one for the day of seeding and one for the demo's invitation-only item, so
    /checkin/ can be tried as `gate`."""
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
