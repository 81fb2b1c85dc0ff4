"""The admin index grouped by the summit's work instead of by Django app.

Django lists about fifty models app by app, technical ones among them (sign-in logs, state-change
logs, the email outbox). Organizers think in the summit's work: the programme, the guests, the
volunteers, the awards, the expo. Each app says where its models go through its
`wic.contrib.OrganizerApp(app_label, group=..., system_models=...)`; the core places its own models
and those of the libraries it installs (`CORE_MODELS`). Models of the "system" group are shown to
superusers only: an organizer never needs them on the index (the email log, API tokens, the audit
trail's raw entries, the sign-in logs), and the ones they may open stay reachable from the pages
that link them (an object's history, an edition's inlines).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from . import contrib

SYSTEM = "system"


@dataclass(frozen=True)
class Group:
    key: str
    label: object  # a lazy translation
    superuser_only: bool = False


GROUPS = (
    Group("summit", pgettext_lazy("admin index group", "Editions and organizations")),
    Group("programme", pgettext_lazy("admin index group", "Programme")),
    Group("guests", pgettext_lazy("admin index group", "Guests")),
    Group("volunteers", pgettext_lazy("admin index group", "Volunteers")),
    Group("awards", pgettext_lazy("admin index group", "Awards")),
    Group("expo", pgettext_lazy("admin index group", "Expo")),
    Group("people", pgettext_lazy("admin index group", "People and sign-in")),
    Group(SYSTEM, pgettext_lazy("admin index group", "System"), superuser_only=True),
)

# The core's models and those of the libraries it installs ("app_label.Model" -> group). A model
# neither here nor in an app's OrganizerApp falls under "system".
CORE_MODELS = {
    "wic.Edition": "summit",
    "wic.Organization": "summit",
    "wic.Member": "summit",
    "wic.WicOrganization": "summit",
    "wic.EditionMilestone": SYSTEM,  # edited as inlines of the edition
    "wic.EditionDescribedItem": SYSTEM,  # likewise
    "wic.EditionFigure": SYSTEM,  # edited as inlines of the edition
    "wic.EditionOrganization": SYSTEM,  # likewise
    "wic.OutgoingEmail": SYSTEM,
    "wic.ApiToken": SYSTEM,
    "auth.User": "people",
    "axes.AccessAttempt": "people",  # who is locked out, to unlock them
    "auth.Group": SYSTEM,  # roles are granted on a person's page
    "auditlog.LogEntry": SYSTEM,  # read per object, from its "History" link
    "axes.AccessLog": SYSTEM,
    "axes.AccessFailureLog": SYSTEM,
}


def model_groups() -> dict[str, str]:
    """Where each model goes ("app_label.Model" -> group key), the apps' declarations over the
    core's; an app's models without a group go to a section named after the app (its label)."""
    placed = dict(CORE_MODELS)
    for item in contrib.items(contrib.OrganizerApp):
        placed[f"{item.app_label}.*"] = item.group or item.app_label
        for name in item.system_models:
            placed[f"{item.app_label}.{name}"] = SYSTEM
    return placed


def group_app_list(app_list: list[dict], user) -> list[dict]:
    """Django's `app_list` (what the user may see, app by app) regrouped: one entry per group in
    GROUPS order, then the apps of their own, in the shape `admin/app_list.html` expects
    (`name`, `app_label`, `models`), models in app order as Django sorted them. Empty groups are left out; the
    superuser-only ones for everybody else."""
    placed = model_groups()
    known = {group.key: group for group in GROUPS}
    sections: dict[str, dict] = {}
    own_apps: dict[str, str] = {}
    for app in app_list:
        for model in app["models"]:
            label = f"{app['app_label']}.{model['object_name']}"
            key = placed.get(label) or placed.get(f"{app['app_label']}.*") or SYSTEM
            if key not in known:
                own_apps[key] = app["name"]
            sections.setdefault(key, []).append({**model, "model_label": label})
    is_superuser = bool(getattr(user, "is_superuser", False))
    order = [group.key for group in GROUPS if group.key != SYSTEM] + list(own_apps) + [SYSTEM]
    result = []
    for key in order:
        models = sections.get(key)
        if not models:
            continue
        group = known.get(key)
        if group is not None and group.superuser_only and not is_superuser:
            continue
        result.append({
            "name": group.label if group is not None else own_apps[key],
            "app_label": key,
            "models": models,
        })
    return result
