"""Issue 28: organizers decide nominations, assign expert reviewers and release results through
the API as in the admin: `POST /api/v1/nominations/{id}/decide/` (awards.services.nomination_transition),
`POST /api/v1/nomination-decisions/` (nominations_transition), `/api/v1/award-programmes/{id}/reviewers/`
(reviewer_assign), `.../release-results/` and `.../withhold-results/`, with the services' codes."""
import pytest
import time_machine
from rest_framework.test import APIClient

from awards import services
from awards.models import AwardReviewer, Nomination
from tests.awards.conftest import CLOSES, DURING, make_member, recommend
from tests.factories import make_organizer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

BULK = "/api/v1/nomination-decisions/"


def client_for(user) -> APIClient:
    """Signed in without a token: the tests travel to 2099, where a token made today has expired."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def during():
    with time_machine.travel(DURING, tick=False):
        yield


@pytest.fixture
def organizer(db):
    return make_organizer("awards-organizer")


@pytest.fixture
def org_client(organizer):
    return client_for(organizer)


def member_application(programme, django_user_model, *, categories=1, name=None):
    """A member enterprise's submitted application (members need no recommendation)."""
    member, user = make_member("member", django_user_model, name=name)
    nomination = services.nomination_save_draft(
        programme=programme, organization=member.organization, actor=user, categories=list(programme.categories.order_by("sort_order")[:categories]),
        further_conditions=list(programme.further_conditions.all()[:1]), endorses_purposes=True, basic_condition_statement="符合基本条件",
        contact_name="王五", contact_email="wang@example.org",
    )
    return services.nomination_submit(nomination=nomination, actor=user)


def decide(client, nomination, **body):
    return client.post(f"/api/v1/nominations/{nomination.pk}/decide/", body, format="json")


def test_screening_shortlist_and_winner(programme, django_user_model, org_client, during):
    nomination = member_application(programme, django_user_model)
    eligible = decide(org_client, nomination, to_state="eligible", message="材料齐全")
    assert (eligible.status_code, eligible.json()["state"]) == (200, "eligible"), eligible.json()
    assert eligible.json()["log"][-1] == {"from_state": "submitted", "to_state": "eligible", "at": "2099-09-20T10:00:00+08:00", "message": "材料齐全"}
    assert decide(org_client, nomination, to_state="shortlisted").json()["state"] == "shortlisted"
    winner = decide(org_client, nomination, to_state="winner")
    category = programme.categories.order_by("sort_order").first()
    assert (winner.status_code, winner.json()["state"], winner.json()["won_category"]) == (200, "winner", category.pk)
    nomination.refresh_from_db()
    assert (nomination.state, nomination.won_category_id, nomination.screening_note) == ("winner", category.pk, "材料齐全")


def test_a_winner_of_several_categories_names_the_one_won(programme, django_user_model, org_client, during):
    nomination = member_application(programme, django_user_model, categories=2)
    decide(org_client, nomination, to_state="eligible")
    decide(org_client, nomination, to_state="shortlisted")
    unnamed = decide(org_client, nomination, to_state="winner")
    assert (unnamed.status_code, unnamed.json()["code"]) == (400, "invalid_category")
    not_entered = programme.categories.get(key="growth")
    wrong = decide(org_client, nomination, to_state="winner", won_category=not_entered.pk)
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_category")
    second = programme.categories.get(key="innovation")
    named = decide(org_client, nomination, to_state="winner", won_category=second.pk)
    assert (named.status_code, named.json()["won_category"]) == (200, second.pk)


def test_decide_refusals_are_the_services_codes(programme, enterprises, enterprise_rep, member_rep, django_user_model, org_client, during):
    nomination = member_application(programme, django_user_model)
    skipping = decide(org_client, nomination, to_state="shortlisted")
    assert (skipping.status_code, skipping.json()["code"]) == (409, "invalid_transition")
    back_to_draft = decide(org_client, nomination, to_state="draft")
    assert (back_to_draft.status_code, back_to_draft.json()["code"]) == (409, "invalid_transition")
    # A non-member's application whose only recommendation was withdrawn after it was submitted.
    member, rep = member_rep
    recommendation = recommend(programme, member, enterprises[0], rep)
    draft = services.nomination_save_draft(
        programme=programme, organization=enterprises[0], actor=enterprise_rep, categories=[programme.categories.order_by("sort_order").first()],
        further_conditions=list(programme.further_conditions.all()[:1]), endorses_purposes=True, basic_condition_statement="符合",
    )
    application = services.nomination_submit(nomination=draft, actor=enterprise_rep)
    services.recommendation_withdraw(recommendation=recommendation, actor=rep)
    ineligible = decide(org_client, application, to_state="eligible")
    assert (ineligible.status_code, ineligible.json()["code"]) == (400, "eligibility")
    assert "recommendation_required" in ineligible.json()["message"]
    assert Nomination.objects.get(pk=application.pk).state == "submitted"
    unknown = decide(org_client, application, to_state="accepted")
    assert (unknown.status_code, unknown.json()["errors"]["to_state"][0]["code"]) == (400, "invalid_choice")


def test_deciding_is_the_organizers(programme, django_user_model, member_rep, during):
    nomination = member_application(programme, django_user_model)
    expert = django_user_model.objects.create_user("award-expert", password="a-long-test-password-1")
    services.reviewer_assign(programme=programme, user=expert)
    _member, rep = member_rep
    for client, status, code in ((APIClient(), 401, "not_authenticated"), (client_for(rep), 403, "permission_denied"), (client_for(expert), 403, "permission_denied")):
        response = decide(client, nomination, to_state="eligible")
        assert (response.status_code, response.json()["code"]) == (status, code)
        bulk = client.post(BULK, {"nominations": [nomination.pk], "to_state": "eligible"}, format="json")
        assert (bulk.status_code, bulk.json()["code"]) == (status, code)
        assign = client.post(f"/api/v1/award-programmes/{programme.pk}/reviewers/", {"username": "award-expert"}, format="json")
        assert (assign.status_code, assign.json()["code"]) == (status, code)
        release = client.post(f"/api/v1/award-programmes/{programme.pk}/release-results/")
        assert (release.status_code, release.json()["code"]) == (status, code)
    assert Nomination.objects.get(pk=nomination.pk).state == "submitted"


def test_bulk_moves_each_on_its_own(programme, django_user_model, organizer, org_client, during):
    first = member_application(programme, django_user_model, name="测试会员企业一")
    second = member_application(programme, django_user_model, name="测试会员企业二")
    individual = services.nomination_nominate_individual(programme=programme, actor=organizer, person_name="张三", citation="长期贡献")
    services.nomination_transition(nomination=second, to_state="eligible", actor=organizer)
    response = org_client.post(BULK, {"nominations": [individual.pk, second.pk, first.pk], "to_state": "eligible", "message": "初审"}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert [(n["id"], n["state"]) for n in data["changed"]] == [(individual.pk, "eligible"), (first.pk, "eligible")]
    assert [(r["nomination"], r["code"]) for r in data["refused"]] == [(second.pk, "invalid_transition")]
    unknown = org_client.post(BULK, {"nominations": [first.pk, 999999999], "to_state": "ineligible"}, format="json")
    assert (unknown.status_code, unknown.json()["errors"]["nominations"][0]["code"]) == (400, "does_not_exist")
    assert Nomination.objects.get(pk=first.pk).state == "eligible"


def test_assign_an_expert_who_then_scores(programme, django_user_model, org_client, during):
    nomination = member_application(programme, django_user_model)
    expert = django_user_model.objects.create_user("award-expert", password="a-long-test-password-1")
    url = f"/api/v1/award-programmes/{programme.pk}/reviewers/"
    assigned = org_client.post(url, {"username": "award-expert"}, format="json")
    reviewer = AwardReviewer.objects.get(programme=programme, user=expert)
    assert (assigned.status_code, assigned.json()) == (200, {"id": reviewer.pk, "programme": programme.pk, "user": expert.pk, "username": "award-expert"})
    again = org_client.post(url, {"username": "award-expert"}, format="json")
    assert (again.status_code, again.json()["id"], AwardReviewer.objects.filter(programme=programme).count()) == (200, reviewer.pk, 1)
    assert org_client.get(url).json() == [{"id": reviewer.pk, "programme": programme.pk, "user": expert.pk, "username": "award-expert"}]
    nobody = org_client.post(url, {"username": "no-such-account"}, format="json")
    assert (nobody.status_code, nobody.json()["errors"]["username"][0]["code"]) == (400, "does_not_exist")
    category = programme.categories.order_by("sort_order").first()
    scored = client_for(expert).post(f"/api/v1/nominations/{nomination.pk}/score/", {"score": 8, "category": category.pk}, format="json")
    assert (scored.status_code, scored.json()["score"]) == (201, 8)


def test_release_after_the_close_and_withhold(programme, org_client):
    release = f"/api/v1/award-programmes/{programme.pk}/release-results/"
    with time_machine.travel(DURING, tick=False):
        early = org_client.post(release)
    assert (early.status_code, early.json()["code"]) == (400, "not_closed_yet")
    with time_machine.travel(CLOSES, tick=False):
        released = org_client.post(release)
    assert (released.status_code, released.json()["results_released"]) == (200, True)
    programme.refresh_from_db()
    assert programme.results_released_at == CLOSES
    withheld = org_client.post(f"/api/v1/award-programmes/{programme.pk}/withhold-results/")
    assert (withheld.status_code, withheld.json()["results_released"]) == (200, False)


def test_the_reviewers_list_makes_the_same_queries_for_one_as_for_many(programme, django_user_model, organizer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/api/v1/award-programmes/{programme.pk}/reviewers/"

    def count() -> int:
        client = client_for(django_user_model.objects.get(pk=organizer.pk))  # its roles not remembered from a request before
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    services.reviewer_assign(programme=programme, user=django_user_model.objects.create_user("expert-0"))
    few = count()
    for n in range(1, 6):
        services.reviewer_assign(programme=programme, user=django_user_model.objects.create_user(f"expert-{n}"))
    many = count()
    assert (few, many) == (3, 3)  # the organizer's roles, the programme, its reviewers with their accounts


def test_markup_typed_into_a_decision_is_shown_as_text(programme, django_user_model, organizer, org_client, client, superuser, during):
    """NominationSingleDecisionInputSerializer and NominationBulkDecisionInputSerializer
    (tests/wic/test_escaping.py's rule): the screening note carries markup; the admin shows it
    escaped. ReviewerInputSerializer's username names an account and is never shown."""
    from tests.wic.test_escaping import assert_no_raw, payload

    note = payload("message")
    first = member_application(programme, django_user_model, name="测试会员企业甲")
    second = member_application(programme, django_user_model, name="测试会员企业乙")
    assert decide(org_client, first, to_state="eligible", message=note).json()["log"][-1]["message"] == note
    assert org_client.post(BULK, {"nominations": [second.pk], "to_state": "ineligible", "message": note}, format="json").status_code == 200
    client.force_login(superuser)  # in 2099, as the rest of the test
    for nomination in (first, second):
        page = client.get(f"/admin/awards/nomination/{nomination.pk}/change/").content.decode()
        assert_no_raw(page)
        assert "&lt;script&gt;alert(" in page
    typed = org_client.post(f"/api/v1/award-programmes/{programme.pk}/reviewers/", {"username": payload("username", 150)}, format="json")
    assert (typed.status_code, typed.json()["errors"]["username"][0]["code"]) == (400, "does_not_exist")
