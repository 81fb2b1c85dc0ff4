"""What the map part of the companion contributes (wic/contrib.py): the session page's "On the
map" link to the session's hall (a `SessionLink`: the agenda never imports the companion), and
the demo's service points (after the agenda's main venue and the expo's zones)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wic.contrib import Demo, SessionLink

from . import demo_map


def on_the_map(session):
    """("On the map", the hall's link on the edition's map), or None for a session without a
    hall. No query: the session page's session comes with its edition and hall."""
    if session.hall_id is None:
        return None
    return _("On the map"), reverse("companion:hall", args=[session.edition.year, session.hall_id])


CONTRIBUTIONS: list = [
    SessionLink("map", build=on_the_map, order=10),
    Demo(build=demo_map.seed_demo_map, after=("agenda", "expo")),
]
