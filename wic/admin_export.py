"""CSV and XLSX export of an admin list, as the organizer filtered it.

The export is the changelist's own queryset (search, filters, date drill-down, ordering and the
model admin's own scoping), for users who may view the list. Rows are read in chunks with
`iterator()`: the CSV is streamed as it is written, the XLSX is written row by row (openpyxl's
write-only mode) to a temporary file that spills to disk, so 20,000 rows never sit in memory.
Text typed by applicants never becomes a formula: CSV cells starting with = + - @ get a leading
apostrophe, XLSX text cells are stored as text.
"""
import csv
import tempfile
from collections.abc import Callable, Iterable

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

CHUNK = 2000
FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value):
        return value


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value) -> str:
    """Text for a CSV cell that no spreadsheet program runs as a formula (CSV injection): text an
    applicant typed starting with = + - @ (or a tab or carriage return) gets a leading apostrophe."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _xlsx_cell(sheet, value):
    """An XLSX cell; text is always stored as text, so "=..." is never written as a formula
    (openpyxl would), and the value keeps its exact characters."""
    if not isinstance(value, str) or not value.startswith("="):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _plain(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (int, float, bool)):
        return value
    return str(value)


class ExportMixin:
    """Add `export_fields = [(header, "attr__path" or callable(obj)), ...]` to a ModelAdmin; its
    list gets "Export CSV" and "Export XLSX" buttons that keep the current filters."""

    export_fields: list[tuple[str, str | Callable]] = []
    change_list_template = "admin/export_change_list.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_export"
        return [path("export/<str:fmt>/", self.admin_site.admin_view(self.export_view), name=name)] + super().get_urls()

    def export_queryset(self, request):
        changelist = self.get_changelist_instance(request)
        return changelist.get_queryset(request)

    def export_rows(self, queryset) -> Iterable[list]:
        getters = [self._getter(spec) for _header, spec in self.export_fields]
        for obj in queryset.iterator(chunk_size=CHUNK):
            yield [_plain(get(obj)) for get in getters]

    @staticmethod
    def _getter(spec):
        if callable(spec):
            return spec

        def get(obj):
            value = obj
            for part in spec.split("__"):
                if value is None:
                    return None
                display = getattr(value, f"get_{part}_display", None)
                value = display() if display is not None and part == spec.split("__")[-1] else getattr(value, part)
            return value

        return get

    def export_view(self, request, fmt):
        if fmt not in FORMATS:
            raise Http404(_("Unknown export format."))
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The changelist reads its filters from the query string; these views take no other parameter.
        queryset = self.export_queryset(request)
        headers = [str(header) for header, _spec in self.export_fields]
        stem = f"{self.model._meta.model_name}-{timezone.localtime():%Y%m%d-%H%M}"
        if fmt == "csv":
            writer = csv.writer(_Echo())

            def stream():
                yield "\ufeff"  # so spreadsheet programs read UTF-8 (Chinese names)
                yield writer.writerow(headers)
                for row in self.export_rows(queryset):
                    yield writer.writerow([formula_safe(value) if isinstance(value, str) else value for value in row])

            response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
            return response
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(self.model._meta.verbose_name_plural)[:31])
        sheet.append(headers)
        for row in self.export_rows(queryset):
            sheet.append([_xlsx_cell(sheet, value) for value in row])
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        workbook.save(spool)
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename=f"{stem}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def export_url_name(model_admin: admin.ModelAdmin) -> str:
    opts = model_admin.model._meta
    return f"admin:{opts.app_label}_{opts.model_name}_export"
