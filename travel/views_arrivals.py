"""The guest's travel page (issue 24): at their private registration link, the arrival and the
departure (airport or station, flight or train, date and time in Beijing time, seats, whether
they need the summit's car) and, once their pickup is planned, the report of a delay. As the
visa-letter page (travel/views.py): never cached nor indexed, refusals beside their fields with
the code in `data-code`, nothing saved on a refusal. The rules are travel.arrivals'.

Three forms on one page, each posting on its own (`form` = arrival, departure or delay): a guest
fixes one without retyping the others."""
from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wic.display import BEIJING
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error
from wic.security import public_write_limit

from . import arrivals, guest
from .enums import Direction, Hub, TravelMode
from .views import _no_registration, _private

SAVED = ("arrival", "departure", "delay")


class LegForm(forms.Form):
    """The shape of one leg; travel.arrivals.leg_check says what is wrong, field by field. The
    date and the time are Beijing time; the service reads them as "YYYY-MM-DDTHH:MM"."""

    mode = forms.CharField(label=gettext_lazy("Travelling by"), required=False, widget=forms.Select)
    number = forms.CharField(
        label=gettext_lazy("Flight or train number"), required=False, help_text=gettext_lazy("As on your ticket, such as CA1702 or G7501."),
        widget=forms.TextInput(attrs={"maxlength": 24, "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    hub = forms.CharField(label=gettext_lazy("Airport or station"), required=False, widget=forms.Select)
    date = forms.CharField(label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.CharField(label=gettext_lazy("Time (Beijing time)"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    seats = forms.CharField(
        label=gettext_lazy("Seats"), required=False, initial="1", help_text=gettext_lazy("You and whoever travels with you (an assistant): 1 to 9."),
        widget=forms.NumberInput(attrs={"min": 1, "max": arrivals.MAX_SEATS, "inputmode": "numeric"}),
    )
    needs_pickup = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, direction: str, **kwargs):
        super().__init__(*args, prefix=direction, **kwargs)
        self.direction = direction
        choose = [("", _("Choose"))]
        self.fields["mode"].widget.choices = choose + list(TravelMode.choices)
        self.fields["hub"].widget.choices = choose + list(Hub.choices)
        if direction == Direction.ARRIVAL:
            self.fields["needs_pickup"].label = _("I would like the summit's car from the airport or station to Wuzhen")
            self.fields["date"].label = _("Arrival date")
            self.fields["time"].label = _("Arrival time (Beijing time)")
        else:
            self.fields["needs_pickup"].label = _("I would like the summit's car from Wuzhen to the airport or station")
            self.fields["date"].label = _("Departure date")
            self.fields["time"].label = _("Departure time (Beijing time)")

    def when(self) -> str:
        date, time = self.cleaned_data.get("date", ""), self.cleaned_data.get("time", "")
        return f"{date}T{time}" if date and time else ""

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "direction": self.direction, "mode": data.get("mode", ""), "number": data.get("number", ""), "hub": data.get("hub", ""),
            "scheduled_at": self.when(), "seats": data.get("seats", ""), "needs_pickup": data.get("needs_pickup", False),
        }

    @staticmethod
    def initial_of(leg) -> dict:
        if leg is None:
            return {"seats": "1", "needs_pickup": True}
        local = leg.scheduled_at.astimezone(BEIJING)
        return {
            "mode": leg.mode, "number": leg.number, "hub": leg.hub, "date": local.date().isoformat(), "time": local.strftime("%H:%M"),
            "seats": str(leg.seats), "needs_pickup": leg.needs_pickup,
        }


class DelayForm(forms.Form):
    date = forms.CharField(label=gettext_lazy("New arrival date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.CharField(label=gettext_lazy("New arrival time (Beijing time)"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="delay", **kwargs)

    def when(self) -> str:
        date, time = self.cleaned_data.get("date", ""), self.cleaned_data.get("time", "")
        return f"{date}T{time}" if date and time else ""

    @staticmethod
    def initial_of(leg) -> dict:
        """The time the arrival is expected at now, to correct."""
        if leg is None:
            return {}
        local = leg.expected_at.astimezone(BEIJING)
        return {"date": local.date().isoformat(), "time": local.strftime("%H:%M")}


# The service's field names on the forms: the time's refusals go beside the date (the pair's first input).
LEG_ALIASES = {"scheduled_at": "date"}
DELAY_ALIASES = {"delayed_to": "date"}


@require_http_methods(["GET", "HEAD", "POST"])
@public_write_limit("travel-arrivals")
def travel_page(request, year, token):
    registration = guest.registration_at(year, token)
    if registration is None:
        return _no_registration(request)
    edition = registration.edition
    trip = arrivals.trip(registration)
    forms_ = {
        Direction.ARRIVAL: LegForm(initial=LegForm.initial_of(trip.arrival), direction=Direction.ARRIVAL),
        Direction.DEPARTURE: LegForm(initial=LegForm.initial_of(trip.departure), direction=Direction.DEPARTURE),
        "delay": DelayForm(initial=DelayForm.initial_of(trip.arrival)),
    }
    status, blocked = 200, None
    if not trip.eligible:
        blocked = ("not_eligible", arrivals.not_eligible_error().message)
    elif request.method == "POST":
        which = request.POST.get("form", "")
        try:
            if which in (Direction.ARRIVAL, Direction.DEPARTURE):
                form = forms_[which] = LegForm(request.POST, direction=which)
                form.is_valid()  # shapes only: the service checks every value
                aliases = LEG_ALIASES
                arrivals.leg_save(registration, **form.values())
            elif which == "delay" and trip.run is not None:
                form = forms_["delay"] = DelayForm(request.POST)
                form.is_valid()
                aliases = DELAY_ALIASES
                arrivals.report_delay(trip.arrival, form.when())
            else:
                return _private(HttpResponseRedirect(request.path, status=303))
        except DomainError as error:
            status = error.status
            if error.field == "registration":
                blocked = (error.code, error.message)
            else:
                form_add_domain_error(form, error, aliases=aliases)
        else:
            return _private(HttpResponseRedirect(f"{request.path}?saved={which}", status=303))
    saved = request.GET.get("saved") if request.method != "POST" else None
    context = {
        "registration": registration, "edition": edition, "trip": trip, "blocked": blocked,
        "arrival_form": forms_[Direction.ARRIVAL], "departure_form": forms_[Direction.DEPARTURE], "delay_form": forms_["delay"],
        "saved": saved if saved in SAVED else None,
    }
    return _private(render(request, "travel/arrivals_page.html", context, status=status))


urlpatterns = [
    path("editions/<str:year>/registration/<str:token>/travel/", travel_page, name="arrivals"),
]
