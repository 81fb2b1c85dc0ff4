"""The assistant pages (issue 25)."""

urlpatterns: list = []
