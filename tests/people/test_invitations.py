"""Issue 22, "The speaker's side": an organizer invites a person; the email (in the person's
language, through the outbox) carries a private signed link, `/speakers/<token>/`, valid 30 days
and for one answer; the speaker confirms or declines there, corrects the printed title, gives a
bio, a photo (a verified JPEG/PNG/WebP, at most 5 MB) and slides (a PDF, at most 20 MB) and says
how they take part. Each refusal is a coded 4xx with the field named, and saves nothing."""
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation
from PIL import Image

from people import invitations
from people.invitations import appearance_invite
from people.models import Appearance
from people.services import appearance_upsert
from tests.factories import HallFactory, VenueFactory, make_organizer
from wic.errors import DomainError
from wic.models import OutgoingEmail

from .helpers import at, edition, person, session

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def refused(call) -> tuple:
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code, error.value.field, error.value.status


@pytest.fixture
def forum():
    e = edition()
    hall = HallFactory(venue=VenueFactory(name_zh="测试会展中心", name_en="Test Convention Center"), name_zh="乌镇厅", name_en="Wuzhen Hall")
    return session(e, e.start_date, (9, 0), (12, 0), title_zh="数字经济论坛", title_en="Digital Economy Forum", hall=hall)


@pytest.fixture
def keynote(forum):
    guest = person("test-guest", name_zh="张测试", name_en="Zhang Ceshi", email="zhang@example.org")
    return appearance_upsert(person=guest, session=forum, role="keynote", title_zh="测试部副部长", title_en="Vice Minister of Testing")


@pytest.fixture
def organizer():
    return make_organizer()


def invited(appearance, organizer, language=None) -> tuple[Appearance, str]:
    """Invite; return the appearance and the path of the link the email carries."""
    appearance = appearance_invite(appearance, actor=organizer, language=language)
    email = OutgoingEmail.objects.get(key=f"people.invitation:{appearance.pk}:{appearance.link_nonce}")
    link = re.search(r"(https?://\S+/speakers/\S+/)", email.body_text).group(1)
    return appearance, link.removeprefix(settings.SITE_URL)


def png(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def answer(**fields) -> dict:
    return {"answer": "confirm", "attendance_mode": "on_site", "title_zh": "测试部部长", "title_en": "Minister of Testing", "affiliation_zh": "", "affiliation_en": "", "bio_zh": "", "bio_en": "", **fields}


# -- the invitation ------------------------------------------------------------------------------

def test_the_invitation_is_queued_in_the_persons_language_with_the_private_link(keynote, organizer, client):
    appearance, path = invited(keynote, organizer)
    assert appearance.status == "invited" and appearance.invited_at is not None
    assert re.fullmatch(r"[0-9a-f]{32}", appearance.link_nonce)
    email = OutgoingEmail.objects.get(event="people.invitation")
    assert (email.to, email.language, email.status) == (["zhang@example.org"], "zh-hans", "queued")
    assert "数字经济论坛" in email.subject
    assert "主旨演讲" in email.body_text and "会议厅: 乌镇厅" in email.body_text  # the role and the hall in Chinese
    assert f"{settings.SITE_URL}/speakers/" in email.body_text and path.startswith("/speakers/")
    page = client.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    for shown in ("数字经济论坛", "主旨演讲", "测试部副部长", "乌镇厅", "日期", "09:00", "12:00"):
        assert shown in text
    assert '<html lang="zh-hans">' in text
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(appearance).order_by("-pk").first()
    assert entry.actor == organizer  # outside a request, the organizer passed as `actor`
    assert "invited_at" in entry.changes_dict and "link_nonce" not in entry.changes_dict  # the nonce is a secret


def test_the_invitation_in_english_when_asked(keynote, organizer, client):
    appearance, path = invited(keynote, organizer, language="en")
    assert appearance.language == "en"
    email = OutgoingEmail.objects.get(event="people.invitation")
    assert email.language == "en"
    assert email.subject == f"Invitation to speak at the {appearance.session.edition.year} World Internet Conference Wuzhen Summit: Digital Economy Forum"
    assert "Role: Keynote" in email.body_text and "Hall: Wuzhen Hall" in email.body_text
    assert "works for 30 days and for one answer" in email.body_text
    text = client.get(path).content.decode()
    for shown in ("Digital Economy Forum", "Keynote", "Vice Minister of Testing", "Wuzhen Hall", "09:00", "12:00", "Time (Beijing)"):
        assert shown in text
    assert '<html lang="en">' in text


def test_an_invitation_is_refused_without_an_email_when_confirmed_or_for_history(forum, organizer):
    nobody = appearance_upsert(person=person("test-mail", name_zh="无邮件"), session=forum, role="speech")
    assert refused(lambda: appearance_invite(nobody, actor=organizer)) == ("no_email", "email", 400)
    assert refused(lambda: appearance_invite(nobody, actor=organizer, language="fr")) == ("unknown_language", "language", 400)
    guest = person("test-confirmed", name_zh="已确认", email="c@example.org")
    confirmed = appearance_upsert(person=guest, session=forum, role="speech", status="confirmed")
    assert refused(lambda: appearance_invite(confirmed, actor=organizer)) == ("already_confirmed", "status", 409)
    history = appearance_upsert(person=guest, session=forum, role="moderator", status="appeared")
    assert refused(lambda: appearance_invite(history, actor=organizer)) == ("already_appeared", "status", 409)
    assert not OutgoingEmail.objects.filter(event="people.invitation").exists()
    with translation.override("en"), pytest.raises(DomainError) as error:
        appearance_invite(nobody, actor=organizer)
    assert error.value.message == "无邮件 has no email address: add one before sending an invitation."


def test_a_declined_appearance_is_invited_again_and_the_old_link_stops_working(keynote, organizer, client):
    first, old = invited(keynote, organizer)
    assert client.post(old, answer(answer="decline")).status_code == 200
    declined = Appearance.objects.get(pk=first.pk)
    assert declined.status == "declined" and declined.responded_at is not None
    again, new = invited(declined, organizer)
    assert (again.status, again.responded_at) == ("invited", None)
    assert again.link_nonce not in (first.link_nonce, declined.link_nonce)
    assert OutgoingEmail.objects.filter(event="people.invitation").count() == 2
    assert client.get(new).status_code == 200
    stale = client.get(old)
    assert stale.status_code == 410 and 'data-code="link_used"' in stale.content.decode()


# -- the link ------------------------------------------------------------------------------------

def test_the_link_expires_after_30_days(keynote, organizer, client):
    appearance, path = invited(keynote, organizer)
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=5)):
        page = client.get(path)
        assert page.status_code == 410
        assert 'data-code="link_expired"' in page.content.decode()
        assert client.post(path, answer()).status_code == 410
    assert Appearance.objects.get(pk=appearance.pk).status == "invited"  # nothing saved
    with translation.override("en"), time_machine.travel(timezone.now() + timedelta(days=31)):
        assert refused(lambda: invitations.appearance_for_token(path.split("/")[2])) == ("link_expired", "token", 410)


@override_settings(SPEAKER_LINK_MAX_AGE_DAYS=2)
def test_the_links_age_is_a_setting(keynote, organizer, client):
    _appearance, path = invited(keynote, organizer)
    with time_machine.travel(timezone.now() + timedelta(days=2, seconds=5)):
        assert client.get(path).status_code == 410


@pytest.mark.parametrize("token", ["not-a-token", "eyJhIjoxLCJuIjoiMDAifQ:1vAAAA:forged-signature-000000000000000000000", "%E4%B8%AD"])
def test_a_bad_token_is_not_found(token, client):
    page = client.get(f"/speakers/{token}/")
    assert page.status_code == 404
    assert 'data-code="link_invalid"' in page.content.decode()


def test_a_token_for_a_removed_appearance_or_tampered_with_is_not_found(keynote, organizer, client):
    _appearance, path = invited(keynote, organizer)
    token = path.split("/")[2]
    assert client.get(f"/speakers/{token[:-2]}xx/").status_code == 404
    from django.core import signing

    other = signing.dumps({"a": keynote.pk, "n": keynote.link_nonce}, salt="another.salt")
    assert client.get(f"/speakers/{other}/").status_code == 404
    Appearance.objects.filter(pk=keynote.pk).delete()
    page = client.get(path)
    assert page.status_code == 404 and 'data-code="link_invalid"' in page.content.decode()


def test_the_link_answers_once(keynote, organizer, client):
    appearance, path = invited(keynote, organizer, language="en")
    done = client.post(path, answer(answer="confirm", attendance_mode="online"))
    assert done.status_code == 200
    assert "Thank you: your answer is recorded" in done.content.decode()
    saved = Appearance.objects.get(pk=appearance.pk)
    assert (saved.status, saved.attendance_mode, saved.title_zh, saved.title_en) == ("confirmed", "online", "测试部部长", "Minister of Testing")
    assert saved.responded_at is not None and saved.link_nonce != appearance.link_nonce
    again = client.get(path)
    text = again.content.decode()
    assert again.status_code == 410 and 'data-code="link_used"' in text
    assert "This link has already been used, or a newer invitation replaced it. The secretariat can send you a new link." in text
    assert "Your answer is recorded" in text and "Confirmed" in text
    assert client.post(path, answer(answer="decline")).status_code == 410
    assert Appearance.objects.get(pk=appearance.pk).status == "confirmed"


def test_the_used_link_says_so_in_chinese(keynote, organizer, client):
    _appearance, path = invited(keynote, organizer)
    client.post(path, answer())
    text = client.get(path).content.decode()
    assert 'data-code="link_used"' in text and "已确认" in text


# -- the answer: files ---------------------------------------------------------------------------

def test_a_good_png_and_pdf_are_stored_under_names_of_our_own(keynote, organizer, client, media_root):
    appearance, path = invited(keynote, organizer)
    photo = SimpleUploadedFile("portrait.exe", png(), content_type="application/octet-stream")
    slides = SimpleUploadedFile("talk.txt", PDF, content_type="text/plain")
    page = client.post(path, answer(bio_zh="测试简历。", bio_en="A test bio.", photo=photo, slides=slides))
    assert page.status_code == 200
    saved = Appearance.objects.select_related("person").get(pk=appearance.pk)
    assert re.fullmatch(r"people/photos/[0-9a-f]{32}\.png", saved.person.photo.name)
    assert re.fullmatch(r"people/slides/[0-9a-f]{32}\.pdf", saved.slides.name)
    assert (media_root / saved.person.photo.name).read_bytes() == png()
    assert (media_root / saved.slides.name).read_bytes() == PDF
    assert (saved.person.bio_zh, saved.person.bio_en) == ("测试简历。", "A test bio.")


@pytest.mark.parametrize("kind", ["JPEG", "WEBP"])
def test_jpeg_and_webp_photos_are_taken(kind, keynote, organizer):
    appearance, path = invited(keynote, organizer)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format=kind)
    upload, name = invitations.photo_checked(SimpleUploadedFile("x.png", out.getvalue()))
    assert name.endswith({"JPEG": ".jpg", "WEBP": ".webp"}[kind])


UPLOAD_REFUSALS = [
    ("photo", SimpleUploadedFile("photo.png", b"this is not an image at all", content_type="image/png"), "not_an_image", 400, "The photo is not a JPEG, PNG or WebP image."),
    ("photo", SimpleUploadedFile("photo.gif", b"GIF89a" + b"\0" * 40, content_type="image/gif"), "not_an_image", 400, "The photo is not a JPEG, PNG or WebP image."),
    ("photo", SimpleUploadedFile("photo.png", png()[:40], content_type="image/png"), "not_an_image", 400, "The photo is not a JPEG, PNG or WebP image."),
    ("photo", SimpleUploadedFile("big.png", png() + b"\0" * (5 * MB), content_type="image/png"), "image_too_large", 413, None),
    ("slides", SimpleUploadedFile("talk.pdf", b"<html>not a pdf</html>", content_type="application/pdf"), "not_a_pdf", 400, "The slides are not a PDF file."),
]


@pytest.mark.parametrize("field,upload,code,status,sentence", UPLOAD_REFUSALS, ids=["text", "gif", "truncated", "big-image", "not-pdf"])
def test_each_upload_refusal_is_coded_and_saves_nothing(field, upload, code, status, sentence, keynote, organizer, client):
    appearance, path = invited(keynote, organizer, language="en")
    upload.seek(0)
    page = client.post(path, answer(**{field: upload, "title_zh": "不应保存"}))
    text = page.content.decode()
    assert page.status_code == status
    assert f'data-code="{code}"' in text
    if sentence:
        assert sentence in text
    saved = Appearance.objects.select_related("person").get(pk=appearance.pk)
    assert (saved.status, saved.title_zh, saved.link_nonce, saved.slides.name, saved.person.photo.name) == ("invited", "测试部副部长", appearance.link_nonce, "", "")
    assert 'value="不应保存"' in text  # what was typed is shown again


def test_an_image_over_5_mb_is_refused_with_its_size(keynote, organizer):
    with translation.override("en"), pytest.raises(DomainError) as error:
        invitations.photo_checked(SimpleUploadedFile("big.png", b"\0" * (5 * MB + 1)))
    assert (error.value.code, error.value.field, error.value.status) == ("image_too_large", "photo", 413)
    assert error.value.message == "The photo is 5,242,881 bytes; at most 5 MB."


def test_a_pdf_over_20_mb_is_refused(keynote, organizer, client):
    """The speaker's page takes up to 26 MiB in one request (settings.UPLOAD_MAX_REQUEST_SIZE_BY_PATH),
    so a 20 MB + 1 byte PDF reaches the slides' own check; elsewhere the site's 6 MiB cap holds."""
    appearance, path = invited(keynote, organizer, language="en")
    big = SimpleUploadedFile("big.pdf", PDF + b"\0" * (20 * MB), content_type="application/pdf")
    page = client.post(path, answer(slides=big))
    assert page.status_code == 413
    text = page.content.decode()
    assert 'data-code="pdf_too_large"' in text
    assert f"The slides are {20 * MB + len(PDF):,} bytes; at most 20 MB." in text
    assert Appearance.objects.get(pk=appearance.pk).status == "invited"


def test_an_earlier_photo_stays_when_a_later_answer_is_refused(keynote, organizer, client):
    _appearance, path = invited(keynote, organizer)
    client.post(path, answer(photo=SimpleUploadedFile("p.png", png())))
    kept = Appearance.objects.select_related("person").get(pk=keynote.pk).person.photo.name
    confirmed = Appearance.objects.get(pk=keynote.pk)
    confirmed.status = "invited"
    confirmed.save(update_fields=["status"])
    _again, new = invited(confirmed, organizer)
    assert client.post(new, answer(photo=SimpleUploadedFile("p.png", b"nope"))).status_code == 400
    assert Appearance.objects.select_related("person").get(pk=keynote.pk).person.photo.name == kept


# -- the answer: text, time, clashes -------------------------------------------------------------

def test_too_long_and_missing_choices_are_refused_by_the_service(keynote, organizer, client):
    appearance, path = invited(keynote, organizer, language="en")
    for fields, code, sentence in [
        ({"title_en": "x" * 301}, "too_long", "The title as printed (English) may hold 300 characters; this one has 301."),
        ({"bio_en": "x" * 3001}, "too_long", "The bio (English) may hold 3000 characters; this one has 3001."),
        ({"attendance_mode": ""}, "attendance_mode_required", "Say how you take part: on site, online or by video."),
        ({"attendance_mode": "telepathy"}, "unknown_attendance_mode", "There is no way of taking part telepathy."),
        ({"answer": "maybe"}, "unknown_answer", "Choose whether you confirm or decline."),
    ]:
        page = client.post(path, answer(**fields))
        text = page.content.decode()
        assert page.status_code == 400, fields
        assert f'data-code="{code}"' in text and sentence in text
    assert Appearance.objects.get(pk=appearance.pk).status == "invited"


def test_a_confirmation_that_clashes_is_refused_naming_the_other_session(keynote, organizer, client):
    guest = keynote.person
    other = session(keynote.session.edition, keynote.session.date, (11, 0), (12, 30), title_zh="人工智能论坛", title_en="AI Forum")
    appearance_upsert(person=guest, session=other, role="speech", status="confirmed")
    appearance, path = invited(keynote, organizer, language="en")
    page = client.post(path, answer(photo=SimpleUploadedFile("p.png", png()), slides=SimpleUploadedFile("s.pdf", PDF)))
    text = page.content.decode()
    assert page.status_code == 409
    assert 'data-code="person_double_booked"' in text
    assert f"张测试 is already confirmed in {other.date} 人工智能论坛, which overlaps this agenda item." in text
    saved = Appearance.objects.select_related("person").get(pk=appearance.pk)
    assert (saved.status, saved.link_nonce, saved.slides.name, saved.person.photo.name, saved.title_zh) == ("invited", appearance.link_nonce, "", "", "测试部副部长")
    assert client.post(path, answer(answer="decline")).status_code == 200  # declining does not clash


def test_a_confirmation_after_the_session_started_is_refused(keynote, organizer, client):
    with time_machine.travel(at(keynote.session.date - timedelta(days=1), 9, 0)):  # invited the day before (the link lasts 30 days)
        appearance, path = invited(keynote, organizer, language="en")
    with time_machine.travel(at(keynote.session.date, 9, 0)):
        page = client.get(path)
        assert 'data-code="session_started"' in page.content.decode()  # said before they fill in the form
        page = client.post(path, answer())
        text = page.content.decode()
        assert page.status_code == 409 and 'data-code="session_started"' in text
        assert "Digital Economy Forum" in text or "数字经济论坛" in text
        assert Appearance.objects.get(pk=appearance.pk).status == "invited"
        assert client.post(path, answer(answer="decline")).status_code == 200
    with time_machine.travel(at(keynote.session.date, 8, 59)):
        assert not invitations.session_started(keynote.session)


def test_an_untimed_session_takes_confirmations_until_the_end_of_its_day_in_beijing(forum, organizer, client):
    morning = session(forum.edition, forum.date, period="morning", title_zh="上午会议")
    guest = person("test-untimed", name_zh="李测试", email="li@example.org")
    with time_machine.travel(at(forum.date - timedelta(days=1), 9, 0)):
        appearance, path = invited(appearance_upsert(person=guest, session=morning, role="speech"), organizer)
    with time_machine.travel(at(forum.date + timedelta(days=1), 0, 0)):
        page = client.post(path, answer())
        assert page.status_code == 409 and 'data-code="session_started"' in page.content.decode()
    with time_machine.travel(at(forum.date, 23, 59)):
        assert client.post(path, answer()).status_code == 200
    assert Appearance.objects.get(pk=appearance.pk).status == "confirmed"


def test_the_page_fits_a_phone_and_names_its_fields(keynote, organizer, client):
    _appearance, path = invited(keynote, organizer, language="en")
    text = client.get(path).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in text
    assert 'enctype="multipart/form-data"' in text
    assert 'accept="image/jpeg,image/png,image/webp"' in text and 'accept="application/pdf"' in text
    for value in ("on_site", "online", "video", "confirm", "decline"):
        assert f'value="{value}"' in text


def test_a_request_over_the_speakers_allowance_is_refused_before_it_is_read(keynote, organizer, client):
    appearance, path = invited(keynote, organizer, language="en")
    huge = SimpleUploadedFile("huge.pdf", PDF + b"\0" * (26 * MB), content_type="application/pdf")
    page = client.post(path, answer(slides=huge), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 413
    assert 'request_too_large' in page.content.decode()
    assert Appearance.objects.get(pk=appearance.pk).status == "invited"


def test_the_private_page_is_neither_cached_nor_indexed_nor_referred(keynote, organizer, client):
    """same-origin, not no-referrer: with no-referrer Chromium posts the answer with `Origin: null`
    and Django's CSRF check refuses it (the browser test caught it)."""
    _appearance, path = invited(keynote, organizer, language="en")
    page = client.get(path)
    assert (page["Cache-Control"], page["Referrer-Policy"], page["X-Robots-Tag"]) == ("private, no-store", "same-origin", "noindex")
