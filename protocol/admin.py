"""The protocol app's admin, one module per part."""
from . import admin_delegations, admin_rsvp, admin_seating  # noqa: F401
