import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from registration import services
from registration.models import Registration
from tests.factories import EditionFactory
from wic.errors import DomainError
from wic.models import Edition, OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def future(db):
    return EditionFactory(year=2099)


def guest(**overrides):
    data = {
        "name": "Maria Silva", "name_zh": "", "email": "maria@example.org", "organization_name": "Ministry of Communications",
        "title": "Director", "country": "BR", "category": "government", "participation": "on_site", "languages": "Português, English",
        "needs_visa_letter": True, "needs_accommodation": True, "accessibility_needs": "", "consent": True,
    }
    data.update(overrides)
    return data


def test_register_gives_a_reference_and_an_unguessable_page_secret(future):
    registration = services.registration_create(edition=future, data=guest())
    assert registration.status == "pending"
    assert len(registration.reference) == 8 and set(registration.reference) <= set(services.ALPHABET)
    assert len(registration.token) == 32 and set(registration.token) <= set(services.ALPHABET)
    assert not set("01OIL") & set(services.ALPHABET)


def test_duplicate_email_is_refused_naming_nothing_of_the_existing_one(future, django_capture_on_commit_callbacks):
    first = services.registration_create(edition=future, data=guest())
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as error:
        services.registration_create(edition=future, data=guest(email="MARIA@example.org", name="Another"))
    assert (error.value.code, error.value.status, error.value.field) == ("duplicate_registration", 409, "email")
    assert first.reference not in error.value.message
    assert mail.outbox == []  # the service registers; mailing the link is registration_request's
    # The same email may register for another edition.
    other = EditionFactory(year=2098)
    assert services.registration_create(edition=other, data=guest()).edition == other


def test_registration_request_mails_the_link_for_a_new_and_an_existing_address_once_an_hour(future, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_request(edition=future, data=guest()) is None
        assert services.registration_request(edition=future, data=guest(email="MARIA@example.org", name="Another")) is None
    registration = Registration.objects.get()
    assert registration.name == "Maria Silva"
    [sent] = mail.outbox
    assert sent.to == ["maria@example.org"] and f"/registration/{registration.token}/" in sent.body
    # A new registration's email is its confirmation (with the link); it counts for the hourly limit.
    assert list(OutgoingEmail.objects.values_list("event", "status")) == [("registration.received", "sent")]


def test_a_field_of_the_wrong_shape_is_refused_before_the_duplicate_is_looked_for(future):
    services.registration_create(edition=future, data=guest())
    for email in ("maria@example.org", "new@example.org"):  # the same refusal, registered or not
        with pytest.raises(DomainError) as error:
            services.registration_request(edition=future, data=guest(email=email, category="royalty"))
        assert (error.value.code, error.value.field) == ("invalid", "category")


def test_the_database_backs_the_one_per_email_rule(future):
    services.registration_create(edition=future, data=guest())
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(edition=future, reference="ABCDEFGH", token="X" * 32, **{**guest(email="Maria@Example.org")})


def test_fields_are_validated_in_the_service(future):
    with pytest.raises(DomainError) as error:
        services.registration_create(edition=future, data=guest(category="royalty"))
    assert (error.value.code, error.value.field) == ("invalid", "category")


def test_consent_and_closed_editions(future):
    with pytest.raises(DomainError) as error:
        services.registration_create(edition=future, data=guest(consent=False))
    assert error.value.code == "consent_required"
    with pytest.raises(DomainError) as error:
        services.registration_create(edition=Edition.objects.get(year=2024), data=guest())
    assert error.value.code == "registration_closed"


def test_decisions_and_the_email_sent_once(future, django_capture_on_commit_callbacks):
    registration = services.registration_create(edition=future, data=guest(), language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_decide(registration=registration, status="approved", actor=None)
    assert [m.subject for m in mail.outbox] == ["Your registration for the 2099 summit: Approved"]
    assert f"/editions/2099/registration/{registration.token}/" in mail.outbox[0].body
    from registration.tasks import send_registration_decision

    assert send_registration_decision(registration.pk, "approved") is False
    assert len(mail.outbox) == 1
    with pytest.raises(DomainError) as error:
        services.registration_decide(registration=registration, status="rejected", actor=None)
    assert (error.value.code, error.value.status) == ("invalid_transition", 409)


def test_waitlisted_can_still_be_approved(future):
    registration = services.registration_create(edition=future, data=guest())
    services.registration_decide(registration=registration, status="waitlisted", actor=None)
    assert services.registration_decide(registration=registration, status="approved", actor=None).status == "approved"


def form_post(**overrides):
    data = {k: v for k, v in guest(**overrides).items() if v not in (False, "")}
    data["consent"] = "on" if overrides.get("consent", True) else ""
    for key in ("needs_visa_letter", "needs_accommodation"):
        if key in data:
            data[key] = "on"
    return {k: v for k, v in data.items() if v != ""}


def test_register_page_creates_and_sends_the_guest_page_by_email(client, future, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/editions/2099/register/", form_post(), HTTP_ACCEPT_LANGUAGE="en")
    registration = Registration.objects.get(email="maria@example.org")
    assert (response.status_code, response["Location"]) == (302, "/editions/2099/register/sent/")
    sent = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert sent.status_code == 200 and "Check your email" in sent.content.decode()
    assert registration.reference not in sent.content.decode() and registration.token not in sent.content.decode()
    [email] = mail.outbox
    link = f"/editions/2099/registration/{registration.token}/"
    assert link in email.body
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert registration.reference in html and "Pending" in html and "Brazil" in html


def test_register_page_answers_a_registered_address_as_a_new_one_and_shows_clear_errors(client, future):
    new = client.post("/editions/2099/register/", form_post())
    duplicate = client.post("/editions/2099/register/", form_post(email="Maria@example.org"), HTTP_ACCEPT_LANGUAGE="en")
    assert (duplicate.status_code, duplicate["Location"]) == (new.status_code, new["Location"]) == (302, "/editions/2099/register/sent/")
    # The first attempt's confirmation; the second attempt, within the hour, mailed nobody.
    assert list(OutgoingEmail.objects.values_list("event", flat=True)) == ["registration.received"]
    bad = client.post("/editions/2099/register/", form_post(country="XX", email="x@example.org"), HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "country" in bad.context["form"].errors
    no_consent = client.post("/editions/2099/register/", form_post(consent=False, email="y@example.org"), HTTP_ACCEPT_LANGUAGE="en")
    assert no_consent.status_code == 400 and 'data-code="consent_required"' in no_consent.content.decode()
    assert Registration.objects.count() == 1


def test_closed_edition_page_and_unknown_guest_page(client):
    closed = client.get("/editions/2024/register/", HTTP_ACCEPT_LANGUAGE="en")
    assert "registration is closed" in closed.content.decode()
    assert client.get("/editions/2099/registration/NOPE/").status_code == 404
    assert client.get("/editions/abc/register/").status_code == 404


def test_approval_issues_a_credential_for_on_site_guests_only(future):
    on_site = services.registration_create(edition=future, data=guest())
    online = services.registration_create(edition=future, data=guest(email="online@example.org", participation="online"))
    services.registration_decide(registration=on_site, status="approved", actor=None)
    services.registration_decide(registration=online, status="approved", actor=None)
    credential = on_site.credentials.get()
    assert len(credential.secret) == 28 and set(credential.secret) <= set(services.ALPHABET)
    assert not online.credentials.exists()
    assert services.credential_issue(registration=on_site) == credential  # idempotent


def test_reissue_revokes_the_old_secret(future, django_user_model):
    registration = services.registration_create(edition=future, data=guest())
    services.registration_decide(registration=registration, status="approved", actor=None)
    old = registration.credentials.get()
    organizer = django_user_model.objects.create_user("org-cred", is_staff=True)
    new = services.credential_reissue(registration=registration, actor=organizer)
    old.refresh_from_db()
    assert old.revoked_at is not None and old.revoked_by == organizer
    assert new.secret != old.secret and new.is_active
    assert registration.credentials.filter(revoked_at__isnull=True).count() == 1


def test_pending_guest_gets_no_credential(future):
    registration = services.registration_create(edition=future, data=guest())
    with pytest.raises(DomainError) as error:
        services.credential_issue(registration=registration)
    assert error.value.code == "not_approved"


def test_guest_page_shows_the_qr_code_and_typed_secret(client, future):
    registration = services.registration_create(edition=future, data=guest())
    services.registration_decide(registration=registration, status="approved", actor=None)
    grouped = registration.credentials.get().grouped_secret
    html = client.get(f"/editions/2099/registration/{registration.token}/").content.decode()
    assert "<svg" in html and grouped in html  # in groups of four (issue 20)
    assert "Your credential will appear here" not in html  # it is there


def test_guest_page_says_the_credential_comes_with_approval_only_while_waiting(client, future):
    registration = services.registration_create(edition=future, data=guest())
    url = f"/editions/2099/registration/{registration.token}/"
    waiting = "Your credential will appear here once your registration is approved."
    assert waiting in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "报名获批后，参会证件将显示在这里。" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    services.registration_decide(registration=registration, status="rejected", actor=None)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (waiting in page, "Keep this page's address private: it is your personal link." in page) == (False, True)
