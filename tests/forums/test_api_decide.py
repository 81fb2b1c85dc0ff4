"""Issue 28: organizers decide sub-forum applications through the API as in the admin:
`POST /api/v1/forum-applications/{id}/decide/` (forums.services.application_transition) and
`POST /api/v1/forum-application-decisions/` (applications_decide), with the services' codes;
an accepted forum's session is then placed through the agenda's `place`."""
import pytest
from django.core import mail
from rest_framework.test import APIClient

from agenda.models import Session
from forums import services
from forums.enums import ApplicationState as S
from forums.models import ForumApplication
from tests.factories import HallFactory
from tests.forums.conftest import complete_fields
from wic.tokens import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

BULK = "/api/v1/forum-application-decisions/"


def client_for(user) -> APIClient:
    client = APIClient()
    _token, key = token_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def decide_url(application) -> str:
    return f"/api/v1/forum-applications/{application.pk}/decide/"


def submitted(call, applicant, host_org, title="数字丝路合作论坛"):
    application = services.application_save_draft(
        call=call, applicant=applicant, fields=complete_fields(call.edition, title_zh=title), organizations=[{"role": "host", "organization": host_org}],
    )
    return services.application_submit(application=application, actor=applicant)


def under_review(call, applicant, host_org, organizer, title="数字丝路合作论坛"):
    return services.application_transition(application=submitted(call, applicant, host_org, title), to_state=S.UNDER_REVIEW, actor=organizer)


@pytest.fixture
def org_client(organizer):
    return client_for(organizer)


def test_decide_under_review_logs_the_move(call, applicant, host_org, organizer, org_client):
    application = submitted(call, applicant, host_org)
    response = org_client.post(decide_url(application), {"to_state": "under_review"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["id"], response.json()["state"]) == (application.pk, "under_review")
    assert [(t["from_state"], t["to_state"]) for t in response.json()["transitions"]] == [("draft", "submitted"), ("submitted", "under_review")]
    assert list(application.transitions.filter(to_state="under_review").values_list("actor__username", flat=True)) == ["organizer-x"]


def test_accepting_creates_the_unpublished_session_and_tells_the_applicant(
    call, applicant, host_org, organizer, org_client, django_capture_on_commit_callbacks
):
    application = under_review(call, applicant, host_org, organizer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(decide_url(application), {"to_state": "accepted", "message": "欢迎！"}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    session = Session.objects.get(pk=data["session"])
    assert (data["state"], data["decision_message"], data["decided_at"] is not None) == ("accepted", "欢迎！", True)
    assert (session.key, session.is_published, session.hall_id) == (f"forum-application-{application.pk}", False, None)
    assert len(mail.outbox) == 1 and "欢迎！" in mail.outbox[0].body
    # Placed through the agenda's API, as on the placement page: then published.
    hall = HallFactory()
    placed = org_client.post(
        f"/api/v1/sessions/{session.pk}/place/", {"hall": hall.pk, "date": "2024-11-21", "start_time": "09:00", "end_time": "12:00"}, format="json"
    )
    assert (placed.status_code, placed.json()["is_published"], placed.json()["start"]) == (200, True, "2024-11-21T09:00:00+08:00")


@pytest.mark.parametrize("to_state,status,code", [
    ("accepted", 409, "invalid_transition"),  # a submitted application is decided once under review
    ("draft", 409, "invalid_transition"),
    ("submitted", 400, "invalid_transition"),  # the applicant's submit
    ("withdrawn", 403, "not_your_application"),  # the applicant's own act
])
def test_decide_refusals_are_the_services_codes(call, applicant, host_org, org_client, to_state, status, code):
    application = submitted(call, applicant, host_org)
    response = org_client.post(decide_url(application), {"to_state": to_state}, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_decide_checks_the_shape(call, applicant, host_org, org_client):
    application = submitted(call, applicant, host_org)
    unknown = org_client.post(decide_url(application), {"to_state": "approved"}, format="json")
    assert (unknown.status_code, unknown.json()["errors"]["to_state"][0]["code"]) == (400, "invalid_choice")
    missing = org_client.post(decide_url(application), {}, format="json")
    assert (missing.status_code, missing.json()["errors"]["to_state"][0]["code"]) == (400, "required")
    assert org_client.post("/api/v1/forum-applications/999999999/decide/", {"to_state": "under_review"}, format="json").status_code == 404


def test_deciding_is_the_organizers(call, applicant, host_org, reviewer):
    application = submitted(call, applicant, host_org)
    for client, status, code in (
        (APIClient(), 401, "not_authenticated"),
        (client_for(applicant), 403, "permission_denied"),
        (client_for(reviewer), 403, "permission_denied"),
    ):
        response = client.post(decide_url(application), {"to_state": "under_review"}, format="json")
        assert (response.status_code, response.json()["code"]) == (status, code)
        bulk = client.post(BULK, {"applications": [application.pk], "to_state": "under_review"}, format="json")
        assert (bulk.status_code, bulk.json()["code"]) == (status, code)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_bulk_decides_each_on_its_own(call, applicant, host_org, organizer, org_client):
    first = under_review(call, applicant, host_org, organizer, "第一个论坛")
    second = under_review(call, applicant, host_org, organizer, "第二个论坛")
    still_submitted = submitted(call, applicant, host_org, "第三个论坛")
    body = {"applications": [second.pk, still_submitted.pk, first.pk, second.pk], "to_state": "rejected", "message": "名额已满"}
    response = org_client.post(BULK, body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert [(a["id"], a["state"], a["decision_message"]) for a in data["changed"]] == [(second.pk, "rejected", "名额已满"), (first.pk, "rejected", "名额已满")]
    assert [(r["application"], r["code"]) for r in data["refused"]] == [(still_submitted.pk, "invalid_transition")]
    assert dict(ForumApplication.objects.filter(pk__in=[first.pk, second.pk, still_submitted.pk]).values_list("title_zh", "state")) == {
        "第一个论坛": "rejected", "第二个论坛": "rejected", "第三个论坛": "submitted",
    }


@pytest.mark.parametrize("ids,code", [
    ([999999999], "does_not_exist"),
    (["١٢"], "invalid"),
    ([10**18], "invalid"),
    ([], "min_length"),
    (list(range(1, 502)), "max_length"),
])
def test_bulk_refuses_the_whole_call_for_bad_ids(call, applicant, host_org, org_client, ids, code):
    application = submitted(call, applicant, host_org)
    response = org_client.post(BULK, {"applications": [application.pk, *ids] if code == "does_not_exist" else ids, "to_state": "under_review"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    errors = response.json()["errors"]["applications"]
    codes = [e["code"] for e in errors] if isinstance(errors, list) else [e["code"] for item in errors.values() for e in item]
    assert code in codes, errors
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_markup_typed_into_a_decision_is_shown_as_text(call, applicant, host_org, organizer, org_client, client, admin_client_logged):
    """ForumDecisionInputSerializer and ForumBulkDecisionInputSerializer (tests/wic/test_escaping.py's
    rule): the message to the applicant carries markup; the applicant's page, the admin and the
    decision email's HTML show it escaped."""
    from wic.models import OutgoingEmail
    from tests.wic.test_escaping import assert_no_raw, assert_shows, email_html_ok, payload

    message = payload("message")
    application = under_review(call, applicant, host_org, organizer)
    other = under_review(call, applicant, host_org, organizer, "第二个论坛")
    assert org_client.post(decide_url(application), {"to_state": "rejected", "message": message}, format="json").json()["decision_message"] == message
    bulk = org_client.post(BULK, {"applications": [other.pk], "to_state": "waitlisted", "message": message}, format="json")
    assert bulk.json()["changed"][0]["decision_message"] == message
    client.force_login(applicant)
    assert_shows(client.get("/editions/2024/forums/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), message)
    assert_no_raw(admin_client_logged.get(f"/admin/forums/forumapplication/{application.pk}/change/").content.decode())
    for email in OutgoingEmail.objects.filter(event__startswith="forums"):
        email_html_ok(email, message)
