"""Input anyone can send: the one place that says what a number, a text, a JSON body and a date
from outside may be (issue 19: anonymous requests turned these into 500s).

- Numbers in paths, query strings and form fields are ASCII digits, bounded in length:
  `ascii_int`, `year_or_none`, and the `<id:...>`/`<year:...>` path converters. (`'²'.isdigit()`
  is true, and int('²') raises; so do other Unicode digits.)
- No text may hold a NUL character (PostgreSQL's text refuses it) or a lone surrogate (no encoder
  writes it, so echoing it in an error failed): `RefuseUnreadableInput` answers 400
  `invalid_characters` for one in the path, a query parameter, a form field, a cookie or a
  header; `BoundedJSONParser` for one anywhere in a JSON body.
- JSON bodies nest at most MAX_JSON_DEPTH levels (`json_too_deep`; a hundred thousand `[` ended
  in a RecursionError): `BoundedJSONParser` for the API, `json_loads` for the pages' scripts.
- Country codes are ISO 3166-1 alpha-2 codes django-countries knows (`country_code`, for the
  API's free-text country fields; the forms' and the guests' are choice fields already).
- Dates and times lie within YEARS (`out_of_range`, naming the field): `BoundedDateTimeField` and
  `BoundedDateField` for the API, `FormDateTimeField` for forms (no form takes a bare date). (A scan at
  0001-01-01T00:00+08:00 overflowed when compared in UTC; a meeting at 9999-12-31 when its end
  was computed.)
"""
import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import register_converter
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# -- numbers -------------------------------------------------------------------------------------

ID_DIGITS = 18  # every id below 10**18 fits a bigint (2**63 - 1 is about 9.2 * 10**18)
YEAR_DIGITS = 4


def ascii_int(value, max_digits: int = ID_DIGITS) -> int | None:
    """`value` (a string from a path, a query or a form) as a non-negative int when it is 1 to
    `max_digits` ASCII digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**max_digits else None
    if not isinstance(value, str) or not 0 < len(value) <= max_digits or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def year_or_none(value) -> int | None:
    """An edition's year from a URL or a query (at most four ASCII digits), or None."""
    return ascii_int(value, YEAR_DIGITS)


class IdConverter:
    """`<id:pk>`: an object's id, 1 to 18 ASCII digits (Django's `int` has no bound)."""

    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class YearConverter(IdConverter):
    """`<year:year>`: a year, 1 to 4 ASCII digits. (The public pages take `<str:year>` and answer
    "There is no edition for year …" through `year_or_none`; this is for the admin's pages.)"""

    regex = f"[0-9]{{1,{YEAR_DIGITS}}}"


# Registered once, when this module is first imported (each urls.py that uses them imports it).
register_converter(IdConverter, "id")
register_converter(YearConverter, "year")

# -- unreadable characters -----------------------------------------------------------------------

UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def unreadable(text: str) -> bool:
    """True when `text` holds a NUL character or a lone surrogate."""
    return bool(UNREADABLE.search(text))


def _shown(name: str) -> str:
    """A field's or header's name as it may be printed: escaped, at most 40 characters."""
    return name[:40].encode("unicode_escape").decode("ascii")


def _unreadable_part(request) -> str | None:
    """Where in the request a NUL or lone surrogate is, in words, or None."""
    if unreadable(request.path):
        return _("the address")
    for name, values in request.GET.lists():
        if unreadable(name) or any(unreadable(value) for value in values):
            return _("the query parameter “%(name)s”") % {"name": _shown(name)}
    for name, value in request.COOKIES.items():
        if unreadable(name) or unreadable(value):
            return _("the cookie “%(name)s”") % {"name": _shown(name)}
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and unreadable(value):
            return _("the header “%(name)s”") % {"name": _shown(key[5:].replace("_", "-").title())}
    if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.POST.lists():
            if unreadable(name) or any(unreadable(value) for value in values):
                return _("the form field “%(name)s”") % {"name": _shown(name)}
    return None


def invalid_characters_message(part: str) -> str:
    return _("The request has a NUL character or an unpaired surrogate in %(part)s, which no text here may hold.") % {"part": part}


class RefuseUnreadableInput:
    """400 `invalid_characters` for a request with a NUL character or a lone surrogate in its
    path, a query parameter, a cookie, a header or a form field, before any view, session or
    query sees it: JSON `{code, message}` under /api/, the 400 page elsewhere. (JSON bodies are
    the parser's: BoundedJSONParser.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        part = _unreadable_part(request)
        if part is None:
            return self.get_response(request)
        message = invalid_characters_message(part)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "invalid_characters", "message": message, "detail": message}, status=400)
        return render(request, "400.html", {"code": "invalid_characters", "message": message, "status": 400}, status=400)


# -- JSON ----------------------------------------------------------------------------------------

MAX_JSON_DEPTH = 32  # the deepest body the API takes has 3 levels (a review: {"scores": {"<id>": {...}}})


class JSONRefused(ValueError):
    """A JSON text that parses but that the app does not take; `code` is stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _too_deep() -> JSONRefused:
    return JSONRefused("json_too_deep", _("The JSON body is nested more than %(depth)s levels deep.") % {"depth": MAX_JSON_DEPTH})


def check_json(data) -> None:
    """Raise JSONRefused when `data` (parsed JSON) nests deeper than MAX_JSON_DEPTH or a key or
    string in it holds a NUL character or a lone surrogate. Iterative: no recursion to exhaust."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if unreadable(value):
                raise JSONRefused("invalid_characters", invalid_characters_message(_("the JSON body")))
        elif isinstance(value, (list, dict)):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)


def json_loads(text: str | bytes):
    """json.loads, refusing what check_json refuses: JSONRefused (a ValueError) then, as for
    malformed JSON."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise _too_deep() from None
    check_json(data)
    return data


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser (the default of every API view, REST_FRAMEWORK's DEFAULT_PARSER_CLASSES)
    with check_json: 400 `json_too_deep` or `invalid_characters` instead of a RecursionError or a
    text PostgreSQL cannot store."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            error = _too_deep()
            raise ParseError(error.message, code=error.code) from None
        try:
            check_json(data)
        except JSONRefused as error:
            raise ParseError(error.message, code=error.code) from None
        return data


# -- dates and times -----------------------------------------------------------------------------

# Far enough inside datetime's own limits (years 1 and 9999) that no time zone, offset or duration
# the app applies overflows; not a rule about which dates make sense (the services have those,
# e.g. no scan before the first summit). Wide enough for the test factories' editions (3000 on).
YEARS = (1900, 9000)


def out_of_range_message():
    return _("Enter a date between the years %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}


def within_years(value) -> bool:
    """True when the date or datetime's own year (in its own offset: converting a datetime near
    year 1 or 9999 to another zone overflows) is within YEARS."""
    return YEARS[0] <= value.year <= YEARS[1]


class BoundedDateTimeField(serializers.DateTimeField):
    """DRF DateTimeField refusing a year outside YEARS (`out_of_range`) before any arithmetic:
    checked where DRF would convert it to the current time zone (which overflows near year 1)."""

    def enforce_timezone(self, value):
        if not within_years(value):
            raise serializers.ValidationError(out_of_range_message(), code="out_of_range")
        return super().enforce_timezone(value)


class BoundedDateField(serializers.DateField):
    """DRF DateField refusing a year outside YEARS (`out_of_range`)."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not within_years(parsed):
            raise serializers.ValidationError(out_of_range_message(), code="out_of_range")
        return parsed


class FormDateTimeField(forms.DateTimeField):
    """forms.DateTimeField refusing a year outside YEARS (`out_of_range`), checked before Django
    puts the time in the current time zone (near year 1 or 9999 that fails, with a message about
    time zones)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                parsed = parse_datetime(value.strip()) or forms.fields.BaseTemporalField.to_python(self, value)
            except (ValueError, ValidationError):
                parsed = None  # not a date at all: super() answers `invalid`
            if parsed is not None and not within_years(parsed):
                raise ValidationError(out_of_range_message(), code="out_of_range")
        return super().to_python(value)


# -- country codes -------------------------------------------------------------------------------

def country_code(value: str) -> None:
    """DRF validator: `value` is blank or an ISO 3166-1 alpha-2 code django-countries knows
    (`unknown_country`, expo.services' code and words for the same refusal)."""
    from django_countries import countries

    if value and value not in dict(countries):
        raise serializers.ValidationError(
            _("%(code)s is not an ISO 3166 country or region code.") % {"code": value}, code="unknown_country"
        )
