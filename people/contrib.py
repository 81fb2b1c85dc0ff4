"""What the people app contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from wic.contrib import AuditedModel, DashboardPanel, OrganizerApp, PersonalData, Seed

from . import dashboard, seeding
from .personal_data import PeoplePersonalData

CONTRIBUTIONS = [
    OrganizerApp("people", group="programme"),
    AuditedModel("people.Person", {"exclude_fields": ["search_text", "sort_name"]}),
    AuditedModel("people.Appearance", {"exclude_fields": ["link_nonce"]}),  # the private link's nonce is a secret
    PersonalData(PeoplePersonalData(), order=85),
    Seed(load=seeding.load, check=seeding.check, after=("agenda",)),
    # Between the sub-forums (20) and the volunteers (30): the programme's speakers.
    DashboardPanel("speakers", dashboard.speakers_panel, "people/admin/dashboard_panel.html", order=25),
]
