from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.volunteers.helpers import DAY1, make_module, make_post, make_programme, make_shift, make_team, make_volunteer, train
from volunteers import services
from volunteers.models import Assignment, Interview, Volunteer

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def coded_messages_of(response):
    """The messages with their code: a page shows the sentence, the code travels in extra_tags."""
    return [(m.level_tag, str(m), m.extra_tags) for m in get_messages(response.wsgi_request)]


def test_bulk_accept_calls_the_service_and_names_the_refused(admin_client_logged, django_capture_on_commit_callbacks):
    programme = make_programme()
    ready = make_volunteer(programme, name="Ready One", status="applied", email="ready@example.org")
    for r in (1, 2):
        services.interview_record(volunteer=ready, round=r, score=80)
    unready = make_volunteer(programme, name="Unready Two", status="applied")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(
            "/admin/volunteers/volunteer/", {"action": "accept", "_selected_action": [ready.pk, unready.pk]}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert coded_messages_of(response) == [
        ("success", "1 application is now Accepted.", ""),
        ("error", "Unready Two was not changed: Unready Two still needs interview round(s) 1, 2.", "interviews_incomplete"),
    ]
    assert list(Volunteer.objects.order_by("pk").values_list("status", flat=True)) == ["accepted", "applied"]
    assert [m.to for m in mail.outbox] == [["ready@example.org"]]


def test_interview_inline_goes_through_the_service(admin_client_logged):
    programme = make_programme()
    volunteer = make_volunteer(programme, status="applied")
    url = f"/admin/volunteers/volunteer/{volunteer.pk}/change/"
    page = admin_client_logged.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({
        "name": volunteer.name, "university": volunteer.university, "phone": volunteer.phone, "email": volunteer.email, "language": "zh-hans",
        "available_days": "[]", "preferred_post_kinds": "[]", "programme": programme.pk,
        "languages-TOTAL_FORMS": 0, "languages-INITIAL_FORMS": 0,
        "interviews-TOTAL_FORMS": 1, "interviews-INITIAL_FORMS": 0, "interviews-0-round": 2, "interviews-0-score": 90, "interviews-0-note": "好",
    })
    response = admin_client_logged.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert ("error", f"Round 1 is not recorded yet for {volunteer.name}.", "previous_round_missing") in coded_messages_of(response)
    assert Interview.objects.count() == 0
    data.update({"interviews-0-round": 1})
    admin_client_logged.post(url, data)
    assert list(Interview.objects.values_list("round", "score", "note", "interviewer__username")) == [(1, 90, "好", "root-test")]


def test_auto_roster_action_reports_unfilled(admin_client_logged):
    programme = make_programme()
    drill = make_module(programme, "岗位演练")
    make_shift(make_post(programme, "注册台"), start=DAY1, needed=1)
    make_shift(make_post(programme, "安检引导", required=[drill]), start=DAY1, needed=2)
    make_volunteer(programme)
    response = admin_client_logged.post("/admin/volunteers/programme/", {"action": "auto_roster", "_selected_action": [programme.pk]}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    texts = [text for _level, text in messages_of(response)]
    assert texts[0].startswith(f"{programme.name_zh}: 1 assignments made in ")
    assert texts[0].endswith("s; 33.3% of 3 places filled; 1 shifts not full.")
    assert texts[1:] == ["安检引导 2099-11-10 09:00–12:00: 2 of 2 places open (nobody has the post's training)"]
    assert Assignment.objects.filter(source="auto").count() == 1


def test_shift_inline_add_goes_through_the_roster_rules(admin_client_logged):
    programme = make_programme()
    shift = make_shift(make_post(programme, "西语联络"), start=DAY1, needed=2, languages=["es"])
    speaker, non_speaker = make_volunteer(programme, name="Speaker", languages={"es": "fluent"}), make_volunteer(programme, name="Nonspeaker")
    url = f"/admin/volunteers/shift/{shift.pk}/change/"
    base = {
        "post": shift.post_id, "starts_at_0": "2099-11-10", "starts_at_1": "09:00:00", "ends_at_0": "2099-11-10", "ends_at_1": "12:00:00",
        "needed": 2, "required_languages": '["es"]', "note": "",
        "assignments-TOTAL_FORMS": 2, "assignments-INITIAL_FORMS": 0,
        "assignments-0-volunteer": speaker.pk, "assignments-1-volunteer": non_speaker.pk,
    }
    response = admin_client_logged.post(url, base, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert ("error", "Nonspeaker: 西语联络 2099-11-10 09:00–12:00 needs Spanish.", "language_required") in coded_messages_of(response)
    assert list(Assignment.objects.values_list("volunteer__name", "source")) == [("Speaker", "manual")]


def test_hours_export_action(admin_client_logged):
    programme = make_programme()
    v = make_volunteer(programme, name="Hours Person", email="h@example.org")
    a = services.shift_assign(shift=make_shift(make_post(programme), start=DAY1, hours=4), volunteer=v)
    services.assignment_check_in(assignment=a, at=DAY1 + timedelta(minutes=10))
    services.assignment_check_out(assignment=a, at=DAY1 + timedelta(hours=4))
    response = admin_client_logged.post("/admin/volunteers/programme/", {"action": "export_hours", "_selected_action": [programme.pk]})
    assert response.content.decode("utf-8-sig").splitlines()[1] == "Hours Person,测试大学,,h@example.org,,3.83,1,1,0"


@pytest.mark.parametrize("model", ["programme", "volunteer", "trainingmodule", "post", "team", "shift", "assignment", "changerequest", "standbyoffer", "shiftcheck"])
def test_admin_changelists_have_constant_queries(admin_client_logged, model):
    programme = make_programme()
    module = make_module(programme, "通识培训")

    def grow(n):
        for _ in range(n):
            team = make_team(programme, leader=None)
            post = make_post(programme, required=[module])
            v = make_volunteer(programme, team=team, languages={"en": "fluent"})
            standby = make_volunteer(programme, status="standby")
            train(v, module)
            train(standby, module)
            shift = make_shift(post, start=DAY1 + timedelta(days=0), needed=1)
            a = services.shift_assign(shift=shift, volunteer=v)
            services.assignment_check_in(assignment=a, at=DAY1)
            later = services.shift_assign(shift=make_shift(post, start=DAY1 + timedelta(days=1), needed=1), volunteer=v)
            services.change_request_create(assignment=later, kind="drop", actor=None, now=DAY1)
            services.StandbyOffer.objects.create(shift=shift, volunteer=standby)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_logged.get(f"/admin/volunteers/{model}/").status_code == 200
        return len(ctx.captured_queries)

    grow(1)
    few = count()
    grow(4)
    assert count() == few
