"""The demo's meals and the demo guests' dietary needs (issue 24), on the demo edition, after the
arrivals and hotels (travel.demo.seed_demo), every name marked 演示 / demo:

- three of the protocol demo's guests give their needs through travel.meals.diet_save: the
  government's head halal, the organization's head vegetarian, the head's interpreter an allergy
  (花生 peanuts); all three accepted the banquet's invitation card;
- a breakfast at each of the two demo hotels every day of the summit, a lunch at the edition's
  main venue every day, and the welcome banquet bound to registration's demo banquet (the agenda
  item "demo-banquet", 欢迎晚宴), at its hall's venue or else the main venue, at its time. Each meal
  is checked by travel.meals.meal_check as the admin's form does.

Idempotent: a guest who already gave a diet or an allergy is left alone, a meal is found by its
edition, day, kind and place before it is made, so a second run adds nothing. What an earlier
demo did not make (a hotel, the main venue, the banquet, a guest) is skipped without an error."""
from datetime import time, timedelta

DOMAIN = "demo.wic-summit.example"
DIETS = (
    ("protocol-gov-head", "halal", ""),
    ("protocol-org-head", "vegetarian", ""),
    ("protocol-gov-interpreter", "", "花生 peanuts"),
)
BREAKFAST = ("酒店早餐（演示）", "Hotel breakfast (demo)", time(7, 0), time(9, 30))
LUNCH = ("会展中心午餐（演示）", "Convention center lunch (demo)", time(12, 0), time(13, 30))
BANQUET = ("欢迎晚宴（演示）", "Welcome banquet (demo)", time(19, 0), time(20, 30))


def _needs(edition) -> None:
    from registration.models import Registration

    from .meals import diet_save

    emails = {f"{key}@{DOMAIN}": (diet, allergies) for key, diet, allergies in DIETS}
    for registration in Registration.objects.filter(edition=edition, email__in=list(emails)).order_by("pk"):
        if registration.diet or registration.allergies:
            continue
        diet, allergies = emails[registration.email]
        diet_save(registration, diet=diet, allergies=allergies)


def _meal(edition, day, kind, names, *, venue=None, hotel=None, session=None):
    from .meals import meal_check
    from .models import Meal

    name_zh, name_en, starts_at, ends_at = names
    found = Meal.objects.filter(edition=edition, day=day, kind=kind, venue=venue, hotel=hotel).first()
    if found is not None:
        return found
    meal_check(edition=edition, day=day, kind=kind, venue=venue, hotel=hotel, session=session, starts_at=starts_at, ends_at=ends_at)
    return Meal.objects.create(
        edition=edition, day=day, kind=kind, name_zh=name_zh, name_en=name_en, starts_at=starts_at, ends_at=ends_at, venue=venue, hotel=hotel, session=session,
    )


def seed_demo_meals(edition, *, password=None) -> None:
    from django.utils import timezone

    from agenda.models import Session
    from wic.display import BEIJING

    from .demo import HOTELS
    from .enums import MealKind
    from .models import Hotel

    if not edition.has_dates:
        return
    _needs(edition)
    days = [edition.start_date + timedelta(days=n) for n in range((edition.end_date - edition.start_date).days + 1)]
    hotels = list(Hotel.objects.filter(edition=edition, name_zh__in=[row[0] for row in HOTELS]).order_by("name_zh"))
    for day in days:
        for hotel in hotels:
            _meal(edition, day, MealKind.BREAKFAST, BREAKFAST, hotel=hotel)
        if edition.main_venue_id:
            _meal(edition, day, MealKind.LUNCH, LUNCH, venue=edition.main_venue)
    banquet = Session.objects.filter(edition=edition, key="demo-banquet").select_related("hall__venue").first()
    venue = banquet.hall.venue if banquet is not None and banquet.hall_id else edition.main_venue
    if banquet is not None and banquet.date is not None and venue is not None:
        names = BANQUET
        if banquet.start and banquet.end:
            names = (*BANQUET[:2], timezone.localtime(banquet.start, BEIJING).time(), timezone.localtime(banquet.end, BEIJING).time())
        _meal(edition, banquet.date, MealKind.BANQUET, names, venue=venue, session=banquet)
