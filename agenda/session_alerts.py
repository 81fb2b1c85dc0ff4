"""Change alerts of sessions (issue 25): when a published session changes its day, time, hall or
status, everyone who starred it is told once, on "My agenda" and by email in their language.

What counts: a change of `Session.watched_fields` (the day, the start and end, the coarse period,
the hall, and `is_published`, the session's status for attendees: a session unpublished is
withdrawn from the agenda, one published again is back on it) of a session that was published
before or after the change. A session never published alerts nobody (nobody can have starred
it); a change of any other field (a typo in the title, a summary) alerts nobody.

How (agenda.alerts has the steps): `Session.save()` calls `session_changed`, which opens or
extends the session's `SessionChangeAlert`; the beat task `agenda.send_change_alerts` (every
minute, agenda/tasks.py) calls `send_change_alerts`, which sends each alert 10 minutes after the
first change of its burst, comparing the values before the burst with the session as it is then.

Who is told: each active account that starred the session before the burst's last change (one
who starred it since saw the session as it is), with one `SessionNotice` (shown on "My agenda"
until dismissed) and one email (wic.outbox, key `agenda.change_alert:<alert>:<user>`, to the
account's address where it has one) in the language of the page the star was given on
(`Star.language`: an account keeps no language of its own). Nobody is told of a session of an
edition that is not published, or that has ended (a correction of the record of a past summit
is not news). The text says what changed, in Beijing time, with the hall's and
the session's names in the reader's language ("<title>: now Tue 11-16 14:00–15:30 (was
10:00–11:30), hall 通安厅 (was 枕水厅)").
"""
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wic import outbox
from wic.i18n import pick, prefers_english

from . import alerts
from .enums import Period
from .models import Hall, Session, SessionChangeAlert, SessionNotice, Star

NOTICES_SHOWN = 20  # the most recent unread notices "My agenda" shows


def session_changed(session: Session, before: dict) -> SessionChangeAlert | None:
    """A watched value of `session` changed (Session.save): open or extend its alert when the
    session was published before or after the change; returns the open alert, or None."""
    if not (before["is_published"] or session.is_published):
        return None
    return alerts.change_record(SessionChangeAlert, subject_field="session", subject=session, before=before)


# -- what a notice shows ---------------------------------------------------------------------------

def shown(values: dict, halls: dict) -> dict:
    """The values a notice shows, from a session's watched values: its times, the hall's names in
    both languages (the hall may be renamed or moved later: the notice keeps what it said)."""
    hall = halls.get(values["hall_id"])
    return {
        "date": values["date"], "start": values["start"], "end": values["end"], "period": values["period"],
        "hall": values["hall_id"], "hall_zh": hall.name_zh if hall else "", "hall_en": hall.name_en if hall else "",
        "published": values["is_published"],
    }


def _when(values: dict, same_day_as: dict | None = None) -> str:
    period = str(Period(values["period"]).label) if values["period"] else ""
    return alerts.when_text(values["start"], values["end"], values["date"], period, same_day_as=same_day_as)


def _hall(values: dict) -> str:
    name = (values["hall_en"] if prefers_english() else "") or values["hall_zh"] or values["hall_en"]
    return name or _("no hall given")


def change_text(session: Session, before: dict, after: dict) -> str:
    """What changed, in the active language: one line (see the module's docstring)."""
    words = {"title": pick(session, "title"), "when": _when(after), "was": _when(before, same_day_as=after), "hall": _hall(after), "was_hall": _hall(before)}
    if before["published"] and not after["published"]:
        return _("%(title)s has been withdrawn from the agenda (it was %(was)s, %(was_hall)s)") % {**words, "was": _when(before)}
    if not before["published"]:
        return _("%(title)s is back on the agenda: %(when)s, %(hall)s") % words
    time_changed = _when(before) != _when(after)
    hall_changed = before["hall"] != after["hall"]
    if time_changed and hall_changed:
        return _("%(title)s: now %(when)s (was %(was)s), hall %(hall)s (was %(was_hall)s)") % words
    if hall_changed:
        return _("%(title)s: now in %(hall)s (was %(was_hall)s)") % words
    return _("%(title)s: now %(when)s (was %(was)s)") % words


def notice_text(notice: SessionNotice) -> str:
    """The notice's line in the active language (`notice.session` loaded with it)."""
    return change_text(notice.session, notice.before, notice.after)


# -- sending ---------------------------------------------------------------------------------------

def _deliver(alert: SessionChangeAlert, session: Session) -> int:
    """Tell each starrer of `session` of `alert` (see the module's docstring); returns how many."""
    edition = session.edition
    if not edition.is_published or edition.has_ended(timezone.localdate()):
        return 0  # nobody sees it, or a correction of the record of a past summit
    now = session.watched_values()
    halls = Hall.objects.in_bulk({alert.before["hall_id"], now["hall_id"]} - {None})
    before, after = shown(alert.before, halls), shown(now, halls)
    if (_when(before), before["hall"], before["published"]) == (_when(after), after["hall"], after["published"]):
        return 0  # changed, but not in anything a reader would see (seconds of a time)
    stars = list(
        Star.objects.filter(session=session, created__lte=alert.changed_at, user__is_active=True).select_related("user").order_by("pk")
    )
    SessionNotice.objects.bulk_create(
        [SessionNotice(alert=alert, session=session, user_id=star.user_id, before=before, after=after) for star in stars], ignore_conflicts=True
    )
    for star in stars:
        language = star.language or settings.LANGUAGE_CODE
        with translation.override(language):
            line, title = change_text(session, before, after), pick(session, "title")
        outbox.queue(
            key=f"agenda.change_alert:{alert.pk}:{star.user_id}", event="agenda.change_alert", to=[star.user.email], language=language,
            template="agenda/email/session_changed", context={"line": line, "title": title, "edition": session.edition},
        )
    return len(stars)


def send_change_alerts(*, now=None) -> dict:
    """Send every session change alert that is due (the beat task's work); returns the counts of
    agenda.alerts.alerts_send_due."""
    return alerts.alerts_send_due(
        SessionChangeAlert, subject_field="session", snapshot=Session.watched_values, deliver=_deliver, now=now,
        select_related=("session__edition",),
    )


# -- the notices on "My agenda" ---------------------------------------------------------------------

def unread_notices(user, edition) -> list[SessionNotice]:
    """The user's undismissed notices of the edition's sessions, newest first, at most
    NOTICES_SHOWN, each with its `text` in the active language (one query)."""
    notices = list(
        SessionNotice.objects.filter(user=user, read_at__isnull=True, session__edition=edition)
        .select_related("session").order_by("-created_at", "-pk")[:NOTICES_SHOWN]
    )
    for notice in notices:
        notice.text = notice_text(notice)
    return notices


@transaction.atomic
def session_notice_dismiss(*, user, notice_id: int) -> bool:
    """Mark the user's notice read (dismissed); False when the user has no such notice. Dismissing
    it again changes nothing."""
    notice = SessionNotice.objects.select_for_update().filter(pk=notice_id, user=user).first()
    if notice is None:
        return False
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return True
