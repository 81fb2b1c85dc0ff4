"""What the protocol app contributes to the core (see wic/contrib.py and docs/architecture.md).
Each part lists its own in contrib_<part>.py."""
from wic.contrib import AuditedModel, OrganizerApp

from . import contrib_delegations, contrib_rsvp, contrib_seating

CONTRIBUTIONS = [
    OrganizerApp("protocol", group="guests"),
    AuditedModel("protocol.Delegation", {"exclude_fields": ["link_nonce"]}),
    AuditedModel("protocol.DelegationMember", {}),
    AuditedModel("protocol.InvitationItem", {}),
    AuditedModel("protocol.InvitationCard", {"exclude_fields": ["link_nonce"]}),
    AuditedModel("protocol.SeatAssignment", {}),
    *contrib_delegations.CONTRIBUTIONS,
    *contrib_rsvp.CONTRIBUTIONS,
    *contrib_seating.CONTRIBUTIONS,
]
