from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agenda.selectors import edition_by_year
from agenda.views import no_edition, not_found
from wic import queueing
from wic.errors import DomainError
from wic.inputs import ascii_int, year_or_none
from wic.page_errors import form_add_domain_error
from wic.security import public_write_limit

from . import services
from .forms import RegistrationForm
from .models import Registration


@public_write_limit("registration-page")  # per address, as the API's anonymous registrations
def register(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    initial = {"email": request.user.email, "name": request.user.get_full_name()} if request.user.is_authenticated else {}
    form = RegistrationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.FIELDS}
            try:
                services.registration_request(edition=edition, data=data, user=request.user, language=get_language())
            except DomainError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:  # the same answer whether or not the address was registered: the link goes by email
                return redirect("registration:sent", year=edition.year)
        else:
            status = 400
    closed = not services.registration_open(edition)
    return render(request, "registration/register.html", {"edition": edition, "form": form, "closed": closed}, status=status)


def register_sent(request, year):
    """After registering: the link to the registration's page is on its way by email."""
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    from django.conf import settings

    return render(request, "registration/register_sent.html", {"edition": edition, "secretariat": settings.DEFAULT_FROM_EMAIL})


def guest_page(request, year, token):
    registration = Registration.objects.filter(token=token, edition__year=year_or_none(year) or -1).select_related("edition").first()
    if registration is None:
        return not_found(request, _("No registration has this address."))
    credential = registration.credentials.filter(revoked_at__isnull=True).first()
    qr_svg = ""
    if credential is not None:
        from wic.display import qr_svg as make_qr

        qr_svg = make_qr(credential.secret, _("Credential QR code"))
    invitations = registration.invitations.select_related("session__hall__venue").order_by("session__sort_key")
    from wic import contrib

    sections = []
    for section in contrib.ordered(contrib.GuestSection):  # the apps above registration add theirs (travel's visa letter)
        data = section.build(registration, request)
        if data is not None:
            sections.append((section.template, data))
    context = {
        "registration": registration, "edition": registration.edition, "credential": credential, "qr_svg": qr_svg, "invitations": invitations,
        "sections": sections,
    }
    response = render(request, "registration/guest_page.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def guest_badge(request, year, token):
    """The guest's badge PDF, from their private page. If the task has not drawn it yet (a busy
    queue), it is queued again and the guest is asked to come back in a moment."""
    from django.http import FileResponse, HttpResponse

    from .tasks import render_badge

    registration = Registration.objects.filter(token=token, edition__year=year_or_none(year) or -1).first()
    credential = registration.credentials.filter(revoked_at__isnull=True).first() if registration else None
    if credential is None:
        return not_found(request, _("This registration has no credential, so there is no badge."))
    if not credential.badge:
        queueing.enqueue(render_badge, credential.pk)  # a broker that is down: "being prepared", asked again later
        credential.refresh_from_db(fields=["badge"])
    if not credential.badge:
        response = HttpResponse(_("Your badge is being prepared. Please reload this page in a minute."), status=202, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "30"
    else:
        response = FileResponse(credential.badge.open("rb"), content_type="application/pdf", filename=f"badge-{registration.reference}.pdf")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _is_gate_staff(user) -> bool:
    from .permissions import can_scan

    return can_scan(user)


def checkin_page(request):
    """The gate's phone page: choose a list, then scan with the camera or type the code."""
    from django.contrib.auth.views import redirect_to_login

    from .models import CheckinList

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _is_gate_staff(request.user):
        return render(request, "403.html", {"message": _("Only gate staff and organizers can scan credentials.")}, status=403)
    today = timezone.localdate()
    # A roster's lists (a pickup run's boarding: dozens a day) are offered only when asked for by
    # `?list=` (the run's "Scan boarding" link); the gates' and items' lists always.
    asked = ascii_int(request.GET.get("list", ""))
    lists = list(
        CheckinList.objects.filter(edition__end_date__gte=today)
        .filter(~Q(kind=CheckinList.ROSTER) | Q(pk=asked or -1))
        .select_related("edition", "session").order_by("edition__year", "kind", "day", "id")
    )
    from django_countries import countries

    from .checkin import result_labels

    from .enums import CATEGORY_COLOURS, GuestCategory

    # The API answers with codes; the page shows their names in the page's language, and the
    # category's badge colour so staff can match it with the band on the badge.
    names = {
        "countries": dict(countries),
        "categories": {c.value: {"label": str(c.label), "colour": CATEGORY_COLOURS[c]} for c in GuestCategory},
    }
    labels = {code: label for code, label in result_labels().items() if code not in ("ok", "already_checked_in", "revoked", "not_invited", "not_approved", "wrong_day", "invalid")}
    context = {"lists": lists, "names": names, "today": today, "asked": asked, "roster_labels": sorted(labels.items())}
    response = render(request, "registration/checkin.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def checkin_live(request):
    """Organizers' live view: admitted guests per list, gate, category and country; reloads itself."""
    from django.contrib.auth.views import redirect_to_login
    from django.db.models import Count

    from .models import Checkin, CheckinList

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from .permissions import can_watch_checkin

    if not can_watch_checkin(request.user):
        return render(request, "403.html", {"message": _("Only organizers see the live check-in view.")}, status=403)
    today = timezone.localdate()
    lists = list(CheckinList.objects.filter(edition__end_date__gte=today).select_related("edition").order_by("edition__year", "kind", "day", "id"))
    admitted = Checkin.objects.filter(checkin_list__in=lists, result="ok", type=Checkin.ENTRY)
    per_list = dict(admitted.values_list("checkin_list").annotate(n=Count("id")))
    per_category = list(admitted.values("credential__registration__category").annotate(n=Count("id")).order_by("-n"))
    per_country = list(admitted.values("credential__registration__country").annotate(n=Count("id")).order_by("-n")[:30])
    per_gate = list(admitted.values_list("gate").annotate(n=Count("id")).order_by("-n", "gate"))
    from django_countries import countries

    from .enums import GuestCategory

    context = {
        "rows": [(l, per_list.get(l.pk, 0)) for l in lists],
        "per_category": [(GuestCategory(r["credential__registration__category"]).label if r["credential__registration__category"] else "—", r["n"]) for r in per_category],
        "per_gate": [(gate or _("(gate not named)"), n) for gate, n in per_gate],
        "per_country": [(countries.name(r["credential__registration__country"]) or "—", r["n"]) for r in per_country],
        "now": timezone.localtime(),
    }
    response = render(request, "registration/checkin_live.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
