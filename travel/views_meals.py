"""The guest's dietary needs page actions (issue 24)."""

urlpatterns: list = []
