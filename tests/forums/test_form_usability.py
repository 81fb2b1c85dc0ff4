"""Issue 20, point 8: the sub-forum form and the review page as people meet them. Interpretation is
a choice of the UN's six languages, stored as a list (and the old free-text answers are moved by
the migration); the organization selects carry what the searchable picker needs; reviewers see the
board and the interpretation asked for; each point of the 1-5 scale has a name."""
import importlib

import pytest
from django.apps import apps
from django.utils import translation

from forums import services
from forums.forms import ApplicationForm, ReviewForm, score_choices
from forums.models import CallQuestion, ForumApplication
from tests.forums.conftest import complete_fields
from wic.errors import DomainError
from wic.models import Organization

pytestmark = pytest.mark.django_db

migration = importlib.import_module("forums.migrations.0002_interpretation_languages")


def form_data(host_org, **overrides):
    data = {
        "title_zh": "数字丝路合作论坛", "theme_zh": "共建数字丝路", "format": "round_table", "hosts": [host_org.pk],
        "preferred_date": "2024-11-21", "preferred_half_day": "morning", "contact_name": "李四",
        "contact_email": "contact@example.org", "rationale": "促进合作",
    }
    data.update(overrides)
    return data


def submitted_application(call, applicant, **overrides):
    host = {"role": "host", "organization": Organization.objects.get(name_zh="清华大学")}
    application = services.application_save_draft(call=call, applicant=applicant, fields=complete_fields(call.edition, **overrides), organizations=[host])
    return services.application_submit(application=application, actor=applicant)


def test_interpretation_choices_are_the_six_un_languages(call):
    with translation.override("en"):
        choices = [(code, str(label)) for code, label in ApplicationForm(call=call).fields["interpretation_languages"].choices]
    assert choices == [("zh", "Chinese"), ("en", "English"), ("fr", "French"), ("ru", "Russian"), ("es", "Spanish"), ("ar", "Arabic")]


def test_interpretation_languages_saved_as_a_list_in_the_scale_order(client, call, applicant, host_org):
    client.force_login(applicant)
    response = client.post(
        "/editions/2024/forums/apply/",
        {**form_data(host_org, interpretation_languages=["ar", "en", "zh"], interpretation_note="手语"), "action": "save"},
    )
    application = ForumApplication.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert (application.interpretation_languages, application.interpretation_note) == (["zh", "en", "ar"], "手语")
    again = client.get(f"/editions/2024/forums/apply/{application.pk}/")
    assert again.context["form"].initial["interpretation_languages"] == ["zh", "en", "ar"]


def test_unknown_interpretation_language_is_refused_by_the_form(call, host_org):
    form = ApplicationForm(form_data(host_org, interpretation_languages=["de"]), call=call)
    assert not form.is_valid()
    assert form.errors.as_data()["interpretation_languages"][0].code == "invalid_choice"


def test_unknown_interpretation_language_is_refused_by_the_service(call, applicant):
    with pytest.raises(DomainError) as refused:
        services.application_save_draft(call=call, applicant=applicant, fields=complete_fields(call.edition, interpretation_languages=["zh", "xx"]))
    assert (refused.value.code, refused.value.field) == ("invalid_choice", "interpretation_languages")


def test_organization_selects_are_marked_for_the_picker_with_the_other_language(client, call, applicant, host_org):
    client.force_login(applicant)
    page = client.get("/editions/2024/forums/apply/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<select name="hosts" data-picker="search"' in page
    assert '<select name="co_hosts" data-picker="search"' in page
    assert f'<option value="{host_org.pk}" data-alt="{host_org.name_en}">{host_org.name_zh}</option>' in page
    assert "vendor/tom-select/tom-select.complete.min.js" in page and "js/picker.js" in page


def test_reviewer_sees_the_board_and_the_interpretation(host_org, client, call, applicant, reviewer):
    board = call.boards.order_by("pk").first()
    application = submitted_application(call, applicant, board=board, interpretation_languages=["zh", "en", "fr"], interpretation_note="另需手语")
    client.force_login(reviewer)
    page = client.get(f"/editions/2024/forums/review/{application.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<dd id="fact-board">{board.name_en or board.name_zh}</dd>' in page
    assert '<dd id="fact-interpretation">Chinese, English, French · 另需手语</dd>' in page


def test_reviewer_sees_interpretation_not_needed(client, call, applicant, reviewer):
    application = submitted_application(call, applicant)
    client.force_login(reviewer)
    page = client.get(f"/editions/2024/forums/review/{application.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd id="fact-board">No board chosen</dd>' in page
    assert '<dd id="fact-interpretation">Not needed</dd>' in page


def test_review_scale_labels_each_point(call):
    with translation.override("en"):
        assert [(value, str(label)) for value, label in score_choices()] == [
            ("1", "1 · Poor"), ("2", "2 · Fair"), ("3", "3 · Good"), ("4", "4 · Very good"), ("5", "5 · Excellent"),
        ]
        form = ReviewForm(criteria=call.criteria.all())
        field = form.fields[f"score_{call.criteria.first().pk}"]
        assert [label for _value, label in field.choices] == ["1 · Poor", "2 · Fair", "3 · Good", "4 · Very good", "5 · Excellent"]


def test_review_page_shows_the_named_scale(client, call, applicant, reviewer):
    application = submitted_application(call, applicant)
    client.force_login(reviewer)
    page = client.get(f"/editions/2024/forums/review/{application.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("1 · Poor", "2 · Fair", "3 · Good", "4 · Very good", "5 · Excellent"):
        assert label in page
    assert page.count('class="score-scale"') == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("需要，中英同传", (["zh", "en"], "")),
        ("不需要", ([], "")),
        ("否", ([], "")),
        ("Yes, English and French", (["en", "fr"], "")),
        ("需要", ([], "需要")),  # yes, but which languages: the words are kept
        ("需要英语同传，另需手语", (["en"], "需要英语同传，另需手语")),
        ("中英法三语同传", (["zh", "en", "fr"], "中英法三语同传")),
    ],
)
def test_migration_reads_free_text_answers(text, expected):
    assert migration.parse_answer(text) == expected


def test_migration_moves_answers_and_removes_the_question(call, applicant):
    asked = CallQuestion.objects.create(call=call, text_zh="是否需要同声传译？", text_en="Do you need simultaneous interpretation?")
    other = CallQuestion.objects.create(call=call, text_zh="是否发布成果？", text_en="Will you release results?")
    plain = services.application_save_draft(call=call, applicant=applicant, fields={"title_zh": "甲", "answers": {str(asked.pk): "需要，中英同传", str(other.pk): "是"}})
    vague = services.application_save_draft(call=call, applicant=applicant, fields={"title_zh": "乙", "answers": {str(asked.pk): "需要"}})
    silent = services.application_save_draft(call=call, applicant=applicant, fields={"title_zh": "丙", "answers": {}})

    migration.forwards(apps, None)

    rows = {a.pk: (a.interpretation_languages, a.interpretation_note, a.answers) for a in ForumApplication.objects.all()}
    assert rows[plain.pk] == (["zh", "en"], "", {str(other.pk): "是"})
    assert rows[vague.pk] == ([], "需要", {})
    assert rows[silent.pk] == ([], "", {})
    assert list(CallQuestion.objects.filter(call=call).values_list("pk", flat=True)) == [other.pk]
