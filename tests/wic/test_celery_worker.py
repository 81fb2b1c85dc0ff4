"""A real Celery worker on the Redis broker runs the tasks (skipped where Redis is not configured)."""
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth import get_user_model

from tests.conftest import requires_redis
from wic.celery import app as celery_app

pytestmark = [pytest.mark.django_db, requires_redis, pytest.mark.real_celery]


@pytest.fixture
def worker():
    """A worker thread on the real broker. Celery's Django fixup would close the test's own database
    connection when the worker starts (right for a worker process, wrong inside the test process),
    so it is switched off for the worker's lifetime. Tasks that use the database open connections
    in the worker's thread; they are closed after each task, or PostgreSQL would refuse to drop the
    test database at the end ("being accessed by other users"). The worker consumes every queue
    of CELERY_TASK_QUEUES (mail, notifications, default), as `celery -A wic worker` does."""
    import threading

    from celery import signals
    from celery.fixups.django import DjangoFixup
    from django.db import connections

    def close_worker_thread_connections(**_kwargs):
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()

    fixups = [f for f in celery_app._fixups if isinstance(f, DjangoFixup)]
    for fixup in fixups:
        signals.worker_init.disconnect(dispatch_uid=fixup._worker_init_uid)
    signals.task_postrun.connect(close_worker_thread_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
            yield running
    finally:
        signals.task_postrun.disconnect(close_worker_thread_connections)
        for fixup in fixups:
            signals.worker_init.connect(fixup.on_worker_init, dispatch_uid=fixup._worker_init_uid)


def test_password_reset_mail_is_sent_by_a_real_worker(client, mailoutbox, worker, django_capture_on_commit_callbacks):
    get_user_model().objects.create_user("attendee-test", email="guest@example.org", password="a-long-test-password-1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "guest@example.org"})
    assert response.status_code == 302
    deadline = time.monotonic() + 20
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["guest@example.org"]


def test_send_email_task_round_trip_through_redis(mailoutbox, worker):
    from wic.tasks import send_email

    result = send_email.apply_async(kwargs={"subject": "测试 Test", "body": "body", "to": ["a@example.org"]}, ignore_result=False)
    assert result.get(timeout=20) == 1
    assert [m.subject for m in mailoutbox] == ["测试 Test"]
