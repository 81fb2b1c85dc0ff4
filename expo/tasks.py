"""Celery tasks of the expo: thin wrappers taking primary keys. Each mail is sent once
(`notified_status`), however often the task runs."""
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

RETRY = {"acks_late": True, "autoretry_for": (SMTPException, ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 5}


def _render(name: str, language: str, context: dict) -> tuple[str, str]:
    with translation.override(language or "zh-hans"):
        context = {**context, "site_url": getattr(settings, "SITE_URL", "")}
        subject = render_to_string(f"expo/email/{name}_subject.txt", context).strip()
        body = render_to_string(f"expo/email/{name}_body.txt", context)
    return subject, body


@shared_task(name="expo.send_exhibitor_decision", **RETRY)
def send_exhibitor_decision(exhibitor_id: int, status: str) -> bool:
    """Tell the applicant (representatives and contact) of the organizers' decision, once."""
    from .models import Exhibitor

    with transaction.atomic():
        exhibitor = Exhibitor.objects.select_for_update().select_related("edition", "organization").get(pk=exhibitor_id)
        if exhibitor.status != status or exhibitor.notified_status == status:
            return False
        recipients = sorted({e for e in [exhibitor.contact_email, *exhibitor.representatives.values_list("email", flat=True)] if e})
        if recipients:
            subject, body = _render("decision", exhibitor.language, {"exhibitor": exhibitor, "edition": exhibitor.edition})
            send_mail(subject, body, None, recipients)
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
    subject, body = _render("meeting_requested", exhibitor.language, {"meeting": meeting, "exhibitor": exhibitor, "edition": exhibitor.edition})
    send_mail(subject, body, None, recipients)
    return True


@shared_task(name="expo.send_meeting_decision", **RETRY)
def send_meeting_decision(meeting_id: int, status: str) -> bool:
    """Tell the guest that the exhibitor accepted or declined, once."""
    from .models import MeetingRequest

    with transaction.atomic():
        meeting = MeetingRequest.objects.select_for_update().select_related("exhibitor__edition", "exhibitor__organization", "guest").get(pk=meeting_id)
        if meeting.status != status or meeting.notified_status == status:
            return False
        if meeting.guest.email:
            subject, body = _render("meeting_decision", meeting.language, {"meeting": meeting, "exhibitor": meeting.exhibitor, "edition": meeting.exhibitor.edition})
            send_mail(subject, body, None, [meeting.guest.email])
        meeting.notified_status = status
        meeting.save(update_fields=["notified_status"])
    return bool(meeting.guest.email)
