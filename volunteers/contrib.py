"""What the volunteers app contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, DashboardPanel, Demo, FigureGroup, HistoryCount, HistoryMetric, OrganizerApp, PersonalData, Seed

from . import dashboard, demo, seeding
from .personal_data import VolunteersPersonalData

CONTRIBUTIONS = [
    OrganizerApp("volunteers", group="volunteers"),
    # Decisions, team placement, shift attendance (never phone or email).
    AuditedModel("volunteers.Volunteer", {"include_fields": ["status", "team", "decided_at", "decided_by"]}),
    AuditedModel("volunteers.Team"),
    AuditedModel("volunteers.Shift"),
    AuditedModel("volunteers.Assignment", {"include_fields": ["status", "checked_in_at", "arrival", "checked_out_at", "departure"]}),
    PersonalData(VolunteersPersonalData(), order=20),
    DashboardPanel("volunteers", dashboard.volunteers_panel, "volunteers/admin/dashboard_panel.html", order=30),
    HistoryCount(
        metrics=(HistoryMetric("volunteers", _("Volunteers"), _("accepted volunteers"), ("volunteers",), order=40),),
        count=dashboard.history_counts,
    ),
    FigureGroup("volunteers", _("Volunteers"), ("volunteer", "interview_rounds"), order=30),
    Seed(load=lambda context: seeding.seed_programmes()),
    Demo(build=lambda edition, password: demo.seed_demo_volunteers(edition), after=("agenda",)),
]
