"""Issue 23, delegations on pages and in the API: the organizers' page and the head's private page
(one itinerary in Beijing time: where members speak, their cards and replies, their seats; the
liaison's name and phone; the travel placeholder), the API (organizers only; codes), and the query
counts, constant in the number of members (1 vs 30)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agenda.models import Session
from people.models import Appearance, Person
from protocol import delegations
from protocol.models import Delegation, DelegationMember, InvitationCard, InvitationItem, SeatAssignment, SeatBlock, SeatingPlan
from tests.factories import make_organizer
from volunteers.models import Shift

from .delegation_helpers import liaison_world, make_delegation, make_edition, make_registration, trained_volunteer

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def world(members: int = 1):
    """A delegation of `members` members, each speaking at the forum (matched by email in another
    case) and holding a banquet card, accepted and seated at table 3."""
    edition = make_edition()
    delegation = make_delegation(edition, name_zh="演示代表团", name_en="Test delegation")
    forum = Session.objects.create(
        edition=edition, key="forum", title_zh="主论坛", title_en="Main forum", kind="main_forum", date=date(edition.year, 11, 11),
        start=datetime(edition.year, 11, 11, 14, 0, tzinfo=BEIJING), end=datetime(edition.year, 11, 11, 17, 30, tzinfo=BEIJING),
    )
    banquet = Session.objects.create(
        edition=edition, key="banquet", title_zh="欢迎晚宴", title_en="Welcome banquet", kind="banquet", date=date(edition.year, 11, 10),
        start=datetime(edition.year, 11, 10, 19, 0, tzinfo=BEIJING), end=datetime(edition.year, 11, 10, 20, 30, tzinfo=BEIJING), access="by_invitation",
    )
    item = InvitationItem.objects.create(session=banquet)
    plan = SeatingPlan.objects.create(item=item, layout="tables")
    table = SeatBlock.objects.create(plan=plan, label="3", seats=max(members, 1))
    for n in range(members):
        registration = make_registration(edition, name=f"Member {n:02d}", email=f"Member{n:02d}@Example.org")
        delegations.member_add(delegation, registration)
        person = Person.objects.create(name_en=f"Member {n:02d}", email=f"member{n:02d}@example.org")
        Appearance.objects.create(person=person, session=forum, role="keynote", status="confirmed")
        card = InvitationCard.objects.create(item=item, registration=registration, delegation=delegation, status="accepted")
        SeatAssignment.objects.create(plan=plan, block=table, number=n + 1, card=card)
    return edition, delegation


@pytest.fixture
def organizer_client(client):
    client.force_login(make_organizer())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the sentences below are the English ones
    return client


def test_organizer_page_shows_the_itinerary_by_day(organizer_client):
    _edition, delegation = world(1)
    response = organizer_client.get(f"/protocol/delegations/{delegation.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert body.index("Welcome banquet") < body.index("Main forum")  # the banquet's day first
    assert "19:00</time>–<time" in body and "14:00</time>–<time" in body  # Beijing time
    assert 'data-kind="card" data-status="accepted">Member 00: invitation <span class="badge state">Accepted</span> · <strong>Table 3 · seat 1</strong>' in body
    assert 'data-kind="speaks" data-status="confirmed">Member 00: Keynote</li>' in body
    assert "Arranged later: the secretariat will add the delegation's transport and hotel here." in body
    assert "member00@example.org" in body.lower()  # organizers see addresses


def test_organizer_page_needs_an_organizer(client):
    _edition, delegation = world(1)
    assert client.get(f"/protocol/delegations/{delegation.pk}/")["Location"].startswith("/accounts/login/")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("plain-user", password="a-long-test-password-1"))
    assert client.get(f"/protocol/delegations/{delegation.pk}/").status_code == 403


def test_organizer_page_of_a_missing_delegation_is_404(organizer_client):
    assert organizer_client.get("/protocol/delegations/999999/").status_code == 404


def test_organizer_chooses_and_releases_the_liaison_on_the_page(organizer_client):
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    trained_volunteer(programme, modules, name="Liaison Cai", phone="13912345678")
    delegation = make_delegation(edition)
    response = organizer_client.post(f"/protocol/delegations/{delegation.pk}/", {"action": "liaison_assign"}, follow=True)
    body = response.content.decode()
    assert "Liaison Cai is the delegation&#x27;s liaison, rostered on its 3 day(s)." in body
    assert '<a href="tel:13912345678">13912345678</a>' in body
    response = organizer_client.post(f"/protocol/delegations/{delegation.pk}/", {"action": "liaison_assign"}, follow=True)
    assert 'data-code="liaison_already_assigned"' in response.content.decode()
    organizer_client.post(f"/protocol/delegations/{delegation.pk}/", {"action": "liaison_release"})
    delegation.refresh_from_db()
    assert (delegation.liaison_id, Shift.objects.filter(post__programme=programme).count()) == (None, 0)


def test_organizer_page_refusal_shows_the_sentence(organizer_client):
    delegation = make_delegation(make_edition())
    response = organizer_client.post(f"/protocol/delegations/{delegation.pk}/", {"action": "liaison_assign"}, follow=True)
    body = response.content.decode()
    assert f'data-code="no_liaison_available">No liaison can be chosen for {delegation.name_zh}: the edition has no volunteer programme.' in body


def test_organizer_makes_a_new_head_link_and_the_old_stops(organizer_client, client):
    _edition, delegation = world(1)
    old = delegations.head_link_token(delegation)
    response = organizer_client.post(f"/protocol/delegations/{delegation.pk}/", {"action": "head_link"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-code="head_link"' in body
    delegation.refresh_from_db()
    assert client.get(f"/delegation/{old}/").status_code == 410


def test_head_page_shows_liaison_and_itinerary_without_organizer_parts(client):
    edition, delegation = world(1)
    programme, _post, modules = liaison_world(edition)
    trained_volunteer(programme, modules, name="Liaison Dan", phone="13700001111")
    delegations.liaison_assign(delegation)
    Delegation.objects.filter(pk=delegation.pk).update(notes="secret organizer note")
    token = delegations.head_link_token(delegation)
    response = client.get(f"/delegation/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert (response["Referrer-Policy"], response["Cache-Control"], response["X-Robots-Tag"]) == ("same-origin", "private, no-store", "noindex")
    assert "Liaison Dan" in body and "13700001111" in body
    assert "Table 3 · seat 1" in body and "Keynote" in body
    assert "secret organizer note" not in body and "member00@example.org" not in body.lower() and 'name="action"' not in body


@pytest.mark.parametrize("token, status, code", [("bad-token", 404, "link_invalid")])
def test_head_page_refuses_a_bad_link(client, token, status, code):
    response = client.get(f"/delegation/{token}/")
    assert response.status_code == status
    assert f'data-code="{code}"' in response.content.decode()


def test_head_page_speaks_the_heads_language(client):
    edition = make_edition()
    head = make_registration(edition, language="en")
    delegation = delegations.delegation_save(edition=edition, name_zh="团", name_en="The delegation", kind="government", head=head)
    with translation.override("zh-hans"):
        response = client.get(f"/delegation/{delegations.head_link_token(delegation)}/")
    assert '<html lang="en">' in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_page_queries_do_not_grow_with_members(organizer_client, client):
    _e1, one = world(1)
    _e30, thirty = world(30)
    assert _queries(organizer_client, f"/protocol/delegations/{one.pk}/") == _queries(organizer_client, f"/protocol/delegations/{thirty.pk}/")
    assert _queries(client, f"/delegation/{delegations.head_link_token(one)}/") == _queries(client, f"/delegation/{delegations.head_link_token(thirty)}/")
    body = client.get(f"/delegation/{delegations.head_link_token(thirty)}/").content.decode()
    assert body.count('data-kind="card"') == 30 and body.count('data-kind="speaks"') == 30


# -- the API ---------------------------------------------------------------------------------------

@pytest.fixture
def organizer_api(api_client):
    api_client.force_authenticate(make_organizer("organizer-api"))
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api_client


def test_api_is_for_organizers(api_client):
    assert api_client.get("/api/v1/delegations/").status_code == 401
    from django.contrib.auth import get_user_model

    api_client.force_authenticate(get_user_model().objects.create_user("not-organizer"))
    response = api_client.get("/api/v1/delegations/")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_api_creates_updates_and_adds_members(organizer_api):
    edition = make_edition()
    head = make_registration(edition, name="Api Head")
    response = organizer_api.post("/api/v1/delegations/", {
        "edition": edition.year, "name_zh": "接口团", "name_en": "API delegation", "kind": "international_org", "languages": ["en", "es"],
        "arrives_on": f"{edition.year}-11-11", "head": head.pk, "country": "ch",
    }, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["edition"], data["kind"], data["languages"], data["country"], data["head"], data["days"]) == (
        edition.year, "international_org", ["en", "es"], "CH", head.pk, [f"{edition.year}-11-11", f"{edition.year}-11-12"])
    assert [m["name"] for m in data["members"]] == ["Api Head"]
    pk = data["id"]
    response = organizer_api.patch(f"/api/v1/delegations/{pk}/", {"precedence": 3}, format="json")
    assert (response.status_code, response.json()["precedence"], response.json()["languages"]) == (200, 3, ["en", "es"])
    guest = make_registration(edition, name="Api Interpreter")
    head_member = DelegationMember.objects.get(registration=head)
    response = organizer_api.post(f"/api/v1/delegations/{pk}/members/", {"registration": guest.pk, "is_interpreter": True, "principal": head_member.pk}, format="json")
    assert response.status_code == 201
    assert [(m["name"], m["is_interpreter"], m["principal"]) for m in response.json()["members"]] == [("Api Head", False, None), ("Api Interpreter", True, head_member.pk)]
    member_id = response.json()["members"][1]["id"]
    response = organizer_api.delete(f"/api/v1/delegations/{pk}/members/?member={member_id}")
    assert (response.status_code, len(response.json()["members"])) == (200, 1)
    response = organizer_api.delete(f"/api/v1/delegations/{pk}/members/?member={member_id}")
    assert (response.status_code, response.json()["code"]) == (404, "no_such_member")


@pytest.mark.parametrize("payload, status, code", [
    ({"kind": "embassy"}, 400, "unknown_kind"),
    ({"languages": ["zz"]}, 400, "unknown_language"),
    ({"arrives_on": "2001-01-01"}, 400, "bad_days"),
    ({"name_zh": "代" * 300}, 400, "too_long"),
])
def test_api_refusals_carry_codes(organizer_api, payload, status, code):
    edition = make_edition()
    response = organizer_api.post("/api/v1/delegations/", {"edition": edition.year, "name_zh": "团", "kind": "government", **payload}, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_api_member_in_another_delegation_is_409(organizer_api):
    edition = make_edition()
    first, second = make_delegation(edition, name_zh="一团"), make_delegation(edition, name_zh="二团")
    guest = make_registration(edition, name="Twice")
    delegations.member_add(first, guest)
    response = organizer_api.post(f"/api/v1/delegations/{second.pk}/members/", {"registration": guest.pk}, format="json")
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (409, "already_in_delegation", "Twice is already a member of 一团.")


def test_api_liaison_assign_and_release(organizer_api):
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    volunteer = trained_volunteer(programme, modules, name="Api Liaison", phone="13600000000")
    delegation = make_delegation(edition)
    response = organizer_api.post(f"/api/v1/delegations/{delegation.pk}/liaison/")
    assert (response.status_code, response.json()["liaison"]) == (200, {"id": volunteer.pk, "name": "Api Liaison", "phone": "13600000000"})
    response = organizer_api.delete(f"/api/v1/delegations/{delegation.pk}/liaison/")
    assert (response.status_code, response.json()["liaison"]) == (200, None)
    other = make_delegation(edition, languages=("ko",))
    response = organizer_api.post(f"/api/v1/delegations/{other.pk}/liaison/")
    assert (response.status_code, response.json()["code"]) == (409, "no_liaison_available")


def test_api_head_link_and_itinerary(organizer_api, client):
    _edition, delegation = world(2)
    response = organizer_api.post(f"/api/v1/delegations/{delegation.pk}/link/")
    url = response.json()["url"]
    assert response.status_code == 200 and "/delegation/" in url
    assert client.get(url[url.index("/delegation/"):]).status_code == 200
    items = organizer_api.get(f"/api/v1/delegations/{delegation.pk}/itinerary/").json()
    assert [(i["title_en"], i["start"], [(l["member"], l["kind"], l["seat"]) for l in i["lines"]]) for i in items] == [
        ("Welcome banquet", f"{delegation.edition.year}-11-10T19:00:00+08:00", [("Member 00", "card", "Table 3 · seat 1"), ("Member 01", "card", "Table 3 · seat 2")]),
        ("Main forum", f"{delegation.edition.year}-11-11T14:00:00+08:00", [("Member 00", "speaks", ""), ("Member 01", "speaks", "")]),
    ]


def test_api_queries_do_not_grow_with_members(organizer_api):
    _e1, one = world(1)
    _e30, thirty = world(30)

    def count(url):
        with CaptureQueriesContext(connection) as context:
            assert organizer_api.get(url).status_code == 200
        return len(context.captured_queries)

    count(f"/api/v1/delegations/{one.pk}/")  # the organizer's role is read once per user
    assert count(f"/api/v1/delegations/{one.pk}/") == count(f"/api/v1/delegations/{thirty.pk}/")
    assert count(f"/api/v1/delegations/{one.pk}/itinerary/") == count(f"/api/v1/delegations/{thirty.pk}/itinerary/")
    with CaptureQueriesContext(connection) as few:
        organizer_api.get(f"/api/v1/delegations/?edition={one.edition.year}")
    make_delegation(one.edition, members=3)
    make_delegation(one.edition, members=2)
    with CaptureQueriesContext(connection) as many:
        response = organizer_api.get(f"/api/v1/delegations/?edition={one.edition.year}")
    assert response.json()["count"] == 3
    assert len(few.captured_queries) == len(many.captured_queries)


def test_openapi_documents_the_delegations(organizer_api):
    response = organizer_api.get("/api/schema/?format=json")
    paths = response.json()["paths"]
    assert {"/api/v1/delegations/", "/api/v1/delegations/{id}/", "/api/v1/delegations/{id}/members/",
            "/api/v1/delegations/{id}/liaison/", "/api/v1/delegations/{id}/link/", "/api/v1/delegations/{id}/itinerary/"} <= set(paths)
    assert "409" in paths["/api/v1/delegations/{id}/liaison/"]["post"]["responses"]


# -- the admin ---------------------------------------------------------------------------------------

def test_admin_saves_members_through_the_services_and_chooses_a_liaison(organizer_client):
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    trained_volunteer(programme, modules, name="Admin Liaison")
    head, guest = make_registration(edition, name="Admin Head"), make_registration(edition, name="Admin Guest")
    form = {
        "edition": edition.pk, "name_zh": "后台团", "name_en": "Admin delegation", "kind": "company", "country": "", "precedence": "7",
        "languages": ["en"], "arrives_on": "", "departs_on": "", "head": head.pk, "notes": "",
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        "members-0-registration": guest.pk, "members-0-is_interpreter": "", "members-0-principal": "", "members-0-sort_order": "5",
    }
    response = organizer_client.post("/admin/protocol/delegation/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    delegation = Delegation.objects.get(name_zh="后台团")
    assert (delegation.head_id, list(delegation.members.values_list("registration__name", "sort_order"))) == (head.pk, [("Admin Head", 0), ("Admin Guest", 5)])
    response = organizer_client.post("/admin/protocol/delegation/", {"action": "choose_liaison", "_selected_action": [delegation.pk]}, follow=True)
    delegation.refresh_from_db()
    assert delegation.liaison.name == "Admin Liaison"
    assert "Liaison chosen: 后台团: Admin Liaison." in response.content.decode()


def test_admin_refuses_a_member_of_another_delegation_beside_the_field(organizer_client):
    edition = make_edition()
    taken = make_registration(edition, name="Taken Guest")
    delegations.member_add(make_delegation(edition, name_zh="原团"), taken)
    form = {
        "edition": edition.pk, "name_zh": "新团", "name_en": "", "kind": "company", "country": "", "precedence": "7", "arrives_on": "", "departs_on": "",
        "head": "", "notes": "", "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        "members-0-registration": taken.pk, "members-0-is_interpreter": "", "members-0-principal": "", "members-0-sort_order": "1",
    }
    organizer_client.cookies["django_language"] = "en"
    response = organizer_client.post("/admin/protocol/delegation/add/", form)
    assert response.status_code == 200
    assert "Taken Guest is already a member of 原团." in response.content.decode()
    assert not Delegation.objects.filter(name_zh="新团").exists()
