"""Issue 25, change alerts of volunteer shifts (volunteers.shift_alerts on agenda.alerts): a shift
whose time or post changes tells each volunteer on it once, on their page and by email in their
language; a burst of edits within 10 minutes is one message; an edit back or a note tells nobody;
the beat task run twice sends once; the admin's edit never needs the broker."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.agenda.test_change_alerts import FormFields
from tests.factories import EditionFactory
from tests.volunteers.helpers import (
    make_post,
    make_programme,
    make_shift,
    make_volunteer,
)
from tests.wic.test_outbox_outage import broker_down  # noqa: F401 - a fixture
from volunteers import services
from volunteers.models import Shift, ShiftChangeAlert, ShiftNotice
from volunteers.shift_alerts import change_text, send_shift_alerts
from volunteers.tasks import send_shift_alerts as send_shift_alerts_task
from wic import degraded
from wic.models import OutgoingEmail
from wic.personal_data import personal_data_erase, personal_data_export

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2032, 11, 1, 9, 0, tzinfo=BEIJING)

EN_LINE = "Your shift at Registration desk: now Tue 11-16 14:00–17:00 (was 09:00–12:00)"
ZH_LINE = "您在 注册台 的班次：时间改为 11月16日星期二 14:00–17:00（原为 09:00–12:00）"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2032, 11, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def world(django_user_model):
    """The 2032 programme; a registration-desk shift on Tue 11-16 09:00–12:00 with two volunteers
    assigned a day ago: Wang (Chinese, with an account) and Anna (English)."""
    programme = make_programme(edition=EditionFactory(year=2032))
    desk = make_post(programme, "注册台", kind="registration_desk", name_en="Registration desk")
    media = make_post(programme, "媒体中心", kind="media_centre")
    account = django_user_model.objects.create_user("wang", email="wang@example.org", password="a-long-test-password-1")
    wang = make_volunteer(programme, name="王芳", email="wang@example.org", user=account, language="zh-hans")
    anna = make_volunteer(programme, name="Anna Berg", email="anna@example.org", language="en")
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        shift = make_shift(desk, start=at(16, 9), hours=3, needed=3)
        services.shift_assign(shift=shift, volunteer=wang)
        services.shift_assign(shift=shift, volunteer=anna)
    return {"programme": programme, "desk": desk, "media": media, "account": account, "wang": wang, "anna": anna, "shift": shift}


def edit(shift: Shift, **values) -> Shift:
    """Load the shift and save it with `values`, as the admin's form does."""
    shift = Shift.objects.get(pk=shift.pk)
    for name, value in values.items():
        setattr(shift, name, value)
    shift.save()
    return shift


def move_to_two(world, when=NOW):
    with time_machine.travel(when, tick=False):
        return edit(world["shift"], starts_at=at(16, 14), ends_at=at(16, 17))


def run_task(when):
    with time_machine.travel(when, tick=False):
        return send_shift_alerts()


def emails():
    return list(OutgoingEmail.objects.filter(event="volunteers.shift_alert").order_by("to"))


def test_a_time_change_tells_each_volunteer_on_the_shift_once_in_their_language(world):
    move_to_two(world)
    alert = ShiftChangeAlert.objects.get()
    assert (alert.before, alert.due_at) == (
        {"starts_at": "2032-11-16T01:00:00+00:00", "ends_at": "2032-11-16T04:00:00+00:00", "post_id": world["desk"].pk}, NOW + timedelta(minutes=10)
    )
    assert run_task(NOW + timedelta(minutes=9))["sent"] == 0

    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 1, "unchanged": 0, "nobody": 0, "told": 2}

    anna_email, wang_email = emails()
    assert (anna_email.key, anna_email.to, anna_email.language) == (f"volunteers.shift_alert:{alert.pk}:{world['anna'].pk}", ["anna@example.org"], "en")
    assert anna_email.subject == "Your volunteer shift has changed: Registration desk"
    assert anna_email.body_text.splitlines() == [
        "Dear Anna Berg,", "", EN_LINE, "", "All times are Beijing time (UTC+8).", f"Your shifts: {settings.SITE_URL}/volunteer/",
    ]
    assert (wang_email.key, wang_email.language) == (f"volunteers.shift_alert:{alert.pk}:{world['wang'].pk}", "zh-hans")
    assert wang_email.subject == "您的志愿者班次已变更：注册台"
    assert wang_email.body_text.splitlines() == [
        "王芳，您好：", "", ZH_LINE, "", "所有时间均为北京时间（UTC+8）。", f"您的班次： {settings.SITE_URL}/volunteer/",
    ]
    notice = ShiftNotice.objects.get(volunteer=world["anna"])
    assert (notice.alert_id, notice.shift_id, notice.read_at) == (alert.pk, world["shift"].pk, None)
    assert notice.before == {"start": "2032-11-16T01:00:00+00:00", "end": "2032-11-16T04:00:00+00:00", "post": world["desk"].pk,
                             "post_zh": "注册台", "post_en": "Registration desk"}
    assert notice.after == {"start": "2032-11-16T06:00:00+00:00", "end": "2032-11-16T09:00:00+00:00", "post": world["desk"].pk,
                            "post_zh": "注册台", "post_en": "Registration desk"}


def test_a_post_change_and_a_time_and_post_change_say_so(world):
    with time_machine.travel(NOW, tick=False):
        edit(world["shift"], post=world["media"])
    run_task(NOW + timedelta(minutes=10))
    notice = ShiftNotice.objects.get(volunteer=world["anna"])
    with translation.override("en"):
        assert change_text(notice.before, notice.after) == "Your shift of Tue 11-16 09:00–12:00: now at 媒体中心 (was Registration desk)"
    with translation.override("zh-hans"):
        assert change_text(notice.before, notice.after) == "您 11月16日星期二 09:00–12:00 的班次：岗位改为 媒体中心（原为 注册台）"

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        edit(world["shift"], post=world["desk"], starts_at=at(17, 9), ends_at=at(17, 12))
    run_task(NOW + timedelta(hours=1, minutes=10))
    notice = ShiftNotice.objects.filter(volunteer=world["anna"]).order_by("-pk").first()
    with translation.override("en"):
        assert change_text(notice.before, notice.after) == (
            "Your shift: now Wed 11-17 09:00–12:00 at Registration desk (was Tue 11-16 09:00–12:00 at 媒体中心)"
        )
    with translation.override("zh-hans"):
        assert change_text(notice.before, notice.after) == "您的班次已调整为 11月17日星期三 09:00–12:00，岗位 注册台（原为 11月16日星期二 09:00–12:00，岗位 媒体中心）"


def test_a_burst_of_three_edits_is_one_message(world):
    for minutes, start in ((0, 10), (3, 13), (8, 14)):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            edit(world["shift"], starts_at=at(16, start), ends_at=at(16, start + 3))
    alert = ShiftChangeAlert.objects.get()
    assert (alert.opened_at, alert.changed_at, alert.due_at) == (NOW, NOW + timedelta(minutes=8), NOW + timedelta(minutes=10))
    assert run_task(NOW + timedelta(minutes=10))["told"] == 2
    assert [e.body_text.splitlines()[2] for e in emails()] == [EN_LINE, ZH_LINE]


def test_an_edit_back_or_a_note_tells_nobody(world):
    move_to_two(world)
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        edit(world["shift"], starts_at=at(16, 9), ends_at=at(16, 12))
    edit(world["shift"], note="带好工作证", needed=4)  # not watched: no alert at all
    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 0, "unchanged": 1, "nobody": 0, "told": 0}
    assert (ShiftChangeAlert.objects.count(), ShiftNotice.objects.count(), emails()) == (1, 0, [])


def test_assigning_and_dropping_do_not_open_an_alert(world):
    other = make_volunteer(world["programme"], name="Third")
    services.shift_assign(shift=world["shift"], volunteer=other)
    services.assignment_drop(assignment=other.assignments.get())
    assert ShiftChangeAlert.objects.count() == 0


def test_the_task_run_twice_sends_once_and_a_dropped_volunteer_is_not_told(world):
    services.assignment_drop(assignment=world["wang"].assignments.get())
    move_to_two(world)
    assert send_shift_alerts_task.delay().get()["sent"] == 0  # the real clock: not due
    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 1, "unchanged": 0, "nobody": 0, "told": 1}
    assert run_task(NOW + timedelta(minutes=11)) == {"sent": 0, "unchanged": 0, "nobody": 0, "told": 0}
    assert [e.to for e in emails()] == [["anna@example.org"]]
    assert ShiftNotice.objects.count() == 1


def test_a_shift_nobody_holds_closes_with_nobody_told(world):
    for volunteer in (world["wang"], world["anna"]):
        services.assignment_drop(assignment=volunteer.assignments.get())
    move_to_two(world)
    assert run_task(NOW + timedelta(minutes=10)) == {"sent": 0, "unchanged": 0, "nobody": 1, "told": 0}
    assert ShiftChangeAlert.objects.get().outcome == "nobody"


def test_the_admin_edit_answers_with_the_broker_down(world, admin_client_logged, broker_down, django_capture_on_commit_callbacks):  # noqa: F811
    url = f"/admin/volunteers/shift/{world['shift'].pk}/change/"
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client_logged.force_login(get_user_model().objects.get(username="root-test"))  # a session of 2032
        form = FormFields()
        form.feed(admin_client_logged.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
        response = admin_client_logged.post(
            url, {**form.data, "starts_at_0": "2032-11-16", "starts_at_1": "14:00:00", "ends_at_0": "2032-11-16", "ends_at_1": "17:00:00"},
            HTTP_ACCEPT_LANGUAGE="en", follow=True,
        )
    assert response.redirect_chain[-1][0] == "/admin/volunteers/shift/"
    assert next(str(m) for m in response.context["messages"]) == (
        "The volunteers on this shift will be told of the change at 2032-11-01 09:10 (Beijing time), together with any other change made until then."
    )
    assert (ShiftChangeAlert.objects.count(), degraded._counts["tasks_not_queued"], callbacks) == (1, 0, [])

    with time_machine.travel(NOW + timedelta(minutes=10), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_shift_alerts()["told"] == 2
    assert degraded._counts["tasks_not_queued"] == 2
    assert [e.status for e in emails()] == ["queued", "queued"]


# -- the volunteer's page -----------------------------------------------------------------------------

def test_the_notice_shows_on_the_volunteers_page_and_is_dismissed(world, client):
    move_to_two(world)
    run_task(NOW + timedelta(minutes=10))
    notice = ShiftNotice.objects.get(volunteer=world["wang"])
    client.force_login(world["account"])

    page = client.get("/volunteer/", HTTP_ACCEPT_LANGUAGE="en")
    assert [n.text for n in page.context["notices"]] == [EN_LINE]
    body = page.content.decode()
    assert '<h2 id="notices-title">1 change to your shifts</h2>' in body
    assert f'action="/volunteer/notices/{notice.pk}/dismiss/"' in body
    assert client.get(f"/volunteer/notices/{notice.pk}/dismiss/").status_code == 405

    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        client.force_login(world["account"])  # a session of 2032
        response = client.post(f"/volunteer/notices/{notice.pk}/dismiss/")
    assert (response.status_code, response["Location"]) == (302, "/volunteer/")
    assert ShiftNotice.objects.get(pk=notice.pk).read_at == NOW + timedelta(hours=2)
    client.force_login(world["account"])
    assert client.get("/volunteer/").context["notices"] == []


def test_a_notice_of_another_volunteer_cannot_be_dismissed(world, client, django_user_model):
    move_to_two(world)
    run_task(NOW + timedelta(minutes=10))
    anna_notice = ShiftNotice.objects.get(volunteer=world["anna"])
    client.force_login(world["account"])
    response = client.post(f"/volunteer/notices/{anna_notice.pk}/dismiss/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "You have no such notice." in response.content.decode()
    assert ShiftNotice.objects.get(pk=anna_notice.pk).read_at is None


@pytest.mark.parametrize("size", [1, 5])
def test_my_page_queries_are_constant_in_notices(world, client, size):
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        shifts = [world["shift"], *(make_shift(world["desk"], start=at(17, 8 + i), hours=1) for i in range(size - 1))]
        for shift in shifts[1:]:
            services.shift_assign(shift=shift, volunteer=world["wang"])
    with time_machine.travel(NOW, tick=False):
        for shift in shifts:
            edit(shift, post=world["media"])
    run_task(NOW + timedelta(minutes=10))
    assert ShiftNotice.objects.filter(volunteer=world["wang"]).count() == size
    client.force_login(world["account"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/volunteer/")
    assert (response.status_code, len(response.context["notices"]), len(response.context["rows"])) == (200, size, size)
    # The session and the account, the volunteer and their languages, the shifts and their pending
    # requests, the standby offers, and the unread notices (one query): 8 whatever the rows.
    assert len(queries.captured_queries) == 8


@pytest.mark.parametrize("size", [1, 6])
def test_the_alerts_admin_list_queries_are_constant(admin_client_logged, world, size):
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        shifts = [world["shift"], *(make_shift(world["desk"], start=at(17, 8 + i), hours=1) for i in range(size - 1))]
    for shift in shifts:
        edit(shift, post=world["media"])
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_logged.get("/admin/volunteers/shiftchangealert/")
    assert (response.status_code, response.context["cl"].result_count) == (200, size)
    assert len(queries.captured_queries) == 8


def test_the_task_runs_every_minute_from_beat_on_the_notifications_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["volunteers-send-shift-alerts"]
    assert (entry["task"], entry["schedule"]) == ("volunteers.send_shift_alerts", 60.0)
    from celery import current_app

    assert current_app.amqp.router.route({}, "volunteers.send_shift_alerts")["queue"].name == "notifications"


def test_notices_are_exported_and_erased_with_the_volunteers_data(world):
    move_to_two(world)
    run_task(NOW + timedelta(minutes=10))
    notice = ShiftNotice.objects.get(volunteer=world["anna"])

    export = personal_data_export(email="anna@example.org")
    assert export["volunteers"][0]["shift_change_notices"] == [
        {"before": notice.before, "after": notice.after, "created_at": "2032-11-01T09:10:00+08:00", "dismissed_at": None}
    ]
    report = personal_data_erase(email="anna@example.org")
    assert report.counts["volunteers.ShiftNotice"] == {"deleted": 1}
    assert list(ShiftNotice.objects.values_list("volunteer__name", flat=True)) == ["王芳"]
    assert not OutgoingEmail.objects.filter(key__startswith="volunteers.shift_alert:", key__endswith=f":{world['anna'].pk}").exists()


def test_an_erased_volunteer_is_not_written_to(world):
    personal_data_erase(email="anna@example.org")
    move_to_two(world)
    assert run_task(NOW + timedelta(minutes=10))["told"] == 1
    assert [e.to for e in emails()] == [["wang@example.org"]]


def test_a_correction_of_a_shift_already_over_tells_nobody(world):
    with time_machine.travel(at(17, 9), tick=False):  # the day after the shift: its end is corrected
        edit(world["shift"], ends_at=at(16, 12, 30))
    assert run_task(at(17, 9, 10)) == {"sent": 0, "unchanged": 0, "nobody": 1, "told": 0}
    assert (ShiftNotice.objects.count(), emails()) == (0, [])


def test_a_shift_with_volunteers_on_it_is_not_deleted_until_they_are_taken_off(world, admin_client_logged):
    """Deleting it would take its assignments and alerts along and tell nobody: the admin's
    confirmation page lists why as protected (one shift or the bulk action) and a post deletes
    nothing. With its volunteers dropped, it goes, alerts and all."""
    shift = world["shift"]
    url = f"/admin/volunteers/shift/{shift.pk}/delete/"
    move_to_two(world)  # an open alert, which goes with the shift at the end
    assert ShiftChangeAlert.objects.count() == 1
    reason = f"{Shift.objects.get(pk=shift.pk)}: 2 volunteers are assigned to it. Take them off the shift first."
    page = admin_client_logged.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and page.context["protected"] == [reason]
    bulk = admin_client_logged.post("/admin/volunteers/shift/", {"action": "delete_selected", "_selected_action": [shift.pk], "post": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bulk.status_code == 200 and bulk.context["protected"] == [reason]
    assert admin_client_logged.post(url, {"post": "yes"}).status_code == 200 and Shift.objects.filter(pk=shift.pk).exists()
    for assignment in shift.assignments.all():
        services.assignment_drop(assignment=assignment)
    assert admin_client_logged.get(url, HTTP_ACCEPT_LANGUAGE="en").context["protected"] == []
    response = admin_client_logged.post(url, {"post": "yes"})
    assert response.status_code == 302 and not Shift.objects.filter(pk=shift.pk).exists() and not ShiftChangeAlert.objects.exists()
