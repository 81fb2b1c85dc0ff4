"""The organizers' admin of sub-forum applications: the ranked changelist, the bulk decisions,
the read-only state and the placement screen. Data is built through the services."""
import itertools
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agenda.models import Hall, Session
from agenda.services import session_place
from forums import services
from forums.enums import ApplicationState
from forums.models import ForumApplication, ForumCall, ReviewCriterion, Reviewer
from forums.selectors import AFTERNOON_SLOT, MORNING_SLOT, applications_ranked
from wic.models import Edition

pytestmark = pytest.mark.django_db
S = ApplicationState
BEIJING = ZoneInfo("Asia/Shanghai")
CHANGELIST = "/admin/forums/forumapplication/"
PLACEMENT = "/admin/forums/forumapplication/placement/"
CENTER = "乌镇互联网国际会展中心"
_applicants = itertools.count()


# -- data, through the services ------------------------------------------------------------------


@pytest.fixture
def edition_2024(db):
    return Edition.objects.get(year=2024)


@pytest.fixture
def forum_call(edition_2024):
    now = timezone.now()
    call = ForumCall.objects.create(
        edition=edition_2024, title_zh="2024年分论坛征集", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)
    )
    call.boards.set(edition_2024.boards.all())
    ReviewCriterion.objects.create(call=call, name_zh="主题契合度", sort_order=0)
    ReviewCriterion.objects.create(call=call, name_zh="嘉宾质量", sort_order=1)
    return call


def make_user(username, **extra):
    return get_user_model().objects.create_user(username, email=f"{username}@example.org", password=None, **extra)


@pytest.fixture
def reviewers(edition_2024):
    users = [make_user("reviewer-a"), make_user("reviewer-b")]
    for user in users:
        Reviewer.objects.create(edition=edition_2024, user=user)
    return users


def draft(call, title, *, day=date(2024, 11, 20), half_day="morning", host="新主办机构"):
    applicant = make_user(f"applicant-{next(_applicants)}")
    return services.application_save_draft(
        call=call,
        applicant=applicant,
        fields={
            "title_zh": title,
            "title_en": f"{title} (en)",
            "theme_zh": "共建网络空间命运共同体",
            "format": "round_table",
            "preferred_date": day,
            "preferred_half_day": half_day,
            "contact_name": "联系人",
            "contact_email": applicant.email,
            "rationale": "理由",
            "board": call.boards.first(),
        },
        organizations=[{"role": "host", "name_zh": host}],
    )


def submitted(call, title, **kwargs):
    application = draft(call, title, **kwargs)
    return services.application_submit(application=application, actor=application.applicant)


def review(application, user, *scores):
    criteria = list(application.call.criteria.order_by("sort_order"))
    services.review_submit(application=application, user=user, scores={c.pk: (s, "") for c, s in zip(criteria, scores, strict=True)})


def accepted(call, title, organizer, **kwargs):
    application = submitted(call, title, **kwargs)
    services.applications_decide(applications=[application], to_state=S.UNDER_REVIEW, actor=organizer)
    changed, refused = services.applications_decide(applications=[application], to_state=S.ACCEPTED, actor=organizer)
    assert refused == []
    return ForumApplication.objects.select_related("session").get(pk=application.pk)


def cells(html: str, name: str) -> list[str]:
    """The texts of the changelist column `name`, row by row."""
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(rf'<t[dh] class="field-{name}"[^>]*>(.*?)</t[dh]>', html, re.S)]


def messages_of(response) -> list[tuple[str, str]]:
    """The messages a request added (the response was not followed, so none were shown before)."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def shown_messages(response) -> list[tuple[str, str]]:
    """The messages the page a redirect led to showed (and so consumed)."""
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# -- the ranked changelist ---------------------------------------------------------------------------


def test_changelist_ranks_by_mean_score_with_spread_and_reviewers(admin_client_logged, forum_call, reviewers):
    a, b = reviewers
    one_reviewer = submitted(forum_call, "甲论坛")
    review(one_reviewer, a, 5, 3)  # mean 4.00, spread 2, one reviewer
    two_reviewers = submitted(forum_call, "乙论坛")
    review(two_reviewers, a, 5, 4)
    review(two_reviewers, b, 4, 5)  # mean 4.50, spread 1, two reviewers
    low = submitted(forum_call, "丙论坛")
    review(low, b, 1, 2)  # mean 1.50, spread 1
    submitted(forum_call, "丁论坛")  # no review: last

    response = admin_client_logged.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert cells(html, "title_zh") == ["乙论坛", "甲论坛", "丙论坛", "丁论坛"]
    assert cells(html, "mean_score_display") == ["4.50", "4.00", "1.50", "-"]
    assert cells(html, "spread_display") == ["1", "2", "1", "-"]
    assert cells(html, "reviewer_count_display") == ["2", "1", "1", "0"]
    assert cells(html, "edition_year_display") == ["2024"] * 4
    assert cells(html, "state") == [str(S.UNDER_REVIEW.label)] * 3 + [str(S.SUBMITTED.label)]


def test_selector_figures_are_exact(forum_call, reviewers):
    application = submitted(forum_call, "甲论坛")
    review(application, reviewers[0], 5, 3)
    row = applications_ranked().get(pk=application.pk)
    assert (row.mean_score, row.spread, row.reviewer_count, row.min_score, row.max_score, row.edition_year) == (4.0, 2, 1, 3, 5, 2024)


def test_changelist_search_by_proposed_organization_keeps_figures(admin_client_logged, forum_call, reviewers):
    application = submitted(forum_call, "甲论坛", host="数字丝路研究院")
    review(application, reviewers[0], 5, 3)
    submitted(forum_call, "乙论坛", host="别的机构")

    html = admin_client_logged.get(CHANGELIST, {"q": "丝路研究"}).content.decode()

    assert cells(html, "title_zh") == ["甲论坛"]
    assert cells(html, "mean_score_display") == ["4.00"]
    assert cells(html, "reviewer_count_display") == ["1"]


def test_changelist_filters_by_state(admin_client_logged, forum_call, reviewers):
    review(submitted(forum_call, "甲论坛"), reviewers[0], 4, 4)
    submitted(forum_call, "乙论坛")
    html = admin_client_logged.get(CHANGELIST, {"state__exact": "submitted"}).content.decode()
    assert cells(html, "title_zh") == ["乙论坛"]


def test_changelist_query_count_is_constant(admin_client_logged, forum_call, reviewers):
    review(submitted(forum_call, "论坛0"), reviewers[0], 3, 4)
    few = count_queries(admin_client_logged, CHANGELIST)
    for i in range(1, 5):
        application = submitted(forum_call, f"论坛{i}", host=f"主办机构{i}")
        review(application, reviewers[0], 5, i)
        review(application, reviewers[1], 2, 3)
    many = count_queries(admin_client_logged, CHANGELIST)
    assert ForumApplication.objects.count() == 5
    assert few == many


def test_changelist_links_to_the_placement_screen(admin_client_logged, forum_call):
    html = admin_client_logged.get(CHANGELIST).content.decode()
    assert f'href="{PLACEMENT}"' in html


# -- bulk decisions ------------------------------------------------------------------------------------


def test_bulk_accept_changes_the_valid_ones_and_names_the_refused(admin_client_logged, superuser, forum_call, reviewers, django_capture_on_commit_callbacks):
    first = submitted(forum_call, "甲论坛")
    review(first, reviewers[0], 4, 4)
    second = submitted(forum_call, "乙论坛")
    review(second, reviewers[1], 3, 5)
    still_draft = draft(forum_call, "丙论坛")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client_logged.post(
            CHANGELIST, {"action": "accept", "_selected_action": [first.pk, second.pk, still_draft.pk], "index": 0}
        )

    assert response.status_code == 302
    assert len(callbacks) == 2  # two deliveries: the decision emails are recorded in the decisions' transactions
    levels = messages_of(response)
    assert [level for level, _text in levels] == ["success", "error"]
    assert levels[0][1].startswith("2 ")
    assert levels[1][1].startswith("“丙论坛”")
    assert "invalid_transition" not in levels[1][1]  # the code is in the message's extra_tags
    states = dict(ForumApplication.objects.values_list("title_zh", "state"))
    assert states == {"甲论坛": S.ACCEPTED, "乙论坛": S.ACCEPTED, "丙论坛": S.DRAFT}
    for application in ForumApplication.objects.filter(state=S.ACCEPTED).select_related("session"):
        assert application.session is not None
        assert (application.session.kind, application.session.is_published, application.session.start, application.session.hall_id) == ("sub_forum", False, None, None)
        assert list(application.transitions.values_list("from_state", "to_state", "actor")) [-1] == ("under_review", "accepted", superuser.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.applicant.email, second.applicant.email])
    assert len(mail.outbox) == 2


def test_bulk_mark_under_review_then_reject(admin_client_logged, forum_call, django_capture_on_commit_callbacks):
    application = submitted(forum_call, "甲论坛")
    response = admin_client_logged.post(CHANGELIST, {"action": "mark_under_review", "_selected_action": [application.pk], "index": 0})
    assert [level for level, _text in messages_of(response)] == ["success"]
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_logged.post(CHANGELIST, {"action": "reject", "_selected_action": [application.pk], "index": 0})
    application.refresh_from_db()
    assert (application.state, application.session_id) == (S.REJECTED, None)
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]


def test_decide_page_records_the_message(admin_client_logged, superuser, forum_call, django_capture_on_commit_callbacks):
    application = submitted(forum_call, "甲论坛")
    services.applications_decide(applications=[application], to_state=S.UNDER_REVIEW, actor=superuser)
    url = f"{CHANGELIST}{application.pk}/decide/"
    page = admin_client_logged.get(url)
    assert page.status_code == 200
    assert [value for value, _label in page.context["form"].fields["to_state"].choices] == ["accepted", "waitlisted", "rejected"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(url, {"to_state": "waitlisted", "message": "名额已满，列入候补。"})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{application.pk}/change/"
    application.refresh_from_db()
    assert (application.state, application.decision_message) == (S.WAITLISTED, "名额已满，列入候补。")
    assert "名额已满，列入候补。" in mail.outbox[0].body


def test_state_is_read_only_in_the_change_form(admin_client_logged, forum_call):
    application = submitted(forum_call, "甲论坛")
    url = f"{CHANGELIST}{application.pk}/change/"
    page = admin_client_logged.get(url)
    assert page.status_code == 200
    assert "state" not in page.context["adminform"].form.fields
    data = {
        "state": "accepted",
        "title_zh": "甲论坛（修订）",
        "title_en": "",
        "theme_zh": "共建网络空间命运共同体",
        "theme_en": "",
        "board": application.board_id,
        "format": "round_table",
        "preferred_date": "2024-11-20",
        "preferred_half_day": "morning",
        "expected_attendance": "",
        "planned_speakers": "",
        "planned_outcomes": "",
        "rationale": "理由",
        "answers": "{}",
        "contact_name": "联系人",
        "contact_email": application.contact_email,
        "contact_phone": "",
        "language": "zh-hans",
    }
    for prefix in ("organizations", "reviews", "transitions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})

    response = admin_client_logged.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    application.refresh_from_db()
    assert (application.state, application.title_zh, application.session_id) == (S.SUBMITTED, "甲论坛（修订）", None)


def test_change_form_refuses_a_day_outside_the_summit(admin_client_logged, forum_call):
    application = submitted(forum_call, "甲论坛")
    url = f"{CHANGELIST}{application.pk}/change/"
    form = admin_client_logged.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"preferred_date": "2024-12-25", "board": application.board_id, "answers": "{}"})
    for prefix in ("organizations", "reviews", "transitions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    response = admin_client_logged.post(url, data)
    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.errors.as_data()["preferred_date"]] == ["invalid_date"]


# -- placement ------------------------------------------------------------------------------------------


def test_placement_lists_unscheduled_forums_and_free_slots(admin_client_logged, superuser, forum_call):
    forum = accepted(forum_call, "甲论坛", superuser, day=date(2024, 11, 20), half_day="afternoon")
    tongan = Hall.objects.get(venue__name_zh=CENTER, name_zh="通安厅")
    # Someone else already holds 通安厅 on the morning of the 19th.
    other = accepted(forum_call, "乙论坛", superuser)
    session_place(session=other.session, hall=tongan, date=date(2024, 11, 19), start_time=time(10, 0), end_time=time(11, 0))

    response = admin_client_logged.get(PLACEMENT, {"edition": 2024})

    assert response.status_code == 200
    suggestions = response.context["suggestions"]
    assert [s["application"].title_zh for s in suggestions] == ["甲论坛"]
    assert (suggestions[0]["day"], suggestions[0]["start"], suggestions[0]["end"]) == (date(2024, 11, 20), *AFTERNOON_SLOT)
    grid = {row.hall.name_zh: row for row in response.context["grid"]}
    assert set(grid) == set(Hall.objects.filter(venue__name_zh=CENTER).values_list("name_zh", flat=True))
    assert len(grid["乌镇厅"].free_cells) == 8  # four days, morning and afternoon
    tongan_cells = {(c.day, c.half_day): c for c in grid["通安厅"].cells}
    assert [s.title_zh for s in tongan_cells[(date(2024, 11, 19), "morning")].busy] == ["乙论坛"]
    assert len(grid["通安厅"].free_cells) == 7
    html = response.content.decode()
    assert 'id="application-%d"' % forum.pk in html
    assert 'id="application-%d"' % other.pk not in html
    assert '<input type="time" name="start_time" form="place-%d" value="14:00"' % forum.pk in html


def test_placement_defaults_to_the_latest_call_edition(admin_client_logged, forum_call):
    response = admin_client_logged.get(PLACEMENT)
    assert response.context["edition"].year == 2024


def test_placement_places_then_refuses_an_overlap_then_accepts_a_touching_slot(admin_client_logged, superuser, forum_call):
    first = accepted(forum_call, "甲论坛", superuser)
    second = accepted(forum_call, "乙论坛", superuser)
    hall = Hall.objects.get(venue__name_zh=CENTER, name_zh="通安厅")
    url = f"{PLACEMENT}?edition=2024"

    def place(application, start, end):
        response = admin_client_logged.post(
            url, {"application": application.pk, "hall": hall.pk, "date": "2024-11-19", "start_time": start, "end_time": end}, follow=True
        )
        assert response.redirect_chain == [(url, 302)]
        return shown_messages(response)

    [(level, text)] = place(first, "09:00", "12:00")
    assert level == "success"
    assert text.startswith("“甲论坛”")
    session = Session.objects.get(pk=first.session_id)
    assert (session.hall_id, session.start, session.end, session.is_published, session.period) == (
        hall.pk, datetime(2024, 11, 19, 9, 0, tzinfo=BEIJING), datetime(2024, 11, 19, 12, 0, tzinfo=BEIJING), True, ""
    )
    assert session.start.isoformat() == "2024-11-19T01:00:00+00:00"  # 09:00+08:00

    [(level, text)] = place(second, "11:00", "12:30")
    assert level == "error"
    assert text.startswith("“乙论坛”") and "“甲论坛”" in text and "slot_conflict" not in text
    assert Session.objects.get(pk=second.session_id).start is None

    [(level, text)] = place(second, "12:00", "13:30")
    assert level == "success"
    session = Session.objects.get(pk=second.session_id)
    assert (session.hall_id, session.start, session.is_published) == (hall.pk, datetime(2024, 11, 19, 12, 0, tzinfo=BEIJING), True)

    page = admin_client_logged.get(url)
    assert page.context["suggestions"] == []
    tongan = next(row for row in page.context["grid"] if row.hall.pk == hall.pk)
    morning = next(c for c in tongan.cells if (c.day, c.half_day) == (date(2024, 11, 19), "morning"))
    assert [s.title_zh for s in morning.busy] == ["甲论坛"]  # 乙 starts at 12:00, when the morning slot ends


def test_placement_refuses_a_day_outside_the_edition(admin_client_logged, superuser, forum_call):
    forum = accepted(forum_call, "甲论坛", superuser)
    hall = Hall.objects.get(venue__name_zh=CENTER, name_zh="通安厅")
    response = admin_client_logged.post(
        f"{PLACEMENT}?edition=2024",
        {"application": forum.pk, "hall": hall.pk, "date": "2024-11-25", "start_time": "09:00", "end_time": "12:00"},
    )
    [(level, text)] = messages_of(response)
    assert (level, "slot_outside_edition" in text) == ("error", False)


def test_placement_needs_change_permission(client, forum_call):
    staff = make_user("staff-without-perms", is_staff=True)
    client.force_login(staff)
    assert client.get(PLACEMENT).status_code == 403
    assert client.post(PLACEMENT, {}).status_code == 403


def test_slot_constants():
    assert (MORNING_SLOT, AFTERNOON_SLOT) == ((time(9, 0), time(12, 0)), (time(14, 0), time(17, 30)))



def test_change_form_action_decides_one_application(admin_client_logged, superuser, forum_call, django_capture_on_commit_callbacks):
    application = submitted(forum_call, "甲论坛")
    services.applications_decide(applications=[application], to_state=S.UNDER_REVIEW, actor=superuser)
    url = f"{CHANGELIST}{application.pk}/change/"
    page = admin_client_logged.get(url)
    assert [value for value, _label in page.context["action_form"].fields["action"].choices] == ["", "mark_under_review", "accept", "waitlist", "reject"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(url, {"CHANGE_FORM-action": "reject", "_selected_action": str(application.pk)})
    assert response.status_code == 302
    assert [level for level, _text in messages_of(response)] == ["success"]
    application.refresh_from_db()
    assert application.state == S.REJECTED
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]


def test_accepted_application_links_to_its_session_and_cannot_be_edited(admin_client_logged, superuser, forum_call):
    application = accepted(forum_call, "甲论坛", superuser)
    page = admin_client_logged.get(f"{CHANGELIST}{application.pk}/change/")
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert f'href="/admin/agenda/session/{application.session_id}/change/"' in page.content.decode()
    assert page.context["has_delete_permission"] is False


# -- the other admins ------------------------------------------------------------------------------------


def test_call_boards_are_limited_to_its_edition(admin_client_logged, forum_call, edition_2024):
    url = f"/admin/forums/forumcall/{forum_call.pk}/change/"
    form = admin_client_logged.get(url).context["adminform"].form
    assert list(form.fields["boards"].queryset) == list(edition_2024.boards.order_by("number", "key"))
    assert list(admin_client_logged.get("/admin/forums/forumcall/").context["cl"].result_list) == [forum_call]
    assert admin_client_logged.get("/admin/forums/forumcall/").context["cl"].result_list[0].application_count == 0


def test_call_refuses_a_board_of_another_edition(admin_client_logged, edition_2024):
    from agenda.models import Board

    board_2017 = Board.objects.filter(edition__year=2017).first()
    data = {
        "edition": edition_2024.pk,
        "title_zh": "征集",
        "title_en": "",
        "description_zh": "",
        "description_en": "",
        "opens_at_0": "2024-08-01",
        "opens_at_1": "00:00:00",
        "closes_at_0": "2024-09-01",
        "closes_at_1": "00:00:00",
        "boards": [board_2017.pk],
    }
    for prefix in ("questions", "criteria"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    response = admin_client_logged.post("/admin/forums/forumcall/add/", data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["boards"]
    assert not ForumCall.objects.filter(title_zh="征集").exists()


ADMIN_LISTS = ["forumcall", "reviewer", "review", "applicationtransition"]


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_other_changelists_make_constant_queries(admin_client_logged, superuser, forum_call, reviewers, model):
    url = f"/admin/forums/{model}/"

    def grow(i):
        application = submitted(forum_call, f"论坛{i}")
        review(application, reviewers[i % 2], 4, 5)
        Reviewer.objects.create(edition=Edition.objects.get(year=2017), user=make_user(f"reviewer-2017-{i}"))
        now = timezone.now()
        ForumCall.objects.create(edition=Edition.objects.get(year=2017 + (i % 2) * 3), title_zh=f"征集{i}", opens_at=now, closes_at=now + timedelta(days=1))

    grow(0)
    few = count_queries(admin_client_logged, url)
    for i in range(1, 5):
        grow(i)
    many = count_queries(admin_client_logged, url)
    assert few == many


def test_logs_are_read_only(admin_client_logged, forum_call, reviewers):
    review(submitted(forum_call, "甲论坛"), reviewers[0], 4, 5)
    for model in ("review", "applicationtransition"):
        page = admin_client_logged.get(f"/admin/forums/{model}/")
        assert page.status_code == 200
        assert page.context["has_add_permission"] is False
    assert admin_client_logged.get("/admin/forums/forumapplication/add/").status_code == 403
