"""The travel app's pages (issue 24): the guest's visa-letter request and letter, at their private
registration link (no account), and the public page where a consulate checks a letter from its QR
code. The rules are travel.letters'; refusals show as sentences beside their fields, the codes
only in `data-code`. The private pages are never cached nor indexed, and their address (the
token) is never sent to another site."""
from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agenda.views import not_found
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error
from wic.security import public_write_limit

from . import guest, letters


def _private(response):
    """Never cached, never indexed; "same-origin", not "no-referrer": with no-referrer Chromium
    posts with `Origin: null`, which the CSRF check refuses (protocol/views_rsvp.py)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _no_registration(request):
    return _private(not_found(request, _("No registration has this address.")))


@require_http_methods(["GET", "HEAD", "POST"])
@public_write_limit("travel-letter-request")  # per address, as the registration form
def letter_request_page(request, year, token):
    """The request form. A registration not approved yet, or one with a letter requested or
    approved, gets the sentence instead of the form; a refused request keeps what was typed."""
    registration = guest.registration_at(year, token)
    if registration is None:
        return _no_registration(request)
    edition = registration.edition
    status = 200
    blocked = None
    if request.method == "POST":
        form = guest.LetterRequestForm(request.POST, edition=edition)
        form.is_valid()  # shapes only: every value is text, checked by the service
        try:
            letters.letter_request(registration, data={name: form.cleaned_data.get(name, "") for name in letters.FIELDS}, language=get_language())
        except DomainError as error:
            status = error.status
            if error.field == "registration":  # not approved, or a letter already: no form to correct
                blocked = (error.code, error.message)
            else:
                form_add_domain_error(form, error)
        else:
            return _private(HttpResponseRedirect(reverse("registration:page", args=[edition.year, registration.token]), status=303))
    else:
        form = guest.LetterRequestForm(initial=guest.form_initial(registration), edition=edition)
        blocked = guest.request_blocked(registration)
    context = {"registration": registration, "edition": edition, "form": form, "blocked": blocked}
    return _private(render(request, "travel/letter_request.html", context, status=status))


@require_http_methods(["GET", "HEAD"])
def letter_pdf(request, year, token):
    """The approved letter, drawn on request (nothing is stored: the passport data stay in the
    encrypted row only)."""
    from .pdf import letter_pdf as draw

    registration = guest.registration_at(year, token)
    if registration is None:
        return _no_registration(request)
    letter = guest.approved_letter(registration)
    if letter is None:
        return _private(not_found(request, _("This registration has no approved visa invitation letter.")))
    verify_url = settings.SITE_URL + reverse("travel:verify", args=[letter.verify_code])
    response = HttpResponse(draw(letter, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visa-letter-{letter.reference}.pdf"'
    return _private(response)


@require_http_methods(["GET", "HEAD"])
def verify_form(request):
    """The form to type a code (`?code=`): a code goes to its page, in canonical form."""
    typed = request.GET.get("code", "")
    if typed.strip():
        code = guest.typed_code(typed)
        if code is None:
            return _verify_response(request, guest.verification(""), typed=typed)
        return redirect("travel:verify", code=code)
    return _private(render(request, "travel/verify.html", {"result": None}))


@require_http_methods(["GET", "HEAD"])
def verify_page(request, code):
    """What a consulate reads from the letter's QR code: valid, expired, revoked, or unknown
    (404). No account; the page shows the state and what identifies the letter, nothing more."""
    return _verify_response(request, guest.verification(code))


def _verify_response(request, result, typed: str = ""):
    status = 404 if result.state == "unknown" else 200
    return _private(render(request, "travel/verify.html", {"result": result, "typed": typed}, status=status))


urlpatterns = [
    path("editions/<str:year>/registration/<str:token>/visa-letter/", letter_request_page, name="request"),
    path("editions/<str:year>/registration/<str:token>/visa-letter.pdf", letter_pdf, name="letter-pdf"),
    path("verify/visa-letter/", verify_form, name="verify-form"),
    path("verify/visa-letter/<str:code>/", verify_page, name="verify"),
]
