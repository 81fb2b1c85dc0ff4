"""What the agenda contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AdminInline, AuditedModel, Demo, HistoryCount, HistoryMetric, OrganizerApp, PersonalData, Seed

from . import dashboard, demo, seeding
from .admin import BoardInline, SessionRoleInline
from .personal_data import AgendaPersonalData

CONTRIBUTIONS = [
    OrganizerApp("agenda"),
    AuditedModel("agenda.Session", {"exclude_fields": ["sort_key"]}),
    PersonalData(AgendaPersonalData(), order=80),
    HistoryCount(
        metrics=(HistoryMetric("sub_forums", _("Sub-forums"), _("sub-forums on the agenda"), ("sub_forums",), order=30),),
        count=dashboard.history_counts,
    ),
    Seed(load=seeding.seed_agenda, check=seeding.check_seed_data, edition_fields=seeding.edition_fields),
    Demo(build=demo.seed_demo_agenda, before_accounts=True, edition_fields=demo.demo_edition_fields),
    AdminInline("wic.Edition", BoardInline, order=30),
    AdminInline("wic.Organization", SessionRoleInline),
]
