from django import template

from wic.admin_index import group_app_list

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_groups(context, app_list):
    """The index's `app_list` grouped by the summit's work (wic.admin_index)."""
    request = context.get("request")
    return group_app_list(app_list or [], getattr(request, "user", None))
