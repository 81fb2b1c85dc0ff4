"""Issue 23, invitation cards (protocol.invitations): items, sending cards (registrations,
people, delegations), the bilingual email with the private link, the invitee's answer and its
refusals, substitutes, cancelling and sending again. Each refusal is a coded error naming what
failed, and leaves what was saved as it was."""
from datetime import datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from people.models import Person
from protocol import invitations
from protocol.invitations import card_cancel, card_resend, cards_send, item_for_session, rsvp_answer, substitute_decide
from protocol.models import Delegation, DelegationMember, InvitationCard, InvitationItem
from registration.models import CheckinList, Invitation
from tests.factories import SessionFactory
from wic.display import BEIJING
from wic.models import OutgoingEmail

from .test_rsvp_support import BANQUET_END, DEADLINE, approved_guest, card_email, future_edition, link_path, refused, token_of
from . import test_rsvp_support as support

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/protocol/test_rsvp_support.py).
edition = support.edition
banquet = support.banquet
item = support.item
organizer = support.organizer
maria = support.maria
li = support.li
john = support.john


def zh(msgid: str, **values) -> str:
    """`msgid` as the Chinese catalogue has it (the English where it has no translation yet)."""
    with translation.override("zh-hans"):
        return gettext(msgid) % values


def send(item, organizer, *registrations, **kwargs):
    return cards_send(item, registrations=registrations, actor=organizer, **kwargs)


def gate_row(card):
    return Invitation.objects.filter(registration=card.registration, session=card.item.session).values_list("rsvp", flat=True).first()


def snapshot(card):
    card.refresh_from_db()
    return (card.status, card.link_nonce, card.responded_at, card.substitute_name, card.substitute_email, card.substitute_title)


# -- items ---------------------------------------------------------------------------------------

def test_an_item_is_made_once_with_its_checkin_list(banquet):
    item = item_for_session(banquet, rsvp_deadline=DEADLINE, transferable=True)
    again = item_for_session(banquet, transferable=False)
    assert again.pk == item.pk and (again.rsvp_deadline, again.transferable) == (DEADLINE, True)  # returned unchanged
    assert list(CheckinList.objects.filter(session=banquet).values_list("kind", "name_zh", "name_en")) == [("item", "欢迎晚宴", "Welcome banquet")]


def test_an_item_is_refused_for_an_open_session_or_a_deadline_after_it_starts(edition, banquet):
    forum = SessionFactory(edition=edition, access="open")
    assert refused(lambda: item_for_session(forum)) == ("not_invitable", "session", 400)
    late = banquet.start + timedelta(minutes=1)
    assert refused(lambda: item_for_session(banquet, rsvp_deadline=late)) == ("invalid_deadline", "rsvp_deadline", 400)
    assert InvitationItem.objects.count() == 0 and not CheckinList.objects.filter(session__in=[forum, banquet]).exists()
    closed_door = SessionFactory(edition=edition, access="not_stated", closed_door=True)
    assert item_for_session(closed_door).session == closed_door


# -- sending cards -------------------------------------------------------------------------------

def test_cards_are_sent_in_each_guests_language_with_a_private_link(item, organizer, maria, john, client):
    cards = send(item, organizer, maria, john)
    assert [(c.registration, c.status, c.language, c.sent) for c in cards] == [(maria, "invited", "zh-hans", True), (john, "invited", "en", True)]
    for card in cards:
        assert len(card.link_nonce) == 32 and card.invited_at is not None and card.responded_at is None
        assert gate_row(card) == "awaiting"
    chinese, english = card_email(cards[0]), card_email(cards[1])
    assert (chinese.to, chinese.language, english.to, english.language) == (["maria@example.org"], "zh-hans", ["john@example.org"], "en")
    in_chinese = zh("Invitation card: %(title)s", title="欢迎晚宴")
    assert chinese.subject == f"{in_chinese} / Invitation card: Welcome banquet"
    assert english.subject == f"Invitation card: Welcome banquet / {in_chinese}"
    text = english.body_text
    # The card's language first, the other below it.
    assert text.index("Dear John Smith,") < text.index("———— 简体中文 ————") < text.index("John Smith，您好：")
    for shown in ("Welcome banquet", "Date: 2090-11-10", "Time (Beijing): 19:00–21:00", "Hall: Longfeng Hall · Test Banquet Hotel",
                  "Please reply by: 2090-11-05 18:00 (Beijing time)", "propose a substitute", "欢迎晚宴", "龙凤厅 · 测试宴会酒店", "2090-11-05 18:00"):
        assert shown in text, shown
    assert text.count(f"{settings.SITE_URL}/rsvp/") == 2  # the same link in both languages
    assert chinese.body_text.index("Maria Silva，您好：") < chinese.body_text.index("Dear Maria Silva,")
    page = client.get(link_path(english))
    assert page.status_code == 200 and "Welcome banquet" in page.content.decode()


def test_the_audit_trail_names_the_organizer_and_keeps_the_nonce_out(item, organizer, maria):
    card = send(item, organizer, maria)[0]
    entry = LogEntry.objects.get_for_object(card).get()
    assert entry.actor == organizer and "status" in entry.changes_dict and "link_nonce" not in entry.changes_dict


def test_a_card_is_not_sent_twice_but_a_cancelled_one_is_sent_again(item, organizer, maria):
    first = send(item, organizer, maria)[0]
    again = send(item, organizer, maria)[0]
    assert (again.pk, again.sent, again.link_nonce) == (first.pk, False, first.link_nonce)
    assert OutgoingEmail.objects.filter(event="protocol.card").count() == 1
    card_cancel(first, actor=organizer)
    assert gate_row(first) is None  # the gate's row goes with the cancelled card
    reopened = send(item, organizer, maria, language="en")[0]
    assert (reopened.pk, reopened.sent, reopened.status, reopened.language) == (first.pk, True, "invited", "en")
    assert reopened.link_nonce != first.link_nonce and gate_row(reopened) == "awaiting"
    assert OutgoingEmail.objects.filter(event="protocol.card").count() == 2
    assert InvitationCard.objects.count() == 1


def test_only_approved_guests_of_the_edition_are_invitable_and_nothing_is_sent_otherwise(edition, item, organizer, maria):
    pending = approved_guest(edition, "pending@example.org", name="Pending Person", status="pending")
    other = approved_guest(future_edition(2091), "other@example.org", name="Other Edition")
    with pytest.raises(Exception) as error:
        send(item, organizer, maria, pending)
    assert (error.value.code, error.value.field, error.value.status) == ("not_invitable", "registrations", 400)
    assert "Pending Person" in error.value.message
    assert refused(lambda: send(item, organizer, other))[0] == "not_invitable"
    assert InvitationCard.objects.count() == 0 and OutgoingEmail.objects.filter(event="protocol.card").count() == 0
    assert not Invitation.objects.filter(session=item.session).exists()


def test_sending_is_refused_without_invitees_in_an_unknown_language_or_after_replies_close(item, organizer, maria):
    assert refused(lambda: cards_send(item, actor=organizer)) == ("no_invitees", "registrations", 400)
    assert refused(lambda: send(item, organizer, maria, language="fr")) == ("unknown_language", "language", 400)
    with time_machine.travel(DEADLINE, tick=False):
        assert refused(lambda: send(item, organizer, maria)) == ("rsvp_closed", "item", 409)
    assert InvitationCard.objects.count() == 0


def test_a_person_without_registration_is_invited_by_email_or_refused_without_one(item, organizer):
    minister = Person.objects.create(name_zh="张部长", name_en="Minister Zhang", email="zhang@example.org")
    nobody = Person.objects.create(name_zh="无邮件")
    assert refused(lambda: cards_send(item, people=[minister, nobody], actor=organizer)) == ("no_email", "people", 400)
    card = cards_send(item, people=[minister], actor=organizer, language="en")[0]
    assert (card.person, card.registration, card.language, card.status) == (minister, None, "en", "invited")
    email = card_email(card)
    assert email.to == ["zhang@example.org"] and "Dear Minister Zhang," in email.body_text and "张部长，您好：" in email.body_text
    assert not Invitation.objects.exists()  # no registration, no credential: nothing for the gate


def test_a_delegation_is_invited_member_by_member_with_its_head(edition, item, organizer, maria, li, john):
    delegation = Delegation.objects.create(edition=edition, name_zh="巴西代表团", name_en="Brazil", kind="government", head=li)
    DelegationMember.objects.create(delegation=delegation, registration=maria, sort_order=1)
    DelegationMember.objects.create(delegation=delegation, registration=john, sort_order=2)
    cards = cards_send(item, delegations=[delegation], actor=organizer)
    assert sorted((c.registration.email, c.delegation_id) for c in cards) == [
        ("john@example.org", delegation.pk), ("li@example.org", delegation.pk), ("maria@example.org", delegation.pk),
    ]
    empty = Delegation.objects.create(edition=edition, name_zh="空代表团", kind="company")
    assert refused(lambda: cards_send(item, delegations=[empty], actor=organizer)) == ("not_invitable", "delegations", 400)


# -- the link ------------------------------------------------------------------------------------

def test_a_bad_link_is_refused_as_invalid(item, organizer, maria):
    token = token_of(card_email(send(item, organizer, maria)[0]))
    for bad in ("nonsense", token[:-2] + "xx", token.replace(":", ";", 1)):
        assert refused(lambda: invitations.card_for_token(bad)) == ("link_invalid", "token", 404)


def test_the_link_expires_when_the_item_ends(item, organizer, maria):
    card = send(item, organizer, maria)[0]
    token = token_of(card_email(card))
    with time_machine.travel(BANQUET_END - timedelta(seconds=1), tick=False):
        assert invitations.card_for_token(token) == card
    with time_machine.travel(BANQUET_END, tick=False):
        assert refused(lambda: invitations.card_for_token(token)) == ("link_expired", "token", 410)


def test_a_link_answers_once_and_a_newer_card_replaces_it(item, organizer, maria):
    card = send(item, organizer, maria)[0]
    token = token_of(card_email(card))
    assert rsvp_answer(token, answer="accept").status == "accepted"
    before = snapshot(card)
    assert refused(lambda: rsvp_answer(token, answer="decline")) == ("already_answered", "answer", 409)
    assert snapshot(card) == before and gate_row(card) == "accepted"
    assert invitations.card_for_token(token) == card  # the link still shows the answer
    card_resend(card, actor=organizer)
    assert refused(lambda: invitations.card_for_token(token)) == ("link_used", "token", 410)
    card.refresh_from_db()
    assert (card.status, card.responded_at, gate_row(card)) == ("invited", None, "awaiting")
    assert "The secretariat has reopened your invitation: please answer it again." in card_email(card).body_text
    assert rsvp_answer(token_of(card_email(card)), answer="decline").status == "declined"


def test_a_cancelled_cards_link_says_so(item, organizer, maria):
    card = send(item, organizer, maria)[0]
    token = token_of(card_email(card))
    card_cancel(card, actor=organizer)
    assert refused(lambda: invitations.card_for_token(token)) == ("card_cancelled", "token", 410)
    assert refused(lambda: card_cancel(card, actor=organizer)) == ("already_cancelled", "status", 409)


# -- the answer ----------------------------------------------------------------------------------

def test_accept_and_decline_are_mirrored_for_the_gate(item, organizer, maria, john):
    accepted, declined = send(item, organizer, maria, john)
    now = datetime(2090, 10, 1, 12, 0, tzinfo=BEIJING)
    assert rsvp_answer(token_of(card_email(accepted)), answer="accept", now=now).responded_at == now
    rsvp_answer(token_of(card_email(declined)), answer="decline", now=now)
    assert (gate_row(accepted), gate_row(declined)) == ("accepted", "declined")


def test_replies_close_at_the_deadline_or_when_the_item_starts(item, organizer, maria, john):
    card = send(item, organizer, maria)[0]
    token = token_of(card_email(card))
    assert refused(lambda: rsvp_answer(token, answer="accept", now=DEADLINE)) == ("rsvp_closed", "answer", 409)
    assert snapshot(card)[0] == "invited" and gate_row(card) == "awaiting"
    assert rsvp_answer(token, answer="accept", now=DEADLINE - timedelta(seconds=1)).status == "accepted"
    InvitationItem.objects.filter(pk=item.pk).update(rsvp_deadline=None)
    other = send(InvitationItem.objects.get(pk=item.pk), organizer, john)[0]
    start = item.session.start
    assert refused(lambda: rsvp_answer(token_of(card_email(other)), answer="decline", now=start)) == ("rsvp_closed", "answer", 409)


def test_bad_answers_are_refused_with_their_field_and_save_nothing(item, organizer, maria):
    card = send(item, organizer, maria)[0]
    token = token_of(card_email(card))
    before = snapshot(card)
    cases = [
        (dict(answer="maybe"), ("unknown_answer", "answer", 400)),
        (dict(answer=""), ("unknown_answer", "answer", 400)),
        (dict(answer=["accept"]), ("unknown_answer", "answer", 400)),
        (dict(answer="substitute", substitute_name="  ", substitute_email="a@example.org"), ("substitute_name_required", "substitute_name", 400)),
        (dict(answer="substitute", substitute_name="x" * 201, substitute_email="a@example.org"), ("too_long", "substitute_name", 400)),
        (dict(answer="substitute", substitute_name="Ana", substitute_email="a@example.org", substitute_title="t" * 201), ("too_long", "substitute_title", 400)),
        (dict(answer="substitute", substitute_name="Ana", substitute_email="not-an-email"), ("invalid_email", "substitute_email", 400)),
        (dict(answer="substitute", substitute_name="Ana", substitute_email=""), ("invalid_email", "substitute_email", 400)),
        (dict(answer="substitute", substitute_name="Ana", substitute_email="MARIA@example.org"), ("substitute_is_invitee", "substitute_email", 400)),
    ]
    for fields, expected in cases:
        assert refused(lambda: rsvp_answer(token, **fields)) == expected, fields
    assert snapshot(card) == before and gate_row(card) == "awaiting"


def test_a_substitute_is_refused_for_a_personal_invitation(item, organizer, maria):
    InvitationItem.objects.filter(pk=item.pk).update(transferable=False)
    card = send(InvitationItem.objects.get(pk=item.pk), organizer, maria)[0]
    before = snapshot(card)
    call = lambda: rsvp_answer(token_of(card_email(card)), answer="substitute", substitute_name="Ana Costa", substitute_email="ana@example.org")  # noqa: E731
    assert refused(call) == ("not_transferable", "answer", 400)
    assert snapshot(card) == before


# -- substitutes ---------------------------------------------------------------------------------

def propose(card, email="ana@example.org"):
    return rsvp_answer(token_of(card_email(card)), answer="substitute", substitute_name=" Ana Costa ", substitute_email=email, substitute_title="Deputy Director")


def test_a_proposed_substitute_waits_and_the_approved_one_gets_an_accepted_card(edition, item, organizer, maria):
    card = propose(send(item, organizer, maria)[0])
    assert (card.status, card.substitute_name, card.substitute_email, card.substitute_title) == ("substitute_proposed", "Ana Costa", "ana@example.org", "Deputy Director")
    assert gate_row(card) == "declined"  # Maria will not come herself
    assert refused(lambda: substitute_decide(card, approve=True, actor=organizer)) == ("substitute_not_registered", "registration", 409)
    card.refresh_from_db()
    assert card.status == "substitute_proposed" and InvitationCard.objects.count() == 1
    ana = approved_guest(edition, "Ana@Example.org", name="Ana Costa", language="en")
    new = substitute_decide(card, approve=True, actor=organizer)
    card.refresh_from_db()
    assert (card.status, card.decided_by, new.status, new.registration, new.replaces, new.language) == ("replaced", organizer, "accepted", ana, card, "en")
    assert (gate_row(card), gate_row(new)) == ("declined", "accepted")
    email = card_email(new)
    assert email.to == ["Ana@Example.org"] and "approved you as the substitute of Maria Silva" in email.body_text
    assert refused(lambda: substitute_decide(card, approve=False, actor=organizer)) == ("no_substitute_proposed", "status", 409)
    assert refused(lambda: card_resend(card, actor=organizer)) == ("already_replaced", "status", 409)


def test_a_refused_substitute_reopens_the_card_with_a_new_link(item, organizer, maria):
    card = send(item, organizer, maria)[0]
    old_token = token_of(card_email(card))
    propose(card)
    assert refused(lambda: card_resend(card, actor=organizer)) == ("substitute_pending", "status", 409)
    refused_card = substitute_decide(card, approve=False, actor=organizer)
    assert (refused_card.status, refused_card.substitute_name, refused_card.decided_by, gate_row(card)) == ("invited", "", organizer, "awaiting")
    assert refused(lambda: invitations.card_for_token(old_token)) == ("link_used", "token", 410)
    email = card_email(refused_card)
    assert "Ana Costa" in email.body_text
    assert rsvp_answer(token_of(email), answer="accept").status == "accepted"


def test_a_substitute_already_invited_is_refused(edition, item, organizer, maria, john):
    maria_card, _john_card = send(item, organizer, maria, john)
    propose(maria_card, email="john@example.org")
    assert refused(lambda: substitute_decide(maria_card, approve=True, actor=organizer)) == ("already_invited", "registration", 409)
    pending = approved_guest(edition, "p@example.org", status="pending")
    assert refused(lambda: substitute_decide(maria_card, approve=True, actor=organizer, registration=pending)) == ("not_invitable", "registration", 400)
    assert refused(lambda: substitute_decide(maria_card, approve=True, actor=organizer, registration=maria)) == ("substitute_is_invitee", "registration", 400)
    maria_card.refresh_from_db()
    assert maria_card.status == "substitute_proposed"


def test_cancelling_an_accepted_card_removes_the_gates_row(item, organizer, maria):
    card = send(item, organizer, maria)[0]
    rsvp_answer(token_of(card_email(card)), answer="accept")
    card_cancel(card, actor=organizer)
    card.refresh_from_db()
    assert card.status == "cancelled" and gate_row(card) is None


def test_an_accepted_cards_seat_is_shown_and_given_back_when_the_card_is_reopened(client, item, organizer, maria):
    from protocol import sync
    from protocol.models import SeatAssignment, SeatBlock, SeatingPlan

    card = send(item, organizer, maria)[0]
    rsvp_answer(token_of(card_email(card)), answer="accept")
    plan = SeatingPlan.objects.create(item=item, layout="tables")
    block = SeatBlock.objects.create(plan=plan, label="3", seats=10)
    SeatAssignment.objects.create(plan=plan, block=block, number=5, card=card)
    sync.mirror(InvitationCard.objects.select_related("item", "seat__plan", "seat__block").get(pk=card.pk))
    assert Invitation.objects.filter(registration=maria).values_list("seat_block", "seat_number").get() == ("3", 5)
    client.cookies["django_language"] = "en"
    assert "Table 3 · seat 5" in client.get(link_path(card_email(card))).content.decode()
    card_resend(card, actor=organizer)
    assert not SeatAssignment.objects.exists()
    assert Invitation.objects.filter(registration=maria).values_list("rsvp", "seat_block", "seat_number").get() == ("awaiting", "", None)
