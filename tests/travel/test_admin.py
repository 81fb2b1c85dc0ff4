"""Issue 24, visa invitation letters in the organizers' admin: the list in a constant number of
queries, the passport number and date of birth masked without `travel.view_passport`, and the
actions (approve; refuse and revoke through the reason page) going through travel.letters, each
refusal a message naming the letter with its code."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import override_settings

from travel import letters
from travel.models import VisaLetter
from wic.display import beijing_text

from .support import approved, edition, guest, letter, maria, organizer, request_data  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/admin/travel/visaletter/"
LIST_QUERIES = 8  # whatever the number of letters: session, user, its and its groups' permissions, the edition filter, 2 counts, the page


@pytest.fixture
def admin(client, organizer):
    client.force_login(organizer)
    client.cookies["django_language"] = "en"  # the messages asserted below, in English
    return client


def shown(response) -> list[tuple]:
    """The messages the action left for the next page (then forgotten, as that page would)."""
    found = [(m.level_tag, m.extra_tags, m.message) for m in get_messages(response.wsgi_request)]
    response.client.cookies.pop("messages", None)
    return found


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_takes_a_constant_number_of_queries(admin, edition, organizer, count, django_assert_num_queries):
    with override_settings(TRAVEL_LETTERS_FOR_PENDING=True):  # pending guests: no credential to draw, a quicker fixture
        for n in range(count):
            made = letters.letter_request(guest(edition, f"guest{n}@example.org", name=f"Guest {n}", status="pending"), data=request_data(passport_name=f"GUEST {n}"))
            if n % 2:
                letters.letter_decide(made, approve=True, actor=organizer)
    with django_assert_num_queries(LIST_QUERIES) as captured:
        response = admin.get(URL)
    assert "passport_number" not in captured.captured_queries[-1]["sql"]  # the page's: encrypted columns not even read
    body = response.content.decode()
    assert response.status_code == 200 and body.count('class="action-checkbox"') == count
    first = VisaLetter.objects.get(passport_name="GUEST 0")
    assert "GUEST 0" in body and "2090-11-09 – 2090-11-13" in body and beijing_text(first.requested_at) in body and "(no reference yet)" in body
    if count > 1:
        assert f"WIC2090-VL-{VisaLetter.objects.get(passport_name='GUEST 1').pk:05d}" in body
    assert "FA123456" not in body  # never in the list


def test_passport_data_is_masked_without_the_permission(client, letter, superuser):
    clerk = get_user_model().objects.create_user("clerk", password="a-long-test-password-1", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(content_type__app_label="travel", codename__in=["view_visaletter", "change_visaletter"]))
    page = f"{URL}{letter.pk}/change/"
    client.force_login(clerk)
    body = client.get(page).content.decode()
    assert "••••••56" in body and "••••••••02" in body
    assert "FA123456" not in body and "1980-04-02" not in body
    clerk.user_permissions.add(Permission.objects.get(content_type__app_label="travel", codename="view_passport"))
    clerk = get_user_model().objects.get(pk=clerk.pk)  # permissions are cached on the user object
    client.force_login(clerk)
    body = client.get(page).content.decode()
    assert "FA123456" in body and "1980-04-02" in body
    client.force_login(superuser)
    assert "FA123456" in client.get(page).content.decode()
    search = client.get(URL, {"q": "FA123456"}).content.decode()  # encrypted: not searchable
    assert 'class="action-checkbox"' not in search
    assert 'class="action-checkbox"' in client.get(URL, {"q": "maria@example"}).content.decode()


def test_approve_reports_each_letter_it_cannot_approve(admin, edition, maria, letter, organizer):
    other = letters.letter_request(guest(edition, "li@example.org", name="Li Lei"), data=request_data(passport_name="LI LEI"))
    letters.letter_decide(other, approve=True, actor=organizer)
    response = admin.post(URL, {"action": "approve_letters", "_selected_action": [letter.pk, other.pk]})
    assert response.status_code == 302
    assert shown(response) == [
        ("error", "not_requested", f"LI LEI ({other.registration.reference}): This letter is Approved, not awaiting a decision."),
        ("success", "", f"The letter of SILVA MARIA ({maria.reference}) is approved; the guest is emailed."),
    ]
    letter.refresh_from_db()
    assert (letter.status, letter.reference, letter.decided_by) == ("approved", f"WIC2090-VL-{letter.pk:05d}", organizer)
    assert "delete_selected" not in admin.get(URL).content.decode()
    assert admin.get(f"{URL}add/").status_code == 403


def test_refuse_and_revoke_ask_for_the_reason_first(admin, edition, maria, letter, organizer):
    other = letters.letter_decide(
        letters.letter_request(guest(edition, "li@example.org", name="Li Lei"), data=request_data(passport_name="LI LEI")), approve=True, actor=organizer,
    )
    ask = admin.post(URL, {"action": "refuse_letters", "_selected_action": [letter.pk]})
    assert ask.status_code == 200 and "SILVA MARIA" in ask.content.decode() and 'name="reason"' in ask.content.decode()
    empty = admin.post(URL, {"action": "refuse_letters", "_selected_action": [letter.pk], "apply": "1", "reason": "  "})
    assert empty.status_code == 200 and 'data-code="reason_required"' in empty.content.decode()
    assert VisaLetter.objects.get(pk=letter.pk).status == "requested"
    done = admin.post(URL, {"action": "refuse_letters", "_selected_action": [letter.pk, other.pk], "apply": "1", "reason": "The name differs from the registration's."})
    assert done.status_code == 302
    assert [(level, tags) for level, tags, _message in shown(done)] == [("error", "not_requested"), ("success", "")]
    letter.refresh_from_db()
    assert (letter.status, letter.refusal_reason, letter.decided_by) == ("refused", "The name differs from the registration's.", organizer)
    revoked = admin.post(URL, {"action": "revoke_letters", "_selected_action": [letter.pk, other.pk], "apply": "1", "reason": "Trip cancelled."})
    assert shown(revoked) == [
        ("error", "not_approved", f"SILVA MARIA ({maria.reference}): Only an approved letter can be revoked; this one is Refused."),
        ("success", "", f"The letter of LI LEI ({other.registration.reference}) is revoked; the guest is emailed."),
    ]
    other.refresh_from_db()
    assert (other.status, other.revoke_reason) == ("revoked", "Trip cancelled.")
    assert letters.verification(other.verify_code)[1] == "revoked"
