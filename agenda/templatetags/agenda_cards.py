"""The agenda page's session cards from their cached fragments (agenda.cache.attach_cards): the
fragment with what is not cached written into it, the card's place in the day's grid and the
star's state of the visitor who asks, exactly as templates/agenda/includes/session_card.html
writes them.

    {% load agenda_cards %}{% session_card s place %}
"""
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def session_card(context, session, place=None):
    head, middle, tail = session.card_parts
    where = f' data-grid-column="{place.column}" data-grid-row="{place.row_start} / {place.row_end}"' if place else ""
    star = "true" if session.pk in context.get("starred", ()) else "false"
    return mark_safe(f"{head}{where}{middle}{star}{tail}")
