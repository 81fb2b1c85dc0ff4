"""Who is told what about a registration: the guest's emails, recorded in the outbox (wic.outbox).

Each function writes its email in the caller's transaction (the decision's, the registration's),
so the email exists exactly when what it announces does; delivery follows the commit. The
registration row is locked while the email is chosen, so two callers never both write one.
The tasks in registration/tasks.py are thin wrappers around these.
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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
        recent = OutgoingEmail.objects.filter(created__gt=now - LINK_EVERY)
        if recent.filter(Q(key__startswith=prefix) | Q(key=received_key(registration.pk))).exists():
            return False
        outbox.queue(
            key=f"{prefix}{now.isoformat()}", event="registration.link", to=[registration.email], language=registration.language,
            template="registration/email/link", context={"registration": registration, "edition": registration.edition},
        )
    return True


def _privacy_path() -> str:
    from django.urls import reverse

    return reverse("privacy")  # the core's page (wic.views.privacy)


def received_key(registration_id: int) -> str:
    return f"registration.received:{registration_id}"


def registration_received_announce(*, registration_id: int) -> bool:
    """Record the confirmation of a new registration, in the language the guest registered in: its
    reference, what was registered, what happens next and the link to the guest's page. Once per
    registration (its key); it counts as the link's email for the hourly limit of
    `registration_link_send`. Returns whether one was written."""
    with transaction.atomic():
        registration = _locked(registration_id)
        key = received_key(registration.pk)
        if OutgoingEmail.objects.filter(key=key).exists():
            return False
        outbox.queue(
            key=key, event="registration.received", to=[registration.email], language=registration.language,
            template="registration/email/received",
            context={"registration": registration, "edition": registration.edition, "secretariat": settings.DEFAULT_FROM_EMAIL, "privacy_path": _privacy_path()},
        )
    return True


def registration_link_resent(*, registration_id: int):
    """Record the link email again at an organizer's request, whatever the hourly limit; returns
    when (the key's time)."""
    with transaction.atomic():
        registration = _locked(registration_id)
        now = timezone.now()
        outbox.queue(
            key=f"registration.link:{registration.pk}:{now.isoformat()}", event="registration.link", to=[registration.email],
            language=registration.language, template="registration/email/link", context={"registration": registration, "edition": registration.edition},
        )
    return now
