"""Issue 22, API and exports: /api/v1/people/ (public fields only), sessions carrying their
people and filtered by ?person=, the schema, schedule.json/xml `persons` and the iCal DESCRIPTION."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.exports import agenda_ics, schedule_json, schedule_xml
from agenda.selectors import sessions_for_listing
from people.models import Person
from people.services import appearance_upsert, person_upsert
from tests.agenda.test_exports import BASE, assert_json_valid, assert_xml_valid, json_validator, vevents, xml_schema  # noqa: F401
from tests.factories import EditionFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def people():
    edition = EditionFactory()
    forum = SessionFactory(edition=edition, title_zh="测试论坛")
    other = SessionFactory(edition=edition, title_zh="另一场")
    ren = person_upsert(key="t-ren", name_zh="任测试", country="CN", email="ren@example.org", phone="123", assistant="秘书")
    smith = person_upsert(key="t-smith", name_zh="史密斯", name_en="Anna Smith", country="GB", precedence=5)
    hidden = person_upsert(key="t-hidden", name_zh="未确认")
    appearance_upsert(person=ren, session=forum, role="speech", status="appeared", title_zh="测试秘书长", sort_order=2)
    appearance_upsert(person=smith, session=forum, role="remarks", status="confirmed", title_zh="测试部长", sort_order=1)
    appearance_upsert(person=ren, session=other, role="moderator", status="appeared", title_zh="测试秘书长", check_clashes=False)  # the fixture is about display, not clashes
    appearance_upsert(person=hidden, session=forum, role="speech", status="invited")
    return edition, forum, other, ren, smith, hidden


def test_people_list_has_public_fields_only(api_client, people):
    edition, forum, other, ren, smith, hidden = people
    body = api_client.get("/api/v1/people/", {"edition": edition.year}).json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "id": smith.pk, "name_zh": "史密斯", "name_en": "Anna Smith", "country": "GB", "bio_zh": "", "bio_en": "",
        "appearances": [{"session": forum.pk, "edition": edition.year, "role": "remarks", "title_zh": "测试部长"}],
    }
    assert body["results"][1]["id"] == ren.pk
    assert sorted(a["session"] for a in body["results"][1]["appearances"]) == sorted([forum.pk, other.pk])
    text = str(body)
    for private in ("ren@example.org", "email", "phone", "assistant", "未确认", "precedence"):
        assert private not in text
    assert api_client.get(f"/api/v1/people/{hidden.pk}/").status_code == 404


@pytest.mark.parametrize("params, names", [
    ({"search": "rcs"}, ["任测试"]), ({"search": "renceshi"}, ["任测试"]), ({"search": "anna"}, ["史密斯"]),
    ({"role": "moderator"}, ["任测试"]), ({"role": "remarks"}, ["史密斯"]),
])
def test_people_filters(api_client, people, params, names):
    edition = people[0]
    body = api_client.get("/api/v1/people/", {"edition": edition.year, **params}).json()
    assert [p["name_zh"] for p in body["results"]] == names


def test_seeded_speaker_found_by_pinyin_initials(api_client):
    body = api_client.get("/api/v1/people/", {"edition": 2024, "search": "rxl"}).json()
    assert [p["name_zh"] for p in body["results"]] == ["任贤良"]
    from agenda.models import Session

    press = Session.objects.get(edition__year=2024, key="closing-press-conference")
    assert {"session": press.pk, "edition": 2024, "role": "speech", "title_zh": "世界互联网大会秘书长"} in body["results"][0]["appearances"]


@pytest.mark.parametrize("params, field", [({"role": "juggler"}, "role"), ({"edition": "1999"}, "edition")])
def test_people_bad_filters_are_400_naming_the_field(api_client, params, field):
    response = api_client.get("/api/v1/people/", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("pk", ["999999999", "١"])
def test_unknown_person_is_404(api_client, pk):
    response = api_client.get(f"/api/v1/people/{pk}/")
    assert response.status_code == 404


def test_sessions_carry_their_people_in_protocol_order_and_filter_by_person(api_client, people):
    edition, forum, other, ren, smith, hidden = people
    body = api_client.get(f"/api/v1/sessions/{forum.pk}/").json()
    assert body["appearances"] == [
        {"person": smith.pk, "name_zh": "史密斯", "name_en": "Anna Smith", "role": "remarks", "title_zh": "测试部长"},
        {"person": ren.pk, "name_zh": "任测试", "name_en": "", "role": "speech", "title_zh": "测试秘书长"},
    ]
    listed = api_client.get("/api/v1/sessions/", {"person": ren.pk}).json()
    assert sorted(s["id"] for s in listed["results"]) == sorted([forum.pk, other.pk])
    assert [s["id"] for s in api_client.get("/api/v1/sessions/", {"person": smith.pk}).json()["results"]] == [forum.pk]
    assert api_client.get("/api/v1/sessions/", {"person": hidden.pk}).json()["count"] == 0
    assert api_client.get("/api/v1/sessions/", {"person": "١٢"}).status_code == 400


def test_people_list_queries_are_constant(api_client, people):
    edition = people[0]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get("/api/v1/people/", {"edition": edition.year}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    session = SessionFactory(edition=edition)
    for i in range(20):
        appearance_upsert(person=person_upsert(key=f"t-q-{i}", name_zh=f"人{i}"), session=session, role="panelist", status="appeared")
    # edition filter lookup, count, page, appearances
    assert (few, count()) == (4, 4)


def test_schema_describes_people_and_session_appearances(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/people/" in text and "SessionAppearance" in text and "PersonAppearance" in text
    assert '"email"' not in text.split('"Person"', 1)[1].split('"PersonAppearance"', 1)[0] if '"Person"' in text else True


# --- exports -------------------------------------------------------------------------------------


def test_schedule_json_and_xml_list_persons_and_validate(people, json_validator, xml_schema):  # noqa: F811
    edition, forum, other, ren, smith, hidden = people
    sessions = list(sessions_for_listing().filter(edition=edition))
    doc = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
    assert_json_valid(json_validator, doc)
    events = {e["id"]: e for day in doc["schedule"]["conference"]["days"] for evs in day["rooms"].values() for e in evs}
    persons = events[forum.pk]["persons"]
    assert [(p["id"], p["name"], p["url"]) for p in persons] == [
        (smith.pk, "史密斯 / Anna Smith", f"{BASE}/people/{smith.pk}/"),
        (ren.pk, "任测试", f"{BASE}/people/{ren.pk}/"),
    ]
    assert persons[0]["guid"] != persons[1]["guid"]
    assert [p["id"] for p in events[other.pk]["persons"]] == [ren.pk]
    xml = schedule_xml(edition=edition, sessions=sessions, base_url=BASE)
    assert_xml_valid(xml_schema, xml)
    from lxml import etree

    [event] = [e for e in etree.fromstring(xml).findall("day/room/event") if e.get("id") == str(forum.pk)]
    assert [(p.get("id"), p.text) for p in event.findall("persons/person")] == [(str(smith.pk), "史密斯 / Anna Smith"), (str(ren.pk), "任测试")]


def test_ical_description_lists_the_speakers_by_role(people):
    edition, forum, other, ren, smith, hidden = people
    sessions = list(sessions_for_listing().filter(edition=edition))
    events = {str(e["summary"]): e for e in vevents(agenda_ics(edition=edition, sessions=sessions, base_url=BASE))}
    description = str(events["测试论坛"]["description"])
    assert "致辞 / Opening remarks: 史密斯 / Anna Smith (测试部长)\n发言 / Speech: 任测试 (测试秘书长)" in description
    assert "未确认" not in description


def test_ical_of_2024_names_the_press_conference_speakers(client):
    from agenda.models import Session

    pk = Session.objects.get(edition__year=2024, key="closing-press-conference").pk
    ics = client.get("/editions/2024/agenda.ics").content
    [press] = [e for e in vevents(ics) if str(e["uid"]) == f"session-{pk}@2024.wic-summit"]
    assert "发言 / Speech: 任贤良 (世界互联网大会秘书长)、赵承 (浙江省委常委、宣传部部长)" in str(press["description"])


def test_person_model_private_fields_exist_but_are_not_serialized():
    from people.serializers import PersonSerializer

    assert {"email", "phone", "assistant"} <= {f.name for f in Person._meta.get_fields()}
    assert not {"email", "phone", "assistant", "precedence", "key"} & set(PersonSerializer.Meta.fields)
