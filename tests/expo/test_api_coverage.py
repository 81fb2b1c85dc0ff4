"""The expo's API beyond the exhibitors' directory (issue 28): organizers' decisions, zones and
booths with allotments, launches on the stage, the recruitment list and matchmaking meetings.
Each endpoint calls the service the pages and the admin call; these tests assert the exact
answers and codes, who sees what, and that every list runs a fixed number of queries."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expo import services
from expo.models import Booth, BoothAllotment, Exhibitor, Launch, MeetingRequest, TalentListing, Zone
from tests.factories import EditionFactory
from wic.models import OutgoingEmail

from .conftest import application, approved, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(api_client):
    """Messages are asserted in English (the msgids)."""
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return api_client


def _body(response, status: int):
    assert response.status_code == status, response.content[:600]
    return response.json()


def _refused(response, status: int, code: str, field: str | None = None, field_code: str | None = None):
    body = _body(response, status)
    assert body["code"] == code, body
    if field is not None:
        assert body["errors"][field][0]["code"] == (field_code or code), body
    return body


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def _results(response) -> list:
    return _body(response, 200)["results"]


# -- decisions ------------------------------------------------------------------------------------


def test_organizer_approves_a_pending_application_and_the_applicant_is_emailed(api_client, edition, rep, organizer):
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    api = _as(api_client, organizer)
    body = _body(api.post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {"status": "approved", "message": "欢迎参展"}, format="json"), 200)
    assert (body["id"], body["status"], body["decision_message"], body["contact_email"]) == (pending.pk, "approved", "欢迎参展", "contact1@example.org")
    assert body["decided_at"].endswith("+08:00")
    assert list(OutgoingEmail.objects.filter(event="expo.decision").values_list("to", flat=True)) == [["contact1@example.org", "rep@example.org"]]
    again = _body(api.post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {"status": "approved"}, format="json"), 200)
    assert (again["status"], again["decided_at"]) == ("approved", body["decided_at"])
    _refused(api.post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {"status": "declined"}, format="json"), 409, "invalid_transition")
    _refused(api.post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {"status": "pending"}, format="json"), 409, "invalid_transition")
    _refused(api.post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {"status": "maybe"}, format="json"), 400, "invalid", "status", "invalid_choice")
    assert OutgoingEmail.objects.filter(event="expo.decision").count() == 1


def test_only_organizers_decide(api_client, edition, rep):
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    _refused(api_client.post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {"status": "approved"}, format="json"), 401, "not_authenticated")
    _refused(_as(api_client, rep).post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {"status": "approved"}, format="json"), 403, "permission_denied")
    _refused(api_client.post("/api/v1/exhibitor-decisions/", {"exhibitors": [pending.pk], "status": "approved"}, format="json"), 403, "permission_denied")
    assert Exhibitor.objects.get(pk=pending.pk).status == "pending"


def test_bulk_decision_decides_each_and_names_the_refused(api_client, edition, rep, organizer):
    first = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    second = services.exhibitor_apply(edition=edition, user=rep, data=application(2))
    already = approved(edition, 3)
    api = _as(api_client, organizer)
    body = _body(api.post("/api/v1/exhibitor-decisions/", {"exhibitors": [second.pk, already.pk, first.pk, second.pk], "status": "declined"}, format="json"), 200)
    assert [(e["id"], e["status"]) for e in body["changed"]] == [(second.pk, "declined"), (first.pk, "declined")]
    assert body["refused"] == [{"exhibitor": already.pk, "code": "invalid_transition", "message": "An exhibitor that is Approved cannot become Declined."}]
    assert set(Exhibitor.objects.values_list("status", flat=True)) == {"declined", "approved"}


def test_bulk_decision_with_an_unknown_id_changes_nothing(api_client, edition, rep, organizer):
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    api = _as(api_client, organizer)
    body = _refused(api.post("/api/v1/exhibitor-decisions/", {"exhibitors": [pending.pk, 987654], "status": "approved"}, format="json"), 400, "invalid", "exhibitors", "does_not_exist")
    assert body["errors"]["exhibitors"][0]["message"] == "No exhibitor has the id 987654."
    _refused(api.post("/api/v1/exhibitor-decisions/", {"exhibitors": [], "status": "approved"}, format="json"), 400, "invalid", "exhibitors", "min_length")
    _refused(api.post("/api/v1/exhibitor-decisions/", {"exhibitors": [10**18], "status": "approved"}, format="json"), 400, "invalid")
    assert Exhibitor.objects.get(pk=pending.pk).status == "pending"


def test_applications_are_the_representatives_own_whatever_their_status(api_client, edition, rep, guest, organizer):
    mine_pending = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    mine_approved = approved(edition, 2, rep=rep)
    others = approved(edition, 3, rep=guest)
    url = "/api/v1/exhibitor-applications/"
    _refused(api_client.get(url), 401, "not_authenticated")
    api = _as(api_client, rep)
    assert [(e["id"], e["status"]) for e in _results(api.get(url, {"edition": edition.year}))] == [(mine_pending.pk, "pending"), (mine_approved.pk, "approved")]
    assert [e["id"] for e in _results(api.get(url, {"status": "pending"}))] == [mine_pending.pk]
    assert _body(api.get(f"{url}{mine_pending.pk}/"), 200)["contact_email"] == "contact1@example.org"
    _refused(api.get(f"{url}{others.pk}/"), 404, "not_found")
    organizer_api = _as(api_client, organizer)
    assert [e["id"] for e in _results(organizer_api.get(url, {"edition": edition.year}))] == [mine_pending.pk, mine_approved.pk, others.pk]
    assert [e["id"] for e in _results(organizer_api.get(url, {"search": "Test Exhibitor 3"}))] == [others.pk]
    _refused(organizer_api.get(url, {"edition": "٢٠٨٨"}), 400, "invalid", "edition")


# -- zones and booths -----------------------------------------------------------------------------


def test_zones_count_their_booths_and_hide_unpublished_editions(api_client, edition, zone, booths, organizer):
    services.booth_allot(booth=booths[0], exhibitor=approved(edition, 1))
    hidden = EditionFactory(is_published=False)
    hidden_zone = Zone.objects.create(edition=hidden, key="secret", name_zh="未公布展区")
    body = _results(api_client.get("/api/v1/expo-zones/", {"edition": edition.year}))
    assert [(z["id"], z["edition"], z["name_en"], z["kind"], z["booths"], z["free_booths"]) for z in body] == [(zone.pk, edition.year, "Theme zone", "theme", 3, 2)]
    assert _results(api_client.get("/api/v1/expo-zones/", {"edition": edition.year, "kind": "feature"})) == []
    assert _results(api_client.get("/api/v1/expo-zones/", {"edition": hidden.year})) == []
    _refused(api_client.get(f"/api/v1/expo-zones/{hidden_zone.pk}/"), 404, "not_found")
    organizer_api = _as(api_client, organizer)
    assert [z["id"] for z in _results(organizer_api.get("/api/v1/expo-zones/", {"edition": hidden.year}))] == [hidden_zone.pk]
    assert _body(organizer_api.get(f"/api/v1/expo-zones/{hidden_zone.pk}/"), 200)["booths"] == 0


def test_booths_show_their_exhibitor_and_filter_free_taken_zone(api_client, edition, zone, booths):
    holder = approved(edition, 1)
    services.booth_allot(booth=booths[1], exhibitor=holder)
    other_zone = Zone.objects.create(edition=edition, key="feature", name_zh="特色展区", kind="feature", sort_order=5)
    far = Booth.objects.create(edition=edition, zone=other_zone, code="B-01", area=Decimal("18"))
    everything = _results(api_client.get("/api/v1/expo-booths/", {"edition": edition.year}))
    assert [(b["code"], b["is_free"]) for b in everything] == [("A-01", True), ("A-02", False), ("A-03", True), ("B-01", True)]
    taken = everything[1]
    assert (taken["area"], taken["zone"], taken["zone_name_zh"], taken["holder"]["id"], taken["holder"]["name_zh"]) == ("9.0", zone.pk, "主题展区", holder.pk, "测试参展商1")
    assert [b["code"] for b in _results(api_client.get("/api/v1/expo-booths/", {"edition": edition.year, "free": "false"}))] == ["A-02"]
    assert [b["code"] for b in _results(api_client.get("/api/v1/expo-booths/", {"edition": edition.year, "free": "true"}))] == ["A-01", "A-03", "B-01"]
    assert [b["code"] for b in _results(api_client.get("/api/v1/expo-booths/", {"free": "true", "zone": zone.pk}))] == ["A-01", "A-03"]
    assert [b["code"] for b in _results(api_client.get("/api/v1/expo-booths/", {"exhibitor": holder.pk}))] == ["A-02"]
    assert _body(api_client.get(f"/api/v1/expo-booths/{far.pk}/"), 200)["holder"] is None


def test_organizers_allot_and_release_booths_with_the_services_refusals(api_client, edition, booths, rep, organizer):
    first, second = approved(edition, 1), approved(edition, 2)
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(3))
    elsewhere = approved(EditionFactory(), 4)
    api = _as(api_client, organizer)
    url = f"/api/v1/expo-booths/{booths[0].pk}/"
    body = _body(api.post(f"{url}allot/", {"exhibitor": first.pk}, format="json"), 200)
    assert (body["is_free"], body["holder"]["id"]) == (False, first.pk)
    assert _body(api.post(f"{url}allot/", {"exhibitor": first.pk}, format="json"), 200)["holder"]["id"] == first.pk
    taken = _refused(api.post(f"{url}allot/", {"exhibitor": second.pk}, format="json"), 409, "booth_taken", "booth")
    assert taken["message"] == "Booth A-01 is already allotted to 测试参展商1."
    _refused(api.post(f"/api/v1/expo-booths/{booths[1].pk}/allot/", {"exhibitor": pending.pk}, format="json"), 400, "not_approved")
    _refused(api.post(f"/api/v1/expo-booths/{booths[1].pk}/allot/", {"exhibitor": elsewhere.pk}, format="json"), 400, "wrong_edition", "booth")
    _refused(api.post(f"/api/v1/expo-booths/{booths[1].pk}/allot/", {"exhibitor": 987654}, format="json"), 400, "invalid", "exhibitor", "does_not_exist")
    _refused(api.post(f"/api/v1/expo-booths/{booths[1].pk}/allot/", {"exhibitor": "١"}, format="json"), 400, "invalid", "exhibitor", "does_not_exist")
    _refused(api.post(f"/api/v1/expo-booths/{booths[1].pk}/allot/", {"exhibitor": True}, format="json"), 400, "invalid", "exhibitor", "incorrect_type")
    released = _body(api.post(f"{url}release/"), 200)
    assert (released["is_free"], released["holder"]) == (True, None)
    assert _body(api.post(f"{url}release/"), 200)["is_free"] is True
    assert [(a.exhibitor_id, a.released_at is not None) for a in BoothAllotment.objects.filter(booth=booths[0])] == [(first.pk, True)]
    assert _body(api.post(f"{url}allot/", {"exhibitor": second.pk}, format="json"), 200)["holder"]["id"] == second.pk


def test_only_organizers_allot_and_release(api_client, edition, booths, rep):
    exhibitor = approved(edition, 1, rep=rep)
    url = f"/api/v1/expo-booths/{booths[0].pk}/"
    _refused(api_client.post(f"{url}allot/", {"exhibitor": exhibitor.pk}, format="json"), 401, "not_authenticated")
    api = _as(api_client, rep)
    _refused(api.post(f"{url}allot/", {"exhibitor": exhibitor.pk}, format="json"), 403, "permission_denied")
    _refused(api.post(f"{url}release/"), 403, "permission_denied")
    assert not BoothAllotment.objects.exists()


# -- launches -------------------------------------------------------------------------------------


def _launch_body(exhibitor, edition, start=(9, 0), end=(9, 30), **extra):
    return {"exhibitor": exhibitor.pk, "title_zh": "新品发布", "start": at(edition.start_date, *start).isoformat(), "end": at(edition.start_date, *end).isoformat(), **extra}


def test_representative_schedules_a_launch_and_the_stage_refuses_an_overlap(api_client, edition, rep):
    exhibitor = approved(edition, 1, rep=rep)
    api = _as(api_client, rep)
    body = _body(api.post("/api/v1/expo-launches/", _launch_body(exhibitor, edition, title_en="New product"), format="json"), 201)
    day = edition.start_date.isoformat()
    assert (body["exhibitor"], body["exhibitor_name_zh"], body["title_en"], body["start"], body["end"], body["cancelled_at"]) == (
        exhibitor.pk, "测试参展商1", "New product", f"{day}T09:00:00+08:00", f"{day}T09:30:00+08:00", None
    )
    assert Launch.objects.get(pk=body["id"]).session.kind == "launch"
    clash = _refused(api.post("/api/v1/expo-launches/", _launch_body(exhibitor, edition, start=(9, 15), end=(9, 45)), format="json"), 409, "slot_conflict", "start")
    assert clash["message"] == f"The expo stage already has “新品发布” from {day} 09:00 to 09:30."
    # Touching is not overlapping; a time without an offset is Beijing time.
    touching = {**_launch_body(exhibitor, edition), "start": f"{day}T09:30", "end": f"{day}T10:00"}
    assert _body(api.post("/api/v1/expo-launches/", touching, format="json"), 201)["start"] == f"{day}T09:30:00+08:00"
    _refused(api.post("/api/v1/expo-launches/", _launch_body(exhibitor, edition, start=(11, 0), end=(10, 0)), format="json"), 400, "launch_ends_before_start", "end")
    outside = {**_launch_body(exhibitor, edition), "start": f"{edition.start_date - timedelta(days=30)}T09:00+08:00", "end": f"{edition.start_date - timedelta(days=30)}T10:00+08:00"}
    _refused(api.post("/api/v1/expo-launches/", outside, format="json"), 400, "slot_outside_expo", "start")
    _refused(api.post("/api/v1/expo-launches/", _launch_body(exhibitor, edition, start=(12, 0), end=(12, 30), title_zh=""), format="json"), 400, "missing_field", "title_zh")
    far = {**_launch_body(exhibitor, edition), "start": "9999-12-31T23:00:00-12:00", "end": "9999-12-31T23:30:00-12:00"}
    _refused(api.post("/api/v1/expo-launches/", far, format="json"), 400, "invalid", "start", "out_of_range")
    assert Launch.objects.count() == 2


def test_a_launch_is_scheduled_only_for_ones_own_exhibitor(api_client, edition, rep, guest, organizer):
    theirs = approved(edition, 1, rep=guest)
    hidden = services.exhibitor_apply(edition=edition, user=guest, data=application(2))
    api = _as(api_client, rep)
    refused = _refused(api.post("/api/v1/expo-launches/", _launch_body(theirs, edition), format="json"), 403, "not_your_exhibitor")
    assert refused["message"] == "You do not represent 测试参展商1; only its representatives and the organizers can do this."
    # An entry outside the public directory does not exist for anyone else.
    _refused(api.post("/api/v1/expo-launches/", _launch_body(hidden, edition), format="json"), 400, "invalid", "exhibitor", "does_not_exist")
    _refused(_as(api_client, guest).post("/api/v1/expo-launches/", _launch_body(hidden, edition), format="json"), 400, "not_approved")
    assert _body(_as(api_client, organizer).post("/api/v1/expo-launches/", _launch_body(theirs, edition), format="json"), 201)["exhibitor"] == theirs.pk
    api_client.force_authenticate(None)
    _refused(api_client.post("/api/v1/expo-launches/", _launch_body(theirs, edition), format="json"), 401, "not_authenticated")


def test_cancelled_launches_leave_the_public_stage_but_not_their_representatives(api_client, edition, rep, guest, organizer):
    exhibitor = approved(edition, 1, rep=rep)
    kept = services.launch_schedule(exhibitor=exhibitor, title_zh="保留的发布", start=at(edition.start_date, 9), end=at(edition.start_date, 10), actor=rep)
    gone = services.launch_schedule(exhibitor=exhibitor, title_zh="取消的发布", start=at(edition.start_date, 10), end=at(edition.start_date, 11), actor=rep)
    _refused(_as(api_client, guest).post(f"/api/v1/expo-launches/{gone.pk}/cancel/"), 403, "not_your_exhibitor")
    body = _body(_as(api_client, rep).post(f"/api/v1/expo-launches/{gone.pk}/cancel/"), 200)
    assert body["cancelled_at"].endswith("+08:00")
    assert _body(api_client.post(f"/api/v1/expo-launches/{gone.pk}/cancel/"), 200)["cancelled_at"] == body["cancelled_at"]
    assert [launch["id"] for launch in _results(api_client.get("/api/v1/expo-launches/", {"edition": edition.year, "cancelled": "true"}))] == [gone.pk]
    api_client.force_authenticate(None)
    assert [launch["id"] for launch in _results(api_client.get("/api/v1/expo-launches/", {"edition": edition.year}))] == [kept.pk]
    assert _results(api_client.get("/api/v1/expo-launches/", {"date": (edition.start_date + timedelta(days=1)).isoformat()})) == []
    assert [launch["id"] for launch in _results(api_client.get("/api/v1/expo-launches/", {"date": edition.start_date.isoformat(), "exhibitor": exhibitor.pk}))] == [kept.pk]
    _refused(api_client.get(f"/api/v1/expo-launches/{gone.pk}/"), 404, "not_found")
    _refused(_as(api_client, guest).post(f"/api/v1/expo-launches/{gone.pk}/cancel/"), 404, "not_found")
    assert [launch["id"] for launch in _results(_as(api_client, organizer).get("/api/v1/expo-launches/", {"edition": edition.year}))] == [kept.pk, gone.pk]


# -- the recruitment list -------------------------------------------------------------------------


def test_representatives_post_and_close_openings(api_client, edition, rep, guest):
    exhibitor = approved(edition, 1, rep=rep)
    api = _as(api_client, rep)
    payload = {"exhibitor": exhibitor.pk, "title_zh": "算法工程师", "title_en": "Algorithm engineer", "field": "ai", "city": "杭州", "count": 3}
    body = _body(api.post("/api/v1/expo-openings/", payload, format="json"), 201)
    assert {k: body[k] for k in ("exhibitor", "edition", "title_zh", "field", "city", "count", "is_open")} == {
        "exhibitor": exhibitor.pk, "edition": edition.year, "title_zh": "算法工程师", "field": "ai", "city": "杭州", "count": 3, "is_open": True,
    }
    _refused(api.post("/api/v1/expo-openings/", {**payload, "count": 0}, format="json"), 400, "invalid_count", "count")
    _refused(api.post("/api/v1/expo-openings/", {**payload, "count": 10**30}, format="json"), 400, "invalid_count", "count")
    _refused(api.post("/api/v1/expo-openings/", {**payload, "city": ""}, format="json"), 400, "missing_field", "city")
    _refused(api.post("/api/v1/expo-openings/", {**payload, "field": "telepathy"}, format="json"), 400, "invalid", "field", "invalid_choice")
    _refused(_as(api_client, guest).post("/api/v1/expo-openings/", payload, format="json"), 403, "not_your_exhibitor")
    _refused(api_client.post(f"/api/v1/expo-openings/{body['id']}/close/"), 403, "not_your_exhibitor")
    closed = _body(_as(api_client, rep).post(f"/api/v1/expo-openings/{body['id']}/close/"), 200)
    assert closed["is_open"] is False
    assert [o["id"] for o in _results(api_client.get("/api/v1/expo-openings/", {"edition": edition.year, "open": "false"}))] == [body["id"]]
    api_client.force_authenticate(None)
    assert _results(api_client.get("/api/v1/expo-openings/", {"edition": edition.year})) == []
    _refused(api_client.get(f"/api/v1/expo-openings/{body['id']}/"), 404, "not_found")


def test_the_public_recruitment_list_filters_by_field_and_city(api_client, edition, rep):
    exhibitor = approved(edition, 1, rep=rep)
    hangzhou = services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="工程师", field="ai", city="杭州")
    wuzhen = services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="运营", field="cloud", city="乌镇")
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(2))
    TalentListing.objects.create(exhibitor=pending, title_zh="待审的岗位", field="ai", city="杭州")  # a pending exhibitor's: not public
    assert [o["id"] for o in _results(api_client.get("/api/v1/expo-openings/", {"edition": edition.year}))] == [wuzhen.pk, hangzhou.pk]
    assert [o["id"] for o in _results(api_client.get("/api/v1/expo-openings/", {"edition": edition.year, "field": "ai"}))] == [hangzhou.pk]
    assert [o["id"] for o in _results(api_client.get("/api/v1/expo-openings/", {"edition": edition.year, "city": "乌"}))] == [wuzhen.pk]


# -- meetings -------------------------------------------------------------------------------------


def _meeting_body(exhibitor, edition, hour=10, minute=0, **extra):
    return {"exhibitor": exhibitor.pk, "start": at(edition.start_date, hour, minute).isoformat(), **extra}


def test_a_guest_asks_and_the_representative_accepts(api_client, edition, rep, guest):
    exhibitor = approved(edition, 1, rep=rep)
    api = _as(api_client, guest)
    body = _body(api.post("/api/v1/expo-meetings/", _meeting_body(exhibitor, edition, minutes=45, message="想了解产品"), format="json"), 201)
    day = edition.start_date.isoformat()
    assert {k: body[k] for k in ("exhibitor", "guest_name", "start", "end", "minutes", "message", "status")} == {
        "exhibitor": exhibitor.pk, "guest_name": "expo-guest", "start": f"{day}T10:00:00+08:00", "end": f"{day}T10:45:00+08:00", "minutes": 45,
        "message": "想了解产品", "status": "pending",
    }
    _refused(api.post("/api/v1/expo-meetings/", _meeting_body(exhibitor, edition, 10, 30), format="json"), 409, "duplicate_request", "start")
    _refused(api.post("/api/v1/expo-meetings/", _meeting_body(exhibitor, edition, 14, minutes=20), format="json"), 400, "invalid_duration", "minutes")
    _refused(_as(api_client, rep).post("/api/v1/expo-meetings/", _meeting_body(exhibitor, edition, 15), format="json"), 400, "own_exhibitor")
    guest_refused = _refused(_as(api_client, guest).post(f"/api/v1/expo-meetings/{body['id']}/accept/"), 403, "not_your_exhibitor")
    assert guest_refused["message"] == "You do not represent 测试参展商1; only its representatives and the organizers can do this."
    accepted = _body(_as(api_client, rep).post(f"/api/v1/expo-meetings/{body['id']}/accept/"), 200)
    assert (accepted["status"], accepted["decided_at"].endswith("+08:00")) == ("accepted", True)
    assert list(OutgoingEmail.objects.filter(event="expo.meeting_decision").values_list("to", flat=True)) == [["guest@example.org"]]
    _refused(api_client.post(f"/api/v1/expo-meetings/{body['id']}/decline/"), 409, "invalid_transition")
    _refused(api_client.post(f"/api/v1/expo-meetings/{body['id']}/cancel/"), 403, "not_your_meeting")
    assert _body(_as(api_client, guest).post(f"/api/v1/expo-meetings/{body['id']}/cancel/"), 200)["status"] == "cancelled"


def test_accepting_refuses_a_double_booking(api_client, edition, rep, guest, django_user_model):
    exhibitor = approved(edition, 1, rep=rep)
    other_guest = django_user_model.objects.create_user("expo-guest-2", "guest2@example.org", "pw")
    first = services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(edition.start_date, 10))
    second = services.meeting_request(exhibitor=exhibitor, guest=other_guest, start=at(edition.start_date, 10, 15))
    api = _as(api_client, rep)
    _body(api.post(f"/api/v1/expo-meetings/{first.pk}/accept/"), 200)
    busy = _refused(api.post(f"/api/v1/expo-meetings/{second.pk}/accept/"), 409, "exhibitor_busy", "start")
    day = edition.start_date.isoformat()
    assert busy["message"] == f"测试参展商1 already has a meeting from {day} 10:00 to 10:30."
    assert _body(api.post(f"/api/v1/expo-meetings/{second.pk}/decline/"), 200)["status"] == "declined"
    # The guest is busy too: asking another exhibitor for the same time is refused.
    another = approved(edition, 2)
    _refused(_as(api_client, guest).post("/api/v1/expo-meetings/", _meeting_body(another, edition, 10, 15), format="json"), 409, "guest_busy", "start")


def test_each_side_sees_its_own_meetings_and_organizers_all(api_client, edition, rep, guest, organizer, django_user_model):
    mine = approved(edition, 1, rep=rep)
    theirs = approved(edition, 2)
    stranger = django_user_model.objects.create_user("expo-stranger", "stranger@example.org", "pw")
    to_mine = services.meeting_request(exhibitor=mine, guest=guest, start=at(edition.start_date, 10))
    to_theirs = services.meeting_request(exhibitor=theirs, guest=guest, start=at(edition.start_date, 11))
    asked_by_rep = services.meeting_request(exhibitor=theirs, guest=rep, start=at(edition.start_date, 12))
    url = "/api/v1/expo-meetings/"
    _refused(api_client.get(url), 401, "not_authenticated")
    assert [m["id"] for m in _results(_as(api_client, guest).get(url))] == [to_mine.pk, to_theirs.pk]
    rep_api = _as(api_client, rep)
    assert [m["id"] for m in _results(rep_api.get(url))] == [to_mine.pk, asked_by_rep.pk]
    assert [m["id"] for m in _results(rep_api.get(url, {"side": "received"}))] == [to_mine.pk]
    assert [m["id"] for m in _results(rep_api.get(url, {"side": "asked"}))] == [asked_by_rep.pk]
    _refused(rep_api.get(f"{url}{to_theirs.pk}/"), 404, "not_found")
    _refused(rep_api.post(f"{url}{to_theirs.pk}/accept/"), 404, "not_found")
    stranger_api = _as(api_client, stranger)
    assert _results(stranger_api.get(url)) == []
    _refused(stranger_api.post(f"{url}{to_mine.pk}/cancel/"), 404, "not_found")
    organizer_api = _as(api_client, organizer)
    assert [m["id"] for m in _results(organizer_api.get(url, {"edition": edition.year}))] == [to_mine.pk, to_theirs.pk, asked_by_rep.pk]
    assert [m["id"] for m in _results(organizer_api.get(url, {"exhibitor": theirs.pk, "status": "pending"}))] == [to_theirs.pk, asked_by_rep.pk]
    _refused(organizer_api.get(url, {"status": "lost"}), 400, "invalid", "status", "invalid_choice")


def test_a_meeting_is_asked_only_of_a_public_exhibitor(api_client, edition, rep, guest):
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    _refused(_as(api_client, guest).post("/api/v1/expo-meetings/", _meeting_body(pending, edition), format="json"), 400, "invalid", "exhibitor", "does_not_exist")
    far = {"exhibitor": pending.pk, "start": "0001-01-01T00:00:00+14:00"}
    _refused(api_client.post("/api/v1/expo-meetings/", far, format="json"), 400, "invalid", "start", "out_of_range")
    assert not MeetingRequest.objects.exists()


# -- a fixed number of queries, whatever the number of rows -----------------------------------------


def _queries(api_client, url, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = api_client.get(url, params)
    assert response.status_code == 200, response.content[:400]
    return len(context.captured_queries), response.json()["count"]


def _rows(kind: str, edition, n: int, start: int, rep, guests):
    """n more rows of the list `kind`, each with what its serializer shows (exhibitor, booth holder...)."""
    for index in range(start, start + n):
        exhibitor = approved(edition, index, rep=rep)
        if kind == "applications":
            services.exhibitor_apply(edition=edition, user=rep, data=application(1000 + index))
        elif kind == "zones":
            zone = Zone.objects.create(edition=edition, key=f"zone-{index}", name_zh=f"展区{index}")
            booth = Booth.objects.create(edition=edition, zone=zone, code=f"Z-{index}", area=Decimal("9"))
            services.booth_allot(booth=booth, exhibitor=exhibitor)
        elif kind == "booths":
            zone = Zone.objects.get_or_create(edition=edition, key="hall", defaults={"name_zh": "展厅"})[0]
            booth = Booth.objects.create(edition=edition, zone=zone, code=f"H-{index:03d}", area=Decimal("9"))
            services.booth_allot(booth=booth, exhibitor=exhibitor)
        elif kind == "launches":
            start_at = at(edition.start_date, 8) + timedelta(minutes=20 * index)
            services.launch_schedule(exhibitor=exhibitor, title_zh=f"发布{index}", start=start_at, end=start_at + timedelta(minutes=20), actor=rep)
        elif kind == "openings":
            services.opening_create(exhibitor=exhibitor, actor=rep, title_zh=f"岗位{index}", field="ai", city="杭州")
        elif kind == "meetings":
            services.meeting_request(exhibitor=exhibitor, guest=guests[index % len(guests)], start=at(edition.start_date, 8) + timedelta(minutes=30 * index))


@pytest.mark.parametrize("kind,url", [
    ("applications", "/api/v1/exhibitor-applications/"),
    ("zones", "/api/v1/expo-zones/"),
    ("booths", "/api/v1/expo-booths/"),
    ("launches", "/api/v1/expo-launches/"),
    ("openings", "/api/v1/expo-openings/"),
    ("meetings", "/api/v1/expo-meetings/"),
])
@pytest.mark.parametrize("who", ["representative", "organizer"])
def test_list_query_count_is_constant(api_client, edition, rep, organizer, django_user_model, kind, url, who):
    guests = [django_user_model.objects.create_user(f"expo-counted-{i}", f"counted{i}@example.org", "pw") for i in range(3)]
    api_client.force_authenticate(rep if who == "representative" else organizer)
    _queries(api_client, url, {"edition": edition.year})  # the user's roles are read once per user object, on its first request
    _rows(kind, edition, 1, 1, rep, guests)
    one, counted_one = _queries(api_client, url, {"edition": edition.year})
    _rows(kind, edition, 9, 2, rep, guests)
    ten, counted_ten = _queries(api_client, url, {"edition": edition.year})
    assert (counted_one, counted_ten) == ((1, 10) if kind not in ("applications",) else (2, 20))
    assert one == ten


# -- free text: kept as data in the answers, escaped on the pages that show it ------------------------


def test_free_text_of_the_new_writes_is_data_in_the_answers_and_escaped_on_the_pages(client, api_client, edition, rep, guest, organizer):
    """The issue-19 escaping check (tests/wic/test_escaping.py) for the expo's new input serializers:
    every free-text field gets a script payload naming it; the JSON answer gives it back exactly and
    the admin's and the site's pages that show it escape it."""
    from django.urls import reverse

    from expo.serializers import ExhibitorDecisionInputSerializer, ExpoMeetingInputSerializer, LaunchInputSerializer, OpeningInputSerializer
    from tests.wic.test_escaping import assert_shows, html_of, json_filled

    exhibitor = approved(edition, 1, rep=rep)
    pending = services.exhibitor_apply(edition=edition, user=guest, data=application(2))
    day = edition.start_date.isoformat()
    rep_api = _as(api_client, rep)

    launch_body, launch_sent = json_filled(LaunchInputSerializer(), codes={})
    assert set(launch_sent) == {"title_zh", "title_en", "description_zh", "description_en"}
    launch = _body(rep_api.post("/api/v1/expo-launches/", {**launch_body, "exhibitor": exhibitor.pk, "start": f"{day}T09:00", "end": f"{day}T09:30"}, format="json"), 201)
    assert {name: launch[name] for name in launch_sent} == launch_sent

    opening_body, opening_sent = json_filled(OpeningInputSerializer(), codes={})
    assert set(opening_sent) == {"title_zh", "title_en", "city", "description"}
    opening = _body(rep_api.post("/api/v1/expo-openings/", {**opening_body, "exhibitor": exhibitor.pk, "field": "ai"}, format="json"), 201)
    assert {name: opening[name] for name in opening_sent} == opening_sent

    meeting_body, meeting_sent = json_filled(ExpoMeetingInputSerializer(), codes={})
    assert set(meeting_sent) == {"message"}
    meeting = _body(_as(api_client, guest).post("/api/v1/expo-meetings/", {**meeting_body, "exhibitor": exhibitor.pk, "start": f"{day}T11:00"}, format="json"), 201)
    assert meeting["message"] == meeting_sent["message"]

    decision_body, decision_sent = json_filled(ExhibitorDecisionInputSerializer(), codes={})
    assert set(decision_sent) == {"message"}
    decided = _body(_as(api_client, organizer).post(f"/api/v1/exhibitor-applications/{pending.pk}/decide/", {**decision_body, "status": "approved"}, format="json"), 200)
    assert decided["decision_message"] == decision_sent["message"]

    client.force_login(rep)
    assert_shows(html_of(client, f"/editions/{edition.year}/expo/exhibitors/{exhibitor.pk}/"), launch_sent["title_en"], opening_sent["title_en"], opening_sent["city"])
    assert_shows(html_of(client, f"/editions/{edition.year}/expo/meetings/"), meeting_sent["message"])
    client.force_login(organizer)
    assert_shows(html_of(client, reverse("admin:expo_launch_change", args=[launch["id"]])), *launch_sent.values())
    assert_shows(html_of(client, reverse("admin:expo_talentlisting_change", args=[opening["id"]])), *opening_sent.values())
    assert_shows(html_of(client, reverse("admin:expo_meetingrequest_change", args=[meeting["id"]])), meeting_sent["message"])
    assert_shows(html_of(client, reverse("admin:expo_exhibitor_change", args=[pending.pk])), decision_sent["message"])
