"""Gate check-in, pretix-style: one service decides every scan.

`checkin_scan` locks the credential row it reads (select_for_update inside atomic), so two gates
scanning the same code at the same instant admit it once; a partial unique constraint on
(list, credential) for admitted entries backs that up. A client nonce makes retries safe: the
same nonce returns the first answer and writes nothing. Every scan is kept, refused ones too.
"""
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .enums import RegistrationStatus
from .models import Checkin, CheckinList, Credential, Invitation

RESULTS = ("ok", "already_checked_in", "revoked", "not_invited", "not_approved", "wrong_day", "invalid")
# Switched off only by the concurrency test's negative control, to show the test catches the race.
LOCK_CREDENTIAL = True


@dataclass
class ScanAnswer:
    result: str
    checkin: Checkin
    first: Checkin | None = None  # for already_checked_in: the admission that counted

    def as_dict(self) -> dict:
        body = {"result": self.result, "scanned_at": timezone.localtime(self.checkin.scanned_at).isoformat(), "list": self.checkin.checkin_list_id}
        registration = self.checkin.credential.registration if self.checkin.credential_id else None
        if self.result in ("ok", "already_checked_in") and registration is not None:
            body["guest"] = {
                "name": registration.name,
                "name_zh": registration.name_zh,
                "organization": registration.organization_name,
                "country": registration.country.code,
                "category": registration.category,
            }
        if self.first is not None:
            body["first_scan"] = {"at": timezone.localtime(self.first.scanned_at).isoformat(), "device": self.first.device, "by": self.first.user_id}
        return body


def _first_admission(checkin_list, credential):
    return Checkin.objects.filter(checkin_list=checkin_list, credential=credential, result="ok", type=Checkin.ENTRY).first()


def checkin_scan(
    *, checkin_list: CheckinList, secret: str, nonce: str, user, type: str = Checkin.ENTRY, scanned_at: datetime | None = None, device: str = ""
) -> ScanAnswer:
    """Decide one scan: ok, already_checked_in, revoked, not_invited, not_approved, wrong_day or invalid."""
    previous = Checkin.objects.filter(nonce=nonce).select_related("credential__registration").first()
    if previous is not None:
        first = _first_admission(previous.checkin_list, previous.credential) if previous.result == "already_checked_in" else None
        return ScanAnswer(previous.result, previous, first)
    scanned_at = scanned_at or timezone.now()
    secret = (secret or "").strip().upper()[:100]
    try:
        with transaction.atomic():
            credentials = Credential.objects.select_related("registration")
            if LOCK_CREDENTIAL:
                credentials = credentials.select_for_update(of=("self",))
            credential = credentials.filter(secret=secret, registration__edition_id=checkin_list.edition_id).first()
            result, first = _decide(checkin_list, credential, type, scanned_at)
            checkin = Checkin.objects.create(
                checkin_list=checkin_list, credential=credential, raw_secret=secret, nonce=nonce, type=type,
                result=result, scanned_at=scanned_at, user=user, device=device[:100],
            )
    except IntegrityError:
        # The nonce was used meanwhile (a retry racing its original), or the admission constraint
        # caught a second admission: answer as the first scan did.
        previous = Checkin.objects.filter(nonce=nonce).first()
        if previous is not None:
            return ScanAnswer(previous.result, previous)
        credential = Credential.objects.filter(secret=secret).first()
        checkin = Checkin.objects.create(
            checkin_list=checkin_list, credential=credential, raw_secret=secret, nonce=nonce, type=type,
            result="already_checked_in", scanned_at=scanned_at, user=user, device=device[:100],
        )
        return ScanAnswer("already_checked_in", checkin, _first_admission(checkin_list, credential))
    return ScanAnswer(result, checkin, first)


def _decide(checkin_list, credential, type, scanned_at):
    if credential is None or (type == Checkin.EXIT and checkin_list.kind != CheckinList.GATE):
        return "invalid", None
    if credential.revoked_at is not None:
        return "revoked", None
    registration = credential.registration
    if registration.status != RegistrationStatus.APPROVED:
        return "not_approved", None
    if checkin_list.kind == CheckinList.GATE and timezone.localtime(scanned_at).date() != checkin_list.day:
        return "wrong_day", None
    if checkin_list.kind == CheckinList.ITEM and not Invitation.objects.filter(registration=registration, session_id=checkin_list.session_id).exists():
        return "not_invited", None
    if type == Checkin.EXIT:
        return "ok", None
    first = _first_admission(checkin_list, credential)
    if first is not None:
        return "already_checked_in", first
    return "ok", None
