"""The permission matrix's rows for the registration API (issue 28); see tests/wic/matrix_api/__init__.py.

Decisions, the guest's link, credentials and invitations are the organizers' (wic.api_base.IsOrganizer),
as in the admin: anonymous 401, every other role 403 (a scan token: `token_scope`). The world's
registration (`registration`) is approved with its credential (`credential`); this area adds a
pending registration (`pending_registration`) to decide and names the attendee's invitation to the
protocol's invitation-only item (`invitation`).

The bulk decision (`POST /api/v1/registrations/decide/`) is a collection action: the matrix's
test_matrix_names_every_api_action tables it by its address, as it does the single decision."""
from tests.wic.test_permission_matrix import ALL, SCAN_ONLY, row, with_ids

#                                                                            anon   org    rev    gate   lead   vol    appl   memb   exh    att
ORGANIZERS_ONLY = (401, 200, 403, 403, 403, 403, 403, 403, 403, 403)


def _only_organizers(status):
    return (401, status, 403, 403, 403, 403, 403, 403, 403, 403)


# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    # Decisions: the pending registration is approved; the approved one can be decided no more (409).
    row("POST", "/api/v1/registrations/{pending_registration}/decide/",      *ORGANIZERS_ONLY,
        data={"status": "approved"}),
    row("POST", "/api/v1/registrations/{registration}/decide/",              *_only_organizers(409),
        data={"status": "rejected"}, label="final", code={409: "invalid_transition"}),
    row("POST", "/api/v1/registrations/{pending_registration}/resend-link/", *_only_organizers(202)),
    row("POST", "/api/v1/registrations/{registration}/reissue-credential/",  *_only_organizers(201)),
    # Credentials: the list shows no secret; issuing for a guest who has one answers it (200).
    row("GET", "/api/v1/credentials/?edition={year}",                        401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="credential"),
    row("GET", "/api/v1/credentials/{credential}/",                          *ORGANIZERS_ONLY),
    row("POST", "/api/v1/credentials/",                                      *ORGANIZERS_ONLY,
        data=with_ids(registration="registration")),
    row("POST", "/api/v1/credentials/{credential}/revoke/",                  *ORGANIZERS_ONLY),
    row("DELETE", "/api/v1/credentials/{credential}/",                       *_only_organizers(405)),
    # Invitations: the fourth protocol guest (approved, no card) is invited to the invitation-only item.
    row("GET", "/api/v1/invitations/?edition={year}",                        401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="invitation"),
    row("GET", "/api/v1/invitations/{invitation}/",                          *ORGANIZERS_ONLY),
    row("POST", "/api/v1/invitations/",                                      *_only_organizers(201),
        data=lambda world, role: {"session": world.ids["invitation_session"], "registrations": [world.ids["substitute_guest"]]}),
    row("PATCH", "/api/v1/invitations/{invitation}/",                        *_only_organizers(405),
        data={"rsvp": "declined"}),
    row("POST", "/api/v1/registrations/decide/",                             401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data=lambda world, role: {"registrations": [world.ids["pending_registration"], world.ids["registration"]], "status": "approved"}),
]
TOKEN_ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("POST", "/api/v1/registrations/decide/",                             401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data=lambda world, role: {"registrations": [world.ids["pending_registration"], world.ids["registration"]], "status": "approved"}),
    row("POST", "/api/v1/registrations/{registration}/decide/",              401,   409,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data={"status": "rejected"}, code={409: "invalid_transition"}),
    row("GET", "/api/v1/credentials/?edition={year}",                        401,   ALL,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        kind="credential"),
    row("POST", "/api/v1/credentials/{credential}/revoke/",                  401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403),
    row("GET", "/api/v1/invitations/?edition={year}",                        401,   ALL,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        kind="invitation"),
]
# fmt: on


def extend_world(world, edition) -> None:
    """A pending registration to decide; the ids of the edition's credentials and invitations
    (the protocol's cards wrote the invitations: the attendee's, accepted, is `invitation`)."""
    from registration import services
    from registration.models import Credential, Invitation

    data = {
        "name": "Pending Guest", "email": "pm-pending@example.org", "organization_name": "Example Agency", "country": "DE",
        "category": "enterprise", "participation": "on_site", "consent": True,
    }
    pending = services.registration_create(edition=edition, data=data)
    world.ids["pending_registration"] = pending.pk
    world.ids["invitation"] = Invitation.objects.get(registration_id=world.ids["registration"], session_id=world.ids["invitation_session"]).pk
    world.owned["credential"] = {"all": set(Credential.objects.filter(registration__edition=edition).values_list("pk", flat=True))}
    world.owned["invitation"] = {"all": set(Invitation.objects.filter(session__edition=edition).values_list("pk", flat=True))}
