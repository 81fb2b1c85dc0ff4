"""What a gate device needs to judge scans without the network (issue 28), pretixSCAN-style: the
list's data downloaded while online, scans judged on the device, uploaded later to
POST /api/v1/checkins/ with their own nonce and `scanned_at` as offline scans are today (the
server's "first scan by time wins" rule then settles what two offline gates both admitted).

The data never holds a credential's secret: each credential is a **fingerprint**,
`sha256(salt + ":" + code)` in hex, where `code` is the scanned or typed code as the gate
normalizes it (`registration.checkin.typed_secret`: NFKC, separators removed, upper case) and
`salt` is the list's own (an HMAC of the list's id under the site's secret key: stable, so deltas
line up, and different per list, so two lists' data cannot be joined). A secret is 28 random
characters of a 31-letter alphabet (about 139 bits), so a fingerprint cannot be turned back into
a code that scans: a lost phone leaks names, not entry.

A credential's entry:

    {"fingerprint": "<64 hex>", "state": "active", "approved": true, "reference": "R...",
     "name": "...", "name_zh": "...", "organization": "...", "category": "government",
     "admitted_at": "2026-11-16T08:12:00+08:00" | null,
     "invitation": {"rsvp": "accepted", "seat": "Table 3 · seat 5"} | null}   (an item's list only)

A revoked credential is `{"fingerprint": ..., "state": "revoked"}` and nothing more.

Versions and deltas: `version` is a hash of everything the data holds (the list's own fields
and every entry). `GET .../offline/` answers with `ETag: "<version>"` (304 to a matching
If-None-Match); `?since=<version the device holds>` answers only the entries that differ from
that version and the fingerprints no longer there (`removed`), when the server still knows that
version (kept in the cache for a day); otherwise the whole data with `"full": true`. So every
change shows in a delta, whatever changed it (a decision, a revocation, a renamed guest, an
invitation answered, a seat moved, an admission at another gate).

`judge()` is the reference of how a device decides a scan from the data: the same order of
checks as the server's `checkin._decide` (tests/registration/test_offline.py checks that the two
agree on every kind of scan).

Roster lists (a pickup run's boarding, travel) are not offered offline: their app decides who
belongs at the moment of the scan (`offline_not_supported`, 409).
"""
import hashlib
import hmac
import json
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from wic import degraded
from wic.errors import ConflictError

from .checkin import typed_secret
from .enums import RegistrationStatus
from .models import Checkin, CheckinList, Credential, Invitation, seat_label

FORMAT = 1
KEPT_FOR = 24 * 3600  # seconds a version's fingerprints stay in the cache for deltas


def salt_for(checkin_list: CheckinList) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"wic-offline-salt:{checkin_list.pk}".encode(), hashlib.sha256).hexdigest()[:32]


def fingerprint(salt: str, code: str) -> str:
    """The fingerprint of a scanned or typed code (normalized as the gate does)."""
    return hashlib.sha256(f"{salt}:{typed_secret(code)}".encode()).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _list_fields(checkin_list: CheckinList) -> dict:
    return {
        "id": checkin_list.pk, "edition": checkin_list.edition.year, "kind": checkin_list.kind,
        "name_zh": checkin_list.name_zh, "name_en": checkin_list.name_en,
        "day": checkin_list.day.isoformat() if checkin_list.day else None, "session": checkin_list.session_id,
    }


def entries(checkin_list: CheckinList, salt: str) -> list[dict]:
    """Every credential of the list's edition as the device sees it, by fingerprint order.
    Three queries (four on an item's list), whatever the number of guests."""
    admitted = dict(
        Checkin.objects.filter(checkin_list=checkin_list, result="ok", type=Checkin.ENTRY, credential__isnull=False)
        .values_list("credential_id", "scanned_at")
    )
    invitations = {}
    if checkin_list.kind == CheckinList.ITEM:
        for registration_id, rsvp, kind, block, number in Invitation.objects.filter(session_id=checkin_list.session_id).values_list(
            "registration_id", "rsvp", "seat_kind", "seat_block", "seat_number"
        ):
            invitations[registration_id] = {"rsvp": rsvp, "seat": str(seat_label(kind, block, number))}
    rows = Credential.objects.filter(registration__edition_id=checkin_list.edition_id).values_list(
        "id", "secret", "revoked_at", "registration_id", "registration__reference", "registration__name", "registration__name_zh",
        "registration__organization_name", "registration__category", "registration__status",
    )
    out = []
    for pk, secret, revoked_at, registration_id, reference, name, name_zh, organization, category, state in rows:  # not .iterator(): a server-side cursor, which a pooler in transaction mode cannot keep
        print_ = hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()
        if revoked_at is not None:
            out.append({"fingerprint": print_, "state": "revoked"})
            continue
        entry = {
            "fingerprint": print_, "state": "active", "approved": state == RegistrationStatus.APPROVED, "reference": reference,
            "name": name, "name_zh": name_zh, "organization": organization, "category": category, "admitted_at": _iso(admitted.get(pk)),
        }
        if checkin_list.kind == CheckinList.ITEM:
            entry["invitation"] = invitations.get(registration_id)
        out.append(entry)
    out.sort(key=lambda e: e["fingerprint"])
    return out


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _version_key(checkin_list: CheckinList, version: str) -> str:
    return f"checkin-offline:{checkin_list.pk}:{version}"


def offline_data(checkin_list: CheckinList, *, since: str | None = None) -> dict:
    """The list's offline data (module docstring): whole, or the delta from the version `since`
    when the cache still holds it. `offline_not_supported` (409) for a roster's list."""
    if checkin_list.kind == CheckinList.ROSTER:
        raise ConflictError(
            "offline_not_supported",
            _("A roster's list (a pickup run's boarding) is decided by its app at the moment of the scan: scan it online."),
            field="list",
        )
    generated_at = timezone.now()
    salt = salt_for(checkin_list)
    listed = entries(checkin_list, salt)
    hashes = {e["fingerprint"]: _digest(e)[:16] for e in listed}
    head = _list_fields(checkin_list)
    version = _digest([FORMAT, head, sorted(hashes.items())])[:32]
    # The cache down (counted by the cache's own error handling): no version known, whole data.
    with degraded.cache_watch():
        cache.set(_version_key(checkin_list, version), hashes, KEPT_FOR)
        before = cache.get(_version_key(checkin_list, since)) if since and since != version else None
    data = {
        "format": FORMAT, "list": head, "version": version, "generated_at": _iso(generated_at), "salt": salt,
        "fingerprint": "sha256(salt + ':' + code), hex; code as the gate normalizes it (NFKC, no spaces or dashes, upper case)",
        "since": None, "full": True, "credentials": listed, "removed": [],
    }
    if since and since == version:
        data.update(since=since, full=False, credentials=[])
    elif before is not None:
        data.update(
            since=since, full=False, credentials=[e for e in listed if before.get(e["fingerprint"]) != hashes[e["fingerprint"]]],
            removed=sorted(set(before) - set(hashes)),
        )
    return data


def apply_delta(held: dict, delta: dict) -> dict:
    """The data a device holds after a delta (or the new whole data): what a device does."""
    if delta["full"]:
        return delta
    by_print = {e["fingerprint"]: e for e in held["credentials"]}
    for fp in delta["removed"]:
        by_print.pop(fp, None)
    for entry in delta["credentials"]:
        by_print[entry["fingerprint"]] = entry
    return {**delta, "full": True, "credentials": sorted(by_print.values(), key=lambda e: e["fingerprint"])}


def judge(data: dict, code: str, *, scanned_at: datetime, type: str = Checkin.ENTRY, admitted_here: set | None = None) -> str:
    """How a device decides a scan from the data (the server's order of checks): `invalid`,
    `revoked`, `not_approved`, `wrong_day`, `not_invited`, `already_checked_in` (admitted in the
    data, or by this device since: `admitted_here`, fingerprints) or `ok`."""
    head = data["list"]
    found = {e["fingerprint"]: e for e in data["credentials"]}.get(fingerprint(data["salt"], code))
    if found is None or (type == Checkin.EXIT and head["kind"] != CheckinList.GATE):
        return "invalid"
    if found["state"] == "revoked":
        return "revoked"
    if not found["approved"]:
        return "not_approved"
    if head["kind"] == CheckinList.GATE and timezone.localtime(scanned_at).date().isoformat() != head["day"]:
        return "wrong_day"
    if head["kind"] == CheckinList.ITEM and (found.get("invitation") or {}).get("rsvp") != Invitation.ACCEPTED:
        return "not_invited"
    if type == Checkin.EXIT:
        return "ok"
    if found["admitted_at"] is not None or found["fingerprint"] in (admitted_here or set()):
        return "already_checked_in"
    return "ok"
