"""Issue 23, invitation cards in the API: organizers' items and cards (filters, sending, cancel,
resend, substitutes) and the invitee's `/api/v1/rsvp/<token>/`. Coded 4xx for every refusal and
bad input, nothing saved then; lists in a constant number of queries."""
import json

import pytest

from protocol.invitations import cards_send, item_for_session, rsvp_answer
from protocol.models import InvitationCard
from tests.factories import SessionFactory
from wic.models import OutgoingEmail

from .test_rsvp_support import DEADLINE, approved_guest, banquet_session, card_email, token_of
from . import test_rsvp_support as support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

# The shared fixtures (tests/protocol/test_rsvp_support.py).
edition = support.edition
banquet = support.banquet
item = support.item
organizer = support.organizer
maria = support.maria
li = support.li
john = support.john


@pytest.fixture
def api(api_client, organizer):
    api_client.force_authenticate(organizer)
    return api_client


def post(client, url, body=None, **extra):
    return client.post(url, body or {}, format="json", HTTP_ACCEPT_LANGUAGE="en", **extra)


def code_of(response) -> tuple:
    return response.status_code, response.json()["code"]


def test_organizers_only(api_client, item, django_user_model):
    assert code_of(api_client.get("/api/v1/invitation-cards/")) == (401, "not_authenticated")
    staff = django_user_model.objects.create_user("staff-only", password="a-long-test-password-1", is_staff=True)
    api_client.force_authenticate(staff)
    assert code_of(api_client.get("/api/v1/invitation-items/")) == (403, "permission_denied")
    assert code_of(post(api_client, "/api/v1/invitation-cards/", {"item": item.pk})) == (403, "permission_denied")


def test_an_item_is_made_once_and_refused_for_an_open_session(api, edition, banquet):
    body = {"session": banquet.pk, "rsvp_deadline": "2090-11-05T18:00:00+08:00", "transferable": True}
    made = post(api, "/api/v1/invitation-items/", body)
    assert made.status_code == 201
    data = made.json()
    assert (data["title_en"], data["edition"], data["rsvp_deadline"], data["replies_close_at"], data["transferable"]) == (
        "Welcome banquet", 2090, "2090-11-05T18:00:00+08:00", "2090-11-05T18:00:00+08:00", True,
    )
    assert data["counts"] == {"invited": 0, "accepted": 0, "declined": 0, "no_answer": 0, "substitutes_awaiting": 0}
    again = post(api, "/api/v1/invitation-items/", {"session": banquet.pk})
    assert (again.status_code, again.json()["id"], again.json()["transferable"]) == (200, data["id"], True)
    forum = SessionFactory(edition=edition, access="open")
    refused = post(api, "/api/v1/invitation-items/", {"session": forum.pk})
    assert code_of(refused) == (400, "not_invitable") and refused.json()["errors"]["session"][0]["code"] == "not_invitable"


def test_cards_are_sent_listed_and_not_sent_twice(api, item, maria, john):
    sent = post(api, "/api/v1/invitation-cards/", {"item": item.pk, "registrations": [maria.pk, john.pk]})
    assert sent.status_code == 201
    data = sent.json()
    assert data["sent"] == 2
    assert [(c["invitee"]["email"], c["status"], c["language"]) for c in data["cards"]] == [
        ("maria@example.org", "invited", "zh-hans"), ("john@example.org", "invited", "en"),
    ]
    assert data["cards"][0]["invited_at"].endswith("+08:00")
    again = post(api, "/api/v1/invitation-cards/", {"item": item.pk, "registrations": [maria.pk]})
    assert (again.status_code, again.json()["sent"], again.json()["cards"][0]["id"]) == (200, 0, data["cards"][0]["id"])
    assert OutgoingEmail.objects.filter(event="protocol.card").count() == 2
    listed = api.get(f"/api/v1/invitation-cards/?item={item.pk}&status=invited").json()
    assert listed["count"] == 2
    items = api.get("/api/v1/invitation-items/?edition=2090").json()["results"]
    assert items[0]["counts"] == {"invited": 2, "accepted": 0, "declined": 0, "no_answer": 2, "substitutes_awaiting": 0}


def test_sending_refusals_are_coded_and_send_nothing(api, edition, item, maria):
    pending = approved_guest(edition, "pending@example.org", name="Pending Person", status="pending")
    cases = [
        ({"item": item.pk, "registrations": [maria.pk, pending.pk]}, 400, "not_invitable", "registrations"),
        ({"item": item.pk}, 400, "no_invitees", "registrations"),
        ({"item": item.pk, "registrations": [maria.pk], "language": "fr"}, 400, "unknown_language", "language"),
        ({"item": item.pk, "registrations": [999999]}, 400, "invalid", "registrations"),
        ({"item": item.pk, "registrations": ["x"]}, 400, "invalid", "registrations"),
        ({"item": 999999, "registrations": [maria.pk]}, 400, "invalid", "item"),
    ]
    for body, status, code, field in cases:
        response = post(api, "/api/v1/invitation-cards/", body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
        assert field in response.json()["errors"], body
    assert "Pending Person" in post(api, "/api/v1/invitation-cards/", cases[0][0]).json()["message"]
    assert InvitationCard.objects.count() == 0 and not OutgoingEmail.objects.filter(event="protocol.card").exists()


def test_cancel_resend_and_the_substitutes_decisions(api, edition, item, organizer, maria, john):
    maria_card, john_card = cards_send(item, registrations=[maria, john], actor=organizer)
    url = f"/api/v1/invitation-cards/{maria_card.pk}"
    cancelled = post(api, f"{url}/cancel/")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert code_of(post(api, f"{url}/cancel/")) == (409, "already_cancelled")
    resent = post(api, f"{url}/resend/", {"language": "en"})
    assert (resent.status_code, resent.json()["status"], resent.json()["language"]) == (200, "invited", "en")
    maria_card.refresh_from_db()
    rsvp_answer(token_of(card_email(maria_card)), answer="substitute", substitute_name="Ana Costa", substitute_email="ana@example.org")
    assert code_of(post(api, f"{url}/resend/")) == (409, "substitute_pending")
    assert code_of(post(api, f"/api/v1/invitation-cards/{john_card.pk}/approve-substitute/")) == (409, "no_substitute_proposed")
    not_registered = post(api, f"{url}/approve-substitute/")
    assert code_of(not_registered) == (409, "substitute_not_registered") and "ana@example.org" in not_registered.json()["message"]
    assert code_of(post(api, f"{url}/approve-substitute/", {"registration": 999999})) == (400, "invalid")
    ana = approved_guest(edition, "ana@example.org", name="Ana Costa")
    approved = post(api, f"{url}/approve-substitute/", {"registration": ana.pk})
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["replaces"], approved.json()["invitee"]["name"]) == ("accepted", maria_card.pk, "Ana Costa")
    original = api.get(f"{url}/").json()
    assert (original["status"], original["substitute_card"], original["substitute"]["name"]) == ("replaced", approved.json()["id"], "Ana Costa")


def test_refusing_a_substitute_reopens_the_card(api, item, organizer, maria):
    card = cards_send(item, registrations=[maria], actor=organizer)[0]
    rsvp_answer(token_of(card_email(card)), answer="substitute", substitute_name="Ana Costa", substitute_email="ana@example.org")
    refused = post(api, f"/api/v1/invitation-cards/{card.pk}/refuse-substitute/")
    assert (refused.status_code, refused.json()["status"], refused.json()["substitute"]) == (200, "invited", None)


@pytest.mark.parametrize("count", [1, 20])
def test_the_card_list_takes_a_constant_number_of_queries(api, edition, item, organizer, count, django_assert_num_queries):
    guests = [approved_guest(edition, f"guest{n}@example.org", name=f"Guest {n}") for n in range(count)]
    cards = cards_send(item, registrations=guests, actor=organizer)
    rsvp_answer(token_of(card_email(cards[0])), answer="substitute", substitute_name="Ana", substitute_email="ana@example.org")
    with django_assert_num_queries(3):  # the organizer's role, the count, the page
        response = api.get(f"/api/v1/invitation-cards/?item={item.pk}")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_item_list_takes_a_constant_number_of_queries(api, edition, organizer, maria, count, django_assert_num_queries):
    for n in range(count):
        session = banquet_session(edition, key=f"banquet-{n}", title_zh=f"晚宴{n}") if n == 0 else SessionFactory(edition=edition, access="invited_only")
        cards_send(item_for_session(session), registrations=[maria], actor=organizer)
    with django_assert_num_queries(3):  # the organizer's role, the count, the page with the counts
        response = api.get("/api/v1/invitation-items/?edition=2090")
    assert [r["counts"]["invited"] for r in response.json()["results"]] == [1] * count


# -- the invitee ---------------------------------------------------------------------------------

@pytest.fixture
def token(item, organizer, maria):
    return token_of(card_email(cards_send(item, registrations=[maria], actor=organizer)[0]))


def test_the_invitee_reads_and_accepts_their_card(api_client, token, maria):
    read = api_client.get(f"/api/v1/rsvp/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert read.status_code == 200
    data = read.json()
    assert (data["status"], data["guest"], data["item"]["title"], data["item"]["hall"], data["replies_open"], data["transferable"]) == (
        "invited", "Maria Silva", "Welcome banquet", "Longfeng Hall · Test Banquet Hotel", True, True,
    )
    assert (data["item"]["start"], data["replies_close_at"], data["seat"]) == ("2090-11-10T19:00:00+08:00", "2090-11-05T18:00:00+08:00", "")
    accepted = post(api_client, f"/api/v1/rsvp/{token}/", {"answer": "accept"})
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted") and "code" not in accepted.json()
    again = post(api_client, f"/api/v1/rsvp/{token}/", {"answer": "decline"})
    assert code_of(again) == (409, "already_answered") and again.json()["errors"]["answer"][0]["code"] == "already_answered"
    assert InvitationCard.objects.get().status == "accepted"


def test_a_substitute_proposal_answers_202_needing_approval(api_client, token):
    response = post(api_client, f"/api/v1/rsvp/{token}/", {"answer": "substitute", "substitute_name": "Ana Costa", "substitute_email": "ana@example.org", "substitute_title": "Deputy"})
    assert response.status_code == 202
    data = response.json()
    assert (data["code"], data["status"], data["substitute"]) == ("substitute_needs_approval", "substitute_proposed", {"name": "Ana Costa", "email": "ana@example.org", "title": "Deputy"})
    assert data["message"] == "Your substitute is proposed: the secretariat must approve them before they are admitted."


def test_bad_answers_are_coded_and_save_nothing(api_client, token):
    url = f"/api/v1/rsvp/{token}/"
    cases = [
        ({"answer": "maybe"}, "unknown_answer", "answer"),
        ({}, "invalid", "answer"),
        ({"answer": "substitute", "substitute_name": "x" * 201, "substitute_email": "a@example.org"}, "too_long", "substitute_name"),
        ({"answer": "substitute", "substitute_name": "Ana", "substitute_email": "not an email"}, "invalid_email", "substitute_email"),
        ({"answer": "substitute", "substitute_email": "a@example.org"}, "substitute_name_required", "substitute_name"),
        ({"answer": ["accept"]}, "invalid", "answer"),
    ]
    for body, code, field in cases:
        response = post(api_client, url, body)
        assert (response.status_code, response.json()["code"]) == (400, code), body
        assert field in response.json()["errors"], body
    nul = api_client.post(url, json.dumps({"answer": "accept\u0000"}), content_type="application/json")
    assert nul.status_code == 400
    card = InvitationCard.objects.get()
    assert (card.status, card.responded_at, card.substitute_name) == ("invited", None, "")


def test_links_refused_with_their_codes(api_client, token, item, organizer):
    assert code_of(api_client.get("/api/v1/rsvp/not-a-token/")) == (404, "link_invalid")
    assert code_of(post(api_client, "/api/v1/rsvp/not-a-token/", {"answer": "accept"})) == (404, "link_invalid")
    card = InvitationCard.objects.get()
    from protocol.invitations import card_resend

    card_resend(card, actor=organizer)
    assert code_of(api_client.get(f"/api/v1/rsvp/{token}/")) == (410, "link_used")


def test_replies_closed_after_the_deadline(api_client, token):
    import time_machine

    with time_machine.travel(DEADLINE, tick=False):
        assert code_of(post(api_client, f"/api/v1/rsvp/{token}/", {"answer": "accept"})) == (409, "rsvp_closed")
        assert api_client.get(f"/api/v1/rsvp/{token}/").json()["replies_open"] is False


def test_the_rsvp_endpoints_take_a_constant_number_of_queries(api_client, token, django_assert_num_queries):
    with django_assert_num_queries(1):
        api_client.get(f"/api/v1/rsvp/{token}/")


def test_the_schema_documents_the_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"/api/v1/invitation-items/", "/api/v1/invitation-cards/", "/api/v1/invitation-cards/{id}/approve-substitute/", "/api/v1/rsvp/{token}/"} <= set(paths)
    post_rsvp = paths["/api/v1/rsvp/{token}/"]["post"]
    assert {"200", "202", "400", "404", "409", "410"} <= set(post_rsvp["responses"])
    assert "substitute_needs_approval" in post_rsvp["description"]
