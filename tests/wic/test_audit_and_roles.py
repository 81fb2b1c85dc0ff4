"""The audit trail (who, when, from which value to which) and role grants in the admin."""
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group

from registration import services as registration_services
from registration.models import Credential, Registration
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest
from wic import roles
from wic.demo import ensure_role_groups


@pytest.fixture
def organizer(db, django_user_model):
    ensure_role_groups()
    user = django_user_model.objects.create_user("audit-organizer", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.ORGANIZER))
    return user


@pytest.fixture
def pending(db):
    edition = EditionFactory(year=2095)
    return registration_services.registration_create(edition=edition, data=guest())


def entries_for(obj):
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))


def test_admin_decision_is_recorded_with_who_and_from_which_value(organizer, pending, client):
    client.force_login(organizer)
    response = client.post("/admin/registration/registration/", {"action": "approve", "_selected_action": [pending.pk], "index": 0})
    assert response.status_code == 302
    update = entries_for(pending)[-1]
    assert (update.action, update.actor_id) == (LogEntry.Action.UPDATE, organizer.pk)
    assert update.changes_dict["status"] == ["pending", "approved"]
    assert update.changes_dict["decided_by"] == [None, organizer.pk]
    credential = Credential.objects.get(registration=pending)
    created = entries_for(credential)[0]
    assert (created.action, created.actor_id) == (LogEntry.Action.CREATE, organizer.pk)
    assert created.changes_dict["secret"][1] != credential.secret and "*" in created.changes_dict["secret"][1]
    assert credential.secret not in str(created.changes)


def test_revocation_is_recorded(organizer, pending, client):
    registration_services.registration_decide(registration=pending, status="approved", actor=None)
    old = pending.credentials.get()
    client.force_login(organizer)
    client.post("/admin/registration/registration/", {"action": "reissue_credential", "_selected_action": [pending.pk], "index": 0})
    revoke = entries_for(old)[-1]
    assert (revoke.action, revoke.actor_id) == (LogEntry.Action.UPDATE, organizer.pk)
    assert revoke.changes_dict["revoked_at"][0] is None and revoke.changes_dict["revoked_by"] == [None, organizer.pk]


def test_registration_trail_leaves_personal_data_out(pending):
    registration_services.registration_decide(registration=pending, status="approved", actor=None)
    text = " ".join(str(e.changes) for e in LogEntry.objects.filter(object_pk=str(pending.pk), content_type__model="registration"))
    for private in (pending.email, pending.token, "Ministry of Communications"):
        assert private not in text



def test_object_audit_page_and_link(organizer, pending, client):
    registration_services.registration_decide(registration=pending, status="waitlisted", actor=organizer)
    client.force_login(organizer)
    change = client.get(f"/admin/registration/registration/{pending.pk}/change/").content.decode()
    url = f"/admin/audit/registration/registration/{pending.pk}/"
    assert f'href="{url}"' in change
    page = client.get(url)
    assert page.status_code == 200
    assert "waitlisted" in page.content.decode()
    assert client.get("/admin/audit/registration/checkin/1/").status_code == 404  # not recorded: scans are their own log
    attendee = type(organizer).objects.create_user("audit-attendee")
    client.force_login(attendee)
    assert client.get(url).status_code == 302  # to the admin login


def test_audit_log_list_is_readable_by_organizers(organizer, pending, client):
    registration_services.registration_decide(registration=pending, status="approved", actor=organizer)
    client.force_login(organizer)
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Registration)
    response = client.get(f"/admin/auditlog/logentry/?resource_type={content_type.pk}&action=1")
    assert response.status_code == 200
    assert [e.object_pk for e in response.context["cl"].result_list] == [str(pending.pk)]


def test_organizer_grants_and_removes_roles_and_it_is_recorded(organizer, client, django_user_model):
    volunteer = django_user_model.objects.create_user("to-be-gate")
    gate, attendee = Group.objects.get(name=roles.GATE), Group.objects.get(name=roles.ATTENDEE)
    client.force_login(organizer)
    url = f"/admin/auth/user/{volunteer.pk}/change/"
    form = client.get(url)
    offered = {g.name for g in form.context["adminform"].form.fields["groups"].queryset}
    assert roles.ORGANIZER not in offered and {roles.GATE, roles.ATTENDEE} <= offered
    data = {"username": "to-be-gate", "first_name": "", "last_name": "", "email": "", "is_active": "on", "groups": [gate.pk, attendee.pk]}
    assert client.post(url, data).status_code == 302
    assert set(volunteer.groups.values_list("name", flat=True)) == {roles.GATE, roles.ATTENDEE}
    grant = [e for e in entries_for(volunteer) if "groups" in e.changes_dict][-1]
    assert grant.actor_id == organizer.pk
    assert grant.changes_dict["groups"]["operation"] == "add"
    assert sorted(grant.changes_dict["groups"]["objects"]) == sorted([roles.GATE, roles.ATTENDEE])
    data["groups"] = [attendee.pk]
    assert client.post(url, data).status_code == 302
    assert list(volunteer.groups.values_list("name", flat=True)) == [roles.ATTENDEE]


def test_only_a_superuser_makes_or_edits_an_organizer(organizer, client, django_user_model, superuser):
    someone = django_user_model.objects.create_user("wants-power")
    org_group = Group.objects.get(name=roles.ORGANIZER)
    client.force_login(organizer)
    url = f"/admin/auth/user/{someone.pk}/change/"
    response = client.post(url, {"username": "wants-power", "is_active": "on", "groups": [org_group.pk], "is_staff": "on", "is_superuser": "on"})
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    someone.refresh_from_db()
    assert (someone.is_staff, someone.is_superuser, someone.groups.count()) == (False, False, 0)
    other_organizer = django_user_model.objects.create_user("other-organizer", is_staff=True)
    other_organizer.groups.add(org_group)
    assert client.get(f"/admin/auth/user/{other_organizer.pk}/change/").status_code == 403 or "readonly" in client.get(
        f"/admin/auth/user/{other_organizer.pk}/change/"
    ).content.decode()
    assert client.get(f"/admin/auth/user/{superuser.pk}/delete/").status_code == 403
    assert client.get("/admin/auth/user/add/").status_code == 403
    client.force_login(superuser)
    response = client.post(url, {"username": "wants-power", "is_active": "on", "groups": [org_group.pk], "is_staff": "on",
                                 "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "user_permissions": []})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert someone.groups.filter(name=roles.ORGANIZER).exists()
