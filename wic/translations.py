"""The translation workbench (issue 20): every bilingual record of an edition with one language
missing, and the service that fills it in.

What a record is, and which records belong to an edition, the apps say: each declares its kinds
as `wic.contrib.Translatable` (and may widen one with `TranslatableScope`) in its contrib.py. A
field is "missing English" when its Chinese value is there and its English one is empty (and the
other way round); a field empty in both languages is not asked for.

Reads: `missing_rows` (the workbench's list, one query per kind) and `completeness_panel` (the
dashboard's "N of M have English", one query for all kinds). Write: `translation_save`, which records
the provenance "organizer" for the field it fills and writes an entry of the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q, Value
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import contrib
from .errors import DomainError
from .i18n import Provenance, TranslatedModel, prefers_english

LANGUAGES = ("en", "zh")
# A TextField has no max_length; what one translation may hold.
MAX_TEXT = 10_000


def language_name(code: str) -> str:
    return _("English") if code == "en" else _("Chinese")


def other(code: str) -> str:
    return "zh" if code == "en" else "en"


# -- the kinds ------------------------------------------------------------------------------------


def kinds() -> list[contrib.Translatable]:
    """Every contributed kind, by order."""
    return contrib.ordered(contrib.Translatable)


def kind_named(key: str) -> contrib.Translatable | None:
    return next((k for k in kinds() if k.key == key), None)


def model_of(kind: contrib.Translatable) -> type[models.Model]:
    return apps.get_model(kind.model)


def _as_q(edition_filter, edition) -> Q:
    if callable(edition_filter):
        return edition_filter(edition)
    paths = (edition_filter,) if isinstance(edition_filter, str) else tuple(edition_filter)
    return reduce(or_, (Q(**{path: edition}) for path in paths))


def edition_q(kind: contrib.Translatable, edition) -> Q:
    """The condition a record of `kind` meets when it belongs to `edition` (its own filter or any
    contributed scope's)."""
    scopes = [s.edition_filter for s in contrib.items(contrib.TranslatableScope) if s.key == kind.key]
    return reduce(or_, (_as_q(f, edition) for f in [kind.edition_filter, *scopes]))


def records_of(kind: contrib.Translatable, edition) -> models.QuerySet:
    """The kind's records of the edition, each once (the filter may cross to-many relations)."""
    model = model_of(kind)
    return model.objects.filter(pk__in=model.objects.filter(edition_q(kind, edition)).values("pk"))


def _missing(field: str, language: str) -> Q:
    """`field` (a base name) has its other language and lacks `language`."""
    return ~Q(**{f"{field}_{other(language)}": ""}) & Q(**{f"{field}_{language}": ""})


def _complete(kind: contrib.Translatable, language: str) -> Q:
    return reduce(and_, (~_missing(f, language) for f in kind.fields))


# -- the list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingRow:
    """One field of one record with one language missing."""

    kind: str
    kind_label: str
    pk: int
    record: str  # what names the record: its first field, in the active language where it has it
    record_language: str  # the language of `record`
    field: str  # the field to fill in: "name_en"
    field_label: str  # "name (English)"
    language: str  # the missing language: "en" or "zh"
    text: str  # the value in the other language, to translate
    max_length: int
    multiline: bool
    admin_url: str

    @property
    def source_language(self) -> str:
        return other(self.language)

    @property
    def ident(self) -> str:
        """The row's id in the page (anchors, element ids)."""
        return f"{self.kind}-{self.pk}-{self.field}"


def _admin_url(model, pk) -> str:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def _max_length(model, name: str) -> int:
    field = model._meta.get_field(name)
    return field.max_length or MAX_TEXT


def missing_rows(edition, *, languages: tuple[str, ...] = LANGUAGES) -> list[MissingRow]:
    """Every field of every record of the edition with one of `languages` missing, kind by kind
    (in the kinds' order), records in their model's order, fields in the kind's order. One query
    per kind, whatever the number of records."""
    rows = []
    english = prefers_english()
    for kind in kinds():
        model = model_of(kind)
        wanted = reduce(or_, (_missing(f, lang) for f in kind.fields for lang in languages))
        columns = [f"{f}_{lang}" for f in kind.fields for lang in ("zh", "en")]
        first = kind.fields[0]
        for values in records_of(kind, edition).filter(wanted).values("pk", *columns):
            record_language = "en" if (english and values[f"{first}_en"]) or not values[f"{first}_zh"] else "zh"
            record = values[f"{first}_{record_language}"]
            for f in kind.fields:
                for lang in languages:
                    target, source = f"{f}_{lang}", f"{f}_{other(lang)}"
                    if values[source] and not values[target]:
                        django_field = model._meta.get_field(target)
                        rows.append(MissingRow(
                            kind=kind.key,
                            kind_label=str(kind.label),
                            pk=values["pk"],
                            record=record,
                            record_language=record_language,
                            field=target,
                            field_label=str(django_field.verbose_name),
                            language=lang,
                            text=values[source],
                            max_length=django_field.max_length or MAX_TEXT,
                            multiline=isinstance(django_field, models.TextField),
                            admin_url=_admin_url(model, values["pk"]),
                        ))
    return rows


# -- the dashboard panel --------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCompleteness:
    """How many of a kind's records of the edition have every field in each language (a field
    empty in both languages does not count against a record)."""

    key: str
    label: str
    total: int
    with_en: int
    with_zh: int


@dataclass(frozen=True)
class CompletenessPanel:
    year: int
    kinds: list[KindCompleteness]

    @property
    def present(self) -> list[KindCompleteness]:
        """The kinds with records in the edition: one row each on the dashboard."""
        return [k for k in self.kinds if k.total]

    @property
    def absent(self) -> list[KindCompleteness]:
        """The kinds with no record in the edition, named in one line."""
        return [k for k in self.kinds if not k.total]

    @property
    def missing_en(self) -> int:
        return sum(k.total - k.with_en for k in self.kinds)

    @property
    def missing_zh(self) -> int:
        return sum(k.total - k.with_zh for k in self.kinds)


def completeness_panel(edition) -> CompletenessPanel:
    """Per kind, "N of M have English" (and Chinese): one query whatever the number of kinds and
    records (each kind's counts are one SELECT of a UNION ALL)."""
    parts = []
    for kind in kinds():
        parts.append(
            records_of(kind, edition)
            .order_by()
            .annotate(kind_key=Value(kind.key, output_field=models.CharField()))
            .values("kind_key")
            .annotate(
                total=Count("pk"),
                with_en=Count("pk", filter=_complete(kind, "en")),
                with_zh=Count("pk", filter=_complete(kind, "zh")),
            )
            .values_list("kind_key", "total", "with_en", "with_zh")
            .order_by()
        )
    counts = {key: (total, with_en, with_zh) for key, total, with_en, with_zh in (parts[0].union(*parts[1:], all=True).order_by() if parts else [])}
    result = [KindCompleteness(kind.key, str(kind.label), *counts.get(kind.key, (0, 0, 0))) for kind in kinds()]
    return CompletenessPanel(edition.year, result)


# -- the write ------------------------------------------------------------------------------------


def translation_clean(value, *, label: str, max_length: int) -> str:
    """The text an organizer typed, trimmed; refused when it is empty (`blank`), holds a NUL or an
    unpaired surrogate (`invalid_characters`), or is longer than the field (`too_long`)."""
    text = (value if isinstance(value, str) else "").strip()
    if not text:
        raise DomainError("blank", _("Enter the %(field)s, or leave the row for later.") % {"field": label}, field="value")
    if "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text):
        raise DomainError("invalid_characters", _("The %(field)s holds a character that cannot be stored (a NUL or a broken character).") % {"field": label}, field="value")
    if len(text) > max_length:
        raise DomainError(
            "too_long",
            _("The %(field)s may be at most %(max)d characters; this one has %(count)d.") % {"field": label, "max": max_length, "count": len(text)},
            field="value",
        )
    return text


def translation_save(*, edition, kind: str, pk, field: str, value, actor=None) -> models.Model:
    """Fill in one missing translation: `field` ("name_en") of the record `pk` of `kind`, which
    must belong to `edition`. Effects, in one transaction with the record locked:
    - the field takes the cleaned value (see `translation_clean`);
    - on a `TranslatedModel`, `translation_provenance[field]` becomes "organizer";
    - an audit-trail entry (django-auditlog, by `actor`) records the old and new values.
    Refused: unknown kind (`unknown_kind`) or field (`unknown_field`), a record not of the edition
    (`not_found`, 404), bad text (see `translation_clean`), a value another record of the same
    kind holds where it must be unique (`duplicate`). Returns the record as saved."""
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry

    translatable = kind_named(kind) if isinstance(kind, str) else None
    if translatable is None:
        raise DomainError("unknown_kind", _("There is no kind of record named %(kind)s to translate.") % {"kind": kind}, field="kind")
    allowed = {f"{f}_{lang}" for f in translatable.fields for lang in LANGUAGES}
    if field not in allowed:
        raise DomainError("unknown_field", _("%(kind)s have no translated field %(field)s.") % {"kind": translatable.label, "field": field}, field="field")
    model = model_of(translatable)
    label = str(model._meta.get_field(field).verbose_name)
    text = translation_clean(value, label=label, max_length=_max_length(model, field))
    with transaction.atomic():
        obj = (
            model.objects.select_for_update()
            .filter(pk=pk if isinstance(pk, int) else -1)
            .filter(pk__in=model.objects.filter(edition_q(translatable, edition)).values("pk"))
            .order_by()
            .first()
        )
        if obj is None:
            raise DomainError("not_found", _("No such record of %(kind)s in this edition.") % {"kind": translatable.label}, status=404, field="pk")
        old = getattr(obj, field) or ""
        tracked = isinstance(obj, TranslatedModel)
        if old == text and (not tracked or obj.provenance_of(field) == Provenance.ORGANIZER):
            return obj
        changes = {field: [old, text]}
        update = {field: text}
        if tracked:
            before = dict(obj.translation_provenance or {})
            after = {**before, field: Provenance.ORGANIZER.value}
            changes["translation_provenance"] = [before, after]
            update["translation_provenance"] = after
        for name, new in update.items():
            setattr(obj, name, new)
        try:
            # save(), so the apps' post_save receivers run (the agenda's search text and cached
            # pages follow a renamed hall), with auditlog's automatic entry off: one audit entry,
            # the one below, naming the organizer.
            with transaction.atomic(), disable_auditlog():
                obj.save(update_fields=list(update))
        except IntegrityError:
            raise DomainError(
                "duplicate", _("Another record of %(kind)s already has this %(field)s.") % {"kind": translatable.label, "field": label}, status=409, field="value"
            )
        LogEntry.objects.log_create(
            obj,
            action=LogEntry.Action.UPDATE,
            changes={name: [_audit_value(a), _audit_value(b)] for name, (a, b) in changes.items()},
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return obj


def _audit_value(value) -> str:
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
