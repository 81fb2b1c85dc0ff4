"""Pages of the protocol app: rsvp (to be written)."""
urlpatterns: list = []
