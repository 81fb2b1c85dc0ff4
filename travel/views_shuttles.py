"""The shuttle timetable pages (issue 24)."""

urlpatterns: list = []
