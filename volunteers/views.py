"""Pages of the volunteer programme: the public application form, the volunteer's own page (roster,
check-in/out, swap/drop, iCal feed, QR code, notices of changed shifts), the standby offer page and the lead's page. Views
check shape and who may see what; every rule is in volunteers.services."""
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda.selectors import edition_by_year
from agenda.views import no_edition, not_found
from wic.display import qr_svg
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error, messages_add_domain_error
from wic.inputs import ascii_int
from wic.security import public_write_limit

from . import selectors, services, shift_alerts
from .enums import AssignmentStatus, ChangeStatus, CheckVia, VolunteerStatus
from .forms import ApplicationForm, ChangeRequestForm
from .models import Assignment, ChangeRequest, Programme, StandbyOffer, TrainingModule, Volunteer


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _qr_svg(code: str, title: str):
    return qr_svg(code, title)


# -- the application form ----------------------------------------------------------------------

@public_write_limit("volunteer-application")  # anyone may apply: per address, as guest registrations
def apply(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    programme = Programme.objects.filter(edition=edition).first()
    if programme is None:
        return not_found(request, _("Edition %(year)s has no volunteer programme.") % {"year": edition.year})
    initial = {"email": request.user.email, "name": request.user.get_full_name()} if request.user.is_authenticated else {}
    form = ApplicationForm(request.POST or None, days=services.programme_days(programme), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                volunteer = services.application_submit(
                    programme=programme, data=form.data_for_service(), languages=form.languages(), user=request.user, language=get_language()
                )
            except DomainError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:
                return render(request, "volunteers/apply_done.html", {"edition": edition, "programme": programme, "volunteer": volunteer}, status=201)
        else:
            status = 400
    now = timezone.now()
    closed = (programme.applications_close_at is not None and now >= programme.applications_close_at) or edition.has_ended(timezone.localdate())
    not_yet = programme.applications_open_at is not None and now < programme.applications_open_at
    context = {"edition": edition, "programme": programme, "form": form, "closed": closed, "not_yet": not_yet}
    return render(request, "volunteers/apply.html", context, status=status)


# -- the volunteer's own page ---------------------------------------------------------------------

def my_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    volunteer = selectors.volunteer_for_user(request.user)
    if volunteer is None:
        return _private(render(request, "volunteers/my_none.html", {"leads_a_team": bool(selectors.teams_led_by(request.user))}))
    programme = volunteer.programme
    now = timezone.now()
    rows = []
    for assignment in selectors.assignments_of(volunteer):
        shift = assignment.shift
        opens, closes = services.checkin_window(shift, programme)
        held = assignment.status == AssignmentStatus.ASSIGNED
        rows.append({
            "a": assignment,
            "shift": shift,
            "opens": opens,
            "can_check_in": held and not assignment.checked_in_at and opens <= now <= closes,
            "can_check_out": held and assignment.checked_in_at and not assignment.checked_out_at
            and now <= shift.ends_at + timedelta(minutes=programme.checkout_closes_minutes),
            "can_request": held and not assignment.checked_in_at and not assignment.pending and now <= shift.starts_at - timedelta(hours=programme.swap_cutoff_hours),
            "cutoff": shift.starts_at - timedelta(hours=programme.swap_cutoff_hours),
            "is_now": shift.starts_at - timedelta(minutes=programme.checkin_opens_minutes) <= now <= shift.ends_at,
            "past": shift.ends_at < now,
        })
    colleagues = []
    if volunteer.team_id:
        colleagues = list(Volunteer.objects.filter(team_id=volunteer.team_id, status=VolunteerStatus.ACCEPTED).exclude(pk=volunteer.pk).order_by("name"))
    context = {
        "volunteer": volunteer,
        "programme": programme,
        "edition": programme.edition,
        "team": volunteer.team,
        "rows": rows,
        "hours": sum(r["a"].worked_hours for r in rows),
        "request_form": ChangeRequestForm(colleagues=colleagues),
        "qr_svg": _qr_svg(volunteer.code, _("Your volunteer QR code")),
        "feed_url": request.build_absolute_uri(f"/volunteer/feed/{volunteer.feed_token}.ics"),
        "offers": selectors.open_offers_for(volunteer),
        "notices": shift_alerts.unread_notices(volunteer),
        "now": now,
    }
    return _private(render(request, "volunteers/my.html", context))


@require_POST
def notice_dismiss(request, pk):
    """Dismiss one notice of a changed shift (a form's POST: works without JavaScript)."""
    if not request.user.is_authenticated:
        return redirect_to_login("/volunteer/")
    if not shift_alerts.shift_notice_dismiss(user=request.user, notice_id=pk):
        return not_found(request, _("You have no such notice."))
    return redirect("volunteers:mine")


def _own_assignment(request, pk):
    return Assignment.objects.filter(pk=pk, volunteer__user=request.user).select_related("volunteer").first() if request.user.is_authenticated else None


@require_POST
def self_check(request, pk, kind):
    """One-tap check-in or check-out from the volunteer's own phone."""
    if not request.user.is_authenticated:
        return redirect_to_login("/volunteer/")
    assignment = _own_assignment(request, pk)
    if assignment is None:
        return not_found(request, _("You have no such shift."))
    try:
        if kind == "in":
            done = services.assignment_check_in(assignment=assignment, actor=request.user, via=CheckVia.SELF)
            messages.success(request, _("Checked in at %(when)s (%(arrival)s).") % {"when": timezone.localtime(done.checked_in_at).strftime("%H:%M"), "arrival": done.get_arrival_display()})
        else:
            done = services.assignment_check_out(assignment=assignment, actor=request.user, via=CheckVia.SELF)
            messages.success(request, _("Checked out at %(when)s (%(departure)s).") % {"when": timezone.localtime(done.checked_out_at).strftime("%H:%M"), "departure": done.get_departure_display()})
    except DomainError as error:
        messages_add_domain_error(request, error)
    return redirect("volunteers:mine")


@require_POST
def change_request(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login("/volunteer/")
    assignment = _own_assignment(request, pk)
    if assignment is None:
        return not_found(request, _("You have no such shift."))
    volunteer = assignment.volunteer
    colleagues = Volunteer.objects.filter(team_id=volunteer.team_id, status=VolunteerStatus.ACCEPTED).exclude(pk=volunteer.pk) if volunteer.team_id else Volunteer.objects.none()
    form = ChangeRequestForm(request.POST, colleagues=list(colleagues))
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("volunteers:mine")
    colleague = colleagues.filter(pk=form.cleaned_data["colleague"]).first() if form.cleaned_data["colleague"] else None
    try:
        services.change_request_create(assignment=assignment, kind=form.cleaned_data["kind"], colleague=colleague, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, _("Your request was sent to your team leader."))
    except DomainError as error:
        messages_add_domain_error(request, error)
    return redirect("volunteers:mine")


def feed(request, token):
    """The volunteer's personal iCalendar feed (the secret in the address is the key)."""
    from .exports import roster_ics

    volunteer = Volunteer.objects.filter(feed_token=token).select_related("programme__edition").first()
    if volunteer is None:
        return not_found(request, _("No calendar has this address."))
    assignments = Assignment.objects.filter(volunteer=volunteer, status=AssignmentStatus.ASSIGNED).select_related("shift__post__hall__venue").order_by("shift__starts_at")
    response = HttpResponse(roster_ics(volunteer, assignments), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="volunteer-shifts.ics"'
    return _private(response)


def standby_offer(request, token):
    """The page an offer email links to: the shift, and a button to take the place."""
    offer = StandbyOffer.objects.filter(token=token).select_related("shift__post__hall__venue", "volunteer").first()
    if offer is None:
        return not_found(request, _("No offer has this address."))
    assignment = None
    if request.method == "POST":
        try:
            assignment = services.standby_offer_accept(offer=offer)
            messages.success(request, _("The place is yours. Please go to your post now."))
        except DomainError as error:
            messages_add_domain_error(request, error)
        offer.refresh_from_db()
    context = {"offer": offer, "shift": offer.shift, "assignment": assignment, "error_messages": [str(m) for m in messages.get_messages(request)]}
    return _private(render(request, "volunteers/standby_offer.html", context))


# -- the lead's page -------------------------------------------------------------------------------

def _lead_teams(request):
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    teams = selectors.teams_led_by(request.user)
    if not teams:
        return None, render(request, "403.html", {"message": _("Only volunteer team leaders see this page; you lead no team.")}, status=403)
    return teams, None


def lead_page(request):
    teams, refusal = _lead_teams(request)
    if refusal is not None:
        return refusal
    now = timezone.now()
    try:
        day = date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    members = selectors.team_members(teams)
    current = selectors.current_assignments(members, now)
    programme_ids = {t.programme_id for t in teams}
    modules = list(TrainingModule.objects.filter(programme_id__in=programme_ids).order_by("programme_id", "sort_order", "id"))
    module = next((m for m in modules if str(m.pk) == request.GET.get("module")), modules[0] if modules else None)
    rows = []
    for v in members:
        a = current.get(v.pk)
        rows.append({
            "v": v,
            "a": a,
            "trained": module is not None and any(att.module_id == module.pk for att in v.attendances.all()),
            "modules_done": len(v.attendances.all()),
        })
    context = {
        "teams": teams,
        "rows": rows,
        "board": selectors.live_board(selectors.posts_of(teams), day),
        "day": day,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "modules": modules,
        "module": module,
        "requests": selectors.pending_requests(teams),
        "now": now,
    }
    return _private(render(request, "volunteers/lead.html", context))


@require_POST
def lead_check(request):
    """The lead scans or picks a volunteer's QR code: shift check-in/out, or training attendance."""
    teams, refusal = _lead_teams(request)
    if refusal is not None:
        return refusal
    code = request.POST.get("code", "")
    purpose = request.POST.get("purpose", "shift")
    via = CheckVia.LEAD_PICK if request.POST.get("via") == "pick" else CheckVia.LEAD_SCAN
    try:
        if purpose.startswith("module:"):
            module = TrainingModule.objects.filter(pk=ascii_int(purpose.split(":", 1)[1]) or -1, programme__teams__in=teams).first()
            if module is None:
                raise DomainError("invalid", _("Choose a training module of your programme."))
            volunteer = services.attendance_record_by_code(module=module, code=code, actor=request.user)
            messages.success(request, _("%(name)s attended %(module)s.") % {"name": volunteer.name, "module": module.name_zh})
        else:
            action, assignment = services.lead_scan(lead=request.user, code=code, via=via)
            if action == "in":
                messages.success(request, _("%(name)s checked in on %(shift)s (%(arrival)s).") % {"name": assignment.volunteer.name, "shift": str(assignment.shift), "arrival": assignment.get_arrival_display()})
            else:
                messages.success(request, _("%(name)s checked out of %(shift)s (%(departure)s).") % {"name": assignment.volunteer.name, "shift": str(assignment.shift), "departure": assignment.get_departure_display()})
    except DomainError as error:
        messages_add_domain_error(request, error)
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/volunteer/lead/") else "volunteers:lead")


@require_POST
def lead_attendance(request):
    """The attendance list of a module: the ticked team members attended, the others did not."""
    teams, refusal = _lead_teams(request)
    if refusal is not None:
        return refusal
    module = TrainingModule.objects.filter(pk=ascii_int(request.POST.get("module", "")) or -1, programme__teams__in=teams).distinct().first()
    if module is None:
        messages.error(request, _("Choose a training module of your programme."))
        return redirect("volunteers:lead")
    shown = {n for n in map(ascii_int, request.POST.getlist("shown")) if n is not None}
    present = {n for n in map(ascii_int, request.POST.getlist("present")) if n is not None}
    members = [v for v in Volunteer.objects.filter(team__in=teams, pk__in=shown)]
    try:
        added, removed = services.attendance_set(module=module, volunteers=members, present_ids=present, actor=request.user)
        messages.success(request, _("Attendance of %(module)s saved: %(added)s added, %(removed)s removed.") % {"module": module.name_zh, "added": added, "removed": removed})
    except DomainError as error:
        messages_add_domain_error(request, error)
    return redirect(f"/volunteer/lead/?module={module.pk}#attendance")


@require_POST
def lead_decide(request, pk):
    teams, refusal = _lead_teams(request)
    if refusal is not None:
        return refusal
    change = ChangeRequest.objects.filter(pk=pk, status=ChangeStatus.PENDING).first()
    if change is None:
        return not_found(request, _("No pending request has this number."))
    approve = request.POST.get("decision") == "approve"
    try:
        services.change_request_decide(request=change, approve=approve, actor=request.user)
        messages.success(request, _("Request approved.") if approve else _("Request rejected."))
    except DomainError as error:
        messages_add_domain_error(request, error)
    return redirect("volunteers:lead")


def lead_hours_csv(request):
    teams, refusal = _lead_teams(request)
    if refusal is not None:
        return refusal
    rows = selectors.worked_hours(Volunteer.objects.filter(team__in=teams))
    response = HttpResponse(selectors.worked_hours_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="volunteer-hours.csv"'
    return _private(response)
