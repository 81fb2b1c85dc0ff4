import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import services
from awards.models import Nomination, Recommendation
from datetime import datetime

from tests.awards.conftest import BEIJING, CLOSES, DURING, make_member, make_programme, recommend
from tests.factories import EditionFactory, OrganizationFactory


@pytest.fixture
def during():
    with time_machine.travel(DURING, tick=False):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_members_page_shows_quota_and_recommendations(client, programme, enterprises, member_rep, during):
    member, user = member_rep
    for enterprise in enterprises[:3]:
        recommend(programme, member, enterprise, user)
    client.force_login(user)
    response = client.get("/awards/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = text(response)
    assert "3 of 5 used" in page and "(2 places left)" in page
    assert page.count(">Withdraw</button>") == 3
    assert "Non-member Enterprise 2" in page


def test_recommend_through_the_page_and_withdraw(client, programme, enterprises, member_rep, during):
    member, user = member_rep
    client.force_login(user)
    response = client.post(f"/awards/{programme.pk}/recommend/", {"enterprise": enterprises[0].pk}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "1 of 5 used" in text(response)
    rec = Recommendation.objects.get(member=member)
    new = client.post(f"/awards/{programme.pk}/recommend/", {"name_zh": "页面新企业", "name_en": "Page New Co", "country": "FR"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "2 of 5 used" in text(new) and "Page New Co" in text(new)
    client.post(f"/awards/recommendations/{rec.pk}/withdraw/", HTTP_ACCEPT_LANGUAGE="en")
    assert services.quota_used(programme=programme, member=member) == 1


def test_page_refusal_shows_the_code_and_numbers(client, programme, enterprises, django_user_model, during):
    member, user = make_member("nonprofit", django_user_model)
    recommend(programme, member, enterprises[0], user)
    client.force_login(user)
    response = client.post(f"/awards/{programme.pk}/recommend/", {"enterprise": enterprises[1].pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert f"{member.organization.name_en} has used 1 of its 1 recommendations for this award." in text(response)
    both = client.post(f"/awards/{programme.pk}/recommend/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert both.status_code == 400 and "Choose an enterprise, or name a new one in Chinese." in text(both)


def test_apply_page_waits_for_a_recommendation_then_submits(client, programme, enterprises, enterprise_rep, member_rep, during):
    client.force_login(enterprise_rep)
    page = client.get(f"/awards/{programme.pk}/apply/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Waiting for a member's recommendation" in text(page)
    categories = [c.pk for c in programme.categories.all()]
    form = {
        "categories": categories[:2], "further_conditions": [programme.further_conditions.first().pk], "endorses_purposes": "on",
        "basic_condition_statement": "说明", "action": "submit",
    }
    response = client.post(f"/awards/{programme.pk}/apply/", form, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "was not submitted" in text(response) and 'data-code="recommendation_required"' in text(response)
    nomination = Nomination.objects.get(organization=enterprises[0])
    assert nomination.state == "draft"
    member, user = member_rep
    recommend(programme, member, enterprises[0], user)
    response = client.post(f"/awards/{programme.pk}/apply/", form, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "The application is submitted." in text(response)
    nomination.refresh_from_db()
    assert nomination.state == "submitted"
    frozen = client.post(f"/awards/{programme.pk}/apply/", {**form, "categories": categories}, HTTP_ACCEPT_LANGUAGE="en")
    assert frozen.status_code == 409 and 'data-code="not_a_draft"' in text(frozen)


def test_apply_too_many_categories_on_the_page(client, programme, member_rep, during):
    member, user = member_rep
    client.force_login(user)
    categories = [c.pk for c in programme.categories.all()]
    response = client.post(f"/awards/{programme.pk}/apply/", {"categories": categories, "action": "save"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "An enterprise may enter at most 2 of the 3 categories; this application chose 3." in text(response)


def test_apply_page_refuses_accounts_without_an_enterprise(client, programme, django_user_model):
    user = django_user_model.objects.create_user("plain", password="a-long-test-password-1")
    client.force_login(user)
    assert client.get(f"/awards/{programme.pk}/apply/").status_code == 403


def test_edition_page_shows_figures_always_and_winners_once_released(client, programme, member_rep, django_user_model, during):
    member, user = member_rep
    services.figure_upsert(programme=programme, key="winners", value=14, label_zh="获奖企业", label_en="Enterprises awarded", quote_zh="14家企业")
    draft = services.nomination_save_draft(
        programme=programme, organization=member.organization, actor=user, categories=list(programme.categories.all()[:1]),
        further_conditions=list(programme.further_conditions.all()[:1]), endorses_purposes=True, basic_condition_statement="说明",
    )
    services.nomination_submit(nomination=draft, actor=user)
    for state in ("eligible", "shortlisted", "winner"):
        services.nomination_transition(nomination=draft, to_state=state, actor=None)
    page = text(client.get(f"/editions/{programme.edition.year}/awards/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Enterprises awarded" in page and "Results are not released yet." in page and member.organization.name_en not in page
    services.programme_release_results(programme=programme, now=CLOSES)
    page = text(client.get(f"/editions/{programme.edition.year}/awards/", HTTP_ACCEPT_LANGUAGE="en"))
    assert f"{member.organization.name_en} · Social contribution" in page


def test_seeded_2024_page(client, db):
    page = text(client.get("/editions/2024/awards/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    for words in ("世界互联网大会杰出贡献奖", "2024年全球共有7位个人和14家企业获此殊荣", "1048", "AI+创新应用特色赛", "2024-10-10 17:00", "2024-06-20"):
        assert words in page, words


@pytest.mark.parametrize("rows", [1, 4])
def test_members_page_query_count_is_constant(client, programme, edition, django_user_model, rows, during):
    member, user = make_member("council", django_user_model)
    for index in range(rows):
        other = make_programme(edition, key=f"extra-{index}")
        recommend(other, member, OrganizationFactory(kind="enterprise"), user)
        recommend(programme, member, OrganizationFactory(kind="enterprise"), user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/awards/").status_code == 200
    assert len(ctx.captured_queries) == QUERIES_MEMBERS_PAGE


@pytest.mark.parametrize("rows", [1, 4])
def test_edition_page_query_count_is_constant(client, db, rows):
    edition = EditionFactory()
    for index in range(rows):
        p = make_programme(edition, key=f"p{index}")
        services.figure_upsert(programme=p, key="n", value=index, label_zh="数")
        services.programme_release_results(programme=p, now=CLOSES)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/editions/{edition.year}/awards/").status_code == 200
    assert len(ctx.captured_queries) == QUERIES_EDITION_PAGE


# session, user, members, programmes + 4 prefetches, enterprise choices, enterprises acted for,
# their nominations, quotas, recommendations, individual nominations
QUERIES_MEMBERS_PAGE = 14
# edition, programmes + 4 prefetches, winners
QUERIES_EDITION_PAGE = 7


# Admin


@pytest.mark.parametrize("model", ["awardprogramme", "nomination", "recommendation", "awardreviewer", "enterpriserepresentative"])
@pytest.mark.parametrize("rows", [1, 3])
def test_admin_changelists_have_constant_queries(during, admin_client_logged, programme, enterprises, member_rep, model, rows):
    member, user = member_rep
    for index in range(rows):
        recommend(programme, member, enterprises[index], user)
        services.nomination_nominate_individual(programme=programme, actor=user, member=member, person_name=f"人{index}", citation="说明")
        expert = type(user).objects.create_user(f"expert-{index}", password="a-long-test-password-1")
        services.reviewer_assign(programme=programme, user=expert)
        services.enterprise_representative_grant(user=expert, organization=enterprises[index])
    admin_client_logged.get(f"/admin/awards/{model}/")  # warm the session and content types
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client_logged.get(f"/admin/awards/{model}/")
    assert response.status_code == 200
    counts = ADMIN_COUNTS.setdefault(model, {})
    counts[rows] = len(ctx.captured_queries)
    if len(counts) == 2:
        assert counts[1] == counts[3], counts


ADMIN_COUNTS: dict = {}


def test_admin_actions_screen_shortlist_win_and_release(during, admin_client_logged, superuser, programme, member_rep):
    member, user = member_rep
    draft = services.nomination_save_draft(
        programme=programme, organization=member.organization, actor=user, categories=list(programme.categories.all()[:1]),
        further_conditions=list(programme.further_conditions.all()[:1]), endorses_purposes=True, basic_condition_statement="说明",
    )
    services.nomination_submit(nomination=draft, actor=user)
    for action in ("mark_eligible", "mark_shortlisted", "mark_winner"):
        admin_client_logged.post("/admin/awards/nomination/", {"action": action, "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert (draft.state, draft.won_category.key) == ("winner", "social")
    response = admin_client_logged.post("/admin/awards/awardprogramme/", {"action": "release_results", "_selected_action": [programme.pk]}, follow=True)
    assert '<li class="not_closed_yet error">' in text(response)  # the code in the message's tags, not its text
    with time_machine.travel(CLOSES, tick=False):
        admin_client_logged.force_login(superuser)  # the session of three weeks ago has expired
        admin_client_logged.post("/admin/awards/awardprogramme/", {"action": "release_results", "_selected_action": [programme.pk]})
    programme.refresh_from_db()
    assert programme.results_released_at == CLOSES


def test_admin_nomination_page_shows_screening_and_takes_scores(during, admin_client_logged, programme, enterprises, enterprise_rep, member_rep, django_user_model):
    member, user = member_rep
    rec = recommend(programme, member, enterprises[0], user)
    draft = services.nomination_save_draft(
        programme=programme, organization=enterprises[0], actor=enterprise_rep, categories=list(programme.categories.all()[:2]),
        further_conditions=list(programme.further_conditions.all()[:1]), endorses_purposes=True, basic_condition_statement="说明",
    )
    services.nomination_submit(nomination=draft, actor=enterprise_rep)
    services.recommendation_withdraw(recommendation=rec, actor=user)
    page = text(admin_client_logged.get(f"/admin/awards/nomination/{draft.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'data-code="recommendation_required"' in page
    expert = django_user_model.objects.create_user("expert-z", password="a-long-test-password-1")
    reviewer = services.reviewer_assign(programme=programme, user=expert)
    social, innovation, growth = programme.categories.order_by("sort_order")
    base = {
        "scores-TOTAL_FORMS": "1", "scores-INITIAL_FORMS": "0", "scores-MIN_NUM_FORMS": "0", "scores-MAX_NUM_FORMS": "1000",
        "log-TOTAL_FORMS": "0", "log-INITIAL_FORMS": "0", "log-MIN_NUM_FORMS": "0", "log-MAX_NUM_FORMS": "1000",
        "screening_note": "", "_save": "Save",
    }
    bad = admin_client_logged.post(f"/admin/awards/nomination/{draft.pk}/change/", {**base, "scores-0-reviewer": reviewer.pk, "scores-0-category": social.pk, "scores-0-score": "11"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200 and draft.scores.count() == 0
    good = admin_client_logged.post(f"/admin/awards/nomination/{draft.pk}/change/", {**base, "scores-0-reviewer": reviewer.pk, "scores-0-category": innovation.pk, "scores-0-score": "8"})
    assert good.status_code == 302
    assert list(draft.scores.values_list("category__key", "score")) == [("innovation", 8)]


def test_a_close_given_as_a_day_shows_that_day_on_the_home_and_apply_pages(client, programme, enterprise_rep, during):
    """A text giving only the close's day ("截止至2099年10月10日") is stored as the midnight after
    it; the pages show the day itself, not the next day's 00:00."""
    programme.closes_at = datetime(2099, 10, 11, 0, 0, tzinfo=BEIJING)
    programme.closes_time_stated = False
    programme.save(update_fields=["closes_at", "closes_time_stated"])
    client.force_login(enterprise_rep)
    for url in ("/awards/", f"/awards/{programme.pk}/apply/"):
        page = re.sub(r"<[^>]+>", "", text(client.get(url, HTTP_ACCEPT_LANGUAGE="en")))
        assert re.search(r"Closes:? 2099-10-10 \(Beijing time\)", page), url
        assert "2099-10-11" not in page, url
    programme.closes_at, programme.closes_time_stated = CLOSES, True
    programme.save(update_fields=["closes_at", "closes_time_stated"])
    assert "Closes 2099-10-10 17:00 (Beijing time)" in re.sub(r"<[^>]+>", "", text(client.get("/awards/", HTTP_ACCEPT_LANGUAGE="en")))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_seeded_pages_in_both_languages_show_issue_21_programmes(client, db, language):
    """Issue 21: the 2020 competition and the 2024 case calls are on their editions' pages in both
    languages; a month-precision opening shows as the month; an editorial English name is shown
    as a translation (data-provenance="editorial"), never as the source's words."""
    page_2024 = text(client.get("/editions/2024/awards/", HTTP_ACCEPT_LANGUAGE=language))
    page_2020 = text(client.get("/editions/2020/awards/", HTTP_ACCEPT_LANGUAGE=language))
    assert '<span class="opens" data-precision="month">2024-03</span>' in page_2024
    assert '<span class="opens" data-precision="day">2024-01-19</span>' in page_2024
    assert "2024-03-01" not in page_2024
    assert "在去年首届大赛的基础上" in page_2020  # the quote, folded under the programme
    if language == "en":
        assert ('<span data-provenance="editorial" title="Editorial translation">2024 World Internet Conference Cross-Border E-Commerce Case Collection</span>') in page_2024
        assert '<span data-provenance="editorial" title="Editorial translation">Online and offline</span>' in page_2020
        assert "Edition 2" in page_2020 and "Case collection" in page_2024
        assert '<span data-provenance="editorial" title="Editorial translation">Those presenting the showcase cases' in page_2024
    else:
        assert "2024年世界互联网大会跨境电商案例征集" in page_2024 and "“数字抗疫”专题赛" in page_2020
        assert "“线上+线下”" in page_2020
        assert 'data-provenance="editorial"' not in page_2020 + page_2024  # the Chinese is the source's own words
