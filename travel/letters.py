"""Visa invitation letters: the request, the organizers' decision, revocation, the public check and
the erasure of passport data (issue 24). Views, the API and the admin call these; each refusal is a
DomainError with a stable code and the field it names. Nothing here sends a half-saved letter:
every change is one transaction, the email is queued in it (wic.outbox).

Codes: `not_eligible` (the registration is not approved), `already_requested` (409: a letter is
requested or approved already), `required`, `too_long`, `invalid_country`, `invalid_passport_number`,
`invalid_date`, `born_in_future`, `stay_out_of_order` (departure before arrival),
`stay_out_of_range` (the stay does not cover a day of the summit, or lasts more than 90 days),
`passport_expires_too_soon` (the passport expires before the stay ends), `edition_has_no_dates`,
`not_requested` / `not_approved` (409: the letter is not in the state the action needs),
`reason_required`."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from registration.enums import RegistrationStatus
from registration.models import Registration
from wic.errors import DomainError

from .enums import LetterStatus
from .models import VisaLetter

ERASE_AFTER = timedelta(days=30)  # passport data is erased this long after the edition's last day
MAX_STAY = 90  # days: a letter for a summit of a few days does not cover a longer stay
EARLIEST_BIRTH = date(1900, 1, 1)
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on a consulate's phone
LIMITS = {"passport_name": 200, "apply_at": 200}
FIELDS = ("passport_name", "nationality", "passport_number", "date_of_birth", "passport_expires_on", "apply_at", "stay_from", "stay_until")


def _required(field: str, label: str) -> DomainError:
    return DomainError("required", _("Enter %(label)s.") % {"label": label}, field=field)


def _date(data: dict, field: str, label: str) -> date:
    value = data.get(field)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        raise _required(field, label)
    try:
        if not (text.isascii() and len(text) == 10):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError("invalid_date", _("Enter %(label)s as a date such as 2027-11-18.") % {"label": label}, field=field) from None


def eligible(registration: Registration) -> bool:
    """Whether the guest may ask for a letter: an approved registration, or a pending one where
    the organizers allow it (settings.TRAVEL_LETTERS_FOR_PENDING)."""
    allowed = {RegistrationStatus.APPROVED}
    if getattr(settings, "TRAVEL_LETTERS_FOR_PENDING", False):
        allowed.add(RegistrationStatus.PENDING)
    return registration.status in allowed


def live_letter(registration: Registration) -> VisaLetter | None:
    return registration.visa_letters.filter(status__in=[LetterStatus.REQUESTED, LetterStatus.APPROVED]).order_by("-pk").first()


def clean(data: dict, *, edition) -> dict:
    """The request's values, checked field by field in the form's order (the first problem is
    raised, naming its field)."""
    cleaned = {}
    name = str(data.get("passport_name") or "").strip()
    if not name:
        raise _required("passport_name", _("your name as in your passport"))
    _check_length("passport_name", name)
    cleaned["passport_name"] = name
    nationality = str(data.get("nationality") or "").strip().upper()
    if not nationality:
        raise _required("nationality", _("your nationality"))
    if nationality not in dict(countries):
        raise DomainError("invalid_country", _("Choose your nationality from the list."), field="nationality")
    cleaned["nationality"] = nationality
    number = re.sub(r"[\s-]", "", str(data.get("passport_number") or "")).upper()
    if not number:
        raise _required("passport_number", _("your passport number"))
    if not PASSPORT_NUMBER.match(number):
        raise DomainError(
            "invalid_passport_number", _("Enter the passport number as printed: 5 to 20 Latin letters and digits."), field="passport_number",
        )
    cleaned["passport_number"] = number
    born = _date(data, "date_of_birth", _("your date of birth"))
    today = timezone.localdate()
    if born >= today or born < EARLIEST_BIRTH:
        raise DomainError("born_in_future", _("Enter your date of birth: a date between 1900 and today."), field="date_of_birth")
    cleaned["date_of_birth"] = born.isoformat()
    expires = _date(data, "passport_expires_on", _("your passport's expiry date"))
    apply_at = str(data.get("apply_at") or "").strip()
    if not apply_at:
        raise _required("apply_at", _("the embassy or consulate where you apply"))
    _check_length("apply_at", apply_at)
    cleaned["apply_at"] = apply_at
    stay_from = _date(data, "stay_from", _("the day you arrive in China"))
    stay_until = _date(data, "stay_until", _("the day you leave China"))
    if stay_until < stay_from:
        raise DomainError("stay_out_of_order", _("The day you leave China comes before the day you arrive: check both dates."), field="stay_until")
    if not edition.has_dates:
        raise DomainError("edition_has_no_dates", _("The summit's dates are not published yet, so no letter can state them."), status=409, field="stay_from")
    if stay_until < edition.start_date or stay_from > edition.end_date or (stay_until - stay_from).days + 1 > MAX_STAY:
        raise DomainError(
            "stay_out_of_range",
            _("Your stay must include at least one day of the summit (%(first)s to %(last)s) and last at most %(days)s days.")
            % {"first": edition.start_date.isoformat(), "last": edition.end_date.isoformat(), "days": MAX_STAY},
            field="stay_from",
        )
    if expires <= stay_until:
        raise DomainError(
            "passport_expires_too_soon",
            _("Your passport expires on %(expires)s, on or before the day your stay ends (%(until)s): a visa needs a passport valid beyond the stay.")
            % {"expires": expires.isoformat(), "until": stay_until.isoformat()},
            field="passport_expires_on",
        )
    cleaned.update(passport_expires_on=expires, stay_from=stay_from, stay_until=stay_until)
    return cleaned


def _check_length(field: str, value: str) -> None:
    if len(value) > LIMITS[field]:
        raise DomainError("too_long", _("Shorten this to %(limit)s characters at most.") % {"limit": LIMITS[field]}, field=field)


def letter_request(registration: Registration, *, data: dict, language: str = "en", now: datetime | None = None) -> VisaLetter:
    """A guest's request. The registration's row is locked, so two requests sent together make
    one letter (the second: `already_requested`)."""
    now = now or timezone.now()
    if not eligible(registration):
        raise DomainError(
            "not_eligible", _("A visa invitation letter can be requested once your registration is approved."), status=409, field="registration",
        )
    cleaned = clean(data, edition=registration.edition)
    with transaction.atomic():
        locked = Registration.objects.select_for_update().filter(pk=registration.pk).first()
        if locked is None or not eligible(locked):  # decided meanwhile: judged on the locked row
            raise DomainError(
                "not_eligible", _("A visa invitation letter can be requested once your registration is approved."), status=409, field="registration",
            )
        existing = live_letter(registration)
        if existing is not None:
            raise DomainError(
                "already_requested",
                _("You already have a visa invitation letter (%(status)s); the secretariat can revoke it if something must change.")
                % {"status": existing.get_status_display()},
                status=409, field="registration",
            )
        letter = VisaLetter.objects.create(registration=registration, requested_at=now, language=(language or "en")[:8], **cleaned)
        _notify(letter, "requested")
    return letter


def _locked(letter: VisaLetter) -> VisaLetter:
    return VisaLetter.objects.select_for_update(of=("self",)).select_related("registration__edition").get(pk=letter.pk)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def letter_decide(letter: VisaLetter, *, approve: bool, actor=None, reason: str = "", now: datetime | None = None) -> VisaLetter:
    """Approve (the letter gets its reference WIC<year>-VL-<number> and a verification code) or
    refuse (with a reason the guest reads). Only a requested letter: `not_requested`."""
    now = now or timezone.now()
    reason = str(reason or "").strip()
    if not approve and not reason:
        raise DomainError("reason_required", _("Say why the letter is refused: the guest reads it."), field="reason")
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != LetterStatus.REQUESTED:
            raise DomainError(
                "not_requested", _("This letter is %(status)s, not awaiting a decision.") % {"status": letter.get_status_display()}, status=409, field="status",
            )
        if approve and not eligible(letter.registration):
            raise DomainError(
                "not_eligible", _("The guest's registration is no longer approved: refuse the letter instead."), status=409, field="registration",
            )
        letter.decided_at, letter.decided_by = now, actor if getattr(actor, "is_authenticated", False) else None
        if approve:
            letter.status = LetterStatus.APPROVED
            letter.reference = f"WIC{letter.registration.edition.year}-VL-{letter.pk:05d}"
            letter.verify_code = _new_code()
        else:
            letter.status, letter.refusal_reason = LetterStatus.REFUSED, reason
        letter.save()
        _notify(letter, "approved" if approve else "refused")
    return letter


def letter_revoke(letter: VisaLetter, *, actor=None, reason: str = "", now: datetime | None = None) -> VisaLetter:
    """Revoke an approved letter: the verification page says so from now on."""
    now = now or timezone.now()
    reason = str(reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the letter is revoked: the guest reads it."), field="reason")
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != LetterStatus.APPROVED:
            raise DomainError(
                "not_approved", _("Only an approved letter can be revoked; this one is %(status)s.") % {"status": letter.get_status_display()}, status=409, field="status",
            )
        letter.status, letter.revoked_at, letter.revoke_reason = LetterStatus.REVOKED, now, reason
        letter.save()
        _notify(letter, "revoked")
    return letter


def verification(code: str, *, today: date | None = None) -> tuple[VisaLetter | None, str]:
    """(letter, state) for the public page: state `valid`, `expired` (the stay is over),
    `revoked`, or `unknown` (no approved or revoked letter has this code)."""
    code = str(code or "").strip().upper()
    if not (code.isascii() and code.isalnum() and len(code) <= 32):
        return None, "unknown"
    letter = VisaLetter.objects.filter(verify_code=code, status__in=[LetterStatus.APPROVED, LetterStatus.REVOKED]).select_related("registration__edition").first()
    if letter is None:
        return None, "unknown"
    if letter.status == LetterStatus.REVOKED:
        return letter, "revoked"
    if letter.stay_until < (today or timezone.localdate()):
        return letter, "expired"
    return letter, "valid"


def erase_passport_data(*, now: datetime | None = None) -> int:
    """Clear the passport number and date of birth of every letter whose edition ended more than
    ERASE_AFTER ago (the beat task, daily). Returns how many letters were erased."""
    now = now or timezone.now()
    last_day = timezone.localdate(now) - ERASE_AFTER
    due = VisaLetter.objects.filter(passport_erased_at__isnull=True, registration__edition__end_date__lt=last_day)
    return due.update(passport_number="", date_of_birth="", passport_erased_at=now)


def masked(value: str) -> str:
    """A passport number or date of birth for readers without the visa permission."""
    if not value:
        return ""
    return "\u2022" * max(len(value) - 2, 2) + value[-2:]


def _notify(letter: VisaLetter, event: str) -> None:
    """Queue the guest's email about the letter (wic.outbox; the template names the event)."""
    from wic import outbox

    registration = letter.registration
    outbox.queue(
        key=f"travel.letter:{letter.pk}:{event}", event=f"travel.letter-{event}", to=[registration.email], language=letter.language,
        template="travel/email/letter", context={"letter": letter, "registration": registration, "event": event, "edition": registration.edition},
    )
