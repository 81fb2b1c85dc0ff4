"""The OpenAPI schema of the API (drf-spectacular), made to say what the API really answers.

Two things the stock AutoSchema leaves out, found by fuzzing the API against its own schema
(tests/wic/test_api_fuzz.py):

- The errors the shared plumbing answers with on every endpoint, whatever the view: 400 for input
  or a filter that does not validate, 401 for missing or bad credentials, 403 for a role the user
  lacks (or a session request without its CSRF token), 404 for an id that does not exist or a
  page past the end, 429 when throttled, 503 `database_busy` for a write that could not get the
  database's lock in time. Each is documented with the one error body
  `wic.api_base.exception_handler` writes (`Error`: code, message, detail, errors per field).
  A view's own description of a code (with its domain codes) is kept; only a missing body is added.
- A read-only text field whose model field may be blank answers "" when empty, which is not an
  email, a URI or one of the choices: it is documented as possibly empty, as input fields are."""
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers with (wic.api_base.exception_handler); the `Error` component."""

    code = serializers.CharField(help_text="A stable machine-readable code: `invalid`, `not_found`, `not_authenticated`, `quota_exceeded`...")
    message = serializers.CharField(help_text="What failed, in the request's language.")
    detail = serializers.CharField(required=False, help_text="The message again, under the name DRF clients expect.")
    errors = serializers.DictField(
        required=False, help_text="Validation errors by field name: lists of `{code, message}` (nested for nested input)."
    )


GENERIC_ERRORS = {
    400: "Invalid input or query parameter: `{code: \"invalid\", message, errors}`",
    401: "Not authenticated, or bad credentials (`not_authenticated`, `authentication_failed`)",
    403: "Not allowed (`permission_denied`), or the API token's scope does not open this endpoint or method (`token_scope`: "
    "a read-only, gate, volunteer-lead or integration token, wic.tokens)",
    404: "No such object, or no such page (`not_found`)",
    429: "Too many requests (`throttled`)",
    503: "The database could not take the write in time (`database_busy`, wic.database_busy): the write was rolled back; send it again after `Retry-After` seconds",
}
# Permissions that refuse only the anonymous (401, never 403) or nobody.
OPEN_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly)
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._generic_error_codes(operation):
            responses.setdefault(str(code), {"description": GENERIC_ERRORS[code]})
        for code, response in responses.items():
            if code >= "400" and "content" not in response:
                response["content"] = self._get_response_for_code(ErrorSerializer, code)["content"]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _generic_error_codes(self, operation: dict) -> list[int]:
        parameters = operation.get("parameters", [])
        codes = []
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.append(400)
        authenticators = self.view.get_authenticators()
        if authenticators:
            codes.append(401)
        restricted = any(not isinstance(p, OPEN_PERMISSIONS) for p in self.view.get_permissions())
        needs_csrf = self.method in UNSAFE_METHODS and any(isinstance(a, SessionAuthentication) for a in authenticators)
        # Any endpoint that reads an API token may answer `token_scope` (a scoped token elsewhere).
        scoped = any(isinstance(a, TokenAuthentication) for a in authenticators)
        if restricted or needs_csrf or scoped:
            codes.append(403)
        if any(p["in"] == "path" for p in parameters) or any(p["in"] == "query" and p["name"] == "page" for p in parameters):
            codes.append(404)
        if self.view.get_throttles():
            codes.append(429)
        if self.method in UNSAFE_METHODS:
            codes.append(503)
        return codes

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and not getattr(field, "allow_blank", True) and _model_field_is_blank(field):
            # DRF drops `allow_blank` from read-only model fields; said again, drf-spectacular
            # documents "" as it does for input (an extra enum value, an empty alternative to a format).
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _model_field_is_blank(field) -> bool:
    """Whether the model field a serializer field reads is a text field that may be blank."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return model_field.blank and isinstance(model_field, (models.CharField, models.TextField))


# -- every operation with a body may answer 415 (drf-spectacular POSTPROCESSING_HOOKS) ------------
# DRF refuses a body of a content type its parsers do not read (or none) with 415
# `unsupported_media_type` before the view runs; the schema says so.


REFUSED_MEDIA_TYPE = {
    "description": "The body was sent without a content type the endpoint reads (send JSON: Content-Type: application/json).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"code": {"type": "string", "enum": ["unsupported_media_type"]}, "message": {"type": "string"}, "detail": {"type": "string"}},
                "required": ["code", "message"],
            },
        },
    },
}


def document_unsupported_media_type(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("415", REFUSED_MEDIA_TYPE)
    return result
