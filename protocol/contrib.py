"""What the protocol app contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from wic.contrib import AuditedModel, OrganizerApp

CONTRIBUTIONS = [
    OrganizerApp("protocol", group="guests"),
    AuditedModel("protocol.Delegation", {"exclude_fields": ["link_nonce"]}),
    AuditedModel("protocol.DelegationMember", {}),
    AuditedModel("protocol.InvitationItem", {}),
    AuditedModel("protocol.InvitationCard", {"exclude_fields": ["link_nonce"]}),
    AuditedModel("protocol.SeatAssignment", {}),
]
