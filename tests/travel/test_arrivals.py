"""Issue 24, arrivals and pickups (travel.arrivals): every refusal of a leg with its code, field and
status; the plan stored exactly as travel.pickups plans it (a delegation together, its head alone);
a delay re-planned with only the changed runs written and only the guests whose pickup changed
emailed; the manifest; the dashboard panel in two queries."""
from datetime import datetime, timedelta

import pytest
from django.utils import translation

from protocol import delegations
from tests.factories import EditionFactory
from tests.protocol.delegation_helpers import make_registration
from tests.travel.support import YEAR, edition, refused  # noqa: F401 (fixtures)
from travel import arrivals, pickups
from travel.models import PickupRun, PickupSeat, TravelLeg
from wic.display import BEIJING
from wic.models import OutgoingEmail

pytestmark = pytest.mark.django_db

T0 = datetime(YEAR, 11, 9, 10, 0, tzinfo=BEIJING)  # the day before the summit
NOW = datetime(YEAR, 11, 1, tzinfo=BEIJING)
XIAOSHAN, TONGXIANG = "hangzhou_xiaoshan", "tongxiang_station"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def arrive(registration, minutes=0, hub=XIAOSHAN, **fields):
    values = {"mode": "flight" if hub == XIAOSHAN else "train", "number": "CA1702" if hub == XIAOSHAN else "G7501", "hub": hub, "scheduled_at": at(minutes)}
    values.update(fields)
    return arrivals.leg_save(registration, direction="arrival", **values)


def leave(registration, when, **fields):
    return arrivals.leg_save(registration, direction="departure", **{"mode": "flight", "number": "MU5402", "hub": XIAOSHAN, "scheduled_at": when, **fields})


@pytest.fixture
def traveller(edition):
    return make_registration(edition, name="Maria Silva", language="en")


# -- leg_save -------------------------------------------------------------------------------------------

LEG = {"direction": "arrival", "mode": "flight", "number": "CA1702", "hub": XIAOSHAN, "scheduled_at": "2090-11-09T14:30"}


@pytest.mark.parametrize(("change", "expected"), [
    ({"direction": "sideways"}, ("unknown_direction", "direction", 400)),
    ({"mode": "boat"}, ("unknown_mode", "mode", 400)),
    ({"number": "  "}, ("number_required", "number", 400)),
    ({"number": "CA-1702"}, ("invalid_number", "number", 400)),
    ({"number": "X"}, ("invalid_number", "number", 400)),
    ({"hub": "beijing_capital"}, ("unknown_hub", "hub", 400)),
    ({"hub": TONGXIANG}, ("wrong_hub", "hub", 400)),  # a flight at a railway station
    ({"scheduled_at": "9 November, 2 pm"}, ("invalid_time", "scheduled_at", 400)),
    ({"scheduled_at": "2090-11-09"}, ("invalid_time", "scheduled_at", 400)),  # a day without a time
    ({"scheduled_at": datetime(YEAR, 11, 9, 14, 30)}, ("naive_time", "scheduled_at", 400)),
    ({"scheduled_at": "2090-11-02T23:59"}, ("out_of_range", "scheduled_at", 400)),  # 8 days before the first day
    ({"scheduled_at": "2090-11-20T00:00"}, ("out_of_range", "scheduled_at", 400)),  # 8 days after the last
    ({"seats": 0}, ("invalid_seats", "seats", 400)),
    ({"seats": "10"}, ("invalid_seats", "seats", 400)),
    ({"seats": True}, ("invalid_seats", "seats", 400)),
])
def test_a_leg_is_refused_with_its_code_and_field_and_nothing_is_saved(traveller, change, expected):
    assert refused(lambda: arrivals.leg_save(traveller, **{**LEG, **change})) == expected
    assert not TravelLeg.objects.exists()


def test_who_may_give_a_leg_and_in_what_order(edition, traveller):
    pending = make_registration(edition, status="pending")
    online = make_registration(edition)
    online.participation = "online"
    online.save(update_fields=["participation"])
    for registration in (pending, online):  # an online guest does not travel to Wuzhen
        assert refused(lambda: arrivals.leg_save(registration, **LEG)) == ("not_eligible", "registration", 409)
    no_dates = EditionFactory(year=YEAR + 1, start_date=None, end_date=None)
    assert refused(lambda: arrivals.leg_save(make_registration(no_dates), **LEG)) == ("edition_has_no_dates", "scheduled_at", 409)

    leave(traveller, "2090-11-12T18:00+08:00")
    assert refused(lambda: arrive(traveller, scheduled_at="2090-11-12T18:05")) == ("arrival_after_departure", "scheduled_at", 400)
    arrival = arrive(traveller, number="ca 1702", scheduled_at="2090-11-03T06:00Z")  # 7 days before, in UTC: 14:00 in Beijing
    assert (arrival.number, arrival.scheduled_at, arrival.needs_pickup) == ("CA1702", datetime(YEAR, 11, 3, 14, 0, tzinfo=BEIJING), True)
    assert refused(lambda: leave(traveller, "2090-11-03T13:59")) == ("arrival_after_departure", "scheduled_at", 400)
    by_car = arrive(traveller, mode="car", number="ZJ A12345", hub=TONGXIANG, scheduled_at="2090-11-09 09:00")  # the same leg, replaced
    assert (by_car.pk, by_car.number, by_car.needs_pickup, by_car.scheduled_at) == (arrival.pk, "", False, at(-60))
    assert TravelLeg.objects.filter(registration=traveller).count() == 2


# -- planning ---------------------------------------------------------------------------------------------


def layout(runs) -> list[tuple]:
    return [(r.number, r.hub, r.departs_at, r.vehicle, r.capacity, r.vip, sorted(r.seats.values_list("leg_id", flat=True))) for r in runs]


def test_the_stored_runs_are_exactly_the_planners_and_a_delegation_rides_together(edition):
    head, *members = (make_registration(edition, name=f"Delegate {n}") for n in range(4))
    delegation = delegations.delegation_save(edition=edition, name_zh="巴西政府代表团", kind="government", languages=["en"], head=head)
    for member in members:
        delegations.member_add(delegation, member)
    alone = [make_registration(edition, name=f"Guest {n}") for n in range(5)]
    legs = [arrive(head, 0)] + [arrive(m, 5 + 15 * n) for n, m in enumerate(members)]  # 5, 20, 35 minutes
    legs += [arrive(alone[0], 10), arrive(alone[1], 12, seats=2), arrive(alone[2], 30, hub=TONGXIANG), arrive(alone[3], 200)]
    arrive(alone[4], 15, needs_pickup=False)  # no car: not planned
    leave(alone[0], at(3000))  # departures are not planned
    runs = arrivals.plan_pickups(edition, now=NOW)

    delegation_pk = delegation.pk
    expected = pickups.plan([
        pickups.Arrival(leg.pk, leg.hub, leg.scheduled_at, party=delegation_pk if leg.registration in members else None, vip=leg.registration == head, seats=leg.seats)
        for leg in sorted(legs, key=lambda leg: leg.pk)
    ], arrivals.DEFAULT_VEHICLES)
    assert layout(PickupRun.objects.filter(edition=edition).order_by("number")) == [
        (r.id, r.hub, r.departs_at, r.vehicle.name, r.vehicle.capacity, r.vip, sorted(r.arrivals)) for r in expected.runs
    ]
    assert [r.number for r in runs] == [r.id for r in expected.runs]
    assert sorted(PickupSeat.objects.values_list("leg_id", flat=True)) == sorted(leg.pk for leg in legs)  # each arrival in one run
    member_runs = {PickupSeat.objects.get(leg__registration=m).run_id for m in members}
    head_run = PickupSeat.objects.get(leg__registration=head).run
    assert len(member_runs) == 1 and head_run.pk not in member_runs
    assert (head_run.vip, head_run.vehicle, head_run.seats.count(), head_run.departs_at) == (True, "car", 1, at(0))

    # Planned again, the runs are replaced; once someone has boarded, never again.
    assert len(arrivals.plan_pickups(edition, now=NOW)) == len(runs) and PickupRun.objects.count() == len(runs)
    PickupSeat.objects.filter(leg=legs[0]).update(boarded_at=at(1))
    assert refused(lambda: arrivals.plan_pickups(edition, now=NOW)) == ("plan_started", "edition", 409)
    assert refused(lambda: arrivals.report_delay(TravelLeg.objects.get(pk=legs[0].pk), at(30))) == ("already_boarded", "delayed_to", 409)


def test_a_delay_rewrites_only_the_changed_runs_and_emails_only_the_guests_whose_pickup_changed(edition):
    a, b, c, d = (make_registration(edition, name=f"Guest {x.upper()}", email=f"{x}@example.org", language="en") for x in "abcd")
    legs = {g: arrive(g, minutes) for g, minutes in ((a, 0), (b, 10), (c, 120), (d, 140))}
    leave(b, at(2000))
    arrivals.plan_pickups(edition, now=NOW)
    before = {r.number: (r.pk, r.departs_at, r.vehicle) for r in PickupRun.objects.all()}
    assert before == {1: (before[1][0], at(10), "car"), 2: (before[2][0], at(140), "car")}  # A and B, then C and D
    assert refused(lambda: arrivals.report_delay(legs[b], at(2001))) == ("arrival_after_departure", "delayed_to", 400)
    assert refused(lambda: arrivals.report_delay(TravelLeg.objects.get(registration=b, direction="departure"), at(130))) == ("not_an_arrival", "direction", 400)
    assert refused(lambda: arrivals.report_delay(legs[b], "soon")) == ("invalid_time", "delayed_to", 400)
    assert refused(lambda: arrive(a, 5)) == ("pickup_planned", "scheduled_at", 409)  # planned: a new time is a delay to report
    assert arrive(a, 0, number="CA 1703").number == "CA1703"  # a typo in the number may still be fixed
    late = make_registration(edition)
    assert refused(lambda: arrivals.report_delay(arrive(late, 30), at(40))) == ("not_planned", "delayed_to", 409)  # came after the plan

    told = arrivals.report_delay(legs[b], at(130), now=NOW)  # B lands 2 hours later: into C and D's car, which leaves at 12:20 anyway

    assert told == [a, b]  # A's car now leaves at 10:00, without waiting for B; C and D: same run, same time, same car
    after = {r.number: (r.pk, r.departs_at, r.vehicle) for r in PickupRun.objects.all()}
    assert after == {1: (before[1][0], at(0), "car"), 2: (before[2][0], at(140), "car")}  # the runs keep their numbers and rows
    assert sorted(PickupRun.objects.get(number=2).seats.values_list("leg__registration__name", flat=True)) == ["Guest B", "Guest C", "Guest D"]
    assert TravelLeg.objects.get(pk=legs[b].pk).delayed_to == at(130)
    emails = list(OutgoingEmail.objects.filter(event="travel.pickup-changed").order_by("to"))
    assert [e.to for e in emails] == [["a@example.org"], ["b@example.org"]]
    body = emails[1].body_text
    assert emails[1].subject.startswith("Your pickup has changed: run 2 / ")  # then in Chinese
    for text in ("Dear Guest B,", "Run: 2", "Airport or station: Hangzhou Xiaoshan International Airport", "Departs (Beijing time): 2090-11-09 12:20",
                 "Vehicle: Car", "Meeting point: Arrivals hall exit, at the World Internet Conference welcome desk",
                 "———— 简体中文 ————", f"/editions/{YEAR}/registration/{b.token}/"):
        assert text in body, text
    assert arrivals.report_delay(legs[b], at(130)) == []  # the same time again: nothing changes, nobody is told


def test_the_manifest_and_the_panel(edition, django_assert_num_queries):
    guest = make_registration(edition, name="Maria Silva", name_zh="玛丽亚")
    arrive(guest, 0, number="ca1702", seats=2)
    arrive(make_registration(edition, name="Wang Wei"), 70, hub=TONGXIANG)
    arrive(make_registration(edition, name="Li Na"), 75, hub=TONGXIANG, mode="car")
    run = arrivals.plan_pickups(edition, now=NOW)[0]
    with translation.override("en"):
        lines = arrivals.manifest_csv(run).splitlines()
    assert lines == [
        "Run,Airport or station,Departs (Beijing time),Vehicle,Reference,Name,Flight or train,Arrives (Beijing time),Seats,Delegation,VIP,Phone",
        f"1,Hangzhou Xiaoshan International Airport,2090-11-09 10:00,Car,{guest.reference},Maria Silva · 玛丽亚,CA1702,2090-11-09 10:00,2,,,",
    ]
    assert arrivals.manifest_pdf(run).startswith(b"%PDF")
    PickupSeat.objects.filter(run=run).update(boarded_at=at(5))

    with django_assert_num_queries(2), translation.override("en"):
        panel = arrivals.arrivals_panel(edition)
    with translation.override("en"):  # the hubs' names are lazy: read in the language of the page
        assert panel.hubs == ((XIAOSHAN, "Hangzhou Xiaoshan International Airport"), (TONGXIANG, "Tongxiang Railway Station"))
    assert [(r.hour, r.counts, r.total) for r in panel.rows] == [(at(0), (1, 0), 1), (at(60), (0, 1), 1)]
    assert (panel.arrivals, panel.runs, panel.runs_boarded, panel.planned, panel.boarded, panel.unplanned) == (2, 2, 1, 2, 1, 0)


def test_a_time_before_the_request_is_refused_and_an_unchanged_one_kept(traveller):
    later = datetime(YEAR, 11, 9, 15, 0, tzinfo=BEIJING)
    assert refused(lambda: arrivals.leg_save(traveller, **LEG, now=later)) == ("time_passed", "scheduled_at", 400)
    assert not TravelLeg.objects.filter(registration=traveller).exists()
    leg = arrivals.leg_save(traveller, **LEG, now=NOW)
    # Once it has passed, the guest may still fix the number of the journey made, not give it anew at another past time.
    assert arrivals.leg_save(traveller, **{**LEG, "number": "CA1704"}, now=later).number == "CA1704"
    assert refused(lambda: arrivals.leg_save(traveller, **{**LEG, "scheduled_at": "2090-11-09T14:00"}, now=later)) == ("time_passed", "scheduled_at", 400)
    assert TravelLeg.objects.get(pk=leg.pk).scheduled_at == datetime(YEAR, 11, 9, 14, 30, tzinfo=BEIJING)
