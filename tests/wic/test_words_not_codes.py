"""Pages show sentences and mark the fields; codes stay in the API and in `data-code` (issue 20,
points 3 and 4). Also: no public page of the seeded editions shows a seed text's file name."""
import html
import re

import pytest
import time_machine
from django.test import Client

from awards.models import Nomination
from forums.models import CallQuestion, ForumApplication
from tests.awards.conftest import DURING, make_member, recommend
from tests.factories import EditionFactory
from tests.forums.test_views import form_data as forum_form_data
from tests.registration.test_services_and_pages import form_post as registration_post
from tests.volunteers.helpers import make_programme as make_volunteer_programme
from wic.citations import citation, seed_texts
from wic.errors import DomainError

BRACKETED_CODE = re.compile(r"\[[a-z]+(?:_[a-z]+)+\]|\[(?:incomplete|invalid)\]")


def visible_text(response) -> str:
    """The page's text as a reader sees it: tags, scripts and attributes left out."""
    body = response.content.decode()
    body = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def invalid_fields(response) -> set[str]:
    """The names of the inputs rendered with aria-invalid="true"."""
    names = set()
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", response.content.decode()):
        if 'aria-invalid="true"' in tag:
            names.add(re.search(r'name="([^"]+)"', tag).group(1))
    return names


def data_codes(response) -> list[str]:
    return re.findall(r'data-code="([a-z_]+)"', response.content.decode())


def assert_no_code_text(text: str, *names: str) -> None:
    assert not BRACKETED_CODE.search(text), BRACKETED_CODE.search(text).group(0)
    for name in names:
        assert name not in text, name


# -- forums: a sub-forum application submitted incomplete ------------------------------------------

@pytest.fixture
def forum_call(db):
    from datetime import timedelta

    from django.utils import timezone

    from forums.models import ForumCall
    from wic.models import Edition

    edition = Edition.objects.get(year=2024)
    now = timezone.now()
    call = ForumCall.objects.create(edition=edition, title_zh="分论坛申报", title_en="Call for sub-forums", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    call.boards.set(edition.boards.all())
    return call


@pytest.fixture
def applicant(django_user_model):
    return django_user_model.objects.create_user("applicant-words", email="a@example.org", password="a-long-test-password-1")


@pytest.fixture
def host_org(db):
    from wic.models import Organization

    return Organization.objects.get(name_zh="清华大学")


def test_forum_submission_incomplete_names_the_fields_by_label_and_marks_them(client, forum_call, applicant, host_org):
    client.force_login(applicant)
    data = {**forum_form_data(host_org, theme_zh="", format="", preferred_date=""), "action": "submit"}
    response = client.post("/editions/2024/forums/apply/", data, HTTP_ACCEPT_LANGUAGE="en")
    application = ForumApplication.objects.get(applicant=applicant)
    assert (response.status_code, application.state) == (400, "draft")
    text = visible_text(response)
    assert "Your draft is saved, but it was not submitted: Fill in before submitting: Theme line (Chinese), Format, Preferred day." in text
    assert text.count("Fill this in to submit.") == 3
    assert invalid_fields(response) == {"theme_zh", "format", "preferred_date"}
    assert data_codes(response) == ["incomplete"] * 4
    assert_no_code_text(text, "theme_zh", "preferred_date", "format,")
    # The page now posts to the saved draft, so correcting it does not start a second one.
    assert f'action="/editions/2024/forums/apply/{application.pk}/"' in response.content.decode()


def test_forum_submission_incomplete_in_chinese_and_a_required_question(client, forum_call, applicant, host_org):
    question = CallQuestion.objects.create(call=forum_call, text_zh="是否需要同传？", text_en="Do you need interpretation?", required=True)
    client.force_login(applicant)
    data = {**forum_form_data(host_org, rationale="", hosts=[]), "action": "submit"}
    response = client.post("/editions/2024/forums/apply/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = visible_text(response)
    assert response.status_code == 400
    assert invalid_fields(response) == {"hosts", "rationale", f"q_{question.pk}"}
    assert "是否需要同传？" in text.split("Fill")[0] or "是否需要同传？" in text
    assert_no_code_text(text, "rationale", "hosts", f"question {question.pk}", "answers.")


def test_the_api_keeps_the_code_and_the_field_names(forum_call, applicant, host_org):
    from django.utils import translation

    from forums import services

    application = services.application_save_draft(
        call=forum_call, applicant=applicant, fields={"title_zh": "标题"}, organizations=[{"role": "host", "organization": host_org}]
    )
    with translation.override("en"), pytest.raises(DomainError) as error:
        services.application_submit(application=application, actor=applicant)
    assert error.value.code == "incomplete"
    assert error.value.message == "Fill in before submitting: theme_zh, format, preferred_date, preferred_half_day, contact_name, contact_email, rationale."
    assert error.value.field is None


# -- registration without consent ------------------------------------------------------------------

def test_registration_without_consent_marks_the_consent_box(client, db):
    EditionFactory(year=2099)
    response = client.post("/editions/2099/register/", registration_post(consent=False, email="y@example.org"), HTTP_ACCEPT_LANGUAGE="en")
    text = visible_text(response)
    assert response.status_code == 400
    assert "Please agree to the privacy notice to register." in text
    assert invalid_fields(response) == {"consent"}
    assert data_codes(response) == ["consent_required"]
    assert_no_code_text(text, "consent_required")


# -- awards: a recommendation over quota, an application submitted without what it needs -------------

@pytest.fixture
def during():
    with time_machine.travel(DURING, tick=False):
        yield


def test_recommendation_over_quota_is_a_sentence_with_the_code_in_data_code(client, django_user_model, during):
    from tests.awards.conftest import make_programme
    from tests.factories import OrganizationFactory

    programme = make_programme(EditionFactory(year=2099))
    enterprises = [OrganizationFactory(name_zh=f"测试企业{i}", name_en=f"Enterprise {i}", kind="enterprise") for i in range(2)]
    member, user = make_member("nonprofit", django_user_model)
    recommend(programme, member, enterprises[0], user)
    client.force_login(user)
    response = client.post(f"/awards/{programme.pk}/recommend/", {"enterprise": enterprises[1].pk}, HTTP_ACCEPT_LANGUAGE="en")
    text = visible_text(response)
    assert response.status_code == 409
    assert f"{member.organization.name_en} has used 1 of its 1 recommendations for this award." in text
    assert data_codes(response) == ["quota_exceeded"]  # the quota is the member's: no field of the form is at fault
    assert invalid_fields(response) == set()
    assert_no_code_text(text, "quota_exceeded")


def test_award_application_submitted_incomplete_marks_each_field(client, django_user_model, during):
    from awards import services
    from tests.awards.conftest import make_programme

    programme = make_programme(EditionFactory(year=2099))
    member, user = make_member("member", django_user_model)
    client.force_login(user)  # a member's own enterprise applies directly
    response = client.post(f"/awards/{programme.pk}/apply/", {"contact_name": "李四", "action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    text = visible_text(response)
    assert response.status_code == 400
    assert Nomination.objects.get(programme=programme).state == "draft"
    assert "Your draft is saved, but it was not submitted: Categories: Choose at least one category." in text
    assert invalid_fields(response) == {"categories", "endorses_purposes", "further_conditions"}
    assert set(data_codes(response)) == {"category_required", "endorsement_required", "further_condition_required"}
    assert_no_code_text(text, "endorses_purposes", "further_conditions", "categories:")
    assert services.quota_used(programme=programme, member=member) == 0


# -- volunteers: a shape error raised by the service ---------------------------------------------------

def test_volunteer_application_without_university_marks_the_field(client, db):
    programme = make_volunteer_programme()
    data = {"name": "Wang Fang", "university": "", "student_number": "2021001", "phone": "13700000000", "email": "wf@example.org",
            "lang_en": "fluent", "available_days": ["2099-11-10"], "preferred_post_kinds": ["media_centre"], "motivation": "服务"}
    response = client.post(f"/editions/{programme.edition.year}/volunteer/apply/", data, HTTP_ACCEPT_LANGUAGE="en")
    text = visible_text(response)
    assert response.status_code == 400
    assert "Name your university, or say you apply as a local volunteer." in text
    assert invalid_fields(response) == {"university"}
    assert data_codes(response) == ["university_required"]
    assert_no_code_text(text, "university_required")


# -- messages after a redirect ---------------------------------------------------------------------

def test_a_refusal_shown_after_a_redirect_keeps_its_code_in_data_code(client, forum_call, applicant, host_org):
    from forums import services

    application = services.application_save_draft(call=forum_call, applicant=applicant, fields={"title_zh": "标题"}, organizations=[])
    services.application_transition(application=application, to_state="withdrawn", actor=applicant)
    client.force_login(applicant)
    response = client.post(f"/editions/2024/forums/{application.pk}/withdraw/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    codes = re.findall(r'<li class="message error" data-code="([a-z_]+)">([^<]+)</li>', response.content.decode())
    assert len(codes) == 1 and codes[0][0] in ("invalid_transition", "already_withdrawn")
    assert_no_code_text(visible_text(response))


# -- point 4: provenance as a reader's citation -----------------------------------------------------

def test_every_seed_text_has_a_bilingual_citation():
    from django.utils import translation

    from wic.seeding import SEED_DIR

    names = sorted(p.name for p in (SEED_DIR.parent.parent.parent / "shared" / "seeds").glob("*.txt")) or sorted(seed_texts())
    assert sorted(seed_texts()) == names == [
        "000_9e3508b993abd9e6.txt", "001_a35478c999586103.txt", "002_5cf7b1c102403489.txt", "003_a7811a11def97c06.txt", "004_4a3ee2d57cfa979a.txt",
    ]
    with translation.override("en"):
        assert citation("002_5cf7b1c102403489.txt, 004_4a3ee2d57cfa979a.txt") == (
            "Encyclopedia entry on the 4th World Internet Conference (2017); The Paper, preview of the conference, 2 December 2017"
        )
        assert citation("unknown.txt") == citation("") == ""
    with translation.override("zh-hans"):
        assert citation("003_a7811a11def97c06.txt") == "2022年世界互联网大会乌镇峰会综述"


def seeded_public_pages():
    from agenda.models import Session
    from expo.models import Exhibitor

    pages = ["/", "/editions/"]
    for year in (2017, 2020, 2022, 2024):
        pages += [f"/editions/{year}/", f"/editions/{year}/agenda/", f"/editions/{year}/awards/", f"/editions/{year}/expo/"]
    for session in Session.objects.filter(edition__year__in=(2017, 2020, 2022, 2024)).select_related("edition").order_by("pk")[:400:7]:
        pages.append(f"/editions/{session.edition.year}/sessions/{session.pk}/")
    for exhibitor in Exhibitor.objects.filter(is_demo=False).exclude(quote_zh="").select_related("edition").order_by("pk")[:10]:
        pages.append(f"/editions/{exhibitor.edition.year}/expo/exhibitors/{exhibitor.pk}/")
    return pages


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_public_page_of_the_seeded_editions_shows_a_file_name(db, language):
    client = Client()
    pages = seeded_public_pages()
    assert len(pages) > 20
    cited = 0
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert ".txt" not in body, url
        assert "In the text's words" not in body and "原文表述" not in body, url
        cited += body.count("<cite>")
    assert cited > 0


def test_session_page_cites_the_text_and_folds_the_quote(client, db):
    from agenda.models import Session

    session = Session.objects.filter(edition__year=2017, source="002_5cf7b1c102403489.txt").order_by("pk").first()
    response = client.get(f"/editions/2017/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Source: Encyclopedia entry on the 4th World Internet Conference (2017)" in visible_text(response)
    edition = client.get("/editions/2017/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<details class="quoted"><summary>Quoted from the source</summary><q lang="zh-Hans">' in edition
