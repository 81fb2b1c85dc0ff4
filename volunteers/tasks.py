"""Celery tasks of the volunteer programme: thin wrappers taking primary keys.

`volunteers.mark_no_shows` is meant for Celery beat, every minute:

    CELERY_BEAT_SCHEDULE = {"volunteers-mark-no-shows": {"task": "volunteers.mark_no_shows", "schedule": 60.0}}

and so is `volunteers.send_shift_alerts` (issue 25, "volunteers-send-shift-alerts"; the
"notifications" queue, as every `*.send_*` task): the shifts' change alerts, volunteers.shift_alerts.
"""
from celery import shared_task


@shared_task(name="volunteers.send_decision", acks_late=True)
def send_volunteer_decision(volunteer_id: int, status: str) -> bool:
    """Tell the applicant of a decision, in their language, once per decision (`notified_status`).
    The services record this email themselves (volunteers/notifications.py); the task remains for
    messages a broker still holds from before."""
    from .notifications import volunteer_decision_announce

    return volunteer_decision_announce(volunteer_id=volunteer_id, status=status)


@shared_task(name="volunteers.send_standby_offer", acks_late=True)
def send_standby_offer(offer_id: int) -> bool:
    """Email a standby volunteer the offer of a freed place, once (`emailed`); see send_volunteer_decision."""
    from .notifications import standby_offer_announce

    return standby_offer_announce(offer_id=offer_id)


@shared_task(name="volunteers.mark_no_shows")
def mark_no_shows() -> dict:
    """Beat task (every minute): mark no-shows and offer their places to standby volunteers."""
    from .services import no_shows_mark

    return no_shows_mark()


@shared_task(name="volunteers.send_shift_alerts")
def send_shift_alerts() -> dict:
    """Beat task (every minute): tell the volunteers of the shifts whose burst of changes is 10
    minutes old. Returns the counts (alerts sent, unchanged, with nobody to tell; people told)."""
    from .shift_alerts import send_shift_alerts as send

    return send()
