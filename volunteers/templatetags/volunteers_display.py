"""Words for the volunteer pages' stored values: language names for codes, hours as "3 h 10 min"."""
from django import template
from django.utils.translation import gettext, pgettext

from volunteers.enums import Language

register = template.Library()


@register.filter
def language_names(codes) -> str:
    """["ar", "en"] -> "Arabic, English" (in the page's language); an unknown code stays as it is."""
    labels = dict(Language.choices)
    return pgettext("list separator", ", ").join(str(labels.get(code, code)) for code in (codes or ()))


@register.filter
def hours_minutes(hours) -> str:
    """3.1666 (hours) -> "3 h 10 min", rounded to the minute; 0 -> "0 min"."""
    total = round(float(hours or 0) * 60)
    h, m = divmod(total, 60)
    if h and m:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": h, "minutes": m}
    if h:
        return gettext("%(hours)d h") % {"hours": h}
    return gettext("%(minutes)d min") % {"minutes": m}
