"""What registration contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, DashboardPanel, Demo, HistoryCount, HistoryMetric, HomeLink, OrganizerApp, PersonalData, Translatable

from . import dashboard, demo, webhook_events
from .personal_data import RegistrationPersonalData


def register_link(edition, *, today=None):
    """The home page's "Register as a guest", while the edition takes registrations."""
    from django.urls import reverse

    from .services import registration_open

    if not registration_open(edition, today):
        return None
    return _("Register as a guest"), reverse("registration:register", args=[edition.year])


CONTRIBUTIONS = [
    OrganizerApp("registration", group="guests"),
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
    HomeLink("register", register_link, order=10),
    # The translation workbench's kinds (/admin/translations/<year>/): what this app publishes in two languages.
    Translatable("checkin_lists", "registration.CheckinList", ("name",), _("Check-in lists"), "edition", order=510),
    *webhook_events.EVENTS,  # issue 28: registration.decided, credential.issued, credential.revoked (wic.webhooks)
]
