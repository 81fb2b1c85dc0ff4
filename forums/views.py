"""The applicant's pages (apply, my applications, withdraw) and the reviewers' pages."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda.selectors import edition_by_year
from agenda.views import no_edition
from wic.errors import DomainError
from wic.i18n import pick
from wic.inputs import ascii_int
from wic.page_errors import form_add_domain_error, messages_add_domain_error

from . import services
from .enums import ApplicationState
from .forms import ApplicationForm, HostInviteForm, ReviewForm
from .models import ApplicationOrganization, ForumApplication, ForumCall, Review


def current_call(edition) -> ForumCall | None:
    """The edition's call that is open now, else its latest one."""
    now = timezone.now()
    calls = ForumCall.objects.filter(edition=edition).order_by("-opens_at")
    return calls.filter(opens_at__lte=now, closes_at__gt=now).first() or calls.first()


def _add_error(form, error: DomainError, prefix: str = "") -> None:
    # The service names a call's question `answers.<id>`; the form's field for it is `q_<id>`.
    aliases = {f"answers.{name[2:]}": name for name in form.fields if name.startswith("q_")}
    form_add_domain_error(form, error, aliases=aliases, prefix=prefix)


@login_required
def apply(request, year, pk=None):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    if pk is not None:
        application = get_object_or_404(ForumApplication.objects.select_related("call__edition"), pk=pk, applicant=request.user, call__edition=edition)
        call = application.call
    else:
        application = None
        call = current_call(edition)
    if call is None:
        return render(request, "forums/no_call.html", {"edition": edition}, status=404)
    if application is not None and application.state != ApplicationState.DRAFT:
        messages.info(request, _("This application is %(state)s and can no longer be edited.") % {"state": application.get_state_display()})
        return redirect("forums:mine", year=edition.year)
    initial = ApplicationForm.initial_for(application) if application else {"contact_email": request.user.email}
    form = ApplicationForm(request.POST or None, call=call, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields, organizations = form.service_arguments()
            try:
                application = services.application_save_draft(
                    call=call, applicant=request.user, fields=fields, organizations=organizations, application=application, language=get_language()
                )
            except DomainError as error:
                _add_error(form, error)
                status = error.status
            else:
                if request.POST.get("action") == "submit":
                    try:
                        services.application_submit(application=application, actor=request.user)
                    except DomainError as error:
                        # The draft is saved; only the submission was refused: the form stays as
                        # typed, the refused fields marked, and it now posts to the draft's address.
                        _add_error(form, error, prefix=_("Your draft is saved, but it was not submitted:"))
                        context = {"edition": edition, "call": call, "form": form, "application": application, "call_open": call.is_open()}
                        return render(request, "forums/apply.html", context, status=error.status)
                    messages.success(request, _("Your application is submitted. You can follow it on this page."))
                    return redirect("forums:mine", year=edition.year)
                messages.success(request, _("Draft saved. You can come back and submit it before the call closes."))
                return redirect("forums:edit", year=edition.year, pk=application.pk)
        else:
            status = 400
    context = {"edition": edition, "call": call, "form": form, "application": application, "call_open": call.is_open()}
    return render(request, "forums/apply.html", context, status=status)


@login_required
def mine(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    applications = (
        ForumApplication.objects.filter(applicant=request.user, call__edition=edition)
        .select_related("call", "board", "session__hall__venue")
        .prefetch_related("transitions", Prefetch("organizations", queryset=ApplicationOrganization.objects.select_related("organization")))
        .order_by("-created")
    )
    return render(request, "forums/mine.html", {"edition": edition, "applications": applications, "call": current_call(edition)})


@login_required
@require_POST
def withdraw(request, year, pk):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    application = get_object_or_404(ForumApplication, pk=pk, applicant=request.user, call__edition=edition)
    try:
        services.application_transition(application=application, to_state=ApplicationState.WITHDRAWN, actor=request.user)
        messages.success(request, _("The application is withdrawn."))
    except DomainError as error:
        messages_add_domain_error(request, error)
    return redirect("forums:mine", year=edition.year)


@login_required
def speakers(request, year, pk):
    """The host's page for its accepted sub-forum: who is invited to speak, who answered, and the
    form to invite someone (people.invitations.invite_person; the email and the private link are
    the speaker's, as when an organizer invites). Only the applicant of the accepted application
    reaches it; anyone else gets 404."""
    from people.enums import AppearanceStatus
    from people.invitations import appearance_invite, invite_person
    from people.models import Appearance
    from people.selectors import in_protocol_order

    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    application = get_object_or_404(
        ForumApplication.objects.select_related("session__hall__venue", "session__edition"),
        pk=pk, applicant=request.user, call__edition=edition, state=ApplicationState.ACCEPTED, session__isnull=False,
    )
    session = application.session
    form = HostInviteForm(request.POST if request.method == "POST" and "invite" in request.POST else None, initial={"language": get_language()})
    status = 200
    if request.method == "POST":
        if "again" in request.POST:
            appearance = Appearance.objects.filter(session=session, pk=ascii_int(request.POST["again"])).select_related("person").first()
            if appearance is None:
                messages.error(request, _("That invitation is not one of this sub-forum's."), extra_tags="not_found")
            else:
                try:
                    appearance_invite(appearance, actor=request.user)
                    messages.success(request, _("A new invitation is on its way to %(person)s; the earlier link no longer works.") % {"person": pick(appearance.person, "name")})
                except DomainError as error:
                    messages_add_domain_error(request, error, subject=pick(appearance.person, "name"))
            return redirect("forums:speakers", year=edition.year, pk=application.pk)
        if form.is_valid():
            try:
                appearance = invite_person(session, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The invitation is on its way to %(person)s.") % {"person": pick(appearance.person, "name")})
                return redirect("forums:speakers", year=edition.year, pk=application.pk)
        else:
            status = 400
    appearances = in_protocol_order(Appearance.objects.filter(session=session).select_related("person"))
    counts = {value: 0 for value in AppearanceStatus.values}
    for a in appearances:
        counts[a.status] += 1
    return render(
        request, "forums/speakers.html",
        {"edition": edition, "application": application, "session": session, "appearances": appearances, "form": form,
         "counts": [(label, counts[value], value) for value, label in AppearanceStatus.choices if counts[value]]},
        status=status,
    )


@login_required
def review_list(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    reviewer = services.reviewer_for(user=request.user, edition=edition)
    if reviewer is None:
        return render(request, "403.html", {"message": _("You are not a reviewer of this edition.")}, status=403)
    applications = list(
        ForumApplication.objects.filter(call__edition=edition, state__in=[ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW])
        .select_related("call", "board")
        .prefetch_related(Prefetch("organizations", queryset=ApplicationOrganization.objects.select_related("organization")))
        .order_by("submitted_at")
    )
    done = set(Review.objects.filter(reviewer=request.user, application__in=applications).values_list("application_id", flat=True))
    for application in applications:
        application.conflict = bool(reviewer.organization_id) and any(o.organization_id == reviewer.organization_id for o in application.organizations.all())
        application.reviewed = application.pk in done
    return render(request, "forums/review_list.html", {"edition": edition, "applications": applications, "reviewer": reviewer})


@login_required
def review(request, year, pk):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    if services.reviewer_for(user=request.user, edition=edition) is None:
        return render(request, "403.html", {"message": _("You are not a reviewer of this edition.")}, status=403)
    # Reviewers read what was submitted; an applicant's draft (or one withdrawn unsent) stays private.
    application = get_object_or_404(
        ForumApplication.objects.select_related("call", "board").prefetch_related("organizations__organization"),
        pk=pk, call__edition=edition, submitted_at__isnull=False,
    )
    criteria = list(application.call.criteria.all())
    existing = {r.criterion_id: r for r in Review.objects.filter(application=application, reviewer=request.user)}
    initial = {}
    for criterion_id, r in existing.items():
        initial[f"score_{criterion_id}"] = str(r.score)
        initial[f"comment_{criterion_id}"] = r.comment
    form = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit(application=application, user=request.user, scores=form.scores())
        except DomainError as error:
            _add_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Review saved."))
            return redirect("forums:review-list", year=edition.year)
    elif request.method == "POST":
        status = 400
    # What the applicant answered to the call's own questions, in the call's order.
    answers = [(question, (application.answers or {}).get(str(question.pk), "")) for question in application.call.questions.all()]
    context = {"edition": edition, "application": application, "form": form, "answers": answers}
    return render(request, "forums/review.html", context, status=status)
