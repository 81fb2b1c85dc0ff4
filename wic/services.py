"""Writes of the summit-wide records. Seeds, the admin and the API all go through these."""
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .enums import DatePrecision, DescribedItemKind, MemberTier, OrganizationKind, OrganizationRole, Qualifier
from .errors import DomainError
from .models import (
    Edition, EditionDescribedItem, EditionFigure, EditionMilestone, EditionOrganization, Member, Organization, WicOrganization,
    WicOrganizationInitiator,
)


def _check_choice(value: str, choices, field: str) -> None:
    if value not in choices.values:
        raise DomainError(
            "invalid_choice",
            _("%(value)r is not a valid %(field)s; expected one of: %(choices)s.")
            % {"value": value, "field": field, "choices": ", ".join(choices.values)},
            field=field,
        )


@transaction.atomic
def edition_upsert(*, year: int, name_zh: str, start_date: date | None, end_date: date | None, **fields) -> Edition:
    """Create or update the edition of `year`. Both dates or neither (None: the texts do not give
    them); refuses one without the other (`edition_dates_partial`) and an end date before the start
    date (`edition_dates`)."""
    if (start_date is None) != (end_date is None):
        raise DomainError(
            "edition_dates_partial",
            _("Edition %(year)s needs both its first and its last day, or neither.") % {"year": year},
            field="end_date" if end_date is None else "start_date",
        )
    if start_date is not None and end_date < start_date:
        raise DomainError(
            "edition_dates",
            _("Edition %(year)s ends on %(end)s, before it starts on %(start)s.")
            % {"year": year, "end": end_date, "start": start_date},
            field="end_date",
        )
    edition, _created = Edition.objects.update_or_create(
        year=year, defaults={"name_zh": name_zh, "start_date": start_date, "end_date": end_date, **fields}
    )
    return edition


ORGANIZATION_NAME_MAX = Organization._meta.get_field("name_zh").max_length
# Control characters, and the invisible ones that make one name look like another (format
# characters such as zero-width spaces and bidirectional overrides), line and paragraph
# separators, private-use and unassigned code points, surrogates.
_UNPRINTABLE_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def organization_name_clean(value, *, field: str = "name_zh", required: bool = True) -> str:
    """An organization's name as given by someone, stripped: not blank (when required), at most
    ORGANIZATION_NAME_MAX characters, with letters or digits in it and no control or invisible
    characters. `name_required`, `name_too_long`, `invalid_name`."""
    import unicodedata

    text = ("" if value is None else str(value)).strip()
    if not text:
        if required:
            raise DomainError("name_required", _("Give the organization's name."), field=field)
        return ""
    if len(text) > ORGANIZATION_NAME_MAX:
        raise DomainError(
            "name_too_long", _("An organization's name has at most %(max)d characters; this one has %(count)d.") % {"max": ORGANIZATION_NAME_MAX, "count": len(text)},
            field=field,
        )
    if any(unicodedata.category(c) in _UNPRINTABLE_CATEGORIES for c in text) or not any(c.isalnum() for c in text):
        raise DomainError("invalid_name", _("An organization's name must be readable text: letters or digits, no control or invisible characters."), field=field)
    return text


def organization_upsert(
    *,
    name_zh: str,
    kind: str = OrganizationKind.OTHER,
    name_en: str = "",
    abbreviation: str = "",
    country: str = "",
    source: str = "",
    is_demo: bool = False,
    verified: bool = True,
) -> Organization:
    """Create or update the organization with this canonical Chinese name. Names are checked
    (`organization_name_clean`). `verified=False` for one named by an applicant or a member's
    representative: created unconfirmed, out of the public API until an organizer confirms it
    (`organizations_confirm`); an existing organization keeps its confirmation either way, and
    `verified=True` (the seed, the demo, the organizers) confirms one that was not."""
    from django.utils import timezone

    _check_choice(kind, OrganizationKind, "kind")
    name_zh = organization_name_clean(name_zh, field="name_zh")
    name_en = organization_name_clean(name_en, field="name_en", required=False)
    organization, _created = Organization.objects.update_or_create(
        name_zh=name_zh,
        defaults={
            "kind": kind,
            "name_en": name_en,
            "abbreviation": abbreviation,
            "country": country,
            "source": source,
            "is_demo": is_demo,
        },
        create_defaults={
            "kind": kind, "name_en": name_en, "abbreviation": abbreviation, "country": country, "source": source, "is_demo": is_demo,
            "verified_at": timezone.now() if verified else None,
        },
    )
    if verified and organization.verified_at is None:
        organizations_confirm(organizations=Organization.objects.filter(pk=organization.pk))
        organization.refresh_from_db(fields=["verified_at"])
    return organization


def organizations_confirm(*, organizations) -> int:
    """Confirm the unconfirmed ones of `organizations` (a queryset): they become public in the API.
    Each confirmation is an entry of the audit trail, with who confirmed (the field is left out of
    the organization's automatic entries, so its creation reads as it always did). How many were
    confirmed."""
    from auditlog.diff import get_field_value
    from auditlog.models import LogEntry
    from django.utils import timezone

    now = timezone.now()
    field = Organization._meta.get_field("verified_at")
    count = 0
    for organization in organizations.filter(verified_at__isnull=True):
        organization.verified_at = now
        organization.save(update_fields=["verified_at"])
        LogEntry.objects.log_create(organization, action=LogEntry.Action.UPDATE, changes={"verified_at": [None, str(get_field_value(organization, field))]})
        count += 1
    return count


def edition_organization_set(
    *, edition: Edition, organization: Organization, role: str, sort_order: int = 0, source: str = ""
) -> EditionOrganization:
    _check_choice(role, OrganizationRole, "role")
    link, _created = EditionOrganization.objects.update_or_create(
        edition=edition, organization=organization, role=role, defaults={"sort_order": sort_order, "source": source}
    )
    return link


def edition_figure_upsert(
    *,
    edition: Edition,
    key: str,
    value: int,
    qualifier: str = Qualifier.EXACT,
    label_zh: str,
    label_en: str = "",
    quote_zh: str = "",
    source: str = "",
    sort_order: int = 0,
) -> EditionFigure:
    """Record a count a text reports. Negative values are refused (`invalid_figure`)."""
    _check_choice(qualifier, Qualifier, "qualifier")
    if value is None or int(value) < 0:
        raise DomainError("invalid_figure", _("Figure %(key)s must be a count of zero or more.") % {"key": key}, field="value")
    figure, _created = EditionFigure.objects.update_or_create(
        edition=edition,
        key=key,
        defaults={
            "value": int(value),
            "qualifier": qualifier,
            "label_zh": label_zh,
            "label_en": label_en,
            "quote_zh": quote_zh,
            "source": source,
            "sort_order": sort_order,
        },
    )
    return figure


def edition_milestone_upsert(
    *,
    edition: Edition,
    key: str,
    date: date,
    precision: str = DatePrecision.DAY,
    label_zh: str,
    quote_zh: str,
    source: str,
    label_en: str = "",
    conflict_key: str = "",
    sort_order: int = 0,
) -> EditionMilestone:
    """Record a dated step of the edition's calendar. A month-precise date must be the month's
    first day (`milestone_month_not_first`: the day is not the text's); a milestone needs its
    quote and source (`milestone_unsourced`)."""
    _check_choice(precision, DatePrecision, "precision")
    if precision == DatePrecision.MONTH and date.day != 1:
        raise DomainError(
            "milestone_month_not_first",
            _("Milestone %(key)s is dated to the month only; store the month's first day, not %(date)s.") % {"key": key, "date": date},
            field="date",
        )
    if not quote_zh.strip() or not source.strip():
        raise DomainError("milestone_unsourced", _("Milestone %(key)s needs the words of the text and its source.") % {"key": key}, field="quote_zh")
    milestone, _created = EditionMilestone.objects.update_or_create(
        edition=edition,
        key=key,
        defaults={
            "date": date, "precision": precision, "label_zh": label_zh, "label_en": label_en, "quote_zh": quote_zh,
            "source": source, "conflict_key": conflict_key, "sort_order": sort_order,
        },
    )
    return milestone


def edition_described_item_upsert(
    *, edition: Edition, kind: str, text_zh: str, quote_zh: str, source: str, text_en: str = "", sort_order: int = 0
) -> EditionDescribedItem:
    """Record one item of an edition's described content (a characteristic, topic or activity)."""
    _check_choice(kind, DescribedItemKind, "kind")
    item, _created = EditionDescribedItem.objects.update_or_create(
        edition=edition,
        kind=kind,
        text_zh=text_zh,
        defaults={"text_en": text_en, "quote_zh": quote_zh, "source": source, "sort_order": sort_order},
    )
    return item


def wic_organization_upsert(
    *,
    organization: Organization,
    name_zh: str,
    quote_zh: str,
    source: str,
    initiators: list[Organization],
    founded_on: date | None = None,
    headquarters_zh: str = "",
    name_en: str = "",
    headquarters_en: str = "",
) -> WicOrganization:
    """Record the WIC international organization (there is one) and its initiators, in order;
    initiators no longer named are removed."""
    body, _created = WicOrganization.objects.update_or_create(
        pk=WicOrganization.objects.values_list("pk", flat=True).first(),
        defaults={
            "organization": organization, "name_zh": name_zh, "name_en": name_en, "founded_on": founded_on,
            "headquarters_zh": headquarters_zh, "headquarters_en": headquarters_en, "quote_zh": quote_zh, "source": source,
        },
    )
    for index, initiator in enumerate(initiators):
        WicOrganizationInitiator.objects.update_or_create(
            wic_organization=body, organization=initiator, defaults={"sort_order": index, "source": source}
        )
    body.initiator_links.exclude(organization__in=initiators).delete()
    return body


def member_upsert(
    *, tier: str, organization: Organization | None = None, person_name: str = "", is_demo: bool = False
) -> Member:
    """Create or update a WIC member: an organization or a person, never both (`member_identity`)."""
    _check_choice(tier, MemberTier, "tier")
    if bool(organization) == bool(person_name.strip()):
        raise DomainError("member_identity", _("A member is either an organization or a person, not both or neither."))
    if organization is not None:
        member, _created = Member.objects.update_or_create(
            organization=organization, defaults={"tier": tier, "is_demo": is_demo}
        )
    else:
        member, _created = Member.objects.update_or_create(
            organization=None, person_name=person_name.strip(), defaults={"tier": tier, "is_demo": is_demo}
        )
    return member
