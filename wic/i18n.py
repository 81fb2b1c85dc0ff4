"""Bilingual fields: every translated text is stored as <name>_zh and <name>_en.

Where a value came from is kept per field in `translation_provenance` (`TranslatedModel`): a
field missing from that map holds the source's own words; "editorial" marks a translation the
team entered (an official English name looked up, a hall's name rendered in English), shown as
a translation and never passed off as the source's words; "organizer" marks one an organizer
entered in the translation workbench."""
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Provenance(models.TextChoices):
    SOURCE = "source", _("the source's own words")
    EDITORIAL = "editorial", _("editorial translation")
    ORGANIZER = "organizer", _("entered by an organizer")


def prefers_english() -> bool:
    return (get_language() or "zh-hans").lower().startswith("en")


def pick(obj, field: str) -> str:
    """The value of `field` in the active language, falling back to Chinese where English is missing."""
    zh = getattr(obj, f"{field}_zh", "") or ""
    en = getattr(obj, f"{field}_en", "") or ""
    if prefers_english():
        return en or zh
    return zh or en


class BilingualMixin:
    """Gives `obj.t("title")` for any `title_zh`/`title_en` pair."""

    def t(self, field: str) -> str:
        return pick(self, field)


class TranslatedModel(models.Model):
    """A bilingual model that records where each of its translated values came from.

    `translation_provenance` maps a field name ("name_en") to a `Provenance` value; a field not
    in the map, with a value, holds the source's own words."""

    translation_provenance = models.JSONField(_("translation provenance"), default=dict, blank=True)

    class Meta:
        abstract = True

    def provenance_of(self, field: str) -> str:
        """The provenance of the value `field` ("name_en") holds, or "" where it is empty."""
        if not (getattr(self, field, "") or ""):
            return ""
        return (self.translation_provenance or {}).get(field, Provenance.SOURCE)

    def shown_provenance(self, field: str) -> str:
        """The provenance of what `t(field)` shows in the active language ("name")."""
        zh, en = f"{field}_zh", f"{field}_en"
        chosen = en if (prefers_english() and getattr(self, en, "")) or not getattr(self, zh, "") else zh
        return self.provenance_of(chosen)


def with_editorial(given: dict[str, str], editorial: dict[str, str] | None) -> tuple[dict[str, str], set[str]]:
    """The values to store for the translated fields `given` (the source's values, "" where it gives
    none): the source's where it gives one, else the editorial value. Returns them and the names of
    the fields that took an editorial value (never one the source gives)."""
    values, marked = dict(given), set()
    for name, value in (editorial or {}).items():
        if name in values and not (values[name] or "").strip() and (value or "").strip():
            values[name] = value.strip()
            marked.add(name)
    return values, marked


def mark_provenance(obj: "TranslatedModel", fields, editorial: set[str]) -> bool:
    """Record in `obj.translation_provenance` that each of `fields` holds the source's words, or an
    editorial translation for those in `editorial`; other fields' marks are kept. Saves only what
    changed (an idempotent seed writes nothing twice); returns whether it did."""
    current = dict(obj.translation_provenance or {})
    wanted = dict(current)
    for name in fields:
        if current.get(name) == Provenance.ORGANIZER:
            continue  # the organizer's own translation stays theirs (see `seeding`)
        if name in editorial:
            wanted[name] = Provenance.EDITORIAL.value
        else:
            wanted.pop(name, None)
    if wanted == current:
        return False
    obj.translation_provenance = wanted
    obj.save(update_fields=["translation_provenance"])
    return True


_seeding: ContextVar[bool] = ContextVar("wic_seeding", default=False)


@contextmanager
def seeding():
    """While the past editions are (re)seeded, a translation an organizer entered (provenance
    "organizer") is kept: the seed's value for that field, the source's or an editorial one, does
    not overwrite it. Outside a seed, a save writes what it is given."""
    token = _seeding.set(True)
    try:
        yield
    finally:
        _seeding.reset(token)


@receiver(pre_save, dispatch_uid="wic.i18n.keep_organizer_translations")
def keep_organizer_translations(sender, instance, raw=False, **kwargs):
    """During a seed, put back the stored value of each field of `instance` an organizer translated.
    Costs one query, and only for a record that holds such a field."""
    if raw or not _seeding.get() or not isinstance(instance, TranslatedModel) or instance.pk is None:
        return
    kept = [name for name, mark in (instance.translation_provenance or {}).items() if mark == Provenance.ORGANIZER]
    if not kept:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values(*kept).first()
    for name, value in (stored or {}).items():
        setattr(instance, name, value)
