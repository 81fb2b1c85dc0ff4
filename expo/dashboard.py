"""The expo panel of the organizers' edition dashboard (wic.dashboard lays the
panels out; this app contributes its own through expo/contrib.py)."""
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from wic.dashboard import CountryRest, CountryRow, Tally, country_rows, tallies
from wic.i18n import pick
from wic.models import Edition

from .enums import ExhibitorStatus
from .models import BoothAllotment, Exhibitor, Zone


@dataclass(frozen=True)
class ZoneRow:
    key: str
    label: str
    booths: int
    taken: int  # booths with a current (unreleased) allotment
    exhibitors: int  # exhibitors holding a current booth in the zone

    @property
    def free(self) -> int:
        return self.booths - self.taken


@dataclass(frozen=True)
class ExpoPanel:
    total: int
    by_status: list[Tally]
    countries: int  # countries and regions of approved exhibitors (where stated)
    without_booth: int  # approved exhibitors holding no current booth
    zones: list[ZoneRow]
    by_country: list[CountryRow]
    country_rest: CountryRest | None

    @property
    def approved(self) -> int:
        return next((t.value for t in self.by_status if t.key == "approved"), 0)

    @property
    def booths(self) -> int:
        return sum(z.booths for z in self.zones)

    @property
    def booths_free(self) -> int:
        return sum(z.free for z in self.zones)


def expo_panel(edition: Edition) -> ExpoPanel:
    """Exhibitors by status, zone and country; booths taken and free. Three queries."""

    exhibitors = Exhibitor.objects.filter(edition=edition)
    approved = Q(status=ExhibitorStatus.APPROVED)
    counts = exhibitors.alias(
        has_booth=Exists(BoothAllotment.objects.filter(exhibitor=OuterRef("pk"), released_at__isnull=True))
    ).aggregate(
        total=Count("pk"),
        countries=Count("country", filter=approved & ~Q(country=""), distinct=True),
        without_booth=Count("pk", filter=approved & Q(has_booth=False)),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in ExhibitorStatus.values},
    )
    current = Q(booths__allotments__released_at__isnull=True, booths__allotments__isnull=False)
    zones = (
        Zone.objects.filter(edition=edition)
        .annotate(
            n_booths=Count("booths", distinct=True),
            n_taken=Count("booths", filter=current, distinct=True),
            n_exhibitors=Count("booths__allotments__exhibitor", filter=current, distinct=True),
        )
        .order_by("sort_order", "key")
    )
    per_country = list(exhibitors.order_by().values("country").annotate(total=Count("pk"), approved=Count("pk", filter=approved)))
    head, rest = country_rows(per_country, _("Not stated"))
    return ExpoPanel(
        total=counts["total"],
        by_status=tallies(ExhibitorStatus.choices, {s: counts[f"status_{s}"] for s in ExhibitorStatus.values}),
        countries=counts["countries"],
        without_booth=counts["without_booth"],
        zones=[ZoneRow(z.key, pick(z, "name"), z.n_booths, z.n_taken, z.n_exhibitors) for z in zones],
        by_country=head,
        country_rest=rest,
    )


def history_counts() -> dict[int, dict[str, int]]:
    """Approved exhibitors per edition, for "Editions compared". One query."""
    rows = Exhibitor.objects.filter(status=ExhibitorStatus.APPROVED).order_by().values_list("edition_id").annotate(n=Count("pk"))
    return {edition_id: {"exhibitors": n} for edition_id, n in rows}
