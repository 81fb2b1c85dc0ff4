from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import EditionFactory
from tests.volunteers.helpers import make_module, make_post, make_programme, make_shift, make_team, make_volunteer
from volunteers import services
from volunteers.models import Assignment, ChangeRequest, TrainingAttendance, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    """A programme whose edition is running next year, two teams with their leads, a volunteer
    account with a shift starting in 10 minutes (check-in open) and one next week."""
    year = timezone.localdate().year + 1
    programme = make_programme(edition=EditionFactory(year=year))
    post = make_post(programme, "注册台", kind="registration_desk", place_zh="会展中心南门")
    other_post = make_post(programme, "媒体中心", kind="media_centre")
    lead = django_user_model.objects.create_user("lead-a", password="x-long-password-1")
    other_lead = django_user_model.objects.create_user("lead-b", password="x-long-password-1")
    team = make_team(programme, "南门一组", post=post, leader=lead)
    other_team = make_team(programme, "媒体组", post=other_post, leader=other_lead)
    me = django_user_model.objects.create_user("vol-a", password="x-long-password-1")
    someone = django_user_model.objects.create_user("vol-b", password="x-long-password-1")
    volunteer = make_volunteer(programme, name="Demo Volunteer A", user=me, team=team)
    stranger = make_volunteer(programme, name="Other Volunteer B", user=someone, team=other_team)
    now = timezone.now().replace(second=0, microsecond=0)
    soon = make_shift(post, start=now + timedelta(minutes=10), hours=2, needed=2)
    later = make_shift(post, start=now + timedelta(days=7), hours=3, needed=2)
    theirs = make_shift(other_post, start=now + timedelta(minutes=10), hours=2, needed=2)
    mine_soon = services.shift_assign(shift=soon, volunteer=volunteer)
    mine_later = services.shift_assign(shift=later, volunteer=volunteer)
    their_assignment = services.shift_assign(shift=theirs, volunteer=stranger)
    return locals()


def test_apply_form_creates_an_application(client, world):
    url = f"/editions/{world['year']}/volunteer/apply/"
    assert client.get(url).status_code == 200
    data = {"name": "Wang Fang", "university": "浙江工业大学", "student_number": "2021001", "phone": "13700000000", "email": "wf@example.org",
            "lang_en": "fluent", "lang_ko": "working", "available_days": [f"{world['year']}-11-10"], "preferred_post_kinds": ["media_centre"], "motivation": "服务"}
    response = client.post(url, data)
    assert response.status_code == 201
    volunteer = Volunteer.objects.get(email="wf@example.org")
    assert (volunteer.status, sorted(volunteer.languages.values_list("language", "level")), volunteer.preferred_post_kinds) == (
        "applied", [("en", "fluent"), ("ko", "working")], ["media_centre"]
    )
    again = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409 and 'data-code="duplicate_application"' in again.content.decode()
    bad = client.post(url, {**data, "email": "x@example.org", "university": ""})
    assert bad.status_code == 400 and 'data-code="university_required"' in bad.content.decode()
    assert client.post(url, {"name": ""}).status_code == 400


def test_apply_for_an_unknown_year_or_no_programme(client):
    assert client.get("/editions/1999/volunteer/apply/").status_code == 404
    EditionFactory(year=2097)
    assert client.get("/editions/2097/volunteer/apply/").status_code == 404


def test_my_page_shows_only_my_shifts(client, world):
    assert client.get("/volunteer/")["Location"].startswith("/accounts/login/")
    client.force_login(world["me"])
    response = client.get("/volunteer/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert [r["a"].pk for r in response.context["rows"]] == [world["mine_soon"].pk, world["mine_later"].pk]
    assert [r["can_check_in"] for r in response.context["rows"]] == [True, False]
    assert [r["can_request"] for r in response.context["rows"]] == [False, True]
    assert "Other Volunteer B" not in body and "媒体中心" not in body
    assert "会展中心南门" in body and "lead-a" in body and world["volunteer"].code in body
    assert response["Cache-Control"] == "private, no-store"


def test_my_page_without_a_volunteer_record(client, django_user_model, world):
    client.force_login(django_user_model.objects.create_user("nobody"))
    response = client.get("/volunteer/")
    assert response.status_code == 200 and response.templates[0].name == "volunteers/my_none.html"


def test_one_tap_check_in_and_out(client, world):
    client.force_login(world["me"])
    a = world["mine_soon"]
    client.post(f"/volunteer/shifts/{a.pk}/check-in/")
    a.refresh_from_db()
    assert (a.arrival, a.checked_in_at is not None) == ("early", True)
    response = client.post(f"/volunteer/shifts/{a.pk}/check-out/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    a.refresh_from_db()
    assert (a.departure, a.checks.count()) == ("early", 2)
    assert "Checked out at" in response.content.decode()


def test_a_volunteer_cannot_touch_someone_elses_shift(client, world):
    client.force_login(world["me"])
    theirs = world["their_assignment"]
    assert client.post(f"/volunteer/shifts/{theirs.pk}/check-in/").status_code == 404
    assert client.post(f"/volunteer/shifts/{theirs.pk}/request/", {"kind": "drop"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.checked_in_at, theirs.change_requests.count()) == (None, 0)


def test_check_in_outside_the_window_shows_the_code(client, world):
    client.force_login(world["me"])
    response = client.post(f"/volunteer/shifts/{world['mine_later'].pk}/check-in/", follow=True)
    assert 'data-code="checkin_not_open"' in response.content.decode()


def test_drop_and_swap_requests_from_my_page(client, world):
    client.force_login(world["me"])
    colleague = make_volunteer(world["programme"], name="Colleague C", team=world["team"])
    a = world["mine_later"]
    client.post(f"/volunteer/shifts/{a.pk}/request/", {"kind": "swap", "colleague": colleague.pk, "reason": "考试"})
    assert list(ChangeRequest.objects.values_list("kind", "colleague__name", "reason")) == [("swap", "Colleague C", "考试")]
    response = client.post(f"/volunteer/shifts/{world['mine_soon'].pk}/request/", {"kind": "drop"}, follow=True)
    assert 'data-code="swap_cutoff_passed"' in response.content.decode()
    outsider = client.post(f"/volunteer/shifts/{a.pk}/request/", {"kind": "swap", "colleague": world["stranger"].pk}, follow=True)
    assert ChangeRequest.objects.count() == 1 and "colleague" in outsider.content.decode()


def test_ical_feed(client, world):
    response = client.get(f"/volunteer/feed/{world['volunteer'].feed_token}.ics")
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.count("BEGIN:VEVENT") == 2 and "SUMMARY:注册台" in body and "LOCATION:会展中心南门" in body
    assert client.get("/volunteer/feed/nope.ics").status_code == 404


def test_lead_page_only_for_leads_and_only_their_team(client, world):
    client.force_login(world["me"])
    assert client.get("/volunteer/lead/").status_code == 403
    client.force_login(world["lead"])
    day = timezone.localtime(world["soon"].starts_at).date().isoformat()
    response = client.get(f"/volunteer/lead/?day={day}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert [r["v"].name for r in response.context["rows"]] == ["Demo Volunteer A"]
    assert "Other Volunteer B" not in response.content.decode()
    board = response.context["board"]
    assert [(b.shift.post.name_zh, b.needed, b.assigned, b.checked_in, b.late, b.no_show, b.standby_called) for b in board] == [("注册台", 2, 1, 0, 0, 0, 0)]


def test_lead_scans_checks_in_own_team_only(client, world):
    client.force_login(world["lead"])
    client.post("/volunteer/lead/check/", {"code": world["volunteer"].code, "purpose": "shift"})
    a = Assignment.objects.get(pk=world["mine_soon"].pk)
    assert (a.arrival, list(a.checks.values_list("via", "by__username"))) == ("early", [("lead_scan", "lead-a")])
    response = client.post("/volunteer/lead/check/", {"code": world["stranger"].code, "purpose": "shift"}, follow=True)
    assert 'data-code="not_your_team"' in response.content.decode()
    assert Assignment.objects.get(pk=world["their_assignment"].pk).checked_in_at is None
    client.post("/volunteer/lead/check/", {"code": world["volunteer"].code, "via": "pick"})
    a.refresh_from_db()
    assert (a.departure, list(a.checks.order_by("id").values_list("via", flat=True))) == ("early", ["lead_scan", "lead_pick"])


def test_lead_attendance_list_and_scan(client, world):
    module = make_module(world["programme"], "通识培训")
    client.force_login(world["lead"])
    v, s = world["volunteer"], world["stranger"]
    client.post("/volunteer/lead/attendance/", {"module": module.pk, "shown": [v.pk, s.pk], "present": [v.pk, s.pk]})
    assert list(TrainingAttendance.objects.values_list("volunteer__name", flat=True)) == ["Demo Volunteer A"]  # not the other team's
    client.post("/volunteer/lead/attendance/", {"module": module.pk, "shown": [v.pk], "present": []})
    assert TrainingAttendance.objects.count() == 0
    client.post("/volunteer/lead/check/", {"code": v.code, "purpose": f"module:{module.pk}"})
    response = client.post("/volunteer/lead/check/", {"code": s.code, "purpose": f"module:{module.pk}"}, follow=True)
    assert list(TrainingAttendance.objects.values_list("volunteer__name", flat=True)) == ["Demo Volunteer A"]
    assert 'data-code="not_your_team"' in response.content.decode()


def test_lead_decides_only_own_teams_requests(client, world):
    request = services.change_request_create(assignment=world["mine_later"], kind="drop", actor=world["me"])
    client.force_login(world["other_lead"])
    client.post(f"/volunteer/lead/requests/{request.pk}/", {"decision": "approve"})
    assert ChangeRequest.objects.get(pk=request.pk).status == "pending"
    client.force_login(world["lead"])
    client.post(f"/volunteer/lead/requests/{request.pk}/", {"decision": "approve"})
    assert (ChangeRequest.objects.get(pk=request.pk).status, Assignment.objects.get(pk=world["mine_later"].pk).status) == ("approved", "dropped")


def test_hours_csv_for_the_leads_team(client, world):
    a = world["mine_soon"]
    services.assignment_check_in(assignment=a, at=a.shift.starts_at)
    services.assignment_check_out(assignment=a, at=a.shift.starts_at + timedelta(minutes=90))
    client.force_login(world["lead"])
    response = client.get("/volunteer/lead/hours.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "name,university,student_number,email,team,hours,shifts_worked,late_arrivals,no_shows",
        f"Demo Volunteer A,测试大学,,{world['volunteer'].email},南门一组,1.50,1,0,0",
    ]


def test_standby_offer_page(client, world):
    programme = world["programme"]
    shift = world["soon"]
    standby = make_volunteer(programme, name="Standby S", status="standby")
    offer = services.StandbyOffer.objects.create(shift=shift, volunteer=standby)
    assert client.get(f"/volunteer/standby/{offer.token}/").status_code == 200
    client.post(f"/volunteer/standby/{offer.token}/")
    assert Assignment.objects.filter(shift=shift, volunteer=standby, source="standby").count() == 1
    assert client.get("/volunteer/standby/nope/").status_code == 404


# -- query counts: constant over 1 and many rows ----------------------------------------------------

def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_page_queries_are_constant(client, world):
    client.force_login(world["me"])
    few = _count(client, "/volunteer/")
    post = world["post"]
    for i in range(5):
        shift = make_shift(post, start=world["now"] + timedelta(days=1, hours=3 * i), hours=2, needed=3)
        a = services.shift_assign(shift=shift, volunteer=world["volunteer"])
        services.change_request_create(assignment=a, kind="drop", actor=None)
    assert _count(client, "/volunteer/") == few


def test_lead_page_queries_are_constant(client, world):
    client.force_login(world["lead"])
    make_module(world["programme"], "通识培训")
    few = _count(client, "/volunteer/lead/")
    for i in range(6):
        v = make_volunteer(world["programme"], team=world["team"], languages={"en": "fluent"})
        services.shift_assign(shift=make_shift(world["post"], start=world["now"] + timedelta(hours=1 + i), hours=1, needed=1), volunteer=v)
    services.change_request_create(assignment=world["mine_later"], kind="drop", actor=None)
    assert _count(client, "/volunteer/lead/") == few
