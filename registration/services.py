"""Guest registration: register, and the organizers' decisions (with the guest's email)."""
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wic import queueing, webhooks
from wic.errors import ConflictError, DomainError
from wic.models import Edition

from . import webhook_events
from .enums import DECISIONS, RegistrationStatus
from .models import Credential, Registration
from .notifications import registration_decision_announce, registration_link_resent, registration_link_send, registration_received_announce
from .tasks import render_badge

# Like pretix: an alphabet without look-alike characters (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
FIELDS = (
    "name", "name_zh", "email", "organization_name", "title", "country", "category", "participation", "languages",
    "needs_visa_letter", "needs_accommodation", "accessibility_needs", "diet", "allergies", "consent",
)


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


class DuplicateRegistration(ConflictError):
    """The address is already registered for the edition; `existing` is that registration."""

    def __init__(self, existing: Registration):
        super().__init__("duplicate_registration", _("%(email)s is already registered for this edition.") % {"email": existing.email}, field="email")
        self.existing = existing


@transaction.atomic
def registration_request(*, edition: Edition, data: dict, user=None, language: str = "zh-hans") -> None:
    """A registration from the public form or API, answered the same whether or not the address was
    registered already, so that nobody learns from the answer who registered: the guest's page is
    never shown in the answer, its link is mailed to the address (`registration_link_send`: once,
    and at most once an hour however often someone registers the address again). A new address is
    registered (`registration_create`, with its refusals: `registration_closed`,
    `consent_required`, `invalid`) and sent the confirmation of its registration, in the language
    it registered in (`registration_received_announce`: the link, the reference and what happens
    next); the registration and its email are written in one transaction."""
    try:
        registration = registration_create(edition=edition, data=data, user=user, language=language)
    except DuplicateRegistration as duplicate:
        registration_link_send(registration_id=duplicate.existing.pk)
    else:  # a new registration: the confirmation, which carries the link and what happens next
        registration_received_announce(registration_id=registration.pk)


def registration_open(edition: Edition, today=None) -> bool:
    """Whether guests may still register for the edition: until its last day (Beijing time). An
    edition whose dates the texts do not give (2015, 2016) is history: closed."""
    return edition.has_dates and not edition.has_ended(today or timezone.localdate())


def registration_create(*, edition: Edition, data: dict, user=None, language: str = "zh-hans") -> Registration:
    """Register a guest. Refused when the edition is over (`registration_closed`), without consent
    to the privacy notice (`consent_required`), with a field of the wrong shape (`invalid`), or
    when the email is already registered for the edition (`duplicate_registration`), a database
    constraint backing the last rule against simultaneous requests. The fields are checked before
    the duplicate, so a refusal never depends on whether the address is registered. Sends no
    email: the public form and API go through `registration_request`."""
    if not registration_open(edition):
        raise DomainError("registration_closed", _("Edition %(year)s is over; registration is closed.") % {"year": edition.year})
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise DomainError("invalid", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not data.get("consent"):
        raise DomainError("consent_required", _("Please agree to the privacy notice to register."), field="consent")
    email = (data.get("email") or "").strip()
    registration = Registration(edition=edition, user=user if user and user.is_authenticated else None, language=language, **{**data, "email": email})
    try:
        registration.clean_fields(exclude=["reference", "token"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError("invalid", f"{field}: {' '.join(messages)}", field=field) from None
    existing = Registration.objects.filter(edition=edition, email__iexact=email).first()
    if existing:
        raise DuplicateRegistration(existing)
    for _attempt in range(3):  # a clash of random codes is next to impossible; draw again if it happens
        registration.reference = random_code(8)
        registration.token = random_code(32)  # 32 symbols of 31: about 158 bits
        try:
            with transaction.atomic():
                registration.save()
            return registration
        except IntegrityError:
            existing = Registration.objects.filter(edition=edition, email__iexact=email).first()
            if existing:
                raise DuplicateRegistration(existing) from None
    raise DomainError("try_again", _("Please try again."), status=503)


@transaction.atomic
def registration_decide(*, registration: Registration, status: str, actor) -> Registration:
    """Approve, wait-list or reject (`invalid_transition` for anything else). The guest's email is
    recorded in the same transaction (a transactional outbox) and sent once it commits; a broker
    that is down delays it (the outbox sweep), never the decision."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if status not in DECISIONS.get(registration.status, ()):
        raise ConflictError(
            "invalid_transition",
            _("A registration that is %(from)s cannot become %(to)s.")
            % {"from": RegistrationStatus(registration.status).label, "to": RegistrationStatus(status).label if status in RegistrationStatus.values else status},
        )
    registration.status = status
    registration.decided_at = timezone.now()
    registration.decided_by = actor
    registration.save(update_fields=["status", "decided_at", "decided_by"])
    webhooks.emit("registration.decided", lambda: webhook_events.registration_decided(registration))
    if status == RegistrationStatus.APPROVED and registration.participation == "on_site":
        credential_issue(registration=registration)
    registration_decision_announce(registration_id=registration.pk, status=status)
    return registration


LINK_RESENT = "private link emailed again"  # the audit entry's name for it (not a field)


@transaction.atomic
def registration_link_resend(*, registration: Registration, actor) -> None:
    """An organizer sends the guest the link to their registration page again (the guest lost the
    email). Effects: the email, in the guest's language, recorded in the outbox whatever the
    hourly limit on the public form (an organizer's deliberate act); an entry in the audit trail
    saying who sent it and when (not to which address: the trail keeps no personal data)."""
    from auditlog.models import LogEntry

    sent_at = registration_link_resent(registration_id=registration.pk)
    LogEntry.objects.log_create(
        registration, action=LogEntry.Action.UPDATE, changes={LINK_RESENT: ["", timezone.localtime(sent_at).isoformat()]},
        additional_data={"event": "registration.link_resent"}, actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def registrations_decide(*, registrations, status: str, actor) -> tuple[list, list]:
    changed, refused = [], []
    for registration in registrations:
        try:
            changed.append(registration_decide(registration=registration, status=status, actor=actor))
        except DomainError as error:
            refused.append((registration, error))
    return changed, refused


CREDENTIAL_LENGTH = 28  # 28 symbols of a 31-symbol alphabet: about 139 bits


@transaction.atomic
def credential_issue(*, registration: Registration) -> Credential:
    """The registration's active credential, issued now if it has none. Only approved on-site
    guests get one (`not_approved`, `not_on_site`)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.APPROVED:
        raise DomainError("not_approved", _("Only approved guests get a credential."))
    if registration.participation != "on_site":
        raise DomainError("not_on_site", _("Online participants need no credential."))
    active = registration.credentials.filter(revoked_at__isnull=True).first()
    if active is not None:
        return active
    credential = Credential.objects.create(registration=registration, secret=random_code(CREDENTIAL_LENGTH))
    webhooks.emit("credential.issued", lambda: webhook_events.credential_data(credential))
    queueing.enqueue_on_commit(render_badge, credential.pk)  # broker down: drawn when the guest asks for it
    return credential


def credential_badge_render(*, credential_id: int) -> bool:
    """Draw the badge PDF of an active credential and store it (`Credential.badge`). Returns
    False, writing nothing, for a revoked or unknown credential or one whose badge exists."""
    from django.core.files.base import ContentFile

    from .badge import badge_pdf

    credential = Credential.objects.select_related("registration__edition").filter(pk=credential_id, revoked_at__isnull=True).first()
    if credential is None or credential.badge:
        return False
    content = badge_pdf(credential)
    credential.badge.save(f"badge-{credential.registration.reference}-{credential.pk}.pdf", ContentFile(content), save=False)
    # Only the file name is written, and only if no other run stored one meanwhile.
    stored = Credential.objects.filter(pk=credential.pk, badge="").update(badge=credential.badge.name)
    if not stored:
        credential.badge.storage.delete(credential.badge.name)
    return bool(stored)


@transaction.atomic
def credential_revoke(*, credential: Credential, actor) -> Credential:
    """Revoke a credential: its secret then scans as `revoked` (the row stays, with who revoked it
    and when; saved, so the audit trail sees it). Refused for one revoked already
    (`already_revoked`). Locks the registration, then the credential, as issuing does."""
    registration = Registration.objects.select_for_update().get(pk=credential.registration_id)
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise ConflictError(
            "already_revoked",
            _("This credential of %(reference)s was revoked already, on %(when)s.")
            % {"reference": registration.reference, "when": timezone.localtime(credential.revoked_at).strftime("%Y-%m-%d %H:%M")},
        )
    credential.revoked_at, credential.revoked_by = timezone.now(), actor
    credential.save(update_fields=["revoked_at", "revoked_by"])
    webhooks.emit("credential.revoked", lambda: webhook_events.credential_data(credential))
    return credential


@transaction.atomic
def credential_reissue(*, registration: Registration, actor) -> Credential:
    """Revoke the active credential (its secret then scans as `revoked`) and issue a new one."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    for credential in registration.credentials.filter(revoked_at__isnull=True):  # at most one
        credential_revoke(credential=credential, actor=actor)
    return credential_issue(registration=registration)


INVITATION_ONLY = ("by_invitation", "invited_only")  # with Session.closed_door: Session.is_invitation_only


@transaction.atomic
def invitations_create(*, session, registrations=(), category: str = "") -> int:
    """Invite approved guests to an invitation-only agenda item: the given registrations, and every
    approved guest of `category` in the item's edition. Refused for an open item
    (`not_invitation_only`) or an unapproved guest (`not_approved`, naming them). Returns how many
    invitations are new; inviting twice changes nothing."""
    from .models import Invitation

    if not session.is_invitation_only:
        raise DomainError("not_invitation_only", _("%(title)s is not an invitation-only item; invitations are for invitation-only items.") % {"title": session.title_zh})
    chosen = list(registrations)
    unapproved = [r for r in chosen if r.status != RegistrationStatus.APPROVED]
    if unapproved:
        raise DomainError("not_approved", _("Only approved guests can be invited: %(names)s.") % {"names": ", ".join(r.name for r in unapproved)})
    wrong_edition = [r for r in chosen if r.edition_id != session.edition_id]
    if wrong_edition:
        raise DomainError("invalid", _("These guests registered for another edition: %(names)s.") % {"names": ", ".join(r.name for r in wrong_edition)})
    ids = {r.pk for r in chosen}
    if category:
        ids |= set(Registration.objects.filter(edition_id=session.edition_id, category=category, status=RegistrationStatus.APPROVED).values_list("pk", flat=True))
    existing = set(Invitation.objects.filter(session=session, registration_id__in=ids).values_list("registration_id", flat=True))
    Invitation.objects.bulk_create([Invitation(session=session, registration_id=pk) for pk in sorted(ids - existing)], ignore_conflicts=True)
    return len(ids - existing)
