from django import template

from wic.i18n import pick

register = template.Library()


@register.simple_tag
def bi(obj, field):
    """The `field` of `obj` in the active language (`<field>_en` / `<field>_zh`), falling back to Chinese."""
    return pick(obj, field)
