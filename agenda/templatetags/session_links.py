"""The links the apps above the agenda add to a session's page (wic.contrib.SessionLink): the
companion's "On the map". The agenda names none of them; each contribution's `build(session)`
gives `(label, url)` or None, and runs no query (the session page's session comes with its
edition, hall and venue).

    {% load session_links %}{% session_links session as links %}
    {% for label, url in links %}<a href="{{ url }}">{{ label }}</a>{% endfor %}
"""
from django import template

from wic import contrib

register = template.Library()


@register.simple_tag
def session_links(session) -> list[tuple[str, str]]:
    """The (label, url) of every link contributed for `session`, in the contributions' order."""
    links = []
    for link in contrib.ordered(contrib.SessionLink):
        built = link.build(session)
        if built:
            links.append((str(built[0]), built[1]))
    return links
