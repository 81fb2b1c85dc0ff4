"""The agenda day page's session cards from their cached fragments (agenda.cache.day_cards): the
fragment with what is not cached written into it, the card's place in the day's grid and the
star's state of the visitor who asks, exactly as templates/agenda/includes/session_card.html
writes them (`card_html`, called by agenda.views); and what the page's template needs for them:

    {% load agenda_cards %}{% for card in untimed_cards|nth:forloop.counter0 %}{{ card }}{% endfor %}
    {{ period|period_name }}
"""
from django import template
from django.utils.safestring import SafeString, mark_safe

from agenda.enums import Period

register = template.Library()


def card_html(card: tuple[str, str, str], place=None, starred: bool = False) -> SafeString:
    """A card (agenda.cache.render_card's parts) with its place in the day's grid (an
    agenda.timetable.Placed, None for a card listed by period) and its star's state."""
    head, middle, tail = card
    where = f' data-grid-column="{place.column}" data-grid-row="{place.row_start} / {place.row_end}"' if place else ""
    return mark_safe(f"{head}{where}{middle}{'true' if starred else 'false'}{tail}")


@register.filter
def nth(items: list, index: int):
    """The `index`th of `items` (the cards of the `index`th period listed: the view's `untimed_cards`)."""
    return items[index]


@register.filter
def period_name(period: str) -> str:
    """A session's `get_period_display()` for its period's value."""
    try:
        return Period(period).label
    except ValueError:
        return period
