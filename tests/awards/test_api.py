import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import services
from tests.awards.conftest import BEIJING, CLOSES, DURING, make_member, make_programme, recommend
from tests.factories import EditionFactory, OrganizationFactory, make_organizer


@pytest.fixture
def during():
    with time_machine.travel(DURING, tick=False):
        yield


def post(client, user, url, body=None):
    client.force_authenticate(user)
    return client.post(url, body or {}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_recommend_as_a_members_representative(api_client, programme, enterprises, member_rep, during):
    member, user = member_rep
    response = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[0].pk})
    assert response.status_code == 201
    body = response.json()
    assert (body["programme"], body["member"], body["enterprise"], body["active"], body["slot"], body["quota"]) == (
        programme.pk, member.pk, enterprises[0].pk, True, 1, 5,
    )
    assert body["recommended_at"] == "2099-09-20T10:00:00+08:00"


def test_recommend_a_new_enterprise_by_name(api_client, programme, member_rep, during):
    _member, user = member_rep
    response = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise_name_zh": "全新测试企业", "enterprise_name_en": "Brand New Co"})
    assert (response.status_code, response.json()["enterprise_name_en"]) == (201, "Brand New Co")


def test_refusals_answer_with_code_and_message(api_client, programme, enterprises, django_user_model, during):
    member, user = make_member("associate", django_user_model)
    assert post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[0].pk}).status_code == 201
    full = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[1].pk})
    assert (full.status_code, full.json()["code"]) == (409, "quota_exceeded")
    assert full.json()["message"] == f"{member.organization.name_en} has used 1 of its 1 recommendations for this award."
    again = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[0].pk})
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_recommendation")
    itself = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": member.organization.pk})
    assert (itself.status_code, itself.json()["code"]) == (400, "self_recommendation")
    stranger = django_user_model.objects.create_user("no-member", password="a-long-test-password-1")
    nobody = post(api_client, stranger, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[1].pk})
    assert (nobody.status_code, nobody.json()["code"]) == (403, "not_a_member")
    missing = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk})
    assert (missing.status_code, missing.json()["code"], missing.json()["errors"]["enterprise"][0]["code"]) == (400, "invalid", "required")


def test_deadline_over_the_api_at_16_59_59_and_17_00(api_client, programme, enterprises, member_rep):
    _member, user = member_rep
    from datetime import datetime

    with time_machine.travel(datetime(2099, 10, 10, 16, 59, 59, tzinfo=BEIJING), tick=False):
        assert post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[0].pk}).status_code == 201
    with time_machine.travel(CLOSES, tick=False):
        late = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[1].pk})
    assert (late.status_code, late.json()["code"]) == (400, "deadline_passed")


def test_withdraw_by_delete_and_by_action(api_client, programme, enterprises, member_rep, during):
    _member, user = member_rep
    first = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[0].pk}).json()
    second = post(api_client, user, "/api/v1/recommendations/", {"programme": programme.pk, "enterprise": enterprises[1].pk}).json()
    deleted = api_client.delete(f"/api/v1/recommendations/{first['id']}/")
    assert (deleted.status_code, deleted.json()["active"], deleted.json()["withdrawn_at"]) == (200, False, "2099-09-20T10:00:00+08:00")
    withdrawn = post(api_client, user, f"/api/v1/recommendations/{second['id']}/withdraw/")
    assert (withdrawn.status_code, withdrawn.json()["active"]) == (200, False)
    twice = post(api_client, user, f"/api/v1/recommendations/{second['id']}/withdraw/")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_withdrawn")


def test_recommendations_of_other_members_are_not_visible(api_client, programme, enterprises, member_rep, django_user_model, during):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user)
    _other, other_user = make_member("council", django_user_model)
    api_client.force_authenticate(other_user)
    assert api_client.get("/api/v1/recommendations/").json()["count"] == 0
    assert api_client.delete(f"/api/v1/recommendations/{rec.pk}/").status_code == 404


def test_programmes_list_is_public_with_quotas_and_figures(api_client, programme):
    services.figure_upsert(programme=programme, key="winners", value=14, label_zh="获奖企业")
    response = api_client.get(f"/api/v1/award-programmes/?edition={programme.edition.year}")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["directions"] == ["enterprise", "individual"]
    assert [(q["tier"], q["quota"]) for q in item["quotas"]] == [
        ("council", 10), ("senior", 10), ("member", 5), ("individual", 5), ("associate", 1), ("nonprofit", 1),
    ]
    assert [c["key"] for c in item["categories"]] == ["social", "innovation", "growth"]
    assert item["closes_at"] == "2099-10-10T17:00:00+08:00"
    assert item["figures"] == [{"key": "winners", "value": 14, "qualifier": "exact", "label_zh": "获奖企业", "label_en": "", "quote_zh": "", "source": ""}]


def test_enterprise_application_over_the_api(api_client, programme, enterprises, enterprise_rep, member_rep, during):
    categories = [c.pk for c in programme.categories.all()]
    condition = programme.further_conditions.first().pk
    created = post(api_client, enterprise_rep, "/api/v1/nominations/", {
        "programme": programme.pk, "organization": enterprises[0].pk, "categories": categories,
    })
    assert (created.status_code, created.json()["code"]) == (400, "too_many_categories")
    created = post(api_client, enterprise_rep, "/api/v1/nominations/", {
        "programme": programme.pk, "organization": enterprises[0].pk, "categories": categories[:2], "further_conditions": [condition],
        "basic_condition_statement": "说明", "endorses_purposes": False,
    })
    assert (created.status_code, created.json()["state"]) == (201, "draft")
    pk = created.json()["id"]
    refused = post(api_client, enterprise_rep, f"/api/v1/nominations/{pk}/submit/")
    assert (refused.status_code, refused.json()["code"]) == (400, "endorsement_required")
    patched = api_client.patch(f"/api/v1/nominations/{pk}/", {"endorses_purposes": True}, format="json")
    assert patched.json()["endorses_purposes"] is True
    refused = post(api_client, enterprise_rep, f"/api/v1/nominations/{pk}/submit/")
    assert (refused.status_code, refused.json()["code"]) == (400, "recommendation_required")
    member, user = member_rep
    recommend(programme, member, enterprises[0], user)
    submitted = post(api_client, enterprise_rep, f"/api/v1/nominations/{pk}/submit/")
    assert (submitted.status_code, submitted.json()["state"], submitted.json()["active_recommendations"]) == (200, "submitted", 1)
    again = post(api_client, enterprise_rep, f"/api/v1/nominations/{pk}/submit/")
    assert (again.status_code, again.json()["code"]) == (409, "already_submitted")


def test_individual_nomination_over_the_api(api_client, programme, member_rep, during):
    member, user = member_rep
    response = post(api_client, user, "/api/v1/nominations/", {
        "programme": programme.pk, "direction": "individual", "person_name": "测试个人", "citation": "贡献", "member": member.pk,
    })
    assert (response.status_code, response.json()["state"], response.json()["nominated_by_member"]) == (201, "submitted", member.pk)


def test_expert_reviewer_scores_a_submitted_nomination(api_client, programme, member_rep, django_user_model, during):
    member, user = member_rep
    nominated = post(api_client, user, "/api/v1/nominations/", {
        "programme": programme.pk, "direction": "individual", "person_name": "测试个人", "citation": "贡献", "member": member.pk,
    }).json()
    expert = django_user_model.objects.create_user("expert-1")
    services.reviewer_assign(programme=programme, user=expert)
    api_client.force_authenticate(expert)
    assert [n["id"] for n in api_client.get(f"/api/v1/nominations/?programme={programme.pk}").json()["results"]] == [nominated["id"]]
    url = f"/api/v1/nominations/{nominated['id']}/score/"
    first = post(api_client, expert, url, {"score": 7, "comment": "有说服力"})
    assert first.status_code == 201
    assert {k: first.json()[k] for k in ("nomination", "category", "score", "comment")} == {"nomination": nominated["id"], "category": None, "score": 7, "comment": "有说服力"}
    again = post(api_client, expert, url, {"score": 9})
    assert (again.status_code, again.json()["id"], again.json()["score"]) == (201, first.json()["id"], 9)  # replaced, not added
    bad = post(api_client, expert, url, {"score": 11})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_score")
    assert bad.json()["message"] == "Scores are whole numbers from 1 to 10; got 11."
    # The nominating member's representative sees the nomination but is no expert.
    refused = post(api_client, user, url, {"score": 5})
    assert (refused.status_code, refused.json()["code"]) == (403, "not_a_reviewer")


# Query counts: constant over 1 and many rows


def _count(api_client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("rows", [1, 4])
def test_programmes_list_query_count_is_constant(api_client, db, rows):
    edition = EditionFactory()
    for index in range(rows):
        programme = make_programme(edition, key=f"p{index}")
        services.figure_upsert(programme=programme, key="n", value=index, label_zh="数")
    queries, count = _count(api_client, f"/api/v1/award-programmes/?edition={edition.year}")
    assert (queries, count) == (7, rows)  # edition filter, count, programmes, categories, conditions, quotas, figures


@pytest.mark.parametrize("rows", [1, 4])
def test_recommendations_list_query_count_is_constant(api_client, programme, member_rep, during, rows):
    member, user = member_rep
    for index in range(rows):
        recommend(programme, member, OrganizationFactory(kind="enterprise"), user)
    api_client.force_authenticate(user)
    queries, count = _count(api_client, "/api/v1/recommendations/")
    assert (queries, count) == (2, rows)


@pytest.mark.parametrize("rows", [1, 4])
def test_nominations_list_query_count_is_constant(api_client, programme, member_rep, django_user_model, during, rows):
    member, user = member_rep
    organizer = make_organizer("org-q")
    for index in range(rows):
        services.nomination_nominate_individual(programme=programme, actor=user, member=member, person_name=f"候选人{index}", citation="说明",
                                                categories=[])
    api_client.force_authenticate(organizer)
    queries, count = _count(api_client, f"/api/v1/nominations/?programme={programme.pk}")
    assert (queries, count) == (7, rows)  # the organizer role, programme filter, count, nominations, categories, conditions, log


def test_the_api_gives_a_month_opening_with_its_precision(api_client, db):
    """Issue 21, point 11: an API reader sees that the practice-case call opened in a month, not on
    an invented first day, and that its English is an editorial translation."""
    from awards.models import AwardProgramme

    pk = AwardProgramme.objects.get(edition__year=2024, key="practice-cases").pk
    body = api_client.get(f"/api/v1/award-programmes/{pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["kind"], body["opens_at"], body["opens_precision"]) == ("case_collection", "2024-03-01T00:00:00+08:00", "month")
    assert body["translation_provenance"] == {"name_en": "editorial", "description_en": "editorial"}
    assert body["quote_zh"].splitlines()[0] == "2024年3月,2024年“携手构建网络空间命运共同体”实践案例征集正式开启。"
