"""The protocol app's pages. Each part's views live in its own module (views_delegations,
views_rsvp, views_seating)."""
from . import views_delegations, views_rsvp, views_seating

app_name = "protocol"

urlpatterns = [
    *views_delegations.urlpatterns,
    *views_rsvp.urlpatterns,
    *views_seating.urlpatterns,
]
