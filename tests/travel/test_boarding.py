"""Issue 24, boarding a pickup run through the check-in engine (travel.boarding, a roster of
registration.checkin): the run's boarding list made once; ok, already boarded, `wrong_run` with the
run the guest is booked on, `not_on_run`, and the engine's own refusals; the seat stamped with the
earliest scan; a replayed nonce answers alike; the API's answer and schema; the greeters' pages;
lists deleted with the runs re-planned."""
import re
import uuid
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import translation

from registration.checkin import all_results, checkin_scan
from registration.models import Checkin, CheckinList
from tests.travel.support import YEAR, edition, guest  # noqa: F401 (fixtures)
from travel import arrivals
from travel.boarding import boarding_list
from travel.models import PickupRun, PickupSeat
from wic import roles
from wic.display import BEIJING

pytestmark = pytest.mark.django_db

T0 = datetime(YEAR, 11, 9, 10, 0, tzinfo=BEIJING)
NOW = datetime(YEAR, 11, 1, tzinfo=BEIJING)


def nonce():
    return str(uuid.uuid4())


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("greeter-1", password="a-long-test-password-1")
    user.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    return user


@pytest.fixture
def planned(edition):
    """Ana lands at Xiaoshan at 10:00, Ben arrives at Tongxiang station at 10:30 (another run),
    Carla gives no arrival; all three approved, with credentials."""
    ana, ben, carla = (guest(edition, f"{n}@example.org", name=n.title()) for n in ("ana", "ben", "carla"))
    arrivals.leg_save(ana, direction="arrival", mode="flight", number="CA1702", hub="hangzhou_xiaoshan", scheduled_at=T0)
    arrivals.leg_save(ben, direction="arrival", mode="train", number="G7501", hub="tongxiang_station", scheduled_at=T0 + timedelta(minutes=30))
    arrivals.plan_pickups(edition, now=NOW)
    run_a = PickupRun.objects.get(seats__leg__registration=ana)
    run_b = PickupRun.objects.get(seats__leg__registration=ben)
    return {"ana": ana, "ben": ben, "carla": carla, "run_a": run_a, "run_b": run_b}


def secret(registration):
    return registration.credentials.get().secret


def scan(checkin_list, registration, staff, **kwargs):
    kwargs.setdefault("scanned_at", T0 + timedelta(minutes=5))
    return checkin_scan(checkin_list=checkin_list, secret=kwargs.pop("secret", None) or secret(registration), nonce=kwargs.pop("nonce", None) or nonce(), user=staff, **kwargs)


def test_a_runs_boarding_list_is_made_once_and_named_in_both_languages(planned, django_assert_num_queries):
    run = planned["run_a"]
    assert run.number == 1 and planned["run_b"].number == 2
    first = boarding_list(run)
    again = boarding_list(PickupRun.objects.get(pk=run.pk))
    assert first.pk == again.pk and CheckinList.objects.filter(kind="roster").count() == 1
    assert (first.kind, first.roster, first.day, first.edition_id) == ("roster", "pickup_run", T0.date(), run.edition_id)
    assert first.name_zh == "接站 1 · 杭州萧山国际机场 · 11-09 10:00"
    assert first.name_en == "Pickup 1 · Hangzhou Xiaoshan International Airport · 11-09 10:00"
    with django_assert_num_queries(0):
        assert boarding_list(run).pk == first.pk  # the run holds it already


def test_boarding_ok_then_already_boarded_and_the_seat_is_stamped(planned, staff):
    board = boarding_list(planned["run_a"])
    first = scan(board, planned["ana"], staff, gate="萧山 T4")
    with translation.override("en"):
        assert (first.result, first.message) == ("ok", "Admitted")
    assert "detail" not in first.as_dict() and "reason_message" not in first.as_dict()
    assert PickupSeat.objects.get(leg__registration=planned["ana"]).boarded_at == T0 + timedelta(minutes=5)
    again = scan(board, planned["ana"], staff, scanned_at=T0 + timedelta(minutes=9))
    assert again.result == "already_checked_in"
    assert again.as_dict()["first_scan"]["at"] == f"{YEAR}-11-09T10:05:00+08:00"
    # An offline scan made earlier, uploaded later, becomes the boarding: the seat takes its time.
    earlier = scan(board, planned["ana"], staff, scanned_at=T0 + timedelta(minutes=2))
    assert earlier.result == "ok"
    assert PickupSeat.objects.get(leg__registration=planned["ana"]).boarded_at == T0 + timedelta(minutes=2)
    assert Checkin.objects.filter(checkin_list=board, result="ok").count() == 1
    assert arrivals.arrivals_panel(planned["run_a"].edition, now=NOW).runs_boarded == 1


def test_a_guest_booked_on_another_run_is_told_which(planned, staff):
    board = boarding_list(planned["run_a"])
    with translation.override("en"):
        answer = scan(board, planned["ben"], staff)
        body = answer.as_dict()
    assert (answer.result, body["result"], body["message"]) == ("wrong_run", "wrong_run", "Booked on another pickup run")
    assert planned["run_b"].vehicle == "car"
    assert body["reason_message"] == (
        "Booked on pickup 2, leaving 10:30 from Tongxiang Railway Station (Car); meeting point: "
        "Station exit, at the World Internet Conference welcome desk."
    )
    assert body["detail"] == {
        "number": 2, "departs_at": f"{YEAR}-11-09T10:30:00+08:00", "hub": "tongxiang_station", "hub_name": "Tongxiang Railway Station",
        "vehicle": "Car", "meeting_point": "Station exit, at the World Internet Conference welcome desk",
    }
    assert "guest" not in body  # a refusal does not show the guest, as on the gate
    assert PickupSeat.objects.get(leg__registration=planned["ben"]).boarded_at is None
    with translation.override("zh-hans"):
        assert scan(board, planned["ben"], staff).as_dict()["message"] == "已安排在另一接站车次"
    # The same nonce again: the first answer, with the run, and nothing written.
    repeated = nonce()
    with translation.override("en"):
        first = scan(board, planned["ben"], staff, nonce=repeated).as_dict()
        count = Checkin.objects.count()
        replay = scan(board, planned["ben"], staff, nonce=repeated).as_dict()
    assert (replay["result"], replay["detail"]) == ("wrong_run", first["detail"]) and Checkin.objects.count() == count


def test_no_seat_and_the_engines_own_refusals(planned, staff, edition):
    board = boarding_list(planned["run_a"])
    with translation.override("en"):
        none = scan(board, planned["carla"], staff).as_dict()
    assert (none["result"], none["message"], none["reason_message"]) == (
        "not_on_run", "Not booked on any pickup run", "This guest has no seat on any pickup run: call the transport desk.",
    )
    assert "detail" not in none
    assert scan(board, planned["ana"], staff, secret="NOSUCHCODE").result == "invalid"
    assert scan(board, planned["ana"], staff, type=Checkin.EXIT).result == "invalid"  # no exits from a car
    credential = planned["ana"].credentials.get()
    credential.revoked_at = T0
    credential.save(update_fields=["revoked_at"])
    assert scan(board, planned["ana"], staff, secret=credential.secret).result == "revoked"
    pending = guest(edition, "pending@example.org", status="pending")
    assert pending.credentials.count() == 0  # a pending guest holds no credential: the code is unknown
    assert PickupSeat.objects.filter(boarded_at__isnull=False).count() == 0


def test_the_scan_api_answers_wrong_run_and_its_schema_lists_the_rosters_codes(planned, staff, api_client):
    board = boarding_list(planned["run_a"])
    api_client.force_authenticate(staff)
    body = {"list": board.pk, "secret": secret(planned["ben"]), "scanned_at": (T0 + timedelta(minutes=5)).isoformat(), "nonce": nonce()}
    response = api_client.post("/api/v1/checkins/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (response.json()["result"], response.json()["detail"]["number"]) == ("wrong_run", 2)
    assert all_results() == ("ok", "already_checked_in", "revoked", "not_invited", "not_approved", "wrong_day", "invalid", "wrong_run", "not_on_run")
    schema = api_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    enum = schema.json()["components"]["schemas"]["ResultEnum"]["enum"]
    assert "wrong_run" in enum and "not_on_run" in enum


def test_planning_again_deletes_the_runs_boarding_lists(planned, edition):
    board = boarding_list(planned["run_a"])
    arrivals.plan_pickups(edition, now=NOW)
    assert not CheckinList.objects.filter(pk=board.pk).exists()
    assert PickupRun.objects.filter(edition=edition, checkin_list__isnull=False).count() == 0


def test_the_greeters_pages(planned, staff, client, django_user_model, django_assert_num_queries):
    page = "/travel/boarding/"
    assert client.get(page)["Location"].startswith("/accounts/login/")
    client.force_login(django_user_model.objects.create_user("attendee-z"))
    assert client.get(page).status_code == 403
    assert client.get(f"/travel/boarding/{planned['run_a'].pk}/").status_code == 403
    with time_machine.travel(datetime(YEAR, 11, 9, 7, 0, tzinfo=BEIJING), tick=False):
        client.force_login(staff)  # a session made today would have expired by 2090
        with django_assert_num_queries(4):  # session, user, groups (can_scan), runs
            response = client.get(page, HTTP_ACCEPT_LANGUAGE="en")
        text = response.content.decode()
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        assert re.findall(r'data-run="(\d+)"', text) == ["1", "2"]
        assert "Hangzhou Xiaoshan International Airport" in text and "0 of 1 aboard" in text
        # More runs, the same queries.
        for n in range(3):
            extra = guest(planned["run_a"].edition, f"extra{n}@example.org")
            arrivals.leg_save(extra, direction="arrival", mode="flight", number="CA1702", hub="shanghai_hongqiao_airport", scheduled_at=T0 + timedelta(hours=n))
        arrivals.plan_pickups(planned["run_a"].edition, now=NOW)
        with django_assert_num_queries(4):
            assert len(re.findall(r'data-run="', client.get(page).content.decode())) == 5
    with time_machine.travel(datetime(YEAR, 11, 20, 7, 0, tzinfo=BEIJING), tick=False):
        client.force_login(staff)
        assert 'data-state="none"' in client.get(page).content.decode()  # nothing today or tomorrow
    client.force_login(staff)
    run = PickupRun.objects.get(seats__leg__registration=planned["ana"])
    opened = client.get(f"/travel/boarding/{run.pk}/")
    board = PickupRun.objects.get(pk=run.pk).checkin_list
    assert (opened.status_code, opened["Location"]) == (303, f"/checkin/?list={board.pk}")
    checkin_page = client.get(opened["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.findall(r'<option value="(\d+)" selected>', checkin_page) == [str(board.pk)]
    assert 'data-wrong_run="Booked on another pickup run"' in checkin_page
    # Without ?list= the gate's page does not offer the runs' lists.
    assert str(board.pk) not in re.findall(r'<option value="(\d+)"', client.get("/checkin/").content.decode())
    assert client.get("/travel/boarding/999999/").status_code == 404
