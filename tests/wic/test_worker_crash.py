"""A Celery worker killed (SIGKILL) in the middle of sending an email: the broker hands the task to
the next worker, and the email goes out exactly once.

`wic.deliver_email` is `acks_late`: the message is acknowledged only after the task returns, so a
worker that dies mid-task leaves it unacknowledged, and Redis redelivers it once the visibility
timeout has passed (CELERY_VISIBILITY_TIMEOUT, a few seconds here, 6 hours by default). The task is
idempotent: the row is locked while it is sent (the dead worker's transaction rolls back with its
connection) and a row already sent is left alone, so a redelivery after success sends nothing.

Real worker processes (`celery -A wic worker`) on the test's own database and broker: PostgreSQL
and Redis only, skipped otherwise. The mail server is a small SMTP server in this process that
stalls the first message after its DATA, so the test knows the task is mid-send when it kills.
"""
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.conftest import redis_url, requires_postgres, requires_redis
from wic.celery import app as celery_app
from wic.models import OutgoingEmail
from wic.tasks import deliver_email

pytestmark = [requires_postgres, requires_redis, pytest.mark.real_celery, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 3  # seconds; the worker and this process both get it
QUEUES = "mail,notifications,default,celery"  # whichever queue wic.deliver_email is routed to
ROOT = Path(__file__).resolve().parents[2]


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. A message counts as
    delivered only once the server has answered 250 to its final dot, as a real MTA takes
    responsibility for a message only then."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server
        self.reply("220 test ESMTP")
        sender, recipients = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].decode("ascii", "replace").upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-localhost\r\n250 8BITMIME\r\n")
                self.wfile.flush()
            elif verb == "MAIL":
                sender, recipients = line.decode().strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                if server.take_stall():
                    server.stalled.set()
                    while self.rfile.read(1024):  # hang until the client goes away (killed)
                        pass
                    server.dropped += 1
                    return
                server.delivered.append((sender, recipients, data))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")


class StallingSMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, stalls: int = 1):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.stalls_left = stalls
        self.stalled = threading.Event()
        self.delivered: list[tuple[str, list[str], bytes]] = []
        self.dropped = 0
        self._lock = threading.Lock()

    def take_stall(self) -> bool:
        with self._lock:
            if self.stalls_left > 0:
                self.stalls_left -= 1
                return True
            return False


@pytest.fixture
def smtp():
    server = StallingSMTPServer(stalls=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def short_visibility(monkeypatch):
    """The visibility timeout of a few seconds in this process too: the connections it opens from
    now on carry it (it publishes only; the workers are the ones that redeliver)."""
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", str(VISIBILITY_TIMEOUT))
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {"visibility_timeout": VISIBILITY_TIMEOUT})


def _purge_queues() -> None:
    """Messages left on this broker by an earlier, interrupted run would be run by our workers."""
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in QUEUES.split(","):
            channel.queue_purge(queue)


def _test_database_url() -> str:
    """DATABASE_URL pointing at the test database pytest-django created (test_<name>)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class Workers:
    """Starts `celery -A wic worker` processes (solo pool: the task runs in the process killed),
    each in its own process group, logging to files under tmp_path."""

    def __init__(self, tmp_path: Path, smtp_port: int):
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wic.settings",
            "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1"),
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": redis_url(),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}/",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("CELERY_BROKER_URL", None)
        self.env.pop("CELERY_RESULT_BACKEND", None)
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wic", "worker", "-n", f"{name}-{os.getpid()}@%h", "-P", "solo", "-c", "1",
             "-Q", QUEUES, "--prefetch-multiplier", "1", "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "info"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture
def workers(tmp_path, smtp, short_visibility):
    _purge_queues()
    running = Workers(tmp_path, smtp.server_address[1])
    yield running
    running.stop_all()


def _wait_for(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _email_row(**overrides) -> OutgoingEmail:
    fields = {
        "key": "test:worker-crash", "event": "test.crash", "to": ["guest@example.org"], "language": "en",
        "subject": "乌镇峰会 Wuzhen Summit", "body_text": "Your registration is approved.", "body_html": "",
    }
    return OutgoingEmail.objects.create(**{**fields, **overrides})


def test_worker_killed_mid_send_the_next_worker_sends_the_email_exactly_once(smtp, workers):
    email = _email_row()
    deliver_email.delay(email.pk)

    first = workers.start("crash-first")
    assert smtp.stalled.wait(40), "the first worker never reached the mail server:\n" + workers.log("crash-first")
    stalled_at = time.monotonic()
    os.killpg(first.pid, signal.SIGKILL)  # kill -9 in the middle of the SMTP conversation
    assert first.wait(timeout=10) == -signal.SIGKILL
    assert _wait_for(lambda: smtp.dropped == 1, 10)
    email.refresh_from_db()
    # The dead worker's transaction rolled back with its connection: nothing recorded, nothing sent.
    assert (email.status, email.attempts, email.sent_at, len(smtp.delivered)) == ("queued", 0, None, 0)

    # Redis hands the unacknowledged task to the next worker once the visibility timeout has passed.
    time.sleep(max(0.0, stalled_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    workers.start("crash-second")

    def sent() -> bool:
        email.refresh_from_db()
        return email.status == OutgoingEmail.SENT

    assert _wait_for(sent, 40, 0.2), "the task was not redelivered:\n" + workers.log("crash-second")
    assert (email.status, email.attempts, email.last_error) == ("sent", 1, "")
    assert [(recipients, b"Your registration is approved." in data) for _sender, recipients, data in smtp.delivered] == [(["guest@example.org"], True)]

    # The same task again (a redelivery after it had completed): nothing more is sent.
    assert deliver_email.apply_async((email.pk,), ignore_result=False).get(timeout=20) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, len(smtp.delivered)) == ("sent", 1, 1)
    assert OutgoingEmail.objects.filter(status="sent").count() == 1


# -- the outbox sweep: the email does not wait for the visibility timeout ---------------------------

LONG_VISIBILITY_TIMEOUT = 3600  # an hour: the redelivery cannot come within the test


def _forget_unacknowledged(task_id: str) -> None:
    """Remove the killed worker's unacknowledged message from Redis (the `unacked` hash and its
    index), so that no worker of a later run restores it once the visibility timeout has passed."""
    import json

    import redis

    client = redis.Redis.from_url(redis_url())
    for tag, payload in client.hgetall("unacked").items():
        try:
            message = json.loads(payload)[0]
        except (ValueError, IndexError, TypeError):
            continue
        if message.get("headers", {}).get("id") == task_id:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def long_visibility_workers(tmp_path, smtp, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {"visibility_timeout": LONG_VISIBILITY_TIMEOUT})
    _purge_queues()
    running = Workers(tmp_path, smtp.server_address[1])
    running.env["CELERY_VISIBILITY_TIMEOUT"] = str(LONG_VISIBILITY_TIMEOUT)
    yield running
    running.stop_all()


def test_worker_killed_mid_send_the_sweep_sends_the_email_once_without_waiting_for_the_visibility_timeout(smtp, long_visibility_workers):
    """Issue 19: after a kill -9 the row stayed "queued" until Redis redelivered the task, 6 hours
    later by default. The sweep hands it to the next worker once it is overdue (OUTBOX_SWEEP_AFTER),
    and it is sent once."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from wic import outbox

    workers = long_visibility_workers
    email = _email_row(key="test:worker-crash-sweep")
    task = deliver_email.delay(email.pk)
    try:
        first = workers.start("sweep-first")
        assert smtp.stalled.wait(40), "the first worker never reached the mail server:\n" + workers.log("sweep-first")
        os.killpg(first.pid, signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
        assert _wait_for(lambda: smtp.dropped == 1, 10)
        email.refresh_from_db()
        assert (email.status, email.attempts, len(smtp.delivered)) == ("queued", 0, 0)

        # Not overdue yet: the sweep leaves it. Overdue: handed to the workers again.
        assert outbox.sweep() == 0
        assert outbox.sweep(now=timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_AFTER + 1)) == 1
        workers.start("sweep-second")

        def sent() -> bool:
            email.refresh_from_db()
            return email.status == OutgoingEmail.SENT

        assert _wait_for(sent, 40, 0.2), "the swept task was not run:\n" + workers.log("sweep-second")
        assert (email.status, email.attempts, email.last_error) == ("sent", 1, "")
        # A second sweep, and the original task redelivered at last: nothing more is sent.
        assert outbox.sweep(now=timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_AFTER + 1)) == 0
        assert deliver_email.apply_async((email.pk,), ignore_result=False).get(timeout=20) is False
        assert [(recipients, b"Your registration is approved." in data) for _sender, recipients, data in smtp.delivered] == [(["guest@example.org"], True)]
    finally:
        _forget_unacknowledged(task.id)
