"""Gate check-in, pretix-style: one service decides every scan.

`checkin_scan` locks the credential row it reads (select_for_update inside atomic), so two gates
scanning the same code at the same instant admit it once; a partial unique constraint on
(list, credential) for admitted entries backs that up. A client nonce makes retries safe: the
same nonce returns the first answer and writes nothing. Every scan is kept, refused ones too.

Offline scans arrive late with the time they were made (`scanned_at`). The first scan by time
wins: when an upload is earlier than the admission already recorded on its list, the upload
becomes the admission and the later one is marked `already_checked_in`, with `reconciled_at` set.

Round trips per scan on PostgreSQL: BEGIN, SELECT ... FOR UPDATE of the credential (with the
invitation as a subquery), SELECT of the list's admission, INSERT, COMMIT. A retried nonce is
found by the unique constraint on INSERT rather than by a lookup before every scan.
"""
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .enums import RegistrationStatus
from .models import Checkin, CheckinList, Credential, Invitation

RESULTS = ("ok", "already_checked_in", "revoked", "not_invited", "not_approved", "wrong_day", "invalid")
# Switched off only by the concurrency test's negative control, to show the test catches the race.
LOCK_CREDENTIAL = True


@dataclass
class FirstScan:
    """The admission that counted, as the amber answer shows it."""

    scanned_at: datetime
    device: str
    user_id: int | None


@dataclass
class ScanAnswer:
    result: str
    checkin: Checkin
    first: FirstScan | None = None  # for already_checked_in: the admission that counted

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


def _admission(checkin_list_id, credential_id) -> tuple | None:
    """(id, scanned_at, device, user_id) of the admission that counts on the list, if any."""
    return (
        Checkin.objects.filter(checkin_list_id=checkin_list_id, credential_id=credential_id, result="ok", type=Checkin.ENTRY)
        .values_list("pk", "scanned_at", "device", "user_id")
        .first()
    )


def _first_admission(checkin_list_id, credential_id) -> FirstScan | None:
    row = _admission(checkin_list_id, credential_id)
    return FirstScan(*row[1:]) if row else None


def _replayed(nonce: str) -> ScanAnswer | None:
    previous = Checkin.objects.filter(nonce=nonce).select_related("credential__registration").first()
    if previous is None:
        return None
    first = _first_admission(previous.checkin_list_id, previous.credential_id) if previous.result == "already_checked_in" else None
    return ScanAnswer(previous.result, previous, first)


def checkin_scan(
    *, checkin_list: CheckinList, secret: str, nonce: str, user, type: str = Checkin.ENTRY, scanned_at: datetime | None = None, device: str = ""
) -> ScanAnswer:
    """Decide one scan: ok, already_checked_in, revoked, not_invited, not_approved, wrong_day or invalid.

    Effects: one Checkin row (none when the nonce was seen before: the first answer is returned);
    an earlier offline scan demotes a later admission on the same list (see the module docstring).
    """
    scanned_at = scanned_at or timezone.now()
    secret = (secret or "").strip().upper()[:100]
    try:
        with transaction.atomic():
            credentials = Credential.objects.select_related("registration")
            if checkin_list.kind == CheckinList.ITEM:
                credentials = credentials.annotate(
                    invited=Exists(Invitation.objects.filter(registration=OuterRef("registration_id"), session_id=checkin_list.session_id))
                )
            if LOCK_CREDENTIAL:
                credentials = credentials.select_for_update(of=("self",))
            credential = credentials.filter(secret=secret, registration__edition_id=checkin_list.edition_id).first()
            # Read after the lock, in its own statement: under READ COMMITTED a subquery in the
            # locking SELECT would see the snapshot from before the wait, not the admission the
            # other gate just committed (the concurrency test caught exactly that).
            admitted = _admission(checkin_list.pk, credential.pk) if credential is not None else None
            result, first = _decide(checkin_list, credential, type, scanned_at, admitted)
            if result == "ok" and type == Checkin.ENTRY and admitted is not None:
                # An earlier scan uploaded later (offline): it takes the admission's place.
                Checkin.objects.filter(pk=admitted[0]).update(result="already_checked_in", reconciled_at=timezone.now())
            checkin = Checkin.objects.create(
                checkin_list=checkin_list, credential=credential, raw_secret=secret, nonce=nonce, type=type,
                result=result, scanned_at=scanned_at, user=user, device=device[:100],
            )
    except IntegrityError:
        # The nonce was seen before (a retry), or, with the lock switched off, the admission
        # constraint caught a second admission: answer as the first scan did.
        replay = _replayed(nonce)
        if replay is not None:
            return replay
        credential = Credential.objects.select_related("registration").filter(secret=secret).first()
        checkin = Checkin.objects.create(
            checkin_list=checkin_list, credential=credential, raw_secret=secret, nonce=nonce, type=type,
            result="already_checked_in", scanned_at=scanned_at, user=user, device=device[:100],
        )
        return ScanAnswer("already_checked_in", checkin, _first_admission(checkin_list.pk, credential.pk if credential else None))
    return ScanAnswer(result, checkin, first)


def _decide(checkin_list, credential, type, scanned_at, admitted) -> tuple[str, FirstScan | None]:
    if credential is None or (type == Checkin.EXIT and checkin_list.kind != CheckinList.GATE):
        return "invalid", None
    if credential.revoked_at is not None:
        return "revoked", None
    if credential.registration.status != RegistrationStatus.APPROVED:
        return "not_approved", None
    if checkin_list.kind == CheckinList.GATE and timezone.localtime(scanned_at).date() != checkin_list.day:
        return "wrong_day", None
    if checkin_list.kind == CheckinList.ITEM and not credential.invited:
        return "not_invited", None
    if type == Checkin.EXIT:
        return "ok", None
    if admitted is not None and admitted[1] <= scanned_at:
        return "already_checked_in", FirstScan(*admitted[1:])
    return "ok", None
