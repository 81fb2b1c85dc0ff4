"""API plumbing shared by every endpoint: pagination and error bodies with stable codes.

Kept apart from the viewsets because DRF imports these while its own modules load."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _flatten(detail):
    """DRF error detail -> lists of {"code", "message"} keyed by field."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        items = []
        for item in detail:
            flat = _flatten(item)
            items.extend(flat if isinstance(flat, list) else [flat])
        return items
    return [{"code": getattr(detail, "code", "invalid"), "message": str(detail)}]


def _first_error(errors, prefix=""):
    """The path and message of the first error, however deeply nested (organizations.0.role)."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            path, message = _first_error(value, f"{prefix}.{key}" if prefix else str(key))
            if message:
                return path, message
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict) and set(value) == {"code", "message"}:
                return prefix, value["message"]
            path, message = _first_error(value, f"{prefix}.{index}")
            if message:
                return path, message
    return prefix, ""


def exception_handler(exc, context):
    """Every error body has a stable `code` and a `message` (also as `detail`, the name DRF clients
    expect); validation errors add `errors` per field."""
    response = _handle(exc, context)
    if response is not None and isinstance(response.data, dict) and "message" in response.data:
        response.data["detail"] = response.data["message"]
    return response


def _handle(exc, context):
    from .uploads import refusal

    request = context.get("request")
    too_big = refusal(request, exc) if request is not None else None
    if too_big is not None:
        status, code, message = too_big
        return Response({"code": code, "message": message}, status=status)
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [{"code": exc.code, "message": exc.message}]}
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if isinstance(errors, list):
            errors = {"non_field_errors": errors}
        first_field, first_message = _first_error(errors)
        response.data = {
            "code": "invalid",
            "message": _("Invalid input: %(field)s: %(message)s") % {"field": first_field, "message": first_message},
            "errors": errors,
        }
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        response.data = {"code": codes if isinstance(codes, str) else "error", "message": str(exc.detail)}
    return response


class IsOrganizer(BasePermission):
    """Organizers only (superusers and the organizer group); staff status alone is not enough."""

    def has_permission(self, request, view):
        from .roles import is_organizer

        return is_organizer(request.user)


# A path id is ASCII digits: anything else matches no route (404), never a lookup. A viewset sets
# `lookup_value_regex = PATH_ID_REGEX`.
PATH_ID_REGEX = "[0-9]{1,18}"


def described_errors(**described) -> dict:
    """{status: OpenApiResponse} from `{"404": "text"}` (or `e404="text"`): the error answers an
    operation documents with their codes, for drf-spectacular's `responses`."""
    from drf_spectacular.utils import OpenApiResponse

    return {int(code.removeprefix("e")): OpenApiResponse(description=text) for code, text in described.items()}
