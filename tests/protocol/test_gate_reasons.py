"""Issue 23, at the gate: an invitation-only item's check-in list admits accepted invitees only.
End to end: the card is sent and answered through protocol.invitations, the gate's row is
mirrored (protocol.sync), and the scan (registration.checkin, and the API) answers `not_invited`
with the reason (no_answer, declined, not_on_list) or admits the guest."""
import uuid

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from protocol.invitations import card_cancel, cards_send, item_checkin_list, rsvp_answer, substitute_decide
from registration.checkin import checkin_scan
from wic import roles

from .test_rsvp_support import BANQUET_START, approved_guest, card_email, token_of
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


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("gate-rsvp", password="a-long-test-password-1")
    user.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    return user


def scan(item, registration, staff) -> dict:
    answer = checkin_scan(
        checkin_list=item_checkin_list(item.session), secret=registration.credentials.get().secret, nonce=str(uuid.uuid4()), user=staff,
        scanned_at=BANQUET_START,
    )
    return answer.as_dict()


def test_an_unanswered_card_is_refused_with_the_reason_no_answer(item, organizer, maria, staff):
    cards_send(item, registrations=[maria], actor=organizer)
    with translation.override("en"):
        body = scan(item, maria, staff)
    assert (body["result"], body["reason"]) == ("not_invited", "no_answer")
    assert body["reason_message"] and "guest" not in body


def test_an_accepted_card_is_admitted(item, organizer, maria, staff):
    card = cards_send(item, registrations=[maria], actor=organizer)[0]
    rsvp_answer(token_of(card_email(card)), answer="accept")
    body = scan(item, maria, staff)
    assert (body["result"], body["guest"]["name"]) == ("ok", "Maria Silva")
    assert "reason" not in body and "seat" not in body  # not seated yet
    assert scan(item, maria, staff)["result"] == "already_checked_in"


def test_a_declined_card_is_refused_with_the_reason_declined(item, organizer, maria, staff):
    card = cards_send(item, registrations=[maria], actor=organizer)[0]
    rsvp_answer(token_of(card_email(card)), answer="decline")
    body = scan(item, maria, staff)
    assert (body["result"], body["reason"]) == ("not_invited", "declined")


def test_a_cancelled_card_or_no_card_is_not_on_the_list(item, organizer, maria, john, staff):
    card = cards_send(item, registrations=[maria], actor=organizer)[0]
    card_cancel(card, actor=organizer)
    assert (scan(item, maria, staff)["reason"], scan(item, john, staff)["reason"]) == ("not_on_list", "not_on_list")


def test_the_invitee_who_sent_a_substitute_is_refused_and_the_approved_substitute_admitted(edition, item, organizer, maria, staff):
    card = cards_send(item, registrations=[maria], actor=organizer)[0]
    rsvp_answer(token_of(card_email(card)), answer="substitute", substitute_name="Ana Costa", substitute_email="ana@example.org")
    ana = approved_guest(edition, "ana@example.org", name="Ana Costa")
    assert scan(item, ana, staff)["reason"] == "not_on_list"  # before the organizer approves
    substitute_decide(card, approve=True, actor=organizer)
    assert (scan(item, maria, staff)["reason"], scan(item, ana, staff)["result"]) == ("declined", "ok")


def test_the_scan_api_gives_the_reason(item, organizer, maria, staff, api_client):
    cards_send(item, registrations=[maria], actor=organizer)
    api_client.force_authenticate(staff)
    body = {"list": item_checkin_list(item.session).pk, "secret": maria.credentials.get().secret, "scanned_at": BANQUET_START.isoformat(), "nonce": str(uuid.uuid4())}
    response = api_client.post("/api/v1/checkins/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (response.json()["result"], response.json()["reason"]) == ("not_invited", "no_answer")
