"""The read replica (issue 26, wic/db_router.py): which requests read from it, which never do, and
what happens when it fails.

On SQLite: the module adds a "replica" alias that mirrors the test database (a second connection
to the same shared in-memory database, reading uncommitted rows, so it sees each test's rows as a
streaming replica would see committed ones), the router and the middleware. Every assertion
counts the queries of each alias; the page's own queries are counted once with every read forced
to the primary (`db_router.primary()`), so a change to a page's queries does not break these tests.
"""
import copy
import json
import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import OperationalError, connections, transaction
from django.db.utils import load_backend
from django.http import JsonResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path

from tests.wic.test_cache_outage import cache_down  # noqa: F401 - a fixture
from wic import db_router, degraded, roles
from wic.models import Edition

ROOT = Path(__file__).resolve().parents[2]
BEIJING = ZoneInfo("Asia/Shanghai")
AGENDA = "/editions/2017/agenda/"
PEOPLE = "/editions/2017/people/"  # replica-safe and not kept in the page cache
REPLICA_DB = pytest.mark.django_db(databases=["default", "replica"])
ON_SQLITE = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the replica alias mirrors the in-memory SQLite test database (a second connection reading its uncommitted rows); "
    "on PostgreSQL a test's rows are invisible to a second connection, and bench/cluster.py runs a real streaming replica",
)
pytestmark = [ON_SQLITE, REPLICA_DB, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A "replica" alias for this module only, mirroring the test database, as settings.py configures
    one with DATABASE_REPLICA_URL (TEST MIRROR "default"). Module-scoped, so it exists before each
    test's database set-up opens its transactions."""
    default = connections.settings["default"]
    replica = copy.deepcopy(default)
    replica["TEST"]["MIRROR"] = "default"
    # No IMMEDIATE transactions (a replica never writes); read_uncommitted: a connection sharing
    # the in-memory database's cache then reads the test's rows instead of waiting for its locks.
    replica["OPTIONS"] = {"timeout": 10, "init_command": "PRAGMA read_uncommitted=1;"}
    assert default["NAME"].startswith("file:memorydb"), "these tests mirror the in-memory SQLite test database"
    connections.settings["replica"] = replica
    yield
    wrapper = connections["replica"]
    if wrapper.connection is not None:  # Django never closes an in-memory database's connection
        wrapper.connection.close()
        wrapper.connection = None
    del connections["replica"]
    del connections.settings["replica"]


@pytest.fixture(autouse=True)
def replica_routing(settings):
    """The router and the middleware, where settings.py puts them when DATABASE_REPLICA_URL is set."""
    settings.DATABASE_ROUTERS = ["wic.db_router.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "wic.db_router.ReplicaMiddleware")
    settings.MIDDLEWARE = middleware
    degraded.reset()
    db_router.reset_health()
    yield
    degraded.reset()
    db_router.reset_health()


def queries(send):
    """(response, queries on default, queries on the replica)."""
    with CaptureQueriesContext(connections["default"]) as on_default, CaptureQueriesContext(connections["replica"]) as on_replica:
        response = send()
    return response, len(on_default), len(on_replica)


def on_primary(send, *, content: bool = False):
    """How many queries the request makes with every read on the primary (and the cache empty),
    and with `content` the page too."""
    cache.clear()
    with db_router.primary():
        response, on_default, on_replica = queries(send)
    assert (response.status_code, on_replica) == (200, 0)
    cache.clear()
    return (on_default, response.content) if content else on_default


@pytest.fixture
def gate(django_user_model):
    from registration import services
    from registration.models import CheckinList
    from tests.factories import EditionFactory
    from tests.registration.test_services_and_pages import guest

    edition = EditionFactory(year=2099)
    registration = services.registration_create(edition=edition, data=guest())
    services.registration_decide(registration=registration, status="approved", actor=None)
    checkin_list = CheckinList.objects.create(edition=edition, name_zh="主入口 11月10日", kind="gate", day=datetime(2099, 11, 10).date())
    staff = django_user_model.objects.create_user("gate-replica", password="a-long-test-password-1")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    return {"list": checkin_list, "credential": registration.credentials.get(), "staff": staff}


CACHED_PAGES = [AGENDA, "/editions/2017/", "/editions/2017/schedule.json"]  # agenda.views.public_cache


@pytest.mark.parametrize("url", ["/editions/2017/people/", "/api/v1/sessions/?edition=2017"])
def test_public_read_anonymous_reads_only_from_the_replica(client, url):
    expected = on_primary(lambda: client.get(url))

    response, on_default, on_replica = queries(lambda: client.get(url))

    assert response.status_code == 200
    assert (on_default, on_replica) == (0, expected)
    assert expected > 0


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_page_rendered_to_be_cached_reads_the_primary(client, url):
    """A page kept under the edition's new version must not come from a replica that has not yet
    replayed the edit (it would be served until the next edit): agenda.views.public_cache renders
    it inside db_router.primary()."""
    expected = on_primary(lambda: client.get(url))

    response, on_default, on_replica = queries(lambda: client.get(url))

    assert response.status_code == 200
    assert (on_default, on_replica) == (expected, 0)


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_with_the_cache_down_the_uncached_pages_read_the_replica(client, url, cache_down):  # noqa: F811
    expected = on_primary(lambda: client.get(url))

    response, on_default, on_replica = queries(lambda: client.get(url))

    assert response.status_code == 200
    assert (on_default, on_replica) == (0, expected)


def test_page_served_from_the_cache_touches_no_database(client):
    expected = on_primary(lambda: client.get(AGENDA))

    first, *first_counts = queries(lambda: client.get(AGENDA))
    second, *second_counts = queries(lambda: client.get(AGENDA))

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first_counts, second_counts) == ([expected, 0], [0, 0])


def test_session_page_anonymous_reads_from_the_replica_only_when_it_is_not_cached(client, cache_down):  # noqa: F811
    session = Edition.objects.get(year=2017).sessions.filter(is_published=True).order_by("pk").first()
    url = f"/editions/2017/sessions/{session.pk}/"
    expected = on_primary(lambda: client.get(url))

    response, on_default, on_replica = queries(lambda: client.get(url))

    assert response.status_code == 200
    assert (on_default, on_replica) == (0, expected)


def test_agenda_page_signed_in_reads_only_from_the_primary(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("attendee-replica", password="a-long-test-password-1"))
    expected = on_primary(lambda: client.get(AGENDA))

    response, on_default, on_replica = queries(lambda: client.get(AGENDA))

    assert response.status_code == 200
    assert (on_default, on_replica) == (expected, 0)


def test_api_list_with_a_token_reads_the_token_from_the_primary_and_the_list_from_the_replica(client, django_user_model):
    from wic.tokens import token_create

    _token, key = token_create(user=django_user_model.objects.create_user("reader-replica", password="a-long-test-password-1"))
    url = "/api/v1/sessions/?edition=2017"
    anonymous = on_primary(lambda: client.get(url))

    response, on_default, on_replica = queries(lambda: client.get(url, HTTP_AUTHORIZATION=f"Token {key}"))

    assert response.status_code == 200
    assert response.json()["count"] > 0
    assert (on_default, on_replica) == (1, anonymous)  # the token with its user, then the list


def test_scan_post_never_reads_from_the_replica(api_client, gate):
    api_client.force_authenticate(gate["staff"])
    body = {
        "list": gate["list"].pk, "secret": gate["credential"].secret, "nonce": str(uuid.uuid4()),
        "scanned_at": datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING).isoformat(), "device": "phone-A",
    }

    response, on_default, on_replica = queries(lambda: api_client.post("/api/v1/checkins/", body, format="json"))

    assert (response.status_code, response.json()["result"]) == (200, "ok")
    assert on_replica == 0
    assert on_default > 0


def test_get_inside_a_transaction_reads_from_the_primary(client):
    expected = on_primary(lambda: client.get(AGENDA))

    def in_atomic():
        with transaction.atomic():
            return client.get(AGENDA)

    response, on_default, on_replica = queries(in_atomic)

    assert response.status_code == 200
    assert (on_default, on_replica) == (expected + 2, 0)  # and the atomic block's SAVEPOINT and RELEASE


def test_url_not_in_the_allow_list_reads_from_the_primary(client):
    sessions = list(Edition.objects.get(year=2017).sessions.filter(is_published=True).order_by("pk").values_list("pk", flat=True)[:2])
    url = "/editions/2017/my-agenda/?s=" + ",".join(map(str, sessions))
    expected = on_primary(lambda: client.get(url))

    response, on_default, on_replica = queries(lambda: client.get(url))

    assert response.status_code == 200
    assert (on_default, on_replica) == (expected, 0)
    assert expected > 0


def probe(request):
    """A read, a write, a read: the second read must see the write."""
    before = Edition.objects.filter(year=2017, is_demo=False).count()
    Edition.objects.filter(year=2017).update(is_demo=True)
    after = Edition.objects.filter(year=2017, is_demo=False).count()
    return JsonResponse({"before": before, "after": after})


urlpatterns = [path("replica-probe/", probe, name="replica-probe")]


@pytest.mark.urls(__name__)
def test_read_after_a_write_in_the_same_request_reads_from_the_primary(client, monkeypatch):
    monkeypatch.setattr(db_router, "ANY_USER_VIEWS", frozenset({"replica-probe"}))

    response, on_default, on_replica = queries(lambda: client.get("/replica-probe/"))

    assert response.json() == {"before": 1, "after": 0}
    assert (on_default, on_replica) == (2, 1)  # the update and the second read; the first read


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.urls(__name__)
def test_other_methods_are_never_replica_safe(client, monkeypatch, method):
    monkeypatch.setattr(db_router, "ANY_USER_VIEWS", frozenset({"replica-probe"}))

    response, on_default, on_replica = queries(lambda: getattr(client, method)("/replica-probe/"))

    assert response.json() == {"before": 1, "after": 0}
    assert (on_default, on_replica) == (3, 0)


@contextmanager
def replica_down(tmp_path):
    """The replica alias pointed at a SQLite file in a directory that does not exist: connecting
    fails as it does to a replica that is down. The working connection is put back before the
    test's transactions are rolled back."""
    working = connections["replica"]
    broken = {**working.settings_dict, "NAME": str(tmp_path / "missing" / "replica.sqlite3")}
    connections["replica"] = load_backend(broken["ENGINE"]).DatabaseWrapper(broken, "replica")
    try:
        yield connections["replica"]
    finally:
        connections["replica"] = working


def test_replica_down_serves_the_page_from_the_primary_and_counts_it(client, tmp_path):
    expected, page = on_primary(lambda: client.get(PEOPLE), content=True)

    with replica_down(tmp_path) as replica, CaptureQueriesContext(connections["default"]) as on_default:
        response = client.get(PEOPLE)
        cache.clear()
        counted_once = degraded.snapshot()["replica_fallbacks"]
        again = client.get(PEOPLE)  # within 30 s: the replica is not even tried

    assert (response.status_code, again.status_code) == (200, 200)
    assert response.content == again.content == page
    assert len(on_default) == 2 * expected
    assert replica.connection is None  # never connected, so nothing was read from it
    assert (counted_once, degraded.snapshot()["replica_fallbacks"]) == (1, 2)
    assert db_router.replica_unhealthy()


def test_replica_failing_mid_request_runs_the_view_again_on_the_primary(client):
    expected = on_primary(lambda: client.get(PEOPLE))

    def conflict(execute, sql, params, many, context):
        raise OperationalError("canceling statement due to conflict with recovery")

    with connections["replica"].execute_wrapper(conflict):
        response, on_default, on_replica = queries(lambda: client.get(PEOPLE))

    assert response.status_code == 200
    assert (on_default, on_replica) == (expected, 1)  # the failed query, then the whole page again
    assert degraded.snapshot()["replica_fallbacks"] == 1
    assert db_router.replica_unhealthy()
    assert connections["replica"].execute_wrappers == []


def test_replica_used_again_once_the_pause_is_over(client, monkeypatch):
    expected = on_primary(lambda: client.get(PEOPLE))
    db_router.mark_unhealthy()

    _response, on_default, on_replica = queries(lambda: client.get(PEOPLE))
    assert (on_default, on_replica) == (expected, 0)
    assert degraded.snapshot()["replica_fallbacks"] == 1

    cache.clear()
    monkeypatch.setattr(db_router, "_unhealthy_until", time.monotonic() - 1)
    response, on_default, on_replica = queries(lambda: client.get(PEOPLE))

    assert response.status_code == 200
    assert (on_default, on_replica) == (0, expected)
    assert degraded.snapshot()["replica_fallbacks"] == 1


def test_router_outside_a_request_uses_the_primary():
    replica_router = db_router.ReplicaRouter()
    edition = Edition.objects.get(year=2017)

    assert replica_router.db_for_read(Edition) is None
    assert replica_router.db_for_write(Edition) == "default"
    assert replica_router.allow_migrate("default", "wic") is True
    assert replica_router.allow_migrate("replica", "wic") is False
    edition._state.db = "replica"
    assert replica_router.allow_relation(edition, Edition.objects.get(year=2020)) is True
    assert Edition.objects.filter(year=2017).db == "default"


def settings_in_subprocess(**env) -> dict:
    code = (
        "import json, django; django.setup(); "
        "from django.conf import settings; from django.db import connections, router; from wic import degraded; "
        "replica = settings.DATABASES.get('replica'); "
        "print(json.dumps({'aliases': list(connections), 'routers': [type(r).__name__ for r in router.routers], "
        "'middleware': [m for m in settings.MIDDLEWARE if 'auth' in m or 'db_router' in m], "
        "'replica': replica and {k: replica[k] for k in ('ENGINE', 'HOST', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'OPTIONS', 'TEST')}, "
        "'counted': 'replica_fallbacks' in degraded.snapshot()}))"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "DATABASE_PREPARED_STATEMENTS")}
    environment.update(DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="wic.settings", DATABASE_CONN_MAX_AGE="60", **env)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def test_without_replica_url_no_alias_router_or_middleware():
    found = settings_in_subprocess()

    assert found == {
        "aliases": ["default"],
        "routers": [],
        "middleware": ["django.contrib.auth.middleware.AuthenticationMiddleware"],
        "replica": None,
        "counted": False,
    }


def test_with_replica_url_the_alias_mirrors_default_in_tests_and_has_the_same_options():
    found = settings_in_subprocess(DATABASE_REPLICA_URL="postgres://wic:secret@replica.example.org:5432/wic")

    assert found["aliases"] == ["default", "replica"]
    assert found["routers"] == ["ReplicaRouter"]
    assert found["middleware"] == ["django.contrib.auth.middleware.AuthenticationMiddleware", "wic.db_router.ReplicaMiddleware"]
    assert found["replica"].pop("TEST")["MIRROR"] == "default"
    assert found["replica"] == {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "replica.example.org",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 2, "prepare_threshold": 5},
    }
    assert found["counted"] is True
