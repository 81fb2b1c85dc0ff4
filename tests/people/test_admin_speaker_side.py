"""Issue 22, "The speaker's side" and "Clashes" in the organizers' admin: the appearance admin and
the person's inline show the invitation's state; "Send the invitation" emails the private link; the
clash rule of services.appearance_upsert refuses an appearance confirmed in an overlapping agenda
item (on the agenda item's field, naming the other item) unless an "override reason" is given,
which the audit log records as the service records it."""
import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from people.models import Appearance
from people.services import appearance_upsert
from tests.factories import make_organizer
from wic.models import OutgoingEmail

from .helpers import edition, person, session

pytestmark = pytest.mark.django_db

ADD = "/admin/people/appearance/add/"
CHANGELIST = "/admin/people/appearance/"


@pytest.fixture
def world():
    e = edition()
    forum = session(e, e.start_date, (9, 0), (11, 0), title_zh="上午论坛", title_en="Morning forum")
    overlapping = session(e, e.start_date, (10, 0), (12, 0), title_zh="重叠论坛", title_en="Overlapping forum")
    afternoon = session(e, e.start_date, (14, 0), (15, 0), title_zh="下午论坛", title_en="Afternoon forum")
    ren = person("test-admin-ren", name_zh="任测试", name_en="Ren Test", email="ren@example.org")
    first = appearance_upsert(person=ren, session=forum, role="speech", status="confirmed")
    return {"edition": e, "forum": forum, "overlapping": overlapping, "afternoon": afternoon, "ren": ren, "first": first}


@pytest.fixture
def organizer(client):
    user = make_organizer()
    client.force_login(user)
    return user


def appearance_data(person, session, **fields) -> dict:
    data = {
        "person": person.pk, "session": session.pk, "role": "remarks", "sort_order": 0, "status": "confirmed", "override_reason": "",
        "title_zh": "", "title_en": "", "affiliation_zh": "", "affiliation_en": "", "language": "zh-hans", "attendance_mode": "",
        "quote_zh": "", "source": "",
    }
    return {**data, **fields}


def override_entries(appearance):
    return LogEntry.objects.get_for_object(appearance).filter(additional_data__has_key="person_double_booked")


def test_the_admin_refuses_a_clash_on_the_agenda_items_field_naming_the_other(world, organizer, client):
    response = client.post(ADD, appearance_data(world["ren"], world["overlapping"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["session"]
    [error] = form.errors.as_data()["session"]
    assert error.code == "person_double_booked"
    assert error.message == (
        f"任测试 is already confirmed in {world['forum'].date} 上午论坛, which overlaps this agenda item. An organizer may give a reason to override."
    )
    assert not Appearance.objects.filter(session=world["overlapping"]).exists()


def test_an_override_reason_saves_it_and_the_audit_log_records_it(world, organizer, client):
    response = client.post(ADD, appearance_data(world["ren"], world["overlapping"], override_reason="  致辞后即赴上午论坛  "))
    assert response.status_code == 302, response.context["adminform"].form.errors
    appearance = Appearance.objects.get(session=world["overlapping"])
    assert appearance.status == "confirmed"
    entry = override_entries(appearance).get()
    assert (entry.action, entry.actor, entry.changes_dict) == (LogEntry.Action.UPDATE, organizer, {"override_reason": ["", "致辞后即赴上午论坛"]})
    assert entry.additional_data == {
        "person_double_booked": {"other_session": world["forum"].pk, "other_appearance": world["first"].pk, "reason": "致辞后即赴上午论坛"}
    }


def test_confirming_an_invited_appearance_in_the_change_form_is_checked_too(world, organizer, client):
    invited = appearance_upsert(person=world["ren"], session=world["overlapping"], role="keynote", status="invited")
    url = f"/admin/people/appearance/{invited.pk}/change/"
    refused = client.post(url, appearance_data(world["ren"], world["overlapping"], role="keynote"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert [e.code for e in refused.context["adminform"].form.errors.as_data()["session"]] == ["person_double_booked"]
    assert Appearance.objects.get(pk=invited.pk).status == "invited"

    saved = client.post(url, appearance_data(world["ren"], world["overlapping"], role="keynote", override_reason="视频连线"))
    assert saved.status_code == 302
    assert Appearance.objects.get(pk=invited.pk).status == "confirmed"
    assert override_entries(invited).get().additional_data["person_double_booked"]["reason"] == "视频连线"

    # Saved again (a title corrected): already confirmed, nothing to check, no second override.
    again = client.post(url, appearance_data(world["ren"], world["overlapping"], role="keynote", title_zh="院长"))
    assert again.status_code == 302
    assert override_entries(invited).count() == 1


def test_no_clash_no_reason_needed_and_a_reason_without_a_clash_is_not_recorded(world, organizer, client):
    response = client.post(ADD, appearance_data(world["ren"], world["afternoon"], override_reason="无需"))
    assert response.status_code == 302
    assert not override_entries(Appearance.objects.get(session=world["afternoon"])).exists()
    # An invited (not shown) appearance in the overlapping item is no clash either.
    assert client.post(ADD, appearance_data(world["ren"], world["overlapping"], status="invited")).status_code == 302


def inline_data(world, *, status: str, override_reason: str = "") -> dict:
    ren, first = world["ren"], world["first"]
    data = {
        "name_zh": ren.name_zh, "name_en": ren.name_en, "country": "", "precedence": ren.precedence, "bio_zh": "", "bio_en": "",
        "email": ren.email, "phone": "", "assistant": "",
        "appearances-TOTAL_FORMS": 2, "appearances-INITIAL_FORMS": 1, "appearances-MIN_NUM_FORMS": 0, "appearances-MAX_NUM_FORMS": 1000,
    }
    rows = [
        {"id": first.pk, "session": first.session_id, "role": "speech", "title_zh": "", "affiliation_zh": "", "status": "confirmed", "attendance_mode": "", "sort_order": 0, "override_reason": ""},
        {"id": "", "session": world["overlapping"].pk, "role": "moderator", "title_zh": "", "affiliation_zh": "", "status": status, "attendance_mode": "on_site", "sort_order": 1, "override_reason": override_reason},
    ]
    for n, row in enumerate(rows):
        data.update({f"appearances-{n}-{k}": v for k, v in row.items()})
        data[f"appearances-{n}-person"] = ren.pk
    return data


def test_the_persons_inline_refuses_a_clash_and_accepts_an_override(world, organizer, client):
    url = f"/admin/people/person/{world['ren'].pk}/change/"
    refused = client.post(url, inline_data(world, status="confirmed"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    [formset] = [f.formset for f in refused.context["inline_admin_formsets"]]
    assert [e.code for e in formset.forms[1].errors.as_data()["session"]] == ["person_double_booked"]
    assert not Appearance.objects.filter(session=world["overlapping"]).exists()

    saved = client.post(url, inline_data(world, status="confirmed", override_reason="主持后离场"))
    assert saved.status_code == 302
    appearance = Appearance.objects.get(session=world["overlapping"])
    assert (appearance.role, appearance.status, appearance.attendance_mode) == ("moderator", "confirmed", "on_site")
    entry = override_entries(appearance).get()
    assert (entry.actor, entry.additional_data["person_double_booked"]["reason"]) == (organizer, "主持后离场")


def test_the_admin_pages_show_the_speaker_side(world, organizer, client):
    appearance = world["first"]
    Appearance.objects.filter(pk=appearance.pk).update(invited_at=timezone.now(), responded_at=timezone.now(), attendance_mode="online")
    change = client.get(f"/admin/people/appearance/{appearance.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Invited at", "Answered at", "Last reminder at", "Takes part", "Slides (PDF)", "Override reason", "Language of the invitation"):
        assert label in change, label
    listing = client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for column in ("column-invited_at", "column-responded_at", "column-attendance_mode"):
        assert column in listing
    assert "Online, live" in listing
    person_page = client.get(f"/admin/people/person/{world['ren'].pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for column in ("Status", "Invited at", "Answered at", "Takes part", "Slides (PDF)"):
        assert column in person_page, column


def test_send_the_invitation_action_emails_the_link_and_reports_refusals(world, organizer, client):
    invited = appearance_upsert(person=world["ren"], session=world["afternoon"], role="keynote", status="invited")
    no_email = appearance_upsert(person=person("test-admin-noemail", name_zh="无邮箱"), session=world["afternoon"], role="speech", status="invited")
    response = client.post(
        CHANGELIST, {"action": "send_invitation", "_selected_action": [invited.pk, no_email.pk, world["first"].pk], "index": 0},
        follow=True, HTTP_ACCEPT_LANGUAGE="en",
    )
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [level for level, _text in messages] == ["error", "error", "success"]
    assert messages[0][1].endswith("任测试 has already confirmed this appearance.")
    assert messages[1][1].endswith("无邮箱 has no email address: add one before sending an invitation.")
    assert messages[2][1] == "The invitation was sent to 任测试."
    invited.refresh_from_db()
    assert invited.invited_at is not None and invited.link_nonce
    assert list(OutgoingEmail.objects.filter(event="people.invitation").values_list("to", flat=True)) == [["ren@example.org"]]


def test_slides_and_photo_uploaded_in_the_admin_are_checked_like_the_speakers_own(world, organizer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    appearance = world["first"]
    url = f"/admin/people/appearance/{appearance.pk}/change/"
    fake = SimpleUploadedFile("slides.pdf", b"not a pdf at all", content_type="application/pdf")
    refused = client.post(url, {**appearance_data(world["ren"], world["forum"], role="speech"), "slides": fake}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert [(e.code, e.message) for e in refused.context["adminform"].form.errors.as_data()["slides"]] == [("not_a_pdf", "The slides are not a PDF file.")]
    pdf = SimpleUploadedFile("../../my slides.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf")
    assert client.post(url, {**appearance_data(world["ren"], world["forum"], role="speech"), "slides": pdf}).status_code == 302
    appearance.refresh_from_db()
    assert appearance.slides.name.startswith("people/slides/") and appearance.slides.name.endswith(".pdf") and "my" not in appearance.slides.name

    ren = world["ren"]
    data = {**inline_data(world, status="invited"), "appearances-TOTAL_FORMS": 1, "photo": SimpleUploadedFile("me.jpg", b"GIF89a not really", content_type="image/jpeg")}
    response = client.post(f"/admin/people/person/{ren.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors
