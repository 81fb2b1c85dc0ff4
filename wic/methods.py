"""HTTP methods the site refuses wherever they are sent.

TRACE (and Microsoft's TRACK) echo the request back, cookies and authorization headers included:
with a script able to send it, that is cross-site tracing. No page or API action uses them, yet
gunicorn and Django pass them to every view, and a view that does not restrict its methods
answered 200. `RefuseTrace` answers 405 before any view runs, with the `Allow` header a 405
must carry; an API path gets the API's error body (`method_not_allowed`).
"""
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

REFUSED = frozenset({"TRACE", "TRACK"})
ALLOWED = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class RefuseTrace:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method.upper() in REFUSED:
            return refusal(request)
        return self.get_response(request)


def refusal(request):
    # Before LocaleMiddleware (no session is read for a TRACE): the language is taken here.
    with translation.override(translation.get_language_from_request(request)):
        message = _('Method "%(method)s" not allowed.') % {"method": request.method}
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "method_not_allowed", "message": message, "detail": message}, status=405)
        response["Allow"] = ", ".join(ALLOWED)
        return response
    response = HttpResponseNotAllowed(ALLOWED, message, content_type="text/plain; charset=utf-8")
    return response
