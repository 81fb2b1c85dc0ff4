"""The awards processes: members' recommendations within their quotas, enterprises' applications,
individual nominations, screening, expert scores, shortlist, winners and the release of results.
Views, the API, the admin, the seed and the demo all call these functions.

Every time comparison is between aware instants, so "closes at 17:00 Beijing time" holds for a
browser in any zone; messages show Beijing time.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wic import services as wic_services
from wic import webhooks
from wic.enums import OrganizationKind
from wic.display import beijing_text
from wic.errors import ConflictError, DomainError
from wic.i18n import pick
from wic.models import Member, Organization
from wic.roles import is_organizer

from . import webhook_events
from .enums import TRANSITIONS, WITHDRAWABLE, Direction, NominationState
from .models import (
    AwardCategory,
    AwardProgramme,
    AwardReviewer,
    EnterpriseRepresentative,
    FurtherCondition,
    MemberQuotaLock,
    Nomination,
    NominationLog,
    Recommendation,
    RecommendationQuota,
    Score,
)

BEIJING = ZoneInfo("Asia/Shanghai")
# Switched off only by the concurrency tests' negative controls, to show the tests catch the race.
LOCK_QUOTA = True


class PermissionDeniedError(DomainError):
    status = 403


def beijing(at: datetime) -> str:
    return beijing_text(at)


def member_name(member: Member) -> str:
    return pick(member.organization, "name") if member.organization_id else member.person_name


def programme_name(programme: AwardProgramme) -> str:
    return pick(programme, "name")


def check_open(programme: AwardProgramme, now: datetime | None = None) -> None:
    """`not_open_yet` before the opening, `deadline_passed` from the closing instant on."""
    now = now or timezone.now()
    if programme.opens_at is not None and now < programme.opens_at:
        raise DomainError(
            "not_open_yet",
            _("%(programme)s opens on %(at)s (Beijing time).") % {"programme": programme_name(programme), "at": beijing(programme.opens_at)},
        )
    if programme.closes_at is None or now >= programme.closes_at:
        closed = beijing(programme.closes_at) if programme.closes_at else "-"
        raise DomainError(
            "deadline_passed",
            _("%(programme)s closed on %(at)s (Beijing time); nothing more is accepted.") % {"programme": programme_name(programme), "at": closed},
        )


# Members and their quotas


def members_for_user(user) -> list[Member]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Member.objects.filter(representatives=user).select_related("organization").order_by("tier", "id"))


def member_for_user(*, user, member_id: int | None = None) -> Member:
    """The member the user acts for: `member_id` when given (and the user represents it), else the
    only member the user represents. `not_a_member` (403) otherwise."""
    members = members_for_user(user)
    if member_id is not None:
        members = [m for m in members if m.pk == member_id]
    if not members:
        raise PermissionDeniedError("not_a_member", _("Only a representative of a WIC member can recommend; your account represents no member."))
    if len(members) > 1:
        raise DomainError("member_required", _("Your account represents %(n)s members; say which one recommends.") % {"n": len(members)}, field="member")
    return members[0]


def quota_for(*, programme: AwardProgramme, member: Member) -> int:
    row = RecommendationQuota.objects.filter(programme=programme, tier=member.tier).first()
    return row.quota if row else 0


def quota_used(*, programme: AwardProgramme, member: Member) -> int:
    return Recommendation.objects.filter(programme=programme, member=member, withdrawn_at__isnull=True).count()


def _lock_quota(programme: AwardProgramme, member: Member) -> None:
    """Take the member's quota row for this programme (created on first use) until the transaction ends."""
    if not LOCK_QUOTA:
        return
    lock, _created = MemberQuotaLock.objects.get_or_create(programme=programme, member=member)
    MemberQuotaLock.objects.select_for_update().get(pk=lock.pk)


def _free_slot(programme: AwardProgramme, member: Member, quota: int) -> tuple[int, int]:
    """(places used, the lowest free place), read under the lock. Raises quota_exceeded when full."""
    taken = set(
        # .order_by(): the model's default ordering would join the member, programme and edition
        # to sort a set, while the member's quota row is locked.
        Recommendation.objects.filter(programme=programme, member=member, withdrawn_at__isnull=True).order_by().values_list("slot", flat=True)
    )
    if len(taken) >= quota:
        raise _quota_exceeded(programme, member, len(taken), quota)
    free = min(set(range(1, quota + 1)) - taken)
    return len(taken), free


def _quota_exceeded(programme, member, used, quota) -> ConflictError:
    return ConflictError(
        "quota_exceeded",
        _("%(member)s has used %(used)s of its %(quota)s recommendations for this award.")
        % {"member": member_name(member), "used": used, "quota": quota},
    )


def is_member_organization(organization: Organization) -> bool:
    return Member.objects.filter(organization=organization).exists()


@transaction.atomic
def recommendation_create(
    *, programme: AwardProgramme, member: Member, enterprise: Organization, actor=None, now: datetime | None = None
) -> Recommendation:
    """`member` recommends `enterprise` for `programme`.

    Refused: before the opening or from the close on (`not_open_yet`, `deadline_passed`), a
    programme without the enterprise direction (`no_enterprise_direction`), an organization that
    is not an enterprise (`not_an_enterprise`), the member's own organization
    (`self_recommendation`), an enterprise the member already recommends
    (`duplicate_recommendation`, 409), and past the tier's quota (`quota_exceeded`, 409).

    Effects: the member's quota row is locked for the rest of the transaction and the
    recommendations counted again under it; the recommendation takes the lowest free place
    (1..quota), which a unique constraint backs. A withdrawn recommendation of the same enterprise
    is made active again rather than duplicated.
    """
    now = now or timezone.now()
    programme = AwardProgramme.objects.select_related("edition").get(pk=programme.pk)
    check_open(programme, now)
    if not programme.has_enterprise_direction:
        raise DomainError("no_enterprise_direction", _("%(programme)s takes no enterprises.") % {"programme": programme_name(programme)})
    if member.organization_id and member.organization_id == enterprise.pk:
        raise DomainError(
            "self_recommendation", _("%(member)s cannot recommend itself.") % {"member": member_name(member)}, field="enterprise"
        )
    if enterprise.kind != OrganizationKind.ENTERPRISE:
        raise DomainError(
            "not_an_enterprise",
            _("%(org)s is not an enterprise (%(kind)s); only enterprises are recommended.") % {"org": pick(enterprise, "name"), "kind": enterprise.get_kind_display()},
            field="enterprise",
        )
    _lock_quota(programme, member)
    existing = Recommendation.objects.filter(programme=programme, member=member, enterprise=enterprise).first()
    if existing is not None and existing.withdrawn_at is None:
        raise ConflictError(
            "duplicate_recommendation",
            _("%(member)s already recommends %(org)s for this award (since %(at)s).")
            % {"member": member_name(member), "org": pick(enterprise, "name"), "at": beijing(existing.recommended_at)},
            field="enterprise",
        )
    quota = quota_for(programme=programme, member=member)
    _used, slot = _free_slot(programme, member, quota)
    try:
        with transaction.atomic():
            if existing is not None:
                existing.withdrawn_at, existing.slot, existing.quota = None, slot, quota
                existing.recommended_at, existing.recommended_by = now, actor
                existing.save(update_fields=["withdrawn_at", "slot", "quota", "recommended_at", "recommended_by"])
                return existing
            return Recommendation.objects.create(
                programme=programme, member=member, enterprise=enterprise, recommended_by=actor, recommended_at=now, slot=slot, quota=quota
            )
    except IntegrityError:
        # Only reachable when two requests counted at once (the lock is what prevents it): the
        # constraints answer as the rules would.
        if Recommendation.objects.filter(programme=programme, member=member, enterprise=enterprise, withdrawn_at__isnull=True).exists():
            raise ConflictError(
                "duplicate_recommendation",
                _("%(member)s already recommends %(org)s for this award.") % {"member": member_name(member), "org": pick(enterprise, "name")},
            ) from None
        raise _quota_exceeded(programme, member, quota_used(programme=programme, member=member), quota) from None


def enterprise_for_recommendation(*, name_zh: str, name_en: str = "", country: str = "", actor=None, is_demo: bool = False) -> Organization:
    """The enterprise a member names: the organization of that Chinese name if there is one (left
    as it is), else a new enterprise, unconfirmed (not public until an organizer confirms it).
    Names as wic.services.organization_name_clean says (`name_required`, `invalid_name`...)."""
    if not (name_zh or "").strip():
        raise DomainError("name_required", _("Name the enterprise in Chinese."), field="name_zh")
    name_zh = wic_services.organization_name_clean(name_zh, field="name_zh")
    name_en = wic_services.organization_name_clean(name_en, field="name_en", required=False)
    existing = Organization.objects.filter(name_zh=name_zh).first()
    if existing is not None:
        return existing
    source = f"awards recommendation by user {actor.pk}" if actor is not None and actor.pk else "awards recommendation"
    return wic_services.organization_upsert(
        name_zh=name_zh, name_en=name_en, kind=OrganizationKind.ENTERPRISE, country=country or "", source=source, is_demo=is_demo,
        verified=False,  # named by a member: public once an organizer confirms it
    )


@transaction.atomic
def recommendation_withdraw(*, recommendation: Recommendation, actor=None, now: datetime | None = None) -> Recommendation:
    """Withdraw a recommendation before the close (`deadline_passed` after), freeing its place.
    Only the member's representatives withdraw (`not_your_recommendation`, 403); withdrawing twice
    is `already_withdrawn` (409)."""
    now = now or timezone.now()
    recommendation = Recommendation.objects.select_related("programme", "member__organization", "enterprise").get(pk=recommendation.pk)
    if actor is not None and not is_organizer(actor) and not recommendation.member.representatives.filter(pk=actor.pk).exists():
        raise PermissionDeniedError("not_your_recommendation", _("Only the recommending member's representatives can withdraw it."))
    check_open(recommendation.programme, now)
    _lock_quota(recommendation.programme, recommendation.member)
    recommendation.refresh_from_db(fields=["withdrawn_at", "slot"])
    if recommendation.withdrawn_at is not None:
        raise ConflictError("already_withdrawn", _("This recommendation was withdrawn on %(at)s.") % {"at": beijing(recommendation.withdrawn_at)})
    recommendation.withdrawn_at, recommendation.slot = now, None
    recommendation.save(update_fields=["withdrawn_at", "slot"])
    return recommendation


def active_recommendations(*, programme: AwardProgramme, enterprise: Organization):
    return Recommendation.objects.filter(programme=programme, enterprise=enterprise, withdrawn_at__isnull=True)


# Enterprises' applications


def enterprises_for_user(user) -> list[Organization]:
    """The enterprises the user may apply for: member organizations it represents, and those an organizer granted."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organization.objects.filter(Q(membership__representatives=user) | Q(award_representatives__user=user))
        .filter(kind=OrganizationKind.ENTERPRISE)
        .distinct()
        .order_by("name_zh")
    )


def _check_represents(user, organization: Organization) -> None:
    if organization.pk not in {o.pk for o in enterprises_for_user(user)}:
        raise PermissionDeniedError(
            "not_a_representative", _("Your account does not act for %(org)s.") % {"org": pick(organization, "name")}
        )


def _log(nomination, from_state, to_state, actor, message=""):
    NominationLog.objects.create(nomination=nomination, from_state=from_state, to_state=to_state, actor=actor, message=message)


def _check_categories(programme: AwardProgramme, categories: list[AwardCategory], direction: str) -> None:
    foreign = [c for c in categories if c.programme_id != programme.pk or (c.direction and c.direction != direction)]
    if foreign:
        raise DomainError(
            "invalid_category", _("%(name)s is not a category of this direction of the award.") % {"name": pick(foreign[0], "name")}, field="categories"
        )
    limit = programme.max_categories
    if limit is not None and len(categories) > limit:
        offered = programme.categories.filter(Q(direction=direction) | Q(direction="")).count()
        raise DomainError(
            "too_many_categories",
            _("An enterprise may enter at most %(limit)s of the %(offered)s categories; this application chose %(chosen)s.")
            % {"limit": limit, "offered": offered, "chosen": len(categories)},
            field="categories",
        )


@transaction.atomic
def nomination_save_draft(
    *,
    programme: AwardProgramme,
    organization: Organization,
    actor,
    categories: list[AwardCategory] | None = None,
    further_conditions: list[FurtherCondition] | None = None,
    endorses_purposes: bool | None = None,
    basic_condition_statement: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    nomination: Nomination | None = None,
    now: datetime | None = None,
) -> Nomination:
    """Create or update an enterprise's draft application. The actor must act for the enterprise
    (`not_a_representative`, 403); only drafts change (`not_a_draft`, 409); only while the
    programme is open; at most `max_categories` categories (`too_many_categories`). One
    application per enterprise and programme: saving again edits it. Arguments left None keep
    their value."""
    now = now or timezone.now()
    if nomination is not None:
        nomination = Nomination.objects.select_for_update(of=("self",)).select_related("programme", "organization").get(pk=nomination.pk)
        if nomination.direction != Direction.ENTERPRISE:
            raise ConflictError("not_a_draft", _("An individual nomination is submitted when made; it has no draft to edit."))
        programme, organization = nomination.programme, nomination.organization
    else:
        programme = AwardProgramme.objects.get(pk=programme.pk)
        nomination = Nomination.objects.select_for_update().filter(programme=programme, organization=organization).first()
    _check_represents(actor, organization)
    if not programme.has_enterprise_direction:
        raise DomainError("no_enterprise_direction", _("%(programme)s takes no enterprises.") % {"programme": programme_name(programme)})
    check_open(programme, now)
    if nomination is not None and nomination.state != NominationState.DRAFT:
        raise ConflictError(
            "not_a_draft", _("The application is %(state)s; only a draft can be edited.") % {"state": nomination.get_state_display()}
        )
    if categories is not None:
        _check_categories(programme, categories, Direction.ENTERPRISE)
    if further_conditions is not None and any(c.programme_id != programme.pk for c in further_conditions):
        raise DomainError("invalid_condition", _("A further condition chosen is not one of this award's."), field="further_conditions")
    if nomination is None:
        nomination = Nomination(programme=programme, organization=organization, direction=Direction.ENTERPRISE, created_by=actor)
    for name, value in (
        ("endorses_purposes", endorses_purposes),
        ("basic_condition_statement", basic_condition_statement),
        ("contact_name", contact_name),
        ("contact_email", contact_email),
    ):
        if value is not None:
            setattr(nomination, name, value.strip() if isinstance(value, str) else value)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:  # another request started this enterprise's application meanwhile
        raise ConflictError(
            "application_exists", _("%(org)s already has an application for this award; edit that one.") % {"org": pick(organization, "name")}
        ) from None
    if categories is not None:
        nomination.categories.set(categories)
    if further_conditions is not None:
        nomination.further_conditions.set(further_conditions)
    return nomination


def submission_problems(nomination: Nomination) -> list[DomainError]:
    """What keeps an enterprise's draft from being submitted, each as the error the submission
    would raise, in the order they are checked."""
    programme = nomination.programme
    problems = []
    categories = list(nomination.categories.all())
    if not categories:
        problems.append(DomainError("category_required", _("Choose at least one category."), field="categories"))
    else:
        try:
            _check_categories(programme, categories, nomination.direction)
        except DomainError as error:
            problems.append(error)
    if programme.requires_endorsement and not nomination.endorses_purposes:
        problems.append(
            DomainError(
                "endorsement_required",
                _("Tick that the enterprise endorses the purposes of the WIC international organization."),
                field="endorses_purposes",
            )
        )
    if categories and not nomination.basic_condition_statement.strip():
        problems.append(
            DomainError(
                "basic_condition_required",
                _("State how the enterprise meets the basic condition of the categories it enters."),
                field="basic_condition_statement",
            )
        )
    chosen = nomination.further_conditions.count()
    if chosen < programme.min_further_conditions:
        problems.append(
            DomainError(
                "further_condition_required",
                _("Pick at least %(n)s of the further conditions; %(chosen)s picked.") % {"n": programme.min_further_conditions, "chosen": chosen},
                field="further_conditions",
            )
        )
    if recommendation_required(nomination):
        problems.append(
            DomainError(
                "recommendation_required",
                _("%(org)s is not a WIC member: the application can be submitted once at least one member has recommended it (0 so far).")
                % {"org": pick(nomination.organization, "name")},
            )
        )
    return problems


def recommendation_required(nomination: Nomination) -> bool:
    """True while a non-member enterprise has no active recommendation for the programme."""
    programme = nomination.programme
    if nomination.direction != Direction.ENTERPRISE or not programme.non_members_need_recommendation:
        return False
    if is_member_organization(nomination.organization):
        return False
    return not active_recommendations(programme=programme, enterprise=nomination.organization).exists()


@transaction.atomic
def nomination_submit(*, nomination: Nomination, actor, now: datetime | None = None) -> Nomination:
    """Submit an enterprise's draft before the close. Refused, the draft kept: `deadline_passed`,
    `already_submitted` (409), and the first of `submission_problems` (`category_required`,
    `too_many_categories`, `endorsement_required`, `basic_condition_required`,
    `further_condition_required`, `recommendation_required`)."""
    now = now or timezone.now()
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related("programme", "organization").get(pk=nomination.pk)
    if nomination.direction == Direction.ENTERPRISE:
        _check_represents(actor, nomination.organization)
    elif nomination.created_by_id != actor.pk:
        raise PermissionDeniedError("not_your_nomination", _("Only its nominator can submit this nomination."))
    if nomination.state != NominationState.DRAFT:
        raise ConflictError("already_submitted", _("The application is already %(state)s.") % {"state": nomination.get_state_display()})
    check_open(nomination.programme, now)
    problems = submission_problems(nomination)
    if problems:
        raise problems[0]
    nomination.state, nomination.submitted_at = NominationState.SUBMITTED, now
    nomination.save(update_fields=["state", "submitted_at", "updated"])
    _log(nomination, NominationState.DRAFT, NominationState.SUBMITTED, actor)
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, actor, now: datetime | None = None) -> Nomination:
    """The applicant (or nominator) withdraws a draft or a submitted nomination before the close."""
    now = now or timezone.now()
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related("programme", "organization").get(pk=nomination.pk)
    if nomination.direction == Direction.ENTERPRISE:
        _check_represents(actor, nomination.organization)
    elif nomination.created_by_id != actor.pk:
        raise PermissionDeniedError("not_your_nomination", _("Only its nominator can withdraw this nomination."))
    check_open(nomination.programme, now)
    if nomination.state not in WITHDRAWABLE:
        raise ConflictError("invalid_transition", _("A nomination that is %(state)s cannot be withdrawn.") % {"state": nomination.get_state_display()})
    previous = nomination.state
    nomination.state = NominationState.WITHDRAWN
    nomination.save(update_fields=["state", "updated"])
    _log(nomination, previous, NominationState.WITHDRAWN, actor)
    return nomination


# Individuals


@transaction.atomic
def nomination_nominate_individual(
    *,
    programme: AwardProgramme,
    actor,
    person_name: str,
    person_affiliation: str = "",
    citation: str = "",
    member: Member | None = None,
    categories: list[AwardCategory] | None = None,
    now: datetime | None = None,
) -> Nomination:
    """A member (through its representative) or an organizer nominates a person in the individual
    direction; the nomination is submitted at once. Refused: `no_individual_direction`,
    `not_a_member` (403) for anyone else, `name_required`, `citation_required`, the dates."""
    now = now or timezone.now()
    programme = AwardProgramme.objects.get(pk=programme.pk)
    if not programme.has_individual_direction:
        raise DomainError("no_individual_direction", _("%(programme)s takes no individuals.") % {"programme": programme_name(programme)})
    if member is not None:
        if not member.representatives.filter(pk=actor.pk).exists():
            raise PermissionDeniedError("not_a_member", _("Your account does not represent %(member)s.") % {"member": member_name(member)})
    elif not is_organizer(actor):
        raise PermissionDeniedError("not_a_member", _("Individuals are nominated by WIC members or by the organizers."))
    check_open(programme, now)
    person_name = (person_name or "").strip()
    if not person_name:
        raise DomainError("name_required", _("Name the person nominated."), field="person_name")
    if not (citation or "").strip():
        raise DomainError("citation_required", _("Describe the person's contribution."), field="citation")
    categories = categories or []
    _check_categories(programme, categories, Direction.INDIVIDUAL)
    nomination = Nomination.objects.create(
        programme=programme,
        direction=Direction.INDIVIDUAL,
        person_name=person_name,
        person_affiliation=(person_affiliation or "").strip(),
        citation=citation.strip(),
        nominated_by_member=member,
        created_by=actor,
        state=NominationState.SUBMITTED,
        submitted_at=now,
    )
    nomination.categories.set(categories)
    _log(nomination, NominationState.DRAFT, NominationState.SUBMITTED, actor, "nominated")
    return nomination


# Organizers: screening, experts, scores, shortlist, winners, release


def eligibility_problems(nomination: Nomination) -> list[str]:
    """What an organizer screening a submitted nomination should know: the rules it no longer meets
    (a recommendation withdrawn after submission, for instance). Empty when none."""
    if nomination.direction != Direction.ENTERPRISE:
        return []
    return [f"{e.message} [{e.code}]" for e in submission_problems(nomination)]


@transaction.atomic
def nomination_transition(*, nomination: Nomination, to_state: str, actor, message: str = "", won_category: AwardCategory | None = None) -> Nomination:
    """An organizer's move along TRANSITIONS (screening, shortlist, winner, and back); anything else
    is `invalid_transition` (409). Marking eligible re-checks the rules (`eligibility`). A winner in
    the enterprise direction names the category it won, one it entered (`invalid_category`)."""
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related("programme", "organization").get(pk=nomination.pk)
    current = nomination.state
    if to_state not in TRANSITIONS.get(current, ()):
        raise ConflictError(
            "invalid_transition",
            _("A nomination that is %(from)s cannot become %(to)s.")
            % {"from": NominationState(current).label, "to": NominationState(to_state).label if to_state in NominationState.values else to_state},
        )
    if to_state == NominationState.ELIGIBLE:
        problems = eligibility_problems(nomination)
        if problems:
            raise DomainError("eligibility", _("Not eligible: %(problems)s") % {"problems": "; ".join(problems)})
    if to_state == NominationState.WINNER:
        entered = list(nomination.categories.all())
        if won_category is None and len(entered) == 1:
            won_category = entered[0]
        if entered and (won_category is None or won_category.pk not in {c.pk for c in entered}):
            raise DomainError(
                "invalid_category",
                _("Name the category won, one of those entered: %(names)s.") % {"names": ", ".join(pick(c, "name") for c in entered)},
            )
        nomination.won_category = won_category
    else:
        nomination.won_category = None
    nomination.state = to_state
    if message:
        nomination.screening_note = message
    nomination.save()
    _log(nomination, current, to_state, actor, message)
    webhooks.emit("nomination.decided", lambda: webhook_events.nomination_decided(nomination, previous_state=current))  # issue 28
    return nomination


def nominations_transition(*, nominations, to_state: str, actor, message: str = "") -> tuple[list, list[tuple]]:
    """Bulk move, each nomination on its own. Returns (changed, [(nomination, DomainError)])."""
    changed, refused = [], []
    for nomination in nominations:
        try:
            changed.append(nomination_transition(nomination=nomination, to_state=to_state, actor=actor, message=message))
        except DomainError as error:
            refused.append((nomination, error))
    return changed, refused


def reviewer_assign(*, programme: AwardProgramme, user) -> AwardReviewer:
    reviewer, _created = AwardReviewer.objects.get_or_create(programme=programme, user=user)
    return reviewer


def score_check(*, nomination: Nomination, reviewer: AwardReviewer | None, score, category: AwardCategory | None = None) -> None:
    """The rules of a score, without writing it (the admin's inline form asks before saving)."""
    if reviewer is None or reviewer.programme_id != nomination.programme_id:
        raise PermissionDeniedError("not_a_reviewer", _("You are not an expert reviewer of %(programme)s.") % {"programme": programme_name(nomination.programme)})
    if nomination.state not in (NominationState.SUBMITTED, NominationState.ELIGIBLE, NominationState.SHORTLISTED):
        raise ConflictError("invalid_transition", _("A nomination that is %(state)s is not scored.") % {"state": nomination.get_state_display()})
    entered = {c.pk: c for c in nomination.categories.all()}
    if entered and (category is None or category.pk not in entered):
        raise DomainError(
            "invalid_category",
            _("Score one of the categories entered: %(names)s.") % {"names": ", ".join(pick(c, "name") for c in entered.values())},
            field="category",
        )
    if not entered and category is not None:
        raise DomainError("invalid_category", _("This nomination entered no category; give an overall score."), field="category")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 10:
        raise DomainError("invalid_score", _("Scores are whole numbers from 1 to 10; got %(score)s.") % {"score": score}, field="score")


@transaction.atomic
def score_record(*, nomination: Nomination, user, score: int, category: AwardCategory | None = None, comment: str = "") -> Score:
    """An expert assigned to the programme scores a nomination, 1 to 10, per category it entered
    (overall when it entered none). Refused: `not_a_reviewer` (403), `invalid_category`,
    `invalid_score`, and nominations not under review (`invalid_transition`, 409). Scoring the
    same category again replaces the score."""
    nomination = Nomination.objects.select_related("programme").get(pk=nomination.pk)
    reviewer = AwardReviewer.objects.filter(programme=nomination.programme, user=user).first()
    score_check(nomination=nomination, reviewer=reviewer, score=score, category=category)
    row, _created = Score.objects.update_or_create(
        nomination=nomination, reviewer=reviewer, category=category, defaults={"score": score, "comment": comment or ""}
    )
    return row


@transaction.atomic
def programme_release_results(*, programme: AwardProgramme, actor=None, now: datetime | None = None) -> AwardProgramme:
    """Publish the winners on /editions/<year>/awards/. Only after the close (`not_closed_yet`);
    releasing twice keeps the first release time."""
    now = now or timezone.now()
    programme = AwardProgramme.objects.select_for_update().get(pk=programme.pk)
    if programme.closes_at is not None and now < programme.closes_at:
        raise DomainError("not_closed_yet", _("%(programme)s closes on %(at)s (Beijing time); results come after.") % {"programme": programme_name(programme), "at": beijing(programme.closes_at)})
    if programme.results_released_at is None:
        programme.results_released_at = now
        programme.save(update_fields=["results_released_at"])
    return programme


@transaction.atomic
def programme_withhold_results(*, programme: AwardProgramme, actor=None) -> AwardProgramme:
    programme = AwardProgramme.objects.select_for_update().get(pk=programme.pk)
    programme.results_released_at = None
    programme.save(update_fields=["results_released_at"])
    return programme


def enterprise_representative_grant(*, user, organization: Organization) -> EnterpriseRepresentative:
    row, _created = EnterpriseRepresentative.objects.get_or_create(user=user, organization=organization)
    return row


# Programmes (seed, demo and admin)


def programme_upsert(*, edition, key: str, name_zh: str, **fields) -> AwardProgramme:
    """Create or update the programme `key` of `edition`. Refuses a close before the opening (`programme_dates`)."""
    opens_at, closes_at = fields.get("opens_at"), fields.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(
            "programme_dates", _("%(name)s closes on %(close)s, not after it opens on %(open)s.") % {"name": name_zh, "close": beijing(closes_at), "open": beijing(opens_at)}
        )
    programme, _created = AwardProgramme.objects.update_or_create(edition=edition, key=key, defaults={"name_zh": name_zh, **fields})
    return programme


def category_upsert(*, programme: AwardProgramme, key: str, name_zh: str, **fields) -> AwardCategory:
    category, _created = AwardCategory.objects.update_or_create(programme=programme, key=key, defaults={"name_zh": name_zh, **fields})
    return category


def further_condition_upsert(*, programme: AwardProgramme, text_zh: str, **fields) -> FurtherCondition:
    condition, _created = FurtherCondition.objects.update_or_create(programme=programme, text_zh=text_zh, defaults=fields)
    return condition


def quotas_set(*, programme: AwardProgramme, quotas: dict[str, int]) -> list[RecommendationQuota]:
    """Set the recommendations each member tier may make, {tier: number}; tiers left out keep theirs."""
    from wic.enums import MemberTier

    rows = []
    for tier, quota in quotas.items():
        if tier not in MemberTier.values:
            raise DomainError("invalid_choice", _("%(tier)r is not a member tier.") % {"tier": tier}, field="tier")
        row, _created = RecommendationQuota.objects.update_or_create(programme=programme, tier=tier, defaults={"quota": int(quota)})
        rows.append(row)
    return rows


def figure_upsert(*, programme: AwardProgramme, key: str, value: int, label_zh: str, **fields):
    from wic.enums import Qualifier

    from .models import ProgrammeFigure

    qualifier = fields.get("qualifier", Qualifier.EXACT)
    if qualifier not in Qualifier.values:
        raise DomainError("invalid_choice", _("%(q)r is not a qualifier.") % {"q": qualifier}, field="qualifier")
    figure, _created = ProgrammeFigure.objects.update_or_create(programme=programme, key=key, defaults={"value": value, "label_zh": label_zh, **fields})
    return figure
