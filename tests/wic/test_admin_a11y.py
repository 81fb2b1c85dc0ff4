"""Django admin's own widgets, made nameable (issue 20's axe run over every admin page): the script
static/js/admin_a11y.js on every admin page, and the calendar shortcuts' names in Chinese from the
project's djangojs catalog. The browser side is checked by tests/e2e/test_crawl.py (axe, 0 serious
or critical on the admin's add pages with autocomplete fields)."""
import json

import pytest

from tests.factories import make_organizer


@pytest.mark.django_db
def test_every_admin_page_loads_the_accessibility_script(client):
    client.force_login(make_organizer())
    for url in ("/admin/", "/admin/agenda/session/add/", "/admin/wic/member/add/"):
        html = client.get(url).content.decode()
        assert html.count('<script src="/static/js/admin_a11y.js" defer></script>') == 1, url


@pytest.mark.django_db
def test_the_calendar_shortcuts_are_named_in_the_words_they_show(client):
    """The "Today" link shows 今天; its name was "Today (Dec. 7, 2026)" because Django's Chinese
    catalog lacks the msgid (axe: label-content-name-mismatch)."""
    client.force_login(make_organizer())
    catalog = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for english, chinese in (("Yesterday", "昨天"), ("Today", "今天"), ("Tomorrow", "明天")):
        assert f'"{english} (%(date)s)": {json.dumps(chinese + "（%(date)s）")}' in catalog, english
