"""Load the past editions from the YAML files in `wic/seed_data/` through the services.

The core loads what is its own (editions, organizations and their roles, reported figures, each
edition's calendar `milestones` and `described` content, and the WIC international organization
`wic_organization`, given in the file of the text that describes it); each
app loads its part through a `wic.contrib.Seed` in `<app>/contrib.py`, in dependency order (the
agenda's venues, halls, boards, sessions and outcomes from the same files; the awards, volunteers
and expo from their own). Every file is checked as a whole before anything is written (every
reference resolves, every enumeration is known: the core's checks and each app's), then everything
is loaded in one transaction, so a bad file changes nothing. Loading is idempotent: records are
matched by natural keys (year, name, key) and updated.
"""
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

import yaml
from django.db import transaction

from wic import contrib, services
from wic.errors import DomainError
from wic.i18n import mark_provenance, seeding, with_editorial
from wic.enums import DatePrecision, DescribedItemKind
from wic.models import Edition, Organization

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
SEED_YEARS = (2015, 2016, 2017, 2020, 2022, 2024)  # 2015 and 2016: only what 004 says of them
EDITORIAL_FILE = SEED_DIR / "editorial_en.yaml"  # editorial English, applied where the texts give none (SCHEMA.md)


@dataclass
class SeedReport:
    """What was loaded for one year: (noun, count) in the order the loaders reported them."""

    year: int
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, noun: str, n: int = 1) -> None:
        self.counts[noun] = self.counts.get(noun, 0) + n

    def __str__(self) -> str:
        return f"{self.year}: " + ", ".join(f"{n} {noun}" for noun, n in self.counts.items())


@dataclass
class SeedContext:
    """What the loaders share: the years, each year's edition file, what the core loaded."""

    years: tuple[int, ...]
    data: dict[int, dict]
    editions: dict[int, Edition] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)  # by Chinese name, across the files
    reports: dict[int, SeedReport] = field(default_factory=dict)
    editorial: dict = field(default_factory=dict)  # wic/seed_data/editorial_en.yaml


def parse_time(value) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML 1.1 reads unquoted 10:30 as sexagesimal minutes
        return time(value // 60, value % 60)
    hour, minute = str(value).split(":")
    return time(int(hour), int(minute))


def parse_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def parse_optional_date(value) -> date | None:
    """A date, or None where the file gives none (`null`: the texts do not give it)."""
    return None if value in (None, "") else parse_date(value)


def parse_milestone_date(value, precision: str) -> date:
    """A milestone's date: "YYYY-MM-DD" for a day, "YYYY-MM" for a month (stored as the month's
    first day, which is never shown)."""
    if precision == DatePrecision.MONTH:
        year, month = str(value).split("-")[:2]
        return date(int(year), int(month), 1)
    return parse_date(value)


def read_editorial(path: Path = EDITORIAL_FILE) -> dict:
    """An editorial-English file (`editions`, `organizations`, ...), or {} where there is none."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def read_seed_file(year: int) -> dict:
    path = SEED_DIR / f"{year}.yaml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_seed_data(data: dict, year: int) -> None:
    """Refuse a file whose references do not resolve, before anything is written: the core's
    checks, then each app's (`Seed.check(data, year)` returns its problems)."""
    problems = []
    orgs = {o["name_zh"] for o in data.get("organizations") or []}
    if len(orgs) != len(data.get("organizations") or []):
        problems.append("an organization is defined twice")
    for role in data.get("edition_roles") or []:
        if role["organization"] not in orgs:
            problems.append(f"edition role names unknown organization {role['organization']!r}")
    if data["edition"]["year"] != year:
        problems.append(f"file {year}.yaml holds edition {data['edition']['year']}")
    problems += _check_core_additions(data, orgs)
    for seed in contrib.items(contrib.Seed):
        if seed.check is not None:
            problems += seed.check(data, year)
    if problems:
        raise DomainError("seed_invalid", f"{year}.yaml: " + "; ".join(problems))


def _check_core_additions(data: dict, orgs: set[str]) -> list[str]:
    """The edition's dates (both or neither), its calendar, described content and the WIC
    organization: enumerations known, keys unique, references resolving."""
    problems = []
    ed = data["edition"]
    if (ed.get("start_date") is None) != (ed.get("end_date") is None):
        problems.append("the edition gives one of start_date and end_date without the other")
    milestones = data.get("milestones") or []
    keys = [m["key"] for m in milestones]
    if len(set(keys)) != len(keys):
        problems.append("a milestone key is used twice")
    for m in milestones:
        if m.get("precision", "day") not in DatePrecision.values:
            problems.append(f"milestone {m['key']!r} has unknown precision {m.get('precision')!r}")
        if not m.get("quote_zh") or not m.get("source"):
            problems.append(f"milestone {m['key']!r} has no quote or source")
    conflicts = [m["conflict_key"] for m in milestones if m.get("conflict_key")]
    for key in set(conflicts):
        if conflicts.count(key) < 2:
            problems.append(f"conflict {key!r} has one account only")
    for item in data.get("described") or []:
        if item["kind"] not in DescribedItemKind.values:
            problems.append(f"described item {item['text_zh']!r} has unknown kind {item['kind']!r}")
    body = data.get("wic_organization")
    if body:
        for name in [body["organization"], *(body.get("initiators") or [])]:
            if name not in orgs:
                problems.append(f"wic_organization names unknown organization {name!r}")
    return problems


def merge_organizations(datasets: list[dict]) -> dict[str, dict]:
    """One definition per organization across all files: the first non-empty value of each field wins,
    so a body named with its abbreviation in one text keeps it when another text omits it."""
    merged: dict[str, dict] = {}
    for data in datasets:
        for org in data.get("organizations") or []:
            entry = merged.setdefault(org["name_zh"], {"name_zh": org["name_zh"]})
            for field_name in ("name_en", "abbreviation", "kind", "country", "source"):
                if not entry.get(field_name) and org.get(field_name):
                    entry[field_name] = org[field_name]
    return merged


def load_edition(data: dict, catalog: dict[str, dict], context: SeedContext) -> None:
    """The core's part of one edition file: the edition, its organizations, roles and figures."""
    ed = data["edition"]
    report = context.reports.setdefault(ed["year"], SeedReport(year=ed["year"]))
    edition_en, edition_marked = with_editorial(
        {name: ed.get(name) or "" for name in ("name_en", "theme_en", "location_en")},
        (context.editorial.get("editions") or {}).get(ed["year"]),
    )
    edition = services.edition_upsert(
        year=ed["year"],
        name_zh=ed["name_zh"],
        start_date=parse_optional_date(ed.get("start_date")),
        end_date=parse_optional_date(ed.get("end_date")),
        ordinal=ed.get("ordinal"),
        series_year=ed.get("series_year"),
        theme_zh=ed.get("theme_zh") or "",
        location_zh=ed.get("location_zh") or "",
        **edition_en,
        format_zh=ed.get("format_zh") or "",
        summary_zh=(ed.get("summary_zh") or "").strip(),
        source=ed["source"],
        is_demo=False,
        **{k: v for seed in contrib.items(contrib.Seed) if seed.edition_fields for k, v in seed.edition_fields(data).items()},
    )
    mark_provenance(edition, edition_en, edition_marked)
    context.editions[edition.year] = edition
    organizations = {}
    for org_ref in data.get("organizations") or []:
        org = catalog[org_ref["name_zh"]]
        org_en, org_marked = with_editorial(
            {"name_en": org.get("name_en") or "", "abbreviation": org.get("abbreviation") or ""},
            (context.editorial.get("organizations") or {}).get(org["name_zh"]),
        )
        organizations[org["name_zh"]] = context.organizations[org["name_zh"]] = services.organization_upsert(
            name_zh=org["name_zh"],
            kind=org.get("kind") or "other",
            country=org.get("country") or "",
            source=org.get("source") or ed["source"],
            **org_en,
        )
        mark_provenance(organizations[org["name_zh"]], org_en, org_marked)
        report.add("organizations")
    for index, role in enumerate(data.get("edition_roles") or []):
        services.edition_organization_set(
            edition=edition,
            organization=organizations[role["organization"]],
            role=role["role"],
            sort_order=index,
            source=role.get("source") or ed["source"],
        )
    for index, fig in enumerate(data.get("figures") or []):
        services.edition_figure_upsert(
            edition=edition,
            key=fig["key"],
            value=fig["value"],
            qualifier=fig.get("qualifier") or "exact",
            label_zh=fig["label_zh"],
            label_en=fig.get("label_en") or "",
            quote_zh=str(fig.get("quote_zh") or ""),
            source=fig.get("source") or ed["source"],
            sort_order=index,
        )
        report.add("figures")
    load_calendar_and_described(data, edition, context, report)


def load_calendar_and_described(data: dict, edition: Edition, context: SeedContext, report: SeedReport) -> None:
    """The edition's calendar milestones (label_en from the editorial file, marked) and its
    described content, in the file's order."""
    editorial = ((context.editorial.get("milestones") or {}).get(edition.year)) or {}
    for index, m in enumerate(data.get("milestones") or []):
        precision = m.get("precision") or DatePrecision.DAY
        label_en, marked = with_editorial({"label_en": m.get("label_en") or ""}, {"label_en": editorial.get(m["key"]) or ""})
        milestone = services.edition_milestone_upsert(
            edition=edition,
            key=m["key"],
            date=parse_milestone_date(m["date"], precision),
            precision=precision,
            label_zh=m["label_zh"],
            quote_zh=str(m["quote_zh"]),
            source=m["source"],
            conflict_key=m.get("conflict_key") or "",
            sort_order=index,
            **label_en,
        )
        mark_provenance(milestone, label_en, marked)
        report.add("milestones")
    for index, item in enumerate(data.get("described") or []):
        services.edition_described_item_upsert(
            edition=edition, kind=item["kind"], text_zh=item["text_zh"], quote_zh=str(item["quote_zh"]), source=item["source"], sort_order=index
        )
        report.add("described items")


def load_wic_organization(data: dict, context: SeedContext) -> None:
    """The WIC international organization, from the file of the text that describes it."""
    body = data.get("wic_organization")
    if not body:
        return
    values, marked = with_editorial(
        {"name_en": body.get("name_en") or "", "headquarters_en": body.get("headquarters_en") or ""},
        context.editorial.get("wic_organization"),
    )
    record = services.wic_organization_upsert(
        organization=context.organizations[body["organization"]],
        name_zh=body["name_zh"],
        founded_on=parse_optional_date(body.get("founded_on")),
        headquarters_zh=body.get("headquarters_zh") or "",
        quote_zh=str(body["quote_zh"]).strip(),
        source=body["source"],
        initiators=[context.organizations[name] for name in body.get("initiators") or []],
        **values,
    )
    mark_provenance(record, values, marked)


def seed_past_editions(years=SEED_YEARS) -> list[SeedReport]:
    """Check every file, then load the core's part and each app's, in one transaction."""
    context = SeedContext(years=tuple(years), data={year: read_seed_file(year) for year in years}, editorial=read_editorial())
    for year, data in context.data.items():
        check_seed_data(data, year)
    catalog = merge_organizations(list(context.data.values()))
    with transaction.atomic(), seeding():
        for data in context.data.values():
            load_edition(data, catalog, context)
        for data in context.data.values():
            load_wic_organization(data, context)
        for contribution in contrib.in_dependency_order(contrib.Seed):
            contribution.item.load(context)
    return [context.reports[year] for year in context.years]
