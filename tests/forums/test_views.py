from datetime import timedelta

import pytest
from django.utils import timezone

from forums import services
from forums.models import ForumApplication
from tests.forums.conftest import complete_fields

pytestmark = pytest.mark.django_db


def form_data(host_org, **overrides):
    data = {
        "title_zh": "数字丝路合作论坛", "title_en": "Digital Silk Road forum", "theme_zh": "共建数字丝路", "format": "round_table",
        "hosts": [host_org.pk], "new_co_hosts": "新协办机构 | New co-host", "preferred_date": "2024-11-21", "preferred_half_day": "morning",
        "expected_attendance": "150", "planned_speakers": "张三", "planned_outcomes": "倡议", "contact_name": "李四",
        "contact_email": "contact@example.org", "rationale": "促进合作",
    }
    data.update(overrides)
    return data


def test_apply_requires_sign_in(client, call):
    response = client.get("/editions/2024/forums/apply/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/editions/2024/forums/apply/")


def test_save_draft_then_come_back_and_submit(client, call, applicant, host_org):
    client.force_login(applicant)
    page = client.get("/editions/2024/forums/apply/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Host a sub-forum" in page.content.decode()
    response = client.post("/editions/2024/forums/apply/", {**form_data(host_org), "action": "save"})
    application = ForumApplication.objects.get(applicant=applicant)
    assert (response.status_code, response["Location"]) == (302, f"/editions/2024/forums/apply/{application.pk}/")
    assert application.state == "draft"
    again = client.get(f"/editions/2024/forums/apply/{application.pk}/")
    assert again.context["form"].initial["new_co_hosts"] == "新协办机构 | New co-host"
    response = client.post(f"/editions/2024/forums/apply/{application.pk}/", {**form_data(host_org, title_zh="改过的标题"), "action": "submit"})
    assert (response.status_code, response["Location"]) == (302, "/editions/2024/forums/mine/")
    application.refresh_from_db()
    assert (application.state, application.title_zh) == ("submitted", "改过的标题")
    mine = client.get("/editions/2024/forums/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Digital Silk Road forum" in mine and "Submitted" in mine


def test_refused_submission_keeps_the_draft(client, call, applicant, host_org):
    client.force_login(applicant)
    response = client.post("/editions/2024/forums/apply/", {**form_data(host_org, rationale=""), "action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    application = ForumApplication.objects.get(applicant=applicant)
    assert response.status_code == 400  # the form stays as typed, posting to the saved draft
    assert (application.state, application.title_zh) == ("draft", "数字丝路合作论坛")
    page = response.content.decode()
    assert f'action="/editions/2024/forums/apply/{application.pk}/"' in page
    assert "Your draft is saved, but it was not submitted: Fill in before submitting: Why this forum (short rationale)." in page
    assert 'data-code="incomplete"' in page and 'aria-invalid="true"' in page


def test_submission_after_close_shows_call_closed(client, call, applicant, host_org):
    client.force_login(applicant)
    application = services.application_save_draft(call=call, applicant=applicant, fields=complete_fields(call.edition), organizations=[{"role": "host", "organization": host_org}])
    call.closes_at = timezone.now() - timedelta(seconds=1)
    call.save()
    response = client.post(f"/editions/2024/forums/apply/{application.pk}/", {**form_data(host_org), "action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'data-code="call_closed"' in response.content.decode()
    application.refresh_from_db()
    assert application.state == "draft"


def test_bad_input_is_a_form_error_not_a_500(client, call, applicant, host_org):
    client.force_login(applicant)
    response = client.post("/editions/2024/forums/apply/", {**form_data(host_org, preferred_date="2030-01-01", expected_attendance="many"), "action": "save"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"preferred_date", "expected_attendance"}
    assert not ForumApplication.objects.exists()


def test_withdraw_from_my_applications(client, call, applicant, host_org):
    client.force_login(applicant)
    application = services.application_submit(
        application=services.application_save_draft(call=call, applicant=applicant, fields=complete_fields(call.edition), organizations=[{"role": "host", "organization": host_org}]),
        actor=applicant,
    )
    client.post(f"/editions/2024/forums/{application.pk}/withdraw/")
    application.refresh_from_db()
    assert application.state == "withdrawn"
    response = client.post(f"/editions/2024/forums/{application.pk}/withdraw/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-code="invalid_transition"' in response.content.decode()


def test_another_users_application_is_404(client, call, applicant, other_user, host_org):
    application = services.application_save_draft(call=call, applicant=applicant, fields=complete_fields(call.edition), organizations=[])
    client.force_login(other_user)
    assert client.get(f"/editions/2024/forums/apply/{application.pk}/").status_code == 404
    assert client.post(f"/editions/2024/forums/{application.pk}/withdraw/").status_code == 404


def test_review_pages_for_reviewers_only(client, call, applicant, host_org, reviewer, other_user):
    application = services.application_submit(
        application=services.application_save_draft(call=call, applicant=applicant, fields=complete_fields(call.edition), organizations=[{"role": "host", "organization": host_org}]),
        actor=applicant,
    )
    client.force_login(other_user)
    assert client.get("/editions/2024/forums/review/").status_code == 403
    client.force_login(reviewer)
    listing = client.get("/editions/2024/forums/review/")
    assert [a.title_zh for a in listing.context["applications"]] == ["数字丝路合作论坛"]
    criteria = list(call.criteria.all())
    data = {f"score_{c.pk}": "4" for c in criteria} | {f"comment_{criteria[0].pk}": "切题"}
    response = client.post(f"/editions/2024/forums/review/{application.pk}/", data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "under_review"
    bad = client.post(f"/editions/2024/forums/review/{application.pk}/", {f"score_{criteria[0].pk}": "9"})
    assert bad.status_code == 400


def test_no_call_page(client, applicant):
    client.force_login(applicant)
    response = client.get("/editions/2017/forums/apply/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "has no call for sub-forums" in response.content.decode()
