"""Bilingual fields: every translated text is stored as <name>_zh and <name>_en."""
from django.utils.translation import get_language


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
