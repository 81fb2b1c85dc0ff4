"""Seating (issue 23): plans, automatic seating, manual moves, the gate's seat, the pages, the API,
the PDFs. The hypothesis invariants are in test_seating_props.py, the PostgreSQL seat race in
test_seating_race.py. Cards are made directly (status accepted), with the gate's row through
protocol.sync.mirror, so these tests do not depend on the RSVP part."""
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from people.models import Person
from protocol import seating
from protocol.models import Delegation, DelegationMember, InvitationCard, InvitationItem, SeatAssignment, SeatBlock, SeatingPlan
from protocol.sync import mirror
from registration.models import Invitation, Registration
from tests.factories import EditionFactory, SessionFactory, make_organizer
from wic.errors import DomainError

BEIJING = ZoneInfo("Asia/Shanghai")


# -- builders (also used by the other seating test files and the browser test) ----------------------


def make_item(edition=None, *, title_zh="欢迎晚宴", title_en="Welcome banquet") -> InvitationItem:
    edition = edition or EditionFactory()
    session = SessionFactory(edition=edition, title_zh=title_zh, title_en=title_en, kind="banquet", access="by_invitation")
    return InvitationItem.objects.create(session=session)


def make_registrations(edition, names: list[tuple[str, str]]) -> list[Registration]:
    return Registration.objects.bulk_create([
        Registration(
            edition=edition, reference=secrets.token_hex(5).upper(), token=secrets.token_hex(16), name=name, name_zh=name_zh,
            email=f"{secrets.token_hex(6)}@example.org", organization_name="Ministry", country="BR", category="government",
            participation="on_site", consent=True, status="approved",
        )
        for name, name_zh in names
    ])


def make_cards(item, count: int, *, prefix: str = "Guest", delegation=None, status: str = "accepted", interpreters: dict | None = None) -> list[InvitationCard]:
    """`count` accepted cards of registrations named "<prefix> 01".. (Chinese names "嘉宾01"..),
    members of `delegation` (in that order) if given; `interpreters` {member index: principal
    index} marks interpreters. The gate's rows through sync.mirror."""
    registrations = make_registrations(item.session.edition, [(f"{prefix} {i + 1:02d}", f"{prefix[:1]}嘉宾{i + 1:02d}") for i in range(count)])
    cards = InvitationCard.objects.bulk_create([InvitationCard(item=item, registration=r, status=status, delegation=delegation) for r in registrations])
    if delegation is not None:
        members = DelegationMember.objects.bulk_create([DelegationMember(delegation=delegation, registration=r, sort_order=i) for i, r in enumerate(registrations)])
        for index, principal in (interpreters or {}).items():
            members[index].is_interpreter = True
            members[index].principal = members[principal]
            members[index].save(update_fields=["is_interpreter", "principal"])
    for card in cards:
        card.item = item
        mirror(card)
    return cards


def make_delegation(edition, name: str, precedence: int) -> Delegation:
    return Delegation.objects.create(edition=edition, name_zh=name, name_en=f"{name} (en)", kind="government", precedence=precedence)


def tables(item, *specs, capacity=None):
    """A tables plan: specs are (label, seats, is_head)."""
    return seating.plan_create(item, layout="tables", blocks=list(specs), capacity=capacity)


def seats_of(plan) -> dict[int, tuple[str, int]]:
    return {a.card_id: (a.block.label, a.number) for a in SeatAssignment.objects.filter(plan=plan).select_related("block")}


def code_of(call) -> str:
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code


@pytest.fixture(autouse=True)
def english():
    """The services' sentences are compared in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def item(db):
    return make_item()


@pytest.fixture
def organizer(db):
    return make_organizer(password=None)  # signed in with force_login: no password to hash


# -- plan_create ---------------------------------------------------------------------------------------


def test_plan_create_makes_the_blocks_in_order(item):
    plan = seating.plan_create(item, layout="tables", blocks=[("主桌", 12, True), ("2", 10, False), ("3", 10, False)], capacity=40)
    assert (plan.layout, plan.capacity) == ("tables", 40)
    assert list(plan.blocks.values_list("label", "seats", "is_head", "sort_order")) == [("主桌", 12, True, 0), ("2", 10, False, 1), ("3", 10, False, 2)]


def test_plan_too_large_names_the_total_and_the_capacity(item):
    with pytest.raises(DomainError) as error:
        seating.plan_create(item, layout="rows", blocks=[("A", 120, True), ("B", 120, False)], capacity=200)
    assert (error.value.code, error.value.status, error.value.message) == ("plan_too_large", 400, "The plan has 240 seats, more than the hall's capacity of 200.")
    assert not SeatingPlan.objects.exists()


def test_plan_exists_is_a_conflict(item):
    tables(item, ("1", 10, True))
    with pytest.raises(DomainError) as error:
        tables(item, ("1", 8, True))
    assert (error.value.code, error.value.status) == ("plan_exists", 409)
    assert SeatBlock.objects.get().seats == 10  # nothing already saved is lost


@pytest.mark.parametrize("layout, blocks, message", [
    ("tables", [("", 10, False)], "Table or row 1 has no label."),
    ("tables", [("1", 0, False)], "Table 1 has 0 seats: a table has 1 to 40."),
    ("tables", [("1", 41, False)], "Table 1 has 41 seats: a table has 1 to 40."),
    ("rows", [("A", 201, False)], "Row A has 201 seats: a row has 1 to 200."),
    ("tables", [("3", 10, False), (" 3 ", 8, False)], "Two tables or rows are labelled “3”."),
    ("rows", [], "A seating plan needs at least one table or row."),
])
def test_bad_block(item, layout, blocks, message):
    with pytest.raises(DomainError) as error:
        seating.plan_create(item, layout=layout, blocks=blocks)
    assert (error.value.code, error.value.status, error.value.message) == ("bad_block", 400, message)


def test_a_row_may_have_200_seats(item):
    plan = seating.plan_create(item, layout="rows", blocks=[("A", 200, True)], capacity=200)
    assert plan.blocks.get().seats == 200


# -- seat_move and seat_clear ------------------------------------------------------------------------


def test_seat_move_seats_and_mirrors_for_the_gate(item, organizer):
    plan = tables(item, ("1", 10, True), ("2", 10, False), ("3", 10, False))
    card = make_cards(item, 1)[0]
    table3 = plan.blocks.get(label="3")
    seat = seating.seat_move(card, block=table3, number=5, actor=organizer)
    assert (seat.block.label, seat.number) == ("3", 5)
    invitation = Invitation.objects.get(registration=card.registration, session=item.session)
    assert (invitation.rsvp, invitation.seat_kind, invitation.seat_block, invitation.seat_number) == ("accepted", "table", "3", 5)
    with translation.override("en"):
        assert invitation.seat_label() == "Table 3 · seat 5"
    entry = LogEntry.objects.get_for_object(seat).get()
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, organizer)


def test_seat_move_again_moves_and_the_old_seat_is_free(item):
    plan = tables(item, ("1", 10, True), ("2", 10, False))
    first, second = make_cards(item, 2)
    t1, t2 = plan.blocks.order_by("sort_order")
    seating.seat_move(first, block=t1, number=1)
    seating.seat_move(first, block=t2, number=4)
    seating.seat_move(second, block=t1, number=1)  # the seat first left
    assert seats_of(plan) == {first.pk: ("2", 4), second.pk: ("1", 1)}
    assert Invitation.objects.get(registration=first.registration).seat_block == "2"


def test_seat_taken_names_who_sits_there(item):
    plan = tables(item, ("1", 10, True))
    first, second = make_cards(item, 2, prefix="Ana")
    block = plan.blocks.get()
    seating.seat_move(first, block=block, number=3)
    with pytest.raises(DomainError) as error, translation.override("en"):
        seating.seat_move(second, block=block, number=3)
    assert (error.value.code, error.value.status, error.value.message) == ("seat_taken", 409, "Table 1 · seat 3 is taken by Ana 01: clear or move them first.")
    assert seats_of(plan) == {first.pk: ("1", 3)}


@pytest.mark.parametrize("number", [0, 11, -1])
def test_no_such_seat_outside_the_block(item, number):
    plan = tables(item, ("1", 10, True))
    card = make_cards(item, 1)[0]
    with pytest.raises(DomainError) as error:
        seating.seat_move(card, block=plan.blocks.get(), number=number)
    assert (error.value.code, error.value.status, error.value.message) == ("no_such_seat", 400, f"1 has seats 1 to 10: there is no seat {number}.")


def test_no_such_seat_in_another_items_plan(item):
    tables(item, ("1", 10, True))
    other = make_item(item.session.edition, title_zh="部长会议", title_en="Ministerial meeting")
    other_plan = tables(other, ("9", 10, True))
    card = make_cards(item, 1)[0]
    assert code_of(lambda: seating.seat_move(card, block=other_plan.blocks.get(), number=1)) == "no_such_seat"
    assert not SeatAssignment.objects.exists()


@pytest.mark.parametrize("status", ["invited", "declined", "substitute_proposed", "cancelled"])
def test_not_accepted_cards_are_not_seated(item, status):
    plan = tables(item, ("1", 10, True))
    card = make_cards(item, 1, status=status)[0]
    with pytest.raises(DomainError) as error:
        seating.seat_move(card, block=plan.blocks.get(), number=1)
    assert (error.value.code, error.value.status) == ("not_accepted", 409)
    assert not SeatAssignment.objects.exists()


def test_seat_clear_frees_the_seat_and_the_gate_forgets_it(item, organizer):
    plan = tables(item, ("1", 10, True))
    card = make_cards(item, 1)[0]
    seat = seating.seat_move(card, block=plan.blocks.get(), number=2)
    seating.seat_clear(card, actor=organizer)
    assert not SeatAssignment.objects.exists()
    invitation = Invitation.objects.get(registration=card.registration)
    assert (invitation.rsvp, invitation.seat_kind, invitation.seat_block, invitation.seat_number) == ("accepted", "", "", None)
    assert LogEntry.objects.filter(object_pk=str(seat.pk), action=LogEntry.Action.DELETE, actor=organizer).count() == 1
    seating.seat_clear(card)  # nothing to clear: nothing happens


# -- auto_seat ---------------------------------------------------------------------------------------


def test_auto_seat_head_table_by_precedence_then_delegations_together(item, organizer):
    edition = item.session.edition
    plan = tables(item, ("主桌", 4, True), ("2", 6, False), ("3", 6, False))
    first = make_delegation(edition, "甲国政府代表团", precedence=1)
    second = make_delegation(edition, "乙组织代表团", precedence=2)
    third = make_delegation(edition, "丙公司代表团", precedence=3)
    a = make_cards(item, 3, prefix="Alpha", delegation=first)
    b = make_cards(item, 5, prefix="Beta", delegation=second)
    c = make_cards(item, 4, prefix="Gamma", delegation=third)
    report = seating.auto_seat(plan, actor=organizer)
    seats = seats_of(plan)
    assert (report.seated, report.unseated) == (12, {})
    # Head table: the first delegation (3), then the second's first member, by rank.
    assert [seats[x.pk] for x in a] == [("主桌", 1), ("主桌", 2), ("主桌", 3)]
    assert seats[b[0].pk] == ("主桌", 4)
    # The rest of the second delegation together at table 2, the third at table 3.
    assert [seats[x.pk] for x in b[1:]] == [("2", 1), ("2", 2), ("2", 3), ("2", 4)]
    assert [seats[x.pk] for x in c] == [("3", 1), ("3", 2), ("3", 3), ("3", 4)]
    assert report.delegations_split == []
    # Mirrored for the gate, and audited with the organizer as actor.
    assert Invitation.objects.get(registration=c[3].registration).seat_label() in ("Table 3 · seat 4", "第3桌 · 4号座")
    assert LogEntry.objects.filter(content_type__model="seatassignment", action=LogEntry.Action.CREATE, actor=organizer).count() == 12


def test_auto_seat_keeps_seats_and_seats_only_the_accepted(item):
    plan = tables(item, ("1", 4, True), ("2", 4, False))
    accepted = make_cards(item, 3, prefix="Kept")
    declined = make_cards(item, 2, prefix="No", status="declined")
    seating.seat_move(accepted[2], block=plan.blocks.get(label="1"), number=1)
    report = seating.auto_seat(plan)
    seats = seats_of(plan)
    assert report.seated == 2
    assert seats[accepted[2].pk] == ("1", 1)
    assert {seats[accepted[0].pk], seats[accepted[1].pk]} == {("1", 2), ("1", 3)}
    assert not any(d.pk in seats for d in declined)
    assert seating.auto_seat(plan).seated == 0  # again: nothing to do


def test_auto_seat_interpreter_beside_principal(item):
    edition = item.session.edition
    plan = tables(item, ("1", 10, True))
    delegation = make_delegation(edition, "丁国政府代表团", precedence=5)
    # Member 0 is the head; members 3 and 4 interpret for member 0 and member 1.
    cards = make_cards(item, 5, prefix="Delta", delegation=delegation, interpreters={3: 0, 4: 1})
    report = seating.auto_seat(plan)
    seats = seats_of(plan)
    assert report.interpreters_apart == []
    assert abs(seats[cards[3].pk][1] - seats[cards[0].pk][1]) == 1
    assert abs(seats[cards[4].pk][1] - seats[cards[1].pk][1]) == 1


def test_auto_seat_interpreter_joins_a_principal_already_seated(item):
    edition = item.session.edition
    plan = tables(item, ("1", 8, True))
    delegation = make_delegation(edition, "戊国政府代表团", precedence=5)
    cards = make_cards(item, 2, prefix="Eps", delegation=delegation, interpreters={1: 0})
    other = make_cards(item, 1, prefix="Other")[0]
    seating.seat_move(cards[0], block=plan.blocks.get(), number=8)
    seating.seat_move(other, block=plan.blocks.get(), number=1)
    seating.auto_seat(plan)
    assert seats_of(plan)[cards[1].pk] == ("1", 7)


def test_auto_seat_when_the_plan_is_full_reports_who_has_no_seat(item):
    plan = tables(item, ("1", 3, False))
    cards = make_cards(item, 5, prefix="Full")
    report = seating.auto_seat(plan)
    assert report.seated == 3
    assert report.unseated == {cards[3].pk: "plan_full", cards[4].pk: "plan_full"}
    with translation.override("en"):
        assert report.messages() == [("plan_full", "2 accepted guests have no seat: every seat of the plan is taken.")]


def test_auto_seat_person_cards_by_their_precedence(item):
    plan = tables(item, ("1", 1, True), ("2", 5, False))
    low = Person.objects.create(name_zh="李四", name_en="Li Si", precedence=20)
    high = Person.objects.create(name_zh="张三", name_en="Zhang San", precedence=3)
    low_card = InvitationCard.objects.create(item=item, person=low, status="accepted")
    high_card = InvitationCard.objects.create(item=item, person=high, status="accepted")
    make_cards(item, 2, prefix="Plain")  # rank 1000
    seating.auto_seat(plan)
    seats = seats_of(plan)
    assert seats[high_card.pk] == ("1", 1)
    assert seats[low_card.pk] == ("2", 1)


def test_auto_seat_queries_do_not_grow_with_the_guests(db):
    counts = []
    for guests in (5, 40):
        item = make_item()
        plan = tables(item, ("1", 10, True), *[(str(n), 10, False) for n in range(2, 6)])
        make_cards(item, guests // 2, prefix="D", delegation=make_delegation(item.session.edition, f"代表团{guests}", 1), interpreters={1: 0})
        make_cards(item, guests - guests // 2, prefix="S")
        with CaptureQueriesContext(connection) as queries:
            report = seating.auto_seat(plan)
        assert report.seated == guests
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_seating_changed_when_a_seat_is_taken_meanwhile(item, monkeypatch):
    """A move committed between auto-seating's read and its insert: nothing of the auto-seating is saved."""
    plan = tables(item, ("1", 4, True))
    cards = make_cards(item, 2)
    real = seating._place

    def place_then_someone_moves(*args, **kwargs):
        placed, unseated = real(*args, **kwargs)
        block, number = placed[cards[0].pk]
        SeatAssignment.objects.create(plan=plan, block=block, number=number, card=cards[1])
        return {cards[0].pk: (block, number)}, unseated

    monkeypatch.setattr(seating, "_place", place_then_someone_moves)
    assert code_of(lambda: seating.auto_seat(plan)) == "seating_changed"


# -- the gate -------------------------------------------------------------------------------------------


@pytest.fixture
def gate_world(db):
    from registration import services
    from registration.models import CheckinList
    from tests.registration.test_services_and_pages import guest

    edition = EditionFactory(year=2099)
    registration = services.registration_create(edition=edition, data=guest())
    services.registration_decide(registration=registration, status="approved", actor=None)
    item = make_item(edition)
    checkin_list = CheckinList.objects.create(edition=edition, name_zh="欢迎晚宴", kind="item", session=item.session)
    card = InvitationCard.objects.create(item=item, registration=registration, status="accepted")
    mirror(card)
    plan = tables(item, ("1", 10, True), ("2", 10, False), ("3", 10, False))
    seating.seat_move(card, block=plan.blocks.get(label="3"), number=5)
    staff = make_organizer("gate-organizer", password=None)
    return {"registration": registration, "list": checkin_list, "staff": staff, "card": card, "plan": plan}


def _scan(api_client, world, language):
    api_client.force_authenticate(world["staff"])
    body = {"list": world["list"].pk, "secret": world["registration"].credentials.get().secret, "nonce": secrets.token_hex(8), "scanned_at": datetime(2099, 11, 10, 18, 0, tzinfo=BEIJING).isoformat()}
    return api_client.post("/api/v1/checkins/", body, format="json", HTTP_ACCEPT_LANGUAGE=language).json()


def test_gate_scan_names_the_seat_in_english(gate_world, api_client):
    answer = _scan(api_client, gate_world, "en")
    assert answer["result"] == "ok"
    assert answer["seat"] == {"kind": "table", "block": "3", "number": 5, "label": "Table 3 · seat 5"}


def _catalogue_has_the_seat_label() -> bool:
    with translation.override("zh-hans"):
        return translation.gettext("Table %(block)s · seat %(number)s") != "Table %(block)s · seat %(number)s"


@pytest.mark.skipif(not _catalogue_has_the_seat_label(), reason="the Chinese seat label is in /work/po/seating.po, not yet compiled into locale/")
def test_gate_scan_names_the_seat_in_chinese(gate_world, api_client):
    answer = _scan(api_client, gate_world, "zh-hans")
    assert (answer["result"], answer["seat"]["label"]) == ("ok", "第3桌 · 5号座")


def test_gate_after_a_move_and_a_clear(gate_world, api_client):
    plan = gate_world["plan"]
    seating.seat_move(gate_world["card"], block=plan.blocks.get(label="1"), number=2)
    assert _scan(api_client, gate_world, "en")["seat"]["label"] == "Table 1 · seat 2"
    seating.seat_clear(gate_world["card"])
    answer = _scan(api_client, gate_world, "en")
    assert (answer["result"], "seat" in answer) == ("already_checked_in", False)


# -- pages ---------------------------------------------------------------------------------------------


def _plan_with_guests(count: int):
    item = make_item()
    plan = tables(item, ("主桌", 10, True), *[(str(n), 10, False) for n in range(2, 8)])
    delegation = make_delegation(item.session.edition, f"代表团{count}", 1)
    make_cards(item, max(1, count // 2), prefix="Dele", delegation=delegation, interpreters={1: 0} if count > 2 else None)
    if count > 1:
        make_cards(item, count - count // 2, prefix="Solo")
    seating.auto_seat(plan)
    if count > 1:
        make_cards(item, 3, prefix="Late")  # accepted after auto-seating: listed without a seat
    return plan


def test_plan_page_draws_the_tables_and_lists_the_unseated(client, organizer):
    plan = _plan_with_guests(6)
    client.force_login(organizer)
    page = client.get(f"/protocol/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<figure class="plan-block') == 7
    assert html.count('class="seat taken') == 6
    assert html.count('class="seat free') == 64
    assert "Late 01" in html and 'data-card="' in html
    assert 'action="/protocol/plans/%d/auto-seat/"' % plan.pk in html


def test_plan_page_is_for_organizers_only(client, django_user_model):
    plan = _plan_with_guests(1)
    assert client.get(f"/protocol/plans/{plan.pk}/").status_code == 302  # to the sign-in page
    staff = django_user_model.objects.create_user("staff-only", password="a-long-test-password-1", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/protocol/plans/{plan.pk}/").status_code == 403
    assert client.post(f"/protocol/plans/{plan.pk}/auto-seat/").status_code == 403
    assert not SeatAssignment.objects.filter(plan=plan, card__registration__name__startswith="Late").exists()


def test_plan_page_auto_seat_button(client, organizer):
    plan = _plan_with_guests(6)
    client.force_login(organizer)
    page = client.post(f"/protocol/plans/{plan.pk}/auto-seat/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Seated 3 guests." in page.content.decode()
    assert SeatAssignment.objects.filter(plan=plan).count() == 9


def test_plan_page_move_and_its_refusals_as_sentences(client, organizer):
    plan = _plan_with_guests(6)
    client.force_login(organizer)
    late = InvitationCard.objects.get(registration__name="Late 01")
    head = plan.blocks.get(label="主桌")
    taken = SeatAssignment.objects.get(block=head, number=1)
    refused = client.post(f"/protocol/plans/{plan.pk}/move/", {"card": late.pk, "block": head.pk, "number": 1, "action": "move"}, HTTP_ACCEPT_LANGUAGE="en")
    html = refused.content.decode()
    assert refused.status_code == 409
    assert 'data-code="seat_taken"' in html
    assert f"Table 主桌 · seat 1 is taken by {taken.card.registration.name}: clear or move them first." in html
    missing = client.post(f"/protocol/plans/{plan.pk}/move/", {"card": late.pk, "block": head.pk, "number": 11, "action": "move"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400 and 'data-code="no_such_seat"' in missing.content.decode()
    moved = client.post(f"/protocol/plans/{plan.pk}/move/", {"card": late.pk, "block": head.pk, "number": 10, "action": "move"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Late 01 now sits at Table 主桌 · seat 10." in moved.content.decode()
    cleared = client.post(f"/protocol/plans/{plan.pk}/move/", {"card": late.pk, "block": head.pk, "number": "", "action": "clear"}, follow=True)
    assert cleared.status_code == 200
    assert not SeatAssignment.objects.filter(card=late).exists()


@pytest.mark.parametrize("path", ["", "place-cards.pdf", "table-plan.pdf"])
def test_plan_page_and_pdfs_in_constant_queries(client, organizer, path):
    client.force_login(organizer)
    counts = []
    for guests in (1, 50):
        plan = _plan_with_guests(guests)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/protocol/plans/{plan.pk}/{path}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [6, 6]  # session, user, roles; the plan with its item; the blocks; the cards with names, delegations and seats


def test_pdfs_are_pdf_with_the_names(client, organizer):
    plan = _plan_with_guests(6)
    client.force_login(organizer)
    cards = client.get(f"/protocol/plans/{plan.pk}/place-cards.pdf")
    assert (cards["Content-Type"], cards.content[:5]) == ("application/pdf", b"%PDF-")
    assert cards.content.count(b"/Type /Page\n") + cards.content.count(b"/Type /Page ") >= 1
    table_plan = client.get(f"/protocol/plans/{plan.pk}/table-plan.pdf")
    assert table_plan.content[:5] == b"%PDF-"


def test_place_cards_one_page_per_seated_guest(item):
    import pypdfium2

    from protocol.pdf import place_cards_pdf, table_plan_pdf

    plan = tables(item, ("1", 10, True), ("2", 10, False))
    make_cards(item, 4, prefix="Card")
    seating.auto_seat(plan)
    data = seating.plan_seating(plan)
    cards = pypdfium2.PdfDocument(place_cards_pdf(plan, data))
    assert len(cards) == 4
    text = cards[0].get_textpage().get_text_range()
    assert "Card 01" in text and "C嘉宾01" in text and "Table 1 · seat 1" in text
    plan_text = pypdfium2.PdfDocument(table_plan_pdf(plan, data))[0].get_textpage().get_text_range()
    assert "Card 04" in plan_text and "Table 2" in plan_text


def test_plans_list(client, organizer):
    plan = _plan_with_guests(6)
    client.force_login(organizer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/protocol/plans/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert f'href="/protocol/plans/{plan.pk}/"' in html
    assert "<td>70</td><td>6</td>" in html
    assert len(queries) <= 6


# -- API -----------------------------------------------------------------------------------------------


def test_api_seats_in_constant_queries(api_client, organizer):
    api_client.force_authenticate(organizer)
    api_client.get("/api/v1/seating-plans/")  # the organizer's role is read once, then remembered on the user
    counts = []
    for guests in (1, 50):
        plan = _plan_with_guests(guests)
        with CaptureQueriesContext(connection) as queries:
            body = api_client.get(f"/api/v1/seating-plans/{plan.pk}/seats/", HTTP_ACCEPT_LANGUAGE="en").json()
        assert len(body["seats"]) == guests
        counts.append(len(queries))
    assert counts == [4, 4]  # the plan with its item, its blocks (prefetched for the object), the blocks in order, the cards with names, delegations and seats


def test_api_seats_body(api_client, organizer, item):
    plan = tables(item, ("1", 10, True))
    card = make_cards(item, 1, prefix="Api")[0]
    seating.seat_move(card, block=plan.blocks.get(), number=5)
    api_client.force_authenticate(organizer)
    body = api_client.get(f"/api/v1/seating-plans/{plan.pk}/seats/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body == {
        "plan": plan.pk, "layout": "tables", "unseated": [],
        "seats": [{
            "block": plan.blocks.get().pk, "block_label": "1", "number": 5, "label": "Table 1 · seat 5",
            "guest": {"card": card.pk, "registration": card.registration_id, "person": None, "name": "Api 01", "name_zh": "A嘉宾01", "delegation": None, "interpreter_for": None, "status": "accepted"},
        }],
    }
    listed = api_client.get("/api/v1/seating-plans/").json()
    assert [(p["id"], p["seat_count"], p["seated"]) for p in listed["results"]] == [(plan.pk, 10, 1)]


def test_api_auto_seat_and_move_codes(api_client, organizer, item):
    plan = tables(item, ("1", 2, True))
    cards = make_cards(item, 3, prefix="Api")
    declined = make_cards(item, 1, prefix="Dec", status="declined")[0]
    api_client.force_authenticate(organizer)
    report = api_client.post(f"/api/v1/seating-plans/{plan.pk}/auto-seat/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (report["seated"], report["unseated"]) == (2, [{"card": cards[2].pk, "code": "plan_full"}])
    assert report["messages"] == [{"code": "plan_full", "message": "1 accepted guests have no seat: every seat of the plan is taken."}]
    block = plan.blocks.get().pk
    move = f"/api/v1/seating-plans/{plan.pk}/move/"
    taken = api_client.post(move, {"card": cards[2].pk, "block": block, "number": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (taken.status_code, taken.json()["code"], taken.json()["message"]) == (409, "seat_taken", "Table 1 · seat 1 is taken by Api 01: clear or move them first.")
    nowhere = api_client.post(move, {"card": cards[2].pk, "block": block, "number": 3}, format="json")
    assert (nowhere.status_code, nowhere.json()["code"]) == (400, "no_such_seat")
    refused = api_client.post(move, {"card": declined.pk, "block": block, "number": 1}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_accepted")
    stranger = api_client.post(move, {"card": 10**12, "block": block, "number": 1}, format="json")
    assert (stranger.status_code, stranger.json()["code"]) == (400, "does_not_exist")
    cleared = api_client.post(f"/api/v1/seating-plans/{plan.pk}/clear/", {"card": cards[0].pk}, format="json")
    assert cleared.status_code == 204
    moved = api_client.post(move, {"card": cards[2].pk, "block": block, "number": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert moved.json() == {"card": cards[2].pk, "block": block, "block_label": "1", "number": 1, "label": "Table 1 · seat 1"}


def test_api_is_for_organizers_only(api_client, django_user_model, item):
    plan = tables(item, ("1", 2, True))
    assert api_client.get(f"/api/v1/seating-plans/{plan.pk}/seats/").status_code == 401
    api_client.force_authenticate(django_user_model.objects.create_user("plain", password="a-long-test-password-1", is_staff=True))
    assert api_client.post(f"/api/v1/seating-plans/{plan.pk}/auto-seat/").json()["code"] == "permission_denied"


def test_openapi_documents_the_seating_endpoints(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    move = paths["/api/v1/seating-plans/{id}/move/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(move["responses"])
    assert "/api/v1/seating-plans/{id}/seats/" in paths and "/api/v1/seating-plans/{id}/auto-seat/" in paths


# -- admin ---------------------------------------------------------------------------------------------


def test_admin_refuses_a_plan_larger_than_the_hall(client, organizer, item):
    client.force_login(organizer)
    data = {
        "item": item.pk, "layout": "tables", "capacity": "15",
        "blocks-TOTAL_FORMS": "2", "blocks-INITIAL_FORMS": "0", "blocks-MIN_NUM_FORMS": "0", "blocks-MAX_NUM_FORMS": "1000",
        "blocks-0-label": "1", "blocks-0-seats": "10", "blocks-0-is_head": "on", "blocks-0-sort_order": "0",
        "blocks-1-label": "2", "blocks-1-seats": "10", "blocks-1-sort_order": "1",
    }
    refused = client.post("/admin/protocol/seatingplan/add/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "The plan has 20 seats, more than the hall&#x27;s capacity of 15." in refused.content.decode()
    data["capacity"] = "20"
    assert client.post("/admin/protocol/seatingplan/add/", data).status_code == 302
    assert list(SeatingPlan.objects.get().blocks.values_list("label", "seats")) == [("1", 10), ("2", 10)]


def test_plan_create_is_audited_with_the_actor(item, organizer):
    plan = seating.plan_create(item, layout="rows", blocks=[("A", 20, True), ("B", 30, False)], actor=organizer)
    assert LogEntry.objects.get_for_object(plan).get().actor == organizer
    assert LogEntry.objects.filter(content_type__model="seatblock", action=LogEntry.Action.CREATE, actor=organizer).count() == 2
