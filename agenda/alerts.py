"""Change alerts, the part every app shares (issue 25): a record people rely on changes, and each
of them is told once, a while later, of what changed in all.

How a change becomes one message:

1. **Detected where the record is saved.** A watched model mixes in `WatchedFields` and calls
   `before_save()` in `Model.save()`; so every path that saves through the model (the admin, the
   services, the seed, the translation workbench, an API) is seen, and nothing else has to
   remember it. `before_save` reads the stored values (one query by primary key; none when
   `update_fields` names no watched field), so "before" is what the database held, whoever
   loaded the instance when: an admin form left open that writes back what someone changed
   since is a change too. `QuerySet.update()` and `bulk_update()` bypass `save()` and are not
   seen: none of the apps moves a watched field that way (the data migrations do, and they must
   alert nobody).
2. **Coalesced.** The app decides whether the change counts (the agenda: the session was
   published before or after it) and calls `change_record()`, which opens the record's pending
   alert (its model derives from `agenda.models.ChangeAlert`: the values before the change,
   `opened_at`, `due_at` = `opened_at` + BURST) or, when one is open, leaves its "before" values
   and its `due_at` as they are and only notes `changed_at`. So edits in the 10 minutes after a
   first change make one message, and a record edited again and again is still announced at
   most 10 minutes after its first change (a window that moved with every edit could wait
   forever). One open alert per record is a database constraint; two changes at once open one.
3. **Sent by a beat task** (every minute; the apps' `send_*` tasks call `alerts_send_due()`):
   each due alert, in a transaction of its own and locked, compares its "before" values with
   the record as it is now. Nothing changed in the end (edited back): closed as `unchanged`,
   nobody is told. Otherwise the app's `deliver` writes one in-app notice per person and records
   one email per person in the outbox (wic.outbox, keyed by alert and person), and the alert is
   closed as `sent` with how many were told. A closed alert is never sent again, so the task
   run twice (or by two workers at once: the second waits on the lock, then finds it closed)
   sends once; and the notice's (alert, person) constraint and the email's key say so again.

The request that saves a record writes at most the alert row, in its own transaction: it never
talks to the broker, so a broker that is down cannot fail it. The task's emails reach the
broker after each alert's commit (wic.queueing: logged and counted when the broker is down, the
outbox sweep sends them later).

This module knows no app: it takes the alert model, the record and callables. It imports only
the core (the agenda's models import it for `WatchedFields` and `before_save`).
"""
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wic.display import BEIJING

BURST = timedelta(minutes=10)  # edits within this time of a record's first change make one message
BATCH = 200  # alerts sent per run of a task at most; the rest wait for the next minute

SENT, UNCHANGED, NOBODY = "sent", "unchanged", "nobody"


def _plain(value):
    """A watched value as JSON keeps it, and the same whatever object it came from: an aware
    datetime in UTC ISO 8601 (one moment, one text, whichever zone the form gave it in), a date
    in ISO 8601, anything else as is (foreign keys are compared by their id)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class WatchedFields:
    """Model mixin: the `watched_fields` (attnames: "hall_id", not "hall") and their values."""

    watched_fields: tuple[str, ...] = ()

    def watched_values(self) -> dict:
        """The watched fields' values now, JSON-ready."""
        return {name: _plain(getattr(self, name)) for name in self.watched_fields}


def _names(model) -> set[str]:
    """The watched fields by name and attname ("hall", "hall_id"), as `update_fields` may give either."""
    names = set()
    for attname in model.watched_fields:
        names.add(attname)
        names.add(attname.removesuffix("_id"))
    return names


def before_save(instance, update_fields=None) -> dict | None:
    """Called before `instance` is saved: the watched values the database holds when the save
    changes one of them, else None (a new record, a save of other fields, nothing watched
    changed). One query by primary key, and none for a new record or for `update_fields` naming
    no watched field."""
    if instance.pk is None or instance._state.adding:
        return None
    if update_fields is not None and not (set(update_fields) & _names(type(instance))):
        return None
    stored = type(instance)._base_manager.filter(pk=instance.pk).values(*instance.watched_fields).first()
    if stored is None:
        return None
    stored = {name: _plain(value) for name, value in stored.items()}
    now = instance.watched_values()
    if update_fields is not None:  # only those are written: the others stay as stored
        written = set(update_fields)
        now = {name: value if {name, name.removesuffix("_id")} & written else stored[name] for name, value in now.items()}
    return None if stored == now else stored


def change_record(alert_model, *, subject_field: str, subject, before: dict, now: datetime | None = None):
    """Open `subject`'s pending alert with the values `before` its change, or, when one is open,
    note the change in it (its "before" values and `due_at` stay: see the module's docstring).
    Runs in the saving transaction; returns the open alert."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = alert_model.objects.select_for_update().filter(**{subject_field: subject}, closed_at__isnull=True).first()
        if alert is None:
            try:
                with transaction.atomic():  # a savepoint: another change may have opened it meanwhile
                    return alert_model.objects.create(**{subject_field: subject}, before=before, opened_at=now, changed_at=now, due_at=now + BURST)
            except IntegrityError:
                alert = alert_model.objects.select_for_update().get(**{subject_field: subject}, closed_at__isnull=True)
        if now > alert.changed_at:
            alert.changed_at = now
            alert.save(update_fields=["changed_at"])
        return alert


def alerts_send_due(
    alert_model, *, subject_field: str, snapshot: Callable, deliver: Callable, now: datetime | None = None,
    select_related: tuple[str, ...] = (), limit: int = BATCH,
) -> dict:
    """Send every alert of `alert_model` due at `now`, oldest first, one transaction each (see the
    module's docstring). `snapshot(subject)` gives the record's watched values now (as
    `WatchedFields.watched_values`); `deliver(alert, subject)` tells the people concerned and
    returns how many it told. Returns the counts: alerts sent, closed unchanged, closed with
    nobody to tell, and the people told."""
    now = now or timezone.now()
    counts = {SENT: 0, UNCHANGED: 0, NOBODY: 0, "told": 0}
    due = list(
        alert_model.objects.filter(closed_at__isnull=True, due_at__lte=now).order_by("due_at", "pk").values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        with transaction.atomic():
            alert = (
                alert_model.objects.select_for_update(of=("self",)).select_related(subject_field, *select_related)
                .filter(pk=pk, closed_at__isnull=True).first()
            )
            if alert is None:  # sent by another run since the list was read
                continue
            subject = getattr(alert, subject_field)
            if snapshot(subject) == alert.before:
                alert.outcome, told = UNCHANGED, 0
            else:
                told = deliver(alert, subject)
                alert.outcome = SENT if told else NOBODY
            alert.closed_at, alert.told = now, told
            alert.save(update_fields=["closed_at", "outcome", "told"])
            counts[alert.outcome] += 1
            counts["told"] += told
    return counts


# -- words: when, in the active language, Beijing time ---------------------------------------------

def moment(value: str | None) -> datetime | None:
    """A stored ISO 8601 moment, in Beijing time."""
    return datetime.fromisoformat(value).astimezone(BEIJING) if value else None


def day_text(day: date) -> str:
    """A day with its weekday: "Tue 11-16" ("11月16日星期二")."""
    parts = {"weekday": date_format(day, "D"), "mm": f"{day.month:02d}", "dd": f"{day.day:02d}", "month": str(day.month), "day": str(day.day)}
    # xgettext:no-python-format (Chinese uses the month and day without the leading zero: month, day)
    return pgettext("change alert", "%(weekday)s %(mm)s-%(dd)s") % parts


def when_text(start: str | None, end: str | None, day: str | None = None, period_label: str = "", *, same_day_as: dict | None = None) -> str:
    """When something takes place, Beijing time: "Tue 11-16 14:00–15:30"; only "10:00–11:30" where
    it is on the day of `same_day_as` (the other side of a change, {"start": ..., "date": ...});
    "Tue 11-16 Afternoon" for a day and a coarse period; "no day given" for neither."""
    begins, ends = moment(start), moment(end)
    if begins is not None:
        clock = f"{begins:%H:%M}–{ends:%H:%M}" if ends is not None else f"{begins:%H:%M}"
        other = moment((same_day_as or {}).get("start"))
        if other is not None and other.date() == begins.date():
            return clock
        return f"{day_text(begins.date())} {clock}"
    if day:
        return f"{day_text(date.fromisoformat(day))} {period_label}".strip()
    return _("no day given")
