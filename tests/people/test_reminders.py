"""Issue 22, "The speaker's side": reminders by Celery beat while a speaker has not answered
(people.tasks.remind_unconfirmed_speakers, daily). Exactly who is reminded; once per 3 days;
twice run, sent once; the email in the appearance's language with the private link; recorded in
the outbox even when the broker is down."""
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from people.enums import AppearanceStatus
from people.models import Appearance
from people.services import appearance_upsert
from people.tasks import remind_unconfirmed_speakers, reminders_send
from tests.factories import EditionFactory
from tests.wic.test_outbox_outage import broker_down  # noqa: F401 - a fixture
from wic import degraded
from wic.models import OutgoingEmail

from .helpers import BEIJING, person, session

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=BEIJING)  # the beat's 09:00, six days before the summit
TODAY = NOW.date()
SUMMIT = date(2026, 11, 16)


def invited(key: str, item, *, invited_days_ago: float | None, reminded_days_ago: float | None = None, status: str = "invited",
            email: str | None = None, language: str = "zh-hans", role: str = "speech") -> Appearance:
    """An appearance whose invitation went `invited_days_ago` days before NOW (None: never sent)."""
    p = person(key, name_zh=f"测试{key}", name_en=f"Test {key}", email=f"{key}@example.org" if email is None else email)
    a = appearance_upsert(person=p, session=item, role=role, status=status, check_clashes=False, title_zh="测试职务")
    Appearance.objects.filter(pk=a.pk).update(
        invited_at=None if invited_days_ago is None else NOW - timedelta(days=invited_days_ago),
        reminded_at=None if reminded_days_ago is None else NOW - timedelta(days=reminded_days_ago),
        link_nonce="" if invited_days_ago is None else f"nonce{key}".ljust(32, "0")[:32],
        language=language,
    )
    return Appearance.objects.get(pk=a.pk)


@pytest.fixture
def edition():
    return EditionFactory(year=2026, start_date=SUMMIT, end_date=date(2026, 11, 18))


@pytest.fixture
def cases(edition):
    soon = session(edition, SUMMIT, (10, 0), (11, 0), title_zh="数字经济论坛", title_en="Digital Economy Forum")
    far = session(edition, date(2026, 12, 10), (10, 0), (11, 0), title_zh="远期论坛", title_en="A later forum")
    started = session(edition, TODAY, (8, 0), (8, 30), title_zh="已开始的会", title_en="Started")
    today_morning = session(edition, TODAY, period="morning", title_zh="今日上午", title_en="This morning")
    yesterday = session(edition, TODAY - timedelta(days=1), period="afternoon", title_zh="昨日下午", title_en="Yesterday")
    undated = session(edition, None, title_zh="日期未定", title_en="No date yet")
    return {
        # reminded
        "first": invited("first", soon, invited_days_ago=4),
        "again": invited("again", soon, invited_days_ago=10, reminded_days_ago=3),  # exactly 3 days: due
        "later-item": invited("later-item", far, invited_days_ago=5, language="en"),  # 30 days away, invitation older than 3 days
        "today-untimed": invited("today-untimed", today_morning, invited_days_ago=5),  # no clock time: not started until its day ends
        "undated": invited("undated", undated, invited_days_ago=4),
        # not reminded
        "fresh": invited("fresh", soon, invited_days_ago=2.9),
        "recently-reminded": invited("recently-reminded", soon, invited_days_ago=10, reminded_days_ago=2),
        "never-sent": invited("never-sent", soon, invited_days_ago=None),
        "no-email": invited("no-email", soon, invited_days_ago=10, email=""),
        "started": invited("started", started, invited_days_ago=10),
        "yesterday": invited("yesterday", yesterday, invited_days_ago=10),
        "confirmed": invited("confirmed", soon, invited_days_ago=10, status="confirmed"),
        "declined": invited("declined", soon, invited_days_ago=10, status="declined"),
        "cancelled": invited("cancelled", soon, invited_days_ago=10, status="cancelled"),
        "appeared": invited("appeared", far, invited_days_ago=10, status="appeared"),
    }


REMINDED = ["first", "again", "later-item", "today-untimed", "undated"]


def reminded_keys(cases) -> list[str]:
    by_pk = {a.pk: key for key, a in cases.items()}
    return sorted(by_pk[a.pk] for a in Appearance.objects.filter(reminded_at=NOW))


def test_exactly_the_unanswered_invitations_due_are_reminded(cases, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert remind_unconfirmed_speakers.delay().get() == 5
    assert reminded_keys(cases) == sorted(REMINDED)
    emails = OutgoingEmail.objects.filter(event="people.reminder")
    assert sorted(e.to[0] for e in emails) == sorted(f"{key}@example.org" for key in REMINDED)
    assert all(e.status == "sent" for e in emails)  # delivered after the commit (eager here)
    # Untouched: the others keep their last contact.
    assert Appearance.objects.get(pk=cases["recently-reminded"].pk).reminded_at == NOW - timedelta(days=2)
    assert Appearance.objects.get(pk=cases["fresh"].pk).reminded_at is None


def test_the_reminder_is_in_the_appearances_language_with_its_private_link(cases):
    with time_machine.travel(NOW, tick=False):
        reminders_send()
    english = OutgoingEmail.objects.get(to=["later-item@example.org"])
    assert english.language == "en"
    assert english.subject == "Reminder: your invitation to A later forum"
    assert "Dear Test later-item," in english.body_text
    assert '"A later forum" at the 2026 World Internet Conference Wuzhen Summit (Speech; 2026-12-10 10:00, Beijing time)' in english.body_text
    assert f"{settings.SITE_URL}/speakers/" in english.body_text
    chinese = OutgoingEmail.objects.get(to=["first@example.org"])
    assert chinese.language == "zh-hans"
    assert "数字经济论坛" in chinese.subject and "测试first" in chinese.body_text
    assert "2026-11-16 10:00" in chinese.body_text
    undated = OutgoingEmail.objects.get(to=["undated@example.org"])
    assert "日期未定" in undated.body_text and "Beijing time" not in undated.body_text


def test_the_private_link_in_the_reminder_opens_the_speakers_page(cases, client):
    with time_machine.travel(NOW, tick=False):
        reminders_send()
    body = OutgoingEmail.objects.get(to=["later-item@example.org"]).body_text
    path = next(line for line in body.splitlines() if "/speakers/" in line).removeprefix(settings.SITE_URL).strip()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert client.get(path).status_code == 200


def test_run_twice_the_same_day_reminds_once_then_every_three_days(cases):
    with time_machine.travel(NOW, tick=False):
        assert reminders_send() == 5
        assert reminders_send() == 0
    assert OutgoingEmail.objects.filter(event="people.reminder").count() == 5
    with time_machine.travel(NOW + timedelta(days=2, hours=23), tick=False):
        # "fresh" (invited 5.9 days ago) and "recently-reminded" (last reminded 4.96 days ago); the
        # five reminded 2.96 days ago wait.
        assert reminders_send() == 2
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        # Four of the five, 3 days after their reminder: "today-untimed" no longer, its day is over.
        assert reminders_send() == 4
    assert OutgoingEmail.objects.filter(event="people.reminder").count() == 11
    assert OutgoingEmail.objects.filter(event="people.reminder", to=["first@example.org"]).count() == 2


def test_the_lock_rechecks_an_answer_given_after_the_list_was_read(cases, monkeypatch):
    """A worker that read the list before another reminded (or the speaker answered) finds the row
    no longer due once it holds the lock, and sends nothing."""
    import people.tasks as tasks

    real = tasks.due_q
    calls = []

    def due_then_answered(now):
        calls.append(now)
        if len(calls) == 2:  # the first lock: the speaker has just declined
            Appearance.objects.filter(pk=cases["first"].pk).update(status=AppearanceStatus.DECLINED)
        return real(now)

    monkeypatch.setattr(tasks, "due_q", due_then_answered)
    with time_machine.travel(NOW, tick=False):
        assert reminders_send() == 4
    assert not OutgoingEmail.objects.filter(to=["first@example.org"]).exists()
    assert Appearance.objects.get(pk=cases["first"].pk).reminded_at is None


def test_a_new_invitation_restarts_the_reminders(cases, superuser):
    from people.invitations import appearance_invite

    with time_machine.travel(NOW, tick=False):
        appearance_invite(cases["again"], actor=superuser)
        assert reminders_send() == 4  # "again" was just invited anew
    assert Appearance.objects.get(pk=cases["again"].pk).reminded_at is None
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        reminders_send()
    assert Appearance.objects.get(pk=cases["again"].pk).reminded_at == NOW + timedelta(days=3)


def test_broker_down_the_reminder_is_recorded_and_the_run_succeeds(cases, broker_down, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True) as callbacks, time_machine.travel(NOW, tick=False):
        assert reminders_send() == 5  # the broker is asked after the clock is back
    assert len(callbacks) == 5  # each delivery handed over after its own commit, each refused by the broker
    assert degraded._counts["tasks_not_queued"] == 5
    emails = OutgoingEmail.objects.filter(event="people.reminder")
    assert sorted(emails.values_list("status", flat=True)) == ["queued"] * 5  # for the outbox sweep
    assert reminded_keys(cases) == sorted(REMINDED)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert reminders_send() == 0  # not reminded twice while the emails wait for the sweep
    assert emails.count() == 5


def test_the_task_runs_daily_from_beat_on_the_notifications_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["people-remind-unconfirmed-speakers"]
    assert entry["task"] == "people.remind_unconfirmed_speakers"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({9}, {0})
    assert settings.CELERY_TASK_ROUTES["people.remind_unconfirmed_speakers"] == {"queue": "notifications"}
    assert remind_unconfirmed_speakers.name == "people.remind_unconfirmed_speakers"
