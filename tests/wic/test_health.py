from unittest import mock

import pytest
from django.test import override_settings

from tests.conftest import requires_redis

pytestmark = pytest.mark.django_db


def test_healthz_ok_after_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


def test_healthz_503_when_database_is_down(client):
    from django.db import OperationalError

    with mock.patch("wic.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert {key: body[key] for key in ("status", "failed", "reason")} == {"status": "error", "failed": "database", "reason": "connection refused"}
    assert set(body["degraded"]) == {"cache_errors", "cache_skipped", "rate_limits_open", "agenda_uncached", "tasks_not_queued", "tasks_deferred", "process", "since"}


@override_settings(
    REDIS_URL="redis://127.0.0.1:1/0",
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    },
)
def test_healthz_says_degraded_but_200_when_configured_redis_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["failed"], body["checks"]) == ("degraded", "redis", {"database": "ok", "redis": "down"})
    assert "127.0.0.1:1" in body["reason"] or "refused" in body["reason"].lower()


@requires_redis
def test_healthz_pings_real_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


@requires_redis
def test_the_configured_redis_cache_degrades():
    """With REDIS_URL the cache is wic.cache's degrading backend (tests/wic/test_cache_outage.py
    shows what it does when Redis is down)."""
    from django.core.cache import caches

    from wic.cache import DegradingRedisCache

    assert isinstance(caches["default"], DegradingRedisCache)
    caches["default"].set("health-degrading", 1, 5)
    assert caches["default"].get("health-degrading") == 1


def test_favicon_ico_redirects_to_the_static_icon_that_every_page_links(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon.svg")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
