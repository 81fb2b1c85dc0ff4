import pytest
from django.contrib.auth import get_user_model

from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def test_home_lists_past_editions_in_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "2024年世界互联网大会·乌镇峰会" in html
    assert "第四届世界互联网大会" in html
    assert "<h2 id=\"past-title\">往届</h2>" in html


def test_home_in_english_with_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Past editions" in html
    # The English name where the data has it: the text's own (2024) or an editorial translation (2017,
    # wic/seed_data/editorial_en.yaml).
    assert "2024 World Internet Conference Wuzhen Summit" in html
    assert "4th World Internet Conference" in html


def test_home_shows_next_edition_first(client):
    EditionFactory(year=2099, name_zh="未来峰会", name_en="Future Summit")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.index("Future Summit") < html.index("2024 World Internet Conference Wuzhen Summit")
    assert "Next edition" in html


def test_language_switch_sets_cookie_and_redirects(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert "Past editions" in client.get("/").content.decode()


def test_login_page_and_sign_in(client):
    get_user_model().objects.create_user("attendee-test", password="a-long-test-password-1")
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode() and 'name="password"' in page.content.decode()
    response = client.post("/accounts/login/", {"username": "attendee-test", "password": "a-long-test-password-1"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").context["user"].username == "attendee-test"


def test_login_with_wrong_password_shows_error(client):
    get_user_model().objects.create_user("attendee-test", password="a-long-test-password-1")
    response = client.post("/accounts/login/", {"username": "attendee-test", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_sign_out(client):
    user = get_user_model().objects.create_user("attendee-test", password="a-long-test-password-1")
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_sends_mail_after_commit(client, mailoutbox, django_capture_on_commit_callbacks):
    get_user_model().objects.create_user("attendee-test", email="guest@example.org", password="a-long-test-password-1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/accounts/password_reset/", {"email": "guest@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 0  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["guest@example.org"]
    assert "/accounts/reset/" in mailoutbox[0].body


def test_unknown_page_is_404(client):
    assert client.get("/no-such-page/").status_code == 404
