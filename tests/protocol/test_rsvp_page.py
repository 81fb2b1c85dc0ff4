"""Issue 23, the invitee's private page `/rsvp/<token>/`: no account, in the card's language
unless the visitor chose one, private headers; accept, decline or propose a substitute; refusals
as sentences with their code in data-code, nothing saved; a constant number of queries."""
import pytest
import time_machine

from protocol.invitations import card_cancel, card_resend, cards_send
from protocol.models import InvitationCard, InvitationItem
from registration.models import Invitation

from .test_rsvp_support import BANQUET_END, DEADLINE, approved_guest, card_email, link_path
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
def card(item, organizer, maria):
    return cards_send(item, registrations=[maria], actor=organizer)[0]


@pytest.fixture
def page(card):
    return link_path(card_email(card))


def text(response) -> str:
    return response.content.decode()


def test_the_page_speaks_the_cards_language_with_private_headers(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assert (response["Cache-Control"], response["Referrer-Policy"], response["X-Robots-Tag"]) == ("private, no-store", "same-origin", "noindex")
    body = text(response)
    assert '<html lang="zh-hans">' in body
    for shown in ("欢迎晚宴", "Maria Silva", "龙凤厅 · 测试宴会酒店", "2090-11-10", "19:00", "21:00", "2090-11-05 18:00", 'value="accept"', 'value="decline"', 'value="substitute"'):
        assert shown in body, shown
    client.cookies["django_language"] = "en"
    english = text(client.get(page))
    assert '<html lang="en">' in english and "Welcome banquet" in english and "Longfeng Hall · Test Banquet Hotel" in english


def test_an_english_card_opens_in_english(client, item, organizer, john):
    card = cards_send(item, registrations=[john], actor=organizer)[0]
    body = text(client.get(link_path(card_email(card))))
    assert '<html lang="en">' in body and "Welcome banquet" in body and "Replies close" in body


def test_accepting_redirects_to_the_confirmation(client, page, card):
    response = client.post(page, {"answer": "accept"})
    assert (response.status_code, response["Location"]) == (303, page)
    assert response["Cache-Control"] == "private, no-store"
    done = client.get(page)
    assert done.status_code == 200 and 'data-status="accepted"' in text(done)
    assert Invitation.objects.get(registration=card.registration).rsvp == "accepted"


def test_a_second_answer_is_refused_and_shows_the_first(client, page, card):
    client.post(page, {"answer": "decline"})
    again = client.post(page, {"answer": "accept"})
    assert again.status_code == 409
    body = text(again)
    assert 'data-code="already_answered"' in body and 'data-status="declined"' in body
    card.refresh_from_db()
    assert card.status == "declined"


def test_a_substitute_is_proposed_and_awaits_approval(client, page, card):
    response = client.post(page, {"answer": "substitute", "substitute_name": "Ana Costa", "substitute_email": "ana@example.org", "substitute_title": "Deputy Director"})
    assert response.status_code == 303
    body = text(client.get(page))
    assert 'data-code="substitute_needs_approval"' in body and "Ana Costa" in body
    card.refresh_from_db()
    assert (card.status, card.substitute_email) == ("substitute_proposed", "ana@example.org")


def test_bad_input_is_shown_as_sentences_and_saves_nothing(client, page, card):
    cases = [
        ({"answer": "maybe"}, 400, "unknown_answer"),
        ({}, 400, "unknown_answer"),
        ({"answer": "substitute", "substitute_name": "Ana", "substitute_email": "not-an-email"}, 400, "invalid_email"),
        ({"answer": "substitute", "substitute_name": "x" * 201, "substitute_email": "a@example.org"}, 400, "too_long"),
        ({"answer": "substitute", "substitute_name": "", "substitute_email": "a@example.org"}, 400, "substitute_name_required"),
    ]
    for data, status, code in cases:
        response = client.post(page, data)
        assert response.status_code == status, data
        assert f'data-code="{code}"' in text(response), data
    kept = client.post(page, {"answer": "substitute", "substitute_name": "Ana Costa", "substitute_email": "nope"})
    assert 'value="Ana Costa"' in text(kept) and "<details class=\"card spaced-above\" open>" in text(kept)
    assert client.post(page, {"answer": "accept\x00"}).status_code == 400  # the middleware refuses NUL bytes
    card.refresh_from_db()
    assert (card.status, card.substitute_name, card.responded_at) == ("invited", "", None)


def test_a_personal_invitation_offers_no_substitute(client, item, organizer, maria):
    InvitationItem.objects.filter(pk=item.pk).update(transferable=False)
    card = cards_send(InvitationItem.objects.get(pk=item.pk), registrations=[maria], actor=organizer)[0]
    page = link_path(card_email(card))
    assert 'value="substitute"' not in text(client.get(page))
    refused = client.post(page, {"answer": "substitute", "substitute_name": "Ana", "substitute_email": "ana@example.org"})
    assert refused.status_code == 400 and 'data-code="not_transferable"' in text(refused)


def test_after_the_deadline_the_page_says_replies_are_closed(client, page, card):
    with time_machine.travel(DEADLINE, tick=False):
        body = text(client.get(page))
        assert 'data-code="rsvp_closed"' in body and 'value="accept"' not in body
        refused = client.post(page, {"answer": "accept"})
        assert refused.status_code == 409 and 'data-code="rsvp_closed"' in text(refused)
    card.refresh_from_db()
    assert card.status == "invited"


def test_links_that_do_not_open(client, page, card, organizer):
    bad = client.get("/rsvp/not-a-token/")
    assert (bad.status_code, bad["Cache-Control"]) == (404, "private, no-store") and 'data-code="link_invalid"' in text(bad)
    with time_machine.travel(BANQUET_END, tick=False):
        expired = client.get(page)
        assert expired.status_code == 410 and 'data-code="link_expired"' in text(expired)
    card_resend(card, actor=organizer)
    used = client.get(page)
    assert used.status_code == 410 and 'data-code="link_used"' in text(used)
    card.refresh_from_db()
    fresh = link_path(card_email(card))
    card_cancel(card, actor=organizer)
    cancelled = client.get(fresh)
    assert cancelled.status_code == 410 and 'data-code="card_cancelled"' in text(cancelled)
    assert client.post(fresh, {"answer": "accept"}).status_code == 410
    assert InvitationCard.objects.get().status == "cancelled"


@pytest.mark.parametrize("others", [0, 20])
def test_the_page_takes_a_constant_number_of_queries(client, edition, item, organizer, page, others, django_assert_num_queries):
    guests = [approved_guest(edition, f"other{n}@example.org", name=f"Other {n}") for n in range(others)]
    if guests:
        cards_send(item, registrations=guests, actor=organizer)
    with django_assert_num_queries(1):  # the card with its item, agenda item, hall, venue, edition, guest and seat
        assert client.get(page).status_code == 200
