"""CSV and XLSX exports of admin lists keep the organizer's filters, stream, and are for those who
may view the list."""
import csv
import io

import pytest
from openpyxl import load_workbook

from registration import services
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest

URL = "/admin/registration/registration/export/{fmt}/"


@pytest.fixture
def guests(db):
    edition = EditionFactory(year=2094)
    made = []
    for n, (name, status) in enumerate([("Ada Lovelace", "approved"), ("Alan Turing", "pending"), ("Grace Hopper", "approved")]):
        registration = services.registration_create(edition=edition, data=guest(name=name, email=f"g{n}@example.org", name_zh="格蕾丝" if n == 2 else ""))
        if status != "pending":
            services.registration_decide(registration=registration, status=status, actor=None)
        made.append(registration)
    return made


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_keeps_the_filter_and_search(guests, admin_client_logged):
    response = admin_client_logged.get(URL.format(fmt="csv") + "?status__exact=approved&o=2", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registration-')
    rows = read_csv(response)
    assert rows[0][:4] == ["reference", "name", "name in Chinese", "email"]
    assert sorted((r[1], r[2], r[3], r[13]) for r in rows[1:]) == [
        ("Ada Lovelace", "", "g0@example.org", "Approved"),
        ("Grace Hopper", "格蕾丝", "g2@example.org", "Approved"),
    ]
    searched = read_csv(admin_client_logged.get(URL.format(fmt="csv") + "?q=Turing"))
    assert [r[1] for r in searched[1:]] == ["Alan Turing"]


def test_xlsx_export_has_the_same_rows(guests, admin_client_logged):
    response = admin_client_logged.get(URL.format(fmt="xlsx") + "?status__exact=approved", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("reference", "name")
    assert sorted(r[1] for r in rows[1:]) == ["Ada Lovelace", "Grace Hopper"]
    assert {r[7] for r in rows[1:]} == {"Government"} and {r[10] for r in rows[1:]} == {True}


def test_export_buttons_carry_the_current_filter(guests, admin_client_logged):
    page = admin_client_logged.get("/admin/registration/registration/?status__exact=approved").content.decode()
    assert 'href="/admin/registration/registration/export/csv/?status__exact=approved"' in page
    assert 'href="/admin/registration/registration/export/xlsx/?status__exact=approved"' in page


def test_export_query_count_does_not_grow_with_rows(db, admin_client_logged, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edition = EditionFactory(year=2093)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client_logged.get(URL.format(fmt="csv"))
            b"".join(response.streaming_content)
        return len(ctx.captured_queries)

    services.registration_create(edition=edition, data=guest(email="one@example.org"))
    few = count()
    for n in range(30):
        services.registration_create(edition=edition, data=guest(email=f"many{n}@example.org"))
    assert count() == few


def test_export_needs_view_permission(guests, client, django_user_model):
    assert client.get(URL.format(fmt="csv")).status_code == 302  # to the admin login
    staff = django_user_model.objects.create_user("staff-no-perms", is_staff=True)
    client.force_login(staff)
    assert client.get(URL.format(fmt="csv")).status_code == 403
    assert client.get("/admin/registration/registration/export/pdf/").status_code in (403, 404)


def test_forum_applications_export(admin_client_logged, db):
    response = admin_client_logged.get("/admin/forums/forumapplication/export/csv/", HTTP_ACCEPT_LANGUAGE="en")
    rows = read_csv(response)
    assert rows[0][:5] == ["id", "edition", "title (Chinese)", "title (English)", "state"]
