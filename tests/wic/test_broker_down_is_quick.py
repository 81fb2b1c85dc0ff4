"""A task that cannot be handed over because the broker's Redis is down fails quickly inside the
request (wic.queueing counts it; the outbox sweep sends the email later), instead of holding the
request about 20 s while Celery's Redis result backend retried its subscription (found by the
cluster rehearsal, 2026-12-07): no task keeps a result (CELERY_TASK_IGNORE_RESULT).

In a subprocess: the settings read REDIS_URL once, at start, and here it names a port where
nothing listens."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = r"""
import json, time
import django
django.setup()
from django.conf import settings
from wic.queueing import enqueue
from wic.tasks import send_email
started = time.perf_counter()
handed = enqueue(send_email, subject="x", body="y", to=["a@example.org"])
print(json.dumps({"handed": handed, "seconds": time.perf_counter() - started, "ignore_result": settings.CELERY_TASK_IGNORE_RESULT}))
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_a_task_is_given_up_in_under_three_seconds_when_the_broker_is_down():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    env.update(DJANGO_SETTINGS_MODULE="wic.settings", DJANGO_DEBUG="1", REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", DJANGO_LOG_LEVEL="CRITICAL")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert (answer["handed"], answer["ignore_result"]) == (False, True)
    assert answer["seconds"] < 3, answer
