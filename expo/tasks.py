"""Celery tasks of the expo: thin wrappers taking primary keys. Each mail is sent once
(`notified_status`), however often the task runs."""
from smtplib import SMTPException

from celery import shared_task
from django.db import transaction

from wic import outbox

RETRY = {"acks_late": True, "autoretry_for": (SMTPException, ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 5}


def _when(moment) -> str:
    return moment.isoformat() if moment else ""


@shared_task(name="expo.send_exhibitor_decision", **RETRY)
def send_exhibitor_decision(exhibitor_id: int, status: str) -> bool:
    """Tell the applicant (representatives and contact) of the organizers' decision, once."""
    from .models import Exhibitor

    with transaction.atomic():
        exhibitor = Exhibitor.objects.select_for_update().select_related("edition", "organization").get(pk=exhibitor_id)
        if exhibitor.status != status or exhibitor.notified_status == status:
            return False
        recipients = sorted({e for e in [exhibitor.contact_email, *exhibitor.representatives.values_list("email", flat=True)] if e})
        outbox.queue(
            key=f"expo.decision:{exhibitor.pk}:{status}:{_when(exhibitor.decided_at)}", event="expo.decision", to=recipients,
            language=exhibitor.language, template="expo/email/decision", context={"exhibitor": exhibitor, "edition": exhibitor.edition},
        )
        exhibitor.notified_status = status
        exhibitor.save(update_fields=["notified_status"])
    return bool(recipients)


@shared_task(name="expo.send_meeting_requested", **RETRY)
def send_meeting_requested(meeting_id: int) -> bool:
    """Tell the exhibitor's contact that a guest asks for a meeting."""
    from .models import MeetingRequest

    meeting = MeetingRequest.objects.select_related("exhibitor__edition", "exhibitor__organization", "guest").get(pk=meeting_id)
    exhibitor = meeting.exhibitor
    recipients = sorted({e for e in [exhibitor.contact_email, *exhibitor.representatives.values_list("email", flat=True)] if e})
    if not recipients:
        return False
    outbox.queue(
        key=f"expo.meeting_requested:{meeting.pk}", event="expo.meeting_requested", to=recipients, language=exhibitor.language,
        template="expo/email/meeting_requested", context={"meeting": meeting, "exhibitor": exhibitor, "edition": exhibitor.edition},
    )
    return True


@shared_task(name="expo.send_meeting_decision", **RETRY)
def send_meeting_decision(meeting_id: int, status: str) -> bool:
    """Tell the guest that the exhibitor accepted or declined, once."""
    from .models import MeetingRequest

    with transaction.atomic():
        meeting = MeetingRequest.objects.select_for_update().select_related("exhibitor__edition", "exhibitor__organization", "guest").get(pk=meeting_id)
        if meeting.status != status or meeting.notified_status == status:
            return False
        outbox.queue(
            key=f"expo.meeting_decision:{meeting.pk}:{status}:{_when(meeting.decided_at)}", event="expo.meeting_decision", to=[meeting.guest.email],
            language=meeting.language, template="expo/email/meeting_decision",
            context={"meeting": meeting, "exhibitor": meeting.exhibitor, "edition": meeting.exhibitor.edition},
        )
        meeting.notified_status = status
        meeting.save(update_fields=["notified_status"])
    return bool(meeting.guest.email)
