"""API tokens (issue 19, wic/tokens.py): organizers could mint and read any user's token in the
admin, keys were stored in plain text and never expired. Now each user makes their own through
`POST /api/v1/auth/token/`, the key is shown once and stored as a SHA-256 digest, it expires,
its user revokes it, a superuser revokes anyone's, and a gate's token opens the scan only."""
import hashlib
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from registration import services as registration_services
from registration.models import CheckinList
from tests.factories import EditionFactory, make_organizer
from tests.registration.test_services_and_pages import guest
from wic import roles
from wic.models import ApiToken
from wic.tokens import token_create

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def obtain(api_client, username, **extra):
    return api_client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD, **extra}, format="json")


def gate_user(username="gate-token"):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    return user


def test_the_key_is_shown_once_and_only_its_digest_is_stored(api_client):
    get_user_model().objects.create_user("token-owner", password=PASSWORD)
    response = obtain(api_client, "token-owner")
    assert response.status_code == 200
    body = response.json()
    key = body["token"]
    assert len(key) == 40 and body["scope"] == "all"
    stored = ApiToken.objects.get(pk=body["id"])
    assert (stored.digest, stored.prefix) == (hashlib.sha256(key.encode()).hexdigest(), key[:8])
    assert key not in [getattr(stored, f.attname) for f in ApiToken._meta.concrete_fields]
    # Another sign-in makes another token (the first one's key cannot be shown again).
    second = obtain(api_client, "token-owner").json()
    assert second["token"] != key and ApiToken.objects.filter(user__username="token-owner").count() == 2
    # The owner lists them: never a key.
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = api_client.get("/api/v1/auth/token/").json()
    assert sorted(t["id"] for t in listed) == sorted([body["id"], second["id"]])
    assert set(listed[0]) == {"id", "prefix", "name", "scope", "scopes", "created", "expires_at"}
    assert key not in str(listed) and second["token"] not in str(listed)


def test_tokens_expire_after_the_configured_lifetime(api_client, settings):
    settings.API_TOKEN_LIFETIME = timedelta(days=2)
    get_user_model().objects.create_user("token-expiring", password=PASSWORD)
    body = obtain(api_client, "token-expiring").json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.expires_at - token.created < timedelta(days=2, seconds=1)
    assert datetime.fromisoformat(body["expires_at"]) == token.expires_at
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    with time_machine.travel(token.expires_at - timedelta(seconds=5)):
        assert api_client.get("/api/v1/auth/token/").status_code == 200
    with time_machine.travel(token.expires_at + timedelta(seconds=1)):
        expired = api_client.get("/api/v1/auth/token/", HTTP_ACCEPT_LANGUAGE="en")
        assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")
        # A new sign-in gives a new token and clears the expired ones away.
        api_client.credentials()
        fresh = obtain(api_client, "token-expiring").json()
        assert list(ApiToken.objects.filter(user__username="token-expiring").values_list("pk", flat=True)) == [fresh["id"]]


def test_the_scan_endpoint_refuses_an_expired_token_too(api_client, settings):
    edition = EditionFactory(year=2099)
    gate_list = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=timezone.localdate())
    token, key = token_create(user=gate_user())
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {"list": gate_list.pk, "secret": "NOSUCHCODE"}
    assert api_client.post("/api/v1/checkins/", {**body, "nonce": str(uuid.uuid4())}, format="json").json()["result"] == "invalid"
    with time_machine.travel(token.expires_at + timedelta(seconds=1)):
        expired = api_client.post("/api/v1/checkins/", {**body, "nonce": str(uuid.uuid4())}, format="json")
    assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")


@pytest.mark.parametrize("value,days", [(None, 30), ("7", 7), ("0", None)])
def test_token_lifetime_comes_from_the_environment(value, days):
    code = "from wic import settings; print(settings.API_TOKEN_LIFETIME.days)"
    env = {k: v for k, v in os.environ.items() if k != "API_TOKEN_LIFETIME_DAYS"}
    env.update({"DJANGO_DEBUG": "1", **({"API_TOKEN_LIFETIME_DAYS": value} if value is not None else {})})
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
    if days is None:
        assert result.returncode != 0 and "API_TOKEN_LIFETIME_DAYS must be a positive number of days" in result.stderr
    else:
        assert (result.returncode, result.stdout.strip()) == (0, str(days))


def test_a_user_revokes_one_or_all_of_their_tokens(api_client):
    user = get_user_model().objects.create_user("token-revoker", password=PASSWORD)
    other = get_user_model().objects.create_user("token-other", password=PASSWORD)
    (first, first_key), (second, second_key) = token_create(user=user), token_create(user=user)
    theirs, theirs_key = token_create(user=other)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first_key}")
    assert api_client.delete(f"/api/v1/auth/token/{theirs.pk}/").json()["code"] == "not_found"  # not theirs to revoke
    assert api_client.delete(f"/api/v1/auth/token/{second.pk}/").json() == {"revoked": 1}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second_key}")
    assert api_client.get("/api/v1/auth/token/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first_key}")
    assert api_client.delete("/api/v1/auth/token/").json() == {"revoked": 1}
    gone = api_client.get("/api/v1/auth/token/")
    assert (gone.status_code, gone.json()["code"]) == (401, "authentication_failed")
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [theirs.pk]  # the other user's stays
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {theirs_key}")
    assert api_client.get("/api/v1/auth/token/").status_code == 200


def test_a_gate_token_opens_the_scan_and_nothing_else(api_client):
    edition = EditionFactory(year=2099)
    registration = registration_services.registration_create(edition=edition, data=guest())
    registration_services.registration_decide(registration=registration, status="approved", actor=None)
    gate_list = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=timezone.localdate())
    gate_user("gate-phone")
    response = obtain(api_client, "gate-phone", scope="all")  # asking for more changes nothing
    assert (response.status_code, response.json()["scope"]) == (200, "scan")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    scan = api_client.post("/api/v1/checkins/", {"list": gate_list.pk, "secret": registration.credentials.get().secret, "nonce": str(uuid.uuid4())}, format="json")
    assert (scan.status_code, scan.json()["result"]) == (200, "ok")
    for method, path in (("get", "/api/v1/editions/"), ("get", f"/api/v1/registrations/{registration.pk}/"), ("get", "/api/v1/auth/token/"),
                         ("delete", "/api/v1/auth/token/"), ("post", "/api/v1/recommendations/")):
        refused = getattr(api_client, method)(path, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert (refused.status_code, refused.json()["code"]) == (403, "token_scope"), path
        assert refused.json()["message"] == "This token is for the gate only: scans and check-in lists (/api/v1/checkins/, /api/v1/checkin-lists/)."


def test_anyone_may_ask_for_a_scan_token(api_client):
    make_organizer("organizer-phone", password=PASSWORD)
    response = obtain(api_client, "organizer-phone", scope="scan")
    assert response.json()["scope"] == "scan"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/registrations/").json()["code"] == "token_scope"
    api_client.credentials()
    full = obtain(api_client, "organizer-phone").json()
    assert full["scope"] == "all"
    bad = obtain(api_client, "organizer-phone", scope="admin")
    assert (bad.status_code, bad.json()["errors"]["scope"][0]["code"]) == (400, "invalid_choice")


def test_organizers_have_no_token_admin_and_superusers_only_revoke(client, superuser):
    """The token admin listed every key in plain text and let an organizer make a token for a
    superuser, which the API accepted and the audit trail then took for the superuser. Now there
    is nothing to give a role (no permissions), organizers are refused, and a superuser sees who
    holds a token (never a key) and revokes it; nobody adds one there."""
    attendee = get_user_model().objects.create_user("token-attendee")
    token, key = token_create(user=attendee)
    assert not Permission.objects.filter(content_type__app_label="wic", content_type__model="apitoken").exists()
    client.force_login(make_organizer("organizer-no-tokens"))
    for path in ("/admin/wic/apitoken/", "/admin/wic/apitoken/add/", f"/admin/wic/apitoken/{token.pk}/change/", f"/admin/wic/apitoken/{token.pk}/delete/"):
        assert client.get(path).status_code == 403, path
    assert "apitoken" not in client.get("/admin/wic/").content.decode()
    assert client.post(f"/admin/wic/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 403
    client.force_login(superuser)
    page = client.get("/admin/wic/apitoken/").content.decode()
    assert token.prefix in page and key not in page and token.digest not in page
    assert client.get("/admin/wic/apitoken/add/").status_code == 403
    revoked = client.post("/admin/wic/apitoken/", {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"})
    assert revoked.status_code == 302 and not ApiToken.objects.exists()


def test_drf_tokens_are_moved_hashed_by_the_migration(django_user_model):
    """Upgrading: DRF's plain-text keys (authtoken_token) become digests with a fresh lifetime,
    a gate account's a scan token, and the plain-text rows are deleted."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("wic.migrations.0003_api_tokens_and_confirmed_organizations")
    staff, gate = make_organizer("organizer-old-token"), gate_user("gate-old-token")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, user_id bigint)")
        for key, user in (("a" * 40, staff), ("b" * 40, gate)):
            cursor.execute("INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)", [key, timezone.now(), user.pk])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.move_drf_tokens(apps, editor)
    rows = {t.user_id: t for t in ApiToken.objects.all()}
    assert {rows[staff.pk].digest, rows[gate.pk].digest} == {hashlib.sha256(b"a" * 40).hexdigest(), hashlib.sha256(b"b" * 40).hexdigest()}
    assert (rows[staff.pk].scope, rows[gate.pk].scope) == ("all", "scan")
    assert rows[gate.pk].expires_at > timezone.now() + settings.API_TOKEN_LIFETIME - timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
