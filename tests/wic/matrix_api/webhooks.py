"""The permission matrix's rows for the webhooks API (issue 28); see tests/wic/matrix_api/__init__.py.

Webhook endpoints are the organizers' (wic.api_base.IsOrganizer): anonymous 401, every other role
403 (a scan token: `token_scope`). This area adds one endpoint (`webhook`), subscribed to
`registration.decided`, at an address where nothing listens: a ping is recorded in the cell's
savepoint and never sent (sending waits for a commit that never comes)."""
from tests.wic.test_permission_matrix import ALL, LOGIN, SCAN_ONLY, row

URL = "http://127.0.0.1:9/matrix"  # allowed in tests (WEBHOOK_ALLOW_PRIVATE_ADDRESSES follows DJANGO_DEBUG)


def _only_organizers(status):
    #       anon   org     rev    gate   lead   vol    appl   memb   exh    att
    return (401, status, 403, 403, 403, 403, 403, 403, 403, 403)


# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/webhooks/",                                          401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="webhook"),
    row("POST", "/api/v1/webhooks/",                                         *_only_organizers(201),
        data={"url": URL, "events": ["registration.decided", "credential.issued"], "description": "Badge printer"}),
    row("GET", "/api/v1/webhooks/{webhook}/",                                *_only_organizers(200)),
    row("PUT", "/api/v1/webhooks/{webhook}/",                                *_only_organizers(200),
        data={"url": URL, "events": ["session.changed"]}),
    row("PATCH", "/api/v1/webhooks/{webhook}/",                              *_only_organizers(200),
        data={"is_active": False}),
    row("DELETE", "/api/v1/webhooks/{webhook}/",                             *_only_organizers(204)),
    row("GET", "/api/v1/webhooks/{webhook}/deliveries/",                     *_only_organizers(200)),
    row("POST", "/api/v1/webhooks/{webhook}/ping/",                          *_only_organizers(202)),
    row("POST", "/api/v1/webhooks/{webhook}/send-again/",                    *_only_organizers(200),
        data={}),
    row("POST", "/api/v1/webhooks/",                                         *_only_organizers(400),
        data={"url": "ftp://example.org/", "events": ["registration.decided"]}, label="not http", code={400: "webhook_url_scheme"}),
    # The admin: endpoints and their delivery log (read only), the organizers'.
    row("GET", "/admin/wic/webhookendpoint/{webhook}/change/",               LOGIN, 200,   *[LOGIN] * 8),
]
TOKEN_ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/webhooks/",                                          401,   ALL,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        kind="webhook"),
    row("POST", "/api/v1/webhooks/{webhook}/ping/",                          401,   202,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403),
]
# fmt: on


def extend_world(world, edition) -> None:
    """The organizers' webhook endpoint (`webhook`)."""
    from wic import webhooks

    endpoint, _secret = webhooks.endpoint_create(url=URL, events=["registration.decided"], actor=world.users["organizer"], description="Matrix partner")
    world.ids["webhook"] = endpoint.pk
    world.owned["webhook"] = {"all": {endpoint.pk}}
