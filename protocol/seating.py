"""Seating plans (issue 23): tables or rows, automatic seating by precedence, manual moves.

What must hold: no seat holds two people and no card has two seats (database constraints on
SeatAssignment); only accepted cards are seated; every change of a card's seat is mirrored in
the same transaction to `registration.Invitation`, which the gate reads ("Table 3 · seat 5").

- `plan_create`: a plan of tables (up to 40 seats each) or rows (up to 200), never more seats than
  the hall's capacity (`plan_too_large`), one per item (`plan_exists`), blocks checked (`bad_block`).
- `auto_seat`: seats every accepted card without a seat, keeping the seats already given. The
  rank of a card: its delegation's precedence, else its person's precedence, else 1000; then its
  delegation (members of one delegation stay next to each other in rank order), the member's
  order in the delegation, the name. An interpreter (DelegationMember.is_interpreter with a
  principal) follows their principal and sits directly beside them (two interpreters: one on each
  side). The head blocks are filled first, strictly by rank: seating stops there at the first
  guest (with their interpreters) who no longer fits, so nobody at a head table ranks below
  anyone elsewhere. The other guests go, delegation by delegation in rank order, to the first
  table or row where the whole delegation fits; a delegation larger than any free block is seated
  in consecutive seats across blocks. Whoever is left then takes any free seat (interpreters apart
  from their principal if need be: the report names them); nobody is left out while a seat is free.
  Computed in memory, written with one bulk insert (plus its audit entries and the gate's rows),
  the plan row locked, in a number of queries that does not depend on the guests.
- `seat_move`: one guest to one seat. Refusals: `seat_taken` (409, naming who sits there),
  `no_such_seat` (400), `not_accepted` (409). Two organizers moving different guests to one seat
  at the same moment: the unique constraint lets one insert through; the other gets `seat_taken`.
- `seat_clear`: the guest loses their seat.
Each is audited with the organizer as actor (django-auditlog; auto-seating writes its entries in bulk).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registration.models import Invitation, seat_label
from wic.errors import ConflictError, DomainError

from .enums import CardStatus, PlanLayout
from .models import InvitationCard, SeatAssignment, SeatBlock, SeatingPlan
from .sync import mirror

MAX_TABLE_SEATS = 40
MAX_ROW_SEATS = 200
MAX_BLOCKS = 500
NO_RANK = 1000
# Switched off only by the seat race's negative control (tests/protocol/test_seating_race.py):
# seat_move then puts the guest in the seat whoever holds it, instead of letting the database
# constraint refuse the second organizer, so several organizers are told they succeeded.
REFUSE_TAKEN_SEAT = True


def _seat_checked() -> None:
    """Called between reading whether a seat is free and taking it (the race test widens the window here)."""


# -- plans -----------------------------------------------------------------------------------------


def blocks_check(layout: str, blocks, capacity: int | None) -> list[tuple[str, int, bool]]:
    """The blocks of a plan, cleaned ([(label, seats, is_head)]), or DomainError: `bad_block`
    (an empty or too long label, seats below 1 or above 40 at a table / 200 in a row, a label twice),
    `plan_too_large` (more seats than the hall's capacity), `unknown_layout`. The admin's form and
    `plan_create` both check with it."""
    if layout not in PlanLayout.values:
        raise DomainError("unknown_layout", _("There is no seating layout “%(layout)s”: choose round tables or theatre rows.") % {"layout": str(layout)[:20]}, field="layout")
    tables = layout == PlanLayout.TABLES
    most = MAX_TABLE_SEATS if tables else MAX_ROW_SEATS
    cleaned, seen = [], set()
    if not blocks:
        raise DomainError("bad_block", _("A seating plan needs at least one table or row."), field="blocks")
    if len(blocks) > MAX_BLOCKS:
        raise DomainError("bad_block", _("A seating plan has at most %(most)s tables or rows.") % {"most": MAX_BLOCKS}, field="blocks")
    for index, block in enumerate(blocks, start=1):
        try:
            label, seats, is_head = block
        except (TypeError, ValueError):
            raise DomainError("bad_block", _("Table or row %(index)s is not a label, a number of seats and whether it is a head block.") % {"index": index}, field="blocks") from None
        label = str(label or "").strip()
        if not label:
            raise DomainError("bad_block", _("Table or row %(index)s has no label.") % {"index": index}, field="blocks")
        if len(label) > 40:
            raise DomainError("bad_block", _("The label “%(label)s…” is longer than 40 characters.") % {"label": label[:40]}, field="blocks")
        if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= most:
            message = (
                _("Table %(label)s has %(seats)s seats: a table has 1 to %(most)s.") if tables else _("Row %(label)s has %(seats)s seats: a row has 1 to %(most)s.")
            ) % {"label": label, "seats": seats, "most": most}
            raise DomainError("bad_block", message, field="blocks")
        if label.casefold() in seen:
            raise DomainError("bad_block", _("Two tables or rows are labelled “%(label)s”.") % {"label": label}, field="blocks")
        seen.add(label.casefold())
        cleaned.append((label, seats, bool(is_head)))
    total = sum(seats for _label, seats, _head in cleaned)
    if capacity is not None and total > capacity:
        raise DomainError(
            "plan_too_large", _("The plan has %(total)s seats, more than the hall's capacity of %(capacity)s.") % {"total": total, "capacity": capacity},
            field="capacity",
        )
    return cleaned


def plan_create(item, *, layout: str, blocks, capacity: int | None = None, actor=None) -> SeatingPlan:
    """The seating plan of an invitation-only item with its tables or rows (blocks: a list of
    (label, seats, is_head), in order). Refused: `plan_exists` (409), `bad_block`,
    `plan_too_large`, `unknown_layout` (400). Audited."""
    from people.invitations import _audit_actor
    from .models import InvitationItem

    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0):
        raise DomainError("bad_capacity", _("The hall's capacity is a number of seats, 0 or more."), field="capacity")
    cleaned = blocks_check(layout, list(blocks), capacity)
    with transaction.atomic(), _audit_actor(actor):
        item = InvitationItem.objects.select_for_update().select_related("session").get(pk=item.pk)
        if SeatingPlan.objects.filter(item=item).exists():
            raise ConflictError("plan_exists", _("%(item)s has a seating plan already: change that one.") % {"item": item.session.t("title")}, field="item")
        try:
            with transaction.atomic():
                plan = SeatingPlan.objects.create(item=item, layout=layout, capacity=capacity)
        except IntegrityError:
            raise ConflictError("plan_exists", _("%(item)s has a seating plan already: change that one.") % {"item": item.session.t("title")}, field="item") from None
        for n, (label, seats, is_head) in enumerate(cleaned):  # one by one, so the audit trail records each
            SeatBlock.objects.create(plan=plan, label=label, seats=seats, is_head=is_head, sort_order=n)
    return plan


# -- who sits where --------------------------------------------------------------------------------


@dataclass(eq=False)
class Guest:
    """An invitation card as the plan shows it: the guest's names in both scripts, their delegation
    and membership (interpreter, principal), their rank and their seat (None without one)."""

    card: InvitationCard
    name: str  # the name as registered (Latin or original script)
    name_zh: str
    delegation: object | None
    member: object | None
    seat: SeatAssignment | None

    @property
    def rank(self) -> tuple:
        delegation = self.delegation
        if delegation is not None:
            precedence = delegation.precedence
        elif self.card.person_id is not None:
            precedence = self.card.person.precedence
        else:
            precedence = NO_RANK
        order = self.member.sort_order if self.member is not None else 0
        return (precedence, delegation.pk if delegation is not None else 0, order, (self.name or self.name_zh).casefold(), self.card.pk)

    @property
    def display(self) -> str:
        """The name in the page's language: Chinese first on a Chinese page, where there is one."""
        if (get_language() or "").startswith("zh"):
            return self.name_zh or self.name
        return self.name or self.name_zh

    @property
    def both(self) -> str:
        """Both scripts: "Maria Silva · 玛丽亚" (one where the two are the same or one is empty)."""
        return " · ".join(dict.fromkeys(n for n in (self.name, self.name_zh) if n))

    @property
    def is_interpreter(self) -> bool:
        return self.member is not None and self.member.is_interpreter and self.member.principal_id is not None


def _guest(card) -> Guest:
    registration = card.registration if card.registration_id else None
    member = getattr(registration, "delegation_membership", None) if registration is not None else None
    if registration is not None:
        name, name_zh = registration.name, registration.name_zh
    else:
        name, name_zh = card.person.name_en, card.person.name_zh
    delegation = card.delegation if card.delegation_id else (member.delegation if member is not None else None)
    return Guest(card=card, name=name, name_zh=name_zh, delegation=delegation, member=member, seat=getattr(card, "seat", None))


def item_cards(item_id: int, *, lock: bool = False):
    """The item's accepted cards and any card that holds a seat, with everything the plan shows
    (one query): registration, person, delegation, membership with its delegation, seat."""
    cards = InvitationCard.objects.filter(Q(status=CardStatus.ACCEPTED) | Q(seat__isnull=False), item_id=item_id).select_related(
        "registration__delegation_membership__delegation", "person", "delegation", "seat"
    ).order_by("pk")
    if lock:
        cards = cards.select_for_update(of=("self",))
    return cards


@dataclass
class BlockSeats:
    block: SeatBlock
    seats: list  # index number - 1: a Guest or None

    @property
    def taken(self) -> int:
        return sum(1 for g in self.seats if g is not None)


@dataclass
class PlanSeating:
    plan: SeatingPlan
    blocks: list[BlockSeats]
    unseated: list[Guest]  # accepted, no seat, in rank order
    stray: list[Guest]  # seated, but the card is no longer accepted: an organizer clears the seat
    guests: list[Guest]  # every guest of the plan (accepted or seated), in rank order

    @property
    def seat_count(self) -> int:
        return sum(b.block.seats for b in self.blocks)

    @property
    def seated_count(self) -> int:
        return sum(b.taken for b in self.blocks)


def plan_seating(plan: SeatingPlan) -> PlanSeating:
    """Who sits where in `plan` (two queries: the blocks, the cards)."""
    blocks = list(SeatBlock.objects.filter(plan=plan).order_by("sort_order", "pk"))
    by_id = {b.pk: BlockSeats(block=b, seats=[None] * b.seats) for b in blocks}
    guests = sorted((_guest(c) for c in item_cards(plan.item_id)), key=lambda g: g.rank)
    unseated, stray = [], []
    for g in guests:
        if g.seat is None:
            unseated.append(g)
            continue
        row = by_id.get(g.seat.block_id)
        if row is not None and 1 <= g.seat.number <= len(row.seats):
            g.seat.block = row.block
            row.seats[g.seat.number - 1] = g
        if g.card.status != CardStatus.ACCEPTED:
            stray.append(g)
    return PlanSeating(plan=plan, blocks=[by_id[b.pk] for b in blocks], unseated=unseated, stray=stray, guests=guests)


def seat_kind(plan: SeatingPlan) -> str:
    return Invitation.TABLE if plan.layout == PlanLayout.TABLES else Invitation.ROW


def label_of(plan: SeatingPlan, block_label: str, number: int) -> str:
    """"Table 3 · seat 5" / "Row B · seat 12" in the active language."""
    return seat_label(seat_kind(plan), block_label, number)


# -- automatic seating -----------------------------------------------------------------------------


@dataclass
class SeatingReport:
    """What auto-seating did: `seated` guests seated now; `unseated` card ids without a seat, each
    with the reason's code (`plan_full`); `interpreters_apart` card ids of interpreters who could
    not sit beside their principal; `delegations_split` ids of delegations seated at more than one
    table or row outside the head blocks."""

    seated: int
    unseated: dict[int, str] = field(default_factory=dict)
    interpreters_apart: list[int] = field(default_factory=list)
    delegations_split: list[int] = field(default_factory=list)

    def messages(self) -> list[tuple[str, str]]:
        """(code, sentence) for what the organizer should know, in the active language."""
        out = []
        if self.unseated:
            out.append(("plan_full", _("%(count)s accepted guests have no seat: every seat of the plan is taken.") % {"count": len(self.unseated)}))
        if self.interpreters_apart:
            out.append(("interpreter_apart", _("%(count)s interpreters could not sit beside the guest they interpret for.") % {"count": len(self.interpreters_apart)}))
        if self.delegations_split:
            out.append(("delegation_split", _("%(count)s delegations are seated at more than one table or row.") % {"count": len(self.delegations_split)}))
        return out


class _Seats:
    """Free and taken seats of the plan's blocks, in memory."""

    def __init__(self, blocks, taken):
        self.blocks = blocks
        self.free = {b.pk: [False] + [True] * b.seats for b in blocks}  # index = seat number
        self.count = {b.pk: b.seats for b in blocks}
        for block_id, number in taken:
            if block_id in self.free and 1 <= number <= len(self.free[block_id]) - 1 and self.free[block_id][number]:
                self.free[block_id][number] = False
                self.count[block_id] -= 1

    def run(self, block, size: int) -> int | None:
        """The first seat of `size` consecutive free seats of `block`, or None."""
        if self.count[block.pk] < size:
            return None
        free, length = self.free[block.pk], 0
        for number in range(1, block.seats + 1):
            length = length + 1 if free[number] else 0
            if length == size:
                return number - size + 1
        return None

    def take(self, block, number: int) -> None:
        self.free[block.pk][number] = False
        self.count[block.pk] -= 1

    def fits_all(self, block, sizes: list[int]) -> bool:
        """Whether units of these sizes, one after the other, all find consecutive seats in `block`."""
        if self.count[block.pk] < sum(sizes):
            return False
        free = list(self.free[block.pk])
        for size in sizes:
            length, start = 0, None
            for number in range(1, block.seats + 1):
                length = length + 1 if free[number] else 0
                if length == size:
                    start = number - size + 1
                    break
            if start is None:
                return False
            for n in range(start, start + size):
                free[n] = False
        return True


def adjacent(layout: str, seats: int, a: int, b: int) -> bool:
    """Whether seats a and b are side by side: next numbers in a row; around a table, also the last and the first."""
    if abs(a - b) == 1:
        return True
    return layout == PlanLayout.TABLES and seats > 2 and {a, b} == {1, seats}


def _units(guests: list[Guest], seated_member_ids: set[int]) -> tuple[list[tuple[Guest, list[Guest]]], list[Guest]]:
    """The unseated guests as units (lead, seats in order): a guest with the interpreters who
    interpret for them (one after the principal, a second one before), else alone. Also returns
    the interpreters whose principal already has a seat."""
    by_member = {g.member.pk: g for g in guests if g.member is not None}
    beside_seated, following = [], defaultdict(list)
    for g in guests:
        if not g.is_interpreter or g.member.principal_id == g.member.pk:
            continue
        principal = by_member.get(g.member.principal_id)
        if principal is not None and not principal.is_interpreter:
            following[principal.card.pk].append(g)
        elif principal is None and g.member.principal_id in seated_member_ids:
            beside_seated.append(g)
    attached = {i.card.pk for group in following.values() for i in group} | {g.card.pk for g in beside_seated}
    units = []
    for g in guests:
        if g.card.pk in attached:
            continue
        interpreters = sorted(following.get(g.card.pk, []), key=lambda i: i.rank)
        if len(interpreters) >= 2:
            units.append((g, [interpreters[1], g, interpreters[0], *interpreters[2:]]))
        else:
            units.append((g, [g, *interpreters]))
    return units, beside_seated


def _place(plan: SeatingPlan, blocks: list[SeatBlock], taken: list[tuple[int, int]], seated_members: dict[int, tuple[int, int]], guests: list[Guest]):
    """Where each unseated guest goes: {card id: (block, number)}, and the guests left without a
    seat. Pure computation (no query)."""
    seats = _Seats(blocks, taken)
    by_pk = {b.pk: b for b in blocks}
    placed: dict[int, tuple[SeatBlock, int]] = {}
    units, beside_seated = _units(guests, set(seated_members))

    def put(unit: list[Guest], block: SeatBlock, start: int) -> None:
        for offset, g in enumerate(unit):
            seats.take(block, start + offset)
            placed[g.card.pk] = (block, start + offset)

    # Interpreters whose principal already sits: a free seat beside them, if there is one.
    for g in beside_seated:
        block_id, number = seated_members[g.member.principal_id]
        block = by_pk.get(block_id)
        spot = None
        if block is not None:
            for n in (number + 1, number - 1, 1, block.seats):
                if 1 <= n <= block.seats and n != number and seats.free[block.pk][n] and adjacent(plan.layout, block.seats, n, number):
                    spot = n
                    break
        if spot is not None:
            put([g], block, spot)
        else:
            units.append((g, [g]))
    units.sort(key=lambda unit: unit[0].rank)

    # Head blocks, strictly by rank: stop at the first unit that fits no head block.
    heads = [b for b in blocks if b.is_head]
    others = [b for b in blocks if not b.is_head]
    index = 0
    while index < len(units) and heads:
        unit = units[index][1]
        for block in heads:
            start = seats.run(block, len(unit))
            if start is not None:
                put(unit, block, start)
                break
        else:
            break
        index += 1

    # The other blocks, delegation by delegation in rank order.
    groups: dict = {}
    for lead, unit in units[index:]:
        key = ("d", lead.delegation.pk) if lead.delegation is not None else ("g", lead.card.pk)
        groups.setdefault(key, []).append(unit)
    leftovers: list[list[Guest]] = []
    pointer = 0
    for group in groups.values():
        sizes = [len(u) for u in group]
        home = next((b for b in others if seats.fits_all(b, sizes)), None)
        if home is not None:
            for unit in group:
                put(unit, home, seats.run(home, len(unit)))
            continue
        # Larger than any block's free seats: consecutive seats across blocks, from the first with room.
        while pointer < len(others) and seats.count[others[pointer].pk] == 0:
            pointer += 1
        position = pointer
        for unit in group:
            while position < len(others) and seats.run(others[position], len(unit)) is None:
                position += 1
            if position == len(others):
                leftovers.append(unit)
                position = pointer
                continue
            put(unit, others[position], seats.run(others[position], len(unit)))

    # Whoever is left: any free seat, the other blocks first, then the head blocks.
    unseated = []
    for g in sorted((g for unit in leftovers for g in unit), key=lambda g: g.rank):
        for block in others + heads:
            start = seats.run(block, 1)
            if start is not None:
                put([g], block, start)
                break
        else:
            unseated.append(g)
    return placed, unseated


def auto_seat(plan: SeatingPlan, *, actor=None) -> SeatingReport:
    """Seat every accepted guest of the plan's item who has no seat (the rules: the module's
    docstring), keeping every seat already given. One transaction with the plan row locked: the
    blocks, the cards (locked) and their seats are read in three queries, the seats written with one
    bulk insert, the audit entries with another, and the gate's rows (registration.Invitation)
    with one bulk update. Refused `seating_changed` (409, nothing saved) when an organizer's move
    took one of the seats meanwhile."""
    from people.invitations import _audit_actor

    with transaction.atomic(), _audit_actor(actor):
        plan = SeatingPlan.objects.select_for_update().select_related("item").get(pk=plan.pk)
        blocks = list(SeatBlock.objects.filter(plan=plan).order_by("sort_order", "pk"))
        guests = [_guest(c) for c in item_cards(plan.item_id, lock=True)]
        taken = list(SeatAssignment.objects.filter(plan=plan).values_list("block_id", "number"))
        seated_members = {g.member.pk: (g.seat.block_id, g.seat.number) for g in guests if g.seat is not None and g.member is not None}
        waiting = [g for g in guests if g.seat is None and g.card.status == CardStatus.ACCEPTED]
        placed, unseated = _place(plan, blocks, taken, seated_members, waiting)
        rows = [SeatAssignment(plan=plan, block=block, number=number, card_id=card_id) for card_id, (block, number) in placed.items()]
        try:
            with transaction.atomic():
                SeatAssignment.objects.bulk_create(rows)
        except IntegrityError:
            raise ConflictError("seating_changed", _("Someone changed the seating while it was being computed: nothing was saved. Auto-seat again.")) from None
        by_card = {g.card.pk: g for g in guests}
        for row in rows:
            by_card[row.card_id].card.seat = row
        _audit_created(rows, actor)
        mirror_seats(plan, [by_card[row.card_id].card for row in rows])
        report = SeatingReport(seated=len(rows), unseated={g.card.pk: "plan_full" for g in unseated})
        _report_compromises(plan, blocks, guests, placed, report)
    return report


def _report_compromises(plan, blocks, guests, placed, report: SeatingReport) -> None:
    where = {g.card.pk: ((g.seat.block_id, g.seat.number) if g.seat is not None and g.card.pk not in placed else None) for g in guests}
    for card_id, (block, number) in placed.items():
        where[card_id] = (block.pk, number)
    by_member = {g.member.pk: g for g in guests if g.member is not None}
    sizes = {b.pk: b.seats for b in blocks}
    heads = {b.pk for b in blocks if b.is_head}
    for g in guests:
        if g.card.pk not in placed or not g.is_interpreter:
            continue
        principal = by_member.get(g.member.principal_id)
        mine, theirs = where.get(g.card.pk), where.get(principal.card.pk) if principal is not None else None
        if theirs is None:
            continue
        if mine[0] != theirs[0] or not adjacent(plan.layout, sizes[mine[0]], mine[1], theirs[1]):
            report.interpreters_apart.append(g.card.pk)
    blocks_of = defaultdict(set)
    touched = set()
    for g in guests:
        if g.delegation is None or where.get(g.card.pk) is None:
            continue
        if g.card.pk in placed:
            touched.add(g.delegation.pk)
        if where[g.card.pk][0] not in heads:
            blocks_of[g.delegation.pk].add(where[g.card.pk][0])
    report.delegations_split = sorted(d for d in touched if len(blocks_of[d]) > 1)


def _audit_created(rows: list[SeatAssignment], actor) -> None:
    """The audit entries of seats written in bulk (bulk_create sends no signal auditlog hears)."""
    if not rows:
        return
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(SeatAssignment)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    cid = get_cid()
    LogEntry.objects.bulk_create([
        LogEntry(
            content_type=content_type, object_pk=str(row.pk), object_id=row.pk, object_repr=f"{row.block.label}-{row.number}",
            action=LogEntry.Action.CREATE, actor=user, cid=cid,
            changes={"block": ["None", row.block.label], "number": ["None", str(row.number)], "card": ["None", str(row.card_id)], "plan": ["None", str(row.plan_id)]},
        )
        for row in rows
    ])


def mirror_seats(plan: SeatingPlan, cards: list[InvitationCard]) -> None:
    """`sync.mirror` for many accepted cards of one plan at once, after auto-seating: one UPDATE
    writes every seat of the plan to the registrations' invitations to the item (the seats read by
    subqueries, so the statement does not grow with the guests; seats that did not change are
    written with the values they have), and an invitation missing for one of `cards` is created
    with its seat (one insert). Each card's `seat` is loaded or set."""
    from django.db.models import OuterRef, Subquery

    cards = [c for c in cards if c.registration_id is not None]
    if not cards:
        return
    kind = seat_kind(plan)
    session_id = plan.item.session_id
    seated = InvitationCard.objects.filter(item_id=plan.item_id, status=CardStatus.ACCEPTED, seat__plan=plan).values("registration_id")
    seat = SeatAssignment.objects.filter(plan=plan, card__item_id=plan.item_id, card__registration_id=OuterRef("registration_id"))
    invitations = Invitation.objects.filter(session_id=session_id, registration_id__in=seated)
    existing = set(invitations.values_list("registration_id", flat=True))
    invitations.update(seat_kind=kind, seat_block=Subquery(seat.values("block__label")[:1]), seat_number=Subquery(seat.values("number")[:1]))
    missing = [
        Invitation(registration_id=c.registration_id, session_id=session_id, rsvp=Invitation.ACCEPTED, seat_kind=kind, seat_block=c.seat.block.label, seat_number=c.seat.number)
        for c in cards if c.registration_id not in existing and c.status == CardStatus.ACCEPTED and getattr(c, "seat", None) is not None
    ]
    if missing:
        Invitation.objects.bulk_create(missing, ignore_conflicts=True)


# -- manual moves ----------------------------------------------------------------------------------


def card_name(card) -> str:
    if card.registration_id:
        return card.registration.name or card.registration.name_zh
    return card.person.name_zh or card.person.name_en


def _taken(plan, block, number, occupant) -> ConflictError:
    return ConflictError(
        "seat_taken", _("%(seat)s is taken by %(guest)s: clear or move them first.") % {"seat": label_of(plan, block.label, number), "guest": card_name(occupant)},
        field="number",
    )


def seat_move(card, *, block, number, actor=None) -> SeatAssignment:
    """Seat the guest of `card` at seat `number` of `block` (a table or a row of the card's item's
    plan), leaving the seat they had. Refused: `not_accepted` (409: only accepted cards are seated),
    `no_such_seat` (400: a block of another plan, or a number outside 1..seats), `seat_taken` (409,
    naming who sits there; also when another organizer took the seat at the same moment: the
    unique constraint decides). The gate's row is rewritten in the same transaction. Audited."""
    from people.invitations import _audit_actor

    try:
        block = SeatBlock.objects.select_related("plan").get(pk=block.pk)
    except SeatBlock.DoesNotExist:
        raise DomainError("no_such_seat", _("That table or row no longer exists."), field="block") from None
    plan = block.plan
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 0
    with transaction.atomic(), _audit_actor(actor):
        card = (
            InvitationCard.objects.select_for_update(of=("self",)).select_related("registration", "person", "item").get(pk=card.pk)
        )
        if card.status != CardStatus.ACCEPTED:
            raise ConflictError(
                "not_accepted", _("%(guest)s has not accepted the invitation (%(status)s): only accepted guests are seated.") % {"guest": card_name(card), "status": CardStatus(card.status).label},
                field="card",
            )
        if plan.item_id != card.item_id:
            raise DomainError("no_such_seat", _("Table or row %(block)s is not in the seating plan of this guest's item.") % {"block": block.label}, field="block")
        if not 1 <= number <= block.seats:
            raise DomainError(
                "no_such_seat", _("%(block)s has seats 1 to %(seats)s: there is no seat %(number)s.") % {"block": block.label, "seats": block.seats, "number": number},
                field="number",
            )
        mine = SeatAssignment.objects.filter(card=card).first()
        if mine is not None and mine.block_id == block.pk and mine.number == number:
            return mine
        if not REFUSE_TAKEN_SEAT:
            return _overwrite(card, plan, block, number, mine)
        occupant = SeatAssignment.objects.filter(block=block, number=number).select_related("card__registration", "card__person").first()
        if occupant is not None:
            raise _taken(plan, block, number, occupant.card)
        _seat_checked()
        try:
            with transaction.atomic():
                if mine is not None:
                    mine.block, mine.number, mine.plan = block, number, plan
                    mine.save(update_fields=["block", "number", "plan"])
                else:
                    mine = SeatAssignment.objects.create(plan=plan, block=block, number=number, card=card)
        except IntegrityError:
            occupant = SeatAssignment.objects.filter(block=block, number=number).select_related("card__registration", "card__person").first()
            if occupant is None:  # the other organizer's transaction has not committed yet, or gave up
                raise ConflictError("seat_taken", _("%(seat)s was just taken by another organizer.") % {"seat": label_of(plan, block.label, number)}, field="number") from None
            raise _taken(plan, block, number, occupant.card) from None
        card.seat = mine
        mirror(card)
    return mine


def _overwrite(card, plan, block, number, mine) -> SeatAssignment:
    """The negative control's seat_move: whoever holds the seat is put out of it, so every
    organizer is told the move succeeded (see REFUSE_TAKEN_SEAT)."""
    _seat_checked()
    if mine is not None:
        mine.delete()
    seat, _created = SeatAssignment.objects.update_or_create(block=block, number=number, defaults={"card": card, "plan": plan})
    card.seat = seat
    mirror(card)
    return seat


def seat_clear(card, *, actor=None) -> None:
    """The guest of `card` loses their seat (nothing happens without one); the gate's row forgets
    it in the same transaction. Audited."""
    from people.invitations import _audit_actor

    with transaction.atomic(), _audit_actor(actor):
        card = InvitationCard.objects.select_for_update(of=("self",)).select_related("item").get(pk=card.pk)
        seat = SeatAssignment.objects.filter(card=card).first()
        if seat is None:
            return
        seat.delete()
        card.seat = None
        mirror(card)
