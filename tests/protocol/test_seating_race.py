"""The seat race on PostgreSQL: 20 organizers move 20 different guests to one seat at the same
moment (real threads, one connection each, released together by a barrier). Exactly one move
wins; the 19 others are refused `seat_taken`. The negative control shows the test can fail: with
seat_move overwriting the seat's occupant instead of letting the constraint refuse the second
mover (protocol.seating.REFUSE_TAKEN_SEAT off), several organizers are told they succeeded."""
import threading
import time

import pytest

from protocol import seating
from protocol.models import InvitationCard, SeatAssignment, SeatBlock
from registration.models import Invitation
from tests.conftest import requires_postgres
from tests.protocol.test_seating import make_cards, make_item, tables
from wic.errors import DomainError

MOVERS = 20


def _race(monkeypatch) -> tuple[list[str], int, SeatBlock]:
    """MOVERS threads each move their own card to seat 1 of table 1. Returns the answers ("ok" or
    the refusal's code), how many moves found the seat free when they looked (before the
    constraint decided), and the block."""
    item = make_item()
    plan = tables(item, ("1", 10, True))
    block = plan.blocks.get()
    cards = make_cards(item, MOVERS, prefix="Racer")
    checked = []

    def widen_the_window():
        checked.append(1)
        time.sleep(0.05)  # every mover has read "free" before any has written

    monkeypatch.setattr(seating, "_seat_checked", widen_the_window)
    barrier = threading.Barrier(MOVERS)
    answers, errors = [], []

    def mover(card):
        from django.db import connection

        try:
            barrier.wait(timeout=30)
            seating.seat_move(InvitationCard(pk=card.pk), block=SeatBlock(pk=block.pk), number=1)
            answers.append("ok")
        except DomainError as error:
            answers.append(error.code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=mover, args=(card,)) for card in cards]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [], errors
    return answers, len(checked), block


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_moves_to_one_seat_seat_one_guest(monkeypatch):
    answers, checked, block = _race(monkeypatch)
    assert sorted(answers) == ["ok"] + ["seat_taken"] * (MOVERS - 1)
    assert checked > 1  # several movers found the seat free: the constraint, not the check, decided
    seat = SeatAssignment.objects.get(block=block, number=1)
    assert SeatAssignment.objects.count() == 1
    # The gate knows the one who sits there, and nobody else has a seat.
    assert list(Invitation.objects.exclude(seat_number=None).values_list("registration_id", "seat_block", "seat_number")) == [(seat.card.registration_id, "1", 1)]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_overwriting_the_occupant_tells_several_organizers_they_won(monkeypatch):
    monkeypatch.setattr(seating, "REFUSE_TAKEN_SEAT", False)
    answers, _checked, block = _race(monkeypatch)
    assert answers.count("ok") > 1  # the assertion of the test above would fail
    assert SeatAssignment.objects.filter(block=block, number=1).count() == 1  # only one of them sits there
