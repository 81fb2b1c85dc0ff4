from django.urls import path

from wic import inputs  # noqa: F401  (registers the <id:...> path converter: ASCII digits, bounded)

from . import views

app_name = "awards"

urlpatterns = [
    path("awards/", views.home, name="home"),
    path("awards/<id:pk>/recommend/", views.recommend, name="recommend"),
    path("awards/<id:pk>/nominate/", views.nominate_individual, name="nominate"),
    path("awards/<id:pk>/apply/", views.apply, name="apply"),
    path("awards/recommendations/<id:pk>/withdraw/", views.withdraw_recommendation, name="withdraw"),
    path("editions/<str:year>/awards/", views.edition_awards, name="edition"),
]
