"""Who may do what with guests' registrations, credentials and check-in.

| who                         | may                                                                        |
|-----------------------------|----------------------------------------------------------------------------|
| anyone                      | register for an open edition (page, POST /api/v1/registrations/, throttled) |
| the guest (secret link)     | read their own registration page and credential QR, download their badge    |
| gate staff, organizers      | open /checkin/ and POST /api/v1/checkins/ (scan; answers carry no email,    |
|                             | needs, title or page link)                                                  |
|                             | GET /api/v1/checkin-lists/ and a list's offline data (fingerprints, never   |
|                             | secrets; registration.offline), with a scan token too                       |
| organizers                  | read registrations through the API, the live check-in view, decide,        |
|                             | re-issue credentials, invite, manage check-in lists (admin)                 |

Organizers are `wic.roles.is_organizer` (superusers and staff in the organizer group); staff
status alone grants nothing here. Each row is a row of tests/wic/test_permission_matrix.py.
"""
from rest_framework import permissions

from wic import roles


def can_scan(user) -> bool:
    """Gate staff and organizers scan credentials. A token read with the gate role set
    `holds_gate_role` on the user (registration.checkin_api), which saves the groups query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "holds_gate_role", None):
        return True
    return roles.has_role(user, roles.GATE) or roles.is_organizer(user)


def can_watch_checkin(user) -> bool:
    """The live check-in view is for organizers."""
    return roles.is_organizer(user)


class IsGateStaff(permissions.BasePermission):
    message = "Only gate staff and organizers can scan."

    def has_permission(self, request, view):
        return can_scan(request.user)
