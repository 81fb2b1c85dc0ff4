"""Issue 22: a person's changes are audited without the computed search fields; the organizers'
admin pages of people and appearances show the private contact fields, the public pages do not."""
import pytest
from auditlog.models import LogEntry

from people.services import appearance_upsert
from tests.factories import make_organizer

from .helpers import edition, person, session

pytestmark = pytest.mark.django_db


def test_a_persons_changes_are_audited_without_search_text_or_sort_name():
    p = person("test-audit", name_zh="审计人", email="audit@example.org")
    created = LogEntry.objects.get_for_object(p).get()
    assert created.action == LogEntry.Action.CREATE
    assert {"name_zh", "email", "key"} <= set(created.changes_dict)
    assert not {"search_text", "sort_name"} & set(created.changes_dict)
    person("test-audit", name_zh="审计人", name_en="Auditor", email="audit@example.org")
    updated = LogEntry.objects.get_for_object(p).filter(action=LogEntry.Action.UPDATE).get()
    assert updated.changes_dict == {"name_en": ["", "Auditor"]}


def test_an_appearance_change_is_audited():
    e = edition()
    a = appearance_upsert(person=person("test-audit", name_zh="审计人"), session=session(e, e.start_date, (9, 0), (10, 0)), role="speech", status="invited")
    appearance_upsert(person=a.person, session=a.session, role="speech", status="confirmed")
    assert LogEntry.objects.get_for_object(a).filter(action=LogEntry.Action.UPDATE).get().changes_dict == {"status": ["invited", "confirmed"]}


def test_the_admin_pages_answer_an_organizer_and_show_the_private_fields(client):
    e = edition()
    p = person("test-admin", name_zh="后台人", email="private.contact@example.org", phone="13900000001", assistant="秘书乙")
    a = appearance_upsert(person=p, session=session(e, e.start_date, (9, 0), (10, 0)), role="keynote", status="confirmed", title_zh="测试院长")
    client.force_login(make_organizer())
    for url in ("/admin/people/person/", f"/admin/people/person/{p.pk}/change/", "/admin/people/person/add/",
                "/admin/people/appearance/", f"/admin/people/appearance/{a.pk}/change/", "/admin/people/appearance/add/",
                "/admin/people/person/?q=rxl", "/admin/people/appearance/?q=后台"):
        assert client.get(url).status_code == 200, url
    change = client.get(f"/admin/people/person/{p.pk}/change/").content.decode()
    for private in ("private.contact@example.org", "13900000001", "秘书乙"):
        assert private in change
    # The public side (the person's page and the API) never shows them.
    public = client.get(f"/people/{p.pk}/")
    api = client.get(f"/api/v1/people/{p.pk}/")
    for response in (public, api):
        assert response.status_code == 200
        text = response.content.decode()
        assert "后台人" in text
        for private in ("private.contact@example.org", "13900000001", "秘书乙"):
            assert private not in text


def test_the_admin_refuses_anonymous_visitors(client):
    assert client.get("/admin/people/person/").status_code == 302


def test_the_person_list_filters_by_country_name_and_not_stated(client):
    """Django's own filter showed the empty country as a link with no text (axe: link-name); the
    filter names each country and offers "Not stated"."""
    malaysian = person("test-my", name_zh="测试马来", country="MY")
    unstated = person("test-none", name_zh="测试无国")
    client.force_login(make_organizer())
    html = client.get("/admin/people/person/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="?country=MY"' in html and ">Malaysia</a>" in html and ">Not stated</a>" in html
    assert 'href="?country="' not in html
    shown = client.get("/admin/people/person/?country=-").context["cl"].result_list
    assert unstated in shown and malaysian not in shown
    malaysia = set(client.get("/admin/people/person/?country=MY").context["cl"].result_list)
    assert malaysian in malaysia and unstated not in malaysia
    assert {p.country for p in malaysia} == {"MY"}  # with the seeded 张念群 (马来西亚通讯部副部长)
