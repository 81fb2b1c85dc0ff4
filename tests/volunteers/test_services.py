from datetime import datetime, timedelta

import pytest
from django.core import mail

from tests.factories import EditionFactory
from tests.volunteers.helpers import BEIJING, DAY1, make_module, make_post, make_programme, make_shift, make_team, make_volunteer, train
from volunteers import services
from volunteers.models import Assignment, ChangeRequest, Interview, Shift, ShiftCheck, StandbyOffer, Volunteer
from volunteers.tasks import send_volunteer_decision
from wic.errors import DomainError

pytestmark = pytest.mark.django_db


def code_of(call, **kwargs):
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    return error.value.code, error.value.message


@pytest.fixture
def programme():
    return make_programme()


def application(**extra):
    return {
        "name": "Li Hua", "university": "浙江大学", "is_local": False, "student_number": "3190001", "phone": "13900000000",
        "email": "li.hua@example.org", "available_days": ["2099-11-10"], "preferred_post_kinds": ["guest_liaison"], "motivation": "服务大会", **extra,
    }


NOW = datetime(2099, 9, 1, 12, 0, tzinfo=BEIJING)


# -- applications ---------------------------------------------------------------------------------

def test_application_is_stored_with_languages(programme):
    volunteer = services.application_submit(programme=programme, data=application(), languages={"en": "fluent", "ar": "basic"}, now=NOW)
    assert (volunteer.status, volunteer.university, volunteer.available_days, volunteer.preferred_post_kinds) == ("applied", "浙江大学", ["2099-11-10"], ["guest_liaison"])
    assert sorted(volunteer.languages.values_list("language", "level")) == [("ar", "basic"), ("en", "fluent")]
    assert len(volunteer.code) == 12 and len(volunteer.feed_token) >= 32


def test_application_local_needs_no_university(programme):
    volunteer = services.application_submit(programme=programme, data=application(university="", is_local=True), now=NOW)
    assert (volunteer.is_local, volunteer.origin) == (True, "Local")


def test_application_refusals(programme):
    assert code_of(services.application_submit, programme=programme, data=application(university=""), now=NOW)[0] == "university_required"
    assert code_of(services.application_submit, programme=programme, data=application(available_days=["2099-12-01"]), now=NOW) == (
        "invalid", "These days are outside the programme: 2099-12-01."
    )
    assert code_of(services.application_submit, programme=programme, data=application(), languages={"xx": "fluent"}, now=NOW)[0] == "invalid"
    services.application_submit(programme=programme, data=application(), now=NOW)
    assert code_of(services.application_submit, programme=programme, data=application(email="LI.HUA@example.org"), now=NOW)[0] == "duplicate_application"


def test_application_deadlines(programme):
    programme.applications_open_at = datetime(2099, 6, 1, 9, 0, tzinfo=BEIJING)
    programme.applications_close_at = datetime(2099, 10, 1, 17, 0, tzinfo=BEIJING)
    programme.save()
    code, message = code_of(services.application_submit, programme=programme, data=application(), now=datetime(2099, 5, 31, tzinfo=BEIJING))
    assert (code, "2099-06-01 09:00" in message) == ("applications_not_open", True)
    code, message = code_of(services.application_submit, programme=programme, data=application(), now=datetime(2099, 10, 1, 17, 0, tzinfo=BEIJING))
    assert (code, "2099-10-01 17:00" in message) == ("applications_closed", True)
    assert services.application_submit(programme=programme, data=application(), now=datetime(2099, 10, 1, 16, 59, tzinfo=BEIJING)).pk


# -- interviews and decisions ----------------------------------------------------------------------

def test_two_interview_rounds_then_accept_with_one_email(programme, django_capture_on_commit_callbacks):
    volunteer = make_volunteer(programme, status="applied", email="a@example.org")
    assert code_of(services.interview_record, volunteer=volunteer, round=2, score=80)[0] == "previous_round_missing"
    assert code_of(services.interview_record, volunteer=volunteer, round=3, score=80)[0] == "invalid_round"
    assert code_of(services.interview_record, volunteer=volunteer, round=1, score=101)[0] == "invalid_score"
    services.interview_record(volunteer=volunteer, round=1, score=70, note="口语流利")
    code, message = code_of(services.volunteer_decide, volunteer=volunteer, status="accepted", actor=None)
    assert (code, message) == ("interviews_incomplete", f"{volunteer.name} still needs interview round(s) 2.")
    services.interview_record(volunteer=volunteer, round=1, score=75, note="复核")
    services.interview_record(volunteer=volunteer, round=2, score=88)
    assert list(Interview.objects.filter(volunteer=volunteer).values_list("round", "score")) == [(1, 75), (2, 88)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.volunteer_decide(volunteer=volunteer, status="accepted", actor=None)
    assert len(callbacks) == 1  # the email's delivery: the email is recorded in the decision's transaction
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.org"]
    assert send_volunteer_decision(volunteer.pk, "accepted") is False  # idempotent: told once
    assert len(mail.outbox) == 1
    assert Volunteer.objects.get(pk=volunteer.pk).notified_status == "accepted"
    assert code_of(services.interview_record, volunteer=volunteer, round=2, score=90)[0] == "already_decided"


def test_decisions_transitions_and_bulk(programme, django_capture_on_commit_callbacks):
    a, b, c = (make_volunteer(programme, status="applied") for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        changed, refused = services.volunteers_decide(volunteers=[a, b], status="standby", actor=None)
        services.volunteer_decide(volunteer=c, status="declined", actor=None)
    assert ([v.status for v in changed], refused) == (["standby", "standby"], [])
    changed, refused = services.volunteers_decide(volunteers=[c], status="standby", actor=None)
    assert (changed, [e.code for _v, e in refused]) == ([], ["invalid_transition"])
    assert len(mail.outbox) == 3


def test_leaving_accepted_needs_no_shifts(programme):
    volunteer = make_volunteer(programme)
    shift = make_shift(make_post(programme))
    services.shift_assign(shift=shift, volunteer=volunteer)
    assert code_of(services.volunteer_decide, volunteer=volunteer, status="declined", actor=None)[0] == "has_shifts"


# -- training and teams ---------------------------------------------------------------------------

def test_attendance_list_and_scan(programme):
    module = make_module(programme)
    a, b = make_volunteer(programme), make_volunteer(programme)
    assert services.attendance_set(module=module, volunteers=[a, b], present_ids={a.pk}, actor=None) == (1, 0)
    assert services.attendance_set(module=module, volunteers=[a, b], present_ids={b.pk}, actor=None) == (1, 1)
    assert services.attendance_record_by_code(module=module, code=a.code.lower(), actor=None) == a
    assert set(module.attendances.values_list("volunteer_id", flat=True)) == {a.pk, b.pk}
    assert code_of(services.attendance_record_by_code, module=module, code="NOPE", actor=None)[0] == "unknown_code"
    other = make_volunteer(make_programme(edition=EditionFactory(year=2098)))
    assert code_of(services.attendance_record, module=module, volunteer=other, actor=None)[0] == "wrong_programme"


def test_team_full_at_the_programme_maximum(programme):
    programme.team_size_min, programme.team_size_max = 1, 2
    programme.save()
    team = make_team(programme, name="一组")
    for _ in range(2):
        services.team_add_member(team=team, volunteer=make_volunteer(programme))
    code, message = code_of(services.team_add_member, team=team, volunteer=make_volunteer(programme))
    assert (code, message) == ("team_full", "一组 already has 2 members, the largest team size.")
    assert code_of(services.team_add_member, team=team, volunteer=make_volunteer(programme, status="applied"))[0] == "not_accepted"


# -- the roster rules -----------------------------------------------------------------------------

@pytest.fixture
def roster(programme):
    general = make_module(programme, "通识培训", "general", name_en="General training")
    drill = make_module(programme, "岗位演练", "drill", name_en="On-post drill")
    post = make_post(programme, "外宾联络（阿拉伯语）", kind="guest_liaison", required=[general, drill], language="ar")
    shift = make_shift(post, start=DAY1, hours=3, needed=1, languages=["ar"])
    return {"programme": programme, "general": general, "drill": drill, "post": post, "shift": shift}


def test_training_incomplete_names_the_missing_modules(roster):
    volunteer = make_volunteer(roster["programme"], languages={"ar": "fluent"})
    train(volunteer, roster["general"])
    code, message = code_of(services.shift_assign, shift=roster["shift"], volunteer=volunteer)
    assert (code, message) == ("training_incomplete", "Training not done for 外宾联络（阿拉伯语） 2099-11-10 09:00–12:00: 岗位演练.")


def test_language_required_names_the_language(roster):
    volunteer = make_volunteer(roster["programme"], languages={"ar": "basic", "en": "fluent"})
    train(volunteer, roster["general"], roster["drill"])
    code, message = code_of(services.shift_assign, shift=roster["shift"], volunteer=volunteer)
    assert (code, message) == ("language_required", "外宾联络（阿拉伯语） 2099-11-10 09:00–12:00 needs Arabic.")


def test_shift_overlap_names_the_other_shift(roster):
    volunteer = make_volunteer(roster["programme"], languages={"ar": "working"})
    train(volunteer, roster["general"], roster["drill"])
    other = make_shift(make_post(roster["programme"], "注册台"), start=DAY1 + timedelta(hours=2), hours=2, needed=3)
    services.shift_assign(shift=other, volunteer=volunteer)
    code, message = code_of(services.shift_assign, shift=roster["shift"], volunteer=volunteer)
    assert (code, message) == ("shift_overlap", "Overlaps 注册台 2099-11-10 11:00–13:00.")
    back_to_back = make_shift(make_post(roster["programme"], "媒体中心"), start=DAY1 + timedelta(hours=4), hours=2, needed=1)
    assert services.shift_assign(shift=back_to_back, volunteer=volunteer).status == "assigned"  # 13:00 end, 13:00 start: no overlap


def test_shift_full_names_the_count(roster):
    first, second = (make_volunteer(roster["programme"], languages={"ar": "native"}) for _ in range(2))
    train(first, roster["general"], roster["drill"])
    train(second, roster["general"], roster["drill"])
    services.shift_assign(shift=roster["shift"], volunteer=first)
    code, message = code_of(services.shift_assign, shift=roster["shift"], volunteer=second)
    assert (code, message) == ("shift_full", "外宾联络（阿拉伯语） 2099-11-10 09:00–12:00 has 1 of 1 places filled.")
    assert Shift.objects.get(pk=roster["shift"].pk).filled == 1
    assert code_of(services.shift_assign, shift=roster["shift"], volunteer=first)[0] == "already_assigned"


def test_only_accepted_volunteers_are_rostered(roster):
    volunteer = make_volunteer(roster["programme"], status="standby", languages={"ar": "native"})
    assert code_of(services.shift_assign, shift=roster["shift"], volunteer=volunteer)[0] == "not_accepted"


def test_drop_frees_the_place(roster):
    volunteer = make_volunteer(roster["programme"], languages={"ar": "native"})
    train(volunteer, roster["general"], roster["drill"])
    assignment = services.shift_assign(shift=roster["shift"], volunteer=volunteer)
    services.assignment_drop(assignment=assignment)
    assert (Shift.objects.get(pk=roster["shift"].pk).filled, Assignment.objects.get(pk=assignment.pk).status) == (0, "dropped")


# -- check-in / check-out -------------------------------------------------------------------------

@pytest.fixture
def on_shift(programme):
    shift = make_shift(make_post(programme, "枕水厅服务"), start=DAY1, hours=3, needed=2)
    volunteer = make_volunteer(programme)
    return services.shift_assign(shift=shift, volunteer=volunteer)


def test_checkin_window_opens_60_minutes_before_and_closes_15_after(on_shift):
    code, message = code_of(services.assignment_check_in, assignment=on_shift, at=DAY1 - timedelta(minutes=61))
    assert (code, "2099-11-10 08:00" in message) == ("checkin_not_open", True)
    code, message = code_of(services.assignment_check_in, assignment=on_shift, at=DAY1 + timedelta(minutes=16))
    assert (code, "2099-11-10 09:15" in message) == ("checkin_closed", True)


@pytest.mark.parametrize(
    "minutes, arrival", [(-60, "early"), (-6, "early"), (-5, "on_time"), (5, "on_time"), (6, "late"), (15, "late")]
)
def test_arrival_is_recorded_early_on_time_or_late(on_shift, minutes, arrival):
    done = services.assignment_check_in(assignment=on_shift, at=DAY1 + timedelta(minutes=minutes))
    assert (done.arrival, done.checked_in_at) == (arrival, DAY1 + timedelta(minutes=minutes))


def test_checkin_twice_and_checkout(on_shift):
    assert code_of(services.assignment_check_out, assignment=on_shift, at=DAY1)[0] == "not_checked_in"
    services.assignment_check_in(assignment=on_shift, at=DAY1)
    assert code_of(services.assignment_check_in, assignment=on_shift, at=DAY1)[0] == "already_checked_in"
    done = services.assignment_check_out(assignment=on_shift, at=DAY1 + timedelta(hours=2))
    assert (done.departure, done.worked_hours) == ("early", 2.0)
    assert code_of(services.assignment_check_out, assignment=on_shift, at=DAY1 + timedelta(hours=3))[0] == "already_checked_out"
    assert list(ShiftCheck.objects.filter(assignment=on_shift).order_by("at").values_list("kind", "via")) == [("in", "self"), ("out", "self")]


def test_checkout_late_and_closed(on_shift):
    services.assignment_check_in(assignment=on_shift, at=DAY1)
    assert code_of(services.assignment_check_out, assignment=on_shift, at=DAY1 + timedelta(hours=5, minutes=1))[0] == "checkout_closed"
    assert services.assignment_check_out(assignment=on_shift, at=DAY1 + timedelta(hours=3, minutes=30)).departure == "late"


def test_lead_scan_checks_in_then_out_and_only_own_team(programme, django_user_model, on_shift):
    lead = django_user_model.objects.create_user("lead-1")
    other_lead = django_user_model.objects.create_user("lead-2")
    team = make_team(programme, leader=lead)
    Volunteer.objects.filter(pk=on_shift.volunteer_id).update(team=team)
    make_team(programme, leader=other_lead)
    code = on_shift.volunteer.code
    assert code_of(services.lead_scan, lead=other_lead, code=code, at=DAY1)[0] == "not_your_team"
    assert code_of(services.lead_scan, lead=lead, code="XXXX", at=DAY1)[0] == "unknown_code"
    assert code_of(services.lead_scan, lead=lead, code=code, at=DAY1 - timedelta(hours=2))[0] == "no_shift_now"
    action, assignment = services.lead_scan(lead=lead, code=code, at=DAY1 + timedelta(minutes=7))
    assert (action, assignment.arrival) == ("in", "late")
    action, assignment = services.lead_scan(lead=lead, code=code, at=DAY1 + timedelta(hours=3))
    assert (action, assignment.departure) == ("out", "on_time")
    assert list(ShiftCheck.objects.filter(assignment=on_shift).values_list("via", "by__username")) == [("lead_scan", "lead-1"), ("lead_scan", "lead-1")]


# -- swap and drop --------------------------------------------------------------------------------

def test_swap_cutoff_three_hours_before(on_shift):
    code, message = code_of(services.change_request_create, assignment=on_shift, kind="drop", actor=None, now=DAY1 - timedelta(hours=3) + timedelta(minutes=1))
    assert (code, "2099-11-10 06:00" in message) == ("swap_cutoff_passed", True)
    request = services.change_request_create(assignment=on_shift, kind="drop", actor=None, now=DAY1 - timedelta(hours=3))
    assert request.status == "pending"
    assert code_of(services.change_request_create, assignment=on_shift, kind="drop", actor=None, now=DAY1 - timedelta(hours=4))[0] == "request_pending"


def test_lead_approves_a_drop_and_a_swap(programme, django_user_model, on_shift):
    lead = django_user_model.objects.create_user("lead-1")
    team = make_team(programme, leader=lead)
    Volunteer.objects.filter(pk=on_shift.volunteer_id).update(team=team)
    stranger = django_user_model.objects.create_user("someone")
    colleague = make_volunteer(programme)
    before = DAY1 - timedelta(hours=5)
    request = services.change_request_create(assignment=on_shift, kind="swap", colleague=colleague, actor=None, now=before)
    assert code_of(services.change_request_decide, request=request, approve=True, actor=stranger, now=before)[0] == "not_your_team"
    services.change_request_decide(request=request, approve=True, actor=lead, now=before)
    assert list(Assignment.objects.filter(shift=on_shift.shift).order_by("id").values_list("volunteer_id", "status", "source")) == [
        (on_shift.volunteer_id, "dropped", "manual"), (colleague.pk, "assigned", "swap"),
    ]
    assert Shift.objects.get(pk=on_shift.shift_id).filled == 1
    assert code_of(services.change_request_decide, request=request, approve=False, actor=lead, now=before)[0] == "already_decided"


def test_swap_to_a_colleague_failing_a_rule_changes_nothing(programme, django_user_model):
    lead = django_user_model.objects.create_user("lead-1")
    team = make_team(programme, leader=lead)
    shift = make_shift(make_post(programme, "西语联络"), needed=1, languages=["es"])
    volunteer = make_volunteer(programme, languages={"es": "fluent"}, team=team)
    assignment = services.shift_assign(shift=shift, volunteer=volunteer)
    colleague = make_volunteer(programme, languages={"en": "fluent"})
    before = DAY1 - timedelta(hours=5)
    request = services.change_request_create(assignment=assignment, kind="swap", colleague=colleague, actor=None, now=before)
    assert code_of(services.change_request_decide, request=request, approve=True, actor=lead, now=before)[0] == "language_required"
    assert (Assignment.objects.get(pk=assignment.pk).status, Shift.objects.get(pk=shift.pk).filled, ChangeRequest.objects.get(pk=request.pk).status) == ("assigned", 1, "pending")


# -- no-shows and standby -------------------------------------------------------------------------

@pytest.fixture
def no_show_setup(programme):
    general = make_module(programme, "通识培训")
    post = make_post(programme, "韩语联络", kind="guest_liaison", required=[general])
    shift = make_shift(post, start=DAY1, hours=3, needed=2, languages=["ko"])
    present, absent = make_volunteer(programme, languages={"ko": "fluent"}), make_volunteer(programme, languages={"ko": "fluent"})
    train(present, general)
    train(absent, general)
    a_present = services.shift_assign(shift=shift, volunteer=present)
    a_absent = services.shift_assign(shift=shift, volunteer=absent)
    services.assignment_check_in(assignment=a_present, at=DAY1)
    free_speakers = [make_volunteer(programme, status="standby", languages={"ko": "working"}, email=f"standby{i}@example.org") for i in range(2)]
    for v in free_speakers:
        train(v, general)
    no_korean = make_volunteer(programme, status="standby", languages={"en": "fluent"}, email="nokorean@example.org")
    untrained = make_volunteer(programme, status="standby", languages={"ko": "fluent"}, email="untrained@example.org")
    busy = make_volunteer(programme, status="standby", languages={"ko": "fluent"}, email="busy@example.org")
    train(busy, general)
    Volunteer.objects.filter(pk=busy.pk).update(status="accepted")
    services.shift_assign(shift=make_shift(make_post(programme, "别处"), start=DAY1 + timedelta(hours=1), needed=1), volunteer=busy)
    Volunteer.objects.filter(pk=busy.pk).update(status="standby")
    return {"shift": shift, "absent": a_absent, "present": a_present, "free": free_speakers, "others": [no_korean, untrained, busy]}


def test_no_show_marked_15_minutes_after_start_and_standby_offered(no_show_setup, django_capture_on_commit_callbacks):
    s = no_show_setup
    mail.outbox.clear()
    assert services.no_shows_mark(now=DAY1 + timedelta(minutes=14)) == {"no_shows": 0, "offers": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.no_shows_mark(now=DAY1 + timedelta(minutes=15)) == {"no_shows": 1, "offers": 2}
    assert Assignment.objects.get(pk=s["absent"].pk).status == "no_show"
    assert Assignment.objects.get(pk=s["present"].pk).status == "assigned"
    assert Shift.objects.get(pk=s["shift"].pk).filled == 1
    assert sorted(StandbyOffer.objects.values_list("volunteer__email", flat=True)) == ["standby0@example.org", "standby1@example.org"]
    assert sorted(m.to[0] for m in mail.outbox) == ["standby0@example.org", "standby1@example.org"]
    assert services.no_shows_mark(now=DAY1 + timedelta(minutes=16)) == {"no_shows": 0, "offers": 0}
    assert code_of(services.assignment_check_in, assignment=s["absent"], at=DAY1 + timedelta(minutes=16))[0] == "marked_no_show"


def test_first_standby_to_accept_fills_the_place(no_show_setup):
    services.no_shows_mark(now=DAY1 + timedelta(minutes=15))
    first, second = StandbyOffer.objects.order_by("id")
    assignment = services.standby_offer_accept(offer=second, now=DAY1 + timedelta(minutes=20))
    assert (assignment.volunteer_id, assignment.source) == (second.volunteer_id, "standby")
    assert code_of(services.standby_offer_accept, offer=first, now=DAY1 + timedelta(minutes=21))[0] == "place_taken"
    assert list(StandbyOffer.objects.order_by("id").values_list("status", flat=True)) == ["taken", "accepted"]
    assert code_of(services.standby_offer_accept, offer=first, now=DAY1 + timedelta(minutes=22))[0] == "place_taken"
    assert Shift.objects.get(pk=no_show_setup["shift"].pk).filled == 2


def test_standby_offer_expires_with_the_shift(no_show_setup):
    services.no_shows_mark(now=DAY1 + timedelta(minutes=15))
    offer = StandbyOffer.objects.first()
    assert code_of(services.standby_offer_accept, offer=offer, now=DAY1 + timedelta(hours=3))[0] == "offer_expired"
    assert code_of(services.standby_offer_accept, offer=offer, now=DAY1 + timedelta(hours=3))[0] == "offer_closed"


def test_mark_no_shows_task_is_registered_for_beat():
    from wic.celery import app

    assert "volunteers.mark_no_shows" in app.tasks
