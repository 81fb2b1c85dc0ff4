"""One person's personal data, found by email address: a copy of everything held about them
(`personal_data_export`) and its erasure (`personal_data_erase`), on request. The command is
`python manage.py personal_data export|delete --email ...`.

Who the person is: the accounts whose email is the address (case-insensitive), every record that
names the address (a registration, a volunteer application, the contact of a forum application,
nomination or exhibitor, an outgoing email) and every record that belongs to one of those accounts.
Nothing is matched by name alone: two people may share a name, an address is theirs.

What the erasure does, model by model. It runs in one transaction with the audit trail switched
off (deleting or renaming would otherwise record the very values being erased), then writes one
audit entry saying that it happened, with the counts and nothing personal:

- registration.Registration: deleted, with its registration.Credential and registration.Invitation
  rows; the credentials' badge PDFs are removed from storage once the transaction commits.
- registration.Checkin: kept, so the lists' admission counts stay true, but anonymized: the link to
  the (deleted) credential is cleared and the scanned code blanked.
- volunteers.Volunteer: anonymized, not deleted, so rosters, shift head-counts (`Shift.filled`) and
  the programme's hours stay true: name "[erased]", email `erased-<id>@erased.invalid` (one per
  programme is a constraint), phone, student number and motivation blanked, the account unlinked,
  the QR code and the calendar secret replaced. Its languages, training attendance, shifts and
  shift check-ins are kept (they name nobody once the volunteer is anonymous); the free text about
  the person is blanked: volunteers.Interview notes and volunteers.ChangeRequest reasons.
- volunteers.Team: the leader's phone blanked on the teams the person leads.
- forums.ForumApplication, awards.Nomination, expo.Exhibitor: kept (an organization's application,
  an award record), with the contact's name, email and phone blanked where the person is the contact.
- expo.MeetingRequest: the person's own requests deleted.
- agenda.Star, agenda.AgendaFeed, authtoken.Token, sessions.Session: deleted.
- wic.OutgoingEmail: deleted when addressed to the person or written about the person's own
  records (registration, volunteer, standby offer, meeting request); in any other email the
  person's address, names and phone are replaced by "[erased]".
- auditlog.LogEntry and admin.LogEntry: kept (the trail of who decided what), with the person's
  address, names, username and phone replaced by "[erased]" in the object's name and in the
  changes, and the actor's email cleared where the person acted.
- auth.User: kept, because other records point to it (forum applications and nominations it made,
  reviews, the audit trail's actors), but deactivated and anonymized: username `erased-<id>`, no
  email or names, an unusable password, no staff or superuser status, no groups or permissions.
- axes.AccessAttempt, axes.AccessLog, axes.AccessFailureLog (when django-axes is installed): deleted.

The export leaves secrets out (registration page tokens, credential secrets, QR codes, calendar
tokens): they are keys to the person's pages, not data about them. The emails the person was sent
are exported as sent, with the links they held. Times are ISO 8601 in Beijing time (+08:00).
"""
import html
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
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

from agenda.models import AgendaFeed, Star
from awards.models import Nomination
from expo.models import Exhibitor, MeetingRequest
from forums.models import ForumApplication
from registration.models import Checkin, Credential, Invitation, Registration
from volunteers.models import Assignment, ChangeRequest, Interview, StandbyOffer, Team, Volunteer, new_token, new_volunteer_code

from .errors import DomainError
from .models import OutgoingEmail

BEIJING = ZoneInfo("Asia/Shanghai")
ERASED = "[erased]"
ERASURE_REPR = "personal data erasure"  # the object name of the audit entry recording an erasure
MIN_VALUE_LENGTH = 2  # shorter values (an initial) are not searched for in free text


def _iso(value) -> str | None:
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


# -- finding the person ----------------------------------------------------------------------------

@dataclass
class Person:
    """The person's records as querysets (read again when used), and the values that identify them
    in free text: addresses, names, usernames and phones."""

    email: str
    account_ids: list[int]
    registrations: QuerySet
    volunteers: QuerySet
    forum_applications: QuerySet  # as applicant or as contact
    forum_contacts: QuerySet  # as contact only
    nominations: QuerySet
    nomination_contacts: QuerySet
    exhibitors: QuerySet
    exhibitor_contacts: QuerySet
    meetings: QuerySet
    teams_led: QuerySet
    addresses: set[str] = field(default_factory=set)
    values: list[str] = field(default_factory=list)

    @property
    def accounts(self) -> QuerySet:
        return get_user_model().objects.filter(pk__in=self.account_ids).order_by("pk")

    @property
    def credentials(self) -> QuerySet:
        return Credential.objects.filter(registration__in=self.registrations)

    @property
    def scans(self) -> QuerySet:
        return Checkin.objects.filter(credential__in=self.credentials)

    def outgoing_emails(self) -> tuple[list[int], list[int]]:
        """(ids of the emails to or about the person, ids of other emails that mention them)."""
        own_keys = Q()
        for pk in self.registrations.values_list("pk", flat=True):
            own_keys |= Q(key__startswith=f"registration.decision:{pk}:") | Q(key__startswith=f"registration.link:{pk}:")
        for pk in self.volunteers.values_list("pk", flat=True):
            own_keys |= Q(key__startswith=f"volunteers.decision:{pk}:")
        for pk in StandbyOffer.objects.filter(volunteer__in=self.volunteers).values_list("pk", flat=True):
            own_keys |= Q(key=f"volunteers.standby_offer:{pk}")
        for pk in self.meetings.values_list("pk", flat=True):
            own_keys |= Q(key=f"expo.meeting_requested:{pk}") | Q(key__startswith=f"expo.meeting_decision:{pk}:")
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
        objects = [
            (get_user_model(), self.account_ids),
            (Registration, list(self.registrations.values_list("pk", flat=True))),
            (Credential, list(self.credentials.values_list("pk", flat=True))),
            (Invitation, list(Invitation.objects.filter(registration__in=self.registrations).values_list("pk", flat=True))),
            (Volunteer, list(self.volunteers.values_list("pk", flat=True))),
            (Assignment, list(Assignment.objects.filter(volunteer__in=self.volunteers).values_list("pk", flat=True))),
            (MeetingRequest, list(self.meetings.values_list("pk", flat=True))),
        ]
        return [(model, pks) for model, pks in objects if pks]

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
    registrations = Registration.objects.filter(Q(email__iexact=email) | Q(user_id__in=account_ids))
    volunteers = Volunteer.objects.filter(Q(email__iexact=email) | Q(user_id__in=account_ids))
    person = Person(
        email=email,
        account_ids=account_ids,
        registrations=registrations,
        volunteers=volunteers,
        forum_applications=ForumApplication.objects.filter(Q(contact_email__iexact=email) | Q(applicant_id__in=account_ids)),
        forum_contacts=ForumApplication.objects.filter(contact_email__iexact=email),
        nominations=Nomination.objects.filter(Q(contact_email__iexact=email) | Q(created_by_id__in=account_ids)),
        nomination_contacts=Nomination.objects.filter(contact_email__iexact=email),
        exhibitors=Exhibitor.objects.filter(Q(contact_email__iexact=email) | Q(representatives__in=account_ids)).distinct(),
        exhibitor_contacts=Exhibitor.objects.filter(contact_email__iexact=email),
        meetings=MeetingRequest.objects.filter(guest_id__in=account_ids),
        teams_led=Team.objects.filter(leader_id__in=account_ids),
    )
    accounts = list(person.accounts)
    person.addresses = {email.lower()} | {
        a.lower() for a in [
            *(u.email for u in accounts),
            *registrations.values_list("email", flat=True),
            *volunteers.values_list("email", flat=True),
        ] if a
    }
    values = set(person.addresses)
    for user in accounts:
        values |= {user.get_username(), user.get_full_name()}
    for name, name_zh in registrations.values_list("name", "name_zh"):
        values |= {name, name_zh}
    for name, phone in volunteers.values_list("name", "phone"):
        values |= {name, phone}
    for queryset, fields in (
        (person.forum_contacts, ("contact_name", "contact_phone")),
        (person.nomination_contacts, ("contact_name",)),
        (person.exhibitor_contacts, ("contact_name", "contact_phone")),
        (person.teams_led, ("leader_phone",)),
    ):
        for row in queryset.values_list(*fields):
            values |= set(row)
    person.values = sorted(
        (v.strip() for v in values if v and len(v.strip()) >= MIN_VALUE_LENGTH and v.strip() != ERASED), key=lambda v: (-len(v), v)
    )
    held = (
        account_ids
        or registrations.exists()
        or volunteers.exists()
        or person.forum_contacts.exists()
        or person.nomination_contacts.exists()
        or person.exhibitor_contacts.exists()
        or _addressed_to({email.lower()})
    )
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
    return {
        "email": person.email,
        "exported_at": _iso(now or timezone.now()),
        "accounts": [_account(user) for user in person.accounts.prefetch_related("groups")],
        "registrations": [_registration(r) for r in person.registrations.select_related("edition").prefetch_related(
            "credentials__checkins__checkin_list", "invitations__session").order_by("created", "pk")],
        "volunteers": [_volunteer(v) for v in person.volunteers.select_related("programme__edition", "team").prefetch_related(
            "languages", "interviews", "attendances__module", "assignments__shift__post", "assignments__checks",
            "assignments__change_requests", "standby_offers__shift__post").order_by("created", "pk")],
        "forum_applications": [_forum_application(a, person) for a in person.forum_applications.select_related("call__edition").order_by("created", "pk")],
        "award_nominations": [_nomination(n, person) for n in person.nominations.select_related("programme__edition", "organization").order_by("created", "pk")],
        "expo_exhibitors": [_exhibitor(e, person) for e in person.exhibitors.select_related("edition", "organization").order_by("created", "pk")],
        "expo_meeting_requests": [_meeting(m) for m in person.meetings.select_related("exhibitor__organization").order_by("start", "pk")],
        "roles": _roles_held(person),
        "teams_led": [{"team": t.name_zh, "programme": t.programme.name_zh, "leader_phone": t.leader_phone} for t in person.teams_led.select_related("programme").order_by("pk")],
        "starred_sessions": [_star(s) for s in Star.objects.filter(user_id__in=person.account_ids).select_related("session__edition").order_by("created", "pk")],
        "calendar_feed": AgendaFeed.objects.filter(user_id__in=person.account_ids).exists(),
        "outgoing_emails": [_email(e) for e in OutgoingEmail.objects.filter(pk__in=person.outgoing_emails()[0]).order_by("created", "pk")],
        "audit_log": _audit_log(person),
        **_sign_ins(person),
    }


def _roles_held(person: Person) -> dict:
    """What the accounts act for: WIC members, enterprises in the awards, reviews of sub-forums and awards."""
    from awards.models import AwardReviewer, EnterpriseRepresentative
    from forums.models import Reviewer

    from .models import Member

    ids = person.account_ids
    return {
        "wic_member_representative": sorted(str(m) for m in Member.objects.filter(representatives__in=ids).select_related("organization").distinct()),
        "award_enterprise_representative": sorted(EnterpriseRepresentative.objects.filter(user_id__in=ids).values_list("organization__name_zh", flat=True)),
        "forum_reviewer": sorted(Reviewer.objects.filter(user_id__in=ids).values_list("edition__year", flat=True)),
        "award_reviewer": sorted(AwardReviewer.objects.filter(user_id__in=ids).values_list("programme__name_zh", flat=True)),
    }


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
            {"at": _iso(log.attempt_time), "signed_out_at": _iso(log.logout_time), "ip_address": log.ip_address, "user_agent": log.user_agent}
            for log in AccessLog.objects.filter(username__in=names).order_by("attempt_time", "pk")
        ],
        "failed_sign_ins": [
            {"at": _iso(log.attempt_time), "ip_address": log.ip_address, "user_agent": log.user_agent, "locked_out": log.locked_out}
            for log in AccessFailureLog.objects.filter(username__in=names).order_by("attempt_time", "pk")
        ],
    }


def _account(user) -> dict:
    return {
        "username": user.get_username(), "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "is_active": user.is_active, "date_joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
        "groups": sorted(g.name for g in user.groups.all()),
    }


def _registration(r: Registration) -> dict:
    return {
        "edition": r.edition.year, "reference": r.reference, "name": r.name, "name_zh": r.name_zh, "email": r.email,
        "organization": r.organization_name, "title": r.title, "country": r.country.code, "category": r.category,
        "participation": r.participation, "languages": r.languages, "needs_visa_letter": r.needs_visa_letter,
        "needs_accommodation": r.needs_accommodation, "accessibility_needs": r.accessibility_needs, "consent": r.consent,
        "language": r.language, "status": r.status, "decided_at": _iso(r.decided_at), "registered_at": _iso(r.created),
        "credentials": [
            {
                "issued_at": _iso(c.issued_at), "revoked_at": _iso(c.revoked_at), "has_badge": bool(c.badge),
                "scans": [
                    {"list": s.checkin_list.name_zh, "type": s.type, "result": s.result, "scanned_at": _iso(s.scanned_at), "gate": s.gate, "device": s.device}
                    for s in sorted(c.checkins.all(), key=lambda s: (s.scanned_at, s.pk))
                ],
            }
            for c in sorted(r.credentials.all(), key=lambda c: (c.issued_at, c.pk))
        ],
        "invitations": [{"session": i.session.title_zh, "invited_at": _iso(i.created)} for i in sorted(r.invitations.all(), key=lambda i: i.pk)],
    }


def _volunteer(v: Volunteer) -> dict:
    return {
        "edition": v.programme.edition.year, "programme": v.programme.name_zh, "name": v.name, "university": v.university,
        "is_local": v.is_local, "student_number": v.student_number, "phone": v.phone, "email": v.email,
        "available_days": v.available_days, "preferred_post_kinds": v.preferred_post_kinds, "motivation": v.motivation,
        "status": v.status, "team": v.team.name_zh if v.team_id else None, "language": v.language,
        "decided_at": _iso(v.decided_at), "applied_at": _iso(v.created),
        "languages": [{"language": lang.language, "level": lang.level} for lang in v.languages.all()],
        "interviews": [{"round": i.round, "score": i.score, "note": i.note, "recorded_at": _iso(i.created)} for i in v.interviews.all()],
        "training": [{"module": a.module.name_zh, "recorded_at": _iso(a.recorded_at)} for a in sorted(v.attendances.all(), key=lambda a: a.pk)],
        "shifts": [
            {
                "post": a.shift.post.name_zh, "starts_at": _iso(a.shift.starts_at), "ends_at": _iso(a.shift.ends_at), "status": a.status,
                "checked_in_at": _iso(a.checked_in_at), "arrival": a.arrival, "checked_out_at": _iso(a.checked_out_at), "departure": a.departure,
                "checks": [{"kind": c.kind, "at": _iso(c.at), "via": c.via} for c in sorted(a.checks.all(), key=lambda c: (c.at, c.pk))],
                "change_requests": [
                    {"kind": r.kind, "reason": r.reason, "status": r.status, "asked_at": _iso(r.created)}
                    for r in sorted(a.change_requests.all(), key=lambda r: r.pk)
                ],
            }
            for a in sorted(v.assignments.all(), key=lambda a: (a.shift.starts_at, a.pk))
        ],
        "standby_offers": [
            {"post": o.shift.post.name_zh, "starts_at": _iso(o.shift.starts_at), "status": o.status, "offered_at": _iso(o.created)}
            for o in sorted(v.standby_offers.all(), key=lambda o: o.pk)
        ],
    }


def _roles(is_contact: bool, is_account: bool, account_role: str) -> list[str]:
    return [role for role, held in (("contact", is_contact), (account_role, is_account)) if held]


def _forum_application(a: ForumApplication, person: Person) -> dict:
    return {
        "edition": a.call.edition.year, "title": a.title_zh, "state": a.state,
        "roles": _roles(a.contact_email.lower() in person.addresses, a.applicant_id in person.account_ids, "applicant"),
        "contact_name": a.contact_name, "contact_email": a.contact_email, "contact_phone": a.contact_phone,
        "submitted_at": _iso(a.submitted_at), "created_at": _iso(a.created),
    }


def _nomination(n: Nomination, person: Person) -> dict:
    return {
        "edition": n.programme.edition.year, "programme": n.programme.name_zh, "direction": n.direction, "state": n.state,
        "nominee": n.display_name, "roles": _roles(n.contact_email.lower() in person.addresses, n.created_by_id in person.account_ids, "nominator"),
        "contact_name": n.contact_name, "contact_email": n.contact_email, "submitted_at": _iso(n.submitted_at), "created_at": _iso(n.created),
    }


def _exhibitor(e: Exhibitor, person: Person) -> dict:
    representative = e.representatives.filter(pk__in=person.account_ids).exists()
    return {
        "edition": e.edition.year, "organization": e.organization.name_zh, "status": e.status,
        "roles": _roles(e.contact_email.lower() in person.addresses, representative, "representative"),
        "contact_name": e.contact_name, "contact_email": e.contact_email, "contact_phone": e.contact_phone,
    }


def _meeting(m: MeetingRequest) -> dict:
    return {
        "exhibitor": m.exhibitor.organization.name_zh, "starts_at": _iso(m.start), "ends_at": _iso(m.end), "message": m.message,
        "status": m.status, "asked_at": _iso(m.created),
    }


def _star(s: Star) -> dict:
    return {"edition": s.session.edition.year, "session": s.session.title_zh, "starred_at": _iso(s.created)}


def _email(e: OutgoingEmail) -> dict:
    return {
        "event": e.event, "to": e.to, "language": e.language, "subject": e.subject, "body": e.body_text, "status": e.status,
        "queued_at": _iso(e.created), "sent_at": _iso(e.sent_at),
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
            "at": _iso(entry.timestamp), "action": str(actions.get(entry.action, entry.action)),
            "model": f"{entry.content_type.app_label}.{entry.content_type.model}", "object": entry.object_repr,
            "changes": entry.changes if entry.changes is not None else entry.changes_text, "by_you": by_person,
        })
    return rows


# -- erasure ---------------------------------------------------------------------------------------

COUNT_KEYS = (
    ("registration.Registration", "deleted"),
    ("registration.Credential", "deleted"),
    ("registration.Invitation", "deleted"),
    ("registration.Checkin", "anonymized"),
    ("volunteers.Volunteer", "anonymized"),
    ("volunteers.Interview", "anonymized"),
    ("volunteers.ChangeRequest", "anonymized"),
    ("volunteers.Team", "anonymized"),
    ("forums.ForumApplication", "anonymized"),
    ("awards.Nomination", "anonymized"),
    ("expo.Exhibitor", "anonymized"),
    ("expo.MeetingRequest", "deleted"),
    ("agenda.Star", "deleted"),
    ("agenda.AgendaFeed", "deleted"),
    ("authtoken.Token", "deleted"),
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

    counts = {label: {} for label, _action in COUNT_KEYS}
    for label, action in COUNT_KEYS:
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

    # Registrations: scans kept anonymous, credentials (and badge files), invitations, registrations deleted.
    credentials = person.credentials
    badges = [name for name in credentials.exclude(badge="").values_list("badge", flat=True) if name]
    counts["registration.Checkin"]["anonymized"] = person.scans.update(credential=None, raw_secret="")
    counts["registration.Invitation"]["deleted"] = _deleted(Invitation.objects.filter(registration__in=person.registrations))
    counts["registration.Credential"]["deleted"] = _deleted(Credential.objects.filter(pk__in=list(credentials.values_list("pk", flat=True))))
    counts["registration.Registration"]["deleted"] = _deleted(Registration.objects.filter(pk__in=list(person.registrations.values_list("pk", flat=True))))
    if badges:
        from django.core.files.storage import default_storage

        transaction.on_commit(lambda: [default_storage.delete(name) for name in badges])

    # Volunteers: anonymized in place (rosters, head-counts and hours stay true).
    volunteer_ids = list(person.volunteers.values_list("pk", flat=True))
    counts["volunteers.Interview"]["anonymized"] = Interview.objects.filter(volunteer_id__in=volunteer_ids).exclude(note="").update(note="")
    counts["volunteers.ChangeRequest"]["anonymized"] = (
        ChangeRequest.objects.filter(assignment__volunteer_id__in=volunteer_ids).exclude(reason="").update(reason="")
    )
    for volunteer in Volunteer.objects.filter(pk__in=volunteer_ids):
        volunteer.name, volunteer.email, volunteer.phone = ERASED, f"erased-{volunteer.pk}@erased.invalid", ""
        volunteer.student_number, volunteer.motivation, volunteer.user = "", "", None
        volunteer.code, volunteer.feed_token = new_volunteer_code(), new_token()
        volunteer.save(update_fields=["name", "email", "phone", "student_number", "motivation", "user", "code", "feed_token"])
    counts["volunteers.Volunteer"]["anonymized"] = len(volunteer_ids)
    counts["volunteers.Team"]["anonymized"] = person.teams_led.exclude(leader_phone="").update(leader_phone="")

    # Organizations' records: the contact blanked where the contact is the person.
    counts["forums.ForumApplication"]["anonymized"] = person.forum_contacts.update(contact_name="", contact_email="", contact_phone="")
    counts["awards.Nomination"]["anonymized"] = person.nomination_contacts.update(contact_name="", contact_email="")
    counts["expo.Exhibitor"]["anonymized"] = person.exhibitor_contacts.update(contact_name="", contact_email="", contact_phone="")
    counts["expo.MeetingRequest"]["deleted"] = _deleted(MeetingRequest.objects.filter(guest_id__in=account_ids))

    # What an account holds by itself.
    counts["agenda.Star"]["deleted"] = _deleted(Star.objects.filter(user_id__in=account_ids))
    counts["agenda.AgendaFeed"]["deleted"] = _deleted(AgendaFeed.objects.filter(user_id__in=account_ids))
    if apps.is_installed("rest_framework.authtoken"):
        from rest_framework.authtoken.models import Token

        counts["authtoken.Token"]["deleted"] = _deleted(Token.objects.filter(user_id__in=account_ids))
    counts["sessions.Session"]["deleted"] = _delete_sessions(account_ids)
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        usernames = _sign_in_names(person)
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            counts[f"axes.{model.__name__}"]["deleted"] = _deleted(model.objects.filter(username__in=usernames))

    # Email: deleted when to or about the person, scrubbed elsewhere.
    counts["wic.OutgoingEmail"]["deleted"] = _deleted(OutgoingEmail.objects.filter(pk__in=own_emails))
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


def _deleted(queryset: QuerySet) -> int:
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
    return _deleted(Session.objects.filter(session_key__in=doomed))
