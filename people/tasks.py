"""Celery tasks of the people app (issue 22, "The speaker's side").

`people.remind_unconfirmed_speakers` is meant for Celery beat, once a day (wic/settings.py,
CELERY_BEAT_SCHEDULE "people-remind-unconfirmed-speakers", 09:00 Beijing time).

Who is reminded, at `now`: an appearance still *invited* (never a declined, confirmed, cancelled
or appeared one), whose invitation was sent (`invited_at`, and the link's nonce people/invitations.py
draws; `appearance_invite` sets both and clears `reminded_at`), whose person has an email, whose agenda
item is not known to have started (people/dashboard.py says when an item starts), and

- whose item starts within REMIND_WITHIN (14 days), or whose invitation is older than
  REMIND_EVERY (3 days); and
- whose last reminder (`reminded_at`, else the invitation, `invited_at`) is at least REMIND_EVERY
  old.

(With the invitation as the last contact, the second rule already makes the invitation 3 days
old: the first adds nothing today; it is kept as the rule organizers were given.)

Each reminder is one transaction: the appearance is locked (`select_for_update`), checked again
under the lock, the email recorded in the outbox (wic.outbox: delivered after the commit, swept
again if the broker is down) and `reminded_at` set. Two workers running the task at once, or the
task run twice, send one reminder: the second finds the row reminded (or waits on the lock and
then finds it), and the outbox key (the appearance and its last contact) is written once.
"""
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from wic import outbox
from wic.display import BEIJING
from wic.i18n import pick

from .dashboard import not_started_q, starts_between_q
from .enums import AppearanceStatus
from .models import Appearance

REMIND_EVERY = timedelta(days=3)
REMIND_WITHIN = timedelta(days=14)


def due_q(now: datetime) -> Q:
    """The appearances owed a reminder at `now` (see the module's docstring)."""
    quiet_since = now - REMIND_EVERY
    return (
        Q(status=AppearanceStatus.INVITED, invited_at__isnull=False)
        & ~Q(link_nonce="")  # the invitation's link: a reminder carries it
        & ~Q(person__email="")
        & not_started_q(now)
        & (starts_between_q(now, now + REMIND_WITHIN) | Q(invited_at__lte=quiet_since))
        & (Q(reminded_at__isnull=True, invited_at__lte=quiet_since) | Q(reminded_at__lte=quiet_since))
    )


def _when(session) -> str:
    """The item's day and time in Beijing, for the email ("2026-11-17 09:30", "2026-11-17 Morning")."""
    if session.start is not None:
        return timezone.localtime(session.start, BEIJING).strftime("%Y-%m-%d %H:%M")
    if session.date is None:
        return ""
    return f"{session.date:%Y-%m-%d} {session.get_period_display()}".strip() if session.period else f"{session.date:%Y-%m-%d}"


def reminder_key(appearance: Appearance) -> str:
    """The outbox key of the reminder owed now: one per appearance and last contact."""
    last = appearance.reminded_at or appearance.invited_at
    return f"people.reminder:{appearance.pk}:{last.isoformat() if last else ''}"


def send_reminder(appearance: Appearance):
    """Record the reminder email of `appearance` in the outbox, in the appearance's language, in
    the caller's transaction (as registration/notifications.py records its emails); delivery
    follows the commit. It carries the private link of people/invitations.py (a fresh token for
    the appearance's current nonce: the invitation's link keeps working too). Not
    `invitations.invitation_email_queue`: its outbox key is one per nonce, and an appearance is
    reminded more than once with the same nonce; here the same last contact is reminded once
    (the outbox key). Returns the OutgoingEmail, or None when the person has no email."""
    from .invitations import link_max_age, speaker_link_url

    session = appearance.session
    with translation.override(appearance.language):  # the names and labels in the email's language
        words = {
            "name": pick(appearance.person, "name"), "title": pick(session, "title"), "role": str(appearance.get_role_display()),
            "when": _when(session),
        }
    return outbox.queue(
        key=reminder_key(appearance), event="people.reminder", to=[appearance.person.email], language=appearance.language,
        template="people/email/reminder",
        context={"appearance": appearance, "edition": session.edition, "link": speaker_link_url(appearance), "days": link_max_age().days,
                 "secretariat": settings.DEFAULT_FROM_EMAIL, **words},
    )


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind every appearance owed a reminder at `now`, one transaction each; returns how many
    were reminded."""
    now = now or timezone.now()
    due = list(Appearance.objects.filter(due_q(now)).order_by("pk").values_list("pk", flat=True))
    sent = 0
    for pk in due:
        with transaction.atomic():
            appearance = (
                Appearance.objects.select_for_update(of=("self",)).select_related("person", "session__edition")
                .filter(due_q(now), pk=pk).first()
            )
            if appearance is None:  # answered, cancelled or reminded since the list was read
                continue
            send_reminder(appearance)
            appearance.reminded_at = now
            appearance.save(update_fields=["reminded_at"])
            sent += 1
    return sent


@shared_task(name="people.remind_unconfirmed_speakers")
def remind_unconfirmed_speakers() -> int:
    """Beat task (daily): remind the invited speakers who have not answered. Returns how many."""
    return reminders_send()
