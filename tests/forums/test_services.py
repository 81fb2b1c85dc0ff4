from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from agenda.models import Hall, Session
from agenda.services import session_place
from forums import services
from forums.enums import TRANSITIONS, ApplicationState
from forums.models import ApplicationTransition, ForumApplication
from forums.tasks import send_decision_email
from tests.forums.conftest import complete_fields
from wic.errors import DomainError
from wic.models import Organization

pytestmark = pytest.mark.django_db
S = ApplicationState


def draft(call, applicant, host_org, **overrides):
    return services.application_save_draft(
        call=call,
        applicant=applicant,
        fields=complete_fields(call.edition, **overrides),
        organizations=[{"role": "host", "organization": host_org}, {"role": "co_host", "name_zh": "新协办机构", "name_en": "New co-host"}],
    )


def in_state(state, call, applicant, host_org, organizer):
    """An application brought to `state` through the services."""
    application = draft(call, applicant, host_org)
    if state == S.DRAFT:
        return application
    if state == S.WITHDRAWN:
        return services.application_transition(application=application, to_state=S.WITHDRAWN, actor=applicant)
    application = services.application_submit(application=application, actor=applicant)
    if state == S.SUBMITTED:
        return application
    application = services.application_transition(application=application, to_state=S.UNDER_REVIEW, actor=organizer)
    if state == S.UNDER_REVIEW:
        return application
    if state == S.WAITLISTED:
        return services.application_transition(application=application, to_state=S.WAITLISTED, actor=organizer)
    return services.application_transition(application=application, to_state=state, actor=organizer)


def test_draft_is_saved_with_existing_and_new_organizations(call, applicant, host_org):
    application = draft(call, applicant, host_org)
    assert application.state == S.DRAFT
    assert [(o.role, o.display_name) for o in application.organizations.all()] == [("host", "清华大学"), ("co_host", "新协办机构")]
    assert not Organization.objects.filter(name_zh="新协办机构").exists()  # created only on acceptance


def test_submit_logs_the_transition(call, applicant, host_org):
    application = services.application_submit(application=draft(call, applicant, host_org), actor=applicant)
    assert application.state == S.SUBMITTED
    assert application.submitted_at is not None
    assert list(application.transitions.values_list("from_state", "to_state", "actor__username")) == [("draft", "submitted", "applicant-x")]


def test_second_submission_is_refused(call, applicant, host_org):
    application = services.application_submit(application=draft(call, applicant, host_org), actor=applicant)
    with pytest.raises(DomainError) as error:
        services.application_submit(application=application, actor=applicant)
    assert (error.value.code, error.value.status) == ("already_submitted", 409)


def test_submission_after_the_close_is_refused_and_the_draft_stays(call, applicant, host_org):
    application = draft(call, applicant, host_org)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()
    with pytest.raises(DomainError) as error:
        services.application_submit(application=application, actor=applicant)
    assert error.value.code == "call_closed"
    application.refresh_from_db()
    assert (application.state, application.title_zh) == (S.DRAFT, "数字丝路合作论坛")


def test_incomplete_draft_cannot_be_submitted(call, applicant, host_org):
    application = services.application_save_draft(call=call, applicant=applicant, fields={"title_zh": "只有标题"}, organizations=[])
    with pytest.raises(DomainError) as error:
        services.application_submit(application=application, actor=applicant)
    assert error.value.code == "incomplete"
    assert "theme_zh, format, preferred_date, preferred_half_day, contact_name, contact_email, rationale, hosts" in error.value.message


def test_draft_rejects_a_day_outside_the_summit_and_a_board_not_in_the_call(call, applicant, host_org):
    with pytest.raises(DomainError) as error:
        draft(call, applicant, host_org, preferred_date=date(2024, 12, 1))
    assert (error.value.code, error.value.field) == ("invalid_date", "preferred_date")
    from agenda.models import Board

    other_board = Board.objects.get(edition__year=2017, number=1)
    with pytest.raises(DomainError) as error:
        draft(call, applicant, host_org, board=other_board)
    assert (error.value.code, error.value.field) == ("invalid_board", "board")


def test_only_the_applicant_edits_their_draft(call, applicant, other_user, host_org):
    application = draft(call, applicant, host_org)
    with pytest.raises(DomainError) as error:
        services.application_save_draft(call=call, applicant=other_user, fields={"title_zh": "x"}, application=application)
    assert (error.value.code, error.value.status) == ("not_your_application", 403)


ALL_STATES = list(S.values)


@pytest.mark.parametrize("source", [s for s in ALL_STATES])
@pytest.mark.parametrize("target", [s for s in ALL_STATES if s != S.SUBMITTED])
def test_every_transition_is_allowed_or_refused_exactly_as_listed(call, applicant, host_org, organizer, source, target):
    application = in_state(source, call, applicant, host_org, organizer)
    actor = applicant if target == S.WITHDRAWN else organizer
    allowed = target in TRANSITIONS[source]
    before = ApplicationTransition.objects.filter(application=application).count()
    if allowed:
        result = services.application_transition(application=application, to_state=target, actor=actor, message="ok")
        assert result.state == target
        last = ApplicationTransition.objects.filter(application=application).last()
        assert (last.from_state, last.to_state, last.actor_id, last.message) == (source, target, actor.pk, "ok")
    else:
        with pytest.raises(DomainError) as error:
            services.application_transition(application=application, to_state=target, actor=actor)
        assert (error.value.code, error.value.status) == ("invalid_transition", 409)
        application.refresh_from_db()
        assert application.state == source
        assert ApplicationTransition.objects.filter(application=application).count() == before


def test_only_the_applicant_may_withdraw(call, applicant, host_org, organizer):
    application = in_state(S.SUBMITTED, call, applicant, host_org, organizer)
    with pytest.raises(DomainError) as error:
        services.application_transition(application=application, to_state=S.WITHDRAWN, actor=organizer)
    assert (error.value.code, error.value.status) == ("not_your_application", 403)


def test_accepting_creates_an_unscheduled_unpublished_session_with_hosts(call, applicant, host_org, organizer):
    application = in_state(S.ACCEPTED, call, applicant, host_org, organizer)
    session = application.session
    assert (session.title_zh, session.kind, session.start, session.is_published) == ("数字丝路合作论坛", "sub_forum", None, False)
    assert list(session.organization_roles.values_list("organization__name_zh", "role")) == [("清华大学", "host"), ("新协办机构", "co_host")]
    assert Organization.objects.filter(name_zh="新协办机构", name_en="New co-host").exists()


@pytest.mark.parametrize("state", [S.REJECTED, S.WITHDRAWN])
def test_rejected_or_withdrawn_application_leaves_no_session(call, applicant, host_org, organizer, state):
    count = Session.objects.count()
    application = in_state(state, call, applicant, host_org, organizer)
    assert application.session is None
    assert Session.objects.count() == count


def test_decision_email_is_sent_once_in_the_applicant_language(call, applicant, host_org, organizer, django_capture_on_commit_callbacks):
    application = in_state(S.UNDER_REVIEW, call, applicant, host_org, organizer)
    ForumApplication.objects.filter(pk=application.pk).update(language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=application, to_state=S.ACCEPTED, actor=organizer, message="Welcome!")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Your sub-forum application to the 2024 summit: Accepted"
    assert sorted(message.to) == ["applicant@example.org", "contact@example.org"]
    assert "Welcome!" in message.body
    # Redelivery does not send it again.
    assert send_decision_email(application.pk, S.ACCEPTED) is False
    assert len(mail.outbox) == 1


def test_decision_email_in_chinese_by_default(call, applicant, host_org, organizer, django_capture_on_commit_callbacks):
    application = in_state(S.UNDER_REVIEW, call, applicant, host_org, organizer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=application, to_state=S.REJECTED, actor=organizer)
    assert mail.outbox[0].subject == "您申报的 2024 年大会分论坛：未通过"


def test_review_conflict_of_interest_and_non_reviewer(call, applicant, organizer, reviewer, other_user):
    cas = Organization.objects.get(name_zh="中国科学院")
    application = services.application_submit(
        application=services.application_save_draft(
            call=call, applicant=applicant, fields=complete_fields(call.edition), organizations=[{"role": "host", "organization": cas}]
        ),
        actor=applicant,
    )
    criteria = list(call.criteria.values_list("pk", flat=True))
    scores = {criteria[0]: (4, "good"), criteria[1]: (5, "")}
    with pytest.raises(DomainError) as error:
        services.review_submit(application=application, user=reviewer, scores=scores)
    assert (error.value.code, error.value.status) == ("conflict_of_interest", 403)
    with pytest.raises(DomainError) as error:
        services.review_submit(application=application, user=other_user, scores=scores)
    assert (error.value.code, error.value.status) == ("not_a_reviewer", 403)


def test_first_review_moves_to_under_review_and_scores_are_checked(call, applicant, host_org, reviewer, organizer):
    application = in_state(S.SUBMITTED, call, applicant, host_org, organizer)
    criteria = list(call.criteria.values_list("pk", flat=True))
    with pytest.raises(DomainError) as error:
        services.review_submit(application=application, user=reviewer, scores={criteria[0]: (7, ""), criteria[1]: (3, "")})
    assert error.value.code == "invalid_score"
    with pytest.raises(DomainError) as error:
        services.review_submit(application=application, user=reviewer, scores={criteria[0]: (4, "")})
    assert error.value.code == "incomplete"
    services.review_submit(application=application, user=reviewer, scores={criteria[0]: (4, "fits"), criteria[1]: (3, "")})
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW
    assert sorted(application.reviews.values_list("score", flat=True)) == [3, 4]


# --- placement ------------------------------------------------------------------------------


@pytest.fixture
def accepted_session(call, applicant, host_org, organizer):
    return in_state(S.ACCEPTED, call, applicant, host_org, organizer).session


@pytest.fixture
def hall(db):
    return Hall.objects.get(name_zh="枕水厅")


def test_placement_publishes_the_session(accepted_session, hall):
    session = session_place(session=accepted_session, hall=hall, date=date(2024, 11, 21), start_time=time(9), end_time=time(12))
    assert (session.hall, session.start.isoformat(), session.is_published, session.period) == (hall, "2024-11-21T09:00:00+08:00", True, "")


def test_placement_conflict_names_the_other_session(accepted_session, hall, call, other_user, host_org, organizer):
    session_place(session=accepted_session, hall=hall, date=date(2024, 11, 21), start_time=time(9), end_time=time(12))
    second = in_state(S.ACCEPTED, call, other_user, host_org, organizer).session
    with pytest.raises(DomainError) as error:
        session_place(session=second, hall=hall, date=date(2024, 11, 21), start_time=time(11, 30), end_time=time(13))
    assert (error.value.code, error.value.status) == ("slot_conflict", 409)
    assert "数字丝路合作论坛" in error.value.message and "2024-11-21 09:00" in error.value.message
    second.refresh_from_db()
    assert (second.hall, second.start, second.is_published) == (None, None, False)


def test_touching_slots_do_not_conflict(accepted_session, hall, call, other_user, host_org, organizer):
    session_place(session=accepted_session, hall=hall, date=date(2024, 11, 21), start_time=time(9), end_time=time(12))
    second = in_state(S.ACCEPTED, call, other_user, host_org, organizer).session
    placed = session_place(session=second, hall=hall, date=date(2024, 11, 21), start_time=time(12), end_time=time(13, 30))
    assert placed.start.isoformat() == "2024-11-21T12:00:00+08:00"


def test_placement_outside_the_edition_is_refused(accepted_session, hall):
    with pytest.raises(DomainError) as error:
        session_place(session=accepted_session, hall=hall, date=date(2024, 11, 25), start_time=time(9), end_time=time(12))
    assert error.value.code == "slot_outside_edition"
