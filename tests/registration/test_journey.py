"""A guest's way to registering (issue 20, point 5) and the organizer's registration page (point 9):
the home page's Register link, the privacy notice, the form's required fields, what happens next,
the confirmation email, and the credential, private link and check-in history in the admin."""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from registration import notifications, services
from registration.checkin import checkin_scan
from registration.contrib import register_link
from registration.models import Checkin, CheckinList, Registration
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest
from wic import roles
from wic.models import OutgoingEmail
from wic.personal_data import personal_data_erase, personal_data_export

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
SECRETARIAT = "secretariat@wic-summit.example"


@pytest.fixture
def edition():
    return EditionFactory(year=2099)


def change_url(registration) -> str:
    return reverse("admin:registration_registration_change", args=[registration.pk])


# -- the home page's link --------------------------------------------------------------------------


def test_home_links_registration_for_the_upcoming_edition(client, edition):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["current"] == edition
    assert response.context["current_links"] == [("Register as a guest", "/editions/2099/register/")]
    assert '<a class="button primary" href="/editions/2099/register/">Register as a guest</a>' in response.content.decode()


def test_home_links_no_registration_once_the_edition_is_over(client, edition):
    with translation.override("en"):
        assert register_link(edition, today=date(2099, 11, 12)) == ("Register as a guest", "/editions/2099/register/")
    assert register_link(edition, today=date(2099, 11, 12)) == ("嘉宾报名", "/editions/2099/register/")
    assert register_link(edition, today=date(2099, 11, 13)) is None
    edition.delete()  # the seeded past editions only: the home page shows the latest, which is over
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["current"].end_date < timezone.localdate()
    assert response.context["current_links"] == []
    assert "/register/" not in response.content.decode()


# -- the privacy notice ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Privacy notice"), ("zh-hans", "隐私声明")],
)
def test_privacy_notice_says_what_why_how_long_and_how_to_ask(client, language, title):
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1 id=\"privacy-title\">{title}</h1>" in html
    assert re.findall(r'<h2 id="([a-z-]+)">', html) == ["what", "how-long", "your-data"]
    assert html.count(f'href="mailto:{SECRETARIAT}"') == 1
    assert len(re.findall(r"<dt>", html)) == 6  # registration, volunteers, sub-forums, awards, expo, accounts


def test_footer_and_register_form_link_the_privacy_notice(client, edition):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/privacy/">Privacy notice</a>' in home
    form = client.get("/editions/2099/register/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    consent = re.search(r'<label for="id_consent">(.*?)</label>', form, re.S).group(1)
    assert '<a href="/privacy/" target="_blank" rel="noopener">Read the privacy notice (opens in a new tab)</a>' in consent


# -- the form's required fields --------------------------------------------------------------------


def test_register_form_marks_the_required_fields_and_says_what_the_mark_means(client, edition):
    html = client.get("/editions/2099/register/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    marked = re.findall(r'<label for="id_(\w+)">[^<]*<span class="required-mark" aria-hidden="true">\*</span>', html)
    assert marked == ["name", "email", "organization_name", "country", "category", "participation", "consent"]
    assert '<p id="required-legend" class="help">Fields marked <span class="required-mark">*</span> are required.</p>' in html
    assert 'aria-required="true"' in re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)


# -- after registering: the page and the confirmation email ----------------------------------------


def test_register_sent_page_says_what_happens_next(client, edition):
    html = client.get("/editions/2099/register/sent/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h2 id="next-title">What happens next</h2>' in html
    assert len(re.findall(r"<li>", re.search(r'<ol class="next-steps">(.*?)</ol>', html, re.S).group(1))) == 4
    assert f'<a href="mailto:{SECRETARIAT}">{SECRETARIAT}</a>' in html


@pytest.mark.parametrize(
    ("language", "subject", "phrases"),
    [
        ("en", "We have received your registration for the 2099 summit ({ref})", ["Dear Maria Silva,", "What happens next", "Reference: {ref}", "Status: Pending"]),
        ("zh-hans", "我们已收到您的 2099 年峰会报名（{ref}）", ["Maria Silva，您好：", "接下来", "编号: {ref}", "状态: 待审核"]),
    ],
)
def test_registering_on_the_page_mails_a_confirmation_in_the_registrants_language(client, edition, django_capture_on_commit_callbacks, language, subject, phrases):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/editions/2099/register/", guest(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302 and response["Location"] == "/editions/2099/register/sent/"
    registration = Registration.objects.get()
    email = OutgoingEmail.objects.get()
    assert (email.key, email.event, email.to, email.language, email.status) == (
        f"registration.received:{registration.pk}", "registration.received", ["maria@example.org"], language, "sent",
    )
    [sent] = mail.outbox
    assert sent.subject == subject.format(ref=registration.reference)
    for phrase in phrases:
        assert phrase.format(ref=registration.reference) in sent.body
    assert f"http://127.0.0.1:8000/editions/2099/registration/{registration.token}/" in sent.body
    assert SECRETARIAT in sent.body and "http://127.0.0.1:8000/privacy/" in sent.body


def test_the_confirmation_is_written_in_the_registrations_transaction(edition, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the outbox could not be written")

    monkeypatch.setattr(notifications.outbox, "queue", broken)
    with pytest.raises(RuntimeError):
        services.registration_request(edition=edition, data=guest(), language="en")
    assert (Registration.objects.count(), OutgoingEmail.objects.count()) == (0, 0)


def test_the_confirmation_counts_for_the_hourly_link_limit(edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(edition=edition, data=guest(), language="en")
        services.registration_request(edition=edition, data=guest(name="Someone else"), language="en")
    assert list(OutgoingEmail.objects.values_list("event", flat=True)) == ["registration.received"]
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]


def test_the_confirmation_is_in_the_persons_export_and_erased_with_them(edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(edition=edition, data=guest(), language="en")
    exported = personal_data_export(email="maria@example.org")
    assert [e["event"] for e in exported["outgoing_emails"]] == ["registration.received"]
    personal_data_erase(email="maria@example.org")
    assert OutgoingEmail.objects.count() == 0


# -- the organizer's registration page -------------------------------------------------------------


@pytest.fixture
def approved(edition, django_user_model):
    registration = services.registration_create(edition=edition, data=guest(), language="en")
    services.registration_decide(registration=registration, status="approved", actor=None)
    staff = django_user_model.objects.create_user("gate-x", password="a-long-test-password-1")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口 11月10日", name_en="Main gate 10 Nov", kind="gate", day=date(2099, 11, 10))
    return registration, gate, staff


def scan(approved, at: datetime, **kwargs):
    registration, gate, staff = approved
    secret = kwargs.pop("secret", None) or registration.credentials.get().secret
    return checkin_scan(checkin_list=gate, secret=secret, nonce=f"n-{at.isoformat()}-{kwargs.get('type', 'entry')}", user=staff, scanned_at=at, gate="东门 2", **kwargs)


def page_queries(client, registration) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(change_url(registration), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_change_page_shows_the_credential_masked_and_the_scans_in_beijing_time(admin_client_logged, approved):
    registration, _gate, _staff = approved
    secret = registration.credentials.get().secret
    scan(approved, datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING))
    scan(approved, datetime(2099, 11, 10, 9, 0, tzinfo=BEIJING))
    scan(approved, datetime(2099, 11, 10, 12, 5, tzinfo=BEIJING), type=Checkin.EXIT)

    _count, html = page_queries(admin_client_logged, registration)

    panel = re.search(r'<div class="registration-credentials">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert f"<code translate=\"no\">···· ···· ···· ···· ···· ···· {secret[-4:]}</code>" in panel
    assert secret not in html
    assert 'data-code="active"' in panel and "Active credential" in panel
    rows = re.findall(r'<tr data-code="(\w+)"><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>', panel)
    assert rows == [
        ("ok", "2099-11-10 12:05:00", "Main gate 10 Nov", "东门 2", "Exit recorded", "gate-x"),
        ("already_checked_in", "2099-11-10 09:00:00", "Main gate 10 Nov", "东门 2", "Already checked in", "gate-x"),
        ("ok", "2099-11-10 08:30:00", "Main gate 10 Nov", "东门 2", "Admitted", "gate-x"),
    ]


def test_change_page_without_a_credential_says_why(admin_client_logged, edition):
    registration = services.registration_create(edition=edition, data=guest(), language="en")
    _count, html = page_queries(admin_client_logged, registration)
    assert "No credential yet: it is issued when this on-site registration is approved." in html


def test_change_page_query_count_does_not_grow_with_scans(admin_client_logged, approved):
    registration = approved[0]
    scan(approved, datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING))
    one, _html = page_queries(admin_client_logged, registration)
    for minute in range(1, 3):
        scan(approved, datetime(2099, 11, 10, 9, minute, tzinfo=BEIJING))
    services.credential_reissue(registration=registration, actor=None)  # a second credential, revoked one with its scans
    scan(approved, datetime(2099, 11, 10, 10, 0, tzinfo=BEIJING), secret=registration.credentials.get(revoked_at__isnull=True).secret)
    three, html = page_queries(admin_client_logged, registration)
    assert html.count("<tr data-code=") == 4
    assert three == one


def test_send_the_private_link_again_mails_it_and_records_who(admin_client_logged, superuser, edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(edition=edition, data=guest(), language="en")  # the confirmation, a minute ago
    registration = Registration.objects.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(
            reverse("admin:registration_registration_changelist"),
            {"action": "resend_link", "_selected_action": [registration.pk], "index": 0},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 302
    [sent] = mail.outbox  # whatever the hourly limit of the public form
    assert (sent.to, sent.subject) == (["maria@example.org"], "Your registration for the 2099 summit")
    assert f"/editions/2099/registration/{registration.token}/" in sent.body
    assert list(OutgoingEmail.objects.order_by("pk").values_list("event", flat=True)) == ["registration.received", "registration.link"]
    entry = LogEntry.objects.get_for_object(registration).get(additional_data__event="registration.link_resent")
    assert (entry.actor, entry.action, list(entry.changes_dict)) == (superuser, LogEntry.Action.UPDATE, [services.LINK_RESENT])
    assert "maria@example.org" not in str(entry.changes)
    follow = admin_client_logged.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert [str(m) for m in follow.context["messages"]] == [f"The private link was sent again to {registration.reference} (Maria Silva)."]


def test_send_the_private_link_again_is_offered_on_the_change_page(admin_client_logged, edition):
    registration = services.registration_create(edition=edition, data=guest(), language="en")
    _count, html = page_queries(admin_client_logged, registration)
    assert '<option value="resend_link">Send the private link again</option>' in html
