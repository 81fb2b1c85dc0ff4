"""Celery tasks of the expo: thin wrappers taking primary keys. The services record their emails
themselves, in their own transaction (expo/notifications.py); these tasks remain for messages a
broker still holds from before, and do the same. Each mail is written once, however often a task runs."""
from celery import shared_task


@shared_task(name="expo.send_exhibitor_decision", acks_late=True)
def send_exhibitor_decision(exhibitor_id: int, status: str) -> bool:
    """Tell the applicant (representatives and contact) of the organizers' decision, once."""
    from .notifications import exhibitor_decision_announce

    return exhibitor_decision_announce(exhibitor_id=exhibitor_id, status=status)


@shared_task(name="expo.send_meeting_requested", acks_late=True)
def send_meeting_requested(meeting_id: int) -> bool:
    """Tell the exhibitor's contact that a guest asks for a meeting."""
    from .notifications import meeting_requested_announce

    return meeting_requested_announce(meeting_id=meeting_id)


@shared_task(name="expo.send_meeting_decision", acks_late=True)
def send_meeting_decision(meeting_id: int, status: str) -> bool:
    """Tell the guest that the exhibitor accepted or declined, once."""
    from .notifications import meeting_decision_announce

    return meeting_decision_announce(meeting_id=meeting_id, status=status)
