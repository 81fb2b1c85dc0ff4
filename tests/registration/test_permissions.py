"""Who may do what with guests' data: every role against every registration and check-in page and
API action. Gate staff scan, and see of a guest only what the gate needs (name, organization,
country or region, category); needs (visa letter, accommodation, accessibility) and contact data
(email) stay with the organizers."""
import uuid

import pytest
from django.contrib.auth.models import Group

from registration import services
from registration.models import CheckinList
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest
from wic import roles
from wic.demo import ensure_role_groups

ROLES = ["anonymous", "attendee", "volunteer", "gate", "organizer"]

# (what, method, path template) -> expected status per role, in ROLES order.
TABLE = [
    ("registrations API list", "get", "/api/v1/registrations/", [401, 403, 403, 403, 200]),
    ("registrations API detail", "get", "/api/v1/registrations/{reg}/", [401, 403, 403, 403, 200]),
    ("scan API", "post", "/api/v1/checkins/", [401, 403, 403, 200, 200]),
    ("check-in page", "get", "/checkin/", [302, 403, 403, 200, 200]),
    ("live check-in view", "get", "/checkin/live/", [302, 403, 403, 403, 200]),
    ("admin: registrations", "get", "/admin/registration/registration/", [302, 302, 302, 302, 200]),
    ("admin: one registration", "get", "/admin/registration/registration/{reg}/change/", [302, 302, 302, 302, 200]),
    ("admin: credentials", "get", "/admin/registration/credential/", [302, 302, 302, 302, 200]),
    ("admin: scans", "get", "/admin/registration/checkin/", [302, 302, 302, 302, 200]),
]


@pytest.fixture
def world(db, django_user_model):
    ensure_role_groups()
    edition = EditionFactory(year=2096)
    registration = services.registration_create(
        edition=edition, data=guest(needs_visa_letter=True, needs_accommodation=True, accessibility_needs="Wheelchair access", email="private@example.org")
    )
    services.registration_decide(registration=registration, status="approved", actor=None)
    gate_list = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=edition.start_date)
    users = {}
    for role in ROLES[1:]:
        user = django_user_model.objects.create_user(f"perm-{role}")  # force_login: no password to hash
        user.groups.add(Group.objects.get(name=role))
        user.is_staff = role == roles.ORGANIZER
        user.save()
        users[role] = user
    return {"registration": registration, "list": gate_list, "users": users, "edition": edition}


def call(client, world, role, method, template):
    if role != "anonymous":
        client.force_login(world["users"][role])
    path = template.format(reg=world["registration"].pk)
    if method == "post":
        body = {"list": world["list"].pk, "secret": world["registration"].credentials.get().secret, "nonce": str(uuid.uuid4()),
                "scanned_at": f"{world['edition'].start_date.isoformat()}T09:00:00+08:00"}
        return client.post(path, body, content_type="application/json")
    return client.get(path)


@pytest.mark.parametrize("what,method,template,expected", TABLE, ids=[row[0] for row in TABLE])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_role_matrix(world, client, what, method, template, expected, role_index):
    role = ROLES[role_index]
    response = call(client, world, role, method, template)
    assert response.status_code == expected[role_index], f"{role} on {what}"
    if response.status_code == 302:
        assert "/login/" in response["Location"]


def test_gate_answer_carries_only_what_the_gate_needs(world, client):
    response = call(client, world, "gate", "post", "/api/v1/checkins/")
    body = response.json()
    assert body["result"] == "ok"
    assert set(body) == {"result", "type", "message", "scanned_at", "list", "guest"}
    assert body["guest"] == {"name": "Maria Silva", "name_zh": "", "organization": "Ministry of Communications", "country": "BR", "category": "government"}
    text = response.content.decode()
    for private in ("private@example.org", "Wheelchair", "visa", "accommodation", "Director", world["registration"].token):
        assert private not in text


def test_check_in_page_shows_no_guest_data_to_gate_staff(world, client):
    client.force_login(world["users"]["gate"])
    page = client.get("/checkin/").content.decode()
    for private in ("Maria Silva", "private@example.org", "Wheelchair", world["registration"].credentials.get().secret):
        assert private not in page
