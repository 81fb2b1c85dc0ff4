"""The organizers' registration API beyond reading: decisions (one and many), the guest's link
again, credentials (issue, revoke, re-issue, list, read) and invitations (list, invite), each
through the service the admin calls, with its refusals' codes."""
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from registration import services
from registration.models import CheckinList, Credential, Invitation, Registration
from registration.tasks import render_badge
from tests.factories import EditionFactory, SessionFactory, make_organizer
from tests.registration.test_services_and_pages import guest
from wic import roles
from wic.models import OutgoingEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

BEIJING = ZoneInfo("Asia/Shanghai")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def edition():
    return EditionFactory(year=2099)


@pytest.fixture
def organizer():
    return make_organizer("decider", email="decider@example.org")


@pytest.fixture
def org_client(api_client, organizer):
    """An organizer's API client with a token, as outside programs use (the user is read afresh on
    every request, so query counts include the organizer role's)."""
    from wic.tokens import token_create

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=organizer)[1]}")
    return api_client


def register(edition, n: int = 0, **overrides) -> Registration:
    return services.registration_create(edition=edition, data=guest(name=f"Guest {n}", email=f"guest{n}@example.org", **overrides))


def approved(edition, n: int = 0, **overrides) -> Registration:
    return services.registration_decide(registration=register(edition, n, **overrides), status="approved", actor=None)


# -- decisions ----------------------------------------------------------------------------------------

def test_decide_approves_issues_the_credential_and_mails_the_guest(org_client, organizer, edition, django_capture_on_commit_callbacks):
    registration = register(edition)
    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(f"/api/v1/registrations/{registration.pk}/decide/", {"status": "approved"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    registration.refresh_from_db()
    assert (body["id"], body["reference"], body["status"]) == (registration.pk, registration.reference, "approved")
    assert body["decided_at"] == registration.decided_at.astimezone(BEIJING).isoformat()
    assert (registration.status, registration.decided_by, registration.notified_status) == ("approved", organizer, "approved")
    assert registration.credentials.filter(revoked_at=None).count() == 1
    assert list(OutgoingEmail.objects.filter(event="registration.decision").values_list("to", flat=True)) == [["guest0@example.org"]]


def test_decide_waitlists_then_rejects(org_client, edition):
    registration = register(edition)
    url = f"/api/v1/registrations/{registration.pk}/decide/"
    assert org_client.post(url, {"status": "waitlisted"}, format="json").json()["status"] == "waitlisted"
    assert org_client.post(url, {"status": "rejected"}, format="json").json()["status"] == "rejected"
    registration.refresh_from_db()
    assert (registration.status, registration.credentials.count()) == ("rejected", 0)


@pytest.mark.parametrize("start,asked,message", [
    ("approved", "waitlisted", "A registration that is Approved cannot become Waitlisted."),
    ("rejected", "approved", "A registration that is Rejected cannot become Approved."),
    ("pending", "pending", "A registration that is Pending cannot become Pending."),
])
def test_decide_refuses_what_the_status_does_not_allow(org_client, edition, start, asked, message):
    registration = register(edition)
    if start != "pending":
        services.registration_decide(registration=registration, status=start, actor=None)
    response = org_client.post(f"/api/v1/registrations/{registration.pk}/decide/", {"status": asked}, format="json", **EN)
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (409, "invalid_transition", message)
    registration.refresh_from_db()
    assert registration.status == start


def test_decide_refuses_what_is_no_status_and_what_is_no_registration(org_client, edition):
    registration = register(edition)
    bad = org_client.post(f"/api/v1/registrations/{registration.pk}/decide/", {"status": "maybe"}, format="json")
    assert (bad.status_code, bad.json()["code"], bad.json()["errors"]["status"][0]["code"]) == (400, "invalid", "invalid_choice")
    missing = org_client.post(f"/api/v1/registrations/{registration.pk + 1000}/decide/", {"status": "approved"}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    # Unicode digits are no id (int("١") would be 1): no endpoint there
    arabic = org_client.post("/api/v1/registrations/%D9%A1/decide/", {"status": "approved"}, format="json")
    assert (arabic.status_code, arabic.json()["code"]) == (404, "not_found")
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_bulk_decides_each_and_names_the_refused_with_its_code(org_client, organizer, edition):
    first, second, rejected = register(edition, 1), register(edition, 2), register(edition, 3)
    services.registration_decide(registration=rejected, status="rejected", actor=None)
    response = org_client.post(
        "/api/v1/registrations/decide/", {"registrations": [second.pk, rejected.pk, first.pk, first.pk], "status": "approved"}, format="json", **EN
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    first.refresh_from_db()
    second.refresh_from_db()
    assert body == {
        "status": "approved",
        "decided": [
            {"id": r.pk, "reference": r.reference, "name": r.name, "status": "approved", "decided_at": r.decided_at.astimezone(BEIJING).isoformat()}
            for r in (first, second)
        ],
        "refused": [{
            "id": rejected.pk, "reference": rejected.reference, "name": "Guest 3", "status": "rejected", "code": "invalid_transition",
            "message": "A registration that is Rejected cannot become Approved.",
        }],
    }
    assert (first.decided_by, second.decided_by) == (organizer, organizer)
    assert Credential.objects.filter(registration__in=[first, second], revoked_at=None).count() == 2


def test_bulk_with_an_unknown_id_decides_nothing(org_client, edition):
    registration = register(edition)
    response = org_client.post("/api/v1/registrations/decide/", {"registrations": [registration.pk, 987654], "status": "approved"}, format="json", **EN)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["errors"]["registrations"] == [{"code": "does_not_exist", "message": "No such registrations: 987654."}]
    registration.refresh_from_db()
    assert registration.status == "pending"


@pytest.mark.parametrize("payload,field,code", [
    ({"registrations": [], "status": "approved"}, "registrations", "min_length"),
    ({"registrations": [1] * 501, "status": "approved"}, "registrations", "max_length"),
    ({"registrations": ["x"], "status": "approved"}, "registrations", "invalid"),
    ({"registrations": ["١"], "status": "approved"}, "registrations", "invalid"),  # int("١") would be 1
    ({"registrations": [10**18], "status": "approved"}, "registrations", "max_value"),
    ({"registrations": [1]}, "status", "required"),
])
def test_bulk_refuses_bad_shapes(org_client, edition, payload, field, code):
    response = org_client.post("/api/v1/registrations/decide/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    errors = response.json()["errors"][field]
    first = errors[0] if isinstance(errors, list) else next(iter(errors.values()))[0]
    assert first["code"] == code


def test_resend_link_mails_the_page_link_again_and_audits_it(org_client, organizer, edition, django_capture_on_commit_callbacks):
    from auditlog.models import LogEntry

    registration = register(edition)
    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(f"/api/v1/registrations/{registration.pk}/resend-link/", format="json", **EN)
    assert response.status_code == 202
    assert response.json() == {
        "id": registration.pk, "reference": registration.reference, "message": f"The private link was sent again to {registration.reference} (Guest 0).",
    }
    assert list(OutgoingEmail.objects.filter(event="registration.link").values_list("to", flat=True)) == [["guest0@example.org"]]
    entry = LogEntry.objects.get_for_object(registration).get(additional_data__event="registration.link_resent")
    assert entry.actor == organizer


# -- credentials --------------------------------------------------------------------------------------

def test_credential_list_never_shows_the_secret_and_filters(org_client, edition):
    first, second = approved(edition, 1), approved(edition, 2, participation="on_site")
    old = first.credentials.get()
    services.credential_reissue(registration=first, actor=None)
    new = first.credentials.get(revoked_at=None)
    other = approved(EditionFactory(year=2098), 3)

    response = org_client.get("/api/v1/credentials/")
    assert response.status_code == 200
    for credential in Credential.objects.all():
        assert credential.secret not in response.content.decode()
    items = response.json()["results"]
    assert [item["id"] for item in items] == list(Credential.objects.order_by("-issued_at", "-id").values_list("pk", flat=True))
    item = next(i for i in items if i["id"] == old.pk)
    assert item == {
        "id": old.pk, "registration": first.pk, "reference": first.reference, "name": "Guest 1", "edition": 2099, "active": False,
        "code_end": old.secret[-4:], "issued_at": old.issued_at.astimezone(BEIJING).isoformat(),
        "revoked_at": Credential.objects.get(pk=old.pk).revoked_at.astimezone(BEIJING).isoformat(), "revoked_by": None, "badge_url": None,
    }
    assert "secret" not in item and "grouped_secret" not in item

    def ids(params):
        response = org_client.get("/api/v1/credentials/", params)
        assert response.status_code == 200, response.json()
        return {i["id"] for i in response.json()["results"]}

    assert ids({"edition": 2099}) == {old.pk, new.pk, second.credentials.get().pk}
    assert ids({"edition": 2098}) == {other.credentials.get().pk}
    assert ids({"registration": first.pk}) == {old.pk, new.pk}
    assert ids({"registration": first.pk, "active": "true"}) == {new.pk}
    assert ids({"active": "false"}) == {old.pk}
    bad = org_client.get("/api/v1/credentials/", {"registration": "١"})
    assert (bad.status_code, bad.json()["code"], bad.json()["errors"]["registration"][0]["code"]) == (400, "invalid", "invalid")


def test_credential_retrieve_shows_the_code_and_the_admins_badge_link(org_client, edition):
    registration = approved(edition)
    credential = registration.credentials.get()
    assert render_badge(credential.pk) is True
    response = org_client.get(f"/api/v1/credentials/{credential.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["secret"], body["grouped_secret"], body["active"]) == (credential.secret, credential.grouped_secret, True)
    assert body["badge_url"] == f"http://testserver/admin/registration/credential/{credential.pk}/badge/"
    assert org_client.get(f"/api/v1/credentials/{credential.pk + 1000}/").json()["code"] == "not_found"


def test_issue_gives_the_active_credential_or_a_new_one(org_client, organizer, edition):
    registration = approved(edition)
    active = registration.credentials.get()
    again = org_client.post("/api/v1/credentials/", {"registration": registration.pk}, format="json")
    assert (again.status_code, again.json()["id"], again.json()["secret"]) == (200, active.pk, active.secret)

    services.credential_revoke(credential=active, actor=organizer)
    issued = org_client.post("/api/v1/credentials/", {"registration": registration.pk}, format="json")
    assert issued.status_code == 201
    new = registration.credentials.get(revoked_at=None)
    assert (issued.json()["id"], issued.json()["secret"], issued.json()["active"]) == (new.pk, new.secret, True)
    assert new.pk != active.pk


@pytest.mark.parametrize("who,code", [("pending", "not_approved"), ("online", "not_on_site")])
def test_issue_refuses_who_gets_no_credential(org_client, edition, who, code):
    registration = register(edition) if who == "pending" else approved(edition, participation="online")
    response = org_client.post("/api/v1/credentials/", {"registration": registration.pk}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not Credential.objects.exists()


@pytest.mark.parametrize("value,code", [(987654, "does_not_exist"), (10**19, "does_not_exist"), ("abc", "incorrect_type"), (True, "incorrect_type")])
def test_issue_refuses_what_is_no_registration(org_client, edition, value, code):
    response = org_client.post("/api/v1/credentials/", {"registration": value}, format="json")
    assert (response.status_code, response.json()["code"], response.json()["errors"]["registration"][0]["code"]) == (400, "invalid", code)


def test_revoked_credential_then_scans_as_revoked(org_client, organizer, edition, api_client):
    registration = approved(edition)
    credential = registration.credentials.get()
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=edition.start_date)

    response = org_client.post(f"/api/v1/credentials/{credential.pk}/revoke/", format="json")
    assert response.status_code == 200, response.json()
    credential.refresh_from_db()
    assert (response.json()["active"], response.json()["revoked_by"], credential.revoked_by) == (False, organizer.pk, organizer)
    assert response.json()["revoked_at"] == credential.revoked_at.astimezone(BEIJING).isoformat()

    staff = get_user_model().objects.create_user("gate-revoked")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    gate_client = type(api_client)()
    gate_client.force_authenticate(staff)
    scanned_at = datetime.combine(edition.start_date, datetime.min.time(), tzinfo=BEIJING).replace(hour=9).isoformat()
    scan = gate_client.post("/api/v1/checkins/", {"list": gate.pk, "secret": credential.secret, "nonce": str(uuid.uuid4()), "scanned_at": scanned_at}, format="json")
    assert (scan.status_code, scan.json()["result"]) == (200, "revoked")

    again = org_client.post(f"/api/v1/credentials/{credential.pk}/revoke/", format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_revoked")


def test_reissue_revokes_the_active_credential_and_issues_a_new_one(org_client, organizer, edition):
    registration = approved(edition)
    old = registration.credentials.get()
    response = org_client.post(f"/api/v1/registrations/{registration.pk}/reissue-credential/", format="json")
    assert response.status_code == 201, response.json()
    old.refresh_from_db()
    new = registration.credentials.get(revoked_at=None)
    assert (response.json()["id"], response.json()["secret"], response.json()["registration"]) == (new.pk, new.secret, registration.pk)
    assert (old.revoked_by, new.pk != old.pk) == (organizer, True)


def test_reissue_for_a_guest_not_approved_revokes_nothing(org_client, organizer, edition):
    registration = approved(edition)
    Registration.objects.filter(pk=registration.pk).update(status="rejected")  # as a later change would leave it
    response = org_client.post(f"/api/v1/registrations/{registration.pk}/reissue-credential/", format="json")
    assert (response.status_code, response.json()["code"]) == (400, "not_approved")
    assert registration.credentials.get().revoked_at is None


def test_credential_revoke_service_refuses_a_revoked_credential(organizer, edition):
    from wic.errors import DomainError

    credential = approved(edition).credentials.get()
    revoked = services.credential_revoke(credential=credential, actor=organizer)
    assert (revoked.pk, revoked.revoked_by, revoked.is_active) == (credential.pk, organizer, False)
    with pytest.raises(DomainError) as refused:
        services.credential_revoke(credential=credential, actor=organizer)
    assert (refused.value.code, refused.value.status) == ("already_revoked", 409)


def test_admin_revoke_action_calls_the_service(client, organizer, edition):
    from django.contrib.messages import get_messages

    credential = approved(edition).credentials.get()
    client.force_login(organizer)
    payload = {"action": "revoke", "_selected_action": [credential.pk]}
    done = client.post("/admin/registration/credential/", payload, follow=True)
    credential.refresh_from_db()
    assert credential.revoked_by == organizer
    assert [m.level_tag for m in get_messages(done.wsgi_request)] == ["success"]
    refused = client.post("/admin/registration/credential/", payload)
    assert [(m.level_tag, m.extra_tags) for m in get_messages(refused.wsgi_request)] == [("error", "already_revoked")]


# -- invitations --------------------------------------------------------------------------------------

@pytest.fixture
def banquet(edition):
    return SessionFactory(edition=edition, title_zh="欢迎晚宴", title_en="Welcome banquet", kind="banquet", access="by_invitation")


def test_invite_guests_then_list_and_read_them(org_client, edition, banquet):
    first, second = approved(edition, 1), approved(edition, 2)
    response = org_client.post("/api/v1/invitations/", {"session": banquet.pk, "registrations": [first.pk, second.pk]}, format="json")
    assert (response.status_code, response.json()) == (201, {"session": banquet.pk, "created": 2})
    again = org_client.post("/api/v1/invitations/", {"session": banquet.pk, "registrations": [first.pk]}, format="json")
    assert (again.status_code, again.json()) == (200, {"session": banquet.pk, "created": 0})

    listed = org_client.get("/api/v1/invitations/", {"session": banquet.pk})
    invitation = Invitation.objects.get(registration=first)
    assert [i["name"] for i in listed.json()["results"]] == ["Guest 1", "Guest 2"]
    assert listed.json()["results"][0] == {
        "id": invitation.pk, "registration": first.pk, "reference": first.reference, "name": "Guest 1", "name_zh": "", "session": banquet.pk,
        "title_zh": "欢迎晚宴", "title_en": "Welcome banquet", "edition": 2099, "rsvp": "accepted", "seat": "", "seat_kind": "", "seat_block": "",
        "seat_number": None, "created": invitation.created.astimezone(BEIJING).isoformat(),
    }
    assert org_client.get(f"/api/v1/invitations/{invitation.pk}/").json()["registration"] == first.pk
    assert [i["registration"] for i in org_client.get("/api/v1/invitations/", {"registration": second.pk}).json()["results"]] == [second.pk]
    assert org_client.get("/api/v1/invitations/", {"rsvp": "declined"}).json()["count"] == 0
    assert org_client.get("/api/v1/invitations/", {"edition": 2098}).json()["count"] == 0
    assert org_client.get("/api/v1/invitations/", {"session": "x1"}).json()["code"] == "invalid"


def test_invite_a_category_invites_its_approved_guests(org_client, edition, banquet):
    media = approved(edition, 1, category="media")
    register(edition, 2, category="media")  # pending: not invited
    approved(edition, 3, category="academia")
    response = org_client.post("/api/v1/invitations/", {"session": banquet.pk, "category": "media"}, format="json")
    assert (response.status_code, response.json()["created"]) == (201, 1)
    assert list(Invitation.objects.values_list("registration_id", flat=True)) == [media.pk]


def test_invite_refuses_with_the_services_codes(org_client, edition, banquet):
    open_session = SessionFactory(edition=edition, access="open")
    guest_ok, pending = approved(edition, 1), register(edition, 2)
    other = approved(EditionFactory(year=2098), 3)
    cases = [
        ({"session": open_session.pk, "registrations": [guest_ok.pk]}, "not_invitation_only", "not_invitation_only"),
        ({"session": banquet.pk, "registrations": [guest_ok.pk, pending.pk]}, "not_approved", "not_approved"),
        ({"session": banquet.pk, "registrations": [other.pk]}, "invalid", "invalid"),
        ({"session": banquet.pk, "registrations": [987654]}, "invalid", "does_not_exist"),
        ({"session": 987654, "registrations": [guest_ok.pk]}, "invalid", "does_not_exist"),
        ({"session": banquet.pk, "category": "aliens"}, "invalid", "invalid_choice"),
    ]
    for payload, code, detail in cases:
        response = org_client.post("/api/v1/invitations/", payload, format="json", **EN)
        assert (response.status_code, response.json()["code"]) == (400, code), payload
        if code == "invalid" and "errors" in response.json():
            assert next(iter(response.json()["errors"].values()))[0]["code"] == detail, payload
    assert not Invitation.objects.exists()
    message = org_client.post("/api/v1/invitations/", cases[1][0], format="json", **EN).json()["message"]
    assert message == "Only approved guests can be invited: Guest 2."


# -- who may ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("post", "/api/v1/registrations/{registration}/decide/"),
    ("post", "/api/v1/registrations/decide/"),
    ("post", "/api/v1/registrations/{registration}/resend-link/"),
    ("post", "/api/v1/registrations/{registration}/reissue-credential/"),
    ("get", "/api/v1/credentials/"),
    ("get", "/api/v1/credentials/{credential}/"),
    ("post", "/api/v1/credentials/"),
    ("post", "/api/v1/credentials/{credential}/revoke/"),
    ("get", "/api/v1/invitations/"),
    ("post", "/api/v1/invitations/"),
])
def test_only_organizers(api_client, edition, method, path):
    registration = approved(edition)
    url = path.format(registration=registration.pk, credential=registration.credentials.get().pk)
    assert getattr(api_client, method)(url, {}, format="json").json()["code"] == "not_authenticated"
    staff = get_user_model().objects.create_user("staff-only", is_staff=True)  # staff status alone grants nothing
    api_client.force_authenticate(staff)
    response = getattr(api_client, method)(url, {}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert registration.credentials.get().revoked_at is None


# -- queries ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [1, 10])
def test_credential_list_queries_are_constant(org_client, edition, rows, django_assert_num_queries):
    for n in range(rows):
        approved(edition, n)
    with django_assert_num_queries(4):  # the token with its user, the organizer role, the count, the page
        response = org_client.get("/api/v1/credentials/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_invitation_list_queries_are_constant(org_client, edition, banquet, rows, django_assert_num_queries):
    services.invitations_create(session=banquet, registrations=[approved(edition, n) for n in range(rows)])
    with django_assert_num_queries(4):
        response = org_client.get("/api/v1/invitations/")
    assert response.json()["count"] == rows
