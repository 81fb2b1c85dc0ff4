"""Exports of the volunteers (with worked hours), nominations and exhibitors lists: the filtered
changelist, exact cells, and a query count that does not grow with rows."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.models import Nomination
from expo import services as expo_services
from expo.models import Booth
from tests.awards.conftest import make_programme as make_award_programme
from tests.expo.conftest import application
from tests.factories import EditionFactory, OrganizationFactory
from tests.volunteers.helpers import DAY1, make_post, make_programme, make_shift, make_volunteer
from tests.wic.test_admin_export import read_csv
from volunteers import services as volunteer_services


def export(client, path, query=""):
    response = client.get(f"{path}export/csv/{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return read_csv(response)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def worked(volunteer, shift, late_minutes=0, hours=None):
    assignment = volunteer_services.shift_assign(shift=shift, volunteer=volunteer)
    volunteer_services.assignment_check_in(assignment=assignment, at=shift.starts_at + timedelta(minutes=late_minutes))
    volunteer_services.assignment_check_out(assignment=assignment, at=shift.starts_at + timedelta(hours=hours) if hours else shift.ends_at)
    return assignment


def test_volunteer_export_sums_hours_in_the_database(admin_client_logged):
    programme = make_programme()
    post = make_post(programme)
    ada = make_volunteer(programme, name="Ada Hours", email="ada@example.org", languages={"en": "fluent"})
    bob = make_volunteer(programme, name="Bob Nohours", email="bob@example.org")
    make_volunteer(programme, name="Cy Applied", email="cy@example.org", status="applied")
    worked(ada, make_shift(post, start=DAY1, hours=4), late_minutes=10)  # 3 h 50 min, late
    worked(ada, make_shift(post, start=DAY1 + timedelta(days=1), hours=3))  # 3 h
    volunteer_services.shift_assign(shift=make_shift(post, start=DAY1 + timedelta(days=2)), volunteer=bob)

    rows = export(admin_client_logged, "/admin/volunteers/volunteer/", "?status__exact=accepted")
    header = rows[0]
    assert header[:2] == ["name", "programme"] and header[-6:] == ["worked hours", "shifts worked", "late arrivals", "no-shows", "applied", "decided"]
    got = {r[0]: (r[7], r[8], r[10], r[11], r[12], r[13]) for r in rows[1:]}
    assert got == {
        "Ada Hours": ("en", "Accepted", "6.83", "2", "1", "0"),
        "Bob Nohours": ("", "Accepted", "0.0", "0", "0", "0"),
    }
    # The languages filter joins the languages table: the sums must not be multiplied by it.
    filtered = export(admin_client_logged, "/admin/volunteers/volunteer/", "?languages__language=en")
    assert [(r[0], r[10], r[11]) for r in filtered[1:]] == [("Ada Hours", "6.83", "2")]


def test_volunteer_export_queries_do_not_grow(admin_client_logged):
    programme = make_programme()
    post = make_post(programme)
    worked(make_volunteer(programme), make_shift(post, start=DAY1))
    few = queries(admin_client_logged, "/admin/volunteers/volunteer/export/csv/")
    for n in range(12):
        worked(make_volunteer(programme, languages={"fr": "fluent"}), make_shift(post, start=DAY1 + timedelta(days=n + 1)))
    assert queries(admin_client_logged, "/admin/volunteers/volunteer/export/csv/") == few


def test_nomination_export_follows_the_state_filter(admin_client_logged, django_user_model):
    programme = make_award_programme(EditionFactory(year=2099))
    author = django_user_model.objects.create_user("nominator")
    first = Nomination.objects.create(programme=programme, direction="enterprise", state="submitted", organization=OrganizationFactory(name_zh="甲公司", name_en="Jia Co"), created_by=author)
    first.categories.set(programme.categories.order_by("sort_order")[:2])
    Nomination.objects.create(programme=programme, direction="individual", state="draft", person_name="测试个人", person_affiliation="测试大学", created_by=author)

    rows = export(admin_client_logged, "/admin/awards/nomination/", "?state__exact=submitted")
    assert rows[0][:5] == ["edition", "programme", "direction", "state", "enterprise"]
    assert len(rows) == 2
    entered = "; ".join(c.name_zh for c in first.categories.all())
    assert entered.count("; ") == 1
    assert rows[1][:9] == ["2099", "测试杰出贡献奖", "Enterprises", "Submitted", "甲公司", "Jia Co", "", "", entered]
    assert rows[1][9:12] == ["0", "", "0"]
    everyone = export(admin_client_logged, "/admin/awards/nomination/")
    assert sorted(r[3] for r in everyone[1:]) == ["Draft", "Submitted"]


def test_exhibitor_export_lists_fields_booths_and_zones(admin_client_logged):
    edition = EditionFactory(year=2099)
    zone = expo_services.zone_upsert(edition=edition, key="theme", name_zh="主题展区", name_en="Theme zone", kind="theme")
    booth = Booth.objects.create(edition=edition, zone=zone, code="A-01", area=9)
    one = expo_services.exhibitor_create(edition=edition, data=application(1, fields=["ai", "cloud"]))
    expo_services.exhibitor_create(edition=edition, data=application(2, country="DE", fields=["robotics"]))
    expo_services.booth_allot(booth=booth, exhibitor=one)

    rows = export(admin_client_logged, "/admin/expo/exhibitor/", "?q=Exhibitor 1")
    assert rows[0][:7] == ["edition", "organization (Chinese)", "organization (English)", "country or region", "fields", "booths", "zones"]
    assert [r[:7] for r in rows[1:]] == [["2099", "测试参展商1", "Test Exhibitor 1", "CN", "ai; cloud", "A-01", "主题展区"]]
    assert rows[1][11] == "Approved" and rows[1][13] == "contact1@example.org"
    every = export(admin_client_logged, "/admin/expo/exhibitor/", f"?edition__id__exact={edition.pk}")
    assert sorted((r[1], r[3], r[4], r[5]) for r in every[1:]) == [("测试参展商1", "CN", "ai; cloud", "A-01"), ("测试参展商2", "DE", "robotics", "")]
    page = admin_client_logged.get("/admin/expo/exhibitor/").content.decode()
    assert 'href="/admin/expo/exhibitor/export/xlsx/?"' in page and 'href="/admin/expo/exhibitor/import/"' in page


def test_exhibitor_export_queries_do_not_grow(admin_client_logged):
    edition = EditionFactory(year=2099)
    expo_services.exhibitor_create(edition=edition, data=application(1))
    few = queries(admin_client_logged, "/admin/expo/exhibitor/export/csv/")
    for n in range(2, 15):
        expo_services.exhibitor_create(edition=edition, data=application(n, fields=["ai", "iot", "5g"]))
    assert queries(admin_client_logged, "/admin/expo/exhibitor/export/csv/") == few


@pytest.mark.parametrize("path", ["/admin/volunteers/volunteer/", "/admin/awards/nomination/", "/admin/expo/exhibitor/"])
def test_exports_need_view_permission(path, client, django_user_model):
    staff = django_user_model.objects.create_user("plain-staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(f"{path}export/csv/").status_code == 403
