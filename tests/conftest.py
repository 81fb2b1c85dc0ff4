import os

import pytest
from django.contrib.auth import get_user_model

from wic.seeding import seed_past_editions


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The past editions are seeded once for the whole run; each test rolls its own changes back."""
    with django_db_blocker.unblock():
        seed_past_editions()


def _flushes_database(item) -> bool:
    """A transactional test (transaction=True, transactional_db, live_server) ends with a flush of its
    worker's test database, which takes the seeded past editions with it."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


_SET_UP = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """Note that the test's fixtures, the test database among them, were set up (a test skipped in
    setup never had the database: it flushed nothing, and must not query the real one)."""
    result = yield
    item.stash[_SET_UP] = True
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the past editions back after a transactional test, once its flush is done (after every
    fixture's teardown), so the order of files does not matter: under pytest-xdist a worker runs the
    files it is handed in turn, and the one after a transactional test still finds the seed."""
    set_up = item.stash.get(_SET_UP, False)
    result = yield
    if set_up and nextitem is not None and _flushes_database(item):
        from pytest_django.plugin import blocking_manager_key

        from wic.models import Edition

        with item.config.stash[blocking_manager_key].unblock():
            if not Edition.objects.filter(year=2017).exists():
                seed_past_editions()
    return result


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Files the app stores (badges) go to a temp dir, not the project's media/."""
    from django.test import override_settings

    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(path)):
        yield path


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing():
    """Accounts are made and signed in with a fast hasher: the production one (Django's PBKDF2,
    1.5 million iterations, ~0.5 s a password on this machine) would spend minutes of the suite on
    fixtures' passwords. What is tested of passwords is who may sign in, not the hash's cost;
    tests/wic/test_security.py checks that production settings keep Django's PBKDF2."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root-test", "root@example.org", "a-long-test-password-1")


@pytest.fixture
def admin_client_logged(client, superuser):
    client.force_login(superuser)
    return client


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


requires_redis = pytest.mark.skipif(not redis_url(), reason="needs Redis: set REDIS_URL (CI sets it where Redis answers)")
requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI sets it where PostgreSQL answers)",
)


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in the test's own process (eagerly) so their effects can be asserted, even when
    REDIS_URL points Celery at a real broker; tests marked `real_celery` use a real worker instead."""
    from wic.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    if request.node.get_closest_marker("real_celery"):
        # Whatever an earlier test left behind, a real worker's test publishes to the broker.
        app.conf.task_always_eager, app.conf.task_eager_propagates = False, False
    else:
        app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def empty_cache():
    """The cache emptied before and after the test: rate-limit and throttle counters and cached
    pages do not leak from one test to the next. Modules use it with
    `pytest.mark.usefixtures("empty_cache")`."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (Chinese) and leaves it so: a test client's
    request that activated English, or a test that called translation.activate(), must not decide
    the language the next test's labels come out in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def in_english():
    """Services' sentences and labels in English (the default language is Chinese), for the tests that
    compare them with their English msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield
