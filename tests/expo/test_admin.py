import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expo import services
from expo.models import BoothAllotment, Exhibitor, Launch

from .conftest import application, approved, at
from .test_import import GOOD_1, GOOD_2, BAD_COUNTRY, csv_bytes
from .test_pages_and_api import _many

pytestmark = pytest.mark.django_db


def test_admin_approve_action_uses_the_service_and_emails(admin_client_logged, edition, rep, django_capture_on_commit_callbacks):
    from django.core import mail

    exhibitor = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post("/admin/expo/exhibitor/", {"action": "approve", "_selected_action": [exhibitor.pk]})
    assert response.status_code == 302
    exhibitor.refresh_from_db()
    assert (exhibitor.status, exhibitor.notified_status) == ("approved", "approved")
    assert len(mail.outbox) == 1


def test_admin_allot_booth_action(admin_client_logged, edition, booths):
    first, second = approved(edition, 1), approved(edition, 2)
    page = admin_client_logged.post("/admin/expo/exhibitor/", {"action": "allot_booth", "_selected_action": [first.pk]})
    assert [b.code for b in page.context["booths"]] == ["A-01", "A-02", "A-03"]
    admin_client_logged.post("/admin/expo/exhibitor/", {"action": "allot_booth", "_selected_action": [first.pk], "apply": "1", "booth": booths[0].pk})
    assert BoothAllotment.objects.get(booth=booths[0]).exhibitor == first
    response = admin_client_logged.post("/admin/expo/exhibitor/", {"action": "allot_booth", "_selected_action": [second.pk], "apply": "1", "booth": booths[0].pk}, follow=True)
    assert '<li class="booth_taken error">' in response.content.decode()
    assert BoothAllotment.objects.filter(booth=booths[0]).count() == 1


def test_admin_import_dry_run_then_confirm(admin_client_logged, edition, booths):
    upload = SimpleUploadedFile("list.csv", csv_bytes(GOOD_1, GOOD_2, BAD_COUNTRY), content_type="text/csv")
    preview = admin_client_logged.post("/admin/expo/exhibitor/import/", {"edition": edition.pk, "file": upload})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result.valid, result.invalid, result.codes()) == (2, 1, {4: ["unknown_country"]})
    assert 'data-code="unknown_country"' in preview.content.decode()
    assert not Exhibitor.objects.filter(edition=edition).exists()  # the dry run wrote nothing
    confirmed = admin_client_logged.post("/admin/expo/exhibitor/import/", {"confirm": "1"})
    assert confirmed.status_code == 302
    assert sorted(Exhibitor.objects.filter(edition=edition).values_list("organization__name_zh", flat=True)) == ["导入机构一", "导入机构二"]


def test_admin_import_all_or_nothing(admin_client_logged, edition, booths):
    upload = SimpleUploadedFile("list.csv", csv_bytes(GOOD_1, BAD_COUNTRY), content_type="text/csv")
    preview = admin_client_logged.post("/admin/expo/exhibitor/import/", {"edition": edition.pk, "file": upload, "atomic_all": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Nothing would be written" in preview.content.decode()
    admin_client_logged.post("/admin/expo/exhibitor/import/", {"confirm": "1"})
    assert not Exhibitor.objects.filter(edition=edition).exists()


def test_admin_launch_add_goes_through_the_service(admin_client_logged, edition, rep):
    exhibitor = approved(edition, 1, rep=rep)
    day = edition.start_date
    services.launch_schedule(exhibitor=exhibitor, title_zh="已有", start=at(day, 10), end=at(day, 11), actor=rep)
    data = {"exhibitor": exhibitor.pk, "title_zh": "冲突", "start_0": str(day), "start_1": "10:30", "end_0": str(day), "end_1": "11:30"}
    response = admin_client_logged.post("/admin/expo/launch/add/", data, follow=True)
    assert '<li class="slot_conflict error">' in response.content.decode()
    ok = admin_client_logged.post("/admin/expo/launch/add/", {**data, "start_1": "11:00", "end_1": "11:30"})
    assert ok.status_code == 302
    assert list(Launch.objects.filter(edition=edition).values_list("title_zh", flat=True)) == ["已有", "冲突"]


@pytest.mark.parametrize("model", ["exhibitor", "booth", "boothallotment", "launch", "talentlisting", "meetingrequest", "zone", "exhibit"])
def test_admin_changelists_have_constant_queries(admin_client_logged, edition, zone, rep, guest, model):
    from decimal import Decimal

    from expo.models import Booth

    def grow(start, n):
        for i, e in enumerate(_many(edition, n, start)):
            booth = Booth.objects.create(edition=edition, zone=zone, code=f"C-{e.pk}", area=Decimal("9"))
            services.booth_allot(booth=booth, exhibitor=e)
            e.representatives.add(rep)
            services.opening_create(exhibitor=e, actor=rep, title_zh="工程师", field="ai", city="杭州")
            minute = (start + i) % 50
            services.launch_schedule(exhibitor=e, title_zh=f"发布{e.pk}", start=at(edition.start_date, 8 + (start + i) // 50, minute), end=at(edition.start_date, 8 + (start + i) // 50, minute + 1), actor=rep)
            services.meeting_request(exhibitor=e, guest=guest, start=at(edition.start_date + __import__("datetime").timedelta(days=1), 8 + (start + i) // 4, 15 * ((start + i) % 4)), minutes=15)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_logged.get(f"/admin/expo/{model}/").status_code == 200
        return len(ctx.captured_queries)

    grow(0, 1)
    one = count()
    grow(10, 8)
    assert count() == one
