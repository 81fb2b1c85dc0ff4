"""The agenda's part of the past editions (contributed through agenda/contrib.py as a
`wic.contrib.Seed`): from the same edition files as the core (`wic/seed_data/<year>.yaml`), the
venues and their halls, the edition's main venue, the boards, the sessions with their host and
co-host organizations, and the outcomes. Runs after the core has loaded the editions and the
organizations; idempotent like the rest of the seed."""
from functools import cache
from pathlib import Path

from wic.i18n import mark_provenance, with_editorial
from wic.seeding import SeedContext, SeedReport, parse_date, parse_time, read_editorial

from . import services as agenda_services
from .enums import ADMISSION_CHOICES, Access
from .models import Session

ADMISSION = tuple(value for value, _label in ADMISSION_CHOICES)

EDITORIAL_FILE = Path(__file__).resolve().parent / "seed_data" / "editorial_en.yaml"


@cache
def editorial() -> dict:
    """The agenda's editorial English (venues with their halls, boards by year and key): see
    wic/seed_data/SCHEMA.md, "Editorial English"."""
    return read_editorial(EDITORIAL_FILE)


def _venue_upsert(venue_data: dict, ed: dict):
    """A venue of the file, with its editorial English name where the file gives none."""
    given = (editorial().get("venues") or {}).get(venue_data["name_zh"]) or {}
    values, marked = with_editorial({"name_en": venue_data.get("name_en") or ""}, {"name_en": given.get("name_en") or ""})
    venue = agenda_services.venue_upsert(
        name_zh=venue_data["name_zh"],
        kind=venue_data.get("kind", "other"),
        source=venue_data.get("source", ed["source"]),
        **values,
    )
    mark_provenance(venue, values, marked)
    return venue


def check_seed_data(data: dict, year: int) -> list[str]:
    """The agenda's references in one edition file: venues, halls, boards, organizations, sources."""
    problems = []
    orgs = {o["name_zh"] for o in data.get("organizations") or []}
    venues = {v["name_zh"]: {h["name_zh"] for h in v.get("halls") or []} for v in data.get("venues") or []}
    boards = {b["key"] for b in data.get("boards") or []}
    keys = set()
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
        if session.get("access") not in (None, *ADMISSION):
            problems.append(f"session {key!r} has unknown access {session.get('access')!r}")
        if session.get("date") is None and (session.get("start") or session.get("period")):
            problems.append(f"session {key!r} has a time of day but no date")
    main_venue = data["edition"].get("main_venue")
    if main_venue and main_venue not in venues:
        problems.append(f"edition names unknown main venue {main_venue!r}")
    return problems


def edition_fields(data: dict) -> dict:
    """The edition's main venue, set by the core when it loads the edition: the file's venues are
    written first, in the file's order (the same upserts as `_load`, which then changes nothing)."""
    ed = data["edition"]
    venues = {}
    for venue_data in data.get("venues") or []:
        venues[venue_data["name_zh"]] = _venue_upsert(venue_data, ed)
    return {"main_venue": venues.get(ed.get("main_venue"))}


def seed_agenda(context: SeedContext) -> None:
    for year, data in context.data.items():
        _load(data, context.editions[year], context)


def _load(data: dict, edition, context: SeedContext) -> None:
    ed = data["edition"]
    report = context.reports.setdefault(edition.year, SeedReport(year=edition.year))
    venues, halls = {}, {}
    for venue_data in data.get("venues") or []:
        venue = _venue_upsert(venue_data, ed)
        venues[venue.name_zh] = venue
        hall_names_en = ((editorial().get("venues") or {}).get(venue.name_zh) or {}).get("halls") or {}
        for index, hall_data in enumerate(venue_data.get("halls") or []):
            hall_en, hall_marked = with_editorial(
                {"name_en": hall_data.get("name_en") or ""}, {"name_en": hall_names_en.get(hall_data["name_zh"]) or ""}
            )
            hall = agenda_services.hall_upsert(
                venue=venue,
                name_zh=hall_data["name_zh"],
                room=str(hall_data.get("room") or ""),
                sort_order=index,
                **hall_en,
            )
            mark_provenance(hall, hall_en, hall_marked)
            halls[(venue.name_zh, hall.name_zh)] = hall
            report.add("halls")
    organizations = context.organizations
    boards = {}
    boards_en = (editorial().get("boards") or {}).get(edition.year) or {}
    for board_data in data.get("boards") or []:
        board_en, board_marked = with_editorial(
            {name: board_data.get(name) or "" for name in ("name_en", "tagline_en")}, boards_en.get(board_data["key"])
        )
        boards[board_data["key"]] = agenda_services.board_upsert(
            edition=edition,
            key=board_data["key"],
            name_zh=board_data["name_zh"],
            number=board_data.get("number"),
            tagline_zh=board_data.get("tagline_zh") or "",
            source=board_data.get("source") or ed["source"],
            **board_en,
        )
        mark_provenance(boards[board_data["key"]], board_en, board_marked)
        report.add("boards")
    for index, s in enumerate(data.get("sessions") or []):
        session = agenda_services.session_upsert(
            edition=edition,
            key=s["key"],
            title_zh=s["title_zh"],
            title_en=s.get("title_en") or "",
            alt_titles="\n".join(s.get("alt_titles_zh") or []),
            kind=s["kind"],
            date=parse_date(s["date"]) if s.get("date") is not None else None,
            start_time=parse_time(s.get("start")),
            end_time=parse_time(s.get("end")),
            period=s.get("period") or "",
            hall=halls.get((s.get("venue"), s.get("hall"))) if s.get("hall") else None,
            board=boards.get(s.get("board")) if s.get("board") else None,
            # A rule the texts do not state is "not stated", never "open".
            access=s.get("access") or Access.NOT_STATED,
            closed_door=bool(s.get("closed_door")),
            pre_event=bool(s.get("pre_event")),
            source_note=(s.get("source_note") or "").strip(),
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
            report.add("outcomes")
        report.add("sessions")
    _retract_sessions(edition, keep={s["key"] for s in data.get("sessions") or []}, report=report)
    for index, out in enumerate(data.get("outcomes") or []):
        agenda_services.outcome_upsert(
            edition=edition,
            title_zh=out["title_zh"],
            kind=out.get("kind") or "other",
            source=out.get("source") or ed["source"],
            sort_order=index,
        )
        report.add("outcomes")


def _retract_sessions(edition, *, keep: set[str], report: SeedReport) -> None:
    """Remove the edition's seeded sessions the file no longer lists (a record the texts turned out
    not to support, such as 2024's 闭幕式), so a reseed fixes a database seeded before. Seeded
    sessions are those citing a seed text (`source` names a .txt file); the organizers' own (forum
    applications, expo launches, "demo") are never touched."""
    stale = Session.objects.filter(edition=edition, source__contains=".txt").exclude(key__in=keep)
    removed = [session.key for session in stale]
    if removed:
        stale.delete()
        report.warnings.append(f"removed sessions no longer in the file: {', '.join(sorted(removed))}")
