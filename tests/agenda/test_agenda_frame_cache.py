"""The agenda page's frame (issue 26, "cold paths"): everything but the session cards, cached by a
digest of what it shows (agenda.cache.framed), with the filter form cached the same way
(agenda.cache.fragment) and the day read as rows (agenda.day_rows). An edit re-renders its card
alone and changes the ETag; a change that the frame shows (a new hall, a session moved to another
day, a renamed hall) shows at once; languages never share a frame; a release renders frames and
cards again. Each page is also compared with the page as before issue 26 (AGENDA_CARD_CACHE off)."""
import re
import shutil
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import FieldFetchBlocked, ImproperlyConfigured
from django.test import override_settings
from django.utils import translation

from agenda import cache as agenda_cache
from agenda import day_rows
from agenda.models import Hall, Session
from agenda.selectors import sessions_for_agenda
from tests.agenda.test_agenda_fragments import empty_card_store, rendered_cards  # noqa: F401 - fixtures
from tests.factories import EditionFactory, HallFactory, OrganizationFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "empty_card_store")]

DAY_URL = "/editions/2017/agenda/?day=2017-12-04"
NEXT_DAY_URL = "/editions/2017/agenda/?day=2017-12-05"
AI_FORUM = "人工智能:让生活更美好"
CARD = re.compile(r'<article [^>]*?class="session[^"]*" aria-labelledby="s(\d+)-t".*?</article>', re.S)


@pytest.fixture
def frames(monkeypatch):
    """Whether each agenda render rendered its frame (True) or took it from the cache (False)."""
    seen = []
    real = agenda_cache.framed

    def recording(key, render, slots):
        made = []
        html = real(key, lambda fillers: made.append(1) or render(fillers), slots)
        seen.append(bool(made))
        return html

    monkeypatch.setattr(agenda_cache, "framed", recording)
    return seen


def cards_of(html: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in CARD.finditer(html)}


def frame_of(html: str) -> str:
    """The page with each card replaced by its session's id."""
    return CARD.sub(lambda m: f"[card {m.group(1)}]", html)


def as_before_issue_26(client, url: str, **headers) -> str:
    """The page as rendered with no card or frame cache (a fresh render of the data as it is)."""
    with override_settings(AGENDA_CARD_CACHE=False):
        agenda_cache.bump_edition(2017)
        return client.get(url, **headers).content.decode()


def test_an_edit_changes_exactly_that_card_and_the_etag(client, frames, rendered_cards):  # noqa: F811
    first = client.get(DAY_URL)
    session = Session.objects.get(edition__year=2017, title_zh=AI_FORUM)
    session.title_zh = f"{AI_FORUM}(改)"
    session.save()
    frames.clear()
    rendered_cards.clear()

    second = client.get(DAY_URL)

    before, after = first.content.decode(), second.content.decode()
    assert [pk for pk, card in cards_of(before).items() if cards_of(after)[pk] != card] == [session.pk]
    assert f"{AI_FORUM}(改)</a>" in cards_of(after)[session.pk]
    assert frame_of(after) == frame_of(before)
    assert (frames, rendered_cards) == ([False], [(session.pk, "zh-hans")])  # the frame and 17 cards from the cache
    assert second["ETag"] != first["ETag"]
    assert second["ETag"] == agenda_cache.etag_for(second.content)
    assert after == as_before_issue_26(client, DAY_URL)


def test_a_page_miss_with_nothing_changed_renders_nothing_and_keeps_the_etag(client, frames, rendered_cards):  # noqa: F811
    first = client.get(DAY_URL)
    frames.clear()
    rendered_cards.clear()
    agenda_cache.bump_edition(2017)  # as after an edit elsewhere in the edition

    second = client.get(DAY_URL)

    assert (frames, rendered_cards) == ([False], [])
    assert (second.content, second["ETag"]) == (first.content, first["ETag"])


def test_a_session_moved_to_a_new_hall_shows_at_once_in_the_filter_and_the_grid(client, frames, rendered_cards):  # noqa: F811
    first_day_url = "/editions/2017/agenda/?day=2017-12-02"  # another day: only its filter changes
    client.get(DAY_URL)
    client.get(first_day_url)
    session = Session.objects.get(edition__year=2017, title_zh=AI_FORUM)
    hall = HallFactory(venue=session.hall.venue, name_zh="第二十六号新厅", room="2626")
    assert not Session.objects.filter(edition__year=2017, hall=hall).exists()
    session.hall = hall
    session.save()
    frames.clear()
    rendered_cards.clear()

    response = client.get(DAY_URL)
    other_day = client.get(first_day_url).content.decode()

    html = response.content.decode()
    option = f'<option value="{hall.pk}">第二十六号新厅 (2626)</option>'
    assert option in html and option in other_day
    assert '第二十六号新厅 <span class="room">2626</span>' in html  # its column's head
    assert hall in response.context["timetable"].columns
    assert (frames, rendered_cards) == ([True, True], [(session.pk, "zh-hans")])
    assert html == as_before_issue_26(client, DAY_URL)
    assert other_day == as_before_issue_26(client, first_day_url)


def test_a_session_moved_to_another_day_shows_at_once_on_every_day(client, frames, rendered_cards):  # noqa: F811
    tabs = re.compile(r'\?day=(2017-12-0\d)"[^>]*>[^<]*<span class="weekday">[^<]*</span> <span class="count">(\d+)')
    first_day_url = "/editions/2017/agenda/?day=2017-12-02"  # neither day: only its tabs change
    before = dict(tabs.findall(client.get(DAY_URL).content.decode()))
    client.get(NEXT_DAY_URL)
    client.get(first_day_url)
    session = Session.objects.get(edition__year=2017, title_zh=AI_FORUM)
    session.date = date(2017, 12, 5)
    session.start, session.end = session.start + timedelta(days=1), session.end + timedelta(days=1)
    session.save()
    frames.clear()

    pages = [client.get(url).content.decode() for url in (DAY_URL, NEXT_DAY_URL, first_day_url)]

    expected = {**before, "2017-12-04": str(int(before["2017-12-04"]) - 1), "2017-12-05": str(int(before["2017-12-05"]) + 1)}
    assert [dict(tabs.findall(page)) for page in pages] == [expected] * 3
    assert session.pk not in cards_of(pages[0]) and session.pk in cards_of(pages[1])
    assert frames == [True, True, True]  # the tabs' counts changed on every page
    for url, page in zip((DAY_URL, NEXT_DAY_URL, first_day_url), pages):
        assert page == as_before_issue_26(client, url)


def test_a_renamed_hall_shows_at_once_in_the_filter_and_the_column(client, frames):
    client.get(DAY_URL, HTTP_ACCEPT_LANGUAGE="en")
    hall = Session.objects.get(edition__year=2017, title_zh=AI_FORUM).hall
    hall.name_en = "Issue 26 Hall"
    hall.save()  # a shared record: every edition gets a new version
    frames.clear()

    html = client.get(DAY_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'<option value="{hall.pk}">Issue 26 Hall' in html
    assert re.search(r'<div class="hall-head" aria-hidden="true"[^>]*>(<span[^>]*>)?Issue 26 Hall<', html)
    assert frames == [True]
    assert html == as_before_issue_26(client, DAY_URL, HTTP_ACCEPT_LANGUAGE="en")


def test_chinese_and_english_pages_have_their_own_frames(client, frames, rendered_cards):  # noqa: F811
    zh = client.get(DAY_URL).content.decode()
    en = client.get(DAY_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert frames == [True, True]
    assert '<html lang="zh-hans">' in zh and "议程" in zh
    assert '<html lang="en">' in en and "All times are Beijing time (UTC+8)." in en
    frames.clear()
    rendered_cards.clear()
    agenda_cache.bump_edition(2017)

    assert client.get(DAY_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode() == en
    assert client.get(DAY_URL).content.decode() == zh
    assert (frames, rendered_cards) == ([False, False], [])


def test_filtered_pages_follow_edits_and_keep_their_filter_values(client, frames):
    session = Session.objects.get(edition__year=2017, title_zh=AI_FORUM)
    url = f"/editions/2017/agenda/?day=2017-12-04&hall={session.hall_id}&kind={session.kind}"
    first = client.get(url).content.decode()
    assert f'<option value="{session.hall_id}" selected>' in first and session.pk in cards_of(first)
    other = Hall.objects.filter(sessions__edition__year=2017).exclude(pk=session.hall_id).first()
    other_page = client.get(f"/editions/2017/agenda/?day=2017-12-04&hall={other.pk}&kind={session.kind}").content.decode()
    assert f'<option value="{other.pk}" selected>' in other_page and f'<option value="{session.hall_id}" selected>' not in other_page
    session.title_zh = f"{AI_FORUM}(改)"
    session.save()
    frames.clear()

    html = client.get(url).content.decode()

    assert f"{AI_FORUM}(改)</a>" in cards_of(html)[session.pk]
    assert frame_of(html) == frame_of(first)
    assert frames == [False]
    assert html == as_before_issue_26(client, url)


def test_signed_in_pages_name_the_visitor_and_their_stars_after_an_anonymous_frame(client, django_user_model, frames):
    from agenda.models import Star

    attendee = django_user_model.objects.create_user("frame-26", password="a-long-test-password-1")
    client.get(DAY_URL)  # the anonymous frame is cached
    session = Session.objects.get(edition__year=2017, title_zh=AI_FORUM)
    Star.objects.create(user=attendee, session=session)
    client.force_login(attendee)

    html = client.get(DAY_URL).content.decode()

    assert f'<span class="who">{attendee.get_username()}</span>' in html
    assert f'data-session="{session.pk}" data-star-url="/editions/2017/sessions/{session.pk}/star/" aria-pressed="true"' in html
    assert html.count('aria-pressed="true"') == 1
    assert frames == [True]  # the anonymous render's: the signed-in page is rendered whole, never from a frame


def _new_process():
    """A release is a new process: the digests of templates and translations are computed again."""
    agenda_cache._frame_release_digest.cache_clear()
    agenda_cache._card_templates_digest.cache_clear()


@pytest.fixture
def release(tmp_path):
    """`with release():` a release that changes the agenda page's and the card's templates (copies
    of them, marked, ahead of the app's templates)."""
    from contextlib import contextmanager

    source = settings.BASE_DIR / "templates" / "agenda"
    (tmp_path / "agenda" / "includes").mkdir(parents=True)
    page = (source / "agenda.html").read_text().replace("{% block content %}", "{% block content %}<!--release 26-->", 1)
    (tmp_path / "agenda" / "agenda.html").write_text(page)
    card = (source / "includes" / "session_card.html").read_text().replace("<article ", '<article data-release="26" ', 1)
    (tmp_path / "agenda" / "includes" / "session_card.html").write_text(card)
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    @contextmanager
    def released():
        _new_process()
        try:
            with override_settings(TEMPLATES=templates):
                yield
        finally:
            _new_process()

    yield released
    _new_process()


def test_a_release_that_changes_the_templates_is_served_at_once(client, frames, rendered_cards, release):  # noqa: F811
    before = client.get(DAY_URL)
    cards = len(rendered_cards)
    frames.clear()
    rendered_cards.clear()

    with release():  # no edit: the agenda page's key names the release, so its entry is not served
        after = client.get(DAY_URL)

    html = after.content.decode()
    assert "<!--release 26-->" in html and "<!--release 26-->" not in before.content.decode()
    assert len(cards_of(html)) == cards == 19 and all('data-release="26"' in card for card in cards_of(html).values())
    assert (frames, len(rendered_cards)) == ([True], cards)  # the frame and every card rendered again
    assert after["ETag"] != before["ETag"]


def test_a_release_that_changes_the_translations_changes_the_digests(tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], locale)
    _new_process()
    before = (agenda_cache._card_templates_digest(), agenda_cache._frame_release_digest())
    try:
        with override_settings(LOCALE_PATHS=[locale]):
            _new_process()
            same = (agenda_cache._card_templates_digest(), agenda_cache._frame_release_digest())
            mo = locale / "zh_Hans" / "LC_MESSAGES" / "django.mo"
            mo.write_bytes(mo.read_bytes() + b"\0")
            _new_process()
            after = (agenda_cache._card_templates_digest(), agenda_cache._frame_release_digest())
    finally:
        _new_process()
    assert same == before  # the same files, the same digests
    assert after[0] != before[0] and after[1] != before[1]


def test_a_release_that_changes_the_pages_code_changes_the_digests(monkeypatch):
    _new_process()
    before = (agenda_cache._card_templates_digest(), agenda_cache._frame_release_digest())
    monkeypatch.setattr(agenda_cache, "PAGE_CODE", (*agenda_cache.PAGE_CODE[:-1], "tests.agenda.test_agenda_frame_cache"))
    _new_process()
    try:
        after = (agenda_cache._card_templates_digest(), agenda_cache._frame_release_digest())
    finally:
        monkeypatch.undo()
        _new_process()
    assert after[0] != before[0] and after[1] != before[1]


# --- the rows --------------------------------------------------------------------------------------


def test_the_prepared_reads_give_the_orms_rows():
    edition = EditionFactory()
    hall = HallFactory()
    host = OrganizationFactory()
    for n, day in enumerate([edition.start_date, edition.start_date, edition.end_date, None]):
        session = SessionFactory(edition=edition, date=day, hall=hall if n else None, **({} if day else {"start": None, "end": None}))
        session.organization_roles.create(organization=host, role="host")
    for day in (edition.start_date, edition.end_date, None):
        prepared = day_rows.day_rows(edition, day)
        orm = day_rows.day_rows(edition, day, matching=sessions_for_agenda(edition))
        assert prepared.rows == orm.rows and prepared.rows
        ids = [row.id for row in prepared]
        roles, appearances = day_rows.card_detail_rows(edition, day)
        assert [row[0] for row in roles] == ids
        assert (roles.rows, appearances.rows) == tuple(r.rows for r in day_rows.card_detail_rows(edition, day, ids))


def test_a_prepared_read_refuses_a_stand_in_it_cannot_find():
    read = day_rows.PreparedRead(Session, lambda edition: Session.objects.filter(edition_id=7).values_list("id"), edition=-26)
    with pytest.raises(ImproperlyConfigured):
        read.rows(edition=1)


def test_a_card_can_show_only_what_its_key_holds():
    """The instances of the cards to render hold the read fields only: a card template showing
    another would fail, not query it and be cached under a key that does not follow it."""
    session = Session.objects.get(edition__year=2017, title_zh=AI_FORUM)
    rows = day_rows.day_rows(session.edition, session.date)
    roles, appearances = day_rows.card_detail_rows(session.edition, session.date)
    (card,) = day_rows.card_sessions(rows, [row for row in rows if row.id == session.pk], roles, appearances)
    assert (card.title_zh, card.hall.venue.name_zh, card.start) == (session.title_zh, session.hall.venue.name_zh, session.start)
    with pytest.raises(FieldFetchBlocked):
        card.summary_zh  # noqa: B018
    with pytest.raises(FieldFetchBlocked):
        card.edition  # noqa: B018


def test_period_names_follow_the_language():
    from agenda.templatetags.agenda_cards import period_name

    with translation.override("en"):
        assert (period_name("noon"), period_name("unknown")) == ("Noon", "unknown")
