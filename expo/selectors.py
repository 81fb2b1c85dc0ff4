"""Reads of the expo, each owning its joins so no caller queries per row."""
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django_countries import countries

from wic.models import EditionFigure

from .enums import ExhibitorStatus, ExpoField, MeetingStatus
from .models import Booth, BoothAllotment, Exhibitor, Launch, MeetingRequest, TalentListing, Zone

SEARCH_LIMIT = 100


def current_allotments() -> Prefetch:
    return Prefetch(
        "allotments",
        queryset=BoothAllotment.objects.filter(released_at__isnull=True).select_related("booth__zone").order_by("booth__code"),
        to_attr="current_allotments",
    )


def exhibitors_public(edition=None) -> QuerySet[Exhibitor]:
    """Approved exhibitors with what a list shows: organization, fields, current booths and zones."""
    queryset = Exhibitor.objects.filter(status=ExhibitorStatus.APPROVED, edition__is_published=True)
    if edition is not None:
        queryset = queryset.filter(edition=edition)
    return (
        queryset.select_related("organization", "edition")
        .prefetch_related("field_links", current_allotments())
        .order_by("organization__name_zh", "id")
    )


def exhibitors_filtered(queryset: QuerySet[Exhibitor], *, zone=None, field: str = "", country: str = "", search: str = "") -> QuerySet[Exhibitor]:
    """Filter by booth zone (id), field code, ISO country code and a search in Chinese or English
    (organization names and abbreviation, products, description)."""
    if zone:
        queryset = queryset.filter(allotments__booth__zone_id=zone, allotments__released_at__isnull=True)
    if field:
        queryset = queryset.filter(field_links__field=field)
    if country:
        queryset = queryset.filter(country=country.upper())
    search = (search or "").strip()[:SEARCH_LIMIT]
    if search:
        queryset = queryset.filter(
            Q(organization__name_zh__icontains=search)
            | Q(organization__name_en__icontains=search)
            | Q(organization__abbreviation__icontains=search)
            | Q(products_zh__icontains=search)
            | Q(products_en__icontains=search)
            | Q(description_zh__icontains=search)
            | Q(description_en__icontains=search)
        )
    if zone or field:
        queryset = queryset.distinct()
    return queryset


def counts_per_country(queryset: QuerySet[Exhibitor]) -> list[tuple[str, str, int]]:
    """(code, name, exhibitors) for each country of the result, most first; "" for not stated."""
    ids = queryset.order_by().values("pk")
    rows = Exhibitor.objects.filter(pk__in=ids).order_by().values("country").annotate(n=Count("id"))
    result = [(r["country"], countries.name(r["country"]) if r["country"] else "", r["n"]) for r in rows]
    return sorted(result, key=lambda row: (-row[2], row[0] == "", row[1]))


def counts_per_field(queryset: QuerySet[Exhibitor]) -> list[tuple[str, str, int]]:
    """(code, label, exhibitors) for each field of the result, most first."""
    from .models import ExhibitorField

    ids = queryset.order_by().values("pk")
    rows = ExhibitorField.objects.filter(exhibitor__in=ids).order_by().values("field").annotate(n=Count("exhibitor", distinct=True))
    result = [(r["field"], ExpoField(r["field"]).label if r["field"] in ExpoField.values else r["field"], r["n"]) for r in rows]
    return sorted(result, key=lambda row: (-row[2], str(row[1])))


@dataclass
class ExpoFigures:
    """The headline of an expo: computed from the directory where the data is complete, otherwise
    the figures the texts report (and how many the directory lists)."""

    listed: int
    listed_countries: int
    without_country: int
    reported_exhibitors: EditionFigure | None = None
    reported_countries: EditionFigure | None = None
    per_country: list = field(default_factory=list)

    @property
    def complete(self) -> bool:
        if self.listed == 0 or self.without_country:
            return False
        if self.reported_exhibitors is not None and self.listed < self.reported_exhibitors.value:
            return False
        return True

    @property
    def has_reported(self) -> bool:
        return self.reported_exhibitors is not None


def expo_figures(edition) -> ExpoFigures:
    """Two queries: the approved exhibitors per country, and the reported figures."""
    per_country = counts_per_country(Exhibitor.objects.filter(edition=edition, status=ExhibitorStatus.APPROVED))
    figures = {f.key: f for f in EditionFigure.objects.filter(edition=edition, key__in=("exhibitors", "exhibitor_countries"))}
    return ExpoFigures(
        listed=sum(n for _code, _name, n in per_country),
        listed_countries=sum(1 for code, _name, _n in per_country if code),
        without_country=sum(n for code, _name, n in per_country if not code),
        reported_exhibitors=figures.get("exhibitors"),
        reported_countries=figures.get("exhibitor_countries"),
        per_country=per_country,
    )


def exhibitor_for_page(edition, pk: int) -> Exhibitor | None:
    """One approved exhibitor with its booths, launches on the stage, open openings and exhibits."""
    return (
        exhibitors_public(edition)
        .prefetch_related(
            Prefetch("launches", queryset=Launch.objects.filter(cancelled_at__isnull=True).order_by("start"), to_attr="stage_launches"),
            Prefetch("openings", queryset=TalentListing.objects.filter(is_open=True).order_by("-created", "-id"), to_attr="open_openings"),
            "exhibits",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass
class ZoneRow:
    zone: Zone
    booths: list


def zone_map(edition) -> list[ZoneRow]:
    """Each zone with its booths in order, each booth with its current exhibitor (or none). Two queries."""
    zones = list(Zone.objects.filter(edition=edition).order_by("sort_order", "key"))
    booths = (
        Booth.objects.filter(edition=edition)
        .prefetch_related(
            Prefetch(
                "allotments",
                queryset=BoothAllotment.objects.filter(released_at__isnull=True, exhibitor__status=ExhibitorStatus.APPROVED).select_related("exhibitor__organization"),
                to_attr="current",
            )
        )
        .order_by("sort_order", "code")
    )
    by_zone: dict[int, list] = {zone.pk: [] for zone in zones}
    for booth in booths:
        booth.holder = booth.current[0].exhibitor if booth.current else None
        by_zone.setdefault(booth.zone_id, []).append(booth)
    return [ZoneRow(zone=zone, booths=by_zone.get(zone.pk, [])) for zone in zones]


def openings_for_list(edition, *, field: str = "", city: str = "") -> QuerySet[TalentListing]:
    queryset = TalentListing.objects.filter(
        exhibitor__edition=edition, exhibitor__status=ExhibitorStatus.APPROVED, is_open=True
    ).select_related("exhibitor__organization")
    if field:
        queryset = queryset.filter(field=field)
    if city:
        queryset = queryset.filter(city__icontains=city.strip()[:SEARCH_LIMIT])
    return queryset.order_by("field", "-created", "-id")


def launches_for_edition(edition) -> QuerySet[Launch]:
    return Launch.objects.filter(edition=edition, cancelled_at__isnull=True).select_related("exhibitor__organization").order_by("start", "id")


def meetings_for(user, edition) -> tuple[list, list]:
    """The user's meeting requests as a guest, and those to the exhibitors they represent."""
    base = MeetingRequest.objects.filter(exhibitor__edition=edition).select_related("exhibitor__organization", "guest").order_by("start", "id")
    asked = list(base.filter(guest=user))
    received = list(base.filter(exhibitor__representatives=user).exclude(status=MeetingStatus.CANCELLED))
    return asked, received


def represented(user, edition) -> list[Exhibitor]:
    if not user.is_authenticated:
        return []
    return list(Exhibitor.objects.filter(edition=edition, representatives=user).select_related("organization"))
