"""Load the people the texts name in a role from people/seed_data.yaml (after the agenda, whose
sessions the appearances name by edition year and session key). Idempotent: a person is matched by
its `key`, an appearance by person, session and role; nothing the file does not give is written
(no photo, no bio beyond the text's words, no contact). Every seeded appearance has the status
"appeared": it is history the texts report."""
from pathlib import Path

import yaml

from wic.seeding import SeedContext

from . import services
from .enums import AppearanceStatus, Role

SEED_FILE = Path(__file__).resolve().parent / "seed_data.yaml"


def read() -> dict:
    if not SEED_FILE.exists():
        return {}
    with SEED_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def check(data: dict, year: int) -> list[str]:
    """The people file's appearances of `year` name known people, roles and the edition's sessions' keys."""
    people = read()
    keys = {p["key"] for p in people.get("people") or []}
    sessions = {s["key"] for s in data.get("sessions") or []}
    problems = []
    for index, a in enumerate(people.get("appearances") or []):
        if a.get("year") != year:
            continue
        where = f"people/seed_data.yaml appearances[{index}]"
        if a.get("person") not in keys:
            problems.append(f"{where}: unknown person {a.get('person')!r}")
        if a.get("role") not in Role.values:
            problems.append(f"{where}: unknown role {a.get('role')!r}")
        if a.get("session") not in sessions:
            problems.append(f"{where}: no session {a.get('session')!r} in {year}.yaml")
        if not a.get("source"):
            problems.append(f"{where}: no source")
    return problems


def load(context: SeedContext) -> None:
    data = read()
    people = {}
    for p in data.get("people") or []:
        people[p["key"]] = services.person_upsert(
            key=p["key"], name_zh=p.get("name_zh") or "", name_en=p.get("name_en") or "",
            country=p.get("country") or "", source=p.get("source") or "",
        )
    for index, a in enumerate(data.get("appearances") or []):
        edition = context.editions.get(a["year"])
        if edition is None:
            continue
        session = edition.sessions.get(key=a["session"])
        services.appearance_upsert(
            person=people[a["person"]], session=session, role=a["role"], status=AppearanceStatus.APPEARED,
            title_zh=a.get("title_zh") or "", affiliation_zh=a.get("affiliation_zh") or "",
            sort_order=a.get("order", index), quote_zh=a.get("quote_zh") or "", source=a["source"],
            check_clashes=False,  # history the texts report, not a booking (services: "Clashes")
        )
        context.reports[a["year"]].add("appearances")
