"""What the sub-forum calls contribute to the core (see wic/contrib.py and docs/architecture.md)."""
from wic.contrib import AuditedModel, DashboardPanel, Demo, OrganizerApp, PersonalData

from . import dashboard, demo
from .personal_data import ForumsPersonalData

CONTRIBUTIONS = [
    OrganizerApp("forums", group="programme", system_models=("ApplicationTransition",)),
    AuditedModel("forums.ForumCall"),
    AuditedModel("forums.ForumApplication", {"include_fields": ["state", "board", "decided_at", "decision_message", "submitted_at"]}),
    AuditedModel("forums.Review"),
    PersonalData(ForumsPersonalData(), order=30),
    DashboardPanel("forums", lambda edition, now: dashboard.forums_panel(edition), "forums/admin/dashboard_panel.html", order=20),
    Demo(build=demo.seed_demo_forum_call, after=("agenda",)),
]
