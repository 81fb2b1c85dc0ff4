"""The registrations panel of the organizers' edition dashboard (wic.dashboard lays the
panels out; this app contributes its own through registration/contrib.py)."""
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wic.dashboard import CountryRest, CountryRow, Tally, beijing_day_bounds, country_rows, tallies
from wic.display import BEIJING
from wic.models import Edition

from .enums import GuestCategory, RegistrationStatus
from .models import Checkin, Registration


@dataclass(frozen=True)
class RegistrationsPanel:
    total: int
    by_status: list[Tally]
    by_category: list[Tally]
    by_country: list[CountryRow]
    country_rest: CountryRest | None
    countries: int
    checked_in_today: int
    today: date

    @property
    def approved(self) -> int:
        return next((t.value for t in self.by_status if t.key == "approved"), 0)


def registrations_panel(edition: Edition, *, now: datetime | None = None) -> RegistrationsPanel:
    """Registrations by status, category and country, and the guests admitted today (Beijing).
    Three queries."""

    now = now or timezone.now()
    today = timezone.localdate(now, BEIJING)
    registrations = Registration.objects.filter(edition=edition)
    counts = registrations.aggregate(
        total=Count("pk"),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in RegistrationStatus.values},
        **{f"category_{c}": Count("pk", filter=Q(category=c)) for c in GuestCategory.values},
    )
    per_country = list(
        registrations.order_by()
        .values("country")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(status=RegistrationStatus.APPROVED)))
    )
    start, end = beijing_day_bounds(today)
    # A guest admitted on any of the edition's lists today counts once.
    checked_in = Checkin.objects.filter(
        checkin_list__edition=edition, result="ok", type=Checkin.ENTRY, scanned_at__gte=start, scanned_at__lt=end
    ).aggregate(n=Count("credential__registration", distinct=True))["n"]
    head, rest = country_rows(per_country, _("Not stated"))
    return RegistrationsPanel(
        total=counts["total"],
        by_status=tallies(RegistrationStatus.choices, {s: counts[f"status_{s}"] for s in RegistrationStatus.values}),
        by_category=tallies(GuestCategory.choices, {c: counts[f"category_{c}"] for c in GuestCategory.values}),
        by_country=head,
        country_rest=rest,
        countries=len([r for r in per_country if r["country"]]),
        checked_in_today=checked_in,
        today=today,
    )


def history_counts() -> dict[int, dict[str, int]]:
    """Approved registrations and their countries per edition, for "Editions compared". One query."""
    approved = Q(status=RegistrationStatus.APPROVED)
    rows = (
        Registration.objects.order_by()
        .values("edition_id")
        .annotate(guests=Count("pk", filter=approved), countries=Count("country", filter=approved, distinct=True))
    )
    return {r["edition_id"]: {"guests": r["guests"], "countries": r["countries"]} for r in rows}
