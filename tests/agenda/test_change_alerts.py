"""Issue 25, change alerts of starred sessions (agenda.alerts, agenda.session_alerts): a published
session that changes its day, time, hall or status tells everyone who starred it once, in the
app ("My agenda") and by email in their language; a burst of edits within 10 minutes is one
message; an edit back, a title edit or an unpublished session tells nobody; the beat task run
twice sends once; the admin's edit never needs the broker, the cache or the mail server."""
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agenda import alerts, services
from agenda.models import Session, SessionChangeAlert, SessionNotice, Star
from agenda.session_alerts import NOTICES_SHOWN, change_text, send_change_alerts
from agenda.tasks import send_change_alerts as send_change_alerts_task
from tests.factories import EditionFactory, HallFactory, SessionFactory, VenueFactory
from tests.wic.test_cache_outage import cache_down  # noqa: F401 - a fixture
from tests.wic.test_outbox_outage import broker_down, smtp_down  # noqa: F401 - fixtures
from wic import degraded
from wic.models import OutgoingEmail
from wic.personal_data import personal_data_erase, personal_data_export

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2032, 11, 1, 9, 0, tzinfo=BEIJING)  # two weeks before the summit (2032-11-15..17)
MY_AGENDA = "/editions/2032/my-agenda/"

EN_LINE = "Digital Silk Road Forum: now Tue 11-16 14:00–15:30 (was 10:00–11:30), hall Tong'an Hall (was 枕水厅)"
ZH_LINE = "“数字丝路合作论坛”：时间改为 11月16日星期二 14:00–15:30（原为 10:00–11:30），会议厅改为 通安厅（原为 枕水厅）"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2032, 11, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def world(django_user_model):
    """The 2032 edition; a published sub-forum on Tue 11-16 10:00–11:30 in 枕水厅 (no English name),
    starred a day ago by an English reader (alice) and a Chinese one (li); 通安厅 has an English name."""
    edition = EditionFactory(year=2032, start_date=date(2032, 11, 15), end_date=date(2032, 11, 17))
    venue = VenueFactory()
    zhenshui = HallFactory(venue=venue, name_zh="枕水厅", room="201")
    tongan = HallFactory(venue=venue, name_zh="通安厅", name_en="Tong'an Hall", room="217")
    forum = SessionFactory(
        edition=edition, title_zh="数字丝路合作论坛", title_en="Digital Silk Road Forum", date=date(2032, 11, 16),
        start=at(16, 10), end=at(16, 11, 30), hall=zhenshui,
    )
    alice = django_user_model.objects.create_user("alice", email="alice@example.org", password="a-long-test-password-1")
    li = django_user_model.objects.create_user("li", email="li@example.org", password="a-long-test-password-1")
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        services.star_set(user=alice, session=forum, starred=True, language="en")
        services.star_set(user=li, session=forum, starred=True, language="zh-hans")
    return {"edition": edition, "forum": forum, "zhenshui": zhenshui, "tongan": tongan, "alice": alice, "li": li}


def edit(session: Session, **values) -> Session:
    """Load the session and save it with `values`, as the admin's form does."""
    session = Session.objects.get(pk=session.pk)
    for name, value in values.items():
        setattr(session, name, value)
    session.save()
    return session


def move_to_tongan_at_two(world, when=NOW):
    with time_machine.travel(when, tick=False):
        return edit(world["forum"], start=at(16, 14), end=at(16, 15, 30), hall=world["tongan"])


def run_task(when):
    with time_machine.travel(when, tick=False):
        return send_change_alerts()


def emails():
    return list(OutgoingEmail.objects.filter(event="agenda.change_alert").order_by("to"))


# -- one change, told once, in each reader's language -------------------------------------------------

def test_a_time_and_hall_change_tells_each_starrer_once_in_their_language(world):
    move_to_tongan_at_two(world)

    alert = SessionChangeAlert.objects.get()
    assert (alert.before, alert.opened_at, alert.due_at, alert.closed_at) == (
        {"date": "2032-11-16", "start": "2032-11-16T02:00:00+00:00", "end": "2032-11-16T03:30:00+00:00", "period": "",
         "hall_id": world["zhenshui"].pk, "is_published": True},
        NOW, NOW + timedelta(minutes=10), None,
    )
    assert run_task(NOW + timedelta(minutes=9, seconds=59)) == {"sent": 0, "unchanged": 0, "nobody": 0, "told": 0}  # not due yet
    assert SessionNotice.objects.count() == 0 and emails() == []

    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 1, "unchanged": 0, "nobody": 0, "told": 2}

    alert.refresh_from_db()
    assert (alert.closed_at, alert.outcome, alert.told) == (NOW + timedelta(minutes=10), "sent", 2)
    alice_email, li_email = emails()
    assert (alice_email.key, alice_email.to, alice_email.language, alice_email.status) == (
        f"agenda.change_alert:{alert.pk}:{world['alice'].pk}", ["alice@example.org"], "en", "queued")
    assert alice_email.subject == "Change to your agenda: Digital Silk Road Forum"
    assert alice_email.body_text.splitlines() == [
        "A session you starred has changed:",
        "",
        EN_LINE,
        "",
        "All times are Beijing time (UTC+8).",
        f"Your agenda: {settings.SITE_URL}/editions/2032/my-agenda/",
    ]
    assert (li_email.key, li_email.to, li_email.language) == (f"agenda.change_alert:{alert.pk}:{world['li'].pk}", ["li@example.org"], "zh-hans")
    assert li_email.subject == "议程变更：数字丝路合作论坛"
    assert li_email.body_text.splitlines() == [
        "您收藏的议程有变更：",
        "",
        ZH_LINE,
        "",
        "所有时间均为北京时间（UTC+8）。",
        f"您的议程： {settings.SITE_URL}/editions/2032/my-agenda/",
    ]
    notices = {n.user_id: n for n in SessionNotice.objects.select_related("session")}
    assert set(notices) == {world["alice"].pk, world["li"].pk}
    notice = notices[world["alice"].pk]
    assert (notice.alert_id, notice.session_id, notice.read_at) == (alert.pk, world["forum"].pk, None)
    assert notice.before == {"date": "2032-11-16", "start": "2032-11-16T02:00:00+00:00", "end": "2032-11-16T03:30:00+00:00", "period": "",
                             "hall": world["zhenshui"].pk, "hall_zh": "枕水厅", "hall_en": "", "published": True}
    assert notice.after == {"date": "2032-11-16", "start": "2032-11-16T06:00:00+00:00", "end": "2032-11-16T07:30:00+00:00", "period": "",
                            "hall": world["tongan"].pk, "hall_zh": "通安厅", "hall_en": "Tong'an Hall", "published": True}
    with translation.override("en"):
        assert change_text(notice.session, notice.before, notice.after) == EN_LINE
    with translation.override("zh-hans"):
        assert change_text(notice.session, notice.before, notice.after) == ZH_LINE


def test_the_notice_is_on_my_agenda_in_the_pages_language(world, client):
    move_to_tongan_at_two(world)
    run_task(NOW + timedelta(minutes=10))
    client.force_login(world["li"])

    english = client.get(MY_AGENDA, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(MY_AGENDA, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert [n.text for n in english.context["notices"]] == [EN_LINE]
    assert [n.text for n in chinese.context["notices"]] == [ZH_LINE]
    body = english.content.decode()
    notice = SessionNotice.objects.get(user=world["li"])
    assert '<h2 id="notices-title">1 change to your starred sessions</h2>' in body
    assert f'<a href="/editions/2032/sessions/{world["forum"].pk}/">{EN_LINE.replace(chr(39), "&#x27;")}</a>' in body
    assert f'action="/editions/2032/my-agenda/notices/{notice.pk}/dismiss/"' in body
    assert "1 change to your starred sessions" not in client.get("/editions/2017/my-agenda/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_task_run_twice_sends_once(world):
    move_to_tongan_at_two(world)
    first = send_change_alerts_task.delay().get()  # as beat runs it (eagerly here)
    assert first == {"sent": 0, "unchanged": 0, "nobody": 0, "told": 0}  # the clock is the real one: 2026, long before it is due
    assert run_task(NOW + timedelta(minutes=10))["told"] == 2
    assert run_task(NOW + timedelta(minutes=11)) == {"sent": 0, "unchanged": 0, "nobody": 0, "told": 0}
    assert run_task(NOW + timedelta(hours=5)) == {"sent": 0, "unchanged": 0, "nobody": 0, "told": 0}
    assert (len(emails()), SessionNotice.objects.count(), SessionChangeAlert.objects.count()) == (2, 2, 1)


def test_a_burst_of_three_edits_in_ten_minutes_is_one_message_from_the_first_before_to_the_last_after(world):
    with time_machine.travel(NOW, tick=False):
        edit(world["forum"], start=at(16, 13), end=at(16, 14, 30))
    with time_machine.travel(NOW + timedelta(minutes=4), tick=False):
        edit(world["forum"], hall=world["tongan"])
    with time_machine.travel(NOW + timedelta(minutes=9), tick=False):
        edit(world["forum"], start=at(16, 14), end=at(16, 15, 30))

    alert = SessionChangeAlert.objects.get()
    assert (alert.before["start"], alert.before["hall_id"]) == ("2032-11-16T02:00:00+00:00", world["zhenshui"].pk)  # the first change's
    assert (alert.opened_at, alert.changed_at, alert.due_at) == (NOW, NOW + timedelta(minutes=9), NOW + timedelta(minutes=10))  # not moved
    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 1, "unchanged": 0, "nobody": 0, "told": 2}
    assert [e.subject for e in emails()] == ["Change to your agenda: Digital Silk Road Forum", "议程变更：数字丝路合作论坛"]
    assert [e.body_text.splitlines()[2] for e in emails()] == [EN_LINE, ZH_LINE]
    assert SessionNotice.objects.count() == 2


def test_a_change_after_the_message_opens_a_new_alert_from_what_was_announced(world):
    move_to_tongan_at_two(world)
    run_task(NOW + timedelta(minutes=10))
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        edit(world["forum"], hall=world["zhenshui"])
    run_task(NOW + timedelta(minutes=40))

    alerts_sent = list(SessionChangeAlert.objects.order_by("opened_at"))
    assert [(a.outcome, a.told) for a in alerts_sent] == [("sent", 2), ("sent", 2)]
    notice = SessionNotice.objects.select_related("session").get(user=world["alice"], alert=alerts_sent[1])
    with translation.override("en"):
        assert change_text(notice.session, notice.before, notice.after) == "Digital Silk Road Forum: now in 枕水厅 (was Tong'an Hall)"
    assert len(emails()) == 4


# -- what tells nobody ----------------------------------------------------------------------------------

def test_an_edit_back_to_the_original_sends_nothing(world):
    move_to_tongan_at_two(world)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        edit(world["forum"], start=at(16, 10), end=at(16, 11, 30), hall=world["zhenshui"])

    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 0, "unchanged": 1, "nobody": 0, "told": 0}
    alert = SessionChangeAlert.objects.get()
    assert (alert.outcome, alert.told, alert.closed_at) == ("unchanged", 0, NOW + timedelta(minutes=10))
    assert (SessionNotice.objects.count(), emails()) == (0, [])


def test_a_title_or_summary_edit_alerts_nobody(world):
    edit(world["forum"], title_en="Digital Silk Road Cooperation Forum", summary_zh="新的摘要")
    services.session_upsert(  # the seed's and the forums' path: the same day, times and hall, a new title
        edition=world["edition"], key=world["forum"].key, title_zh="数字丝路合作论坛（更名）", kind="sub_forum", date=date(2032, 11, 16),
        start_time=time(10, 0), end_time=time(11, 30), hall=world["zhenshui"],
    )
    assert SessionChangeAlert.objects.count() == 0
    assert run_task(NOW + timedelta(hours=1)) == {"sent": 0, "unchanged": 0, "nobody": 0, "told": 0}


def test_an_unpublished_session_alerts_nobody(world):
    hidden = SessionFactory(edition=world["edition"], is_published=False, hall=world["zhenshui"])
    Star.objects.create(user=world["alice"], session=hidden)  # starred while it was public, say
    edit(hidden, start=at(16, 14), end=at(16, 15), hall=world["tongan"])
    assert SessionChangeAlert.objects.count() == 0


def test_a_session_of_an_unpublished_edition_tells_nobody(world):
    move_to_tongan_at_two(world)
    world["edition"].is_published = False
    world["edition"].save()
    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 0, "unchanged": 0, "nobody": 1, "told": 0}
    assert (SessionNotice.objects.count(), emails()) == (0, [])


def test_who_starred_after_the_change_is_not_told(world, django_user_model):
    move_to_tongan_at_two(world)
    late = django_user_model.objects.create_user("late", email="late@example.org")
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        services.star_set(user=late, session=world["forum"], starred=True, language="en")
    run_task(NOW + timedelta(minutes=10))
    assert sorted(SessionNotice.objects.values_list("user__username", flat=True)) == ["alice", "li"]


def test_a_starrer_without_an_email_address_gets_the_notice_only(world):
    get_user_model().objects.filter(pk=world["li"].pk).update(email="")
    move_to_tongan_at_two(world)
    assert run_task(NOW + timedelta(minutes=10))["told"] == 2
    assert [e.to for e in emails()] == [["alice@example.org"]]
    assert SessionNotice.objects.filter(user=world["li"]).count() == 1


# -- status: withdrawn from the agenda and back ---------------------------------------------------------

def test_a_withdrawn_session_tells_its_starrers(world):
    with time_machine.travel(NOW, tick=False):
        edit(world["forum"], is_published=False)
    run_task(NOW + timedelta(minutes=10))
    en, zh = (e.body_text.splitlines()[2] for e in emails())
    assert en == "Digital Silk Road Forum has been withdrawn from the agenda (it was Tue 11-16 10:00–11:30, 枕水厅)"
    assert zh == "“数字丝路合作论坛”已从议程中撤下（原定 11月16日星期二 10:00–11:30，枕水厅）"


def test_a_session_withdrawn_and_put_back_within_the_burst_sends_nothing(world):
    with time_machine.travel(NOW, tick=False):
        edit(world["forum"], is_published=False)
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        edit(world["forum"], is_published=True)
    assert run_task(NOW + timedelta(minutes=10))["unchanged"] == 1
    assert emails() == []


def test_a_session_moved_to_another_day_and_to_a_half_day_says_the_day(world):
    with time_machine.travel(NOW, tick=False):
        edit(world["forum"], date=date(2032, 11, 17), start=None, end=None, period="afternoon")
    run_task(NOW + timedelta(minutes=10))
    en, zh = (e.body_text.splitlines()[2] for e in emails())
    assert en == "Digital Silk Road Forum: now Wed 11-17 Afternoon (was Tue 11-16 10:00–11:30)"
    assert zh == "“数字丝路合作论坛”：时间改为 11月17日星期三 下午（原为 11月16日星期二 10:00–11:30）"


# -- the request that edits: never the broker, the cache or the mail server -----------------------------

class FormFields(HTMLParser):
    """The values a browser would post back from the admin's change form, as they stand."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def admin_edit(client, session, **changes):
    url = f"/admin/agenda/session/{session.pk}/change/"
    form = FormFields()
    form.feed(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    data = {**form.data, **changes}
    data.pop("_saveasnew", None)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en", follow=True)


def test_the_admin_edit_answers_with_the_broker_down_and_the_message_goes_out_later(
    world, admin_client_logged, broker_down, django_capture_on_commit_callbacks  # noqa: F811
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client_logged.force_login(get_user_model().objects.get(username="root-test"))  # a session of 2032
        response = admin_edit(admin_client_logged, world["forum"], start_0="2032-11-16", start_1="14:00:00", end_0="2032-11-16",
                              end_1="15:30:00", hall=str(world["tongan"].pk))

    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/admin/agenda/session/"
    assert [str(m) for m in response.context["messages"]] == [
        "Attendees who starred this session will be told of the change at 2032-11-01 09:10 (Beijing time), together with any other change made until then.",
        f'The session “<a href="/admin/agenda/session/{world["forum"].pk}/change/">2032-11-16 数字丝路合作论坛</a>” was changed successfully.',
    ]
    assert SessionChangeAlert.objects.get().before["hall_id"] == world["zhenshui"].pk
    assert degraded._counts["tasks_not_queued"] == 0  # the edit handed nothing to the broker
    assert callbacks == []  # no task waits for the commit either

    with time_machine.travel(NOW + timedelta(minutes=10), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_change_alerts() == {"sent": 1, "unchanged": 0, "nobody": 0, "told": 2}
    assert degraded._counts["tasks_not_queued"] == 2  # each email's delivery refused by the broker, counted, not raised
    assert [(e.status, e.body_text.splitlines()[2]) for e in emails()] == [("queued", EN_LINE), ("queued", ZH_LINE)]  # for the sweep


def test_the_admin_edit_and_my_agenda_answer_with_the_cache_down(world, admin_client_logged, client, cache_down):  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        admin_client_logged.force_login(get_user_model().objects.get(username="root-test"))  # a session of 2032
        response = admin_edit(admin_client_logged, world["forum"], hall=str(world["tongan"].pk))
    assert response.status_code == 200 and SessionChangeAlert.objects.count() == 1
    run_task(NOW + timedelta(minutes=10))
    client.force_login(world["alice"])
    page = client.get(MY_AGENDA, HTTP_ACCEPT_LANGUAGE="en")
    assert [n.text for n in page.context["notices"]] == ["Digital Silk Road Forum: now in Tong'an Hall (was 枕水厅)"]


def test_the_task_succeeds_with_the_mail_server_down(world, smtp_down, django_capture_on_commit_callbacks):  # noqa: F811
    move_to_tongan_at_two(world)
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_change_alerts()["told"] == 2
    assert sorted((e.status, e.attempts) for e in emails()) == [("queued", 1), ("queued", 1)]  # refused once, left for the sweep
    assert SessionNotice.objects.count() == 2


# -- dismissing a notice --------------------------------------------------------------------------------

def test_dismissing_a_notice_marks_it_read_and_hides_it(world, client):
    move_to_tongan_at_two(world)
    run_task(NOW + timedelta(minutes=10))
    notice = SessionNotice.objects.get(user=world["alice"])
    url = f"/editions/2032/my-agenda/notices/{notice.pk}/dismiss/"
    client.force_login(world["alice"])

    assert client.get(url).status_code == 405
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        client.force_login(world["alice"])  # a session of 2032
        response = client.post(url)
    assert (response.status_code, response["Location"]) == (302, MY_AGENDA)
    notice.refresh_from_db()
    assert notice.read_at == NOW + timedelta(hours=1)
    client.force_login(world["alice"])
    assert client.get(MY_AGENDA).context["notices"] == []
    assert client.post(url).status_code == 302  # again: nothing changes
    notice.refresh_from_db()
    assert notice.read_at == NOW + timedelta(hours=1)
    assert SessionNotice.objects.get(user=world["li"]).read_at is None


def test_a_notice_of_someone_else_cannot_be_dismissed(world, client):
    move_to_tongan_at_two(world)
    run_task(NOW + timedelta(minutes=10))
    theirs = SessionNotice.objects.get(user=world["li"])
    client.force_login(world["alice"])
    response = client.post(f"/editions/2032/my-agenda/notices/{theirs.pk}/dismiss/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "You have no such notice." in response.content.decode()
    assert SessionNotice.objects.get(pk=theirs.pk).read_at is None
    client.logout()
    anonymous = client.post(f"/editions/2032/my-agenda/notices/{theirs.pk}/dismiss/")
    assert (anonymous.status_code, anonymous["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_the_dismiss_form_needs_its_csrf_token(world):
    from django.test import Client

    move_to_tongan_at_two(world)
    run_task(NOW + timedelta(minutes=10))
    notice = SessionNotice.objects.get(user=world["alice"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["alice"])
    assert client.post(f"/editions/2032/my-agenda/notices/{notice.pk}/dismiss/").status_code == 403
    page = client.get(MY_AGENDA)
    token = page.context["csrf_token"]
    assert client.post(f"/editions/2032/my-agenda/notices/{notice.pk}/dismiss/", {"csrfmiddlewaretoken": str(token)}).status_code == 302


# -- the star's language ----------------------------------------------------------------------------------

def test_a_star_keeps_the_language_of_the_page_it_was_given_on(world, client, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    client.force_login(reader)
    client.post(f"/editions/2032/sessions/{world['forum'].pk}/star/", {"starred": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert Star.objects.get(user=reader).language == "en"
    client.post(f"/editions/2032/sessions/{world['forum'].pk}/star/", {"starred": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert Star.objects.get(user=reader).language == "zh-hans"
    other = SessionFactory(edition=world["edition"])
    client.post("/editions/2032/my-agenda/merge/", {"sessions": [other.pk]}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert Star.objects.get(user=reader, session=other).language == "en"


# -- query counts -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [1, 6])
def test_my_agenda_queries_are_constant_in_notices_and_sessions(client, world, size, django_user_model):
    reader = django_user_model.objects.create_user("counted", email="counted@example.org")
    sessions = [world["forum"], *(SessionFactory(edition=world["edition"], hall=world["zhenshui"]) for _ in range(size - 1))]
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        for session in sessions:
            services.star_set(user=reader, session=session, starred=True, language="en")
    with time_machine.travel(NOW, tick=False):
        for session in sessions:
            edit(session, hall=world["tongan"])
    run_task(NOW + timedelta(minutes=10))
    assert SessionNotice.objects.filter(user=reader).count() == size
    client.force_login(reader)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MY_AGENDA)
    assert (response.status_code, len(response.context["notices"]), len(response.context["sessions"])) == (200, size, size)
    # My agenda's 8 (tests/agenda/test_pages.py) and the unread notices with their sessions: 9.
    assert len(queries.captured_queries) == 9


def test_my_agenda_shows_the_newest_notices_up_to_its_limit(client, world):
    with time_machine.travel(NOW, tick=False):
        for minutes in range(NOTICES_SHOWN + 2):
            with time_machine.travel(NOW + timedelta(hours=minutes), tick=False):
                edit(world["forum"], hall=world["tongan"] if minutes % 2 == 0 else world["zhenshui"])
            run_task(NOW + timedelta(hours=minutes, minutes=10))
    assert SessionNotice.objects.filter(user=world["alice"]).count() == NOTICES_SHOWN + 2
    client.force_login(world["alice"])
    notices = client.get(MY_AGENDA).context["notices"]
    assert len(notices) == NOTICES_SHOWN
    assert notices[0].created_at == NOW + timedelta(hours=NOTICES_SHOWN + 1, minutes=10)


@pytest.mark.parametrize("size", [1, 6])
def test_the_alerts_admin_list_queries_are_constant(admin_client_logged, world, size):
    for index in range(size):
        session = world["forum"] if index == 0 else SessionFactory(edition=world["edition"])
        edit(session, hall=world["tongan"])
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_logged.get("/admin/agenda/sessionchangealert/")
    assert (response.status_code, response.context["cl"].result_count) == (200, size)
    assert len(queries.captured_queries) == 8


# -- beat, personal data ------------------------------------------------------------------------------------

def test_the_task_runs_every_minute_from_beat_on_the_notifications_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["agenda-send-change-alerts"]
    assert (entry["task"], entry["schedule"]) == ("agenda.send_change_alerts", 60.0)
    assert send_change_alerts_task.name == "agenda.send_change_alerts"
    from celery import current_app

    assert current_app.amqp.router.route({}, "agenda.send_change_alerts")["queue"].name == "notifications"
    assert alerts.BURST == timedelta(minutes=10)


def test_notices_are_exported_and_erased_with_the_persons_data(world):
    move_to_tongan_at_two(world)
    run_task(NOW + timedelta(minutes=10))

    export = personal_data_export(email="alice@example.org")
    assert export["starred_sessions"] == [{"edition": 2032, "session": "数字丝路合作论坛", "starred_at": "2032-10-31T09:00:00+08:00", "language": "en"}]
    assert export["session_change_notices"] == [{
        "edition": 2032, "session": "数字丝路合作论坛", "created_at": "2032-11-01T09:10:00+08:00", "dismissed_at": None,
        "before": SessionNotice.objects.get(user=world["alice"]).before, "after": SessionNotice.objects.get(user=world["alice"]).after,
    }]
    report = personal_data_erase(email="alice@example.org")
    assert report.counts["agenda.SessionNotice"] == {"deleted": 1}
    assert not OutgoingEmail.objects.filter(key__startswith="agenda.change_alert:", key__endswith=f":{world['alice'].pk}").exists()
    assert list(SessionNotice.objects.values_list("user__username", flat=True)) == ["li"]


def test_a_correction_of_a_past_summit_tells_nobody(world):
    move_to_tongan_at_two(world)
    assert run_task(datetime(2032, 11, 18, 9, 0, tzinfo=BEIJING)) == {"sent": 0, "unchanged": 0, "nobody": 1, "told": 0}  # the day after
    assert (SessionNotice.objects.count(), emails()) == (0, [])


def test_a_stale_form_writing_back_the_old_values_is_a_change_too(world):
    stale = Session.objects.get(pk=world["forum"].pk)  # an admin form opened before the move
    move_to_tongan_at_two(world)
    run_task(NOW + timedelta(minutes=10))  # the move is announced
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        stale.summary_zh = "改了摘要"
        stale.save()  # and writes back 10:00 in 枕水厅
    alert = SessionChangeAlert.objects.filter(closed_at__isnull=True).get()
    assert (alert.before["hall_id"], alert.before["start"]) == (world["tongan"].pk, "2032-11-16T06:00:00+00:00")
    run_task(NOW + timedelta(minutes=30))
    notice = SessionNotice.objects.select_related("session").filter(user=world["alice"]).order_by("-pk").first()
    with translation.override("en"):
        assert change_text(notice.session, notice.before, notice.after) == (
            "Digital Silk Road Forum: now Tue 11-16 10:00–11:30 (was 14:00–15:30), hall 枕水厅 (was Tong'an Hall)"
        )


def test_a_save_of_other_fields_reads_nothing_back(world):
    session = Session.objects.get(pk=world["forum"].pk)
    session.title_en = "Digital Silk Road Cooperation Forum"
    with CaptureQueriesContext(connection) as queries:
        session.save(update_fields=["title_en"])
    assert [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "agenda_session"."date"')] == []
    assert SessionChangeAlert.objects.count() == 0


def test_a_starred_published_session_is_not_deleted_until_it_is_unpublished_and_announced(world, admin_client_logged):
    """Deleting would take its stars and alerts with it and tell nobody: the admin's confirmation
    page lists why as protected (one session or the bulk action), and a post deletes nothing.
    Unpublished, its starrers are told it was withdrawn; then it may go."""
    forum, url = world["forum"], f"/admin/agenda/session/{world['forum'].pk}/delete/"
    reason = "2032-11-16 数字丝路合作论坛: 2 attendees starred it. Unpublish it first so that they are told; delete it after the message has gone (at most 10 minutes later)."
    with time_machine.travel(NOW, tick=False):
        admin_client_logged.force_login(get_user_model().objects.get(username="root-test"))
        page = admin_client_logged.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and page.context["protected"] == [reason]
        bulk = admin_client_logged.post("/admin/agenda/session/", {"action": "delete_selected", "_selected_action": [forum.pk], "post": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
        assert bulk.status_code == 200 and bulk.context["protected"] == [reason]
        assert admin_client_logged.post(url, {"post": "yes"}, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
        assert Session.objects.filter(pk=forum.pk).exists() and Star.objects.filter(session=forum).count() == 2
        edit(forum, is_published=False)
    run_task(NOW + timedelta(minutes=10))
    assert SessionChangeAlert.objects.get().outcome == "sent" and len(emails()) == 2
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        admin_client_logged.force_login(get_user_model().objects.get(username="root-test"))
        assert admin_client_logged.get(url, HTTP_ACCEPT_LANGUAGE="en").context["protected"] == []
        response = admin_client_logged.post(url, {"post": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and not Session.objects.filter(pk=forum.pk).exists()


def test_a_published_session_nobody_starred_is_deleted(world, admin_client_logged):
    Star.objects.all().delete()
    response = admin_client_logged.post(f"/admin/agenda/session/{world['forum'].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Session.objects.filter(pk=world["forum"].pk).exists()
