from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    # <str:...>: the views answer "There is no person ..." for an id that is not ASCII digits (wic.inputs.ascii_int).
    path("people/<str:pk>/", views.person_detail, name="person"),
    path("people/<str:pk>/photo-<int:size>.jpg", views.person_photo, name="photo"),
    path("editions/<str:year>/people/", views.directory, name="directory"),
    # The speaker's private link (people.invitations): a signed token, no account.
    path("speakers/<str:token>/", views.speaker_page, name="speaker"),
]
