"""Issue 24, arrivals and pickups on the pages: the guest's section and travel page at the private
link (refusals beside their fields with data-code, nothing saved; the pickup once planned; a delay
reported), and the organizers' admin (lists in a constant number of queries, planning, the
manifests, the dashboard panel)."""
import re
from datetime import datetime

import pytest

from tests.protocol.delegation_helpers import make_registration
from tests.travel.support import YEAR, edition, organizer  # noqa: F401 (fixtures)
from travel import arrivals
from travel.models import PickupRun, PickupSeat, TravelLeg
from wic.display import BEIJING

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PRIVATE = ("private, no-store", "same-origin", "noindex")
NOW = datetime(YEAR, 11, 1, tzinfo=BEIJING)


def page_url(registration) -> str:
    return f"/editions/{YEAR}/registration/{registration.token}/"


def headers(response) -> tuple:
    return response["Cache-Control"], response["Referrer-Policy"], response["X-Robots-Tag"]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(client, registration) -> str:
    html = client.get(page_url(registration), **EN).content.decode()
    return re.search(r'<section class="arrivals".*?</section>', html, re.S).group(0)


def field_errors(html: str) -> list[tuple[str, str, str]]:
    """(field name, code, sentence) of each field marked in error."""
    found = []
    for block in re.findall(r'<p class="field[a-z ]* has-error">(.*?)</p>', html, re.S):
        name = re.search(r'name="([a-z_-]+)"', block).group(1)
        code, sentence = re.search(r'<span class="error" role="alert" data-code="([a-z_]+)">(.*?)</span>', block, re.S).groups()
        found.append((name, code, sentence))
    return found


def arrival_post(**overrides) -> dict:
    data = {"form": "arrival", "arrival-mode": "flight", "arrival-number": "ca 1702", "arrival-hub": "hangzhou_xiaoshan",
            "arrival-date": f"{YEAR}-11-09", "arrival-time": "14:30", "arrival-seats": "1", "arrival-needs_pickup": "on"}
    data.update(overrides)
    return data


def test_the_guest_gives_their_arrival_sees_their_pickup_and_reports_a_delay(client, edition):
    pending = make_registration(edition, status="pending")
    shown = section(client, pending)
    assert 'data-code="not_eligible"' in shown and "once your registration to attend in Wuzhen is approved" in shown
    response = client.post(f"{page_url(pending)}travel/", arrival_post(), **EN)
    assert response.status_code == 200 and 'data-code="not_eligible"' in response.content.decode()  # the sentence instead of the form
    assert not TravelLeg.objects.exists()
    assert client.get(f"/editions/{YEAR}/registration/not-a-token/travel/", **EN).status_code == 404

    guest = make_registration(edition, name="Maria Silva")
    travel = f"{page_url(guest)}travel/"
    assert text_of(section(client, guest)).startswith("Arrival and pickup Arrival Not given yet Departure Not given yet")
    assert f'href="{travel}"' in section(client, guest)
    response = client.get(travel, **EN)
    assert response.status_code == 200 and headers(response) == PRIVATE
    assert 'name="arrival-hub"' in response.content.decode() and 'type="time"' in response.content.decode()

    # A refusal beside its field, what was typed kept, nothing saved.
    response = client.post(travel, arrival_post(**{"arrival-number": "C@1702"}), **EN)
    body = response.content.decode()
    assert (response.status_code, headers(response)) == (400, PRIVATE)
    assert field_errors(body) == [("arrival-number", "invalid_number", "Enter the flight or train number as printed on the ticket: 2 to 16 Latin letters and digits.")]
    assert 'value="C@1702"' in body and not TravelLeg.objects.exists()

    response = client.post(travel, arrival_post(), **EN)
    assert (response.status_code, response["Location"]) == (303, f"{travel}?saved=arrival")
    leg = TravelLeg.objects.get(registration=guest)
    assert (leg.number, leg.scheduled_at, leg.needs_pickup) == ("CA1702", datetime(YEAR, 11, 9, 14, 30, tzinfo=BEIJING), True)
    assert 'data-saved="arrival"' in client.get(f"{travel}?saved=arrival", **EN).content.decode()
    response = client.post(travel, {"form": "departure", "departure-mode": "train", "departure-number": "G7502", "departure-hub": "tongxiang_station",
                                    "departure-date": f"{YEAR}-11-09", "departure-time": "09:00", "departure-seats": "1"}, **EN)
    assert response.status_code == 400 and [e[:2] for e in field_errors(response.content.decode())] == [("departure-date", "arrival_after_departure")]

    # Once planned: the pickup in the section and on the page, and a delay reported there.
    arrivals.plan_pickups(edition, now=NOW)
    assert text_of(section(client, guest)) == (
        "Arrival and pickup Arrival CA1702 · Hangzhou Xiaoshan International Airport · 2090-11-09 14:30 Departure Not given yet "
        "Your pickup Run 1 Departs (Beijing time) 2090-11-09 14:30 Airport or station Hangzhou Xiaoshan International Airport Vehicle Car "
        "Meeting point Arrivals hall exit, at the World Internet Conference welcome desk Report a delay or change your departure"
    )
    body = client.get(travel, **EN).content.decode()
    assert 'name="delay-date"' in body and 'name="arrival-hub"' not in body  # the arrival itself is the secretariat's to change now
    response = client.post(travel, {"form": "delay", "delay-date": f"{YEAR}-11-09", "delay-time": "23:59"}, **EN)
    assert response.status_code == 303
    run = PickupRun.objects.get()
    assert (TravelLeg.objects.get(pk=leg.pk).delayed_to, run.number, run.departs_at) == ((at := datetime(YEAR, 11, 9, 23, 59, tzinfo=BEIJING)), 1, at)
    response = client.post(travel, {"form": "delay", "delay-date": "", "delay-time": ""}, **EN)
    assert [e[:2] for e in field_errors(response.content.decode())] == [("delay-date", "invalid_time")]


# -- the organizers' side ------------------------------------------------------------------------------

LEGS_URL, RUNS_URL = "/admin/travel/travelleg/", "/admin/travel/pickuprun/"


@pytest.fixture
def admin(client, organizer):
    client.force_login(organizer)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("count", [1, 20])
def test_the_lists_take_a_constant_number_of_queries(admin, edition, count, django_assert_num_queries):
    for n in range(count):
        arrivals.leg_save(make_registration(edition, name=f"Guest {n}"), direction="arrival", mode="flight", number=f"CA{1000 + n}",
                          hub="hangzhou_xiaoshan", scheduled_at=f"{YEAR}-11-0{8 + n % 2}T{(6 + n) % 24:02d}:00")
    arrivals.plan_pickups(edition, now=NOW)
    with django_assert_num_queries(9):  # session, user, permissions (2), the days and the edition filters, 2 counts, the page
        body = admin.get(LEGS_URL).content.decode()
    assert body.count('class="action-checkbox"') == count and "CA1000" in body and "Guest 0 (" in body
    assert admin.get(f"{LEGS_URL}?day={YEAR}-11-08").content.decode().count('class="action-checkbox"') == (count + 1) // 2
    with django_assert_num_queries(8):  # session, user, permissions (2), the edition filter, 2 counts, the page
        body = admin.get(RUNS_URL).content.decode()
    assert body.count('data-manifest="csv"') == PickupRun.objects.count() and 'data-link="plan"' in body


def test_the_organizers_plan_download_the_manifests_and_see_the_panel(admin, edition):
    guest = make_registration(edition, name="Maria Silva")
    arrivals.leg_save(guest, direction="arrival", mode="flight", number="CA1702", hub="hangzhou_xiaoshan", scheduled_at=f"{YEAR}-11-09T10:00")
    response = admin.post(f"{RUNS_URL}plan/", {"edition": edition.pk})
    assert (response.status_code, response["Location"]) == (302, f"{RUNS_URL}?edition__id__exact={edition.pk}")
    run = PickupRun.objects.get()
    csv = admin.get(f"{RUNS_URL}{run.pk}/manifest.csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8" and f"1,Hangzhou Xiaoshan International Airport,{YEAR}-11-09 10:00,Car,{guest.reference},Maria Silva" in csv.content.decode()
    pdf = admin.get(f"{RUNS_URL}{run.pk}/manifest.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    PickupSeat.objects.update(boarded_at=datetime(YEAR, 11, 9, 10, 5, tzinfo=BEIJING))
    response = admin.post(f"{RUNS_URL}plan/", {"edition": edition.pk})
    assert response.status_code == 200 and 'data-code="plan_started"' in response.content.decode()

    # An organizer's correction goes through the same checks.
    leg = TravelLeg.objects.get()
    response = admin.post(f"{LEGS_URL}{leg.pk}/change/", {
        "mode": "flight", "number": "C@", "hub": "hangzhou_xiaoshan", "scheduled_at_0": f"{YEAR}-11-09", "scheduled_at_1": "10:00:00", "seats": "1", "needs_pickup": "on",
    })
    assert response.status_code == 200
    assert [(name, [e.code for e in errors]) for name, errors in response.context["adminform"].form.errors.as_data().items()] == [("number", ["invalid_number"])]

    body = admin.get(f"/admin/dashboard/{YEAR}/", **EN).content.decode()
    assert 'id="panel-arrivals"' in body and 'data-figure="runs">1<' in body and 'data-figure="guests-boarded">1<' in body
