"""Issue 22: a person's photo on the public pages is a square JPEG made from the private upload
(people.views.person_photo), for people with a published appearance only; never a 500."""
from datetime import date
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from people.services import appearance_upsert

from .helpers import edition, person, session

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def speaker():
    forum = session(edition(), date(2099, 11, 10), (9, 0), (12, 0), title_zh="照片论坛", is_published=True)
    someone = person("photo-speaker", name_zh="照片人")
    someone.photo.save("upload.png", ContentFile(png(300, 200)), save=True)
    appearance_upsert(person=someone, session=forum, role="keynote", status="appeared")
    return someone, forum


def test_the_photo_is_served_as_a_square_jpeg_in_two_sizes(speaker, client):
    someone, _forum = speaker
    for size in (96, 240):
        response = client.get(f"/people/{someone.pk}/photo-{size}.jpg")
        assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (200, "image/jpeg", "public, max-age=86400")
        with Image.open(BytesIO(response.content)) as image:
            assert (image.format, image.size) == ("JPEG", (size, size))
    assert client.get(f"/people/{someone.pk}/photo-97.jpg").status_code == 404  # only the sizes the pages use


def test_the_pages_show_the_photo_and_never_the_upload(speaker, client):
    someone, forum = speaker
    page = client.get(f"/people/{someone.pk}/").content.decode()
    assert f'<img class="person-photo" src="/people/{someone.pk}/photo-240.jpg" width="120" height="120" alt="">' in page
    assert someone.photo.name not in page
    session_page = client.get(f"/editions/{forum.edition.year}/sessions/{forum.pk}/").content.decode()
    assert f'src="/people/{someone.pk}/photo-96.jpg"' in session_page


def test_no_photo_for_a_person_without_a_published_appearance_or_a_photo(speaker, client):
    someone, forum = speaker
    hidden = person("photo-hidden", name_zh="未公开")
    hidden.photo.save("h.png", ContentFile(png(50, 50)), save=True)
    appearance_upsert(person=hidden, session=forum, role="speech", status="invited")
    assert client.get(f"/people/{hidden.pk}/photo-96.jpg").status_code == 404
    plain = person("photo-none", name_zh="无照片")
    appearance_upsert(person=plain, session=forum, role="speech", status="appeared")
    assert client.get(f"/people/{plain.pk}/photo-96.jpg").status_code == 404
    assert client.get("/people/١٢/photo-96.jpg").status_code == 404  # Arabic-Indic digits are no id


def test_a_photo_file_gone_from_storage_answers_404_not_500(speaker, client):
    someone, _forum = speaker
    someone.photo.storage.delete(someone.photo.name)
    from django.core.cache import cache

    cache.clear()
    assert client.get(f"/people/{someone.pk}/photo-240.jpg").status_code == 404
