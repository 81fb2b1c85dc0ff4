"""The expo's business processes: applications and decisions, booth allotment, launches on the
expo stage, talent openings and matchmaking meetings. Views, the API, the admin, the import, the
seed and the demo all call these functions.

Anything countable is checked under a row lock inside `atomic()` and backed by a database
constraint: a booth's current allotment (partial unique constraint), launch slots and accepted
meetings (PostgreSQL exclusion constraints, migration 0002).
"""
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from agenda import services as agenda_services
from agenda.enums import SessionKind
from agenda.services import beijing_datetime as beijing  # noqa: F401 - an aware Beijing time, for callers
from wic import services as wic_services
from wic import webhooks
from wic.enums import OrganizationKind, OrganizationRole
from wic.errors import ConflictError, DomainError
from wic.inputs import ascii_int
from wic.models import Edition, Organization
from wic.roles import is_organizer

from . import webhook_events
from .enums import DECISIONS, MEETING_MINUTES, BoothSize, ExhibitorStatus, ExpoField, MeetingStatus
from .models import Booth, BoothAllotment, Exhibitor, ExhibitorField, Expo, Launch, MeetingRequest, TalentListing, Zone
from .permissions import is_representative

# Switched off only by the concurrency tests' negative controls, to show the tests catch the race.
LOCK_BOOTH = True
LOCK_STAGE = True
LOCK_SIDES = True


class PermissionDeniedError(DomainError):
    status = 403


APPLICATION_FIELDS = (
    "organization_name_zh", "organization_name_en", "country", "fields", "products_zh", "products_en", "description_zh",
    "description_en", "website", "preferred_zone", "booth_size", "contact_name", "contact_email", "contact_phone",
)
EDITABLE_FIELDS = ("products_zh", "products_en", "description_zh", "description_en", "website", "contact_name", "contact_email", "contact_phone", "fields")
REQUIRED_TO_APPLY = ("organization", "country", "fields", "products", "booth_size", "contact_name", "contact_email")


def _is_deadlock(error: OperationalError) -> bool:
    """PostgreSQL reports conflicting inserts that wait on each other's exclusion constraint as a
    deadlock (40P01): for a slot, that means another request took it at the same instant."""
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


def _beijing(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _check_representative(user, exhibitor: Exhibitor) -> None:
    if not is_representative(user, exhibitor):
        raise PermissionDeniedError(
            "not_your_exhibitor",
            _("You do not represent %(name)s; only its representatives and the organizers can do this.") % {"name": exhibitor.organization.name_zh},
        )


def _check_approved(exhibitor: Exhibitor) -> None:
    if exhibitor.status != ExhibitorStatus.APPROVED:
        raise DomainError(
            "not_approved",
            _("%(name)s is %(status)s; only approved exhibitors can do this.") % {"name": exhibitor.organization.name_zh, "status": exhibitor.get_status_display()},
        )


def clean_fields_list(value) -> list[str]:
    """A list of field codes from a list or a string separated by commas, semicolons or spaces;
    English labels and codes are both accepted. Unknown entries are refused (`invalid_field`)."""
    if isinstance(value, str):
        items = [item.strip() for item in value.replace(";", ",").replace("，", ",").replace("、", ",").split(",")]
    else:
        items = [str(item).strip() for item in value or []]
    by_label = {str(label).lower(): code for code, label in ExpoField.choices}
    codes, unknown = [], []
    for item in items:
        if not item:
            continue
        code = item if item in ExpoField.values else by_label.get(item.lower()) or (item.lower() if item.lower() in ExpoField.values else None)
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise DomainError(
            "invalid_field",
            _("Unknown fields: %(fields)s. Known fields: %(known)s.") % {"fields": ", ".join(unknown), "known": ", ".join(ExpoField.values)},
            field="fields",
        )
    return codes


def clean_country(value: str) -> str:
    code = (value or "").strip().upper()
    if not code:
        return ""
    if code not in dict(countries):
        alpha2 = countries.alpha2(code)  # accepts alpha-3 and numeric codes too
        if not alpha2:
            raise DomainError("unknown_country", _("%(code)s is not an ISO 3166 country or region code.") % {"code": value}, field="country")
        code = alpha2
    return code


def _organization_for(name_zh: str, name_en: str, country: str, source: str, is_demo: bool = False, verified: bool = True) -> Organization:
    """The organization of that name, created if new (unconfirmed when `verified` is False: an
    applicant named it). An existing organization is used as it is: an application does not
    rewrite the records of the texts. Names as wic.services.organization_name_clean says."""
    name_zh = wic_services.organization_name_clean(name_zh, field="organization_name_zh", required=False)
    name_en = wic_services.organization_name_clean(name_en, field="organization_name_en", required=False)
    existing = Organization.objects.filter(name_zh=name_zh or name_en).first()
    if existing is None and name_en:
        existing = Organization.objects.filter(name_en__iexact=name_en).order_by("pk").first()
    if existing is not None:
        return existing
    return wic_services.organization_upsert(
        name_zh=name_zh or name_en, name_en=name_en, kind=OrganizationKind.ENTERPRISE, country=country, source=source, is_demo=is_demo,
        verified=verified,
    )


def _duplicate(edition: Edition, organization: Organization) -> ConflictError:
    return ConflictError(
        "duplicate_exhibitor",
        _("%(name)s has already applied to exhibit at the %(year)s expo.") % {"name": organization.name_zh, "year": edition.year},
        field="organization_name_zh",
    )


def _check_application(edition: Edition, data: dict) -> dict:
    """Shape and rules of an application's data; returns cleaned values. Codes: `invalid`,
    `missing_field`, `invalid_field`, `unknown_country`, `invalid_choice`, `invalid_zone`."""
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise DomainError("invalid", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    cleaned = {key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()}
    cleaned["fields"] = clean_fields_list(cleaned.get("fields") or [])
    cleaned["country"] = clean_country(cleaned.get("country") or "")
    present = {
        "organization": cleaned.get("organization_name_zh") or cleaned.get("organization_name_en"),
        "country": cleaned["country"],
        "fields": cleaned["fields"],
        "products": cleaned.get("products_zh") or cleaned.get("products_en"),
        "booth_size": cleaned.get("booth_size"),
        "contact_name": cleaned.get("contact_name"),
        "contact_email": cleaned.get("contact_email"),
    }
    missing = [name for name in REQUIRED_TO_APPLY if not present[name]]
    if missing:
        field = {"organization": "organization_name_zh", "products": "products_zh"}.get(missing[0], missing[0])
        raise DomainError("missing_field", _("Please fill in: %(fields)s.") % {"fields": ", ".join(missing)}, field=field)
    size = cleaned.get("booth_size")
    try:
        size = int(float(size))  # a spreadsheet may give 9.0
    except (TypeError, ValueError):
        size = None
    if size not in BoothSize.values:
        raise DomainError(
            "invalid_choice",
            _("%(size)s is not a booth size; expected one of: %(sizes)s (m²).") % {"size": cleaned.get("booth_size"), "sizes": ", ".join(map(str, BoothSize.values))},
            field="booth_size",
        )
    cleaned["booth_size"] = size
    zone = cleaned.get("preferred_zone")
    if zone not in (None, ""):
        zone_id = zone.pk if isinstance(zone, Zone) else zone
        zone_id = ascii_int(zone_id if isinstance(zone_id, int) else str(zone_id))
        zone = Zone.objects.filter(pk=zone_id, edition=edition).first() if zone_id is not None else None
        if zone is None:
            raise DomainError("invalid_zone", _("The %(year)s expo has no such zone.") % {"year": edition.year}, field="preferred_zone")
    cleaned["preferred_zone"] = zone or None
    return cleaned


def _write_exhibitor(*, edition: Edition, cleaned: dict, status: str, source: str, is_demo: bool = False, verified: bool = True) -> Exhibitor:
    organization = _organization_for(cleaned.get("organization_name_zh"), cleaned.get("organization_name_en"), cleaned["country"], source, is_demo, verified)
    if Exhibitor.objects.filter(edition=edition, organization=organization).exists():
        raise _duplicate(edition, organization)
    exhibitor = Exhibitor(
        edition=edition,
        organization=organization,
        status=status,
        source=source,
        is_demo=is_demo,
        **{key: cleaned.get(key) or ("" if key != "preferred_zone" else None) for key in (
            "country", "products_zh", "products_en", "description_zh", "description_en", "website", "preferred_zone",
            "contact_name", "contact_email", "contact_phone",
        )},
        booth_size=cleaned["booth_size"],
    )
    try:
        exhibitor.clean_fields(exclude=["edition", "organization", "preferred_zone", "decided_by"])
    except Exception as error:  # ValidationError: an email or URL of the wrong shape
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError("invalid", f"{field}: {' '.join(messages)}", field=field) from None
    try:
        with transaction.atomic():
            exhibitor.save()
    except IntegrityError:
        raise _duplicate(edition, organization) from None
    ExhibitorField.objects.bulk_create([ExhibitorField(exhibitor=exhibitor, field=code) for code in cleaned["fields"]])
    return exhibitor


APPLICATION_SOURCE = "expo application"  # the `source` of exhibitors and organizations written by exhibitor_apply


@transaction.atomic
def exhibitor_apply(*, edition: Edition, user, data: dict, language: str = "zh-hans") -> Exhibitor:
    """A signed-in user applies for an organization to exhibit; they become its representative.

    Refused when the edition is over (`applications_closed`), a required field is empty
    (`missing_field`), a field, country, booth size or zone is unknown (`invalid_field`,
    `unknown_country`, `invalid_choice`, `invalid_zone`), or the organization has already applied
    to this edition (`duplicate_exhibitor`, 409; a database constraint backs it)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError("not_authenticated", _("Sign in to apply."))
    if edition.has_ended(timezone.localdate()):
        raise DomainError("applications_closed", _("Edition %(year)s is over; the expo takes no more applications.") % {"year": edition.year})
    cleaned = _check_application(edition, data)
    # The source names the way in, never the person: it is shown with the exhibitor (API) and the
    # organization, and outlives an erasure of the applicant's data (issue 19).
    exhibitor = _write_exhibitor(
        edition=edition, cleaned=cleaned, status=ExhibitorStatus.PENDING, source=APPLICATION_SOURCE, verified=False
    )
    exhibitor.language = language or "zh-hans"
    exhibitor.save(update_fields=["language"])
    exhibitor.representatives.add(user)
    return exhibitor


def exhibitor_create(*, edition: Edition, data: dict, status: str = ExhibitorStatus.APPROVED, actor=None, source: str = "") -> Exhibitor:
    """Organizers enter an exhibitor directly (the import): the same checks as an application,
    with the status given (approved by default) and no representative."""
    if status not in ExhibitorStatus.values:
        raise DomainError("invalid_choice", _("%(value)r is not a status.") % {"value": status}, field="status")
    cleaned = _check_application(edition, data)
    exhibitor = _write_exhibitor(edition=edition, cleaned=cleaned, status=status, source=source or "import")
    if status != ExhibitorStatus.PENDING:
        exhibitor.decided_at, exhibitor.decided_by = timezone.now(), actor
        exhibitor.notified_status = status  # entered by the organizers: no decision mail to send
        exhibitor.save(update_fields=["decided_at", "decided_by", "notified_status"])
    return exhibitor


@transaction.atomic
def exhibitor_decide(*, exhibitor: Exhibitor, status: str, actor, message: str = "") -> Exhibitor:
    """Approve or decline a pending application (`invalid_transition` otherwise). Deciding the same
    way twice changes nothing. The applicant's email is recorded in the same transaction and sent once it commits."""
    exhibitor = Exhibitor.objects.select_for_update(of=("self",)).select_related("organization", "edition").get(pk=exhibitor.pk)
    if exhibitor.status == status:
        return exhibitor
    if status not in DECISIONS.get(exhibitor.status, ()):
        raise ConflictError(
            "invalid_transition",
            _("An exhibitor that is %(from)s cannot become %(to)s.")
            % {"from": ExhibitorStatus(exhibitor.status).label, "to": ExhibitorStatus(status).label if status in ExhibitorStatus.values else status},
        )
    exhibitor.status = status
    exhibitor.decided_at = timezone.now()
    exhibitor.decided_by = actor
    if message:
        exhibitor.decision_message = message
    exhibitor.save(update_fields=["status", "decided_at", "decided_by", "decision_message", "updated"])
    from .notifications import exhibitor_decision_announce

    exhibitor_decision_announce(exhibitor_id=exhibitor.pk, status=status)
    if status == ExhibitorStatus.APPROVED:
        webhooks.emit("exhibitor.approved", lambda: webhook_events.exhibitor_approved(exhibitor))  # issue 28
    return exhibitor


def exhibitors_decide(*, exhibitors, status: str, actor, message: str = "") -> tuple[list, list]:
    """Bulk decision: each exhibitor on its own. Returns (changed, [(exhibitor, DomainError)])."""
    changed, refused = [], []
    for exhibitor in exhibitors:
        try:
            changed.append(exhibitor_decide(exhibitor=exhibitor, status=status, actor=actor, message=message))
        except DomainError as error:
            refused.append((exhibitor, error))
    return changed, refused


@transaction.atomic
def exhibitor_update(*, exhibitor: Exhibitor, actor, data: dict) -> Exhibitor:
    """A representative (or an organizer) edits the entry: products, description, website, contact,
    fields. Anyone else is refused (`not_your_exhibitor`, 403); other keys are `invalid`."""
    exhibitor = Exhibitor.objects.select_for_update(of=("self",)).select_related("organization").get(pk=exhibitor.pk)
    _check_representative(actor, exhibitor)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError("invalid", _("These fields cannot be edited here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "fields" in data:
        codes = clean_fields_list(data["fields"])
        if not codes:
            raise DomainError("missing_field", _("Please fill in: %(fields)s.") % {"fields": "fields"}, field="fields")
        ExhibitorField.objects.filter(exhibitor=exhibitor).exclude(field__in=codes).delete()
        have = set(ExhibitorField.objects.filter(exhibitor=exhibitor).values_list("field", flat=True))
        ExhibitorField.objects.bulk_create([ExhibitorField(exhibitor=exhibitor, field=c) for c in codes if c not in have])
    for key, value in data.items():
        if key != "fields":
            setattr(exhibitor, key, (value or "").strip())
    try:
        exhibitor.clean_fields(exclude=["edition", "organization", "preferred_zone", "decided_by"])
    except Exception as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError("invalid", f"{field}: {' '.join(messages)}", field=field) from None
    exhibitor.save()
    return exhibitor


def exhibitors_import(**kwargs):
    """Bulk import from CSV or XLSX rows: see expo.importing.exhibitors_import."""
    from .importing import exhibitors_import as run

    return run(**kwargs)


# -- booths ------------------------------------------------------------------------------------


def _booth_taken(booth: Booth, holder: BoothAllotment | None) -> ConflictError:
    name = holder.exhibitor.organization.name_zh if holder is not None else "?"
    return ConflictError("booth_taken", _("Booth %(code)s is already allotted to %(name)s.") % {"code": booth.code, "name": name}, field="booth")


def _current_allotment(booth: Booth) -> BoothAllotment | None:
    return BoothAllotment.objects.filter(booth=booth, released_at__isnull=True).select_related("exhibitor__organization").first()


def _check_booth_free(booth: Booth, exhibitor: Exhibitor) -> BoothAllotment | None:
    """The booth's current allotment if it is this exhibitor's; `booth_taken` if it is another's."""
    current = _current_allotment(booth)
    if current is not None and current.exhibitor_id != exhibitor.pk:
        raise _booth_taken(booth, current)
    return current


@transaction.atomic
def booth_allot(*, booth: Booth, exhibitor: Exhibitor, actor=None) -> BoothAllotment:
    """Give a booth to an approved exhibitor of the same edition. The booth row is locked, so two
    allotments of one booth cannot both pass the check; a partial unique constraint (one current
    allotment per booth) backs it. Refused: `not_approved`, `wrong_edition`, `booth_taken` (409,
    naming the holder). Allotting a booth to its own holder again changes nothing."""
    booths = Booth.objects.select_for_update() if LOCK_BOOTH else Booth.objects
    booth = booths.get(pk=booth.pk)
    exhibitor = Exhibitor.objects.select_related("organization").get(pk=exhibitor.pk)
    _check_approved(exhibitor)
    if booth.edition_id != exhibitor.edition_id:
        raise DomainError("wrong_edition", _("Booth %(code)s belongs to another edition's expo.") % {"code": booth.code}, field="booth")
    current = _check_booth_free(booth, exhibitor)
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return BoothAllotment.objects.create(booth=booth, exhibitor=exhibitor, allotted_by=actor if getattr(actor, "pk", None) else None)
    except IntegrityError:
        raise _booth_taken(booth, _current_allotment(booth)) from None


@transaction.atomic
def booth_release(*, booth: Booth, actor=None) -> int:
    """Free a booth (the allotment is kept with `released_at`). Returns how many were released (0 or 1)."""
    Booth.objects.select_for_update().filter(pk=booth.pk).first()
    current = BoothAllotment.objects.filter(booth=booth, released_at__isnull=True).first()
    if current is None:
        return 0
    current.released_at = timezone.now()
    current.save(update_fields=["released_at"])  # a save, not an update, so the audit trail has it
    return 1


# -- launches on the expo stage ------------------------------------------------------------------


def expo_for(edition: Edition) -> Expo:
    expo, _created = Expo.objects.get_or_create(edition=edition)
    return expo


def expo_days(edition: Edition, expo: Expo | None = None) -> tuple:
    """The first and last day of the expo: from its opening day (else the edition's first) to the
    edition's last day; (None, None) where the edition's dates are not known."""
    if not edition.has_dates:
        return None, None
    expo = expo if expo is not None else Expo.objects.filter(edition=edition).first()
    first = expo.opens_on if expo is not None and expo.opens_on else edition.start_date
    return min(first, edition.start_date), edition.end_date


def _check_within_expo(edition: Edition, start: datetime, end: datetime, field: str = "start") -> None:
    first, last = expo_days(edition)
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    if first is None or not (first <= local_start.date() <= last) or local_end.date() != local_start.date():
        raise DomainError(
            "slot_outside_expo",
            _("%(start)s to %(end)s is not within one day of the expo (%(first)s to %(last)s, Beijing time).")
            % {"start": _beijing(start), "end": _beijing(end), "first": first, "last": last},
            field=field,
        )


def _slot_conflict(clash: Launch) -> ConflictError:
    return ConflictError(
        "slot_conflict",
        _("The expo stage already has “%(title)s” from %(start)s to %(end)s.")
        % {"title": clash.title_zh, "start": _beijing(clash.start), "end": timezone.localtime(clash.end).strftime("%H:%M")},
        field="start",
    )


def _launch_clash(edition_id: int, start: datetime, end: datetime, exclude_pk=None) -> Launch | None:
    clashes = Launch.objects.filter(edition_id=edition_id, cancelled_at__isnull=True, start__lt=end, end__gt=start)
    if exclude_pk:
        clashes = clashes.exclude(pk=exclude_pk)
    return clashes.order_by("start").first()


@transaction.atomic
def launch_schedule(
    *, exhibitor: Exhibitor, title_zh: str, start: datetime, end: datetime, actor, title_en: str = "", description_zh: str = "", description_en: str = ""
) -> Launch:
    """Put a new product or technology on the expo stage in a time slot, and on the agenda as a
    launch item. The edition's expo row is locked, so two launches cannot both take one slot;
    on PostgreSQL an exclusion constraint backs it. Refused: `not_your_exhibitor` (403),
    `not_approved`, `missing_field`, `launch_ends_before_start`, `slot_outside_expo`,
    `slot_conflict` (409, naming the launch already there). Touching slots do not overlap."""
    exhibitor = Exhibitor.objects.select_related("organization", "edition").get(pk=exhibitor.pk)
    _check_representative(actor, exhibitor)
    _check_approved(exhibitor)
    if not (title_zh or "").strip():
        raise DomainError("missing_field", _("Please fill in: %(fields)s.") % {"fields": "title_zh"}, field="title_zh")
    if end <= start:
        raise DomainError(
            "launch_ends_before_start",
            _("The slot ends at %(end)s, not after it starts at %(start)s.") % {"end": _beijing(end), "start": _beijing(start)},
            field="end",
        )
    edition = exhibitor.edition
    _check_within_expo(edition, start, end)
    expo = expo_for(edition)
    if LOCK_STAGE:
        Expo.objects.select_for_update().get(pk=expo.pk)
    clash = _launch_clash(edition.pk, start, end)
    if clash is not None:
        raise _slot_conflict(clash)
    try:
        with transaction.atomic():
            launch = Launch.objects.create(
                edition=edition, exhibitor=exhibitor, title_zh=title_zh.strip(), title_en=(title_en or "").strip(),
                description_zh=description_zh or "", description_en=description_en or "", start=start, end=end,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            # Updating the row re-checks the exclusion constraint, so it belongs in the same block.
            launch.session = _launch_session(launch, exhibitor)
            launch.save(update_fields=["session"])
    except (IntegrityError, OperationalError) as error:
        if isinstance(error, OperationalError) and not _is_deadlock(error):
            raise
        raise _slot_conflict(_launch_clash(edition.pk, start, end) or Launch(title_zh="?", start=start, end=end)) from None
    return launch


def _launch_session(launch: Launch, exhibitor: Exhibitor | None, published: bool = True):
    local_start, local_end = timezone.localtime(launch.start), timezone.localtime(launch.end)
    session = agenda_services.session_upsert(
        edition=launch.edition,
        key=f"expo-launch-{launch.pk}",
        title_zh=launch.title_zh,
        title_en=launch.title_en,
        kind=SessionKind.LAUNCH,
        date=local_start.date(),
        start_time=local_start.time().replace(second=0, microsecond=0),
        end_time=local_end.time().replace(second=0, microsecond=0),
        summary_zh=launch.description_zh,
        summary_en=launch.description_en,
        source=f"expo launch {launch.pk}",
        is_published=published,
    )
    if exhibitor is not None:
        agenda_services.session_set_organizations(session=session, roles=[(exhibitor.organization, OrganizationRole.HOST)])
    return session


@transaction.atomic
def launch_cancel(*, launch: Launch, actor) -> Launch:
    """Cancel a launch: its slot is free again and its agenda item unpublished."""
    launch = Launch.objects.select_for_update(of=("self",)).select_related("edition", "exhibitor__organization").get(pk=launch.pk)
    if launch.exhibitor is not None:
        _check_representative(actor, launch.exhibitor)
    elif not is_organizer(actor):
        raise PermissionDeniedError("not_your_exhibitor", _("Only the organizers can cancel this launch."))
    if launch.cancelled_at is None:
        launch.cancelled_at = timezone.now()
        launch.save(update_fields=["cancelled_at"])
        if launch.session_id:
            _launch_session(launch, launch.exhibitor, published=False)
    return launch


# -- talent openings ------------------------------------------------------------------------------


@transaction.atomic
def opening_create(*, exhibitor: Exhibitor, actor, title_zh: str, field: str, city: str, count: int = 1, title_en: str = "", description: str = "") -> TalentListing:
    """An approved exhibitor posts an opening on the public recruitment list. Refused:
    `not_your_exhibitor` (403), `not_approved`, `missing_field`, `invalid_field`, `invalid_count`."""
    exhibitor = Exhibitor.objects.select_related("organization").get(pk=exhibitor.pk)
    _check_representative(actor, exhibitor)
    _check_approved(exhibitor)
    missing = [name for name, value in (("title_zh", title_zh), ("city", city), ("field", field)) if not (value or "").strip()]
    if missing:
        raise DomainError("missing_field", _("Please fill in: %(fields)s.") % {"fields": ", ".join(missing)}, field=missing[0])
    if field not in ExpoField.values:
        raise DomainError("invalid_field", _("Unknown fields: %(fields)s. Known fields: %(known)s.") % {"fields": field, "known": ", ".join(ExpoField.values)}, field="field")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 10000:
        raise DomainError("invalid_count", _("An opening is for 1 to 10000 people, not %(count)s.") % {"count": count}, field="count")
    return TalentListing.objects.create(
        exhibitor=exhibitor, title_zh=title_zh.strip(), title_en=(title_en or "").strip(), field=field, city=city.strip(), count=count, description=description or ""
    )


def opening_close(*, listing: TalentListing, actor) -> TalentListing:
    _check_representative(actor, listing.exhibitor)
    if listing.is_open:
        listing.is_open = False
        listing.save(update_fields=["is_open"])
    return listing


# -- matchmaking ---------------------------------------------------------------------------------


def _lock_sides(guest_id: int, exhibitor_id: int) -> None:
    """Lock the guest's user row, then the exhibitor's row: always in that order, so two requests
    never wait on each other in a circle."""
    if not LOCK_SIDES:
        return
    get_user_model().objects.select_for_update().filter(pk=guest_id).first()
    Exhibitor.objects.select_for_update().filter(pk=exhibitor_id).first()


def _accepted_overlapping(start, end, exclude_pk=None):
    meetings = MeetingRequest.objects.filter(status=MeetingStatus.ACCEPTED, start__lt=end, end__gt=start).select_related("exhibitor__organization")
    return meetings.exclude(pk=exclude_pk) if exclude_pk else meetings


def _check_not_double_booked(exhibitor: Exhibitor, guest_id: int, start, end, exclude_pk=None) -> None:
    busy = _accepted_overlapping(start, end, exclude_pk)
    guest_meeting = busy.filter(guest_id=guest_id).first()
    if guest_meeting is not None:
        raise ConflictError(
            "guest_busy",
            _("The guest already meets %(name)s from %(start)s to %(end)s.")
            % {"name": guest_meeting.exhibitor.organization.name_zh, "start": _beijing(guest_meeting.start), "end": timezone.localtime(guest_meeting.end).strftime("%H:%M")},
            field="start",
        )
    exhibitor_meeting = busy.filter(exhibitor=exhibitor).first()
    if exhibitor_meeting is not None:
        raise ConflictError(
            "exhibitor_busy",
            _("%(name)s already has a meeting from %(start)s to %(end)s.")
            % {"name": exhibitor.organization.name_zh, "start": _beijing(exhibitor_meeting.start), "end": timezone.localtime(exhibitor_meeting.end).strftime("%H:%M")},
            field="start",
        )


@transaction.atomic
def meeting_request(*, exhibitor: Exhibitor, guest, start: datetime, minutes: int = 30, message: str = "", language: str = "zh-hans") -> MeetingRequest:
    """A signed-in guest asks an approved exhibitor for a meeting. Refused: `not_authenticated`
    (403), `not_approved`, `own_exhibitor` (a representative asking their own stand),
    `invalid_duration`, `expo_over`, `slot_outside_expo`, `guest_busy` / `exhibitor_busy` (409:
    an accepted meeting overlaps), `duplicate_request` (409: the same guest already asked this
    exhibitor for an overlapping time)."""
    if not getattr(guest, "is_authenticated", False):
        raise PermissionDeniedError("not_authenticated", _("Sign in to ask for a meeting."))
    exhibitor = Exhibitor.objects.select_related("organization", "edition").get(pk=exhibitor.pk)
    _check_approved(exhibitor)
    if exhibitor.representatives.filter(pk=guest.pk).exists():
        raise DomainError("own_exhibitor", _("You represent %(name)s; you cannot ask it for a meeting.") % {"name": exhibitor.organization.name_zh})
    if minutes not in MEETING_MINUTES:
        raise DomainError("invalid_duration", _("A meeting lasts %(choices)s minutes, not %(minutes)s.") % {"choices": ", ".join(map(str, MEETING_MINUTES)), "minutes": minutes}, field="minutes")
    if exhibitor.edition.has_ended(timezone.localdate()):
        raise DomainError("expo_over", _("The %(year)s expo is over.") % {"year": exhibitor.edition.year})
    end = start + timedelta(minutes=minutes)
    _check_within_expo(exhibitor.edition, start, end)
    _lock_sides(guest.pk, exhibitor.pk)
    _check_not_double_booked(exhibitor, guest.pk, start, end)
    if MeetingRequest.objects.filter(exhibitor=exhibitor, guest=guest, status=MeetingStatus.PENDING, start__lt=end, end__gt=start).exists():
        raise ConflictError("duplicate_request", _("You have already asked %(name)s for a meeting at this time.") % {"name": exhibitor.organization.name_zh}, field="start")
    meeting = MeetingRequest.objects.create(exhibitor=exhibitor, guest=guest, start=start, end=end, message=message or "", language=language or "zh-hans")
    from .notifications import meeting_requested_announce

    meeting_requested_announce(meeting_id=meeting.pk)
    return meeting


@transaction.atomic
def meeting_decide(*, meeting: MeetingRequest, actor, accept: bool) -> MeetingRequest:
    """The exhibitor accepts or declines a pending request (`not_your_exhibitor`, 403;
    `invalid_transition`, 409). Accepting is refused when either side already has an accepted
    meeting that overlaps (`guest_busy`, `exhibitor_busy`), under the same locks as a request and,
    on PostgreSQL, exclusion constraints. Deciding the same way twice changes nothing; the
    guest's email is recorded in the same transaction and sent once it commits."""
    meeting = MeetingRequest.objects.select_related("exhibitor__organization").get(pk=meeting.pk)
    _check_representative(actor, meeting.exhibitor)
    _lock_sides(meeting.guest_id, meeting.exhibitor_id)
    meeting = MeetingRequest.objects.select_for_update(of=("self",)).select_related("exhibitor__organization").get(pk=meeting.pk)
    target = MeetingStatus.ACCEPTED if accept else MeetingStatus.DECLINED
    if meeting.status == target:
        return meeting
    if meeting.status != MeetingStatus.PENDING:
        raise ConflictError(
            "invalid_transition",
            _("A meeting request that is %(from)s cannot become %(to)s.") % {"from": meeting.get_status_display(), "to": MeetingStatus(target).label},
        )
    if accept:
        _check_not_double_booked(meeting.exhibitor, meeting.guest_id, meeting.start, meeting.end, exclude_pk=meeting.pk)
    meeting.status = target
    meeting.decided_at = timezone.now()
    meeting.decided_by = actor
    try:
        with transaction.atomic():
            meeting.save(update_fields=["status", "decided_at", "decided_by"])
    except (IntegrityError, OperationalError) as error:
        if isinstance(error, OperationalError) and not _is_deadlock(error):
            raise
        raise ConflictError("exhibitor_busy", _("%(name)s already has a meeting at this time.") % {"name": meeting.exhibitor.organization.name_zh}) from None
    from .notifications import meeting_decision_announce

    meeting_decision_announce(meeting_id=meeting.pk, status=target)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: MeetingRequest, actor) -> MeetingRequest:
    """The guest withdraws a pending or accepted request (`not_your_meeting`, 403; `invalid_transition`)."""
    meeting = MeetingRequest.objects.select_for_update().get(pk=meeting.pk)
    if meeting.guest_id != getattr(actor, "pk", None):
        raise PermissionDeniedError("not_your_meeting", _("Only the guest who asked can cancel this meeting request."))
    if meeting.status == MeetingStatus.CANCELLED:
        return meeting
    if meeting.status not in (MeetingStatus.PENDING, MeetingStatus.ACCEPTED):
        raise ConflictError("invalid_transition", _("A meeting request that is %(from)s cannot become %(to)s.") % {"from": meeting.get_status_display(), "to": MeetingStatus.CANCELLED.label})
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    return meeting


# -- records of the texts (the seed) ---------------------------------------------------------------


def _upsert(model, defaults: dict, **lookup):
    """Create the record, or update the fields that differ: seeding twice writes nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults)
    changed = []
    for name, value in defaults.items():
        current = getattr(obj, f"{name}_id") if hasattr(obj, f"{name}_id") else getattr(obj, name)
        wanted = value.pk if hasattr(value, "pk") else value
        if str(current or "") != str(wanted or ""):
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        obj.save(update_fields=changed)
    return obj


def expo_upsert(*, edition: Edition, name_zh: str, opens_on=None, online_zh: str = "", summary_zh: str = "", source: str = "", **fields) -> Expo:
    """Create or update the edition's expo. The opening day may precede the edition by a week at most (`expo_outside_edition`)."""
    if opens_on is not None and not edition.has_dates:
        raise DomainError("expo_outside_edition", _("The expo of %(year)s cannot open on %(day)s: the edition's dates are not known.") % {"year": edition.year, "day": opens_on}, field="opens_on")
    if opens_on is not None and not (timedelta(0) <= edition.start_date - opens_on <= timedelta(days=7) or edition.start_date <= opens_on <= edition.end_date):
        raise DomainError("expo_outside_edition", _("The expo of %(year)s cannot open on %(day)s.") % {"year": edition.year, "day": opens_on}, field="opens_on")
    return _upsert(Expo, {"name_zh": name_zh, "opens_on": opens_on, "online_zh": online_zh, "summary_zh": summary_zh, "source": source, **fields}, edition=edition)


def zone_upsert(*, edition: Edition, key: str, name_zh: str, kind: str = "other", name_en: str = "", sort_order: int = 0, source: str = "", **fields) -> Zone:
    from .enums import ZoneKind

    wic_services._check_choice(kind, ZoneKind, "kind")
    return _upsert(Zone, {"name_zh": name_zh, "name_en": name_en, "kind": kind, "sort_order": sort_order, "source": source, **fields}, edition=edition, key=key)


def section_upsert(*, edition: Edition, key: str, name_zh: str, number: int = 0, name_en: str = "", source: str = ""):
    from .models import Section

    return _upsert(Section, {"name_zh": name_zh, "number": number, "name_en": name_en, "source": source}, edition=edition, key=key)


def organization_named(*, name_zh: str, name_en: str = "", country: str = "", source: str = "", is_demo: bool = False) -> Organization:
    """The organization of that canonical Chinese name; created (as an enterprise) only if new, so
    the records another text gave it are never overwritten."""
    existing = Organization.objects.filter(name_zh=name_zh).first()
    if existing is not None:
        return existing
    return wic_services.organization_upsert(name_zh=name_zh, name_en=name_en, kind=OrganizationKind.ENTERPRISE, country=country, source=source, is_demo=is_demo)


def exhibitor_record_upsert(*, edition: Edition, organization: Organization, country: str = "", quote_zh: str = "", source: str = "") -> Exhibitor:
    """An exhibitor a text names: approved, with the text's words and source; nothing else invented."""
    defaults = {"status": ExhibitorStatus.APPROVED, "country": clean_country(country), "quote_zh": quote_zh, "source": source, "notified_status": ExhibitorStatus.APPROVED}
    return _upsert(Exhibitor, defaults, edition=edition, organization=organization)


def exhibit_upsert(*, edition: Edition, name_zh: str, exhibitor: Exhibitor | None = None, quote_zh: str = "", source: str = "", sort_order: int = 0, **fields):
    from .models import Exhibit

    if exhibitor is not None and exhibitor.edition_id != edition.pk:
        raise DomainError("wrong_edition", _("%(name)s exhibits at another edition.") % {"name": exhibitor.organization.name_zh})
    return _upsert(Exhibit, {"exhibitor": exhibitor, "quote_zh": quote_zh, "source": source, "sort_order": sort_order, **fields}, edition=edition, name_zh=name_zh)
