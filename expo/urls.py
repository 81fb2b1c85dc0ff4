from django.urls import path

from wic import inputs  # noqa: F401  (registers the <id:...> path converter: ASCII digits, bounded)

from . import views

app_name = "expo"

urlpatterns = [
    path("editions/<str:year>/expo/", views.directory, name="directory"),
    path("editions/<str:year>/expo/apply/", views.apply, name="apply"),
    path("editions/<str:year>/expo/map/", views.zone_map, name="map"),
    path("editions/<str:year>/expo/openings/", views.openings, name="openings"),
    path("editions/<str:year>/expo/meetings/", views.meetings, name="meetings"),
    path("editions/<str:year>/expo/meetings/<id:pk>/<str:action>/", views.meeting_act, name="meeting-act"),
    path("editions/<str:year>/expo/exhibitors/<id:pk>/", views.exhibitor_page, name="exhibitor"),
    path("editions/<str:year>/expo/exhibitors/<id:pk>/edit/", views.exhibitor_edit, name="edit"),
]
