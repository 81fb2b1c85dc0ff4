"""The translation workbench (issue 20): the list of an edition's fields with one language missing,
its filters, the inline save (provenance "organizer", an audit entry), refused input, who may open
it, its query counts, and the completeness panel of the dashboard."""
import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.models import Hall, Outcome, Session, SessionOrganization
from tests.factories import (
    BoardFactory, EditionFactory, HallFactory, OrganizationFactory, SessionFactory, VenueFactory, make_organizer,
)
from wic import contrib
from wic.errors import DomainError
from wic.models import EditionFigure, EditionOrganization, Organization
from wic.translations import completeness_panel, missing_rows, translation_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One record of every kind, each with exactly one field to translate (the organizations: one
    without English, one named only in English)."""
    venue = VenueFactory(name_zh="测试会展中心")
    edition = EditionFactory(main_venue=venue, theme_zh="测试主题")
    figure = EditionFigure.objects.create(edition=edition, key="guests", value=10, label_zh="嘉宾")
    hall = HallFactory(venue=venue, name_zh="测试厅")
    board = BoardFactory(edition=edition, name_zh="测试板块")
    session = SessionFactory(edition=edition, hall=hall, board=board, title_zh="测试论坛", title_en="Test forum", theme_zh="测试议题")
    outcome = Outcome.objects.create(edition=edition, session=session, title_zh="测试报告", kind="report")
    host = OrganizationFactory(name_zh="测试主办单位", name_en="")
    EditionOrganization.objects.create(edition=edition, organization=host, role="host")
    foreign = OrganizationFactory(name_zh="", name_en="Acme Ltd")
    SessionOrganization.objects.create(session=session, organization=foreign, role="host", sort_order=0)
    return {
        "edition": edition, "figure": figure, "venue": venue, "hall": hall, "board": board,
        "session": session, "outcome": outcome, "host": host, "foreign": foreign,
    }


@pytest.fixture
def organizer(db):
    return make_organizer("translation-organizer")


def keys(rows):
    return [(r.kind, r.pk, r.field, r.text) for r in rows]


# ---------------------------------------------------------------------------------------------
# The list


def test_missing_rows_lists_every_field_with_one_language_missing_in_kind_order(world):
    w = world
    assert keys(missing_rows(w["edition"])) == [
        ("editions", w["edition"].pk, "theme_en", "测试主题"),
        ("figures", w["figure"].pk, "label_en", "嘉宾"),
        ("venues", w["venue"].pk, "name_en", "测试会展中心"),
        ("halls", w["hall"].pk, "name_en", "测试厅"),
        ("boards", w["board"].pk, "name_en", "测试板块"),
        ("sessions", w["session"].pk, "theme_en", "测试议题"),
        ("outcomes", w["outcome"].pk, "title_en", "测试报告"),
        ("organizations", w["foreign"].pk, "name_zh", "Acme Ltd"),
        ("organizations", w["host"].pk, "name_en", "测试主办单位"),
    ]


def test_missing_rows_filtered_by_language(world):
    w = world
    assert keys(missing_rows(w["edition"], languages=("zh",))) == [("organizations", w["foreign"].pk, "name_zh", "Acme Ltd")]
    assert len(missing_rows(w["edition"], languages=("en",))) == 8


def test_missing_rows_leave_out_other_editions_records(world):
    other = EditionFactory()
    SessionFactory(edition=other, title_zh="别届论坛", title_en="")
    assert "别届论坛" not in [r.text for r in missing_rows(world["edition"])]
    assert [r.field for r in missing_rows(other) if r.kind == "sessions"] == ["title_en"]


def test_a_row_names_the_field_and_its_admin_page(world):
    row = [r for r in missing_rows(world["edition"]) if r.kind == "sessions"][0]
    assert (row.record, row.record_language, row.language, row.max_length, row.multiline) == ("测试论坛", "zh", "en", 300, False)
    assert row.admin_url == f"/admin/agenda/session/{world['session'].pk}/change/"
    from django.utils import translation

    with translation.override("en"):
        row = [r for r in missing_rows(world["edition"]) if r.kind == "sessions"][0]
    assert (row.record, row.record_language, row.text) == ("Test forum", "en", "测试议题")


def url(edition, query=""):
    return f"/admin/translations/{edition.year}/{query}"


def test_page_lists_the_rows_and_filters_by_kind(world, organizer, client):
    client.force_login(organizer)
    html = client.get(url(world["edition"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('<li class="wic-tr-row') == 9
    assert 'data-figure="translations-missing">9 fields to translate<' in html
    assert f'id="row-sessions-{world["session"].pk}-theme_en"' in html
    assert '<option value="sessions">Sessions (1)</option>' in html
    filtered = client.get(url(world["edition"], "?kind=organizations&missing=zh"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert filtered.count('<li class="wic-tr-row') == 1
    assert f'id="row-organizations-{world["foreign"].pk}-name_zh"' in filtered
    assert '<option value="organizations" selected>Organizations (1)</option>' in filtered


def test_page_ignores_unknown_filters(world, organizer, client):
    client.force_login(organizer)
    response = client.get(url(world["edition"], "?kind=nothing&missing=fr&page=zz"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.content.decode().count('<li class="wic-tr-row') == 9


def test_page_says_when_nothing_is_left(organizer, client):
    edition = EditionFactory()
    client.force_login(organizer)
    html = client.get(url(edition), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing to translate here" in html and '<li class="wic-tr-row' not in html


def test_page_is_paginated(organizer, client):
    from wic.admin_translations import PER_PAGE

    edition = EditionFactory()
    hall = HallFactory(name_en="Hall")
    board = BoardFactory(edition=edition, name_en="Board")
    for _ in range(PER_PAGE + 1):
        SessionFactory(edition=edition, hall=hall, board=board, title_en="")
    client.force_login(organizer)
    first = client.get(url(edition, "?kind=sessions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get(url(edition, "?kind=sessions&page=2"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (first.count('<li class="wic-tr-row'), second.count('<li class="wic-tr-row')) == (PER_PAGE, 1)
    assert "page 2 of 2" in second and 'href="?kind=sessions&amp;page=1"' in second


# ---------------------------------------------------------------------------------------------
# Saving


def test_inline_save_fills_the_field_records_organizer_provenance_and_an_audit_entry(world, organizer, client):
    client.force_login(organizer)
    session = world["session"]
    session.translation_provenance = {"title_en": "editorial"}
    Session.objects.filter(pk=session.pk).update(translation_provenance=session.translation_provenance)
    before = LogEntry.objects.count()
    response = client.post(
        url(world["edition"], "?kind=sessions"),
        {"kind": "sessions", "pk": str(session.pk), "field": "theme_en", "value": "  A test theme  "},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (response.status_code, response["Location"]) == (302, url(world["edition"], "?kind=sessions"))
    session.refresh_from_db()
    assert session.theme_en == "A test theme"
    assert session.translation_provenance == {"title_en": "editorial", "theme_en": "organizer"}
    assert session.provenance_of("theme_en") == "organizer"
    assert LogEntry.objects.count() == before + 1  # the service's own entry, not also auditlog's automatic one
    entry = LogEntry.objects.get_for_object(session).latest("timestamp")
    assert (entry.action, entry.actor_id) == (LogEntry.Action.UPDATE, organizer.pk)
    assert entry.changes_dict["theme_en"] == ["", "A test theme"]
    assert entry.changes_dict["translation_provenance"] == ['{"title_en": "editorial"}', '{"theme_en": "organizer", "title_en": "editorial"}']
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Saved the theme (English) of" in page
    assert '<li class="wic-tr-row' not in page  # the only session row is done


def test_save_fills_a_missing_chinese_name(world, organizer):
    foreign = translation_save(edition=world["edition"], kind="organizations", pk=world["foreign"].pk, field="name_zh", value="艾克米公司", actor=organizer)
    assert (Organization.objects.get(pk=foreign.pk).name_zh, foreign.translation_provenance) == ("艾克米公司", {"name_zh": "organizer"})
    assert [r.field for r in missing_rows(world["edition"], languages=("zh",))] == []


def test_a_hall_named_in_the_workbench_is_found_by_the_agenda_search(world, organizer):
    """The save runs the apps' post_save receivers: the agenda's search text follows the hall."""
    translation_save(edition=world["edition"], kind="halls", pk=world["hall"].pk, field="name_en", value="Lotus Hall", actor=organizer)
    assert "lotus hall" in Session.objects.get(pk=world["session"].pk).search_text.lower()
    assert LogEntry.objects.get_for_object(world["hall"]).count() == 1  # the organizer's entry only


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("   ", "blank", "Enter the theme (English), or leave the row for later."),
        ("bad\x00text", "invalid_characters", "The theme (English) holds a character that cannot be stored (a NUL or a broken character)."),
        ("bad\ud800", "invalid_characters", "The theme (English) holds a character that cannot be stored (a NUL or a broken character)."),
        ("x" * 301, "too_long", "The theme (English) may be at most 300 characters; this one has 301."),
    ],
)
def test_save_refuses_bad_text(world, organizer, value, code, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(DomainError) as caught:
        translation_save(edition=world["edition"], kind="sessions", pk=world["session"].pk, field="theme_en", value=value, actor=organizer)
    assert (caught.value.code, caught.value.message, caught.value.field) == (code, message, "value")
    assert Session.objects.get(pk=world["session"].pk).theme_en == ""


@pytest.mark.parametrize(
    ("kind", "field", "other_edition", "code", "status"),
    [
        ("nothing", "theme_en", False, "unknown_kind", 400),
        ("sessions", "key", False, "unknown_field", 400),
        ("sessions", "translation_provenance", False, "unknown_field", 400),
        ("sessions", "theme_en", True, "not_found", 404),
    ],
)
def test_save_refuses_what_the_workbench_does_not_list(world, organizer, kind, field, other_edition, code, status):
    pk = SessionFactory(edition=EditionFactory()).pk if other_edition else world["session"].pk
    with pytest.raises(DomainError) as caught:
        translation_save(edition=world["edition"], kind=kind, pk=pk, field=field, value="x", actor=organizer)
    assert (caught.value.code, caught.value.status) == (code, status)


def test_save_refuses_a_name_another_record_holds(world, organizer):
    OrganizationFactory(name_zh="已有名称")
    with pytest.raises(DomainError) as caught:
        translation_save(edition=world["edition"], kind="organizations", pk=world["foreign"].pk, field="name_zh", value="已有名称", actor=organizer)
    assert (caught.value.code, caught.value.status) == ("duplicate", 409)
    assert Organization.objects.get(pk=world["foreign"].pk).name_zh == ""


def test_page_shows_the_refusal_on_its_row_and_keeps_the_text(world, organizer, client):
    client.force_login(organizer)
    session = world["session"]
    response = client.post(
        url(world["edition"]), {"kind": "sessions", "pk": str(session.pk), "field": "theme_en", "value": "y" * 301}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<p class="errornote" id="err-sessions-{session.pk}-theme_en" role="alert" data-code="too_long">'
        "The theme (English) may be at most 300 characters; this one has 301.</p>"
    ) in html
    assert f'value="{"y" * 301}" aria-invalid="true"' in html
    assert "[too_long]" not in html


def test_page_refuses_a_nul_byte_before_the_view(world, organizer, client):
    client.force_login(organizer)
    response = client.post(url(world["edition"]), {"kind": "sessions", "pk": str(world["session"].pk), "field": "theme_en", "value": "a\x00b"})
    assert response.status_code == 400
    assert Session.objects.get(pk=world["session"].pk).theme_en == ""


def test_page_refusal_of_a_record_not_on_the_page_is_shown_on_top(world, organizer, client):
    client.force_login(organizer)
    response = client.post(url(world["edition"]), {"kind": "sessions", "pk": "999999999", "field": "theme_en", "value": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert '<p class="errornote" role="alert" data-code="not_found">No such record of Sessions in this edition.</p>' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Who may open it


def test_workbench_sends_anonymous_visitors_to_the_admin_login(world, client):
    response = client.get(url(world["edition"]))
    assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={url(world['edition'])}")


def test_workbench_refuses_staff_who_are_not_organizers(world, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("tr-staff", is_staff=True))
    response = client.get(url(world["edition"]))
    assert response.status_code == 403
    post = client.post(url(world["edition"]), {"kind": "sessions", "pk": str(world["session"].pk), "field": "theme_en", "value": "x"})
    assert post.status_code == 403
    assert Session.objects.get(pk=world["session"].pk).theme_en == ""


def test_workbench_of_an_unknown_year_is_404(organizer, client):
    client.force_login(organizer)
    assert client.get("/admin/translations/1999/").status_code == 404


def test_admin_index_and_dashboard_link_the_workbench(world, organizer, client):
    client.force_login(organizer)
    year = world["edition"].year
    assert f'href="/admin/translations/{year}/"' in client.get("/admin/").content.decode()
    assert f'href="/admin/translations/{year}/"' in client.get(f"/admin/dashboard/{year}/").content.decode()


# ---------------------------------------------------------------------------------------------
# Query counts: one query per kind, whatever the number of rows

def grow(edition, n):
    hall = Hall.objects.filter(sessions__edition=edition).first()
    for i in range(n):
        session = SessionFactory(edition=edition, hall=hall, title_en="", theme_zh=f"议题{i}")
        Outcome.objects.create(edition=edition, session=session, title_zh=f"报告{i}")
        SessionOrganization.objects.create(session=session, organization=OrganizationFactory(name_en=""), role="host", sort_order=0)


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


KINDS = 29  # the core's 5, the agenda's 5, forums 3, awards 4, expo 7, volunteers 4, registration 1


def test_list_and_panel_make_one_query_per_kind_whatever_the_rows(world):
    edition = world["edition"]
    assert len(contrib.items(contrib.Translatable)) == KINDS
    assert count_queries(lambda: missing_rows(edition)) == KINDS
    assert count_queries(lambda: completeness_panel(edition)) == 1  # one UNION ALL of every kind's counts
    grow(edition, 3)
    assert count_queries(lambda: missing_rows(edition)) == KINDS
    assert count_queries(lambda: completeness_panel(edition)) == 1


@pytest.mark.parametrize("n", [1, 3])
def test_page_queries_stay_the_same_with_more_rows(world, organizer, client, n):
    client.force_login(organizer)
    edition = world["edition"]
    client.get(url(edition))  # warm the session and the content types
    small = count_queries(lambda: client.get(url(edition)))
    grow(edition, n)
    response = None

    def fetch():
        nonlocal response
        response = client.get(url(edition))

    assert count_queries(fetch) == small
    # Per grown session: its title and theme, its board's name (the factory makes one), its outcome, its host.
    assert response.content.decode().count('<li class="wic-tr-row') == 9 + 5 * n


# ---------------------------------------------------------------------------------------------
# The dashboard panel


def test_completeness_panel_counts_records_with_each_language(world):
    panel = completeness_panel(world["edition"])
    assert [(k.key, k.total, k.with_en, k.with_zh) for k in panel.present] == [
        ("editions", 1, 0, 1),
        ("figures", 1, 0, 1),
        ("venues", 1, 0, 1),
        ("halls", 1, 0, 1),
        ("boards", 1, 0, 1),
        ("sessions", 1, 0, 1),
        ("outcomes", 1, 0, 1),
        ("organizations", 2, 1, 1),
    ]
    assert [k.key for k in panel.absent] == [
        "milestones", "described_items",
        "forum_calls", "call_questions", "review_criteria",
        "award_programmes", "award_categories", "further_conditions", "programme_figures",
        "expos", "expo_zones", "expo_sections", "exhibitors", "exhibits", "launches", "talent_listings",
        "volunteer_programmes", "training_modules", "volunteer_posts", "volunteer_teams", "checkin_lists",
    ]
    assert all((k.total, k.with_en, k.with_zh) == (0, 0, 0) for k in panel.absent)
    assert (panel.missing_en, panel.missing_zh) == (8, 1)


def test_the_apps_kinds_count_the_seeded_editions_records():
    """Forums, awards, expo, volunteers and registration declare their bilingual records too: the
    seeded 2024 edition's award categories all have English, its expo zones and sections none yet."""
    from wic.models import Edition

    panel = completeness_panel(Edition.objects.get(year=2024))
    apps_part = [(k.key, k.total, k.with_en, k.with_zh) for k in panel.present if k.key not in {
        "editions", "figures", "milestones", "described_items", "venues", "halls", "boards", "sessions", "outcomes", "organizations"}]
    assert apps_part == [
        # issue 21 added the two 2024 case calls (award_programmes 4 -> 6), the cross-border call's
        # five domains (categories 12 -> 17) and its one figure (figures 19 -> 20)
        ("award_programmes", 6, 6, 6), ("award_categories", 17, 17, 17), ("programme_figures", 20, 20, 20),
        ("expos", 1, 0, 1), ("expo_zones", 2, 0, 2), ("expo_sections", 5, 0, 5), ("volunteer_programmes", 1, 1, 1),
    ]
    rows = [r for r in missing_rows(Edition.objects.get(year=2024)) if r.kind in {"expo_zones", "expo_sections"}]
    assert [(r.kind, r.field, r.language) for r in rows][:3] == [
        ("expo_zones", "name_en", "en"), ("expo_zones", "name_en", "en"), ("expo_sections", "name_en", "en"),
    ]
    assert len(rows) == 7


def test_an_organizer_translates_an_expo_zone_in_the_workbench(organizer):
    """A record of an app's kind is saved like the core's: the value, and an audit entry naming
    the organizer (the expo's models keep no provenance map, so there is none to mark)."""
    from expo.models import Zone
    from wic.models import Edition

    edition = Edition.objects.get(year=2024)
    zone = Zone.objects.filter(edition=edition).order_by("pk").first()
    saved = translation_save(edition=edition, kind="expo_zones", pk=zone.pk, field="name_en", value="  Digital Pavilion ", actor=organizer)
    zone.refresh_from_db()
    assert (saved.pk, zone.name_en) == (zone.pk, "Digital Pavilion")
    entry = LogEntry.objects.get_for_object(zone).latest("pk")
    assert (entry.actor, entry.changes_dict) == (organizer, {"name_en": ["", "Digital Pavilion"]})
    other = Edition.objects.get(year=2017)
    with pytest.raises(DomainError) as refused:
        translation_save(edition=other, kind="expo_zones", pk=zone.pk, field="name_en", value="x", actor=organizer)
    assert (refused.value.code, refused.value.status) == ("not_found", 404)


def test_dashboard_shows_the_completeness_per_kind_linking_the_workbench(world, organizer, client):
    client.force_login(organizer)
    year = world["edition"].year
    html = client.get(f"/admin/dashboard/{year}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-figure="translations-missing-en">8<' in html
    assert (
        f'data-figure="translations-organizations-en"><a href="/admin/translations/{year}/?kind=organizations&amp;missing=en">'
        "1 of 2 have English</a>"
    ) in html
    assert f'<a href="/admin/translations/{year}/?kind=sessions">Sessions</a>' in html


def test_the_system_check_refuses_a_translatable_kind_it_cannot_read(monkeypatch):
    fake = (
        contrib.Contribution("agenda", contrib.Translatable("x", "agenda.Nothing", ("name",), "X", "edition")),
        contrib.Contribution("agenda", contrib.Translatable("y", "agenda.Hall", ("room",), "Y", "edition")),
        contrib.Contribution("expo", contrib.TranslatableScope("z", "edition")),
    )
    monkeypatch.setattr(contrib, "_collect", lambda installed: fake)
    assert [(e.id, e.msg) for e in contrib.check_contributions()] == [
        ("wic.E014", "agenda: Translatable 'x' names unknown model 'agenda.Nothing'."),
        ("wic.E014", "agenda: Translatable 'y': agenda.Hall has no field room_zh."),
        ("wic.E014", "agenda: Translatable 'y': agenda.Hall has no field room_en."),
        ("wic.E015", "expo: TranslatableScope names unknown Translatable 'z'."),
    ]


# ---------------------------------------------------------------------------------------------
# A reseed keeps what organizers entered


def test_a_reseed_keeps_the_organizers_translations_and_restores_the_rest(organizer):
    """`seed` runs on every `./run.sh`: an English name an organizer entered in the workbench must
    survive it (the seed would write the editorial or the source's value back), while a field the
    organizer did not touch is put back to the seed's value."""
    from agenda.models import Venue
    from wic.models import Edition
    from wic.seeding import seed_past_editions

    edition = Edition.objects.get(year=2017)
    hall = Hall.objects.get(name_zh="乌镇厅")
    assert (hall.name_en, hall.translation_provenance) == ("Wuzhen Hall", {"name_en": "editorial"})
    session = Session.objects.filter(edition=edition).order_by("pk").first()
    assert session.title_en == ""  # the texts give no session an English title: the seed writes ""
    translation_save(edition=edition, kind="halls", pk=hall.pk, field="name_en", value="Organizer's Hall", actor=organizer)
    translation_save(edition=edition, kind="sessions", pk=session.pk, field="title_en", value="Organizer's title", actor=organizer)
    venue = hall.venue
    seeded_venue = (venue.name_en, venue.translation_provenance)
    Venue.objects.filter(pk=venue.pk).update(name_en="changed outside the workbench", translation_provenance={})

    seed_past_editions()

    hall.refresh_from_db()
    session.refresh_from_db()
    venue.refresh_from_db()
    assert (hall.name_en, hall.translation_provenance) == ("Organizer's Hall", {"name_en": "organizer"})
    assert (session.title_en, session.translation_provenance) == ("Organizer's title", {"title_en": "organizer"})
    assert (venue.name_en, venue.translation_provenance) == seeded_venue  # not the organizer's: the seed's again
    assert seeded_venue[0] != "changed outside the workbench"
