"""Shuttle loops (issue 24): the buses between the hotels and the venues, as timetables on the
guest's page ("my trip", travel.trip), on a public page per edition (travel/views_shuttles.py) and
on the loop's admin page.

A loop (ShuttleLoop) runs on the days first_day..last_day. On each of them it leaves its first
stop at `first_departure`, then every `every_minutes` up to `last_departure` (included when it
falls on the interval; a last departure off the interval is never reached, the bus before it is
the last), in Beijing wall-clock time. Beijing keeps no daylight saving time, so every day of a
loop has the same times. Each stop (ShuttleStop, in `position` order) is reached `minutes` after
the departure: the first at 0, the others later and later.

- `timetable(loop, day)`: the day's departures and, per stop in order, when the bus is there
  (aware datetimes in Beijing time); none on a day the loop does not run.
- `loops_at_hotels(hotel_ids, edition)`: the loops stopping at those hotels, with the stop (one
  query); `hotel_shuttles(...)`: what the guest's card says about them.
- `edition_timetables(edition)`: the public page's loops and timetables (two queries).
- `loop_check(...)`, `stops_check(...)`: the rules of a loop and of its stops, which the admin's
  forms show beside the fields and `loop_create` applies (the demo). The database's constraints
  back the first ones up; the forms check first, so no IntegrityError reaches anyone.

Refusals (DomainError, 400 unless said; `field` names the input):
  `edition_has_no_dates` (409, edition)  the edition's days are not known
  `days_out_of_order` (last_day)          the last day before the first
  `days_out_of_range` (first_day or last_day) more than 7 days before the edition's first day or
                                          after its last
  `times_out_of_order` (last_departure)   the last departure before the first
  `invalid_interval` (every_minutes)      not 5 to 240 minutes
  `too_few_stops` (stops)                 fewer than 2 stops
  `stops_out_of_order` (stops)            the first stop not at 0 minutes, minutes that do not
                                          increase with the order, or two stops in one place of
                                          the order
  `stop_place_required` (stops)           a stop with neither a hotel, a venue nor a name
  `stop_two_places` (stops)               a stop at a hotel and a venue at once
  `hotel_of_another_edition` (stops)      a stop at another edition's hotel
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from wic.display import BEIJING
from wic.errors import DomainError
from wic.i18n import pick

from .models import ShuttleLoop, ShuttleStop

DAYS_AROUND = 7  # a loop may run this many days before and after the summit (arrivals, departures)
MIN_EVERY, MAX_EVERY = 5, 240  # minutes: the model's check constraint
MIN_STOPS = 2
NEXT_DEPARTURES = 3  # how many of today's next departures the guest's card lists


# -- names ----------------------------------------------------------------------------------------


def stop_name(stop: ShuttleStop) -> str:
    """A stop's place in the active language: its hotel's or venue's name, else its own."""
    if stop.hotel_id:
        return pick(stop.hotel, "name")
    if stop.venue_id:
        return pick(stop.venue, "name")
    return pick(stop, "name")


def hhmm(moment: datetime | time) -> str:
    """"07:05": a time of day, or an aware datetime in Beijing time."""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment, BEIJING)
    return moment.strftime("%H:%M")


# -- timetables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """The bus at one stop of one departure."""

    stop: ShuttleStop
    at: datetime  # aware, Beijing time


@dataclass(frozen=True)
class Departure:
    at: datetime  # from the first stop
    calls: tuple[Call, ...]  # one per stop, in order


def runs_on(loop: ShuttleLoop, day: date) -> bool:
    return loop.first_day <= day <= loop.last_day


def loop_days(loop: ShuttleLoop) -> list[date]:
    return [loop.first_day + timedelta(days=n) for n in range((loop.last_day - loop.first_day).days + 1)]


def departure_times(loop: ShuttleLoop, day: date) -> list[datetime]:
    """The departures from the first stop on `day`: first_departure, then every `every_minutes`
    while not after last_departure; [] on a day the loop does not run."""
    if not runs_on(loop, day) or loop.every_minutes < 1:  # (an interval under 1 is refused by the constraint)
        return []
    at = datetime.combine(day, loop.first_departure, tzinfo=BEIJING)
    last = datetime.combine(day, loop.last_departure, tzinfo=BEIJING)
    step = timedelta(minutes=loop.every_minutes)
    times = []
    while at <= last:
        times.append(at)
        at += step
    return times


def ordered_stops(loop: ShuttleLoop, stops: Iterable[ShuttleStop] | None = None) -> list[ShuttleStop]:
    """The loop's stops in order: `stops` if given, else `loop.stops.all()` (prefetched or one query)."""
    return sorted(loop.stops.all() if stops is None else stops, key=lambda stop: (stop.position, stop.pk or 0))


def timetable(loop: ShuttleLoop, day: date, stops: Iterable[ShuttleStop] | None = None) -> list[Departure]:
    """The loop's departures on `day` and the time the bus is at each stop (departure + the stop's
    minutes): aware datetimes in Beijing time. No query when `stops` is given or prefetched."""
    stops = ordered_stops(loop, stops)
    offsets = [timedelta(minutes=stop.minutes) for stop in stops]
    return [
        Departure(at=at, calls=tuple(Call(stop=stop, at=at + offset) for stop, offset in zip(stops, offsets, strict=True)))
        for at in departure_times(loop, day)
    ]


def last_departure(loop: ShuttleLoop) -> time:
    """The last bus's departure time: last_departure, or the departure before it when it is off
    the interval."""
    first = loop.first_departure.hour * 60 + loop.first_departure.minute
    last = loop.last_departure.hour * 60 + loop.last_departure.minute
    every = max(loop.every_minutes, 1)
    reached = first + max(last - first, 0) // every * every
    return time(reached // 60, reached % 60)


# -- the public page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoopTimetable:
    """A loop as the public page shows it: its stops, the days it runs and one day's timetable
    (the same times every day: Beijing time has no daylight saving)."""

    loop: ShuttleLoop
    stops: tuple[ShuttleStop, ...]
    days: tuple[date, ...]
    departures: tuple[Departure, ...]  # on the first day
    last: time  # the last bus's departure


def edition_loops(edition):
    """The edition's loops with their stops and the stops' places: two queries."""
    stops = ShuttleStop.objects.select_related("hotel", "venue").order_by("position", "pk")
    return ShuttleLoop.objects.filter(edition=edition).prefetch_related(Prefetch("stops", queryset=stops)).order_by("first_day", "first_departure", "name_zh", "pk")


def edition_timetables(edition) -> list[LoopTimetable]:
    """Every loop of the edition with its timetable, in two queries whatever their number."""
    found = []
    for loop in edition_loops(edition):
        stops = tuple(loop.stops.all())
        found.append(LoopTimetable(
            loop=loop, stops=stops, days=tuple(loop_days(loop)), departures=tuple(timetable(loop, loop.first_day, stops)), last=last_departure(loop),
        ))
    return found


# -- the guest's hotels -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HotelLoop:
    loop: ShuttleLoop
    stop: ShuttleStop  # the loop's first stop at the hotel


def loops_at_hotels(hotel_ids: Iterable[int], edition) -> list[HotelLoop]:
    """The loops of `edition` that stop at one of the hotels, each with its first stop there (a
    loop that goes out and comes back to a hotel leaves it at that stop). One query."""
    hotel_ids = list(hotel_ids)
    if not hotel_ids:
        return []
    stops = (
        ShuttleStop.objects.filter(hotel_id__in=hotel_ids, loop__edition=edition)
        .select_related("loop", "hotel").order_by("loop__first_departure", "loop__name_zh", "loop_id", "position")
    )
    found, seen = [], set()
    for stop in stops:
        if (stop.loop_id, stop.hotel_id) not in seen:
            seen.add((stop.loop_id, stop.hotel_id))
            found.append(HotelLoop(loop=stop.loop, stop=stop))
    return found


@dataclass(frozen=True)
class HotelShuttle:
    """A loop serving a guest's hotel, seen from that hotel: the days it runs while the guest
    sleeps there, the first and the last bus there and the interval; and when the card is opened
    on one of those days, the next buses there (`upcoming`; `over_today`: none is left today)."""

    loop: ShuttleLoop
    stop: ShuttleStop
    days: tuple[date, ...]
    first: datetime  # the first bus at the hotel, on the first of `days`
    last: datetime  # the last bus at the hotel, on the first of `days`
    upcoming: tuple[datetime, ...] = ()
    over_today: bool = False

    @property
    def every_minutes(self) -> int:
        return self.loop.every_minutes


def hotel_shuttles(hotel_loops: Sequence[HotelLoop], days_at: dict[int, set[date]], *, now: datetime | None = None, upcoming: int = NEXT_DEPARTURES) -> list[HotelShuttle]:
    """For each loop at a guest's hotel, what the guest's card shows: `days_at` holds, per hotel,
    the days the guest is there (from the first night to the morning they check out). A loop that
    runs on none of them is left out. No query."""
    now = timezone.localtime(now or timezone.now(), BEIJING)
    today = now.date()
    found = []
    for item in hotel_loops:
        loop, stop = item.loop, item.stop
        days = tuple(day for day in loop_days(loop) if day in days_at.get(stop.hotel_id, ()))
        if not days:
            continue
        offset = timedelta(minutes=stop.minutes)
        first_day = today if today in days else days[0]
        times = [at + offset for at in departure_times(loop, first_day)]
        if not times:
            continue
        next_ones: tuple[datetime, ...] = ()
        over = False
        if today in days:
            next_ones = tuple(at for at in times if at >= now)[:upcoming]
            over = not next_ones
        found.append(HotelShuttle(loop=loop, stop=stop, days=days, first=times[0], last=times[-1], upcoming=next_ones, over_today=over))
    return found


# -- checks -----------------------------------------------------------------------------------------


def loop_check(edition, *, first_day: date, last_day: date, first_departure: time, last_departure: time, every_minutes: int) -> None:
    """The rules of a loop's days and times (see the module's docstring), in the form's order."""
    if edition is None or not edition.has_dates:
        raise DomainError(
            "edition_has_no_dates", _("The edition's days are not known yet: give the edition its dates before planning its shuttles."),
            status=409, field="edition",
        )
    if last_day < first_day:
        raise DomainError(
            "days_out_of_order", _("The last day (%(last)s) is before the first day (%(first)s): correct the days the shuttle runs.")
            % {"last": last_day.isoformat(), "first": first_day.isoformat()}, field="last_day",
        )
    earliest, latest = edition.start_date - timedelta(days=DAYS_AROUND), edition.end_date + timedelta(days=DAYS_AROUND)
    for name, day in (("first_day", first_day), ("last_day", last_day)):
        if not earliest <= day <= latest:
            raise DomainError(
                "days_out_of_range",
                _("A shuttle runs from %(earliest)s to %(latest)s at the most (the summit, %(start)s to %(end)s, and %(n)d days around it): %(day)s is outside.")
                % {"earliest": earliest.isoformat(), "latest": latest.isoformat(), "start": edition.start_date.isoformat(),
                   "end": edition.end_date.isoformat(), "n": DAYS_AROUND, "day": day.isoformat()},
                field=name,
            )
    if last_departure < first_departure:
        raise DomainError(
            "times_out_of_order",
            _("The last departure (%(last)s) is before the first (%(first)s): a loop runs within one day, so correct the times.")
            % {"last": hhmm(last_departure), "first": hhmm(first_departure)}, field="last_departure",
        )
    if not MIN_EVERY <= every_minutes <= MAX_EVERY:
        raise DomainError(
            "invalid_interval", _("A shuttle leaves every %(min)d to %(max)d minutes, not every %(n)d minutes.")
            % {"min": MIN_EVERY, "max": MAX_EVERY, "n": every_minutes}, field="every_minutes",
        )


def stops_check(stops: Sequence[ShuttleStop], *, edition=None) -> None:
    """The rules of a loop's stops (unsaved ShuttleStop objects are fine; `edition`, if given, is
    the loop's, whose hotels the stops must be at). Each refusal names the stop by its order."""
    if len(stops) < MIN_STOPS:
        raise DomainError(
            "too_few_stops", _("A shuttle loop has at least %(min)d stops, and this one has %(n)d: add the places it serves, in order.")
            % {"min": MIN_STOPS, "n": len(stops)}, field="stops",
        )
    for stop in stops:
        if stop.hotel_id and stop.venue_id:
            raise DomainError(
                "stop_two_places", _("Stop %(position)d is at a hotel and at a venue: choose one of them.") % {"position": stop.position}, field="stops",
            )
        if not stop.hotel_id and not stop.venue_id and not (stop.name_zh or "").strip():
            raise DomainError(
                "stop_place_required", _("Stop %(position)d has no place: choose a hotel or a venue, or type the place's name in Chinese.")
                % {"position": stop.position}, field="stops",
            )
        if edition is not None and stop.hotel_id and stop.hotel.edition_id != edition.pk:
            raise DomainError(
                "hotel_of_another_edition", _("Stop %(position)d: %(hotel)s is a hotel of another edition. Choose one of this edition's hotels.")
                % {"position": stop.position, "hotel": pick(stop.hotel, "name")}, field="stops",
            )
    ordered = sorted(stops, key=lambda stop: stop.position)
    for before, after in pairwise(ordered):
        if before.position == after.position:
            raise DomainError(
                "stops_out_of_order", _("Two stops have the order %(position)d: give each stop its own place in the order.") % {"position": after.position},
                field="stops",
            )
    first = ordered[0]
    if first.minutes != 0:
        raise DomainError(
            "stops_out_of_order", _("The first stop (%(stop)s) is where the bus leaves from: its minutes after departure are 0, not %(n)d.")
            % {"stop": stop_name(first), "n": first.minutes}, field="stops",
        )
    for before, after in pairwise(ordered):
        if after.minutes <= before.minutes:
            raise DomainError(
                "stops_out_of_order",
                _("Stop %(position)d (%(stop)s) is reached %(n)d minutes after departure, not later than the stop before it (%(before)d minutes): the minutes must increase with the order.")
                % {"position": after.position, "stop": stop_name(after), "n": after.minutes, "before": before.minutes}, field="stops",
            )


# -- writing ------------------------------------------------------------------------------------------


def loop_create(edition, *, name_zh: str, name_en: str = "", first_day: date, last_day: date, first_departure: time, last_departure: time,
                every_minutes: int, stops: Sequence[dict]) -> ShuttleLoop:
    """A loop and its stops, after loop_check and stops_check; `stops` are dicts of position,
    minutes and hotel, venue or name_zh/name_en. Nothing is saved on a refusal."""
    loop_check(edition, first_day=first_day, last_day=last_day, first_departure=first_departure, last_departure=last_departure, every_minutes=every_minutes)
    loop = ShuttleLoop(
        edition=edition, name_zh=name_zh, name_en=name_en, first_day=first_day, last_day=last_day,
        first_departure=first_departure, last_departure=last_departure, every_minutes=every_minutes,
    )
    drafts = [ShuttleStop(loop=loop, **fields) for fields in stops]
    stops_check(drafts, edition=edition)
    with transaction.atomic():
        loop.save()
        for draft in drafts:
            draft.loop = loop
        ShuttleStop.objects.bulk_create(drafts)
    return loop
