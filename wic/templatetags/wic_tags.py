from django import template

from wic.i18n import pick

register = template.Library()


@register.simple_tag
def bi(obj, field):
    """The `field` of `obj` in the active language (`<field>_en` / `<field>_zh`), falling back to Chinese."""
    return pick(obj, field)


@register.filter
def localized(obj, field):
    """Filter form of `bi`, for use inside other tags: {{ session|localized:"title" }}."""
    return pick(obj, field)
