"""Issue 28, what organizers do in protocol's admin, in the API too: a seating plan created
(`POST /api/v1/seating-plans/`, protocol.seating.plan_create, with its codes) and a delegation's
member changed (`PATCH /api/v1/delegations/<id>/members/?member=<id>`, protocol.delegations.member_update).
Exact bodies and codes; a refusal saves nothing."""
import pytest
from auditlog.models import LogEntry

from protocol import delegations
from protocol.models import DelegationMember, SeatBlock, SeatingPlan
from tests.factories import make_organizer

from .delegation_helpers import make_delegation, make_edition, make_registration
from .test_seating import make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

PLANS = "/api/v1/seating-plans/"


@pytest.fixture
def organizer(db):
    return make_organizer(password=None)


@pytest.fixture
def api(api_client, organizer):
    api_client.force_authenticate(organizer)
    return api_client


def send(client, method, url, body=None):
    return getattr(client, method.lower())(url, body if body is not None else {}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def code_of(response) -> tuple:
    return response.status_code, response.json()["code"]


# -- a seating plan -------------------------------------------------------------------------------

def test_an_organizer_creates_a_seating_plan_with_its_tables_in_order(api, organizer):
    item = make_item(title_zh="欢迎晚宴", title_en="Welcome banquet")
    body = {"item": item.pk, "layout": "tables", "capacity": 40, "blocks": [
        {"label": "主桌", "seats": 12, "is_head": True}, {"label": "2", "seats": 10}, {"label": "3", "seats": 10, "is_head": False},
    ]}
    made = send(api, "POST", PLANS, body)
    assert made.status_code == 201
    plan = SeatingPlan.objects.get()
    blocks = list(plan.blocks.order_by("sort_order"))
    assert made.json() == {
        "id": plan.pk, "item": item.pk, "session": item.session_id, "title": "Welcome banquet", "layout": "tables", "capacity": 40,
        "seat_count": 32, "seated": 0,
        "blocks": [
            {"id": blocks[0].pk, "label": "主桌", "seats": 12, "is_head": True, "sort_order": 0},
            {"id": blocks[1].pk, "label": "2", "seats": 10, "is_head": False, "sort_order": 1},
            {"id": blocks[2].pk, "label": "3", "seats": 10, "is_head": False, "sort_order": 2},
        ],
    }
    assert LogEntry.objects.get_for_object(plan).get().actor == organizer
    assert send(api, "GET", f"{PLANS}{plan.pk}/").json() == made.json()


def test_rows_without_a_capacity_are_a_plan_too(api):
    item = make_item()
    made = send(api, "POST", PLANS, {"item": item.pk, "layout": "rows", "blocks": [{"label": "A", "seats": 200, "is_head": True}]})
    assert (made.status_code, made.json()["layout"], made.json()["capacity"], made.json()["seat_count"]) == (201, "rows", None, 200)


def test_a_second_plan_for_the_item_is_a_conflict(api):
    item = make_item(title_en="Welcome banquet")
    first = send(api, "POST", PLANS, {"item": item.pk, "layout": "tables", "blocks": [{"label": "1", "seats": 8}]})
    again = send(api, "POST", PLANS, {"item": item.pk, "layout": "rows", "blocks": [{"label": "A", "seats": 20}]})
    assert code_of(again) == (409, "plan_exists")
    assert again.json()["message"] == "Welcome banquet has a seating plan already: change that one."
    assert again.json()["errors"] == {"item": [{"code": "plan_exists", "message": "Welcome banquet has a seating plan already: change that one."}]}
    assert list(SeatingPlan.objects.values_list("pk", "layout")) == [(first.json()["id"], "tables")]


@pytest.mark.parametrize("body,status,code,field,message", [
    ({"layout": "banquet", "blocks": [{"label": "1", "seats": 8}]}, 400, "unknown_layout", "layout",
     "There is no seating layout “banquet”: choose round tables or theatre rows."),
    ({"layout": "tables", "blocks": []}, 400, "bad_block", "blocks", "A seating plan needs at least one table or row."),
    ({"layout": "tables", "blocks": [{"label": "1", "seats": 41}]}, 400, "bad_block", "blocks", "Table 1 has 41 seats: a table has 1 to 40."),
    ({"layout": "rows", "blocks": [{"label": "A", "seats": 0}]}, 400, "bad_block", "blocks", "Row A has 0 seats: a row has 1 to 200."),
    ({"layout": "tables", "blocks": [{"label": "1", "seats": 8}, {"label": "1", "seats": 8}]}, 400, "bad_block", "blocks",
     "Two tables or rows are labelled “1”."),
    ({"layout": "tables", "blocks": [{"label": "  ", "seats": 8}]}, 400, "bad_block", "blocks", "Table or row 1 has no label."),
    ({"layout": "tables", "blocks": [{"label": "x" * 41, "seats": 8}]}, 400, "bad_block", "blocks",
     "The label “" + "x" * 40 + "…” is longer than 40 characters."),
    ({"layout": "tables", "blocks": [{"label": str(n), "seats": 1} for n in range(501)]}, 400, "bad_block", "blocks",
     "A seating plan has at most 500 tables or rows."),
    ({"layout": "rows", "capacity": 200, "blocks": [{"label": "A", "seats": 120}, {"label": "B", "seats": 120}]}, 400, "plan_too_large", "capacity",
     "The plan has 240 seats, more than the hall's capacity of 200."),
    ({"layout": "tables", "capacity": -1, "blocks": [{"label": "1", "seats": 8}]}, 400, "bad_capacity", "capacity",
     "The hall's capacity is a number of seats, 0 or more."),
])
def test_plan_refusals_are_the_services_codes_and_save_nothing(api, body, status, code, field, message):
    item = make_item()
    refused = send(api, "POST", PLANS, {"item": item.pk, **body})
    assert (refused.status_code, refused.json()["code"], refused.json()["message"]) == (status, code, message)
    assert list(refused.json()["errors"]) == [field]
    assert not SeatingPlan.objects.exists() and not SeatBlock.objects.exists()


REAL = object()  # the test's item
MISSING = object()  # no item sent


@pytest.mark.parametrize("item,blocks,code,field", [
    (10**12, [{"label": "1", "seats": 8}], "does_not_exist", "item"),
    ("١", [{"label": "1", "seats": 8}], "invalid", "item"),
    (10**19, [{"label": "1", "seats": 8}], "invalid", "item"),
    (MISSING, [{"label": "1", "seats": 8}], "invalid", "item"),
    (REAL, [{"label": "1", "seats": 10**9}], "invalid", "blocks"),
    (REAL, [{"label": None, "seats": 8}], "invalid", "blocks"),
    (REAL, "1x8", "invalid", "blocks"),
])
def test_bad_input_is_refused_with_a_code(api, item, blocks, code, field):
    made = make_item()
    body = {"layout": "tables", "blocks": blocks}
    if item is not MISSING:
        body["item"] = made.pk if item is REAL else item
    refused = send(api, "POST", PLANS, body)
    assert code_of(refused) == (400, code)
    assert field in refused.json()["errors"]
    assert not SeatingPlan.objects.exists()


def test_only_organizers_create_plans(api_client, django_user_model):
    item = make_item()
    body = {"item": item.pk, "layout": "tables", "blocks": [{"label": "1", "seats": 8}]}
    assert code_of(send(api_client, "POST", PLANS, body)) == (401, "not_authenticated")
    api_client.force_authenticate(django_user_model.objects.create_user("staff-only", password=None, is_staff=True))
    assert code_of(send(api_client, "POST", PLANS, body)) == (403, "permission_denied")
    assert not SeatingPlan.objects.exists()


# -- a delegation's member ------------------------------------------------------------------------

@pytest.fixture
def delegation(db):
    edition = make_edition()
    delegation = make_delegation(edition, name_zh="测试代表团", members=3)
    return delegation


def members_of(delegation) -> list[DelegationMember]:
    return list(delegation.members.order_by("sort_order", "pk"))


def members_url(delegation, member) -> str:
    return f"/api/v1/delegations/{delegation.pk}/members/?member={member}"


def test_an_organizer_marks_an_interpreter_for_a_principal_and_reorders(api, delegation, organizer):
    head, second, third = members_of(delegation)
    changed = send(api, "PATCH", members_url(delegation, third.pk), {"is_interpreter": True, "principal": head.pk, "sort_order": 0})
    assert changed.status_code == 200
    rows = {m["id"]: (m["is_interpreter"], m["principal"], m["sort_order"]) for m in changed.json()["members"]}
    assert rows == {head.pk: (False, None, 1), second.pk: (False, None, 2), third.pk: (True, head.pk, 0)}
    assert [m["id"] for m in changed.json()["members"]] == [third.pk, head.pk, second.pk]
    third.refresh_from_db()
    assert (third.is_interpreter, third.principal_id, third.sort_order) == (True, head.pk, 0)
    assert LogEntry.objects.get_for_object(third).filter(action=LogEntry.Action.UPDATE).get().actor == organizer


def test_fields_not_sent_keep_their_values(api, delegation):
    head, _second, third = members_of(delegation)
    delegations.member_update(third, is_interpreter=True, principal=head, sort_order=3)
    moved = send(api, "PATCH", members_url(delegation, third.pk), {"sort_order": 7})
    assert moved.status_code == 200
    third.refresh_from_db()
    assert (third.is_interpreter, third.principal_id, third.sort_order) == (True, head.pk, 7)
    # The interpreter mark removed alone would leave a principal without an interpreter.
    refused = send(api, "PATCH", members_url(delegation, third.pk), {"is_interpreter": False})
    assert code_of(refused) == (400, "principal_needs_interpreter")
    assert refused.json()["message"] == "Only an interpreter interprets for another member."
    cleared = send(api, "PATCH", members_url(delegation, third.pk), {"is_interpreter": False, "principal": None})
    assert cleared.status_code == 200
    third.refresh_from_db()
    assert (third.is_interpreter, third.principal_id, third.sort_order) == (False, None, 7)


def test_member_refusals_are_coded_and_change_nothing(api, delegation):
    head, second, third = members_of(delegation)
    other = make_delegation(delegation.edition, name_zh="另一个代表团", members=1)
    stranger = other.members.get()
    cases = [
        ({"principal": head.pk}, 400, "principal_needs_interpreter", "principal"),
        ({"is_interpreter": True, "principal": stranger.pk}, 400, "principal_not_member", "principal"),
        ({"is_interpreter": True, "principal": third.pk}, 400, "principal_not_member", "principal"),  # themselves
        ({"is_interpreter": True, "principal": 10**12}, 400, "does_not_exist", "principal"),
        ({"is_interpreter": True, "principal": "١"}, 400, "invalid", "principal"),
        ({"sort_order": -1}, 400, "invalid", "sort_order"),
        ({"sort_order": 40000}, 400, "invalid", "sort_order"),
        ({"is_interpreter": "perhaps"}, 400, "invalid", "is_interpreter"),
    ]
    for body, status, code, field in cases:
        response = send(api, "PATCH", members_url(delegation, third.pk), body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
        assert field in response.json()["errors"], body
    assert "is not another member of this delegation" in send(
        api, "PATCH", members_url(delegation, third.pk), {"is_interpreter": True, "principal": stranger.pk}
    ).json()["message"]
    assert [(m.is_interpreter, m.principal_id) for m in members_of(delegation)] == [(False, None)] * 3


@pytest.mark.parametrize("member", ["stranger", "10000000000", "abc", "١", ""])
def test_a_member_of_another_delegation_or_no_member_is_not_found(api, delegation, member):
    other = make_delegation(delegation.edition, members=1)
    raw = str(other.members.get().pk) if member == "stranger" else member
    response = send(api, "PATCH", members_url(delegation, raw), {"sort_order": 1})
    assert code_of(response) == (404, "no_such_member")
    assert response.json()["errors"] == {"member": [{"code": "no_such_member", "message": response.json()["message"]}]}


def test_only_organizers_change_members(api_client, delegation, django_user_model):
    member = members_of(delegation)[1]
    assert code_of(send(api_client, "PATCH", members_url(delegation, member.pk), {"sort_order": 9})) == (401, "not_authenticated")
    api_client.force_authenticate(django_user_model.objects.create_user("staff-only", password=None, is_staff=True))
    assert code_of(send(api_client, "PATCH", members_url(delegation, member.pk), {"sort_order": 9})) == (403, "permission_denied")
    member.refresh_from_db()
    assert member.sort_order != 9


def test_removing_a_member_still_works_beside_the_change(api, delegation):
    head, second, _third = members_of(delegation)
    removed = send(api, "DELETE", members_url(delegation, second.pk))
    assert removed.status_code == 200
    assert [m["id"] for m in removed.json()["members"]] == [head.pk, _third.pk]


def test_the_schema_documents_the_new_operations(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    create = paths[PLANS]["post"]
    assert {"201", "400", "401", "403", "409"} <= set(create["responses"])
    assert "plan_exists" in create["responses"]["409"]["description"]
    for code in ("bad_block", "plan_too_large", "unknown_layout"):
        assert code in create["responses"]["400"]["description"]
    patch = paths["/api/v1/delegations/{id}/members/"]["patch"]
    assert {"200", "400", "401", "403", "404"} <= set(patch["responses"])
    assert [p["name"] for p in patch["parameters"] if p["in"] == "query"] == ["member"]
    assert "principal_needs_interpreter" in patch["description"]


def test_a_new_registration_member_is_unchanged_by_another_members_change(api, delegation):
    """The change touches the one member named: another's row stays as it was."""
    head, second, third = members_of(delegation)
    newcomer = delegations.member_add(delegation, make_registration(delegation.edition))
    send(api, "PATCH", members_url(delegation, second.pk), {"sort_order": 0})
    newcomer.refresh_from_db()
    assert (newcomer.sort_order, newcomer.is_interpreter, newcomer.principal_id) == (4, False, None)
