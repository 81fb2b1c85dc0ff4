from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration import services
from registration.enums import RegistrationStatus as S
from registration.models import Registration
from tests.factories import EditionFactory, make_organizer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

URL = "/api/v1/registrations/"


@pytest.fixture
def edition():
    return EditionFactory(year=2099)


@pytest.fixture
def staff_client(api_client):
    """An organizer's API client with a token, as outside programs use (the user is read afresh on
    every request, as in production, so query counts include reading the organizer role)."""
    from wic.tokens import token_create

    user = make_organizer("staff-test", email="staff@example.org")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=user)[1]}")
    return api_client


def body(**extra):
    return {
        "edition": 2099, "name": "Ada Lovelace", "email": "ada@example.org", "organization_name": "Analytical Engines",
        "country": "GB", "category": "academia", "participation": "on_site", "consent": True, **extra,
    }


def test_register_answers_202_and_mails_the_page_link_instead(api_client, edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, body(needs_visa_letter=True), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202, response.json()
    registration = Registration.objects.get()
    assert response.json() == {"edition": 2099, "email": "ada@example.org", "message": "We have sent the link to the registration's page to this address."}
    assert (registration.country, registration.needs_visa_letter, registration.user_id, registration.language) == ("GB", True, None, "en")
    [sent] = mail.outbox
    assert (sent.to, sent.subject) == (["ada@example.org"], f"We have received your registration for the 2099 summit ({registration.reference})")
    assert f"/editions/2099/registration/{registration.token}/" in sent.body and registration.reference in sent.body


def test_registering_an_address_again_answers_exactly_as_a_new_one_and_mails_at_most_once_an_hour(api_client, edition, django_capture_on_commit_callbacks):
    """Issue 19: the answer told anyone that an address was registered (409), and each attempt mailed
    its owner. Now the answer is the new registration's, and the owner gets the link once an hour."""
    import time_machine

    with django_capture_on_commit_callbacks(execute=True):
        new = api_client.post(URL, body(), format="json", HTTP_ACCEPT_LANGUAGE="en")
        again = api_client.post(URL, body(email="ADA@Example.ORG", name="Someone else"), format="json", HTTP_ACCEPT_LANGUAGE="en")
        other = api_client.post(URL, body(email="other@example.org"), format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert (new.status_code, again.status_code, other.status_code) == (202, 202, 202)
    assert {**again.json(), "email": "x"} == {**new.json(), "email": "x"} == {**other.json(), "email": "x"}
    assert again.json()["email"] == "ADA@Example.ORG"  # what was sent, nothing of the registration
    assert Registration.objects.filter(email__iexact="ada@example.org").get().name == "Ada Lovelace"
    assert [m.to for m in mail.outbox] == [["ada@example.org"], ["other@example.org"]]  # the attempt within the hour mailed nobody
    with time_machine.travel(timezone.now() + timedelta(minutes=61)), django_capture_on_commit_callbacks(execute=True):
        api_client.post(URL, body(), format="json")
        api_client.post(URL, body(), format="json")
    assert [m.to for m in mail.outbox] == [["ada@example.org"], ["other@example.org"], ["ada@example.org"]]
    assert Registration.objects.count() == 2


@pytest.mark.parametrize("consent", [False, None])
def test_no_consent_is_refused(api_client, edition, consent):
    payload = body(consent=False) if consent is False else {k: v for k, v in body().items() if k != "consent"}
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "consent_required"
    assert not Registration.objects.exists()


def test_edition_over_is_closed(api_client):
    response = api_client.post(URL, body(edition=2024), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "registration_closed"


def test_unknown_edition_is_a_field_error(api_client):
    response = api_client.post(URL, body(edition=1999), format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert list(data["errors"]) == ["edition"]


def test_bad_country_names_country(api_client, edition):
    response = api_client.post(URL, body(country="XX"), format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert list(data["errors"]) == ["country"]
    assert "country" in data["message"]


def test_registration_is_throttled(api_client, edition):
    for index in range(30):
        api_client.post(URL, body(email="bad", name=str(index)), format="json")
    response = api_client.post(URL, body(), format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_anonymous_cannot_read(api_client, edition):
    assert api_client.get(URL).status_code == 401
    registration = services.registration_create(edition=edition, data={k: v for k, v in body().items() if k != "edition"})
    assert api_client.get(f"{URL}{registration.pk}/").status_code == 401


def test_non_staff_user_cannot_read(api_client, edition):
    user = get_user_model().objects.create_user("guest-test", "guest@example.org", "a-long-test-password-1")
    api_client.force_authenticate(user)
    response = api_client.get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_no_update_or_delete(staff_client, edition):
    registration = services.registration_create(edition=edition, data={k: v for k, v in body().items() if k != "edition"})
    url = f"{URL}{registration.pk}/"
    assert staff_client.patch(url, {"status": "approved"}, format="json").status_code == 405
    assert staff_client.put(url, body(), format="json").status_code == 405
    assert staff_client.delete(url).status_code == 405
    registration.refresh_from_db()
    assert registration.status == S.PENDING


def _register(edition, index):
    data = {k: v for k, v in body(email=f"guest{index}@example.org", name=f"Guest {index}").items() if k != "edition"}
    return services.registration_create(edition=edition, data=data)


def _list_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return response.json(), len(queries)


def test_staff_lists_filters_and_retrieves(staff_client, superuser, edition):
    other = EditionFactory(year=2098)
    first = _register(edition, 0)
    services.registration_decide(registration=first, status=S.APPROVED, actor=superuser)
    _register(edition, 1)
    _register(other, 2)

    data, _count = _list_queries(staff_client)
    assert data["count"] == 3
    item = next(r for r in data["results"] if r["reference"] == first.reference)
    assert (item["edition"], item["status"], item["email"], item["country"]) == (2099, "approved", "guest0@example.org", "GB")
    assert "token" not in item

    data, _count = _list_queries(staff_client, {"edition": 2099})
    assert sorted(r["name"] for r in data["results"]) == ["Guest 0", "Guest 1"]
    data, _count = _list_queries(staff_client, {"edition": 2099, "status": "pending"})
    assert [r["name"] for r in data["results"]] == ["Guest 1"]
    assert staff_client.get(URL, {"status": "nonsense"}).status_code == 400

    response = staff_client.get(f"{URL}{first.pk}/")
    assert response.status_code == 200
    assert response.json()["reference"] == first.reference


def test_list_query_count_is_constant(staff_client, edition):
    _register(edition, 0)
    _data, one = _list_queries(staff_client)
    for index in range(1, 6):
        _register(edition, index)
    data, many = _list_queries(staff_client)
    assert data["count"] == 6
    assert many == one
