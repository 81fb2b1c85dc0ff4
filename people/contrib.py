"""What the people app contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from wic.contrib import AuditedModel, OrganizerApp, PersonalData, Seed

from . import seeding
from .personal_data import PeoplePersonalData

CONTRIBUTIONS = [
    OrganizerApp("people", group="programme"),
    AuditedModel("people.Person", {"exclude_fields": ["search_text", "sort_name"]}),
    AuditedModel("people.Appearance"),
    PersonalData(PeoplePersonalData(), order=85),
    Seed(load=seeding.load, check=seeding.check, after=("agenda",)),
]
