"""Pages of the protocol app: a delegation's page (issue 23).

- `/protocol/delegations/<id>/`, for organizers: the members, the liaison (name and phone), one
  itinerary day by day in Beijing time (where members speak, their invitation cards and replies,
  their seats), and the buttons to choose or release the liaison and to make a new private link
  for the head (shown once; an older link stops working).
- `/delegation/<token>/`, the head's private page (protocol.delegations.delegation_for_token): the
  same without the organizers' notes, the members' addresses and the buttons; no account, never
  cached, never indexed, its address never sent to another site (as people's speaker page).
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wic.errors import DomainError
from wic.page_errors import messages_add_domain_error
from wic.roles import is_organizer

from . import delegations

ACTIONS = ("liaison_assign", "liaison_release", "head_link")


def _private(response):
    """Never cached or indexed, and the address (a token, or an organizer's page) never sent on:
    "same-origin" (see people.views._private for why not "no-referrer")."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _context(view, *, organizer: bool, link: str = "") -> dict:
    delegation = view.delegation
    return {
        "view": view, "delegation": delegation, "members": view.members, "days": view.days, "delegation_days": view.delegation_days,
        "liaison": delegation.liaison, "organizer": organizer, "new_link": link, "secretariat": settings.DEFAULT_FROM_EMAIL,
        "link_days": delegations.link_max_age().days,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def delegation_page(request, pk):
    """The organizers' page of a delegation. POST `action`: liaison_assign, liaison_release (then
    back to the page with a message) or head_link (the page with the new link, shown once)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_organizer(request.user):
        raise PermissionDenied
    view = delegations.delegation_view(pk)
    if view is None:
        return render(request, "404.html", {"message": _("There is no delegation %(id)s.") % {"id": pk}}, status=404)
    link = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, _("Choose one of the page's buttons."), extra_tags="unknown_action")
            return redirect("protocol:delegation", pk=pk)
        try:
            if action == "liaison_assign":
                volunteer = delegations.liaison_assign(view.delegation, actor=request.user)
                messages.success(request, _("%(name)s is the delegation's liaison, rostered on its %(count)d day(s).") % {"name": volunteer.name, "count": len(view.delegation_days)})
            elif action == "liaison_release":
                delegations.liaison_release(view.delegation, actor=request.user)
                messages.success(request, _("The delegation has no liaison any more; the liaison's shifts were removed."))
            else:
                link = delegations.head_link_url(delegations.head_link_token(view.delegation))
        except DomainError as error:
            messages_add_domain_error(request, error)
            return redirect("protocol:delegation", pk=pk)
        if not link:
            return redirect("protocol:delegation", pk=pk)
    return _private(render(request, "protocol/delegation_page.html", _context(view, organizer=True, link=link)))


def _speak_their_language(request, delegation) -> None:
    """The head's page in the head's registration language, unless the reader chose one."""
    head = delegation.head
    if head is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and head.language in dict(settings.LANGUAGES):
        translation.activate(head.language)
        request.LANGUAGE_CODE = translation.get_language()


@require_GET
def delegation_private(request, token):
    """The head's private page (a signed link; see protocol.delegations.delegation_for_token)."""
    try:
        delegation = delegations.delegation_for_token(token)
    except DomainError as error:
        context = {"code": error.code, "message": error.message, "secretariat": settings.DEFAULT_FROM_EMAIL}
        return _private(render(request, "protocol/delegation_link.html", context, status=error.status))
    _speak_their_language(request, delegation)
    view = delegations.delegation_view(delegation.pk)
    return _private(render(request, "protocol/delegation_page.html", _context(view, organizer=False)))


urlpatterns = [
    path("protocol/delegations/<id:pk>/", delegation_page, name="delegation"),
    path("delegation/<str:token>/", delegation_private, name="delegation-private"),
]
