"""Load the expo of each past edition from expo/seed_data.yaml through expo.services.

Called at the end of wic.seeding.seed_past_editions, once the editions exist. The file is
checked as a whole first (every edition exists, every exhibit's exhibitor is listed, every record
names its source), then loaded in one transaction. Idempotent: records are matched by natural
keys (edition + key, edition + organization, edition + name) and updated. A seeded exhibitor or
exhibit (one with a `source`, not demo data) that the file no longer lists for its edition is
removed, so a record withdrawn from the file (issue 21: the 2017 "exhibitors") leaves no trace.
"""
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from wic.errors import DomainError
from wic.models import Edition

from . import services
from .enums import ExhibitKind
from .models import Exhibit, Exhibitor

SEED_FILE = Path(__file__).resolve().parent / "seed_data.yaml"


@dataclass
class ExpoSeedReport:
    year: int
    zones: int = 0
    sections: int = 0
    exhibitors: int = 0
    exhibits: int = 0


def read_seed_file(path: Path = SEED_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_seed_data(data: dict, editions: dict[int, Edition]) -> None:
    problems = []
    for year, block in data.items():
        if year not in editions:
            problems.append(f"{year}: no such edition (seed the editions first)")
            continue
        if not (block.get("expo") or {}).get("source"):
            problems.append(f"{year}: the expo names no source text")
        named = {e["organization"] for e in block.get("exhibitors") or []}
        for kind in ("zones", "sections", "exhibitors", "exhibits"):
            for record in block.get(kind) or []:
                if not record.get("source"):
                    problems.append(f"{year}: a record of {kind} names no source text: {record}")
        for exhibit in block.get("exhibits") or []:
            if exhibit.get("kind", ExhibitKind.EXHIBIT) not in ExhibitKind.values:
                problems.append(f"{year}: exhibit {exhibit['name_zh']!r} has unknown kind {exhibit['kind']!r}")
            if exhibit.get("kind") == ExhibitKind.SMART_SERVICE and exhibit.get("exhibitor"):
                problems.append(f"{year}: exhibit {exhibit['name_zh']!r} is a smart-service project of the venue: it has no exhibitor")
            if exhibit.get("exhibitor") and exhibit["exhibitor"] not in named:
                problems.append(f"{year}: exhibit {exhibit['name_zh']!r} names an exhibitor not listed: {exhibit['exhibitor']!r}")
    if problems:
        raise DomainError("seed_invalid", "expo/seed_data.yaml: " + "; ".join(problems))


def _date(value):
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@transaction.atomic
def seed_expo(data: dict | None = None, years=None) -> list[ExpoSeedReport]:
    data = data if data is not None else read_seed_file()
    if years is not None:
        data = {year: block for year, block in data.items() if year in set(years)}
    editions = {e.year: e for e in Edition.objects.filter(year__in=list(data))}
    check_seed_data(data, editions)
    reports = []
    for year, block in data.items():
        edition = editions[year]
        report = ExpoSeedReport(year=year)
        expo = block["expo"]
        services.expo_upsert(
            edition=edition, name_zh=expo["name_zh"], opens_on=_date(expo.get("opens_on")), online_zh=expo.get("online_zh") or "",
            summary_zh=(expo.get("summary_zh") or "").strip(), source=expo["source"],
        )
        for index, zone in enumerate(block.get("zones") or []):
            services.zone_upsert(edition=edition, key=zone["key"], name_zh=zone["name_zh"], kind=zone.get("kind") or "other", sort_order=index, source=zone["source"])
            report.zones += 1
        for section in block.get("sections") or []:
            services.section_upsert(edition=edition, key=section["key"], name_zh=section["name_zh"], number=section.get("number") or 0, source=section["source"])
            report.sections += 1
        exhibitors = {}
        for record in block.get("exhibitors") or []:
            organization = services.organization_named(
                name_zh=record["organization"], name_en=record.get("organization_en") or "", country=record.get("country") or "", source=record["source"]
            )
            exhibitors[record["organization"]] = services.exhibitor_record_upsert(
                edition=edition, organization=organization, country=record.get("country") or "", quote_zh=record.get("quote_zh") or "", source=record["source"]
            )
            report.exhibitors += 1
        for index, exhibit in enumerate(block.get("exhibits") or []):
            services.exhibit_upsert(
                edition=edition, name_zh=exhibit["name_zh"], exhibitor=exhibitors.get(exhibit.get("exhibitor")), quote_zh=exhibit.get("quote_zh") or "",
                source=exhibit["source"], sort_order=index, kind=exhibit.get("kind") or ExhibitKind.EXHIBIT,
            )
            report.exhibits += 1
        # Seeded records the file no longer lists (a reseed of an older database).
        Exhibit.objects.filter(edition=edition).exclude(source="").exclude(name_zh__in=[x["name_zh"] for x in block.get("exhibits") or []]).delete()
        Exhibitor.objects.filter(edition=edition, is_demo=False).exclude(source="").exclude(
            organization__name_zh__in=[x["organization"] for x in block.get("exhibitors") or []]
        ).delete()
        reports.append(report)
    return reports
