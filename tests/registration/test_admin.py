import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration import services
from registration.enums import RegistrationStatus as S
from registration.models import Registration
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")


@pytest.fixture
def edition():
    return EditionFactory(year=2099)


def register(edition, name, email=None, **extra):
    data = {
        "name": name, "email": email or f"{name.lower().replace(' ', '.')}@example.org", "organization_name": "Acme",
        "country": "CN", "category": "enterprise", "participation": "on_site", "consent": True, **extra,
    }
    return services.registration_create(edition=edition, data=data, language="en")


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_is_constant(admin_client_logged, edition):
    register(edition, "Guest 0")
    one = changelist_queries(admin_client_logged)
    for index in range(1, 5):
        register(edition, f"Guest {index}")
    assert Registration.objects.count() == 5
    assert changelist_queries(admin_client_logged) == one


def test_changelist_search_and_filters(admin_client_logged, edition):
    register(edition, "Ada Lovelace", name_zh="艾达")
    register(edition, "Alan Turing", needs_visa_letter=True)
    response = admin_client_logged.get(CHANGELIST, {"q": "艾达"})
    assert [r.name for r in response.context["cl"].result_list] == ["Ada Lovelace"]
    response = admin_client_logged.get(CHANGELIST, {"needs_visa_letter__exact": "1", "edition__id__exact": edition.pk})
    assert [r.name for r in response.context["cl"].result_list] == ["Alan Turing"]


def test_status_is_read_only_and_no_add(admin_client_logged, edition):
    registration = register(edition, "Ada Lovelace")
    page = admin_client_logged.get(f"{CHANGELIST}{registration.pk}/change/")
    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    assert admin_client_logged.get(f"{CHANGELIST}add/").status_code == 403


def test_bulk_approve_changes_pending_and_names_the_refused(admin_client_logged, superuser, edition, django_capture_on_commit_callbacks):
    first, second, rejected = register(edition, "Ada"), register(edition, "Alan"), register(edition, "Grace")
    services.registration_decide(registration=rejected, status=S.REJECTED, actor=superuser)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client_logged.post(
            CHANGELIST, {"action": "approve", "_selected_action": [first.pk, second.pk, rejected.pk], "index": 0}
        )

    assert response.status_code == 302
    assert len(callbacks) == 4  # per approved guest: the delivery of its email (recorded in the decision's transaction) and the badge
    levels = messages_of(response)
    assert [level for level, _text in levels] == ["success", "error"]
    assert levels[0][1].startswith("2 ")
    assert levels[1][1].startswith(rejected.reference)
    assert "invalid_transition" not in levels[1][1]  # the code is in the message's extra_tags
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Ada": S.APPROVED, "Alan": S.APPROVED, "Grace": S.REJECTED}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert all(m.to[0] != rejected.email for m in mail.outbox)
    assert set(Registration.objects.filter(status=S.APPROVED).values_list("notified_status", "decided_by")) == {(S.APPROVED, superuser.pk)}


def test_change_form_action_waitlists_one(admin_client_logged, edition, django_capture_on_commit_callbacks):
    registration = register(edition, "Ada")
    url = f"{CHANGELIST}{registration.pk}/change/"
    page = admin_client_logged.get(url)
    assert [value for value, _label in page.context["action_form"].fields["action"].choices] == ["", "approve", "waitlist", "reject", "resend_link", "reissue_credential"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(url, {"CHANGE_FORM-action": "waitlist", "_selected_action": str(registration.pk)})
    assert response.status_code == 302
    assert [level for level, _text in messages_of(response)] == ["success"]
    registration.refresh_from_db()
    assert registration.status == S.WAITLISTED
    assert [m.to for m in mail.outbox] == [[registration.email]]
