"""Hotels (issue 24): rooms held in blocks, a guest's stay in one of them, occupancy, the rooming
list a hotel receives and the change log since it was sent. The admin, the guest's page and the
dashboard call these; each refusal is a DomainError with a stable code and the field it names.

A stay is RoomStay (the room, the nights) and one RoomNight per night (the bed): the unique
(block, room, night, bed) is the database's guard against overbooking. Every change locks the
block's row first (select_for_update), so two organizers allocating in one block are served one
after the other and the second is told `room_full`; should that lock ever be missing, the
constraint still refuses the second bed and the refusal is the same (`room_full`).

Two guests share a room only if both agreed (`shares_room`): a guest who did not agree gets a room
nobody else sleeps in on any of their nights; one who agreed may be put beside guests who agreed
too (the lowest room first), or beside the guest named in `share_with`.

Nights are the dates a guest goes to sleep: a stay of first_night 11-09 and last_night 11-11 is
three nights, checking out on 11-12. By default they follow the guest's travel (nights_from_travel).

Codes: `not_eligible` (409: the registration is not approved, or of another edition),
`nights_required` (no nights given and no arrival and departure to take them from),
`nights_out_of_order`, `nights_outside_block`, `already_staying` (409: the guest has a room on one
of those nights, the hotel named), `room_full` (409: no room has a free bed every night),
`share_not_agreed` (409: one of the two did not agree to share), `share_with_not_staying` (409: the
guest to share with has no room in the block on those nights), `stay_gone` (409: cancelled
meanwhile), `room_shared` (409: an agreement to share cannot be withdrawn while the room is
shared), and for a block's change `rooms_in_use`, `beds_in_use`, `nights_in_use`."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from registration.enums import RegistrationStatus
from registration.models import Registration
from wic.display import BEIJING, beijing_text
from wic.errors import DomainError
from wic.i18n import pick

from .enums import Direction
from .models import RoomBlock, RoomNight, RoomStay, TravelLeg

# Switched off only by the race test's negative control (tests/travel/test_hotels_race.py): the
# block's row is then read without its lock, and only RoomNight's unique constraint stands
# between two organizers and the same bed.
LOCK_BLOCK = True


def _beds_checked() -> None:
    """Called between reading which beds are free and taking one (the race test widens the window here)."""


def _refused_by_constraint() -> None:
    """Called when the database's constraint, not the check before it, refused a bed (the race test counts these)."""


# -- names -------------------------------------------------------------------------------------------


def block_name(block: RoomBlock) -> str:
    """"Hotel · room type" in the active language (the block's hotel loaded)."""
    return f"{pick(block.hotel, 'name')} · {pick(block, 'room_type')}"


def guest_name(registration: Registration) -> str:
    """A guest's name as their page shows it: "Li Wei · 李伟", or the name alone."""
    return f"{registration.name} · {registration.name_zh}" if registration.name_zh else registration.name


def nights_of(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _iso(day: date) -> str:
    return day.isoformat()


# -- nights from travel ------------------------------------------------------------------------------


def _beijing_day(moment: datetime) -> date:
    return timezone.localtime(moment, BEIJING).date()


def nights_from_legs(legs) -> tuple[date, date] | None:
    """(first, last) night from a guest's arrival and departure (TravelLeg rows): the night of the
    arrival's Beijing date up to the night before the departure's; None without both, or when the
    guest leaves the day they arrive."""
    by_direction = {leg.direction: leg for leg in legs}
    arrival, departure = by_direction.get(Direction.ARRIVAL), by_direction.get(Direction.DEPARTURE)
    if arrival is None or departure is None:
        return None
    first = _beijing_day(arrival.expected_at)
    last = _beijing_day(departure.expected_at) - timedelta(days=1)
    return (first, last) if last >= first else None


def nights_from_travel(registration: Registration) -> tuple[date, date] | None:
    """The default nights of a stay, from the guest's travel (one query)."""
    return nights_from_legs(TravelLeg.objects.filter(registration=registration))


# -- checks --------------------------------------------------------------------------------------------


def _not_eligible(registration: Registration, block: RoomBlock) -> DomainError:
    return DomainError(
        "not_eligible",
        _("%(guest)s cannot have a room at %(hotel)s: only approved guests of the hotel's edition can.")
        % {"guest": registration.name, "hotel": pick(block.hotel, "name")},
        status=409, field="registration",
    )


def _eligible(registration: Registration, block: RoomBlock) -> bool:
    return registration.status == RegistrationStatus.APPROVED and registration.edition_id == block.hotel.edition_id


def _check_nights(block: RoomBlock, first: date, last: date) -> None:
    if last < first:
        raise DomainError(
            "nights_out_of_order",
            _("The last night (%(last)s) comes before the first night (%(first)s).") % {"first": _iso(first), "last": _iso(last)},
            field="last_night",
        )
    if first < block.first_night or last > block.last_night:
        raise DomainError(
            "nights_outside_block",
            _("%(block)s is held for the nights %(first)s to %(last)s: choose nights within them.")
            % {"block": block_name(block), "first": _iso(block.first_night), "last": _iso(block.last_night)},
            field="first_night" if first < block.first_night else "last_night",
        )


def _check_not_staying(registration: Registration, first: date, last: date, *, exclude: int | None = None) -> None:
    """The guest has no other stay on any of those nights (in any hotel)."""
    other = (
        RoomStay.objects.filter(registration=registration, first_night__lte=last, last_night__gte=first)
        .exclude(pk=exclude).select_related("block__hotel").order_by("first_night").first()
    )
    if other is not None:
        raise DomainError(
            "already_staying",
            _("%(guest)s already has a room at %(hotel)s for the nights %(first)s to %(last)s.")
            % {"guest": registration.name, "hotel": pick(other.block.hotel, "name"), "first": _iso(other.first_night), "last": _iso(other.last_night)},
            status=409, field="registration",
        )


def _given_nights(registration: Registration, first_night, last_night) -> tuple[date, date]:
    if first_night is not None and last_night is not None:
        return first_night, last_night
    from_travel = nights_from_travel(registration)
    if from_travel is None:
        raise DomainError(
            "nights_required",
            _("Enter the first and last night: %(guest)s has not given both an arrival and a departure to take them from.") % {"guest": registration.name},
            field="first_night" if first_night is None else "last_night",
        )
    return first_night or from_travel[0], last_night or from_travel[1]


# -- rooms and beds ---------------------------------------------------------------------------------


@dataclass
class _Room:
    """What is taken in one room of a block on the nights asked for."""

    beds: dict = field(default_factory=lambda: defaultdict(set))  # night -> beds taken
    agreed: dict = field(default_factory=dict)  # stay id -> whether its guest agreed to share


def _taken(block: RoomBlock, nights: list[date], *, exclude: int | None = None) -> dict[int, _Room]:
    """The beds taken in the block on those nights, by room (one query)."""
    rooms: dict[int, _Room] = defaultdict(_Room)
    rows = RoomNight.objects.filter(block=block, night__in=nights).exclude(stay_id=exclude).values_list("room_number", "night", "bed", "stay_id", "stay__shares_room")
    for room, night, bed, stay_id, agreed in rows:
        rooms[room].beds[night].add(bed)
        rooms[room].agreed[stay_id] = agreed
    return rooms


def _has_bed(room: _Room | None, nights: list[date], beds: int) -> bool:
    return room is None or all(len(room.beds[night]) < beds for night in nights)


def _may_share(room: _Room | None, shares_room: bool) -> bool:
    """Nobody else sleeps there those nights, or everyone there and the new guest agreed."""
    return room is None or not room.agreed or (shares_room and all(room.agreed.values()))


def _free_room(block: RoomBlock, taken: dict[int, _Room], nights: list[date], shares_room: bool, *, prefer: int | None = None) -> int | None:
    """The room the guest gets: `prefer` if it still fits, else the lowest-numbered room with a
    free bed every night that the guest may share (or have alone); None when there is none."""
    order = ([prefer] if prefer else []) + [n for n in range(1, block.rooms + 1) if n != prefer]
    for number in order:
        room = taken.get(number)
        if _has_bed(room, nights, block.guests_per_room) and _may_share(room, shares_room):
            return number
    return None


def _room_full(block: RoomBlock, first: date, last: date, *, field: str = "block") -> DomainError:
    return DomainError(
        "room_full",
        _("No room of %(block)s has a free bed every night from %(first)s to %(last)s.") % {"block": block_name(block), "first": _iso(first), "last": _iso(last)},
        status=409, field=field,
    )


def _not_agreed(guest_name: str, field: str) -> DomainError:
    return DomainError(
        "share_not_agreed", _("%(guest)s has not agreed to share a room.") % {"guest": guest_name}, status=409, field=field,
    )


def _shared_room(block, registration, share_with, taken, nights, first, last, shares_room) -> int:
    """The room of `share_with`'s stay in the block on those nights, if both (and whoever else
    sleeps there) agreed and it has a free bed every night."""
    theirs = (
        RoomStay.objects.filter(block=block, registration=share_with, first_night__lte=last, last_night__gte=first)
        .select_related("registration").order_by("first_night").first()
    )
    if theirs is None:
        raise DomainError(
            "share_with_not_staying",
            _("%(guest)s has no room in %(block)s on those nights to share.") % {"guest": share_with.name, "block": block_name(block)},
            status=409, field="share_with",
        )
    if not shares_room:
        raise _not_agreed(registration.name, "shares_room")
    room = taken.get(theirs.room_number)
    if not theirs.shares_room or not _may_share(room, True):
        raise _not_agreed(share_with.name if not theirs.shares_room else _("another guest of that room"), "share_with")
    if not _has_bed(room, nights, block.guests_per_room):
        raise DomainError(
            "room_full",
            _("The room of %(guest)s has no free bed every night from %(first)s to %(last)s.") % {"guest": share_with.name, "first": _iso(first), "last": _iso(last)},
            status=409, field="share_with",
        )
    return theirs.room_number


def _bed_nights(stay: RoomStay, block: RoomBlock, room: _Room | None, nights: list[date]) -> list[RoomNight]:
    """One RoomNight per night, on the lowest bed free that night."""
    rows = []
    for night in nights:
        taken = room.beds[night] if room is not None else set()
        bed = next(n for n in range(1, block.guests_per_room + 1) if n not in taken)
        rows.append(RoomNight(stay=stay, block=block, room_number=stay.room_number, night=night, bed=bed))
    return rows


def _lock_block(block) -> RoomBlock:
    blocks = RoomBlock.objects.select_related("hotel")
    if LOCK_BLOCK:
        blocks = blocks.select_for_update(of=("self",))
    return blocks.get(pk=block.pk)


def _locked_registration(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration.pk)


def _write(block: RoomBlock, stay: RoomStay, room: _Room | None, nights: list[date], first: date, last: date, *, field: str) -> None:
    """Save the stay and its bed-nights; the constraint's refusal (the lock missing, or a row
    written outside these services) is `room_full`, and nothing of it stays."""
    try:
        with transaction.atomic():
            stay.save()
            RoomNight.objects.bulk_create(_bed_nights(stay, block, room, nights))
    except IntegrityError:
        _refused_by_constraint()
        raise _room_full(block, first, last, field=field) from None


def _audit(actor):
    from people.invitations import _audit_actor

    return _audit_actor(actor)


# -- the services -------------------------------------------------------------------------------------


def stay_allocate(block: RoomBlock, registration: Registration, *, first_night: date | None = None, last_night: date | None = None,
                  share_with: Registration | None = None, shares_room: bool = False, actor=None) -> RoomStay:
    """Give the guest a room of the block for the nights first_night..last_night (by default from
    their travel): the lowest-numbered room with a free bed every night that they may have (alone,
    or beside guests who agreed to share when they agreed too), or the room of `share_with` (both
    must have agreed). One transaction, the block's row locked first."""
    block = RoomBlock.objects.select_related("hotel").get(pk=block.pk)
    if not _eligible(registration, block):
        raise _not_eligible(registration, block)
    first, last = _given_nights(registration, first_night, last_night)
    with transaction.atomic(), _audit(actor):
        block = _lock_block(block)
        registration = _locked_registration(registration)
        if not _eligible(registration, block):  # decided meanwhile: judged on the locked row
            raise _not_eligible(registration, block)
        _check_nights(block, first, last)
        _check_not_staying(registration, first, last)
        nights = nights_of(first, last)
        taken = _taken(block, nights)
        if share_with is not None:
            number = _shared_room(block, registration, share_with, taken, nights, first, last, shares_room)
        else:
            number = _free_room(block, taken, nights, shares_room)
            if number is None and not shares_room and _free_room(block, taken, nights, True) is not None:
                raise DomainError(
                    "room_full",
                    _("Every room of %(block)s with a free bed every night from %(first)s to %(last)s has another guest, and %(guest)s has not agreed to share.")
                    % {"block": block_name(block), "first": _iso(first), "last": _iso(last), "guest": registration.name},
                    status=409, field="block",
                )
            if number is None:
                raise _room_full(block, first, last)
        _beds_checked()
        stay = RoomStay(block=block, registration=registration, room_number=number, first_night=first, last_night=last, shares_room=shares_room)
        _write(block, stay, taken.get(number), nights, first, last, field="share_with" if share_with is not None else "block")
    return stay


def _locked_stay(stay: RoomStay) -> tuple[RoomBlock, RoomStay]:
    """The stay's block locked, then the stay read again (it may have been cancelled meanwhile)."""
    block = _lock_block(RoomBlock(pk=stay.block_id))
    current = RoomStay.objects.select_related("registration").filter(pk=stay.pk).first()
    if current is None:
        raise DomainError("stay_gone", _("This stay was cancelled meanwhile."), status=409, field="stay")
    current.block = block
    return block, current


def stay_move(stay: RoomStay, *, first_night: date, last_night: date, actor=None) -> RoomStay:
    """Change the stay's nights: the same room when it still has a free bed every night (and the
    sharing still agreed), else the lowest other room that fits, else `room_full` with nothing
    changed."""
    with transaction.atomic(), _audit(actor):
        block, stay = _locked_stay(stay)
        _locked_registration(stay.registration)
        _check_nights(block, first_night, last_night)
        _check_not_staying(stay.registration, first_night, last_night, exclude=stay.pk)
        nights = nights_of(first_night, last_night)
        taken = _taken(block, nights, exclude=stay.pk)
        number = _free_room(block, taken, nights, stay.shares_room, prefer=stay.room_number)
        if number is None:
            raise _room_full(block, first_night, last_night, field="first_night")
        _beds_checked()
        RoomNight.objects.filter(stay=stay).delete()
        stay.room_number, stay.first_night, stay.last_night = number, first_night, last_night
        _write(block, stay, taken.get(number), nights, first_night, last_night, field="first_night")
    return stay


def stay_cancel(stay: RoomStay, *, actor=None) -> None:
    """Cancel the stay: its bed-nights go with it (the beds are free again). A stay already
    cancelled is left as it is."""
    with transaction.atomic(), _audit(actor):
        _lock_block(RoomBlock(pk=stay.block_id))
        current = RoomStay.objects.filter(pk=stay.pk).first()
        if current is not None:
            current.delete()


def stay_agree_to_share(stay: RoomStay, *, shares_room: bool, actor=None) -> RoomStay:
    """Record whether the guest agrees to share their room. The agreement cannot be withdrawn while
    someone else sleeps in the room on one of the stay's nights (`room_shared`)."""
    with transaction.atomic(), _audit(actor):
        block, stay = _locked_stay(stay)
        if stay.shares_room == shares_room:
            return stay
        if not shares_room:
            room = _taken(block, nights_of(stay.first_night, stay.last_night), exclude=stay.pk).get(stay.room_number)
            if room is not None and room.agreed:
                raise DomainError(
                    "room_shared",
                    _("%(guest)s shares room %(room)s with another guest: move one of them before withdrawing the agreement.")
                    % {"guest": stay.registration.name, "room": stay.room_number},
                    status=409, field="shares_room",
                )
        stay.shares_room = shares_room
        stay.save(update_fields=["shares_room"])
    return stay


def check_block_change(block: RoomBlock, *, rooms: int, guests_per_room: int, first_night: date, last_night: date) -> None:
    """Whether a block may be changed so: it keeps every room, bed and night its stays hold (one
    query; a new block, not saved yet, holds none)."""
    if block.pk is None:
        return
    used = RoomNight.objects.filter(block=block).aggregate(room=Max("room_number"), bed=Max("bed"), first=Min("night"), last=Max("night"))
    if used["room"] is None:
        return
    if rooms < used["room"]:
        raise DomainError(
            "rooms_in_use", _("Room %(room)s of this block has guests: keep at least %(room)s rooms, or move them first.") % {"room": used["room"]}, field="rooms",
        )
    if guests_per_room < used["bed"]:
        raise DomainError(
            "beds_in_use", _("A room of this block has %(beds)s guests on one night: keep at least %(beds)s guests per room.") % {"beds": used["bed"]},
            field="guests_per_room",
        )
    if first_night > used["first"] or last_night < used["last"]:
        raise DomainError(
            "nights_in_use",
            _("Guests stay in this block from the night of %(first)s to the night of %(last)s: the block must hold those nights.")
            % {"first": _iso(used["first"]), "last": _iso(used["last"])},
            field="first_night" if first_night > used["first"] else "last_night",
        )


# -- occupancy -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NightCount:
    night: date
    used: int  # rooms with at least one bed taken
    held: int  # rooms held

    @property
    def full(self) -> bool:
        return self.used >= self.held


@dataclass(frozen=True)
class BlockOccupancy:
    block_id: int
    hotel_id: int
    hotel_name_zh: str
    hotel_name_en: str
    room_type_zh: str
    room_type_en: str
    rooms: int
    nights: tuple[NightCount, ...]

    @property
    def hotel_name(self) -> str:
        return pick(self, "hotel_name")

    @property
    def room_type(self) -> str:
        return pick(self, "room_type")


@dataclass(frozen=True)
class HotelOccupancy:
    hotel_id: int
    name_zh: str
    name_en: str
    nights: tuple[NightCount, ...]  # every night a block of the hotel holds, summed over its blocks
    blocks: tuple[BlockOccupancy, ...]


def occupancy(edition=None, *, hotel=None, block=None) -> list[BlockOccupancy]:
    """Rooms used and held per night per block, for the edition's blocks (or one hotel's, or one
    block), in ONE query: the blocks left-joined to their stays' bed-nights, grouped by block and
    night, counting distinct rooms (a room is used if any bed of it is taken). Every night of a
    block is listed, 0 where nobody sleeps."""
    blocks = RoomBlock.objects.all()
    if edition is not None:
        blocks = blocks.filter(hotel__edition=edition)
    if hotel is not None:
        blocks = blocks.filter(hotel=hotel)
    if block is not None:
        blocks = blocks.filter(pk=block.pk)
    rows = (
        blocks.values(
            "pk", "hotel_id", "hotel__name_zh", "hotel__name_en", "room_type_zh", "room_type_en", "rooms", "first_night", "last_night",
            night=F("stays__nights__night"),
        )
        .annotate(used=Count("stays__nights__room_number", distinct=True))
        .order_by("hotel__name_zh", "hotel_id", "first_night", "pk")
    )
    found: dict[int, dict] = {}
    used: dict[tuple[int, date], int] = {}
    for row in rows:
        found.setdefault(row["pk"], row)
        if row["night"] is not None:
            used[row["pk"], row["night"]] = row["used"]
    return [
        BlockOccupancy(
            block_id=pk, hotel_id=row["hotel_id"], hotel_name_zh=row["hotel__name_zh"], hotel_name_en=row["hotel__name_en"],
            room_type_zh=row["room_type_zh"], room_type_en=row["room_type_en"], rooms=row["rooms"],
            nights=tuple(NightCount(night, used.get((pk, night), 0), row["rooms"]) for night in nights_of(row["first_night"], row["last_night"])),
        )
        for pk, row in found.items()
    ]


def by_hotel(blocks: list[BlockOccupancy]) -> list[HotelOccupancy]:
    """The blocks' occupancy summed per hotel and night (no query)."""
    hotels: dict[int, list[BlockOccupancy]] = {}
    for block in blocks:
        hotels.setdefault(block.hotel_id, []).append(block)
    result = []
    for hotel_id, its in hotels.items():
        nights: dict[date, list[int]] = {}
        for block in its:
            for count in block.nights:
                total = nights.setdefault(count.night, [0, 0])
                total[0] += count.used
                total[1] += count.held
        result.append(HotelOccupancy(
            hotel_id=hotel_id, name_zh=its[0].hotel_name_zh, name_en=its[0].hotel_name_en,
            nights=tuple(NightCount(night, used, held) for night, (used, held) in sorted(nights.items())), blocks=tuple(its),
        ))
    return result


# -- roommates and the rooming list -------------------------------------------------------------------


def roommates(stays) -> dict[int, list[RoomStay]]:
    """For each stay, the other stays of its room on one of its nights (one query, registrations
    loaded), by the stay's id."""
    stays = list(stays)
    if not stays:
        return {}
    pairs = {(stay.block_id, stay.room_number) for stay in stays}
    candidates = list(
        RoomStay.objects.filter(block_id__in={b for b, _r in pairs}, room_number__in={r for _b, r in pairs})
        .select_related("registration").order_by("first_night", "pk")
    )
    found = {}
    for stay in stays:
        found[stay.pk] = [
            other for other in candidates
            if other.pk != stay.pk and (other.block_id, other.room_number) == (stay.block_id, stay.room_number)
            and other.first_night <= stay.last_night and other.last_night >= stay.first_night
        ]
    return found


# The rooming list's columns, in order (the admin's export headers).
ROOMING_HEADERS = (
    gettext_lazy("guest name"), gettext_lazy("name in Chinese"), gettext_lazy("country or region"), gettext_lazy("room type"),
    gettext_lazy("room number"), gettext_lazy("first night"), gettext_lazy("last night"), gettext_lazy("nights"), gettext_lazy("shares with"),
    gettext_lazy("arrives at"), gettext_lazy("flight or train number"), gettext_lazy("arrival (Beijing time)"), gettext_lazy("notes"),
)


def rooming_rows(stays) -> list[list]:
    """The rooming list's rows of `stays` (registration and block with its hotel loaded): two
    queries whatever their number (the roommates, the travel). Dates as YYYY-MM-DD, times in
    Beijing time; the notes say what the hotel should know: an arrival reported late, people
    travelling with the guest, nights that differ from the travel dates."""
    stays = list(stays)
    mates = roommates(stays)
    legs: dict[int, list[TravelLeg]] = defaultdict(list)
    for leg in TravelLeg.objects.filter(registration_id__in={stay.registration_id for stay in stays}):
        legs[leg.registration_id].append(leg)
    rows = []
    for stay in stays:
        guest = stay.registration
        its = legs.get(guest.pk, [])
        arrival = next((leg for leg in its if leg.direction == Direction.ARRIVAL), None)
        notes = []
        if arrival is not None and arrival.delayed_to is not None:
            notes.append(_("arrival reported late: %(time)s") % {"time": beijing_text(arrival.delayed_to)})
        if arrival is not None and arrival.seats > 1:
            notes.append(ngettext("travels with %(count)s other person", "travels with %(count)s other people", arrival.seats - 1) % {"count": arrival.seats - 1})
        travel = nights_from_legs(its)
        if travel is not None and travel != (stay.first_night, stay.last_night):
            notes.append(_("travel dates suggest the nights %(first)s to %(last)s") % {"first": _iso(travel[0]), "last": _iso(travel[1])})
        rows.append([
            guest.name, guest.name_zh, guest.country.name if guest.country else "", pick(stay.block, "room_type"), stay.room_number,
            _iso(stay.first_night), _iso(stay.last_night), (stay.last_night - stay.first_night).days + 1,
            ", ".join(other.registration.name for other in mates.get(stay.pk, [])),
            arrival.get_hub_display() if arrival else "", arrival.number if arrival else "",
            beijing_text(arrival.expected_at) if arrival else "", "; ".join(notes),
        ])
    return rows


# -- the change log of a hotel ------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    at: datetime
    action: str  # "created", "changed", "cancelled"
    stay_id: int
    guest: str
    actor: str
    details: str


ACTIONS = {0: "created", 1: "changed", 2: "cancelled"}
ACTION_LABELS = {
    "created": pgettext_lazy("a hotel stay", "created"), "changed": pgettext_lazy("a hotel stay", "changed"), "cancelled": pgettext_lazy("a hotel stay", "cancelled"),
}
SHOWN_FIELDS = ("room_number", "first_night", "last_night", "shares_room")


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def hotel_changes(hotel, *, since: datetime) -> list[Change]:
    """The stays of the hotel created, changed or cancelled since `since`, from the audit trail
    (auditlog's LogEntry of travel.RoomStay), oldest first. A stay is the hotel's if it is in one
    of its blocks now, or if the trail's creation or cancellation names one of its blocks (the
    stay is gone). Four queries whatever the number of entries."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(RoomStay)
    block_ids = list(RoomBlock.objects.filter(hotel=hotel).values_list("pk", flat=True))
    if not block_ids:
        return []
    trail = LogEntry.objects.filter(content_type=kind)
    named = Q(changes__block__1__in=block_ids) | Q(changes__block__0__in=block_ids)
    ours = Q(object_id__in=RoomStay.objects.filter(block_id__in=block_ids).values("pk")) | Q(
        object_id__in=trail.filter(named, action__in=[0, 2]).values("object_id")
    )
    entries = list(trail.filter(ours, timestamp__gte=since, action__in=list(ACTIONS)).select_related("actor").order_by("timestamp", "pk"))
    # The guest of each stay: the trail's creation or cancellation names the registration.
    guests_of: dict[int, int] = {}
    for stay_id, changes in trail.filter(object_id__in={e.object_id for e in entries}, action__in=[0, 2]).values_list("object_id", "changes"):
        values = (changes or {}).get("registration") or [None, None]
        guests_of[stay_id] = values[1] if values[1] not in (None, "None") else values[0]
    names = dict(Registration.objects.filter(pk__in={g for g in guests_of.values() if g not in (None, "None")}).values_list("pk", "name"))
    labels = {name: str(RoomStay._meta.get_field(name).verbose_name) for name in SHOWN_FIELDS}
    changes = []
    for entry in entries:
        action = ACTIONS[entry.action]
        parts = []
        for name in SHOWN_FIELDS:
            old, new = (entry.changes or {}).get(name, (None, None))
            if action == "created":
                parts.append(f"{labels[name]}: {_shown(new)}")
            elif action == "cancelled":
                parts.append(f"{labels[name]}: {_shown(old)}")
            elif name in (entry.changes or {}):
                parts.append(f"{labels[name]}: {_shown(old)} → {_shown(new)}")
        guest_id = guests_of.get(entry.object_id)
        changes.append(Change(
            at=entry.timestamp, action=action, stay_id=entry.object_id,
            guest=names.get(_int(guest_id), _("(no longer registered)")), actor=entry.actor.get_username() if entry.actor else "",
            details="; ".join(parts),
        ))
    return changes


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shown(value) -> str:
    if value is True or value == "True":
        return _("yes")
    if value is False or value == "False":
        return _("no")
    return "" if value in (None, "None") else str(value)


# -- the guest's section and the dashboard's panel ------------------------------------------------------


@dataclass(frozen=True)
class GuestStay:
    stay: RoomStay  # its block and the block's hotel loaded
    check_out: date  # the morning after the last night
    nights: int
    roommates: tuple[str, ...]  # the names (guest_name) of those sharing the room who agreed to it
    others: int  # those sharing the room who did not agree (never named; none unless edited outside the services)


@dataclass(frozen=True)
class HotelSection:
    stays: tuple[GuestStay, ...]


def hotel_section(registration: Registration, request=None) -> HotelSection | None:
    """The "Hotel" section of the guest's registration page (contrib_hotels): the guest's stays,
    earliest first, with whom each room is shared; None without a stay. Two queries at most."""
    stays = list(registration.room_stays.select_related("block__hotel").order_by("first_night", "pk"))
    if not stays:
        return None
    mates = roommates(stays)
    return HotelSection(stays=tuple(
        GuestStay(
            stay=stay, check_out=stay.last_night + timedelta(days=1), nights=(stay.last_night - stay.first_night).days + 1,
            roommates=tuple(guest_name(other.registration) for other in mates[stay.pk] if other.shares_room),
            others=sum(1 for other in mates[stay.pk] if not other.shares_room),
        )
        for stay in stays
    ))


@dataclass(frozen=True)
class HotelRow:
    hotel_id: int
    name_zh: str
    name_en: str
    cells: tuple[NightCount | None, ...]  # one per night of the panel; None where the hotel holds no room that night


@dataclass(frozen=True)
class HotelsPanel:
    edition_id: int
    nights: tuple[date, ...]
    hotels: tuple[HotelRow, ...]
    used: int  # room-nights used, all hotels
    held: int  # room-nights held


def hotels_panel(edition, *, now: datetime | None = None) -> HotelsPanel:
    """The dashboard's "hotels" panel: rooms used / held per night per hotel. One query (occupancy)."""
    hotels = by_hotel(occupancy(edition))
    nights = tuple(sorted({count.night for hotel in hotels for count in hotel.nights}))
    rows = []
    for hotel in hotels:
        counts = {count.night: count for count in hotel.nights}
        rows.append(HotelRow(hotel_id=hotel.hotel_id, name_zh=hotel.name_zh, name_en=hotel.name_en, cells=tuple(counts.get(night) for night in nights)))
    return HotelsPanel(
        edition_id=edition.pk, nights=nights, hotels=tuple(rows),
        used=sum(c.used for h in hotels for c in h.nights), held=sum(c.held for h in hotels for c in h.nights),
    )
