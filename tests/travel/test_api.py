"""The travel API (issue 24): visa letters (organizers, and the guest's request at their private
link), arrivals, departures and pickups, hotels and stays, meals and diets, shuttle loops. Each
endpoint calls the service the admin or the page calls; the tests assert its exact answers and
refusal codes, that passport data leave masked, and that every list runs a fixed number of queries
whatever the number of rows."""
from datetime import date, datetime, time

import pytest
from rest_framework.test import APIClient

from agenda.models import Venue
from registration.models import Registration
from tests.factories import VenueFactory, make_organizer
from tests.travel.support import END, START, YEAR, guest, request_data
from travel import arrivals, hotels, letters, shuttles
from travel.models import Hotel, Meal, PickupRun, RoomBlock, RoomStay, ShuttleLoop, TravelLeg, VisaLetter
from wic.display import BEIJING
from wic.models import OutgoingEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def edition(db):
    from tests.factories import EditionFactory

    return EditionFactory(year=YEAR, start_date=START, end_date=END)


@pytest.fixture
def maria(edition):
    return guest(edition, "maria@example.org")


@pytest.fixture
def organizer(db):
    return make_organizer("travel-api-organizer")


@pytest.fixture
def org_client(organizer):
    """An organizer's client with an API token, as outside programs use."""
    from wic.tokens import token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=organizer)[1]}")
    return client


@pytest.fixture
def attendee_client(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from wic import roles
    from wic.demo import ensure_role_groups

    ensure_role_groups()
    user = get_user_model().objects.create_user("travel-attendee", password=None)
    user.groups.add(Group.objects.get(name=roles.ATTENDEE))
    client = APIClient()
    client.force_authenticate(user)
    return client


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(YEAR, 11, day, hour, minute, tzinfo=BEIJING)


def arrival(registration, *, hour=14, minute=30, number="CA1702") -> TravelLeg:
    return arrivals.leg_save(registration, direction="arrival", mode="flight", number=number, hub="hangzhou_xiaoshan", scheduled_at=at(9, hour, minute))


def hotel_with_block(edition, *, rooms=2, guests_per_room=1) -> RoomBlock:
    hotel = Hotel.objects.create(edition=edition, name_zh="乌镇大酒店", name_en="Wuzhen Grand Hotel")
    return RoomBlock.objects.create(hotel=hotel, room_type_zh="标准间", room_type_en="Standard room", rooms=rooms, guests_per_room=guests_per_room,
                                    first_night=date(YEAR, 11, 9), last_night=date(YEAR, 11, 12))


# -- visa letters: the organizers' ---------------------------------------------------------------------------

def test_letter_list_masks_the_passport_number_and_birth_date(org_client, maria):
    letter = letters.letter_request(maria, data=request_data())
    response = org_client.get(f"/api/v1/visa-letters/?edition={YEAR}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert (item["id"], item["registration"], item["status"], item["reference"]) == (letter.pk, maria.pk, "requested", "")
    assert (item["passport_number"], item["date_of_birth"]) == ("••••••56", "••••••••02")
    assert (item["nationality"], item["stay_from"], item["stay_until"], item["edition"]) == ("BR", f"{YEAR}-11-09", f"{YEAR}-11-13", YEAR)
    assert b"FA123456" not in response.content and b"1980-04-02" not in response.content
    detail = org_client.get(f"/api/v1/visa-letters/{letter.pk}/")
    assert detail.json()["passport_number"] == "••••••56" and b"FA123456" not in detail.content


def test_letter_list_filters_by_status_and_edition(org_client, maria):
    letters.letter_request(maria, data=request_data())
    assert org_client.get("/api/v1/visa-letters/?status=approved").json()["count"] == 0
    assert org_client.get("/api/v1/visa-letters/?status=requested").json()["count"] == 1
    assert org_client.get(f"/api/v1/visa-letters/?edition={YEAR + 1}").json()["count"] == 0
    refused = org_client.get("/api/v1/visa-letters/?edition=²⁰⁹⁰")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid")


def test_letter_decide_approves_with_a_reference_and_mails_the_guest(org_client, organizer, maria):
    letter = letters.letter_request(maria, data=request_data())
    response = org_client.post(f"/api/v1/visa-letters/{letter.pk}/decide/", {"approve": True}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["reference"], body["decided_by"]) == ("approved", f"WIC{YEAR}-VL-{letter.pk:05d}", organizer.pk)
    assert body["passport_number"] == "••••••56"
    letter.refresh_from_db()
    assert (letter.status, len(letter.verify_code)) == ("approved", 12)
    assert OutgoingEmail.objects.filter(event="travel.letter-approved", to=["maria@example.org"]).count() == 1


def test_letter_refusal_needs_a_reason_then_refuses(org_client, maria):
    letter = letters.letter_request(maria, data=request_data())
    url = f"/api/v1/visa-letters/{letter.pk}/decide/"
    response = org_client.post(url, {"approve": False}, format="json")
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (400, "reason_required", ["reason"])
    response = org_client.post(url, {"approve": False, "reason": "Stay too long"}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["refusal_reason"]) == (200, "refused", "Stay too long")
    again = org_client.post(url, {"approve": True}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "not_requested")


def test_letter_revoke_only_an_approved_letter(org_client, organizer, maria):
    letter = letters.letter_request(maria, data=request_data())
    url = f"/api/v1/visa-letters/{letter.pk}/revoke/"
    early = org_client.post(url, {"reason": "Cancelled trip"}, format="json")
    assert (early.status_code, early.json()["code"]) == (409, "not_approved")
    letters.letter_decide(letter, approve=True, actor=organizer)
    missing = org_client.post(url, {}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (400, "reason_required")
    response = org_client.post(url, {"reason": "Cancelled trip"}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["revoke_reason"]) == (200, "revoked", "Cancelled trip")
    assert letters.verification(VisaLetter.objects.get(pk=letter.pk).verify_code)[1] == "revoked"


def test_letters_are_the_organizers_only(api_client, attendee_client, maria):
    letter = letters.letter_request(maria, data=request_data())
    anonymous = api_client.get("/api/v1/visa-letters/")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    for method, url in (("get", "/api/v1/visa-letters/"), ("get", f"/api/v1/visa-letters/{letter.pk}/"),
                        ("post", f"/api/v1/visa-letters/{letter.pk}/decide/")):
        response = getattr(attendee_client, method)(url, {"approve": True}, format="json") if method == "post" else attendee_client.get(url)
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert VisaLetter.objects.get(pk=letter.pk).status == "requested"


# -- visa letters: the guest's request at their private link ---------------------------------------------------

def guest_url(registration) -> str:
    return f"/api/v1/guest-links/{registration.edition.year}/{registration.token}/visa-letter/"


def test_guest_link_shows_that_a_letter_may_be_asked(api_client, maria):
    response = api_client.get(guest_url(maria))
    assert response.status_code == 200
    assert response.json() == {"eligible": True, "can_request": True, "blocked": None, "letter": None, "pdf_url": ""}
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_guest_requests_a_letter_through_the_link_and_reads_it_masked(api_client, maria):
    response = api_client.post(guest_url(maria), request_data(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["eligible"], body["can_request"], body["blocked"]["code"]) == (True, False, "already_requested")
    assert (body["letter"]["status"], body["letter"]["passport_number"], body["letter"]["date_of_birth"]) == ("requested", "••••••56", "••••••••02")
    assert b"FA123456" not in response.content
    letter = VisaLetter.objects.get(registration=maria)
    assert (letter.passport_number, letter.date_of_birth, letter.stay_from) == ("FA123456", "1980-04-02", date(YEAR, 11, 9))
    again = api_client.post(guest_url(maria), request_data(), format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_requested")


def test_guest_link_request_refusals_name_their_field(api_client, maria, edition):
    response = api_client.post(guest_url(maria), request_data(passport_number="FA-1"), format="json")
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (400, "invalid_passport_number", ["passport_number"])
    pending = guest(edition, "pending@example.org", status="pending")
    response = api_client.post(guest_url(pending), request_data(), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "not_eligible")
    assert VisaLetter.objects.count() == 0


def test_guest_link_gives_the_approved_letter_s_pdf(api_client, maria, organizer):
    letter = letters.letter_decide(letters.letter_request(maria, data=request_data()), approve=True, actor=organizer)
    body = api_client.get(guest_url(maria)).json()
    assert (body["letter"]["status"], body["letter"]["reference"], body["can_request"]) == ("approved", letter.reference, False)
    assert body["pdf_url"] == f"/editions/{YEAR}/registration/{maria.token}/visa-letter.pdf"
    assert api_client.get(body["pdf_url"])["Content-Type"] == "application/pdf"


def test_guest_link_that_is_not_one_is_404(api_client, maria):
    for url in (f"/api/v1/guest-links/{YEAR}/not-the-token/visa-letter/", f"/api/v1/guest-links/{YEAR + 1}/{maria.token}/visa-letter/"):
        response = api_client.get(url)
        assert (response.status_code, response.json()["code"]) == (404, "link_invalid")
    response = api_client.post(f"/api/v1/guest-links/{YEAR}/not-the-token/visa-letter/", request_data(), format="json")
    assert (response.status_code, response.json()["code"]) == (404, "link_invalid")


def test_guest_link_reads_no_session_so_needs_no_csrf_token(maria, organizer):
    """The link is the credential: a signed-in browser's session is not read, so no CSRF token is asked."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(organizer)
    response = client.post(guest_url(maria), request_data(), format="json")
    assert response.status_code == 201, response.json()


def test_guest_link_requests_are_rate_limited_per_address(api_client, maria):
    for _n in range(30):
        assert api_client.post(guest_url(maria), {"passport_name": ""}, format="json").status_code == 400
    response = api_client.post(guest_url(maria), request_data(), format="json")
    assert (response.status_code, response.json()["code"]) == (429, "throttled")
    assert VisaLetter.objects.count() == 0


# -- arrivals, departures, pickups ----------------------------------------------------------------------------

def leg_body(registration, **overrides) -> dict:
    return {"registration": registration.pk, "direction": "arrival", "mode": "flight", "number": "CA1702", "hub": "hangzhou_xiaoshan",
            "scheduled_at": f"{YEAR}-11-09T14:30", **overrides}


def test_leg_create_then_replace_the_same_direction(org_client, maria):
    response = org_client.post("/api/v1/travel-legs/", leg_body(maria), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["direction"], body["number"], body["scheduled_at"], body["seats"], body["needs_pickup"], body["run"]) == (
        "arrival", "CA1702", f"{YEAR}-11-09T14:30:00+08:00", 1, True, None)
    again = org_client.post("/api/v1/travel-legs/", leg_body(maria, number="MU5401", scheduled_at=f"{YEAR}-11-09T16:00:00+08:00"), format="json")
    assert (again.status_code, again.json()["id"], again.json()["number"]) == (200, body["id"], "MU5401")
    assert TravelLeg.objects.filter(registration=maria).count() == 1


def test_leg_refusals_name_their_field(org_client, maria, edition):
    wrong_hub = org_client.post("/api/v1/travel-legs/", leg_body(maria, hub="tongxiang_station"), format="json")
    assert (wrong_hub.status_code, wrong_hub.json()["code"], list(wrong_hub.json()["errors"])) == (400, "wrong_hub", ["hub"])
    far = org_client.post("/api/v1/travel-legs/", leg_body(maria, scheduled_at=f"{YEAR}-12-30T10:00"), format="json")
    assert (far.status_code, far.json()["code"]) == (400, "out_of_range")
    pending = guest(edition, "pending@example.org", status="pending")
    refused = org_client.post("/api/v1/travel-legs/", leg_body(pending), format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_eligible")
    bad_year = org_client.post("/api/v1/travel-legs/", leg_body(maria, scheduled_at="0001-01-01T00:00+14:00"), format="json")
    assert (bad_year.status_code, bad_year.json()["errors"]["scheduled_at"][0]["code"]) == (400, "out_of_range")
    assert TravelLeg.objects.count() == 0


def test_leg_patch_keeps_what_is_not_sent(org_client, maria):
    leg = arrival(maria)
    response = org_client.patch(f"/api/v1/travel-legs/{leg.pk}/", {"seats": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["seats"], response.json()["number"], response.json()["scheduled_at"]) == (2, "CA1702", f"{YEAR}-11-09T14:30:00+08:00")


def test_plan_then_delay_then_manifest(org_client, maria, edition, django_capture_on_commit_callbacks):
    leg = arrival(maria)
    planned = org_client.post("/api/v1/pickup-plans/", {"edition": YEAR}, format="json")
    assert planned.status_code == 201, planned.json()
    body = planned.json()
    assert (body["edition"], body["guests"], len(body["runs"])) == (YEAR, 1, 1)
    run = body["runs"][0]
    assert (run["number"], run["hub"], run["departs_at"], run["vehicle"], run["capacity"], run["seats_taken"], run["boarded"]) == (
        1, "hangzhou_xiaoshan", f"{YEAR}-11-09T14:30:00+08:00", "car", 3, 1, 0)
    assert [(seat["leg"], seat["registration"], seat["number"]) for seat in run["seats"]] == [(leg.pk, maria.pk, "CA1702")]

    moved = org_client.patch(f"/api/v1/travel-legs/{leg.pk}/", {"scheduled_at": f"{YEAR}-11-09T18:00"}, format="json")
    assert (moved.status_code, moved.json()["code"]) == (409, "pickup_planned")

    delayed = org_client.post(f"/api/v1/travel-legs/{leg.pk}/report-delay/", {"delayed_to": f"{YEAR}-11-09T16:10"}, format="json")
    assert delayed.status_code == 200, delayed.json()
    assert delayed.json()["told"] == [maria.pk]
    assert (delayed.json()["leg"]["delayed_to"], delayed.json()["leg"]["expected_at"], delayed.json()["leg"]["run_number"]) == (
        f"{YEAR}-11-09T16:10:00+08:00", f"{YEAR}-11-09T16:10:00+08:00", 1)
    assert OutgoingEmail.objects.filter(event="travel.pickup-changed", to=["maria@example.org"]).count() == 1

    manifest = org_client.get(f"/api/v1/pickup-runs/{run['id']}/manifest/", HTTP_ACCEPT_LANGUAGE="en")
    assert manifest.status_code == 200
    rows = manifest.json()["rows"]
    assert [(r["run"], r["guest"], r["flight_or_train"], r["arrives"], r["departs"], r["seats"], r["vip"]) for r in rows] == [
        ("1", maria.reference, "CA1702", f"{YEAR}-11-09 16:10", f"{YEAR}-11-09 16:10", "1", "")]
    assert (rows[0]["hub"], rows[0]["vehicle"], manifest.json()["number"]) == ("Hangzhou Xiaoshan International Airport", "Car", 1)


def test_plan_is_refused_once_a_guest_boarded(org_client, maria, edition):
    arrival(maria)
    run = arrivals.plan_pickups(edition)[0]
    run.seats.update(boarded_at=at(9, 14, 40))
    response = org_client.post("/api/v1/pickup-plans/", {"edition": YEAR}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "plan_started")
    assert list(PickupRun.objects.values_list("pk", flat=True)) == [run.pk]
    listed = org_client.get(f"/api/v1/pickup-runs/?edition={YEAR}&hub=hangzhou_xiaoshan").json()["results"]
    assert [(r["id"], r["boarded"], r["seats"][0]["boarded_at"]) for r in listed] == [(run.pk, 1, f"{YEAR}-11-09T14:40:00+08:00")]


def test_delay_refusals(org_client, maria):
    leg = arrival(maria)
    unplanned = org_client.post(f"/api/v1/travel-legs/{leg.pk}/report-delay/", {"delayed_to": f"{YEAR}-11-09T16:10"}, format="json")
    assert (unplanned.status_code, unplanned.json()["code"]) == (409, "not_planned")
    departure = arrivals.leg_save(maria, direction="departure", mode="flight", number="CA1703", hub="hangzhou_xiaoshan", scheduled_at=at(13, 10))
    response = org_client.post(f"/api/v1/travel-legs/{departure.pk}/report-delay/", {"delayed_to": f"{YEAR}-11-13T12:00"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "not_an_arrival")


def test_a_run_with_guests_is_not_deleted_an_empty_one_is(org_client, maria, edition):
    leg = arrival(maria)
    run = arrivals.plan_pickups(edition)[0]
    refused = org_client.delete(f"/api/v1/pickup-runs/{run.pk}/")
    assert (refused.status_code, refused.json()["code"]) == (409, "run_not_empty")
    leg.delete()  # the guest's arrival is gone (an erasure, say): the run is empty
    assert org_client.delete(f"/api/v1/pickup-runs/{run.pk}/").status_code == 204
    assert not PickupRun.objects.filter(pk=run.pk).exists()


def test_leg_list_filters(org_client, maria, edition):
    arrival(maria)
    other = guest(edition, "li@example.org", name="Li Wei")
    arrivals.leg_save(other, direction="arrival", mode="train", number="G7501", hub="tongxiang_station", scheduled_at=at(10, 9))
    arrivals.plan_pickups(edition)
    TravelLeg.objects.filter(registration=other).update(needs_pickup=False)
    assert [leg["registration"] for leg in org_client.get("/api/v1/travel-legs/?hub=tongxiang_station").json()["results"]] == [other.pk]
    assert [leg["registration"] for leg in org_client.get(f"/api/v1/travel-legs/?day={YEAR}-11-09").json()["results"]] == [maria.pk]
    assert org_client.get("/api/v1/travel-legs/?planned=true").json()["count"] == 2
    assert [leg["registration"] for leg in org_client.get("/api/v1/travel-legs/?needs_pickup=false").json()["results"]] == [other.pk]
    bad = org_client.get("/api/v1/travel-legs/?day=0001-01-01")
    assert (bad.status_code, bad.json()["errors"]["day"][0]["code"]) == (400, "out_of_range")


def test_travel_is_the_organizers_only(api_client, attendee_client, maria):
    leg = arrival(maria)
    for url in ("/api/v1/travel-legs/", f"/api/v1/travel-legs/{leg.pk}/", "/api/v1/pickup-runs/", "/api/v1/room-stays/", "/api/v1/meals/",
                "/api/v1/diets/", "/api/v1/hotels/"):
        assert (api_client.get(url).status_code, attendee_client.get(url).status_code) == (401, 403), url
    response = attendee_client.post("/api/v1/pickup-plans/", {"edition": YEAR}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


# -- hotels and stays --------------------------------------------------------------------------------------------

def test_stay_allocate_move_share_cancel(org_client, organizer, maria, edition):
    block = hotel_with_block(edition)
    response = org_client.post("/api/v1/room-stays/", {"block": block.pk, "registration": maria.pk, "first_night": f"{YEAR}-11-09",
                                                       "last_night": f"{YEAR}-11-11"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["room_number"], body["nights"], body["check_out"], body["shares_room"], body["roommates"], body["hotel"]) == (
        1, 3, f"{YEAR}-11-12", False, [], block.hotel_id)
    url = f"/api/v1/room-stays/{body['id']}/"
    moved = org_client.post(f"{url}move/", {"first_night": f"{YEAR}-11-10", "last_night": f"{YEAR}-11-12"}, format="json")
    assert (moved.status_code, moved.json()["first_night"], moved.json()["nights"]) == (200, f"{YEAR}-11-10", 3)
    outside = org_client.post(f"{url}move/", {"first_night": f"{YEAR}-11-08", "last_night": f"{YEAR}-11-10"}, format="json")
    assert (outside.status_code, outside.json()["code"]) == (400, "nights_outside_block")
    shared = org_client.post(f"{url}share/", {"shares_room": True}, format="json")
    assert (shared.status_code, shared.json()["shares_room"]) == (200, True)
    assert org_client.delete(url).status_code == 204
    assert not RoomStay.objects.exists()


def test_stay_refusals(org_client, maria, edition):
    block = hotel_with_block(edition, rooms=1)
    nights = {"first_night": f"{YEAR}-11-09", "last_night": f"{YEAR}-11-10"}
    pending = guest(edition, "pending@example.org", status="pending")
    refused = org_client.post("/api/v1/room-stays/", {"block": block.pk, "registration": pending.pk, **nights}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_eligible")
    no_nights = org_client.post("/api/v1/room-stays/", {"block": block.pk, "registration": maria.pk}, format="json")
    assert (no_nights.status_code, no_nights.json()["code"]) == (400, "nights_required")
    assert org_client.post("/api/v1/room-stays/", {"block": block.pk, "registration": maria.pk, **nights}, format="json").status_code == 201
    other = guest(edition, "li@example.org", name="Li Wei")
    full = org_client.post("/api/v1/room-stays/", {"block": block.pk, "registration": other.pk, **nights}, format="json")
    assert (full.status_code, full.json()["code"]) == (409, "room_full")
    assert RoomStay.objects.count() == 1


def test_roommates_and_occupancy(org_client, organizer, maria, edition):
    block = hotel_with_block(edition, rooms=2, guests_per_room=2)
    other = guest(edition, "li@example.org", name="Li Wei")
    first, last = date(YEAR, 11, 9), date(YEAR, 11, 10)
    mine = hotels.stay_allocate(block, maria, first_night=first, last_night=last, shares_room=True, actor=organizer)
    theirs = hotels.stay_allocate(block, other, first_night=first, last_night=first, share_with=maria, shares_room=True, actor=organizer)
    stays = {stay["id"]: stay for stay in org_client.get(f"/api/v1/room-stays/?hotel={block.hotel_id}").json()["results"]}
    assert (stays[mine.pk]["roommates"], stays[theirs.pk]["roommates"], stays[theirs.pk]["room_number"]) == ([other.pk], [maria.pk], 1)
    assert org_client.get(f"/api/v1/room-stays/?night={YEAR}-11-10").json()["count"] == 1
    occupancy = org_client.get(f"/api/v1/hotels/{block.hotel_id}/occupancy/").json()
    assert occupancy["nights"] == [
        {"night": f"{YEAR}-11-09", "used": 1, "held": 2, "full": False}, {"night": f"{YEAR}-11-10", "used": 1, "held": 2, "full": False},
        {"night": f"{YEAR}-11-11", "used": 0, "held": 2, "full": False}, {"night": f"{YEAR}-11-12", "used": 0, "held": 2, "full": False},
    ]
    assert [b["block"] for b in occupancy["blocks"]] == [block.pk]
    by_block = org_client.get(f"/api/v1/room-blocks/{block.pk}/occupancy/").json()
    assert (by_block["block"], by_block["rooms"], by_block["nights"][0]["used"]) == (block.pk, 2, 1)
    hotel = org_client.get(f"/api/v1/hotels/?edition={YEAR}").json()["results"][0]
    assert (hotel["name_en"], [b["id"] for b in hotel["blocks"]]) == ("Wuzhen Grand Hotel", [block.pk])


# -- meals and diets ------------------------------------------------------------------------------------------

def test_meals_count_and_kitchen_after_the_organizer_records_a_diet(org_client, maria, edition):
    venue = VenueFactory()
    meal = Meal.objects.create(edition=edition, day=START, kind="lunch", name_zh="午餐", name_en="Lunch", venue=venue, starts_at=time(12), ends_at=time(13))
    guest(edition, "li@example.org", name="Li Wei")
    saved = org_client.patch(f"/api/v1/diets/{maria.pk}/", {"diet": "halal", "allergies": "peanuts,\n  shellfish"}, format="json",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["diet"], saved.json()["diet_label"], saved.json()["allergies"]) == ("halal", "Halal", "peanuts, shellfish")
    kept = org_client.patch(f"/api/v1/diets/{maria.pk}/", {"allergies": ""}, format="json")
    assert (kept.json()["diet"], kept.json()["allergies"]) == ("halal", "")
    org_client.patch(f"/api/v1/diets/{maria.pk}/", {"allergies": "peanuts"}, format="json")
    listed = org_client.get(f"/api/v1/meals/?edition={YEAR}").json()["results"]
    assert [(m["id"], m["place"], m["count"]) for m in listed] == [(meal.pk, venue.name_zh, {
        "total": 2, "diets": {"none": 1, "halal": 1, "vegetarian": 0, "vegan": 0, "no_pork": 0}, "allergies": 1, "unknown_dates": 2})]
    kitchen = org_client.get(f"/api/v1/meals/{meal.pk}/kitchen/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert kitchen["rows"] == [{"name": "Maria Silva", "name_zh": "", "organization": "Ministry of Communications", "diet": "halal",
                                "diet_label": "Halal", "allergies": "peanuts"}]
    assert org_client.get("/api/v1/diets/?special=true").json()["count"] == 1


def test_diet_refusals(org_client, maria, edition):
    unknown = org_client.put(f"/api/v1/diets/{maria.pk}/", {"diet": "paleo", "allergies": ""}, format="json")
    assert (unknown.status_code, unknown.json()["code"], list(unknown.json()["errors"])) == (400, "unknown_diet", ["diet"])
    control = org_client.put(f"/api/v1/diets/{maria.pk}/", {"diet": "", "allergies": "nuts\x07"}, format="json")
    assert (control.status_code, control.json()["code"]) == (400, "invalid_characters")
    rejected = guest(edition, "rejected@example.org", status="rejected")
    refused = org_client.put(f"/api/v1/diets/{rejected.pk}/", {"diet": "vegan"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_eligible")
    assert Registration.objects.get(pk=maria.pk).diet == ""


# -- shuttle loops ----------------------------------------------------------------------------------------------

def loop_body(edition, **overrides) -> dict:
    hotel = Hotel.objects.create(edition=edition, name_zh="乌镇大酒店", name_en="Wuzhen Grand Hotel")
    venue = VenueFactory()
    return {"edition": YEAR, "name_zh": "一号线", "name_en": "Line 1", "first_day": f"{YEAR}-11-10", "last_day": f"{YEAR}-11-11",
            "first_departure": "07:00", "last_departure": "08:00", "every_minutes": 30,
            "stops": [{"position": 1, "minutes": 0, "hotel": hotel.pk}, {"position": 2, "minutes": 15, "venue": venue.pk}], **overrides}


def test_loop_create_then_the_public_timetable(org_client, api_client, edition):
    response = org_client.post("/api/v1/shuttle-loops/", loop_body(edition), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.json()
    body = response.json()
    venue = Venue.objects.get(pk=body["stops"][1]["venue"])
    assert (body["name"], body["days"], body["last_departure"], [s["name"] for s in body["stops"]]) == (
        "Line 1", [f"{YEAR}-11-10", f"{YEAR}-11-11"], "08:00", ["Wuzhen Grand Hotel", venue.name_zh])
    assert [d["at"] for d in body["departures"]] == [f"{YEAR}-11-10T07:00:00+08:00", f"{YEAR}-11-10T07:30:00+08:00", f"{YEAR}-11-10T08:00:00+08:00"]
    assert body["departures"][0]["calls"] == [{"position": 1, "at": f"{YEAR}-11-10T07:00:00+08:00"}, {"position": 2, "at": f"{YEAR}-11-10T07:15:00+08:00"}]
    public = api_client.get(f"/api/v1/shuttle-loops/?edition={YEAR}")
    assert (public.status_code, [loop["id"] for loop in public.json()["results"]]) == (200, [body["id"]])
    assert api_client.get(f"/api/v1/shuttle-loops/{body['id']}/").json()["departures"] == body["departures"]
    missing = api_client.get("/api/v1/shuttle-loops/")
    assert (missing.status_code, missing.json()["code"], list(missing.json()["errors"])) == (400, "invalid", ["edition"])


def test_loop_refusals_and_permissions(org_client, attendee_client, api_client, edition):
    one_stop = loop_body(edition)
    one_stop["stops"] = one_stop["stops"][:1]
    refused = org_client.post("/api/v1/shuttle-loops/", one_stop, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "too_few_stops")
    every = org_client.post("/api/v1/shuttle-loops/", loop_body(edition, every_minutes=3), format="json")
    assert (every.status_code, every.json()["code"]) == (400, "invalid_interval")
    assert (attendee_client.post("/api/v1/shuttle-loops/", loop_body(edition), format="json").status_code,
            api_client.post("/api/v1/shuttle-loops/", loop_body(edition), format="json").status_code) == (403, 401)
    assert not ShuttleLoop.objects.exists()


# -- queries: constant in rows ----------------------------------------------------------------------------------

def guests(edition, rows: int) -> list:
    return [guest(edition, f"guest{n}@example.org", name=f"Guest {n}") for n in range(rows)]


@pytest.mark.parametrize("rows", [1, 10])
def test_letter_list_queries_are_constant(org_client, edition, rows, django_assert_num_queries):
    for registration in guests(edition, rows):
        letters.letter_request(registration, data=request_data())
    with django_assert_num_queries(4):  # the token with its user, the organizer role, the count, the page
        response = org_client.get("/api/v1/visa-letters/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_leg_and_run_lists_queries_are_constant(org_client, edition, rows, django_assert_num_queries):
    for n, registration in enumerate(guests(edition, rows)):
        arrival(registration, hour=8 + n, number=f"CA{1000 + n}")
    arrivals.plan_pickups(edition)
    with django_assert_num_queries(4):
        response = org_client.get("/api/v1/travel-legs/")
    assert response.json()["count"] == rows
    with django_assert_num_queries(5):  # ... the runs' page, their seats with guests and delegations
        response = org_client.get("/api/v1/pickup-runs/")
    assert sum(len(run["seats"]) for run in response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_stay_list_queries_are_constant(org_client, organizer, edition, rows, django_assert_num_queries):
    block = hotel_with_block(edition, rooms=10)
    for registration in guests(edition, rows):
        hotels.stay_allocate(block, registration, first_night=date(YEAR, 11, 9), last_night=date(YEAR, 11, 10), actor=organizer)
    with django_assert_num_queries(5):  # ... the count, the page, the roommates
        response = org_client.get("/api/v1/room-stays/")
    assert response.json()["count"] == rows
    with django_assert_num_queries(5):  # ... the count, the hotels' page, their blocks
        org_client.get("/api/v1/hotels/")


@pytest.mark.parametrize("rows", [1, 10])
def test_meal_and_diet_lists_queries_are_constant(org_client, edition, rows, django_assert_num_queries):
    guests(edition, rows)
    venue, block = VenueFactory(), hotel_with_block(edition)
    for n in range(rows):
        Meal.objects.create(edition=edition, day=START, kind="lunch", name_zh=f"午餐{n}", venue=venue)
        Meal.objects.create(edition=edition, day=START, kind="breakfast", name_zh=f"早餐{n}", hotel=block.hotel)
    with django_assert_num_queries(6):  # ... the count, the page, the guests, the hotel nights
        response = org_client.get("/api/v1/meals/")
    assert [m["count"]["total"] for m in response.json()["results"] if m["venue"]] == [rows] * rows
    with django_assert_num_queries(4):
        response = org_client.get(f"/api/v1/diets/?edition={YEAR}")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_shuttle_list_queries_are_constant(api_client, edition, rows, django_assert_num_queries):
    hotel = Hotel.objects.create(edition=edition, name_zh="乌镇大酒店")
    venue = VenueFactory()
    for n in range(rows):
        shuttles.loop_create(edition, name_zh=f"{n}号线", first_day=START, last_day=END, first_departure=time(7), last_departure=time(9),
                             every_minutes=30, stops=[{"position": 1, "minutes": 0, "hotel": hotel}, {"position": 2, "minutes": 10, "venue": venue}])
    with django_assert_num_queries(3):  # the edition, the loops, their stops with hotels and venues
        response = api_client.get(f"/api/v1/shuttle-loops/?edition={YEAR}")
    assert response.json()["count"] == rows
