"""One person's personal data, found by email address: a copy of everything held about them
(`personal_data_export`) and its erasure (`personal_data_erase`), on request. The command is
`python manage.py personal_data export|delete --email ...`.

Who the person is: the accounts whose email is the address (case-insensitive), every record that
names the address (a registration, a volunteer application, the contact of a forum application,
nomination or exhibitor, an outgoing email) and every record that belongs to one of those accounts.
Nothing is matched by name alone: two people may share a name, an address is theirs.

What the erasure does. It runs in one transaction with the audit trail switched off (deleting or
renaming would otherwise record the very values being erased), then writes one audit entry saying
that it happened, with the counts and nothing personal. Each app says what it deletes and what it
anonymizes, model by model, in the docstring of its own handler (`<app>/personal_data.py`,
contributed through `<app>/contrib.py` as a `wic.contrib.PersonalData`); the core's own records:

- wic.ApiToken (the API tokens), sessions.Session: deleted.
- wic.OutgoingEmail: deleted when addressed to the person or written about the person's own
  records (each app names the email keys of its records); in any other email the person's
  address, names and phone are replaced by "[erased]".
- auditlog.LogEntry and admin.LogEntry: kept (the trail of who decided what), with the person's
  address, names, username and phone replaced by "[erased]" in the object's name and in the
  changes, and the actor's email cleared where the person acted.
- auth.User: kept, because other records point to it (forum applications and nominations it made,
  reviews, the audit trail's actors), but deactivated and anonymized: username `erased-<id>`, no
  email or names, an unusable password, no staff or superuser status, no groups or permissions.
- axes.AccessAttempt, axes.AccessLog, axes.AccessFailureLog (when django-axes is installed): deleted.

The core runs the handlers in their `order`, before its own erasure; the export's sections and
the erasure's counts come in the order of the handlers too, the core's around them.

The export leaves secrets out (registration page tokens, credential secrets, QR codes, calendar
tokens): they are keys to the person's pages, not data about them. The emails the person was sent
are exported as sent, with the links they held. Times are ISO 8601 in Beijing time (+08:00).
"""
import html
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import contrib
from .errors import DomainError
from .models import ApiToken, OutgoingEmail

BEIJING = ZoneInfo("Asia/Shanghai")
ERASED = "[erased]"
ERASURE_REPR = "personal data erasure"  # the object name of the audit entry recording an erasure
MIN_VALUE_LENGTH = 2  # shorter values (an initial) are not searched for in free text


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value, BEIJING).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _normalized(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("invalid_email", _("%(email)r is not an email address.") % {"email": email}, field="email") from None
    return email


# -- the apps' handlers -------------------------------------------------------------------------

class PersonalDataHandler:
    """What an app contributes (`wic.contrib.PersonalData`) to find, export and erase one person's
    data. `find` returns the app's "part" (its querysets, read again when used); every other method
    receives it. The defaults contribute nothing, so a handler writes only what it holds."""

    counts: tuple[tuple[str, str], ...] = ()  # (model label, "deleted"/"anonymized") it reports, in order

    def find(self, *, email: str, account_ids: list[int]) -> Any:
        return None

    def addresses(self, part) -> Iterable[str]:
        """Other addresses of the person the app holds (a registration's email)."""
        return ()

    def values(self, part) -> Iterable[str]:
        """Values that identify the person in free text: names, phones."""
        return ()

    def holds(self, part) -> bool:
        """Whether the app holds data about the address itself (not only through an account)."""
        return False

    def export(self, part, person: "Person") -> list[tuple[int, str, Any]]:
        """The export's sections: (order, key, JSON-ready value)."""
        return []

    def roles(self, part, person: "Person") -> list[tuple[int, str, Any]]:
        """Entries of the export's "roles": (order, key, value)."""
        return []

    def own_email_keys(self, part) -> Q:
        """The OutgoingEmail keys of emails written about the person's own records."""
        return Q()

    def objects(self, part) -> list[tuple[type, list[int]]]:
        """The person's own records whose audit entries are theirs: (model, pks)."""
        return []

    def erase(self, part, person: "Person", counts: dict) -> None:
        """Delete or anonymize, filling counts[label][action]; runs inside the erasure's transaction."""


def _handlers() -> list[tuple[str, PersonalDataHandler]]:
    return [(c.app, c.item.handler) for c in sorted(contrib.contributions(contrib.PersonalData), key=lambda c: c.item.order)]


# -- finding the person ----------------------------------------------------------------------------

@dataclass
class Person:
    """The person's records: each app's part (querysets, read again when used), by app label, and
    the values that identify them in free text: addresses, names, usernames and phones."""

    email: str
    account_ids: list[int]
    parts: dict[str, Any] = field(default_factory=dict)
    addresses: set[str] = field(default_factory=set)
    values: list[str] = field(default_factory=list)
    _own_objects: list | None = field(default=None, repr=False, compare=False)

    @property
    def accounts(self) -> QuerySet:
        return get_user_model().objects.filter(pk__in=self.account_ids).order_by("pk")

    def outgoing_emails(self) -> tuple[list[int], list[int]]:
        """(ids of the emails to or about the person, ids of other emails that mention them)."""
        own_keys = Q()
        for app, handler in _handlers():
            own_keys |= handler.own_email_keys(self.parts[app])
        own = _addressed_to(self.addresses)
        if own_keys:
            own += list(OutgoingEmail.objects.filter(own_keys).exclude(pk__in=own).values_list("pk", flat=True))
        mentions = Q()
        for value in self._searchable(html_too=True):
            mentions |= Q(subject__icontains=value) | Q(body_text__icontains=value) | Q(body_html__icontains=value)
        mentioning = list(OutgoingEmail.objects.filter(mentions).exclude(pk__in=own).values_list("pk", flat=True)) if mentions else []
        return sorted(own), sorted(mentioning)

    def _searchable(self, *, html_too: bool = False, json_too: bool = False) -> list[str]:
        """The identifying values as a database would store them in text (HTML-escaped, or escaped
        the way JSON columns are written on SQLite)."""
        found = []
        for value in self.values:
            forms = {value}
            if html_too:
                forms.add(html.escape(value))
            if json_too:
                forms.add(json.dumps(value)[1:-1])
            found += sorted(forms)
        return found

    def audit_entries(self) -> QuerySet:
        """django-auditlog entries about the person's records, made by the person, or whose text
        holds one of their values (confirmed by `mentions` before anything is changed)."""
        from auditlog.models import LogEntry

        related = Q(actor_id__in=self.account_ids)
        for address in self.addresses:
            related |= Q(actor_email__iexact=address)
        for model, pks in self._objects():
            related |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks])
        for value in self._searchable(json_too=True):
            related |= Q(object_repr__icontains=value) | Q(changes_text__icontains=value) | Q(changes__icontains=value)
            related |= Q(serialized_data__icontains=value) | Q(additional_data__icontains=value)
        return LogEntry.objects.filter(related).exclude(object_repr=ERASURE_REPR).select_related("content_type").order_by("timestamp", "pk")

    def admin_entries(self) -> QuerySet:
        """The admin's own history (django.contrib.admin LogEntry) about the person's records or naming them."""
        from django.contrib.admin.models import LogEntry as AdminLogEntry

        related = Q()
        for model, pks in self._objects():
            related |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks])
        for value in self._searchable(json_too=True):
            related |= Q(object_repr__icontains=value) | Q(change_message__icontains=value)
        return AdminLogEntry.objects.filter(related).select_related("content_type").order_by("action_time", "pk")

    def _objects(self) -> list[tuple[type, list[int]]]:
        """The person's own records as (model, pks), read once: the export and the erasure ask
        for them two or three times, always before anything is changed."""
        if self._own_objects is None:
            objects = [(get_user_model(), self.account_ids)]
            for app, handler in _handlers():
                objects += handler.objects(self.parts[app])
            self._own_objects = [(model, pks) for model, pks in objects if pks]
        return self._own_objects

    @cached_property
    def pattern(self) -> re.Pattern:
        """Matches any identifying value in free text (see `_pattern`); read once `values` is set."""
        return _pattern(self.values)

    def mentions(self, text: str) -> bool:
        return bool(text) and self.pattern.search(text) is not None


def _addressed_to(addresses: set[str]) -> list[int]:
    """Ids of the outgoing emails with one of these addresses (lower case) among their recipients:
    found by substring, then compared whole ("wei@example.org" is not "zhang.wei@example.org")."""
    addressed = Q()
    for address in addresses:
        addressed |= Q(to__icontains=address)
    return [
        pk for pk, to in OutgoingEmail.objects.filter(addressed).values_list("pk", "to")
        if {str(a).strip().lower() for a in to} & addresses
    ]


def person_find(*, email: str) -> Person:
    """The person's records. `personal_data_not_found` when nothing is held about the address."""
    email = _normalized(email)
    User = get_user_model()
    account_ids = list(User.objects.filter(email__iexact=email).order_by("pk").values_list("pk", flat=True))
    person = Person(email=email, account_ids=account_ids)
    handlers = _handlers()
    for app, handler in handlers:
        person.parts[app] = handler.find(email=email, account_ids=account_ids)
    accounts = list(person.accounts)
    found = [*(u.email for u in accounts)]
    for app, handler in handlers:
        found += list(handler.addresses(person.parts[app]))
    person.addresses = {email.lower()} | {a.lower() for a in found if a}
    values = set(person.addresses)
    for user in accounts:
        values |= {user.get_username(), user.get_full_name()}
    for app, handler in handlers:
        values |= set(handler.values(person.parts[app]))
    person.values = sorted(
        (v.strip() for v in values if v and len(v.strip()) >= MIN_VALUE_LENGTH and v.strip() != ERASED), key=lambda v: (-len(v), v)
    )
    held = account_ids or any(handler.holds(person.parts[app]) for app, handler in handlers) or _addressed_to({email.lower()})
    if not held:
        raise DomainError("personal_data_not_found", _("No personal data is held for %(email)s.") % {"email": email}, status=404, field="email")
    return person


# -- scrubbing values out of free text ---------------------------------------------------------------

def _pattern(values: list[str]) -> re.Pattern:
    """One case-insensitive pattern for all values, longest first. A value that starts or ends
    with a Latin letter or digit matches only as a whole word there ("Wei" not inside "Weibo");
    Chinese is written without spaces, so a Chinese name matches anywhere."""
    parts = []
    for value in values:
        part = re.escape(value)
        if re.match(r"[A-Za-z0-9_]", value[0]):
            part = r"(?<![A-Za-z0-9_])" + part
        if re.match(r"[A-Za-z0-9_]", value[-1]):
            part += r"(?![A-Za-z0-9_])"
        parts.append(part)
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def _scrub(value, pattern: re.Pattern):
    """`value` (text, or JSON: dicts, lists, strings) with every match replaced by ERASED."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    return value


def _scrub_json_text(text: str, pattern: re.Pattern) -> str:
    """Scrub a text column holding JSON (the admin's change messages) inside its strings."""
    try:
        return json.dumps(_scrub(json.loads(text), pattern))
    except ValueError:
        return _scrub(text, pattern)


# -- export ----------------------------------------------------------------------------------------

def personal_data_export(*, email: str, now: datetime | None = None) -> dict:
    """Everything held about the person with this address, as a JSON-ready dict (see the module's
    docstring for what is left out). `personal_data_not_found`, `invalid_email`."""
    person = person_find(email=email)
    sections = [
        (0, "email", person.email),
        (1, "exported_at", iso(now or timezone.now())),
        (2, "accounts", [_account(user) for user in person.accounts.prefetch_related("groups")]),
        (60, "roles", _roles_held(person)),
        (90, "outgoing_emails", [_email(e) for e in OutgoingEmail.objects.filter(pk__in=person.outgoing_emails()[0]).order_by("created", "pk")]),
        (91, "audit_log", _audit_log(person)),
        *((92 + i, key, value) for i, (key, value) in enumerate(_sign_ins(person).items())),
    ]
    for app, handler in _handlers():
        sections += handler.export(person.parts[app], person)
    return {key: value for _order, key, value in sorted(sections, key=lambda s: s[0])}


def _roles_held(person: Person) -> dict:
    """What the accounts act for: WIC members, and what each app names (enterprises in the awards,
    reviews of sub-forums and awards)."""
    from .models import Member

    ids = person.account_ids
    roles = [(0, "wic_member_representative", sorted(str(m) for m in Member.objects.filter(representatives__in=ids).select_related("organization").distinct()))]
    for app, handler in _handlers():
        roles += handler.roles(person.parts[app], person)
    return {key: value for _order, key, value in sorted(roles, key=lambda r: r[0])}


def _sign_in_names(person: Person) -> list[str]:
    """The names sign-in attempts are recorded under (django-axes): usernames, and the addresses."""
    return list(person.accounts.values_list("username", flat=True)) + sorted(person.addresses)


def _sign_ins(person: Person) -> dict:
    """Sign-ins and failed sign-ins django-axes recorded (empty lists without it)."""
    if not apps.is_installed("axes"):
        return {"sign_ins": [], "failed_sign_ins": []}
    from axes.models import AccessFailureLog, AccessLog

    names = _sign_in_names(person)
    return {
        "sign_ins": [
            {"at": iso(log.attempt_time), "signed_out_at": iso(log.logout_time), "ip_address": log.ip_address, "user_agent": log.user_agent}
            for log in AccessLog.objects.filter(username__in=names).order_by("attempt_time", "pk")
        ],
        "failed_sign_ins": [
            {"at": iso(log.attempt_time), "ip_address": log.ip_address, "user_agent": log.user_agent, "locked_out": log.locked_out}
            for log in AccessFailureLog.objects.filter(username__in=names).order_by("attempt_time", "pk")
        ],
    }


def _account(user) -> dict:
    return {
        "username": user.get_username(), "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "is_active": user.is_active, "date_joined": iso(user.date_joined), "last_login": iso(user.last_login),
        "groups": sorted(g.name for g in user.groups.all()),
    }


def contact_roles(is_contact: bool, is_account: bool, account_role: str) -> list[str]:
    """The person's roles on an organization's record: its contact, and what their account did."""
    return [role for role, held in (("contact", is_contact), (account_role, is_account)) if held]


def _email(e: OutgoingEmail) -> dict:
    return {
        "event": e.event, "to": e.to, "language": e.language, "subject": e.subject, "body": e.body_text, "status": e.status,
        "queued_at": iso(e.created), "sent_at": iso(e.sent_at),
    }


def _audit_log(person: Person) -> list[dict]:
    from auditlog.models import LogEntry

    actions = dict(LogEntry.Action.choices)
    rows = []
    own_objects = {(model._meta.label_lower, str(pk)) for model, pks in person._objects() for pk in pks}
    for entry in person.audit_entries():
        about = (entry.content_type.app_label + "." + entry.content_type.model, entry.object_pk) in own_objects
        text = json.dumps([entry.object_repr, entry.changes, entry.changes_text], ensure_ascii=False)
        by_person = entry.actor_id in person.account_ids
        if not (about or by_person or person.mentions(text)):
            continue
        rows.append({
            "at": iso(entry.timestamp), "action": str(actions.get(entry.action, entry.action)),
            "model": f"{entry.content_type.app_label}.{entry.content_type.model}", "object": entry.object_repr,
            "changes": entry.changes if entry.changes is not None else entry.changes_text, "by_you": by_person,
        })
    return rows


# -- erasure ---------------------------------------------------------------------------------------

# The core's own counts, after the apps' (each handler's `counts`, in the handlers' order).
CORE_COUNT_KEYS = (
    ("wic.ApiToken", "deleted"),
    ("sessions.Session", "deleted"),
    ("wic.OutgoingEmail", "deleted"),
    ("wic.OutgoingEmail", "anonymized"),
    ("auditlog.LogEntry", "anonymized"),
    ("admin.LogEntry", "anonymized"),
    ("auth.User", "anonymized"),
    ("axes.AccessAttempt", "deleted"),
    ("axes.AccessLog", "deleted"),
    ("axes.AccessFailureLog", "deleted"),
)


def count_keys() -> list[tuple[str, str]]:
    """Every (model label, action) an erasure reports, in the order it prints them."""
    return [key for _app, handler in _handlers() for key in handler.counts] + list(CORE_COUNT_KEYS)


@dataclass
class Erasure:
    """What an erasure did (or, in a dry run, would do): {model label: {"deleted"/"anonymized": n}}."""

    email: str
    counts: dict[str, dict[str, int]]
    dry_run: bool


def personal_data_erase(*, email: str, dry_run: bool = False) -> Erasure:
    """Erase the personal data of the person with this address, as the module's docstring says,
    in one transaction; `dry_run` counts the same and rolls everything back. Writes one audit entry
    with the counts (and nothing personal). `personal_data_not_found`, `invalid_email`."""
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry

    keys = count_keys()
    counts = {label: {} for label, _action in keys}
    for label, action in keys:
        counts[label][action] = 0
    with transaction.atomic():
        person = person_find(email=email)
        with disable_auditlog():
            _erase(person, person.pattern, counts)
        accounts = person.account_ids
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(get_user_model()),
            object_pk=str(accounts[0]) if accounts else "",
            object_id=accounts[0] if accounts else None,
            object_repr=ERASURE_REPR,
            action=LogEntry.Action.DELETE,
            changes_text="",
            additional_data={"personal_data_erasure": {k: v for k, v in counts.items() if any(v.values())}},
        )
        if dry_run:
            transaction.set_rollback(True)
    return Erasure(email=person.email, counts=counts, dry_run=dry_run)


def _erase(person: Person, pattern: re.Pattern, counts: dict) -> None:
    # Everything that finds the person's records by their values is read before anything changes.
    own_emails, mentioning_emails = person.outgoing_emails()
    audit_entries = list(person.audit_entries())
    admin_entries = list(person.admin_entries())
    account_ids = person.account_ids

    # The apps' records, each app's handler in its order.
    for app, handler in _handlers():
        handler.erase(person.parts[app], person, counts)

    # What an account holds by itself.
    counts["wic.ApiToken"]["deleted"] = deleted(ApiToken.objects.filter(user_id__in=account_ids))
    counts["sessions.Session"]["deleted"] = _delete_sessions(account_ids)
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        usernames = _sign_in_names(person)
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            counts[f"axes.{model.__name__}"]["deleted"] = deleted(model.objects.filter(username__in=usernames))

    # Email: deleted when to or about the person, scrubbed elsewhere.
    counts["wic.OutgoingEmail"]["deleted"] = deleted(OutgoingEmail.objects.filter(pk__in=own_emails))
    html_pattern = _html_pattern(person)
    for email in OutgoingEmail.objects.filter(pk__in=mentioning_emails):
        scrubbed = [_scrub(email.subject, pattern), _scrub(email.body_text, pattern), _scrub(email.body_html, html_pattern)]
        if scrubbed != [email.subject, email.body_text, email.body_html]:
            email.subject, email.body_text, email.body_html = scrubbed
            email.save(update_fields=["subject", "body_text", "body_html"])
            counts["wic.OutgoingEmail"]["anonymized"] += 1

    # The audit trails: kept, the person's values replaced.
    for entry in audit_entries:
        before = (entry.object_repr, entry.changes, entry.changes_text, entry.serialized_data, entry.additional_data, entry.actor_email)
        entry.object_repr = _scrub(entry.object_repr, pattern)
        entry.changes = _scrub(entry.changes, pattern)
        entry.changes_text = _scrub(entry.changes_text, pattern)
        entry.serialized_data = _scrub(entry.serialized_data, pattern)
        entry.additional_data = _scrub(entry.additional_data, pattern)
        if entry.actor_id in account_ids or (entry.actor_email or "").lower() in person.addresses:
            entry.actor_email = None
        if (entry.object_repr, entry.changes, entry.changes_text, entry.serialized_data, entry.additional_data, entry.actor_email) != before:
            entry.save(update_fields=["object_repr", "changes", "changes_text", "serialized_data", "additional_data", "actor_email"])
            counts["auditlog.LogEntry"]["anonymized"] += 1
    for entry in admin_entries:
        before = (entry.object_repr, entry.change_message)
        entry.object_repr = _scrub(entry.object_repr, pattern)[:200]
        entry.change_message = _scrub_json_text(entry.change_message, pattern)
        if (entry.object_repr, entry.change_message) != before:
            entry.save(update_fields=["object_repr", "change_message"])
            counts["admin.LogEntry"]["anonymized"] += 1

    # Last, the accounts: kept for the records that point to them, but nobody's any more.
    User = get_user_model()
    for user in User.objects.filter(pk__in=account_ids):
        username = f"erased-{user.pk}"
        if User.objects.filter(username=username).exclude(pk=user.pk).exists():
            username = f"erased-{user.pk}-{secrets.token_hex(4)}"
        user.username, user.email, user.first_name, user.last_name = username, "", "", ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    counts["auth.User"]["anonymized"] = len(account_ids)


def deleted(queryset: QuerySet) -> int:
    """Delete, and count the rows of the queryset's own model (not what cascaded)."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def _html_pattern(person: Person) -> re.Pattern:
    return _pattern(sorted({html.escape(v) for v in person.values} | set(person.values), key=lambda v: (-len(v), v)))


def _delete_sessions(account_ids: list[int]) -> int:
    """Sign the accounts out everywhere: their database sessions are deleted (with cache-only
    sessions there is nothing stored to find; the deactivated account is refused anyway)."""
    if not account_ids or not apps.is_installed("django.contrib.sessions") or not settings.SESSION_ENGINE.endswith(("backends.db", "backends.cached_db")):
        return 0
    from django.contrib.sessions.models import Session

    wanted = {str(pk) for pk in account_ids}
    doomed = [s.session_key for s in Session.objects.iterator() if str(s.get_decoded().get("_auth_user_id", "")) in wanted]
    return deleted(Session.objects.filter(session_key__in=doomed))
