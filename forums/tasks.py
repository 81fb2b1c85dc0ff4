"""Celery tasks of the sub-forum process: thin wrappers taking primary keys."""
from smtplib import SMTPException

from celery import shared_task
from django.db import transaction

from wic import outbox


@shared_task(name="forums.send_decision_email", acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_decision_email(application_id: int, state: str) -> bool:
    """Tell the applicant of a decision, in their language. Idempotent: a decision is announced
    once (`notified_state`), however often the task runs. Returns whether a mail was sent."""
    from .models import ForumApplication

    with transaction.atomic():
        application = ForumApplication.objects.select_for_update().select_related("call__edition", "applicant").get(pk=application_id)
        if application.state != state or application.notified_state == state:
            return False
        recipients = [a for a in {application.applicant.email, application.contact_email} if a]
        outbox.queue(
            key=f"forums.decision:{application.pk}:{state}:{application.decided_at.isoformat() if application.decided_at else ''}",
            event="forums.decision", to=recipients, language=application.language, template="forums/email/decision",
            context={"application": application, "edition": application.call.edition},
        )
        application.notified_state = state
        application.save(update_fields=["notified_state"])
    return bool(recipients)
