"""The travel app's pages (views.py): the guest's visa-letter request and letter, and the public
verification page a consulate opens from the letter's QR code."""
from . import views, views_arrivals, views_boarding, views_meals, views_shuttles

app_name = "travel"

urlpatterns = [*views.urlpatterns, *views_arrivals.urlpatterns, *views_boarding.urlpatterns, *views_meals.urlpatterns, *views_shuttles.urlpatterns]
