"""Issue 28, the venue map in the API (companion/api_map.py): service points and the places of halls
and expo zones, read by everyone (the published editions'), placed by organizers through the same
checks as the admin's forms (companion.map.point_problems, shape_problems): every problem by field
with the first one's code, nothing saved then; an overlap saved with the others named; lists in a
constant number of queries."""
import pytest

from companion.models import PlanShape, ServicePoint
from tests.factories import EditionFactory, HallFactory, make_organizer

from .test_map import YEAR, edition, halls, make_point, make_venue, make_zone, venue  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

POINTS = "/api/v1/service-points/"
SHAPES = "/api/v1/plan-shapes/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def organizer(db):
    return make_organizer(password=None)


@pytest.fixture
def api(api_client, organizer):
    api_client.force_authenticate(organizer)
    return api_client


def send(client, method, url, body=None):
    return getattr(client, method.lower())(url, body if body is not None else {}, format="json", **EN)


def code_of(response) -> tuple:
    return response.status_code, response.json()["code"]


def point_body(at_venue, **fields) -> dict:
    return {"edition": YEAR, "venue": at_venue.pk, "kind": "medical", "name_zh": "医疗点", "name_en": "Medical point",
            "hours_zh": "每天 08:00–18:00", "hours_en": "Daily 08:00–18:00", "x": 120, "y": 340, **fields}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


# -- service points -------------------------------------------------------------------------------

def test_everyone_reads_the_published_editions_points(api_client, organizer, edition, venue):
    shown = make_point(edition, venue, kind="information", name_zh="咨询台", name_en="Information desk", x=10, y=20, note_en="By the gate.")
    hidden_edition = EditionFactory(year=YEAR + 1, is_published=False)
    hidden = make_point(hidden_edition, venue)
    listed = api_client.get(f"{POINTS}?edition={YEAR}")
    assert listed.json()["results"] == [{
        "id": shown.pk, "edition": YEAR, "venue": venue.pk, "kind": "information", "name_zh": "咨询台", "name_en": "Information desk",
        "hours_zh": "每天 08:00–18:00", "hours_en": "Daily 08:00–18:00", "note_zh": "", "note_en": "By the gate.", "x": 10, "y": 20,
    }]
    assert code_of(api_client.get(f"{POINTS}{hidden.pk}/")) == (404, "not_found")
    assert hidden.pk not in ids(api_client.get(POINTS))
    api_client.force_authenticate(organizer)
    assert ids(api_client.get(f"{POINTS}?edition={YEAR + 1}")) == [hidden.pk]
    assert api_client.get(f"{POINTS}{hidden.pk}/").status_code == 200


def test_the_points_filter_by_venue_and_kind(api_client, edition, venue):
    other_venue = make_venue(name_zh="另一个场馆", name_en="Other venue")
    medical = make_point(edition, venue, kind="medical")
    restroom = make_point(edition, venue, kind="restroom", name_zh="卫生间")
    elsewhere = make_point(edition, other_venue, kind="medical", name_zh="医疗点二")
    assert ids(api_client.get(f"{POINTS}?edition={YEAR}&kind=medical")) == [medical.pk, elsewhere.pk]  # by venue, then kind and name
    assert ids(api_client.get(f"{POINTS}?venue={venue.pk}&kind=restroom")) == [restroom.pk]
    assert ids(api_client.get(f"{POINTS}?venue={other_venue.pk}")) == [elsewhere.pk]
    for bad in ("?kind=bar", "?edition=٢٠٩١", "?venue=1x"):
        assert code_of(api_client.get(f"{POINTS}{bad}")) == (400, "invalid"), bad


@pytest.mark.parametrize("count", [1, 10])
def test_the_point_list_takes_a_constant_number_of_queries(api_client, edition, venue, count, django_assert_num_queries):
    for n in range(count):
        make_point(edition, venue, name_zh=f"服务点{n}", x=n, y=n)
    with django_assert_num_queries(2):  # the count, the page with the editions
        response = api_client.get(f"{POINTS}?edition={YEAR}")
    assert response.json()["count"] == count


def test_an_organizer_places_a_service_point(api, edition, venue):
    made = send(api, "POST", POINTS, point_body(venue, note_zh="近南门"))
    assert made.status_code == 201
    point = ServicePoint.objects.get()
    assert made.json() == {
        "id": point.pk, "edition": YEAR, "venue": venue.pk, "kind": "medical", "name_zh": "医疗点", "name_en": "Medical point",
        "hours_zh": "每天 08:00–18:00", "hours_en": "Daily 08:00–18:00", "note_zh": "近南门", "note_en": "", "x": 120, "y": 340,
    }
    assert (point.edition_id, point.venue_id, point.x, point.y) == (edition.pk, venue.pk, 120, 340)


def test_every_problem_of_a_point_is_named_by_field_and_nothing_is_saved(api, edition, venue):
    refused = send(api, "POST", POINTS, point_body(venue, venue=None, x=1001, y=-1, name_zh="医" * 201))
    assert code_of(refused) == (400, "venue_required")
    assert refused.json()["message"] == "Choose the venue: a position is on the plan of one venue."
    assert {field: [e["code"] for e in errors] for field, errors in refused.json()["errors"].items()} == {
        "venue": ["venue_required"], "name_zh": ["too_long"], "x": ["off_plan"], "y": ["off_plan"],
    }
    assert refused.json()["errors"]["x"][0]["message"] == "The left (x) must be between 0 and 1000 plan units (the plan is 1000 × 1000); 1001 is off the plan."
    assert not ServicePoint.objects.exists()


@pytest.mark.parametrize("fields,code,field", [
    ({"venue": 10**12}, "does_not_exist", "venue"),
    ({"edition": 2999}, "does_not_exist", "edition"),
    ({"venue": "١"}, "invalid", "venue"),
    ({"kind": "bar"}, "invalid_choice", "kind"),
    ({"name_zh": ""}, "blank", "name_zh"),
    ({"x": 10**7}, "max_value", "x"),
    ({"x": None}, "null", "x"),
])
def test_bad_point_input_is_coded(api, edition, venue, fields, code, field):
    refused = send(api, "POST", POINTS, point_body(venue, **fields))
    assert refused.status_code == 400
    assert refused.json()["errors"][field][0]["code"] == code
    assert not ServicePoint.objects.exists()


def test_a_point_is_moved_replaced_and_removed(api, edition, venue):
    point = make_point(edition, venue, x=100, y=200)
    moved = send(api, "PATCH", f"{POINTS}{point.pk}/", {"x": 900})
    assert (moved.status_code, moved.json()["x"], moved.json()["y"], moved.json()["name_en"]) == (200, 900, 200, "Medical point")
    assert code_of(send(api, "PATCH", f"{POINTS}{point.pk}/", {"y": 1200})) == (400, "off_plan")
    replaced = send(api, "PUT", f"{POINTS}{point.pk}/", point_body(venue, kind="charging", name_zh="充电站", name_en="", x=5, y=6))
    assert (replaced.status_code, replaced.json()["kind"], replaced.json()["name_en"], replaced.json()["hours_en"]) == (200, "charging", "", "Daily 08:00–18:00")
    point.refresh_from_db()
    assert (point.kind, point.x, point.y) == ("charging", 5, 6)
    assert send(api, "DELETE", f"{POINTS}{point.pk}/").status_code == 204
    assert not ServicePoint.objects.exists()


def test_only_organizers_place_points(api_client, edition, venue, django_user_model):
    point = make_point(edition, venue)
    assert code_of(send(api_client, "POST", POINTS, point_body(venue))) == (401, "not_authenticated")
    api_client.force_authenticate(django_user_model.objects.create_user("staff-only", password=None, is_staff=True))
    for method, url, body in (("POST", POINTS, point_body(venue)), ("PATCH", f"{POINTS}{point.pk}/", {"x": 1}), ("DELETE", f"{POINTS}{point.pk}/", None)):
        assert code_of(send(api_client, method, url, body)) == (403, "permission_denied"), method
    assert list(ServicePoint.objects.values_list("pk", "x")) == [(point.pk, 100)]


# -- places of halls and zones --------------------------------------------------------------------

def shape_body(at_venue, **fields) -> dict:
    return {"venue": at_venue.pk, "hall": None, "zone": None, "x": 100, "y": 100, "width": 200, "height": 150, **fields}


def test_an_organizer_places_a_hall_and_is_told_of_an_overlap(api, venue, halls):
    first = send(api, "POST", SHAPES, shape_body(venue, hall=halls[0].pk))
    assert first.status_code == 201
    placed = PlanShape.objects.get(hall=halls[0])
    assert first.json() == {
        "id": placed.pk, "venue": venue.pk, "hall": halls[0].pk, "zone": None, "name": "Tong'an Hall", "x": 100, "y": 100,
        "width": 200, "height": 150, "overlaps": [],
    }
    second = send(api, "POST", SHAPES, shape_body(venue, hall=halls[1].pk, x=250, y=200))
    assert second.status_code == 201
    assert second.json()["overlaps"] == [{"id": placed.pk, "name": "Tong'an Hall"}]
    assert PlanShape.objects.count() == 2


@pytest.mark.parametrize("fields,problems", [
    ({"hall": "first", "zone": "zone"}, {"hall": ["hall_or_zone"]}),
    ({}, {"hall": ["hall_or_zone"]}),
    ({"hall": "first", "venue": None}, {"venue": ["venue_required"]}),
    ({"hall": "elsewhere"}, {"hall": ["hall_of_another_venue"]}),
    ({"hall": "first", "x": -1, "y": 1001}, {"x": ["off_plan"], "y": ["off_plan"]}),
    ({"hall": "first", "x": 950, "height": 0}, {"width": ["off_plan"], "height": ["off_plan"]}),
])
def test_every_problem_of_a_place_is_named_and_nothing_is_saved(api, edition, venue, halls, fields, problems):
    zone = make_zone(edition)
    elsewhere = HallFactory(venue=make_venue(name_zh="另一个场馆", name_en="Other venue"))
    objects = {"first": halls[0].pk, "zone": zone.pk, "elsewhere": elsewhere.pk}
    body = shape_body(venue, **{name: objects.get(value, value) if isinstance(value, str) else value for name, value in fields.items()})
    refused = send(api, "POST", SHAPES, body)
    assert refused.status_code == 400
    assert {field: [e["code"] for e in errors] for field, errors in refused.json()["errors"].items()} == problems
    assert refused.json()["code"] == next(iter(problems.values()))[0]
    assert not PlanShape.objects.exists()


def test_a_hall_or_zone_placed_already_is_refused_and_its_own_place_changes(api, edition, venue, halls):
    zone = make_zone(edition)
    hall_place = send(api, "POST", SHAPES, shape_body(venue, hall=halls[0].pk)).json()
    zone_place = send(api, "POST", SHAPES, shape_body(venue, zone=zone.pk, x=500, y=500))
    assert (zone_place.status_code, zone_place.json()["name"], zone_place.json()["zone"]) == (201, "AI hall", zone.pk)
    again = send(api, "POST", SHAPES, shape_body(venue, hall=halls[0].pk, x=600))
    assert code_of(again) == (400, "already_placed")
    assert again.json()["message"] == "The hall Tong'an Hall has a place on the plan already: change that one."
    assert code_of(send(api, "POST", SHAPES, shape_body(venue, zone=zone.pk))) == (400, "already_placed")
    resized = send(api, "PATCH", f"{SHAPES}{hall_place['id']}/", {"width": 300})
    assert (resized.status_code, resized.json()["width"], resized.json()["x"], resized.json()["hall"]) == (200, 300, 100, halls[0].pk)
    assert code_of(send(api, "PATCH", f"{SHAPES}{hall_place['id']}/", {"x": 800})) == (400, "off_plan")  # 800 + 300 leaves the plan
    assert send(api, "DELETE", f"{SHAPES}{hall_place['id']}/").status_code == 204
    assert list(PlanShape.objects.values_list("zone_id", flat=True)) == [zone.pk]


@pytest.mark.parametrize("fields,code,field", [
    ({"hall": 10**12}, "does_not_exist", "hall"),
    ({"zone": 10**12}, "does_not_exist", "zone"),
    ({"venue": 10**12}, "does_not_exist", "venue"),
    ({"hall": "١"}, "invalid", "hall"),
    ({"width": "wide"}, "invalid", "width"),
])
def test_bad_place_input_is_coded(api, venue, halls, fields, code, field):
    refused = send(api, "POST", SHAPES, shape_body(venue, **{"hall": halls[0].pk, **fields}))
    assert refused.status_code == 400
    assert refused.json()["errors"][field][0]["code"] == code
    assert not PlanShape.objects.exists()


def test_everyone_reads_the_places_of_halls_and_of_the_published_editions_zones(api_client, organizer, edition, venue, halls):
    hall_place = PlanShape.objects.create(venue=venue, hall=halls[0], x=0, y=0, width=100, height=100)
    zone_place = PlanShape.objects.create(venue=venue, zone=make_zone(edition), x=200, y=0, width=100, height=100)
    hidden = PlanShape.objects.create(venue=venue, zone=make_zone(EditionFactory(year=YEAR + 1, is_published=False), key="hidden"), x=400, y=0, width=100, height=100)
    assert ids(api_client.get(f"{SHAPES}?venue={venue.pk}")) == [hall_place.pk, zone_place.pk]
    assert api_client.get(f"{SHAPES}{hall_place.pk}/", **EN).json() == {
        "id": hall_place.pk, "venue": venue.pk, "hall": halls[0].pk, "zone": None, "name": "Tong'an Hall", "x": 0, "y": 0, "width": 100, "height": 100,
    }
    assert code_of(api_client.get(f"{SHAPES}{hidden.pk}/")) == (404, "not_found")
    assert ids(api_client.get(f"{SHAPES}?hall={halls[0].pk}")) == [hall_place.pk]
    api_client.force_authenticate(organizer)
    assert ids(api_client.get(f"{SHAPES}?venue={venue.pk}")) == [hall_place.pk, zone_place.pk, hidden.pk]


@pytest.mark.parametrize("count", [1, 8])
def test_the_place_list_takes_a_constant_number_of_queries(api_client, edition, venue, count, django_assert_num_queries):
    for n in range(count):
        PlanShape.objects.create(venue=venue, hall=HallFactory(venue=venue), x=n * 100, y=0, width=50, height=50)
        PlanShape.objects.create(venue=venue, zone=make_zone(edition, key=f"z{n}"), x=n * 100, y=500, width=50, height=50)
    with django_assert_num_queries(2):  # the count, the page with halls and zones
        response = api_client.get(f"{SHAPES}?venue={venue.pk}")
    assert response.json()["count"] == 2 * count


def test_only_organizers_place_halls(api_client, venue, halls, django_user_model):
    assert code_of(send(api_client, "POST", SHAPES, shape_body(venue, hall=halls[0].pk))) == (401, "not_authenticated")
    api_client.force_authenticate(django_user_model.objects.create_user("staff-only", password=None, is_staff=True))
    assert code_of(send(api_client, "POST", SHAPES, shape_body(venue, hall=halls[0].pk))) == (403, "permission_denied")
    assert not PlanShape.objects.exists()


def test_the_schema_documents_the_map_endpoints(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    assert {POINTS, f"{POINTS}{{id}}/", SHAPES, f"{SHAPES}{{id}}/"} <= set(paths)
    assert "venue_required" in paths[POINTS]["post"]["responses"]["400"]["description"]
    assert "already_placed" in paths[f"{SHAPES}{{id}}/"]["patch"]["responses"]["400"]["description"]
    assert {"204", "401", "403", "404"} <= set(paths[f"{POINTS}{{id}}/"]["delete"]["responses"])
