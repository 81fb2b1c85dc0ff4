"""Celery tasks of the agenda (issue 25).

`agenda.send_change_alerts` runs from Celery beat every minute (wic/settings.py,
CELERY_BEAT_SCHEDULE "agenda-send-change-alerts"; the "notifications" queue, as every `*.send_*`
task). Which alerts are due and who is told is agenda.session_alerts' rule; the task is a thin
wrapper: it takes no arguments and holds no rule."""
from celery import shared_task


@shared_task(name="agenda.send_change_alerts")
def send_change_alerts() -> dict:
    """Beat task (every minute): tell the starrers of the sessions whose burst of changes is 10
    minutes old. Returns the counts (alerts sent, unchanged, with nobody to tell; people told)."""
    from .session_alerts import send_change_alerts as send

    return send()
