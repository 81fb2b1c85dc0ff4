import io

import pytest

from expo import services
from expo.importing import read_rows
from expo.models import BoothAllotment, Exhibitor
from wic.errors import DomainError

from .conftest import approved

pytestmark = pytest.mark.django_db

HEADER = "organization_zh,organization_en,country,fields,products_zh,booth_size,zone,booth,contact_name,contact_email\n"


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


GOOD_1 = "导入机构一,Import Org One,CN,ai;cloud,机器人,9,theme,A-01,张三,one@example.org"
GOOD_2 = "导入机构二,Import Org Two,deu,5G,基站,18,,,李四,two@example.org"
BAD_COUNTRY = "导入机构三,,XX,ai,产品,9,,,王五,three@example.org"
MISSING = "导入机构四,,FR,,产品,9,,,,four@example.org"
DUPLICATE_IN_FILE = "导入机构一,,CN,ai,产品,9,,,赵六,dup@example.org"


def run(edition, content, **kwargs):
    return services.exhibitors_import(edition=edition, content=content, filename="exhibitors.csv", **kwargs)


def test_dry_run_reports_every_row_and_writes_nothing(edition, booths):
    result = run(edition, csv_bytes(GOOD_1, GOOD_2, BAD_COUNTRY, MISSING, DUPLICATE_IN_FILE), dry_run=True)
    assert (result.valid, result.invalid, result.written) == (2, 3, 0)
    assert result.codes() == {4: ["unknown_country"], 5: ["missing_field"], 6: ["duplicate_organization"]}
    assert [row.line for row in result.rows] == [2, 3, 4, 5, 6]
    assert "contact_name" in result.rows[3].errors[0][1] and "fields" in result.rows[3].errors[0][1]
    assert result.rows[4].errors[0][1] == "导入机构一 is also on line 2 of the file."
    assert not Exhibitor.objects.filter(edition=edition).exists()
    assert not BoothAllotment.objects.filter(booth__edition=edition).exists()


def test_import_writes_every_valid_row(edition, booths, organizer):
    result = run(edition, csv_bytes(GOOD_1, GOOD_2, BAD_COUNTRY), dry_run=False, actor=organizer)
    assert (result.valid, result.invalid, result.written) == (2, 1, 2)
    imported = {e.organization.name_zh: e for e in Exhibitor.objects.filter(edition=edition)}
    assert sorted(imported) == ["导入机构一", "导入机构二"]
    one = imported["导入机构一"]
    assert (one.status, one.country.code, sorted(one.field_codes), one.booth_size, one.preferred_zone.key) == ("approved", "CN", ["ai", "cloud"], 9, "theme")
    assert imported["导入机构二"].country.code == "DE"
    assert BoothAllotment.objects.get(booth=booths[0]).exhibitor == one


def test_all_or_nothing_writes_nothing_when_a_row_fails(edition, booths):
    result = run(edition, csv_bytes(GOOD_1, GOOD_2, BAD_COUNTRY), dry_run=False, atomic_all=True)
    assert (result.valid, result.invalid, result.written) == (2, 1, 0)
    assert not Exhibitor.objects.filter(edition=edition).exists()
    everything_good = run(edition, csv_bytes(GOOD_1, GOOD_2), dry_run=False, atomic_all=True)
    assert everything_good.written == 2


def test_already_exhibiting_organization_is_a_duplicate(edition):
    approved(edition, 1, organization_name_zh="导入机构一")
    result = run(edition, csv_bytes(GOOD_2.replace("导入机构二", "导入机构一")), dry_run=True)
    assert result.codes() == {2: ["duplicate_organization"]}


@pytest.mark.parametrize(
    "line, codes",
    [
        ("机构甲,,CN,telepathy,产品,9,,,甲,a@example.org", ["invalid_field"]),
        ("机构乙,,CN,ai,产品,10,,,乙,b@example.org", ["invalid_choice"]),
        ("机构丙,,CN,ai,产品,9,nowhere,,丙,c@example.org", ["unknown_zone"]),
        ("机构丁,,CN,ai,产品,9,,Z-99,丁,d@example.org", ["unknown_booth"]),
        ("机构戊,,CN,ai,产品,9,,,戊,not-an-email", ["invalid"]),
        (",,,,,,,,,lonely@example.org", ["missing_field"]),
    ],
)
def test_each_row_error_has_its_code(edition, booths, line, codes):
    assert list(run(edition, csv_bytes(line), dry_run=True).codes().values()) == [codes]


def test_booth_taken_is_a_row_error(edition, booths):
    holder = approved(edition, 9)
    services.booth_allot(booth=booths[0], exhibitor=holder)
    result = run(edition, csv_bytes(GOOD_1), dry_run=False)
    assert result.codes() == {2: ["booth_taken"]}
    assert not Exhibitor.objects.filter(organization__name_zh="导入机构一").exists()  # the row's savepoint rolled back


def test_xlsx_is_read_like_csv(edition, booths):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["机构中文名", "机构英文名", "国家或地区", "领域", "展品", "展位面积", "联系人", "邮箱"])
    sheet.append(["表格机构", "Sheet Org", "KE", "AI, IoT", "传感器", 9.0, "Wanjiru", "w@example.org"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = services.exhibitors_import(edition=edition, content=buffer.getvalue(), filename="list.xlsx", dry_run=False)
    assert (result.written, result.codes()) == (1, {})
    exhibitor = Exhibitor.objects.get(organization__name_zh="表格机构")
    assert (exhibitor.country.code, sorted(exhibitor.field_codes), exhibitor.booth_size) == ("KE", ["ai", "iot"], 9)


@pytest.mark.parametrize(
    "content, filename, code",
    [
        (b"a,b\n1,2\n", "x.csv", "unknown_column"),
        (b"", "x.csv", "empty_file"),
        (b"whatever", "x.pdf", "unsupported_file"),
        (b"not a zip", "x.xlsx", "unreadable_file"),
    ],
)
def test_unreadable_files_are_refused(content, filename, code):
    with pytest.raises(DomainError) as info:
        read_rows(content, filename)
    assert info.value.code == code


def test_gb18030_csv_is_read():
    rows = read_rows(csv_bytes(GOOD_1).decode("utf-8").encode("gb18030"), "x.csv")
    assert rows[0]["organization_zh"] == "导入机构一"
