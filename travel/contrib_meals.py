"""What meals contribute (wic/contrib.py): the "Meals" section of the guest's registration page
(their dietary needs and food allergies, with the link to change them: travel/views_meals.py) and
the dashboard's "meals" panel (per day, each meal's count with its special diets and allergies;
travel.meals.meals_panel, four queries at most). The admin is travel/admin_meals.py."""
from wic.contrib import DashboardPanel, GuestSection


def _diet(registration, request):
    from .meals import diet_section

    return diet_section(registration, request)


def _panel(edition, *, now=None):
    from .meals import meals_panel

    return meals_panel(edition, now=now)


CONTRIBUTIONS = [
    # After the hotel (70).
    GuestSection(key="meals", build=_diet, template="travel/meals_section.html", order=75),
    # After the visa letters (16), arrivals (17) and hotels (18), before the sub-forums (20).
    DashboardPanel("meals", _panel, "travel/meals_panel.html", order=19),
]
