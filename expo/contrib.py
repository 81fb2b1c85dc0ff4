"""What the expo contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, DashboardPanel, Demo, FigureGroup, HistoryCount, HistoryMetric, OrganizerApp, PersonalData, Seed, Translatable

from . import dashboard, demo, seeding, webhook_events
from .personal_data import ExpoPersonalData

CONTRIBUTIONS = [
    OrganizerApp("expo", group="expo"),
    # Decisions, booth allotments, launches, openings, meetings.
    AuditedModel("expo.Exhibitor", {"include_fields": ["status", "decided_at", "decided_by", "preferred_zone", "booth_size"], "m2m_fields": {"representatives"}}),
    AuditedModel("expo.Booth"),
    AuditedModel("expo.BoothAllotment"),
    AuditedModel("expo.Launch"),
    AuditedModel("expo.TalentListing"),
    AuditedModel("expo.MeetingRequest", {"include_fields": ["status", "start", "end", "decided_at", "decided_by"]}),
    PersonalData(ExpoPersonalData(), order=50),
    DashboardPanel("expo", lambda edition, now: dashboard.expo_panel(edition), "expo/admin/dashboard_panel.html", order=50),
    HistoryCount(
        metrics=(HistoryMetric("exhibitors", _("Exhibitors"), _("approved exhibitors"), ("exhibitors",), order=50),),
        count=dashboard.history_counts,
    ),
    FigureGroup("expo", _("Expo"), ("exhibitor", "expo_"), order=10, on_home=True),
    Seed(load=lambda context: seeding.seed_expo(years=context.years)),
    Demo(build=demo.seed_demo_expo),
    # The translation workbench's kinds (/admin/translations/<year>/): what this app publishes in two languages.
    Translatable("expos", "expo.Expo", ("name", "online", "summary"), _("Expos"), "edition", order=310),
    Translatable("expo_zones", "expo.Zone", ("name", "description"), _("Expo zones"), "edition", order=320),
    Translatable("expo_sections", "expo.Section", ("name",), _("Expo activity sections"), "edition", order=330),
    Translatable("exhibitors", "expo.Exhibitor", ("products", "description"), _("Exhibitors"), "edition", order=340),
    Translatable("exhibits", "expo.Exhibit", ("name",), _("Exhibits"), "edition", order=350),
    Translatable("launches", "expo.Launch", ("title", "description"), _("Launches"), "edition", order=360),
    Translatable("talent_listings", "expo.TalentListing", ("title",), _("Job openings"), "exhibitor__edition", order=370),
    *webhook_events.EVENTS,  # issue 28: exhibitor.approved (wic.webhooks)
]
