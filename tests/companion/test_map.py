"""Issue 25, the venue map's selectors and checks (companion/map.py): the grid that lays out what no
organizer placed (exact rectangles for 1, 3 and 7 halls), placed shapes winning, each hall and
zone keeping its cell, zones on the main venue's plan unless placed elsewhere, the venues of an
edition's map, the hall's sessions, the labels' wrapping, every refusal of point_problems and
shape_problems (code, field), the overlap warning's reach, the demo's service points
(idempotent) and the session page's "On the map" contribution.

Shared with the other map tests: the world (`venue`, `edition` with it as main venue, `halls`)
and `make_point`."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.models import Hall
from companion import map as venue_map
from companion.contrib_map import on_the_map
from companion.demo_map import seed_demo_map
from companion.enums import ServicePointKind
from companion.map import Rect, grid_cells
from companion.models import PlanShape, ServicePoint
from expo.models import Zone
from tests.factories import EditionFactory, HallFactory, SessionFactory, VenueFactory
from wic import contrib

pytestmark = pytest.mark.django_db

YEAR = 2091
BEIJING = ZoneInfo("Asia/Shanghai")
HALLS = (("通安厅", "Tong'an Hall", "217"), ("枕水厅", "Zhenshui Hall", "201"), ("景行厅", "Jingxing Hall", ""))


def make_venue(name_zh="测试会展中心", name_en="Test Convention Center"):
    return VenueFactory(name_zh=name_zh, name_en=name_en)


def make_halls(venue, count: int, start: int = 0) -> list[Hall]:
    return [HallFactory(venue=venue, name_zh=f"测试{n}号厅", name_en=f"Test hall {n}", room=str(300 + n), sort_order=n) for n in range(start, start + count)]


def make_zone(edition, key="ai", name_zh="人工智能馆", name_en="AI hall", sort_order=0) -> Zone:
    return Zone.objects.create(edition=edition, key=key, name_zh=name_zh, name_en=name_en, kind="feature", sort_order=sort_order)


def make_point(edition, venue, kind="medical", name_zh="医疗点", name_en="Medical point", x=100, y=200, **fields) -> ServicePoint:
    fields.setdefault("hours_zh", "每天 08:00–18:00")
    fields.setdefault("hours_en", "Daily 08:00–18:00")
    return ServicePoint.objects.create(edition=edition, venue=venue, kind=kind, name_zh=name_zh, name_en=name_en, x=x, y=y, **fields)


@pytest.fixture
def venue(db):
    return make_venue()


@pytest.fixture
def edition(venue):
    return EditionFactory(year=YEAR, start_date=date(YEAR, 11, 10), end_date=date(YEAR, 11, 12), main_venue=venue)


@pytest.fixture
def halls(venue):
    # Made out of their order: the plan follows sort_order, not the ids.
    made = [HallFactory(venue=venue, name_zh=zh, name_en=en, room=room, sort_order=n) for n, (zh, en, room) in reversed(list(enumerate(HALLS)))]
    return sorted(made, key=lambda hall: hall.sort_order)


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def rects(items) -> list[tuple]:
    return [(item.rect.x, item.rect.y, item.rect.width, item.rect.height) for item in items]


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


# -- the grid ------------------------------------------------------------------------------------------

def test_the_grid_for_one_hall_fills_the_plan_inside_its_margin():
    assert grid_cells(1) == [Rect(50, 50, 900, 900)]


def test_the_grid_for_three_halls_has_two_columns_and_two_rows():
    assert grid_cells(3) == [Rect(50, 50, 440, 440), Rect(510, 50, 440, 440), Rect(50, 510, 440, 440)]


def test_the_grid_for_seven_halls_has_three_columns_and_three_rows():
    assert grid_cells(7) == [
        Rect(50, 50, 286, 286), Rect(356, 50, 286, 286), Rect(662, 50, 286, 286),
        Rect(50, 356, 286, 286), Rect(356, 356, 286, 286), Rect(662, 356, 286, 286),
        Rect(50, 662, 286, 286),
    ]


def test_no_hall_no_cell():
    assert grid_cells(0) == []


@pytest.mark.parametrize("count", [1, 2, 3, 5, 7, 10, 14, 30])
def test_every_cell_lies_on_the_plan_and_no_two_overlap(count):
    cells = grid_cells(count)
    assert len(cells) == count
    assert all(0 <= c.x and 0 <= c.y and c.right <= 1000 and c.bottom <= 1000 and c.width > 0 and c.height > 0 for c in cells)
    assert not any(a.overlaps(b) for n, a in enumerate(cells) for b in cells[n + 1:])


# -- venue_plan ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count, expected", [
    (1, [(50, 50, 900, 900)]),
    (3, [(50, 50, 440, 440), (510, 50, 440, 440), (50, 510, 440, 440)]),
    (7, [(50, 50, 286, 286), (356, 50, 286, 286), (662, 50, 286, 286), (50, 356, 286, 286), (356, 356, 286, 286), (662, 356, 286, 286), (50, 662, 286, 286)]),
])
def test_a_venue_nobody_placed_anything_on_is_drawn_from_its_halls_in_their_order(edition, venue, count, expected):
    made = make_halls(venue, count)
    plan = venue_map.venue_plan(venue, edition)
    assert [item.obj.pk for item in plan.halls] == [hall.pk for hall in made]
    assert rects(plan.halls) == expected
    assert [item.placed for item in plan.halls] == [False] * count
    assert plan.laid_out == count


def test_a_placed_hall_is_drawn_at_its_place_and_the_others_keep_their_cells(edition, venue, halls):
    PlanShape.objects.create(venue=venue, hall=halls[1], x=600, y=700, width=300, height=200)
    plan = venue_map.venue_plan(venue, edition)
    assert rects(plan.halls) == [(50, 50, 440, 440), (600, 700, 300, 200), (50, 510, 440, 440)]
    assert [item.placed for item in plan.halls] == [False, True, False]
    assert plan.laid_out == 2


def test_zones_without_a_place_take_the_cells_after_the_halls_on_the_main_venue(edition, venue, halls):
    ai = make_zone(edition)
    data = make_zone(edition, key="data", name_zh="数据馆", name_en="Data hall", sort_order=1)
    make_zone(EditionFactory(), key="other")  # another edition's zone is on no plan of this one
    plan = venue_map.venue_plan(venue, edition)
    assert [item.obj.pk for item in plan.zones] == [ai.pk, data.pk]
    assert rects(plan.halls) + rects(plan.zones) == [(50, 50, 286, 440), (356, 50, 286, 440), (662, 50, 286, 440), (50, 510, 286, 440), (356, 510, 286, 440)]
    assert plan.unplaced_zones_here is True


def test_a_zone_placed_at_another_venue_is_drawn_there_and_not_on_the_main_venue(edition, venue, halls):
    theatre = make_venue("测试剧院", "Test Theatre")
    zone = make_zone(edition)
    PlanShape.objects.create(venue=theatre, zone=zone, x=10, y=20, width=30, height=40)
    assert venue_map.venue_plan(venue, edition).zones == []
    there = venue_map.venue_plan(theatre, edition)
    assert (there.halls, rects(there.zones), there.unplaced_zones_here) == ([], [(10, 20, 30, 40)], False)


def test_zones_without_a_place_go_to_the_home_venue_given(edition, venue, halls):
    theatre = make_venue("测试剧院", "Test Theatre")
    make_zone(edition)
    assert len(venue_map.venue_plan(theatre, edition, home_venue_id=theatre.pk).zones) == 1
    assert venue_map.venue_plan(venue, edition, home_venue_id=theatre.pk).zones == []


def test_the_points_are_numbered_in_the_kinds_order(edition, venue, in_english):
    restroom = make_point(edition, venue, kind="restroom", name_zh="洗手间")
    information = make_point(edition, venue, kind="information", name_zh="服务台")
    medical_b = make_point(edition, venue, kind="medical", name_zh="医疗点B")
    medical_a = make_point(edition, venue, kind="medical", name_zh="医疗点A")
    make_point(EditionFactory(), venue)  # another edition's
    make_point(edition, make_venue("别处", "Elsewhere"))  # another venue's
    plan = venue_map.venue_plan(venue, edition)
    assert [(item.number, item.point.pk) for item in plan.points] == [(1, information.pk), (2, medical_a.pk), (3, medical_b.pk), (4, restroom.pk)]
    assert plan.kinds() == [("information", "Information desk", 1), ("medical", "Medical point", 2), ("restroom", "Restroom", 1)]


@pytest.mark.parametrize("size", [2, 12])
def test_a_plan_takes_three_queries_whatever_its_rows(edition, venue, size):
    for n, hall in enumerate(make_halls(venue, size)):
        if n % 2:
            PlanShape.objects.create(venue=venue, hall=hall, x=n, y=n, width=10, height=10)
    for n in range(size):
        make_zone(edition, key=f"zone-{n}", name_zh=f"展区{n}", sort_order=n)
        make_point(edition, venue, kind=ServicePointKind.values[n % 9], name_zh=f"服务点{n}")
    count, plan = queries(lambda: venue_map.venue_plan(venue, edition))
    assert count == 3
    assert (len(plan.halls), len(plan.zones), len(plan.points)) == (size, size, size)
    count, _lines = queries(lambda: [(item.lines, item.label, item.room) for item in plan.items] + [(p.name, p.hours, p.kind_label) for p in plan.points])
    assert count == 0


def test_without_an_edition_only_the_halls_are_drawn_in_one_query(edition, venue, halls):
    make_zone(edition)
    make_point(edition, venue)
    count, plan = queries(lambda: venue_map.venue_plan(venue, None))
    assert (count, len(plan.halls), plan.zones, plan.points) == (1, 3, [], [])


def test_a_hall_label_is_its_name_and_room_in_the_page_language(edition, venue, halls):
    from django.utils import translation

    plan = venue_map.venue_plan(venue, edition)
    with translation.override("en"):
        assert [item.label for item in plan.halls] == ["Tong'an Hall 217", "Zhenshui Hall 201", "Jingxing Hall"]
        assert plan.halls[0].lines == ["Tong'an Hall 217"]
    with translation.override("zh-hans"):
        assert [item.label for item in plan.halls] == ["通安厅 217", "枕水厅 201", "景行厅"]


def test_labels_wrap_between_words_and_characters_and_end_in_an_ellipsis():
    assert venue_map.wrap_label("Wuzhen Internet International Convention and Exhibition Center", 400, 30, 3) == ["Wuzhen Internet", "International", "Convention and…"]
    assert venue_map.wrap_label("乌镇互联网国际会展中心", 200, 30, 2) == ["乌镇互联网国", "际会展中心"]
    assert venue_map.wrap_label("Supercalifragilisticexpialidocious", 180, 25, 3) == ["Supercalifr…"]
    assert venue_map.wrap_label("", 180, 25, 3) == []


# -- the venues of an edition ------------------------------------------------------------------------------

def test_an_editions_venues_are_its_main_venue_then_those_of_its_halls_points_and_zones(edition, venue):
    by_session = make_venue("乙会场", "Venue B")
    by_point = make_venue("甲会场", "Venue A")
    by_zone = make_venue("丙会场", "Venue C")
    unused = make_venue("丁会场", "Venue D")
    SessionFactory(edition=edition, hall=HallFactory(venue=by_session))
    SessionFactory(edition=edition, hall=HallFactory(venue=unused), is_published=False)
    SessionFactory(edition=EditionFactory(), hall=HallFactory(venue=unused))
    make_point(edition, by_point)
    PlanShape.objects.create(venue=by_zone, zone=make_zone(edition), x=0, y=0, width=10, height=10)
    count, venues = queries(lambda: venue_map.edition_venues(edition))
    assert count == 1
    assert venues == [venue, *sorted([by_session, by_point, by_zone], key=lambda v: v.name_zh)]
    assert venue_map.home_venue(edition, venues) == venue


def test_without_a_main_venue_the_map_opens_on_the_first_venue():
    edition = EditionFactory(year=YEAR)
    second, first = make_venue("乙会场", "Venue B"), make_venue("甲会场", "Venue A")
    make_point(edition, second)
    make_point(edition, first)
    venues = venue_map.edition_venues(edition)
    assert venue_map.home_venue(edition, venues) == min([first, second], key=lambda v: v.name_zh)
    assert venue_map.home_venue(edition, []) is None


# -- a hall's sessions ------------------------------------------------------------------------------------

def _session(edition, hall, day, hour, **fields):
    start = datetime.combine(day, time(hour), tzinfo=BEIJING)
    return SessionFactory(edition=edition, hall=hall, date=day, start=start, end=start + timedelta(hours=1), board=None, **fields)


def test_a_halls_sessions_are_the_coming_ones_while_the_edition_runs(edition, halls):
    day = edition.start_date
    done = _session(edition, halls[0], day, 9)
    later = _session(edition, halls[0], day, 15)
    tomorrow = _session(edition, halls[0], day + timedelta(days=1), 9)
    _session(edition, halls[1], day, 15)  # another hall
    _session(edition, halls[0], day, 16, is_published=False)
    now = datetime.combine(day, time(12), tzinfo=BEIJING)
    sessions, coming = venue_map.venue_hall_sessions(halls[0], edition, now=now)
    assert (coming, [s.pk for s in sessions]) == (True, [later.pk, tomorrow.pk])
    assert done.pk not in [s.pk for s in sessions]


def test_a_halls_sessions_are_all_of_them_once_the_edition_is_over(edition, halls):
    first = _session(edition, halls[0], edition.start_date, 9)
    second = _session(edition, halls[0], edition.end_date, 9)
    after = datetime.combine(edition.end_date + timedelta(days=30), time(12), tzinfo=BEIJING)
    sessions, coming = venue_map.venue_hall_sessions(halls[0], edition, now=after)
    assert (coming, [s.pk for s in sessions]) == (False, [first.pk, second.pk])


# -- checks -----------------------------------------------------------------------------------------------

def codes(problems) -> list[tuple[str, str]]:
    return [(error.code, error.field) for error in problems]


def test_a_point_on_the_plan_with_a_venue_passes(venue):
    assert venue_map.point_problems(venue=venue, x=0, y=1000, texts={"name_zh": "医" * 200}) == []


def test_every_refusal_of_a_point_names_its_field(venue, english):
    problems = venue_map.point_problems(venue=None, x=1001, y=-1, texts={"name_zh": "医" * 201, "hours_en": "x" * 201})
    assert codes(problems) == [("venue_required", "venue"), ("too_long", "name_zh"), ("too_long", "hours_en"), ("off_plan", "x"), ("off_plan", "y")]
    assert problems[0].message == "Choose the venue: a position is on the plan of one venue."
    assert problems[1].message == "The name (Chinese) may hold 200 characters; this one has 201."
    assert problems[3].message == "The left (x) must be between 0 and 1000 plan units (the plan is 1000 × 1000); 1001 is off the plan."
    with pytest.raises(Exception) as raised:
        venue_map.point_check(venue=venue, x=5, y=1200)
    assert (raised.value.code, raised.value.field, raised.value.status) == ("off_plan", "y", 400)


def test_every_refusal_of_a_place_names_its_field(edition, venue, halls, english):
    other_hall = HallFactory(venue=make_venue("别处", "Elsewhere"), name_en="Far Hall")
    zone = make_zone(edition)
    base = {"venue": venue, "x": 10, "y": 10, "width": 100, "height": 100}
    assert venue_map.shape_problems(hall=halls[0], **base) == []
    assert venue_map.shape_problems(zone=zone, **base) == []
    assert codes(venue_map.shape_problems(hall=halls[0], zone=zone, **base)) == [("hall_or_zone", "hall")]
    assert codes(venue_map.shape_problems(**base)) == [("hall_or_zone", "hall")]
    refused = venue_map.shape_problems(hall=other_hall, **base)
    assert codes(refused) == [("hall_of_another_venue", "hall")]
    assert refused[0].message == "The hall Far Hall is at Elsewhere, not at Test Convention Center: choose a hall of this venue, or this hall's venue."
    assert codes(venue_map.shape_problems(hall=halls[0], **{**base, "venue": None})) == [("venue_required", "venue")]
    assert codes(venue_map.shape_problems(hall=halls[0], **{**base, "x": -1, "y": 1001})) == [("off_plan", "x"), ("off_plan", "y")]
    leaving = venue_map.shape_problems(hall=halls[0], **{**base, "x": 950, "height": 0})
    assert codes(leaving) == [("off_plan", "width"), ("off_plan", "height")]
    assert leaving[0].message == "The rectangle leaves the plan: 950 + width 100 ends at 1050, past 1000. Make it at most 50."
    assert leaving[1].message == "The height must be at least 1 plan unit; it is 0."
    assert venue_map.shape_problems(hall=halls[0], **{**base, "x": 900, "y": 900}) == []  # ends exactly at 1000


def test_a_hall_or_zone_is_placed_once(edition, venue, halls):
    zone = make_zone(edition)
    placed = PlanShape.objects.create(venue=venue, hall=halls[0], x=0, y=0, width=10, height=10)
    zoned = PlanShape.objects.create(venue=venue, zone=zone, x=0, y=0, width=10, height=10)
    base = {"venue": venue, "x": 10, "y": 10, "width": 100, "height": 100}
    assert codes(venue_map.shape_problems(hall=halls[0], **base)) == [("already_placed", "hall")]
    assert codes(venue_map.shape_problems(zone=zone, **base)) == [("already_placed", "zone")]
    assert venue_map.shape_problems(hall=halls[0], shape=placed, **base) == []  # its own place, changed
    assert venue_map.shape_problems(zone=zone, shape=zoned, **base) == []


def test_overlaps_are_with_places_of_the_same_kind(edition, venue, halls):
    a = PlanShape.objects.create(venue=venue, hall=halls[0], x=0, y=0, width=100, height=100)
    b = PlanShape.objects.create(venue=venue, hall=halls[1], x=50, y=50, width=100, height=100)
    PlanShape.objects.create(venue=venue, hall=halls[2], x=100, y=0, width=100, height=40)  # touches a's edge only
    zone = PlanShape.objects.create(venue=venue, zone=make_zone(edition), x=0, y=0, width=500, height=500)
    other_edition = PlanShape.objects.create(venue=venue, zone=make_zone(EditionFactory(), key="x"), x=0, y=0, width=500, height=500)
    assert venue_map.shape_overlaps(a) == [b]
    assert venue_map.shape_overlaps(zone) == []  # a zone inside halls, and another edition's zone, are no slip
    assert venue_map.shape_overlaps(other_edition) == []


# -- the demo and the session link ---------------------------------------------------------------------------

def test_the_demo_puts_one_point_of_each_kind_at_the_main_venue_once(edition, venue):
    assert seed_demo_map(edition) == 9
    points = list(ServicePoint.objects.filter(edition=edition).order_by("kind"))
    assert sorted(p.kind for p in points) == sorted(ServicePointKind.values)
    assert all(p.venue_id == venue.pk and p.name_zh.endswith("（演示）") and p.name_en.endswith("(demo)") and p.hours_zh and p.hours_en for p in points)
    assert all(0 <= p.x <= 1000 and 0 <= p.y <= 1000 for p in points)
    ServicePoint.objects.filter(kind="medical").update(hours_en="Changed by an organizer")
    assert seed_demo_map(edition) == 0
    assert ServicePoint.objects.filter(edition=edition).count() == 9
    assert ServicePoint.objects.get(kind="medical").hours_en == "Changed by an organizer"


def test_the_demo_needs_a_main_venue():
    assert seed_demo_map(EditionFactory(year=YEAR)) == 0
    assert not ServicePoint.objects.exists()


def test_the_demo_runs_after_the_agenda_and_the_expo():
    demos = [c for c in contrib.contributions(contrib.Demo) if c.item.build is seed_demo_map]
    assert [(c.app, c.item.after) for c in demos] == [("companion", ("agenda", "expo"))]
    order = [c.app for c in contrib.in_dependency_order(contrib.Demo, lambda item: not item.before_accounts)]
    assert order.index("companion") > order.index("expo")


def test_the_session_link_is_the_halls_place_on_the_map(edition, halls):
    from django.utils import translation

    assert [link.key for link in contrib.ordered(contrib.SessionLink)] == ["map"]
    session = SessionFactory(edition=edition, hall=halls[1])
    with translation.override("en"):
        label, url = on_the_map(session)
        assert (str(label), url) == ("On the map", f"/editions/{YEAR}/map/hall/{halls[1].pk}/")
    assert on_the_map(SessionFactory(edition=edition, hall=None)) is None
