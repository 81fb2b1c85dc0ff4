"""What the sub-forum calls contribute to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, DashboardPanel, Demo, OrganizerApp, PersonalData, Translatable

from . import dashboard, demo, webhook_events
from .personal_data import ForumsPersonalData

CONTRIBUTIONS = [
    OrganizerApp("forums", group="programme", system_models=("ApplicationTransition",)),
    AuditedModel("forums.ForumCall"),
    AuditedModel("forums.ForumApplication", {"include_fields": ["state", "board", "decided_at", "decision_message", "submitted_at"]}),
    AuditedModel("forums.Review"),
    PersonalData(ForumsPersonalData(), order=30),
    DashboardPanel("forums", lambda edition, now: dashboard.forums_panel(edition), "forums/admin/dashboard_panel.html", order=20),
    Demo(build=demo.seed_demo_forum_call, after=("agenda",)),
    # The translation workbench's kinds (/admin/translations/<year>/): what this app publishes in two languages.
    Translatable("forum_calls", "forums.ForumCall", ("title", "description"), _("Sub-forum calls"), "edition", order=110),
    Translatable("call_questions", "forums.CallQuestion", ("text",), _("Call questions"), "call__edition", order=120),
    Translatable("review_criteria", "forums.ReviewCriterion", ("name",), _("Review criteria"), "call__edition", order=130),
    *webhook_events.EVENTS,  # issue 28: forum_application.decided (wic.webhooks)
]
