"""Load the past editions from the YAML files in `wic/seed_data/` through the services.

Each file is checked as a whole before anything is written (every reference resolves, every
enumeration is known), then loaded in one transaction, so a bad file changes nothing.
Loading is idempotent: records are matched by natural keys (year, name, key) and updated.
"""
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

import yaml
from django.db import transaction

from agenda import services as agenda_services
from wic import services
from wic.errors import DomainError

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
SEED_YEARS = (2017, 2020, 2022, 2024)


@dataclass
class SeedReport:
    year: int
    sessions: int = 0
    organizations: int = 0
    figures: int = 0
    outcomes: int = 0
    boards: int = 0
    halls: int = 0
    warnings: list[str] = field(default_factory=list)


def _time(value) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML 1.1 reads unquoted 10:30 as sexagesimal minutes
        return time(value // 60, value % 60)
    hour, minute = str(value).split(":")
    return time(int(hour), int(minute))


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def read_seed_file(year: int) -> dict:
    path = SEED_DIR / f"{year}.yaml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_seed_data(data: dict, year: int) -> None:
    """Refuse a file whose references do not resolve, before anything is written."""
    problems = []
    orgs = {o["name_zh"] for o in data.get("organizations") or []}
    if len(orgs) != len(data.get("organizations") or []):
        problems.append("an organization is defined twice")
    venues = {v["name_zh"]: {h["name_zh"] for h in v.get("halls") or []} for v in data.get("venues") or []}
    boards = {b["key"] for b in data.get("boards") or []}
    keys = set()
    for role in data.get("edition_roles") or []:
        if role["organization"] not in orgs:
            problems.append(f"edition role names unknown organization {role['organization']!r}")
    for session in data.get("sessions") or []:
        key = session["key"]
        if key in keys:
            problems.append(f"session key {key!r} is used twice")
        keys.add(key)
        for link in session.get("organizations") or []:
            if link["organization"] not in orgs:
                problems.append(f"session {key!r} names unknown organization {link['organization']!r}")
        if session.get("venue") and session["venue"] not in venues:
            problems.append(f"session {key!r} names unknown venue {session['venue']!r}")
        if session.get("hall") and session["hall"] not in venues.get(session.get("venue"), set()):
            problems.append(f"session {key!r} names unknown hall {session['hall']!r}")
        if session.get("board") and session["board"] not in boards:
            problems.append(f"session {key!r} names unknown board {session['board']!r}")
        if not session.get("source"):
            problems.append(f"session {key!r} names no source text")
    main_venue = data["edition"].get("main_venue")
    if main_venue and main_venue not in venues:
        problems.append(f"edition names unknown main venue {main_venue!r}")
    if data["edition"]["year"] != year:
        problems.append(f"file {year}.yaml holds edition {data['edition']['year']}")
    if problems:
        raise DomainError("seed_invalid", f"{year}.yaml: " + "; ".join(problems))


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


@transaction.atomic
def load_edition(data: dict, catalog: dict[str, dict] | None = None) -> SeedReport:
    ed = data["edition"]
    report = SeedReport(year=ed["year"])
    venues, halls = {}, {}
    for venue_data in data.get("venues") or []:
        venue = agenda_services.venue_upsert(
            name_zh=venue_data["name_zh"],
            kind=venue_data.get("kind", "other"),
            name_en=venue_data.get("name_en", ""),
            source=venue_data.get("source", ed["source"]),
        )
        venues[venue.name_zh] = venue
        for index, hall_data in enumerate(venue_data.get("halls") or []):
            hall = agenda_services.hall_upsert(
                venue=venue,
                name_zh=hall_data["name_zh"],
                room=str(hall_data.get("room") or ""),
                name_en=hall_data.get("name_en", ""),
                sort_order=index,
            )
            halls[(venue.name_zh, hall.name_zh)] = hall
            report.halls += 1
    edition = services.edition_upsert(
        year=ed["year"],
        name_zh=ed["name_zh"],
        start_date=_date(ed["start_date"]),
        end_date=_date(ed["end_date"]),
        ordinal=ed.get("ordinal"),
        series_year=ed.get("series_year"),
        name_en=ed.get("name_en") or "",
        theme_zh=ed.get("theme_zh") or "",
        theme_en=ed.get("theme_en") or "",
        location_zh=ed.get("location_zh") or "",
        location_en=ed.get("location_en") or "",
        main_venue=venues.get(ed.get("main_venue")),
        format_zh=ed.get("format_zh") or "",
        summary_zh=(ed.get("summary_zh") or "").strip(),
        source=ed["source"],
        is_demo=False,
    )
    organizations = {}
    catalog = catalog or merge_organizations([data])
    for org_ref in data.get("organizations") or []:
        org = catalog[org_ref["name_zh"]]
        organizations[org["name_zh"]] = services.organization_upsert(
            name_zh=org["name_zh"],
            kind=org.get("kind") or "other",
            name_en=org.get("name_en") or "",
            abbreviation=org.get("abbreviation") or "",
            country=org.get("country") or "",
            source=org.get("source") or ed["source"],
        )
        report.organizations += 1
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
        report.figures += 1
    boards = {}
    for board_data in data.get("boards") or []:
        boards[board_data["key"]] = agenda_services.board_upsert(
            edition=edition,
            key=board_data["key"],
            name_zh=board_data["name_zh"],
            number=board_data.get("number"),
            name_en=board_data.get("name_en") or "",
            tagline_zh=board_data.get("tagline_zh") or "",
            source=board_data.get("source") or ed["source"],
        )
        report.boards += 1
    for index, s in enumerate(data.get("sessions") or []):
        session = agenda_services.session_upsert(
            edition=edition,
            key=s["key"],
            title_zh=s["title_zh"],
            title_en=s.get("title_en") or "",
            alt_titles="\n".join(s.get("alt_titles_zh") or []),
            kind=s["kind"],
            date=_date(s["date"]),
            start_time=_time(s.get("start")),
            end_time=_time(s.get("end")),
            period=s.get("period") or "",
            hall=halls.get((s.get("venue"), s.get("hall"))) if s.get("hall") else None,
            board=boards.get(s.get("board")) if s.get("board") else None,
            access=s.get("access") or "open",
            theme_zh=s.get("theme_zh") or "",
            attendance=s.get("attendance"),
            attendance_qualifier=s.get("attendance_qualifier") or "",
            attendance_quote_zh=s.get("attendance_quote_zh") or "",
            summary_zh=(s.get("summary_zh") or "").strip(),
            source=s["source"],
            sort_order=index,
        )
        agenda_services.session_set_organizations(
            session=session,
            roles=[(organizations[link["organization"]], link["role"]) for link in s.get("organizations") or []],
        )
        for o_index, out in enumerate(s.get("outcomes") or []):
            agenda_services.outcome_upsert(
                edition=edition,
                session=session,
                title_zh=out["title_zh"],
                kind=out.get("kind") or "other",
                source=out.get("source") or s["source"],
                sort_order=o_index,
            )
            report.outcomes += 1
        report.sessions += 1
    for index, out in enumerate(data.get("outcomes") or []):
        agenda_services.outcome_upsert(
            edition=edition,
            title_zh=out["title_zh"],
            kind=out.get("kind") or "other",
            source=out.get("source") or ed["source"],
            sort_order=index,
        )
        report.outcomes += 1
    return report


def seed_past_editions(years=SEED_YEARS) -> list[SeedReport]:
    datasets = [(year, read_seed_file(year)) for year in years]
    for year, data in datasets:
        check_seed_data(data, year)
    catalog = merge_organizations([data for _year, data in datasets])
    reports = [load_edition(data, catalog) for _year, data in datasets]
    from awards.seeding import seed_award_programmes

    seed_award_programmes(years=years)
    from volunteers.seeding import seed_programmes

    seed_programmes()
    from expo.seeding import seed_expo

    seed_expo(years=years)
    return reports
