"""The invitee's private page, `/rsvp/<token>/` (protocol.invitations): no account. It shows the
item (title, date, time and hall in Beijing time), when replies close, and the answer buttons:
accept, decline and, where the item allows it, a form proposing a substitute. After the answer
the page (reloaded, post/redirect/get) says what was recorded. Refusals are sentences; their
codes only in `data-code`. The page is in the card's language unless the visitor chose one."""
from django import forms
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wic.errors import DomainError
from wic.page_errors import form_add_domain_error

from . import invitations
from .enums import CardStatus
from .models import InvitationCard


def _text(label, field: str, **attrs):
    """A text field the service checks (`too_long`, `invalid_email` from it, not the form's own
    messages); the browser is told the length."""
    limit = InvitationCard._meta.get_field(field).max_length
    return forms.CharField(label=label, required=False, strip=True, widget=forms.TextInput(attrs={"maxlength": limit, **attrs}))


class SubstituteForm(forms.Form):
    substitute_name = _text(gettext_lazy("Substitute's name"), "substitute_name", autocomplete="name")
    substitute_email = _text(gettext_lazy("Substitute's email"), "substitute_email", type="email", autocomplete="email", inputmode="email")
    substitute_title = _text(gettext_lazy("Substitute's title or position"), "substitute_title", autocomplete="organization-title")


def _private(response):
    """A page at a private link: never cached, never indexed, its address (the token) never sent
    to another site ("same-origin": with no-referrer Chromium posts with `Origin: null`, which the
    CSRF check refuses; people/views.py found it)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _speak_their_language(request, card) -> None:
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(card.language)
        request.LANGUAGE_CODE = translation.get_language()


def _link_refused(request, error: DomainError, token: str):
    """The page of a link that does not open (link_invalid 404; link_expired, link_used,
    card_cancelled 410), in the card's language where there is a card."""
    card = getattr(error, "card", None)
    if card is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and card.language != translation.get_language():
        _speak_their_language(request, card)
        try:  # the sentence again, now in the card's language (a refused link only)
            invitations.card_for_token(token)
        except DomainError as again:
            error = again
    context = {"code": error.code, "message": error.message, "card": card, "secretariat": settings.DEFAULT_FROM_EMAIL}
    return _private(render(request, "protocol/rsvp_link.html", context, status=error.status))


@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_page(request, token):
    try:
        card = invitations.card_for_token(token)
    except DomainError as error:
        return _link_refused(request, error, token)
    _speak_their_language(request, card)
    item = card.item
    status = 200
    answer_error = None
    substitute_form = SubstituteForm(request.POST if request.POST.get("answer") == "substitute" else None)
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        data = substitute_form.cleaned_data if answer == "substitute" and substitute_form.is_valid() else {}
        try:
            invitations.rsvp_answer(token, answer=answer, **data)
        except DomainError as error:
            if error.field == "token":  # the link stopped working meanwhile (sent again, withdrawn)
                return _link_refused(request, error, token)
            if error.code == "already_answered":  # answered meanwhile: the page shows that answer
                card, answer_error = error.card, error
            elif error.field and error.field.startswith("substitute_"):
                form_add_domain_error(substitute_form, error)
            else:
                answer_error = error
            status = error.status
        else:
            return _private(HttpResponseRedirect(request.path, status=303))
    if card.status != CardStatus.INVITED:
        return _private(render(request, "protocol/rsvp_done.html", _context(card, answer_error=answer_error), status=status))
    context = _context(card, answer_error=answer_error, substitute_form=substitute_form, substitute_open=bool(substitute_form.errors))
    context["open"] = invitations.replies_open(item)
    return _private(render(request, "protocol/rsvp.html", context, status=status))


def _context(card, **extra) -> dict:
    item = card.item
    return {
        "card": card, "item": item, "session": item.session, "edition": item.session.edition, "names": invitations.invitee_names(card),
        "closes_at": invitations.replies_close_at(item), "now": timezone.now(), "secretariat": settings.DEFAULT_FROM_EMAIL,
        "seat": invitations.seat_text(card),
        "substitute_card": getattr(card, "substitute_card", None) if card.status == CardStatus.REPLACED else None,
        **extra,
    }


urlpatterns = [
    # The invitee's private link (protocol.invitations): a signed token, no account.
    path("rsvp/<str:token>/", rsvp_page, name="rsvp"),
]
