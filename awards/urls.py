from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("awards/", views.home, name="home"),
    path("awards/<int:pk>/recommend/", views.recommend, name="recommend"),
    path("awards/<int:pk>/nominate/", views.nominate_individual, name="nominate"),
    path("awards/<int:pk>/apply/", views.apply, name="apply"),
    path("awards/recommendations/<int:pk>/withdraw/", views.withdraw_recommendation, name="withdraw"),
    path("editions/<str:year>/awards/", views.edition_awards, name="edition"),
]
