from django.urls import path

from wic import inputs  # noqa: F401  (registers the <id:...> path converter: ASCII digits, bounded)

from . import views

app_name = "forums"

urlpatterns = [
    path("editions/<str:year>/forums/apply/", views.apply, name="apply"),
    path("editions/<str:year>/forums/apply/<id:pk>/", views.apply, name="edit"),
    path("editions/<str:year>/forums/mine/", views.mine, name="mine"),
    path("editions/<str:year>/forums/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("editions/<str:year>/forums/mine/<id:pk>/speakers/", views.speakers, name="speakers"),
    path("editions/<str:year>/forums/review/", views.review_list, name="review-list"),
    path("editions/<str:year>/forums/review/<id:pk>/", views.review, name="review"),
]
