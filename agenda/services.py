"""Writes of the agenda. The seed, the admin and later the forum scheduling all call these."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from wic.enums import OrganizationRole, Qualifier
from wic.errors import ConflictError, DomainError
from wic.models import Edition, Organization
from wic.services import _check_choice

from . import webhook_events
from .enums import Access, OutcomeKind, Period, SessionKind, VenueKind
from .models import Board, Hall, Outcome, Session, SessionOrganization, Venue

BEIJING = ZoneInfo("Asia/Shanghai")


def venue_upsert(*, name_zh: str, kind: str = VenueKind.OTHER, name_en: str = "", source: str = "") -> Venue:
    _check_choice(kind, VenueKind, "kind")
    venue, _created = Venue.objects.update_or_create(
        name_zh=name_zh, defaults={"kind": kind, "name_en": name_en, "source": source}
    )
    return venue


def hall_upsert(*, venue: Venue, name_zh: str, room: str = "", name_en: str = "", sort_order: int = 0) -> Hall:
    hall, _created = Hall.objects.update_or_create(
        venue=venue, name_zh=name_zh, defaults={"room": room, "name_en": name_en, "sort_order": sort_order}
    )
    return hall


def board_upsert(
    *,
    edition: Edition,
    key: str,
    name_zh: str,
    number: int | None = None,
    name_en: str = "",
    tagline_zh: str = "",
    tagline_en: str = "",
    source: str = "",
) -> Board:
    board, _created = Board.objects.update_or_create(
        edition=edition,
        key=key,
        defaults={
            "name_zh": name_zh,
            "number": number,
            "name_en": name_en,
            "tagline_zh": tagline_zh,
            "tagline_en": tagline_en,
            "source": source,
        },
    )
    return board


def beijing_datetime(day: date, clock: time) -> datetime:
    """An aware datetime for a Beijing wall-clock time on `day`."""
    return datetime.combine(day, clock, tzinfo=BEIJING)


@transaction.atomic
def session_upsert(
    *,
    edition: Edition,
    key: str,
    title_zh: str,
    kind: str,
    date: date | None,
    start_time: time | None = None,
    end_time: time | None = None,
    period: str = "",
    hall: Hall | None = None,
    board: Board | None = None,
    access: str = Access.NOT_STATED,
    closed_door: bool = False,
    pre_event: bool = False,
    attendance: int | None = None,
    attendance_qualifier: str = "",
    sort_order: int = 0,
    **fields,
) -> Session:
    """Create or update the session `key` of `edition`.

    Checks, each with its code: a clock time is given as a start and an end or not at all
    (`session_time_incomplete`); the end comes after the start (`session_ends_before_start`);
    an item with a clock time has no coarse period (`session_period_with_time`); an item without
    a day (`date` None: its scope is the whole edition) has neither a time nor a period
    (`session_time_without_date`); the date lies within the edition's days or the week around
    them (`session_outside_edition`), or, for a `pre_event` item, before the first day
    (`pre_event_not_before_edition`); `access` is an admission rule (`not_stated` where none is
    stated) and a closed-door item is not "open" (`closed_door_open`); the board belongs to the
    same edition (`board_not_in_edition`); a reported attendance has a qualifier.
    """
    _check_choice(kind, SessionKind, "kind")
    if access == Access.CLOSED_DOOR:
        # The single value of before the flags (and of the API): a closed-door meeting admits
        # invited participants only, as registration's invitation-only items always read it.
        access, closed_door = Access.INVITED_ONLY, True
    _check_choice(access, Access, "access")
    if closed_door and access == Access.OPEN:
        raise DomainError(
            "closed_door_open",
            _("Session %(key)s cannot be both closed-door and open to everyone.") % {"key": key},
            field="access",
        )
    if date is None and (start_time is not None or end_time is not None or period):
        raise DomainError(
            "session_time_without_date",
            _("Session %(key)s has a time of day but no date.") % {"key": key},
            field="date",
        )
    if period:
        _check_choice(period, Period, "period")
    if (start_time is None) != (end_time is None):
        raise DomainError(
            "session_time_incomplete",
            _("Session %(key)s has a start or an end time but not both.") % {"key": key},
            field="end" if end_time is None else "start",
        )
    if start_time is not None and end_time <= start_time:
        raise DomainError(
            "session_ends_before_start",
            _("Session %(key)s ends at %(end)s, not after it starts at %(start)s.")
            % {"key": key, "end": end_time.strftime("%H:%M"), "start": start_time.strftime("%H:%M")},
            field="end",
        )
    if start_time is not None and period:
        raise DomainError(
            "session_period_with_time",
            _("Session %(key)s has a clock time; a coarse period is only for items without one.") % {"key": key},
            field="period",
        )
    if pre_event and date is not None and edition.start_date is not None and date >= edition.start_date:
        raise DomainError(
            "pre_event_not_before_edition",
            _("Session %(key)s is marked as before the summit but is dated %(date)s, not before %(start)s.")
            % {"key": key, "date": date, "start": edition.start_date},
            field="date",
        )
    # Satellite events (a training's closing, the expo opening) may fall a few days outside;
    # items before the summit (a press conference weeks ahead) are marked `pre_event`.
    if date is not None and not pre_event and edition.has_dates and ((date - edition.end_date).days > 7 or (edition.start_date - date).days > 7):
        raise DomainError(
            "session_outside_edition",
            _("Session %(key)s is dated %(date)s, far from the edition's days %(start)s to %(end)s.")
            % {"key": key, "date": date, "start": edition.start_date, "end": edition.end_date},
            field="date",
        )
    if board is not None and board.edition_id != edition.pk:
        raise DomainError(
            "board_not_in_edition",
            _("Board %(board)s belongs to another edition.") % {"board": board.key},
            field="board",
        )
    if attendance is not None and not attendance_qualifier:
        attendance_qualifier = Qualifier.EXACT
    if attendance_qualifier:
        _check_choice(attendance_qualifier, Qualifier, "attendance_qualifier")
    session, _created = Session.objects.update_or_create(
        edition=edition,
        key=key,
        defaults={
            "title_zh": title_zh,
            "kind": kind,
            "date": date,
            "start": beijing_datetime(date, start_time) if start_time else None,
            "end": beijing_datetime(date, end_time) if end_time else None,
            "period": period,
            "hall": hall,
            "board": board,
            "access": access,
            "closed_door": closed_door,
            "pre_event": pre_event,
            "attendance": attendance,
            "attendance_qualifier": attendance_qualifier if attendance is not None else "",
            "sort_order": sort_order,
            **fields,
        },
    )
    webhook_events.session_announce(session, published_before=not _created)  # issue 28: session.published / session.changed
    return session


@transaction.atomic
def session_set_organizations(*, session: Session, roles: list[tuple[Organization, str]]) -> list[SessionOrganization]:
    """Make the session's organizations exactly `roles`, in that order (the order the text names them)."""
    seen = set()
    for organization, role in roles:
        _check_choice(role, OrganizationRole, "role")
        if (organization.pk, role) in seen:
            raise DomainError(
                "duplicate_organization_role",
                _("%(org)s is named twice as %(role)s of %(session)s.")
                % {"org": organization.name_zh, "role": role, "session": session.key},
            )
        seen.add((organization.pk, role))
    wanted = {(organization.pk, role): index for index, (organization, role) in enumerate(roles)}
    existing = {(link.organization_id, link.role): link for link in session.organization_roles.all()}
    for pair, link in existing.items():
        if pair not in wanted:
            link.delete()
    links = []
    for (organization_id, role), index in wanted.items():
        link = existing.get((organization_id, role))
        if link is None:
            link = SessionOrganization.objects.create(
                session=session, organization_id=organization_id, role=role, sort_order=index
            )
        elif link.sort_order != index:
            link.sort_order = index
            link.save(update_fields=["sort_order"])
        links.append(link)
    return links


def outcome_upsert(
    *,
    edition: Edition,
    title_zh: str,
    kind: str = OutcomeKind.OTHER,
    session: Session | None = None,
    title_en: str = "",
    source: str = "",
    sort_order: int = 0,
) -> Outcome:
    _check_choice(kind, OutcomeKind, "kind")
    outcome, _created = Outcome.objects.update_or_create(
        edition=edition,
        session=session,
        title_zh=title_zh.strip().strip("《》"),
        defaults={"kind": kind, "title_en": title_en, "source": source, "sort_order": sort_order},
    )
    return outcome


MAX_STARS_PER_MERGE = 500


def star_set(*, user, session: Session, starred: bool, language: str = "") -> bool:
    """Star or unstar a session for a signed-in attendee. Idempotent; returns the new state.
    `language` (the page's) is the one the session's change alerts are written in; starring
    again in another language changes it."""
    from .models import Star

    if starred:
        star, created = Star.objects.get_or_create(user=user, session=session, defaults={"language": language or settings.LANGUAGE_CODE})
        if not created and language and star.language != language:
            Star.objects.filter(pk=star.pk).update(language=language)
    else:
        Star.objects.filter(user=user, session=session).delete()
    return starred


@transaction.atomic
def stars_merge(*, user, edition: Edition, session_ids: list[int], language: str = "") -> int:
    """Merge the stars an attendee kept in the browser before signing in (`language`: the page's,
    as in `star_set`). Unknown ids and ids of other editions are ignored; returns how many stars
    were added."""
    from .models import Star

    if len(session_ids) > MAX_STARS_PER_MERGE:
        raise DomainError(
            "too_many_stars",
            _("At most %(max)s starred sessions can be merged at once.") % {"max": MAX_STARS_PER_MERGE},
            field="sessions",
        )
    valid = set(Session.objects.filter(edition=edition, pk__in=session_ids, is_published=True).values_list("pk", flat=True))
    existing = set(Star.objects.filter(user=user, session_id__in=valid).values_list("session_id", flat=True))
    language = language or settings.LANGUAGE_CODE
    Star.objects.bulk_create([Star(user=user, session_id=pk, language=language) for pk in sorted(valid - existing)], ignore_conflicts=True)
    return len(valid - existing)


def agenda_feed_get_or_create(*, user, regenerate: bool = False):
    """The attendee's personal iCal feed token (32 random bytes, URL-safe); `regenerate` replaces it."""
    import secrets

    from .models import AgendaFeed

    feed, created = AgendaFeed.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    if regenerate and not created:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def session_place(*, session: Session, hall: Hall, date: date, start_time: time, end_time: time) -> Session:
    """Put a session in a hall and a time slot, and publish it.

    Refused when the slot falls outside the edition's days (`slot_outside_edition`), ends before
    it starts (`session_ends_before_start`), or overlaps another session in the same hall
    (`slot_conflict`, naming it). Touching slots (one ends at 12:00, the next starts at 12:00)
    do not overlap. The hall row is locked, so two placements in one hall cannot both pass the check.
    """
    session = Session.objects.select_for_update().select_related("edition").get(pk=session.pk)
    Hall.objects.select_for_update().filter(pk=hall.pk).first()
    edition = session.edition
    if not edition.has_dates:  # its days are not known yet: no slot lies within them
        raise DomainError(
            "slot_outside_edition",
            _("Edition %(year)s has no dates yet; a session is placed on one of its days.") % {"year": edition.year},
            field="date",
        )
    if not (edition.start_date <= date <= edition.end_date):
        raise DomainError(
            "slot_outside_edition",
            _("%(day)s is outside the edition's days (%(start)s to %(end)s).") % {"day": date, "start": edition.start_date, "end": edition.end_date},
            field="date",
        )
    if end_time <= start_time:
        raise DomainError(
            "session_ends_before_start",
            _("The slot ends at %(end)s, not after it starts at %(start)s.") % {"end": end_time.strftime("%H:%M"), "start": start_time.strftime("%H:%M")},
            field="end",
        )
    start, end = beijing_datetime(date, start_time), beijing_datetime(date, end_time)
    clash = (
        Session.objects.filter(hall=hall, start__lt=end, end__gt=start)
        .exclude(pk=session.pk)
        .select_related("edition")
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ConflictError(
            "slot_conflict",
            _("%(hall)s already has “%(title)s” from %(start)s to %(end)s.")
            % {
                "hall": str(hall),
                "title": clash.title_zh,
                "start": clash.start.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
                "end": clash.end.astimezone(BEIJING).strftime("%H:%M"),
            },
            field="start",
        )
    session.hall = hall
    session.date = date
    session.start = start
    session.end = end
    session.period = ""
    published_before, session.is_published = session.is_published, True
    session.save()
    webhook_events.session_announce(session, published_before=published_before)  # issue 28
    return session
