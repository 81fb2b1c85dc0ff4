"""The contribution registry: how a domain app adds its part to what the core enumerates.

The core (`wic`) knows no domain app by name. Each app declares what it contributes in its own
`<app>/contrib.py`, as a list named `CONTRIBUTIONS` of the typed records below; the core collects
them from the installed apps, in `INSTALLED_APPS` order, the way Django's admin autodiscovers
`admin.py` and pretix collects its data shredders:

- `DashboardPanel`: a panel of the organizers' edition dashboard (a selector and a template).
- `HistoryCount`: the figures an app counts per edition for the dashboard's "Editions compared".
- `PersonalData`: how the app finds, exports and erases one person's data (`wic.personal_data`).
- `Seed`: the app's part of `manage.py seed` (the past editions), run after the apps it names.
- `Demo`: the app's part of `manage.py seed --demo`, run after the apps it names.
- `AuditedModel`: a model the audit trail records, with django-auditlog's options.
- `OrganizerApp`: an app whose every admin permission the organizer role holds, and the group of
  the admin index its models belong to.
- `AdminInline`: an inline the app adds to a core model's admin page (an edition's boards).
- `FigureGroup`: a part of the summit that reported figures belong to, by key prefix.
- `HomeLink`: a link the home page shows for the current edition (Register).
- `NavLink`: a link of every page's header, after "Editions" (the companion's assistant).
- `WarmUp`: work a production worker does once before its first request (gunicorn's
  post_worker_init: the assistant loads jieba's dictionary).
- `GuestSection`: a section of a guest's private registration page (travel's visa letter).
- `SessionLink`: a link the agenda's session page shows for a session (the companion's "On the
  map", to the session's hall on the venue map), so the agenda links to apps above it without
  importing them.
- `CheckinRoster`: a kind of check-in list whose guests an app keeps (travel's pickup runs): the
  check-in engine asks the app who belongs.
- `WebhookEvent`: an event partners may receive as a signed webhook (wic.webhooks): its key, its
  label and description, and the serializer that documents its data in the OpenAPI schema.
- `Translatable`: a bilingual model whose records of an edition the translation workbench lists;
  `TranslatableScope` widens a kind's records of an edition (the agenda adds the organizations
  of its sessions to the core's organizations).

Collected lazily and remembered per set of installed apps, so a test that installs one more app
(`override_settings(INSTALLED_APPS=...)`) sees its contributions. `manage.py check` validates the
whole (see `check_contributions`): unknown or circular `after` names, duplicate keys.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from django.apps import apps
from django.utils.module_loading import module_has_submodule

CORE = "wic"
MODULE = "contrib"


@dataclass(frozen=True)
class DashboardPanel:
    """One panel of /admin/dashboard/<year>/. `build(edition, now=...)` returns the panel's data
    (plain dataclasses) in a fixed number of queries; `template` renders it as `panel`. The data
    is also the dashboard's attribute named `key` (`edition_dashboard(e).registrations`)."""

    key: str
    build: Callable[..., Any]
    template: str
    order: int = 100


@dataclass(frozen=True)
class HistoryMetric:
    key: str
    label: Any  # a lazy translation
    system_label: Any  # what "in the system" counts
    figure_keys: tuple[str, ...]  # the EditionFigure keys that report it, first found wins
    order: int = 100


@dataclass(frozen=True)
class HistoryCount:
    """Metrics of "Editions compared" and the one query that counts them for every edition:
    `count()` returns {edition id: {metric key: value}}."""

    metrics: tuple[HistoryMetric, ...]
    count: Callable[[], dict[int, dict[str, int]]]


@dataclass(frozen=True)
class PersonalData:
    """The app's handler of one person's data: an object with the methods of
    `wic.personal_data.PersonalDataHandler` (find, addresses, values, holds, export, roles,
    own_email_keys, objects, erase) and `counts`, the (model label, action) pairs it reports."""

    handler: Any
    order: int = 100


@dataclass(frozen=True)
class Seed:
    """`load(context)` loads the app's part of the past editions into `context` (a
    `wic.seeding.SeedContext`); `check(data, year)`, if given, returns the problems of one edition
    file (the core refuses the file before anything is written); `edition_fields(data)` gives
    fields the core sets on the edition when it loads the file (the agenda's main venue). Runs
    after the core and after the apps named in `after`."""

    load: Callable[[Any], None]
    check: Callable[[dict, int], list[str]] | None = None
    after: tuple[str, ...] = ()
    edition_fields: Callable[[dict], dict] | None = None


@dataclass(frozen=True)
class Demo:
    """`build(edition, *, password)` adds the app's demo data to the demo edition, after the core
    (the edition and one account per role) and after the apps named in `after`. An app whose demo
    needs no account sets `before_accounts` (it then runs before the accounts are made, and after
    only such apps); `edition_fields()` gives fields the core sets on the demo edition when it
    makes it (the agenda's main venue)."""

    build: Callable[..., None]
    after: tuple[str, ...] = ()
    before_accounts: bool = False
    edition_fields: Callable[[], dict] | None = None


@dataclass(frozen=True)
class AuditedModel:
    label: str  # "app_label.Model"
    options: dict = field(default_factory=dict)  # keyword arguments of auditlog.register


@dataclass(frozen=True)
class OrganizerApp:
    """The organizer role holds every admin permission of this app (by label). The admin index
    lists the app's models under `group`, one of the summit's kinds of work in
    `wic.admin_index.GROUPS` ("programme", "guests", "volunteers", "awards", "expo"); an app that
    names none of them gets a section of its own. `system_models` (model names: "ApplicationTransition")
    are technical: the index shows them to superusers only, under "System"."""

    app_label: str
    group: str = ""
    system_models: tuple[str, ...] = ()
    # Codenames of the app's permissions the organizer role does NOT get with the rest: given by a
    # superuser, account by account, to the few who need them (travel's view_passport).
    withheld_permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdminInline:
    """An inline on the admin page of a core model (`model`: "wic.Edition")."""

    model: str
    inline: type
    order: int = 100


@dataclass(frozen=True)
class FigureGroup:
    """Reported figures whose key starts with one of `prefixes` belong to this part of the summit
    (the edition page groups them; `on_home` links the group from the home page)."""

    key: str
    label: Any
    prefixes: tuple[str, ...]
    order: int = 100
    on_home: bool = False


@dataclass(frozen=True)
class HomeLink:
    """A link the home page shows for its current edition (registration's "Register"):
    `build(edition, today=...)` returns `(label, url)`, or None when the link does not apply to
    that edition (registration over). Runs no query of its own beyond what the edition holds."""

    key: str
    build: Callable[..., tuple[Any, str] | None]
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    """A link of the site header on every page (templates/base.html, through
    `wic.context_processors.nav_links`): `label` (a lazy translation) and the `url_name` it
    reverses. Costs no query."""

    key: str
    label: Any
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class WarmUp:
    """Work a worker process does once before it serves (gunicorn.conf.py's post_worker_init calls
    `wic.contrib.warm_up()`): `run()` loads what would otherwise slow the first request down.
    A failure is logged, never fatal: the first request then pays for it."""

    key: str
    run: Callable[[], Any]


@dataclass(frozen=True)
class GuestSection:
    """A section of a guest's private registration page (registration.views.guest_page):
    `build(registration, request)` returns the context the `template` renders as `section` (with
    `registration` and `edition`), or None when the section does not apply to that guest. Runs a
    fixed number of queries."""

    key: str
    build: Callable[..., Any]
    template: str
    order: int = 100


@dataclass(frozen=True)
class SessionLink:
    """A link the agenda's session page (agenda.views.session_detail, through the template tag
    `{% session_links session as links %}` of agenda/templatetags/session_links.py) shows for a
    session: `build(session)` returns `(label, url)`, or None when the link does not apply to that
    session (the companion's "On the map" for a session without a hall). Runs no query: the
    session comes with its edition and its hall and venue loaded."""

    key: str
    build: Callable[..., tuple[Any, str] | None]
    order: int = 100


@dataclass(frozen=True)
class RosterAnswer:
    """A roster's judgement of a guest on one of its lists: `result` "ok" or one of the roster's
    refusal codes; `message` the refusal in words for the gate's screen ("Booked on run 12,
    14:30"); `detail` what the scan's API answer carries beside it (the run the guest is booked
    on), plain JSON values."""

    result: str
    message: str = ""
    detail: dict | None = None


@dataclass(frozen=True)
class CheckinRoster:
    """A kind of check-in list (CheckinList.kind "roster", `roster` = `key`) whose guests an app
    keeps: travel's pickup runs, each its boarding list. The check-in engine (registration.checkin)
    decides revoked, unapproved and unknown credentials and repeated admissions itself; for a
    valid credential it calls `check(checkin_list, registration_id)` -> RosterAnswer inside the
    scan's transaction, under the credential's row lock, and after an accepted entry
    `admitted(checkin_list, registration_id, scanned_at)` in the same transaction. `results` are
    the refusal codes `check` may answer, with their labels (the API's enum and the gate's page
    show them). Each call runs a fixed number of queries."""

    key: str
    label: Any  # a lazy translation: what a list of this kind is ("Pickup run")
    check: Callable[..., RosterAnswer]
    results: dict[str, Any]
    admitted: Callable[..., None] | None = None


@dataclass(frozen=True)
class WebhookEvent:
    """An event organizers may subscribe a webhook endpoint to (wic.webhooks, docs/webhooks.md):
    `key` ("registration.decided": the app's noun, a dot, what happened), a `label` and a
    `description` (lazy translations: the API's and the admin's lists of events, the docs), and
    `payload`, the DRF serializer class of the event's `data` (the app's `webhook_events.py`
    builds the data through it; the OpenAPI schema documents it as the component
    `<PascalCase key>WebhookData`). The app's service emits it with `wic.webhooks.emit(key, data)`.
    `manage.py check` refuses a key that is not `noun.verb` in lowercase, or used twice (wic.E012,
    wic.E016)."""

    key: str
    label: Any
    description: Any = ""
    payload: type | None = None
    order: int = 100


EditionFilter = str | tuple[str, ...] | Callable[[Any], Any]


@dataclass(frozen=True)
class Translatable:
    """A kind of record the translation workbench lists (/admin/translations/<year>/, issue 20):
    the records of `model` ("app_label.Model") that belong to an edition, and their bilingual
    `fields` (each stored as `<field>_zh` and `<field>_en`). `edition_filter` finds an edition's
    records: a lookup path to the edition ("edition"), several (any of them), or a callable
    `edition_filter(edition)` returning a `Q`. A model that inherits `wic.i18n.TranslatedModel`
    records "organizer" as the provenance of what the workbench saves."""

    key: str
    model: str
    fields: tuple[str, ...]
    label: Any  # a lazy translation, plural ("Sessions")
    edition_filter: EditionFilter
    order: int = 100


@dataclass(frozen=True)
class TranslatableScope:
    """More records of an edition for the Translatable `key` (any of the lookup paths): the
    organizations hosting the agenda's sessions are the edition's organizations too."""

    key: str
    edition_filter: EditionFilter


@dataclass(frozen=True)
class Contribution:
    app: str  # the contributing app's label
    item: Any


T = TypeVar("T")


def _installed() -> tuple[tuple[str, str], ...]:
    return tuple((config.label, config.name) for config in apps.get_app_configs())


@cache
def _collect(installed: tuple[tuple[str, str], ...]) -> tuple[Contribution, ...]:
    found = []
    for label, name in installed:
        config = apps.get_app_config(label)
        if not module_has_submodule(config.module, MODULE):
            continue
        module = importlib.import_module(f"{name}.{MODULE}")
        for item in getattr(module, "CONTRIBUTIONS", ()):
            found.append(Contribution(label, item))
    return tuple(found)


def contributions(kind: type[T]) -> list[Contribution]:
    """Every contribution of this kind, in INSTALLED_APPS order, with the app that made it."""
    return [c for c in _collect(_installed()) if isinstance(c.item, kind)]


def items(kind: type[T]) -> list[T]:
    return [c.item for c in contributions(kind)]


def ordered(kind: type[T]) -> list[T]:
    """The contributions of a kind with an `order`, by order (then INSTALLED_APPS order)."""
    return [c.item for c in sorted(contributions(kind), key=lambda c: c.item.order)]


def in_dependency_order(kind: type[T], where: Callable[[Any], bool] = lambda item: True) -> list[Contribution]:
    """Seed or Demo contributions (those `where` keeps) with every app named in `after` first;
    otherwise in INSTALLED_APPS order. An `after` naming an app that contributes nothing of this
    kind is ignored here (an app may run after another that has no demo) and reported by the
    check only when no such app is installed."""
    pending = [c for c in contributions(kind) if where(c.item)]
    done: set[str] = set()
    result = []
    present = {c.app for c in pending}
    while pending:
        for index, contribution in enumerate(pending):
            if all(dep in done or dep not in present or dep == CORE for dep in contribution.item.after):
                result.append(contribution)
                done.add(contribution.app)
                del pending[index]
                break
        else:
            raise ValueError(f"circular 'after' among {kind.__name__} contributions: {', '.join(c.app for c in pending)}")
    return result


def check_contributions(app_configs: Iterable | None = None, **kwargs) -> list:
    """System check (wic.E010-E016): every `after` names an installed app, no cycles, dashboard
    panel, figure group, translatable and webhook event keys unique, admin inlines name a model,
    translatable kinds name a model with `<field>_zh` and `<field>_en` for each field, scopes a
    known kind, webhook events a well-formed key and a serializer."""
    from django.core.checks import Error

    errors = []
    installed = {label for label, _name in _installed()}
    for kind in (Seed, Demo):
        for contribution in contributions(kind):
            for dep in contribution.item.after:
                if dep not in installed:
                    errors.append(Error(f"{contribution.app}: {kind.__name__} runs after {dep!r}, which is not an installed app.", id="wic.E010"))
        try:
            in_dependency_order(kind)
        except ValueError as error:
            errors.append(Error(str(error), id="wic.E011"))
    for kind, attribute in ((DashboardPanel, "key"), (FigureGroup, "key"), (AuditedModel, "label"), (Translatable, "key"), (CheckinRoster, "key"), (SessionLink, "key"), (WebhookEvent, "key")):
        seen: dict[str, str] = {}
        for contribution in contributions(kind):
            key = getattr(contribution.item, attribute)
            if key in seen:
                errors.append(Error(f"{kind.__name__} {key!r} is contributed by {seen[key]} and {contribution.app}.", id="wic.E012"))
            seen[key] = contribution.app
    for contribution in contributions(AdminInline):
        try:
            apps.get_model(contribution.item.model)
        except (LookupError, ValueError):
            errors.append(Error(f"{contribution.app}: AdminInline names unknown model {contribution.item.model!r}.", id="wic.E013"))
    errors += _check_translatables()
    errors += _check_webhook_events()
    return errors


WEBHOOK_EVENT_KEY = r"^[a-z][a-z_]*\.[a-z][a-z_]*$"


def _check_webhook_events() -> list:
    import re

    from django.core.checks import Error
    from rest_framework.serializers import BaseSerializer

    errors = []
    for contribution in contributions(WebhookEvent):
        item = contribution.item
        if not re.match(WEBHOOK_EVENT_KEY, item.key):
            errors.append(Error(f"{contribution.app}: WebhookEvent key {item.key!r} is not `noun.verb` in lowercase (registration.decided).", id="wic.E016"))
        if not (isinstance(item.payload, type) and issubclass(item.payload, BaseSerializer)):
            errors.append(Error(f"{contribution.app}: WebhookEvent {item.key!r} names no serializer class as its payload.", id="wic.E016"))
    return errors


def _check_translatables() -> list:
    from django.core.checks import Error
    from django.core.exceptions import FieldDoesNotExist

    errors = []
    for contribution in contributions(Translatable):
        item = contribution.item
        try:
            model = apps.get_model(item.model)
        except (LookupError, ValueError):
            errors.append(Error(f"{contribution.app}: Translatable {item.key!r} names unknown model {item.model!r}.", id="wic.E014"))
            continue
        for name in item.fields:
            for suffix in ("zh", "en"):
                try:
                    model._meta.get_field(f"{name}_{suffix}")
                except FieldDoesNotExist:
                    errors.append(Error(f"{contribution.app}: Translatable {item.key!r}: {item.model} has no field {name}_{suffix}.", id="wic.E014"))
    keys = {item.key for item in items(Translatable)}
    for contribution in contributions(TranslatableScope):
        if contribution.item.key not in keys:
            errors.append(Error(f"{contribution.app}: TranslatableScope names unknown Translatable {contribution.item.key!r}.", id="wic.E015"))
    return errors


# ---------------------------------------------------------------------------------------------
# The core's own contributions: its bilingual records for the translation workbench, and the
# workbench's completeness panel on the dashboard (wic/translations.py).


def _translations_panel(edition, now=None):
    from .translations import completeness_panel

    return completeness_panel(edition)


def _the_edition(edition):
    from django.db.models import Q

    return Q(pk=edition.pk)


def _contributions() -> list:
    from django.utils.translation import gettext_lazy as _

    return [
        Translatable("editions", "wic.Edition", ("name", "theme", "location", "format", "summary"), _("Editions"), _the_edition, order=10),
        Translatable("figures", "wic.EditionFigure", ("label",), _("Reported figures"), "edition", order=20),
        Translatable("milestones", "wic.EditionMilestone", ("label",), _("Calendar milestones"), "edition", order=22),
        Translatable("described_items", "wic.EditionDescribedItem", ("text",), _("Described items"), "edition", order=24),
        Translatable("organizations", "wic.Organization", ("name",), _("Organizations"), "edition_roles__edition", order=80),
        DashboardPanel("translations", _translations_panel, "wic/admin/translations_panel.html", order=60),
    ]


CONTRIBUTIONS = _contributions()


def warm_up(log=None) -> list[str]:
    """Runs every installed app's WarmUp; returns the keys of those that failed (each logged)."""
    import logging

    log = log or logging.getLogger("wic.warm_up")
    failed = []
    for item in items(WarmUp):
        try:
            item.run()
        except Exception:  # a warm-up is an optimisation: the worker serves without it
            log.exception("warm-up %s failed", item.key)
            failed.append(item.key)
    return failed
