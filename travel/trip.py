"""The guest's "my trip" card (issue 24): at the top of the travel part of their private
registration page, one card that sums up, in the page's language, what the sections below it say
at length: the visa letter's state (and its PDF once approved), the pickup run (its number,
departure, airport or station, vehicle and meeting point), the hotel (room type, nights, check-in
and check-out dates) and the shuttle loops serving that hotel (the first and the last bus there,
how often, and on a summit day the next few). Each part links down to its section.

Only a guest who comes to Wuzhen sees it: no card for one taking part online or rejected. A
registration still awaiting its decision gets the letter's line only (the letter may be asked for
before approval, travel.letters.eligible); the rest comes with the approval.

It reads through the same services as the sections (travel.guest.letter_section,
travel.arrivals.trip, travel.shuttles) and costs four queries at most, whatever the number of
letters, stays, loops or stops: the letters, the legs with the pickup, the stays with their
hotels, the loops at those hotels (none without a stay)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from registration.enums import Participation, RegistrationStatus
from registration.models import Registration
from wic.display import BEIJING

from . import arrivals, shuttles
from .guest import LetterSection, letter_section
from .models import RoomStay


@dataclass(frozen=True)
class CardStay:
    stay: RoomStay  # its block and hotel loaded
    check_out: date
    nights: int


@dataclass(frozen=True)
class TripCard:
    """The card's data. `pickup` says which sentence the pickup line shows: "planned" (trip.run),
    "not_planned" (the guest asked for the car, the run is not planned yet), "not_needed" (the
    guest comes on their own, or by car), "not_given" (no arrival given yet)."""

    approved: bool
    letter: LetterSection | None
    trip: arrivals.Trip | None = None
    pickup: str = ""
    stays: tuple[CardStay, ...] = ()
    shuttles: tuple[shuttles.HotelShuttle, ...] = ()
    today: date | None = None

    @property
    def approved_letter(self):
        letter = self.letter.letter if self.letter else None
        return letter if letter is not None and letter.status == "approved" else None


def pickup_state(trip: arrivals.Trip) -> str:
    if trip.run is not None:
        return "planned"
    if trip.arrival is None:
        return "not_given"
    return "not_planned" if trip.arrival.needs_pickup else "not_needed"


def days_at_hotels(stays) -> dict[int, set[date]]:
    """Per hotel, the days a guest is there: from the first night to the morning they check out."""
    days: dict[int, set[date]] = {}
    for stay in stays:
        span = (stay.last_night - stay.first_night).days + 2
        days.setdefault(stay.block.hotel_id, set()).update(stay.first_night + timedelta(days=n) for n in range(span))
    return days


def trip_card(registration: Registration, request=None, *, now: datetime | None = None) -> TripCard | None:
    """The card of `registration` (the GuestSection's build, travel/contrib_trip.py), or None when
    the guest does not come to Wuzhen. Four queries at most (see the module's docstring)."""
    if registration.participation != Participation.ON_SITE or registration.status == RegistrationStatus.REJECTED:
        return None
    letter = letter_section(registration)
    if registration.status != RegistrationStatus.APPROVED:
        return TripCard(approved=False, letter=letter)
    now = timezone.localtime(now or timezone.now(), BEIJING)
    trip = arrivals.trip(registration)
    stays = list(registration.room_stays.select_related("block__hotel").order_by("first_night", "pk"))
    found = shuttles.loops_at_hotels({stay.block.hotel_id for stay in stays}, registration.edition_id)
    return TripCard(
        approved=True, letter=letter, trip=trip, pickup=pickup_state(trip),
        stays=tuple(CardStay(stay=stay, check_out=stay.last_night + timedelta(days=1), nights=(stay.last_night - stay.first_night).days + 1) for stay in stays),
        shuttles=tuple(shuttles.hotel_shuttles(found, days_at_hotels(stays), now=now)),
        today=now.date(),
    )
