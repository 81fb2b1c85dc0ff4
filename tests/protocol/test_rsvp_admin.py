"""Issue 23, invitation cards in the organizers' admin and on the edition dashboard: the item's
page sends cards (references or emails, delegations), the cards' actions (send again, cancel,
approve or refuse a substitute) go through protocol.invitations, refusals are messages with
their code; the dashboard panel counts per item in one query."""
import pytest
from django.contrib.messages import get_messages

from protocol.contrib_rsvp import cards_panel
from protocol.invitations import cards_send, item_for_session, rsvp_answer
from protocol.models import Delegation, DelegationMember, InvitationCard, InvitationItem
from tests.factories import SessionFactory

from .test_rsvp_support import approved_guest, card_email, token_of
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
CARD_LIST_QUERIES = 10  # whatever the number of cards: session, user, the list filters, counts, the page
ITEM_LIST_QUERIES = 8  # whatever the number of items


@pytest.fixture
def admin(client, organizer):
    client.force_login(organizer)
    client.cookies["django_language"] = "en"  # the messages asserted below, in English
    return client


def shown(response) -> list[tuple]:
    return [(m.level_tag, m.extra_tags, m.message) for m in get_messages(response.wsgi_request)]


def test_the_item_page_sends_cards_by_reference_email_and_delegation(admin, edition, item, maria, li, john):
    delegation = Delegation.objects.create(edition=edition, name_zh="英国代表团", kind="government")
    DelegationMember.objects.create(delegation=delegation, registration=john)
    url = f"/admin/protocol/invitationitem/{item.pk}/send/"
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"guests": f"{maria.reference.lower()}\nLI@example.org, ", "delegations": [delegation.pk], "language": ""})
    assert (response.status_code, response["Location"]) == (302, f"/admin/protocol/invitationitem/{item.pk}/change/")
    assert shown(response) == [("success", "", "3 invitation cards were sent.")]
    assert sorted(InvitationCard.objects.values_list("registration__email", "delegation_id", "status")) == [
        ("john@example.org", delegation.pk, "invited"), ("li@example.org", None, "invited"), ("maria@example.org", None, "invited"),
    ]
    page = admin.get(f"/admin/protocol/invitationitem/{item.pk}/change/")  # shows (and uses up) the message
    assert page.status_code == 200 and "Maria Silva" in page.content.decode() and "3 invitation cards were sent." in page.content.decode()
    again = admin.post(url, {"guests": maria.email})
    assert shown(again) == [("success", "", "0 invitation cards were sent. 1 guest already had a card.")]


def test_the_send_page_refuses_unknown_and_unapproved_guests(admin, edition, item, maria):
    url = f"/admin/protocol/invitationitem/{item.pk}/send/"
    unknown = admin.post(url, {"guests": f"{maria.reference}\nNOSUCHREF\nnobody@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    body = unknown.content.decode()
    assert unknown.status_code == 200 and 'data-code="not_found"' in body and "NOSUCHREF, nobody@example.org" in body
    pending = approved_guest(edition, "pending@example.org", name="Pending Person", status="pending")
    refused = admin.post(url, {"guests": pending.email})
    assert 'data-code="not_invitable"' in refused.content.decode() and "Pending Person" in refused.content.decode()
    assert 'data-code="no_invitees"' in admin.post(url, {"guests": ""}).content.decode()
    assert InvitationCard.objects.count() == 0


def test_an_item_for_an_open_session_is_refused_in_the_admin(admin, edition):
    forum = SessionFactory(edition=edition, access="open")
    response = admin.post("/admin/protocol/invitationitem/add/", {"session": forum.pk, "rsvp_deadline_0": "", "rsvp_deadline_1": "", "cards-TOTAL_FORMS": 0, "cards-INITIAL_FORMS": 0})
    assert response.status_code == 200 and "not an invitation-only item" in response.content.decode()
    assert InvitationItem.objects.count() == 0


def test_the_cards_actions_go_through_the_service(admin, edition, item, organizer, maria, john):
    maria_card, john_card = cards_send(item, registrations=[maria, john], actor=organizer)
    rsvp_answer(token_of(card_email(maria_card)), answer="substitute", substitute_name="Ana Costa", substitute_email="ana@example.org")
    url = "/admin/protocol/invitationcard/"
    response = admin.post(url, {"action": "approve_substitutes", "_selected_action": [maria_card.pk, john_card.pk]}, HTTP_ACCEPT_LANGUAGE="en")
    codes = sorted(tags for _level, tags, _message in shown(response))
    assert codes == ["no_substitute_proposed", "substitute_not_registered"]
    approved_guest(edition, "ana@example.org", name="Ana Costa")
    admin.post(url, {"action": "approve_substitutes", "_selected_action": [maria_card.pk]})
    maria_card.refresh_from_db()
    assert maria_card.status == "replaced" and maria_card.substitute_card.registration.email == "ana@example.org"
    admin.post(url, {"action": "cancel_cards", "_selected_action": [john_card.pk]})
    john_card.refresh_from_db()
    assert john_card.status == "cancelled"
    admin.post(url, {"action": "resend_cards", "_selected_action": [john_card.pk]})
    john_card.refresh_from_db()
    assert john_card.status == "invited"
    assert admin.get(f"{url}{maria_card.pk}/change/").status_code == 200
    assert "delete_selected" not in admin.get(url).content.decode()


@pytest.mark.parametrize("count", [1, 10])
def test_the_card_list_in_the_admin_takes_a_constant_number_of_queries(admin, edition, item, organizer, count, django_assert_num_queries):
    guests = [approved_guest(edition, f"guest{n}@example.org", name=f"Guest {n}") for n in range(count)]
    cards_send(item, registrations=guests, actor=organizer)
    with django_assert_num_queries(CARD_LIST_QUERIES):
        assert admin.get("/admin/protocol/invitationcard/").status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_the_item_list_in_the_admin_takes_a_constant_number_of_queries(admin, edition, organizer, maria, count, django_assert_num_queries):
    for n in range(count):
        cards_send(item_for_session(SessionFactory(edition=edition, access="by_invitation")), registrations=[maria], actor=organizer)
    with django_assert_num_queries(ITEM_LIST_QUERIES):
        assert admin.get("/admin/protocol/invitationitem/").status_code == 200


# -- the dashboard -------------------------------------------------------------------------------

def test_the_panel_counts_each_item_by_reply(edition, item, organizer, maria, li, john):
    m, l_card, j = cards_send(item, registrations=[maria, li, john], actor=organizer)
    rsvp_answer(token_of(card_email(m)), answer="accept")
    rsvp_answer(token_of(card_email(l_card)), answer="substitute", substitute_name="Ana", substitute_email="ana@example.org")
    closed_door = item_for_session(SessionFactory(edition=edition, access="not_stated", closed_door=True, title_zh="闭门会", title_en="Closed meeting"))
    other = cards_send(closed_door, registrations=[maria, john], actor=organizer)
    rsvp_answer(token_of(card_email(other[1])), answer="decline")
    from protocol.invitations import card_cancel

    card_cancel(other[0], actor=organizer)
    panel = cards_panel(edition)
    rows = {row.item_id: (row.invited, row.accepted, row.declined, row.no_answer, row.substitutes_awaiting) for row in panel.items}
    assert rows == {item.pk: (3, 1, 0, 1, 1), closed_door.pk: (1, 0, 1, 0, 0)}
    assert panel.totals == {"invited": 4, "accepted": 1, "declined": 1, "no_answer": 1, "substitutes_awaiting": 1}
    assert j.status == "invited"


@pytest.mark.parametrize("items", [1, 6])
def test_the_panel_takes_one_query(edition, organizer, maria, items, django_assert_num_queries):
    for n in range(items):
        cards_send(item_for_session(SessionFactory(edition=edition, access="by_invitation")), registrations=[maria], actor=organizer)
    with django_assert_num_queries(1):
        panel = cards_panel(edition)
    assert panel.totals["no_answer"] == items and len(panel.items) == items


def test_the_panel_is_on_the_edition_dashboard(admin, item, organizer, maria):
    cards_send(item, registrations=[maria], actor=organizer)
    body = admin.get("/admin/dashboard/2090/").content.decode()
    assert 'id="panel-invitation-cards"' in body and f'data-item="{item.pk}"' in body and 'data-figure="cards-no-answer">1<' in body
