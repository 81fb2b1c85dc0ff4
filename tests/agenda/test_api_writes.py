"""Issue 28: the organizers' writes of the agenda API (agenda/api.py): venues, halls, boards,
sessions (create, change, place, publish, unpublish) and outcomes, each through agenda.services;
an edit shows on the public endpoints and pages at once (the signals give the edition a new
cache version, as the admin's save does); the public reads keep their permission and queries."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from agenda import cache as agenda_cache
from agenda import services
from agenda.models import Board, Hall, Outcome, Session, SessionChangeAlert, SessionOrganization, Venue
from tests.factories import BoardFactory, EditionFactory, HallFactory, OrganizationFactory, SessionFactory, VenueFactory, make_organizer
from wic.tokens import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

BEIJING = ZoneInfo("Asia/Shanghai")


def client_for(user) -> APIClient:
    client = APIClient()
    _token, key = token_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def organizer():
    return client_for(make_organizer("agenda-organizer"))


@pytest.fixture
def attendee():
    return get_user_model().objects.create_user("agenda-attendee", "attendee@example.org", "a-long-test-password-1")


@pytest.fixture
def edition():
    return EditionFactory(year=3101, start_date=date(3101, 11, 10), end_date=date(3101, 11, 12), is_published=True)


@pytest.fixture
def hall():
    return HallFactory(venue=VenueFactory(name_zh="测试会展中心甲"), name_zh="通安厅", room="217")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(3101, 11, day, hour, minute, tzinfo=BEIJING)


def session_body(**extra) -> dict:
    return {"edition": 3101, "key": "ai-governance", "title_zh": "人工智能治理论坛", "kind": "sub_forum", **extra}


# -- sessions: create --------------------------------------------------------------------------------


def test_session_create_waits_unpublished_with_its_organizations(organizer, edition):
    board = BoardFactory(edition=edition)
    host, co_host = OrganizationFactory(name_zh="主办机构"), OrganizationFactory(name_zh="协办机构")
    body = session_body(
        title_en="AI governance forum", date="3101-11-11", period="morning", board=board.pk, access="closed_door",
        alt_titles=["人工智能论坛"], organizations=[{"organization": co_host.pk, "role": "co_host"}, {"organization": host.pk, "role": "host"}],
    )
    response = organizer.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    session = Session.objects.get(edition=edition, key="ai-governance")
    assert (data["id"], data["edition"], data["title_zh"], data["title_en"], data["date"], data["period"], data["start"]) == (
        session.pk, 3101, "人工智能治理论坛", "AI governance forum", "3101-11-11", "morning", None,
    )
    assert (data["access"], data["access_rules"], data["alt_titles"], data["board"]["id"], data["hall"]) == (
        "closed_door", ["closed_door", "invited_only"], ["人工智能论坛"], board.pk, None,
    )
    assert [(o["name_zh"], o["role"]) for o in data["organizations"]] == [("协办机构", "co_host"), ("主办机构", "host")]
    assert (data["is_published"], data["change_alert_due_at"]) == (False, None)
    assert (session.is_published, session.access, session.closed_door) == (False, "invited_only", True)
    # Unpublished: the public reads do not show it.
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/").status_code == 404


def test_session_create_with_a_taken_key_is_session_exists_and_changes_nothing(organizer, edition):
    existing = SessionFactory(edition=edition, key="ai-governance", title_zh="原标题")
    response = organizer.post("/api/v1/sessions/", session_body(title_zh="新标题"), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["code"] == "session_exists"
    assert f"id {existing.pk}" in response.json()["message"]
    in_chinese = organizer.post("/api/v1/sessions/", session_body(title_zh="新标题"), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert f"（ID {existing.pk}）" in in_chinese.json()["message"]
    existing.refresh_from_db()
    assert (existing.title_zh, Session.objects.filter(edition=edition).count()) == ("原标题", 1)


@pytest.mark.parametrize("extra,status,code,field", [
    ({"date": "3101-11-11", "start_time": "09:00"}, 400, "session_time_incomplete", "end"),
    ({"date": "3101-11-11", "start_time": "12:00", "end_time": "09:00"}, 400, "session_ends_before_start", "end"),
    ({"date": "3101-11-11", "start_time": "09:00", "end_time": "10:00", "period": "morning"}, 400, "session_period_with_time", "period"),
    ({"start_time": "09:00", "end_time": "10:00"}, 400, "session_time_without_date", "date"),
    ({"date": "3101-12-30"}, 400, "session_outside_edition", "date"),
    ({"date": "3101-11-11", "access": "open", "closed_door": True}, 400, "closed_door_open", "access"),
])
def test_session_create_refusals_are_the_services_codes(organizer, edition, extra, status, code, field):
    response = organizer.post("/api/v1/sessions/", session_body(**extra), format="json")
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (status, code, [field])
    assert not Session.objects.filter(edition=edition).exists()


def test_session_create_with_another_editions_board_is_board_not_in_edition(organizer, edition):
    other_board = BoardFactory()
    response = organizer.post("/api/v1/sessions/", session_body(board=other_board.pk), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "board_not_in_edition")


def test_session_create_naming_an_organization_twice_in_one_role_rolls_back(organizer, edition):
    host = OrganizationFactory()
    body = session_body(organizations=[{"organization": host.pk, "role": "host"}, {"organization": host.pk, "role": "host"}])
    response = organizer.post("/api/v1/sessions/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "duplicate_organization_role")
    assert not Session.objects.filter(edition=edition).exists()


def test_session_create_refuses_unicode_digits_and_unknown_years(organizer, edition):
    response = organizer.post("/api/v1/sessions/", session_body(edition="٣١٠١", board="١"), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert (errors["edition"][0]["code"], errors["board"][0]["code"]) == ("does_not_exist", "does_not_exist")


# -- sessions: change, and the public reads right after ---------------------------------------------------


def test_session_edit_shows_on_the_public_endpoint_and_page_right_after(organizer, edition, hall, client):
    session = SessionFactory(edition=edition, hall=hall, title_zh="旧标题", is_published=True)
    page = f"/editions/3101/sessions/{session.pk}/"
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/").json()["title_zh"] == "旧标题"
    assert "旧标题" in client.get(page).content.decode()  # the page is now cached under the edition's version
    version = agenda_cache.agenda_version(3101)

    response = organizer.patch(f"/api/v1/sessions/{session.pk}/", {"title_zh": "新标题", "theme_zh": "新主题"}, format="json")

    assert response.status_code == 200, response.json()
    assert agenda_cache.agenda_version(3101) != version
    public = APIClient().get(f"/api/v1/sessions/{session.pk}/").json()
    assert (public["title_zh"], public["theme_zh"], public["hall"]["id"], public["start"]) == ("新标题", "新主题", hall.pk, "3101-11-10T09:00:00+08:00")
    html = client.get(page).content.decode()
    assert "新标题" in html and "旧标题" not in html


def test_session_edit_keeps_what_is_not_sent(organizer, edition, hall):
    host = OrganizationFactory()
    session = SessionFactory(edition=edition, hall=hall, title_en="Old", access="by_invitation", attendance=300, attendance_qualifier="about")
    SessionOrganization.objects.create(session=session, organization=host, role="host")
    response = organizer.patch(f"/api/v1/sessions/{session.pk}/", {"summary_zh": "摘要"}, format="json")
    assert response.status_code == 200, response.json()
    session.refresh_from_db()
    assert (session.title_en, session.access, session.attendance, session.attendance_qualifier, session.hall_id, session.summary_zh) == (
        "Old", "by_invitation", 300, "about", hall.pk, "摘要",
    )
    assert (session.start, session.end, session.is_published) == (at(10, 9), at(10, 12), True)
    assert list(session.organization_roles.values_list("organization_id", "role")) == [(host.pk, "host")]


def test_session_edit_of_an_unpublished_session(organizer, edition):
    session = SessionFactory(edition=edition, hall=None, start=None, end=None, is_published=False)
    response = organizer.patch(f"/api/v1/sessions/{session.pk}/", {"start_time": "14:00", "end_time": "15:30"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["start"], response.json()["end"], response.json()["is_published"]) == (
        "3101-11-10T14:00:00+08:00", "3101-11-10T15:30:00+08:00", False,
    )


def test_session_edit_moving_a_placed_session_is_session_placed(organizer, edition, hall):
    session = SessionFactory(edition=edition, hall=hall)
    response = organizer.patch(f"/api/v1/sessions/{session.pk}/", {"start_time": "14:00", "end_time": "17:00"}, format="json")
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (409, "session_placed", ["start_time"])
    assert f"/api/v1/sessions/{session.pk}/place/" in response.json()["message"]
    # The same values again are no move.
    same = organizer.patch(f"/api/v1/sessions/{session.pk}/", {"date": "3101-11-10", "start_time": "09:00", "end_time": "12:00"}, format="json")
    assert same.status_code == 200, same.json()


def test_session_edit_of_its_key_or_edition_is_key_fixed(organizer, edition):
    session = SessionFactory(edition=edition, key="fixed-key")
    other = EditionFactory()
    for body, field in (({"key": "another-key"}, "key"), ({"edition": other.year}, "edition")):
        response = organizer.patch(f"/api/v1/sessions/{session.pk}/", body, format="json")
        assert (response.status_code, response.json()["errors"][field][0]["code"]) == (400, "key_fixed")
    assert organizer.patch(f"/api/v1/sessions/{session.pk}/", {"key": "fixed-key"}, format="json").status_code == 200


def test_session_edit_replaces_its_organizations_in_order(organizer, edition):
    session = SessionFactory(edition=edition)
    old, first, second = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    SessionOrganization.objects.create(session=session, organization=old, role="host")
    body = {"organizations": [{"organization": second.pk, "role": "host"}, {"organization": first.pk, "role": "supporter"}]}
    response = organizer.patch(f"/api/v1/sessions/{session.pk}/", body, format="json")
    assert response.status_code == 200
    assert [(o["id"], o["role"]) for o in response.json()["organizations"]] == [(second.pk, "host"), (first.pk, "supporter")]


# -- sessions: place, publish, unpublish --------------------------------------------------------------------


def test_place_puts_the_session_in_the_hall_and_publishes_it(organizer, edition, hall, client):
    session = SessionFactory(edition=edition, hall=None, start=None, end=None, period="afternoon", is_published=False)
    version = agenda_cache.agenda_version(3101)
    response = organizer.post(
        f"/api/v1/sessions/{session.pk}/place/", {"hall": hall.pk, "date": "3101-11-11", "start_time": "14:00", "end_time": "17:30"}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["hall"]["id"], data["date"], data["start"], data["end"], data["period"], data["is_published"]) == (
        hall.pk, "3101-11-11", "3101-11-11T14:00:00+08:00", "3101-11-11T17:30:00+08:00", "", True,
    )
    assert agenda_cache.agenda_version(3101) != version
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/").json()["hall"]["name_zh"] == "通安厅"
    assert client.get(f"/editions/3101/sessions/{session.pk}/").status_code == 200


def test_place_in_a_taken_slot_is_slot_conflict_naming_the_session_there(organizer, edition, hall):
    SessionFactory(edition=edition, hall=hall, title_zh="已排定的论坛", date=date(3101, 11, 11), start=at(11, 9), end=at(11, 12))
    session = SessionFactory(edition=edition, hall=None, start=None, end=None, is_published=False)
    url = f"/api/v1/sessions/{session.pk}/place/"
    response = organizer.post(url, {"hall": hall.pk, "date": "3101-11-11", "start_time": "11:00", "end_time": "13:00"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "slot_conflict")
    message = response.json()["message"]
    assert all(part in message for part in ("测试会展中心甲通安厅(217)", "已排定的论坛", "3101-11-11 09:00", "12:00")), message
    session.refresh_from_db()
    assert (session.hall_id, session.is_published) == (None, False)
    # A slot touching the other one does not overlap.
    touching = organizer.post(url, {"hall": hall.pk, "date": "3101-11-11", "start_time": "12:00", "end_time": "13:00"}, format="json")
    assert touching.status_code == 200, touching.json()


@pytest.mark.parametrize("body,code", [
    ({"date": "3101-11-20", "start_time": "09:00", "end_time": "10:00"}, "slot_outside_edition"),
    ({"date": "3101-11-11", "start_time": "10:00", "end_time": "09:00"}, "session_ends_before_start"),
])
def test_place_refusals(organizer, edition, hall, body, code):
    session = SessionFactory(edition=edition, hall=None, start=None, end=None, is_published=False)
    response = organizer.post(f"/api/v1/sessions/{session.pk}/place/", {"hall": hall.pk, **body}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_place_in_an_edition_without_dates_is_slot_outside_edition(organizer, hall):
    edition = EditionFactory(start_date=None, end_date=None)
    session = SessionFactory(edition=edition, date=None, hall=None, start=None, end=None, is_published=False)
    response = organizer.post(f"/api/v1/sessions/{session.pk}/place/", {"hall": hall.pk, "date": f"{edition.year}-11-11", "start_time": "09:00", "end_time": "10:00"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "slot_outside_edition")


def test_unpublish_a_starred_session_tells_its_starrers_as_the_admin_does(organizer, edition, hall, attendee):
    session = SessionFactory(edition=edition, hall=hall, is_published=True)
    services.star_set(user=attendee, session=session, starred=True)
    response = organizer.post(f"/api/v1/sessions/{session.pk}/unpublish/")
    assert response.status_code == 200, response.json()
    alert = SessionChangeAlert.objects.get(session=session, closed_at__isnull=True)
    assert (response.json()["is_published"], response.json()["change_alert_due_at"]) == (False, alert.due_at.astimezone(BEIJING).isoformat())
    assert alert.before["is_published"] is True
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/").status_code == 404
    # Its hall and slot stay taken.
    other = SessionFactory(edition=edition, hall=None, start=None, end=None, is_published=False)
    clash = organizer.post(f"/api/v1/sessions/{other.pk}/place/", {"hall": hall.pk, "date": "3101-11-10", "start_time": "10:00", "end_time": "11:00"}, format="json")
    assert (clash.status_code, clash.json()["code"]) == (409, "slot_conflict")


def test_publish_an_item_without_a_hall(organizer, edition):
    session = SessionFactory(edition=edition, hall=None, start=None, end=None, date=None, is_published=False)
    response = organizer.post(f"/api/v1/sessions/{session.pk}/publish/")
    assert (response.status_code, response.json()["is_published"], response.json()["date"]) == (200, True, None)
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/").json()["id"] == session.pk


def test_sessions_are_not_deleted_through_the_api(organizer, edition):
    session = SessionFactory(edition=edition)
    response = organizer.delete(f"/api/v1/sessions/{session.pk}/")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert Session.objects.filter(pk=session.pk).exists()


def test_session_writes_are_the_organizers(edition, attendee):
    session = SessionFactory(edition=edition)
    staff = get_user_model().objects.create_user("staff-only", is_staff=True)
    for client, status, code in ((APIClient(), 401, "not_authenticated"), (client_for(attendee), 403, "permission_denied"), (client_for(staff), 403, "permission_denied")):
        for method, url in (("post", "/api/v1/sessions/"), ("patch", f"/api/v1/sessions/{session.pk}/"), ("post", f"/api/v1/sessions/{session.pk}/unpublish/")):
            response = getattr(client, method)(url, {"title_zh": "x"}, format="json")
            assert (response.status_code, response.json()["code"]) == (status, code), (method, url)
    session.refresh_from_db()
    assert session.is_published


def test_public_session_reads_keep_their_queries(edition, attendee):
    """A signed-in reader's GET costs no query for the organizers' permission (the public reads
    keep the API's default permission): the same count as anonymous, but the token's lookup."""
    session = SessionFactory(edition=edition)
    reader = client_for(attendee)
    with CaptureQueriesContext(connection) as anonymous:
        assert APIClient().get(f"/api/v1/sessions/{session.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as signed_in:
        assert reader.get(f"/api/v1/sessions/{session.pk}/").status_code == 200
    assert (len(anonymous), len(signed_in)) == (4, 5)


# -- venues and halls ---------------------------------------------------------------------------------------


def test_venue_create_change_and_public_read(organizer):
    response = organizer.post("/api/v1/venues/", {"name_zh": "测试大剧院甲", "name_en": "Wuzhen Theatre", "kind": "theatre"}, format="json")
    assert response.status_code == 201, response.json()
    venue = Venue.objects.get(name_zh="测试大剧院甲")
    assert response.json() == {"id": venue.pk, "name_zh": "测试大剧院甲", "name_en": "Wuzhen Theatre", "kind": "theatre", "source": ""}
    version = agenda_cache.agenda_version(3101)
    changed = organizer.patch(f"/api/v1/venues/{venue.pk}/", {"kind": "other", "source": "2024年议程"}, format="json")
    assert (changed.status_code, changed.json()["kind"], changed.json()["name_en"], changed.json()["source"]) == (200, "other", "Wuzhen Theatre", "2024年议程")
    assert agenda_cache.agenda_version(3101) != version  # a venue renews every edition's pages
    assert APIClient().get(f"/api/v1/venues/{venue.pk}/").json()["kind"] == "other"
    listed = APIClient().get("/api/v1/venues/", {"kind": "other"}).json()
    assert venue.pk in [v["id"] for v in listed["results"]]


def test_venue_refusals(organizer):
    venue = VenueFactory(name_zh="测试大剧院甲")
    duplicate = organizer.post("/api/v1/venues/", {"name_zh": "测试大剧院甲", "kind": "hotel"}, format="json")
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "venue_exists")
    venue.refresh_from_db()
    assert venue.kind == "convention_center"
    renamed = organizer.patch(f"/api/v1/venues/{venue.pk}/", {"name_zh": "新名字"}, format="json")
    assert (renamed.status_code, renamed.json()["errors"]["name_zh"][0]["code"]) == (400, "key_fixed")
    wrong_kind = organizer.post("/api/v1/venues/", {"name_zh": "新场馆", "kind": "stadium"}, format="json")
    assert (wrong_kind.status_code, wrong_kind.json()["errors"]["kind"][0]["code"]) == (400, "invalid_choice")


def test_hall_create_and_change(organizer):
    venue = VenueFactory()
    response = organizer.post("/api/v1/halls/", {"venue": venue.pk, "name_zh": "枕水厅", "room": "201", "sort_order": 3}, format="json")
    assert response.status_code == 201, response.json()
    hall = Hall.objects.get(venue=venue, name_zh="枕水厅")
    assert response.json() == {
        "id": hall.pk, "name_zh": "枕水厅", "name_en": "", "room": "201", "sort_order": 3,
        "venue": {"id": venue.pk, "name_zh": venue.name_zh, "name_en": "", "kind": "convention_center"},
    }
    changed = organizer.patch(f"/api/v1/halls/{hall.pk}/", {"name_en": "Zhenshui Hall"}, format="json")
    assert (changed.status_code, changed.json()["name_en"], changed.json()["room"]) == (200, "Zhenshui Hall", "201")
    assert APIClient().get(f"/api/v1/halls/{hall.pk}/").json()["name_en"] == "Zhenshui Hall"
    again = organizer.post("/api/v1/halls/", {"venue": venue.pk, "name_zh": "枕水厅"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "hall_exists")
    moved = organizer.patch(f"/api/v1/halls/{hall.pk}/", {"venue": VenueFactory().pk}, format="json")
    assert (moved.status_code, moved.json()["errors"]["venue"][0]["code"]) == (400, "key_fixed")


def test_hall_rename_shows_in_the_sessions_it_holds(organizer, edition, hall):
    session = SessionFactory(edition=edition, hall=hall)
    organizer.patch(f"/api/v1/halls/{hall.pk}/", {"name_en": "Tong'an Hall"}, format="json")
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/").json()["hall"]["name_en"] == "Tong'an Hall"


# -- boards and outcomes --------------------------------------------------------------------------------------


def test_board_create_change_and_list(organizer, edition):
    response = organizer.post("/api/v1/boards/", {"edition": 3101, "key": "ai", "name_zh": "人工智能板块", "number": 2}, format="json")
    assert response.status_code == 201, response.json()
    board = Board.objects.get(edition=edition, key="ai")
    assert response.json() == {
        "id": board.pk, "edition": 3101, "key": "ai", "number": 2, "name_zh": "人工智能板块", "name_en": "", "tagline_zh": "", "tagline_en": "", "source": "",
    }
    changed = organizer.patch(f"/api/v1/boards/{board.pk}/", {"tagline_zh": "智能向善"}, format="json")
    assert (changed.status_code, changed.json()["tagline_zh"], changed.json()["number"]) == (200, "智能向善", 2)
    assert APIClient().get("/api/v1/editions/3101/").json()["boards"][0]["tagline_zh"] == "智能向善"
    listed = organizer.get("/api/v1/boards/", {"edition": 3101}).json()
    assert [b["key"] for b in listed["results"]] == ["ai"]
    duplicate = organizer.post("/api/v1/boards/", {"edition": 3101, "key": "ai", "name_zh": "别的"}, format="json")
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "board_exists")
    assert organizer.get("/api/v1/boards/", {"edition": "٣١٠١"}).json()["code"] == "invalid"


def test_outcome_of_a_session_takes_its_edition(organizer, edition):
    session = SessionFactory(edition=edition)
    response = organizer.post("/api/v1/outcomes/", {"session": session.pk, "title_zh": "《人工智能治理报告》", "kind": "report"}, format="json")
    assert response.status_code == 201, response.json()
    outcome = Outcome.objects.get(session=session)
    assert response.json() == {
        "id": outcome.pk, "edition": 3101, "session": session.pk, "title_zh": "人工智能治理报告", "title_en": "", "kind": "report", "source": "", "sort_order": 0,
    }
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/").json()["outcomes"] == [{"title_zh": "人工智能治理报告", "title_en": "", "kind": "report"}]
    # The same title (the service takes 《》 off) is the same outcome: refused, left as it was.
    again = organizer.post("/api/v1/outcomes/", {"session": session.pk, "title_zh": "人工智能治理报告", "kind": "initiative"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "outcome_exists")
    outcome.refresh_from_db()
    assert outcome.kind == "report"
    changed = organizer.patch(f"/api/v1/outcomes/{outcome.pk}/", {"title_en": "AI governance report"}, format="json")
    assert (changed.status_code, changed.json()["title_en"], changed.json()["kind"]) == (200, "AI governance report", "report")


def test_outcome_refusals(organizer, edition):
    session = SessionFactory(edition=edition)
    mismatch = organizer.post("/api/v1/outcomes/", {"edition": EditionFactory().year, "session": session.pk, "title_zh": "报告"}, format="json")
    assert (mismatch.status_code, mismatch.json()["errors"]["session"][0]["code"]) == (400, "session_not_in_edition")
    neither = organizer.post("/api/v1/outcomes/", {"title_zh": "报告"}, format="json")
    assert (neither.status_code, neither.json()["errors"]["edition"][0]["code"]) == (400, "required")
    outcome = services.outcome_upsert(edition=edition, title_zh="宣言")
    retitled = organizer.patch(f"/api/v1/outcomes/{outcome.pk}/", {"title_zh": "另一个宣言"}, format="json")
    assert (retitled.status_code, retitled.json()["errors"]["title_zh"][0]["code"]) == (400, "key_fixed")


@pytest.mark.parametrize("url", ["/api/v1/boards/", "/api/v1/outcomes/"])
def test_boards_and_outcomes_are_the_organizers(url, attendee):
    assert APIClient().get(url).json()["code"] == "not_authenticated"
    response = client_for(attendee).get(url)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


# -- lists: the same number of queries for 1 row as for many ------------------------------------------------------


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:300]
    return len(queries)


@pytest.mark.parametrize("url,grow,expected", [
    ("/api/v1/venues/", lambda edition: VenueFactory(), 2),  # count, page (anonymous)
    ("/api/v1/boards/", lambda edition: BoardFactory(edition=edition), 4),  # the token, the organizer's roles, count, page
    ("/api/v1/outcomes/", lambda edition: services.outcome_upsert(edition=edition, session=SessionFactory(edition=edition), title_zh=f"报告{Outcome.objects.count()}"), 4),
])
def test_new_lists_make_the_same_queries_for_one_row_as_for_many(url, grow, expected, edition):
    client = client_for(make_organizer("counting-organizer")) if url != "/api/v1/venues/" else APIClient()
    params = {"edition": 3101} if url != "/api/v1/venues/" else {}
    grow(edition)
    few = _count(client, url, params)
    for _ in range(6):
        grow(edition)
    many = _count(client, url, params)
    assert (few, many) == (expected, expected)


# -- markup typed into the organizers' endpoints is shown as text (tests/wic/test_escaping.py's rule) -----------------


def test_markup_typed_into_the_agenda_endpoints_is_shown_as_text(organizer, edition, client, admin_client_logged):
    """Every free-text field of VenueWriteSerializer, HallWriteSerializer, BoardWriteSerializer,
    SessionWriteSerializer and OutcomeWriteSerializer carries markup: the JSON answers keep it as
    data; the public session page, the agenda and the admin's pages show it escaped."""
    from django.utils import translation

    from agenda.serializers import BoardWriteSerializer, HallWriteSerializer, OutcomeWriteSerializer, SessionWriteSerializer, VenueWriteSerializer
    from tests.wic.test_escaping import assert_no_raw, assert_shows, json_filled, payload

    def created(url, body, sent):
        response = organizer.post(url, body, format="json")
        assert response.status_code == 201, response.json()
        assert {name: response.json()[name] for name in sent if name in response.json()} == {name: value for name, value in sent.items() if name in response.json()}
        return response.json()

    venue_body, venue_sent = json_filled(VenueWriteSerializer(), {})
    venue = created("/api/v1/venues/", venue_body, venue_sent)
    hall_body, hall_sent = json_filled(HallWriteSerializer(), {"room": "<i>217</i>"})  # a room number holds 20 characters
    hall = created("/api/v1/halls/", {**hall_body, "venue": venue["id"]}, hall_sent)
    board_body, board_sent = json_filled(BoardWriteSerializer(), {})
    board = created("/api/v1/boards/", {**board_body, "edition": 3101, "key": "markup"}, board_sent)
    session_body, session_sent = json_filled(SessionWriteSerializer(), {})
    session = created("/api/v1/sessions/", {
        **session_body, "edition": 3101, "key": "markup", "kind": "sub_forum", "board": board["id"], "alt_titles": [payload("alt_titles")],
    }, session_sent)
    placed = organizer.post(f"/api/v1/sessions/{session['id']}/place/", {"hall": hall["id"], "date": "3101-11-11", "start_time": "09:00", "end_time": "10:00"}, format="json")
    assert placed.status_code == 200, placed.json()
    outcome_body, outcome_sent = json_filled(OutcomeWriteSerializer(), {})
    outcome = created("/api/v1/outcomes/", {**outcome_body, "session": session["id"]}, outcome_sent)

    with translation.override("en"):
        page = client.get(f"/editions/3101/sessions/{session['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert_shows(page, session_sent["title_en"], hall_sent["name_en"], board_sent["name_en"], outcome_sent["title_en"])
        assert_no_raw(client.get("/editions/3101/agenda/?day=3101-11-11", HTTP_ACCEPT_LANGUAGE="en").content.decode())
        for url in (f"/admin/agenda/venue/{venue['id']}/change/", f"/admin/agenda/hall/{hall['id']}/change/", f"/admin/agenda/board/{board['id']}/change/",
                    f"/admin/agenda/session/{session['id']}/change/", f"/admin/agenda/outcome/{outcome['id']}/change/", "/admin/agenda/session/"):
            response = admin_client_logged.get(url)
            assert response.status_code == 200, url
            assert_no_raw(response.content.decode())
