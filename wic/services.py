"""Writes of the summit-wide records. Seeds, the admin and the API all go through these."""
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .enums import MemberTier, OrganizationKind, OrganizationRole, Qualifier
from .errors import DomainError
from .models import Edition, EditionFigure, EditionOrganization, Member, Organization


def _check_choice(value: str, choices, field: str) -> None:
    if value not in choices.values:
        raise DomainError(
            "invalid_choice",
            _("%(value)r is not a valid %(field)s; expected one of: %(choices)s.")
            % {"value": value, "field": field, "choices": ", ".join(choices.values)},
            field=field,
        )


@transaction.atomic
def edition_upsert(*, year: int, name_zh: str, start_date: date, end_date: date, **fields) -> Edition:
    """Create or update the edition of `year`. Refuses an end date before the start date (`edition_dates`)."""
    if end_date < start_date:
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


def organization_upsert(
    *,
    name_zh: str,
    kind: str = OrganizationKind.OTHER,
    name_en: str = "",
    abbreviation: str = "",
    country: str = "",
    source: str = "",
    is_demo: bool = False,
) -> Organization:
    """Create or update the organization with this canonical Chinese name."""
    _check_choice(kind, OrganizationKind, "kind")
    organization, _created = Organization.objects.update_or_create(
        name_zh=name_zh.strip(),
        defaults={
            "kind": kind,
            "name_en": name_en,
            "abbreviation": abbreviation,
            "country": country,
            "source": source,
            "is_demo": is_demo,
        },
    )
    return organization


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
