"""Staff status opens the admin; it is not the organizer role. A staff account outside the
organizer group gets none of the organizers' powers on the site or through the API."""
import pytest
from rest_framework.test import APIClient

from expo import services as expo_services
from tests.expo.conftest import application
from tests.factories import EditionFactory, make_organizer
from wic import roles


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff-only", password="a-long-test-password-1", is_staff=True)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_role_checks_follow_the_group_not_the_staff_flag(staff, django_user_model):
    organizer = make_organizer("real-organizer")
    inactive = make_organizer("gone-organizer")
    inactive.is_active = False
    inactive.save()
    superuser = django_user_model.objects.create_superuser("root-x", password="a-long-test-password-1")
    assert [roles.is_organizer(u) for u in (staff, organizer, inactive, superuser, None)] == [False, True, False, True, False]


@pytest.mark.django_db
def test_staff_without_the_role_is_refused_where_organizers_are_let_in(staff, client):
    edition = EditionFactory(year=2099)
    pending = expo_services.exhibitor_create(edition=edition, data=application(1), status="pending")
    organizer = make_organizer("real-organizer")
    for user, expected in ((staff, (403, 403, 403, 404)), (organizer, (200, 200, 200, 200))):
        client.force_login(user)
        got = (
            api(user).get("/api/v1/registrations/").status_code,
            client.get("/checkin/live/").status_code,
            client.get(f"/admin/dashboard/{edition.year}/").status_code,
            api(user).patch(f"/api/v1/exhibitors/{pending.pk}/", {"products_en": "x"}, format="json").status_code,
        )
        assert got == expected, user.username
    assert api(staff).get("/api/v1/registrations/").json()["code"] == "permission_denied"
