"""Load the volunteer programmes of past editions from volunteers/seed_data.yaml through the
services. Idempotent (matched by edition year and module name); an edition not loaded is skipped.
Only what the texts report is seeded: the plan fields (`target_headcount`, `standby_size`) are not
seed fields, a reported result being no plan. English the texts do not give is listed in a record's
`editorial:` and marked "editorial" in its translation_provenance."""
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from wic.i18n import mark_provenance
from wic.models import Edition

from . import services

SEED_FILE = Path(__file__).resolve().parent / "seed_data.yaml"
PROGRAMME_FIELDS = (
    "name_zh", "name_en", "nickname_zh", "nickname_en", "interview_rounds", "team_size_min", "team_size_max",
    "reported_applicants", "reported_applicants_qualifier", "reported_accepted", "reported_standby", "reported_universities",
    "reported_includes_local", "reported_region_zh", "reported_languages", "reported_languages_named", "send_off_on", "quotes_zh", "source",
)


@transaction.atomic
def seed_programmes() -> list:
    with SEED_FILE.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)
    programmes = []
    for entry in entries:
        edition = Edition.objects.filter(year=entry["year"]).first()
        if edition is None:
            continue
        fields = {name: entry[name] for name in PROGRAMME_FIELDS if name in entry}
        if isinstance(fields.get("send_off_on"), str):
            fields["send_off_on"] = date.fromisoformat(fields["send_off_on"])
        programme = services.programme_upsert(edition=edition, **fields)
        mark_provenance(programme, ("name_en", "nickname_en"), set(entry.get("editorial") or ()))
        for index, module in enumerate(entry.get("modules") or []):
            record = services.module_upsert(programme=programme, name_zh=module["name_zh"], kind=module["kind"], name_en=module.get("name_en", ""), source=module.get("source", ""), sort_order=index)
            mark_provenance(record, ("name_en",), set(module.get("editorial") or ()))
        programmes.append(programme)
    return programmes
