"""Issue 24, the admin of shuttle loops: the list (name in the admin's language, days, hours,
interval, stops counted: the same number of queries with 1 and 6 loops), the change page with the
first day's timetable, a loop added with its stops inline, every refusal of the loop's form and of
its stops shown as the service's sentence with its code (nothing saved), and stops that swap
places or go saved without the database's constraint ever refusing them."""
import html as html_lib
import re
from datetime import time, timedelta

import pytest

from tests.factories import EditionFactory
from travel.models import ShuttleLoop, ShuttleStop

from .support import END, START, YEAR, edition, organizer  # noqa: F401
from .test_shuttles import hotel, loop, make_hotel, make_loop, venue  # noqa: F401

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LOOPS = "/admin/travel/shuttleloop/"


def errors(html: str) -> list[str]:
    """The error sentences of the page, in order (fields' and the stops' formset's)."""
    return [html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", item).split())) for block in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.DOTALL) for item in re.findall(r"<li>(.*?)</li>", block, re.DOTALL)]


def stops_errors(response) -> list[tuple[str, str]]:
    """(code, sentence) of the stops' formset's own errors."""
    formset = response.context["inline_admin_formsets"][0].formset
    return [(error.code, error.message) for error in formset.non_form_errors().as_data()]


def loop_data(edition, stops, **overrides) -> dict:
    """The add or change form's POST: the loop's fields, then `stops` as (id, position, minutes,
    place, delete) where place is {"hotel": pk} / {"venue": pk} / {"name_zh": ..., "name_en": ...}."""
    data = {
        "edition": edition.pk, "name_zh": "会场环线", "name_en": "Venue loop", "first_day": START.isoformat(), "last_day": END.isoformat(),
        "first_departure": "07:00", "last_departure": "22:00", "every_minutes": "15",
        "stops-TOTAL_FORMS": str(len(stops)), "stops-INITIAL_FORMS": str(sum(1 for s in stops if s[0])), "stops-MIN_NUM_FORMS": "0", "stops-MAX_NUM_FORMS": "1000",
    }
    for n, (pk, position, minutes, place, delete) in enumerate(stops):
        row = {"id": pk or "", "position": position, "minutes": minutes, "hotel": "", "venue": "", "name_zh": "", "name_en": "", **place}
        if delete:
            row["DELETE"] = "on"
        data.update({f"stops-{n}-{name}": value for name, value in row.items()})
    data.update(overrides)
    return data


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_takes_a_constant_number_of_queries(client, edition, hotel, venue, organizer, count, django_assert_num_queries):
    for n in range(count):
        make_loop(edition, [(0, hotel), (10, venue), (20, hotel)], name_zh=f"环线{n}", name_en=f"Loop {n}", every=15 + n)
    client.force_login(organizer)
    with django_assert_num_queries(8):  # session, user, permissions (2), the edition filter, 2 counts, the page
        response = client.get(LOOPS, **EN)
    html = response.content.decode()
    assert response.status_code == 200 and html.count('class="action-checkbox"') == count
    listing = html[html.index('id="result_list"'):]
    row = next(row for row in re.findall(r"<tr>(.*?)</tr>", listing, re.DOTALL) if "Loop 0<" in row)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)][1:]
    assert cells == ["Loop 0", f"{YEAR}", f"{YEAR}-11-10 – {YEAR}-11-12", "07:00–22:00", "15 min", "3"]


def test_the_change_page_shows_the_first_days_timetable(client, loop, organizer):
    client.force_login(organizer)
    response = client.get(f"{LOOPS}{loop.pk}/change/", **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<table class="shuttle-timetable" data-day="{YEAR}-11-10">' in html
    assert f"<caption>{YEAR}-11-10: 61 departures (Beijing time), the same every day</caption>" in html
    rows = re.findall(r'<tr data-stop="(\d)"><th scope="row">(.*?)</th><td>(\d+)</td><td>(.*?)</td></tr>', html)
    assert [(position, name, minutes, times.split()[:2], times.split()[-1], len(times.split())) for position, name, minutes, times in rows] == [
        ("1", "1. Wuzhen Conference Hotel", "0", ["07:00", "07:15"], "22:00", 61),
        ("2", "2. Wuzhen Internet International Convention Center (test)", "10", ["07:10", "07:25"], "22:10", 61),
        ("3", "3. Wuzhen Conference Hotel", "20", ["07:20", "07:35"], "22:20", 61),
    ]
    assert client.get(f"{LOOPS}add/", **EN).status_code == 200
    bare = ShuttleLoop.objects.create(edition=loop.edition, name_zh="无站", first_day=START, last_day=END, first_departure=time(7), last_departure=time(8), every_minutes=30)
    page = client.get(f"{LOOPS}{bare.pk}/change/", **EN).content.decode()
    assert "No departure: add the loop's stops, then its timetable shows here." in page


def test_a_loop_is_added_with_its_stops(client, edition, hotel, venue, organizer):
    client.force_login(organizer)
    stops = [(None, 1, 0, {"hotel": hotel.pk}, False), (None, 2, 10, {"venue": venue.pk}, False), (None, 3, 16, {"name_zh": "北门", "name_en": "North gate"}, False)]
    response = client.post(f"{LOOPS}add/", loop_data(edition, stops), **EN)
    assert response.status_code == 302, errors(response.content.decode())
    loop = ShuttleLoop.objects.get()
    assert (loop.name_en, loop.first_departure, loop.last_departure, loop.every_minutes) == ("Venue loop", time(7), time(22), 15)
    assert [(s.position, s.minutes, s.hotel_id, s.venue_id, s.name_en) for s in loop.stops.all()] == [
        (1, 0, hotel.pk, None, ""), (2, 10, None, venue.pk, ""), (3, 16, None, None, "North gate"),
    ]


def test_the_loops_refusals_show_beside_their_fields(client, edition, hotel, venue, organizer):
    client.force_login(organizer)
    stops = [(None, 1, 0, {"hotel": hotel.pk}, False), (None, 2, 10, {"venue": venue.pk}, False)]
    cases = [
        ({"last_day": (START - timedelta(days=1)).isoformat()}, "last_day", "days_out_of_order",
         f"The last day ({YEAR}-11-09) is before the first day ({YEAR}-11-10): correct the days the shuttle runs."),
        ({"last_day": (END + timedelta(days=8)).isoformat()}, "last_day", "days_out_of_range",
         f"A shuttle runs from {YEAR}-11-03 to {YEAR}-11-19 at the most (the summit, {YEAR}-11-10 to {YEAR}-11-12, and 7 days around it): {YEAR}-11-20 is outside."),
        ({"last_departure": "06:00"}, "last_departure", "times_out_of_order",
         "The last departure (06:00) is before the first (07:00): a loop runs within one day, so correct the times."),
        ({"every_minutes": "300"}, "every_minutes", "invalid_interval", "A shuttle leaves every 5 to 240 minutes, not every 300 minutes."),
    ]
    for overrides, field, code, sentence in cases:
        response = client.post(f"{LOOPS}add/", loop_data(edition, stops, **overrides), **EN)
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert [(e.code, e.message) for e in form.errors.as_data()[field]] == [(code, sentence)], overrides
        assert errors(response.content.decode()) == [sentence]
    assert not ShuttleLoop.objects.exists()


def test_the_stops_refusals_show_above_the_stops_and_nothing_is_saved(client, edition, hotel, venue, organizer):
    client.force_login(organizer)
    elsewhere = make_hotel(EditionFactory(), name_zh="别处酒店", name_en="Elsewhere Hotel")
    hotel_stop, venue_stop = (None, 1, 0, {"hotel": hotel.pk}, False), (None, 2, 10, {"venue": venue.pk}, False)
    cases = [
        ([hotel_stop], "too_few_stops", "A shuttle loop has at least 2 stops, and this one has 1: add the places it serves, in order."),
        ([hotel_stop, (None, 2, 10, {"venue": venue.pk}, False), (None, 3, 20, {}, False)], "stop_place_required",
         "Stop 3 has no place: choose a hotel or a venue, or type the place's name in Chinese."),
        ([hotel_stop, (None, 2, 10, {"venue": venue.pk, "hotel": hotel.pk}, False)], "stop_two_places", "Stop 2 is at a hotel and at a venue: choose one of them."),
        ([hotel_stop, (None, 1, 10, {"venue": venue.pk}, False)], "stops_out_of_order", "Two stops have the order 1: give each stop its own place in the order."),
        ([(None, 1, 3, {"hotel": hotel.pk}, False), venue_stop], "stops_out_of_order",
         "The first stop (Wuzhen Conference Hotel) is where the bus leaves from: its minutes after departure are 0, not 3."),
        ([hotel_stop, venue_stop, (None, 3, 10, {"hotel": hotel.pk}, False)], "stops_out_of_order",
         "Stop 3 (Wuzhen Conference Hotel) is reached 10 minutes after departure, not later than the stop before it (10 minutes): the minutes must increase with the order."),
    ]
    for stops, code, sentence in cases:
        response = client.post(f"{LOOPS}add/", loop_data(edition, stops), **EN)
        assert response.status_code == 200
        assert stops_errors(response) == [(code, sentence)], code
        assert errors(response.content.decode()) == [sentence]
    # A hotel of another edition is not even offered on the loop's page; the add page offers all
    # (by edition) and the formset refuses it.
    response = client.post(f"{LOOPS}add/", loop_data(edition, [(None, 1, 0, {"hotel": elsewhere.pk}, False), venue_stop]), **EN)
    assert stops_errors(response) == [("hotel_of_another_edition", "Stop 1: Elsewhere Hotel is a hotel of another edition. Choose one of this edition's hotels.")]
    assert (ShuttleLoop.objects.count(), ShuttleStop.objects.count()) == (0, 0)


def test_stops_swap_places_and_go_without_a_constraint_refusing(client, edition, hotel, venue, organizer):
    other = make_hotel(edition, name_zh="西栅民宿", name_en="Xizha Guesthouse")
    loop = make_loop(edition, [(0, hotel), (10, venue), (20, other)])
    first, second, third = loop.stops.all()
    client.force_login(organizer)
    page = client.get(f"{LOOPS}{loop.pk}/change/", **EN).content.decode()
    assert f'<option value="{other.pk}">Xizha Guesthouse ({YEAR})</option>' in page
    # The venue first, the hotel after it; the guesthouse goes; a new named stop takes order 3.
    stops = [
        (first.pk, 2, 10, {"hotel": hotel.pk}, False), (second.pk, 1, 0, {"venue": venue.pk}, False),
        (third.pk, 3, 20, {"hotel": other.pk}, True), (None, 3, 25, {"name_zh": "北门"}, False),
    ]
    response = client.post(f"{LOOPS}{loop.pk}/change/", loop_data(edition, stops), **EN)
    assert response.status_code == 302, errors(response.content.decode())
    assert [(s.position, s.minutes, s.pk in (first.pk, second.pk)) for s in loop.stops.all()] == [(1, 0, True), (2, 10, True), (3, 25, False)]
    assert loop.stops.first().venue_id == venue.pk and not ShuttleStop.objects.filter(pk=third.pk).exists()


def test_stops_changed_meanwhile_are_not_overwritten(client, edition, hotel, venue, organizer):
    loop = make_loop(edition, [(0, hotel), (10, venue)])
    first, second = loop.stops.all()
    ShuttleStop.objects.create(loop=loop, position=3, minutes=20, hotel=hotel)  # another organizer, after the page was drawn
    client.force_login(organizer)
    stops = [(first.pk, 1, 0, {"hotel": hotel.pk}, False), (second.pk, 2, 10, {"venue": venue.pk}, False), (None, 3, 15, {"name_zh": "北门"}, False)]
    response = client.post(f"{LOOPS}{loop.pk}/change/", loop_data(edition, stops), **EN)
    assert stops_errors(response) == [("stops_changed", "Someone changed this loop's stops meanwhile: reload the page and make your changes again.")]
    assert loop.stops.count() == 3 and not loop.stops.filter(name_zh="北门").exists()
