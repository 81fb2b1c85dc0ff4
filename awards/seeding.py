"""Load the past editions' award programmes from awards/seed_data.yaml through the services.

The file is checked as a whole before anything is written (every edition exists, every choice is
known, every programme names its source text), then loaded in one transaction. Loading is
idempotent: programmes are matched by (edition, key), categories by key, figures by key, quotas
by tier, so seeding twice changes nothing. Called by wic.seeding.seed_past_editions.

English the texts do not give is an editorial translation: a record lists those fields in its
`editorial: [name_en, ...]` (the convention wic/seed_provenance.py checks), and the seed marks them
"editorial" in the record's `translation_provenance`; an English value not listed is the text's own.
An opening given as a month ("2024-03") is stored as the start of that month with precision "month"
(pages show the month alone); a day ("2024-09-11") with precision "day".
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.db import transaction

from wic.enums import MemberTier, Qualifier
from wic.errors import DomainError
from wic.i18n import mark_provenance
from wic.models import Edition

from . import services
from .enums import DatePrecision, Direction, ProgrammeKind

SEED_FILE = Path(__file__).resolve().parent / "seed_data.yaml"
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass
class AwardSeedReport:
    programmes: int = 0
    categories: int = 0
    figures: int = 0
    quotas: int = 0
    keys: list[str] = field(default_factory=list)


def read_seed_file(path: Path = SEED_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def parse_instant(value, *, end_of_day: bool) -> tuple[datetime | None, bool]:
    """"2024-10-10 17:00" -> that Beijing instant, time stated; "2024-06-20" -> the start (opening)
    or the end (close) of that Beijing day, time not stated. The end of a day is the midnight after
    it: a close is the first instant refused, so every instant of the day itself is accepted (the
    day's last second too, which 23:59:59 would refuse)."""
    if value in (None, ""):
        return None, True
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=BEIJING)), True
    text = str(value).strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime.combine(day + timedelta(days=1) if end_of_day else day, time(0, 0), tzinfo=BEIJING), False
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING), True


def parse_opening(value) -> tuple[datetime | None, str]:
    """"2024-09-11 09:00" -> that instant ("time"); "2024-09-11" -> the start of that Beijing day
    ("day"); "2024-03" -> the start of that Beijing month ("month"), shown as the month alone."""
    if value in (None, ""):
        return None, DatePrecision.TIME
    text = str(value).strip()
    if len(text) == 7:
        day = date.fromisoformat(f"{text}-01")
        return datetime.combine(day, time(0, 0), tzinfo=BEIJING), DatePrecision.MONTH
    instant, stated = parse_instant(value, end_of_day=False)
    return instant, DatePrecision.TIME if stated else DatePrecision.DAY


PROGRAMME_EN = ("name_en", "description_en", "format_en")
CATEGORY_EN = ("name_en", "basic_condition_en")


def editorial_fields(record: dict, fields: tuple[str, ...]) -> set[str]:
    """The English fields of `record` it marks editorial (`editorial: [...]`) and fills."""
    return {name for name in record.get("editorial") or [] if name in fields and (record.get(name) or "").strip()}


def check_seed_data(data: dict) -> None:
    problems = []
    years = set(Edition.objects.values_list("year", flat=True))
    seen = set()
    for p in data.get("programmes") or []:
        ref = f"{p.get('year')}/{p.get('key')}"
        if ref in seen:
            problems.append(f"programme {ref} is defined twice")
        seen.add(ref)
        if p.get("year") not in years:
            problems.append(f"programme {ref}: no edition {p.get('year')}")
        if p.get("kind") not in ProgrammeKind.values:
            problems.append(f"programme {ref}: unknown kind {p.get('kind')!r}")
        if not p.get("source"):
            problems.append(f"programme {ref} names no source text")
        for name in p.get("editorial") or []:
            if name not in PROGRAMME_EN:
                problems.append(f"programme {ref}: editorial names {name!r}, not one of {', '.join(PROGRAMME_EN)}")
        try:
            parse_opening(p.get("opens_at"))
        except ValueError:
            problems.append(f"programme {ref}: opens_at {p.get('opens_at')!r} is not YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM")
        for tier in (p.get("quotas") or {}):
            if tier not in MemberTier.values:
                problems.append(f"programme {ref}: unknown tier {tier!r}")
        keys = [c["key"] for c in p.get("categories") or []]
        if len(keys) != len(set(keys)):
            problems.append(f"programme {ref}: a category key is used twice")
        for c in p.get("categories") or []:
            if c.get("direction", "") not in ("", *Direction.values):
                problems.append(f"programme {ref}: category {c['key']} has unknown direction {c['direction']!r}")
            for name in c.get("editorial") or []:
                if name not in CATEGORY_EN:
                    problems.append(f"programme {ref}: category {c['key']}: editorial names {name!r}, not one of {', '.join(CATEGORY_EN)}")
        figure_keys = [f["key"] for f in p.get("figures") or []]
        if len(figure_keys) != len(set(figure_keys)):
            problems.append(f"programme {ref}: a figure key is used twice")
        for f in p.get("figures") or []:
            if f.get("qualifier", "exact") not in Qualifier.values:
                problems.append(f"programme {ref}: figure {f['key']} has unknown qualifier {f['qualifier']!r}")
            if not f.get("quote_zh"):
                problems.append(f"programme {ref}: figure {f['key']} gives no words of the text")
    if problems:
        raise DomainError("seed_invalid", "awards/seed_data.yaml: " + "; ".join(problems))


@transaction.atomic
def seed_award_programmes(data: dict | None = None, years=None) -> AwardSeedReport:
    """Load the programmes (of `years` only, when given)."""
    data = data if data is not None else read_seed_file()
    if years is not None:
        data = {**data, "programmes": [p for p in data.get("programmes") or [] if p.get("year") in set(years)]}
    check_seed_data(data)
    editions = {e.year: e for e in Edition.objects.filter(year__in={p["year"] for p in data.get("programmes") or []})}
    report = AwardSeedReport()
    for p in data.get("programmes") or []:
        opens_at, opens_precision = parse_opening(p.get("opens_at"))
        closes_at, closes_stated = parse_instant(p.get("closes_at"), end_of_day=True)
        programme = services.programme_upsert(
            edition=editions[p["year"]],
            key=p["key"],
            name_zh=p["name_zh"],
            name_en=p.get("name_en") or "",
            kind=p["kind"],
            description_zh=(p.get("description_zh") or "").strip(),
            description_en=(p.get("description_en") or "").strip(),
            has_enterprise_direction=bool(p.get("has_enterprise_direction")),
            has_individual_direction=bool(p.get("has_individual_direction")),
            opens_at=opens_at,
            opens_precision=opens_precision,
            closes_at=closes_at,
            closes_time_stated=closes_stated,
            max_categories=p.get("max_categories"),
            requires_endorsement=bool(p.get("requires_endorsement")),
            min_further_conditions=p.get("min_further_conditions") or 0,
            non_members_need_recommendation=bool(p.get("non_members_need_recommendation")),
            ordinal=p.get("ordinal"),
            format_zh=p.get("format_zh") or "",
            format_en=p.get("format_en") or "",
            quote_zh=(p.get("quote_zh") or p.get("quotes_zh") or "").strip(),  # quotes_zh: one quote a line
            is_demo=False,
            source=p["source"],
        )
        mark_provenance(programme, PROGRAMME_EN, editorial_fields(p, PROGRAMME_EN))
        if p.get("results_released") and programme.results_released_at is None:
            services.programme_release_results(programme=programme)
        for index, c in enumerate(p.get("categories") or []):
            category = services.category_upsert(
                programme=programme,
                key=c["key"],
                name_zh=c["name_zh"],
                name_en=c.get("name_en") or "",
                direction=c.get("direction") or "",
                basic_condition_zh=c.get("basic_condition_zh") or "",
                basic_condition_en=c.get("basic_condition_en") or "",
                special=bool(c.get("special")),
                sort_order=index,
                source=p["source"],
            )
            mark_provenance(category, CATEGORY_EN, editorial_fields(c, CATEGORY_EN))
            report.categories += 1
        if p.get("quotas"):
            report.quotas += len(services.quotas_set(programme=programme, quotas=p["quotas"]))
        for index, f in enumerate(p.get("figures") or []):
            services.figure_upsert(
                programme=programme,
                key=f["key"],
                value=f["value"],
                qualifier=f.get("qualifier") or Qualifier.EXACT,
                label_zh=f["label_zh"],
                label_en=f.get("label_en") or "",
                quote_zh=f["quote_zh"],
                source=f.get("source") or p["source"],
                sort_order=index,
            )
            report.figures += 1
        report.programmes += 1
        report.keys.append(f"{p['year']}/{p['key']}")
    return report
