import uuid
from smtplib import SMTPException

from celery import shared_task
from django.db import transaction

from wic import outbox


@shared_task(name="registration.send_decision", acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_registration_decision(registration_id: int, status: str) -> bool:
    """Tell the guest of a decision, in their language, once (`notified_status`)."""
    from .models import Registration

    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("edition").get(pk=registration_id)
        if registration.status != status or registration.notified_status == status:
            return False
        outbox.queue(
            key=f"registration.decision:{registration.pk}:{status}:{registration.decided_at.isoformat() if registration.decided_at else ''}",
            event="registration.decision", to=[registration.email], language=registration.language, template="registration/email/decision",
            context={"registration": registration, "edition": registration.edition},
        )
        registration.notified_status = status
        registration.save(update_fields=["notified_status"])
    return True


@shared_task(name="registration.send_link", bind=True, acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_registration_link(self, registration_id: int) -> bool:
    """Send the guest the link to their registration page (after a second registration attempt);
    once per run of this task (its id is the key, so a retry of the task does not send twice)."""
    from .models import Registration

    registration = Registration.objects.select_related("edition").get(pk=registration_id)
    outbox.queue(
        key=f"registration.link:{registration.pk}:{self.request.id or uuid.uuid4()}", event="registration.link", to=[registration.email],
        language=registration.language, template="registration/email/link", context={"registration": registration, "edition": registration.edition},
    )
    return True


@shared_task(name="registration.render_badge", acks_late=True)
def render_badge(credential_id: int) -> bool:
    """Draw and store the badge PDF of a credential (see services.credential_badge_render)."""
    from .services import credential_badge_render

    return credential_badge_render(credential_id=credential_id)
