"""The guest's dietary needs page (issue 24): at their private registration link, the diet (one of
registration.enums.Diet, "No special diet" by default) and food allergies (free text) the kitchens
count (travel.meals). Linked from the "Meals" section of the registration page. As the other
private travel pages (travel/views.py, views_arrivals.py): never cached nor indexed, a refusal
beside its field with the code in `data-code` and what was typed kept, nothing saved on a refusal;
a saved form redirects (303) to the page with `?saved=1`.

The form only shapes the input (every value is text): travel.meals.diet_save says what is wrong.
The page is for a guest coming to Wuzhen whose registration is not rejected (meals.shows_diet);
anyone else gets the sentence instead of the form. (The form is on a page of its own, not in the
section: the registration page is served with `Referrer-Policy: no-referrer`, under which Chromium
posts a form with `Origin: null`, which the CSRF check refuses; this page is "same-origin".)"""
from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from registration.enums import Diet, RegistrationStatus
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error
from wic.security import public_write_limit

from . import guest, meals
from .views import _no_registration, _private


class DietForm(forms.Form):
    """The shape of the guest's needs; meals.diet_save checks the values (an unknown diet, too
    long or unreadable allergies), field by field."""

    diet = forms.CharField(label=gettext_lazy("Dietary needs"), required=False, widget=forms.RadioSelect)
    allergies = forms.CharField(
        label=gettext_lazy("Food allergies"), required=False, strip=False,
        help_text=gettext_lazy("Such as: peanuts, shellfish. The kitchens read it. Leave empty if you have none."),
        widget=forms.TextInput(attrs={"maxlength": meals.ALLERGIES_MAX, "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["diet"].widget.choices = Diet.choices  # labels in the request's language

    @staticmethod
    def initial_of(registration) -> dict:
        return {"diet": registration.diet, "allergies": registration.allergies}


def _blocked(registration) -> tuple[str, str] | None:
    """(code, sentence) when the page has no form: a rejected registration, or a guest online."""
    if registration.status == RegistrationStatus.REJECTED:
        return "not_eligible", _("Your registration was not accepted, so the secretariat does not plan meals for you.")
    if not meals.shows_diet(registration):
        return "not_on_site", _("You take part online: the summit's meals are for the guests in Wuzhen.")
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@public_write_limit("travel-meals")
def meals_page(request, year, token):
    registration = guest.registration_at(year, token)
    if registration is None:
        return _no_registration(request)
    edition = registration.edition
    form = DietForm(initial=DietForm.initial_of(registration))
    status, blocked = 200, _blocked(registration)
    if blocked is None and request.method == "POST":
        form = DietForm(request.POST)
        form.is_valid()  # shapes only: the service checks every value
        try:
            meals.diet_save(registration, diet=form.cleaned_data.get("diet", ""), allergies=form.cleaned_data.get("allergies", ""))
        except DomainError as error:
            status = error.status
            if error.field == "registration":
                blocked = (error.code, error.message)
            else:
                form_add_domain_error(form, error)
        else:
            return _private(HttpResponseRedirect(f"{request.path}?saved=1", status=303))
    elif blocked is not None and request.method == "POST":
        status = 409
    context = {
        "registration": registration, "edition": edition, "form": form, "blocked": blocked,
        "saved": request.method != "POST" and request.GET.get("saved") == "1",
    }
    return _private(render(request, "travel/meals_page.html", context, status=status))


urlpatterns = [
    path("editions/<str:year>/registration/<str:token>/meals/", meals_page, name="meals"),
]
