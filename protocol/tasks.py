"""Celery tasks of the protocol app (issue 23).

`protocol.remind_unanswered_cards` runs from Celery beat every hour at :30 (wic/settings.py,
CELERY_BEAT_SCHEDULE "protocol-remind-unanswered-cards"). Who is reminded and how often is
protocol.invitations.remind_unanswered's rule: an invitation card still unanswered while replies
are open, about once a day, never twice on one Beijing date (the outbox key), never after the
deadline or once answered. The task is a thin wrapper: it takes no arguments and holds no rule."""
from celery import shared_task

from .invitations import remind_unanswered


@shared_task(name="protocol.remind_unanswered_cards")
def remind_unanswered_cards() -> int:
    """Beat task (hourly): remind the invitees who have not answered their card. Returns how many."""
    return remind_unanswered()
