"""The permission matrix's rows for the tokens API (issue 28); see tests/wic/matrix_api/__init__.py.

The world's tokens are each role's `all` token (the gate's is a scan token: gate staff get no other
kind). Here they reach the token endpoints, the organizations (an area no role's token is
narrowed from) and the gate's check-in lists. The volunteer lead also holds a `lead` token
(`lead_scoped_token`) and the attendee a `read` one (`read_scoped_token`), made here: only their
own user revokes them. What the narrower scopes open and refuse is tested in
tests/wic/test_token_scopes.py."""
from tests.wic.test_permission_matrix import SCAN_ONLY, row
from wic import roles
from wic.tokens import token_create

# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("DELETE", "/api/v1/auth/token/{lead_scoped_token}/",                 401,   404,   404,   404,   200,   404,   404,   404,   404,   404),
    row("DELETE", "/api/v1/auth/token/{read_scoped_token}/",                 401,   404,   404,   404,   404,   404,   404,   404,   404,   200),
]
TOKEN_ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("DELETE", "/api/v1/auth/token/{attendee_token}/",                    401,   404,   404,   SCAN_ONLY, 404, 404,  404,   404,   404,   200),
    row("DELETE", "/api/v1/auth/token/{lead_scoped_token}/",                 401,   404,   404,   SCAN_ONLY, 200, 404,  404,   404,   404,   404),
    row("DELETE", "/api/v1/auth/token/{read_scoped_token}/",                 401,   404,   404,   SCAN_ONLY, 404, 404,  404,   404,   404,   200),
    row("GET", "/api/v1/organizations/",                                     200,   200,   200,   SCAN_ONLY, 200, 200,  200,   200,   200,   200),
    row("GET", "/api/v1/checkin-lists/",                                     401,   200,   403,   200,   403,   403,   403,   403,   403,   403),
]
# fmt: on


def extend_world(world, edition) -> None:
    """The lead's lead token and the attendee's read token (ids `lead_scoped_token`, `read_scoped_token`)."""
    lead_token, _key = token_create(user=world.users[roles.VOLUNTEER_LEAD], scope="lead", name="matrix lead")
    read_token, _key = token_create(user=world.users[roles.ATTENDEE], scope="read", name="matrix read")
    world.ids.update(lead_scoped_token=lead_token.pk, read_scoped_token=read_token.pk)
