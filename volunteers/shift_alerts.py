"""Change alerts of volunteer shifts (issue 25): when a shift's time or post changes, each
volunteer on it is told once, on their page and by email in their language.

The steps are the agenda's (agenda.alerts: this app may import the agenda, not the reverse, so
the shared part takes this app's alert model and callables): `Shift.save()` calls
`shift_changed`, which opens or extends the shift's `ShiftChangeAlert`; the beat task
`volunteers.send_shift_alerts` (every minute, volunteers/tasks.py) calls `send_shift_alerts`,
which sends each alert 10 minutes after the first change of its burst, comparing the shift's
time and post before the burst with the shift as it is then (edited back: nobody is told).

Who is told: each volunteer holding the shift (an assignment "assigned") since before the
burst's last change (nobody when the shift was over both before and after the change: a
correction of the record), with one `ShiftNotice` (shown on their page until dismissed) and one email
(wic.outbox, key `volunteers.shift_alert:<alert>:<volunteer>`) in the volunteer's language
(`Volunteer.language`). An erased volunteer's address (`…@erased.invalid`) is written to by
nobody. The text says what changed, in Beijing time, with the post's name in the reader's
language ("Your shift at 注册台: now Tue 11-10 14:00–17:00 (was 09:00–12:00)").
"""
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agenda import alerts
from wic import outbox
from wic.i18n import prefers_english

from .enums import AssignmentStatus
from .models import Assignment, Post, Shift, ShiftChangeAlert, ShiftNotice, Volunteer

NOTICES_SHOWN = 20  # the most recent unread notices the volunteer's page shows


def shift_changed(shift: Shift, before: dict) -> ShiftChangeAlert:
    """A watched value of `shift` changed (Shift.save): open or extend its alert."""
    return alerts.change_record(ShiftChangeAlert, subject_field="shift", subject=shift, before=before)


def shown(values: dict, posts: dict) -> dict:
    """The values a notice shows, from a shift's watched values: its times, the post's names in
    both languages (the post may be renamed later: the notice keeps what it said)."""
    post = posts.get(values["post_id"])
    return {
        "start": values["starts_at"], "end": values["ends_at"],
        "post": values["post_id"], "post_zh": post.name_zh if post else "", "post_en": post.name_en if post else "",
    }


def _post(values: dict) -> str:
    return (values["post_en"] if prefers_english() else "") or values["post_zh"] or values["post_en"]


def change_text(before: dict, after: dict) -> str:
    """What changed, in the active language: one line (see the module's docstring)."""
    when, was = alerts.when_text(after["start"], after["end"]), alerts.when_text(before["start"], before["end"], same_day_as=after)
    words = {"when": when, "was": was, "post": _post(after), "was_post": _post(before)}
    time_changed = alerts.when_text(before["start"], before["end"]) != when
    post_changed = before["post"] != after["post"]
    if time_changed and post_changed:
        return _("Your shift: now %(when)s at %(post)s (was %(was)s at %(was_post)s)") % words
    if post_changed:
        return _("Your shift of %(when)s: now at %(post)s (was %(was_post)s)") % words
    return _("Your shift at %(post)s: now %(when)s (was %(was)s)") % words


def _deliver(alert: ShiftChangeAlert, shift: Shift) -> int:
    """Tell each volunteer on `shift` of `alert` (see the module's docstring); returns how many."""
    now = shift.watched_values()
    if max(alerts.moment(alert.before["ends_at"]), alerts.moment(now["ends_at"])) < timezone.now():
        return 0  # over before and after: a correction of the record (worked hours), not news
    posts = Post.objects.in_bulk({alert.before["post_id"], now["post_id"]})
    before, after = shown(alert.before, posts), shown(now, posts)
    if (alerts.when_text(before["start"], before["end"]), before["post"]) == (alerts.when_text(after["start"], after["end"]), after["post"]):
        return 0  # changed, but not in anything a reader would see (seconds of a time)
    volunteers = [
        a.volunteer for a in Assignment.objects.filter(shift=shift, status=AssignmentStatus.ASSIGNED, created__lte=alert.changed_at)
        .select_related("volunteer").order_by("pk")
        if not a.volunteer.email.endswith(".invalid")  # erased (volunteers.personal_data)
    ]
    ShiftNotice.objects.bulk_create(
        [ShiftNotice(alert=alert, shift=shift, volunteer=v, before=before, after=after) for v in volunteers], ignore_conflicts=True
    )
    for volunteer in volunteers:
        with translation.override(volunteer.language):
            line, post = change_text(before, after), _post(after)
        outbox.queue(
            key=f"volunteers.shift_alert:{alert.pk}:{volunteer.pk}", event="volunteers.shift_alert", to=[volunteer.email],
            language=volunteer.language, template="volunteers/email/shift_changed", context={"line": line, "post": post, "volunteer": volunteer},
        )
    return len(volunteers)


def send_shift_alerts(*, now=None) -> dict:
    """Send every shift change alert that is due (the beat task's work); returns the counts of
    agenda.alerts.alerts_send_due."""
    return alerts.alerts_send_due(ShiftChangeAlert, subject_field="shift", snapshot=Shift.watched_values, deliver=_deliver, now=now)


def unread_notices(volunteer: Volunteer) -> list[ShiftNotice]:
    """The volunteer's undismissed notices, newest first, at most NOTICES_SHOWN, each with its
    `text` in the active language (one query)."""
    notices = list(ShiftNotice.objects.filter(volunteer=volunteer, read_at__isnull=True).order_by("-created_at", "-pk")[:NOTICES_SHOWN])
    for notice in notices:
        notice.text = change_text(notice.before, notice.after)
    return notices


@transaction.atomic
def shift_notice_dismiss(*, user, notice_id: int) -> bool:
    """Mark a notice of the user's volunteer records read (dismissed); False when they have no such
    notice. Dismissing it again changes nothing."""
    notice = ShiftNotice.objects.select_for_update(of=("self",)).filter(pk=notice_id, volunteer__user=user).first()
    if notice is None:
        return False
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return True
