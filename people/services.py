"""Writes of people and their appearances. Refusals are DomainErrors with a stable code and the
field named: `unknown_role`, `unknown_status`, `too_long`, `person_has_no_name`,
`person_double_booked` (409, issue 22 "Clashes") and `override_not_allowed` (403).

Clashes: a person shown in an agenda item (confirmed, or appeared) cannot be shown in another one
that overlaps it. Two items with clock times overlap when their times do; otherwise they clash when
they are on the same date and share a part of the day (morning before 12:00, noon 12:00-13:00,
afternoon 13:00-18:00, evening from 18:00; "all day" is every part; an item with clock times has the
parts its times touch). An item without a date, or with a date but neither a clock time nor a part
of the day, clashes with nothing: nothing is known of its time. An organizer may pass a clash with
an `override_reason`, recorded in the audit log."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.db import transaction
from django.utils.translation import gettext as _

from wic.errors import DomainError

from .enums import AppearanceStatus, Role
from .models import Appearance, Person


def _check_length(model, values: dict) -> None:
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.max_length and isinstance(value, str) and len(value) > field.max_length:
            raise DomainError(
                "too_long",
                _("The %(field)s may hold %(max)d characters; this one has %(n)d.") % {"field": field.verbose_name, "max": field.max_length, "n": len(value)},
                field=name,
            )


@transaction.atomic
def person_upsert(*, key: str, name_zh: str = "", name_en: str = "", country: str = "", source: str = "", **fields) -> Person:
    """The person the seed names `key`, created or updated (idempotent: an unchanged person is not saved)."""
    if not (name_zh or name_en):
        raise DomainError("person_has_no_name", _("A person needs a name in Chinese or in English."), field="name_zh")
    values = {"name_zh": name_zh, "name_en": name_en, "country": country, "source": source, **fields}
    _check_length(Person, values)
    person = Person.objects.filter(key=key).first()
    if person is None:
        return Person.objects.create(key=key, **values)
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if changed:
        for name in changed:
            setattr(person, name, values[name])
        person.save(update_fields=changed)
    return person


BEIJING = ZoneInfo("Asia/Shanghai")
SHOWN = (AppearanceStatus.CONFIRMED, AppearanceStatus.APPEARED)
MAX_OVERRIDE_REASON = 500
# The parts of a day (agenda.enums.Period), as [start, end) hours in Beijing time.
DAY_PARTS = {"morning": (0, 12), "noon": (12, 13), "afternoon": (13, 18), "evening": (18, 24)}


def _day_parts(session) -> set[str]:
    """The parts of its date an agenda item takes: those its clock times touch, its period, every
    part for "all day", none where nothing is known of its time."""
    if session.start is not None:
        start, end = session.start.astimezone(BEIJING), session.end.astimezone(BEIJING)
        day = datetime.combine(session.date, time(0), tzinfo=BEIJING)
        hours = ((start - day).total_seconds() / 3600, (end - day).total_seconds() / 3600)
        return {part for part, (a, b) in DAY_PARTS.items() if hours[0] < b and a < hours[1]}
    if session.period == "all_day":
        return set(DAY_PARTS)
    return {session.period} & set(DAY_PARTS)


def sessions_overlap(a, b) -> bool:
    """Whether two agenda items overlap in time (see the module's docstring)."""
    if a.pk == b.pk or a.date is None or a.date != b.date:
        return False
    if a.start is not None and b.start is not None:
        return a.start < b.end and b.start < a.end
    return bool(_day_parts(a) & _day_parts(b))


def clashing_appearance(person: Person, session) -> Appearance | None:
    """The person's shown appearance in another agenda item that overlaps `session`, if any (the
    earliest; one query)."""
    if session.date is None:
        return None
    others = (
        Appearance.objects.filter(person=person, status__in=SHOWN, session__date=session.date)
        .exclude(session_id=session.pk).select_related("session").order_by("session__sort_key", "session_id", "pk")
    )
    return next((a for a in others if sessions_overlap(session, a.session)), None)


def _check_clash(appearance: Appearance, *, override_reason: str, actor) -> None:
    """Refuse `person_double_booked`, or let an organizer's reason pass it and audit it."""
    other = clashing_appearance(appearance.person, appearance.session)
    if other is None:
        return
    if not override_reason:
        error = DomainError(
            "person_double_booked",
            _("%(person)s is already confirmed in %(session)s, which overlaps this agenda item. An organizer may give a reason to override.")
            % {"person": appearance.person, "session": other.session},
            status=409, field="session",
        )
        error.other_session = other.session
        raise error
    if not (actor is not None and getattr(actor, "is_authenticated", False) and actor.has_perm("people.change_appearance")):
        raise DomainError("override_not_allowed", _("Only an organizer may override a clash."), status=403, field="override_reason")
    appearance._clash_override = (other, override_reason)


def _audit_override(appearance: Appearance, actor) -> None:
    other, reason = appearance.__dict__.pop("_clash_override")
    LogEntry.objects.log_create(
        appearance,
        action=LogEntry.Action.UPDATE,
        changes={"override_reason": ["", reason]},
        actor=actor,
        additional_data={"person_double_booked": {"other_session": other.session_id, "other_appearance": other.pk, "reason": reason}},
    )


@transaction.atomic
def appearance_upsert(
    *, person: Person, session, role: str, status: str = AppearanceStatus.INVITED,
    override_reason: str = "", actor=None, check_clashes: bool = True, **fields,
) -> Appearance:
    """The person's `role` in the agenda item, created or updated (idempotent). When the appearance
    becomes shown (confirmed or appeared), a clash with another of the person's shown appearances
    is refused (`person_double_booked`, 409) unless an organizer (`actor`) gives `override_reason`,
    which the audit log records. The seed passes `check_clashes=False`: it loads what the texts
    report happened."""
    if role not in Role.values:
        raise DomainError("unknown_role", _("There is no role %(role)s; choose one of the list.") % {"role": role}, field="role")
    if status not in AppearanceStatus.values:
        raise DomainError("unknown_status", _("There is no status %(status)s.") % {"status": status}, field="status")
    override_reason = (override_reason or "").strip()
    if len(override_reason) > MAX_OVERRIDE_REASON:
        raise DomainError(
            "too_long",
            _("The reason may hold %(max)d characters; this one has %(n)d.") % {"max": MAX_OVERRIDE_REASON, "n": len(override_reason)},
            field="override_reason",
        )
    values = {"status": status, **fields}
    _check_length(Appearance, values)
    appearance = Appearance.objects.filter(person=person, session=session, role=role).first()
    was_shown = appearance is not None and appearance.status in SHOWN
    if appearance is None:
        appearance = Appearance(person=person, session=session, role=role, **values)
        changed = None
    else:
        changed = [name for name, value in values.items() if getattr(appearance, name) != value]
        for name in changed:
            setattr(appearance, name, values[name])
    if check_clashes and status in SHOWN and not was_shown:
        # One confirmation at a time per person: two answers of the same speaker for overlapping
        # sessions, arriving together, would each find the other not yet saved.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        _check_clash(appearance, override_reason=override_reason, actor=actor)
    if changed is None:
        appearance.save()
    elif changed:
        appearance.save(update_fields=changed)
    if "_clash_override" in appearance.__dict__:
        _audit_override(appearance, actor)
    return appearance
