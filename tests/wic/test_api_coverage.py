"""Every action a page offers has an API operation that calls the same service (issue 28), or is
listed as page-only with the reason.

The services are found, not listed: the public module-level functions of each app's service
modules (SERVICE_MODULES) that are services by the house style (keyword-only arguments) or that
write (their body calls save/create/update/delete/bulk_*/get_or_create/update_or_create,
select_for_update or transaction.atomic). An API module (`api.py`, `api_*.py`, `*_api.py` of any
app) covers a service when it references it: `services.shift_assign(...)` after
`from volunteers import services`, or `from volunteers.services import shift_assign`.

A service no API module references must be in a `PAGE_ONLY` dict of tests/wic/api_coverage/
(one module per area) with its reason, so a new service without an endpoint fails here until it
gets one or a reason. A PAGE_ONLY entry that an API module does reference, or that names no
service, fails too: the lists stay true.
"""
import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The modules that hold an app's services (STYLE.md: services.py, split by subject where it grew).
SERVICE_MODULES = {
    "agenda": ["services"],
    "people": ["services", "invitations"],
    "forums": ["services"],
    "registration": ["services", "checkin", "offline"],
    "volunteers": ["services", "roster"],
    "awards": ["services"],
    "expo": ["services"],
    "protocol": ["delegations", "invitations", "seating", "sync"],
    "travel": ["letters", "arrivals", "pickups", "boarding", "hotels", "meals", "shuttles", "trip", "guest"],
    "companion": ["map"],
    "wic": ["tokens", "webhooks"],
}
WRITES = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "select_for_update", "atomic"}


def _is_service(node: ast.FunctionDef) -> bool:
    keyword_only = not node.args.posonlyargs and not node.args.args and bool(node.args.kwonlyargs)
    writes = any(isinstance(n, ast.Attribute) and n.attr in WRITES for n in ast.walk(node))
    return keyword_only or writes


def services() -> set[str]:
    found = set()
    for app, modules in SERVICE_MODULES.items():
        for module in modules:
            path = ROOT / app / f"{module}.py"
            if not path.exists():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found |= {f"{app}.{module}.{node.name}" for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and _is_service(node)}
    return found


def api_modules() -> list[Path]:
    return sorted(
        path for app in SERVICE_MODULES for path in (ROOT / app).glob("*.py")
        if path.stem == "api" or path.stem.startswith("api_") or path.stem.endswith("_api")
    )


def _absolute(module: str | None, level: int, package: str) -> str:
    if not level:
        return module or ""
    base = package.split(".")
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def referenced(path: Path) -> set[str]:
    """The dotted names of module-level functions this module refers to through its imports."""
    package = path.parent.name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}  # local name -> dotted module or function
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node.module, node.level, package)
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    names = set(aliases.values())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = []
            inner = node
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in aliases:
                names.add(".".join([aliases[inner.id], *reversed(chain)]))
    return names


def page_only() -> dict[str, tuple[str, str]]:
    """dotted service -> (reason, the coverage module that says so)."""
    from tests.wic import api_coverage

    entries = {}
    for info in pkgutil.iter_modules(api_coverage.__path__):
        module = importlib.import_module(f"tests.wic.api_coverage.{info.name}")
        for name, reason in getattr(module, "PAGE_ONLY", {}).items():
            assert name not in entries, f"{name} is page-only in two modules: {entries[name][1]} and {info.name}"
            entries[name] = (reason, info.name)
    return entries


def test_every_service_has_an_api_operation_or_a_reason():
    covered = set().union(*(referenced(path) for path in api_modules()))
    reasons = page_only()
    missing = sorted(name for name in services() - covered if name not in reasons)
    assert missing == [], "services with no API operation and no page-only reason (tests/wic/api_coverage/):\n" + "\n".join(missing)


def test_page_only_entries_are_true():
    all_services = services()
    covered = set().union(*(referenced(path) for path in api_modules()))
    reasons = page_only()
    assert sorted(name for name in reasons if name not in all_services) == [], "page-only entries that name no service"
    assert sorted(name for name in reasons if name in covered) == [], "page-only entries an API module calls after all"
    assert [name for name, (reason, _m) in reasons.items() if len(reason.strip()) < 10] == [], "a reason is a sentence"


@pytest.mark.parametrize("source,expected", [
    ("from volunteers import services\nservices.shift_assign(shift=1)\n", {"volunteers.services.shift_assign"}),
    ("from . import services as s\ns.shift_assign()\n", {"volunteers.services.shift_assign"}),
    ("from .services import shift_assign\n", {"volunteers.services.shift_assign"}),
    ("from volunteers.services import shift_assign as assign\nassign()\n", {"volunteers.services.shift_assign"}),
])
def test_the_scanner_finds_the_ways_a_module_calls_a_service(tmp_path, source, expected):
    path = tmp_path / "volunteers" / "api.py"
    path.parent.mkdir()
    path.write_text(source)
    assert expected <= referenced(path)


def test_the_scanner_does_not_count_a_service_never_named(tmp_path):
    path = tmp_path / "volunteers" / "api.py"
    path.parent.mkdir()
    path.write_text("from volunteers import services\nservices.shift_assign()\n")
    assert "volunteers.services.assignment_drop" not in referenced(path)
