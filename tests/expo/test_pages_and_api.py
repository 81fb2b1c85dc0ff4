import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expo import services
from expo.models import Exhibitor, ExhibitorField
from tests.factories import EditionFactory
from wic.models import EditionFigure, Organization

from .conftest import application, approved, at

pytestmark = pytest.mark.django_db


def _many(edition, n, start=100):
    """n approved exhibitors with a country and two fields each, the fast way."""
    orgs = Organization.objects.bulk_create([Organization(name_zh=f"批量参展商{start + i}", name_en=f"Bulk Exhibitor {start + i}") for i in range(n)])
    exhibitors = Exhibitor.objects.bulk_create(
        [Exhibitor(edition=edition, organization=o, country=("CN", "DE", "BR", "KE")[i % 4], status="approved", products_en="Robots") for i, o in enumerate(orgs)]
    )
    ExhibitorField.objects.bulk_create([ExhibitorField(exhibitor=e, field=f) for e in exhibitors for f in ("ai", "robotics")])
    return exhibitors


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:400]
    return len(ctx.captured_queries), response


def test_directory_query_count_is_constant_with_1_and_700_exhibitors(client, edition, booths, organizer):
    first = approved(edition, 1)
    services.booth_allot(booth=booths[0], exhibitor=first)
    url = f"/editions/{edition.year}/expo/"
    one, response = _queries(client, url)
    assert response.context["total"] == 1
    _many(edition, 699)
    many, response = _queries(client, url)
    assert response.context["total"] == 700
    assert one == many
    assert many == 11  # edition, zones, reported figures, counts per country, expo, sections, count, page, fields, booths, counts per field
    filtered, response = _queries(client, url, {"field": "ai", "country": "CN", "q": "批量"})
    assert response.context["total"] == 175
    assert filtered == many + 1  # the filtered result's own counts per country


def test_directory_counts_and_filters(client, edition, booths):
    a = approved(edition, 1, country="CN", fields=["ai", "cloud"])
    b = approved(edition, 2, country="DE", fields=["ai"], organization_name_en="Sachsen Robotics", products_en="Humanoid robot")
    approved(edition, 3, country="DE", fields=["blockchain"])
    services.booth_allot(booth=booths[0], exhibitor=b)
    url = f"/editions/{edition.year}/expo/"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["per_country"] == [("DE", "Germany", 2), ("CN", "China", 1)]
    assert [(code, n) for code, _label, n in response.context["per_field"]] == [("ai", 2), ("blockchain", 1), ("cloud", 1)]
    assert response.context["headline"] == ("3 exhibitors from 2 countries and regions", "")

    def names(params):
        return [e.organization.name_zh for e in client.get(url, params).context["page"]]

    assert names({"field": "ai"}) == ["测试参展商1", "测试参展商2"]
    assert names({"country": "de"}) == ["测试参展商2", "测试参展商3"]
    assert names({"zone": booths[0].zone_id}) == ["测试参展商2"]
    assert names({"q": "humanoid"}) == ["测试参展商2"]  # English, case-insensitive
    assert names({"q": "参展商3"}) == ["测试参展商3"]  # Chinese
    assert names({"q": "sachsen"}) == ["测试参展商2"]
    filtered = client.get(url, {"country": "DE"})
    assert filtered.context["per_country"] == [("DE", "德国", 2)]
    assert a.pk


def test_directory_shows_reported_figures_where_data_is_incomplete(client):
    from wic.models import Edition

    edition = Edition.objects.get(year=2024)
    response = client.get("/editions/2024/expo/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["headline"][0] == "665 exhibitors from 53 countries and regions (reported)"
    assert "665 exhibitors from 53 countries and regions (reported)" in response.content.decode()
    response = client.get("/editions/2017/expo/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["headline"][0] == "400+ exhibitors (reported)"
    assert edition.year == 2024


def test_reported_figure_gives_way_when_the_directory_is_complete(client):
    edition = EditionFactory()
    EditionFigure.objects.create(edition=edition, key="exhibitors", value=2, label_zh="参展")
    EditionFigure.objects.create(edition=edition, key="exhibitor_countries", value=2, label_zh="国家")
    approved(edition, 1, country="CN")
    assert client.get(f"/editions/{edition.year}/expo/", HTTP_ACCEPT_LANGUAGE="en").context["headline"][0] == "2 exhibitors from 2 countries and regions (reported)"
    approved(edition, 2, country="FR")
    assert client.get(f"/editions/{edition.year}/expo/", HTTP_ACCEPT_LANGUAGE="en").context["headline"] == ("2 exhibitors from 2 countries and regions", "")


def test_exhibitor_page_shows_booth_products_launches_openings(client, edition, booths, rep):
    exhibitor = approved(edition, 1, rep=rep)
    services.booth_allot(booth=booths[1], exhibitor=exhibitor)
    services.launch_schedule(exhibitor=exhibitor, title_zh="翻译机发布", start=at(edition.start_date, 10), end=at(edition.start_date, 10, 30), actor=rep)
    services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="算法工程师", field="ai", city="杭州", count=2)
    response = client.get(f"/editions/{edition.year}/expo/exhibitors/{exhibitor.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("A-02", "智能翻译机", "翻译机发布", "算法工程师", "杭州", f"{edition.start_date:%Y-%m-%d} 10:00"):
        assert text in html
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(9))
    assert client.get(f"/editions/{edition.year}/expo/exhibitors/{pending.pk}/").status_code == 404


def test_meeting_request_from_the_page(client, edition, exhibitor, guest):
    url = f"/editions/{edition.year}/expo/exhibitors/{exhibitor.pk}/"
    assert client.post(url, {"start": f"{edition.start_date}T10:00", "minutes": 30})["Location"].startswith("/accounts/login/")
    client.force_login(guest)
    response = client.post(url, {"start": f"{edition.start_date}T10:00", "minutes": 30, "message": "hi"})
    assert response.status_code == 302
    meeting = exhibitor.meeting_requests.get()
    assert (meeting.start, meeting.status) == (at(edition.start_date, 10), "pending")
    again = client.post(url, {"start": f"{edition.start_date}T10:15", "minutes": 30})
    assert again.status_code == 409
    assert 'data-code="duplicate_request"' in again.content.decode()


def test_meeting_accept_from_the_meetings_page(client, edition, exhibitor, rep, guest):
    meeting = services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(edition.start_date, 11))
    client.force_login(guest)
    assert client.post(f"/editions/{edition.year}/expo/meetings/{meeting.pk}/accept/").status_code == 403
    client.force_login(rep)
    page = client.get(f"/editions/{edition.year}/expo/meetings/")
    assert [m.pk for m in page.context["received"]] == [meeting.pk]
    assert client.post(f"/editions/{edition.year}/expo/meetings/{meeting.pk}/accept/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "accepted"


def test_apply_page(client, edition, rep):
    url = f"/editions/{edition.year}/expo/apply/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(rep)
    page = client.get(url)
    assert page.status_code == 200
    # The submit button applies for a stand ("提交申请"), not a filter ("筛选", the directory's "Apply").
    assert '<button type="submit" class="primary">提交申请</button>' in page.content.decode()
    assert '<button type="submit" class="primary">Apply</button>' in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    directory = client.get(f"/editions/{edition.year}/expo/").content.decode()
    assert '<button type="submit" class="primary">筛选</button>' in directory
    data = {**application(1), "fields": ["ai", "iot"]}
    response = client.post(url, data)
    exhibitor = Exhibitor.objects.get(edition=edition)
    assert response["Location"] == f"/editions/{edition.year}/expo/exhibitors/{exhibitor.pk}/edit/"
    assert (exhibitor.status, sorted(exhibitor.field_codes)) == ("pending", ["ai", "iot"])
    again = client.post(url, data)
    assert again.status_code == 409 and 'data-code="duplicate_exhibitor"' in again.content.decode()
    missing = client.post(url, {**data, "organization_name_zh": "新机构", "country": ""})
    assert missing.status_code == 400 and 'data-code="missing_field"' in missing.content.decode()


def test_edit_page_for_representatives_only(client, edition, rep, guest):
    exhibitor = approved(edition, 1, rep=rep)
    url = f"/editions/{edition.year}/expo/exhibitors/{exhibitor.pk}/edit/"
    client.force_login(guest)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "edit", "products_en": "Hijack", "fields": ["ai"]}).status_code == 403
    client.force_login(rep)
    assert client.post(url, {"action": "edit", "products_en": "Robot dog", "fields": ["robotics"], "contact_email": "c@example.org"}).status_code == 302
    exhibitor.refresh_from_db()
    assert (exhibitor.products_en, exhibitor.field_codes) == ("Robot dog", ["robotics"])
    assert client.post(url, {"action": "opening", "opening-title_zh": "产品经理", "opening-field": "ai", "opening-city": "乌镇", "opening-count": 1}).status_code == 302
    bad = client.post(url, {"action": "opening", "opening-title_zh": "x", "opening-field": "ai", "opening-city": "乌镇", "opening-count": 0})
    assert bad.status_code == 400 and 'data-code="invalid_count"' in bad.content.decode()
    day = edition.start_date
    assert client.post(url, {"action": "launch", "launch-title_zh": "发布会", "launch-start": f"{day}T09:00", "launch-end": f"{day}T09:30"}).status_code == 302
    clash = client.post(url, {"action": "launch", "launch-title_zh": "冲突", "launch-start": f"{day}T09:15", "launch-end": f"{day}T09:45"})
    assert clash.status_code == 409 and 'data-code="slot_conflict"' in clash.content.decode()


def test_zone_map_and_openings_pages(client, edition, booths, rep):
    exhibitor = approved(edition, 1, rep=rep)
    services.booth_allot(booth=booths[2], exhibitor=exhibitor)
    services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="数据分析师", field="big_data", city="杭州", count=4)
    page = client.get(f"/editions/{edition.year}/expo/map/")
    row = page.context["rows"][0]
    assert [(b.code, b.holder.pk if b.holder else None) for b in row.booths] == [("A-01", None), ("A-02", None), ("A-03", exhibitor.pk)]
    jobs = client.get(f"/editions/{edition.year}/expo/openings/", {"field": "big_data"})
    assert [o.title_zh for o in jobs.context["page"]] == ["数据分析师"]
    assert [o.title_zh for o in client.get(f"/editions/{edition.year}/expo/openings/", {"field": "ai"}).context["page"]] == []


@pytest.mark.parametrize("path", ["", "map/", "openings/"])
def test_list_pages_constant_queries(client, edition, zone, rep, path):
    from decimal import Decimal

    from expo.models import Booth

    def grow(start, n):
        for e in _many(edition, n, start):
            booth = Booth.objects.create(edition=edition, zone=zone, code=f"B-{e.pk}", area=Decimal("9"))
            services.booth_allot(booth=booth, exhibitor=e)
            e.representatives.add(rep)
            services.opening_create(exhibitor=e, actor=rep, title_zh="工程师", field="ai", city="杭州")

    grow(0, 1)
    one, _r = _queries(client, f"/editions/{edition.year}/expo/{path}")
    grow(10, 12)
    many, _r = _queries(client, f"/editions/{edition.year}/expo/{path}")
    assert one == many


def test_unknown_edition_is_404(client):
    assert client.get("/editions/1999/expo/").status_code == 404
    assert client.get("/editions/abc/expo/map/").status_code == 404


# -- API -----------------------------------------------------------------------------------------


def test_api_lists_only_approved_with_filters(api_client, edition, rep):
    a = approved(edition, 1, country="CN", fields=["ai"])
    approved(edition, 2, country="DE", fields=["cloud"])
    services.exhibitor_apply(edition=edition, user=rep, data=application(3))
    response = api_client.get("/api/v1/exhibitors/", {"edition": edition.year})
    assert response.status_code == 200
    assert [r["name_zh"] for r in response.json()["results"]] == ["测试参展商1", "测试参展商2"]
    body = api_client.get("/api/v1/exhibitors/", {"edition": edition.year, "field": "ai"}).json()
    assert [(r["id"], r["country"], r["fields"]) for r in body["results"]] == [(a.pk, "CN", ["ai"])]
    assert "contact_email" not in body["results"][0]
    assert [r["name_zh"] for r in api_client.get("/api/v1/exhibitors/", {"edition": edition.year, "country": "DE"}).json()["results"]] == ["测试参展商2"]
    assert [r["name_zh"] for r in api_client.get("/api/v1/exhibitors/", {"edition": edition.year, "search": "Test Exhibitor 2"}).json()["results"]] == ["测试参展商2"]
    bad = api_client.get("/api/v1/exhibitors/", {"field": "telepathy"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


def test_api_detail_has_launches_openings_and_exhibits(api_client, edition, rep):
    exhibitor = approved(edition, 1, rep=rep)
    services.launch_schedule(exhibitor=exhibitor, title_zh="发布", start=at(edition.start_date, 9), end=at(edition.start_date, 9, 30), actor=rep)
    services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="工程师", field="ai", city="杭州")
    body = api_client.get(f"/api/v1/exhibitors/{exhibitor.pk}/").json()
    assert body["launches"][0]["title_zh"] == "发布"
    assert body["launches"][0]["start"] == f"{edition.start_date}T09:00:00+08:00"
    assert body["openings"] == [{"id": body["openings"][0]["id"], "title_zh": "工程师", "title_en": "", "field": "ai", "city": "杭州", "count": 1}]


def test_api_application_needs_sign_in_and_reports_codes(api_client, edition, rep):
    payload = {**application(1), "edition": edition.year}
    anonymous = api_client.post("/api/v1/exhibitors/", payload, format="json")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    api_client.force_authenticate(rep)
    created = api_client.post("/api/v1/exhibitors/", payload, format="json")
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["contact_email"], created.json()["fields"]) == ("pending", "contact1@example.org", ["ai", "cloud"])
    duplicate = api_client.post("/api/v1/exhibitors/", payload, format="json")
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_exhibitor")
    unknown = api_client.post("/api/v1/exhibitors/", {**payload, "organization_name_zh": "新", "country": "ZZ"}, format="json")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_country")


def test_api_exhibitor_edits_only_its_own_entry(api_client, edition, rep):
    mine, other = approved(edition, 1, rep=rep), approved(edition, 2)
    api_client.force_authenticate(rep)
    ok = api_client.patch(f"/api/v1/exhibitors/{mine.pk}/", {"products_en": "Drone", "fields": ["low_altitude"]}, format="json")
    assert (ok.status_code, ok.json()["products_en"], ok.json()["fields"]) == (200, "Drone", ["low_altitude"])
    refused = api_client.patch(f"/api/v1/exhibitors/{other.pk}/", {"products_en": "Hijack"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_your_exhibitor")
    other.refresh_from_db()
    assert other.products_en == "A translator"


def test_api_list_query_count_constant(api_client, edition):
    _many(edition, 1, 0)
    one, _r = _queries(api_client, "/api/v1/exhibitors/", {"edition": edition.year})
    _many(edition, 30, 10)
    many, _r = _queries(api_client, "/api/v1/exhibitors/", {"edition": edition.year})
    assert one == many
