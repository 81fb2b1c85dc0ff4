"""Who is told what in the expo: the applicants', exhibitors' and guests' emails, recorded in the
outbox (wic.outbox) inside the caller's transaction, so each email exists exactly when what it
announces does; delivery follows the commit. Each is written once (`notified_status`, or the
idempotency key). expo/tasks.py wraps these for messages a broker still holds."""
from django.db import transaction

from wic import outbox


def _when(moment) -> str:
    return moment.isoformat() if moment else ""


def _exhibitor_addresses(exhibitor) -> list[str]:
    return sorted({e for e in [exhibitor.contact_email, *exhibitor.representatives.values_list("email", flat=True)] if e})


def exhibitor_decision_announce(*, exhibitor_id: int, status: str) -> bool:
    """Record the applicant's email (representatives and contact) about the organizers' decision, once."""
    from .models import Exhibitor

    with transaction.atomic():
        exhibitor = Exhibitor.objects.select_for_update(of=("self",)).select_related("edition", "organization").get(pk=exhibitor_id)
        if exhibitor.status != status or exhibitor.notified_status == status:
            return False
        recipients = _exhibitor_addresses(exhibitor)
        outbox.queue(
            key=f"expo.decision:{exhibitor.pk}:{status}:{_when(exhibitor.decided_at)}", event="expo.decision", to=recipients,
            language=exhibitor.language, template="expo/email/decision", context={"exhibitor": exhibitor, "edition": exhibitor.edition},
        )
        exhibitor.notified_status = status
        exhibitor.save(update_fields=["notified_status"])
    return bool(recipients)


def meeting_requested_announce(*, meeting_id: int) -> bool:
    """Record the email telling the exhibitor's contact that a guest asks for a meeting (once: its key)."""
    from .models import MeetingRequest

    meeting = MeetingRequest.objects.select_related("exhibitor__edition", "exhibitor__organization", "guest").get(pk=meeting_id)
    exhibitor = meeting.exhibitor
    recipients = _exhibitor_addresses(exhibitor)
    if not recipients:
        return False
    outbox.queue(
        key=f"expo.meeting_requested:{meeting.pk}", event="expo.meeting_requested", to=recipients, language=exhibitor.language,
        template="expo/email/meeting_requested", context={"meeting": meeting, "exhibitor": exhibitor, "edition": exhibitor.edition},
    )
    return True


def meeting_decision_announce(*, meeting_id: int, status: str) -> bool:
    """Record the guest's email saying that the exhibitor accepted or declined, once."""
    from .models import MeetingRequest

    with transaction.atomic():
        meeting = MeetingRequest.objects.select_for_update(of=("self",)).select_related("exhibitor__edition", "exhibitor__organization", "guest").get(pk=meeting_id)
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
