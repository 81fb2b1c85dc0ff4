"""Issue 25, the admin of the venue map (companion/admin_map.py), as an organizer: the service
points' list (name in the admin's language, kind, venue, hours, edition; the same queries with 1
and 6 points) and the places' list (likewise); a point's change form with the venue's plan and
the point on it (and the add form's plan once a venue is named, its links to each venue before);
a point and a place added; every refusal beside its field with its code (venue_required,
off_plan, too_long; hall_or_zone, hall_of_another_venue, already_placed, off_plan), nothing saved
and never an IntegrityError; an overlap saved with a warning naming the other place."""
import re

import pytest
from django.contrib.messages import get_messages

from companion.models import PlanShape, ServicePoint
from tests.factories import HallFactory, make_organizer

from .test_map import YEAR, edition, halls, make_point, make_venue, make_zone, venue  # noqa: F401

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
POINTS = "/admin/companion/servicepoint/"
SHAPES = "/admin/companion/planshape/"


@pytest.fixture
def organizer(db):
    return make_organizer()


@pytest.fixture
def signed_in(client, organizer):
    client.force_login(organizer)
    return client


def point_data(for_edition, at_venue, **overrides) -> dict:
    data = {
        "edition": for_edition.pk, "venue": at_venue.pk, "kind": "medical", "name_zh": "医疗点", "name_en": "Medical point",
        "hours_zh": "每天 08:00–18:00", "hours_en": "Daily 08:00–18:00", "note_zh": "", "note_en": "", "x": "120", "y": "340",
    }
    data.update(overrides)
    return data


def shape_data(at_venue, **overrides) -> dict:
    data = {"venue": at_venue.pk, "hall": "", "zone": "", "x": "100", "y": "100", "width": "200", "height": "150"}
    data.update(overrides)
    return data


def field_errors(response) -> dict[str, list[tuple[str, str]]]:
    form = response.context["adminform"].form
    return {name: [(error.code, error.message) for error in errors] for name, errors in form.errors.as_data().items()}


def cells(html: str, marker: str) -> list[str]:
    listing = html[html.index('id="result_list"'):]
    row = next(row for row in re.findall(r"<tr>(.*?)</tr>", listing, re.DOTALL) if marker in row)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)][1:]


# -- lists ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 6])
def test_the_points_list_takes_the_same_queries_whatever_its_rows(signed_in, edition, venue, count, django_assert_num_queries):
    for n in range(count):
        make_point(edition, make_venue(f"会场{n}", f"Venue {n}") if n else venue, name_zh=f"医疗点{n}", name_en=f"Medical point {n}")
    # session, user, the organizer's permissions (2), the edition and venue filters' choices, the two counts, the page
    with django_assert_num_queries(9):
        response = signed_in.get(POINTS, **EN)
    html = response.content.decode()
    assert html.count('class="action-checkbox"') == count
    assert cells(html, "Medical point 0<") == ["Medical point 0", "Medical point", "Test Convention Center", "Daily 08:00–18:00", str(YEAR)]
    zh = signed_in.get(POINTS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert cells(zh, "医疗点0<")[0] == "医疗点0" and cells(zh, "医疗点0<")[3] == "每天 08:00–18:00"


@pytest.mark.parametrize("count", [1, 6])
def test_the_places_list_takes_the_same_queries_whatever_its_rows(signed_in, edition, venue, count, django_assert_num_queries):
    for n in range(count):
        PlanShape.objects.create(venue=venue, hall=HallFactory(venue=venue, name_en=f"Hall {n}"), x=n, y=n, width=10, height=10)
    PlanShape.objects.create(venue=venue, zone=make_zone(edition), x=500, y=500, width=10, height=10)
    with django_assert_num_queries(8):  # session, user, permissions (2), the venue filter's choices, the two counts, the page
        response = signed_in.get(SHAPES, **EN)
    html = response.content.decode()
    assert html.count('class="action-checkbox"') == count + 1
    assert cells(html, "Hall: Hall 0<")[1:] == ["Test Convention Center", "Hall: Hall 0", "0", "0", "10", "10"]
    assert cells(html, "Expo zone")[1:3] == ["Test Convention Center", f"Expo zone {YEAR}: AI hall"]


# -- a point's form -----------------------------------------------------------------------------------------

def test_a_points_change_form_draws_the_venues_plan_with_the_point(signed_in, edition, venue, halls):
    point = make_point(edition, venue, x=975, y=300)
    other = make_point(edition, venue, kind="restroom", name_zh="洗手间", x=10, y=20)
    html = signed_in.get(f"{POINTS}{point.pk}/change/", **EN).content.decode()
    assert '<h2 id="companion-plan-title">The plan of Test Convention Center</h2>' in html
    assert '<svg class="venue-plan editable"' in html
    assert '<g id="plan-current" class="plan-current" transform="translate(975 300)">' in html
    assert f'data-point="{other.pk}"' in html and f'data-point="{point.pk}"' not in html  # drawn once, as the marker
    assert html.count('class="plan-item hall laid-out"') == 3 and "<a href" not in html[html.index("<svg"):html.index("</svg>")]
    assert "/static/companion/admin_map.js" in html and "/static/companion/map.css" in html
    assert f'href="/editions/{YEAR}/map/point/{point.pk}/" class="viewsitelink"' in html  # view on site


def test_the_add_form_draws_the_plan_of_the_venue_named_and_links_each_venue_before(signed_in, edition, venue, halls):
    html = signed_in.get(f"{POINTS}add/", **EN).content.decode()
    assert 'class="venue-plan' not in html
    assert f'<li><a href="?venue={venue.pk}">Test Convention Center</a></li>' in html
    named = signed_in.get(f"{POINTS}add/?venue={venue.pk}&edition={edition.pk}", **EN).content.decode()
    assert '<g id="plan-current" class="plan-current" transform="translate(500 500)">' in named
    assert named.count('class="plan-item hall laid-out"') == 3
    assert signed_in.get(f"{POINTS}add/?venue=９&edition=x", **EN).status_code == 200  # not ids: no plan, no error


def test_a_point_is_added(signed_in, edition, venue):
    response = signed_in.post(f"{POINTS}add/", point_data(edition, venue), **EN)
    assert response.status_code == 302
    point = ServicePoint.objects.get()
    assert (point.kind, point.name_en, point.hours_zh, point.x, point.y, point.venue_id) == ("medical", "Medical point", "每天 08:00–18:00", 120, 340, venue.pk)


@pytest.mark.parametrize("overrides, field, code, message", [
    ({"venue": ""}, "venue", "venue_required", "Choose the venue: a position is on the plan of one venue."),
    ({"x": "1001"}, "x", "off_plan", "The left (x) must be between 0 and 1000 plan units (the plan is 1000 × 1000); 1001 is off the plan."),
    ({"y": "-5"}, "y", "off_plan", "The top (y) must be between 0 and 1000 plan units (the plan is 1000 × 1000); -5 is off the plan."),
    ({"name_zh": "医" * 201}, "name_zh", "too_long", "The name (Chinese) may hold 200 characters; this one has 201."),
    ({"hours_en": "x" * 201}, "hours_en", "too_long", "The hours (English) may hold 200 characters; this one has 201."),
])
def test_a_points_refusals_show_beside_their_field(signed_in, edition, venue, overrides, field, code, message):
    response = signed_in.post(f"{POINTS}add/", point_data(edition, venue, **overrides), **EN)
    assert response.status_code == 200
    assert field_errors(response) == {field: [(code, message)]}
    assert not ServicePoint.objects.exists()


def test_a_points_form_lists_every_refusal_at_once_and_keeps_drawing(signed_in, edition, venue, halls):
    point = make_point(edition, venue, x=10, y=10)
    response = signed_in.post(f"{POINTS}{point.pk}/change/", point_data(edition, venue, x="5000", y="abc", name_en="e" * 300), **EN)
    errors = field_errors(response)
    assert {name: [code for code, _message in found] for name, found in errors.items()} == {"x": ["off_plan"], "y": ["invalid"], "name_en": ["too_long"]}
    html = response.content.decode()
    assert '<g id="plan-current" class="plan-current" transform="translate(10 10)">' in html  # off the plan: drawn where it is saved
    point.refresh_from_db()
    assert (point.x, point.y, point.name_en) == (10, 10, "Medical point")


# -- a place's form ------------------------------------------------------------------------------------------

def test_a_place_is_added_and_drawn(signed_in, edition, venue, halls):
    response = signed_in.post(f"{SHAPES}add/", shape_data(venue, hall=halls[0].pk), **EN)
    assert response.status_code == 302
    shape = PlanShape.objects.get()
    assert (shape.hall_id, shape.x, shape.y, shape.width, shape.height) == (halls[0].pk, 100, 100, 200, 150)
    assert not [m for m in get_messages(response.wsgi_request) if "overlaps" in m.tags]
    html = signed_in.get(f"{SHAPES}{shape.pk}/change/", **EN).content.decode()
    assert '<rect id="plan-current-shape" class="plan-current-shape" x="100" y="100" width="200" height="150" rx="6"/>' in html
    assert f'data-hall="{halls[0].pk}"' not in html and f'data-hall="{halls[1].pk}"' in html


def test_a_zones_place_is_added(signed_in, edition, venue):
    zone = make_zone(edition)
    assert signed_in.post(f"{SHAPES}add/", shape_data(venue, zone=zone.pk), **EN).status_code == 302
    assert PlanShape.objects.get().zone_id == zone.pk


def test_a_places_refusals_show_beside_their_field(signed_in, edition, venue, halls):
    zone = make_zone(edition)
    far = HallFactory(venue=make_venue("别处", "Elsewhere"), name_en="Far Hall")
    PlanShape.objects.create(venue=venue, hall=halls[1], x=0, y=0, width=10, height=10)
    cases = [
        ({"hall": halls[0].pk, "zone": zone.pk}, "hall", "hall_or_zone", "Choose a hall or an expo zone, not both: a place on the plan is a hall's or a zone's."),
        ({}, "hall", "hall_or_zone", "Choose a hall or an expo zone, not both: a place on the plan is a hall's or a zone's."),
        ({"hall": far.pk}, "hall", "hall_of_another_venue", "The hall Far Hall is at Elsewhere, not at Test Convention Center: choose a hall of this venue, or this hall's venue."),
        ({"hall": halls[1].pk}, "hall", "already_placed", "The hall Zhenshui Hall has a place on the plan already: change that one."),
        ({"hall": halls[0].pk, "venue": ""}, "venue", "venue_required", "Choose the venue: a position is on the plan of one venue."),
        ({"hall": halls[0].pk, "x": "-1"}, "x", "off_plan", "The left (x) must be between 0 and 1000 plan units (the plan is 1000 × 1000); -1 is off the plan."),
        ({"hall": halls[0].pk, "y": "900", "height": "101"}, "height", "off_plan", "The rectangle leaves the plan: 900 + height 101 ends at 1001, past 1000. Make it at most 100."),
        ({"hall": halls[0].pk, "width": "0"}, "width", "off_plan", "The width must be at least 1 plan unit; it is 0."),
    ]
    for overrides, field, code, message in cases:
        response = signed_in.post(f"{SHAPES}add/", shape_data(venue, **overrides), **EN)
        assert response.status_code == 200, overrides
        assert field_errors(response) == {field: [(code, message)]}, overrides
    assert PlanShape.objects.count() == 1


def test_an_overlap_is_saved_with_a_warning(signed_in, edition, venue, halls):
    PlanShape.objects.create(venue=venue, hall=halls[1], x=150, y=150, width=100, height=100)
    response = signed_in.post(f"{SHAPES}add/", shape_data(venue, hall=halls[0].pk), **EN)
    assert response.status_code == 302
    warnings = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request) if "overlaps" in m.tags]
    assert warnings == [("warning", "Saved, but it overlaps Zhenshui Hall on the plan: move one of them if that is a slip.")]
    assert PlanShape.objects.count() == 2
