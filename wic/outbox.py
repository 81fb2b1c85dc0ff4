"""One place for outgoing email.

`queue()` renders an event's templates in the recipient's language (`<template>_subject.txt`,
`<template>_body.txt`, and `<template>_body.html` where it exists, otherwise the text inside the
common layout `email/layout.html`), records the message as an `OutgoingEmail` under an
idempotency key, and hands it to the `wic.deliver_email` Celery task once the surrounding
transaction commits. Queuing the same key again does nothing; delivering a row already sent does
nothing. Delivery retries with exponential backoff on SMTP and network errors and records every
attempt (attempts, last error, sent or failed).

A transactional outbox: the services call `queue()` inside the transaction of the decision they
announce, so the row exists exactly when the decision does. Handing the row to the broker comes
after the commit and may fail (broker down: wic.queueing logs and counts it, the request still
succeeds), and a worker that took it may die before it acknowledges (kill -9: the broker gives it
to another worker only after CELERY_VISIBILITY_TIMEOUT, 6 hours by default). Either way the row
stays "queued", and `sweep()` (the beat task `wic.sweep_outbox`, every OUTBOX_SWEEP_INTERVAL
seconds) hands every row still queued OUTBOX_SWEEP_AFTER seconds after it was recorded to the
workers again. A row handed over twice is still sent once: `deliver_email` locks the row while it
sends and leaves a sent row alone.
"""
from datetime import datetime, timedelta

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import queueing
from .models import OutgoingEmail

SWEEP_BATCH = 1000  # rows handed over per sweep at most, oldest first


def render(template: str, language: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of an event's templates, in `language`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        try:
            html = render_to_string(f"{template}_body.html", context)
        except TemplateDoesNotExist:
            html = render_to_string("email/layout.html", {**context, "subject": subject, "text": _unmarked(text), "language": language})
    return subject, text, html


def _unmarked(text: str) -> str:
    """`text` as a plain str, without the "safe" mark render_to_string puts on its output: a text
    body is plain text in which users' words are not escaped, so the HTML layout must escape it."""
    return str.__str__(text)


def queue(*, key: str, event: str, to: list[str], language: str, template: str, context: dict) -> OutgoingEmail | None:
    """Record and send (after commit) one email; None when there is nobody to send it to. The same
    `key` is sent once: a second call returns the existing row untouched."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    existing = OutgoingEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    subject, text, html = render(template, language, context)
    email, created = OutgoingEmail.objects.get_or_create(
        key=key, defaults={"event": event, "to": recipients, "language": language or settings.LANGUAGE_CODE, "subject": subject[:300], "body_text": text, "body_html": html},
    )
    if created:
        from .tasks import deliver_email

        queueing.enqueue_on_commit(deliver_email, email.pk)
    return email


def stale_before(now: datetime | None = None) -> datetime:
    """Rows recorded before this moment and still queued are overdue (OUTBOX_SWEEP_AFTER)."""
    return (now or timezone.now()) - timedelta(seconds=settings.OUTBOX_SWEEP_AFTER)


def sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Hand every email still queued OUTBOX_SWEEP_AFTER seconds after it was recorded to the workers
    again, oldest first, at most `limit`; returns how many were handed over. Without a worker (no
    REDIS_URL) each is sent here and now; one the mail server refuses again stays queued."""
    from .tasks import deliver_email

    overdue = OutgoingEmail.objects.filter(status=OutgoingEmail.QUEUED, created__lt=stale_before(now)).order_by("created", "pk")
    return sum(queueing.enqueue(deliver_email, pk) for pk in list(overdue.values_list("pk", flat=True)[:limit]))
