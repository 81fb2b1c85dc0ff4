"""Request and upload sizes: one error, with a stable code, for every request that is too big.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (files not counted), more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields or DATA_UPLOAD_MAX_NUMBER_FILES files by raising a
SuspiciousOperation, which would otherwise end as Django's bare "Bad Request (400)" page. Files
are not counted at all by Django, so `RequestSizeLimitHandler` (first in FILE_UPLOAD_HANDLERS)
refuses a multipart request larger than UPLOAD_MAX_REQUEST_SIZE before a byte of it is read.
`refusal()` turns each of these into (status, code, message): the API answers it as JSON
(wic.api_base), pages as the 413/400 page (wic.views.bad_request). Each feature checks its own
file's cap (bytes, rows) on top, e.g. expo.importing.MAX_BYTES.
"""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.formats import number_format
from django.utils.translation import gettext as _


class RequestTooLarge(RequestDataTooBig):
    """A multipart request (files included) over UPLOAD_MAX_REQUEST_SIZE."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"Request body of {size} bytes exceeds settings.UPLOAD_MAX_REQUEST_SIZE ({limit}).")
        self.size, self.limit = size, limit


class RequestSizeLimitHandler(FileUploadHandler):
    """Refuses a whole multipart request by its Content-Length before it is read; passes every
    chunk on unchanged to the next handler otherwise."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = request_limit(self.request)
        if limit is not None and content_length > limit:
            raise RequestTooLarge(content_length, limit)
        return None

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def request_limit(request) -> int | None:
    """The size a multipart request to this path may have: UPLOAD_MAX_REQUEST_SIZE, or a larger one
    UPLOAD_MAX_REQUEST_SIZE_BY_PATH gives its path's prefix."""
    path = getattr(request, "path_info", "") or ""
    for prefix, size in (getattr(settings, "UPLOAD_MAX_REQUEST_SIZE_BY_PATH", None) or {}).items():
        if path.startswith(prefix):
            return size
    return settings.UPLOAD_MAX_REQUEST_SIZE


def grouped(size: int) -> str:
    """A count (of bytes, fields, rows) with grouped thousands ("5,242,881")."""
    return number_format(size, force_grouping=True)


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0


def refusal(request, exc) -> tuple[int, str, str] | None:
    """(HTTP status, code, message) for a request refused for its size, else None."""
    if isinstance(exc, RequestTooLarge):
        return 413, "request_too_large", _("The request is %(size)s bytes; at most %(max)s bytes can be sent at once.") % {
            "size": grouped(exc.size), "max": grouped(exc.limit),
        }
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (request.META.get("CONTENT_TYPE") or "").startswith("multipart/"):
            # Files do not count here: only the other fields went over the limit.
            return 413, "request_too_large", _("The form fields of the request (files not counted) are larger than %(max)s bytes.") % {"max": grouped(limit)}
        return 413, "request_too_large", _("The request is %(size)s bytes; at most %(max)s bytes can be sent at once.") % {
            "size": grouped(_content_length(request)), "max": grouped(limit),
        }
    if isinstance(exc, TooManyFieldsSent):
        return 400, "too_many_fields", _("The request has more than %(max)s fields.") % {"max": grouped(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    if isinstance(exc, TooManyFilesSent):
        return 400, "too_many_files", _("The request has more than %(max)s files.") % {"max": grouped(settings.DATA_UPLOAD_MAX_NUMBER_FILES)}
    return None
