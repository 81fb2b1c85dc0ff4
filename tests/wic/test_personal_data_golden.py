"""The personal-data export and erasure of every person in the demo data, compared with a golden
file written before the apps' handlers moved out of the core (issue 18): the move must not change
one byte of what `manage.py personal_data export|delete` prints.

The demo is seeded at a fixed instant (time-machine, clock stopped), so every time of its records
is that instant. What differs from run to run by design is masked, and nothing else: tokens inside
the links of emails, registration references, the visible end of a masked credential secret, the
times of the past editions' audit entries (seeded once per test session, at the real time), the
order of the fields inside an audit entry's changes (auditlog does not keep one, PostgreSQL's jsonb
reorders them) and the primary
keys there (a PostgreSQL sequence is not rolled back with the test). Regenerate only on purpose:
`WIC_WRITE_GOLDEN=1 ./test.sh tests/wic/test_personal_data_golden.py`. The second half of the
people is checked by test_personal_data_golden_second.py (a file of its own: pytest-xdist hands
files to workers, so the halves run side by side).
"""
import io
import json
import lzma
import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from wic.demo import seed_demo

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "personal_data_demo.json.xz"  # 35 MB of JSON, 30 KB packed
SEEDED_AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# Random by design: the token of a guest's page or a feed in a link, a volunteer's check-in code.
RANDOM = [
    (re.compile(r"(/(?:r|g|guest|feed|volunteer|standby|offer|my-agenda|calendar)/)[A-Za-z0-9_\-]{16,}"), r"\1<token>"),
    # Whole runs of token characters: a run may start or end with "-" (url-safe base64), where
    # \b finds no boundary (it kept a "-" outside the mask, about one signature in 64: a flaky diff).
    (re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{32,}(?![A-Za-z0-9_\-])"), "<token>"),
]


def _number(value):
    if isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, str) and value.isascii() and value.isdigit()):
        return "<n>"
    if isinstance(value, str) and value.startswith("**"):
        return "<masked>"
    return value


def _masked(text: str, references: list[str]) -> str:
    """The export as the command printed it (same JSON layout), with the random parts masked."""
    data = json.loads(text)
    frozen = SEEDED_AT.isoformat()
    for entry in data.get("audit_log", []):
        if entry["at"] != frozen:
            entry["at"] = "<seed time>"
        if isinstance(entry.get("changes"), dict):
            entry["changes"] = {
                key: [_number(v) for v in value] if isinstance(value, list) else _number(value) for key, value in sorted(entry["changes"].items())
            }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    for pattern, replacement in RANDOM:
        text = pattern.sub(replacement, text)
    for reference in references:
        text = text.replace(reference, "<reference>")
    return text


def _people() -> list[str]:
    """Every address the demo holds personal data for: accounts, guests, volunteers, contacts."""
    from awards.models import Nomination
    from expo.models import Exhibitor
    from forums.models import ForumApplication
    from registration.models import Registration
    from volunteers.models import Volunteer

    found = set(get_user_model().objects.exclude(email="").values_list("email", flat=True))
    found |= set(Registration.objects.values_list("email", flat=True))
    found |= set(Volunteer.objects.values_list("email", flat=True))
    for model in (ForumApplication, Nomination, Exhibitor):
        found |= set(model.objects.exclude(contact_email="").values_list("contact_email", flat=True))
    return sorted(a.lower() for a in found if a)


SHARDS = 2  # the people are checked in two halves, one per file, so the two xdist workers share the work


def _outputs(people: list[str]) -> dict:
    from registration.models import Registration

    references = list(Registration.objects.values_list("reference", flat=True))
    outputs = {}
    with translation.override("en"):
        for email in people:
            export, erase = io.StringIO(), io.StringIO()
            call_command("personal_data", "export", "--email", email, stdout=export)
            call_command("personal_data", "delete", "--email", email, "--dry-run", stdout=erase)
            outputs[email] = {"export": _masked(export.getvalue(), references), "delete --dry-run": erase.getvalue()}
    return outputs


def check_shard(settings, shard: int) -> None:
    """Seed the demo, then compare every `SHARDS`-th person from `shard` with the golden file
    (all of them when writing it)."""
    settings.DEMO_PASSWORD = "wic-demo-2026"
    writing = bool(os.environ.get("WIC_WRITE_GOLDEN"))
    with time_machine.travel(SEEDED_AT, tick=False):
        seed_demo()
        people = _people()
        outputs = _outputs(people if writing else people[shard::SHARDS])
    if writing:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(lzma.compress((json.dumps(outputs, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()))
    if os.environ.get("WIC_DUMP_GOLDEN"):  # to diff a failure: the outputs of this run
        Path(f"{os.environ['WIC_DUMP_GOLDEN']}.{shard}").write_text(json.dumps(outputs, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    golden = json.loads(lzma.decompress(GOLDEN.read_bytes()))
    assert people == sorted(golden)  # the same people hold data
    differing = [email for email in sorted(outputs) if _comparable(outputs[email]) != _comparable(golden[email])]
    assert differing == [], _explain(differing, outputs, golden)


def test_personal_data_of_every_demo_person_is_unchanged_first_half(settings):
    check_shard(settings, 0)


def _explain(differing: list[str], outputs: dict, golden: dict) -> str:
    """The people whose output changed, each with a unified diff of what changed (golden -> now),
    so a failure in CI names the record and the line without the 35 MB around it."""
    import difflib

    parts = [f"{len(differing)} of {len(golden)} people differ: {', '.join(differing[:20])}"]
    for email in differing[:5]:
        now, before = _comparable(outputs[email]), _comparable(golden[email])
        for key in ("export", "delete --dry-run"):
            if now[key] != before[key]:
                diff = difflib.unified_diff(before[key].splitlines(), now[key].splitlines(), f"golden {email} {key}", f"now {email} {key}", n=2, lineterm="")
                parts.append("\n".join(list(diff)[:80]))
    return "\n".join(parts)


def _deep_sorted(value):
    if isinstance(value, dict):
        return {key: _deep_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_deep_sorted(v) for v in value]
    return value


def _comparable(output: dict) -> dict:
    """PostgreSQL's jsonb keeps the keys of an m2m change ({"type", "operation", "objects"}) in
    its own order, SQLite in insertion order: inside an audit entry's changes, order is no fact."""
    data = json.loads(output["export"])
    for entry in data.get("audit_log", []):
        entry["changes"] = _deep_sorted(entry["changes"])
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # Primary keys outside the changes too: an expo launch's session key ("expo-launch-13") and a
    # model without a name of its own ("Review object (10)"). On PostgreSQL the sequences go on
    # from an earlier test's demo (a sequence is not rolled back).
    text = LAUNCH_KEY.sub(r"\1<pk>", text)
    text = LETTER_REFERENCE.sub(r"\1<pk>", text)  # a visa letter's reference numbers its row (issue 24)
    text = OBJECT_PK.sub(r"\1<pk>)", text)
    return {**output, "export": text}


LAUNCH_KEY = re.compile(r"(expo[- ]launch[- ])[0-9]+")
LETTER_REFERENCE = re.compile(r"(WIC[0-9]{4}-VL-)[0-9]+")
OBJECT_PK = re.compile(r"( object \()[0-9]+\)")
