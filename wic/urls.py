from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agenda import api as agenda_api
from people.api import PersonViewSet
from people import api_invitations as speakers_api
from registration.checkin_api import CheckinView
from forums.api import ForumApplicationDecisionViewSet, ForumApplicationViewSet
from awards.api import AwardProgrammeViewSet, NominationDecisionViewSet, NominationViewSet, RecommendationViewSet
from registration.api import CredentialViewSet, InvitationViewSet, RegistrationViewSet
from registration.offline_api import CheckinListViewSet
from expo import api as expo_api
from protocol import api as protocol_api
from volunteers import api as volunteers_api
from travel import api as travel_api
from companion import api_map as companion_map_api

from . import inputs  # noqa: F401  (registers the <id:...> and <year:...> path converters)
from . import pwa, views
from .admin_audit import audit_object_view
from .admin_dashboard import dashboard_index, dashboard_view
from .admin_translations import translations_view
from .forms import QueuedPasswordResetForm
from .security import PASSWORD_RESET_RATE, public_write_limit
from .api import ObtainTokenView, OrganizationViewSet, RevokeTokenView
from .api_webhooks import WebhookEndpointViewSet

router = DefaultRouter()
for prefix, viewset, basename in agenda_api.ROUTES:  # editions, sessions, halls, venues, boards, outcomes
    router.register(prefix, viewset, basename=basename)
router.register("people", PersonViewSet, basename="person")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("forum-applications", ForumApplicationViewSet, basename="forum-application")
router.register("forum-application-decisions", ForumApplicationDecisionViewSet, basename="forum-application-decision")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("credentials", CredentialViewSet, basename="credential")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("checkin-lists", CheckinListViewSet, basename="checkin-list")
for prefix, viewset, basename in expo_api.ROUTES:  # exhibitors, their decisions, zones, booths, launches, openings, meetings
    router.register(prefix, viewset, basename=basename)
router.register("award-programmes", AwardProgrammeViewSet, basename="award-programme")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("nomination-decisions", NominationDecisionViewSet, basename="nomination-decision")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")  # issue 28: wic/api_webhooks.py
for prefix, viewset, basename in protocol_api.ROUTES:
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in volunteers_api.ROUTES:  # programmes, applications, teams, posts, training, shifts, offers, requests
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in travel_api.ROUTES:  # issue 24: visa letters, arrivals, pickup runs, hotels, stays, meals, diets, shuttles
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in [*speakers_api.ROUTES, *companion_map_api.ROUTES]:  # speakers' invitations; the map's service points and places
    router.register(prefix, viewset, basename=basename)

admin.site.site_header = "WIC Summit Manager"
admin.site.site_title = "WIC Summit Manager"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    # Near the top: the gates' scan is the hottest path, and each pattern before it is tried first.
    path("api/v1/checkins/", CheckinView.as_view(), name="api-checkins"),
    path("favicon.ico", views.favicon, name="favicon"),
    *pwa.urlpatterns,  # /manifest.webmanifest, /sw.js (scope: the whole site), /offline/
    path("i18n/", include("django.conf.urls.i18n")),
    path("lang/<str:code>/", views.switch_language, name="switch-language"),
    path("", include("agenda.urls")),
    path("", include("people.urls")),
    path("", include("forums.urls")),
    path("", include("registration.urls")),
    path("", include("expo.urls")),
    path("", include("volunteers.urls")),
    path("", include("awards.urls")),
    path("", include("protocol.urls")),
    path("", include("travel.urls")),
    path("", include("companion.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path(
        "accounts/password_reset/",
        public_write_limit("password-reset", PASSWORD_RESET_RATE)(auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/auth/token/<id:pk>/", RevokeTokenView.as_view(), name="api-token-revoke"),
    path("api/v1/", include(protocol_api.PATHS)),
    path("api/v1/", include(travel_api.PATHS)),  # the guest's visa letter at their private link
    path("api/v1/", include(speakers_api.PATHS)),  # the speaker's answer at their private link
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script at ?script, so the page has no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="wic/api_docs.html"), name="api-docs"),
    path(f"{settings.ADMIN_URL}dashboard/", admin.site.admin_view(dashboard_index), name="admin-dashboard-index"),
    path(f"{settings.ADMIN_URL}dashboard/<year:year>/", admin.site.admin_view(dashboard_view), name="admin-dashboard"),
    path(f"{settings.ADMIN_URL}translations/<year:year>/", admin.site.admin_view(translations_view), name="admin-translations"),
    path(f"{settings.ADMIN_URL}audit/<str:app_label>/<str:model_name>/<str:pk>/", admin.site.admin_view(audit_object_view), name="admin-audit-object"),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "wic.views.bad_request"
handler404 = "wic.views.api_not_found"
handler500 = "wic.views.server_error"
