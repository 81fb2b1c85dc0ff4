"""Template context every page gets (settings.TEMPLATES): the header's links the apps contribute."""
from django.urls import reverse

from . import contrib


def nav_links(request) -> dict:
    """`nav_links`: [(label, url)] of the installed apps' NavLink contributions, in their order."""
    return {"nav_links": [(link.label, reverse(link.url_name)) for link in contrib.ordered(contrib.NavLink)]}
