"""Issue 24, meals: travel.meals' services (every refusal with its code, field and status, nothing
saved after one), who eats each meal with exact numbers (a banquet's accepted invitations only, a
hotel's sleepers, the breakfast from the night before, a venue's guests on site by their Beijing
dates, the guests whose dates are unknown; pending, online, rejected and other editions' guests
never), the counts in a constant number of queries, the kitchen rows, the admin (the list's counts
in a constant number of queries, the meal's page, both CSVs exactly, the form's refusals beside
their fields) and the dashboard panel. The guest's page and the registration's fields are in
test_meals_pages.py."""
import csv
import io
import re
from datetime import date, datetime, time
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from registration.models import Invitation, Registration
from tests.factories import EditionFactory, SessionFactory, VenueFactory
from travel import meals
from travel.models import Hotel, Meal, RoomBlock, RoomNight, RoomStay, TravelLeg
from wic.errors import DomainError

from .support import YEAR, edition, organizer, refused  # noqa: F401

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


_seq = iter(range(1, 1_000_000))


def person(edition, name=None, status="approved", participation="on_site", **fields) -> Registration:
    """A registration written directly (any status, no email): what the counts read."""
    n = next(_seq)
    return Registration.objects.create(
        edition=edition, reference=f"MEAL{n:06d}", token=f"meal-token-{n:022d}", name=name or f"Guest {n}", email=f"meal{n}@example.org",
        organization_name="测试部 Test Ministry", country="FR", category="government", participation=participation, consent=True, status=status, **fields,
    )


def day(n: int) -> date:
    return date(YEAR, 11, n)


def at(n: int, hour: int = 12, minute: int = 0, tz=BEIJING) -> datetime:
    return datetime(YEAR, 11, n, hour, minute, tzinfo=tz)


def leg(registration, direction: str, when: datetime, **fields) -> TravelLeg:
    return TravelLeg.objects.create(
        registration=registration, direction=direction, scheduled_at=when, mode="flight", number="CA1701", hub="hangzhou_xiaoshan", **fields,
    )


def make_hotel(edition, name_zh="乌镇测试酒店", name_en="Wuzhen Test Hotel") -> Hotel:
    return Hotel.objects.create(edition=edition, name_zh=name_zh, name_en=name_en)


def make_block(hotel, zh="大床房", en="King room", rooms=10) -> RoomBlock:
    return RoomBlock.objects.create(hotel=hotel, room_type_zh=zh, room_type_en=en, rooms=rooms, guests_per_room=1, first_night=day(1), last_night=day(20))


_rooms = iter(range(1, 10_000))


def sleep(block, registration, *nights: int) -> RoomStay:
    """A stay written directly (a pending guest too: the counts must ignore what the services would refuse)."""
    room = next(_rooms) % block.rooms + 1
    stay = RoomStay.objects.create(block=block, registration=registration, room_number=room, first_night=day(min(nights)), last_night=day(max(nights)))
    RoomNight.objects.bulk_create(RoomNight(stay=stay, block=block, room_number=room, night=day(n), bed=1) for n in nights)
    return stay


def make_meal(edition, n: int, kind="lunch", *, venue=None, hotel=None, session=None, name_zh="午餐", name_en="Lunch", **fields) -> Meal:
    return Meal.objects.create(edition=edition, day=day(n), kind=kind, venue=venue, hotel=hotel, session=session, name_zh=name_zh, name_en=name_en, **fields)


def figures(count) -> tuple:
    """(total, halal, vegetarian, vegan, no pork, no special diet, allergies, dates unknown)."""
    d = count.diets
    return (count.total, d["halal"], d["vegetarian"], d["vegan"], d["no_pork"], d[""], count.allergies, count.unknown_dates)


# -- the guest's dietary needs ------------------------------------------------------------------------


def test_diet_save_refuses_with_its_code_and_field_and_keeps_what_was_saved(edition):
    guest = person(edition, diet="halal", allergies="花生")
    rejected = person(edition, status="rejected", diet="vegan")
    cases = {
        "unknown diet": (lambda: meals.diet_save(guest, diet="kosher", allergies=""), ("unknown_diet", "diet", 400)),
        "a label is not a value": (lambda: meals.diet_save(guest, diet="Halal", allergies=""), ("unknown_diet", "diet", 400)),
        "too long": (lambda: meals.diet_save(guest, diet="vegan", allergies="x" * 201), ("too_long", "allergies", 400)),
        "NUL": (lambda: meals.diet_save(guest, diet="vegan", allergies="peanuts\x00"), ("invalid_characters", "allergies", 400)),
        "control character": (lambda: meals.diet_save(guest, diet="vegan", allergies="pea\x07nuts"), ("invalid_characters", "allergies", 400)),
        "lone surrogate": (lambda: meals.diet_save(guest, diet="vegan", allergies="pea\ud800"), ("invalid_characters", "allergies", 400)),
        "rejected": (lambda: meals.diet_save(rejected, diet="halal", allergies=""), ("not_eligible", "registration", 409)),
    }
    assert {name: refused(call) for name, (call, _expected) in cases.items()} == {name: expected for name, (_call, expected) in cases.items()}
    assert list(Registration.objects.order_by("pk").values_list("diet", "allergies")) == [("halal", "花生"), ("vegan", "")]


def test_diet_save_keeps_the_needs_trimmed_on_one_line(edition):
    guest = person(edition)
    pending = person(edition, status="pending")
    meals.diet_save(guest, diet=" no_pork ", allergies="  shellfish,\n\tpeanuts  ")
    meals.diet_save(pending, diet="vegetarian", allergies="x" * 200)  # exactly the limit
    assert (guest.diet, guest.allergies) == ("no_pork", "shellfish, peanuts")
    assert list(Registration.objects.order_by("pk").values_list("diet", "allergies")) == [("no_pork", "shellfish, peanuts"), ("vegetarian", "x" * 200)]
    meals.diet_save(guest, diet="", allergies="")
    assert Registration.objects.filter(pk=guest.pk).values_list("diet", "allergies").get() == ("", "")


# -- a meal's checks ------------------------------------------------------------------------------------


def test_meal_check_refuses_each_bad_meal_naming_its_field(edition):
    venue, hotel = VenueFactory(), make_hotel(edition)
    banquet = SessionFactory(edition=edition, kind="banquet")
    other = EditionFactory(year=YEAR + 1)
    undated = EditionFactory(year=YEAR + 2, start_date=None, end_date=None)

    def check(**fields):
        values = {"edition": edition, "day": day(10), "kind": "lunch", "venue": venue}
        values.update(fields)
        return lambda: meals.meal_check(**values)

    cases = {
        "kind": (check(kind="supper"), ("unknown_kind", "kind", 400)),
        "no place": (check(venue=None), ("place_required", "venue", 400)),
        "two places": (check(hotel=hotel), ("two_places", "hotel", 400)),
        "banquet at a hotel": (check(venue=None, hotel=hotel, session=banquet), ("banquet_at_hotel", "session", 400)),
        "hotel of another edition": (check(venue=None, hotel=make_hotel(other)), ("hotel_other_edition", "hotel", 400)),
        "item of another edition": (check(session=SessionFactory(edition=other)), ("session_other_edition", "session", 400)),
        "no dates": (check(edition=undated), ("edition_has_no_dates", "day", 409)),
        "8 days before": (check(day=day(2)), ("day_out_of_range", "day", 400)),
        "8 days after": (check(day=day(20)), ("day_out_of_range", "day", 400)),
        "ends before it starts": (check(starts_at=time(12, 0), ends_at=time(11, 30)), ("times_out_of_order", "ends_at", 400)),
    }
    assert {name: refused(call) for name, (call, _expected) in cases.items()} == {name: expected for name, (_call, expected) in cases.items()}
    for fine in (check(day=day(3)), check(day=day(19)), check(venue=None, hotel=hotel, kind="breakfast"), check(session=banquet, kind="banquet")):
        fine()


# -- who eats --------------------------------------------------------------------------------------------


@pytest.fixture
def world(edition):
    """The guests of the counting rules (edition 11-10..11-12), their travel, stays and invitations.

    ana  halal        arrives 11-09 (scheduled 11-08, reported late), leaves 11-11; hotel H nights 09, 10 (block 2)
    ben  vegetarian   arrives 2090-11-10T17:00Z = 11-11 01:00 Beijing, no departure; hotel G night 11; allergy shellfish
    cai  (none)       no travel, no hotel: dates unknown; allergy peanuts
    dan  vegan        no travel, hotel H nights 10, 11 (block 1)
    eve  no pork      no arrival, leaves 11-10
    fay  (none)       arrives 11-12, leaves 11-14
    and, never counted: pen (pending), onl (online), rej (rejected), oth (another edition), each with an
    accepted invitation, a hotel night on 11-10 and no travel."""
    g = {
        "ana": person(edition, name="Ana", diet="halal"),
        "ben": person(edition, name="Ben", diet="vegetarian", allergies="shellfish"),
        "cai": person(edition, name="Cai", allergies="peanuts"),
        "dan": person(edition, name="Dan", diet="vegan"),
        "eve": person(edition, name="Eve", diet="no_pork"),
        "fay": person(edition, name="Fay"),
        "pen": person(edition, name="Pen", status="pending", diet="halal"),
        "onl": person(edition, name="Onl", participation="online", diet="halal"),
        "rej": person(edition, name="Rej", status="rejected", diet="halal"),
        "oth": person(EditionFactory(year=YEAR + 1), name="Oth", diet="halal"),
    }
    leg(g["ana"], "arrival", at(8, 10), delayed_to=at(9, 10))
    leg(g["ana"], "departure", at(11, 8))
    leg(g["ben"], "arrival", at(10, 17, tz=UTC))
    leg(g["eve"], "departure", at(10, 20))
    leg(g["fay"], "arrival", at(12, 9))
    leg(g["fay"], "departure", at(14, 9))
    hotel_h, hotel_g = make_hotel(edition), make_hotel(edition, name_zh="西栅测试客栈", name_en="Xizha Test Inn")
    block_1, block_2 = make_block(hotel_h), make_block(hotel_h, zh="双床房", en="Twin room")
    sleep(block_2, g["ana"], 9, 10)
    sleep(block_1, g["dan"], 10, 11)
    sleep(make_block(hotel_g), g["ben"], 11)
    for key in ("pen", "onl", "rej"):
        sleep(block_1, g[key], 10)
    venue = VenueFactory(name_zh="测试会展中心", name_en="Test Convention Center")
    banquet = SessionFactory(edition=edition, kind="banquet", title_zh="欢迎晚宴", title_en="Welcome banquet")
    other_item = SessionFactory(edition=edition, kind="banquet", title_zh="午宴", title_en="Luncheon")
    for key, rsvp in (("ana", "accepted"), ("ben", "declined"), ("cai", "awaiting"), ("dan", "accepted"), ("pen", "accepted"), ("onl", "accepted"), ("rej", "accepted")):
        Invitation.objects.create(registration=g[key], session=banquet, rsvp=rsvp)
    Invitation.objects.create(registration=g["eve"], session=other_item, rsvp="accepted")  # another item's
    return {"guests": g, "H": hotel_h, "G": hotel_g, "venue": venue, "banquet": banquet}


def test_who_eats_each_meal_by_the_rules(edition, world, in_english):
    venue, hotel_h, hotel_g = world["venue"], world["H"], world["G"]
    made = {
        "venue lunch 11-09 (before the summit)": make_meal(edition, 9, venue=venue),
        "venue lunch 11-10": make_meal(edition, 10, venue=venue),
        "venue dinner 11-11": make_meal(edition, 11, "dinner", venue=venue, name_zh="晚餐", name_en="Dinner"),
        "venue lunch 11-13 (after the summit)": make_meal(edition, 13, venue=venue),
        "H breakfast 11-10 (night of 09)": make_meal(edition, 10, "breakfast", hotel=hotel_h),
        "H breakfast 11-11 (night of 10)": make_meal(edition, 11, "breakfast", hotel=hotel_h),
        "H dinner 11-11 (night of 11)": make_meal(edition, 11, "dinner", hotel=hotel_h),
        "G breakfast 11-12 (night of 11)": make_meal(edition, 12, "breakfast", hotel=hotel_g),
        "G lunch 11-12 (night of 12)": make_meal(edition, 12, "lunch", hotel=hotel_g),
        "banquet 11-10": make_meal(edition, 10, "banquet", venue=venue, session=world["banquet"], starts_at=time(19, 0)),
    }
    make_meal(EditionFactory(year=YEAR + 3), 10, venue=venue)  # another edition's meal: not listed
    counts = {count.meal.pk: count for count in meals.meal_counts(edition)}
    #                                          total halal veg vegan nopork none allergies unknown
    assert {name: figures(counts[meal.pk]) for name, meal in made.items()} == {
        "venue lunch 11-09 (before the summit)": (1, 1, 0, 0, 0, 0, 0, 0),  # ana only: legs cover it
        "venue lunch 11-10": (4, 1, 0, 1, 1, 1, 1, 1),  # ana, cai (unknown), dan, eve; not ben (arrives 11-11 Beijing), not fay
        "venue dinner 11-11": (4, 1, 1, 1, 0, 1, 2, 1),  # ana (leaves that day), ben, cai, dan
        "venue lunch 11-13 (after the summit)": (1, 0, 0, 0, 0, 1, 0, 0),  # fay only
        "H breakfast 11-10 (night of 09)": (1, 1, 0, 0, 0, 0, 0, 0),  # ana
        "H breakfast 11-11 (night of 10)": (2, 1, 0, 1, 0, 0, 0, 0),  # ana and dan, in two blocks of H
        "H dinner 11-11 (night of 11)": (1, 0, 0, 1, 0, 0, 0, 0),  # dan
        "G breakfast 11-12 (night of 11)": (1, 0, 1, 0, 0, 0, 1, 0),  # ben
        "G lunch 11-12 (night of 12)": (0, 0, 0, 0, 0, 0, 0, 0),
        "banquet 11-10": (2, 1, 0, 1, 0, 0, 0, 0),  # ana and dan accepted; ben declined, cai awaiting
    }
    assert [count.meal.pk for count in meals.meal_counts(edition)] == [
        made[name].pk for name in (
            "venue lunch 11-09 (before the summit)", "H breakfast 11-10 (night of 09)", "venue lunch 11-10", "banquet 11-10",
            "H breakfast 11-11 (night of 10)", "venue dinner 11-11", "H dinner 11-11 (night of 11)", "G breakfast 11-12 (night of 11)",
            "G lunch 11-12 (night of 12)", "venue lunch 11-13 (after the summit)",
        )
    ]  # by day, then time (a meal without one at its kind's usual time), then kind
    assert counts[made["banquet 11-10"].pk].special == [("halal", "Halal", 1), ("vegan", "Vegan", 1)]


def test_a_guest_counts_once_their_dates_are_known(edition, world):
    lunch = make_meal(edition, 12, venue=world["venue"])
    cai = world["guests"]["cai"]
    assert figures(meals.counts_for([lunch])[lunch.pk])[0::7] == (4, 1)  # ben, cai (unknown), dan, fay
    leg(cai, "departure", at(11, 18))
    assert figures(meals.counts_for([lunch])[lunch.pk])[0::7] == (3, 0)  # cai left on 11-11
    Registration.objects.filter(pk=world["guests"]["dan"].pk).update(participation="online")
    assert figures(meals.counts_for([lunch])[lunch.pk])[0::7] == (2, 0)


def test_the_kitchen_rows_list_the_guests_with_a_need_by_diet_then_name(edition, world, in_english):
    dinner = make_meal(edition, 11, "dinner", venue=world["venue"])
    Registration.objects.filter(pk=world["guests"]["dan"].pk).update(allergies="sesame")
    rows = meals.kitchen_rows(Meal.objects.get(pk=dinner.pk))
    assert [(r.name, r.organization, r.diet, r.diet_label, r.allergies) for r in rows] == [
        ("Ana", "测试部 Test Ministry", "halal", "Halal", ""),
        ("Ben", "测试部 Test Ministry", "vegetarian", "Vegetarian", "shellfish"),
        ("Dan", "测试部 Test Ministry", "vegan", "Vegan", "sesame"),
        ("Cai", "测试部 Test Ministry", "", "", "peanuts"),
    ]


# -- queries ------------------------------------------------------------------------------------------------


def _meals_and_guests(edition, kind: str, meals_n: int, guests_n: int) -> None:
    venue, hotel = VenueFactory(), make_hotel(edition)
    block = make_block(hotel, rooms=50)
    banquet = SessionFactory(edition=edition, kind="banquet")
    for n in range(guests_n):
        registration = person(edition, diet=("halal", "vegan", "")[n % 3], allergies="peanuts" if n % 4 == 0 else "")
        if n % 2:
            leg(registration, "arrival", at(10, 9))
            sleep(block, registration, 10, 11)
        Invitation.objects.create(registration=registration, session=banquet, rsvp="accepted" if n % 2 else "declined")
    for n in range(meals_n):
        chosen = kind if kind != "mixed" else ("venue", "hotel", "banquet")[n % 3]
        if chosen == "venue":
            make_meal(edition, 10 + n % 3, venue=venue)
        elif chosen == "hotel":
            make_meal(edition, 10 + n % 3, "breakfast", hotel=hotel)
        else:
            make_meal(edition, 10 + n % 3, "banquet", venue=venue, session=banquet)


@pytest.mark.parametrize("meals_n, guests_n", [(1, 2), (10, 20)])
@pytest.mark.parametrize("kind, queries", [("venue", 2), ("hotel", 3), ("banquet", 3), ("mixed", 4)])
def test_the_counts_take_a_constant_number_of_queries(edition, kind, queries, meals_n, guests_n, django_assert_num_queries):
    _meals_and_guests(edition, kind, meals_n if kind != "mixed" else max(meals_n, 3), guests_n)
    with django_assert_num_queries(queries):  # the meals, the guests, the hotel nights, the invitations
        counts = meals.meal_counts(edition)
    assert len(counts) == (meals_n if kind != "mixed" else max(meals_n, 3))
    with django_assert_num_queries(queries):
        meals.meals_panel(edition)


# -- the admin -------------------------------------------------------------------------------------------------

URL = "/admin/travel/meal/"


@pytest.fixture
def admin(client, organizer):
    client.force_login(organizer)
    return client


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def list_rows(html: str) -> list[list[str]]:
    body = re.search(r'<table id="result_list">.*?<tbody>(.*?)</tbody>', html, re.DOTALL).group(1)
    return [[text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)][1:] for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)]


def test_the_list_shows_each_meals_counts(admin, edition, world):
    venue = world["venue"]
    make_meal(edition, 11, "dinner", venue=venue, name_zh="晚餐", name_en="Dinner", starts_at=time(18, 0), ends_at=time(20, 0))
    make_meal(edition, 11, "breakfast", hotel=world["H"], name_zh="早餐", name_en="", starts_at=time(7, 0))
    make_meal(edition, 10, "banquet", venue=venue, session=world["banquet"], name_zh="欢迎晚宴", name_en="Welcome banquet")
    html = admin.get(f"{URL}?edition__id__exact={edition.pk}", **EN).content.decode()
    #  day, meal, name, place, time, guests, halal, vegetarian, vegan, no pork, allergies
    assert list_rows(html) == [
        [f"{YEAR}-11-10", "Banquet", "Welcome banquet", "Test Convention Center", "—", "2", "1", "0", "1", "0", "0"],
        [f"{YEAR}-11-11", "Breakfast", "早餐", "Wuzhen Test Hotel", "07:00", "2", "1", "0", "1", "0", "0"],
        [f"{YEAR}-11-11", "Dinner", "Dinner", "Test Convention Center", "18:00–20:00", "4", "1", "1", "1", "0", "2"],
    ]
    chinese = admin.get(f"{URL}?edition__id__exact={edition.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "测试会展中心" in chinese and "乌镇测试酒店" in chinese and "晚餐" in chinese
    by_day = admin.get(f"{URL}?day={YEAR}-11-11&kind__exact=dinner", **EN).content.decode()
    assert [row[2] for row in list_rows(by_day)] == ["Dinner"]
    assert f"day={YEAR}-11-10" in by_day  # the day filter lists the meals' days


LIST_QUERIES = 12  # whatever the number of meals: session, user, permissions (2), the edition and day filters, 2 counts, the page, the guests, the hotel nights, the invitations


@pytest.mark.parametrize("meals_n, guests_n", [(3, 2), (10, 20)])
def test_the_list_takes_a_constant_number_of_queries(admin, edition, meals_n, guests_n, django_assert_num_queries):
    _meals_and_guests(edition, "mixed", meals_n, guests_n)
    with django_assert_num_queries(LIST_QUERIES):
        response = admin.get(f"{URL}?edition__id__exact={edition.pk}", **EN)
    assert response.status_code == 200 and response.content.decode().count('class="action-checkbox"') == meals_n


def test_the_meal_page_shows_the_breakdown_and_the_kitchen_list(admin, edition, world):
    dinner = make_meal(edition, 11, "dinner", venue=world["venue"], name_zh="晚餐", name_en="Dinner")
    page = admin.get(f"{URL}{dinner.pk}/change/", **EN)
    html = page.content.decode()
    assert page.status_code == 200
    breakdown = re.search(r'<table class="meal-breakdown">.*?</table>', html, re.DOTALL).group(0)
    assert re.findall(r'<td data-diet="([a-z_]+)">(\d+)</td>', breakdown) == [
        ("total", "4"), ("none", "1"), ("halal", "1"), ("vegetarian", "1"), ("vegan", "1"), ("no_pork", "0"), ("allergies", "2"),
    ]
    assert '<p class="help" data-unknown="1">1 of them has given neither an arrival, a departure nor a hotel night' in html
    kitchen = re.search(r'<table class="meal-kitchen">.*?</table>', html, re.DOTALL).group(0)
    assert [text(row) for row in re.findall(r"<tr>(.*?)</tr>", kitchen.split("<tbody>")[1], re.DOTALL)] == [
        "Ana 测试部 Test Ministry Halal —", "Ben 测试部 Test Ministry Vegetarian shellfish", "Dan 测试部 Test Ministry Vegan —", "Cai 测试部 Test Ministry — peanuts",
    ]
    assert f'<a href="/admin/travel/meal/{dinner.pk}/kitchen.csv" class="export-link" data-link="kitchen-csv">Kitchen sheet (CSV)</a>' in html
    assert admin.get(f"{URL}add/", **EN).status_code == 200


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_kitchen_sheet_and_the_counts_csv(admin, edition, world):
    Registration.objects.filter(pk=world["guests"]["cai"].pk).update(allergies="=peanuts", name_zh="蔡")  # typed by the guest: never a formula
    dinner = make_meal(edition, 11, "dinner", venue=world["venue"], name_zh="晚餐", name_en="Dinner", starts_at=time(18, 0), ends_at=time(20, 0))
    breakfast = make_meal(edition, 11, "breakfast", hotel=world["H"], name_zh="早餐", name_en="Breakfast")
    kitchen = admin.get(f"{URL}{dinner.pk}/kitchen.csv", **EN)
    assert kitchen["Content-Disposition"] == f'attachment; filename="kitchen-{YEAR}-11-11-dinner-{dinner.pk}.csv"'
    assert read_csv(kitchen) == [
        ["name", "name in Chinese", "organization", "dietary needs", "food allergies"],
        ["Ana", "", "测试部 Test Ministry", "Halal", ""],
        ["Ben", "", "测试部 Test Ministry", "Vegetarian", "shellfish"],
        ["Dan", "", "测试部 Test Ministry", "Vegan", ""],
        ["Cai", "蔡", "测试部 Test Ministry", "", "'=peanuts"],
    ]
    exported = admin.post(URL, {"action": "counts_csv", "_selected_action": [dinner.pk, breakfast.pk]}, **EN)
    assert exported["Content-Disposition"] == 'attachment; filename="meal-counts.csv"'
    assert read_csv(exported) == [
        ["day", "time (Beijing time)", "meal", "name", "place", "guests", "No special diet", "Halal", "Vegetarian", "Vegan", "No pork", "with a food allergy"],
        [f"{YEAR}-11-11", "", "Breakfast", "Breakfast", "Wuzhen Test Hotel", "2", "0", "1", "0", "1", "0", "0"],
        [f"{YEAR}-11-11", "18:00–20:00", "Dinner", "Dinner", "Test Convention Center", "4", "1", "1", "1", "1", "0", "2"],
    ]
    assert admin.get(f"{URL}999999/kitchen.csv", **EN).status_code == 404


def form_errors(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", e).strip()) for e in re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.DOTALL)]


def test_the_meal_form_refuses_beside_the_field_and_saves_nothing(admin, edition, world):
    venue, hotel = world["venue"], world["H"]
    data = {"edition": edition.pk, "day": f"{YEAR}-11-11", "kind": "lunch", "name_zh": "午餐", "name_en": "Lunch", "starts_at": "", "ends_at": "", "venue": venue.pk, "hotel": "", "session": ""}
    cases = {
        "two places": ({"hotel": hotel.pk}, "hotel", "two_places", "A meal is served at a venue or at a hotel, not both: clear one of them."),
        "banquet at a hotel": (
            {"venue": "", "hotel": hotel.pk, "session": world["banquet"].pk, "kind": "banquet"}, "session", "banquet_at_hotel",
            "A banquet with an invitation-only agenda item is served at a venue: choose the venue instead of the hotel, or clear the agenda item.",
        ),
        "day out of range": ({"day": f"{YEAR}-11-20"}, "day", "day_out_of_range", f"The summit runs from {YEAR}-11-10 to {YEAR}-11-12: a meal's day may be at most 7 days before or after."),
        "no place": ({"venue": ""}, "venue", "place_required", "Choose where the meal is served: a venue or a hotel."),
    }
    for name, (changes, field, code, sentence) in cases.items():
        response = admin.post(f"{URL}add/", {**data, **changes}, **EN)
        html = response.content.decode()
        assert response.status_code == 200, name
        assert form_errors(html) == [sentence], name
        assert f'<ul class="errorlist" id="id_{field}_error">' in html, name
        assert [e.code for e in response.context["adminform"].form.errors.as_data()[field]] == [code], name
    assert not Meal.objects.exists()
    saved = admin.post(f"{URL}add/", data, **EN)
    assert saved.status_code == 302 and Meal.objects.get().venue_id == venue.pk
    meal = Meal.objects.get()
    changed = admin.post(f"{URL}{meal.pk}/change/", {**data, "hotel": hotel.pk}, **EN)
    assert changed.status_code == 200 and form_errors(changed.content.decode()) == [cases["two places"][3]]
    assert Meal.objects.filter(pk=meal.pk, venue=venue, hotel__isnull=True).exists()


# -- the dashboard ----------------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_meals_panel(admin, edition, world):
    venue = world["venue"]
    dinner = make_meal(edition, 11, "dinner", venue=venue, name_zh="晚餐", name_en="Dinner", starts_at=time(18, 0), ends_at=time(20, 0))
    breakfast = make_meal(edition, 11, "breakfast", hotel=world["G"], name_zh="早餐", name_en="Breakfast", starts_at=time(7, 0))
    banquet = make_meal(edition, 10, "banquet", venue=venue, session=world["banquet"], name_zh="欢迎晚宴", name_en="Welcome banquet")
    html = admin.get(f"/admin/dashboard/{YEAR}/", **EN).content.decode()
    panel = re.search(r'<section class="module wic-panel" id="panel-meals".*?</section>', html, re.DOTALL).group(0)
    assert re.findall(r'<dd data-figure="([a-z-]+)">(\d+)</dd>', panel) == [
        ("meals", "3"), ("meal-guests", "6"), ("with-diet", "4"), ("with-allergies", "2"), ("dates-unknown", "1"),
    ]
    assert re.findall(r'<tbody data-day="([0-9-]+)">', panel) == [f"{YEAR}-11-10", f"{YEAR}-11-11"]
    rows = {int(pk): text(row) for pk, row in re.findall(r'<tr data-meal="(\d+)">(.*?)</tr>', panel, re.DOTALL)}
    assert rows == {
        banquet.pk: "Welcome banquet Banquet · Test Convention Center Halal 1 · Vegan 1 2",
        breakfast.pk: "Breakfast Breakfast · 07:00 · Xizha Test Inn 0",  # nobody slept at G on 11-10
        dinner.pk: "Dinner Dinner · 18:00–20:00 · Test Convention Center Halal 1 · Vegetarian 1 · Vegan 1 · Allergies 2 Counted: 1 guest without known dates 4",
    }
    assert 'class="wic-table-scroll" tabindex="0" role="region" aria-label="Guests per meal, with their dietary needs"' in panel
    assert f'href="/admin/travel/meal/?edition__id__exact={edition.pk}" data-link="meals"' in panel


def test_the_dashboard_panel_of_an_edition_without_meals(admin, edition):
    html = admin.get(f"/admin/dashboard/{YEAR}/", **EN).content.decode()
    panel = re.search(r'<section class="module wic-panel" id="panel-meals".*?</section>', html, re.DOTALL).group(0)
    assert '<p class="wic-quiet" data-figure="meals-none">No meals are planned for this edition yet.</p>' in panel


def test_the_database_constraint_backs_the_check(edition):
    """The database's constraint still backs meal_check: a row written around it is refused."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_meal(edition, 10, venue=VenueFactory(), hotel=make_hotel(edition))
    with pytest.raises(DomainError):
        meals.meal_check(edition=edition, day=day(10), kind="lunch", venue=VenueFactory(), hotel=make_hotel(edition, name_zh="另一家"))


# -- the demo ----------------------------------------------------------------------------------------------


def test_the_demo_gives_three_guests_their_needs_and_plans_the_meals_once(db):
    from protocol.demo import _guests as protocol_demo_guests
    from travel.demo import seed_demo_travel
    from travel.demo_meals import seed_demo_meals

    demo = EditionFactory(year=YEAR + 2, start_date=date(YEAR + 2, 11, 16), end_date=date(YEAR + 2, 11, 19), is_demo=True, main_venue=VenueFactory(name_zh="乌镇互联网国际会展中心（测试）"))
    banquet = SessionFactory(
        edition=demo, key="demo-banquet", kind="banquet", title_zh="欢迎晚宴（演示，凭请柬）", hall=None, board=None,
        start=datetime(YEAR + 2, 11, 16, 19, 0, tzinfo=BEIJING), end=datetime(YEAR + 2, 11, 16, 20, 30, tzinfo=BEIJING),
    )
    protocol_demo_guests(demo)
    seed_demo_travel(demo, password="unused")
    seed_demo_meals(demo, password="unused")

    def state():
        return (
            sorted(Registration.objects.filter(edition=demo).exclude(diet="", allergies="").values_list("email", "diet", "allergies")),
            sorted(Meal.objects.filter(edition=demo).values_list("pk", "day", "kind", "name_zh", "name_en", "starts_at", "ends_at", "venue__name_zh", "hotel__name_en", "session_id")),
        )

    needs, planned = state()
    assert needs == [
        ("protocol-gov-head@demo.wic-summit.example", "halal", ""),
        ("protocol-gov-interpreter@demo.wic-summit.example", "", "花生 peanuts"),
        ("protocol-org-head@demo.wic-summit.example", "vegetarian", ""),
    ]
    Registration.objects.filter(email="protocol-org-head@demo.wic-summit.example").update(diet="vegan")  # the guest changed it meanwhile
    seed_demo_meals(demo, password="unused")
    assert state() == ([*needs[:2], ("protocol-org-head@demo.wic-summit.example", "vegan", "")], planned)  # idempotent, the guest's choice kept
    venue = "乌镇互联网国际会展中心（测试）"
    assert len(planned) == 13  # 4 days: a breakfast in each of the 2 hotels and a lunch; the banquet
    assert sorted({(kind, place or hotel) for _pk, _day, kind, _zh, _en, _start, _end, place, hotel, _item in planned}) == [
        ("banquet", venue), ("breakfast", "Demo Wuzhen Conference Hotel"), ("breakfast", "Demo Xizha Guesthouse"), ("lunch", venue),
    ]
    assert sorted({day.day for _pk, day, *_rest in planned}) == [16, 17, 18, 19]
    assert [(day.day, start, end, place, item) for _pk, day, kind, _zh, _en, start, end, place, _hotel, item in planned if kind == "banquet"] == [
        (16, time(19, 0), time(20, 30), venue, banquet.pk),
    ]
    assert all("演示" in zh and "(demo)" in en for _pk, _day, _kind, zh, en, *_rest in planned)
