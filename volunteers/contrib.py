"""What the volunteers app contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, DashboardPanel, Demo, FigureGroup, HistoryCount, HistoryMetric, OrganizerApp, PersonalData, Seed, Translatable

from . import dashboard, demo, seeding, webhook_events
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
    # The translation workbench's kinds (/admin/translations/<year>/): what this app publishes in two languages.
    Translatable("volunteer_programmes", "volunteers.Programme", ("name", "nickname"), _("Volunteer programmes"), "edition", order=410),
    Translatable("training_modules", "volunteers.TrainingModule", ("name", "place"), _("Training modules"), "programme__edition", order=420),
    Translatable("volunteer_posts", "volunteers.Post", ("name", "place"), _("Volunteer posts"), "programme__edition", order=430),
    Translatable("volunteer_teams", "volunteers.Team", ("name",), _("Volunteer teams"), "programme__edition", order=440),
    *webhook_events.EVENTS,  # issue 28: volunteer.assigned (wic.webhooks)
]
