"""Public pages of people: a person's page with every public appearance across editions, and an
edition's directory of people (search in Chinese, English or pinyin; filters by role and country).

The app imports the core only (docs/architecture.md): an edition is found here through the core's
model, and sessions are reached through the ORM (appearance.session, session.edition)."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wic.inputs import ascii_int, year_or_none
from wic.models import Edition

from .enums import Role
from .selectors import edition_appearances_prefetch, edition_people_facets, people_of_edition, person_for_page

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
