from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("editions/<str:year>/volunteer/apply/", views.apply, name="apply"),
    path("volunteer/", views.my_page, name="mine"),
    path("volunteer/shifts/<int:pk>/check-in/", views.self_check, {"kind": "in"}, name="check-in"),
    path("volunteer/shifts/<int:pk>/check-out/", views.self_check, {"kind": "out"}, name="check-out"),
    path("volunteer/shifts/<int:pk>/request/", views.change_request, name="request"),
    path("volunteer/feed/<str:token>.ics", views.feed, name="feed"),
    path("volunteer/standby/<str:token>/", views.standby_offer, name="standby-offer"),
    path("volunteer/lead/", views.lead_page, name="lead"),
    path("volunteer/lead/check/", views.lead_check, name="lead-check"),
    path("volunteer/lead/attendance/", views.lead_attendance, name="lead-attendance"),
    path("volunteer/lead/requests/<int:pk>/", views.lead_decide, name="lead-decide"),
    path("volunteer/lead/hours.csv", views.lead_hours_csv, name="lead-hours"),
]
