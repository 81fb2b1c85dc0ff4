"""Celery tasks of the summit-wide app. Thin wrappers: they take plain values, never model instances."""
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

DELIVERY_ERRORS = (SMTPException, ConnectionError, TimeoutError, OSError)
MAX_RETRIES = 5


class DeliveryFailed(Exception):
    """What a retry of `deliver_email` carries, and so what Celery logs: the error's type and SMTP
    code only. The server's own words can quote the recipient's address ("550 <guest@...>:
    unknown"), so they stay on the email's row (`last_error`), out of the logs."""


def _loggable(error: Exception) -> DeliveryFailed:
    code = getattr(error, "smtp_code", None)
    return DeliveryFailed(type(error).__name__ + (f" (SMTP {code})" if code else ""))


@shared_task(name="wic.send_email", bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_email(self, *, subject: str, body: str, to: list[str], from_email: str | None = None, html_body: str | None = None) -> int:
    """Send one already-rendered email that needs no record (password reset links: a live link is
    kept out of the database). Returns the number of messages sent (1). On an SMTP or network
    error it retries after 2, 4, 8... seconds; the retry carries DeliveryFailed, so the worker's
    log names the error's type, never the recipient the server's answer may quote."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    try:
        return message.send()
    except DELIVERY_ERRORS as error:
        raise self.retry(exc=_loggable(error), countdown=min(600, 2 ** (self.request.retries + 1))) from None


@shared_task(name="wic.deliver_email", bind=True, acks_late=True, max_retries=MAX_RETRIES)
def deliver_email(self, email_id: int) -> bool:
    """Send one recorded email (wic.outbox). The row is locked while it is sent, so two runs of the
    task never both send it, and a row already sent is left alone: a retried or repeated task never
    sends twice. On an SMTP or network error the attempt is recorded and the task retries after
    2, 4, 8... seconds (at most 10 minutes apart); after the last retry the row is marked failed.

    Run eagerly (no REDIS_URL: inside the request that queued it, CELERY_TASK_EAGER_PROPAGATES on),
    the retry does not wait: it raises out of the task, and wic.queueing, which handed the task
    over, lets the request answer; the row stays queued for the sweep or the admin's "send again".
    Counted in attempts there, the row is marked failed after MAX_RETRIES + 1 of them."""
    from .models import OutgoingEmail

    error, exhausted = None, False
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutgoingEmail.SENT:
            return False
        message = EmailMultiAlternatives(subject=email.subject, body=email.body_text, to=email.to)
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except DELIVERY_ERRORS as exc:
            error = exc
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            exhausted = self.request.retries >= MAX_RETRIES or (self.request.is_eager and email.attempts > MAX_RETRIES)
            email.status = OutgoingEmail.FAILED if exhausted else OutgoingEmail.QUEUED
        else:
            email.status, email.sent_at, email.last_error = OutgoingEmail.SENT, timezone.now(), ""
        email.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    if error is not None:
        if exhausted:
            return False
        raise self.retry(exc=_loggable(error), countdown=min(600, 2 ** (self.request.retries + 1)))
    return True


@shared_task(name="wic.sweep_outbox")
def sweep_outbox() -> int:
    """Beat task (every OUTBOX_SWEEP_INTERVAL seconds): hand the emails still queued after
    OUTBOX_SWEEP_AFTER seconds to the workers again (wic.outbox.sweep). Returns how many."""
    from . import outbox

    return outbox.sweep()


# -- webhooks (wic.webhooks): thin wrappers ------------------------------------------------------

@shared_task(name="wic.deliver_webhook", acks_late=True)
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at a recorded webhook delivery (wic.webhooks.delivery_send): the row is locked
    while it is sent, a delivered row is left alone, and a failed attempt is retried by the sweep
    at its next_attempt_at (backoff 1 min to 12 h), not by Celery."""
    from . import webhooks

    return webhooks.delivery_send(delivery_id)


@shared_task(name="wic.sweep_webhooks")
def sweep_webhooks() -> int:
    """Beat task (every WEBHOOK_SWEEP_INTERVAL seconds): hand every due webhook delivery to the
    workers (wic.webhooks.sweep). Returns how many."""
    from . import webhooks

    return webhooks.sweep()


@shared_task(name="wic.purge_webhook_deliveries")
def purge_webhook_deliveries() -> int:
    """Beat task (daily): delete webhook deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS."""
    from . import webhooks

    return webhooks.purge()
