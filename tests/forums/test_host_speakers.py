"""Issue 22, "The speaker's side": a sub-forum's host organization invites the speakers of its own
sub-forum (/editions/<year>/forums/mine/<id>/speakers/), as an organizer can from the admin; the
speaker gets the same email with a private link. Only the applicant of the accepted application
reaches the page."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import ForumApplication, ForumCall
from people.models import Appearance, Person
from tests.people.helpers import edition, person, session
from wic.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.create_user(name, email=f"{name}@example.org", password="a-long-test-password-1")


@pytest.fixture
def host():
    return user("host-x")


@pytest.fixture
def forum(host):
    e = edition()
    s = session(e, e.start_date, (9, 0), (12, 0), title_zh="数字丝路合作论坛", title_en="Digital Silk Road Forum")
    now = timezone.now()
    call = ForumCall.objects.create(edition=e, title_zh="征集", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    return ForumApplication.objects.create(call=call, applicant=host, state="accepted", title_zh="数字丝路合作论坛", session=s)


def url(application):
    return f"/editions/{application.call.edition.year}/forums/mine/{application.pk}/speakers/"


FIELDS = {
    "invite": "1", "name_zh": "王测试", "name_en": "Wang Ceshi", "email": "Wang@Example.org", "role": "keynote",
    "title_zh": "测试大学校长", "title_en": "", "affiliation_zh": "", "affiliation_en": "", "language": "en",
}


def test_the_host_invites_a_speaker_who_gets_the_email_with_a_private_link(client, host, forum):
    client.force_login(host)
    response = client.post(url(forum), FIELDS)
    assert response.status_code == 302 and response["Location"] == url(forum)
    appearance = Appearance.objects.get(session=forum.session)
    assert (appearance.person.name_zh, appearance.person.email, appearance.role, appearance.status, appearance.language, appearance.title_zh) == (
        "王测试", "Wang@Example.org", "keynote", "invited", "en", "测试大学校长",
    )
    email = OutgoingEmail.objects.get(key=f"people.invitation:{appearance.pk}:{appearance.link_nonce}")
    assert email.to == ["Wang@Example.org"] and email.language == "en"
    link = re.search(r"https?://\S+(/speakers/\S+/)", email.body_text).group(1)
    client.logout()
    assert client.get(link).status_code == 200
    # The page lists the invitation and its state, in protocol order.
    client.force_login(host)
    page = client.get(url(forum)).content.decode()
    assert "王测试" in page and 'data-status="invited"' in page


def test_an_email_on_file_is_the_same_person_and_a_second_invitation_replaces_the_link(client, host, forum):
    known = person("known-guest", name_zh="张已知", email="wang@example.org")
    client.force_login(host)
    assert client.post(url(forum), FIELDS).status_code == 302
    appearance = Appearance.objects.get(session=forum.session)
    assert appearance.person_id == known.pk and Person.objects.filter(email__iexact="wang@example.org").count() == 1
    assert Person.objects.get(pk=known.pk).name_zh == "张已知"  # the host's typing changes nobody on file
    first_nonce = appearance.link_nonce
    assert client.post(url(forum), {"again": str(appearance.pk)}).status_code == 302
    appearance.refresh_from_db()
    assert appearance.link_nonce != first_nonce and OutgoingEmail.objects.filter(event="people.invitation", to=["wang@example.org"]).count() == 2


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"name_zh": "", "name_en": ""}, "person_has_no_name", "name_zh"),
        ({"email": "not-an-address"}, "invalid", "email"),
        ({"role": "emperor"}, "invalid_choice", "role"),
        ({"title_zh": "长" * 301}, "max_length", "title_zh"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(client, host, forum, change, code, field):
    client.force_login(host)
    response = client.post(url(forum), {**FIELDS, **change})
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()[field]] == [code]
    assert f'data-code="{code}"' in response.content.decode()
    assert not Appearance.objects.filter(session__edition=forum.session.edition).exists() and not OutgoingEmail.objects.filter(event="people.invitation").exists()


def test_a_confirmed_speaker_is_not_invited_again(client, host, forum):
    client.force_login(host)
    client.post(url(forum), FIELDS)
    Appearance.objects.filter(session=forum.session).update(status="confirmed")
    response = client.post(url(forum), FIELDS)
    assert response.status_code == 409
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["already_confirmed"]
    assert Appearance.objects.get(session=forum.session).status == "confirmed"


def test_nobody_is_invited_once_the_sub_forum_has_started(client, host, forum):
    now = timezone.now()
    type(forum.session).objects.filter(pk=forum.session.pk).update(date=timezone.localdate(now), start=now - timedelta(minutes=1), end=now + timedelta(hours=2))
    client.force_login(host)
    response = client.post(url(forum), FIELDS)
    assert response.status_code == 409
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["session_started"]
    assert not Appearance.objects.filter(session__edition=forum.session.edition).exists()


def test_only_the_applicant_of_an_accepted_application_reaches_the_page(client, host, forum):
    client.force_login(user("someone-else"))
    assert client.get(url(forum)).status_code == 404
    assert client.post(url(forum), FIELDS).status_code == 404
    ForumApplication.objects.filter(pk=forum.pk).update(state="waitlisted")
    client.force_login(host)
    assert client.get(url(forum)).status_code == 404
    client.logout()
    assert client.get(url(forum)).status_code == 302  # to sign in
    assert not Appearance.objects.filter(session__edition=forum.session.edition).exists()


def test_another_sessions_appearance_cannot_be_invited_again_from_here(client, host, forum):
    other = session(forum.session.edition, forum.session.date, (14, 0), (15, 0))
    guest = person("other-guest", name_zh="李其他", email="li@example.org")
    foreign = Appearance.objects.create(person=guest, session=other, role="speech", status="declined")
    client.force_login(host)
    response = client.post(url(forum), {"again": str(foreign.pk)}, follow=True)
    assert [m.extra_tags for m in response.context["messages"]] == ["not_found"]
    foreign.refresh_from_db()
    assert foreign.status == "declined" and foreign.link_nonce == ""
    response = client.post(url(forum), {"again": "²"}, follow=True)
    assert [m.extra_tags for m in response.context["messages"]] == ["not_found"]


@pytest.mark.parametrize("people", [1, 30])
def test_the_page_makes_the_same_queries_whatever_the_speakers(client, host, forum, people):
    for n in range(people):
        Appearance.objects.create(person=person(f"guest-{n}", name_zh=f"嘉宾{n}"), session=forum.session, role="panelist", status="invited")
    client.force_login(host)
    client.get(url(forum))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(forum)).status_code == 200
    assert len(queries) == EXPECTED_QUERIES


# the session, the user, the edition, the application with its agenda item, the appearances
EXPECTED_QUERIES = 5
