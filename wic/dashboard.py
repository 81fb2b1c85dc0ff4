"""The organizers' edition dashboard: the figures they watch, one selector per panel.

The panels are the apps' own: each app contributes a `wic.contrib.DashboardPanel` (its selector
and its template fragment) in `<app>/contrib.py`, and this module lays them out in their `order`,
with the core's own "Editions compared" (history) panel last, whose per-edition counts the apps
contribute as `wic.contrib.HistoryCount`.

Every selector makes a fixed number of queries whatever the number of rows (grouped counts with
`aggregate`/`values().annotate()` and `Count(filter=Q(...))`, never a query per row), and returns
plain dataclasses the template only reads. The query counts, per panel, with the apps of this
repository:

    registrations 3 · forums 2 · volunteers 3 (1 when the edition has no programme)
    awards 5 · expo 3 · speakers 2 · translations 1 (a UNION ALL of the Translatable kinds) · history 2 + one per HistoryCount (6)

"Today" and "now" are Beijing time (Asia/Shanghai), whatever the active time zone.

Where the models hold no source for a figure the issue asks for, the dashboard leaves it out
rather than inventing it (see the report of issue 9).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from typing import Any

from django.utils import timezone
from django_countries import countries

from wic import contrib
from wic.display import BEIJING
from wic.enums import Qualifier
from wic.i18n import pick
from wic.models import Edition, EditionFigure
from wic.selectors import current_of

# Countries listed one by one; the rest are summed into one row.
TOP_COUNTRIES = 12


@dataclass(frozen=True)
class Tally:
    """One labelled count: a status, a category, a stage."""

    key: str
    label: str
    value: int


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    total: int
    approved: int


@dataclass(frozen=True)
class CountryRest:
    """The countries after the first TOP_COUNTRIES, summed."""

    countries: int
    total: int
    approved: int


def tallies(choices, counts: dict) -> list[Tally]:
    """A Tally per choice, in the enum's order, zeros included."""
    return [Tally(str(value), str(label), counts.get(str(value), 0) or 0) for value, label in choices]


def country_rows(rows: list[dict], blank_label: str) -> tuple[list[CountryRow], CountryRest | None]:
    """`rows` are {"country", "total", "approved"} dicts; the largest first, then by name."""
    named = [
        CountryRow(r["country"] or "", (countries.name(r["country"]) or r["country"]) if r["country"] else blank_label, r["total"], r["approved"])
        for r in rows
    ]
    named.sort(key=lambda r: (-r.total, r.code == "", r.name))
    head, tail = named[:TOP_COUNTRIES], named[TOP_COUNTRIES:]
    rest = CountryRest(len(tail), sum(r.total for r in tail), sum(r.approved for r in tail)) if tail else None
    return head, rest


def beijing_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=BEIJING)
    return start, start + timedelta(days=1)



# ---------------------------------------------------------------------------------------------
# History: what the texts report next to what the system holds, per edition


Metric = contrib.HistoryMetric


def history_metrics() -> list[Metric]:
    """The metrics of every contributed HistoryCount, by order."""
    return sorted((m for count in contrib.items(contrib.HistoryCount) for m in count.metrics), key=lambda m: m.order)


@dataclass(frozen=True)
class Reported:
    value: int
    qualifier: str
    label: str
    quote: str
    source: str

    @property
    def qualifier_label(self) -> str:
        return str(Qualifier(self.qualifier).label) if self.qualifier in Qualifier.values else ""


@dataclass(frozen=True)
class HistoryCell:
    metric: str
    reported: Reported | None
    system: int


@dataclass(frozen=True)
class HistoryRow:
    year: int
    name: str
    is_demo: bool
    cells: list[HistoryCell]


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    is_demo: bool
    reported: Reported | None
    system: int


@dataclass(frozen=True)
class MetricSeries:
    metric: Metric
    points: list[SeriesPoint]


@dataclass(frozen=True)
class HistoryPanel:
    metrics: list[Metric]
    rows: list[HistoryRow]

    @property
    def series(self) -> list[MetricSeries]:
        """Per metric, the editions oldest first: for the small-multiples chart."""
        return [
            MetricSeries(m, [SeriesPoint(r.year, r.is_demo, r.cells[i].reported, r.cells[i].system) for r in self.rows])
            for i, m in enumerate(self.metrics)
        ]


def history_panel() -> HistoryPanel:
    """Every edition, oldest first: the figures the texts report (with this repository's apps:
    guests, countries, sub-forums, volunteers, exhibitors) next to what the database counts. Two
    queries and one per contributed HistoryCount (six), however many editions."""
    metrics = history_metrics()
    editions = list(Edition.objects.order_by("year"))
    keys = [k for m in metrics for k in m.figure_keys]
    figures = {(f.edition_id, f.key): f for f in EditionFigure.objects.filter(key__in=keys)}
    system: dict[int, dict[str, int]] = {}
    for count in contrib.items(contrib.HistoryCount):
        for edition_id, values in count.count().items():
            system.setdefault(edition_id, {}).update(values)

    def reported(edition_id: int, metric: Metric) -> Reported | None:
        for key in metric.figure_keys:
            f = figures.get((edition_id, key))
            if f is not None:
                return Reported(f.value, f.qualifier, pick(f, "label"), f.quote_zh, f.source)
        return None

    rows = []
    for e in editions:
        counted = system.get(e.pk, {})
        cells = [HistoryCell(m.key, reported(e.pk, m), counted.get(m.key, 0)) for m in metrics]
        rows.append(HistoryRow(e.year, pick(e, "name"), e.is_demo, cells))
    return HistoryPanel(metrics=metrics, rows=rows)


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedPanel:
    """A contributed panel with its data, as the page lays it out."""

    key: str
    template: str
    data: Any


@dataclass(frozen=True)
class EditionDashboard:
    edition: Edition
    now: datetime  # Beijing time
    panels: list[PlacedPanel]
    history: HistoryPanel

    def __getattr__(self, key: str):
        """A contributed panel's data by its key: `dashboard.registrations`."""
        for panel in self.__dict__.get("panels", ()):
            if panel.key == key:
                return panel.data
        raise AttributeError(key)


def edition_dashboard(edition: Edition, *, now: datetime | None = None) -> EditionDashboard:
    """Every panel of the edition's dashboard: the contributed panels, then the history. With this
    repository's apps, 30 queries (28 when the edition has no volunteer programme)."""
    now = now or timezone.now()
    panels = [PlacedPanel(p.key, p.template, p.build(edition, now=now)) for p in contrib.ordered(contrib.DashboardPanel)]
    return EditionDashboard(edition=edition, now=timezone.localtime(now, BEIJING), panels=panels, history=history_panel())
# ---------------------------------------------------------------------------------------------



def current_edition_year(*, today: date | None = None) -> int | None:
    """The year the dashboard opens on: as the home page chooses (wic.views.home), the earliest
    edition not yet over, else the latest; over every edition, published or not, since organizers
    prepare unpublished ones. One query."""
    today = today or timezone.localdate(timezone.now(), BEIJING)
    editions = list(Edition.objects.order_by("-year").values_list("year", "start_date", "end_date"))
    current = current_of(editions, today, start=lambda e: e[1], end=lambda e: e[2])
    return current[0] if current else None
