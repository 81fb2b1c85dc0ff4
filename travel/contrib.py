"""What the travel app contributes to the core (see wic/contrib.py and docs/architecture.md).
Each part lists its own in contrib_<part>.py: the visa letter's guest pages (contrib_pages) and
organizers' side (contrib_organizers), arrivals and pickups (contrib_arrivals), hotels
(contrib_hotels)."""
from wic.contrib import AuditedModel, OrganizerApp

from . import contrib_arrivals, contrib_boarding, contrib_hotels, contrib_meals, contrib_organizers, contrib_pages, contrib_trip

CONTRIBUTIONS = [
    # Organizers see passport numbers and dates of birth masked: a superuser gives view_passport to
    # the few who handle visas, account by account.
    OrganizerApp("travel", group="guests", withheld_permissions=("view_passport",)),
    # The passport number and date of birth stay out of the audit trail (encrypted at rest, erased
    # after the summit: a copy in the trail would outlive both); the verification code is masked
    # there, as a credential's secret is.
    AuditedModel("travel.VisaLetter", {"exclude_fields": ["passport_number", "date_of_birth"], "mask_fields": ["verify_code"]}),
    *contrib_pages.CONTRIBUTIONS,
    *contrib_organizers.CONTRIBUTIONS,
    *contrib_arrivals.CONTRIBUTIONS,
    *contrib_hotels.CONTRIBUTIONS,
    *contrib_meals.CONTRIBUTIONS,
    *contrib_trip.CONTRIBUTIONS,
    *contrib_boarding.CONTRIBUTIONS,
]
