"""Token scopes (issue 28, wic/tokens.py): `read` (safe methods only), `scan` (the gate only),
`lead` (the volunteers area and the token endpoints; volunteer leads only), `integration` (the
areas of its named scopes, read or write; organizers only), a name and a lifetime chosen when the
token is made. The scope is checked in ApiTokenAuthentication.authenticate against the request's
method and its view's area, for every endpoint that reads a token."""
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from registration import services as registration_services
from registration.checkin_api import CheckinView
from registration.models import CheckinList
from registration.offline_api import CheckinListViewSet
from tests.factories import EditionFactory, make_organizer
from tests.registration.test_services_and_pages import guest
from wic import roles
from wic.api import ObtainTokenView, OrganizationViewSet, RevokeTokenView
from wic.errors import DomainError
from wic.models import ApiToken
from wic.tokens import AREAS, NAMED_SCOPES, token_create, view_area

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"
BEIJING = ZoneInfo("Asia/Shanghai")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

READ_ONLY = "This token is read-only: it may GET, HEAD and OPTIONS, not {method}."
LEAD_ONLY = "This token is a volunteer lead's: it opens the volunteers endpoints and the token endpoints (/api/v1/auth/token/) only."
SCAN_ONLY = "This token is for the gate only: scans and check-in lists (/api/v1/checkins/, /api/v1/checkin-lists/)."
NEEDS = "This integration token needs the scope “{needed}” for this request; its scopes are: {scopes}."
NO_NAMED_SCOPE = "This integration token opens the areas of its named scopes ({scopes}) only, and no named scope opens this endpoint."


def account(username: str, *groups: str, organizer: bool = False):
    user = make_organizer(username, password=PASSWORD) if organizer else get_user_model().objects.create_user(username, password=PASSWORD)
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def obtain(api_client, username: str, **extra):
    return api_client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD, **extra}, format="json", **EN)


def send(api_client, key: str, method: str, path: str, data=None):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    if method in ("GET", "HEAD", "OPTIONS"):
        return getattr(api_client, method.lower())(path, **EN)
    return getattr(api_client, method.lower())(path, data, format="json", **EN)


def refusal(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


# -- test-only views: an endpoint of an area, answering every method ---------------------------------

class Probe(APIView):
    """200 with the user's name to any method from a signed-in user: what a token may reach, nothing else."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"user": request.user.username})

    post = put = patch = delete = get


def probe_in(module: str | None = None, area: str | None = None) -> type:
    """A Probe defined in `module` (as if it were that module's view), or declaring `api_area`."""
    attributes = {"__module__": module or __name__}
    if area:
        attributes["api_area"] = area
    return type("Probe", (Probe,), attributes)


def call(view_class: type, key: str, method: str = "GET"):
    request = getattr(APIRequestFactory(), method.lower())("/probe/", {}, format="json", HTTP_AUTHORIZATION=f"Token {key}")
    response = view_class.as_view()(request)
    response.render()
    return response


# -- where a view's area comes from ---------------------------------------------------------------------

@pytest.mark.parametrize("view_class,area", [
    (OrganizationViewSet, "organizations"),
    (ObtainTokenView, "tokens"),
    (RevokeTokenView, "tokens"),
    (CheckinView, "checkin"),
    (CheckinListViewSet, "checkin"),
    (probe_in("volunteers.api"), "volunteers"),
    (probe_in("volunteers.api_leads"), "volunteers"),
    (probe_in("expo.api"), "expo"),
    (probe_in("agenda.api"), "agenda"),
    (probe_in("registration.api"), "registration"),
    (probe_in("registration.checkin_api"), "checkin"),
    (probe_in("wic.api_webhooks"), "webhooks"),
    (probe_in("companion.views_assistant"), "companion"),
    (probe_in("wic.api"), None),  # only the organizations and the token views of wic.api have an area
    (probe_in("wic.api_reports"), None),
    (probe_in("rest_framework.routers"), None),
    (probe_in("expo.api", area="volunteers"), "volunteers"),  # `api_area` wins over the module
])
def test_view_area_from_the_attribute_the_mapping_or_the_package(view_class, area):
    assert view_area(view_class) == area


def _routed(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routed(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "cls", None) is not None:
            yield prefix + str(pattern.pattern), pattern.callback.cls


def test_every_routed_api_view_has_an_area():
    """A new endpoint in a module AREA_OF_CODE does not map, outside the areas' packages, fails here
    (an integration or lead token could never reach it). The router's root lists addresses only."""
    areas = {}
    for route, view_class in _routed(get_resolver().url_patterns):
        if route.startswith("api/v1/") and view_class.__module__ != "rest_framework.routers":
            areas[f"{view_class.__module__}.{view_class.__qualname__}"] = view_area(view_class)
    unmapped = sorted(name for name, area in areas.items() if area not in (*AREAS, "tokens"))
    assert unmapped == []
    assert {areas["wic.api.OrganizationViewSet"], areas["wic.api.ObtainTokenView"], areas["registration.offline_api.CheckinListViewSet"]} == {
        "organizations", "tokens", "checkin",
    }


def test_named_scopes_are_read_and_write_of_each_area():
    assert len(NAMED_SCOPES) == 26
    assert NAMED_SCOPES[:4] == ("agenda:read", "agenda:write", "people:read", "people:write")
    assert AREAS == (
        "agenda", "people", "organizations", "registration", "checkin", "forums", "awards", "expo", "volunteers", "protocol", "travel",
        "companion", "webhooks",
    )


# -- making a token: scope, named scopes, name, lifetime --------------------------------------------------

def test_a_token_is_made_with_a_name_a_scope_and_fewer_days(api_client):
    account("scoped-reader")
    fixed = datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)
    with time_machine.travel(fixed, tick=False):
        response = obtain(api_client, "scoped-reader", scope="read", name="dashboard", expires_in_days=7)
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"token", "id", "name", "scope", "scopes", "expires_at"}
    assert (body["name"], body["scope"], body["scopes"]) == ("dashboard", "read", [])
    assert body["expires_at"] == "2026-03-08T09:30:00+08:00"
    token = ApiToken.objects.get(pk=body["id"])
    assert (token.name, token.scope, token.scopes, token.expires_at) == ("dashboard", "read", [], fixed + timedelta(days=7))
    # Listed by its user: name, scope, scopes, expiry; never the key.
    with time_machine.travel(fixed + timedelta(days=1), tick=False):
        listed = send(api_client, body["token"], "GET", "/api/v1/auth/token/").json()
    assert listed == [{
        "id": token.pk, "prefix": body["token"][:8], "name": "dashboard", "scope": "read", "scopes": [],
        "created": "2026-03-01T09:30:00+08:00", "expires_at": "2026-03-08T09:30:00+08:00",
    }]


def test_the_default_lifetime_is_the_setting(api_client, settings):
    settings.API_TOKEN_LIFETIME = timedelta(days=12)
    account("scoped-default")
    fixed = datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)
    with time_machine.travel(fixed, tick=False):
        body = obtain(api_client, "scoped-default").json()
    assert (body["scope"], body["name"], body["expires_at"]) == ("all", "", "2026-03-13T09:30:00+08:00")


@pytest.mark.parametrize("days", [0, -1, 13, 10**30])
def test_a_lifetime_outside_one_to_the_setting_is_refused(api_client, settings, days):
    settings.API_TOKEN_LIFETIME = timedelta(days=12)
    account("scoped-lifetime")
    response = obtain(api_client, "scoped-lifetime", expires_in_days=days)
    message = f"A token works for 1 to 12 days; {days} is not in that range."
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_expiry", "message": message, "detail": message, "errors": {"expires_in_days": [{"code": "invalid_expiry", "message": message}]},
    }
    assert not ApiToken.objects.exists()


def test_the_longest_lifetime_is_accepted(api_client, settings):
    settings.API_TOKEN_LIFETIME = timedelta(days=12)
    account("scoped-longest")
    body = obtain(api_client, "scoped-longest", expires_in_days="12").json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.expires_at - token.created < timedelta(days=12, seconds=1)
    assert token.expires_at - token.created > timedelta(days=11, hours=23)


@pytest.mark.parametrize("days", ["٣", "3.5", True, "", None])
def test_a_lifetime_that_is_not_a_number_of_days_is_refused(api_client, days):
    account("scoped-not-days")
    response = obtain(api_client, "scoped-not-days", expires_in_days=days)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert [e["code"] for e in response.json()["errors"]["expires_in_days"]] == ["null" if days is None else "invalid"]


def test_only_volunteer_leads_get_a_lead_token(api_client):
    account("scoped-lead", roles.VOLUNTEER_LEAD)
    account("scoped-volunteer", roles.VOLUNTEER)
    account("scoped-organizer", roles.ORGANIZER, organizer=True)
    granted = obtain(api_client, "scoped-lead", scope="lead")
    assert (granted.status_code, granted.json()["scope"]) == (200, "lead")
    message = "The scope “lead” is for volunteer leads only, and this account is not one."
    for username in ("scoped-volunteer", "scoped-organizer"):
        refused = obtain(api_client, username, scope="lead")
        assert refused.status_code == 400, username
        assert refused.json() == {
            "code": "scope_not_allowed", "message": message, "detail": message, "errors": {"scope": [{"code": "scope_not_allowed", "message": message}]},
        }
    assert list(ApiToken.objects.values_list("user__username", "scope")) == [("scoped-lead", "lead")]


def test_only_organizers_get_an_integration_token(api_client):
    account("scoped-partner-owner", roles.ORGANIZER, organizer=True)
    account("scoped-lead-integration", roles.VOLUNTEER_LEAD)
    staff = account("scoped-staff-only")
    staff.is_staff = True  # staff status alone is not the organizer role
    staff.save()
    granted = obtain(api_client, "scoped-partner-owner", scope="integration", scopes=["volunteers:write", "agenda:read", "agenda:read"], name="partner")
    assert granted.status_code == 200
    assert {k: granted.json()[k] for k in ("scope", "scopes", "name")} == {"scope": "integration", "scopes": ["agenda:read", "volunteers:write"], "name": "partner"}
    message = "The scope “integration” is for organizers only, and this account is not one."
    for username in ("scoped-lead-integration", "scoped-staff-only"):
        refused = obtain(api_client, username, scope="integration", scopes=["agenda:read"])
        assert (refused.status_code, refused.json()["code"], refused.json()["message"]) == (400, "scope_not_allowed", message), username
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("scopes,message", [
    (None, "An integration token needs at least one named scope, such as “agenda:read”."),
    ([], "An integration token needs at least one named scope, such as “agenda:read”."),
    (["agenda:read", "agenda:admin"], "“agenda:admin” is not a named scope; a named scope is <area>:read or <area>:write, the area one of: "
     "agenda, people, organizations, registration, checkin, forums, awards, expo, volunteers, protocol, travel, companion, webhooks."),
    (["sessions:read"], "“sessions:read” is not a named scope; a named scope is <area>:read or <area>:write, the area one of: "
     "agenda, people, organizations, registration, checkin, forums, awards, expo, volunteers, protocol, travel, companion, webhooks."),
    (["tokens:write"], "“tokens:write” is not a named scope; a named scope is <area>:read or <area>:write, the area one of: "
     "agenda, people, organizations, registration, checkin, forums, awards, expo, volunteers, protocol, travel, companion, webhooks."),
])
def test_an_integration_token_needs_known_named_scopes(api_client, scopes, message):
    account("scoped-integrator", roles.ORGANIZER, organizer=True)
    response = obtain(api_client, "scoped-integrator", scope="integration", **({"scopes": scopes} if scopes is not None else {}))
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_scope", "message": message, "detail": message, "errors": {"scopes": [{"code": "invalid_scope", "message": message}]}}
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("scope", [None, "all", "read", "scan"])
def test_named_scopes_with_another_scope_are_refused(api_client, scope):
    account("scoped-mixed", roles.ORGANIZER, organizer=True)
    response = obtain(api_client, "scoped-mixed", scopes=["agenda:read"], **({"scope": scope} if scope else {}))
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (
        400, "invalid_scope", "Named scopes are for integration tokens only: ask for the scope “integration”, or leave “scopes” out.",
    )


@pytest.mark.parametrize("asked", [
    {"scope": "lead"}, {"scope": "integration", "scopes": ["agenda:write"]}, {"scope": "read"}, {"scope": "integration", "scopes": ["nonsense"]},
])
def test_gate_staff_always_get_a_scan_token(api_client, asked):
    account("scoped-gate", roles.GATE, roles.VOLUNTEER_LEAD)
    response = obtain(api_client, "scoped-gate", **asked)
    assert response.status_code == 200
    assert (response.json()["scope"], response.json()["scopes"]) == ("scan", [])


def test_an_organizer_at_the_gate_gets_what_they_ask(api_client):
    account("scoped-gate-organizer", roles.GATE, roles.ORGANIZER, organizer=True)
    response = obtain(api_client, "scoped-gate-organizer", scope="integration", scopes=["checkin:write"])
    assert (response.json()["scope"], response.json()["scopes"]) == ("integration", ["checkin:write"])


def test_a_wrong_password_is_refused_before_any_scope_is_judged(api_client):
    account("scoped-wrong-password", roles.VOLUNTEER)
    response = api_client.post("/api/v1/auth/token/", {"username": "scoped-wrong-password", "password": "nope", "scope": "integration"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert set(response.json()["errors"]) == {"non_field_errors"}


def test_the_service_refuses_what_the_endpoint_refuses():
    volunteer = account("scoped-service", roles.VOLUNTEER)
    with pytest.raises(DomainError) as refused:
        token_create(user=volunteer, scope="integration", scopes=["agenda:read"])
    assert (refused.value.code, refused.value.field) == ("scope_not_allowed", "scope")
    with pytest.raises(DomainError) as refused:
        token_create(user=volunteer, expires_in_days=31)
    assert (refused.value.code, refused.value.field) == ("invalid_expiry", "expires_in_days")


# -- using a token: each scope's reach -----------------------------------------------------------------------

@pytest.fixture
def gate_world():
    """A published edition with an approved guest and today's gate list."""
    edition = EditionFactory(year=2099, is_published=True)
    registration = registration_services.registration_create(edition=edition, data=guest())
    registration_services.registration_decide(registration=registration, status="approved", actor=None)
    gate_list = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=timezone.localdate())
    return {"edition": edition, "registration": registration, "list": gate_list, "secret": registration.credentials.get().secret}


def test_a_read_token_reads_where_its_account_may_and_writes_nothing(api_client, gate_world, in_english):
    organizer = account("read-organizer", roles.ORGANIZER, organizer=True)
    token, key = token_create(user=organizer, scope="read")
    assert send(api_client, key, "GET", "/api/v1/editions/").status_code == 200
    registrations = send(api_client, key, "GET", f"/api/v1/registrations/?edition={gate_world['edition'].year}")
    assert (registrations.status_code, [r["id"] for r in registrations.json()["results"]]) == (200, [gate_world["registration"].pk])
    assert send(api_client, key, "GET", "/api/v1/checkin-lists/").status_code == 200  # the gate's endpoints too (GateTokenAuthentication)
    assert send(api_client, key, "HEAD", "/api/v1/auth/token/").status_code == 200
    assert send(api_client, key, "OPTIONS", "/api/v1/organizations/").status_code == 200
    for method, path in (("POST", "/api/v1/registrations/"), ("DELETE", "/api/v1/auth/token/"), ("DELETE", f"/api/v1/auth/token/{token.pk}/"),
                         ("POST", "/api/v1/checkins/"), ("PATCH", f"/api/v1/registrations/{gate_world['registration'].pk}/")):
        assert refusal(send(api_client, key, method, path, {})) == (403, "token_scope", READ_ONLY.format(method=method)), (method, path)
    assert ApiToken.objects.filter(pk=token.pk).exists()
    # Not more than its account may read: an attendee's read token is refused the registrations by role.
    _token, attendee_key = token_create(user=account("read-attendee", roles.ATTENDEE), scope="read")
    assert refusal(send(api_client, attendee_key, "GET", "/api/v1/registrations/"))[:2] == (403, "permission_denied")


def test_a_read_token_on_a_test_only_view(in_english):
    _token, key = token_create(user=account("read-probe"), scope="read")
    assert call(probe_in("expo.api"), key, "GET").status_code == 200
    refused = call(probe_in("expo.api"), key, "PUT")
    assert (refused.status_code, refused.data["code"], refused.data["message"]) == (403, "token_scope", READ_ONLY.format(method="PUT"))


def test_a_scan_token_is_unchanged(api_client, gate_world):
    _token, key = token_create(user=account("scan-gate", roles.GATE))
    scan = send(api_client, key, "POST", "/api/v1/checkins/", {"list": gate_world["list"].pk, "secret": gate_world["secret"], "nonce": str(uuid.uuid4())})
    assert (scan.status_code, scan.json()["result"]) == (200, "ok")
    assert send(api_client, key, "GET", f"/api/v1/checkin-lists/{gate_world['list'].pk}/offline/").status_code == 200
    for method, path in (("GET", "/api/v1/organizations/"), ("GET", "/api/v1/auth/token/"), ("GET", "/api/v1/editions/")):
        assert refusal(send(api_client, key, method, path)) == (403, "token_scope", SCAN_ONLY), path


def test_a_lead_token_opens_the_volunteers_area_and_its_tokens_only(api_client, in_english):
    lead = account("lead-holder", roles.VOLUNTEER_LEAD)
    token, key = token_create(user=lead, scope="lead", name="lead phone")
    other, _other_key = token_create(user=lead)
    # The volunteers area: a view of volunteers.api (as the volunteers endpoints will be), or one that says so.
    for view_class in (probe_in("volunteers.api"), probe_in(area="volunteers")):
        for method in ("GET", "POST", "DELETE"):
            response = call(view_class, key, method)
            assert (response.status_code, response.data) == (200, {"user": "lead-holder"}), method
    # Elsewhere: refused, whatever the account's role would allow.
    for view_class in (probe_in("expo.api"), probe_in("agenda.api"), probe_in("wic.api_reports")):
        response = call(view_class, key)
        assert (response.status_code, response.data["code"], response.data["message"]) == (403, "token_scope", LEAD_ONLY)
    for path in ("/api/v1/editions/", "/api/v1/organizations/", "/api/v1/checkin-lists/", "/api/v1/"):
        assert refusal(send(api_client, key, "GET", path)) == (403, "token_scope", LEAD_ONLY), path
    # Its own tokens: listed and revoked with it.
    listed = send(api_client, key, "GET", "/api/v1/auth/token/")
    assert (listed.status_code, sorted((t["id"], t["scope"], t["name"]) for t in listed.json())) == (
        200, sorted([(token.pk, "lead", "lead phone"), (other.pk, "all", "")]),
    )
    assert send(api_client, key, "DELETE", f"/api/v1/auth/token/{other.pk}/").json() == {"revoked": 1}
    assert send(api_client, key, "DELETE", "/api/v1/auth/token/").json() == {"revoked": 1}
    assert not ApiToken.objects.exists()


def volunteers_lists() -> list[str]:
    """The routed list endpoints of the volunteers area (volunteers/api.py)."""
    from wic.urls import router

    return [f"/api/v1/{prefix}/" for prefix, viewset, _basename in router.registry if view_area(viewset) == "volunteers" and hasattr(viewset, "list")]


def test_a_lead_token_answers_as_its_accounts_all_token_on_the_volunteers_endpoints(api_client):
    lead = account("lead-real", roles.VOLUNTEER_LEAD)
    _token, lead_key = token_create(user=lead, scope="lead")
    _token, all_key = token_create(user=lead)
    paths = volunteers_lists()
    assert len(paths) >= 3, paths
    answers = {}
    for path in paths:
        with_all, with_lead = send(api_client, all_key, "GET", path), send(api_client, lead_key, "GET", path)
        assert (with_lead.status_code, with_lead.json()) == (with_all.status_code, with_all.json()), path
        answers[path] = with_lead.status_code
    assert 200 in answers.values(), answers


def test_an_integration_token_reads_the_volunteers_endpoints_with_volunteers_read(api_client, in_english):
    organizer = account("integration-volunteers", roles.ORGANIZER, organizer=True)
    _token, reader_key = token_create(user=organizer, scope="integration", scopes=["volunteers:read"])
    _token, agenda_key = token_create(user=organizer, scope="integration", scopes=["agenda:write"])
    _token, all_key = token_create(user=organizer)
    for path in volunteers_lists():
        with_all, with_reader = send(api_client, all_key, "GET", path), send(api_client, reader_key, "GET", path)
        assert (with_reader.status_code, with_reader.json()) == (with_all.status_code, with_all.json()), path
        assert refusal(send(api_client, agenda_key, "GET", path)) == (403, "token_scope", NEEDS.format(needed="volunteers:read", scopes="agenda:write"))


def test_an_integration_token_reads_and_writes_its_named_scopes_only(api_client, gate_world, in_english):
    organizer = account("integration-owner", roles.ORGANIZER, organizer=True)
    _token, key = token_create(user=organizer, scope="integration", scopes=["agenda:read", "registration:write", "volunteers:read"])
    scopes = "agenda:read, registration:write, volunteers:read"
    # read: the safe methods of an area it reads
    assert send(api_client, key, "GET", "/api/v1/editions/").status_code == 200
    assert send(api_client, key, "GET", "/api/v1/sessions/").status_code == 200
    assert call(probe_in("volunteers.api"), key, "GET").status_code == 200
    # write implies read
    registrations = send(api_client, key, "GET", f"/api/v1/registrations/?edition={gate_world['edition'].year}")
    assert (registrations.status_code, registrations.json()["count"]) == (200, 1)
    assert call(probe_in("registration.api"), key, "POST").status_code == 200
    # a write where it only reads
    for view_class, method, needed in ((probe_in("agenda.api"), "POST", "agenda:write"), (probe_in("volunteers.api"), "PATCH", "volunteers:write")):
        response = call(view_class, key, method)
        assert (response.status_code, response.data["code"], response.data["message"]) == (
            403, "token_scope", NEEDS.format(needed=needed, scopes=scopes),
        )
    # an area it has no scope of (the gate's through its own authentication too)
    for method, path, needed in (("GET", "/api/v1/organizations/", "organizations:read"), ("GET", "/api/v1/checkin-lists/", "checkin:read"),
                                 ("POST", "/api/v1/checkins/", "checkin:write"), ("GET", "/api/v1/people/", "people:read")):
        assert refusal(send(api_client, key, method, path, {})) == (403, "token_scope", NEEDS.format(needed=needed, scopes=scopes)), path
    # the token endpoints and a view of no area: no named scope opens them
    for method, path in (("GET", "/api/v1/auth/token/"), ("DELETE", "/api/v1/auth/token/"), ("GET", "/api/v1/")):
        assert refusal(send(api_client, key, method, path)) == (403, "token_scope", NO_NAMED_SCOPE.format(scopes=scopes)), path
    assert ApiToken.objects.count() == 1


def test_an_integration_token_scans_with_checkin_write(api_client, gate_world):
    organizer = account("integration-gate", roles.ORGANIZER, organizer=True)
    _token, key = token_create(user=organizer, scope="integration", scopes=["checkin:write"])
    scan = send(api_client, key, "POST", "/api/v1/checkins/", {"list": gate_world["list"].pk, "secret": gate_world["secret"], "nonce": str(uuid.uuid4())})
    assert (scan.status_code, scan.json()["result"]) == (200, "ok")
    assert send(api_client, key, "GET", "/api/v1/checkin-lists/").status_code == 200


def test_scopes_do_not_outlive_the_role_check(api_client, gate_world):
    """A lead token does not make its holder an organizer: the volunteers area's own permissions still apply."""
    _token, key = token_create(user=account("lead-not-organizer", roles.VOLUNTEER_LEAD), scope="lead")

    class OrganizersOfVolunteers(Probe):
        api_area = "volunteers"

        def get_permissions(self):
            from wic.api_base import IsOrganizer

            return [IsOrganizer()]

    response = call(OrganizersOfVolunteers, key)
    assert (response.status_code, response.data["code"]) == (403, "permission_denied")


# -- the cost: the scope check adds no query ----------------------------------------------------------------

@pytest.mark.parametrize("scope,scopes", [("all", None), ("read", None), ("lead", None), ("integration", ["volunteers:read"])])
def test_the_scope_check_adds_no_query(django_assert_num_queries, scope, scopes):
    user = account(f"queries-{scope}", roles.VOLUNTEER_LEAD, roles.ORGANIZER, organizer=True)
    _token, key = token_create(user=user, scope=scope, scopes=scopes)
    view_class = probe_in("volunteers.api")
    with django_assert_num_queries(1):  # the token with its user
        response = call(view_class, key)
    assert response.status_code == 200


@pytest.mark.parametrize("scope", ["all", "read", "lead"])
def test_listing_ones_tokens_costs_the_same_whatever_the_scope(api_client, django_assert_num_queries, scope):
    user = account(f"list-queries-{scope}", roles.VOLUNTEER_LEAD)
    _token, key = token_create(user=user, scope=scope)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with django_assert_num_queries(2):  # the token with its user, the user's tokens
        assert api_client.get("/api/v1/auth/token/").status_code == 200


@pytest.mark.parametrize("scope", ["all", "read", "scan"])
def test_the_gates_lookup_costs_the_same_whatever_the_scope(api_client, django_assert_num_queries, gate_world, scope):
    user = account(f"gate-queries-{scope}", roles.GATE, roles.ORGANIZER, organizer=True)
    _token, key = token_create(user=user, scope=scope)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with django_assert_num_queries(GATE_LIST_QUERIES):
        assert api_client.get("/api/v1/checkin-lists/").status_code == 200


GATE_LIST_QUERIES = 3  # the token, its user and the gate role in one statement; the organizer check's groups; the lists


# -- the admin: superusers see each token's name, scope, named scopes and expiry -----------------------------

def test_the_token_admin_shows_name_scope_scopes_and_expiry(client, superuser):
    organizer = account("admin-shown", roles.ORGANIZER, organizer=True)
    token, key = token_create(user=organizer, scope="integration", scopes=["expo:read", "agenda:write"], name="partner feed")
    client.force_login(superuser)
    listing = client.get("/admin/wic/apitoken/")
    row = next(r for r in listing.context["cl"].result_list if r.pk == token.pk)
    admin_view = listing.context["cl"].model_admin
    assert admin_view.list_display == ["prefix", "name", "user", "scope", "named_scopes", "created", "expires_at"]
    assert admin_view.named_scopes(row) == "agenda:write, expo:read"
    page = listing.content.decode()
    assert "partner feed" in page and "agenda:write, expo:read" in page and key not in page
    change = client.get(f"/admin/wic/apitoken/{token.pk}/change/").content.decode()
    assert "partner feed" in change and "agenda:write, expo:read" in change and token.digest not in change
    _plain, _key = token_create(user=organizer)
    assert admin_view.named_scopes(ApiToken.objects.get(pk=_plain.pk)) == "—"
