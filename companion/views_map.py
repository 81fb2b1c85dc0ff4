"""The map pages (issue 25)."""

urlpatterns: list = []
