"""Emails when the broker or the mail server fails (issue 19, point 5): the outbox row is written
in the decision's transaction, a failure to hand it over never reaches the user, and the sweep
(`wic.outbox.sweep`, beat task `wic.sweep_outbox`) or the admin's "Send again" sends what stayed
queued, once.

The broker is pointed at a port on 127.0.0.1 nothing listens on (found free, never opened), with
eager mode off, as a Redis that is down; the mail server likewise. Runs on SQLite and PostgreSQL;
the worker killed mid-send is tests/wic/test_worker_crash.py's."""
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registration import services as registration_services
from registration.models import Registration
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest
from wic import degraded, outbox, queueing
from wic.celery import app as celery_app
from wic.models import OutgoingEmail
from wic.tasks import deliver_email, sweep_outbox

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
OUTBOX_CHANGELIST = reverse("admin:wic_outgoingemail_changelist")


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on: bound to find it free, closed, never listened."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _forget_broker_connections():
    """Celery keeps a pool of broker connections (and producers on it) once it has published; the
    next publish must connect to the broker configured now."""
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks are published to a broker that does not answer (eager mode off), as with Redis down.

    The Celery settings are restored here, in this fixture's own teardown, not by `monkeypatch`:
    monkeypatch may be set up before the autouse `celery_eager` fixture and would then undo after
    it, leaving eager mode on for the next test that runs a real worker."""
    changed = {
        "broker_url": f"redis://127.0.0.1:{closed_port()}/0",
        "task_always_eager": False,
        "broker_connection_timeout": 1,
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1},
    }
    before = {key: celery_app.conf[key] for key in changed}
    celery_app.conf.update(changed)
    _forget_broker_connections()
    degraded.reset()
    yield
    celery_app.conf.update(before)
    _forget_broker_connections()


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2}}
    }


@pytest.fixture
def smtp_back(settings):
    """The mail server answers again: Django's test outbox."""
    def back():
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    return back


@pytest.fixture
def guest_registration(db):
    data = guest(email="guest@example.org")
    return registration_services.registration_create(edition=EditionFactory(year=2099), data=data, language="en")


def approve_in_the_admin(client, registration):
    return client.post(CHANGELIST, {"action": "approve", "_selected_action": [registration.pk], "index": 0}, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def later(seconds_after: int = 1):
    """A moment after the sweep's age: what the next sweep sees once the row is overdue."""
    from django.conf import settings

    return timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_AFTER + seconds_after)


def test_broker_down_the_approval_answers_and_the_email_goes_once_the_broker_is_back(
    admin_client_logged, guest_registration, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = approve_in_the_admin(admin_client_logged, guest_registration)

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert Registration.objects.get(pk=guest_registration.pk).status == "approved"
    email = OutgoingEmail.objects.get()  # written with the decision, though the broker never got it
    assert (email.event, email.to, email.status, email.attempts) == ("registration.decision", ["guest@example.org"], "queued", 0)
    assert len(callbacks) == 2  # the email's delivery and the badge: both refused by the broker, neither raised
    assert degraded._counts["tasks_not_queued"] == 2
    assert mail.outbox == []

    # Nothing is overdue yet: a sweep now leaves the row to the delivery that may still come.
    assert outbox.sweep() == 0

    # The broker is back (eager, as in the rest of the suite): the sweep sends the row, once.
    celery_app.conf.task_always_eager = True
    assert outbox.sweep(now=later()) == 1
    assert outbox.sweep(now=later()) == 0
    assert deliver_email.delay(email.pk).get() is False  # the task the broker never got, arriving after all
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["guest@example.org"], "Your registration for the 2099 summit: Approved")]


def test_broker_down_the_public_registration_answers_and_its_link_is_queued(api_client, broker_down, django_capture_on_commit_callbacks):
    EditionFactory(year=2099)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/registrations/", {**guest(email="late@example.org"), "edition": 2099}, format="json")
    assert response.status_code == 202
    assert list(OutgoingEmail.objects.values_list("event", "status")) == [("registration.received", "queued")]


def test_smtp_down_without_a_worker_the_approval_answers_and_the_email_stays_queued(
    admin_client_logged, guest_registration, smtp_down, smtp_back, django_capture_on_commit_callbacks
):
    """No REDIS_URL: the delivery runs eagerly after the commit, inside the request. A refused
    connection is recorded on the row, which stays queued, without retrying in the request."""
    degraded.reset()
    with django_capture_on_commit_callbacks(execute=True):
        response = approve_in_the_admin(admin_client_logged, guest_registration)

    assert response.status_code == 200
    assert Registration.objects.get(pk=guest_registration.pk).status == "approved"
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts, email.last_error.split(":")[0]) == ("queued", 1, "ConnectionRefusedError")
    assert degraded._counts["tasks_deferred"] == 1

    smtp_back()
    assert sweep_outbox.delay().get() == 0  # not overdue yet
    assert outbox.sweep(now=later()) == 1
    assert outbox.sweep(now=later()) == 0
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert [m.to for m in mail.outbox] == [["guest@example.org"]]


def test_smtp_down_without_a_worker_six_refused_attempts_mark_the_email_failed(guest_registration, smtp_down):
    email = outbox.queue(key="test:refused", event="test.refused", to=["guest@example.org"], language="en",
                         template="registration/email/decision", context={"registration": guest_registration, "edition": guest_registration.edition})
    statuses = []
    for _attempt in range(6):  # the first delivery and five sweeps or "send again"s
        queueing.enqueue(deliver_email, email.pk)
        email.refresh_from_db()
        statuses.append(email.status)
    assert statuses == ["queued"] * 5 + ["failed"]
    assert email.attempts == 6


def test_admin_sends_again_the_failed_and_the_long_queued_not_the_fresh_or_sent(admin_client_logged, guest_registration, django_capture_on_commit_callbacks):
    def row(key, status):
        return OutgoingEmail.objects.create(key=key, event="test", to=[f"{key}@example.org"], language="en", subject=key, body_text=key, status=status)

    failed, stale, fresh, sent = row("failed", "failed"), row("stale", "queued"), row("fresh", "queued"), row("sent", "sent")
    OutgoingEmail.objects.filter(pk=stale.pk).update(created=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(
            OUTBOX_CHANGELIST, {"action": "send_again", "_selected_action": [failed.pk, stale.pk, fresh.pk, sent.pk], "index": 0},
            follow=True, HTTP_ACCEPT_LANGUAGE="en",
        )
    assert [str(m) for m in response.context["messages"]] == ["2 emails queued again."]
    assert sorted(m.to[0] for m in mail.outbox) == ["failed@example.org", "stale@example.org"]
    assert dict(OutgoingEmail.objects.values_list("key", "status")) == {"failed": "sent", "stale": "sent", "fresh": "queued", "sent": "sent"}


def test_admin_send_again_with_the_broker_down_answers_and_leaves_the_rows_queued(
    admin_client_logged, broker_down, django_capture_on_commit_callbacks
):
    failed = OutgoingEmail.objects.create(key="f", event="test", to=["f@example.org"], language="en", subject="f", body_text="f", status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(OUTBOX_CHANGELIST, {"action": "send_again", "_selected_action": [failed.pk], "index": 0}, follow=True)
    assert response.status_code == 200
    assert OutgoingEmail.objects.get(pk=failed.pk).status == "queued"  # for the sweep, once the broker is back


def test_the_sweep_runs_from_beat_on_the_notifications_queue(settings):
    from wic.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["wic-sweep-outbox"] == {"task": "wic.sweep_outbox", "schedule": float(settings.OUTBOX_SWEEP_INTERVAL)}
    assert app.amqp.router.route({}, "wic.sweep_outbox")["queue"].name == "notifications"
    assert settings.OUTBOX_SWEEP_AFTER > 2 + 4 + 8 + 16 + 32  # above a delivery's own retries


def test_seed_demo_without_a_mail_server_completes_and_queues_its_emails(smtp_down, django_capture_on_commit_callbacks):
    """`seed --demo` with debug off and no mail server crashed on the first refused email."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed", "--demo", verbosity=0)
    emails = OutgoingEmail.objects.filter(to__icontains="demo")
    assert emails.exists()
    assert set(emails.values_list("status", "attempts")) == {("queued", 1)}
