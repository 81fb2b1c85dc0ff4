"""Public pages of people: a person's page with every public appearance across editions, an
edition's directory of people (search in Chinese, English or pinyin; filters by role and country),
and the speaker's private page, `/speakers/<token>/` (people.invitations), with no account.

The app imports the core only (docs/architecture.md): an edition is found here through the core's
model, and sessions are reached through the ORM (appearance.session, session.edition)."""
import hashlib
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from PIL import Image, ImageOps

from wic.errors import DomainError
from wic.inputs import ascii_int, year_or_none
from wic.models import Edition
from wic.page_errors import form_add_domain_error

from . import invitations
from .enums import AttendanceMode, Role
from .models import Person
from .selectors import edition_appearances_prefetch, edition_people_facets, people_of_edition, person_for_page, published_appearances

PAGE_SIZE = 60
SEARCH_LIMIT = 100  # characters of a search kept (person_search_q keeps at most six words)


def not_found(request, message: str):
    return render(request, "404.html", {"message": message}, status=404)


def _country_name(code: str) -> str:
    from django_countries import countries

    return str(dict(countries).get(code, code))


@require_GET
def person_detail(request, pk):
    number = ascii_int(pk)
    person = person_for_page(number) if number is not None else None
    if person is None:
        return not_found(request, _("There is no person %(id)s in the published programme.") % {"id": pk})
    context = {
        "person": person,
        "country_name": _country_name(person.country) if person.country else "",
        "appearances": person.shown_appearances,
    }
    return render(request, "people/person_detail.html", context)


PHOTO_SIZES = (96, 240)  # the session page's and the person page's squares, in CSS pixels x2 where shown


@require_GET
def person_photo(request, pk, size):
    """The person's photo, resized to a `size` square JPEG (centre crop), for the public pages: the
    uploaded file itself stays private in MEDIA_ROOT. Only for a person with a published appearance;
    404 otherwise, for an unknown size, or a person without a photo. The resized bytes are cached
    (the cache may be down: then they are made again)."""
    number = ascii_int(pk)
    if size not in PHOTO_SIZES or number is None:
        raise Http404
    person = Person.objects.filter(pk=number, appearances__in=published_appearances()).exclude(photo="").only("pk", "photo").first()
    if person is None:
        raise Http404
    key = "people.photo:" + hashlib.sha256(f"{person.photo.name}:{size}".encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        try:
            with person.photo.open("rb") as handle, Image.open(handle) as image:
                image = ImageOps.exif_transpose(image).convert("RGB")
                square = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
                out = BytesIO()
                square.save(out, "JPEG", quality=85, optimize=True)
                body = out.getvalue()
        except (OSError, ValueError):
            raise Http404 from None  # the file is gone or unreadable: no photo rather than a 500
        cache.set(key, body, 60 * 60 * 24)
    response = HttpResponse(body, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    response["ETag"] = '"' + key.rsplit(":", 1)[1][:32] + '"'
    return response


@require_GET
def directory(request, year):
    number = year_or_none(year)
    edition = Edition.objects.filter(year=number, is_published=True).first() if number is not None else None
    if edition is None:
        return not_found(request, _("There is no edition for year %(year)s.") % {"year": year})
    roles, countries = edition_people_facets(edition)
    search = request.GET.get("q", "").strip()[:SEARCH_LIMIT]
    role = request.GET.get("role", "")
    country = request.GET.get("country", "")
    errors = []
    if role and role not in Role.values:
        errors.append(_("%(role)s is not a role in the programme.") % {"role": role[:40]})
    if country and country not in countries:
        errors.append(_("No one in the %(year)s programme is from %(country)s.") % {"year": edition.year, "country": country[:40]})
    context = {
        "edition": edition,
        "search": search,
        "role": role,
        "country": country,
        "role_choices": [(value, Role(value).label) for value in roles],
        "country_choices": [(code, _country_name(code)) for code in countries],
        "filtered": bool(search or role or country),
    }
    if errors:
        context["errors"] = errors
        return render(request, "people/directory.html", context, status=400)
    people = people_of_edition(edition, query=search, role=role, country=country).prefetch_related(edition_appearances_prefetch(edition))
    page = Paginator(people, PAGE_SIZE).get_page(ascii_int(request.GET.get("page", "")) or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"page": page, "total": page.paginator.count, "query": query.urlencode(), "countries": dict(context["country_choices"])})
    return render(request, "people/directory.html", context)


# The speaker's page (issue 22, "The speaker's side").

def _text(label, *, max_length: int | None = None, rows: int = 0):
    """A text field the service checks (`too_long` from it, not the form's own message): the
    browser is told the length, the form is not."""
    attrs = {"maxlength": max_length} if max_length else {}
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, strip=True, widget=widget)


class SpeakerAnswerForm(forms.Form):
    """What the speaker answers. The choices are radio buttons the service checks (unknown values
    get its codes); the files are checked by content there (invitations.photo_checked, slides_checked)."""

    answer = forms.CharField(
        label=gettext_lazy("Your answer"), required=False,
        widget=forms.RadioSelect(choices=[("confirm", gettext_lazy("I confirm: I will take part")), ("decline", gettext_lazy("I decline"))]),
    )
    attendance_mode = forms.CharField(label=gettext_lazy("How you take part"), required=False, widget=forms.RadioSelect(choices=AttendanceMode.choices))
    title_zh = _text(gettext_lazy("Your title as printed (Chinese)"), max_length=300)
    title_en = _text(gettext_lazy("Your title as printed (English)"), max_length=300)
    affiliation_zh = _text(gettext_lazy("Your affiliation as printed (Chinese)"), max_length=300)
    affiliation_en = _text(gettext_lazy("Your affiliation as printed (English)"), max_length=300)
    bio_zh = _text(gettext_lazy("Short bio (Chinese)"), max_length=invitations.BIO_MAX, rows=4)
    bio_en = _text(gettext_lazy("Short bio (English)"), max_length=invitations.BIO_MAX, rows=4)
    photo = forms.FileField(
        label=gettext_lazy("Photo"), required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=gettext_lazy("JPEG, PNG or WebP, at most 5 MB. Leave empty to keep the current one."),
    )
    slides = forms.FileField(
        label=gettext_lazy("Slides (PDF)"), required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=gettext_lazy("A PDF file, at most 20 MB. Leave empty to keep the current one."),
    )

    RADIOS = ("answer", "attendance_mode")


def _private(response):
    """A page at a private link: never cached, never indexed, and its address (the token) never sent
    to another site. "same-origin", not "no-referrer": with no-referrer Chromium posts the form with
    `Origin: null`, which Django's CSRF check refuses (found by tests/e2e/test_speaker_browser.py)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _speak_their_language(request, appearance) -> None:
    """The page in the invitation's language, unless the reader chose one (the language cookie)."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(appearance.language)
        request.LANGUAGE_CODE = translation.get_language()


def _link_refused(request, error: DomainError, token: str = ""):
    """The page for a link that does not open (link_invalid 404, link_expired or link_used 410)."""
    appearance = getattr(error, "appearance", None)
    if appearance is not None:
        _speak_their_language(request, appearance)
        if token:
            # The refusal's sentence was written in the language active when it was raised: ask
            # again, now in the invitation's language (one query more, on a refused link only).
            try:
                invitations.appearance_for_token(token)
            except DomainError as again:
                error = again
    context = {"code": error.code, "message": error.message, "appearance": appearance, "secretariat": settings.DEFAULT_FROM_EMAIL}
    return _private(render(request, "people/speaker_link.html", context, status=error.status))


@require_http_methods(["GET", "HEAD", "POST"])
def speaker_page(request, token):
    """The speaker's private page: the agenda item, the role and the printed title, and the form
    to answer. A refusal re-shows the form with what was typed (files must be chosen again) and
    saves nothing; after an answer the link is used up."""
    try:
        appearance = invitations.appearance_for_token(token)
    except DomainError as error:
        return _link_refused(request, error, token)
    _speak_their_language(request, appearance)
    person = appearance.person
    initial = {
        "answer": "confirm" if appearance.status == "confirmed" else "",
        "attendance_mode": appearance.attendance_mode,
        "title_zh": appearance.title_zh, "title_en": appearance.title_en,
        "affiliation_zh": appearance.affiliation_zh, "affiliation_en": appearance.affiliation_en,
        "bio_zh": person.bio_zh, "bio_en": person.bio_en,
    }
    form = SpeakerAnswerForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields if name not in ("photo", "slides")}
            try:
                appearance = invitations.speaker_answer(token, photo=form.cleaned_data["photo"], slides=form.cleaned_data["slides"], **data)
            except DomainError as error:
                if error.field == "token":  # answered meanwhile in another tab
                    return _link_refused(request, error, token)
                form_add_domain_error(form, error)
                status = error.status
            else:
                return _private(render(request, "people/speaker_done.html", {"appearance": appearance, "secretariat": settings.DEFAULT_FROM_EMAIL}))
        else:
            status = 400
    session = appearance.session
    context = {
        "appearance": appearance, "person": person, "session": session, "form": form,
        "started": invitations.session_started(session), "secretariat": settings.DEFAULT_FROM_EMAIL,
    }
    return _private(render(request, "people/speaker_page.html", context, status=status))
