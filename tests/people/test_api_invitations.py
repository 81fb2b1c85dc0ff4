"""Issue 28, the speaker's side in the API (people/api_invitations.py): organizers list the
speakers' invitations, invite someone by name and email (people.invitations.invite_person) and
send an invitation again (appearance_invite); the speaker reads and answers through the private
link (`/api/v1/speaker-replies/<token>/`: appearance_for_token, speaker_answer), with no account,
throttled. Exact bodies and codes; a refusal saves and sends nothing; lists in a constant number of
queries."""
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from people import invitations
from people.api_invitations import SpeakerReplyThrottle
from people.models import Appearance, Person
from people.services import appearance_upsert
from tests.factories import EditionFactory, HallFactory, SessionFactory, VenueFactory, make_organizer
from wic.models import OutgoingEmail

from .helpers import person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

INVITATIONS = "/api/v1/speaker-invitations/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def organizer(db):
    return make_organizer(password=None)


@pytest.fixture
def api(api_client, organizer):
    api_client.force_authenticate(organizer)
    return api_client


@pytest.fixture
def forum(db):
    edition = EditionFactory(year=2093)
    hall = HallFactory(venue=VenueFactory(name_zh="测试会展中心", name_en="Test Convention Center"), name_zh="乌镇厅", name_en="Wuzhen Hall")
    return SessionFactory(edition=edition, title_zh="数字经济论坛", title_en="Digital Economy Forum", hall=hall)


@pytest.fixture
def keynote(forum):
    guest = person("api-guest", name_zh="张测试", name_en="Zhang Ceshi", email="zhang@example.org")
    return appearance_upsert(person=guest, session=forum, role="keynote", title_zh="测试部副部长", title_en="Vice Minister of Testing")


def post(client, url, body=None, **extra):
    return client.post(url, body if body is not None else {}, format="json", **EN, **extra)


def code_of(response) -> tuple:
    return response.status_code, response.json()["code"]


def beijing(moment) -> str:
    return timezone.localtime(moment).isoformat()


def invite_body(forum, **fields) -> dict:
    return {"session": forum.pk, "role": "speech", "email": "Li.Ming@Example.org", "name_zh": "李明", "name_en": "Li Ming",
            "title_zh": "首席科学家", "affiliation_zh": "测试研究院", "language": "en", **fields}


# -- organizers -----------------------------------------------------------------------------------

def test_only_organizers_see_and_send_invitations(api_client, keynote, forum, django_user_model):
    assert code_of(api_client.get(INVITATIONS)) == (401, "not_authenticated")
    assert code_of(post(api_client, INVITATIONS, invite_body(forum))) == (401, "not_authenticated")
    api_client.force_authenticate(django_user_model.objects.create_user("staff-only", password=None, is_staff=True))
    assert code_of(api_client.get(f"{INVITATIONS}{keynote.pk}/")) == (403, "permission_denied")
    assert code_of(post(api_client, f"{INVITATIONS}{keynote.pk}/send/")) == (403, "permission_denied")
    assert code_of(post(api_client, INVITATIONS, invite_body(forum))) == (403, "permission_denied")
    assert not OutgoingEmail.objects.exists()


def test_an_organizer_invites_a_new_person_by_name_and_email(api, forum, organizer):
    made = post(api, INVITATIONS, invite_body(forum))
    assert made.status_code == 201
    appearance = Appearance.objects.select_related("person").get(session=forum)
    assert (appearance.person.name_zh, appearance.person.email, appearance.status, appearance.language) == ("李明", "Li.Ming@Example.org", "invited", "en")
    assert made.json() == {
        "id": appearance.pk, "person": appearance.person_id, "name_zh": "李明", "name_en": "Li Ming", "email": "Li.Ming@Example.org",
        "session": forum.pk, "edition": 2093, "session_title_zh": "数字经济论坛", "session_title_en": "Digital Economy Forum", "role": "speech",
        "title_zh": "首席科学家", "title_en": "", "affiliation_zh": "测试研究院", "affiliation_en": "", "status": "invited", "language": "en",
        "invited_at": beijing(appearance.invited_at), "responded_at": None, "reminded_at": None, "attendance_mode": "", "has_slides": False,
    }
    assert made.json()["invited_at"].endswith("+08:00")
    email = OutgoingEmail.objects.get(event="people.invitation")
    assert (email.to, email.language) == (["Li.Ming@Example.org"], "en")
    assert f"/speakers/{invitations.speaker_token(appearance).split(':')[0]}" in email.body_text


def test_the_person_on_file_is_invited_again_in_the_same_role(api, forum):
    first = post(api, INVITATIONS, invite_body(forum)).json()
    again = post(api, INVITATIONS, invite_body(forum, email="li.ming@example.org", name_zh="别的名字", title_zh="院长"))
    assert again.status_code == 201
    assert (again.json()["id"], again.json()["person"], again.json()["name_zh"], again.json()["title_zh"]) == (first["id"], first["person"], "李明", "院长")
    assert Person.objects.filter(email__iexact="li.ming@example.org").count() == 1 and Appearance.objects.filter(session=forum).count() == 1
    assert OutgoingEmail.objects.filter(event="people.invitation").count() == 2  # a new link each time


@pytest.mark.parametrize("fields,status,code,field", [
    ({"session": 10**12}, 400, "does_not_exist", "session"),
    ({"session": "١"}, 400, "invalid", "session"),
    ({"role": "singer"}, 400, "unknown_role", "role"),
    ({"email": "not-an-address"}, 400, "invalid_email", "email"),
    ({"name_zh": "", "name_en": ""}, 400, "person_has_no_name", "name_zh"),
    ({"language": "fr"}, 400, "unknown_language", "language"),
    ({"title_zh": "长" * 301}, 400, "too_long", "title_zh"),
    ({"name_zh": "名" * 101}, 400, "too_long", "name_zh"),
    ({"email": None}, 400, "invalid", "email"),
])
def test_invitation_refusals_are_coded_and_send_nothing(api, forum, fields, status, code, field):
    refused = post(api, INVITATIONS, invite_body(forum, **fields))
    assert code_of(refused) == (status, code)
    assert field in refused.json()["errors"]
    assert not Appearance.objects.filter(session=forum).exists() and not Person.objects.filter(name_en="Li Ming").exists()
    assert not OutgoingEmail.objects.exists()


def test_nobody_is_invited_to_an_item_that_has_begun_or_to_a_confirmed_role(api, forum, keynote):
    past = SessionFactory(edition=EditionFactory(year=1999), title_zh="往届论坛", title_en="Past forum")
    started = post(api, INVITATIONS, invite_body(past))
    assert code_of(started) == (409, "session_started")
    assert started.json()["message"] == "1999-11-10 往届论坛 has already started: nobody can be invited to it any more."
    Appearance.objects.filter(pk=keynote.pk).update(status="confirmed")
    confirmed = post(api, INVITATIONS, invite_body(forum, email="zhang@example.org", role="keynote"))
    assert code_of(confirmed) == (409, "already_confirmed")
    assert not OutgoingEmail.objects.exists()


def test_an_invitation_is_sent_again_with_a_new_link(api, keynote, organizer):
    old = invitations.speaker_token(invitations.appearance_invite(keynote, actor=organizer))
    sent = post(api, f"{INVITATIONS}{keynote.pk}/send/", {"language": "en"})
    assert sent.status_code == 200
    fresh = Appearance.objects.get(pk=keynote.pk)
    assert (sent.json()["status"], sent.json()["language"], sent.json()["invited_at"]) == ("invited", "en", beijing(fresh.invited_at))
    assert OutgoingEmail.objects.filter(event="people.invitation").count() == 2
    api.force_authenticate(None)
    assert code_of(api.get(f"/api/v1/speaker-replies/{old}/")) == (410, "link_used")
    assert api.get(f"/api/v1/speaker-replies/{invitations.speaker_token(fresh)}/").status_code == 200


def test_sending_again_is_refused_without_an_email_when_confirmed_or_for_history(api, forum):
    nobody = appearance_upsert(person=person("api-no-mail", name_zh="无邮件"), session=forum, role="speech")
    assert code_of(post(api, f"{INVITATIONS}{nobody.pk}/send/")) == (400, "no_email")
    assert code_of(post(api, f"{INVITATIONS}{nobody.pk}/send/", {"language": "fr"})) == (400, "unknown_language")
    guest = person("api-confirmed", name_zh="已确认", email="c@example.org")
    confirmed = appearance_upsert(person=guest, session=forum, role="speech", status="confirmed")
    assert code_of(post(api, f"{INVITATIONS}{confirmed.pk}/send/")) == (409, "already_confirmed")
    history = appearance_upsert(person=guest, session=forum, role="moderator", status="appeared")
    assert code_of(post(api, f"{INVITATIONS}{history.pk}/send/")) == (409, "already_appeared")
    assert code_of(post(api, f"{INVITATIONS}999999999/send/")) == (404, "not_found")
    assert not OutgoingEmail.objects.exists()


def test_the_list_filters_by_edition_session_status_and_role(api, forum, keynote):
    other = SessionFactory(edition=EditionFactory(year=2094))
    moderator = appearance_upsert(person=person("api-mod", name_zh="主持人", email="m@example.org"), session=other, role="moderator", status="confirmed")
    def ids(query):
        response = api.get(f"{INVITATIONS}{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]
    assert ids("?edition=2094") + ids("?edition=2093") == [moderator.pk, keynote.pk]
    assert ids("")[:2] == [moderator.pk, keynote.pk]  # the newest edition first
    assert ids("?edition=2093") == [keynote.pk]
    assert ids(f"?session={other.pk}") == [moderator.pk]
    assert ids("?edition=2094&status=confirmed") == [moderator.pk]
    assert ids("?edition=2094&status=invited") == []
    assert ids("?edition=2093&role=keynote") == [keynote.pk]
    assert ids("?edition=2093&role=moderator") == []
    assert ids(f"?person={keynote.person_id}") == [keynote.pk]
    for bad in ("?edition=٢٠٩٣", "?status=maybe", "?role=singer", "?session=1x"):
        assert code_of(api.get(f"{INVITATIONS}{bad}")) == (400, "invalid"), bad


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_takes_a_constant_number_of_queries(api, forum, count, django_assert_num_queries):
    for n in range(count):
        session = SessionFactory(edition=forum.edition)
        appearance_upsert(person=person(f"api-count-{n}", name_zh=f"嘉宾{n}", email=f"g{n}@example.org"), session=session, role="speech")
    with django_assert_num_queries(3):  # the organizer's role, the count, the page with people and items
        response = api.get(f"{INVITATIONS}?edition=2093")
    assert response.json()["count"] == count


# -- the speaker ----------------------------------------------------------------------------------

@pytest.fixture
def token(keynote, organizer):
    return invitations.speaker_token(invitations.appearance_invite(keynote, actor=organizer))


def reply_url(token: str) -> str:
    return f"/api/v1/speaker-replies/{token}/"


def png(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_the_speaker_reads_their_invitation_without_an_account(api_client, token, keynote, forum):
    read = api_client.get(reply_url(token), **EN)
    assert read.status_code == 200
    assert read["Cache-Control"] == "private, no-store"
    invited = Appearance.objects.get(pk=keynote.pk)
    assert read.json() == {
        "role": "keynote", "status": "invited", "title_zh": "测试部副部长", "title_en": "Vice Minister of Testing", "affiliation_zh": "",
        "affiliation_en": "", "attendance_mode": "", "language": "zh-hans", "invited_at": beijing(invited.invited_at), "responded_at": None,
        "has_slides": False, "started": False,
        "person": {"name_zh": "张测试", "name_en": "Zhang Ceshi", "bio_zh": "", "bio_en": "", "has_photo": False},
        "session": {
            "id": forum.pk, "edition": 2093, "title_zh": "数字经济论坛", "title_en": "Digital Economy Forum", "date": "2093-11-10",
            "start": "2093-11-10T09:00:00+08:00", "end": "2093-11-10T12:00:00+08:00", "hall_zh": "乌镇厅", "hall_en": "Wuzhen Hall",
        },
    }


def test_the_speaker_confirms_once_and_the_texts_not_sent_stay(api_client, token, keynote):
    answered = post(api_client, reply_url(token), {"answer": "confirm", "attendance_mode": "online", "bio_en": "A tester.", "title_en": "Minister of Testing"})
    assert answered.status_code == 200
    body = answered.json()
    assert (body["status"], body["attendance_mode"], body["title_en"], body["title_zh"], body["person"]["bio_en"]) == (
        "confirmed", "online", "Minister of Testing", "测试部副部长", "A tester.",
    )
    appearance = Appearance.objects.select_related("person").get(pk=keynote.pk)
    assert (appearance.status, appearance.title_zh, appearance.person.bio_en) == ("confirmed", "测试部副部长", "A tester.")
    assert body["responded_at"] == beijing(appearance.responded_at)
    assert code_of(api_client.get(reply_url(token))) == (410, "link_used")
    assert code_of(post(api_client, reply_url(token), {"answer": "decline"})) == (410, "link_used")


def test_the_speaker_declines(api_client, token, keynote):
    answered = post(api_client, reply_url(token), {"answer": "decline"})
    assert (answered.status_code, answered.json()["status"]) == (200, "declined")
    assert Appearance.objects.get(pk=keynote.pk).status == "declined"


def test_a_photo_is_sent_with_the_answer_as_multipart(api_client, token, keynote):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("me.png", png(), content_type="image/png")
    answered = api_client.post(reply_url(token), {"answer": "decline", "photo": photo}, format="multipart")
    assert (answered.status_code, answered.json()["person"]["has_photo"]) == (200, True)
    stored = Person.objects.get(pk=keynote.person_id).photo.name
    assert stored.startswith("people/photos/") and stored.endswith(".png") and "me" not in stored.rsplit("/", 1)[1]


@pytest.mark.parametrize("body,status,code,field", [
    ({"answer": "maybe"}, 400, "unknown_answer", "answer"),
    ({"answer": "confirm"}, 400, "attendance_mode_required", "attendance_mode"),
    ({"answer": "confirm", "attendance_mode": "telepathy"}, 400, "unknown_attendance_mode", "attendance_mode"),
    ({"answer": "decline", "bio_zh": "长" * 3001}, 400, "too_long", "bio_zh"),
    ({"answer": "decline", "title_en": "x" * 301}, 400, "too_long", "title_en"),
    ({}, 400, "invalid", "answer"),
    ({"answer": "decline", "photo": "not a file"}, 400, "invalid", "photo"),
])
def test_answer_refusals_are_coded_and_keep_the_link(api_client, token, keynote, body, status, code, field):
    refused = post(api_client, reply_url(token), body)
    assert code_of(refused) == (status, code)
    assert field in refused.json()["errors"]
    assert Appearance.objects.get(pk=keynote.pk).status == "invited"
    assert api_client.get(reply_url(token)).status_code == 200  # the link still answers


def test_a_photo_that_is_no_image_is_refused(api_client, token, keynote):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png")
    refused = api_client.post(reply_url(token), {"answer": "decline", "photo": fake}, format="multipart", **EN)
    assert code_of(refused) == (400, "not_an_image")
    assert refused.json()["message"] == "The photo is not a JPEG, PNG or WebP image."
    assert Appearance.objects.get(pk=keynote.pk).status == "invited"


def test_a_confirmation_once_the_item_has_begun_is_refused(api_client, token, keynote, forum):
    with time_machine.travel(forum.start + timedelta(minutes=1), tick=False):
        token = invitations.speaker_token(Appearance.objects.get(pk=keynote.pk))  # the same link, signed then: not expired
        assert api_client.get(reply_url(token)).json()["started"] is True
        refused = post(api_client, reply_url(token), {"answer": "confirm", "attendance_mode": "on_site"})
        assert code_of(refused) == (409, "session_started")
        assert refused.json()["errors"] == {"answer": [{"code": "session_started", "message": refused.json()["message"]}]}
        assert (post(api_client, reply_url(token), {"answer": "decline"}).json()["status"]) == "declined"  # declining is still possible


def test_links_that_do_not_open_are_coded(api_client, token, keynote):
    assert code_of(api_client.get(reply_url("not-a-token"))) == (404, "link_invalid")
    assert code_of(api_client.get(reply_url(token[:-3] + "abc"))) == (404, "link_invalid")
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        expired = api_client.get(reply_url(token), **EN)
    assert code_of(expired) == (410, "link_expired")
    assert expired.json()["message"] == "This link has expired: a link is valid for 30 days. Ask the secretariat to send a new one."
    Appearance.objects.filter(pk=keynote.pk).delete()
    assert code_of(api_client.get(reply_url(token))) == (404, "link_invalid")


def test_the_link_needs_no_csrf_token_and_ignores_a_session(client, token, keynote, organizer):
    client.force_login(organizer)
    answered = client.post(reply_url(token), {"answer": "decline"}, content_type="application/json")
    assert (answered.status_code, answered.json()["status"]) == (200, "declined")


def test_the_link_is_throttled_per_address(api_client, token, monkeypatch):
    monkeypatch.setattr(SpeakerReplyThrottle, "rate", "2/hour")
    assert [api_client.get(reply_url(token)).status_code for _ in range(2)] == [200, 200]
    assert code_of(api_client.get(reply_url(token))) == (429, "throttled")


def test_reading_the_link_takes_one_query(api_client, token, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert api_client.get(reply_url(token)).status_code == 200


def test_the_schema_documents_the_speakers_endpoints(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    assert {INVITATIONS, f"{INVITATIONS}{{id}}/", f"{INVITATIONS}{{id}}/send/", "/api/v1/speaker-replies/{token}/"} <= set(paths)
    answer = paths["/api/v1/speaker-replies/{token}/"]["post"]
    assert {"200", "400", "404", "409", "410", "413", "429"} <= set(answer["responses"])
    assert "multipart/form-data" in answer["requestBody"]["content"]
    assert {"201", "400", "401", "403", "409"} <= set(paths[INVITATIONS]["post"]["responses"])
