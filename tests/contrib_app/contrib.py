"""Everything the core enumerates, contributed by a test app that has no models of its own: it
counts and writes the core's EditionFigure rows, and keeps "notes" about people in memory."""
from django.contrib import admin
from django.db import transaction

from wic.contrib import AdminInline, DashboardPanel, Demo, FigureGroup, HistoryCount, HistoryMetric, PersonalData, Seed
from wic.models import EditionFigure
from wic.personal_data import PersonalDataHandler

NOTES: dict[str, list[str]] = {}  # email -> notes: the app's "personal data"


def panel(edition, now):
    return {"figures": EditionFigure.objects.filter(edition=edition, key__startswith="sample_").count()}


def history_counts():
    rows = EditionFigure.objects.filter(key__startswith="sample_").values_list("edition_id", flat=True)
    counts: dict[int, dict[str, int]] = {}
    for edition_id in rows:
        counts.setdefault(edition_id, {"sample": 0})["sample"] += 1
    return counts


def seed_check(data, year):
    return [] if data.get("edition") else ["no edition block"]


def seed_load(context):
    for year, edition in context.editions.items():
        EditionFigure.objects.update_or_create(edition=edition, key="sample_seeded", defaults={"value": year, "label_zh": "测试"})
        context.reports[year].add("sample figures")


def demo_build(edition, *, password):
    # Runs after the agenda: the demo edition has its sessions by now.
    EditionFigure.objects.update_or_create(edition=edition, key="sample_demo", defaults={"value": edition.sessions.count(), "label_zh": "测试"})


class Notes(PersonalDataHandler):
    counts = (("contrib_app.Note", "deleted"),)

    def find(self, *, email, account_ids):
        return email.lower()

    def holds(self, part):
        return bool(NOTES.get(part))

    def values(self, part):
        return ()

    def export(self, part, person):
        return [(55, "sample_notes", list(NOTES.get(part, [])))]

    def erase(self, part, person, counts):
        # Not in the database: forgotten once the erasure commits (a dry run rolls back).
        counts["contrib_app.Note"]["deleted"] = len(NOTES.get(part, []))
        transaction.on_commit(lambda: NOTES.pop(part, None))


class SampleFigureInline(admin.TabularInline):
    model = EditionFigure
    extra = 0
    fields = ["key", "value"]
    verbose_name_plural = "sample figures"


CONTRIBUTIONS = [
    DashboardPanel("sample", panel, "contrib_app/panel.html", order=45),
    HistoryCount(metrics=(HistoryMetric("sample", "Sample", "sample figures", ("sample_reported",), order=60),), count=history_counts),
    Seed(load=seed_load, check=seed_check, after=("agenda",)),
    Demo(build=demo_build, after=("agenda",)),
    PersonalData(Notes(), order=55),
    FigureGroup("sample", "Sample", ("sample_",), order=40),
    AdminInline("wic.Edition", SampleFigureInline),
]
