"""Audit entries for the transitions of the volunteers, awards and expo apps: who, and from which
value to which. Services called outside a request have no actor; admin actions carry the user."""
from datetime import timedelta

import pytest
from auditlog.models import LogEntry

from awards import services as award_services
from awards.models import Nomination
from expo import services as expo_services
from expo.models import Booth
from tests.awards.conftest import DURING, make_member, recommend
from tests.awards.conftest import make_programme as make_award_programme
from tests.expo.conftest import application
from tests.factories import EditionFactory, OrganizationFactory
from tests.volunteers.helpers import DAY1, make_post, make_programme, make_shift, make_volunteer
from volunteers import services as volunteer_services


def last(obj) -> LogEntry:
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk").last()


@pytest.mark.django_db
def test_volunteer_decision_and_shift_attendance_are_recorded():
    programme = make_programme()
    volunteer = make_volunteer(programme, status="applied")
    volunteer_services.volunteer_decide(volunteer=volunteer, status="standby", actor=None)
    assert last(volunteer).changes_dict["status"] == ["applied", "standby"]
    assert "phone" not in last(volunteer).changes_dict and "email" not in last(volunteer).changes_dict
    volunteer = make_volunteer(programme)
    assignment = volunteer_services.shift_assign(shift=make_shift(make_post(programme), start=DAY1), volunteer=volunteer)
    assert last(assignment).action == LogEntry.Action.CREATE
    volunteer_services.assignment_check_in(assignment=assignment, at=DAY1 + timedelta(minutes=10))
    entry = last(assignment)
    assert entry.changes_dict["arrival"] == ["", "late"] and entry.changes_dict["checked_in_at"][0] is None


@pytest.mark.django_db
def test_quota_use_and_nomination_states_are_recorded(django_user_model):
    programme = make_award_programme(EditionFactory(year=2099))
    member, _user = make_member("associate", django_user_model)
    enterprise = OrganizationFactory(name_zh="受荐企业", kind="enterprise")
    recommendation = recommend(programme, member, enterprise)
    created = last(recommendation)
    assert created.action == LogEntry.Action.CREATE
    assert created.changes_dict["slot"] == [None, 1] and created.changes_dict["quota"] == [None, 1]
    award_services.recommendation_withdraw(recommendation=recommendation, now=DURING + timedelta(hours=1))
    assert last(recommendation).changes_dict["slot"] == [1, None]

    author = django_user_model.objects.create_user("audit-author")
    nomination = Nomination.objects.create(programme=programme, direction="enterprise", state="submitted", organization=enterprise, created_by=author)
    award_services.nomination_transition(nomination=nomination, to_state="ineligible", actor=None, message="不符合条件")
    assert last(nomination).changes_dict["state"] == ["submitted", "ineligible"]


@pytest.mark.django_db
def test_expo_decision_allotment_and_admin_actor_are_recorded(admin_client_logged, superuser):
    edition = EditionFactory(year=2099)
    exhibitor = expo_services.exhibitor_create(edition=edition, data=application(1), status="pending")
    response = admin_client_logged.post("/admin/expo/exhibitor/", {"action": "approve", "_selected_action": [exhibitor.pk], "index": 0})
    assert response.status_code == 302
    entry = last(exhibitor)
    assert (entry.actor_id, entry.changes_dict["status"]) == (superuser.pk, ["pending", "approved"])
    zone = expo_services.zone_upsert(edition=edition, key="theme", name_zh="主题展区")
    booth = Booth.objects.create(edition=edition, zone=zone, code="B-07", area=9)
    allotment = expo_services.booth_allot(booth=booth, exhibitor=exhibitor)
    assert last(allotment).action == LogEntry.Action.CREATE and last(allotment).changes_dict["booth"][1] == booth.pk
    expo_services.booth_release(booth=booth)
    allotment.refresh_from_db()
    assert last(allotment).changes_dict["released_at"][0] is None


@pytest.mark.django_db
def test_no_shows_are_recorded_one_by_one():
    programme = make_programme()
    shift = make_shift(make_post(programme), start=DAY1, needed=2)
    first, second = (volunteer_services.shift_assign(shift=shift, volunteer=make_volunteer(programme)) for _ in range(2))
    assert volunteer_services.no_shows_mark(now=DAY1 + timedelta(minutes=16))["no_shows"] == 2
    assert [last(a).changes_dict["status"] for a in (first, second)] == [["assigned", "no_show"], ["assigned", "no_show"]]
