"""Upload and request limits (issue 10): every upload is capped in bytes and, for tables, in rows;
a refusal has a stable code and a message naming the limit and the actual size; nothing already
saved is lost. Requests larger than Django accepts get the same treatment: JSON
`request_too_large` (413) from the API, a readable 413 page elsewhere, never a 500.

The only file upload of the apps is the organizers' exhibitor import (expo.importing, admin page
/admin/expo/exhibitor/import/): no model has a user-uploaded FileField (a guest's badge PDF is
drawn by the app) and no API endpoint takes a file."""
import csv
import io
import json
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from expo import importing
from expo.importing import MAX_BYTES, MAX_ROWS, read_rows
from expo.models import Exhibitor
from registration.models import Registration
from tests.factories import EditionFactory
from wic.errors import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

IMPORT_URL = "/admin/expo/exhibitor/import/"
HEADER = "organization_zh,organization_en,country,fields,products_zh,booth_size,contact_name,contact_email\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def edition(db):
    return EditionFactory(year=2096)


def row(n: int) -> str:
    return f"限额测试机构{n},Limit Test Org {n},CN,ai,产品,9,联系人,limit{n}@example.org"


def csv_of(rows: int) -> bytes:
    return (HEADER + "".join(row(n) + "\n" for n in range(1, rows + 1))).encode()


def padded_csv(size: int) -> bytes:
    """One good data row, then lines without any value (skipped by the import), `size` bytes in all."""
    content = csv_of(1)
    missing = size - len(content)
    blank_lines, rest = divmod(missing, 10)
    padding = (" " * (rest - 1) + "\n" if rest else "") + ",,,,,,,,,\n" * blank_lines
    content += padding.encode()
    assert len(content) == size
    return content


def import_page(client, edition, content: bytes, name: str = "list.csv", **extra):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(IMPORT_URL, {"edition": edition.pk, "file": upload, **extra}, HTTP_ACCEPT_LANGUAGE="en")


def field_errors(response) -> list[str]:
    """The file field's errors as "sentence [code]": the code is the error's (data-code on a page), never its text."""
    errors = response.context["form"].errors.as_data().get("file", [])
    assert not any(f"[{e.code}]" in e.message for e in errors)
    return [f"{e.message} [{e.code}]" for e in errors]


# -- the settings ------------------------------------------------------------------------------------

def test_the_request_limits_are_set():
    assert (settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.FILE_UPLOAD_MAX_MEMORY_SIZE) == (1_048_576, 1_048_576)
    assert (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, settings.DATA_UPLOAD_MAX_NUMBER_FILES) == (10_000, 5)
    assert settings.UPLOAD_MAX_REQUEST_SIZE == 6_291_456 == MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.FILE_UPLOAD_HANDLERS[0] == "wic.uploads.RequestSizeLimitHandler"
    assert (MAX_BYTES, MAX_ROWS) == (5_242_880, 5000)


# -- the exhibitor import: bytes ------------------------------------------------------------------

def test_import_file_at_the_byte_cap_is_read(admin_client_logged, edition):
    response = import_page(admin_client_logged, edition, padded_csv(MAX_BYTES))
    assert response.status_code == 200
    assert field_errors(response) == []
    result = response.context["result"]
    assert (len(result.rows), result.valid, result.invalid) == (1, 1, 0)
    assert Exhibitor.objects.filter(edition=edition).count() == 0  # a dry run


def test_import_file_one_byte_over_the_cap_is_refused_and_the_form_stays_filled(admin_client_logged, edition):
    response = import_page(admin_client_logged, edition, padded_csv(MAX_BYTES + 1), atomic_all="on")
    assert field_errors(response) == [
        "list.csv is 5,242,881 bytes; at most 5,242,880 bytes (5 MB) can be imported. [file_too_large]"
    ]
    page = response.content.decode()
    assert "list.csv is 5,242,881 bytes; at most 5,242,880 bytes (5 MB) can be imported." in page
    # What the organizer chose is still chosen; only the file must be picked again.
    assert f'<option value="{edition.pk}" selected>' in page
    assert '<input type="checkbox" name="atomic_all" id="id_atomic_all" checked>' in page
    assert "result" not in response.context
    assert Exhibitor.objects.filter(edition=edition).count() == 0
    assert admin_client_logged.session.get("expo_import") is None


def test_import_size_check_in_the_service_names_both_sizes(edition):
    with pytest.raises(DomainError) as error:
        read_rows(b"x" * (MAX_BYTES + 10), "big.csv")
    assert (error.value.code, error.value.status, error.value.message) == (
        "file_too_large", 413, "big.csv is 5,242,890 bytes; at most 5,242,880 bytes (5 MB) can be imported.",
    )


def test_import_page_says_the_limits(admin_client_logged):
    page = admin_client_logged.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At most 5 MB and 5,000 rows." in page


def test_import_of_another_file_type_is_refused(admin_client_logged, edition):
    response = import_page(admin_client_logged, edition, b"%PDF-1.4", name="list.pdf")
    assert field_errors(response) == ["Upload a .csv or .xlsx file, not list.pdf. [unsupported_file]"]


# -- the exhibitor import: rows -------------------------------------------------------------------

def test_import_with_one_row_too_many_is_refused_and_imports_nothing(admin_client_logged, edition):
    importing.exhibitors_import(edition=edition, content=csv_of(1), filename="first.csv", dry_run=False)
    assert Exhibitor.objects.filter(edition=edition).count() == 1
    response = import_page(admin_client_logged, edition, csv_of(MAX_ROWS + 1))
    assert field_errors(response) == ["At most 5000 rows can be imported at once; the file has 5001. [too_many_rows]"]
    assert admin_client_logged.session.get("expo_import") is None
    # Confirming now imports nothing: there is no preview to confirm.
    confirmed = admin_client_logged.post(IMPORT_URL, {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Upload the file again: the preview has expired." in confirmed.content.decode()
    assert Exhibitor.objects.filter(edition=edition).count() == 1


def test_import_at_the_row_cap_imports_every_row(admin_client_logged, edition, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)  # the boundary, without writing 5,000 rows
    refused = import_page(admin_client_logged, edition, csv_of(4))
    assert field_errors(refused) == ["At most 3 rows can be imported at once; the file has 4. [too_many_rows]"]
    preview = import_page(admin_client_logged, edition, csv_of(3))
    assert field_errors(preview) == [] and preview.context["result"].valid == 3
    admin_client_logged.post(IMPORT_URL, {"confirm": "1"})
    assert Exhibitor.objects.filter(edition=edition).count() == 3


def test_blank_lines_do_not_count_as_rows(edition):
    content = csv_of(2) + b"\n,,,\n  \n"
    assert [r["organization_zh"] for r in read_rows(content, "list.csv")] == ["限额测试机构1", "限额测试机构2"]


def test_xlsx_with_one_row_too_many_is_refused(edition):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("exhibitors")
    sheet.append(HEADER.strip().split(","))
    for n in range(1, MAX_ROWS + 2):
        sheet.append(row(n).split(","))
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(DomainError) as error:
        read_rows(out.getvalue(), "list.xlsx")
    assert (error.value.code, error.value.message) == ("too_many_rows", "At most 5000 rows can be imported at once; the file has 5001.")


# -- the exhibitor import: files that cannot be read end as a form error, never a 500 ---------

def test_csv_with_a_cell_over_the_csv_field_limit_is_unreadable(admin_client_logged, edition):
    content = csv_of(1) + ("x" * (csv.field_size_limit() + 1) + ",CN\n").encode()
    response = import_page(admin_client_logged, edition, content)
    assert response.status_code == 200
    assert field_errors(response) == [
        f"list.csv is not a readable CSV file: field larger than field limit ({csv.field_size_limit()}). [unreadable_file]"
    ]


def test_xlsx_whose_sheet_breaks_while_reading_is_unreadable(admin_client_logged, edition):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER.strip().split(","))
    good = io.BytesIO()
    workbook.save(good)
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the workbook opens; the sheet's XML ends half-way
            target.writestr(item, data)
    response = import_page(admin_client_logged, edition, broken.getvalue(), name="list.xlsx")
    assert response.status_code == 200
    assert field_errors(response) == ["list.xlsx is not a readable XLSX file. [unreadable_file]"]


# -- requests larger than Django accepts -------------------------------------------------------------

def registration_body(edition, size: int | None = None) -> bytes:
    data = {
        "edition": edition.year, "name": "Size Test", "email": "size@example.org", "organization_name": "Size Org", "country": "BR",
        "category": "government", "participation": "on_site", "consent": True, "accessibility_needs": "",
    }
    body = json.dumps(data).encode()
    if size is not None:
        data["accessibility_needs"] = "x" * (size - len(body))
        body = json.dumps(data).encode()
        assert len(body) == size
    return body


def test_api_json_body_one_byte_over_the_limit_is_413_with_a_json_error(api_client, edition):
    body = registration_body(edition, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = api_client.post("/api/v1/registrations/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "request_too_large",
        "message": "The request is 1,048,577 bytes; at most 1,048,576 bytes can be sent at once.",
        "detail": "The request is 1,048,577 bytes; at most 1,048,576 bytes can be sent at once.",
    }
    assert not Registration.objects.filter(edition=edition).exists()


def test_api_json_body_at_the_limit_is_accepted(api_client, edition):
    body = registration_body(edition, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    response = api_client.post("/api/v1/registrations/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202  # accepted: the page link goes by email (issue 19)
    assert Registration.objects.get(edition=edition).name == "Size Test"
    assert len(Registration.objects.get(edition=edition).accessibility_needs) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE - len(registration_body(edition))


def test_api_form_body_over_the_limit_is_413_with_a_json_error(api_client, edition):
    body = "name=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_client.post("/api/v1/registrations/", body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")
    assert response.json()["message"] == "The request is 1,048,581 bytes; at most 1,048,576 bytes can be sent at once."


def test_page_form_over_the_limit_gets_a_readable_413_page(client, edition):
    body = "name=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(f"/editions/{edition.year}/register/", body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1 id=\"br-title\">Request too large</h1>" in page
    assert "The request is 1,048,581 bytes; at most 1,048,576 bytes can be sent at once." in page
    assert "Nothing was saved. Go back, shorten the text or choose a smaller file, and send it again." in page
    assert not Registration.objects.filter(edition=edition).exists()


@override_settings(UPLOAD_MAX_REQUEST_SIZE=50_000)
def test_upload_request_over_the_request_cap_is_refused_before_it_is_read(admin_client_logged, edition):
    response = import_page(admin_client_logged, edition, b"x" * 50_000)
    assert response.status_code == 413
    page = response.content.decode()
    size = int(response.wsgi_request.META["CONTENT_LENGTH"])
    assert size > 50_000
    assert f"The request is {size:,} bytes; at most 50,000 bytes can be sent at once." in page


@override_settings(UPLOAD_MAX_REQUEST_SIZE=50_000)
def test_api_upload_over_the_request_cap_is_413_json(api_client, edition):
    upload = SimpleUploadedFile("big.bin", b"x" * 50_000)
    response = api_client.post("/api/v1/registrations/", {"name": "x", "file": upload}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    size = int(response.wsgi_request.META["CONTENT_LENGTH"])
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["message"] == f"The request is {size:,} bytes; at most 50,000 bytes can be sent at once."


def test_api_with_too_many_files_is_400_json(api_client, edition):
    files = {f"file{n}": SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)}
    response = api_client.post("/api/v1/registrations/", {"name": "x", **files}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"code": "too_many_files", "message": "The request has more than 5 files.", "detail": "The request has more than 5 files."}


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=20)
def test_too_many_fields_is_400_json_for_the_api_and_a_page_elsewhere(api_client, client, edition):
    body = "&".join(f"f{n}=1" for n in range(21))
    api = api_client.post("/api/v1/registrations/", body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    assert api.json()["code"] == "too_many_fields" and api.json()["message"] == "The request has more than 20 fields."
    page = client.post(f"/editions/{edition.year}/register/", body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "<h1 id=\"br-title\">Bad request</h1>" in page.content.decode()
    assert "The request has more than 20 fields." in page.content.decode()


def test_api_multipart_fields_over_the_limit_name_the_fields_limit(api_client, edition):
    body = {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = api_client.post("/api/v1/registrations/", body, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["message"] == "The form fields of the request (files not counted) are larger than 1,048,576 bytes."


def test_other_bad_requests_get_the_readable_page_too(client, db):
    page = client.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "The request could not be read." in page.content.decode()
    api = client.get("/api/v1/editions/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert (api.status_code, api.json()["code"]) == (400, "bad_request")
