"""What the awards app contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, DashboardPanel, Demo, FigureGroup, OrganizerApp, PersonalData, Seed, Translatable

from . import dashboard, demo, seeding, webhook_events
from .personal_data import AwardsPersonalData

CONTRIBUTIONS = [
    OrganizerApp("awards", group="awards"),
    # Quotas and their use, nominations' states and results.
    AuditedModel("awards.AwardProgramme"),
    AuditedModel("awards.RecommendationQuota"),
    AuditedModel("awards.Recommendation", {"include_fields": ["enterprise", "withdrawn_at", "slot", "quota"]}),
    AuditedModel("awards.EnterpriseRepresentative"),
    AuditedModel("awards.Nomination", {"include_fields": ["state", "submitted_at", "screening_note", "won_category"]}),
    PersonalData(AwardsPersonalData(), order=40),
    DashboardPanel("awards", lambda edition, now: dashboard.awards_panel(edition), "awards/admin/dashboard_panel.html", order=40),
    FigureGroup("awards", _("Awards and programmes"), ("leading_tech", "outstanding_contribution", "youth_leader", "competition_", "case"), order=20, on_home=True),
    Seed(load=lambda context: seeding.seed_award_programmes(years=context.years)),
    Demo(build=demo.seed_demo_awards),
    # The translation workbench's kinds (/admin/translations/<year>/): what this app publishes in two languages.
    Translatable("award_programmes", "awards.AwardProgramme", ("name", "description", "format"), _("Award programmes"), "edition", order=210),
    Translatable("award_categories", "awards.AwardCategory", ("name", "basic_condition"), _("Award categories"), "programme__edition", order=220),
    Translatable("further_conditions", "awards.FurtherCondition", ("text",), _("Further conditions"), "programme__edition", order=230),
    Translatable("programme_figures", "awards.ProgrammeFigure", ("label",), _("Programme figures"), "programme__edition", order=240),
    *webhook_events.EVENTS,  # issue 28: nomination.decided (wic.webhooks)
]
