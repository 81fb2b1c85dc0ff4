"""Pages of the protocol app: seating (to be written)."""
urlpatterns: list = []
