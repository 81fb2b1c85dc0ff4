"""Issue 24, hotels: travel.hotels' services (every refusal with its code, field and status, nothing
saved after one; rooms filled lowest first, never more guests than beds; sharing only when both
agreed; a move keeps the room when it can; nights from the guest's travel), the occupancy in one
query, the rooming list (CSV: its exact header and a row), the admin (a constant number of queries;
adding and deleting through the services), the guest's section, the dashboard panel and the
hotel's change log. The race for the last bed is in test_hotels_race.py (PostgreSQL)."""
import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests.factories import EditionFactory
from travel import hotels
from travel.models import Hotel, RoomBlock, RoomNight, RoomStay, TravelLeg
from wic.errors import DomainError

from .support import YEAR, edition, guest, maria, organizer, refused  # noqa: F401

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def night(day: int) -> date:
    return date(YEAR, 11, day)


def make_hotel(edition, name_zh="乌镇互联网国际会展中心酒店", name_en="Wuzhen Conference Center Hotel", **fields) -> Hotel:
    return Hotel.objects.create(edition=edition, name_zh=name_zh, name_en=name_en, address=fields.pop("address", "浙江省桐乡市乌镇镇子夜路1号"), **fields)


def make_block(hotel, *, rooms=2, beds=1, first=9, last=13, zh="大床房", en="King room") -> RoomBlock:
    return RoomBlock.objects.create(hotel=hotel, room_type_zh=zh, room_type_en=en, rooms=rooms, guests_per_room=beds, first_night=night(first), last_night=night(last))


def guests(edition, count: int, prefix: str = "Guest") -> list:
    return [guest(edition, f"{prefix.lower()}{n}@example.org", name=f"{prefix} {n}") for n in range(count)]


def allocate(block, registration, first=10, last=11, **kwargs) -> RoomStay:
    return hotels.stay_allocate(block, registration, first_night=night(first), last_night=night(last), **kwargs)


def beds(stay) -> list[tuple]:
    return list(RoomNight.objects.filter(stay=stay).order_by("night").values_list("room_number", "night", "bed"))


def leg(registration, direction, when: datetime, **fields) -> TravelLeg:
    defaults = {"mode": "flight", "number": "CA1701", "hub": "hangzhou_xiaoshan"}
    return TravelLeg.objects.create(registration=registration, direction=direction, scheduled_at=when, **{**defaults, **fields})


@pytest.fixture
def hotel(edition):
    return make_hotel(edition)


@pytest.fixture
def block(hotel):
    return make_block(hotel)


# -- refusals -------------------------------------------------------------------------------------------


def test_every_refusal_names_its_field_and_saves_nothing(edition, hotel, block, maria):
    ana, li, ben = guests(edition, 3)
    pending = guest(edition, "pending@example.org", name="Pending Guest", status="pending")
    elsewhere = guest(EditionFactory(year=YEAR + 1), "other@example.org", name="Other Edition")
    twin = make_block(hotel, rooms=1, beds=2, zh="双床房", en="Twin room")
    allocate(twin, ana, shares_room=True)
    allocate(twin, li, first=12, last=12)  # did not agree to share
    allocate(block, ben)
    before = (RoomStay.objects.count(), RoomNight.objects.count())
    cases = {
        "last before first": (lambda: allocate(block, maria, first=11, last=10), ("nights_out_of_order", "last_night", 400)),
        "before the block": (lambda: allocate(block, maria, first=8, last=10), ("nights_outside_block", "first_night", 400)),
        "after the block": (lambda: allocate(block, maria, first=12, last=14), ("nights_outside_block", "last_night", 400)),
        "pending": (lambda: allocate(block, pending), ("not_eligible", "registration", 409)),
        "another edition": (lambda: allocate(block, elsewhere), ("not_eligible", "registration", 409)),
        "no nights, no travel": (lambda: hotels.stay_allocate(block, maria), ("nights_required", "first_night", 400)),
        "already staying": (lambda: allocate(twin, ben, first=11, last=12, shares_room=True), ("already_staying", "registration", 409)),
        "new guest did not agree": (lambda: allocate(twin, maria, share_with=ana), ("share_not_agreed", "shares_room", 409)),
        "other guest did not agree": (lambda: allocate(twin, maria, first=12, last=12, share_with=li, shares_room=True), ("share_not_agreed", "share_with", 409)),
        "other guest not in the block": (lambda: allocate(twin, maria, share_with=ben, shares_room=True), ("share_with_not_staying", "share_with", 409)),
    }
    for case, (call, expected) in cases.items():
        assert refused(call) == expected, case
    assert (RoomStay.objects.count(), RoomNight.objects.count()) == before
    with translation.override("en"):
        with pytest.raises(DomainError) as error:
            allocate(twin, ben, first=11, last=12)
    assert error.value.message == f"Guest 2 already has a room at Wuzhen Conference Center Hotel for the nights {YEAR}-11-10 to {YEAR}-11-11."


def test_rooms_fill_lowest_first_and_never_hold_more_guests_than_beds(edition, hotel):
    single = make_block(hotel, rooms=3, beds=2)
    alone = guests(edition, 4, "Alone")
    assert [allocate(single, g).room_number for g in alone[:3]] == [1, 2, 3]
    # Three beds are free, but each beside a guest who did not agree to share.
    assert refused(lambda: allocate(single, alone[3])) == ("room_full", "block", 409)
    with translation.override("en"), pytest.raises(DomainError) as error:
        allocate(single, alone[3], shares_room=True)
    assert error.value.message == f"No room of Wuzhen Conference Center Hotel · King room has a free bed every night from {YEAR}-11-10 to {YEAR}-11-11."

    twin = make_block(hotel, rooms=2, beds=2, zh="双床房", en="Twin room")
    sharing = guests(edition, 5, "Sharer")
    stays = [allocate(twin, g, shares_room=True) for g in sharing[:4]]
    assert [beds(s) for s in stays] == [
        [(1, night(10), 1), (1, night(11), 1)], [(1, night(10), 2), (1, night(11), 2)],
        [(2, night(10), 1), (2, night(11), 1)], [(2, night(10), 2), (2, night(11), 2)],
    ]
    assert refused(lambda: allocate(twin, sharing[4], shares_room=True)) == ("room_full", "block", 409)
    # A night outside the others' is free again.
    assert beds(allocate(twin, sharing[4], first=12, last=12, shares_room=True)) == [(1, night(12), 1)]


def test_sharing_needs_both_to_agree(edition, hotel):
    twin = make_block(hotel, rooms=2, beds=2, zh="双床房", en="Twin room")
    ana, li, ben, zoe = guests(edition, 4)
    first = allocate(twin, ana, shares_room=True)
    assert allocate(twin, li).room_number == 2  # did not agree: a room of their own, though room 1 has a bed
    with translation.override("en"), pytest.raises(DomainError) as error:
        allocate(twin, zoe)
    assert (error.value.code, error.value.field, error.value.message) == (
        "room_full", "block",
        f"Every room of Wuzhen Conference Center Hotel · Twin room with a free bed every night from {YEAR}-11-10 to {YEAR}-11-11 has another guest, and Guest 3 has not agreed to share.",
    )
    assert allocate(twin, ben, share_with=ana, shares_room=True).room_number == first.room_number == 1
    # Room 1 is now full: sharing with Ana is refused on the room, not on the agreement.
    assert refused(lambda: allocate(twin, zoe, share_with=ana, shares_room=True)) == ("room_full", "share_with", 409)
    # An agreement cannot be withdrawn while the room is shared.
    assert refused(lambda: hotels.stay_agree_to_share(first, shares_room=False)) == ("room_shared", "shares_room", 409)


def test_a_move_keeps_the_room_when_it_can(edition, hotel, block):
    ana, li, ben = guests(edition, 3)
    stay = allocate(block, ana, first=10, last=11)
    assert stay.room_number == 1
    moved = hotels.stay_move(stay, first_night=night(10), last_night=night(12))
    assert (moved.room_number, beds(moved)) == (1, [(1, night(10), 1), (1, night(11), 1), (1, night(12), 1)])

    allocate(block, li, first=13, last=13)  # room 1 on the 13th
    moved = hotels.stay_move(moved, first_night=night(11), last_night=night(13))
    assert (moved.room_number, [n for _r, n, _b in beds(moved)]) == (2, [night(11), night(12), night(13)])

    allocate(block, ben, first=10, last=10)  # room 1 on the 10th
    assert allocate(block, guests(edition, 1, "Zed")[0], first=9, last=10).room_number == 2  # room 2 before Ana's nights
    assert refused(lambda: hotels.stay_move(moved, first_night=night(9), last_night=night(13))) == ("room_full", "first_night", 409)
    stay = RoomStay.objects.get(pk=stay.pk)  # nothing changed
    assert (stay.room_number, stay.first_night, stay.last_night, len(beds(stay))) == (2, night(11), night(13), 3)
    assert refused(lambda: hotels.stay_move(stay, first_night=night(12), last_night=night(11))) == ("nights_out_of_order", "last_night", 400)

    hotels.stay_cancel(stay)
    assert (RoomStay.objects.filter(registration=ana).count(), RoomNight.objects.filter(stay_id=stay.pk).count()) == (0, 0)
    assert refused(lambda: hotels.stay_move(stay, first_night=night(10), last_night=night(10))) == ("stay_gone", "stay", 409)


def test_nights_come_from_the_guests_travel_in_beijing_time(block, maria):
    assert hotels.nights_from_travel(maria) is None
    # 23:30 in Beijing on the 9th is 15:30 UTC: the night of the 9th.
    arrival = leg(maria, "arrival", datetime(YEAR, 11, 9, 15, 30, tzinfo=ZoneInfo("UTC")))
    assert hotels.nights_from_travel(maria) is None  # no departure yet
    leg(maria, "departure", datetime(YEAR, 11, 12, 8, 0, tzinfo=BEIJING), number="CA1702")
    assert hotels.nights_from_travel(maria) == (night(9), night(11))
    arrival.delayed_to = datetime(YEAR, 11, 10, 0, 40, tzinfo=BEIJING)  # the flight lands after midnight
    arrival.save()
    assert hotels.nights_from_travel(maria) == (night(10), night(11))
    stay = hotels.stay_allocate(block, maria)
    assert (stay.first_night, stay.last_night, len(beds(stay))) == (night(10), night(11), 2)


def test_a_block_keeps_the_rooms_beds_and_nights_its_guests_hold(edition, hotel):
    twin = make_block(hotel, rooms=3, beds=2)
    a, b = guests(edition, 2)
    allocate(twin, a, shares_room=True)
    allocate(twin, b, first=11, last=12, shares_room=True)  # room 1, bed 2 on the 11th
    change = dict(rooms=3, guests_per_room=2, first_night=night(9), last_night=night(13))
    assert hotels.check_block_change(twin, **change) is None
    assert refused(lambda: hotels.check_block_change(twin, **{**change, "guests_per_room": 1})) == ("beds_in_use", "guests_per_room", 400)
    assert refused(lambda: hotels.check_block_change(twin, **{**change, "first_night": night(11)})) == ("nights_in_use", "first_night", 400)
    assert refused(lambda: hotels.check_block_change(twin, **{**change, "last_night": night(11)})) == ("nights_in_use", "last_night", 400)
    allocate(twin, guests(edition, 1, "Third")[0], first=9, last=9)
    assert refused(lambda: hotels.check_block_change(twin, **{**change, "rooms": 0})) == ("rooms_in_use", "rooms", 400)


# -- occupancy, the panel, the rooming list --------------------------------------------------------


def test_occupancy_counts_rooms_used_per_night_in_one_query(edition, hotel, django_assert_num_queries):
    twin = make_block(hotel, rooms=3, beds=2, first=9, last=11)
    king = make_block(hotel, rooms=5, first=10, last=10, zh="套房", en="Suite")
    other = make_block(make_hotel(edition, name_zh="乌镇西栅酒店", name_en="West Gate Hotel"), rooms=4, first=10, last=11)
    make_block(make_hotel(EditionFactory(year=YEAR + 1)), rooms=9)  # another edition's
    a, b, c = guests(edition, 3)
    allocate(twin, a, first=9, last=10, shares_room=True)
    allocate(twin, b, first=10, last=10, shares_room=True)  # beside a: still one room
    allocate(twin, c, first=10, last=11)
    with django_assert_num_queries(1):
        blocks = hotels.occupancy(edition)
    assert [(o.block_id, o.room_type, [(n.night.day, n.used, n.held) for n in o.nights]) for o in blocks] == [
        (twin.pk, "大床房", [(9, 1, 3), (10, 2, 3), (11, 1, 3)]),
        (king.pk, "套房", [(10, 0, 5)]),
        (other.pk, "大床房", [(10, 0, 4), (11, 0, 4)]),
    ]
    assert [(h.name_zh, [(n.night.day, n.used, n.held) for n in h.nights]) for h in hotels.by_hotel(blocks)] == [
        ("乌镇互联网国际会展中心酒店", [(9, 1, 3), (10, 2, 8), (11, 1, 3)]),
        ("乌镇西栅酒店", [(10, 0, 4), (11, 0, 4)]),
    ]
    with django_assert_num_queries(1):
        panel = hotels.hotels_panel(edition)
    assert [n.day for n in panel.nights] == [9, 10, 11] and (panel.used, panel.held) == (4, 22)
    assert [[(c.used, c.held) if c else None for c in h.cells] for h in panel.hotels] == [[(1, 3), (2, 8), (1, 3)], [None, (0, 4), (0, 4)]]


def test_the_dashboard_shows_the_hotels_panel(client, edition, hotel, block, maria, organizer):
    allocate(block, maria)
    client.force_login(organizer)
    html = client.get(f"/admin/dashboard/{YEAR}/", **EN).content.decode()
    panel = re.search(r'<section class="module wic-panel wic-wide" id="panel-hotels".*?</section>', html, re.S).group(0)
    assert '<dd data-figure="hotels-used">2 <small>/ 10</small></dd>' in panel
    assert f'<tr data-hotel="{hotel.pk}"><th scope="row"><a href="/admin/travel/hotel/{hotel.pk}/change/">Wuzhen Conference Center Hotel</a></th>' in panel
    assert [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="num"[^>]*>(.*?)</td>', panel)] == ["0 / 2", "1 / 2", "1 / 2", "0 / 2", "0 / 2"]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


HEADER = [
    "guest name", "name in Chinese", "country or region", "room type", "room number", "first night", "last night", "nights", "shares with",
    "arrives at", "flight or train number", "arrival (Beijing time)", "notes",
]


def test_the_rooming_list_of_a_hotel(client, edition, hotel, organizer):
    twin = make_block(hotel, rooms=2, beds=2, zh="双床房", en="Twin room")
    maria = guest(edition, "maria@example.org", name="=Maria Silva")  # typed by the guest: never a formula
    li = guest(edition, "li@example.org", name="Li Wei")
    other_hotel = make_block(make_hotel(edition, name_zh="乌镇西栅酒店", name_en="West Gate Hotel"))
    allocate(twin, maria, first=9, last=11, shares_room=True)
    allocate(twin, li, first=10, last=11, share_with=maria, shares_room=True)
    allocate(other_hotel, guest(edition, "ana@example.org", name="Ana Costa"))
    leg(maria, "arrival", datetime(YEAR, 11, 9, 14, 5, tzinfo=BEIJING), seats=2, delayed_to=datetime(YEAR, 11, 9, 16, 40, tzinfo=BEIJING))
    leg(maria, "departure", datetime(YEAR, 11, 13, 9, 0, tzinfo=BEIJING), number="CA1702")
    client.force_login(organizer)
    page = client.get(f"/admin/travel/hotel/{hotel.pk}/change/", **EN).content.decode()
    url = f"/admin/travel/roomstay/export/csv/?block__hotel__id__exact={hotel.pk}"
    assert f'<a href="{url}" class="export-link" data-link="rooming-csv">Rooming list (CSV)</a>' in page
    rows = read_csv(client.get(url, **EN))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["'=Maria Silva", "", "Brazil", "Twin room", "1", f"{YEAR}-11-09", f"{YEAR}-11-11", "3", "Li Wei",
         "Hangzhou Xiaoshan International Airport", "CA1701", f"{YEAR}-11-09 16:40",
         f"arrival reported late: {YEAR}-11-09 16:40; travels with 1 other person; travel dates suggest the nights {YEAR}-11-09 to {YEAR}-11-12"],
        ["Li Wei", "", "Brazil", "Twin room", "1", f"{YEAR}-11-10", f"{YEAR}-11-11", "2", "'=Maria Silva", "", "", "", ""],
    ]
    xlsx = client.get(url.replace("/csv/", "/xlsx/"), **EN)
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# -- the admin ---------------------------------------------------------------------------------------


STAYS = "/admin/travel/roomstay/"
LIST_QUERIES = 10  # whatever the number of stays: session, user, permissions, the edition, hotel and block filters, 2 counts, the page


@pytest.mark.parametrize("count", [1, 20])
def test_the_stays_list_takes_a_constant_number_of_queries(client, edition, hotel, organizer, count, django_assert_num_queries):
    block = make_block(hotel, rooms=20)
    for registration in guests(edition, count):
        allocate(block, registration)
    client.force_login(organizer)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(f"{STAYS}?block__hotel__id__exact={hotel.pk}", **EN)
    body = response.content.decode()
    assert response.status_code == 200 and body.count('class="action-checkbox"') == count
    assert "Guest 0" in body and f"{YEAR}-11-10 – {YEAR}-11-11" in body and "King room" in body


def form_errors(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", e).strip() for e in re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S)]


def test_the_admin_adds_moves_and_deletes_stays_through_the_services(client, edition, hotel, block, maria, organizer):
    li, ana = guests(edition, 2)
    allocate(block, li, first=9, last=13)
    client.force_login(organizer)
    form = client.get(f"{STAYS}add/", **EN).content.decode()
    assert re.search(r'<select name="share_with"[^>]*class="admin-autocomplete', form) and re.search(r'<select name="registration"[^>]*class="admin-autocomplete', form)
    block_page = client.get(f"/admin/travel/roomblock/{block.pk}/change/", **EN).content.decode()
    assert f'<tr data-block="{block.pk}"><th scope="row">King room</th><td>1 / 2</td><td>1 / 2</td><td>1 / 2</td><td>1 / 2</td><td>1 / 2</td></tr>' in block_page
    data = {"block": block.pk, "registration": maria.pk, "first_night": f"{YEAR}-11-10", "last_night": f"{YEAR}-11-11", "shares_room": "", "share_with": ""}
    added = client.post(f"{STAYS}add/", data, **EN)
    stay = RoomStay.objects.get(registration=maria)
    assert added.status_code == 302 and (stay.room_number, len(beds(stay))) == (2, 2)

    full = client.post(f"{STAYS}add/", {**data, "registration": ana.pk}, **EN)
    assert full.status_code == 200
    assert form_errors(full.content.decode()) == [f"No room of Wuzhen Conference Center Hotel · King room has a free bed every night from {YEAR}-11-10 to {YEAR}-11-11."]
    assert not RoomStay.objects.filter(registration=ana).exists()
    empty = client.post(f"{STAYS}add/", {**data, "registration": ana.pk, "first_night": "", "last_night": ""}, **EN)
    assert form_errors(empty.content.decode()) == ["Enter the first and last night: Guest 1 has not given both an arrival and a departure to take them from."]

    moved = client.post(f"{STAYS}{stay.pk}/change/", {"first_night": f"{YEAR}-11-12", "last_night": f"{YEAR}-11-13", "shares_room": ""}, **EN)
    stay.refresh_from_db()
    assert moved.status_code == 302 and (stay.first_night, stay.last_night, [n.day for _r, n, _b in beds(stay)]) == (night(12), night(13), [12, 13])

    deleted = client.post(f"{STAYS}{stay.pk}/delete/", {"post": "yes"}, **EN)
    assert deleted.status_code == 302 and not RoomStay.objects.filter(pk=stay.pk).exists() and not RoomNight.objects.filter(stay_id=stay.pk).exists()


# -- the guest's section ----------------------------------------------------------------------------


def guest_section(client, registration, **headers) -> str | None:
    html = client.get(f"/editions/{YEAR}/registration/{registration.token}/", **headers).content.decode()
    found = re.search(r'<section class="hotel-stay".*?</section>', html, re.S)
    return found.group(0) if found else None


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_guest_sees_their_hotel_and_who_shares_the_room(client, edition, hotel, maria, django_assert_num_queries):
    assert guest_section(client, maria, **EN) is None
    twin = make_block(hotel, rooms=1, beds=2, zh="双床房", en="Twin room")
    stay = allocate(twin, maria, first=9, last=11, shares_room=True)
    assert text(guest_section(client, maria, **EN)) == (
        f"Hotel Hotel Wuzhen Conference Center Hotel Address 浙江省桐乡市乌镇镇子夜路1号 Room type Twin room Check-in date {YEAR}-11-09 "
        f"Check-out date {YEAR}-11-12 Nights 3 nights Room shared with Nobody yet: you agreed to share your room. "
        "The secretariat has booked this room for you. Write to the secretariat if your dates change."
    )
    allocate(twin, guest(edition, "li@example.org", name="Li Wei"), first=10, last=10, share_with=maria, shares_room=True)
    with django_assert_num_queries(2):
        section = hotels.hotel_section(maria)
    assert [(s.stay.pk, s.roommates, s.others, s.nights) for s in section.stays] == [(stay.pk, ("Li Wei",), 0, 3)]
    chinese = text(guest_section(client, maria, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "乌镇互联网国际会展中心酒店" in chinese and "双床房" in chinese and "Li Wei" in chinese
    # Someone put in the room without agreeing (outside the services) is never named.
    RoomStay.objects.filter(registration__name="Li Wei").update(shares_room=False)
    assert "Room shared with 1 other guest" in text(guest_section(client, maria, **EN))


# -- the change log ----------------------------------------------------------------------------------


def test_the_hotels_change_log_lists_the_stays_created_moved_and_cancelled(client, edition, hotel, block, maria, organizer):
    li = guest(edition, "li@example.org", name="Li Wei")
    other = make_block(make_hotel(edition, name_zh="乌镇西栅酒店", name_en="West Gate Hotel"))
    stay = hotels.stay_allocate(block, maria, first_night=night(10), last_night=night(11), actor=organizer)
    hotels.stay_move(stay, first_night=night(10), last_night=night(12), actor=organizer)
    hotels.stay_cancel(allocate(block, li), actor=organizer)
    allocate(other, guest(edition, "ana@example.org", name="Ana Costa"))  # another hotel's
    with translation.override("en"):
        changes = hotels.hotel_changes(hotel, since=hotels.start_of_day(date(2000, 1, 1)))
    assert [(c.action, c.guest, c.actor, c.details) for c in changes] == [
        ("created", "Maria Silva", "organizer-test", f"room: 1; first night: {YEAR}-11-10; last night: {YEAR}-11-11; agrees to share the room: no"),
        ("changed", "Maria Silva", "organizer-test", f"last night: {YEAR}-11-11 → {YEAR}-11-12"),
        ("created", "Li Wei", "", f"room: 2; first night: {YEAR}-11-10; last night: {YEAR}-11-11; agrees to share the room: no"),
        ("cancelled", "Li Wei", "organizer-test", f"room: 2; first night: {YEAR}-11-10; last night: {YEAR}-11-11; agrees to share the room: no"),
    ]
    assert hotels.hotel_changes(hotel, since=datetime.now(BEIJING) + timedelta(hours=1)) == []
    client.force_login(organizer)
    page = client.get(f"/admin/travel/hotel/{hotel.pk}/changes/?since={YEAR - 100}-01-01", **EN).content.decode()
    assert page.count("<tr data-stay=") == 4 and 'data-action="cancelled"' in page
    rows = list(csv.reader(io.StringIO(client.get(f"/admin/travel/hotel/{hotel.pk}/changes/?since={YEAR - 100}-01-01&format=csv", **EN).content.decode()[1:])))
    assert rows[0] == ["when (Beijing time)", "change", "stay", "guest", "by", "details"] and [r[1] for r in rows[1:]] == ["created", "changed", "created", "cancelled"]
