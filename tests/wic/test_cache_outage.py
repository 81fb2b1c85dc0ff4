"""The cache Redis is down: every page and write still answers, only slower (issue 19).

The cache is pointed at a port on 127.0.0.1 nothing listens on (found free, never opened), with
the backend production uses (wic.cache.DegradingRedisCache). Then every URL pattern is walked
anonymously and signed in, and the writes that count in the cache are made: the gate's scan
(throttled, with a limit on unknown codes), registrations by form and by API (rate limited),
the token endpoint and password reset (rate limited). No answer may be a 5xx; the ones that
matter are asserted exactly; what degraded is counted and shown by /healthz.

Needs django-redis importable, no Redis: it runs in both CI suites."""
import logging
import socket
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings

from agenda import cache as agenda_cache
from registration import services as registration_services
from registration.models import CheckinList
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import form_post, guest
from tests.wic.hostile import ORDINARY, fill, parameters, url_templates
from wic import degraded, roles
from wic.cache import reset_breakers
from wic.tokens import token_create

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING)


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on: bound to find it free, closed, never listened."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cache_down(caplog):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    caches = {"default": {"BACKEND": "wic.cache.DegradingRedisCache", "LOCATION": url, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}}}
    degraded.reset()
    reset_breakers()
    caplog.set_level(logging.WARNING)
    with override_settings(CACHES=caches, REDIS_URL=url):
        yield url
    reset_breakers()
    agenda_cache._pending.clear()  # bumps the outage lost: the next test's cache never saw them


@pytest.fixture
def world(db, django_user_model):
    """An open edition (2099) with an approved guest, today's gate list and a gate account with a
    scan token; the seeded past editions (2017...) for the public pages."""
    edition = EditionFactory(year=2099, is_published=True)
    registration = registration_services.registration_create(edition=edition, data=guest(email="first@example.org"))
    registration_services.registration_decide(registration=registration, status="approved", actor=None)
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=DAY1.date())
    staff = django_user_model.objects.create_user("gate-outage", password="a-long-test-password-1", email="gate@example.org")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    from agenda.models import Session

    session = Session.objects.filter(edition__year=2017, is_published=True).order_by("pk").first()
    return {"edition": edition, "registration": registration, "credential": registration.credentials.get(), "gate": gate,
            "staff": staff, "token": token_create(user=staff)[1], "session": session}


def _walk(client, values) -> list[tuple[str, int]]:
    answers = []
    for template in url_templates():
        if template == "/healthz":
            continue  # asserted below, with its body
        path = fill(template, {name: values.get(name, ORDINARY.get(name, "1")) for name in parameters(template)})
        answers.append((path, client.get(path, HTTP_ACCEPT_LANGUAGE="en").status_code))
    return answers


def test_every_page_answers_without_a_5xx_when_the_cache_is_down(cache_down, world, client, django_user_model, caplog):
    values = {"year": "2017", "pk": str(world["session"].pk), "token": world["registration"].token}
    anonymous = _walk(client, values)
    client.force_login(django_user_model.objects.create_superuser("outage-root", "root@example.org", "a-long-test-password-1"))
    signed_in = _walk(client, values)

    assert [answer for answer in anonymous + signed_in if answer[1] >= 500] == []
    assert len(anonymous) == len(url_templates()) - 1
    # Sessions are in the database (Django's default engine): signing in survives the outage.
    assert client.get("/volunteer/").status_code == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", [
    "/", "/editions/", "/editions/2017/", "/editions/2017/agenda/", "/editions/2017/agenda/?day=2017-12-04",
    "/editions/2017/schedule.json", "/editions/2017/schedule.xml", "/editions/2017/agenda.ics", "/editions/2017/my-agenda/",
    "/editions/2024/expo/", "/editions/2099/register/", "/accounts/login/", "/accounts/password_reset/",
    "/api/v1/editions/", "/api/v1/editions/2017/", "/api/v1/sessions/?edition=2017",
])
def test_public_pages_render_uncached_when_the_cache_is_down(cache_down, world, client, path):
    first = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    second = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert (first.status_code, second.status_code) == (200, 200)


def test_agenda_and_session_pages_count_each_uncached_render(cache_down, world, client):
    session = world["session"]
    for path in ("/editions/2017/agenda/", "/editions/2017/agenda/", f"/editions/2017/sessions/{session.pk}/", "/editions/2017/schedule.json"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert (response.status_code, response["Cache-Control"]) == (200, "public, no-cache")
    assert session.title_zh in client.get(f"/editions/2017/sessions/{session.pk}/").content.decode()
    counts = degraded.snapshot()
    assert counts["agenda_uncached"] == 5
    assert counts["cache_errors"] >= 1 and counts["cache_errors"] + counts["cache_skipped"] >= 5


def test_gate_scans_admit_when_the_cache_is_down(cache_down, world, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {world['token']}")
    body = {"list": world["gate"].pk, "scanned_at": DAY1.isoformat(), "gate": "东门"}
    first = api_client.post("/api/v1/checkins/", {**body, "secret": world["credential"].secret, "nonce": str(uuid.uuid4())}, format="json")
    again = api_client.post("/api/v1/checkins/", {**body, "secret": world["credential"].secret, "nonce": str(uuid.uuid4())}, format="json")
    unknown = api_client.post("/api/v1/checkins/", {**body, "secret": "GUESS", "nonce": str(uuid.uuid4())}, format="json")

    assert (first.status_code, first.json()["result"], first.json()["guest"]["name"]) == (200, "ok", "Maria Silva")
    assert (again.status_code, again.json()["result"], again.json()["first_scan"]["gate"]) == (200, "already_checked_in", "东门")
    assert (unknown.status_code, unknown.json()["result"]) == (200, "invalid")
    # Each scan: the throttle and the limit on unknown codes could not count (2 x 3).
    assert degraded.snapshot()["rate_limits_open"] == 6


def test_registrations_by_api_and_form_succeed_when_the_cache_is_down(cache_down, world, api_client, client):
    by_api = api_client.post("/api/v1/registrations/", {**guest(email="api@example.org"), "edition": 2099}, format="json")
    by_form = client.post("/editions/2099/register/", form_post(email="form@example.org"), HTTP_ACCEPT_LANGUAGE="en")

    assert (by_api.status_code, by_api.json()["email"]) == (202, "api@example.org")
    assert (by_form.status_code, by_form["Location"]) == (302, "/editions/2099/register/sent/")
    assert degraded.snapshot()["rate_limits_open"] == 2


def test_token_sign_in_and_password_reset_work_when_the_cache_is_down(cache_down, world, api_client, client, django_capture_on_commit_callbacks):
    token = api_client.post("/api/v1/auth/token/", {"username": "gate-outage", "password": "a-long-test-password-1"}, format="json")
    wrong = api_client.post("/api/v1/auth/token/", {"username": "gate-outage", "password": "wrong"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        reset = client.post("/accounts/password_reset/", {"email": "gate@example.org"})
    sign_in = client.post("/accounts/login/", {"username": "gate-outage", "password": "a-long-test-password-1"})

    assert (token.status_code, len(token.json()["token"]) >= 40) == (200, True)
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid")
    assert (reset.status_code, reset["Location"]) == (302, "/accounts/password_reset/done/")
    assert (sign_in.status_code, client.get("/checkin/").status_code) == (302, 200)  # signed in, session in the database
    assert [m.to for m in mail.outbox if "password" in m.subject.lower() or "密码" in m.subject] == [["gate@example.org"]]
    assert degraded.snapshot()["rate_limits_open"] == 1  # password reset's limit (the token endpoint has none: axes counts in the database)


def test_healthz_answers_200_degraded_naming_redis_with_the_counters(cache_down, world, client):
    client.get("/editions/2017/agenda/")
    response = client.get("/healthz")
    body = response.json()
    assert (response.status_code, body["status"], body["failed"]) == (200, "degraded", "redis")
    assert body["degraded"]["agenda_uncached"] == 1
    assert set(body["degraded"]) == {"cache_errors", "cache_skipped", "rate_limits_open", "agenda_uncached", "tasks_not_queued", "tasks_deferred", "process", "since"}


def test_failures_are_warned_about_once_not_per_request(cache_down, world, client, caplog):
    degraded.reset()  # the world's own writes (the edition's) already failed once
    reset_breakers()
    caplog.clear()
    for _ in range(5):
        assert client.get("/editions/2017/agenda/").status_code == 200
    warnings = [r for r in caplog.records if r.name == "wic.degraded"]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in warnings)
    assert sorted({r.getMessage().split(" ")[1] for r in warnings}) == ["agenda_uncached", "cache_errors", "cache_skipped"]
    assert len(warnings) == 3  # one per kind in the first minute, however many requests


def test_an_agenda_version_bump_lost_in_the_outage_is_made_when_the_cache_answers(cache_down, world):
    """An edit while the cache is down cannot bump the edition's version; the pages cached before
    the outage, in a Redis that kept them, must not be served as current once it answers."""
    agenda_cache.bump_edition(2017)  # what an edit of a 2017 session does
    assert "agenda-version:2017" in agenda_cache._pending
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "outage-back"}}):
        from django.core.cache import cache

        cache.set("agenda-version:2017", "before-the-outage", None)
        version = agenda_cache.agenda_version(2017)
        assert not version.startswith("before-the-outage") and cache.get("agenda-version:2017") == version.split(".")[0]
        assert agenda_cache._pending == set()


def test_every_cache_operation_answers_as_an_empty_cache(cache_down):
    """Django's cache API, each operation: the answer of a cache that holds nothing. The first
    failure opens the breaker: the other operations are not tried (no connect timeout each)."""
    from django.core.cache import cache

    answers = {
        "get": cache.get("k", "default"), "get_many": cache.get_many(["a", "b"]), "add": cache.add("k", 1), "set": cache.set("k", 1),
        "set_many": cache.set_many({"a": 1, "b": 2}), "delete": cache.delete("k"), "delete_many": cache.delete_many(["a"]),
        "has_key": cache.has_key("k"), "touch": cache.touch("k"), "get_or_set": cache.get_or_set("k", 5), "clear": cache.clear(),
    }
    for operation in (cache.incr, cache.decr, cache.incr_version):
        with pytest.raises(ValueError):
            operation("k")
    assert answers == {
        "get": "default", "get_many": {}, "add": False, "set": False, "set_many": ["a", "b"], "delete": False, "delete_many": None,
        "has_key": False, "touch": False, "get_or_set": 5, "clear": None,
    }
    counts = degraded.snapshot()
    assert (counts["cache_errors"], counts["cache_skipped"]) == (1, 15)  # get_or_set is a get, an add and a get
