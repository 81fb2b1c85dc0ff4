"""Public pages of the expo (directory, exhibitor pages, zone map, recruitment list), the
application form, and the exhibitors' and guests' own pages. Every rule is expo.services'."""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda.selectors import edition_by_year
from agenda.views import no_edition, not_found
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error, messages_add_domain_error
from wic.inputs import ascii_int, year_or_none

from . import permissions, selectors, services
from .enums import ExpoField
from .forms import ApplicationForm, ExhibitorEditForm, LaunchForm, MeetingForm, OpeningForm
from .models import Exhibitor, Expo, Launch, MeetingRequest, Section, TalentListing, Zone

PAGE_SIZE = 60


def _add_error(form, error: DomainError) -> None:
    form_add_domain_error(form, error)


def _edition_or_404(request, year):
    edition = edition_by_year(year)
    return edition, (no_edition(request, year) if edition is None else None)


def _figure(figure) -> str:
    return f"{figure.value}+" if figure.qualifier == "at_least" else (f"≈{figure.value}" if figure.qualifier in ("about", "nearly") else str(figure.value))


def headline(figures: selectors.ExpoFigures) -> tuple[str, str]:
    """The expo's headline and a note: computed from the directory when its data is complete,
    else the text's reported figures, marked as reported, with how many the directory lists."""
    from django.utils.translation import ngettext

    listed = ngettext("%(n)s exhibitor listed", "%(n)s exhibitors listed", figures.listed) % {"n": figures.listed}
    if figures.complete:
        text = ngettext(
            "%(n)s exhibitor from %(c)s countries and regions", "%(n)s exhibitors from %(c)s countries and regions", figures.listed
        ) % {"n": figures.listed, "c": figures.listed_countries}
        return text, ""
    if figures.reported_exhibitors is not None:
        reported = figures.reported_exhibitors
        if figures.reported_countries is not None:
            text = _("%(n)s exhibitors from %(c)s countries and regions (reported)") % {"n": _figure(reported), "c": _figure(figures.reported_countries)}
        else:
            text = _("%(n)s exhibitors (reported)") % {"n": _figure(reported)}
        note = _("Figure as the source text reports it; the directory below lists only the exhibitors the texts name or that applied here: %(listed)s.") % {"listed": listed}
        return text, note
    return listed, ""


def directory(request, year):
    """The exhibitors of an edition, filterable by zone, field and country, searchable in Chinese
    and English, with counts per country and per field. A fixed number of queries per page."""
    edition, missing = _edition_or_404(request, year)
    if missing:
        return missing
    zones = list(Zone.objects.filter(edition=edition).order_by("sort_order", "key"))
    zone = request.GET.get("zone", "")
    zone = ascii_int(zone)
    zone = zone if zone is not None and any(z.pk == zone for z in zones) else None
    field = request.GET.get("field", "")
    field = field if field in ExpoField.values else ""
    country = request.GET.get("country", "").upper()[:2]
    search = request.GET.get("q", "").strip()[: selectors.SEARCH_LIMIT]
    figures = selectors.expo_figures(edition)
    filtered = bool(zone or field or country or search)
    base = selectors.exhibitors_public(edition)
    results = selectors.exhibitors_filtered(base, zone=zone, field=field, country=country, search=search)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    per_country = selectors.counts_per_country(results) if filtered else figures.per_country
    per_field = selectors.counts_per_field(results)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "edition": edition,
        "expo": Expo.objects.filter(edition=edition).first(),
        "sections": list(Section.objects.filter(edition=edition).order_by("number", "key")),
        "zones": zones,
        "zone": zone,
        "field": field,
        "country": country,
        "search": search,
        "fields": ExpoField.choices,
        "figures": figures,
        "headline": headline(figures),
        "filtered": filtered,
        "page": page,
        "total": page.paginator.count,
        "per_country": per_country,
        "per_field": per_field,
        "query": query.urlencode(),
    }
    return render(request, "expo/directory.html", context)


def exhibitor_page(request, year, pk):
    edition, missing = _edition_or_404(request, year)
    if missing:
        return missing
    exhibitor = selectors.exhibitor_for_page(edition, pk)
    if exhibitor is None:
        return not_found(request, _("No approved exhibitor has this address."))
    form = MeetingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                services.meeting_request(
                    exhibitor=exhibitor, guest=request.user, start=form.cleaned_data["start"], minutes=form.cleaned_data["minutes"],
                    message=form.cleaned_data["message"], language=get_language(),
                )
            except DomainError as error:
                _add_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your request has been sent to %(name)s.") % {"name": exhibitor.name})
                return redirect("expo:meetings", year=edition.year)
        else:
            status = 400
    can_edit = services.is_representative(request.user, exhibitor)
    from django.utils import timezone

    expo_open = edition.has_dates and not edition.has_ended(timezone.localdate())
    context = {"edition": edition, "exhibitor": exhibitor, "form": form, "can_edit": can_edit, "expo_open": expo_open}
    return render(request, "expo/exhibitor_detail.html", context, status=status)


def _own_exhibitor(request, year, pk):
    """(edition, exhibitor, error response): the exhibitor if the user represents it."""
    if not request.user.is_authenticated:
        return None, None, redirect_to_login(request.get_full_path())
    edition, missing = _edition_or_404(request, year)
    if missing:
        return None, None, missing
    exhibitor = Exhibitor.objects.filter(edition=edition, pk=pk).select_related("organization").first()
    if exhibitor is None:
        return None, None, not_found(request, _("No exhibitor has this address."))
    if not services.is_representative(request.user, exhibitor):
        if not permissions.is_public(exhibitor):
            # Not in the public directory: to anyone else it does not exist (no name is given away).
            return None, None, not_found(request, _("No exhibitor has this address."))
        message = _("You do not represent %(name)s; only its representatives and the organizers can do this.") % {"name": exhibitor.organization.name_zh}
        return None, None, render(request, "403.html", {"message": message}, status=403)
    return edition, exhibitor, None


def exhibitor_edit(request, year, pk):
    """A representative's page: edit the entry, post openings, put launches on the stage."""
    edition, exhibitor, error_response = _own_exhibitor(request, year, pk)
    if error_response:
        return error_response
    initial = {name: getattr(exhibitor, name) for name in ("products_zh", "products_en", "description_zh", "description_en", "website", "contact_name", "contact_email", "contact_phone")}
    initial["fields"] = exhibitor.field_codes
    form = ExhibitorEditForm(initial=initial)
    opening_form, launch_form = OpeningForm(prefix="opening"), LaunchForm(prefix="launch")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "edit")
        try:
            if action == "opening":
                opening_form = OpeningForm(request.POST, prefix="opening")
                if opening_form.is_valid():
                    data = opening_form.cleaned_data
                    services.opening_create(
                        exhibitor=exhibitor, actor=request.user, title_zh=data["title_zh"], title_en=data["title_en"], field=data["field"],
                        city=data["city"], count=data["count"] if data["count"] is not None else 0, description=data["description"],
                    )
                    messages.success(request, _("The opening is on the recruitment list."))
                    return redirect("expo:edit", year=edition.year, pk=exhibitor.pk)
                status = 400
            elif action == "close-opening":
                listing = TalentListing.objects.filter(exhibitor=exhibitor, pk=request.POST.get("listing") or 0).first()
                if listing is not None:
                    services.opening_close(listing=listing, actor=request.user)
                return redirect("expo:edit", year=edition.year, pk=exhibitor.pk)
            elif action == "launch":
                launch_form = LaunchForm(request.POST, prefix="launch")
                if launch_form.is_valid():
                    data = launch_form.cleaned_data
                    services.launch_schedule(
                        exhibitor=exhibitor, actor=request.user, title_zh=data["title_zh"], title_en=data["title_en"],
                        start=data["start"], end=data["end"], description_zh=data["description_zh"],
                    )
                    messages.success(request, _("The launch is on the expo stage and the agenda."))
                    return redirect("expo:edit", year=edition.year, pk=exhibitor.pk)
                status = 400
            elif action == "cancel-launch":
                launch = Launch.objects.filter(exhibitor=exhibitor, pk=request.POST.get("launch") or 0).first()
                if launch is not None:
                    services.launch_cancel(launch=launch, actor=request.user)
                return redirect("expo:edit", year=edition.year, pk=exhibitor.pk)
            else:
                form = ExhibitorEditForm(request.POST)
                if form.is_valid():
                    services.exhibitor_update(exhibitor=exhibitor, actor=request.user, data=dict(form.cleaned_data))
                    messages.success(request, _("Your entry is saved."))
                    return redirect("expo:edit", year=edition.year, pk=exhibitor.pk)
                status = 400
        except DomainError as error:
            target = {"opening": opening_form, "launch": launch_form}.get(action, form)
            _add_error(target, error)
            status = error.status
    context = {
        "edition": edition,
        "exhibitor": exhibitor,
        "form": form,
        "opening_form": opening_form,
        "launch_form": launch_form,
        "openings": list(exhibitor.openings.order_by("-created", "-id")),
        "launches": list(exhibitor.launches.order_by("start")),
        "booths": list(exhibitor.allotments.filter(released_at__isnull=True).select_related("booth__zone")),
    }
    return render(request, "expo/exhibitor_edit.html", context, status=status)


def zone_map(request, year):
    edition, missing = _edition_or_404(request, year)
    if missing:
        return missing
    rows = selectors.zone_map(edition)
    return render(request, "expo/zone_map.html", {"edition": edition, "rows": rows, "booth_count": sum(len(r.booths) for r in rows)})


def openings(request, year):
    """The public recruitment list: every open opening of the edition's approved exhibitors."""
    edition, missing = _edition_or_404(request, year)
    if missing:
        return missing
    field = request.GET.get("field", "")
    field = field if field in ExpoField.values else ""
    city = request.GET.get("city", "").strip()[:100]
    listings = selectors.openings_for_list(edition, field=field, city=city)
    page = Paginator(listings, 100).get_page(request.GET.get("page"))
    context = {"edition": edition, "page": page, "total": page.paginator.count, "field": field, "city": city, "fields": ExpoField.choices}
    return render(request, "expo/openings.html", context)


def apply(request, year):
    edition, missing = _edition_or_404(request, year)
    if missing:
        return missing
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    zones = list(Zone.objects.filter(edition=edition).order_by("sort_order", "key"))
    initial = {"contact_email": request.user.email, "contact_name": request.user.get_full_name()}
    form = ApplicationForm(request.POST or None, zones=zones, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                exhibitor = services.exhibitor_apply(edition=edition, user=request.user, data=form.service_data(), language=get_language())
            except DomainError as error:
                _add_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Thank you. The organizers will review the application of %(name)s and tell you by email.") % {"name": exhibitor.name})
                return redirect("expo:edit", year=edition.year, pk=exhibitor.pk)
        else:
            status = 400
    from django.utils import timezone

    closed = not edition.has_dates or edition.has_ended(timezone.localdate())
    return render(request, "expo/apply.html", {"edition": edition, "form": form, "closed": closed}, status=status)


def meetings(request, year):
    """The user's meetings: the requests they made as a guest, and those to exhibitors they represent."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    edition, missing = _edition_or_404(request, year)
    if missing:
        return missing
    asked, received = selectors.meetings_for(request.user, edition)
    context = {"edition": edition, "asked": asked, "received": received, "mine": selectors.represented(request.user, edition)}
    response = render(request, "expo/meetings.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def meeting_act(request, year, pk, action):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("expo:meetings", kwargs={"year": year}))
    meeting = MeetingRequest.objects.filter(pk=pk, exhibitor__edition__year=year_or_none(year) or -1).first()
    if meeting is None or action not in ("accept", "decline", "cancel"):
        return not_found(request, _("No meeting request has this address."))
    try:
        if action == "cancel":
            services.meeting_cancel(meeting=meeting, actor=request.user)
        else:
            services.meeting_decide(meeting=meeting, actor=request.user, accept=action == "accept")
    except DomainError as error:
        messages_add_domain_error(request, error)
        if error.status == 403:
            return render(request, "403.html", {"message": error.message}, status=403)
    else:
        messages.success(request, _("The meeting request is now %(status)s.") % {"status": MeetingRequest.objects.get(pk=pk).get_status_display()})
    return redirect("expo:meetings", year=year)
