"""The sub-forum application process: drafts, submission, the state machine, reviews, and the
hand-over to the agenda. Views, the API, the admin and the seed all call these functions."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import services as agenda_services
from agenda.enums import SessionKind
from agenda.models import Session
from wic import services as wic_services
from wic import webhooks
from wic.enums import OrganizationRole
from wic.errors import ConflictError, DomainError

from . import webhook_events
from .enums import DECISIONS, TRANSITIONS, ApplicationState
from .models import ApplicationOrganization, ApplicationTransition, ForumApplication, ForumCall, InterpretationLanguage, Review, Reviewer

DRAFT_FIELDS = (
    "title_zh", "title_en", "theme_zh", "theme_en", "board", "format", "preferred_date", "preferred_half_day",
    "expected_attendance", "planned_speakers", "planned_outcomes", "contact_name", "contact_email", "contact_phone",
    "rationale", "answers", "interpretation_languages", "interpretation_note",
)
REQUIRED_TO_SUBMIT = ("title_zh", "theme_zh", "format", "preferred_date", "preferred_half_day", "contact_name", "contact_email", "rationale")


class PermissionDeniedError(DomainError):
    status = 403


def _check_call_open(call: ForumCall) -> None:
    now = timezone.now()
    if now < call.opens_at:
        raise DomainError(
            "call_not_open",
            _("The call opens on %(at)s (Beijing time).") % {"at": timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")},
        )
    if now >= call.closes_at:
        raise DomainError(
            "call_closed",
            _("The call closed on %(at)s (Beijing time); applications can no longer be submitted.")
            % {"at": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")},
        )


def application_check_fields(call: ForumCall, fields: dict) -> None:
    board = fields.get("board")
    if board is not None and not call.boards.filter(pk=board.pk).exists():
        raise DomainError("invalid_board", _("This call does not accept applications on the board %(board)s.") % {"board": board.name_zh}, field="board")
    day = fields.get("preferred_date")
    edition = call.edition
    if day is not None and day not in edition.days:
        raise DomainError(
            "invalid_date",
            _("%(day)s is not a day of the summit (%(start)s to %(end)s).") % {"day": day, "start": edition.start_date, "end": edition.end_date},
            field="preferred_date",
        )
    languages = fields.get("interpretation_languages")
    if languages is not None and (not isinstance(languages, list) or set(languages) - set(InterpretationLanguage.values)):
        raise DomainError(
            "invalid_choice", _("Choose interpretation languages from the list offered."), field="interpretation_languages"
        )
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise DomainError("invalid", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})


@transaction.atomic
def application_save_draft(
    *, call: ForumCall, applicant, fields: dict, organizations: list[dict] | None = None, application: ForumApplication | None = None, language: str = "zh-hans"
) -> ForumApplication:
    """Create or update a draft. `organizations` is a list of {"role": "host"|"co_host",
    "organization": Organization} or {"role": ..., "name_zh": ..., "name_en": ...} for one the
    applicant names. Only the applicant edits, only a draft, only while the call is open."""
    if application is not None:
        application = ForumApplication.objects.select_for_update().select_related("call__edition").get(pk=application.pk)
        if application.applicant_id != applicant.pk:
            raise PermissionDeniedError("not_your_application", _("Only the applicant can edit this application."))
        if application.state != ApplicationState.DRAFT:
            raise DomainError(
                "not_a_draft",
                _("The application is %(state)s; only a draft can be edited.") % {"state": application.get_state_display()},
            )
        call = application.call  # a draft stays on the call it was created for
    _check_call_open(call)
    application_check_fields(call, fields)
    if "answers" in fields and not isinstance(fields["answers"], dict):
        fields = {**fields, "answers": {}}
    if application is None:
        application = ForumApplication(call=call, applicant=applicant)
    for name, value in fields.items():
        setattr(application, name, value if value is not None or name in ("board", "preferred_date", "expected_attendance") else "")
    application.language = language
    application.save()
    if organizations is not None:
        application.organizations.all().delete()
        for index, entry in enumerate(organizations):
            role = entry.get("role")
            if role not in (OrganizationRole.HOST, OrganizationRole.CO_HOST):
                raise DomainError("invalid_choice", _("An organization's role is host or co_host."), field="organizations")
            org = entry.get("organization")
            name_zh = (entry.get("name_zh") or "").strip()
            if org is None and not name_zh:
                raise DomainError("invalid", _("Name each new organization in Chinese."), field="organizations")
            ApplicationOrganization.objects.create(
                application=application,
                organization=org,
                proposed_name_zh="" if org else name_zh,
                proposed_name_en="" if org else (entry.get("name_en") or "").strip(),
                role=role,
                sort_order=index,
            )
    return application


def _log(application, from_state, to_state, actor, message=""):
    ApplicationTransition.objects.create(application=application, from_state=from_state, to_state=to_state, actor=actor, message=message)


@transaction.atomic
def application_submit(*, application: ForumApplication, actor) -> ForumApplication:
    """Submit a draft before the call closes. Refused, with the draft kept as it was, when the call
    is closed (`call_closed`), the application was already submitted (`already_submitted`) or a
    required field is empty (`incomplete`, naming the fields)."""
    application = ForumApplication.objects.select_for_update().select_related("call__edition").get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDeniedError("not_your_application", _("Only the applicant can submit this application."))
    if application.state != ApplicationState.DRAFT:
        raise ConflictError(
            "already_submitted" if application.state != ApplicationState.WITHDRAWN else "invalid_transition",
            _("The application is already %(state)s.") % {"state": application.get_state_display()},
        )
    _check_call_open(application.call)
    missing = [name for name in REQUIRED_TO_SUBMIT if not getattr(application, name)]
    if not application.organizations.filter(role=OrganizationRole.HOST).exists():
        missing.append("hosts")
    for question in application.call.questions.filter(required=True):
        if not str(application.answers.get(str(question.pk), "")).strip():
            missing.append(f"question {question.pk}")
    if missing:
        raise DomainError(
            "incomplete",
            _("Fill in before submitting: %(fields)s.") % {"fields": ", ".join(missing)},
            fields=[name.replace("question ", "answers.") for name in missing],
        )
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["state", "submitted_at", "updated"])
    _log(application, ApplicationState.DRAFT, ApplicationState.SUBMITTED, actor)
    return application


@transaction.atomic
def application_transition(*, application: ForumApplication, to_state: str, actor, message: str = "") -> ForumApplication:
    """Move an application along TRANSITIONS; anything else is `invalid_transition`.

    Effects: every change is logged (who, when, message). A decision (accepted, waitlisted,
    rejected) stamps `decided_at` and records the applicant's email in the same transaction
    (sent once it commits). Accepting creates the agenda session (unscheduled, unpublished) with the hosts and
    co-hosts; organizations the applicant named are created then. Withdrawing is the applicant's
    own act; the other moves are the organizers'.
    """
    application = ForumApplication.objects.select_for_update().select_related("call__edition").get(pk=application.pk)
    current = application.state
    if to_state == ApplicationState.WITHDRAWN and application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDeniedError("not_your_application", _("Only the applicant can withdraw an application."))
    if to_state == ApplicationState.SUBMITTED:
        raise DomainError("invalid_transition", _("Submit a draft with the submit action."))
    if to_state not in TRANSITIONS.get(current, ()):
        raise ConflictError(
            "invalid_transition",
            _("An application that is %(from)s cannot become %(to)s.")
            % {"from": ApplicationState(current).label, "to": ApplicationState(to_state).label if to_state in ApplicationState.values else to_state},
        )
    application.state = to_state
    if message:
        application.decision_message = message
    if to_state in DECISIONS:
        application.decided_at = timezone.now()
    if to_state == ApplicationState.ACCEPTED:
        application.session = _session_for(application)
    application.save()
    _log(application, current, to_state, actor, message)
    if to_state in DECISIONS:
        from .notifications import application_decision_announce

        application_decision_announce(application_id=application.pk, state=to_state)
        webhooks.emit("forum_application.decided", lambda: webhook_events.application_decided(application))  # issue 28
    return application


def _session_for(application: ForumApplication) -> Session:
    edition = application.call.edition
    roles = []
    for link in application.organizations.select_related("organization"):
        org = link.organization or wic_services.organization_upsert(
            name_zh=link.proposed_name_zh, name_en=link.proposed_name_en, source=f"forum application {application.pk}"
        )
        roles.append((org, link.role))
    session = agenda_services.session_upsert(
        edition=edition,
        key=f"forum-application-{application.pk}",
        title_zh=application.title_zh,
        title_en=application.title_en,
        kind=SessionKind.SUB_FORUM,
        date=application.preferred_date or edition.start_date,
        period=application.preferred_half_day or "",
        board=application.board,
        theme_zh=application.theme_zh,
        theme_en=application.theme_en,
        source=f"forum application {application.pk}",
        is_published=False,  # published once placed in a hall and a time slot
    )
    agenda_services.session_set_organizations(session=session, roles=roles)
    return session


def applications_decide(*, applications, to_state: str, actor, message: str = "") -> tuple[list, list[tuple]]:
    """Bulk decision: each application on its own (one refusal does not undo the others).
    Returns (changed, [(application, DomainError)])."""
    changed, refused = [], []
    for application in applications:
        try:
            changed.append(application_transition(application=application, to_state=to_state, actor=actor, message=message))
        except DomainError as error:
            refused.append((application, error))
    return changed, refused


def reviewer_for(*, user, edition) -> Reviewer | None:
    return Reviewer.objects.filter(user=user, edition=edition).select_related("organization").first()


@transaction.atomic
def review_submit(*, application: ForumApplication, user, scores: dict[int, tuple[int, str]]) -> list[Review]:
    """Record a reviewer's scores: {criterion id: (score 1..5, comment)}. Only reviewers of the
    edition (`not_a_reviewer`, 403), never on an application their own organization hosts
    (`conflict_of_interest`, 403), only while submitted or under review (`invalid_transition`).
    The first review moves a submitted application to under review."""
    application = ForumApplication.objects.select_for_update().select_related("call__edition").get(pk=application.pk)
    reviewer = reviewer_for(user=user, edition=application.call.edition)
    if reviewer is None:
        raise PermissionDeniedError("not_a_reviewer", _("You are not a reviewer of this edition."))
    if application.applicant_id == user.pk:
        raise PermissionDeniedError("conflict_of_interest", _("You cannot review your own application."))
    if reviewer.organization_id and (
        application.organizations.filter(organization_id=reviewer.organization_id).exists()
        or application.organizations.filter(proposed_name_zh=reviewer.organization.name_zh).exists()
    ):
        raise PermissionDeniedError(
            "conflict_of_interest",
            _("%(org)s is among the proposed hosts of this application; you cannot review it.") % {"org": reviewer.organization.name_zh},
        )
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW):
        raise ConflictError("invalid_transition", _("Only submitted applications are reviewed; this one is %(state)s.") % {"state": application.get_state_display()})
    criteria = {c.pk: c for c in application.call.criteria.all()}
    if not criteria:
        raise DomainError("no_criteria", _("The call has no review criteria yet; organizers define them first."))
    if set(scores) != set(criteria):
        raise DomainError("incomplete", _("Score every criterion: %(names)s.") % {"names": ", ".join(c.name_zh for c in criteria.values())}, field="scores")
    saved = []
    for criterion_id, (score, comment) in scores.items():
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise DomainError("invalid_score", _("Scores are whole numbers from 1 to 5; %(name)s got %(score)s.") % {"name": criteria[criterion_id].name_zh, "score": score}, field="scores")
        review, _created = Review.objects.update_or_create(
            application=application, reviewer=user, criterion_id=criterion_id, defaults={"score": score, "comment": comment or ""}
        )
        saved.append(review)
    if application.state == ApplicationState.SUBMITTED:
        application.state = ApplicationState.UNDER_REVIEW
        application.save(update_fields=["state", "updated"])
        _log(application, ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW, user, "first review")
    return saved
