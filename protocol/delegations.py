"""Delegations (issue 23): a country's government, an international organization or a company
at an edition, with its head, its members (registrations of the edition), its precedence and
languages, a liaison volunteer chosen by the roster's rules, and the head's private link.

Refusals (DomainError; the API answers them as `{code, message}`, pages as the sentence):

- `delegation_save`: `name_required`, `too_long` (field by field, the model's lengths; notes at
  NOTES_MAX), `unknown_kind`, `unknown_language`, `unknown_country`, `bad_precedence`,
  `bad_days` (a day outside the edition's, or the last before the first), `wrong_edition` (a head
  registered for another edition), `head_not_member` (409: the head is a member of another
  delegation), `duplicate_name` (409), `liaison_assigned` (409: days or languages change while a
  liaison serves; release the liaison first).
- `member_add`: `wrong_edition`, `registration_not_active` (a rejected registration),
  `already_in_delegation` (409, naming the delegation), `principal_not_member`,
  `principal_needs_interpreter`.
- `liaison_assign`: `liaison_already_assigned` (409), `no_liaison_available` (409, saying why:
  no volunteer programme or guest-liaison post, nobody trained, nobody speaking the languages,
  nobody available on every day, everyone on an overlapping shift), nothing written.
- `liaison_release`: `liaison_on_duty` (409: the liaison has checked in on one of the shifts).
- `delegation_for_token`: `link_invalid` (404), `link_expired` (410), `link_used` (410: a newer
  link replaced it), all on field token, as people.invitations' speaker links.

The liaison. Choosing one creates the liaison's shifts on the programme's guest-liaison post (the
post serving the delegation's first language, else one serving none, else the first): one per
day of the delegation (LIAISON_DAY_START to LIAISON_DAY_END, Beijing time), one place each,
requiring the delegation's languages. The volunteer is chosen by the auto-roster's rules
(volunteers.roster): accepted, trained for the post, speaking every language at working level or
better, available on every day (an empty list of available days is every day), on no overlapping
shift; among those, the fewest hours rostered first, then the earliest application. Each shift is
assigned through `volunteers.services.shift_assign`, which checks the same rules again under the
volunteer's row lock, so a liaison is never double-booked; a candidate refused there (rostered
meanwhile) gives way to the next. Everything is one transaction: a refusal leaves nothing.
"""
import secrets
from contextlib import contextmanager
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from registration.enums import RegistrationStatus
from registration.models import Registration
from volunteers import services as volunteer_services
from volunteers.enums import SERVICE_LEVELS, AssignmentSource, AssignmentStatus, Language, PostKind, VolunteerStatus
from volunteers.models import Assignment, Post, Programme, Shift, TrainingAttendance, Volunteer, VolunteerLanguage
from wic.display import BEIJING
from wic.errors import ConflictError, DomainError

from .enums import DelegationKind
from .models import Delegation, DelegationMember

SALT = "protocol.delegation-link"
DEFAULT_MAX_AGE_DAYS = 90
NOTES_MAX = 5000
LIAISON_DAY_START = time(8, 0)
LIAISON_DAY_END = time(21, 0)
SAVE_FIELDS = ("name_zh", "name_en", "kind", "country", "precedence", "languages", "arrives_on", "departs_on", "head", "notes")


@contextmanager
def _audit(actor):
    """auditlog's actor for what is saved inside (as people.invitations does): `actor`, also
    outside a request; the context variable found before is put back afterwards."""
    from auditlog.context import auditlog_value, set_actor

    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


# -- days ------------------------------------------------------------------------------------------

def delegation_days(delegation: Delegation) -> list[date]:
    """The delegation's days: `arrives_on` to `departs_on`, each defaulting to the edition's first
    and last day; [] when neither they nor the edition's dates are known."""
    edition = delegation.edition
    first = delegation.arrives_on or edition.start_date
    last = delegation.departs_on or edition.end_date
    if first is None or last is None or last < first:
        return []
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _days_text(days: list[date]) -> str:
    if not days:
        return ""
    return days[0].isoformat() if len(days) == 1 else f"{days[0].isoformat()} – {days[-1].isoformat()}"


def _language_names(codes) -> str:
    return _(", ").join(str(Language(code).label) if code in Language.values else str(code) for code in codes)


# -- saving a delegation ----------------------------------------------------------------------------

def _check_length(name: str, value: str, limit: int | None = None) -> None:
    limit = limit or Delegation._meta.get_field(name).max_length
    if len(value) > limit:
        label = Delegation._meta.get_field(name).verbose_name
        raise DomainError("too_long", _("The %(field)s may hold %(max)d characters; this one has %(n)d.") % {"field": label, "max": limit, "n": len(value)}, field=name)


def delegation_check(
    *, edition, name_zh, kind, name_en="", country="", precedence=1000, languages=(), arrives_on=None, departs_on=None, head=None, notes="",
    delegation: Delegation | None = None,
) -> dict:
    """The values `delegation_save` would write, checked (its refusals but the ones that need the
    rows locked), for forms that show a refusal beside its field before saving."""
    from django_countries import countries

    name_zh, name_en, notes = (name_zh or "").strip(), (name_en or "").strip(), (notes or "").strip()
    country = (country or "").strip().upper()
    if not name_zh:
        raise DomainError("name_required", _("A delegation needs a name in Chinese."), field="name_zh")
    _check_length("name_zh", name_zh)
    _check_length("name_en", name_en)
    _check_length("notes", notes, NOTES_MAX)
    if kind not in DelegationKind.values:
        raise DomainError("unknown_kind", _("There is no kind of delegation %(kind)s; choose one of the list.") % {"kind": str(kind)[:30]}, field="kind")
    if isinstance(languages, str):
        languages = [languages]
    codes = list(dict.fromkeys(str(code).strip() for code in languages or () if str(code).strip()))
    unknown = [code for code in codes if code not in Language.values]
    if unknown:
        raise DomainError("unknown_language", _("There is no language %(languages)s among the volunteers' languages.") % {"languages": ", ".join(c[:10] for c in unknown)}, field="languages")
    if country and country not in dict(countries):
        raise DomainError("unknown_country", _("There is no country or region with the code %(code)s.") % {"code": country[:10]}, field="country")
    if isinstance(precedence, bool) or not isinstance(precedence, int) or not 0 <= precedence <= 2_147_483_647:
        raise DomainError("bad_precedence", _("The precedence is a whole number from 0 (first) upwards."), field="precedence")
    for name, day in (("arrives_on", arrives_on), ("departs_on", departs_on)):
        if day is None:
            continue
        if edition.has_dates and not edition.start_date <= day <= edition.end_date:
            raise DomainError(
                "bad_days", _("%(day)s is outside the edition's days (%(first)s to %(last)s).") % {"day": day.isoformat(), "first": edition.start_date.isoformat(), "last": edition.end_date.isoformat()},
                field=name,
            )
        if not edition.has_dates:
            raise DomainError("bad_days", _("The edition's days are not known: a delegation's days cannot be set."), field=name)
    if arrives_on is not None and departs_on is not None and departs_on < arrives_on:
        raise DomainError("bad_days", _("The last day (%(last)s) comes before the first (%(first)s).") % {"last": departs_on.isoformat(), "first": arrives_on.isoformat()}, field="departs_on")
    if head is not None and head.edition_id != edition.pk:
        raise DomainError("wrong_edition", _("%(name)s is registered for another edition.") % {"name": head.name}, field="head")
    return {
        "name_zh": name_zh, "name_en": name_en, "kind": kind, "country": country, "precedence": precedence, "languages": codes,
        "arrives_on": arrives_on, "departs_on": departs_on, "head": head, "notes": notes,
    }


def delegation_save(
    *, edition, name_zh, kind, name_en="", country="", precedence=1000, languages=(), arrives_on=None, departs_on=None, head=None, notes="",
    actor=None, delegation: Delegation | None = None,
) -> Delegation:
    """Create a delegation, or (`delegation`) replace its fields. The head must be a member: a
    registration in no delegation yet joins this one as its first member (`member_add`'s checks);
    a member of another delegation is refused `head_not_member`. While a liaison serves, the days
    and languages stay as they are (`liaison_assigned`). See the module's docstring for the codes."""
    values = delegation_check(
        edition=edition, name_zh=name_zh, kind=kind, name_en=name_en, country=country, precedence=precedence, languages=languages,
        arrives_on=arrives_on, departs_on=departs_on, head=head, notes=notes, delegation=delegation,
    )
    with transaction.atomic(), _audit(actor):
        if delegation is not None:
            delegation = Delegation.objects.select_for_update().select_related("edition").get(pk=delegation.pk)
            if delegation.edition_id != edition.pk:
                raise DomainError("wrong_edition", _("A delegation stays in its edition."), field="edition")
            if delegation.liaison_id and (
                (values["arrives_on"], values["departs_on"]) != (delegation.arrives_on, delegation.departs_on) or values["languages"] != list(delegation.languages or [])
            ):
                raise ConflictError(
                    "liaison_assigned",
                    _("%(name)s's liaison is rostered for its present days and languages: release the liaison before changing them.") % {"name": delegation.name_zh},
                    field="languages" if values["languages"] != list(delegation.languages or []) else "arrives_on",
                )
        else:
            delegation = Delegation(edition=edition)
        clash = Delegation.objects.filter(edition=edition, name_zh=values["name_zh"]).exclude(pk=delegation.pk).first()
        if clash is not None:
            raise ConflictError("duplicate_name", _("The edition already has a delegation named %(name)s.") % {"name": clash.name_zh}, field="name_zh")
        head = values.pop("head")
        for name, value in values.items():
            setattr(delegation, name, value)
        delegation.head = None if head is None else delegation.head if delegation.head_id == head.pk else None
        try:
            with transaction.atomic():
                delegation.save()
        except IntegrityError:
            raise ConflictError("duplicate_name", _("The edition already has a delegation named %(name)s.") % {"name": values["name_zh"]}, field="name_zh") from None
        if head is not None and delegation.head_id != head.pk:
            membership = DelegationMember.objects.select_related("delegation").filter(registration=head).first()
            if membership is None:
                member_add(delegation, head, actor=actor, sort_order=0)
            elif membership.delegation_id != delegation.pk:
                raise ConflictError(
                    "head_not_member",
                    _("%(name)s is a member of %(other)s, not of this delegation: remove them there first.") % {"name": head.name, "other": membership.delegation.name_zh},
                    field="head",
                )
            delegation.head = head
            delegation.save(update_fields=["head"])
    return delegation


# -- members ---------------------------------------------------------------------------------------

def member_refusal(delegation: Delegation, registration: Registration, *, is_interpreter=False, principal=None, member=None) -> DomainError | None:
    """Why `registration` cannot be (or stay, for `member`) a member as given, or None."""
    if registration.edition_id != delegation.edition_id:
        return DomainError("wrong_edition", _("%(name)s is registered for another edition.") % {"name": registration.name}, field="registration")
    if registration.status == RegistrationStatus.REJECTED:
        return DomainError("registration_not_active", _("%(name)s's registration was rejected.") % {"name": registration.name}, field="registration")
    other = DelegationMember.objects.select_related("delegation").filter(registration=registration).exclude(pk=getattr(member, "pk", None)).first()
    if other is not None:
        return ConflictError(
            "already_in_delegation", _("%(name)s is already a member of %(delegation)s.") % {"name": registration.name, "delegation": other.delegation.name_zh},
            field="registration",
        )
    if principal is not None:
        if not is_interpreter:
            return DomainError("principal_needs_interpreter", _("Only an interpreter interprets for another member."), field="principal")
        if principal.delegation_id != delegation.pk or (member is not None and principal.pk == member.pk):
            return DomainError("principal_not_member", _("%(name)s is not another member of this delegation.") % {"name": principal.registration.name}, field="principal")
    return None


def member_add(delegation: Delegation, registration: Registration, *, is_interpreter=False, principal=None, actor=None, sort_order=None) -> DelegationMember:
    """Add a registration of the delegation's edition to it (last, unless `sort_order`). An
    interpreter may name the member they interpret for (`principal`). One delegation per
    registration: the database's one-to-one backs `already_in_delegation`."""
    with transaction.atomic(), _audit(actor):
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        error = member_refusal(delegation, registration, is_interpreter=is_interpreter, principal=principal)
        if error is not None:
            raise error
        if sort_order is None:
            sort_order = (delegation.members.aggregate(m=Max("sort_order"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                return DelegationMember.objects.create(
                    delegation=delegation, registration=registration, is_interpreter=bool(is_interpreter), principal=principal, sort_order=sort_order
                )
        except IntegrityError:
            raise ConflictError("already_in_delegation", _("%(name)s is already a member of a delegation.") % {"name": registration.name}, field="registration") from None


def member_update(member: DelegationMember, *, is_interpreter=False, principal=None, sort_order=None, actor=None) -> DelegationMember:
    """Change a member's interpreter mark, principal or place in the list (the admin's inline)."""
    with transaction.atomic(), _audit(actor):
        member = DelegationMember.objects.select_for_update().select_related("delegation", "registration").get(pk=member.pk)
        error = member_refusal(member.delegation, member.registration, is_interpreter=is_interpreter, principal=principal, member=member)
        if error is not None:
            raise error
        member.is_interpreter = bool(is_interpreter)
        member.principal = principal
        if sort_order is not None:
            member.sort_order = sort_order
        member.save(update_fields=["is_interpreter", "principal", "sort_order"])
    return member


def member_remove(member: DelegationMember, *, actor=None) -> None:
    """Take a member out: a head stops being the head, the interpreters who interpreted for them
    keep their place without a principal. Invitation cards already sent stay (protocol.invitations)."""
    with transaction.atomic(), _audit(actor):
        delegation = Delegation.objects.select_for_update().get(pk=member.delegation_id)
        if delegation.head_id == member.registration_id:
            delegation.head = None
            delegation.save(update_fields=["head"])
        DelegationMember.objects.filter(pk=member.pk).delete()


# -- the liaison -----------------------------------------------------------------------------------

@dataclass
class _Candidate:
    pk: int
    hours: float = 0.0
    busy: list = field(default_factory=list)


def _liaison_post(programme: Programme, languages: list[str]) -> Post | None:
    posts = list(Post.objects.filter(programme=programme, kind=PostKind.GUEST_LIAISON).order_by("sort_order", "id"))
    for wanted in ([languages[0]] if languages else []) + [""]:
        for post in posts:
            if post.language == wanted:
                return post
    return posts[0] if posts else None


def _window(day: date) -> tuple[datetime, datetime]:
    return datetime.combine(day, LIAISON_DAY_START, tzinfo=BEIJING), datetime.combine(day, LIAISON_DAY_END, tzinfo=BEIJING)


def liaison_candidates(delegation: Delegation, post: Post, days: list[date]) -> tuple[list[int], str]:
    """The volunteers who may serve the delegation on `post` over `days`, best first (fewest hours
    rostered, then earliest application), and, when there are none, the sentence saying why. A
    fixed number of queries, whatever the programme's size."""
    languages = set(delegation.languages or [])
    programme_id = post.programme_id
    rows = list(Volunteer.objects.filter(programme_id=programme_id, status=VolunteerStatus.ACCEPTED).order_by("pk").values_list("pk", "available_days"))
    required = set(post.required_modules.values_list("pk", flat=True))
    attended: dict[int, set] = defaultdict(set)
    for vid, mid in TrainingAttendance.objects.filter(module__programme_id=programme_id, module_id__in=required).values_list("volunteer_id", "module_id"):
        attended[vid].add(mid)
    spoken: dict[int, set] = defaultdict(set)
    for vid, code, level in VolunteerLanguage.objects.filter(volunteer__programme_id=programme_id, level__in=SERVICE_LEVELS).values_list("volunteer_id", "language", "level"):
        spoken[vid].add(code)
    trained = [(pk, days_available) for pk, days_available in rows if required <= attended[pk]]
    if not trained:
        return [], _("nobody accepted has the training of %(post)s") % {"post": post.name_zh}
    speakers = [(pk, days_available) for pk, days_available in trained if languages <= spoken[pk]]
    if not speakers:
        return [], _("no trained volunteer speaks %(languages)s") % {"languages": _language_names(sorted(languages))}
    wanted = {d.isoformat() for d in days}
    available = [pk for pk, days_available in speakers if not days_available or wanted <= set(days_available)]
    if not available:
        return [], _("no trained speaker is available on every day (%(days)s)") % {"days": _days_text(days)}
    candidates = {pk: _Candidate(pk) for pk in available}
    for vid, start, end in Assignment.objects.filter(volunteer_id__in=available, status=AssignmentStatus.ASSIGNED).values_list("volunteer_id", "shift__starts_at", "shift__ends_at"):
        candidates[vid].hours += (end - start).total_seconds() / 3600
        candidates[vid].busy.append((start, end))
    windows = [_window(d) for d in days]
    free = [c for c in candidates.values() if not any(s < we and e > ws for s, e in c.busy for ws, we in windows)]
    if not free:
        return [], _("every trained speaker available on those days is on an overlapping shift")
    free.sort(key=lambda c: (c.hours, c.pk))
    return [c.pk for c in free], ""


def _no_liaison(delegation: Delegation, reason: str) -> ConflictError:
    return ConflictError("no_liaison_available", _("No liaison can be chosen for %(name)s: %(reason)s.") % {"name": delegation.name_zh, "reason": reason}, field="liaison")


def liaison_assign(delegation: Delegation, *, actor=None) -> Volunteer:
    """Choose the delegation's liaison and roster them (see the module's docstring): the liaison's
    shifts are created, the volunteer assigned to each through `shift_assign`, and recorded as the
    delegation's liaison. `liaison_already_assigned`, `no_liaison_available`; nothing is written
    on a refusal."""
    with transaction.atomic(), _audit(actor):
        delegation = Delegation.objects.select_for_update(of=("self",)).select_related("edition", "liaison").get(pk=delegation.pk)
        if delegation.liaison_id:
            raise ConflictError(
                "liaison_already_assigned", _("%(name)s already has a liaison: %(liaison)s. Release them first to choose again.") % {"name": delegation.name_zh, "liaison": delegation.liaison.name},
                field="liaison",
            )
        days = delegation_days(delegation)
        if not days:
            raise _no_liaison(delegation, _("its days are not known"))
        programme = Programme.objects.filter(edition_id=delegation.edition_id).first()
        if programme is None:
            raise _no_liaison(delegation, _("the edition has no volunteer programme"))
        languages = list(delegation.languages or [])
        post = _liaison_post(programme, languages)
        if post is None:
            raise _no_liaison(delegation, _("the volunteer programme has no guest-liaison post"))
        ordered, reason = liaison_candidates(delegation, post, days)
        if not ordered:
            raise _no_liaison(delegation, reason)
        note = f"联络员 Liaison · {delegation.name_zh}"  # stored: the same in both languages
        shifts = [
            Shift.objects.create(post=post, starts_at=start, ends_at=end, needed=1, required_languages=languages, note=note[:200])
            for start, end in (_window(day) for day in days)
        ]
        chosen, refusals = None, []
        for pk in ordered:
            volunteer = Volunteer(pk=pk)
            try:
                with transaction.atomic():
                    for shift in shifts:
                        volunteer_services.shift_assign(shift=shift, volunteer=volunteer, actor=actor, source=AssignmentSource.MANUAL)
            except DomainError as error:  # rostered meanwhile: the next candidate
                refusals.append(error.message)
                continue
            chosen = Volunteer.objects.get(pk=pk)
            break
        if chosen is None:
            raise _no_liaison(delegation, refusals[-1] if refusals else _("nobody fits"))
        delegation.liaison = chosen
        delegation.save(update_fields=["liaison"])
        delegation.liaison_shifts.set(shifts)
    return chosen


def liaison_release(delegation: Delegation, *, actor=None) -> None:
    """The delegation no longer has a liaison: the liaison's shifts are deleted with their
    assignments (their hours are free again). Refused `liaison_on_duty` once the liaison has
    checked in on one of them (the record of work stays). Nothing to do without a liaison."""
    with transaction.atomic(), _audit(actor):
        delegation = Delegation.objects.select_for_update(of=("self",)).select_related("liaison").get(pk=delegation.pk)
        shift_ids = list(delegation.liaison_shifts.values_list("pk", flat=True))
        if Assignment.objects.filter(shift_id__in=shift_ids, checked_in_at__isnull=False).exists():
            raise ConflictError(
                "liaison_on_duty", _("%(liaison)s has already checked in as %(name)s's liaison: the shifts are kept.") % {"liaison": delegation.liaison.name if delegation.liaison else "", "name": delegation.name_zh},
                field="liaison",
            )
        delegation.liaison_shifts.clear()
        Shift.objects.filter(pk__in=shift_ids).delete()
        if delegation.liaison_id:
            delegation.liaison = None
            delegation.save(update_fields=["liaison"])


# -- the head's private link -------------------------------------------------------------------------

def link_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "DELEGATION_LINK_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))


def head_link_token(delegation: Delegation) -> str:
    """A new private link's token for the delegation's page (valid link_max_age() from now). A new
    nonce is drawn and saved: every older link stops working (`link_used`)."""
    nonce = secrets.token_hex(16)
    Delegation.objects.filter(pk=delegation.pk).update(link_nonce=nonce)
    delegation.link_nonce = nonce
    return signing.dumps({"d": delegation.pk, "n": nonce}, salt=SALT)


def head_link_path(token: str) -> str:
    return reverse("protocol:delegation-private", args=[token])


def head_link_url(token: str) -> str:
    return f"{settings.SITE_URL}{head_link_path(token)}"


def _link_invalid() -> DomainError:
    return DomainError("link_invalid", _("This link is not valid. Check that it was copied whole, or ask the secretariat for a new one."), status=404, field="token")


def delegation_for_token(token: str) -> Delegation:
    """The delegation a private link opens, or `link_invalid` (404), `link_expired` (410) or
    `link_used` (410: a newer link replaced this one)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired:
        raise DomainError(
            "link_expired", _("This link has expired: a link is valid for %(days)d days. Ask the secretariat to send a new one.") % {"days": link_max_age().days},
            status=410, field="token",
        ) from None
    except signing.BadSignature:
        raise _link_invalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("d"), int) or not isinstance(data.get("n"), str):
        raise _link_invalid()
    delegation = Delegation.objects.select_related("edition", "head").filter(pk=data["d"]).first()
    if delegation is None:
        raise _link_invalid()
    if not delegation.link_nonce or not secrets.compare_digest(delegation.link_nonce, data["n"]):
        raise DomainError("link_used", _("A newer link replaced this one. The secretariat can send you the current link."), status=410, field="token")
    return delegation


# -- the delegation's page: one itinerary ----------------------------------------------------------

SHOWN_APPEARANCES = ("confirmed", "appeared")  # people.enums.AppearanceStatus: the public ones


@dataclass
class ItineraryLine:
    """One member's part in an agenda item: speaking there (`kind` "speaks", the role) or invited
    to it (`kind` "card", the card's status and the seat)."""

    member: str
    kind: str
    status: str
    label: str
    seat: str = ""


@dataclass
class ItineraryItem:
    session: object
    lines: list = field(default_factory=list)


@dataclass
class ItineraryDay:
    day: date | None  # None: items whose day is not set
    items: list = field(default_factory=list)


@dataclass
class DelegationView:
    """What the delegation's page (organizers' and head's) and the API's itinerary show."""

    delegation: Delegation
    members: list
    days: list  # of ItineraryDay, by date, undated last
    delegation_days: list  # of date


def _member_name(registration: Registration) -> str:
    return f"{registration.name_zh} {registration.name}".strip() if registration.name_zh else registration.name


def delegation_view(delegation_id: int) -> DelegationView | None:
    """The delegation with its members and its itinerary, in four queries whatever the number of
    members, items or cards: the delegation (edition, head, liaison), the members, the members'
    public appearances in the edition's agenda (matched by the registration's email, case
    insensitive, to the person's private email: the one the programme's organizers entered), and
    the members' invitation cards to the edition's items with their seats (cancelled cards left out)."""
    from django.db.models.functions import Lower

    from people.models import Appearance
    from registration.models import seat_label

    from .enums import CardStatus
    from .models import InvitationCard

    delegation = Delegation.objects.select_related("edition", "head", "liaison").filter(pk=delegation_id).first()
    if delegation is None:
        return None
    members = list(DelegationMember.objects.filter(delegation=delegation).select_related("registration", "principal__registration").order_by("sort_order", "id"))
    by_email = {m.registration.email.lower(): m for m in members if m.registration.email}
    items: dict[int, ItineraryItem] = {}

    def item_of(session) -> ItineraryItem:
        if session.pk not in items:
            items[session.pk] = ItineraryItem(session=session)
        return items[session.pk]

    if by_email:
        appearances = (
            Appearance.objects.annotate(email_lower=Lower("person__email"))
            .filter(email_lower__in=list(by_email), session__edition_id=delegation.edition_id, status__in=SHOWN_APPEARANCES, session__is_published=True)
            .select_related("person", "session__hall__venue").order_by("session__sort_key", "sort_order", "pk")
        )
        for appearance in appearances:
            member = by_email[appearance.email_lower]
            item_of(appearance.session).lines.append(
                ItineraryLine(member=_member_name(member.registration), kind="speaks", status=appearance.status, label=appearance.get_role_display())
            )
    if members:
        cards = (
            InvitationCard.objects.filter(registration_id__in=[m.registration_id for m in members], item__session__edition_id=delegation.edition_id)
            .exclude(status=CardStatus.CANCELLED)
            .select_related("item__session__hall__venue", "registration", "seat__block", "seat__plan").order_by("pk")
        )
        for card in cards:
            seat = getattr(card, "seat", None)
            label = seat_label("table" if seat.plan.layout == "tables" else "row", seat.block.label, seat.number) if seat is not None else ""
            item_of(card.item.session).lines.append(
                ItineraryLine(member=_member_name(card.registration), kind="card", status=card.status, label=card.get_status_display(), seat=str(label))
            )
    by_day: dict[date | None, ItineraryDay] = {}
    far = datetime.max.replace(tzinfo=BEIJING)
    for item in sorted(items.values(), key=lambda i: (i.session.date is None, i.session.date or date.max, i.session.sort_key or far, i.session.pk)):
        day = item.session.date
        by_day.setdefault(day, ItineraryDay(day=day)).items.append(item)
    return DelegationView(delegation=delegation, members=members, days=list(by_day.values()), delegation_days=delegation_days(delegation))
