"""Celery tasks of guest registration: thin wrappers taking primary keys. The services record the
guest's emails themselves, in their own transaction (registration/notifications.py); the two
send_* tasks remain for messages a broker still holds from before, and do the same."""
from celery import shared_task


@shared_task(name="registration.send_decision", acks_late=True)
def send_registration_decision(registration_id: int, status: str) -> bool:
    """Tell the guest of a decision, in their language, once (`notified_status`)."""
    from .notifications import registration_decision_announce

    return registration_decision_announce(registration_id=registration_id, status=status)


@shared_task(name="registration.send_link", acks_late=True)
def send_registration_link(registration_id: int) -> bool:
    """Send the guest the link to their registration page, at most once an hour."""
    from .notifications import registration_link_send

    return registration_link_send(registration_id=registration_id)


@shared_task(name="registration.render_badge", acks_late=True)
def render_badge(credential_id: int) -> bool:
    """Draw and store the badge PDF of a credential (see services.credential_badge_render)."""
    from .services import credential_badge_render

    return credential_badge_render(credential_id=credential_id)
