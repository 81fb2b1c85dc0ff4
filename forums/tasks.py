"""Celery tasks of the sub-forum process: thin wrappers taking primary keys. The services record
the applicant's emails themselves, in the decision's transaction (forums/notifications.py); this
task remains for messages a broker still holds from before, and does the same."""
from celery import shared_task


@shared_task(name="forums.send_decision_email", acks_late=True)
def send_decision_email(application_id: int, state: str) -> bool:
    """Tell the applicant of a decision, in their language, once (`notified_state`)."""
    from .notifications import application_decision_announce

    return application_decision_announce(application_id=application_id, state=state)
