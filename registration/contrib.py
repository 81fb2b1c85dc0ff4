"""What registration contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, DashboardPanel, Demo, HistoryCount, HistoryMetric, OrganizerApp, PersonalData

from . import dashboard, demo
from .personal_data import RegistrationPersonalData

CONTRIBUTIONS = [
    OrganizerApp("registration"),
    # Of a guest's registration only the decision fields; a credential's secret masked.
    AuditedModel("registration.Registration", {"include_fields": ["status", "decided_at", "decided_by", "participation", "category"]}),
    AuditedModel("registration.Credential", {"include_fields": ["registration", "secret", "revoked_at", "revoked_by"], "mask_fields": ["secret"]}),
    AuditedModel("registration.CheckinList"),
    AuditedModel("registration.Invitation"),
    PersonalData(RegistrationPersonalData(), order=10),
    DashboardPanel("registrations", dashboard.registrations_panel, "registration/admin/dashboard_panel.html", order=10),
    HistoryCount(
        metrics=(
            HistoryMetric("guests", _("Guests"), _("approved registrations"), ("guests_on_site", "guests_total"), order=10),
            HistoryMetric("countries", _("Countries and regions"), _("countries of approved registrations"), ("countries_regions",), order=20),
        ),
        count=dashboard.history_counts,
    ),
    Demo(build=demo.seed_demo_guests, after=("agenda",)),
]
