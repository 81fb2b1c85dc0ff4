"""Issue 28: organizers add and change people through the API (people.services.person_upsert);
the private contact fields show in their answers only, never in the public reads."""
import pytest
from rest_framework.test import APIClient

from agenda import cache as agenda_cache
from people import services
from people.models import Person
from tests.factories import EditionFactory, SessionFactory, make_organizer
from wic.tokens import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def client_for(user) -> APIClient:
    client = APIClient()
    _token, key = token_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def organizer():
    return client_for(make_organizer("people-organizer"))


def test_add_a_person_with_private_contact(organizer):
    body = {"key": "zhang-san-3201", "name_zh": "张三", "name_en": "Zhang San", "country": "CN", "precedence": 20, "email": "zhang@example.org", "phone": "+86 571 0000"}
    response = organizer.post("/api/v1/people/", body, format="json")
    assert response.status_code == 201, response.json()
    person = Person.objects.get(key="zhang-san-3201")
    assert response.json() == {
        "id": person.pk, "key": "zhang-san-3201", "name_zh": "张三", "name_en": "Zhang San", "country": "CN", "bio_zh": "", "bio_en": "",
        "precedence": 20, "email": "zhang@example.org", "phone": "+86 571 0000", "assistant": "", "source": "",
    }
    assert person.sort_name == "zhang san"
    # Not in the published programme yet: the public reads do not show them.
    assert APIClient().get(f"/api/v1/people/{person.pk}/").status_code == 404


def test_change_a_person_keeps_what_is_not_sent_and_shows_publicly(organizer):
    person = services.person_upsert(key="li-si-3201", name_zh="李四", name_en="Li Si", country="CN", email="li@example.org")
    edition = EditionFactory(is_published=True)
    services.appearance_upsert(person=person, session=SessionFactory(edition=edition, is_published=True), role="speech", status="confirmed")
    version = agenda_cache.agenda_version(edition.year)
    response = organizer.patch(f"/api/v1/people/{person.pk}/", {"bio_zh": "某大学教授", "precedence": 5}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["bio_zh"], response.json()["precedence"], response.json()["name_en"], response.json()["email"]) == ("某大学教授", 5, "Li Si", "li@example.org")
    assert agenda_cache.agenda_version(edition.year) != version  # a person renews every edition's pages
    public = APIClient().get(f"/api/v1/people/{person.pk}/").json()
    assert public["bio_zh"] == "某大学教授"
    assert not {"email", "phone", "assistant", "key"} & set(public)


def test_person_refusals(organizer):
    person = services.person_upsert(key="wang-wu-3201", name_zh="王五")
    taken = organizer.post("/api/v1/people/", {"key": "wang-wu-3201", "name_zh": "另一个王五"}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (409, "person_exists")
    assert Person.objects.get(pk=person.pk).name_zh == "王五"
    nameless = organizer.post("/api/v1/people/", {"key": "nobody-3201"}, format="json")
    assert (nameless.status_code, nameless.json()["code"]) == (400, "person_has_no_name")
    rekeyed = organizer.patch(f"/api/v1/people/{person.pk}/", {"key": "other-key"}, format="json")
    assert (rekeyed.status_code, rekeyed.json()["errors"]["key"][0]["code"]) == (400, "key_fixed")
    country = organizer.post("/api/v1/people/", {"key": "x-3201", "name_zh": "某人", "country": "XX"}, format="json")
    assert (country.status_code, country.json()["errors"]["country"][0]["code"]) == (400, "unknown_country")
    keyless = Person.objects.create(name_zh="管理后台添加的人")
    response = organizer.patch(f"/api/v1/people/{keyless.pk}/", {"name_en": "Added in the admin"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "person_has_no_key")
    assert organizer.patch("/api/v1/people/٣/", {"name_en": "x"}, format="json").status_code == 404


def test_person_writes_are_the_organizers(django_user_model):
    person = services.person_upsert(key="zhao-liu-3201", name_zh="赵六")
    attendee = django_user_model.objects.create_user("people-attendee", password="a-long-test-password-1")
    for client, status, code in ((APIClient(), 401, "not_authenticated"), (client_for(attendee), 403, "permission_denied")):
        assert (lambda r: (r.status_code, r.json()["code"]))(client.post("/api/v1/people/", {"key": "x", "name_zh": "x"}, format="json")) == (status, code)
        assert (lambda r: (r.status_code, r.json()["code"]))(client.patch(f"/api/v1/people/{person.pk}/", {"name_zh": "x"}, format="json")) == (status, code)
    assert Person.objects.get(pk=person.pk).name_zh == "赵六"


def test_markup_typed_into_a_person_is_shown_as_text(organizer, client, admin_client_logged):
    """PersonWriteSerializer (tests/wic/test_escaping.py's rule): every free-text field carries
    markup (the country is a code); the person's public page and the admin show it escaped, the
    JSON answer keeps it as data."""
    from people.api import PersonWriteSerializer
    from tests.wic.test_escaping import assert_no_raw, assert_shows, json_filled

    body, sent = json_filled(PersonWriteSerializer(), {"country": "CN"})
    response = organizer.post("/api/v1/people/", {**body, "key": "markup-person"}, format="json")
    assert response.status_code == 201, response.json()
    assert {name: response.json()[name] for name in sent} == sent
    person = Person.objects.get(key="markup-person")
    services.appearance_upsert(person=person, session=SessionFactory(edition=EditionFactory(is_published=True), is_published=True), role="speech", status="confirmed")
    assert_shows(client.get(f"/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), sent["name_en"], sent["bio_en"])
    assert_no_raw(admin_client_logged.get(f"/admin/people/person/{person.pk}/change/").content.decode())
