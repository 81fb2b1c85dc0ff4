"""Who is told what about a registration: the guest's emails, recorded in the outbox (wic.outbox).

Each function writes its email in the caller's transaction (the decision's, the registration's),
so the email exists exactly when what it announces does; delivery follows the commit. The
registration row is locked while the email is chosen, so two callers never both write one.
The tasks in registration/tasks.py are thin wrappers around these.
"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from wic import outbox
from wic.models import OutgoingEmail

LINK_EVERY = timedelta(hours=1)  # the link to a registration's page is mailed at most this often


def _locked(registration_id: int):
    from .models import Registration

    return Registration.objects.select_for_update(of=("self",)).select_related("edition").get(pk=registration_id)


def registration_decision_announce(*, registration_id: int, status: str) -> bool:
    """Record the guest's email about a decision, in their language, once per decision
    (`notified_status`). Returns whether one was written (False when the registration is no
    longer in that status or was already told)."""
    with transaction.atomic():
        registration = _locked(registration_id)
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


def registration_link_send(*, registration_id: int) -> bool:
    """Record an email with the link to the guest's registration page, unless one was recorded in
    the last LINK_EVERY: someone registering the same address again and again (a stranger
    testing whether it is registered) mails its owner at most once an hour. Returns whether one
    was written."""
    with transaction.atomic():
        registration = _locked(registration_id)
        now = timezone.now()
        prefix = f"registration.link:{registration.pk}:"
        if OutgoingEmail.objects.filter(key__startswith=prefix, created__gt=now - LINK_EVERY).exists():
            return False
        outbox.queue(
            key=f"{prefix}{now.isoformat()}", event="registration.link", to=[registration.email], language=registration.language,
            template="registration/email/link", context={"registration": registration, "edition": registration.edition},
        )
    return True
