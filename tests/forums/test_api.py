"""The sub-forum applications API: /api/v1/forum-applications/.

Another user's application is invisible: absent from the list, 404 on every per-item endpoint
(except review, where the service says whether the user may review)."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from agenda.models import Board
from forums.models import ApplicationTransition, ForumApplication, ForumCall, Review, ReviewCriterion, Reviewer
from tests.factories import OrganizationFactory, make_organizer
from wic.models import Edition
from wic.tokens import token_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/forum-applications/"
BEIJING_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$")
ITEM_KEYS = {
    "id", "edition", "call", "state", "title_zh", "title_en", "theme_zh", "theme_en", "board", "format", "preferred_date",
    "preferred_half_day", "expected_attendance", "planned_speakers", "planned_outcomes", "contact_name", "contact_email",
    "contact_phone", "rationale", "answers", "organizations", "submitted_at", "decided_at", "decision_message", "session",
    "transitions",
}


def item_url(application_id, action=""):
    return f"{URL}{application_id}/{action + '/' if action else ''}"


def make_user(username, **extra):
    return get_user_model().objects.create_user(username, f"{username}@example.org", "a-long-test-password-1", **extra)


def client_for(user) -> APIClient:
    """A client authenticated with the user's API token, as outside programs are."""
    client = APIClient()
    _token, key = token_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def edition():
    return Edition.objects.get(year=2024)


@pytest.fixture
def call(edition):
    now = timezone.now()
    call = ForumCall.objects.create(edition=edition, title_zh="2024年峰会分论坛征集", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    call.boards.set(Board.objects.filter(edition=edition))
    return call


@pytest.fixture
def criterion(call):
    return ReviewCriterion.objects.create(call=call, name_zh="与大会主题的相关性")


@pytest.fixture
def host():
    return OrganizationFactory()


@pytest.fixture
def applicant():
    return make_user("applicant")


@pytest.fixture
def owner(applicant):
    """The applicant's API client."""
    return client_for(applicant)


def draft_payload(call, host, /, **overrides):
    payload = {
        "call": call.pk,
        "title_zh": "数字丝路合作论坛",
        "title_en": "Digital Silk Road Cooperation Forum",
        "theme_zh": "携手构建网络空间命运共同体",
        "format": "round_table",
        "preferred_date": "2024-11-20",
        "preferred_half_day": "morning",
        "expected_attendance": 200,
        "planned_speakers": "张三（某大学）",
        "contact_name": "李四",
        "contact_email": "lisi@example.org",
        "contact_phone": "0571-00000000",
        "rationale": "汇聚各方共商合作。",
        "organizations": [
            {"role": "host", "organization": host.pk},
            {"role": "co_host", "name_zh": "新成立的研究院", "name_en": "A New Institute"},
        ],
    }
    payload.update(overrides)
    return payload


def create_draft(owner, call, host, /, **overrides):
    response = owner.post(URL, draft_payload(call, host, **overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def submitted(owner, call, host):
    body = create_draft(owner, call, host)
    response = owner.post(item_url(body["id"], "submit"))
    assert response.status_code == 200, response.json()
    return response.json()


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert field in body["errors"], body
    return body


# Authentication and methods


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", URL), ("post", URL), ("get", item_url(1)), ("patch", item_url(1)), ("post", item_url(1, "submit")), ("post", item_url(1, "review"))],
)
def test_anonymous_is_401(api_client, method, path):
    response = getattr(api_client, method)(path, {}, format="json")
    assert_error(response, 401, "not_authenticated")


def test_session_auth_works_too(api_client, applicant, call, host):
    api_client.force_login(applicant)
    response = api_client.post(URL, draft_payload(call, host), format="json")
    assert response.status_code == 201
    assert api_client.get(URL).json()["count"] == 1


def test_delete_is_405(owner, call, host):
    body = create_draft(owner, call, host)
    assert_error(owner.delete(item_url(body["id"])), 405, "method_not_allowed")
    assert ForumApplication.objects.filter(pk=body["id"]).exists()


# Drafts


def test_create_draft(owner, applicant, call, host, edition):
    board = call.boards.first()
    response = owner.post(URL, draft_payload(call, host, board=board.pk), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == ITEM_KEYS
    assert (body["edition"], body["call"], body["state"], body["board"], body["session"]) == (2024, call.pk, "draft", board.pk, None)
    assert (body["title_zh"], body["format"], body["preferred_date"], body["preferred_half_day"]) == ("数字丝路合作论坛", "round_table", "2024-11-20", "morning")
    assert body["expected_attendance"] == 200
    # In the applicant's order.
    assert body["organizations"] == [
        {"role": "host", "organization": host.pk, "name_zh": host.name_zh, "name_en": host.name_en},
        {"role": "co_host", "organization": None, "name_zh": "新成立的研究院", "name_en": "A New Institute"},
    ]
    assert (body["submitted_at"], body["decided_at"], body["transitions"], body["answers"]) == (None, None, [], {})
    application = ForumApplication.objects.get(pk=body["id"])
    assert (application.applicant, application.language) == (applicant, "en")


def test_create_draft_with_answers(owner, call, host):
    question = call.questions.create(text_zh="预期成果？", required=True)
    body = create_draft(owner, call, host, answers={str(question.pk): "发布报告"})
    assert body["answers"] == {str(question.pk): "发布报告"}


def test_create_needs_a_call_and_a_title(owner):
    body = assert_error(owner.post(URL, {}, format="json"), 400, "invalid")
    assert {"call", "title_zh"} <= set(body["errors"])
    assert body["errors"]["call"][0]["code"] == "required"


def test_create_on_a_closed_call_is_refused(owner, call, host):
    call.opens_at = timezone.now() - timedelta(days=3)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()
    assert_error(owner.post(URL, draft_payload(call, host), format="json"), 400, "call_closed")
    assert not ForumApplication.objects.exists()


def test_update_draft(owner, call, host):
    body = create_draft(owner, call, host)
    other_host = OrganizationFactory()
    response = owner.patch(
        item_url(body["id"]),
        {"title_en": "Silk Road Forum", "preferred_date": None, "organizations": [{"role": "host", "organization": other_host.pk}]},
        format="json",
    )
    assert response.status_code == 200
    updated = response.json()
    assert (updated["title_en"], updated["preferred_date"], updated["title_zh"]) == ("Silk Road Forum", None, "数字丝路合作论坛")
    assert [(o["role"], o["organization"]) for o in updated["organizations"]] == [("host", other_host.pk)]
    # Without `organizations`, the list is kept.
    kept = owner.patch(item_url(body["id"]), {"rationale": "更新的理由"}, format="json").json()
    assert (kept["rationale"], len(kept["organizations"])) == ("更新的理由", 1)


def test_put_replaces_the_draft(owner, call, host):
    body = create_draft(owner, call, host)
    response = owner.put(item_url(body["id"]), draft_payload(call, host, title_zh="新标题", format="keynotes"), format="json")
    assert response.status_code == 200
    assert (response.json()["title_zh"], response.json()["format"]) == ("新标题", "keynotes")
    missing_title = owner.put(item_url(body["id"]), {"format": "keynotes"}, format="json")
    assert assert_error(missing_title, 400, "invalid", "title_zh")["errors"]["title_zh"][0]["code"] == "required"


def test_the_call_of_an_application_cannot_change(owner, call, host, edition):
    body = create_draft(owner, call, host)
    other = ForumCall.objects.create(edition=edition, title_zh="另一征集", opens_at=call.opens_at, closes_at=call.closes_at)
    assert_error(owner.patch(item_url(body["id"]), {"call": other.pk}, format="json"), 400, "invalid", "call")
    assert ForumApplication.objects.get(pk=body["id"]).call == call


def test_update_a_submitted_application_is_refused(owner, call, host):
    body = submitted(owner, call, host)
    assert_error(owner.patch(item_url(body["id"]), {"title_en": "Too late"}, format="json"), 400, "not_a_draft")
    assert ForumApplication.objects.get(pk=body["id"]).title_en == "Digital Silk Road Cooperation Forum"


# Submission


def test_submit(owner, applicant, call, host):
    body = create_draft(owner, call, host)
    response = owner.post(item_url(body["id"], "submit"))
    assert response.status_code == 200
    item = response.json()
    assert item["state"] == "submitted"
    assert BEIJING_TIME.match(item["submitted_at"]), item["submitted_at"]
    [transition] = item["transitions"]
    assert (transition["from_state"], transition["to_state"], transition["message"]) == ("draft", "submitted", "")
    assert BEIJING_TIME.match(transition["at"]), transition["at"]
    assert ApplicationTransition.objects.get(application_id=body["id"]).actor == applicant


def test_second_submit_is_409(owner, call, host):
    body = submitted(owner, call, host)
    assert_error(owner.post(item_url(body["id"], "submit")), 409, "already_submitted")
    assert ApplicationTransition.objects.filter(application_id=body["id"]).count() == 1


def test_submit_after_the_call_closed_keeps_the_draft(owner, call, host):
    body = create_draft(owner, call, host)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()
    assert_error(owner.post(item_url(body["id"], "submit"), HTTP_ACCEPT_LANGUAGE="en"), 400, "call_closed")
    after = owner.get(item_url(body["id"])).json()
    assert after == body
    assert (after["state"], after["submitted_at"], after["transitions"]) == ("draft", None, [])


def test_incomplete_submit_names_the_fields(owner, call):
    body = owner.post(URL, {"call": call.pk, "title_zh": "只有标题"}, format="json").json()
    error = assert_error(owner.post(item_url(body["id"], "submit"), HTTP_ACCEPT_LANGUAGE="en"), 400, "incomplete")
    for field in ("theme_zh", "format", "preferred_date", "preferred_half_day", "contact_name", "contact_email", "rationale", "hosts"):
        assert field in error["message"], error["message"]
    assert ForumApplication.objects.get(pk=body["id"]).state == "draft"


def test_submit_needs_answers_to_required_questions(owner, call, host):
    question = call.questions.create(text_zh="预期成果？", required=True)
    body = create_draft(owner, call, host)
    error = assert_error(owner.post(item_url(body["id"], "submit")), 400, "incomplete")
    assert f"question {question.pk}" in error["message"]


# Withdrawal


def test_withdraw_then_withdraw_again(owner, call, host):
    body = submitted(owner, call, host)
    response = owner.post(item_url(body["id"], "withdraw"))
    assert response.status_code == 200
    item = response.json()
    assert item["state"] == "withdrawn"
    assert [(t["from_state"], t["to_state"]) for t in item["transitions"]] == [("draft", "submitted"), ("submitted", "withdrawn")]
    assert_error(owner.post(item_url(body["id"], "withdraw")), 409, "invalid_transition")
    assert_error(owner.post(item_url(body["id"], "submit")), 409, "invalid_transition")


# Who sees what


def test_another_users_application_is_invisible(owner, call, host):
    body = create_draft(owner, call, host)
    stranger = client_for(make_user("stranger"))
    assert stranger.get(URL).json()["count"] == 0
    assert_error(stranger.get(item_url(body["id"])), 404, "not_found")
    assert_error(stranger.patch(item_url(body["id"]), {"title_en": "Mine now"}, format="json"), 404, "not_found")
    assert_error(stranger.put(item_url(body["id"]), draft_payload(call, host), format="json"), 404, "not_found")
    assert_error(stranger.post(item_url(body["id"], "submit")), 404, "not_found")
    assert_error(stranger.post(item_url(body["id"], "withdraw")), 404, "not_found")
    assert ForumApplication.objects.get(pk=body["id"]).state == "draft"


def test_unknown_application_is_404(owner):
    assert_error(owner.get(item_url(999999)), 404, "not_found")


def test_organizers_see_every_application_but_do_not_edit_them(owner, call, host):
    body = create_draft(owner, call, host)
    organizer = client_for(make_organizer("organizer"))
    assert [a["id"] for a in organizer.get(URL).json()["results"]] == [body["id"]]
    assert organizer.get(item_url(body["id"])).status_code == 200
    assert_error(organizer.patch(item_url(body["id"]), {"title_en": "x"}, format="json"), 403, "not_your_application")
    assert_error(organizer.post(item_url(body["id"], "withdraw")), 403, "not_your_application")


def test_reviewer_reads_but_the_list_stays_their_own(owner, call, host, edition):
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user)
    reviewer = client_for(user)
    assert reviewer.get(item_url(body["id"])).json()["id"] == body["id"]
    assert reviewer.get(URL).json()["count"] == 0
    assert_error(reviewer.post(item_url(body["id"], "withdraw")), 403, "not_your_application")


def test_reviewer_reads_no_contact_of_the_applicant_which_the_applicant_and_organizers_do(owner, call, host, edition, criterion):
    """Issue 19: reviewers got the contact's email and phone through the API, though their review
    page shows none of the contact. Null for them; the applicant and the organizers read them."""
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user)
    reviewer = client_for(user)
    contact = {"contact_name": "李四", "contact_email": "lisi@example.org", "contact_phone": "0571-00000000"}
    hidden = dict.fromkeys(contact)
    read = reviewer.get(item_url(body["id"])).json()
    reviewed = reviewer.post(item_url(body["id"], "review"), review_payload(criterion), format="json").json()
    assert ({k: read[k] for k in contact}, {k: reviewed[k] for k in contact}) == (hidden, hidden)
    assert read["title_zh"] == body["title_zh"]
    assert {k: owner.get(item_url(body["id"])).json()[k] for k in contact} == contact
    organizer = client_for(make_organizer("organizer-contact"))
    assert {k: organizer.get(item_url(body["id"])).json()[k] for k in contact} == contact


def test_reviewer_of_another_edition_does_not_see_it(owner, call, host):
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=Edition.objects.get(year=2017), user=user)
    assert_error(client_for(user).get(item_url(body["id"])), 404, "not_found")


def test_list_filters_by_edition_and_state(owner, call, host):
    draft = create_draft(owner, call, host)
    sent = submitted(owner, call, host)
    assert [a["id"] for a in owner.get(URL, {"edition": 2024}).json()["results"]] == [sent["id"], draft["id"]]
    assert owner.get(URL, {"edition": 2017}).json()["count"] == 0
    assert [a["id"] for a in owner.get(URL, {"state": "submitted"}).json()["results"]] == [sent["id"]]
    assert owner.get(URL, {"state": "draft", "edition": 2024}).json()["count"] == 1
    assert assert_error(owner.get(URL, {"edition": 1999}), 400, "invalid", "edition")["errors"]["edition"][0]["code"] == "invalid_choice"
    assert_error(owner.get(URL, {"state": "lost"}), 400, "invalid", "state")


# Reviews


def review_payload(criterion, score=4, comment="主题契合"):
    return {"scores": {str(criterion.pk): {"score": score, "comment": comment}}}


def test_review_by_someone_who_may_not_read_the_application_is_404_as_for_none(owner, call, host, criterion):
    """Issue 19: a 403 `not_a_reviewer` for an application, against 404 for an id that is free,
    told anyone which applications exist. Who may not read it gets the 404 of a free id."""
    body = submitted(owner, call, host)
    stranger = client_for(make_user("stranger"))
    other = make_user("reviewer2017")  # a reviewer of another edition is not a reviewer of this one
    Reviewer.objects.create(edition=Edition.objects.get(year=2017), user=other)
    free_id = ForumApplication.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    answers = [
        client.post(item_url(pk, "review"), review_payload(criterion), format="json")
        for client in (stranger, client_for(other)) for pk in (body["id"], free_id)
    ]
    assert [(r.status_code, r.json()) for r in answers] == [(404, answers[1].json())] * 4
    assert answers[1].json()["code"] == "not_found"
    # Who may read it and is no reviewer of its edition (its own applicant) is told so.
    assert_error(owner.post(item_url(body["id"], "review"), review_payload(criterion), format="json"), 403, "not_a_reviewer")
    assert not Review.objects.exists()
    assert ForumApplication.objects.get(pk=body["id"]).state == "submitted"


def test_review_with_a_conflict_of_interest_is_403(owner, call, host, criterion, edition):
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user, organization=host)
    response = client_for(user).post(item_url(body["id"], "review"), review_payload(criterion), format="json")
    assert_error(response, 403, "conflict_of_interest")
    assert not Review.objects.exists()


def test_review(owner, call, host, criterion, edition):
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user, organization=OrganizationFactory())
    reviewer = client_for(user)
    response = reviewer.post(item_url(body["id"], "review"), review_payload(criterion), format="json")
    assert response.status_code == 200
    item = response.json()
    assert item["state"] == "under_review"
    assert item["transitions"][-1]["from_state"] == "submitted" and item["transitions"][-1]["to_state"] == "under_review"
    review = Review.objects.get()
    assert (review.reviewer, review.criterion, review.score, review.comment) == (user, criterion, 4, "主题契合")
    # A second review changes the score, not the state.
    again = reviewer.post(item_url(body["id"], "review"), review_payload(criterion, score=2), format="json")
    assert (again.status_code, again.json()["state"]) == (200, "under_review")
    assert Review.objects.get().score == 2
    assert len(again.json()["transitions"]) == 2


def test_review_must_score_every_criterion(owner, call, host, criterion, edition):
    ReviewCriterion.objects.create(call=call, name_zh="主办方水平")
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user)
    response = client_for(user).post(item_url(body["id"], "review"), review_payload(criterion), format="json")
    assert_error(response, 400, "incomplete", "scores")


def test_review_of_a_draft_is_404_and_names_no_state(owner, call, host, criterion, edition):
    """Issue 19: a reviewer got 409 "this one is draft" for an unsubmitted draft, which does not
    exist for reviewers anywhere else (404 on reading it)."""
    body = create_draft(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user)
    response = client_for(user).post(item_url(body["id"], "review"), review_payload(criterion), format="json")
    assert_error(response, 404, "not_found")
    assert "draft" not in response.content.decode().lower()


# Bad input: 400 naming the field


def test_unknown_board_is_400(owner, call, host):
    body = assert_error(owner.post(URL, draft_payload(call, host, board=999999), format="json"), 400, "invalid", "board")
    assert body["errors"]["board"][0]["code"] == "does_not_exist"
    assert not ForumApplication.objects.exists()


def test_board_the_call_does_not_offer_is_400(owner, call, host):
    other_board = Board.objects.filter(edition__year=2017).first()
    assert_error(owner.post(URL, draft_payload(call, host, board=other_board.pk), format="json"), 400, "invalid_board", "board")


@pytest.mark.parametrize("day", ["2024-13-45", "tomorrow", 20241120])
def test_malformed_date_is_400(owner, call, host, day):
    body = assert_error(owner.post(URL, draft_payload(call, host, preferred_date=day), format="json"), 400, "invalid", "preferred_date")
    assert body["errors"]["preferred_date"][0]["code"] == "invalid"


def test_date_outside_the_summit_is_400(owner, call, host):
    assert_error(owner.post(URL, draft_payload(call, host, preferred_date="2024-12-25"), format="json"), 400, "invalid_date", "preferred_date")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"format": "picnic"}, "format", "invalid_choice"),
        ({"preferred_half_day": "midnight"}, "preferred_half_day", "invalid_choice"),
        ({"expected_attendance": 0}, "expected_attendance", "min_value"),
        ({"contact_email": "not-an-email"}, "contact_email", "invalid"),
        ({"title_zh": ""}, "title_zh", "blank"),
        ({"call": 999999}, "call", "does_not_exist"),
        ({"answers": ["not", "a", "dict"]}, "answers", "not_a_dict"),
        ({"answers": {"999999": "?"}}, "answers", "does_not_exist"),
    ],
)
def test_bad_draft_field_is_400(owner, call, host, overrides, field, code):
    body = assert_error(owner.post(URL, draft_payload(call, host, **overrides), format="json"), 400, "invalid", field)
    assert body["errors"][field][0]["code"] == code


@pytest.mark.parametrize(
    "organizations",
    [
        [{"role": "sponsor", "organization": 1}],
        [{"role": "host", "organization": 99999999}],
        [{"role": "host"}, {"role": "host", "organization": "abc"}],
        "not a list",
    ],
)
def test_bad_organizations_are_400(owner, call, host, organizations):
    response = owner.post(URL, draft_payload(call, host, organizations=organizations), format="json")
    assert_error(response, 400, "invalid", "organizations")
    assert not ForumApplication.objects.exists()


def test_new_organization_needs_a_chinese_name(owner, call, host):
    response = owner.post(URL, draft_payload(call, host, organizations=[{"role": "host", "name_en": "Only English"}]), format="json")
    assert_error(response, 400, "invalid", "organizations")
    assert not ForumApplication.objects.exists()


@pytest.mark.parametrize(
    ("scores", "code"),
    [
        (lambda c: {str(c.pk): {"score": 7}}, "max_value"),
        (lambda c: {str(c.pk): {"score": 0}}, "min_value"),
        (lambda c: {str(c.pk): {"score": "good"}}, "invalid"),
        (lambda c: {str(c.pk): {"comment": "no score"}}, "required"),
    ],
)
def test_bad_score_is_400(owner, call, host, criterion, edition, scores, code):
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user)
    response = client_for(user).post(item_url(body["id"], "review"), {"scores": scores(criterion)}, format="json")
    error = assert_error(response, 400, "invalid", "scores")
    assert error["errors"]["scores"][str(criterion.pk)]["score"][0]["code"] == code
    assert not Review.objects.exists()
    assert ForumApplication.objects.get(pk=body["id"]).state == "submitted"


@pytest.mark.parametrize("payload", [{}, {"scores": {"relevance": {"score": 3}}}, {"scores": [3]}])
def test_malformed_review_is_400(owner, call, host, criterion, edition, payload):
    body = submitted(owner, call, host)
    user = make_user("reviewer")
    Reviewer.objects.create(edition=edition, user=user)
    assert_error(client_for(user).post(item_url(body["id"], "review"), payload, format="json"), 400, "invalid", "scores")


# Queries and schema


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def test_list_queries_are_constant(owner, call, host):
    def grow(n):
        for _ in range(n):
            submitted(owner, call, host)

    grow(1)
    few = count_queries(owner, URL)
    few_filtered = count_queries(owner, URL, {"edition": 2024, "state": "submitted"})
    grow(6)
    many = count_queries(owner, URL)
    many_filtered = count_queries(owner, URL, {"edition": 2024, "state": "submitted"})
    assert owner.get(URL).json()["count"] == 7
    # token, count, page, organizations (with their organization), transitions; the edition filter adds its lookup
    assert (few, many, few_filtered, many_filtered) == (5, 5, 6, 6)


def test_detail_queries(owner, call, host):
    body = submitted(owner, call, host)
    # token, the application, organizations, transitions
    assert count_queries(owner, item_url(body["id"])) == 4


def test_openapi_schema_documents_the_endpoints(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.json()
    paths = body["paths"]
    assert set(paths[URL]) >= {"get", "post"}
    assert set(paths["/api/v1/forum-applications/{id}/"]) >= {"get", "put", "patch"}
    assert "delete" not in paths["/api/v1/forum-applications/{id}/"]
    for action in ("submit", "withdraw", "review"):
        assert "post" in paths[f"/api/v1/forum-applications/{{id}}/{action}/"]
    assert body["components"]["schemas"]["ApplicationStateEnum"]["enum"][0] == "draft"
