from datetime import datetime, timezone as dt_timezone

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from awards import services
from awards.enums import NominationState
from awards.models import Recommendation
from tests.awards.conftest import BEIJING, CLOSES, DURING, OPENS, make_member, make_programme, recommend
from tests.factories import OrganizationFactory, make_organizer
from wic.errors import DomainError
from wic.models import Member


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def code_of(call):
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code, caught.value.message, caught.value.status


# Quotas per tier


@pytest.mark.parametrize(
    "tier,quota", [("council", 10), ("senior", 10), ("member", 5), ("individual", 5), ("associate", 1), ("nonprofit", 1)]
)
def test_quota_of_each_tier_is_exact(programme, enterprises, django_user_model, tier, quota):
    member, user = make_member(tier, django_user_model)
    for enterprise in enterprises[:quota]:
        recommend(programme, member, enterprise, user)
    assert services.quota_used(programme=programme, member=member) == quota
    code, message, status = code_of(lambda: recommend(programme, member, enterprises[quota], user))
    name = member.person_name or member.organization.name_en
    assert (code, status) == ("quota_exceeded", 409)
    assert message == f"{name} has used {quota} of its {quota} recommendations for this award."
    assert Recommendation.objects.filter(member=member).count() == quota


def test_quota_message_names_the_member_like_the_issue(programme, enterprises, django_user_model):
    member, user = make_member("member", django_user_model, username="ex")
    member.organization.name_en = "Example Association"
    member.organization.save()
    for enterprise in enterprises[:5]:
        recommend(programme, member, enterprise, user)
    assert code_of(lambda: recommend(programme, member, enterprises[5], user))[1] == (
        "Example Association has used 5 of its 5 recommendations for this award."
    )


def test_quotas_are_data_on_the_programme(programme, enterprises, member_rep):
    member, user = member_rep
    services.quotas_set(programme=programme, quotas={"member": 2})
    recommend(programme, member, enterprises[0], user)
    recommend(programme, member, enterprises[1], user)
    assert code_of(lambda: recommend(programme, member, enterprises[2], user))[:2] == (
        "quota_exceeded",
        f"{member.organization.name_en} has used 2 of its 2 recommendations for this award.",
    )


def test_tier_without_a_quota_row_has_none(programme, enterprises, member_rep):
    member, user = member_rep
    programme.quotas.filter(tier="member").delete()
    assert code_of(lambda: recommend(programme, member, enterprises[0], user))[:2] == (
        "quota_exceeded",
        f"{member.organization.name_en} has used 0 of its 0 recommendations for this award.",
    )


def test_withdrawal_before_the_close_frees_the_place(programme, enterprises, django_user_model):
    member, user = make_member("associate", django_user_model)
    first = recommend(programme, member, enterprises[0], user)
    assert first.slot == 1 and first.quota == 1
    assert code_of(lambda: recommend(programme, member, enterprises[1], user))[0] == "quota_exceeded"
    withdrawn = services.recommendation_withdraw(recommendation=first, actor=user, now=DURING)
    assert (withdrawn.withdrawn_at, withdrawn.slot) == (DURING, None)
    second = recommend(programme, member, enterprises[1], user)
    assert (second.slot, services.quota_used(programme=programme, member=member)) == (1, 1)


def test_withdrawal_after_the_close_is_refused_and_keeps_the_place(programme, enterprises, member_rep):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user)
    code, message, _status = code_of(lambda: services.recommendation_withdraw(recommendation=rec, actor=user, now=CLOSES))
    assert code == "deadline_passed"
    assert "2099-10-10 17:00 (Beijing time)" in message
    assert services.quota_used(programme=programme, member=member) == 1


def test_withdraw_twice_and_by_someone_else(programme, enterprises, member_rep, django_user_model):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user)
    _other_member, other = make_member("council", django_user_model)
    assert code_of(lambda: services.recommendation_withdraw(recommendation=rec, actor=other, now=DURING))[::2] == ("not_your_recommendation", 403)
    services.recommendation_withdraw(recommendation=rec, actor=user, now=DURING)
    assert code_of(lambda: services.recommendation_withdraw(recommendation=rec, actor=user, now=DURING))[::2] == ("already_withdrawn", 409)


def test_recommending_again_after_withdrawal_reuses_the_row(programme, enterprises, member_rep):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user)
    services.recommendation_withdraw(recommendation=rec, actor=user, now=DURING)
    again = recommend(programme, member, enterprises[0], user)
    assert (again.pk, again.withdrawn_at, again.slot) == (rec.pk, None, 1)
    assert Recommendation.objects.filter(member=member).count() == 1


def test_duplicate_recommendation(programme, enterprises, member_rep):
    member, user = member_rep
    recommend(programme, member, enterprises[0], user)
    code, message, status = code_of(lambda: recommend(programme, member, enterprises[0], user))
    assert (code, status) == ("duplicate_recommendation", 409)
    assert message == f"{member.organization.name_en} already recommends Non-member Enterprise 0 for this award (since 2099-09-20 10:00)."


def test_two_members_may_recommend_the_same_enterprise(programme, enterprises, django_user_model):
    a, user_a = make_member("council", django_user_model)
    b, user_b = make_member("senior", django_user_model)
    recommend(programme, a, enterprises[0], user_a)
    recommend(programme, b, enterprises[0], user_b)
    assert services.active_recommendations(programme=programme, enterprise=enterprises[0]).count() == 2


def test_self_recommendation(programme, member_rep):
    member, user = member_rep
    code, message, status = code_of(lambda: recommend(programme, member, member.organization, user))
    assert (code, status, message) == ("self_recommendation", 400, f"{member.organization.name_en} cannot recommend itself.")


def test_only_enterprises_are_recommended(programme, member_rep):
    member, user = member_rep
    university = OrganizationFactory(name_zh="测试大学", name_en="Test University", kind="university")
    assert code_of(lambda: recommend(programme, member, university, user))[:2] == (
        "not_an_enterprise",
        "Test University is not an enterprise (University); only enterprises are recommended.",
    )


def test_not_a_member(django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="a-long-test-password-1")
    code, message, status = code_of(lambda: services.member_for_user(user=stranger))
    assert (code, status) == ("not_a_member", 403)


def test_member_for_user_picks_among_several(django_user_model):
    a, user = make_member("council", django_user_model)
    b = Member.objects.create(tier="individual", person_name="另一位个人会员")
    b.representatives.add(user)
    assert code_of(lambda: services.member_for_user(user=user))[0] == "member_required"
    assert services.member_for_user(user=user, member_id=b.pk) == b


# The close in Beijing time


def test_deadline_at_16_59_59_beijing_is_accepted(programme, enterprises, member_rep):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user, now=datetime(2099, 10, 10, 16, 59, 59, tzinfo=BEIJING))
    assert rec.is_active


def test_deadline_at_17_00_00_beijing_is_refused(programme, enterprises, member_rep):
    member, user = member_rep
    code, message, _status = code_of(lambda: recommend(programme, member, enterprises[0], user, now=datetime(2099, 10, 10, 17, 0, 0, tzinfo=BEIJING)))
    assert (code, message) == ("deadline_passed", "Test Outstanding Contribution Award closed on 2099-10-10 17:00 (Beijing time); nothing more is accepted.")


def test_deadline_is_the_same_instant_whatever_the_clock_zone(programme, enterprises, member_rep):
    member, user = member_rep
    # 08:59:59 UTC is 16:59:59 in Beijing; 09:00:00 UTC is the close.
    assert recommend(programme, member, enterprises[0], user, now=datetime(2099, 10, 10, 8, 59, 59, tzinfo=dt_timezone.utc)).is_active
    assert code_of(lambda: recommend(programme, member, enterprises[1], user, now=datetime(2099, 10, 10, 9, 0, 0, tzinfo=dt_timezone.utc)))[0] == "deadline_passed"


def test_deadline_with_the_real_clock(programme, enterprises, member_rep):
    import time_machine

    member, user = member_rep
    with time_machine.travel(datetime(2099, 10, 10, 16, 59, 59, tzinfo=BEIJING), tick=False):
        assert services.recommendation_create(programme=programme, member=member, enterprise=enterprises[0], actor=user).is_active
    with time_machine.travel(datetime(2099, 10, 10, 17, 0, 0, tzinfo=BEIJING), tick=False):
        assert code_of(lambda: services.recommendation_create(programme=programme, member=member, enterprise=enterprises[1], actor=user))[0] == "deadline_passed"


def test_before_the_opening(programme, enterprises, member_rep):
    member, user = member_rep
    code, message, _status = code_of(lambda: recommend(programme, member, enterprises[0], user, now=datetime(2099, 9, 11, 8, 59, tzinfo=BEIJING)))
    assert (code, message) == ("not_open_yet", "Test Outstanding Contribution Award opens on 2099-09-11 09:00 (Beijing time).")


# The database backs the quota


def test_constraint_refuses_a_place_beyond_the_quota(programme, enterprises, member_rep):
    member, _user = member_rep
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(programme=programme, member=member, enterprise=enterprises[0], slot=6, quota=5)


def test_constraint_refuses_two_recommendations_in_one_place(programme, enterprises, member_rep):
    member, _user = member_rep
    Recommendation.objects.create(programme=programme, member=member, enterprise=enterprises[0], slot=1, quota=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(programme=programme, member=member, enterprise=enterprises[1], slot=1, quota=5)


def test_constraint_refuses_the_same_enterprise_twice(programme, enterprises, member_rep):
    member, _user = member_rep
    Recommendation.objects.create(programme=programme, member=member, enterprise=enterprises[0], slot=1, quota=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(programme=programme, member=member, enterprise=enterprises[0], slot=2, quota=5)


def test_lowest_free_place_is_taken(programme, enterprises, member_rep):
    member, user = member_rep
    recs = [recommend(programme, member, e, user) for e in enterprises[:3]]
    services.recommendation_withdraw(recommendation=recs[1], actor=user, now=DURING)
    assert recommend(programme, member, enterprises[3], user).slot == 2


# New enterprises named by a member


def test_enterprise_named_by_a_member_is_created_once(member_rep):
    _member, user = member_rep
    org = services.enterprise_for_recommendation(name_zh=" 新测试企业 ", name_en="New Test Co", country="SG", actor=user)
    assert (org.name_zh, org.name_en, org.kind, org.country.code) == ("新测试企业", "New Test Co", "enterprise", "SG")
    assert services.enterprise_for_recommendation(name_zh="新测试企业", name_en="Other name", actor=user).pk == org.pk
    org.refresh_from_db()
    assert org.name_en == "New Test Co"  # an existing organization is left as it is
    assert code_of(lambda: services.enterprise_for_recommendation(name_zh="  ", actor=user))[0] == "name_required"


# Enterprises' applications


def complete_draft(programme, enterprise, user, **overrides):
    categories = list(programme.categories.all()[:2])
    fields = dict(
        categories=categories,
        further_conditions=list(programme.further_conditions.all()[:1]),
        endorses_purposes=True,
        basic_condition_statement="我们满足社会贡献类基本条件（测试）。",
        now=DURING,
    )
    fields.update(overrides)
    return services.nomination_save_draft(programme=programme, organization=enterprise, actor=user, **fields)


def test_non_member_application_stays_a_draft_until_a_member_recommends(programme, enterprises, enterprise_rep, member_rep):
    draft = complete_draft(programme, enterprises[0], enterprise_rep)
    code, message, _status = code_of(lambda: services.nomination_submit(nomination=draft, actor=enterprise_rep, now=DURING))
    assert (code, message) == (
        "recommendation_required",
        "Non-member Enterprise 0 is not a WIC member: the application can be submitted once at least one member has recommended it (0 so far).",
    )
    draft.refresh_from_db()
    assert draft.state == NominationState.DRAFT
    member, user = member_rep
    recommend(programme, member, enterprises[0], user)
    submitted = services.nomination_submit(nomination=draft, actor=enterprise_rep, now=DURING)
    assert (submitted.state, submitted.submitted_at) == (NominationState.SUBMITTED, DURING)
    assert list(submitted.log.values_list("from_state", "to_state")) == [("draft", "submitted")]


def test_member_enterprise_applies_directly(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user)
    assert services.nomination_submit(nomination=draft, actor=user, now=DURING).state == NominationState.SUBMITTED


def test_withdrawn_recommendation_no_longer_counts(programme, enterprises, enterprise_rep, member_rep):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user)
    services.recommendation_withdraw(recommendation=rec, actor=user, now=DURING)
    draft = complete_draft(programme, enterprises[0], enterprise_rep)
    assert code_of(lambda: services.nomination_submit(nomination=draft, actor=enterprise_rep, now=DURING))[0] == "recommendation_required"


def test_too_many_categories(programme, member_rep):
    member, user = member_rep
    code, message, _status = code_of(lambda: complete_draft(programme, member.organization, user, categories=list(programme.categories.all())))
    assert (code, message) == ("too_many_categories", "An enterprise may enter at most 2 of the 3 categories; this application chose 3.")


def test_two_categories_are_allowed_one_too(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user)
    assert draft.categories.count() == 2
    draft = complete_draft(programme, member.organization, user, categories=list(programme.categories.all()[:1]))
    assert draft.categories.count() == 1


def test_category_required(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user, categories=[])
    assert code_of(lambda: services.nomination_submit(nomination=draft, actor=user, now=DURING))[:2] == ("category_required", "Choose at least one category.")


def test_endorsement_required(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user, endorses_purposes=False)
    assert code_of(lambda: services.nomination_submit(nomination=draft, actor=user, now=DURING))[:2] == (
        "endorsement_required",
        "Tick that the enterprise endorses the purposes of the WIC international organization.",
    )


def test_basic_condition_statement_required(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user, basic_condition_statement="   ")
    assert code_of(lambda: services.nomination_submit(nomination=draft, actor=user, now=DURING))[0] == "basic_condition_required"


def test_at_least_one_further_condition(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user, further_conditions=[])
    assert code_of(lambda: services.nomination_submit(nomination=draft, actor=user, now=DURING))[:2] == (
        "further_condition_required",
        "Pick at least 1 of the further conditions; 0 picked.",
    )


def test_submission_problems_lists_every_missing_piece(programme, enterprises, enterprise_rep):
    draft = services.nomination_save_draft(programme=programme, organization=enterprises[0], actor=enterprise_rep, now=DURING)
    assert [p.code for p in services.submission_problems(draft)] == [
        "category_required", "endorsement_required", "further_condition_required", "recommendation_required",
    ]


def test_submit_at_the_close(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user)
    assert code_of(lambda: services.nomination_submit(nomination=draft, actor=user, now=CLOSES))[0] == "deadline_passed"
    assert services.nomination_submit(nomination=draft, actor=user, now=datetime(2099, 10, 10, 16, 59, 59, tzinfo=BEIJING)).state == "submitted"


def test_draft_is_saved_again_not_duplicated_and_frozen_after_submission(programme, member_rep):
    member, user = member_rep
    first = complete_draft(programme, member.organization, user)
    again = complete_draft(programme, member.organization, user, basic_condition_statement="新的说明")
    assert (again.pk, again.basic_condition_statement) == (first.pk, "新的说明")
    services.nomination_submit(nomination=again, actor=user, now=DURING)
    assert code_of(lambda: complete_draft(programme, member.organization, user))[::2] == ("not_a_draft", 409)
    assert code_of(lambda: services.nomination_submit(nomination=again, actor=user, now=DURING))[::2] == ("already_submitted", 409)


def test_only_the_enterprise_representative_applies(programme, enterprises, member_rep):
    _member, user = member_rep
    assert code_of(lambda: complete_draft(programme, enterprises[3], user))[::2] == ("not_a_representative", 403)


def test_categories_of_another_programme_are_refused(programme, edition, member_rep):
    member, user = member_rep
    other = make_programme(edition, key="other")
    assert code_of(lambda: complete_draft(programme, member.organization, user, categories=list(other.categories.all()[:1])))[0] == "invalid_category"


def test_withdraw_application(programme, member_rep):
    member, user = member_rep
    draft = complete_draft(programme, member.organization, user)
    assert services.nomination_withdraw(nomination=draft, actor=user, now=DURING).state == NominationState.WITHDRAWN


# Individuals


def test_members_and_organizers_nominate_individuals(programme, member_rep, django_user_model):
    member, user = member_rep
    nomination = services.nomination_nominate_individual(
        programme=programme, actor=user, member=member, person_name="测试候选人", citation="贡献说明", now=DURING
    )
    assert (nomination.state, nomination.direction, nomination.nominated_by_member) == ("submitted", "individual", member)
    organizer = make_organizer("org-x")
    by_organizer = services.nomination_nominate_individual(programme=programme, actor=organizer, person_name="另一位候选人", citation="说明", now=DURING)
    assert by_organizer.nominated_by_member is None
    stranger = django_user_model.objects.create_user("nobody", password="a-long-test-password-1")
    assert code_of(lambda: services.nomination_nominate_individual(programme=programme, actor=stranger, person_name="X", citation="Y", now=DURING))[::2] == ("not_a_member", 403)
    assert code_of(lambda: services.nomination_nominate_individual(programme=programme, actor=user, member=member, person_name="X", citation="", now=DURING))[0] == "citation_required"
    assert code_of(lambda: services.nomination_nominate_individual(programme=programme, actor=user, member=member, person_name="X", citation="Y", now=CLOSES))[0] == "deadline_passed"


# Organizers


def test_screening_shortlist_winner_and_release(programme, member_rep, django_user_model):
    member, user = member_rep
    organizer = make_organizer("org-y")
    draft = complete_draft(programme, member.organization, user)
    services.nomination_submit(nomination=draft, actor=user, now=DURING)
    assert code_of(lambda: services.nomination_transition(nomination=draft, to_state="winner", actor=organizer))[::2] == ("invalid_transition", 409)
    services.nomination_transition(nomination=draft, to_state="eligible", actor=organizer)
    services.nomination_transition(nomination=draft, to_state="shortlisted", actor=organizer)
    assert code_of(lambda: services.nomination_transition(nomination=draft, to_state="winner", actor=organizer))[0] == "invalid_category"
    social = programme.categories.get(key="social")
    winner = services.nomination_transition(nomination=draft, to_state="winner", actor=organizer, won_category=social)
    assert (winner.state, winner.won_category) == ("winner", social)
    assert list(winner.log.values_list("to_state", flat=True)) == ["submitted", "eligible", "shortlisted", "winner"]
    assert code_of(lambda: services.programme_release_results(programme=programme, now=DURING))[0] == "not_closed_yet"
    released = services.programme_release_results(programme=programme, now=CLOSES)
    assert released.results_released_at == CLOSES


def test_screening_refuses_eligible_when_the_recommendation_was_withdrawn(programme, enterprises, enterprise_rep, member_rep, django_user_model):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user)
    draft = complete_draft(programme, enterprises[0], enterprise_rep)
    services.nomination_submit(nomination=draft, actor=enterprise_rep, now=DURING)
    services.recommendation_withdraw(recommendation=rec, actor=user, now=DURING)
    assert [p.split(" [")[1] for p in services.eligibility_problems(draft)] == ["recommendation_required]"]
    code, _message, _status = code_of(lambda: services.nomination_transition(nomination=draft, to_state="eligible", actor=None))
    assert code == "eligibility"
    assert services.nomination_transition(nomination=draft, to_state="ineligible", actor=None, message="推荐已撤回").screening_note == "推荐已撤回"


def test_scores_per_category_by_assigned_experts(programme, member_rep, django_user_model):
    member, user = member_rep
    expert = django_user_model.objects.create_user("expert", password="a-long-test-password-1")
    draft = complete_draft(programme, member.organization, user)
    services.nomination_submit(nomination=draft, actor=user, now=DURING)
    social, innovation, growth = programme.categories.order_by("sort_order")
    assert code_of(lambda: services.score_record(nomination=draft, user=expert, category=social, score=8))[::2] == ("not_a_reviewer", 403)
    services.reviewer_assign(programme=programme, user=expert)
    services.score_record(nomination=draft, user=expert, category=social, score=8, comment="好")
    services.score_record(nomination=draft, user=expert, category=social, score=9)
    services.score_record(nomination=draft, user=expert, category=innovation, score=6)
    assert sorted(draft.scores.values_list("category__key", "score")) == [("innovation", 6), ("social", 9)]
    assert code_of(lambda: services.score_record(nomination=draft, user=expert, category=growth, score=5))[0] == "invalid_category"
    assert code_of(lambda: services.score_record(nomination=draft, user=expert, category=social, score=11))[0] == "invalid_score"
    assert code_of(lambda: services.score_record(nomination=draft, user=expert, category=None, score=5))[0] == "invalid_category"
