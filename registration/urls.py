from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("editions/<str:year>/register/", views.register, name="register"),
    path("editions/<str:year>/register/sent/", views.register_sent, name="sent"),
    path("editions/<str:year>/registration/<str:token>/", views.guest_page, name="page"),
    path("editions/<str:year>/registration/<str:token>/badge.pdf", views.guest_badge, name="badge"),
    path("checkin/", views.checkin_page, name="checkin"),
    path("checkin/live/", views.checkin_live, name="checkin-live"),
]
