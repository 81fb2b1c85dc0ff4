from django.urls import path

from wic import inputs  # noqa: F401  (registers the <id:...> path converter: ASCII digits, bounded)

from . import views

app_name = "volunteers"

urlpatterns = [
    path("editions/<str:year>/volunteer/apply/", views.apply, name="apply"),
    path("volunteer/", views.my_page, name="mine"),
    path("volunteer/shifts/<id:pk>/check-in/", views.self_check, {"kind": "in"}, name="check-in"),
    path("volunteer/shifts/<id:pk>/check-out/", views.self_check, {"kind": "out"}, name="check-out"),
    path("volunteer/shifts/<id:pk>/request/", views.change_request, name="request"),
    path("volunteer/notices/<id:pk>/dismiss/", views.notice_dismiss, name="notice-dismiss"),
    path("volunteer/feed/<str:token>.ics", views.feed, name="feed"),
    path("volunteer/standby/<str:token>/", views.standby_offer, name="standby-offer"),
    path("volunteer/lead/", views.lead_page, name="lead"),
    path("volunteer/lead/check/", views.lead_check, name="lead-check"),
    path("volunteer/lead/attendance/", views.lead_attendance, name="lead-attendance"),
    path("volunteer/lead/requests/<id:pk>/", views.lead_decide, name="lead-decide"),
    path("volunteer/lead/hours.csv", views.lead_hours_csv, name="lead-hours"),
]
