"""Celery tasks of the summit-wide app. Thin wrappers: they take plain values, never model instances."""
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="wic.send_email",
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_email(*, subject: str, body: str, to: list[str], from_email: str | None = None, html_body: str | None = None) -> int:
    """Send one already-rendered email. Returns the number of messages sent (1)."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
