"""The travel app's part of the demo (`seed --demo`, contributed through travel/contrib_organizers.py),
on the demo edition: a visa invitation letter in each state (requested, approved, refused,
revoked) for four of the protocol demo's approved guests, made through travel.letters as a guest
and an organizer would. Every passport name and number starts with DEMO, the stays are the
edition's own days, the reasons say 演示 / Demo.

Idempotent: a guest who already has a letter (any state) is left alone, so a second run adds
nothing. A guest the earlier demos did not make (or did not approve), or an edition without dates,
is skipped without an error."""
from datetime import date

DOMAIN = "demo.wic-summit.example"
# (the protocol demo's guest, the letter's state, passport name, passport number, date of birth)
LETTERS = (
    ("protocol-gov-deputy", "requested", "DEMO BRIO", "DEMO00002", "1972-08-21"),
    ("protocol-gov-head", "approved", "DEMO ALBA", "DEMO00001", "1968-03-14"),
    ("protocol-gov-adviser", "refused", "DEMO DARIO", "DEMO00004", "1985-01-30"),
    ("protocol-org-officer", "revoked", "DEMO GIL", "DEMO00007", "1990-06-05"),
)
REFUSAL = "演示：护照复印件无法辨认。Demo: the passport copy could not be read."
REVOCATION = "演示：嘉宾取消了行程。Demo: the guest cancelled the trip."
APPLY_AT = "演示：中国驻马德里大使馆 Demo: Embassy of China in Madrid"


def seed_demo_letters(edition, *, password=None) -> None:
    from registration.models import Registration

    from . import letters
    from .models import VisaLetter

    if not edition.has_dates:
        return
    actor = None  # as the other apps' demos: no organizer is the audit trail's actor of seeded rows
    emails = {f"{key}@{DOMAIN}": rest for key, *rest in LETTERS}
    guests = Registration.objects.filter(edition=edition, email__in=list(emails), status="approved")
    having = set(VisaLetter.objects.filter(registration__in=guests).values_list("registration_id", flat=True))
    for registration in guests.order_by("pk"):
        if registration.pk in having:
            continue
        state, name, number, born = emails[registration.email]
        letter = letters.letter_request(registration, language="en", data={
            "passport_name": name, "nationality": registration.country.code or "ES", "passport_number": number, "date_of_birth": born,
            "passport_expires_on": date(edition.end_date.year + 6, 1, 31), "apply_at": APPLY_AT,
            "stay_from": edition.start_date, "stay_until": edition.end_date,
        })
        if state in ("approved", "revoked"):
            letter = letters.letter_decide(letter, approve=True, actor=actor)
        if state == "refused":
            letters.letter_decide(letter, approve=False, actor=actor, reason=REFUSAL)
        if state == "revoked":
            letters.letter_revoke(letter, actor=actor, reason=REVOCATION)


# -- arrivals, pickups and hotels ------------------------------------------------------------------

# (guest, hub, mode, number, day offset from the first day, arrival time): every hub once at least;
# the government delegation on one flight (it rides together, its head in a car of their own).
ARRIVALS = (
    ("protocol-gov-head", "hangzhou_xiaoshan", "flight", "DM101", -1, "14:05"),
    ("protocol-gov-deputy", "hangzhou_xiaoshan", "flight", "DM101", -1, "14:05"),
    ("protocol-gov-interpreter", "hangzhou_xiaoshan", "flight", "DM101", -1, "14:05"),
    ("protocol-gov-adviser", "hangzhou_xiaoshan", "flight", "DM101", -1, "14:05"),
    ("protocol-org-head", "shanghai_hongqiao_airport", "flight", "DM202", -1, "10:40"),
    ("protocol-org-director", "shanghai_hongqiao_station", "train", "G7311", -1, "16:12"),
    ("protocol-org-officer", "tongxiang_station", "train", "G7555", 0, "08:47"),
    ("guest1", "jiaxing_south_station", "train", "G7321", 0, "09:15"),
)
HOTELS = (
    # (name_zh, name_en, address, room type zh, en, rooms, guests per room)
    ("乌镇会议酒店（演示）", "Demo Wuzhen Conference Hotel", "演示地址 Demo address, Wuzhen", "行政套房", "Executive suite", 4, 1),
    ("西栅民宿客栈（演示）", "Demo Xizha Guesthouse", "演示地址 Demo address, Xizha, Wuzhen", "标准双床间", "Twin room", 6, 2),
)
# Who stays where: the heads in the conference hotel, the others in twin rooms; the deputy and the
# adviser agreed to share one.
STAYS = (
    ("protocol-gov-head", 0, False, None),
    ("protocol-org-head", 0, False, None),
    ("protocol-gov-deputy", 1, True, None),
    ("protocol-gov-adviser", 1, True, "protocol-gov-deputy"),
    ("protocol-gov-interpreter", 1, False, None),
    ("protocol-org-director", 1, False, None),
)


def seed_demo_travel(edition, *, password=None) -> None:
    """Arrivals at each hub (and departures the day after the summit), the pickups planned, two
    hotels with a room block each and stays. Idempotent: a guest with an arrival or a stay is left
    alone; the pickups are planned again only while nobody has boarded."""
    from datetime import datetime, time, timedelta

    from registration.models import Registration
    from wic.display import BEIJING

    from . import arrivals, hotels
    from .models import Hotel, PickupSeat, RoomBlock, RoomStay, TravelLeg

    if not edition.has_dates:
        return
    guests = {r.email.split("@")[0]: r for r in Registration.objects.filter(edition=edition, status="approved", email__endswith=f"@{DOMAIN}")}
    having = set(TravelLeg.objects.filter(registration__edition=edition).values_list("registration_id", flat=True))
    for key, hub, mode, number, offset, at in ARRIVALS:
        registration = guests.get(key)
        if registration is None or registration.pk in having or registration.participation != "on_site":
            continue
        hours, minutes = (int(part) for part in at.split(":"))
        arrives = datetime.combine(edition.start_date + timedelta(days=offset), time(hours, minutes), tzinfo=BEIJING)
        leaves = datetime.combine(edition.end_date + timedelta(days=1), time(11, 0), tzinfo=BEIJING)
        arrivals.leg_save(registration, direction="arrival", mode=mode, number=number, hub=hub, scheduled_at=arrives)
        arrivals.leg_save(registration, direction="departure", mode=mode, number=number.replace("1", "9", 1), hub=hub, scheduled_at=leaves)
    if not PickupSeat.objects.filter(run__edition=edition, boarded_at__isnull=False).exists():
        arrivals.plan_pickups(edition, now=datetime.combine(edition.start_date - timedelta(days=7), time(0, 0), tzinfo=BEIJING))

    blocks = []
    for name_zh, name_en, address, type_zh, type_en, rooms, per_room in HOTELS:
        hotel, _created = Hotel.objects.get_or_create(edition=edition, name_zh=name_zh, defaults={"name_en": name_en, "address": address})
        block, _created = RoomBlock.objects.get_or_create(
            hotel=hotel, room_type_zh=type_zh,
            defaults={"room_type_en": type_en, "rooms": rooms, "guests_per_room": per_room,
                      "first_night": edition.start_date - timedelta(days=1), "last_night": edition.end_date},
        )
        blocks.append(block)
    staying = set(RoomStay.objects.filter(block__hotel__edition=edition).values_list("registration_id", flat=True))
    for key, index, shares, share_with in STAYS:
        registration = guests.get(key)
        if registration is None or registration.pk in staying:
            continue
        hotels.stay_allocate(
            blocks[index], registration, first_night=edition.start_date - timedelta(days=1), last_night=edition.end_date,
            shares_room=shares, share_with=guests.get(share_with) if share_with else None,
        )


def seed_demo(edition, *, password=None) -> None:
    seed_demo_letters(edition, password=password)
    seed_demo_travel(edition, password=password)
    from .demo_meals import seed_demo_meals
    from .demo_shuttles import seed_demo_shuttles

    seed_demo_meals(edition, password=password)
    seed_demo_shuttles(edition, password=password)
