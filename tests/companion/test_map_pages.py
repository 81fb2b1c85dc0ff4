"""Issue 25, the public venue map (companion/views_map.py): the page in English and in Chinese (the
plan's rectangles and numbered points, each a link; the text list with hours in Beijing time),
the kind filter (checkboxes sent as ?kind=, the rest hidden on the plan and in the list; a kind
that is none refused 400 `unknown_kind` naming the filter), the venue tabs when an edition has
several venues, each hall's, zone's and point's own page (the map highlighted, the details, a
hall's sessions), the session page's "On the map" link (present with a hall, absent without, the
session page's queries unchanged), the query counts (the same with 2 and 12 halls, zones and
points), and what is not found: an unknown edition, venue or item, one of another edition or
venue, ids in Unicode digits or too long (404), a NUL (400 `invalid_characters`), never a 500."""
import html as html_lib
import re
from datetime import date

import pytest

from companion.enums import ServicePointKind
from companion.models import PlanShape
from tests.factories import EditionFactory, HallFactory, SessionFactory

from .test_map import (  # noqa: F401
    YEAR,
    edition,
    halls,
    make_halls,
    make_point,
    make_venue,
    make_zone,
    venue,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MAP = f"/editions/{YEAR}/map/"


def text(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page(client, url, status=200, **headers):
    response = client.get(url, **(headers or EN))
    assert response.status_code == status, url
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


@pytest.fixture
def world(edition, venue, halls):
    """Three halls (one placed), one zone, a medical point and a restroom at the main venue."""
    PlanShape.objects.create(venue=venue, hall=halls[2], x=600, y=650, width=300, height=250)
    zone = make_zone(edition)
    medical = make_point(edition, venue, note_zh="二楼", note_en="First floor")
    restroom = make_point(edition, venue, kind="restroom", name_zh="洗手间", name_en="Restroom", hours_zh="全天", hours_en="All day", x=900, y=40)
    return {"zone": zone, "medical": medical, "restroom": restroom}


def test_the_map_in_english(client, world, halls):
    html = page(client, MAP)
    assert "<h1>Venue map · Test Convention Center</h1>" in html
    assert '<svg class="venue-plan" viewBox="-30 -30 1060 1060" xmlns="http://www.w3.org/2000/svg" role="group" aria-labelledby="plan-title" aria-describedby="plan-desc" data-plan-size="1000">' in html
    assert '<title id="plan-title">Plan of Test Convention Center</title>' in html
    assert '<desc id="plan-desc">3 halls, 1 expo zone, 2 service points. The list after the plan gives the same as text.</desc>' in html
    # Halls: laid out in a 2 x 2 grid (hall and zone cells), the placed one where it was placed.
    hall_links = re.findall(r'<a href="([^"]+)" class="(plan-item hall[^"]*)" data-hall="\d+" aria-label="([^"]+)">\s*<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', html)
    assert hall_links == [
        (f"{MAP}hall/{halls[0].pk}/", "plan-item hall laid-out", "Hall: Tong&#x27;an Hall, room 217", "50", "50", "440", "440"),
        (f"{MAP}hall/{halls[1].pk}/", "plan-item hall laid-out", "Hall: Zhenshui Hall, room 201", "510", "50", "440", "440"),
        (f"{MAP}hall/{halls[2].pk}/", "plan-item hall", "Hall: Jingxing Hall", "600", "650", "300", "250"),
    ]
    assert re.findall(r'<a href="([^"]+)" class="plan-item zone laid-out" data-zone="\d+" aria-label="([^"]+)">\s*<rect x="(\d+)" y="(\d+)"', html) == [
        (f"{MAP}zone/{world['zone'].pk}/", "Expo zone: AI hall", "510", "510"),
    ]
    points = re.findall(r'<a href="([^"]+)" class="plan-point kind-(\w+)" data-kind="\w+" data-point="\d+" aria-label="([^"]+)">\s*<circle cx="(\d+)" cy="(\d+)" r="24"/>\s*<text[^>]*>(\d+)</text>', html)
    assert points == [
        (f"{MAP}point/{world['medical'].pk}/", "medical", "1. Medical point: Medical point (Daily 08:00–18:00)", "100", "200", "1"),
        (f"{MAP}point/{world['restroom'].pk}/", "restroom", "2. Restroom: Restroom (All day)", "900", "40", "2"),
    ]
    listed = text(section(html, '<h2 id="points-title">', "</section>"))
    assert listed == "Service points 1 1. Medical point Medical point Daily 08:00–18:00 (Beijing time) 2 2. Restroom Restroom All day (Beijing time)"
    assert text(section(html, '<h2 id="halls-title">', "</section>")) == "Halls Tong'an Hall room 217 Zhenshui Hall room 201 Jingxing Hall"
    assert text(section(html, '<h2 id="zones-title">', "</section>")) == "Expo zones AI hall Feature zone"
    assert "3 halls or zones have no place on the plan yet: they are drawn where the plan's grid puts them, not where they are." in text(html)
    assert "Expo zones not placed on a venue's plan are shown on this one, the main venue's." in text(html)
    assert 'class="venue-tabs"' not in html  # one venue: no tabs


def test_the_map_in_chinese(client, world, halls):
    html = page(client, MAP, **ZH)
    assert re.findall(r'<tspan x="(\d+)" y="(\d+)">([^<]+)</tspan>', html)[:3] == [("270", "280", "通安厅 217"), ("730", "280", "枕水厅 201"), ("750", "785", "景行厅")]
    listed = text(section(html, '<h2 id="points-title">', "</section>"))
    assert "医疗点" in listed and "每天 08:00–18:00" in listed and "洗手间" in listed and "全天" in listed
    assert "Daily 08:00–18:00" not in listed and "Tong'an" not in html
    assert text(section(html, '<h2 id="halls-title">', "</section>")).endswith("通安厅 房间 217 枕水厅 房间 201 景行厅")
    # The data in Chinese; the page's own words are the lead's to translate (locale/), not asserted here.
    assert re.search(r'aria-label="1\. [^:"]+: 医疗点 \(每天 08:00–18:00\)"', html)


def test_english_names_fall_back_to_chinese(client, edition, venue):
    make_point(edition, venue, name_en="", hours_en="")
    listed = text(section(page(client, MAP), '<h2 id="points-title">', "</section>"))
    assert listed == "Service points 1 1. 医疗点 Medical point 每天 08:00–18:00 (Beijing time)"


def test_the_kind_filter_hides_the_other_kinds(client, world):
    html = page(client, f"{MAP}?kind=medical")
    boxes = re.findall(r'<input type="checkbox" name="kind" value="(\w+)"( checked)?>', html)
    assert boxes == [("medical", " checked"), ("restroom", "")]
    assert re.findall(r'class="plan-point kind-(\w+)( off)?"', html) == [("medical", ""), ("restroom", " off")]
    assert re.findall(r'<li class="kind-row( off)?" data-kind="(\w+)">', html) == [("", "medical"), (" off", "restroom")]
    assert '<a href="?">Show every kind</a>' in html
    assert "Some kinds are hidden by the filter above." in html
    both = page(client, f"{MAP}?kind=medical&kind=restroom")
    assert re.findall(r'class="plan-point kind-(\w+)( off)?"', both) == [("medical", ""), ("restroom", "")]
    everything = page(client, f"{MAP}?kind=")
    assert 'Show every kind' not in everything and " off" not in everything


def test_an_unknown_kind_is_refused_naming_the_filter(client, world):
    html = page(client, f"{MAP}?kind=medical&kind=spa", status=400)
    kinds = ", ".join(f"{value} ({label})" for value, label in ServicePointKind.choices)
    assert f'<p class="error map-error" role="alert" data-code="unknown_kind">The filter “kind” takes kinds of service point; “spa” is not one. The kinds are: {kinds}.</p>' in html
    assert " off" not in html  # the map, unfiltered
    long = page(client, f"{MAP}?kind={'x' * 300}", status=400)
    assert f"“{'x' * 40}…” is not one" in long


def test_an_edition_with_several_venues_has_a_tab_each(client, world, edition, venue):
    theatre = make_venue("测试剧院", "Test Theatre")
    hall = HallFactory(venue=theatre, name_zh="测试剧院", name_en="Test Theatre")
    SessionFactory(edition=edition, hall=hall)
    html = page(client, MAP)
    assert re.findall(r'<li><a href="([^"]+)"( class="current" aria-current="page")?>([^<]+)</a></li>', section(html, 'class="venue-tabs"', "</nav>")) == [
        (MAP, ' class="current" aria-current="page"', "Test Convention Center"), (f"{MAP}{theatre.pk}/", "", "Test Theatre"),
    ]
    other = page(client, f"{MAP}{theatre.pk}/")
    assert "<h1>Venue map · Test Theatre</h1>" in other
    assert f'href="{MAP}hall/{hall.pk}/"' in other and "Medical point" not in other and 'data-zone=' not in other
    assert page(client, f"{MAP}{venue.pk}/").count('aria-current="page"') == 1


def test_a_halls_page_highlights_it_and_lists_its_sessions(client, world, edition, halls):
    session = SessionFactory(edition=edition, hall=halls[0], date=date(YEAR, 11, 10), title_en="Opening of the test")
    html = page(client, f"{MAP}hall/{halls[0].pk}/")
    assert re.search(rf'class="plan-item hall laid-out current" data-hall="{halls[0].pk}" aria-label="[^"]+" aria-current="true"', html)
    focus = text(section(html, '<section class="card map-focus"', "</section>"))
    assert focus == (
        "Hall · Test Convention Center Tong'an Hall Room 217 On the plan Not placed yet: drawn where the plan's grid puts it, not where it is. "
        f"Coming sessions in this hall {YEAR}-11-10 09:00 – 12:00 Opening of the test Every session in this hall, in the agenda (Beijing time)"
    )
    assert f'href="/editions/{YEAR}/sessions/{session.pk}/"' in html
    assert f'href="/editions/{YEAR}/agenda/?hall={halls[0].pk}"' in html
    assert 'tabindex="-1" data-autofocus' in html
    assert "<title>Tong&#x27;an Hall · Venue map · Test Summit 2091</title>" in html
    placed = text(section(page(client, f"{MAP}hall/{halls[2].pk}/"), '<section class="card map-focus"', "</section>"))
    assert "On the plan Placed by the organizers." in placed and "No session is coming in this hall." in placed


def test_a_zones_and_a_points_pages(client, world, edition):
    zone = page(client, f"{MAP}zone/{world['zone'].pk}/")
    assert re.search(rf'class="plan-item zone laid-out current" data-zone="{world["zone"].pk}"', zone)
    assert text(section(zone, '<section class="card map-focus"', "</section>")).startswith("Expo zone · Test Convention Center AI hall Kind Feature zone")
    assert f'href="/editions/{YEAR}/expo/map/#zone-{world["zone"].pk}"' in zone
    point = page(client, f"{MAP}point/{world['medical'].pk}/")
    assert re.search(rf'class="plan-point kind-medical current" data-kind="medical" data-point="{world["medical"].pk}" aria-label="[^"]+" aria-current="true">\s*<circle class="halo"', point)
    assert text(section(point, '<section class="card map-focus"', "</section>")) == (
        "1 Medical point · Test Convention Center Medical point Kind Medical point Hours Daily 08:00–18:00 (Beijing time) Note First floor"
    )
    zh = page(client, f"{MAP}point/{world['medical'].pk}/", **ZH)
    assert "<h1 id=\"focus-title\">医疗点</h1>" in zh and "二楼" in zh and "每天 08:00–18:00" in zh


def test_a_zone_placed_at_another_venue_opens_that_venues_map(client, world, edition):
    theatre = make_venue("测试剧院", "Test Theatre")
    PlanShape.objects.create(venue=theatre, zone=world["zone"], x=0, y=0, width=100, height=100)
    html = page(client, f"{MAP}zone/{world['zone'].pk}/")
    assert "Expo zone · Test Theatre" in text(html)
    assert "Placed by the organizers." in html


def test_the_session_page_links_to_its_hall_on_the_map(client, edition, halls):
    with_hall = SessionFactory(edition=edition, hall=halls[1])
    html = page(client, f"/editions/{YEAR}/sessions/{with_hall.pk}/")
    assert f' · <a href="/editions/{YEAR}/map/hall/{halls[1].pk}/" class="session-link">On the map</a></dd>' in html
    without = SessionFactory(edition=edition, hall=None)
    html = page(client, f"/editions/{YEAR}/sessions/{without.pk}/")
    assert 'class="session-link"' not in html and "/map/" not in html
    # The link leads to a page that shows the hall.
    assert re.findall(r'data-hall="(\d+)" aria-label="[^"]+" aria-current="true"', page(client, f"/editions/{YEAR}/map/hall/{halls[1].pk}/")) == [str(halls[1].pk)]


def test_the_session_page_link_adds_no_query(client, edition, halls, monkeypatch):
    """The same queries with the link and without any SessionLink (tests/agenda/test_pages.py
    counts the session page's: 10 signed in)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wic import contrib

    session = SessionFactory(edition=edition, hall=halls[1])
    url = f"/editions/{YEAR}/sessions/{session.pk}/"

    def count() -> tuple[int, str]:
        cache.clear()  # served uncached, both times
        with CaptureQueriesContext(connection) as captured:
            html = page(client, url)
        return len(captured.captured_queries), html

    with_link, html = count()
    assert 'class="session-link"' in html
    ordered = contrib.ordered
    monkeypatch.setattr(contrib, "ordered", lambda kind: [] if kind is contrib.SessionLink else ordered(kind))
    without_links, html = count()
    assert 'class="session-link"' not in html
    assert with_link == without_links == 7


@pytest.mark.parametrize("size", [2, 12])
def test_the_pages_take_the_same_queries_whatever_their_rows(client, edition, venue, size, django_assert_num_queries):
    halls = make_halls(venue, size)
    zones = [make_zone(edition, key=f"z{n}", name_zh=f"展区{n}", sort_order=n) for n in range(size)]
    points = [make_point(edition, venue, kind=ServicePointKind.values[n % 9], name_zh=f"服务点{n}") for n in range(size)]
    for n, hall in enumerate(halls):
        if n % 2:
            PlanShape.objects.create(venue=venue, hall=hall, x=n, y=n, width=10, height=10)
        SessionFactory(edition=edition, hall=hall, board=None)
    PlanShape.objects.create(venue=venue, zone=zones[0], x=5, y=5, width=10, height=10)
    # The edition, its venues, the venue's halls, zones and points.
    with django_assert_num_queries(5):
        assert page(client, MAP).count('class="plan-item hall') == size
    with django_assert_num_queries(5):
        page(client, f"{MAP}?kind=medical")
    with django_assert_num_queries(7):  # and the hall, and its sessions
        page(client, f"{MAP}hall/{halls[0].pk}/")
    with django_assert_num_queries(6):  # and the zone
        page(client, f"{MAP}zone/{zones[1].pk}/")
    with django_assert_num_queries(6):  # and the point
        page(client, f"{MAP}point/{points[1].pk}/")


def test_what_is_not_there_is_not_found(client, world, edition, venue, halls):
    other = EditionFactory(year=YEAR + 1)
    EditionFactory(year=YEAR + 2)  # no venue on its map
    stranger_hall = HallFactory(venue=make_venue("别处", "Elsewhere"))
    cases = [
        ("/editions/1899/map/", "There is no edition for year 1899."),
        ("/editions/20x1/map/", "There is no edition for year 20x1."),
        (f"{MAP}{stranger_hall.venue_id}/", f"Venue {stranger_hall.venue_id} is not on the map of edition {YEAR}."),
        (f"{MAP}999999999/", f"Venue 999999999 is not on the map of edition {YEAR}."),
        (f"{MAP}hall/{stranger_hall.pk}/", f"Hall {stranger_hall.pk} is not on the map of edition {YEAR}."),
        (f"{MAP}hall/999999999/", f"Hall 999999999 is not on the map of edition {YEAR}."),
        (f"{MAP}zone/{make_zone(other).pk}/", f"Edition {YEAR} has no expo zone {other.expo_zones.get().pk}."),
        (f"{MAP}point/{make_point(other, venue).pk}/", f"Edition {YEAR} has no service point {other.service_points.get().pk}."),
        (f"{MAP}point/999999999/", f"Edition {YEAR} has no service point 999999999."),
        (f"/editions/{YEAR + 2}/map/hall/{halls[0].pk}/", f"Hall {halls[0].pk} is not on the map of edition {YEAR + 2}."),
    ]
    for url, message in cases:
        html = page(client, url, status=404)
        assert f'<p class="error">{message}</p>' in html, url
    assert page(client, "/editions/２０９１/map/", status=404).count("There is no edition for year ２０９１.") == 1
    for url in (f"{MAP}point/١٢/", f"{MAP}hall/²/", f"{MAP}zone/{'9' * 19}/", f"{MAP}point/-1/", f"{MAP}point/1.0/", f"{MAP}venue/"):
        assert client.get(url).status_code == 404, url


def test_a_nul_anywhere_is_refused_before_the_map(client, world):
    for url in (f"{MAP}point/1%00/", f"{MAP}?kind=medical%00", f"{MAP}hall/%00/"):
        response = client.get(url, **EN)
        assert response.status_code == 400, url
        assert 'data-code="invalid_characters"' in response.content.decode()


def test_an_edition_without_a_venue_says_so(client):
    EditionFactory(year=YEAR)
    html = page(client, MAP)
    assert '<p class="empty">No venue of this edition is on the map yet.</p>' in html
    assert "<svg" not in html
