"""The assistant's page and API (issue 25), and the help pages it links to.

- `/assistant/?q=…&edition=…`: a chat-style page. Without JavaScript it is a GET form, and the
  page answers the question in its query (the latest); static/companion/assistant.js, where it
  runs, asks the API instead and keeps the conversation on the page. Suggestions are built from
  the edition's own names. The answer is written in the page's language.
- `GET /api/v1/assistant/?q=…&edition=…&lang=zh|en`: `{intent, answer, items, links, edition,
  lang}` (AssistantAnswerSerializer). Refusals are coded: 400 `question_required`, `question_too_long`,
  `invalid_characters`, `unknown_language`; 404 `unknown_edition`; 429 `throttled`. A question
  in another language is answered 200 with the intent `unknown` and an honest sentence.
- `/editions/<year>/help/`: the edition's help pages and service points; `/editions/<year>/help/<key>/`: one page.

Both the page and the API are limited per client address (wic.security.client_ip): the API by a
DRF throttle, the page by django-ratelimit, each failing open when the cache cannot count
(wic.security). The API path is routed here: companion.urls is included at the site's root by
wic/urls.py, before the API router, so /api/v1/assistant/ needs no line of its own there."""
from datetime import timedelta

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from agenda.selectors import edition_by_year
from wic import degraded
from wic.errors import DomainError
from wic.inputs import year_or_none
from wic.models import Edition
from wic.security import FailOpenThrottleMixin, too_many_requests
from wic.selectors import current_of

from .assistant.answer import ITEM_TYPES, ask
from .assistant.intents import INTENTS
from .assistant.parsing import MAX_LENGTH, Refusal
from .models import HelpPage, ServicePoint

# Questions per client address and minute, for the page and the API each. A venue's guests may
# share one NAT address, hence not fewer; a question costs a few milliseconds.
RATE = "120/m"
LANGUAGES = ("zh", "en")


# -- what is asked ---------------------------------------------------------------------------------


def refusal_error(code: str) -> DomainError:
    messages = {
        "question_required": _("Ask a question: the parameter q is empty."),
        "question_too_long": _("The question is longer than %(max)d characters; ask it in fewer words.") % {"max": MAX_LENGTH},
        "invalid_characters": _("The question holds a control character, which no question may hold; type it again without it."),
    }
    return DomainError(code, messages[code], field="q")


def checked_question(raw) -> str:
    from .assistant.parsing import check_question

    try:
        return check_question(raw)
    except Refusal as refusal:
        raise refusal_error(refusal.code) from None


def published_editions() -> list:
    return list(Edition.objects.filter(is_published=True).order_by("-year"))


def edition_asked(raw, editions: list):
    """The edition of year `raw`, or the one the site opens on (wic.selectors.current_of) when
    `raw` is empty; DomainError `unknown_edition` (404) for a year with no published edition."""
    if raw in (None, ""):
        edition = current_of(editions, timezone.localdate())
        if edition is not None:
            return edition
    else:
        year = year_or_none(raw)
        for edition in editions:
            if edition.year == year:
                return edition
    raise DomainError("unknown_edition", _("There is no published edition for year %(year)s.") % {"year": str(raw)[:10] or "—"}, field="edition", status=404)


def language_asked(raw) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in LANGUAGES:
        raise DomainError("unknown_language", _("lang must be zh or en, not %(lang)s.") % {"lang": str(raw)[:10]}, field="lang")
    return raw


def page_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


# -- the API ---------------------------------------------------------------------------------------


class AssistantRateThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Questions per client address (signed in or not); open when the cache cannot count."""

    scope = "assistant"
    rate = RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# Documented by a pattern rather than an enum: drf-spectacular names enums after their field, and
# "type" is taken by other choice sets (an enum here would need an ENUM_NAME_OVERRIDES entry).
@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(ITEM_TYPES) + ")$"})
class ItemTypeField(serializers.CharField):
    pass


class AssistantItemSerializer(serializers.Serializer):
    type = ItemTypeField(help_text="What the item is: " + ", ".join(f"`{t}`" for t in ITEM_TYPES) + " (an agenda session, a person, an approved exhibitor, a hall, an expo zone, a service point, a help page).")
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="Its name or title in the answer's language.")
    url = serializers.CharField(help_text="Its public page (a path on this site).")


class AssistantLinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()


class AssistantAnswerSerializer(serializers.Serializer):
    intent = serializers.ChoiceField(choices=INTENTS, help_text="What the question was read as; `unknown` when nothing matched or the question is in another language.")
    answer = serializers.CharField(help_text="The answer, in `lang`, written from the edition's records.")
    items = AssistantItemSerializer(many=True, help_text="What the answer names, most relevant first (at most 8).")
    links = AssistantLinkSerializer(many=True, help_text="Searches to try when the answer is `unknown`; empty otherwise.")
    edition = serializers.IntegerField(help_text="The year of the edition answered about.")
    lang = serializers.ChoiceField(choices=LANGUAGES)


class AssistantView(APIView):
    """`GET /api/v1/assistant/`: see the module's docstring."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)
    throttle_classes = (AssistantRateThrottle,)

    @extend_schema(
        summary="Ask the assistant",
        description=(
            "A question in Chinese or English about an edition, answered from its published agenda, people, approved exhibitors, "
            "service points and help pages: what is on (now, at 15:00, tomorrow morning; in a hall or a board), where a hall, "
            "zone, exhibitor or service point is, when and where a person speaks, which sessions an organization hosts, how to "
            "get a badge, a visa letter or a pickup. Times are read in Beijing time. Nothing private is ever in an answer. "
            "Limited per client address."
        ),
        parameters=[
            OpenApiParameter("q", str, required=True, description=f"The question, 1 to {MAX_LENGTH} characters."),
            OpenApiParameter("edition", int, description="The edition's year; the current edition when left out."),
            OpenApiParameter("lang", str, enum=list(LANGUAGES), description="The answer's language; the question's when left out."),
        ],
        responses={
            200: AssistantAnswerSerializer,
            400: OpenApiResponse(description="`question_required`, `question_too_long`, `invalid_characters`, `unknown_language`"),
            404: OpenApiResponse(description="`unknown_edition`: no published edition of that year"),
            429: OpenApiResponse(description="Too many questions from this address (`throttled`)"),
        },
        auth=[],
    )
    def get(self, request):
        question = checked_question(request.query_params.get("q"))
        lang = language_asked(request.query_params.get("lang"))
        edition = edition_asked(request.query_params.get("edition"), published_editions())
        if lang is None:
            from .assistant.parsing import HAN

            lang = "zh" if HAN.search(question) else "en"
        return Response(AssistantAnswerSerializer(ask(question, edition=edition, lang=lang).as_dict()).data)


# -- the page --------------------------------------------------------------------------------------


def _page_limited(request) -> int | None:
    """Seconds to wait when this address asked too many questions on the page, else None."""
    from django_ratelimit.core import get_usage

    with degraded.cache_watch() as failed:
        usage = get_usage(request, group="assistant-page", key="ip", rate=RATE, method="GET", increment=True)
    if failed():
        degraded.record("rate_limits_open", "rate limit assistant-page: the cache could not count")
        return None
    if usage is not None and usage["should_limit"]:
        return usage["time_left"]
    return None


def suggestions(edition, lang: str) -> list[str]:
    """Example questions built from the edition's own names (each one the assistant answers)."""
    from .assistant.index import index_for, pick

    index = index_for(edition)
    zh = lang == "zh"
    found = []
    halls = [index.halls[s.hall_id] for s in index.ordered_sessions() if s.hall_id in index.halls]
    if halls:
        name = pick(halls[0].name_zh, halls[0].name_en, lang)
        found.append(f"{name}现在有什么活动？" if zh else f"What's on in {name} now?")
        today = timezone.localdate()
        if today in index.days and today + timedelta(days=1) in index.days:
            found.append("明天上午有什么？" if zh else "What's on tomorrow morning?")
        elif index.days:
            day = index.days[0] if today < index.days[0] else index.days[-1]
            found.append(f"{day.month}月{day.day}日上午有什么？" if zh else f"What's on {day:%b} {day.day} in the morning?")
    people = sorted(index.people.values(), key=lambda p: -len(p.appearances))
    if people:
        name = pick(people[0].name_zh, people[0].name_en, lang)
        found.append(f"{name}什么时候演讲？" if zh else f"When does {name} speak?")
    exhibitors = [e for e in index.exhibitors.values() if e.booths]
    if exhibitors:
        name = pick(exhibitors[0].name_zh, exhibitors[0].name_en, lang)
        found.append(f"{name}的展位在哪？" if zh else f"Where is {name}'s booth?")
    kinds = {p.kind for p in index.points.values()}
    if "restroom" in kinds:
        found.append("洗手间在哪？" if zh else "Where is the restroom?")
    elif "information" in kinds:
        found.append("咨询台在哪？" if zh else "Where is the information desk?")
    keys = {p.key for p in index.pages.values()}
    if "badge" in keys:
        found.append("怎么领取证件？" if zh else "How do I get my badge?")
    elif index.pages:
        page = next(iter(index.pages.values()))
        found.append(pick(page.title_zh, page.title_en, lang))
    return found


def item_labels() -> dict:
    return {
        "session": _("Session"), "person": _("Person"), "exhibitor": _("Exhibitor"), "hall": _("Hall"),
        "zone": _("Expo zone"), "service_point": _("Service point"), "page": _("Help"),
    }


def for_page(answer) -> dict:
    """The answer as the page shows it: each item with the words for its type."""
    labels = item_labels()
    data = answer.as_dict()
    for item in data["items"]:
        item["label"] = labels.get(item["type"], "")
    return data


@require_GET
def assistant_page(request):
    editions = published_editions()
    lang = page_language()
    context = {"editions": editions, "max_length": MAX_LENGTH, "lang": lang, "labels": item_labels()}
    try:
        edition = edition_asked(request.GET.get("edition"), editions)
    except DomainError as error:
        return render(request, "404.html", {"message": error.message}, status=404)
    context["edition"] = edition
    raw = request.GET.get("q")
    status = 200
    if raw is not None and raw.strip():
        context["question"] = raw.strip()[: MAX_LENGTH * 2]
        try:
            question = checked_question(raw)
        except DomainError as error:
            context["error"], status = error, 400
        else:
            wait = _page_limited(request)
            if wait is not None:
                return too_many_requests(request, wait)
            context["answer"] = for_page(ask(question, edition=edition, lang=lang))
    context["suggestions"] = suggestions(edition, lang)
    return render(request, "companion/assistant.html", context, status=status)


# -- help pages ------------------------------------------------------------------------------------


def _no_edition(request, year: str):
    return render(request, "404.html", {"message": _("There is no edition for year %(year)s.") % {"year": year[:10]}}, status=404)


@require_GET
def help_index(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return _no_edition(request, year)
    pages = list(HelpPage.objects.filter(edition=edition).order_by("key"))
    points = list(ServicePoint.objects.filter(edition=edition).select_related("venue").order_by("venue__name_zh", "kind", "name_zh", "id"))
    return render(request, "companion/assistant_help.html", {"edition": edition, "pages": pages, "points": points})


@require_GET
def help_page(request, year, key):
    edition = edition_by_year(year)
    if edition is None:
        return _no_edition(request, year)
    page = HelpPage.objects.filter(edition=edition, key=key[:40]).first()
    if page is None:
        return render(request, "404.html", {"message": _("Edition %(year)s has no help page %(key)s.") % {"year": edition.year, "key": key[:40]}}, status=404)
    return render(request, "companion/assistant_help_page.html", {"edition": edition, "page": page})


urlpatterns = [
    path("assistant/", assistant_page, name="assistant"),
    path("api/v1/assistant/", AssistantView.as_view(), name="api-assistant"),
    path("editions/<str:year>/help/", help_index, name="help"),
    path("editions/<str:year>/help/<str:key>/", help_page, name="help-page"),
]
