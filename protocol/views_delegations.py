"""Pages of the protocol app: delegations (to be written)."""
urlpatterns: list = []
