"""Arrivals, departures and airport or station pickups (issue 24): the services the guest's page,
the admin and the API call. The planning itself is travel.pickups' (pure, tested apart); this
module reads the guests' legs, calls it, stores its runs and tells the guests.

- `leg_save(registration, ...)`: a guest's arrival or departure (one of each per registration),
  created or replaced after the checks below. Once the arrival is in a pickup run only its flight or
  train number may still change (a typo); a new time goes through `report_delay`, anything else
  through the secretariat (`pickup_planned`).
- `plan_pickups(edition)`: plans every arrival needing a pickup with `pickups.plan` and replaces
  the edition's runs and seats, in one transaction; refused once anyone has boarded.
- `report_delay(leg, new_time)`: the guest's new arrival time: `pickups.replan_delay` on the plan
  rebuilt from the stored runs, only the runs it changed are written (every run keeps its number),
  and only the guests whose pickup (run number, departure, vehicle) changed are emailed.
- `manifest_csv(run)`, `manifest_pdf(run)`: one run's list for the driver and the desk.

Who rides how (the planner's parties and VIPs), the rule chosen here:
- a VIP (a car of their own, leaving when they land) is the head of one of the edition's
  protocol delegations (Delegation.head). Nothing else makes a VIP: not the guest category (most
  guests are "government") nor a title. An organizer who wants another guest driven alone plans
  the run by hand (the admin's run page).
- the party of a guest is their delegation (DelegationMember.delegation): its members arriving at
  one hub within the longest wait ride together. The head rides alone, so an interpreter of the
  head rides with the delegation, not in the head's car.
- only approved registrations count, by flight or train: an arrival by own car never needs a
  pickup (`needs_pickup` is stored false).

Refusals (DomainError, 400 unless said; `field` names the input):
  `not_eligible` (409, registration)    the registration is not approved, or the guest takes part online
  `unknown_direction` (direction)        neither arrival nor departure
  `unknown_mode` (mode)                  not flight, train or own car
  `number_required` (number)             a flight or a train without its number
  `invalid_number` (number)              not 2 to 16 Latin letters and digits once spaces are removed
  `unknown_hub` (hub)                    not one of travel.enums.Hub
  `wrong_hub` (hub)                      a flight at a railway station, a train at an airport
  `invalid_time` (scheduled_at)          not a date and time (an ISO 8601 text or an aware datetime)
  `naive_time` (scheduled_at)            a datetime object without a time zone (a text without an
                                         offset is read as Beijing time)
  `edition_has_no_dates` (409)           the edition's days are not known
  `out_of_range` (scheduled_at)          more than 7 days before the first day or after the last
  `invalid_seats` (seats)                not 1 to 9
  `arrival_after_departure` (scheduled_at) an arrival later than the departure, or the reverse
  `time_passed` (scheduled_at)           a time given anew (new, or changed) before the request's
                                         time: a journey already made is not planned
  `pickup_planned` (409)                 the arrival is in a pickup run: report a delay instead
  `plan_started` (409, edition)          someone has boarded: the edition is not planned again
  `not_planned` (409, delayed_to)        a delay reported for an arrival not in any run
  `not_an_arrival` (direction)           a delay reported for a departure
  `already_boarded` (409, delayed_to)    the guest is in the car already
  `plan_settings_changed` (409)          the stored runs use vehicles the call does not know
  and the planner's own codes (`too_many_seats`...) when given vehicles it refuses.
For `report_delay` the time's refusals name the field `delayed_to`.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protocol.models import Delegation
from registration.enums import Participation, RegistrationStatus
from registration.models import Registration
from wic.display import BEIJING, beijing_text
from wic.errors import DomainError
from wic.models import Edition

from . import pickups
from .enums import Direction, Hub, TravelMode
from .models import PickupRun, PickupSeat, TravelLeg

# The vehicle kinds the summit's car pool offers: (name, seats for guests). The name is stored on
# the run (PickupRun.vehicle) and shown through VEHICLE_LABELS.
DEFAULT_VEHICLES = (("car", 3), ("van", 7), ("minibus", 15), ("coach", 40))
VEHICLE_LABELS = {
    "car": gettext_lazy("Car"),
    "van": gettext_lazy("Van"),
    "minibus": gettext_lazy("Minibus"),
    "coach": gettext_lazy("Coach"),
}
AIRPORTS = frozenset({Hub.HANGZHOU_XIAOSHAN, Hub.SHANGHAI_HONGQIAO_AIRPORT})
RANGE = timedelta(days=7)  # how long before the first day, or after the last, a leg may be
MAX_SEATS = 9
NUMBER = re.compile(r"^[A-Z0-9]{2,16}$")
LEG_FIELDS = ("mode", "number", "hub", "scheduled_at", "seats", "needs_pickup")
MANIFEST_HEADER = (
    gettext_lazy("Run"), gettext_lazy("Airport or station"), gettext_lazy("Departs (Beijing time)"), gettext_lazy("Vehicle"),
    gettext_lazy("Reference"), gettext_lazy("Name"), gettext_lazy("Flight or train"), gettext_lazy("Arrives (Beijing time)"),
    gettext_lazy("Seats"), gettext_lazy("Delegation"), gettext_lazy("VIP"), gettext_lazy("Phone"),
)


# -- what the pages show -----------------------------------------------------------------------------


def vehicle_label(name: str) -> str:
    return str(VEHICLE_LABELS.get(name, name))


AIRPORT_MEETING_POINT = gettext_lazy("Arrivals hall exit, at the World Internet Conference welcome desk")
STATION_MEETING_POINT = gettext_lazy("Station exit, at the World Internet Conference welcome desk")


def default_meeting_point(hub: str):
    """The hub's usual meeting place, a lazy text (an email renders it in each of its languages)."""
    return AIRPORT_MEETING_POINT if hub in AIRPORTS else STATION_MEETING_POINT


def meeting_point(run: PickupRun):
    """Where the guests of `run` meet their driver: what an organizer typed on the run, else the
    hub's usual place (in the reader's language)."""
    return run.meeting_point or default_meeting_point(run.hub)


def eligible(registration: Registration) -> bool:
    return registration.status == RegistrationStatus.APPROVED and registration.participation == Participation.ON_SITE


def not_eligible_error() -> DomainError:
    return DomainError(
        "not_eligible", _("Your arrival and departure can be given once your registration to attend in Wuzhen is approved."), status=409, field="registration",
    )


# -- reading input -----------------------------------------------------------------------------------


def parse_time(value, field: str = "scheduled_at") -> datetime:
    """An aware datetime from an aware datetime or an ISO 8601 text ("2090-11-09T14:30+08:00",
    or without an offset, read as Beijing time)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise DomainError("naive_time", _("The time has no time zone: give it with its offset, or in Beijing time as text."), field=field)
        return value
    text = str(value or "").strip() if not isinstance(value, date) else ""
    invalid = DomainError("invalid_time", _("Enter the date and the time, such as 2027-11-09 14:30 (Beijing time)."), field=field)
    if not text or not text.isascii() or len(text) < 16 or text[10] not in "T ":
        raise invalid
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise invalid from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    return parsed


def _seats(value) -> int:
    invalid = DomainError("invalid_seats", _("Give the seats needed: 1 to %(max)s.") % {"max": MAX_SEATS}, field="seats")
    if isinstance(value, bool):
        raise invalid
    if isinstance(value, int):
        seats = value
    else:
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 2):
            raise invalid
        seats = int(text)
    if not 1 <= seats <= MAX_SEATS:
        raise invalid
    return seats


def _in_range(edition: Edition, moment: datetime, field: str) -> None:
    if not edition.has_dates:
        raise DomainError("edition_has_no_dates", _("The summit's dates are not published yet: give your travel once they are."), status=409, field=field)
    day = moment.astimezone(BEIJING).date()
    first, last = edition.start_date - RANGE, edition.end_date + RANGE
    if day < first or day > last:
        raise DomainError(
            "out_of_range",
            _("Give a time between %(first)s and %(last)s: the summit runs from %(start)s to %(end)s.")
            % {"first": first.isoformat(), "last": last.isoformat(), "start": edition.start_date.isoformat(), "end": edition.end_date.isoformat()},
            field=field,
        )


def _in_order(direction: str, moment: datetime, other: TravelLeg | None, field: str) -> None:
    """An arrival not later than the departure, a departure not before the arrival (its expected
    time: a reported delay counts)."""
    if other is None:
        return
    if direction == Direction.ARRIVAL and moment > other.expected_at:
        raise DomainError(
            "arrival_after_departure", _("This arrival is later than your departure (%(other)s, Beijing time): check both.") % {"other": beijing_text(other.expected_at)},
            field=field,
        )
    if direction == Direction.DEPARTURE and moment < other.expected_at:
        raise DomainError(
            "arrival_after_departure", _("This departure is earlier than your arrival (%(other)s, Beijing time): check both.") % {"other": beijing_text(other.expected_at)},
            field=field,
        )


def leg_check(registration: Registration, *, direction, mode, number="", hub, scheduled_at, seats=1, needs_pickup=True, legs=None, now=None) -> dict:
    """The leg's values once checked (see the module's refusals), in the form's order: mode,
    number, hub, time, seats. `legs` ({direction: TravelLeg}) saves reading the guest's legs;
    `now` is the time of the request (an arrival or departure given anew must not be before it)."""
    if not eligible(registration):
        raise not_eligible_error()
    if direction not in Direction.values:
        raise DomainError("unknown_direction", _("Say whether this is your arrival or your departure."), field="direction")
    if mode not in TravelMode.values:
        raise DomainError("unknown_mode", _("Choose how you travel: by air, by train or by your own car."), field="mode")
    number = re.sub(r"\s+", "", str(number or "")).upper()
    if mode == TravelMode.CAR:
        number = ""
    elif not number:
        raise DomainError("number_required", _("Enter the flight or train number, such as CA1702 or G7501."), field="number")
    elif not NUMBER.match(number):
        raise DomainError("invalid_number", _("Enter the flight or train number as printed on the ticket: 2 to 16 Latin letters and digits."), field="number")
    if hub not in Hub.values:
        raise DomainError("unknown_hub", _("Choose the airport or railway station from the list."), field="hub")
    if mode == TravelMode.FLIGHT and hub not in AIRPORTS:
        raise DomainError("wrong_hub", _("A flight lands at an airport: choose Hangzhou Xiaoshan or Shanghai Hongqiao airport."), field="hub")
    if mode == TravelMode.TRAIN and hub in AIRPORTS:
        raise DomainError("wrong_hub", _("A train arrives at a railway station: choose the station."), field="hub")
    moment = parse_time(scheduled_at)
    _in_range(registration.edition, moment, "scheduled_at")
    seats = _seats(seats)
    if legs is None:
        legs = {leg.direction: leg for leg in registration.travel_legs.select_related("pickup")}
    other = legs.get(Direction.DEPARTURE if direction == Direction.ARRIVAL else Direction.ARRIVAL)
    _in_order(direction, moment, other, "scheduled_at")
    current = legs.get(direction)
    if moment < (now or timezone.now()) and (current is None or current.scheduled_at != moment):
        raise DomainError(
            "time_passed",
            _("This time has passed already (it is before this request): give the time of a journey still to come, in Beijing time."),
            field="scheduled_at",
        )
    cleaned = {"mode": mode, "number": number, "hub": hub, "scheduled_at": moment, "seats": seats,
               "needs_pickup": bool(needs_pickup) and mode != TravelMode.CAR}
    if current is not None and is_planned(current):
        changed = [name for name in LEG_FIELDS if name != "number" and getattr(current, name) != cleaned[name]]
        if changed:
            raise DomainError(
                "pickup_planned",
                _("Your pickup is planned already: report a delay on this page, or write to the secretariat to change anything else."),
                status=409, field=changed[0],
            )
    return cleaned


def is_planned(leg: TravelLeg) -> bool:
    try:
        return leg.pickup is not None
    except PickupSeat.DoesNotExist:
        return False


def leg_save(registration: Registration, *, direction, mode, number="", hub, scheduled_at, seats=1, needs_pickup=True, now=None) -> TravelLeg:
    """Create or replace the guest's leg of `direction`. The registration's row is locked: two
    saves at once make one leg, each checked against the other direction as saved."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().select_related("edition").filter(pk=registration.pk).first()
        if locked is None:
            raise not_eligible_error()
        legs = {leg.direction: leg for leg in TravelLeg.objects.filter(registration=locked).select_related("pickup")}
        cleaned = leg_check(locked, direction=direction, mode=mode, number=number, hub=hub, scheduled_at=scheduled_at, seats=seats,
                            needs_pickup=needs_pickup, legs=legs, now=now)
        leg = legs.get(direction)
        if leg is None:
            leg = TravelLeg(registration=locked, direction=direction)
        elif leg.scheduled_at != cleaned["scheduled_at"]:
            leg.delayed_to = None  # a new schedule replaces a reported delay
        for name, value in cleaned.items():
            setattr(leg, name, value)
        leg.save()
    return leg


# -- planning ---------------------------------------------------------------------------------------


def _vehicles(vehicles) -> tuple[pickups.Vehicle, ...]:
    try:
        return pickups._vehicles(vehicles)
    except pickups.PlanningError as error:
        raise _planning_refused(error) from None


def _planning_refused(error: pickups.PlanningError) -> DomainError:
    return DomainError(error.code, _("The pickups cannot be planned with these vehicles: %(reason)s") % {"reason": str(error)}, status=409, field="vehicles")


def _annotated_legs():
    """Legs with `party` (the guest's delegation) and `vip` (heads a delegation), one query."""
    return TravelLeg.objects.annotate(
        party=F("registration__delegation_membership__delegation_id"),
        vip=Exists(Delegation.objects.filter(head_id=OuterRef("registration_id"))),
    )


def _arrival(leg: TravelLeg, *, vip: bool | None = None) -> pickups.Arrival:
    return pickups.Arrival(leg.pk, leg.hub, leg.expected_at, party=leg.party, vip=leg.vip if vip is None else vip, seats=leg.seats)


def plan_pickups(edition: Edition, *, vehicles=DEFAULT_VEHICLES, now: datetime | None = None) -> list[PickupRun]:
    """Plan every arrival of the edition that needs a pickup (approved guests, by flight or
    train, expected at `now` or later) and replace the edition's runs with the plan's, numbered
    1, 2, ... as the planner numbers them. The edition's row is locked (a delay reported meanwhile
    waits). Refused with `plan_started` once a guest has boarded: from then on only delays change
    the runs. Returns the runs, in the plan's order."""
    now = now or timezone.now()
    kinds = _vehicles(vehicles)
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if PickupSeat.objects.filter(run__edition=edition, boarded_at__isnull=False).exists():
            raise DomainError(
                "plan_started", _("Guests have boarded already: the pickups are not planned again. Delays are still re-planned one by one."), status=409,
                field="edition",
            )
        legs = list(
            _annotated_legs().filter(
                registration__edition=edition, registration__status=RegistrationStatus.APPROVED, direction=Direction.ARRIVAL, needs_pickup=True,
            ).exclude(mode=TravelMode.CAR).annotate(expected=Coalesce("delayed_to", "scheduled_at")).filter(expected__gte=now).order_by("pk")
        )
        try:
            plan = pickups.plan([_arrival(leg) for leg in legs], kinds)
        except pickups.PlanningError as error:
            raise _planning_refused(error) from None
        delete_runs(PickupRun.objects.filter(edition=edition))
        runs = PickupRun.objects.bulk_create([
            PickupRun(edition=edition, number=run.id, hub=run.hub, departs_at=run.departs_at, vehicle=run.vehicle.name, capacity=run.vehicle.capacity, vip=run.vip)
            for run in plan.runs
        ])
        PickupSeat.objects.bulk_create([PickupSeat(run=stored, leg_id=key) for stored, run in zip(runs, plan.runs) for key in run.arrivals])
    return runs


@dataclass(frozen=True)
class StoredPlan:
    plan: pickups.Plan
    runs: dict  # number -> PickupRun
    seats: dict  # leg pk -> PickupSeat


def stored_plan(edition: Edition, *, vehicles=DEFAULT_VEHICLES) -> StoredPlan:
    """The edition's stored runs as a travel.pickups Plan (two queries): the arrivals in leg
    order (the order plan_pickups gave them), each at its expected time, a run's guests VIP when
    the run is. Runs left without a guest are not in it."""
    kinds = _vehicles(vehicles)
    runs = list(PickupRun.objects.filter(edition=edition).prefetch_related(
        Prefetch("seats", queryset=PickupSeat.objects.select_related("leg").annotate(
            party=F("leg__registration__delegation_membership__delegation_id")).order_by("leg_id")),
    ))
    known = {(v.name, v.capacity) for v in kinds}
    if any((run.vehicle, run.capacity) not in known for run in runs):
        raise DomainError("plan_settings_changed", _("The runs were planned with other vehicles: plan the pickups again."), status=409, field="vehicles")
    seats, arrivals, planned, by_number = {}, {}, [], {}
    for run in runs:
        by_number[run.number] = run
        members = list(run.seats.all())
        for seat in members:
            seats[seat.leg_id] = seat
            leg = seat.leg
            arrivals[leg.pk] = pickups.Arrival(leg.pk, run.hub, leg.expected_at, party=seat.party, vip=run.vip, seats=leg.seats)
        if not members:
            continue
        keys = sorted((seat.leg_id for seat in members), key=lambda k: (arrivals[k].at, k))
        planned.append(pickups.Run(
            run.number, run.hub, run.departs_at, min(arrivals[k].at for k in keys), pickups.Vehicle(run.vehicle, run.capacity), tuple(keys),
            sum(arrivals[k].seats for k in keys), run.vip,
        ))
    planned.sort(key=lambda r: (r.hub, r.departs_at, r.earliest_at, r.id))
    runs_tuple = tuple(planned)
    arrivals = {key: arrivals[key] for key in sorted(arrivals)}
    plan = pickups.Plan(runs_tuple, {k: i for i, r in enumerate(runs_tuple) for k in r.arrivals}, arrivals, kinds, pickups.MAX_WAIT)
    return StoredPlan(plan, by_number, seats)


def report_delay(leg: TravelLeg, new_time, *, vehicles=DEFAULT_VEHICLES, now: datetime | None = None) -> list[Registration]:
    """The guest's arrival is now expected at `new_time` (later or earlier). Re-plans their pickup
    with pickups.replan_delay on the stored runs, writes only the runs that changed (numbers
    kept; a run left empty is deleted, a new one takes the next number), and emails the guests
    whose pickup changed, and only them. Returns their registrations (by pk)."""
    now = now or timezone.now()
    new_time = parse_time(new_time, "delayed_to")
    registration = leg.registration
    if not eligible(registration):
        raise not_eligible_error()
    if leg.direction != Direction.ARRIVAL:
        raise DomainError("not_an_arrival", _("Only an arrival's delay changes a pickup: change the departure itself."), field="direction")
    edition = registration.edition
    _in_range(edition, new_time, "delayed_to")
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        leg = TravelLeg.objects.select_related("registration__edition").get(pk=leg.pk)
        seat = PickupSeat.objects.filter(leg=leg).first()
        if seat is None:
            raise DomainError("not_planned", _("Your pickup is not planned yet: change your arrival itself."), status=409, field="delayed_to")
        if seat.boarded_at is not None:
            raise DomainError("already_boarded", _("You have boarded your car already."), status=409, field="delayed_to")
        departure = TravelLeg.objects.filter(registration=registration, direction=Direction.DEPARTURE).first()
        _in_order(Direction.ARRIVAL, new_time, departure, "delayed_to")
        stored = stored_plan(edition, vehicles=vehicles)
        try:
            new_plan, changed = pickups.replan_delay(stored.plan, leg.pk, new_time)
        except pickups.PlanningError as error:
            raise _planning_refused(error) from None
        leg.delayed_to = None if new_time == leg.scheduled_at else new_time
        leg.save(update_fields=["delayed_to", "updated_at"])
        _apply(edition, stored, new_plan, pickups.changed_runs(stored.plan, new_plan))
        if not changed:
            return []
        told = list(TravelLeg.objects.filter(pk__in=changed).select_related("registration__edition", "pickup__run").order_by("registration_id"))
        for each in told:
            _notify_pickup(each, now=now)
    return [each.registration for each in told]


def delete_runs(runs) -> None:
    """Delete the runs and their boarding lists (travel.boarding): a run deleted has no boarded
    guest (planning again is refused once anyone boarded, and a delay never empties a run someone
    boarded), so its list holds only refused scans."""
    from registration.models import CheckinList

    CheckinList.objects.filter(pickup_run__in=runs).delete()
    runs.delete()


def run_delete(run: PickupRun) -> None:
    """Delete one run that nobody is seated in any more (its guests' arrivals were deleted since
    the plan, say), with its boarding list. A run with a guest is refused (`run_not_empty`, 409):
    deleting it would leave them without a car; plan again, or report their delay, instead. The
    edition's row is locked, as planning and delays lock it."""
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=run.edition_id).first()
        seated = PickupSeat.objects.filter(run_id=run.pk).count()
        if seated:
            raise DomainError(
                "run_not_empty",
                _("Pickup run %(number)s still carries guests (%(count)s): plan the pickups again instead of deleting it.") % {"number": run.number, "count": seated},
                status=409, field="run",
            )
        delete_runs(PickupRun.objects.filter(pk=run.pk))


def _apply(edition: Edition, stored: StoredPlan, new_plan: pickups.Plan, touched) -> None:
    """Write the runs numbered in `touched` as `new_plan` has them: update, create, move the
    seats, delete the runs left empty."""
    new_runs = {run.id: run for run in new_plan.runs}
    empty = [number for number, run in stored.runs.items() if number not in new_runs and number not in touched]
    delete_runs(PickupRun.objects.filter(edition=edition, number__in=empty))  # held nobody: their numbers are free
    rows, moved = {}, []
    for number in sorted(touched):
        run = new_runs.get(number)
        if run is None:
            continue
        row = stored.runs.get(number)
        if row is None:
            row = PickupRun.objects.create(
                edition=edition, number=number, hub=run.hub, departs_at=run.departs_at, vehicle=run.vehicle.name, capacity=run.vehicle.capacity, vip=run.vip,
            )
        else:
            row.departs_at, row.vehicle, row.capacity, row.vip = run.departs_at, run.vehicle.name, run.vehicle.capacity, run.vip
            row.save(update_fields=["departs_at", "vehicle", "capacity", "vip"])
        rows[number] = row
        for key in run.arrivals:
            seat = stored.seats[key]
            if seat.run_id != row.pk:
                seat.run = row
                moved.append(seat)
    PickupSeat.objects.bulk_update(moved, ["run"])
    gone = [number for number in touched if number not in new_runs]
    delete_runs(PickupRun.objects.filter(edition=edition, number__in=gone))


def _notify_pickup(leg: TravelLeg, *, now: datetime) -> None:
    """Queue the guest's email about their new pickup (bilingual, as the letters' emails)."""
    from wic import outbox

    registration, run = leg.registration, leg.pickup.run
    outbox.queue(
        key=f"travel.pickup:{leg.pk}:{run.number}:{run.departs_at.isoformat()}:{run.vehicle}:{now.isoformat()}",
        event="travel.pickup-changed", to=[registration.email], language=registration.language,
        template="travel/email/pickup_changed",
        context={
            "registration": registration, "edition": registration.edition, "leg": leg, "run": run,
            "vehicle": VEHICLE_LABELS.get(run.vehicle, run.vehicle), "meeting_point": meeting_point(run),
        },
    )


# -- manifests -------------------------------------------------------------------------------------


def phone_of(registration: Registration) -> str:
    """The guest's phone for the driver: Registration has no phone field yet, so empty unless a
    later one adds `phone`."""
    return str(getattr(registration, "phone", "") or "")


def _manifest_seats(run: PickupRun) -> list[PickupSeat]:
    return list(run.seats.select_related("leg__registration__delegation_membership__delegation").order_by("leg__scheduled_at", "leg_id"))


def _manifest_plan(run: PickupRun, seats: list[PickupSeat]) -> tuple[pickups.Plan, dict]:
    """A one-run Plan as the manifest prints it: keyed by the registration's reference, the hub
    and the vehicle by their names in the reader's language, the party by its delegation's name."""
    arrivals, lookup = {}, {}
    for seat in seats:
        leg, registration = seat.leg, seat.leg.registration
        membership = getattr(registration, "delegation_membership", None)
        arrivals[registration.reference] = pickups.Arrival(
            registration.reference, str(run.get_hub_display()), leg.expected_at, party=membership.delegation.name_zh if membership else None,
            vip=run.vip, seats=leg.seats,
        )
        name = " · ".join(part for part in (registration.name, registration.name_zh) if part)
        lookup[registration.reference] = {"name": name, "number": leg.number or leg.get_mode_display(), "phone": phone_of(registration)}
    vehicle = pickups.Vehicle(vehicle_label(run.vehicle), run.capacity)
    keys = tuple(sorted(arrivals, key=lambda k: arrivals[k].at))
    times = [a.at for a in arrivals.values()] or [run.departs_at]
    one = pickups.Run(run.number, str(run.get_hub_display()), run.departs_at, min(times), vehicle, keys, sum(a.seats for a in arrivals.values()), run.vip)
    return pickups.Plan((one,), {k: 0 for k in keys}, arrivals, (vehicle,), pickups.MAX_WAIT), lookup


def manifest_csv(run: PickupRun) -> str:
    """The run's manifest as CSV text: a header in the reader's language, one row per guest in
    arrival order (pickups.manifest_csv: times in Beijing time, no cell starting a formula)."""
    plan, lookup = _manifest_plan(run, _manifest_seats(run))
    return pickups.manifest_csv(plan, lookup, header=[str(h) for h in MANIFEST_HEADER])


def manifest_rows(run: PickupRun) -> list[tuple[str, ...]]:
    """The run's manifest as rows of text (pickups.MANIFEST_COLUMNS, no header), as manifest_csv
    writes them: one per guest in arrival order, times in Beijing time (the API's JSON manifest)."""
    plan, lookup = _manifest_plan(run, _manifest_seats(run))
    return pickups.manifest_rows(plan, 0, lookup)


def manifest_pdf(run: PickupRun) -> bytes:
    """The run's manifest on one A4 page (more if the coach is full): the run, its hub, departure
    (Beijing time), vehicle and meeting point, then the guests in arrival order with their flight
    or train, arrival time, seats, delegation and phone. Headings in Chinese and English (a
    driver and a desk of either language read it); fonts as the visa letter's (travel.pdf)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from .pdf import _markup

    plan, lookup = _manifest_plan(run, _manifest_seats(run))
    rows = pickups.manifest_rows(plan, 0, lookup)
    brand, line = HexColor("#0B4F8A"), HexColor("#C9D3E0")
    title_style = ParagraphStyle("title", fontSize=16, leading=20, textColor=brand, spaceAfter=4)
    text_style = ParagraphStyle("text", fontSize=10, leading=14)
    cell_style = ParagraphStyle("cell", fontSize=9, leading=11)
    head_style = ParagraphStyle("head", fontSize=8, leading=10, textColor=HexColor("#4A5568"))

    def both(text_of) -> str:
        return " / ".join(in_languages(text_of))

    def para(text: str, style=text_style, bold=False) -> Paragraph:
        return Paragraph(_markup(text, bold=bold), style)

    hub = " / ".join(in_languages(run.get_hub_display))
    facts = [
        (both(lambda: _("Airport or station")), hub),
        (both(lambda: _("Departs (Beijing time)")), beijing_text(run.departs_at)),
        (both(lambda: _("Vehicle")), f"{' / '.join(in_languages(lambda: vehicle_label(run.vehicle)))} · {run.capacity}"),
        (both(lambda: _("Meeting point")), run.meeting_point or both(lambda: default_meeting_point(run.hub))),
    ]
    if run.vip:
        facts.append((both(lambda: _("VIP car")), "VIP"))
    story = [
        para(both(lambda: _("Pickup run %(number)s") % {"number": run.number}), title_style, bold=True),
        Table([[para(label, head_style), para(value)] for label, value in facts], colWidths=[55 * mm, 115 * mm],
              style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)])),
        Spacer(1, 6 * mm),
    ]
    headings = [both(lambda: _("Name")), both(lambda: _("Flight or train")), both(lambda: _("Arrives (Beijing time)")),
                both(lambda: _("Seats")), both(lambda: _("Delegation")), both(lambda: _("Phone"))]
    table = [[para(h, head_style) for h in headings]]
    for row in rows:
        name, number, arrives, seats, party, vip, phone = row[5], row[6], row[7], row[8], row[9], row[10], row[11]
        table.append([para(f"{name} ({row[4]})" + (" · VIP" if vip else ""), cell_style), para(number, cell_style), para(arrives, cell_style),
                      para(seats, cell_style), para(party, cell_style), para(phone, cell_style)])
    if not rows:
        table.append([para(both(lambda: _("Nobody is in this run.")), cell_style), "", "", "", "", ""])
    story.append(Table(table, colWidths=[50 * mm, 25 * mm, 30 * mm, 14 * mm, 34 * mm, 27 * mm], repeatRows=1, style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, line), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), HexColor("#EEF2F7")),
    ])))
    story.append(Spacer(1, 4 * mm))
    story.append(para(both(lambda: _("%(guests)s guests, %(seats)s of %(capacity)s seats.") % {
        "guests": len(rows), "seats": sum(int(r[8]) for r in rows), "capacity": run.capacity}), head_style))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"Pickup run {run.number}", author="WIC Summit Manager")
    doc.build(story)
    return buffer.getvalue()


# -- the guest's section -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trip:
    """What the guest's page shows: their legs (None when not given) and, once planned, their run."""

    eligible: bool
    arrival: TravelLeg | None
    departure: TravelLeg | None
    run: PickupRun | None
    boarded: bool = False

    @property
    def meeting_point(self) -> str:
        return str(meeting_point(self.run)) if self.run is not None else ""

    @property
    def vehicle(self) -> str:
        return vehicle_label(self.run.vehicle) if self.run is not None else ""


def trip(registration: Registration) -> Trip:
    """The guest's legs and pickup, one query."""
    legs = {leg.direction: leg for leg in registration.travel_legs.select_related("pickup__run")}
    arrival = legs.get(Direction.ARRIVAL)
    seat = None
    if arrival is not None and is_planned(arrival):
        seat = arrival.pickup
    return Trip(
        eligible=eligible(registration), arrival=arrival, departure=legs.get(Direction.DEPARTURE), run=seat.run if seat else None,
        boarded=bool(seat and seat.boarded_at),
    )


# -- the dashboard panel --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HourRow:
    hour: datetime  # Beijing time
    counts: tuple  # guests arriving per hub, in the panel's hub order
    total: int

    @property
    def label(self) -> str:
        """The hour as the chart names it: "11-09 14:00" (Beijing time)."""
        return timezone.localtime(self.hour, BEIJING).strftime("%m-%d %H:00")


@dataclass(frozen=True)
class ArrivalsPanel:
    edition_id: int
    hubs: tuple  # (key, label) of the hubs anyone arrives at, in Hub order
    rows: tuple  # HourRow, by hour
    arrivals: int
    runs: int
    runs_boarded: int  # runs whose every guest has boarded
    planned: int  # guests in a run
    boarded: int
    unplanned: int  # guests needing a pickup and in no run


def arrivals_panel(edition: Edition, *, now: datetime | None = None) -> ArrivalsPanel:
    """The edition's arrivals by flight or train per hour (Beijing time) and hub, the runs planned
    and how many guests have boarded. Two queries, whatever the number of guests."""
    grouped = (
        TravelLeg.objects.filter(registration__edition=edition, registration__status=RegistrationStatus.APPROVED, direction=Direction.ARRIVAL)
        .exclude(mode=TravelMode.CAR)
        .annotate(hour=TruncHour(Coalesce("delayed_to", "scheduled_at"), tzinfo=BEIJING))
        .values("hour", "hub")
        .annotate(
            n=Count("pk"), planned=Count("pickup"), boarded=Count("pickup", filter=Q(pickup__boarded_at__isnull=False)),
            unplanned=Count("pk", filter=Q(needs_pickup=True, pickup__isnull=True)),
        )
        .order_by("hour", "hub")
    )
    by_hour: dict = defaultdict(dict)
    totals = defaultdict(int)
    for row in grouped:
        by_hour[row["hour"]][row["hub"]] = row["n"]
        for name in ("n", "planned", "boarded", "unplanned"):
            totals[name] += row[name]
    present = {hub for counts in by_hour.values() for hub in counts}
    hubs = tuple((value, label) for value, label in Hub.choices if value in present)
    rows = tuple(
        HourRow(timezone.localtime(hour, BEIJING), tuple(counts.get(hub, 0) for hub, _label in hubs), sum(counts.values()))
        for hour, counts in sorted(by_hour.items())
    )
    runs = PickupRun.objects.filter(edition=edition).annotate(
        seated=Count("seats"), aboard=Count("seats", filter=Q(seats__boarded_at__isnull=False)),
    ).aggregate(runs=Count("pk"), boarded=Count("pk", filter=Q(seated__gt=0, aboard=F("seated"))))
    return ArrivalsPanel(
        edition_id=edition.pk, hubs=hubs, rows=rows, arrivals=totals["n"], runs=runs["runs"], runs_boarded=runs["boarded"],
        planned=totals["planned"], boarded=totals["boarded"], unplanned=totals["unplanned"],
    )


def in_languages(call, languages=("zh-hans", "en")) -> list[str]:
    """`call()` in each language, without repeats (bilingual headings)."""
    out = []
    for language in languages:
        with translation.override(language):
            text = str(call())
        if text not in out:
            out.append(text)
    return out
