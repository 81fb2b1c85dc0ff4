"""Attendee pages: editions, the agenda grid/list, session pages, "My agenda" (with the notices of
changes to starred sessions, agenda.session_alerts), and the exports.

Public pages and exports are served from the versioned cache to anonymous visitors (see
agenda.cache); signed-in visitors, whose pages carry their stars, always get a fresh render. Both
draw the agenda's session cards from the card cache (agenda.cache.day_cards), the stars written
in at each render; an anonymous agenda page's frame (all but its cards) comes from the frame
cache (agenda.cache.framed).
"""
import json
from contextlib import nullcontext
from datetime import date
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from wic import db_router, degraded
from wic.errors import DomainError
from wic.page_errors import errors_by_label
from wic.inputs import ascii_int, json_loads, year_or_none
from wic.models import Edition

from . import cache as agenda_cache
from . import day_rows, exports, services, session_alerts
from .filters import AgendaFilter
from .models import AgendaFeed, Session, Star
from .selectors import (
    UNDATED,
    agenda_day_counts,
    agenda_days,
    agenda_options,
    edition_by_year,
    for_cards,
    session_neighbours,
    sessions_for_agenda,
    sessions_for_listing,
    speakers_by_role,
    starred_ids,
)
from .templatetags.agenda_cards import card_html
from .timetable import build_timetable, find_overlaps, timetable_of_rows

PUBLIC_HEADERS = {"Vary": "Accept-Language, Cookie"}
AGENDA_PARAMS = ("day", "near", "hall", "board", "kind", "access", "host", "search")


def not_found(request, message: str):
    return render(request, "404.html", {"message": message}, status=404)


def no_edition(request, year: str):
    return not_found(request, _("There is no edition for year %(year)s.") % {"year": year})


def _keep_only(request, params: tuple[str, ...]) -> None:
    """Drop query parameters the view does not read (utm_source, cache busters...), so they can
    neither bypass the cache nor fill it, and links built from the path stay canonical."""
    from django.http import QueryDict

    kept = QueryDict(mutable=True)
    for name in params:
        values = [v for v in request.GET.getlist(name) if v != ""]
        if values:
            kept.setlist(name, values[:1])
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def public_cache(kind: str, cors: bool = False, params: tuple[str, ...] = ()):
    """Serve anonymous GETs from the versioned cache with an ETag; 304 on a matching If-None-Match.
    Only `params` take part in the page (and its cache key); other query parameters are dropped."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, year, *args, **kwargs):
            _keep_only(request, params)
            # Not a year: the view answers 404 uncached (a year from the URL is in the cache keys,
            # and each new one would leave a version key behind for good).
            if request.method != "GET" or request.user.is_authenticated or year_or_none(year) is None:
                response = view(request, year, *args, **kwargs)
                response["Cache-Control"] = "private, no-cache"
                return response
            key = agenda_cache.page_key(kind, year, get_language() or "", request.get_full_path())
            entry = cache.get(key) if key is not None else None
            if entry is None:
                # A page about to be kept under the edition's new version reads the primary: a
                # lagging replica (wic.db_router) would keep the edit out of it until the next one.
                # Uncached (the cache down), it may read the replica.
                with db_router.primary() if key is not None else nullcontext():
                    response = view(request, year, *args, **kwargs)
                if response.status_code != 200:
                    return response
                entry = agenda_cache.page_entry(response.content, response["Content-Type"])
                if key is None:  # the cache is down: served uncached, counted
                    degraded.record("agenda_uncached", request.path)
                else:
                    cache.set(key, entry, agenda_cache.TTL)
            etag = agenda_cache.entry_etag(entry)
            headers = {"ETag": etag, "Cache-Control": "public, no-cache", **PUBLIC_HEADERS}
            if cors:
                headers["Access-Control-Allow-Origin"] = "*"
            if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
                response = HttpResponseNotModified()
            else:
                response = HttpResponse(entry["content"], content_type=entry["type"])
            for name, value in headers.items():
                response[name] = value
            return response

        return wrapper

    return decorator


@require_GET
def edition_list(request):
    editions = Edition.objects.filter(is_published=True).prefetch_related("figures").order_by("-year")
    return render(request, "agenda/edition_list.html", {"editions": editions, "today": timezone.localdate()})


@require_GET
@public_cache("edition")
def edition_detail(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    from agenda.models import Outcome
    from wic import contrib
    from wic.models import EditionOrganization

    figures = list(edition.figures.all())
    groups = {"summit": _("The summit"), **{g.key: g.label for g in contrib.ordered(contrib.FigureGroup)}}
    context = {
        "edition": edition,
        "figure_groups": [(key, label, [f for f in figures if f.group == key]) for key, label in groups.items() if any(f.group == key for f in figures)],
        "boards": list(edition.boards.all()),
        "roles": list(EditionOrganization.objects.filter(edition=edition).select_related("organization")),
        "outcomes": list(Outcome.objects.filter(edition=edition).select_related("session").order_by("session__sort_key", "sort_order", "id")),
        "session_count": Session.objects.filter(edition=edition, is_published=True).count(),
        "upcoming": not edition.has_ended(timezone.localdate()),
    }
    return render(request, "agenda/edition_detail.html", context)


def _default_day(days, counts):
    """Today when it has matches, else the summit's first day with matches (never a pre-event day
    weeks ahead while the summit has matches), else any day with matches, else the first day."""
    today = timezone.localdate()
    if today in days.days and counts.get(today):
        return today
    for day in (*days.summit_days, *days.days, *((UNDATED,) if days.undated else ())):
        if counts.get(day):
            return day
    return days.summit_days[0] if days.summit_days else None


def _parse_day(raw: str):
    """A `day` or `near` parameter: a date, UNDATED, or None where it is neither."""
    if raw == UNDATED:
        return UNDATED
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


AGENDA_SELECT_FILTERS = ("hall", "board", "kind", "access", "host")


def hall_cues(columns: int) -> dict[str, dict[int, str]]:
    """The texts of the grid's "N more halls" cues for every N the day can hide, in the page's
    language: how many halls are off-screen depends on the screen, so static/js/agenda.js picks
    the text once it has measured."""
    return {
        "more": {n: ngettext("%(n)s more hall →", "%(n)s more halls →", n) % {"n": n} for n in range(1, columns + 1)},
        "less": {n: ngettext("← %(n)s hall", "← %(n)s halls", n) % {"n": n} for n in range(1, columns + 1)},
    }


def _day_of(request, days, counts):
    """The day to show (a date, UNDATED or None), or the error of a `day` parameter that is not
    one of the edition's days."""
    raw_day = request.GET.get("day", "")
    if raw_day:
        day = _parse_day(raw_day)
        if day is None or day not in days:
            return None, {_("Day"): [_("%(day)s is not a day of this edition.") % {"day": raw_day}]}
        return day, None
    # After applying filters, stay on the day being viewed if it still has matches.
    near = _parse_day(request.GET.get("near", ""))
    return (near if near is not None and near in days and counts.get(near) else _default_day(days, counts)), None


def _day_context(request, day, days, counts, timetable, filtered: bool) -> dict:
    query = request.GET.copy()
    query.pop("day", None)
    query.pop("near", None)
    return {
        "day": day,
        "tabs": [(d, counts.get(d, 0)) for d in days.summit_days],
        "pre_event_tabs": [(d, counts.get(d, 0)) for d in days.days if d in days.pre_event],
        "undated_tab": counts.get(UNDATED, 0) if days.undated else None,
        "undated": UNDATED,
        "pre_event_days": days.pre_event,
        "base_query": query.urlencode(),
        "timetable": timetable,
        "hall_cues": hall_cues(len(timetable.column_firsts)) if timetable and timetable.has_grid else None,
        "select_filters": sum(1 for k in AGENDA_SELECT_FILTERS if request.GET.get(k)),
        "filtered": filtered,
        "total": sum(counts.values()),
    }


@require_GET
@public_cache("agenda", params=AGENDA_PARAMS)
def agenda(request, year):
    """The agenda, one day at a time. Its uncached render (issue 26, "cold paths") reads the day as
    plain rows (agenda.day_rows), takes each session's card from the card cache and the rest of
    the page, its frame, from the frame cache, each keyed by a digest of what it shows: after an
    edit, only what the edit changed is rendered again (see agenda.cache)."""
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    if not agenda_cache.cards_enabled():
        return _agenda_before_issue_26(request, edition)
    choice_rows = day_rows.filter_choice_rows(edition)
    filters = None

    def the_filters():
        nonlocal filters
        if filters is None:
            filters = AgendaFilter(request.GET or None, queryset=sessions_for_agenda(edition), **day_rows.filter_choices(choice_rows))
        return filters

    context = {"edition": edition}
    filtered = any(v for k, v in request.GET.items() if k not in ("day", "near"))
    if filtered and not the_filters().is_valid():
        context.update({"filter": the_filters(), "days": agenda_days(edition), "errors": errors_by_label(the_filters().form)})
        return render(request, "agenda/agenda.html", context, status=400)
    matching = the_filters().qs if filtered else None
    # The tabs' counts in one grouped query; only the shown day's sessions are read (below).
    days, counts = agenda_day_counts(edition, matching)
    context["days"] = days
    day, errors = _day_of(request, days, counts)
    if errors:
        context.update({"filter": the_filters(), "errors": errors})
        return render(request, "agenda/agenda.html", context, status=400)
    language = get_language() or ""
    timetable, cards = None, {}
    if day:
        date_or_none = None if day == UNDATED else day
        rows = day_rows.day_rows(edition, date_or_none, matching)
        roles, appearances = day_rows.card_detail_rows(edition, date_or_none, [row.id for row in rows] if filtered else None)
        cards = agenda_cache.day_cards(rows, roles, appearances, edition, language)
        timetable = timetable_of_rows(date_or_none, rows.rows, lambda firsts: day_rows.column_halls(rows, firsts))
    context.update(_day_context(request, day, days, counts, timetable, filtered))
    starred = starred_ids(request.user, edition)

    def filters_html() -> str:
        """The filter form, from its own cache: keyed by what it shows."""
        shown = (edition.year, day, bool(request.GET), sorted((k, v) for k, v in request.GET.items() if k not in ("day", "near")), choice_rows.rows)
        form = {name: context[name] for name in ("edition", "day", "undated", "select_filters", "filtered")}
        return agenda_cache.fragment("filters", language, shown, lambda: get_template(agenda_cache.FILTERS_TEMPLATE).render({**form, "filter": the_filters()}))

    def render_page(fillers: list) -> str:
        """The page with `fillers` for its cards: the grid's (when it has one), then each period's."""
        grid = fillers[0] if timetable and timetable.has_grid else None
        untimed = fillers[1:] if grid is not None else fillers
        page = {**context, "filters_html": filters_html(), "starred": starred, "grid_cards": grid, "untimed_cards": untimed}
        return render_to_string("agenda/agenda.html", page, request)

    slots = _card_slots(timetable, cards, starred)
    if request.user.is_authenticated:  # the page names the visitor: no shared frame
        return HttpResponse(render_page(slots))
    key = agenda_cache.frame_key("agenda", language, _frame_inputs(request, edition, choice_rows, days, counts, day, timetable))
    return HttpResponse(agenda_cache.framed(key, render_page, slots))


def _card_slots(timetable, cards: dict, starred: set) -> list[list]:
    """The cards' HTML in the page's order: the grid's (when it has one), then each period's list."""
    if timetable is None:
        return []
    slots = [[card_html(cards[p.session.id], p, p.session.id in starred) for p in timetable.placed]] if timetable.has_grid else []
    return slots + [[card_html(cards[s.id], None, s.id in starred) for s in items] for _period, items in timetable.untimed]


def _frame_inputs(request, edition, choice_rows, days, counts: dict, day, timetable) -> tuple:
    """Everything an anonymous agenda page shows outside its cards (its frame's key, with the
    language and the release): its address (the language links hold it; the filters are in it),
    the edition, the filter choices, the day tabs and their counts, the day, and of the day's
    timetable its columns' halls (as read), rows, time labels, count and periods."""
    timetable_shown = timetable and (
        tuple(row.hall_shown() for row in timetable.column_firsts),
        timetable.rows,
        timetable.time_labels,
        timetable.session_count,
        [period for period, _items in timetable.untimed],
    )
    return (
        request.get_full_path(),
        timezone.get_current_timezone_name(),
        tuple(getattr(edition, f.attname) for f in edition._meta.concrete_fields),
        choice_rows.rows,
        (days.days, sorted(days.pre_event), days.undated, sorted(counts.items(), key=lambda item: str(item[0]))),
        day,
        timetable_shown,
    )


def _agenda_before_issue_26(request, edition):
    """The page as before issue 26 (setting AGENDA_CARD_CACHE = False, for bench/agenda_cold.py's
    comparison): every session of the edition loaded to count the tabs, every card rendered."""
    halls, boards, hosts = agenda_options(edition)
    filterset = AgendaFilter(request.GET or None, queryset=sessions_for_agenda(edition), halls=halls, boards=boards, hosts=hosts)
    context = {"edition": edition, "filter": filterset}
    if request.GET and not filterset.is_valid():
        context.update({"days": agenda_days(edition), "errors": errors_by_label(filterset.form)})
        return render(request, "agenda/agenda.html", context, status=400)
    filtered = any(v for k, v in request.GET.items() if k not in ("day", "near"))
    days, all_sessions = agenda_days(edition), list(filterset.qs)
    counts = {}
    for s in all_sessions:
        key = UNDATED if s.date is None else s.date
        counts[key] = counts.get(key, 0) + 1
    context["days"] = days
    day, errors = _day_of(request, days, counts)
    if errors:
        context["errors"] = errors
        return render(request, "agenda/agenda.html", context, status=400)
    timetable = None
    if day:
        shown = for_cards([s for s in all_sessions if (s.date is None if day == UNDATED else s.date == day)])
        timetable = build_timetable(None if day == UNDATED else day, shown)
    context.update(_day_context(request, day, days, counts, timetable, filtered))
    context["starred"] = starred_ids(request.user, edition)
    return render(request, "agenda/agenda.html", context)


@require_GET
@public_cache("session")
def session_detail(request, year, pk):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    session = sessions_for_listing().filter(edition=edition, pk=pk).first()
    if session is None:
        return not_found(request, _("Edition %(year)s has no session %(id)s.") % {"year": year, "id": pk})
    previous, following = session_neighbours(session)
    context = {
        "edition": edition,
        "session": session,
        "previous": previous,
        "following": following,
        "starred": starred_ids(request.user, edition),
        "speaker_groups": speakers_by_role(session),
    }
    return render(request, "agenda/session_detail.html", context)


MAX_ANONYMOUS_STARS = 300


def _parse_ids(raw: str) -> list[int] | None:
    ids = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        number = ascii_int(part, 12)
        if number is None:
            return None
        ids.append(number)
    return ids[:MAX_ANONYMOUS_STARS]


@require_GET
def my_agenda(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    context = {"edition": edition}
    if request.user.is_authenticated:
        ids = starred_ids(request.user, edition)
        context["feed"] = AgendaFeed.objects.filter(user=request.user).first()
        context["notices"] = session_alerts.unread_notices(request.user, edition)
    else:
        ids = _parse_ids(request.GET.get("s", ""))
        if ids is None:
            context["errors"] = [_("The list of starred sessions in the address is not valid.")]
            return render(request, "agenda/my_agenda.html", context, status=400)
    sessions = for_cards(list(sessions_for_agenda(edition).filter(pk__in=ids)))
    context.update({"sessions": sessions, "overlaps": find_overlaps(sessions), "starred": {s.pk for s in sessions}})
    response = render(request, "agenda/my_agenda.html", context)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
def star(request, year, pk):
    """Signed-in: star or unstar (`starred=1|0`) on the server. JSON for the page's script, a redirect otherwise."""
    if not request.user.is_authenticated:
        return JsonResponse({"code": "not_authenticated", "message": _("Sign in to keep stars on the server.")}, status=401)
    edition = edition_by_year(year)
    session = Session.objects.filter(edition=edition, pk=pk, is_published=True).first() if edition else None
    if session is None:
        return JsonResponse({"code": "not_found", "message": _("Edition %(year)s has no session %(id)s.") % {"year": year, "id": pk}}, status=404)
    raw = request.POST.get("starred", "1")
    if raw not in ("0", "1"):
        return JsonResponse({"code": "invalid", "message": _("starred must be 0 or 1.")}, status=400)
    state = services.star_set(user=request.user, session=session, starred=raw == "1", language=get_language() or "")
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"session": session.pk, "starred": state})
    return redirect(request.POST.get("next") or reverse("agenda:session", args=[edition.year, session.pk]))


@require_POST
def stars_merge(request, year):
    """Merge the stars kept in the browser before sign-in: body {"sessions": [ids]}."""
    if not request.user.is_authenticated:
        return JsonResponse({"code": "not_authenticated", "message": _("Sign in to keep stars on the server.")}, status=401)
    edition = edition_by_year(year)
    if edition is None:
        return JsonResponse({"code": "not_found", "message": _("There is no edition for year %(year)s.") % {"year": year}}, status=404)
    try:
        payload = json_loads(request.body or b"{}")
        ids = [ascii_int(i) for i in payload.get("sessions", [])]
        if None in ids:
            raise ValueError("not an id")
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"code": "invalid", "message": _("Send {\"sessions\": [session ids]}.")}, status=400)
    try:
        added = services.stars_merge(user=request.user, edition=edition, session_ids=ids, language=get_language() or "")
    except DomainError as error:
        return JsonResponse({"code": error.code, "message": error.message}, status=error.status)
    return JsonResponse({"added": added, "starred": sorted(starred_ids(request.user, edition))})


@login_required
@require_POST
def notice_dismiss(request, year, pk):
    """Dismiss one change notice of "My agenda" (a form's POST: works without JavaScript)."""
    if not session_alerts.session_notice_dismiss(user=request.user, notice_id=pk):
        return not_found(request, _("You have no such notice."))
    return redirect(reverse("agenda:my-agenda", args=[year]))


@login_required
@require_POST
def feed_create(request, year):
    services.agenda_feed_get_or_create(user=request.user, regenerate=request.POST.get("regenerate") == "1")
    return redirect(reverse("agenda:my-agenda", args=[year]))


@require_GET
def personal_feed(request, token):
    feed = AgendaFeed.objects.filter(token=token).select_related("user").first()
    if feed is None:
        return HttpResponse(_("Unknown or replaced calendar link."), status=404, content_type="text/plain; charset=utf-8")
    stars = Star.objects.filter(user=feed.user).values_list("session_id", flat=True)
    sessions = list(sessions_for_listing().filter(pk__in=stars))
    editions = {s.edition_id: s.edition for s in sessions}
    edition = next(iter(editions.values()), None) or Edition.objects.order_by("-year").first()
    body = exports.agenda_ics(
        edition=edition, sessions=sessions, base_url=request.build_absolute_uri("/").rstrip("/"), calendar_name=_("My WIC agenda")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response


def _export(kind: str, content_type: str, render_body):
    @require_GET
    @public_cache(kind, cors=True)
    def view(request, year):
        edition = edition_by_year(year)
        if edition is None:
            return HttpResponse(_("There is no edition for year %(year)s.") % {"year": year}, status=404, content_type="text/plain; charset=utf-8")
        if kind != "ics" and not edition.has_dates:
            # The frab schedule needs the conference's first and last day; the texts give none for this
            # edition (2015, 2016), and none is invented. The iCal feed lists what is known.
            return HttpResponse(
                _("There is no schedule for %(year)s: the texts give no dates for that edition. The calendar (iCal) lists what is known.") % {"year": edition.year},
                status=404, content_type="text/plain; charset=utf-8",
            )
        sessions = list(sessions_for_listing().filter(edition=edition))
        body = render_body(edition=edition, sessions=sessions, base_url=request.build_absolute_uri("/").rstrip("/"))
        response = HttpResponse(body, content_type=content_type)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return view


agenda_ics = _export("ics", "text/calendar; charset=utf-8", lambda **kw: exports.agenda_ics(**kw))
schedule_json = _export(
    "json",
    "application/json; charset=utf-8",
    lambda **kw: json.dumps(exports.schedule_json(**kw), ensure_ascii=False, indent=1).encode(),
)
schedule_xml = _export("xml", "application/xml; charset=utf-8", lambda **kw: exports.schedule_xml(**kw))
