"""Gate check-in, pretix-style: one service decides every scan.

`checkin_scan` locks the credential row it reads (select_for_update inside atomic), so two gates
scanning the same code at the same instant admit it once; a partial unique constraint on
(list, credential) for admitted entries backs that up. A client nonce makes retries safe: the
same nonce returns the first answer and writes nothing. Every scan is kept, refused ones too.

Offline scans arrive late with the time they were made (`scanned_at`). The first scan by time
wins: when an upload is earlier than the admission already recorded on its list, the upload
becomes the admission and the later one is marked `already_checked_in`, with `reconciled_at` set.
A scan sent without a time (a live scan: the check-in page sends its time only with the scans it
queued offline) is stamped by the server under the lock, and never takes part in that rule: it is
the admission only when there is none yet. So however simultaneous scans of one credential at
several gates interleave, exactly one of them is answered `ok` (the burst test on PostgreSQL);
stamped before the lock, a scan that waited on it could carry an earlier time than the admission
committed meanwhile and take its place, answering `ok` a second time.

On a roster's list (CheckinList.kind "roster": a pickup run's boarding, kept by the travel app),
the app that keeps the list says who belongs (wic.contrib.CheckinRoster): asked under the same
lock after the engine's own checks, it answers "ok" or its own refusal (`wrong_run`, with the run
the guest is booked on), and is told of each accepted entry in the same transaction.

A nonce names one scan: a retry with the same nonce, list and secret gets the first answer again
and writes nothing; the same nonce with another list or secret is `nonce_reused` (409), never
the guest of the first scan.

Round trips per scan on PostgreSQL: BEGIN, one SELECT of the list and the credential (locked FOR
UPDATE, with the invitation as a subquery), SELECT of the list's admission, INSERT, COMMIT. A
retried nonce is found by the unique constraint on INSERT rather than by a lookup before every
scan.

The two reads are written in SQL once per process rather than built by the ORM on every scan:
building them cost more Python time than the database took to answer them (bench/checkin.py,
profiled). They read the same columns the ORM would, and the rows become model instances.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from wic.contrib import RosterAnswer
from wic.db import prepared_cursor
from wic.errors import ConflictError

from .enums import NOT_INVITED_REASONS, RegistrationStatus
from .models import Checkin, CheckinList, Credential, Invitation, Registration

# What a person may type between the characters of a code, or the IME may produce: spaces of
# every kind, hyphens and dashes (ASCII, Unicode, full-width after NFKC), dots, underscores.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc_.\u00b7\u3000]+")


def typed_secret(value: str) -> str:
    """A scanned or typed code as the credentials store it: full-width characters made plain
    (NFKC), separators removed, upper case. Nothing else changes: the code still has to equal a
    credential's secret in full (every credential secret is of ALPHABET, which has none of the
    separators), so grouping and case are a convenience, never a looser match."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()[:100]


RESULTS = ("ok", "already_checked_in", "revoked", "not_invited", "not_approved", "wrong_day", "invalid")


def _rosters() -> dict:
    """The roster kinds of check-in list the installed apps keep (wic.contrib.CheckinRoster), by key."""
    from wic import contrib

    return {roster.key: roster for roster in contrib.items(contrib.CheckinRoster)}


def all_results() -> tuple[str, ...]:
    """Every result a scan may answer: the engine's own, then the rosters' refusals (`wrong_run`)."""
    extra = [code for roster in _rosters().values() for code in roster.results if code not in RESULTS]
    return RESULTS + tuple(dict.fromkeys(extra))


def result_labels() -> dict:
    """Every result's label (lazy translations), the rosters' included: for the gate's page."""
    from .enums import SCAN_RESULTS

    labels = dict(SCAN_RESULTS)
    for roster in _rosters().values():
        for code, label in roster.results.items():
            labels.setdefault(code, label)
    return labels
# Switched off only by the concurrency test's negative control, to show the test catches the race.
LOCK_CREDENTIAL = True
# Switched off only by the burst test's negative control: the server's time taken before the lock,
# and taking part in "earliest wins" like an offline scan's (the behaviour issue 19 found).
STAMP_UNDER_LOCK = True


@dataclass
class FirstScan:
    """The admission that counted, as the amber answer shows it."""

    scanned_at: datetime
    gate: str
    device: str
    user_id: int | None


@dataclass
class ScanAnswer:
    result: str
    checkin: Checkin
    first: FirstScan | None = None  # for already_checked_in: the admission that counted
    invitation: "ItemInvitation | None" = None  # on an item's list: the guest's invitation, if any
    roster: "RosterAnswer | None" = None  # on a roster's list: the roster's answer, if it was asked

    @property
    def message(self) -> str:
        """The result in words for the gate's screen: an accepted exit is "Exit recorded", not
        "Admitted" (the code stays "ok" for both)."""
        return str(scan_message(self.result, self.checkin.type))

    def as_dict(self) -> dict:
        body = {
            "result": self.result, "type": self.checkin.type, "message": self.message,
            "scanned_at": timezone.localtime(self.checkin.scanned_at).isoformat(), "list": self.checkin.checkin_list_id,
        }
        registration = self.checkin.credential.registration if self.checkin.credential_id else None
        if self.result in ("ok", "already_checked_in") and registration is not None:
            body["guest"] = {
                "name": registration.name,
                "name_zh": registration.name_zh,
                "organization": registration.organization_name,
                "country": registration.country.code,
                "category": registration.category,
            }
        if self.checkin.checkin_list.kind == CheckinList.ITEM and self.checkin.credential_id:
            if self.result == "not_invited":
                reason = not_invited_reason(self.invitation)
                body["reason"] = reason
                body["reason_message"] = str(NOT_INVITED_REASONS[reason])
            elif self.result in ("ok", "already_checked_in") and self.invitation is not None and self.invitation.seat_label:
                i = self.invitation
                body["seat"] = {"kind": i.seat_kind, "block": i.seat_block, "number": i.seat_number, "label": i.seat_label}
        if self.roster is not None and self.result == self.roster.result != "ok":
            body["reason_message"] = str(self.roster.message)
            if self.roster.detail is not None:
                body["detail"] = self.roster.detail
        if self.first is not None:
            body["first_scan"] = {
                "at": timezone.localtime(self.first.scanned_at).isoformat(), "gate": self.first.gate, "device": self.first.device, "by": self.first.user_id,
            }
        return body


def scan_message(result: str, type: str) -> str:
    """A scan's result in words (registration.enums.SCAN_RESULTS), an accepted exit told apart."""
    from .enums import EXIT_RECORDED, SCAN_RESULTS

    if result == "ok" and type == Checkin.EXIT:
        return EXIT_RECORDED
    if result in SCAN_RESULTS:
        return SCAN_RESULTS[result]
    return result_labels().get(result, SCAN_RESULTS["invalid"])


def _aware(value):
    """A datetime read by a raw query: SQLite gives naive UTC (or text), PostgreSQL aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


@cache
def _scan_sql(lock: bool) -> str:
    """The list, and the credential with its guest's fields and whether the guest is invited to
    the list's item, in one statement: no row when the list does not exist, the list's columns
    and NULLs when the secret matches no credential of the list's edition. The credential is
    locked FOR UPDATE where the database can, inside a LATERAL subquery (a lock cannot apply to
    the nullable side of an outer join)."""
    q = connection.ops.quote_name
    list_columns = ", ".join(f"l.{q(f.column)}" for f in CheckinList._meta.concrete_fields)
    guest = (
        "c.id, c.secret, c.revoked_at, r.id, r.status, r.name, r.name_zh, r.organization_name, r.country, r.category, "
        # The invitation to the list's item, if any, as one text: reply|seat kind|table or row|seat.
        f"(SELECT i.rsvp || '|' || i.seat_kind || '|' || i.seat_block || '|' || COALESCE(CAST(i.seat_number AS TEXT), '') "
        f"FROM {q(Invitation._meta.db_table)} i WHERE i.registration_id = r.id AND i.session_id = l.session_id)"
    )
    joined = f"{q(Credential._meta.db_table)} c JOIN {q(Registration._meta.db_table)} r ON r.id = c.registration_id"
    matches = "c.secret = %s AND r.edition_id = l.edition_id"
    lists = f"{q(CheckinList._meta.db_table)} l"
    if lock and connection.features.has_select_for_update_of:
        return f"SELECT {list_columns}, x.* FROM {lists} LEFT JOIN LATERAL (SELECT {guest} FROM {joined} WHERE {matches} FOR UPDATE OF c) x ON TRUE WHERE l.id = %s"
    return f"SELECT {list_columns}, {guest} FROM {lists} LEFT JOIN ({joined}) ON {matches} WHERE l.id = %s"


_GUEST_FIELDS = ["id", "status", "name", "name_zh", "organization_name", "country", "category"]


@cache
def _list_columns() -> list[str]:
    return [f.attname for f in CheckinList._meta.concrete_fields]


def _date(value):
    """A date column read by a plain cursor: SQLite gives text, PostgreSQL a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _instance(model, names: list[str], values: list):
    """A model instance from some of its columns (the others deferred). Model.from_db expects the
    values in the model's field order, whatever order the query read them in."""
    by_name = dict(zip(names, values))
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in by_name]
    return model.from_db(connection.alias, ordered, [by_name[name] for name in ordered])


def _list_and_credential(cursor, list_id: int, secret: str, lock: bool) -> tuple[CheckinList, Credential | None]:
    """The check-in list (CheckinList.DoesNotExist when there is none) and the credential the
    secret names in the list's edition, if any, with its guest."""
    cursor.execute(_scan_sql(lock), [secret, list_id])
    row = cursor.fetchone()
    if row is None:
        raise CheckinList.DoesNotExist(f"No check-in list {list_id}.")
    names = _list_columns()
    n = len(names)
    checkin_list = CheckinList.from_db(connection.alias, names, [_date(v) if name == "day" else v for name, v in zip(names, row)])
    if row[n] is None:
        return checkin_list, None
    credential = _instance(Credential, ["id", "secret", "revoked_at"], [row[n], row[n + 1], _aware(row[n + 2])])
    credential.registration = _instance(Registration, _GUEST_FIELDS, list(row[n + 3: n + 10]))
    credential.invitation = _invitation(row[n + 10])
    credential.invited = credential.invitation is not None and credential.invitation.rsvp == Invitation.ACCEPTED
    return checkin_list, credential


@dataclass
class ItemInvitation:
    """The guest's invitation to a list's item, as the scan reads it."""

    rsvp: str
    seat_kind: str
    seat_block: str
    seat_number: int | None

    @property
    def seat_label(self) -> str:
        from .models import seat_label

        return seat_label(self.seat_kind, self.seat_block, self.seat_number)


def _invitation(text) -> ItemInvitation | None:
    if not text:
        return None
    rsvp, kind, block, number = str(text).split("|", 3)
    return ItemInvitation(rsvp, kind, block, int(number) if number else None)


def not_invited_reason(invitation: ItemInvitation | None) -> str:
    """Why an item's list refuses a guest: `not_on_list` (no invitation), `declined` (the guest
    declined it), `no_answer` (the invitation card awaits the guest's reply)."""
    if invitation is None:
        return "not_on_list"
    return "declined" if invitation.rsvp == Invitation.DECLINED else "no_answer"


@cache
def _admission_sql() -> str:
    """The result and type are written into the statement, not passed as parameters: a prepared
    statement's generic plan can then use the partial unique index on admissions (result 'ok',
    type 'entry'); with them as parameters it scanned every admission on the list."""
    q = connection.ops.quote_name
    return (
        f"SELECT id, scanned_at, gate, device, user_id FROM {q(Checkin._meta.db_table)} "
        f"WHERE checkin_list_id = %s AND credential_id = %s AND result = 'ok' AND type = '{Checkin.ENTRY}'"
    )


_INSERTED = ["checkin_list_id", "credential_id", "raw_secret", "nonce", "type", "result", "scanned_at", "received_at", "user_id", "gate", "device"]


@cache
def _insert_sql() -> str:
    q = connection.ops.quote_name
    returning = " RETURNING id" if connection.features.can_return_columns_from_insert else ""
    return (
        f"INSERT INTO {q(Checkin._meta.db_table)} ({', '.join(q(c) for c in _INSERTED)}) "
        f"VALUES ({', '.join(['%s'] * len(_INSERTED))}){returning}"
    )


def _insert_checkin(cursor, *, checkin_list, credential, raw_secret, nonce, type, result, scanned_at, user, gate, device) -> Checkin:
    """Checkin.objects.create() as one plain INSERT (the model has no save() logic or signals)."""
    received_at = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    values = [checkin_list.pk, credential.pk if credential else None, raw_secret, nonce, type, result, adapt(scanned_at), adapt(received_at), user.pk if user else None, gate, device]
    cursor.execute(_insert_sql(), values)
    pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    checkin = Checkin(
        id=pk, checkin_list=checkin_list, credential=credential, raw_secret=raw_secret, nonce=nonce, type=type,
        result=result, scanned_at=scanned_at, received_at=received_at, user=user, gate=gate, device=device,
    )
    checkin._state.adding = False
    return checkin


def _admission(cursor, checkin_list_id, credential_id) -> tuple | None:
    """(id, scanned_at, gate, device, user_id) of the admission that counts on the list, if any (at most
    one: a constraint)."""
    if credential_id is None:
        return None
    cursor.execute(_admission_sql(), [checkin_list_id, credential_id])
    row = cursor.fetchone()
    return (row[0], _aware(row[1]), row[2], row[3], row[4]) if row else None


def _first_admission(checkin_list_id, credential_id) -> FirstScan | None:
    with prepared_cursor() as cursor:
        row = _admission(cursor, checkin_list_id, credential_id)
    return FirstScan(*row[1:]) if row else None


def _replayed(nonce: str, list_id: int, secret: str, type: str) -> ScanAnswer | None:
    """The first answer to this nonce, if it was seen: only to the same scan (list, secret and
    type), else `nonce_reused` (409): a nonce is not a key to another scan's guest."""
    previous = Checkin.objects.filter(nonce=nonce).select_related("credential__registration", "checkin_list").first()
    if previous is None:
        return None
    if (previous.checkin_list_id, previous.raw_secret, previous.type) != (list_id, secret, type):
        from django.utils.translation import gettext as _

        raise ConflictError("nonce_reused", _("This nonce was already used for another scan; send each scan with a new nonce."), field="nonce")
    first = _first_admission(previous.checkin_list_id, previous.credential_id) if previous.result == "already_checked_in" else None
    answer = None
    if previous.credential_id and previous.checkin_list.kind == CheckinList.ROSTER and previous.result not in RESULTS:
        roster = _rosters().get(previous.checkin_list.roster)
        answer = roster.check(previous.checkin_list, previous.credential.registration_id) if roster else None
    invitation = None
    if previous.credential_id and previous.checkin_list.kind == CheckinList.ITEM:
        row = (
            Invitation.objects.filter(registration_id=previous.credential.registration_id, session_id=previous.checkin_list.session_id)
            .values_list("rsvp", "seat_kind", "seat_block", "seat_number").first()
        )
        invitation = ItemInvitation(*row) if row else None
    return ScanAnswer(previous.result, previous, first, invitation, answer)


def checkin_scan(
    *, checkin_list: CheckinList | int, secret: str, nonce: str, user, type: str = Checkin.ENTRY, scanned_at: datetime | None = None, gate: str = "",
    device: str = "",
) -> ScanAnswer:
    """Decide one scan: ok, already_checked_in, revoked, not_invited, not_approved, wrong_day or invalid.

    `checkin_list` is the list or its id (the API passes the id: the list is read in the same
    statement as the credential either way); CheckinList.DoesNotExist when no list has that id.

    `secret` is the code as scanned or typed: any grouping, spaces, dashes and case (typed_secret).

    `scanned_at` is the time an offline scan was made; without it the server stamps the scan
    under the lock, and it never displaces an admission (see the module docstring).

    Effects: one Checkin row (none when the nonce was seen before: the first answer is returned;
    `nonce_reused` when that nonce was another scan's); an earlier offline scan demotes a later
    admission on the same list (see the module docstring).
    """
    list_id = checkin_list.pk if isinstance(checkin_list, CheckinList) else checkin_list
    live = scanned_at is None
    if live and not STAMP_UNDER_LOCK:
        scanned_at, live = timezone.now(), False  # the negative control: issue 19's behaviour
    secret = typed_secret(secret)
    try:
        # One cursor for the scan's statements (each cursor costs Python time to set up).
        with transaction.atomic(), prepared_cursor() as cursor:
            checkin_list, credential = _list_and_credential(cursor, list_id, secret, lock=LOCK_CREDENTIAL)
            if live:
                scanned_at = timezone.now()  # under the credential's lock: after the admission it waited for
            # Read after the lock, in its own statement: under READ COMMITTED a subquery in the
            # locking SELECT would see the snapshot from before the wait, not the admission the
            # other gate just committed (the concurrency test caught exactly that).
            admitted = _admission(cursor, list_id, credential.pk) if credential is not None else None
            result, first, answer = _decide(checkin_list, credential, type, scanned_at, admitted, live=live)
            if result == "ok" and type == Checkin.ENTRY and admitted is not None:
                # An earlier scan uploaded later (offline): it takes the admission's place.
                Checkin.objects.filter(pk=admitted[0]).update(result="already_checked_in", reconciled_at=timezone.now())
            if result == "ok" and type == Checkin.ENTRY and checkin_list.kind == CheckinList.ROSTER:
                roster = _rosters()[checkin_list.roster]
                if roster.admitted is not None:
                    roster.admitted(checkin_list, credential.registration.pk, scanned_at)
            checkin = _insert_checkin(
                cursor, checkin_list=checkin_list, credential=credential, raw_secret=secret, nonce=nonce, type=type,
                result=result, scanned_at=scanned_at, user=user, gate=gate[:100], device=device[:100],
            )
    except IntegrityError:
        # The nonce was seen before (a retry), or, with the lock switched off, the admission
        # constraint caught a second admission: answer as the first scan did.
        replay = _replayed(nonce, list_id, secret, type)
        if replay is not None:
            return replay
        scanned_at = scanned_at or timezone.now()
        credential = Credential.objects.select_related("registration").filter(secret=secret).first()
        checkin = Checkin.objects.create(
            checkin_list_id=list_id, credential=credential, raw_secret=secret, nonce=nonce, type=type,
            result="already_checked_in", scanned_at=scanned_at, user=user, gate=gate[:100], device=device[:100],
        )
        return ScanAnswer("already_checked_in", checkin, _first_admission(list_id, credential.pk if credential else None))
    return ScanAnswer(result, checkin, first, getattr(credential, "invitation", None), answer)


def _decide(checkin_list, credential, type, scanned_at, admitted, *, live: bool = False) -> tuple[str, FirstScan | None, "RosterAnswer | None"]:
    """The scan's result, the admission that counted (already_checked_in) and, on a roster's list,
    the roster's answer."""
    if credential is None or (type == Checkin.EXIT and checkin_list.kind != CheckinList.GATE):
        return "invalid", None, None
    if credential.revoked_at is not None:
        return "revoked", None, None
    if credential.registration.status != RegistrationStatus.APPROVED:
        return "not_approved", None, None
    if checkin_list.kind == CheckinList.GATE and timezone.localtime(scanned_at).date() != checkin_list.day:
        return "wrong_day", None, None
    if checkin_list.kind == CheckinList.ITEM and not credential.invited:
        return "not_invited", None, None
    answer = None
    if checkin_list.kind == CheckinList.ROSTER:
        roster = _rosters().get(checkin_list.roster)
        if roster is None:  # the app that kept this list is no longer installed
            return "invalid", None, None
        answer = roster.check(checkin_list, credential.registration.pk)
        if answer.result != "ok":
            return answer.result, None, answer
    if type == Checkin.EXIT:
        return "ok", None, None
    # A live scan never displaces the admission; an offline one does when it was made earlier.
    if admitted is not None and (live or admitted[1] <= scanned_at):
        return "already_checked_in", FirstScan(*admitted[1:]), answer
    return "ok", None, answer
