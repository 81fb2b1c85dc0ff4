"""Handing tasks to Celery without letting a broker outage reach the user (STYLE habit 11).

`enqueue(task, *args)` publishes a task and says whether it was handed over. When it could not be
(the broker's Redis is down or unreachable, a network error, the result backend's Redis refusing;
or, without REDIS_URL, the task itself failing while it runs eagerly inside the request), the
failure is logged, by its type only, and counted as `tasks_not_queued` (wic.degraded; a task run
eagerly that asks to be retried, as `tasks_deferred`), and the caller carries on: what the task
was for is in the database already and is done again later. An email stays "queued" in the
outbox and the outbox sweep (`wic.sweep_outbox`) hands it over again; a badge is drawn when the
guest next asks for it.

`enqueue_on_commit(task, *args)`: the same, once the current transaction commits, as every task
that is given the primary key of a row the transaction writes must be.
"""
import logging

from celery.exceptions import Retry
from django.db import transaction

from . import degraded

logger = logging.getLogger("wic.queueing")


def enqueue(task, *args, **kwargs) -> bool:
    """`task.delay(*args, **kwargs)`; False, logged and counted, when it could not be handed over.
    Run eagerly, a task that asks to be retried (a mail server refusing: `Retry`) is not retried
    inside the request either; what it was for stays recorded for later."""
    try:
        task.delay(*args, **kwargs)
    except Retry as retry:  # eager only: a worker would have scheduled it
        degraded.record("tasks_deferred", f"{task.name}: {retry.exc!r}" if getattr(retry, "exc", None) else task.name)
        return False
    except Exception as error:  # any broker, backend or eager-run failure: what the task is for is in the database
        degraded.record("tasks_not_queued", f"{task.name}: {type(error).__name__}")
        logger.debug("task %s not queued", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """`enqueue(task, ...)` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
