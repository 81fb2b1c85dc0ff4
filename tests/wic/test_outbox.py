"""One place for outgoing email (wic.outbox): rendered per event in the recipient's language, text
and HTML, recorded, idempotent by key, retried with backoff, marked failed after the last retry.
The retry and idempotence are also run through a real Celery worker on Redis where configured."""
import time

import pytest
from django.core import mail

from registration import services as registration_services
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest
from tests.wic import flaky_mail
from wic import outbox
from wic.models import OutgoingEmail
from wic.tasks import deliver_email

FLAKY = {"default": {"BACKEND": "tests.wic.flaky_mail.FlakyBackend"}}


@pytest.fixture
def registration(db):
    return registration_services.registration_create(edition=EditionFactory(year=2099), data=guest(email="guest@example.org"))


def queue_decision(registration, key="test:1"):
    return outbox.queue(key=key, event="registration.decision", to=[registration.email, " ", ""], language=registration.language,
                        template="registration/email/decision", context={"registration": registration, "edition": registration.edition})


@pytest.mark.django_db
def test_decision_email_is_recorded_in_the_guests_language_with_text_and_html(registration, django_capture_on_commit_callbacks):
    registration.language = "en"
    registration.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.registration_decide(registration=registration, status="approved", actor=None)
    email = OutgoingEmail.objects.get(event="registration.decision")
    assert (email.to, email.language, email.status, email.attempts) == (["guest@example.org"], "en", "sent", 1)
    assert email.key.startswith(f"registration.decision:{registration.pk}:approved:")
    assert email.subject == "Your registration for the 2099 summit: Approved"
    assert f"/editions/2099/registration/{registration.token}/" in email.body_text
    assert email.body_html.startswith("<!DOCTYPE html>") and '<a href="http://' in email.body_html and "<h1" in email.body_html
    [sent] = mail.outbox
    assert (sent.subject, sent.to, sent.alternatives[0].mimetype) == (email.subject, ["guest@example.org"], "text/html")


@pytest.mark.django_db
def test_chinese_guest_gets_chinese(registration, django_capture_on_commit_callbacks):
    registration.language = "zh-hans"
    registration.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_decision(registration)
    assert (email.language, email.subject) == ("zh-hans", "您的 2099 年大会报名：待审核")
    assert mail.outbox[0].subject == "您的 2099 年大会报名：待审核"
    assert '<html lang="zh-hans">' in email.body_html and "所有时间均为北京时间" in email.body_html


@pytest.mark.django_db
def test_same_key_is_sent_once_and_a_sent_row_is_never_sent_again(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue_decision(registration)
        again = queue_decision(registration)
    assert again.pk == first.pk and len(callbacks) == 1 and OutgoingEmail.objects.count() == 1
    assert deliver_email.delay(first.pk).get() is False  # already sent: a repeated task sends nothing
    assert len(mail.outbox) == 1
    assert outbox.queue(key="test:nobody", event="x", to=["", "  "], language="en", template="registration/email/decision", context={}) is None


@pytest.mark.django_db
def test_delivery_errors_are_recorded_and_the_last_retry_marks_it_failed(registration, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = FLAKY
    flaky_mail.FAILURES["left"] = 1
    email = queue_decision(registration)
    result = deliver_email.apply(args=[email.pk], retries=5)  # the last allowed attempt
    email.refresh_from_db()
    assert (result.get(), email.status, email.attempts) == (False, "failed", 1)
    assert email.last_error == "SMTPServerDisconnected: test: the mail server hung up"
    assert mail.outbox == []


# -- a real worker on Redis ------------------------------------------------------------------------

from tests.wic.test_celery_worker import worker  # noqa: E402,F401  (the fixture)
from tests.conftest import requires_redis  # noqa: E402


@requires_redis
@pytest.mark.real_celery
@pytest.mark.django_db(transaction=True)
def test_real_worker_retries_with_backoff_and_sends_once(registration, settings, worker):  # noqa: F811
    settings.MAILERS = FLAKY
    flaky_mail.FAILURES["left"] = 2  # the first two attempts fail
    email = queue_decision(registration, key="test:worker")  # outside a transaction: sent to the worker at once
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == "sent":
            break
        time.sleep(0.2)
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
    assert [m.to for m in mail.outbox] == [["guest@example.org"]]
    assert deliver_email.apply_async((email.pk,), ignore_result=False).get(timeout=20) is False  # retried or repeated: never twice
    assert len(mail.outbox) == 1
