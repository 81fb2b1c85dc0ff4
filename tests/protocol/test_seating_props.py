"""Auto-seating invariants, checked with hypothesis on random plans, delegations and guests.

The placement (`protocol.seating._place`) is pure: most examples run it on plain objects, many
hundreds a second. A smaller run goes through `auto_seat` on the database (cards, members,
delegations, the gate's rows). The invariants, on a plan with no seat given yet:

1. No seat twice, every seat inside its table or row.
2. Every accepted guest is seated when the seats suffice; otherwise every seat is used.
3. Rank order at the head blocks: nobody at a head block ranks below anyone seated elsewhere or
   left without a seat (an interpreter counts with their principal's rank), as long as the other
   blocks did not run out (only then may the last guests take a head block's leftover seats).
4. A delegation's members outside the head blocks sit at one table or row when one had room for
   all of them (some non-head block still has that many free seats at the end).
5. Each interpreter sits directly beside their principal (the first two interpreters of a
   principal, one on each side) when a block had room for the three of them throughout.
"""
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol import seating
from protocol.seating import Guest, _place, adjacent


@dataclass
class World:
    layout: str
    blocks: list
    guests: list
    principal_of: dict  # interpreter card id -> principal card id


@st.composite
def worlds(draw, max_blocks=8, max_seats=12, max_delegations=6, max_solo=10):
    layout = draw(st.sampled_from(["tables", "rows"]))
    specs = draw(st.lists(st.tuples(st.integers(1, max_seats), st.booleans()), min_size=1, max_size=max_blocks))
    blocks = [SimpleNamespace(pk=100 + i, seats=seats, is_head=head, label=str(i + 1)) for i, (seats, head) in enumerate(specs)]
    guests, principal_of = [], {}
    card_ids = iter(range(1, 10_000))
    member_ids = iter(range(1, 10_000))
    for d in range(draw(st.integers(0, max_delegations))):
        delegation = SimpleNamespace(pk=10 + d, precedence=draw(st.integers(1, 4)))
        size = draw(st.integers(1, 8))
        members = []
        for order in range(size):
            member = SimpleNamespace(pk=next(member_ids), sort_order=draw(st.integers(0, 5)), is_interpreter=False, principal_id=None)
            card = SimpleNamespace(pk=next(card_ids), person_id=None, status="accepted")
            members.append(Guest(card=card, name=f"D{d} M{order}", name_zh="", delegation=delegation, member=member, seat=None))
        # Some interpreters: a member interprets for an earlier non-interpreter (at most two each).
        served: dict[int, int] = {}
        for i in range(1, size):
            if draw(st.booleans()) and draw(st.booleans()):
                candidates = [j for j in range(i) if not members[j].member.is_interpreter and served.get(j, 0) < 2]
                if candidates:
                    j = draw(st.sampled_from(candidates))
                    members[i].member.is_interpreter, members[i].member.principal_id = True, members[j].member.pk
                    served[j] = served.get(j, 0) + 1
                    principal_of[members[i].card.pk] = members[j].card.pk
        guests.extend(members)
    for s in range(draw(st.integers(0, max_solo))):
        with_person = draw(st.booleans())
        card = SimpleNamespace(pk=next(card_ids), person_id=1 if with_person else None, person=SimpleNamespace(precedence=draw(st.integers(1, 1000))), status="accepted")
        guests.append(Guest(card=card, name=f"Solo {s}", name_zh="", delegation=None, member=None, seat=None))
    return World(layout=layout, blocks=blocks, guests=draw(st.permutations(guests)), principal_of=principal_of)


def check_invariants(world: World, placed: dict, unseated: list) -> None:
    blocks = {b.pk: b for b in world.blocks}
    where = {card: (block.pk, number) for card, (block, number) in placed.items()}
    # 1. No seat twice, inside the block.
    assert len(set(where.values())) == len(where)
    assert all(1 <= number <= blocks[b].seats for b, number in where.values())
    # 2. Everyone seated when the seats suffice, else every seat used.
    total = sum(b.seats for b in world.blocks)
    assert len(placed) + len(unseated) == len(world.guests)
    assert len(placed) == min(total, len(world.guests))
    free = {b.pk: b.seats for b in world.blocks}
    for b, _number in where.values():
        free[b] -= 1
    others = [b for b in world.blocks if not b.is_head]
    by_card = {g.card.pk: g for g in world.guests}

    def lead_rank(g):
        principal = world.principal_of.get(g.card.pk)
        if principal is not None and not by_card[principal].is_interpreter:
            return by_card[principal].rank
        return g.rank

    # 3. Rank order at the head blocks.
    if others and any(free[b.pk] for b in others):
        at_head = [by_card[c] for c, (b, _n) in where.items() if blocks[b].is_head]
        elsewhere = [by_card[c] for c, (b, _n) in where.items() if not blocks[b].is_head] + list(unseated)
        if at_head and elsewhere:
            assert max(lead_rank(g) for g in at_head) <= min(lead_rank(g) for g in elsewhere)
    # 4. A delegation together outside the head blocks when a block had room for all of it.
    members = {}
    for g in world.guests:
        if g.delegation is not None and not (g.card.pk in where and blocks[where[g.card.pk][0]].is_head):
            members.setdefault(g.delegation.pk, []).append(g)
    for group in members.values():
        if any(free[b.pk] >= len(group) for b in others):
            assert len({where[g.card.pk][0] for g in group}) == 1, [where.get(g.card.pk) for g in group]
    # 5. Interpreters beside their principal when a block had room for three throughout.
    if any(free[b.pk] >= 3 for b in others):
        for interpreter, principal in world.principal_of.items():
            if by_card[principal].is_interpreter:
                continue
            (b1, n1), (b2, n2) = where[interpreter], where[principal]
            assert b1 == b2 and adjacent(world.layout, blocks[b1].seats, n1, n2), (where[interpreter], where[principal])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(worlds())
def test_placement_invariants(world):
    placed, unseated = _place(SimpleNamespace(layout=world.layout), world.blocks, [], {}, list(world.guests))
    check_invariants(world, placed, unseated)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(worlds(max_blocks=4, max_seats=40, max_delegations=10, max_solo=20))
def test_placement_invariants_big_tables(world):
    placed, unseated = _place(SimpleNamespace(layout=world.layout), world.blocks, [], {}, list(world.guests))
    check_invariants(world, placed, unseated)


def test_ample_seats_meet_every_rule():
    """Not only conditionally: with room to spare, every rule holds (invariants 3 to 5 are not vacuous)."""
    delegation = SimpleNamespace(pk=1, precedence=1)
    guests, principal_of = [], {}
    for i in range(6):
        member = SimpleNamespace(pk=i + 1, sort_order=i, is_interpreter=i == 5, principal_id=1 if i == 5 else None)
        guests.append(Guest(card=SimpleNamespace(pk=i + 1, person_id=None, status="accepted"), name=f"M{i}", name_zh="", delegation=delegation, member=member, seat=None))
    principal_of[6] = 1
    blocks = [SimpleNamespace(pk=1, seats=3, is_head=True, label="H"), SimpleNamespace(pk=2, seats=10, is_head=False, label="2")]
    world = World(layout="tables", blocks=blocks, guests=guests, principal_of=principal_of)
    placed, unseated = _place(SimpleNamespace(layout="tables"), blocks, [], {}, guests)
    check_invariants(world, placed, unseated)
    assert unseated == []
    assert {c: (b.label, n) for c, (b, n) in placed.items()} == {1: ("H", 1), 6: ("H", 2), 2: ("H", 3), 3: ("2", 1), 4: ("2", 2), 5: ("2", 3)}


# -- the same on the database, through auto_seat --------------------------------------------------------


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=worlds(max_blocks=5, max_seats=8, max_delegations=4, max_solo=6))
def test_auto_seat_invariants_on_the_database(world):
    from protocol.models import DelegationMember, InvitationCard, SeatAssignment
    from registration.models import Invitation
    from tests.protocol.test_seating import make_delegation, make_item, make_registrations

    try:
        with transaction.atomic():
            item = make_item()
            plan = seating.plan_create(item, layout=world.layout, blocks=[(b.label, b.seats, b.is_head) for b in world.blocks])
            real_block = {b.label: b for b in plan.blocks.all()}
            # Made in the drawn ids' order, so ties of precedence break the same way (by delegation id).
            drawn_delegations = sorted({g.delegation.pk: g.delegation for g in world.guests if g.delegation is not None}.values(), key=lambda d: d.pk)
            delegations = {d.pk: make_delegation(item.session.edition, f"代表团{d.pk}", d.precedence) for d in drawn_delegations}
            registrations = make_registrations(item.session.edition, [(g.name, "") for g in world.guests])
            card_of = {}
            members = {}
            for g, registration in zip(world.guests, registrations):
                delegation = None
                if g.delegation is not None:
                    delegation = delegations[g.delegation.pk]
                    members[g.member.pk] = DelegationMember.objects.create(delegation=delegation, registration=registration, sort_order=g.member.sort_order)
                card_of[g.card.pk] = InvitationCard.objects.create(item=item, registration=registration, status="accepted", delegation=delegation)
                Invitation.objects.create(registration=registration, session=item.session, rsvp="accepted")
            for g in world.guests:
                if g.member is not None and g.member.is_interpreter:
                    DelegationMember.objects.filter(pk=members[g.member.pk].pk).update(is_interpreter=True, principal=members[g.member.principal_id])
            report = seating.auto_seat(plan)
            rows = list(SeatAssignment.objects.filter(plan=plan).select_related("block"))
            # Back to the drawn world's ids, then the same invariants.
            back = {card.pk: drawn for drawn, card in card_of.items()}
            drawn_block = {b.label: b for b in world.blocks}
            placed = {back[r.card_id]: (drawn_block[r.block.label], r.number) for r in rows}
            unseated = [g for g in world.guests if g.card.pk not in placed]
            assert report.seated == len(rows)
            assert sorted(back[c] for c in report.unseated) == sorted(g.card.pk for g in unseated)
            # Person-less ranks on the database: solo cards rank 1000 (no person), so compare on the drawn world without persons.
            for g in world.guests:
                if g.card.person_id is not None:
                    g.card.person_id = None
            check_invariants(world, placed, unseated)
            # The gate's rows carry every seat.
            gate = {i.registration_id: (i.seat_block, i.seat_number) for i in Invitation.objects.filter(session=item.session)}
            assert {r.card.registration_id: (r.block.label, r.number) for r in rows} == {k: v for k, v in gate.items() if v[1] is not None}
            assert set(real_block) == {b.label for b in world.blocks}
            raise Rollback
    except Rollback:
        pass
