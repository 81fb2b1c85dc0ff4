"""Bilingual values in HTML: in the page's language where it exists, marked where they are not.

`{% bilingual obj "name" %}` renders `obj.name_en` on an English page and `obj.name_zh` on a
Chinese one (falling back to the other), and says two things a reader (and a screen reader) needs:
the language of the words when it is not the page's (`lang="zh-Hans"` on an English page, `lang="en"`
on a Chinese one), and where a shown translation came from when it is not the source's own words
(`data-provenance="editorial"` with the title "Editorial translation"; "organizer" likewise). A
field with no language pair ("abbreviation") is rendered as it is, with its provenance. For plain
text (a page title, an attribute), use `{% bi %}` from wic_tags."""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from wic.i18n import Provenance, prefers_english

register = template.Library()


def _titles() -> dict[str, str]:
    return {
        Provenance.EDITORIAL.value: _("Editorial translation"),
        Provenance.ORGANIZER.value: _("Translation entered by an organizer"),
    }


def shown(obj, field: str) -> tuple[str, str, str]:
    """(value, its language code for `lang`, its provenance) of `field` as the active language shows it;
    ("", "", "") where there is nothing to show."""
    if obj is None:
        return "", "", ""
    english = prefers_english()
    if not hasattr(obj, f"{field}_zh"):
        value = str(getattr(obj, field, "") or "")
        provenance = obj.provenance_of(field) if hasattr(obj, "provenance_of") else ""
        return value, "", provenance
    zh = getattr(obj, f"{field}_zh", "") or ""
    en = getattr(obj, f"{field}_en", "") or ""
    chosen = f"{field}_en" if (english and en) or not zh else f"{field}_zh"
    value = en if chosen.endswith("_en") else zh
    if not value:
        return "", "", ""
    lang = "en" if chosen.endswith("_en") else "zh-Hans"
    provenance = obj.provenance_of(chosen) if hasattr(obj, "provenance_of") else ""
    return value, lang, provenance


@register.simple_tag
def bilingual(obj, field):
    """`field` of `obj` in the active language, as HTML with its `lang` and provenance (see above)."""
    value, lang, provenance = shown(obj, field)
    if not value:
        return ""
    attrs = []
    page_lang = "en" if prefers_english() else "zh-Hans"
    if lang and lang != page_lang:
        attrs.append(("lang", lang))
    title = _titles().get(provenance)
    if title:
        attrs += [("data-provenance", provenance), ("title", title)]
    if not attrs:
        return value  # simple_tag escapes it
    return format_html(
        "<span{}>{}</span>", format_html_join("", ' {}="{}"', attrs), value
    )
