"""Issue 24, shuttle loops: travel.shuttles' timetables (the exact times, the last departure on
last_departure, one off the interval never reached, Beijing wall-clock time across days, none
outside the loop's days), the loops at a guest's hotels, every refusal of loop_check and
stops_check (code, field, status; nothing saved by loop_create after one), the demo's loops
(idempotent), and the public timetable page in both languages, its query count the same with one
loop of two stops and with three loops of five."""
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from agenda.models import Venue
from tests.factories import EditionFactory, VenueFactory
from travel import shuttles
from travel.models import Hotel, ShuttleLoop, ShuttleStop
from wic.errors import DomainError

from .support import END, START, YEAR, edition, refused  # noqa: F401

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PAGE = f"/editions/{YEAR}/shuttles/"


def at(day: int, hhmm: str, month: int = 11) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime(YEAR, month, day, hours, minutes, tzinfo=BEIJING)


def make_hotel(edition, name_zh="乌镇会议酒店", name_en="Wuzhen Conference Hotel") -> Hotel:
    return Hotel.objects.create(edition=edition, name_zh=name_zh, name_en=name_en)


def make_venue(name_zh="乌镇互联网国际会展中心（测试）", name_en="Wuzhen Internet International Convention Center (test)") -> Venue:
    return VenueFactory(name_zh=name_zh, name_en=name_en)


def make_loop(edition, stops, *, name_zh="会场环线", name_en="Venue loop", first_day=START, last_day=END, first="07:00", last="22:00", every=15) -> ShuttleLoop:
    """A loop through travel.shuttles.loop_create; `stops` are (minutes, place) with place a Hotel,
    a Venue or a (name_zh, name_en) pair, numbered 1, 2, ... in the order given."""
    rows = []
    for position, (minutes, place) in enumerate(stops, start=1):
        row = {"position": position, "minutes": minutes}
        if isinstance(place, Hotel):
            row["hotel"] = place
        elif isinstance(place, Venue):
            row["venue"] = place
        else:
            row["name_zh"], row["name_en"] = place
        rows.append(row)
    return shuttles.loop_create(
        edition, name_zh=name_zh, name_en=name_en, first_day=first_day, last_day=last_day,
        first_departure=time.fromisoformat(first), last_departure=time.fromisoformat(last), every_minutes=every, stops=rows,
    )


@pytest.fixture
def hotel(edition):
    return make_hotel(edition)


@pytest.fixture
def venue(db):
    return make_venue()


@pytest.fixture
def loop(edition, hotel, venue):
    return make_loop(edition, [(0, hotel), (10, venue), (20, hotel)])


def hhmm(moments) -> list[str]:
    return [moment.astimezone(BEIJING).strftime("%H:%M") for moment in moments]


# -- timetables -------------------------------------------------------------------------------------


def test_the_timetable_runs_from_the_first_to_the_last_departure_included(loop):
    departures = shuttles.timetable(loop, date(YEAR, 11, 11))
    assert len(departures) == 61  # 07:00 to 22:00 every 15 minutes
    assert (departures[0].at, departures[1].at, departures[-1].at) == (at(11, "07:00"), at(11, "07:15"), at(11, "22:00"))
    assert [(call.stop.position, call.at) for call in departures[-1].calls] == [(1, at(11, "22:00")), (2, at(11, "22:10")), (3, at(11, "22:20"))]
    assert all(d.at.tzinfo == BEIJING and d.at.utcoffset() == timedelta(hours=8) for d in departures)
    assert departures[0].at.isoformat() == f"{YEAR}-11-11T07:00:00+08:00"
    # Each day has the same wall-clock times (Beijing keeps no daylight saving time).
    assert [hhmm(d.at for d in shuttles.timetable(loop, day)) for day in (START, END)] == [hhmm(d.at for d in departures)] * 2


def test_a_last_departure_off_the_interval_is_never_reached_and_a_late_stop_passes_midnight(edition, hotel, venue):
    loop = make_loop(edition, [(0, hotel), (25, venue)], first="22:50", last="23:40", every=20)
    departures = shuttles.timetable(loop, START)
    assert [(d.at, d.calls[1].at) for d in departures] == [
        (at(10, "22:50"), at(10, "23:15")), (at(10, "23:10"), at(10, "23:35")), (at(10, "23:30"), at(10, "23:55")),
    ]
    assert shuttles.last_departure(loop) == time(23, 30)
    one = make_loop(edition, [(0, hotel), (40, venue)], name_zh="单班", first="23:30", last="23:30", every=60)
    assert [(d.at, d.calls[1].at) for d in shuttles.timetable(one, START)] == [(at(10, "23:30"), at(11, "00:10"))]


def test_no_departure_outside_the_loops_days(loop):
    assert shuttles.timetable(loop, START - timedelta(days=1)) == []
    assert shuttles.timetable(loop, END + timedelta(days=1)) == []
    assert len(shuttles.timetable(loop, END)) == 61


def test_the_stops_come_in_their_order_whatever_the_order_given(loop, django_assert_num_queries):
    stops = list(ShuttleStop.objects.filter(loop=loop).select_related("hotel", "venue").order_by("-position"))
    with django_assert_num_queries(0):
        departure = shuttles.timetable(loop, START, stops)[0]
        names = [shuttles.stop_name(call.stop) for call in departure.calls]
    assert names == ["乌镇会议酒店", "乌镇互联网国际会展中心（测试）", "乌镇会议酒店"]


def test_the_loops_at_a_guests_hotels_in_one_query(edition, hotel, venue, loop, django_assert_num_queries):
    other = make_hotel(edition, name_zh="西栅民宿", name_en="Xizha Guesthouse")
    guesthouse = make_loop(edition, [(0, other), (5, ("北门", "North gate")), (15, venue), (20, hotel)], name_zh="民宿环线", first="07:30", every=30)
    elsewhere = EditionFactory()
    make_loop(elsewhere, [(0, make_hotel(elsewhere)), (5, venue)], first_day=elsewhere.start_date, last_day=elsewhere.end_date)
    with django_assert_num_queries(1):
        found = shuttles.loops_at_hotels([hotel.pk, other.pk], edition)
        rows = [(item.loop.name_zh, item.stop.position, item.stop.hotel.name_en) for item in found]
    # The venue loop leaves the hotel at its first stop (and comes back at its third).
    assert rows == [("会场环线", 1, "Wuzhen Conference Hotel"), ("民宿环线", 1, "Xizha Guesthouse"), ("民宿环线", 4, "Wuzhen Conference Hotel")]
    assert shuttles.loops_at_hotels([], edition) == []
    assert guesthouse.stops.count() == 4


# -- refusals ------------------------------------------------------------------------------------------


def loop_fields(**overrides) -> dict:
    fields = {"first_day": START, "last_day": END, "first_departure": time(7), "last_departure": time(22), "every_minutes": 15}
    return {**fields, **overrides}


def test_every_refusal_of_a_loop_names_its_field(edition):
    cases = [
        ({"last_day": START - timedelta(days=1)}, ("days_out_of_order", "last_day", 400)),
        ({"first_day": START - timedelta(days=8)}, ("days_out_of_range", "first_day", 400)),
        ({"last_day": END + timedelta(days=8)}, ("days_out_of_range", "last_day", 400)),
        ({"last_departure": time(6, 59)}, ("times_out_of_order", "last_departure", 400)),
        ({"every_minutes": 4}, ("invalid_interval", "every_minutes", 400)),
        ({"every_minutes": 241}, ("invalid_interval", "every_minutes", 400)),
    ]
    for overrides, expected in cases:
        fields = loop_fields(**overrides)
        assert refused(lambda fields=fields: shuttles.loop_check(edition, **fields)) == expected, overrides
    # 7 days around the summit, 5 and 240 minutes, one departure a day: all fine.
    shuttles.loop_check(edition, **loop_fields(first_day=START - timedelta(days=7), last_day=END + timedelta(days=7), every_minutes=5))
    shuttles.loop_check(edition, **loop_fields(last_departure=time(7), every_minutes=240))
    undated = EditionFactory(start_date=None, end_date=None)
    assert refused(lambda: shuttles.loop_check(undated, **loop_fields())) == ("edition_has_no_dates", "edition", 409)


def test_the_refusals_sentences(edition, in_english):
    with pytest.raises(DomainError) as error:
        shuttles.loop_check(edition, **loop_fields(first_day=START - timedelta(days=8)))
    assert error.value.message == (
        f"A shuttle runs from {YEAR}-11-03 to {YEAR}-11-19 at the most (the summit, {YEAR}-11-10 to {YEAR}-11-12, and 7 days around it): {YEAR}-11-02 is outside."
    )
    with pytest.raises(DomainError) as error:
        shuttles.loop_check(edition, **loop_fields(last_departure=time(6, 30)))
    assert error.value.message == "The last departure (06:30) is before the first (07:00): a loop runs within one day, so correct the times."


def stop(position, minutes, **place) -> ShuttleStop:
    return ShuttleStop(position=position, minutes=minutes, **place)


def test_every_refusal_of_the_stops(edition, hotel, venue, in_english):
    elsewhere = make_hotel(EditionFactory(), name_en="Elsewhere Hotel")
    cases = [
        ([stop(1, 0, hotel=hotel)], "too_few_stops", "A shuttle loop has at least 2 stops, and this one has 1: add the places it serves, in order."),
        ([stop(1, 0, hotel=hotel), stop(2, 10, hotel=hotel, venue=venue)], "stop_two_places", "Stop 2 is at a hotel and at a venue: choose one of them."),
        ([stop(1, 0, hotel=hotel), stop(2, 10, name_en="Gate")], "stop_place_required",
         "Stop 2 has no place: choose a hotel or a venue, or type the place's name in Chinese."),
        ([stop(1, 0, hotel=elsewhere), stop(2, 10, venue=venue)], "hotel_of_another_edition",
         "Stop 1: Elsewhere Hotel is a hotel of another edition. Choose one of this edition's hotels."),
        ([stop(1, 0, hotel=hotel), stop(1, 10, venue=venue)], "stops_out_of_order", "Two stops have the order 1: give each stop its own place in the order."),
        ([stop(1, 5, hotel=hotel), stop(2, 10, venue=venue)], "stops_out_of_order",
         "The first stop (Wuzhen Conference Hotel) is where the bus leaves from: its minutes after departure are 0, not 5."),
        ([stop(2, 10, venue=venue), stop(1, 0, hotel=hotel), stop(3, 10, name_zh="北门")], "stops_out_of_order",
         "Stop 3 (北门) is reached 10 minutes after departure, not later than the stop before it (10 minutes): the minutes must increase with the order."),
    ]
    for stops, code, sentence in cases:
        with pytest.raises(DomainError) as error:
            shuttles.stops_check(stops, edition=edition)
        assert (error.value.code, error.value.field, error.value.status, error.value.message) == (code, "stops", 400, sentence)
    shuttles.stops_check([stop(2, 10, venue=venue), stop(1, 0, hotel=hotel), stop(5, 11, name_zh="北门")], edition=edition)


def test_loop_create_saves_nothing_on_a_refusal(edition, hotel, venue):
    assert refused(lambda: make_loop(edition, [(0, hotel)])) == ("too_few_stops", "stops", 400)
    assert refused(lambda: make_loop(edition, [(0, hotel), (10, venue)], every=3)) == ("invalid_interval", "every_minutes", 400)
    assert (ShuttleLoop.objects.count(), ShuttleStop.objects.count()) == (0, 0)


# -- the demo ---------------------------------------------------------------------------------------------


def test_the_demo_makes_two_loops_once(edition, venue):
    from travel.demo import HOTELS
    from travel.demo_shuttles import seed_demo_shuttles

    edition.main_venue = venue
    edition.save()
    for name_zh, name_en, *_rest in HOTELS:
        make_hotel(edition, name_zh=name_zh, name_en=name_en)
    seed_demo_shuttles(edition)
    seed_demo_shuttles(edition)  # idempotent
    loops = {loop.name_en: loop for loop in ShuttleLoop.objects.filter(edition=edition)}
    assert sorted(loops) == ["Guesthouse loop (demo)", "Venue loop (demo)"]
    venue_loop, guesthouse_loop = loops["Venue loop (demo)"], loops["Guesthouse loop (demo)"]
    assert (venue_loop.name_zh, venue_loop.first_day, venue_loop.last_day, venue_loop.every_minutes) == ("会场环线（演示）", START, END, 15)
    assert [(s.position, s.minutes, shuttles.stop_name(s)) for s in venue_loop.stops.all()] == [
        (1, 0, "乌镇会议酒店（演示）"), (2, 10, "乌镇互联网国际会展中心（测试）"), (3, 20, "乌镇会议酒店（演示）"),
    ]
    assert hhmm(d.at for d in shuttles.timetable(venue_loop, START))[::20] == ["07:00", "12:00", "17:00", "22:00"]
    assert guesthouse_loop.every_minutes == 30 and [s.minutes for s in guesthouse_loop.stops.all()] == [0, 6, 15, 28]
    assert ShuttleStop.objects.filter(loop__edition=edition).count() == 7


def test_the_demo_makes_nothing_without_the_hotels_or_the_venue(edition, venue):
    from travel.demo_shuttles import seed_demo_shuttles

    seed_demo_shuttles(edition)  # no main venue
    edition.main_venue = venue
    edition.save()
    seed_demo_shuttles(edition)  # no demo hotels
    assert not ShuttleLoop.objects.exists()


# -- the public page --------------------------------------------------------------------------------------


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def loop_section(html: str, loop) -> str:
    return re.search(rf'<section class="card spaced-below shuttle-loop" id="loop-{loop.pk}".*?</section>', html, re.DOTALL).group(0)


def test_the_public_page_lists_each_loop_with_its_stops_and_times(client, edition, hotel, venue):
    loop = make_loop(edition, [(0, hotel), (10, venue), (18, ("西栅北门", "")), (25, hotel)], first="07:00", last="08:00", every=20)
    response = client.get(PAGE, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Shuttle buses</h1>" in html
    assert text_of(loop_section(html, loop)) == (
        f"Venue loop Days Every day from {YEAR}-11-10 to {YEAR}-11-12 Departures From 07:00 to 08:00, every 20 minutes "
        "Stops Wuzhen Conference Hotel Wuzhen Internet International Convention Center (test) +10 min 西栅北门 +18 min Wuzhen Conference Hotel +25 min "
        "Departures, the same every day the bus runs "
        "Timetable of Venue loop (Beijing time) "
        "Wuzhen Conference Hotel Wuzhen Internet International Convention Center (test) 西栅北门 Wuzhen Conference Hotel "
        "07:00 07:10 07:18 07:25 07:20 07:30 07:38 07:45 07:40 07:50 07:58 08:05 08:00 08:10 08:18 08:25"
    )
    # A long timetable scrolls inside its own focusable, named region, never the page.
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="Timetable of Venue loop (Beijing time)">' in html
    assert '<th scope="row"><time datetime="07:00">07:00</time></th><td><time datetime="07:10">07:10</time></td>' in html


def test_the_public_page_in_chinese_shows_the_chinese_names(client, edition, hotel, venue):
    loop = make_loop(edition, [(0, hotel), (10, venue)], name_en="")
    html = client.get(PAGE, **ZH).content.decode()
    section = text_of(loop_section(html, loop))
    assert section.startswith("会场环线 ") and "乌镇会议酒店 乌镇互联网国际会展中心（测试） +10 分钟" in section
    assert '<html lang="zh-hans">' in html and "Wuzhen Conference Hotel" not in section
    # English without an English name: the Chinese one.
    assert text_of(loop_section(client.get(PAGE, **EN).content.decode(), loop)).startswith("会场环线 Days ")


def test_the_public_page_without_loops_and_for_an_unknown_year(client, edition):
    assert "No shuttle bus is planned for this edition yet." in client.get(PAGE, **EN).content.decode()
    missing = client.get("/editions/2999/shuttles/", **EN)
    assert missing.status_code == 404 and "There is no edition for year 2999." in missing.content.decode()


@pytest.mark.parametrize("loops", [1, 3])
def test_the_public_page_takes_a_constant_number_of_queries(client, edition, hotel, venue, loops, django_assert_num_queries):
    for n in range(loops):
        places = [(0, hotel), (10, venue)] if loops == 1 else [(0, hotel), (5, ("北门", "North gate")), (10, venue), (15, make_hotel(edition, name_zh=f"酒店{n}")), (20, hotel)]
        make_loop(edition, places, name_zh=f"环线{n}")
    with django_assert_num_queries(3):  # the edition, the loops, their stops with their places
        response = client.get(PAGE, **EN)
    assert response.status_code == 200 and response.content.decode().count('class="card spaced-below shuttle-loop"') == loops
