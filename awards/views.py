"""Members' page (quotas, recommendations, nominations of individuals), the enterprises' application
page, and the public results of an edition. Every rule is awards.services'."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda.selectors import edition_by_year
from agenda.views import no_edition
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error, messages_add_domain_error
from wic.inputs import ascii_int
from wic.models import Member
from wic.roles import is_organizer

from . import selectors, services
from .enums import Direction, NominationState
from .forms import ApplicationForm, IndividualForm, RecommendForm, enterprise_choice_lists
from .models import AwardProgramme, Nomination, Recommendation


def _home_context(request, forms_by_programme=None, individual_forms=None):
    user = request.user
    members = services.members_for_user(user)
    programmes = list(selectors.programmes_open())
    own_org_ids = [m.organization_id for m in members if m.organization_id]
    forms_by_programme = forms_by_programme or {}
    individual_forms = individual_forms or {}
    choice_lists = enterprise_choice_lists() if members else {True: [], False: []}
    for programme in programmes:
        programme.recommend_form = forms_by_programme.get(programme.pk) or RecommendForm(
            programme=programme, exclude_ids=own_org_ids, choices=choice_lists[programme.is_demo]
        )
        programme.individual_form = individual_forms.get(programme.pk) or IndividualForm(prefix=f"p{programme.pk}")
    enterprises = services.enterprises_for_user(user)
    nominations = list(
        Nomination.objects.filter(organization__in=enterprises, programme__in=programmes)
        .select_related("programme", "organization")
        .order_by("programme_id", "organization__name_zh")
    )
    return {
        "members": members,
        "programmes": programmes,
        "lines": selectors.quota_lines(members=members, programmes=programmes),
        "enterprises": enterprises,
        "nominations": nominations,
        "individual_nominations": list(
            Nomination.objects.filter(direction=Direction.INDIVIDUAL, nominated_by_member__in=members, programme__in=programmes)
            .select_related("programme", "nominated_by_member__organization")
            .order_by("-created")
        ),
    }


@login_required
def home(request):
    return render(request, "awards/home.html", _home_context(request))


def _member_from_post(request) -> Member:
    raw = request.POST.get("member")
    return services.member_for_user(user=request.user, member_id=ascii_int(raw) if raw else None)


@login_required
@require_POST
def recommend(request, pk):
    programme = get_object_or_404(AwardProgramme, pk=pk)
    try:
        member = _member_from_post(request)
    except DomainError as error:
        messages_add_domain_error(request, error)
        return redirect("awards:home")
    form = RecommendForm(request.POST, programme=programme, exclude_ids=[member.organization_id] if member.organization_id else [])
    if not form.is_valid():
        context = _home_context(request, forms_by_programme={programme.pk: form})
        return render(request, "awards/home.html", context, status=400)
    data = form.cleaned_data
    try:
        enterprise = data["enterprise"] or services.enterprise_for_recommendation(
            name_zh=data["name_zh"], name_en=data["name_en"], country=data["country"], actor=request.user, is_demo=programme.is_demo
        )
        recommendation = services.recommendation_create(programme=programme, member=member, enterprise=enterprise, actor=request.user)
    except DomainError as error:
        form_add_domain_error(form, error)
        context = _home_context(request, forms_by_programme={programme.pk: form})
        return render(request, "awards/home.html", context, status=error.status)
    messages.success(
        request,
        _("%(member)s recommends %(org)s for %(programme)s.")
        % {"member": services.member_name(member), "org": recommendation.enterprise.t("name"), "programme": programme.t("name")},
    )
    return redirect("awards:home")


@login_required
@require_POST
def withdraw_recommendation(request, pk):
    recommendation = get_object_or_404(Recommendation.objects.select_related("enterprise"), pk=pk, member__representatives=request.user)
    try:
        services.recommendation_withdraw(recommendation=recommendation, actor=request.user)
        messages.success(request, _("The recommendation of %(org)s is withdrawn; its place is free again.") % {"org": recommendation.enterprise.t("name")})
    except DomainError as error:
        messages_add_domain_error(request, error)
    return redirect("awards:home")


@login_required
@require_POST
def nominate_individual(request, pk):
    programme = get_object_or_404(AwardProgramme, pk=pk)
    form = IndividualForm(request.POST, prefix=f"p{programme.pk}")
    if not form.is_valid():
        return render(request, "awards/home.html", _home_context(request, individual_forms={programme.pk: form}), status=400)
    try:
        member = None if is_organizer(request.user) and not services.members_for_user(request.user) else _member_from_post(request)
        services.nomination_nominate_individual(programme=programme, actor=request.user, member=member, **form.cleaned_data)
    except DomainError as error:
        form_add_domain_error(form, error)
        return render(request, "awards/home.html", _home_context(request, individual_forms={programme.pk: form}), status=error.status)
    messages.success(request, _("%(name)s is nominated.") % {"name": form.cleaned_data["person_name"]})
    return redirect("awards:home")


@login_required
def apply(request, pk):
    programme = get_object_or_404(AwardProgramme.objects.select_related("edition"), pk=pk)
    enterprises = services.enterprises_for_user(request.user)
    if not programme.has_enterprise_direction:
        return render(request, "403.html", {"message": _("%(programme)s takes no enterprises.") % {"programme": programme.t("name")}}, status=404)
    if not enterprises:
        return render(
            request,
            "403.html",
            {"message": _("Your account does not act for an enterprise. Enterprises apply through an account the secretariat links to them.")},
            status=403,
        )
    raw = request.POST.get("enterprise") or request.GET.get("enterprise")
    enterprise = next((e for e in enterprises if str(e.pk) == raw), enterprises[0])
    nomination = Nomination.objects.filter(programme=programme, organization=enterprise).first()
    initial = ApplicationForm.initial_for(nomination) if nomination else {"contact_email": request.user.email}
    form = ApplicationForm(request.POST or None, programme=programme, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                nomination = services.nomination_save_draft(
                    programme=programme, organization=enterprise, actor=request.user, nomination=nomination, **form.service_arguments()
                )
            except DomainError as error:
                form_add_domain_error(form, error)
                status = error.status
            else:
                refused = None
                if request.POST.get("action") == "submit":
                    try:
                        services.nomination_submit(nomination=nomination, actor=request.user)
                    except DomainError as error:
                        refused = error
                    else:
                        messages.success(request, _("The application is submitted."))
                else:
                    messages.success(request, _("Draft saved. You can come back and submit it before the close."))
                if refused is None:
                    return redirect(f"{request.path}?enterprise={enterprise.pk}")
                # The draft is saved; the form stays as typed with every field still wanting marked.
                form_add_domain_error(form, refused, prefix=_("Your draft is saved, but it was not submitted:"))
                for problem in services.submission_problems(nomination):
                    if problem.field in form.fields and problem.field not in form.errors:
                        form_add_domain_error(form, problem)
                status = refused.status
        else:
            status = 400
    problems = services.submission_problems(nomination) if nomination and nomination.state == NominationState.DRAFT else []
    context = {
        "programme": programme,
        "enterprise": enterprise,
        "enterprises": enterprises,
        "nomination": nomination,
        "form": form,
        "is_member": services.is_member_organization(enterprise),
        "waiting": nomination is not None and services.recommendation_required(nomination)
        or (nomination is None and programme.non_members_need_recommendation and not services.is_member_organization(enterprise)
            and not services.active_recommendations(programme=programme, enterprise=enterprise).exists()),
        "recommended_by": list(services.active_recommendations(programme=programme, enterprise=enterprise).select_related("member__organization")),
        "problems": [p for p in problems if p.code != "recommendation_required"],
        "open": programme.is_open(),
        "editable": nomination is None or nomination.state == NominationState.DRAFT,
    }
    return render(request, "awards/apply.html", context, status=status)


def edition_awards(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    programmes = selectors.programmes_of_edition(edition)
    return render(request, "awards/edition_awards.html", {"edition": edition, "programmes": programmes, "now": timezone.now()})
