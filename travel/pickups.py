"""Airport and station pickups (issue 24): arrivals grouped per hub into vehicle runs, manifests,
and the re-plan of one run when a guest reports a delay. Pure Python, no models and no database:
the app's services read the guests' arrivals, call this module and store or print its plan.

What must hold, for every plan `plan()` or `replan_delay()` returns (tests/travel/test_pickups_props.py):

1. Every arrival is in exactly one run, and `Plan.run_of` says which.
2. No run carries more seats than its vehicle holds, and its vehicle is the smallest that does.
3. Nobody waits longer than `max_wait` (45 minutes unless told): a run departs at its latest
   arrival (`Run.departs_at`), and that is at most `max_wait` after its earliest (`Run.wait`).
   A guest alone on a hub is a run of their own and waits 0. (The issue allows a longer wait for a
   guest alone on a hub; this planner never needs to.)
4. A party (a delegation, `Arrival.party`) rides in one run: its members who are not VIPs,
   arriving at one hub, each within `max_wait` of the first of them. Members arriving later than
   that (another flight) form the party's next group, which rides together in turn. A group with
   more seats than the largest vehicle is split in arrival order into full vehicles and one for
   the rest (the fewest runs possible when everyone takes one seat): the only split delegation.
5. A VIP (a VIP or a delegation head: `Arrival.vip`) rides alone, in the smallest vehicle that
   holds their seats, leaving when they arrive; the other members of their party ride together
   as in 4 (the head's car is not shared with their delegation).

- `plan(arrivals, vehicles, max_wait)`: greedy per hub in time order, O(n log n): a run opens at
  the earliest arrival (or party group) not yet placed and takes the following ones while the
  latest stays within `max_wait` of that first one and the seats fit the largest vehicle; the
  first that does not fit opens the next run. The run gets the smallest vehicle that holds its
  seats. Runs are sorted by hub, departure, earliest arrival; they are numbered 1, 2, ... in that
  order (`Run.id`, the number on the manifest and the driver's sign). Ties between arrivals at the
  same minute go by their order in the input, so the same input always gives the same plan.
- `replan_delay(plan, key, new_time)`: a guest's new arrival time (a delay, or an early flight);
  `replan_delays(plan, {key: new_time, ...})` for several at once (a delayed flight).
  It does not plan the hub again (plan() of the changed arrivals may shift every run after the
  delay until the next quiet hour, and every guest in them would be told): it takes the guest (and
  the other members of their party at that hub, who ride with them) out of their run, whose
  departure and vehicle are recomputed for those who stay (it keeps its number; it disappears if
  empty), and puts them back as plan() groups them. Each group goes where the fewest guests
  outside it get another pickup than in the old plan: into a run of the hub with room in the
  largest vehicle that keeps the wait limit, or into a run of its own (a VIP always); on a tie an
  existing run (no extra vehicle), then the fewer of the group's own members told, then the
  earlier departure. A chunk of a party group never joins a run holding another chunk of that
  group (invariant 4: the chunks are those of arrival order, one run each). So a delayed guest joins a run that leaves later anyway and has room, but the
  bus does not wait 20 minutes more for them: they get a car. A run of their own keeps the number
  of the run the guest left if that one is now empty ("your car, 40 minutes later"). The
  result keeps every invariant above, but is not what plan() of the same arrivals would give, and
  may use more vehicles: run plan() again when nobody has been told yet (it numbers the runs
  afresh). Returns the new plan and `changed`: the guests whose pickup (`Plan.pickup`: run number,
  departure time, vehicle) is not what it was, so the app tells exactly those. A guest whose run
  another guest joined or left, at the same time in the same vehicle, is not in it; the run's
  manifest did change: `changed_runs` gives the run numbers for the drivers and the desk.
  Among 2,000 arrivals: 0.4 ms for one delay (median; bench/pickups.py), plan() 5 to 10 ms.
- `manifest_rows(plan, run_index, lookup)` / `manifest_csv(plan, lookup)`: one row per guest of a
  run (columns `MANIFEST_COLUMNS`, times in Beijing time); `lookup` gives a guest's name, flight
  or train number and phone. CSV text cells never start a formula (as wic.admin_export does).

Refusals: `PlanningError` (a ValueError) with a `code` for the app's DomainError and an English
message for logs and tests (the app shows its own translated sentence):
  `no_vehicles`        "Give at least one vehicle kind (name, capacity)."
  `bad_vehicle`        "Vehicle kind 2 must be (name, capacity) with a name and a capacity of 1 or more: ..."
  `vehicle_twice`      "Vehicle kind 'van' is given twice."
  `bad_max_wait`       "The longest wait must be a timedelta of 0 or more, not ..."
  `bad_arrival`        "Arrival 3 is not an Arrival with a hashable key: ..."
  `arrival_twice`      "Arrival 'g-7' is given twice."
  `no_hub`             "Arrival 'g-7' has no hub."
  `unknown_hub`        "Arrival 'g-7' is at '...', which is not one of the hubs: ..." (only with `hubs=`)
  `naive_time`         "Arrival 'g-7' at 2026-11-10 10:00:00 has no time zone."  (also for replan_delay's new time)
  `bad_seats`          "Arrival 'g-7' needs 0 seats: a guest takes 1 seat or more."
  `too_many_seats`     "Arrival 'g-7' needs 50 seats, more than the largest vehicle (bus, 40)."
  `unknown_arrival`    "There is no arrival 'g-7' in the plan."
  `settings_changed`   "The plan was made with other vehicles or another longest wait: plan again."
"""
from __future__ import annotations

import csv
import io
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
MAX_WAIT = timedelta(minutes=45)
# The hubs the issue names (the app's model decides the list; plan() accepts any hub unless given `hubs=`).
HUBS = ("杭州萧山国际机场", "上海虹桥国际机场", "上海虹桥站", "桐乡站", "嘉兴南站")
MANIFEST_COLUMNS = ("run", "hub", "departs", "vehicle", "guest", "name", "flight_or_train", "arrives", "seats", "party", "vip", "phone")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class PlanningError(ValueError):
    """Input the planner refuses; `code` is for the app's DomainError (see the module docstring)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Vehicle:
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Arrival:
    """One guest's arrival. `key` identifies the guest (a registration id, say); `at` is an aware
    datetime (the flight's or train's arrival); `party` is the delegation's key (members of one
    party ride together), `vip` a VIP or delegation head (a car of their own); `seats` the seats
    the guest takes (2 with an accompanying person, say)."""

    key: Hashable
    hub: str
    at: datetime
    party: Hashable | None = None
    vip: bool = False
    seats: int = 1


@dataclass(frozen=True, slots=True)
class Run:
    """One vehicle from one hub: `arrivals` are the guests' keys in arrival order; it departs at
    the latest arrival (`departs_at`), waiting `wait` after the earliest (`earliest_at`)."""

    id: int
    hub: str
    departs_at: datetime
    earliest_at: datetime
    vehicle: Vehicle
    arrivals: tuple
    seats: int
    vip: bool = False

    @property
    def wait(self) -> timedelta:
        return self.departs_at - self.earliest_at


@dataclass(frozen=True)
class Plan:
    """The runs, sorted by hub, departure time, earliest arrival and number; `run_of` maps each
    arrival's key to the index of its run in `runs`; `arrivals` holds the arrivals by key in input
    order; `vehicles` (smallest first) and `max_wait` are those the plan was made with."""

    runs: tuple[Run, ...]
    run_of: Mapping[Hashable, int]
    arrivals: Mapping[Hashable, Arrival]
    vehicles: tuple[Vehicle, ...]
    max_wait: timedelta

    def run_for(self, key) -> Run:
        return self.runs[self.run_of[key]]

    def pickup(self, key) -> tuple[int, datetime, str]:
        """What the guest is told: their run's number, its departure time and its vehicle."""
        run = self.runs[self.run_of[key]]
        return run.id, run.departs_at, run.vehicle.name

    def index_of(self, run_id: int) -> int:
        """The index in `runs` of the run numbered `run_id` (ValueError if there is none)."""
        for index, run in enumerate(self.runs):
            if run.id == run_id:
                return index
        raise ValueError(f"There is no run {run_id} in the plan.")


# -- checks ----------------------------------------------------------------------------------------


def _vehicles(vehicles) -> tuple[Vehicle, ...]:
    """The vehicle kinds smallest first (stable: of two kinds with the same capacity the first
    given is used), or PlanningError."""
    kinds = list(vehicles or ())
    if not kinds:
        raise PlanningError("no_vehicles", "Give at least one vehicle kind (name, capacity).")
    cleaned, names = [], set()
    for index, kind in enumerate(kinds, start=1):
        try:
            name, capacity = (kind.name, kind.capacity) if isinstance(kind, Vehicle) else kind
        except (TypeError, ValueError):
            name, capacity = None, None
        if not isinstance(name, str) or not name.strip() or isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise PlanningError("bad_vehicle", f"Vehicle kind {index} must be (name, capacity) with a name and a capacity of 1 or more: {kind!r}.")
        if name in names:
            raise PlanningError("vehicle_twice", f"Vehicle kind {name!r} is given twice.")
        names.add(name)
        cleaned.append(Vehicle(name, capacity))
    return tuple(sorted(cleaned, key=lambda v: v.capacity))


def _max_wait(max_wait) -> timedelta:
    if not isinstance(max_wait, timedelta) or max_wait < timedelta(0):
        raise PlanningError("bad_max_wait", f"The longest wait must be a timedelta of 0 or more, not {max_wait!r}.")
    return max_wait


def _aware(key, at) -> None:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise PlanningError("naive_time", f"Arrival {key!r} at {at} has no time zone.")


def _arrivals(arrivals: Iterable[Arrival], largest: Vehicle, hubs) -> dict:
    checked: dict = {}
    for index, arrival in enumerate(arrivals, start=1):
        if not isinstance(arrival, Arrival):
            raise PlanningError("bad_arrival", f"Arrival {index} is not an Arrival with a hashable key: {arrival!r}.")
        key = arrival.key
        try:
            twice = key in checked
        except TypeError:
            raise PlanningError("bad_arrival", f"Arrival {index} is not an Arrival with a hashable key: {arrival!r}.") from None
        if twice:
            raise PlanningError("arrival_twice", f"Arrival {key!r} is given twice.")
        if not isinstance(arrival.hub, str) or not arrival.hub.strip():
            raise PlanningError("no_hub", f"Arrival {key!r} has no hub.")
        if hubs is not None and arrival.hub not in hubs:
            raise PlanningError("unknown_hub", f"Arrival {key!r} is at {arrival.hub!r}, which is not one of the hubs: {', '.join(hubs)}.")
        _aware(key, arrival.at)
        seats = arrival.seats
        if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
            raise PlanningError("bad_seats", f"Arrival {key!r} needs {seats!r} seats: a guest takes 1 seat or more.")
        if seats > largest.capacity:
            raise PlanningError("too_many_seats", f"Arrival {key!r} needs {seats} seats, more than the largest vehicle ({largest.name}, {largest.capacity}).")
        try:
            hash(arrival.party)
        except TypeError:
            raise PlanningError("bad_arrival", f"Arrival {key!r} has a party that is not hashable: {arrival.party!r}.") from None
        checked[key] = arrival
    return checked


def _vehicle_for(seats: int, vehicles: tuple[Vehicle, ...], capacities: list[int]) -> Vehicle:
    return vehicles[bisect_left(capacities, seats)]


# -- grouping --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Unit:
    """Arrivals that ride together: one guest, one VIP, or one group of a party."""

    keys: list
    first: datetime
    last: datetime
    seats: int
    position: int  # the input position of its first member: the tie-break
    vip: bool = False
    group: tuple | None = None  # (party, n): the n-th group of a party; its chunks ride apart


def _units(members: list[Arrival], order: Mapping, max_wait: timedelta, largest: int) -> list[_Unit]:
    """The units of one hub's arrivals, sorted by first arrival then input position (invariants 4, 5)."""
    units, parties = [], defaultdict(list)
    for a in members:
        if a.vip or a.party is None:
            units.append(_Unit([a.key], a.at, a.at, a.seats, order[a.key], a.vip))
        else:
            parties[a.party].append(a)
    for party, party_members in parties.items():
        party_members.sort(key=lambda a: (a.at, order[a.key]))
        group: list[Arrival] = []
        tag = None
        for a in party_members + [None]:
            if group and (a is None or a.at - group[0].at > max_wait):
                tag = (party, order[group[0].key])
                chunk, seats = [], 0
                for m in group:  # next fit in arrival order into the largest vehicle
                    if chunk and seats + m.seats > largest:
                        units.append(_Unit([c.key for c in chunk], chunk[0].at, chunk[-1].at, seats, order[chunk[0].key], group=tag))
                        chunk, seats = [], 0
                    chunk.append(m)
                    seats += m.seats
                units.append(_Unit([c.key for c in chunk], chunk[0].at, chunk[-1].at, seats, order[chunk[0].key], group=tag))
                group = []
            if a is not None:
                group.append(a)
    units.sort(key=lambda u: (u.first, u.position))
    return units


def _sorted_keys(keys, arrivals: Mapping, order: Mapping) -> tuple:
    return tuple(sorted(keys, key=lambda k: (arrivals[k].at, order[k])))


def _run_of(runs) -> dict:
    return {key: index for index, run in enumerate(runs) for key in run.arrivals}


def _order(arrivals: Mapping) -> dict:
    return {key: position for position, key in enumerate(arrivals)}


# -- planning --------------------------------------------------------------------------------------


def plan(arrivals: Iterable[Arrival], vehicles, max_wait: timedelta = MAX_WAIT, *, hubs=None) -> Plan:
    """The pickup runs of `arrivals` with the vehicle kinds `vehicles` ([(name, capacity)] or
    Vehicle), nobody waiting longer than `max_wait`. `hubs`: when given, the only hubs accepted."""
    kinds = _vehicles(vehicles)
    max_wait = _max_wait(max_wait)
    capacities = [v.capacity for v in kinds]
    largest = kinds[-1].capacity
    by_key = _arrivals(arrivals, kinds[-1], None if hubs is None else tuple(hubs))
    order = _order(by_key)
    by_hub = defaultdict(list)
    for a in by_key.values():
        by_hub[a.hub].append(a)
    specs = []  # (hub, departs, earliest, position, keys, seats, vip)
    for hub, members in by_hub.items():
        current = None
        for unit in _units(members, order, max_wait, largest):
            if unit.vip:
                specs.append((hub, unit.last, unit.first, unit.position, unit.keys, unit.seats, True))
            elif current is not None and unit.last - current[2] <= max_wait and current[5] + unit.seats <= largest:
                current[1] = max(current[1], unit.last)
                current[4] = current[4] + unit.keys
                current[5] += unit.seats
            else:
                if current is not None:
                    specs.append(tuple(current))
                current = [hub, unit.last, unit.first, unit.position, unit.keys, unit.seats, False]
        if current is not None:
            specs.append(tuple(current))
    specs.sort(key=lambda s: (s[0], s[1], s[2], s[3]))
    runs = tuple(
        Run(number, hub, departs, earliest, _vehicle_for(seats, kinds, capacities), _sorted_keys(keys, by_key, order), seats, vip)
        for number, (hub, departs, earliest, _position, keys, seats, vip) in enumerate(specs, start=1)
    )
    return Plan(runs, _run_of(runs), by_key, kinds, max_wait)


@dataclass(slots=True)
class _Work:
    """A run of the delayed guest's hub while it is re-planned."""

    id: int
    keys: list
    earliest: datetime
    departs: datetime
    seats: int
    vip: bool
    original: Run | None
    groups: set = field(default_factory=set)  # the party groups (_Unit.group) whose chunks it took in this re-plan


def _sig(run_id, departs, vehicle: Vehicle):
    return run_id, departs, vehicle.name


def replan_delay(plan: Plan, key, new_time: datetime, vehicles=None, max_wait: timedelta | None = None) -> tuple[Plan, frozenset]:
    """The plan after the guest `key` reports the arrival time `new_time`, and the keys of the
    guests whose pickup changed (see the module docstring). `vehicles` and `max_wait`, when given,
    must be the plan's own (else `settings_changed`)."""
    return replan_delays(plan, {key: new_time}, vehicles, max_wait)


def replan_delays(plan: Plan, new_times: Mapping, vehicles=None, max_wait: timedelta | None = None) -> tuple[Plan, frozenset]:
    """`replan_delay` for several guests at once ({key: new arrival time}): a delayed flight or
    train, or a delegation reporting together. Cheaper and kinder than one call per guest: the
    members of a party are not split by the first call and put back together by the last."""
    if vehicles is not None and _vehicles(vehicles) != plan.vehicles:
        raise PlanningError("settings_changed", "The plan was made with other vehicles or another longest wait: plan again.")
    if max_wait is not None and _max_wait(max_wait) != plan.max_wait:
        raise PlanningError("settings_changed", "The plan was made with other vehicles or another longest wait: plan again.")
    delayed = {}
    for key, new_time in dict(new_times).items():
        try:
            old = plan.arrivals[key]
        except (KeyError, TypeError):
            raise PlanningError("unknown_arrival", f"There is no arrival {key!r} in the plan.") from None
        _aware(key, new_time)
        if new_time != old.at:
            delayed[key] = replace(old, at=new_time)
    if not delayed:
        return plan, frozenset()
    arrivals = dict(plan.arrivals)
    arrivals.update(delayed)  # the keys keep their places: the same tie-breaks as in the plan
    order = _order(arrivals)
    moved_by_hub: dict[str, set] = defaultdict(set)
    parties: dict[str, set] = defaultdict(set)
    for a in delayed.values():
        if a.vip or a.party is None:
            moved_by_hub[a.hub].add(a.key)
        else:
            parties[a.hub].add(a.party)
    if parties:
        for a in arrivals.values():
            if not a.vip and a.party is not None and a.party in parties.get(a.hub, ()):
                moved_by_hub[a.hub].add(a.key)

    def original_sig(k):
        run = plan.runs[plan.run_of[k]]
        return _sig(run.id, run.departs_at, run.vehicle)

    next_id = [max(run.id for run in plan.runs) + 1]
    replaced: dict[int, Run] = {}
    gone: set[int] = set()
    for hub, moved in moved_by_hub.items():
        hub_replaced, hub_gone = _replan_hub(plan, arrivals, order, hub, sorted(moved, key=order.__getitem__), original_sig, next_id)
        replaced.update(hub_replaced)
        gone |= hub_gone
    runs = [run for run in plan.runs if run.id not in replaced and run.id not in gone]
    runs.extend(replaced.values())
    runs.sort(key=lambda r: (r.hub, r.departs_at, r.earliest_at, r.id))
    runs = tuple(runs)
    new_plan = Plan(runs, _run_of(runs), arrivals, plan.vehicles, plan.max_wait)
    changed = frozenset(k for run in replaced.values() for k in run.arrivals if original_sig(k) != new_plan.pickup(k))
    return new_plan, changed


def _replan_hub(plan: Plan, arrivals: Mapping, order: Mapping, hub: str, moved: list, original_sig, next_id: list) -> tuple[dict, set]:
    """Takes the `moved` guests out of their runs at `hub` and puts them back (module docstring):
    the hub's runs that changed or are new ({id: Run}) and the numbers of the runs left empty."""
    kinds, mw = plan.vehicles, plan.max_wait
    capacities = [v.capacity for v in kinds]
    largest = kinds[-1].capacity
    works: dict[int, _Work] = {}
    for run in plan.runs:
        if run.hub == hub:
            works[run.id] = _Work(run.id, list(run.arrivals), run.earliest_at, run.departs_at, run.seats, run.vip, run)
    touched: dict[int, _Work] = {}
    freed: dict[int, set] = {}  # run id -> the moved keys it held, for the runs they left empty
    for k in moved:
        work = works[plan.runs[plan.run_of[k]].id]
        work.keys.remove(k)
        touched[work.id] = work
    for work in list(touched.values()):
        if work.keys:
            times = [arrivals[k].at for k in work.keys]
            work.earliest, work.departs = min(times), max(times)
            work.seats = sum(arrivals[k].seats for k in work.keys)
        else:
            freed[work.id] = set(work.original.arrivals)
            del works[work.id], touched[work.id]
    emptied = set(freed)

    def changed_in(work: _Work, departs, seats, unit_keys) -> int:
        """How many guests of `work` (outside the unit) would not have their original pickup if
        the run departed at `departs` with `seats` seats."""
        vehicle = _vehicle_for(seats, kinds, capacities)
        original = work.original
        if original is not None and work.id not in touched:  # all of them were in it
            return 0 if (departs, vehicle) == (original.departs_at, original.vehicle) else len(work.keys)
        sig = _sig(work.id, departs, vehicle)
        return sum(1 for k in work.keys if k not in unit_keys and original_sig(k) != sig)

    for unit in _units([arrivals[k] for k in moved], order, mw, largest):
        unit_keys = set(unit.keys)
        base = sum(changed_in(w, w.departs, w.seats, unit_keys) for w in touched.values())
        best, best_rank = None, None
        if not unit.vip:
            for work in works.values():
                if work.vip or work.seats + unit.seats > largest:
                    continue
                if unit.group is not None and unit.group in work.groups:
                    continue  # another chunk of the same party group: chunks ride apart (invariant 4)
                earliest, departs = min(work.earliest, unit.first), max(work.departs, unit.last)
                if departs - earliest > mw:
                    continue
                seats = work.seats + unit.seats
                before = changed_in(work, work.departs, work.seats, unit_keys) if work.id in touched else 0
                others = base - before + changed_in(work, departs, seats, unit_keys)
                sig = _sig(work.id, departs, _vehicle_for(seats, kinds, capacities))
                mine = sum(1 for k in unit.keys if original_sig(k) != sig)
                rank = (others, 0, mine, departs, work.id)
                if best_rank is None or rank < best_rank:
                    best, best_rank = work, rank
        reuse = sorted(run_id for run_id, held in freed.items() if held & unit_keys)
        new_id = reuse[0] if reuse else next_id[0]
        new_sig = _sig(new_id, unit.last, _vehicle_for(unit.seats, kinds, capacities))
        own_rank = (base, 1, sum(1 for k in unit.keys if original_sig(k) != new_sig), unit.last, new_id)
        if best is None or own_rank < best_rank:
            if reuse:
                del freed[new_id]
            else:
                next_id[0] += 1
            work = _Work(new_id, list(unit.keys), unit.first, unit.last, unit.seats, unit.vip, None)
            works[new_id] = work
        else:
            work = best
            work.keys.extend(unit.keys)
            work.earliest, work.departs = min(work.earliest, unit.first), max(work.departs, unit.last)
            work.seats += unit.seats
        if unit.group is not None:
            work.groups.add(unit.group)
        touched[work.id] = work

    replaced = {
        work.id: Run(work.id, hub, work.departs, work.earliest, _vehicle_for(work.seats, kinds, capacities),
                     _sorted_keys(work.keys, arrivals, order), work.seats, work.vip)
        for work in touched.values()
    }
    return replaced, emptied - set(replaced)


def changed_pickups(old: Plan, new: Plan) -> frozenset:
    """The keys of the guests in both plans whose pickup (run number, departure, vehicle) differs."""
    return frozenset(k for k in new.run_of if k in old.run_of and old.pickup(k) != new.pickup(k))


def changed_runs(old: Plan, new: Plan) -> frozenset:
    """The numbers of the runs whose manifest changed between two plans (another departure,
    vehicle, guest list or guest's arrival time), or that appeared or disappeared: the drivers and
    the desk to tell."""
    def manifest(plan: Plan, run: Run):
        return run.hub, run.departs_at, run.vehicle, tuple((k, plan.arrivals[k].at) for k in run.arrivals)

    before = {run.id: manifest(old, run) for run in old.runs}
    after = {run.id: manifest(new, run) for run in new.runs}
    return frozenset(run_id for run_id in before.keys() | after.keys() if before.get(run_id) != after.get(run_id))


# -- manifests -------------------------------------------------------------------------------------


def _beijing(at: datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _info(lookup, key) -> Mapping:
    if lookup is None:
        return {}
    info = lookup(key) if callable(lookup) else lookup.get(key)
    return info or {}


def manifest_rows(plan: Plan, run_index: int, lookup: Mapping | Callable | None = None) -> list[tuple[str, ...]]:
    """The manifest of the run at `run_index` in `plan.runs`: one row per guest in arrival order,
    columns MANIFEST_COLUMNS (no header row), times in Beijing time. `lookup`: a mapping or a
    callable from a guest's key to a mapping with "name", "number" (flight or train) and "phone"
    (each optional)."""
    run = plan.runs[run_index]
    rows = []
    for key in run.arrivals:
        a = plan.arrivals[key]
        info = _info(lookup, key)
        rows.append((
            str(run.id), run.hub, _beijing(run.departs_at), run.vehicle.name, str(key), str(info.get("name", "")),
            str(info.get("number", "")), _beijing(a.at), str(a.seats), "" if a.party is None else str(a.party), "VIP" if a.vip else "",
            str(info.get("phone", "")),
        ))
    return rows


def _formula_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def manifest_csv(plan: Plan, lookup: Mapping | Callable | None = None, header=MANIFEST_COLUMNS) -> str:
    """Every run's manifest in one CSV text (a header row, then the runs in plan order); the app
    passes its translated `header` (12 cells)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(header)
    for index in range(len(plan.runs)):
        writer.writerows([_formula_safe(cell) for cell in row] for row in manifest_rows(plan, index, lookup))
    return out.getvalue()
