"""Celery tasks of the sub-forum process: thin wrappers taking primary keys."""
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


@shared_task(name="forums.send_decision_email", acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_decision_email(application_id: int, state: str) -> bool:
    """Tell the applicant of a decision, in their language. Idempotent: a decision is announced
    once (`notified_state`), however often the task runs. Returns whether a mail was sent."""
    from .models import ForumApplication

    with transaction.atomic():
        application = ForumApplication.objects.select_for_update().select_related("call__edition", "applicant").get(pk=application_id)
        if application.state != state or application.notified_state == state:
            return False
        with translation.override(application.language or "zh-hans"):
            context = {"application": application, "edition": application.call.edition, "site_url": settings.SITE_URL}
            subject = render_to_string("forums/email/decision_subject.txt", context).strip()
            body = render_to_string("forums/email/decision_body.txt", context)
        recipients = [a for a in {application.applicant.email, application.contact_email} if a]
        if recipients:
            send_mail(subject, body, None, sorted(recipients))
        application.notified_state = state
        application.save(update_fields=["notified_state"])
    return bool(recipients)
