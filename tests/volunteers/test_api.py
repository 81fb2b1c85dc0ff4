"""The volunteers API (volunteers/api.py): who reads what, and each write calling the service the
pages and the admin call, with its exact answer and refusal codes. The services' own rules and
their concurrency are tested in test_services.py and test_concurrency.py; here, that the API
reaches them, says who may, and answers in a fixed number of queries."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import EditionFactory, make_organizer
from tests.volunteers.helpers import make_module, make_post, make_programme, make_shift, make_team, make_volunteer, train
from volunteers import services
from volunteers.models import (
    Assignment,
    ChangeRequest,
    Interview,
    ShiftChangeAlert,
    ShiftCheck,
    ShiftNotice,
    StandbyOffer,
    TrainingAttendance,
    Volunteer,
)
from volunteers.shift_alerts import shown
from wic.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _user(username):
    return get_user_model().objects.create_user(username, email=f"{username}@example.org", password=None)


@pytest.fixture
def world():
    """Next year's programme: team A (lead-a) serves the desk, team B (lead-b) the media centre.
    Volunteer A (account vol-a) and C are in team A, B (account vol-b) in team B; D has applied.
    A holds a desk shift starting in 10 minutes (check-in open) and one next week; B a media shift
    in 10 minutes."""
    year = timezone.localdate().year + 1
    programme = make_programme(edition=EditionFactory(year=year))
    module = make_module(programme, "通识培训")
    desk = make_post(programme, "注册台", kind="registration_desk", name_en="Registration desk")
    media = make_post(programme, "媒体中心", kind="media_centre")
    organizer = make_organizer()
    lead, other_lead = _user("lead-a"), _user("lead-b")
    team = make_team(programme, "南门一组", post=desk, leader=lead)
    other_team = make_team(programme, "媒体组", post=media, leader=other_lead)
    me, someone = _user("vol-a"), _user("vol-b")
    volunteer = make_volunteer(programme, name="Volunteer A", user=me, team=team, email="a@example.org")
    mate = make_volunteer(programme, name="Volunteer C", team=team, email="c@example.org")
    stranger = make_volunteer(programme, name="Volunteer B", user=someone, team=other_team, email="b@example.org")
    applicant = make_volunteer(programme, name="Applicant D", status="applied", email="d@example.org")
    now = timezone.now().replace(second=0, microsecond=0)
    soon = make_shift(desk, start=now + timedelta(minutes=10), hours=2, needed=2)
    later = make_shift(desk, start=now + timedelta(days=7), hours=3, needed=2)
    theirs = make_shift(media, start=now + timedelta(minutes=10), hours=2, needed=2)
    mine_soon = services.shift_assign(shift=soon, volunteer=volunteer)
    mine_later = services.shift_assign(shift=later, volunteer=volunteer)
    their_assignment = services.shift_assign(shift=theirs, volunteer=stranger)
    return locals()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))  # fresh: no role cached from another request
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [item["id"] for item in response.json()["results"]]


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


# -- programmes ------------------------------------------------------------------------------------------

def test_programmes_are_public_and_filtered_by_edition(world):
    programme, year = world["programme"], world["year"]
    response = api().get("/api/v1/volunteer-programmes/", {"edition": year})
    assert ids(response) == [programme.pk]
    item = response.json()["results"][0]
    assert (item["edition"], item["name_zh"], item["applications_open"], item["interview_rounds"]) == (year, f"{year}志愿者计划", True, 2)
    assert item["days"] == [f"{year}-11-{day:02d}" for day in range(8, 13)]
    assert api().get(f"/api/v1/volunteer-programmes/{programme.pk}/").json()["id"] == programme.pk
    assert error(api().get("/api/v1/volunteer-programmes/", {"edition": "２０９９"})) == (400, "invalid")
    assert api().get("/api/v1/volunteer-programmes/²/").status_code == 404


def test_the_auto_roster_runs_for_organizers_and_says_why_a_shift_is_not_full(world):
    url = f"/api/v1/volunteer-programmes/{world['programme'].pk}/auto-roster/"
    assert error(api(world["lead"]).post(url)) == (403, "permission_denied")
    assert error(api().post(url)) == (401, "not_authenticated")
    response = api(world["organizer"]).post(url)
    assert response.status_code == 200
    body = response.json()
    # C (accepted, no shift) fills the free places of the two desk shifts; B is busy on the media shift
    # starting in 10 minutes, so that shift keeps its free place.
    assert {k: body[k] for k in ("programme", "shifts", "places", "open_before", "assigned", "open_after", "volunteers")} == {
        "programme": world["programme"].pk, "shifts": 3, "places": 6, "open_before": 3, "assigned": 2, "open_after": 1, "volunteers": 3,
    }
    assert [(u["shift"], u["missing"], u["reason"]) for u in body["unfilled"]] == [(world["theirs"].pk, 1, "everyone_busy")]
    assert Assignment.objects.filter(volunteer=world["mate"], source="auto").count() == 2


# -- applications ------------------------------------------------------------------------------------------

def application(world, **extra):
    return {
        "programme": world["programme"].pk, "name": "Wang Fang", "university": "浙江工业大学", "phone": "13700000000", "email": "wf@example.org",
        "available_days": [f"{world['year']}-11-10"], "preferred_post_kinds": ["media_centre"], "languages": {"en": "fluent", "ko": "working"},
        "motivation": "服务", **extra,
    }


def test_anyone_applies_through_the_service(world):
    response = api().post("/api/v1/volunteers/", application(world), format="json")
    assert response.status_code == 201, response.content
    volunteer = Volunteer.objects.get(email="wf@example.org")
    assert response.json() == {
        "id": volunteer.pk, "programme": world["programme"].pk, "edition": world["year"], "name": "Wang Fang", "email": "wf@example.org",
        "created": response.json()["created"],
    }
    assert (volunteer.status, volunteer.user, sorted(volunteer.languages.values_list("language", "level")), volunteer.available_days) == (
        "applied", None, [("en", "fluent"), ("ko", "working")], [f"{world['year']}-11-10"]
    )
    assert error(api().post("/api/v1/volunteers/", application(world), format="json")) == (409, "duplicate_application")


def test_a_signed_in_applicant_is_linked_to_the_account(world):
    account = _user("newcomer")
    assert api(account).post("/api/v1/volunteers/", application(world, email="new@example.org"), format="json").status_code == 201
    assert Volunteer.objects.get(email="new@example.org").user == account


@pytest.mark.parametrize("change,expected", [
    ({"university": ""}, (400, "university_required")),
    ({"available_days": ["2000-01-01"]}, (400, "invalid")),
    ({"languages": {"xx": "fluent"}}, (400, "invalid")),
    ({"available_days": ["0001-01-01"]}, (400, "invalid")),
    ({"programme": 10**18}, (400, "invalid")),
])
def test_an_application_refused_says_why(world, change, expected):
    response = api().post("/api/v1/volunteers/", application(world, **change), format="json")
    assert error(response) == expected
    assert not Volunteer.objects.filter(email="wf@example.org").exists()


def test_an_out_of_range_day_names_its_code(world):
    response = api().post("/api/v1/volunteers/", application(world, available_days=["0001-01-01"]), format="json")
    assert response.json()["errors"]["available_days"]["0"][0]["code"] == "out_of_range"


def test_applications_close_at_the_deadline(world):
    programme = world["programme"]
    programme.applications_close_at = timezone.now() - timedelta(hours=1)
    programme.save()
    assert error(api().post("/api/v1/volunteers/", application(world), format="json")) == (400, "applications_closed")
    assert api().get(f"/api/v1/volunteer-programmes/{programme.pk}/").json()["applications_open"] is False


# -- who reads which volunteers ---------------------------------------------------------------------------

def test_each_role_reads_its_own_volunteers(world):
    url = f"/api/v1/volunteers/?edition={world['year']}"
    everyone = [world[n].pk for n in ("applicant", "volunteer", "stranger", "mate")]  # by name
    assert ids(api(world["organizer"]).get(url)) == everyone
    assert ids(api(world["lead"]).get(url)) == [world["volunteer"].pk, world["mate"].pk]
    assert ids(api(world["me"]).get(url)) == [world["volunteer"].pk]
    assert ids(api(_user("nobody")).get(url)) == []
    assert error(api().get(url)) == (401, "not_authenticated")
    assert error(api(world["lead"]).get(f"/api/v1/volunteers/{world['stranger'].pk}/")) == (404, "not_found")
    assert error(api(world["me"]).get(f"/api/v1/volunteers/{world['mate'].pk}/")) == (404, "not_found")


def test_the_volunteer_sees_their_feed_and_the_organizer_the_interviews(world):
    services.interview_record(volunteer=world["applicant"], round=1, score=80, note="好", interviewer=world["organizer"])
    mine = api(world["me"]).get(f"/api/v1/volunteers/{world['volunteer'].pk}/").json()
    assert mine["feed_url"] == f"http://testserver/volunteer/feed/{world['volunteer'].feed_token}.ics"
    assert (mine["code"], mine["team"], mine["team_name_zh"], mine["status"]) == (world["volunteer"].code, world["team"].pk, "南门一组", "accepted")
    assert api(world["lead"]).get(f"/api/v1/volunteers/{world['volunteer'].pk}/").json()["feed_url"] is None
    seen = api(world["organizer"]).get(f"/api/v1/volunteers/{world['applicant'].pk}/").json()
    assert [(i["round"], i["score"], i["note"]) for i in seen["interviews"]] == [(1, 80, "好")]
    assert seen["feed_url"] is None


# -- decisions and interviews --------------------------------------------------------------------------------

def interviewed(volunteer, organizer):
    for round_ in (1, 2):
        services.interview_record(volunteer=volunteer, round=round_, score=90, interviewer=organizer)


def test_organizers_decide_an_application(world):
    applicant, url = world["applicant"], f"/api/v1/volunteers/{world['applicant'].pk}/decide/"
    assert error(api(world["organizer"]).post(url, {"decision": "accepted"}, format="json")) == (400, "interviews_incomplete")
    interviewed(applicant, world["organizer"])
    response = api(world["organizer"]).post(url, {"decision": "accepted"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "accepted")
    applicant.refresh_from_db()
    assert (applicant.status, applicant.decided_by) == ("accepted", world["organizer"])
    assert OutgoingEmail.objects.filter(event="volunteers.decision", to=["d@example.org"]).count() == 1
    assert api(world["organizer"]).post(url, {"decision": "declined"}, format="json").status_code == 200
    assert error(api(world["organizer"]).post(url, {"decision": "accepted"}, format="json")) == (409, "invalid_transition")
    assert error(api(world["organizer"]).post(url, {"decision": "withdrawn"}, format="json")) == (400, "invalid")


def test_leaving_accepted_with_shifts_is_refused(world):
    url = f"/api/v1/volunteers/{world['volunteer'].pk}/decide/"
    assert error(api(world["organizer"]).post(url, {"decision": "standby"}, format="json")) == (409, "has_shifts")


@pytest.mark.parametrize("who", ["lead", "me"])
def test_only_organizers_decide(world, who):
    url = f"/api/v1/volunteers/{world['volunteer'].pk}/decide/"
    assert error(api(world[who]).post(url, {"decision": "standby"}, format="json")) == (403, "permission_denied")


def test_a_bulk_decision_decides_each_and_lists_the_refused(world):
    second = make_volunteer(world["programme"], name="Applicant E", status="applied")
    interviewed(second, world["organizer"])
    body = {"volunteers": [world["applicant"].pk, second.pk], "decision": "accepted"}
    response = api(world["organizer"]).post("/api/v1/volunteer-decisions/", body, format="json")
    assert response.status_code == 200
    assert [v["id"] for v in response.json()["changed"]] == [second.pk]
    assert [(r["volunteer"], r["code"]) for r in response.json()["refused"]] == [(world["applicant"].pk, "interviews_incomplete")]
    assert Volunteer.objects.get(pk=second.pk).status == "accepted"
    missing = api(world["organizer"]).post("/api/v1/volunteer-decisions/", {"volunteers": [10**17], "decision": "accepted"}, format="json")
    assert error(missing) == (400, "invalid") and missing.json()["errors"]["volunteers"][0]["code"] == "does_not_exist"
    assert error(api(world["lead"]).post("/api/v1/volunteer-decisions/", body, format="json")) == (403, "permission_denied")


def test_interviews_are_recorded_in_order(world):
    url = f"/api/v1/volunteers/{world['applicant'].pk}/interviews/"
    client = api(world["organizer"])
    assert error(client.post(url, {"round": 2, "score": 70}, format="json")) == (400, "previous_round_missing")
    response = client.post(url, {"round": 1, "score": 70, "note": "流利"}, format="json")
    assert (response.status_code, response.json()["round"], response.json()["score"], response.json()["interviewer"]) == (200, 1, 70, world["organizer"].pk)
    assert client.post(url, {"round": 1, "score": 75}, format="json").json()["score"] == 75  # corrected
    assert error(client.post(url, {"round": 3, "score": 70}, format="json")) == (400, "invalid_round")
    assert error(client.post(url, {"round": 2, "score": 101}, format="json")) == (400, "invalid_score")
    assert Interview.objects.filter(volunteer=world["applicant"]).count() == 1
    done = f"/api/v1/volunteers/{world['volunteer'].pk}/interviews/"
    assert error(client.post(done, {"round": 1, "score": 70}, format="json")) == (409, "already_decided")
    assert error(api(world["lead"]).post(url, {"round": 1, "score": 70}, format="json")) == (403, "permission_denied")


# -- worked hours -------------------------------------------------------------------------------------------

def test_worked_hours_per_volunteer(world):
    assignment = world["mine_soon"]
    start = assignment.shift.starts_at
    services.assignment_check_in(assignment=assignment, at=start + timedelta(minutes=10))
    services.assignment_check_out(assignment=assignment, at=start + timedelta(hours=2))
    rows = api(world["lead"]).get("/api/v1/volunteer-hours/", {"edition": world["year"]}).json()["results"]
    assert [(r["name"], r["hours"], r["shifts_worked"], r["late"], r["no_shows"]) for r in rows] == [
        ("Volunteer A", 1.83, 1, 1, 0), ("Volunteer C", 0.0, 0, 0, 0),
    ]
    assert [r["name"] for r in api(world["me"]).get("/api/v1/volunteer-hours/").json()["results"]] == ["Volunteer A"]
    assert len(api(world["organizer"]).get("/api/v1/volunteer-hours/", {"edition": world["year"]}).json()["results"]) == 4


# -- teams, posts, training -------------------------------------------------------------------------------

def test_teams_by_role_and_adding_a_member(world):
    url = f"/api/v1/volunteer-teams/?edition={world['year']}"
    assert sorted(ids(api(world["organizer"]).get(url))) == sorted([world["team"].pk, world["other_team"].pk])  # by name, as the database collates
    assert ids(api(world["lead"]).get(url)) == [world["team"].pk]
    assert ids(api(world["someone"]).get(url)) == [world["other_team"].pk]
    newcomer = make_volunteer(world["programme"], name="Volunteer E")
    add = f"/api/v1/volunteer-teams/{world['team'].pk}/members/"
    assert error(api(world["lead"]).post(add, {"volunteer": newcomer.pk}, format="json")) == (403, "permission_denied")
    response = api(world["organizer"]).post(add, {"volunteer": newcomer.pk}, format="json")
    assert (response.status_code, response.json()["size"]) == (200, 3)
    assert Volunteer.objects.get(pk=newcomer.pk).team == world["team"]
    assert error(api(world["organizer"]).post(add, {"volunteer": world["applicant"].pk}, format="json")) == (400, "not_accepted")
    world["programme"].team_size_min, world["programme"].team_size_max = 1, 3
    world["programme"].save()
    late = make_volunteer(world["programme"], name="Volunteer F")
    assert error(api(world["organizer"]).post(add, {"volunteer": late.pk}, format="json")) == (409, "team_full")


def test_posts_and_modules_of_ones_programme(world):
    other = make_programme(edition=EditionFactory())
    other_post, other_module = make_post(other, "别处"), make_module(other, "别的培训")
    posts = ids(api(world["organizer"]).get("/api/v1/volunteer-posts/"))
    assert {world["desk"].pk, world["media"].pk, other_post.pk} <= set(posts)
    assert ids(api(world["me"]).get("/api/v1/volunteer-posts/")) == [world["desk"].pk, world["media"].pk]
    assert ids(api(world["lead"]).get("/api/v1/volunteer-posts/", {"kind": "media_centre"})) == [world["media"].pk]
    assert ids(api(_user("nobody")).get("/api/v1/volunteer-posts/")) == []
    assert ids(api(world["me"]).get("/api/v1/training-modules/")) == [world["module"].pk]
    assert other_module.pk in ids(api(world["organizer"]).get("/api/v1/training-modules/", {"programme": other.pk}))


def test_a_lead_records_attendance_of_their_team(world):
    url = f"/api/v1/training-modules/{world['module'].pk}/attendance/"
    response = api(world["lead"]).post(url, {"volunteer": world["volunteer"].pk}, format="json")
    assert response.json() == {"module": world["module"].pk, "volunteer": world["volunteer"].pk, "name": "Volunteer A", "present": True, "changed": True}
    assert api(world["lead"]).post(url, {"volunteer": world["volunteer"].pk}, format="json").json()["changed"] is False
    assert error(api(world["lead"]).post(url, {"volunteer": world["stranger"].pk}, format="json")) == (403, "not_your_team")
    assert error(api(world["me"]).post(url, {"volunteer": world["volunteer"].pk}, format="json")) == (403, "permission_denied")
    assert api(world["organizer"]).post(url, {"volunteer": world["stranger"].pk, "present": False}, format="json").json()["changed"] is False
    assert list(TrainingAttendance.objects.values_list("volunteer__name", "recorded_by__username")) == [("Volunteer A", "lead-a")]
    other = make_module(make_programme(edition=EditionFactory()), "别的培训")
    assert error(api(world["organizer"]).post(f"/api/v1/training-modules/{other.pk}/attendance/", {"volunteer": world["volunteer"].pk}, format="json")) == (400, "wrong_programme")
    assert error(api(world["lead"]).post(f"/api/v1/training-modules/{other.pk}/attendance/", {"volunteer": world["volunteer"].pk}, format="json")) == (404, "not_found")


def test_attendance_by_code_and_by_list(world):
    by_code = f"/api/v1/training-modules/{world['module'].pk}/attendance-by-code/"
    response = api(world["lead"]).post(by_code, {"code": world["volunteer"].code.lower()}, format="json")
    assert (response.status_code, response.json()["volunteer"], response.json()["name"]) == (200, world["volunteer"].pk, "Volunteer A")
    assert error(api(world["lead"]).post(by_code, {"code": world["stranger"].code}, format="json")) == (403, "not_your_team")
    assert error(api(world["lead"]).post(by_code, {"code": "NOPE"}, format="json")) == (400, "unknown_code")
    listing = f"/api/v1/training-modules/{world['module'].pk}/attendance-list/"
    body = {"shown": [world["volunteer"].pk, world["mate"].pk, world["stranger"].pk], "present": [world["mate"].pk, world["stranger"].pk]}
    response = api(world["lead"]).post(listing, body, format="json")
    assert response.json() == {"module": world["module"].pk, "added": 1, "removed": 1}  # the stranger is not on a lead-a's list
    assert sorted(TrainingAttendance.objects.values_list("volunteer__name", flat=True)) == ["Volunteer C"]


# -- shifts and assignments --------------------------------------------------------------------------------

def test_shifts_by_role_and_filter(world):
    url = "/api/v1/shifts/"
    year, soon, later, theirs = world["year"], world["soon"], world["later"], world["theirs"]
    assert ids(api(world["organizer"]).get(url, {"edition": year})) == [soon.pk, theirs.pk, later.pk]
    assert ids(api(world["lead"]).get(url, {"edition": year})) == [soon.pk, later.pk]
    assert ids(api(world["me"]).get(url)) == [soon.pk, later.pk]
    assert ids(api(world["someone"]).get(url)) == [theirs.pk]
    day = timezone.localtime(later.starts_at).date().isoformat()
    assert ids(api(world["organizer"]).get(url, {"edition": year, "day": day})) == [later.pk]
    assert ids(api(world["organizer"]).get(url, {"edition": year, "team": world["other_team"].pk})) == [theirs.pk]
    assert ids(api(world["organizer"]).get(url, {"edition": year, "post": world["desk"].pk})) == [soon.pk, later.pk]
    item = api(world["lead"]).get(f"{url}{soon.pk}/").json()
    assert {k: item[k] for k in ("needed", "filled", "assigned", "checked_in", "post_name_en")} == {
        "needed": 2, "filled": 1, "assigned": 1, "checked_in": 0, "post_name_en": "Registration desk",
    }
    assert error(api(world["lead"]).get(f"{url}{theirs.pk}/")) == (404, "not_found")
    assert error(api(world["organizer"]).get(url, {"day": "0001-01-01"})) == (400, "invalid")
    assert error(api(world["organizer"]).get(url, {"team": "¹"})) == (400, "invalid")


def test_assignments_by_role(world):
    url = f"/api/v1/shift-assignments/?edition={world['year']}"
    mine = [world["mine_soon"].pk, world["mine_later"].pk]
    assert ids(api(world["me"]).get(url)) == mine
    assert ids(api(world["lead"]).get(url)) == mine
    assert ids(api(world["organizer"]).get(url)) == [world["mine_soon"].pk, world["their_assignment"].pk, world["mine_later"].pk]
    item = api(world["me"]).get(f"/api/v1/shift-assignments/{world['mine_soon'].pk}/").json()
    start = world["soon"].starts_at
    assert (item["check_in_opens"], item["request_cutoff"]) == (
        timezone.localtime(start - timedelta(minutes=60)).isoformat(), timezone.localtime(start - timedelta(hours=3)).isoformat(),
    )
    assert item["check_in_opens"].endswith("+08:00")


def test_organizers_roster_and_drop(world):
    client = api(world["organizer"])
    response = client.post("/api/v1/shift-assignments/", {"shift": world["soon"].pk, "volunteer": world["mate"].pk}, format="json")
    assert (response.status_code, response.json()["source"], response.json()["volunteer"]) == (201, "manual", world["mate"].pk)
    free = make_volunteer(world["programme"], name="Volunteer E")
    assert error(client.post("/api/v1/shift-assignments/", {"shift": world["soon"].pk, "volunteer": free.pk}, format="json")) == (409, "shift_full")
    assert client.post("/api/v1/shift-assignments/", {"shift": world["later"].pk, "volunteer": world["stranger"].pk}, format="json").status_code == 201
    assert error(client.post("/api/v1/shift-assignments/", {"shift": world["soon"].pk, "volunteer": world["applicant"].pk}, format="json")) == (400, "not_accepted")
    trained = make_post(world["programme"], "需培训", required=[world["module"]])
    shift = make_shift(trained, start=timezone.now() + timedelta(days=3))
    assert error(client.post("/api/v1/shift-assignments/", {"shift": shift.pk, "volunteer": world["mate"].pk}, format="json")) == (400, "training_incomplete")
    assert error(api(world["lead"]).post("/api/v1/shift-assignments/", {"shift": shift.pk, "volunteer": world["mate"].pk}, format="json")) == (403, "permission_denied")
    dropped = client.post(f"/api/v1/shift-assignments/{response.json()['id']}/drop/")
    assert (dropped.status_code, dropped.json()["status"]) == (200, "dropped")
    assert error(client.post(f"/api/v1/shift-assignments/{response.json()['id']}/drop/")) == (409, "not_assigned")
    assert error(api(world["me"]).post(f"/api/v1/shift-assignments/{world['mine_later'].pk}/drop/")) == (403, "permission_denied")


def test_the_volunteer_checks_in_and_out_of_their_own_shift(world):
    url = f"/api/v1/shift-assignments/{world['mine_soon'].pk}/"
    response = api(world["me"]).post(url + "check-in/")
    assert (response.status_code, response.json()["arrival"]) == (200, "early")
    assert ShiftCheck.objects.get(assignment=world["mine_soon"]).via == "self"
    assert error(api(world["me"]).post(url + "check-in/")) == (409, "already_checked_in")
    out = api(world["me"]).post(url + "check-out/")
    assert (out.status_code, out.json()["departure"]) == (200, "early")
    assert error(api(world["me"]).post(f"/api/v1/shift-assignments/{world['mine_later'].pk}/check-in/")) == (400, "checkin_not_open")
    assert error(api(world["me"]).post(f"/api/v1/shift-assignments/{world['mine_later'].pk}/check-out/")) == (409, "not_checked_in")
    assert error(api(world["me"]).post(f"/api/v1/shift-assignments/{world['their_assignment'].pk}/check-in/")) == (404, "not_found")


def test_the_lead_checks_a_member_in_on_their_behalf(world):
    response = api(world["lead"]).post(f"/api/v1/shift-assignments/{world['mine_soon'].pk}/check-in/")
    assert response.status_code == 200
    check = ShiftCheck.objects.get(assignment=world["mine_soon"])
    assert (check.via, check.by) == ("lead_pick", world["lead"])
    assert error(api(world["lead"]).post(f"/api/v1/shift-assignments/{world['their_assignment'].pk}/check-in/")) == (404, "not_found")


def test_the_lead_scans_a_code_in_then_out(world):
    code = world["volunteer"].code
    first = api(world["lead"]).post("/api/v1/shift-scans/", {"code": code}, format="json")
    assert (first.status_code, first.json()["action"], first.json()["assignment"]["id"]) == (200, "in", world["mine_soon"].pk)
    second = api(world["lead"]).post("/api/v1/shift-scans/", {"code": code, "via": "pick"}, format="json")
    assert (second.json()["action"], second.json()["assignment"]["departure"]) == ("out", "early")
    assert list(ShiftCheck.objects.order_by("at", "kind").values_list("kind", "via")) == [("in", "lead_scan"), ("out", "lead_pick")]
    assert error(api(world["lead"]).post("/api/v1/shift-scans/", {"code": world["stranger"].code}, format="json")) == (403, "not_your_team")
    assert error(api(world["lead"]).post("/api/v1/shift-scans/", {"code": "NOPE"}, format="json")) == (400, "unknown_code")
    assert error(api(world["lead"]).post("/api/v1/shift-scans/", {"code": world["mate"].code}, format="json")) == (400, "no_shift_now")
    assert error(api(world["me"]).post("/api/v1/shift-scans/", {"code": code}, format="json")) == (403, "permission_denied")
    assert api(world["organizer"]).post("/api/v1/shift-scans/", {"code": world["stranger"].code}, format="json").json()["action"] == "in"


# -- standby offers ---------------------------------------------------------------------------------------------

@pytest.fixture
def standby(world):
    """Two standby volunteers; E has an account."""
    account = _user("vol-e")
    e = make_volunteer(world["programme"], name="Standby E", status="standby", user=account, email="e@example.org")
    f = make_volunteer(world["programme"], name="Standby F", status="standby", email="f@example.org")
    return {"account": account, "e": e, "f": f}


def test_offers_are_made_to_standby_volunteers(world, standby):
    body = {"shift": world["soon"].pk, "places": 1}
    response = api(world["lead"]).post("/api/v1/standby-offers/", body, format="json")
    assert response.status_code == 201
    assert [o["volunteer"] for o in response.json()["offers"]] == [standby["f"].pk, standby["e"].pk]  # newest first, then by id
    assert OutgoingEmail.objects.filter(event="volunteers.standby_offer").count() == 2
    again = api(world["organizer"]).post("/api/v1/standby-offers/", body, format="json")
    assert (again.status_code, again.json()["offers"]) == (200, [])  # everyone was asked already
    theirs = api(world["lead"]).post("/api/v1/standby-offers/", {"shift": world["theirs"].pk, "places": 1}, format="json")
    assert error(theirs) == (400, "invalid") and theirs.json()["errors"]["shift"][0]["code"] == "does_not_exist"
    assert error(api(world["me"]).post("/api/v1/standby-offers/", body, format="json")) == (403, "permission_denied")


def test_the_volunteer_takes_an_offered_place(world, standby):
    offers = services.standby_offers_create(shift=world["later"], places=1)
    mine = next(o for o in offers if o.volunteer_id == standby["e"].pk)
    other = next(o for o in offers if o.volunteer_id == standby["f"].pk)
    assert ids(api(standby["account"]).get("/api/v1/standby-offers/")) == [mine.pk]
    assert set(ids(api(world["lead"]).get("/api/v1/standby-offers/"))) == {mine.pk, other.pk}  # the lead's post's shift
    assert ids(api(world["someone"]).get("/api/v1/standby-offers/")) == []
    assert error(api(world["organizer"]).post(f"/api/v1/standby-offers/{mine.pk}/accept/")) == (403, "not_your_offer")
    assert error(api(standby["account"]).post(f"/api/v1/standby-offers/{other.pk}/accept/")) == (404, "not_found")
    response = api(standby["account"]).post(f"/api/v1/standby-offers/{mine.pk}/accept/")
    assert (response.status_code, response.json()["source"], response.json()["shift"]) == (200, "standby", world["later"].pk)
    assert StandbyOffer.objects.get(pk=mine.pk).status == "accepted"
    assert error(api(standby["account"]).post(f"/api/v1/standby-offers/{mine.pk}/accept/")) == (409, "offer_closed")


def test_the_second_standby_volunteer_finds_the_place_taken(world, standby):
    offers = services.standby_offers_create(shift=world["later"], places=1)
    services.standby_offer_accept(offer=next(o for o in offers if o.volunteer_id == standby["f"].pk))
    mine = next(o for o in offers if o.volunteer_id == standby["e"].pk)
    assert error(api(standby["account"]).post(f"/api/v1/standby-offers/{mine.pk}/accept/")) == (409, "place_taken")
    assert StandbyOffer.objects.get(pk=mine.pk).status == "taken"


# -- swap and drop requests ---------------------------------------------------------------------------------------

def test_the_volunteer_asks_to_drop_and_the_lead_approves(world):
    body = {"assignment": world["mine_later"].pk, "kind": "drop", "reason": "考试"}
    response = api(world["me"]).post("/api/v1/change-requests/", body, format="json")
    assert response.status_code == 201
    item = response.json()
    assert (item["kind"], item["status"], item["reason"], item["volunteer"], item["shift"]) == ("drop", "pending", "考试", world["volunteer"].pk, world["later"].pk)
    assert error(api(world["me"]).post("/api/v1/change-requests/", body, format="json")) == (409, "request_pending")
    assert ids(api(world["lead"]).get("/api/v1/change-requests/")) == [item["id"]]
    assert ids(api(world["other_lead"]).get("/api/v1/change-requests/")) == []
    url = f"/api/v1/change-requests/{item['id']}/decide/"
    assert error(api(world["other_lead"]).post(url, {"approve": True}, format="json")) == (403, "not_your_team")
    assert error(api(world["me"]).post(url, {"approve": True}, format="json")) == (403, "permission_denied")
    decided = api(world["lead"]).post(url, {"approve": True}, format="json")
    assert (decided.status_code, decided.json()["status"], decided.json()["decided_by"]) == (200, "approved", world["lead"].pk)
    assert Assignment.objects.get(pk=world["mine_later"].pk).status == "dropped"
    assert error(api(world["lead"]).post(url, {"approve": False}, format="json")) == (409, "already_decided")


def test_a_swap_names_a_teammate(world):
    url = "/api/v1/change-requests/"
    stranger = api(world["me"]).post(url, {"assignment": world["mine_later"].pk, "kind": "swap", "colleague": world["stranger"].pk}, format="json")
    assert error(stranger) == (400, "invalid") and stranger.json()["errors"]["colleague"][0]["code"] == "invalid_choice"
    nobody = api(world["me"]).post(url, {"assignment": world["mine_later"].pk, "kind": "swap"}, format="json")
    assert error(nobody) == (400, "invalid_colleague")
    response = api(world["me"]).post(url, {"assignment": world["mine_later"].pk, "kind": "swap", "colleague": world["mate"].pk}, format="json")
    assert (response.status_code, response.json()["colleague"], response.json()["colleague_name"]) == (201, world["mate"].pk, "Volunteer C")
    decided = api(world["organizer"]).post(f"{url}{response.json()['id']}/decide/", {"approve": True}, format="json")
    assert decided.json()["status"] == "approved"
    assert Assignment.objects.get(shift=world["later"], status="assigned").volunteer == world["mate"]


def test_a_request_for_someone_elses_or_a_too_close_shift_is_refused(world):
    theirs = api(world["me"]).post("/api/v1/change-requests/", {"assignment": world["their_assignment"].pk, "kind": "drop"}, format="json")
    assert error(theirs) == (400, "invalid") and theirs.json()["errors"]["assignment"][0]["code"] == "does_not_exist"
    soon = api(world["me"]).post("/api/v1/change-requests/", {"assignment": world["mine_soon"].pk, "kind": "drop"}, format="json")
    assert error(soon) == (400, "swap_cutoff_passed")
    assert not ChangeRequest.objects.exists()


# -- notices of changed shifts ------------------------------------------------------------------------------------

def test_the_volunteer_lists_and_dismisses_their_notices(world):
    shift = world["later"]
    values = shown(shift.watched_values(), {world["desk"].pk: world["desk"]})
    moved = {**values, "start": (shift.starts_at + timedelta(hours=1)).isoformat(), "end": (shift.ends_at + timedelta(hours=1)).isoformat()}
    now = timezone.now()
    alert = ShiftChangeAlert.objects.create(shift=shift, before=shift.watched_values(), opened_at=now, changed_at=now, due_at=now)
    notice = ShiftNotice.objects.create(alert=alert, shift=shift, volunteer=world["volunteer"], before=values, after=moved)
    response = api(world["me"]).get("/api/v1/shift-notices/", {"unread": "true"}, HTTP_ACCEPT_LANGUAGE="en")
    assert ids(response) == [notice.pk]
    assert response.json()["results"][0]["text"].startswith("Your shift at Registration desk: now ")
    assert ids(api(world["lead"]).get("/api/v1/shift-notices/")) == []
    assert error(api(world["someone"]).post(f"/api/v1/shift-notices/{notice.pk}/dismiss/")) == (404, "not_found")
    dismissed = api(world["me"]).post(f"/api/v1/shift-notices/{notice.pk}/dismiss/")
    assert (dismissed.status_code, dismissed.json()["read_at"] is not None) == (200, True)
    assert ids(api(world["me"]).get("/api/v1/shift-notices/", {"unread": "true"})) == []


# -- queries: constant in rows ------------------------------------------------------------------------------------

def count_queries(user, url, params=None) -> int:
    client = api(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    assert response.json()["results"], "the list is not empty"
    return len(ctx.captured_queries)


def _grow(world, kind: str, n: int):
    """n more rows of `kind` in the world's programme, each with what its list shows."""
    programme = world["programme"]
    for _ in range(n):
        volunteer = make_volunteer(programme, team=world["team"], user=world["me"] if kind == "notices" else None, languages={"en": "fluent"})
        post = make_post(programme, required=[world["module"]])
        shift = make_shift(post, start=timezone.now() + timedelta(days=20 + Volunteer.objects.count()))
        train(volunteer, world["module"])
        if kind in ("shifts", "assignments", "requests", "offers", "notices"):
            assignment = services.shift_assign(shift=shift, volunteer=volunteer)
            if kind == "requests":
                services.change_request_create(assignment=assignment, kind="swap", colleague=world["mate"], actor=None)
            if kind == "offers":
                StandbyOffer.objects.create(shift=shift, volunteer=volunteer)
            if kind == "notices":
                now = timezone.now()
                alert = ShiftChangeAlert.objects.create(shift=shift, before=shift.watched_values(), opened_at=now, changed_at=now, due_at=now)
                values = shown(shift.watched_values(), {post.pk: post})
                ShiftNotice.objects.create(alert=alert, shift=shift, volunteer=volunteer, before=values, after=values)
        if kind == "teams":
            make_team(programme, leader=world["lead"], post=post)
        if kind == "interviews":
            Volunteer.objects.filter(pk=volunteer.pk).update(status="applied")
            services.interview_record(volunteer=volunteer, round=1, score=80)


# (list url, who reads it, what grows it, queries) — the counts of a request authenticated without
# a query (force_authenticate): the organizer's role (1), count, page, and each prefetch.
LISTS = {
    "programmes": ("/api/v1/volunteer-programmes/", "organizer", "programmes", 2),
    "volunteers (organizer)": ("/api/v1/volunteers/", "organizer", "interviews", 5),  # role, count, page, languages, interviews
    "volunteers (lead)": ("/api/v1/volunteers/", "lead", "volunteers", 4),
    "hours": ("/api/v1/volunteer-hours/", "lead", "volunteers", 4),  # count, page of ids, volunteers, assignments
    "teams": ("/api/v1/volunteer-teams/", "lead", "teams", 2),
    "posts": ("/api/v1/volunteer-posts/", "organizer", "volunteers", 4),  # role, count, page, required modules
    "modules": ("/api/v1/training-modules/", "me", "volunteers", 2),
    "shifts": ("/api/v1/shifts/", "lead", "shifts", 2),
    "assignments": ("/api/v1/shift-assignments/", "lead", "assignments", 2),
    "offers": ("/api/v1/standby-offers/", "organizer", "offers", 3),
    "requests": ("/api/v1/change-requests/", "lead", "requests", 2),
    "notices": ("/api/v1/shift-notices/", "me", "notices", 2),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_list_queries_are_constant(world, name):
    url, who, kind, expected = LISTS[name]
    if kind == "programmes":
        grow = lambda n: [make_programme(edition=EditionFactory()) for _ in range(n)]  # noqa: E731
    else:
        grow = lambda n: _grow(world, kind, n)  # noqa: E731
    grow(1)
    few = count_queries(world[who], url)
    grow(6)
    many = count_queries(world[who], url)
    assert (few, many) == (expected, expected)
