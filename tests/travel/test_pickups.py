"""Pickup planner (issue 24, travel.pickups): exact examples of plan(), the re-plan after a delay,
the manifests and the refusals. Pure Python: no database. The hypothesis invariants are in
test_pickups_props.py."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from travel.pickups import (
    MANIFEST_COLUMNS,
    Arrival,
    PlanningError,
    Vehicle,
    changed_pickups,
    changed_runs,
    manifest_csv,
    manifest_rows,
    plan,
    replan_delay,
    replan_delays,
)

BEIJING = ZoneInfo("Asia/Shanghai")
XIAOSHAN, HONGQIAO, TONGXIANG = "杭州萧山国际机场", "上海虹桥国际机场", "桐乡站"
VEHICLES = [("car", 3), ("van", 7), ("bus", 40)]
T0 = datetime(2090, 11, 9, 10, 0, tzinfo=BEIJING)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def arrival(key, minutes=0, hub=XIAOSHAN, **kwargs) -> Arrival:
    return Arrival(key, hub, at(minutes), **kwargs)


def layout(p) -> list[tuple]:
    """The runs as (number, hub, departure minute after T0, vehicle, keys, vip)."""
    return [(r.id, r.hub, int((r.departs_at - T0).total_seconds() // 60), r.vehicle.name, r.arrivals, r.vip) for r in p.runs]


def refused(call) -> tuple[str, str]:
    with pytest.raises(PlanningError) as error:
        call()
    assert isinstance(error.value, ValueError)
    return error.value.code, str(error.value)


# -- plan ------------------------------------------------------------------------------------------


def test_two_arrivals_30_minutes_apart_share_a_run_departing_at_the_later():
    p = plan([arrival("a", 0), arrival("b", 30)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 30, "car", ("a", "b"), False)]
    assert p.runs[0].wait == timedelta(minutes=30)
    assert p.run_of == {"a": 0, "b": 0}
    assert p.pickup("a") == (1, at(30), "car")


def test_two_arrivals_50_minutes_apart_do_not():
    p = plan([arrival("a", 0), arrival("b", 50)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 0, "car", ("a",), False), (2, XIAOSHAN, 50, "car", ("b",), False)]
    assert [r.wait for r in p.runs] == [timedelta(0), timedelta(0)]


def test_the_wait_limit_counts_from_the_earliest_arrival_of_the_run_and_45_minutes_is_allowed():
    p = plan([arrival("a", 0), arrival("b", 20), arrival("c", 45), arrival("d", 46)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 45, "car", ("a", "b", "c"), False), (2, XIAOSHAN, 46, "car", ("d",), False)]
    p = plan([arrival("a", 0), arrival("b", 30)], VEHICLES, max_wait=timedelta(minutes=20))
    assert [r.arrivals for r in p.runs] == [("a",), ("b",)]
    assert p.max_wait == timedelta(minutes=20)


def test_the_smallest_vehicle_that_holds_the_seats_and_a_full_vehicle_closes_the_run():
    singles = [arrival(f"g{n}", n) for n in range(9)]
    p = plan(singles, [("bus", 40), ("van", 7), Vehicle("car", 3)])  # any order; Vehicle or pairs
    assert [v.name for v in p.vehicles] == ["car", "van", "bus"]
    p = plan(singles, [("car", 3), ("van", 7)])
    assert layout(p) == [(1, XIAOSHAN, 6, "van", ("g0", "g1", "g2", "g3", "g4", "g5", "g6"), False), (2, XIAOSHAN, 8, "car", ("g7", "g8"), False)]
    p = plan([arrival("a", 0, seats=2), arrival("b", 5)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 5, "car", ("a", "b"), False)]
    assert p.runs[0].seats == 3


def test_nine_arrivals_in_one_bus():
    p = plan([arrival(f"g{n}", n) for n in range(9)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 8, "bus", tuple(f"g{n}" for n in range(9)), False)]


def test_a_vip_rides_alone_leaving_when_they_arrive():
    p = plan([arrival("a", 0), arrival("minister", 10, vip=True), arrival("b", 20)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 10, "car", ("minister",), True), (2, XIAOSHAN, 20, "car", ("a", "b"), False)]
    assert p.runs[0].wait == timedelta(0)


def test_a_delegation_head_rides_alone_and_the_delegation_together():
    members = [arrival("head", 0, party="FR", vip=True)] + [arrival(f"fr{n}", 0, party="FR") for n in range(4)]
    p = plan(members + [arrival("x", 5)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 0, "car", ("head",), True), (2, XIAOSHAN, 5, "van", ("fr0", "fr1", "fr2", "fr3", "x"), False)]


def test_a_delegation_of_five_is_kept_together_in_a_van_even_when_a_run_has_room_for_part_of_it():
    vehicles = [("car", 3), ("van", 7)]
    singles = [arrival(f"s{n}", 0) for n in range(3)]
    delegation = [arrival(f"br{n}", 10, party="BR") for n in range(5)]
    p = plan(singles + delegation, vehicles)
    assert layout(p) == [(1, XIAOSHAN, 0, "car", ("s0", "s1", "s2"), False), (2, XIAOSHAN, 10, "van", ("br0", "br1", "br2", "br3", "br4"), False)]


def test_a_party_larger_than_the_bus_is_split_in_two_in_arrival_order_and_the_rest_rides_with_others():
    delegation = [arrival(f"d{n:02d}", n // 10, party="CN") for n in range(45)]
    p = plan(delegation + [arrival("late", 20)], VEHICLES)
    assert layout(p) == [
        (1, XIAOSHAN, 3, "bus", tuple(f"d{n:02d}" for n in range(40)), False),
        (2, XIAOSHAN, 20, "van", tuple(f"d{n:02d}" for n in range(40, 45)) + ("late",), False),
    ]


def test_a_party_on_two_flights_rides_in_two_groups_each_together():
    p = plan([arrival("p1", 0, party="KE"), arrival("p2", 30, party="KE"), arrival("p3", 120, party="KE"), arrival("p4", 130, party="KE")], VEHICLES)
    assert [r.arrivals for r in p.runs] == [("p1", "p2"), ("p3", "p4")]
    # A group is counted from its first member: 0, 40 and 80 minutes are two groups, not one chain.
    p = plan([arrival("p1", 0, party="KE"), arrival("p2", 40, party="KE"), arrival("p3", 80, party="KE")], VEHICLES)
    assert [r.arrivals for r in p.runs] == [("p1", "p2"), ("p3",)]


def test_a_party_at_two_hubs_rides_from_each_and_runs_are_sorted_by_hub_then_time():
    p = plan([
        arrival("t", 0, hub=TONGXIANG), arrival("h2", 90, hub=HONGQIAO, party="DE"), arrival("h1", 0, hub=HONGQIAO, party="DE"),
        arrival("x", 0, party="DE"),
    ], VEHICLES)
    assert layout(p) == [
        (1, HONGQIAO, 0, "car", ("h1",), False), (2, HONGQIAO, 90, "car", ("h2",), False),
        (3, XIAOSHAN, 0, "car", ("x",), False), (4, TONGXIANG, 0, "car", ("t",), False),
    ]


def test_ties_go_by_input_order_and_other_time_zones_are_the_same_instant():
    utc = [Arrival("b", XIAOSHAN, datetime(2090, 11, 9, 2, 0, tzinfo=timezone.utc)), arrival("a", 0), arrival("c", 0)]
    p = plan(utc, [("car", 2)])
    assert [r.arrivals for r in p.runs] == [("b", "a"), ("c",)]
    assert plan([], VEHICLES).runs == ()


# -- re-plan ---------------------------------------------------------------------------------------


def test_a_delay_past_the_wait_limit_gives_a_car_of_its_own_and_tells_those_whose_departure_moved():
    p = plan([arrival("a", 0), arrival("b", 20), arrival("c", 30), arrival("d", 90)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 30, "car", ("a", "b", "c"), False), (2, XIAOSHAN, 90, "car", ("d",), False)]
    new, changed = replan_delay(p, "c", at(100))
    # c could join d's run, but d would leave 10 minutes later: a car of c's own tells nobody more.
    assert layout(new) == [(1, XIAOSHAN, 20, "car", ("a", "b"), False), (2, XIAOSHAN, 90, "car", ("d",), False), (3, XIAOSHAN, 100, "car", ("c",), False)]
    assert changed == {"a", "b", "c"}  # a and b now leave at 10:20, not 10:30
    assert changed_pickups(p, new) == changed
    assert changed_runs(p, new) == {1, 3}
    assert new.arrivals["c"].at == at(100) and p.arrivals["c"].at == at(30)  # the old plan is unchanged


def test_a_delayed_guest_joins_a_run_that_leaves_later_anyway_and_only_they_are_told():
    p = plan([arrival("e", -60), arrival("a", 0), arrival("b", 40), arrival("c", 60), arrival("d", 90)], VEHICLES)
    assert layout(p) == [
        (1, XIAOSHAN, -60, "car", ("e",), False), (2, XIAOSHAN, 40, "car", ("a", "b"), False), (3, XIAOSHAN, 90, "car", ("c", "d"), False),
    ]
    new, changed = replan_delay(p, "e", at(70))
    assert layout(new) == [(2, XIAOSHAN, 40, "car", ("a", "b"), False), (3, XIAOSHAN, 90, "car", ("c", "e", "d"), False)]
    assert changed == {"e"}
    assert changed_runs(p, new) == {1, 3}  # e's run is gone; c and d's driver gets a new manifest


def test_a_delay_that_keeps_the_pickup_tells_nobody_and_a_lone_guest_keeps_their_run_number():
    p = plan([arrival("a", 0), arrival("b", 40), arrival("z", 300)], VEHICLES)
    new, changed = replan_delay(p, "a", at(10))
    assert layout(new) == layout(p) and changed == frozenset()
    assert changed_runs(p, new) == {1}  # a's arrival time on the manifest
    new, changed = replan_delay(p, "z", at(400))  # alone: "your car, 100 minutes later"
    assert layout(new)[-1] == (2, XIAOSHAN, 400, "car", ("z",), False)
    assert changed == {"z"}
    same, changed = replan_delay(p, "a", at(0))
    assert same is p and changed == frozenset()


def test_a_delay_that_moves_a_run_earlier_or_changes_its_vehicle_tells_its_guests():
    p = plan([arrival("a", 0), arrival("b", 40)], VEHICLES)
    new, changed = replan_delay(p, "b", at(35))  # early: a's car now leaves at 10:35
    assert layout(new) == [(1, XIAOSHAN, 35, "car", ("a", "b"), False)]
    assert changed == {"a", "b"}
    p = plan([arrival("s", 10), arrival("p1", 0, party="IT"), arrival("p2", 0, party="IT"), arrival("p3", 0, party="IT")], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 10, "van", ("p1", "p2", "p3", "s"), False)]
    new, changed = replan_delay(p, "p3", at(180))  # p3's flight is late: the rest no longer need a van
    assert layout(new) == [(1, XIAOSHAN, 10, "car", ("p1", "p2", "s"), False), (2, XIAOSHAN, 180, "car", ("p3",), False)]
    assert changed == {"s", "p1", "p2", "p3"}


def test_a_delayed_flight_moves_its_delegation_together():
    p = plan([arrival(f"p{n}", 0, party="JP") for n in range(4)] + [arrival("s", 10)], VEHICLES)
    assert layout(p) == [(1, XIAOSHAN, 10, "van", ("p0", "p1", "p2", "p3", "s"), False)]
    new, changed = replan_delays(p, {f"p{n}": at(200) for n in range(4)})
    assert layout(new) == [(1, XIAOSHAN, 10, "car", ("s",), False), (2, XIAOSHAN, 200, "van", ("p0", "p1", "p2", "p3"), False)]
    assert changed == {"s", "p0", "p1", "p2", "p3"}


def test_a_vip_delay_keeps_their_car_and_the_other_hubs_are_untouched():
    p = plan([arrival("vip", 0, vip=True), arrival("a", 0), arrival("h", 0, hub=HONGQIAO)], VEHICLES)
    assert layout(p) == [(1, HONGQIAO, 0, "car", ("h",), False), (2, XIAOSHAN, 0, "car", ("vip",), True), (3, XIAOSHAN, 0, "car", ("a",), False)]
    new, changed = replan_delay(p, "vip", at(20))
    assert layout(new) == [(1, HONGQIAO, 0, "car", ("h",), False), (3, XIAOSHAN, 0, "car", ("a",), False), (2, XIAOSHAN, 20, "car", ("vip",), True)]
    assert changed == {"vip"}
    assert new.runs[0] is p.runs[0]


# -- manifests -------------------------------------------------------------------------------------


def test_manifest_rows_and_csv_in_beijing_time_with_no_formula():
    p = plan([
        Arrival("a", XIAOSHAN, datetime(2090, 11, 9, 2, 0, tzinfo=timezone.utc), party="FR"),
        arrival("b", 20, seats=2),
        arrival("v", 0, vip=True),
    ], VEHICLES)
    lookup = {"a": {"name": "Maria Silva", "number": "CA1701", "phone": "+33 1 23"}, "b": {"name": "=HYPERLINK(1)", "number": "G7301"}}
    assert manifest_rows(p, 1, lookup) == [
        ("2", XIAOSHAN, "2090-11-09 10:20", "car", "a", "Maria Silva", "CA1701", "2090-11-09 10:00", "1", "FR", "", "+33 1 23"),
        ("2", XIAOSHAN, "2090-11-09 10:20", "car", "b", "=HYPERLINK(1)", "G7301", "2090-11-09 10:20", "2", "", "", ""),
    ]
    assert manifest_rows(p, 0, lookup.get) == [("1", XIAOSHAN, "2090-11-09 10:00", "car", "v", "", "", "2090-11-09 10:00", "1", "", "VIP", "")]
    assert manifest_csv(p, lookup).splitlines() == [
        ",".join(MANIFEST_COLUMNS),
        "1,杭州萧山国际机场,2090-11-09 10:00,car,v,,,2090-11-09 10:00,1,,VIP,",
        "2,杭州萧山国际机场,2090-11-09 10:20,car,a,Maria Silva,CA1701,2090-11-09 10:00,1,FR,,'+33 1 23",  # as wic.admin_export
        "2,杭州萧山国际机场,2090-11-09 10:20,car,b,'=HYPERLINK(1),G7301,2090-11-09 10:20,2,,,",
    ]
    assert manifest_csv(p, header=None).splitlines()[0].startswith("1,")


# -- refusals --------------------------------------------------------------------------------------


def test_refusals():
    ok = [arrival("a", 0)]
    assert refused(lambda: plan(ok, [])) == ("no_vehicles", "Give at least one vehicle kind (name, capacity).")
    assert refused(lambda: plan(ok, [("car", 0)]))[0] == "bad_vehicle"
    assert refused(lambda: plan(ok, [("car", 3), ("", 7)]))[1] == "Vehicle kind 2 must be (name, capacity) with a name and a capacity of 1 or more: ('', 7)."
    assert refused(lambda: plan(ok, [("car", True)]))[0] == "bad_vehicle"
    assert refused(lambda: plan(ok, ["car"]))[0] == "bad_vehicle"
    assert refused(lambda: plan(ok, [("car", 3), ("car", 4)])) == ("vehicle_twice", "Vehicle kind 'car' is given twice.")
    assert refused(lambda: plan(ok, VEHICLES, max_wait=timedelta(minutes=-1)))[0] == "bad_max_wait"
    assert refused(lambda: plan(ok, VEHICLES, max_wait=45))[0] == "bad_max_wait"
    assert refused(lambda: plan([("a", XIAOSHAN, T0)], VEHICLES))[0] == "bad_arrival"
    assert refused(lambda: plan([Arrival(["a"], XIAOSHAN, T0)], VEHICLES))[0] == "bad_arrival"
    assert refused(lambda: plan(ok + ok, VEHICLES)) == ("arrival_twice", "Arrival 'a' is given twice.")
    assert refused(lambda: plan([Arrival("a", "  ", T0)], VEHICLES)) == ("no_hub", "Arrival 'a' has no hub.")
    assert refused(lambda: plan([Arrival("a", None, T0)], VEHICLES))[0] == "no_hub"
    assert refused(lambda: plan([Arrival("a", "萧山", T0)], VEHICLES, hubs=[XIAOSHAN, HONGQIAO])) == (
        "unknown_hub", f"Arrival 'a' is at '萧山', which is not one of the hubs: {XIAOSHAN}, {HONGQIAO}.",
    )
    assert refused(lambda: plan([Arrival("a", XIAOSHAN, datetime(2090, 11, 9, 10, 0))], VEHICLES)) == (
        "naive_time", "Arrival 'a' at 2090-11-09 10:00:00 has no time zone.",
    )
    assert refused(lambda: plan([Arrival("a", XIAOSHAN, T0, seats=0)], VEHICLES)) == ("bad_seats", "Arrival 'a' needs 0 seats: a guest takes 1 seat or more.")
    assert refused(lambda: plan([Arrival("a", XIAOSHAN, T0, seats=1.5)], VEHICLES))[0] == "bad_seats"
    assert refused(lambda: plan([Arrival("a", XIAOSHAN, T0, seats=50)], VEHICLES)) == (
        "too_many_seats", "Arrival 'a' needs 50 seats, more than the largest vehicle (bus, 40).",
    )
    p = plan(ok, VEHICLES, hubs=[XIAOSHAN])
    assert refused(lambda: replan_delay(p, "nobody", at(10))) == ("unknown_arrival", "There is no arrival 'nobody' in the plan.")
    assert refused(lambda: replan_delay(p, "a", datetime(2090, 11, 9, 11, 0)))[0] == "naive_time"
    assert refused(lambda: replan_delay(p, "a", at(10), [("car", 3)])) == (
        "settings_changed", "The plan was made with other vehicles or another longest wait: plan again.",
    )
    assert refused(lambda: replan_delay(p, "a", at(10), max_wait=timedelta(minutes=30)))[0] == "settings_changed"
    assert replan_delay(p, "a", at(10), VEHICLES, timedelta(minutes=45))[1] == {"a"}
