"""The printable badge: drawn by a Celery task after the credential is issued, downloaded from the
guest's page and the admin. The PDF is rendered back to pixels (pdfium) to read its QR code
(zxing-cpp), its text and the colour of its category band."""
import pypdfium2
import pytest
import zxingcpp

from registration import services
from registration.badge import CATEGORY_COLOURS
from registration.models import Credential
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest


@pytest.fixture
def approved(db, django_capture_on_commit_callbacks):
    edition = EditionFactory(year=2098)
    registration = services.registration_create(
        edition=edition, data=guest(name="Amani Wanjiru", name_zh="阿马尼", country="KE", category="academia", organization_name="University of Nairobi")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_decide(registration=registration, status="approved", actor=None)
    return registration


def rendered(content: bytes):
    document = pypdfium2.PdfDocument(content)
    page = document[0]
    text = page.get_textpage().get_text_range()
    image = page.render(scale=4).to_pil().convert("RGB")
    return len(document), page.get_size(), text, image


def test_approval_draws_the_badge_with_name_country_category_and_qr(approved):
    credential = approved.credentials.get()
    assert credential.badge.name == f"badges/{credential.issued_at:%Y}/badge-{approved.reference}-{credential.pk}.pdf"
    content = credential.badge.open("rb").read()
    pages, (width, height), text, image = rendered(content)
    assert pages == 1
    assert (round(width), round(height)) == (298, 420)  # A6 in points
    for expected in ("Amani Wanjiru", "阿马尼", "University of Nairobi", "肯尼亚 · Kenya", "学术界", "ACADEMIA", credential.grouped_secret):
        assert expected in text, expected
    codes = zxingcpp.read_barcodes(image)
    assert [(c.format.name, c.text) for c in codes] == [("QRCode", credential.secret)]
    band = image.getpixel((image.width // 2, image.height - 5))
    assert "#%02X%02X%02X" % band == CATEGORY_COLOURS["academia"] == "#6A1B9A"


def test_badge_task_is_idempotent_and_skips_revoked(approved, django_capture_on_commit_callbacks):
    credential = approved.credentials.get()
    assert services.credential_badge_render(credential_id=credential.pk) is False  # already drawn
    with django_capture_on_commit_callbacks(execute=True):
        new = services.credential_reissue(registration=approved, actor=None)
    new.refresh_from_db()
    assert new.pk != credential.pk and new.badge and new.badge.name != credential.badge.name
    Credential.objects.filter(pk=credential.pk).update(badge="")
    assert services.credential_badge_render(credential_id=credential.pk) is False  # revoked: nothing drawn
    assert Credential.objects.get(pk=credential.pk).badge.name == ""


def test_guest_downloads_their_badge_from_their_page(approved, client):
    page = client.get(f"/editions/2098/registration/{approved.token}/")
    assert f'href="/editions/2098/registration/{approved.token}/badge.pdf"' in page.content.decode()
    response = client.get(f"/editions/2098/registration/{approved.token}/badge.pdf")
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (200, "application/pdf", "private, no-store")
    assert response["Content-Disposition"] == f'inline; filename="badge-{approved.reference}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.")
    assert client.get("/editions/2098/registration/not-a-token/badge.pdf").status_code == 404


def test_missing_badge_is_drawn_on_request(approved, client):
    credential = approved.credentials.get()
    Credential.objects.filter(pk=credential.pk).update(badge="")
    response = client.get(f"/editions/2098/registration/{approved.token}/badge.pdf")  # tasks run eagerly here
    assert response.status_code == 200
    assert Credential.objects.get(pk=credential.pk).badge.name.endswith(".pdf")


def test_online_guest_has_no_badge(db, client):
    edition = EditionFactory(year=2097)
    registration = services.registration_create(edition=edition, data=guest(participation="online"))
    services.registration_decide(registration=registration, status="approved", actor=None)
    response = client.get(f"/editions/2097/registration/{registration.token}/badge.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This registration has no credential" in response.content.decode()


def test_admin_downloads_and_redraws_badges(approved, admin_client_logged, django_capture_on_commit_callbacks):
    credential = approved.credentials.get()
    listing = admin_client_logged.get("/admin/registration/credential/").content.decode()
    assert f'href="/admin/registration/credential/{credential.pk}/badge/"' in listing
    download = admin_client_logged.get(f"/admin/registration/credential/{credential.pk}/badge/")
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    old_name = credential.badge.name
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(
            "/admin/registration/credential/", {"action": "draw_badges", "_selected_action": [credential.pk]}, follow=True
        )
    assert response.status_code == 200
    credential.refresh_from_db()
    assert credential.badge.name.endswith(".pdf") and credential.badge.storage.exists(credential.badge.name)
    assert old_name == credential.badge.name or not credential.badge.storage.exists(old_name)
