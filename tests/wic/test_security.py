"""Secure by default (issue 10): the Content-Security-Policy on every page the tests reach, the
login lockout (django-axes), the rate limits on the public forms (django-ratelimit), the client's
address behind proxies, the API's page-size cap, password validation and the admin's path."""
import math
import os
import re
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory, override_settings

from tests.factories import make_organizer
from tests.wic.permission_world import ROLES, build_world
from tests.wic.test_permission_matrix import TABLE

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password-1"

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

LOCKED = "Too many failed sign-ins for this username from your address. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def quick_hashing():
    """The sign-in tests hash some 60 passwords: a fast hasher keeps them quick (what is tested is
    the counting of failures, not the hash)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# -- 1. Content-Security-Policy ---------------------------------------------------------------------

class InlineCode(HTMLParser):
    """Collects what the policy would block: scripts without src (JSON data blocks excepted),
    <style> elements, style="" and on*="" attributes, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and (names.get("type") or "").lower() != "application/json":
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> event handler")
            elif name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_inline_code_finder_finds_what_csp_blocks():
    html = (
        '<script>alert(1)</script><script src="/static/a.js"></script><script type="application/json" id="d">{}</script>'
        '<button onclick="go()">x</button><div style="color:red"></div><style>p{}</style><a href="javascript:void(0)">y</a>'
    )
    assert inline_code(html) == [
        "inline <script []>",
        "<button onclick=...> event handler",
        '<div style="color:red">',
        "<style> element",
        "<a href='javascript:void(0)'>",
    ]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The permission matrix's world (an account per role with its objects), rolled back at the end."""
    from registration.tasks import render_badge

    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            render_badge(built.ids["credential"])
            yield built
            transaction.set_rollback(True)


NOT_HTML = (".csv", ".xlsx", ".pdf", ".ics", "/export/csv/", "/export/xlsx/", "/badge/")  # files, not pages


def matrix_pages():
    """Every HTML page of the permission matrix, as the first role that gets it (200)."""
    pages = []
    for row in TABLE:
        if row.method != "GET" or row.path.startswith("/api/") or row.path.endswith(NOT_HTML):
            continue
        role = next((r for r, cell in zip(ROLES, row.cells) if cell == 200 and type(cell) is int), None)
        if role is not None and (role, row.path) not in pages:
            pages.append((role, row.path))
    return pages


PUBLIC_PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/editions/"),
    ("anonymous", "/editions/2017/"),
    ("anonymous", "/editions/2017/agenda/?day=2017-12-04"),  # the timetable grid
    ("anonymous", "/editions/2024/agenda/"),  # untimed items by half-day
    ("anonymous", "/editions/{year}/agenda/"),
    ("anonymous", "/editions/{year}/sessions/{session}/"),
    ("attendee", "/editions/{year}/sessions/{session}/"),
    ("anonymous", "/editions/{year}/my-agenda/"),
    ("attendee", "/editions/{year}/my-agenda/"),
    ("anonymous", "/editions/{year}/register/"),
    ("anonymous", "/editions/{year}/registration/{registration_token}/"),  # the credential page, QR code
    ("anonymous", "/editions/{year}/volunteer/apply/"),
    ("anonymous", "/volunteer/standby/{standby_offer}/"),
    ("anonymous", "/editions/{year}/awards/"),
    ("anonymous", "/editions/2024/awards/"),
    ("anonymous", "/editions/{year}/expo/"),
    ("anonymous", "/editions/{year}/expo/map/"),
    ("anonymous", "/editions/{year}/expo/openings/"),
    ("anonymous", "/editions/{year}/expo/exhibitors/{exhibitor}/"),
    ("attendee", "/editions/{year}/expo/exhibitors/{exhibitor}/"),
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/accounts/password_reset/"),
    ("anonymous", "/admin/login/"),
    ("anonymous", "/api/docs/"),
    # The admin's forms (widgets: autocomplete, filter_horizontal, date pickers) and axes' list.
    ("organizer", "/admin/agenda/session/add/"),
    ("organizer", "/admin/agenda/session/{session}/change/"),
    ("organizer", "/admin/registration/registration/{registration}/change/"),
    ("organizer", "/admin/awards/awardprogramme/{programme}/change/"),
    ("organizer", "/admin/volunteers/volunteer/{volunteer}/change/"),
    ("organizer", "/admin/expo/exhibitor/{exhibitor}/change/"),
]
PAGES = PUBLIC_PAGES + matrix_pages()


def get_as(client, world, role, path):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client.get(path.format(**world.ids), HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("role,path", PAGES, ids=[f"{path} as {role}" for role, path in PAGES])
def test_page_has_the_policy_and_no_inline_code(world, db, client, role, path):
    response = get_as(client, world, role, path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert "Content-Security-Policy-Report-Only" not in response
    assert inline_code(response.content.decode()) == []


def test_matrix_pages_include_the_pages_the_policy_must_cover():
    paths = {path for _role, path in matrix_pages()}
    assert {"/admin/", "/admin/dashboard/{year}/", "/checkin/", "/checkin/live/", "/volunteer/", "/volunteer/lead/", "/awards/",
            "/editions/{year}/forums/apply/", "/admin/forums/forumapplication/placement/", "/admin/axes/accessattempt/"} <= paths
    assert sum(path.startswith("/admin/") for path in paths) > 60


def test_not_found_and_api_answers_carry_the_policy(client):
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert (page.status_code, page["Content-Security-Policy"]) == (404, EXPECTED_CSP)
    assert inline_code(page.content.decode()) == []
    api = client.get("/api/v1/editions/")
    assert (api.status_code, api["Content-Security-Policy"]) == (200, EXPECTED_CSP)


def test_agenda_grid_places_cells_through_data_attributes(client):
    html = client.get("/editions/2017/agenda/", {"day": "2017-12-04"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<div class="timetable" data-cols="\d+" data-rows="\d+">', html)
    assert '<div class="hall-head" aria-hidden="true" data-grid-column="2" data-grid-row="1">' in html
    assert re.search(r'<article class="session[^"]*" aria-labelledby="s\d+-t" data-grid-column="\d+" data-grid-row="\d+ / \d+">', html)
    script = (ROOT / "static/js/agenda.js").read_text()
    assert "cell.style.gridRow = cell.dataset.gridRow" in script and 'table.classList.add("placed")' in script


def test_api_docs_script_is_a_same_origin_file(client):
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="></script>' in page
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content
    assert script["Content-Security-Policy"] == EXPECTED_CSP


# -- 2. Login throttling (django-axes) -------------------------------------------------------------------

def test_axes_settings_lock_username_and_address_pairs_for_15_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    # And the address alone at a limit of its own (wic.lockout.LockoutHandler).
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert (settings.AXES_ADDRESS_FAILURE_LIMIT, settings.AXES_HANDLER) == (50, "wic.lockout.LockoutHandler")
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    # Axes masks "password" and AXES_PASSWORD_FORM_FIELD always; the defaults add these.
    assert settings.AXES_SENSITIVE_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_PASSWORD_FORM_FIELD == "password"


def sign_in(client, username, password, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_five_wrong_passwords_lock_the_username_from_that_address(client):
    from axes.models import AccessAttempt

    get_user_model().objects.create_user("guest-lock", password=PASSWORD)
    for attempt in range(4):
        refused = sign_in(client, "guest-lock", f"wrong-{attempt}")
        assert refused.status_code == 200
        assert "Please enter a correct username and password" in refused.content.decode()
    fifth = sign_in(client, "guest-lock", "wrong-4")
    assert fifth.status_code == 429
    right = sign_in(client, "guest-lock", PASSWORD)
    assert (right.status_code, right["Retry-After"]) == (429, "900")
    html = right.content.decode()
    assert f'<p class="error" role="alert" data-code="login_locked">{LOCKED}</p>' in html
    assert "registration/login_locked.html" in [t.name for t in right.templates]
    assert right["Content-Security-Policy"] == EXPECTED_CSP
    assert "_auth_user_id" not in client.session
    # What axes kept of the tries: the password masked, never in clear.
    attempt = AccessAttempt.objects.get(username="guest-lock")
    assert attempt.failures_since_start == 6
    assert "wrong-" not in attempt.post_data and PASSWORD not in attempt.post_data
    assert "password=********************" in attempt.post_data


def test_lockout_is_per_username_and_address(client):
    get_user_model().objects.create_user("guest-lock", password=PASSWORD)
    get_user_model().objects.create_user("guest-other", password=PASSWORD)
    for attempt in range(5):
        sign_in(client, "guest-lock", f"wrong-{attempt}")
    assert sign_in(client, "guest-lock", PASSWORD).status_code == 429
    # Another username from the same address (a venue's shared NAT) signs in.
    other = sign_in(client, "guest-other", PASSWORD)
    assert (other.status_code, other["Location"]) == (302, "/")
    client.post("/accounts/logout/")
    # The same username from another address too: a stranger cannot lock someone out.
    elsewhere = sign_in(client, "guest-lock", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/")


def test_after_the_cool_off_the_right_password_works(client):
    from axes.models import AccessAttempt

    get_user_model().objects.create_user("guest-lock", password=PASSWORD)
    for attempt in range(5):
        sign_in(client, "guest-lock", f"wrong-{attempt}")
    assert sign_in(client, "guest-lock", PASSWORD).status_code == 429
    # 14 minutes later: still locked (and the try starts the 15 minutes again).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert sign_in(client, "guest-lock", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))
    response = sign_in(client, "guest-lock", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_success_forgets_earlier_failures(client):
    from axes.models import AccessAttempt, AccessLog

    get_user_model().objects.create_user("guest-lock", password=PASSWORD)
    for attempt in range(4):
        sign_in(client, "guest-lock", f"wrong-{attempt}")
    assert sign_in(client, "guest-lock", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="guest-lock").exists()
    assert not AccessLog.objects.exists()  # successful sign-ins leave no address behind


def test_admin_login_locks_out_with_the_admin_page(client):
    make_organizer("organizer-lock", password=PASSWORD)
    for attempt in range(5):
        response = sign_in(client, "organizer-lock", f"wrong-{attempt}", path="/admin/login/?next=/admin/")
    assert response.status_code == 429
    right = sign_in(client, "organizer-lock", PASSWORD, path="/admin/login/?next=/admin/")
    assert (right.status_code, right["Retry-After"]) == (429, "900")
    assert "admin/login_locked.html" in [t.name for t in right.templates]
    assert f'<p class="errornote" role="alert" data-code="login_locked">{LOCKED}</p>' in right.content.decode()
    assert right["Content-Security-Policy"] == EXPECTED_CSP
    assert client.get("/admin/").status_code == 302  # not signed in


def test_api_token_locks_out_with_json_429(api_client):
    get_user_model().objects.create_user("api-lock", password=PASSWORD)
    for attempt in range(4):
        refused = api_client.post("/api/v1/auth/token/", {"username": "api-lock", "password": f"wrong-{attempt}"}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid")
    fifth = api_client.post("/api/v1/auth/token/", {"username": "api-lock", "password": "wrong-4"}, format="json")
    assert fifth.status_code == 429
    right = api_client.post("/api/v1/auth/token/", {"username": "api-lock", "password": PASSWORD}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (right.status_code, right["Retry-After"]) == (429, "900")
    assert right.json() == {"code": "login_locked", "message": LOCKED, "detail": LOCKED, "retry_after": 900}
    # Another account from the same address still gets its token.
    get_user_model().objects.create_user("api-other", password=PASSWORD)
    assert "token" in api_client.post("/api/v1/auth/token/", {"username": "api-other", "password": PASSWORD}, format="json").json()


def test_a_username_longer_than_axes_column_is_a_wrong_sign_in_not_a_500(client, api_client):
    """Found by the API fuzzer on PostgreSQL: axes stored the typed username in its 255-character
    column, so a longer one failed the INSERT (500). It is counted under its first 255 characters,
    and five tries lock it out like any other."""
    from axes.models import AccessAttempt

    long_name = "x" * 300
    refused = api_client.post("/api/v1/auth/token/", {"username": long_name, "password": "wrong"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid")
    page = sign_in(client, "y" * 1000, "wrong")
    assert page.status_code == 200 and "Please enter a correct username and password" in page.content.decode()
    assert sorted((len(a.username), a.username[0], a.failures_since_start) for a in AccessAttempt.objects.all()) == [(255, "x", 1), (255, "y", 1)]
    for attempt in range(4):
        last = api_client.post("/api/v1/auth/token/", {"username": long_name, "password": f"wrong-{attempt}"}, format="json")
    assert (last.status_code, last.json()["code"]) == (429, "login_locked")

ADDRESS_LOCKED = "Too many failed sign-ins from your address. Try again in 15 minutes."


def test_one_address_guessing_across_usernames_is_locked_out(client, api_client):
    """Issue 19: five tries per username and address let one address try a password or two on
    every username it knew. The address alone is limited too (AXES_ADDRESS_FAILURE_LIMIT, 50),
    whatever usernames it tries; signing in to one's own account between guesses does not reset
    it; another address is not affected."""
    from axes.models import AccessAttempt

    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    get_user_model().objects.create_user("own-account", password=PASSWORD)
    get_user_model().objects.create_user("victim", password=PASSWORD)
    for n in range(limit - 1):  # one guess per username: under the per-username limit every time
        assert sign_in(client, f"user-{n}", "Spring2026!").status_code == 200
    own = sign_in(client, "own-account", PASSWORD)
    assert (own.status_code, own["Location"]) == (302, "/")  # a success forgets own-account's failures only
    client.post("/accounts/logout/")
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").count() == limit - 1
    last = sign_in(client, f"user-{limit}", "Spring2026!")
    assert last.status_code == 429
    # Locked: the right password of another account from this address too, with the wait named.
    right = sign_in(client, "victim", PASSWORD)
    assert (right.status_code, right["Retry-After"]) == (429, "900")
    assert f'<p class="error" role="alert" data-code="login_locked">{ADDRESS_LOCKED}</p>' in right.content.decode()
    token = api_client.post("/api/v1/auth/token/", {"username": "victim", "password": PASSWORD}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (token.status_code, token.json()["code"], token.json()["message"]) == (429, "login_locked", ADDRESS_LOCKED)
    # From another address the same account signs in.
    elsewhere = sign_in(client, "victim", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/")


def test_organizers_see_failed_attempts_but_not_the_sign_in_logs(client):
    client.force_login(make_organizer("organizer-axes"))
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/axes/accesslog/").status_code == 403
    assert client.get("/admin/axes/accessfailurelog/").status_code == 403


# -- 3. Rate limits on the public forms --------------------------------------------------------------------

def test_public_form_rate_equals_the_api_registration_throttle():
    from django_ratelimit.core import _split_rate

    from registration.api import RegistrationRateThrottle
    from wic.security import PUBLIC_FORM_RATE

    throttle = RegistrationRateThrottle()
    assert _split_rate(PUBLIC_FORM_RATE) == throttle.parse_rate(throttle.rate) == (30, 3600)


def assert_rate_limited(response):
    assert response.status_code == 429
    assert "429.html" in [t.name for t in response.templates]
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 3600
    minutes = max(1, math.ceil(wait / 60))
    unit = "minute" if minutes == 1 else "minutes"
    message = f"This form has been sent too many times from your address. Try again in {minutes} {unit}."
    assert f'<p class="error" role="alert" data-code="rate_limited">{message}</p>' in response.content.decode()


@pytest.mark.parametrize("path,limit", [
    ("/editions/2017/register/", 30),
    ("/editions/2017/volunteer/apply/", 30),
    ("/accounts/password_reset/", 10),
])
def test_public_form_posts_are_limited_per_address(client, path, limit):
    for _ in range(limit):
        assert client.post(path, {}, HTTP_ACCEPT_LANGUAGE="en").status_code != 429
    limited = client.post(path, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert_rate_limited(limited)
    # Reading the page is never limited, and another address still posts.
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").status_code != 429
    assert client.post(path, {}, HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.8").status_code != 429


def test_registration_page_limit_stops_before_saving(client):
    from registration.models import Registration
    from tests.factories import EditionFactory

    edition = EditionFactory(year=2099)
    data = {"name": "Maria Silva", "email": "maria@example.org", "organization_name": "Ministry", "country": "BR",
            "category": "government", "participation": "on_site", "consent": "on"}
    for n in range(30):
        client.post("/editions/2099/register/", {**data, "email": f"guest{n}@example.org"})
    assert Registration.objects.filter(edition=edition).count() == 30
    assert_rate_limited(client.post("/editions/2099/register/", {**data, "email": "one-more@example.org"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert Registration.objects.filter(edition=edition).count() == 30


def test_checkin_scans_keep_their_own_throttle():
    """Not limited twice: the gate's scan API already throttles per user (ScanThrottle)."""
    from registration.checkin_api import CheckinView, ScanThrottle

    assert ScanThrottle in CheckinView.throttle_classes


# -- the client's address ---------------------------------------------------------------------------------

def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_ip_ignores_x_forwarded_for_without_proxies():
    from wic.security import client_ip

    assert settings.PROXY_COUNT == 0
    assert client_ip(request_from("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


@override_settings(PROXY_COUNT=1)
def test_client_ip_behind_one_proxy_takes_the_address_it_saw():
    from wic.security import client_ip

    assert client_ip(request_from("10.0.0.1", "6.6.6.6, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_from("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"


def test_api_throttle_cannot_be_dodged_with_a_made_up_forwarded_header():
    from rest_framework.request import Request

    from registration.api import RegistrationRateThrottle

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    request = Request(request_from("203.0.113.5", "1.2.3.4"))
    assert RegistrationRateThrottle().get_ident(request) == "203.0.113.5"


# -- 4. The API's page size, passwords, the admin's path ---------------------------------------------------

def test_api_page_size_is_capped_at_500(api_client):
    from django.utils import timezone

    from wic.models import Organization

    Organization.objects.bulk_create([Organization(name_zh=f"分页测试机构{n}", kind="enterprise", verified_at=timezone.now()) for n in range(520)])
    total = Organization.objects.filter(verified_at__isnull=False).count()  # the public ones
    body = api_client.get("/api/v1/organizations/", {"page_size": 100000}).json()
    assert (body["count"], len(body["results"])) == (total, 500)
    assert body["next"].endswith("page=2&page_size=100000")


def test_password_validators_are_the_four_of_django():
    assert [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS] == [
        "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator",
    ]


def test_password_change_refuses_a_common_numeric_password(client):
    user = get_user_model().objects.create_user("guest-password", password=PASSWORD)
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == ["This password is too common.", "This password is entirely numeric."]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_admin_lives_on_the_configured_path():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_DEBUG="1", DJANGO_ADMIN_URL="backstage-7f3/")
    code = (
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'), reverse('admin:login'), reverse('admin-dashboard', args=[2024]))\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('no /admin/')\n"
    )
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["/backstage-7f3/ /backstage-7f3/login/ /backstage-7f3/dashboard/2024/", "no /admin/"]


def test_production_settings_hash_passwords_with_djangos_pbkdf2():
    """The suite signs in with a fast hasher (tests/conftest.py); the settings the app runs with do
    not choose one, so Django's default applies: PBKDF2-SHA256 first, at its full iteration count."""
    from django.conf import global_settings
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    import wic.settings as production

    assert not hasattr(production, "PASSWORD_HASHERS")
    assert global_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert PBKDF2PasswordHasher.iterations >= 1_000_000
