"""The protocol app's contributions: seating (wic/contrib.py). The plans and their tables or rows
are audited like the seats (protocol/contrib.py registers SeatAssignment): who made a plan, who
changed a table's seats in the admin."""
from wic.contrib import AuditedModel

CONTRIBUTIONS: list = [
    AuditedModel("protocol.SeatingPlan", {}),
    AuditedModel("protocol.SeatBlock", {}),
]
