"""The site's URL patterns, query and form parameters, and JSON endpoints, enumerated from the
code itself, for the walks and property tests that send them hostile input (issue 19).

Nothing here is a list kept by hand: a new URL pattern, a new `request.GET.get("name")` or a new
API write is walked and fuzzed as soon as it exists."""
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings

PROJECT = Path(__file__).resolve().parents[2]
APPS = ("wic", "agenda", "forums", "registration", "expo", "volunteers", "awards")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def url_templates(admin: bool = False) -> tuple[str, ...]:
    """Every URL pattern as a path template ("/editions/{year}/sessions/{pk}/"), without DRF's
    format-suffix twins and, unless `admin`, without the admin's own pages."""
    from django.contrib.admindocs.views import (
        extract_views_from_urlpatterns,
        simplify_regex,
    )
    from django.urls import get_resolver

    templates = set()
    for _view, regex, _namespace, _name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        path = simplify_regex(regex).replace("\\.", ".")
        if "format>" in path:
            continue
        if not admin and path.startswith(f"/{settings.ADMIN_URL}"):
            continue
        templates.add(re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", path))
    return tuple(sorted(templates))


def parameters(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)


def fill(template: str, values: dict) -> str:
    """The template with each {name} replaced by values[name], percent-encoded (a lone surrogate
    goes as the bytes a careless client would send: UTF-8 with surrogates allowed)."""
    def encoded(match):
        value = str(values[match.group(1)])
        return quote(value.encode("utf-8", "surrogatepass"), safe="")

    return PLACEHOLDER.sub(encoded, template)


def _source_names(pattern: str) -> tuple[str, ...]:
    found = set()
    for app in APPS:
        for path in (PROJECT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found.update(re.findall(pattern, path.read_text(encoding="utf-8")))
    return tuple(sorted(found))


@cache
def query_names() -> tuple[str, ...]:
    """Every query parameter a view or a filter reads: `request.GET.get("x")`, `.getlist("x")`,
    `request.GET["x"]` in the source, and every django-filter FilterSet's filters."""
    import django_filters
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads every urls.py, so every FilterSet is defined)
    names = set(_source_names(r"\bGET(?:\.get|\.getlist)?\(\s*[\"'](\w+)[\"']") + _source_names(r"\bGET\[[\"'](\w+)[\"']\]"))
    pending = list(django_filters.FilterSet.__subclasses__())
    while pending:
        filterset = pending.pop()
        pending.extend(filterset.__subclasses__())
        if filterset.__module__.split(".")[0] in APPS:
            names.update(filterset.base_filters)
    return tuple(sorted(names | {"page", "page_size", "format", "search", "ordering"}))


@cache
def form_names() -> tuple[str, ...]:
    """Every form field a view reads itself (`request.POST.get("x")`, `.getlist("x")`,
    `request.POST["x"]`); fields of Django forms are the forms' to check, and are added by the
    tests that post forms."""
    return _source_names(r"\bPOST(?:\.get|\.getlist)?\(\s*[\"'](\w+)[\"']") + _source_names(r"\bPOST\[[\"'](\w+)[\"']\]")


def query(names, value) -> str:
    return urlencode([(name, value.encode("utf-8", "surrogatepass")) for name in names])


# The values a walk puts in each path parameter when it is not the one under test.
ORDINARY = {"year": "2017", "pk": "1", "token": "not-a-token", "action": "accept", "code": "en"}


@dataclass(frozen=True)
class Endpoint:
    """An API operation that takes a request body: its method, its path ({id}, {year}) and the
    formats of its body's fields ("date-time", "date", "" for others), from the OpenAPI schema."""

    method: str
    path: str
    fields: dict

    @property
    def has_body(self) -> bool:
        return bool(self.fields)


@cache
def json_endpoints() -> tuple[Endpoint, ...]:
    """Every POST, PUT and PATCH of the API schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            fields = {}
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content.get("schema", {}).get("$ref", "")
                for name, prop in components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}).items():
                    if not prop.get("readOnly"):
                        fields[name] = prop.get("format", "")
            found.append(Endpoint(method.upper(), path, fields))
    return tuple(sorted(found, key=lambda e: (e.path, e.method)))
