from django.urls import path

from wic import inputs  # noqa: F401  (registers the <id:...> path converter: ASCII digits, bounded)

from . import views

app_name = "agenda"

urlpatterns = [
    path("editions/", views.edition_list, name="editions"),
    path("editions/<str:year>/", views.edition_detail, name="edition"),
    path("editions/<str:year>/agenda/", views.agenda, name="agenda"),
    path("editions/<str:year>/agenda.ics", views.agenda_ics, name="ics"),
    path("editions/<str:year>/schedule.json", views.schedule_json, name="schedule-json"),
    path("editions/<str:year>/schedule.xml", views.schedule_xml, name="schedule-xml"),
    path("editions/<str:year>/sessions/<id:pk>/", views.session_detail, name="session"),
    path("editions/<str:year>/sessions/<id:pk>/star/", views.star, name="star"),
    path("editions/<str:year>/my-agenda/", views.my_agenda, name="my-agenda"),
    path("editions/<str:year>/my-agenda/merge/", views.stars_merge, name="stars-merge"),
    path("editions/<str:year>/my-agenda/feed/", views.feed_create, name="feed-create"),
    path("editions/<str:year>/my-agenda/notices/<id:pk>/dismiss/", views.notice_dismiss, name="notice-dismiss"),
    path("my-agenda/<str:token>.ics", views.personal_feed, name="personal-feed"),
]
