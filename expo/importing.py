"""Bulk import of exhibitors from a CSV or XLSX file (the organizers' admin).

`exhibitors_import` reads the rows, checks each one and writes it through expo.services (the same
rules as an application: required fields, the controlled list of fields, ISO 3166 codes, one entry
per organization and edition; a booth, if given, through the locked `booth_allot`). Each row gets
its own list of errors. A dry run writes nothing and reports what a real import would do; a real
import writes every valid row, or, with `atomic_all`, nothing at all if any row has an error.
"""
import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from wic.errors import DomainError
from wic.uploads import grouped

from . import services
from .enums import ExhibitorStatus
from .models import Booth, Exhibitor, Zone

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = (
    "organization_zh", "organization_en", "country", "fields", "products_zh", "products_en", "description_zh", "description_en",
    "website", "booth_size", "zone", "booth", "contact_name", "contact_email", "contact_phone", "status",
)
# Header aliases a secretariat's spreadsheet may use.
ALIASES = {
    "机构中文名": "organization_zh", "机构名称": "organization_zh", "organization": "organization_zh", "organization_name_zh": "organization_zh",
    "机构英文名": "organization_en", "organization_name_en": "organization_en", "国家或地区": "country", "国家": "country",
    "领域": "fields", "展品": "products_zh", "展品（中文）": "products_zh", "展品（英文）": "products_en", "展位面积": "booth_size",
    "展区": "zone", "展位": "booth", "展位号": "booth", "联系人": "contact_name", "邮箱": "contact_email", "电话": "contact_phone", "状态": "status",
}
REQUIRED = ("organization", "country", "fields", "products", "booth_size", "contact_name", "contact_email")


@dataclass
class RowResult:
    line: int
    data: dict
    errors: list[tuple[str, str]] = field(default_factory=list)
    exhibitor_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def organization(self) -> str:
        return self.data.get("organization_zh") or self.data.get("organization_en") or ""


@dataclass
class ImportResult:
    rows: list[RowResult]
    dry_run: bool
    atomic_all: bool
    written: int = 0

    @property
    def valid(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def invalid(self) -> int:
        return sum(1 for row in self.rows if not row.ok)

    def codes(self) -> dict[int, list[str]]:
        return {row.line: [code for code, _message in row.errors] for row in self.rows if row.errors}


def _header(name) -> str:
    text = str(name or "").strip()
    key = text.lower().replace(" ", "_")
    return ALIASES.get(text, ALIASES.get(key, key))


def upload_check(*, filename: str, size: int) -> None:
    """Refuse a file by its name and size alone, before it is read: `unsupported_file` (not .csv or
    .xlsx), `file_too_large` (over MAX_BYTES, naming both sizes)."""
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise DomainError("unsupported_file", _("Upload a .csv or .xlsx file, not %(name)s.") % {"name": filename})
    if size > MAX_BYTES:
        raise DomainError(
            "file_too_large",
            _("%(name)s is %(size)s bytes; at most %(max)s bytes (%(mb)s MB) can be imported.")
            % {"name": filename, "size": grouped(size), "max": grouped(MAX_BYTES), "mb": MAX_BYTES // (1024 * 1024)},
            status=413,
        )


def _kept_rows(rows) -> tuple[list[list[str]], int]:
    """The non-empty rows, keeping at most the header and MAX_ROWS + 1 data rows in memory, and
    how many non-empty rows there are in all (a sheet can unzip to far more than its file size)."""
    kept, count = [], 0
    for row in rows:
        if any(cell for cell in row):
            count += 1
            if count <= MAX_ROWS + 2:
                kept.append(row)
    return kept, count


def read_rows(content: bytes, filename: str) -> list[dict]:
    """The data rows of a CSV (UTF-8 or GB18030) or XLSX file as dicts keyed by column name.
    Refused: `unsupported_file`, `file_too_large`, `unreadable_file`, `empty_file`,
    `unknown_column`, `too_many_rows` (more than MAX_ROWS data rows, naming the count)."""
    upload_check(filename=filename, size=len(content))
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            table, count = _kept_rows(["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True))
        except Exception:  # a corrupt or mislabelled file: openpyxl raises several kinds, while opening or reading rows
            raise DomainError("unreadable_file", _("%(name)s is not a readable XLSX file.") % {"name": filename}) from None
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError("unreadable_file", _("%(name)s is neither UTF-8 nor GB18030 text.") % {"name": filename})
        try:
            table, count = _kept_rows([cell.strip() for cell in row] for row in csv.reader(io.StringIO(text)))
        except csv.Error as error:  # e.g. a cell longer than the csv module's field limit
            raise DomainError("unreadable_file", _("%(name)s is not a readable CSV file: %(error)s.") % {"name": filename, "error": error}) from None
    if not table:
        raise DomainError("empty_file", _("%(name)s has no rows.") % {"name": filename})
    headers = [_header(h) for h in table[0]]
    unknown = [h for h in headers if h and h not in COLUMNS]
    if unknown:
        raise DomainError("unknown_column", _("Unknown columns: %(columns)s. Known columns: %(known)s.") % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)})
    if count - 1 > MAX_ROWS:
        raise DomainError("too_many_rows", _("At most %(max)s rows can be imported at once; the file has %(n)s.") % {"max": MAX_ROWS, "n": count - 1})
    return [{h: (row[i] if i < len(row) else "") for i, h in enumerate(headers) if h} for row in table[1:]]


def _check_row(row: dict, seen: dict[str, int], edition, existing: set[str], zones: dict, booths: dict) -> list[tuple[str, str]]:
    """Every error of a row that can be told without writing (all of them, not only the first)."""
    errors = []
    present = {
        "organization": row.get("organization_zh") or row.get("organization_en"),
        "country": row.get("country"),
        "fields": row.get("fields"),
        "products": row.get("products_zh") or row.get("products_en"),
        "booth_size": row.get("booth_size"),
        "contact_name": row.get("contact_name"),
        "contact_email": row.get("contact_email"),
    }
    missing = [name for name in REQUIRED if not present[name]]
    if missing:
        errors.append(("missing_field", _("Please fill in: %(fields)s.") % {"fields": ", ".join(missing)}))
    for check in (lambda: services.clean_country(row.get("country") or ""), lambda: services.clean_fields_list(row.get("fields") or "")):
        try:
            check()
        except DomainError as error:
            errors.append((error.code, error.message))
    name = (row.get("organization_zh") or row.get("organization_en") or "").strip()
    if name:
        if name in seen:
            errors.append(("duplicate_organization", _("%(name)s is also on line %(line)s of the file.") % {"name": name, "line": seen[name]}))
        elif name in existing:
            errors.append(("duplicate_organization", _("%(name)s already exhibits at the %(year)s expo.") % {"name": name, "year": edition.year}))
    status = (row.get("status") or ExhibitorStatus.APPROVED).strip().lower()
    if status not in ExhibitorStatus.values:
        errors.append(("invalid_choice", _("%(value)r is not a status; expected one of: %(choices)s.") % {"value": status, "choices": ", ".join(ExhibitorStatus.values)}))
    zone = (row.get("zone") or "").strip()
    if zone and zone not in zones:
        errors.append(("unknown_zone", _("The %(year)s expo has no zone %(zone)s.") % {"year": edition.year, "zone": zone}))
    booth = (row.get("booth") or "").strip()
    if booth and booth not in booths:
        errors.append(("unknown_booth", _("The %(year)s expo has no booth %(code)s.") % {"year": edition.year, "code": booth}))
    if booth and status != ExhibitorStatus.APPROVED:
        errors.append(("not_approved", _("Only approved exhibitors get a booth; this row is %(status)s.") % {"status": status}))
    return errors


def exhibitors_import(*, edition, rows: list[dict] | None = None, content: bytes | None = None, filename: str = "", dry_run: bool = True, atomic_all: bool = False, actor=None) -> ImportResult:
    """Check and (unless `dry_run`) write the rows. Returns each row's errors with stable codes:
    `missing_field`, `unknown_country`, `invalid_field`, `duplicate_organization` (twice in the
    file, or already exhibiting), `invalid_choice` (booth size, status), `unknown_zone`,
    `unknown_booth`, `booth_taken`, `not_approved`, `invalid` (a malformed email or URL).
    With `atomic_all`, one bad row means nothing is written."""
    if rows is None:
        rows = read_rows(content or b"", filename)
    zones = {}
    for zone in Zone.objects.filter(edition=edition):
        zones[zone.key] = zones[zone.name_zh] = zone
        if zone.name_en:
            zones[zone.name_en] = zone
    booths = {b.code: b for b in Booth.objects.filter(edition=edition)}
    existing = set()
    for zh, en in Exhibitor.objects.filter(edition=edition).values_list("organization__name_zh", "organization__name_en"):
        existing |= {zh, en} - {""}
    result = ImportResult(rows=[], dry_run=dry_run, atomic_all=atomic_all)
    seen: dict[str, int] = {}
    with transaction.atomic():
        for index, row in enumerate(rows, start=2):
            row = {key: ("" if value is None else str(value).strip()) for key, value in row.items()}
            line = RowResult(line=index, data=row, errors=_check_row(row, seen, edition, existing, zones, booths))
            name = (row.get("organization_zh") or row.get("organization_en") or "").strip()
            if name and name not in seen:
                seen[name] = index
            if line.ok:
                _write(line, row, edition, zones, booths, actor)
            result.rows.append(line)
        result.written = sum(1 for line in result.rows if line.exhibitor_id)
        if dry_run or (atomic_all and result.invalid):
            transaction.set_rollback(True)
            result.written = 0
    if result.written == 0:
        for line in result.rows:
            line.exhibitor_id = None
    return result


def _write(line: RowResult, row: dict, edition, zones: dict, booths: dict, actor) -> None:
    """Write one checked row in its own savepoint; a refusal becomes the row's error."""
    data = {
        "organization_name_zh": row.get("organization_zh", ""), "organization_name_en": row.get("organization_en", ""),
        "country": row.get("country", ""), "fields": row.get("fields", ""), "booth_size": row.get("booth_size", ""),
        **{key: row.get(key, "") for key in ("products_zh", "products_en", "description_zh", "description_en", "website", "contact_name", "contact_email", "contact_phone")},
    }
    zone = zones.get((row.get("zone") or "").strip())
    if zone is not None:
        data["preferred_zone"] = zone
    data = {key: value for key, value in data.items() if value not in ("", None)}
    status = (row.get("status") or ExhibitorStatus.APPROVED).strip().lower()
    try:
        with transaction.atomic():
            exhibitor = services.exhibitor_create(edition=edition, data=data, status=status, actor=actor, source="import")
            booth = booths.get((row.get("booth") or "").strip())
            if booth is not None:
                services.booth_allot(booth=booth, exhibitor=exhibitor, actor=actor)
            line.exhibitor_id = exhibitor.pk
    except DomainError as error:
        code = "duplicate_organization" if error.code == "duplicate_exhibitor" else error.code
        line.errors.append((code, error.message))
