import pytest
from django.contrib.auth import get_user_model

from tests.factories import EditionFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_editions_list_shape(api_client):
    response = api_client.get("/api/v1/editions/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    # 2016 and 2015, named in 004, complete the timeline (issue 21, point 14)
    assert [e["year"] for e in body["results"]] == [2024, 2022, 2020, 2017, 2016, 2015]
    assert body["count"] == 6


def test_edition_detail_by_year(api_client):
    body = api_client.get("/api/v1/editions/2017/").json()
    assert body["year"] == 2017
    assert body["ordinal"] == 4
    assert body["name_zh"] == "第四届世界互联网大会"
    assert body["start_date"] == "2017-12-03"
    assert body["main_venue"]["name_zh"] == "乌镇互联网国际会展中心"
    assert body["session_count"] == 33  # 29 rows of 002's table and four items outside it (issue 21)
    assert [b["number"] for b in body["boards"]] == [1, 2, 3, 4, 5]
    guests = next(f for f in body["figures"] if f["key"] == "guests_on_site")
    assert (guests["value"], guests["qualifier"], guests["source"]) == (1500, "at_least", "002_5cf7b1c102403489.txt")


@pytest.mark.parametrize("year", ["1999", "abc", "20170"])
def test_edition_unknown_year_is_404_with_code(api_client, year):
    response = api_client.get(f"/api/v1/editions/{year}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": f"There is no edition for year {year}.", "detail": f"There is no edition for year {year}."}


def test_edition_unknown_year_message_in_chinese(api_client):
    response = api_client.get("/api/v1/editions/1999/")
    assert response.json() == {"code": "not_found", "message": "1999 年没有对应的届次。", "detail": "1999 年没有对应的届次。"}


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_sessions_times_are_iso_8601_beijing(api_client):
    body = api_client.get("/api/v1/sessions/", {"edition": 2017, "search": "人工智能:让生活更美好"}).json()
    assert body["count"] == 1
    session = body["results"][0]
    assert session["start"] == "2017-12-04T08:30:00+08:00"
    assert session["end"] == "2017-12-04T12:00:00+08:00"
    assert session["hall"]["name_zh"] == "枕水厅"
    assert session["hall"]["room"] == "201"
    assert session["hall"]["venue"]["name_zh"] == "乌镇互联网国际会展中心"
    assert session["board"]["name_zh"] == "前沿技术"
    assert session["edition"] == 2017
    assert session["period"] == ""


def test_sessions_filter_by_edition_and_date(api_client):
    body = api_client.get("/api/v1/sessions/", {"edition": 2017, "date": "2017-12-05"}).json()
    assert [s["title_zh"] for s in body["results"]] == [
        "互联网与金融——回归·绿色·共享",
        "企业家高峰对话——互联网时代的新经济",
        "网络安全闭门会",
        "大会闭幕式",
        "新闻发布会",
    ]


def test_sessions_filter_by_hall_kind_access_board(api_client):
    from agenda.models import Board, Hall

    hall = Hall.objects.get(name_zh="通安厅")
    titles = [s["title_zh"] for s in api_client.get("/api/v1/sessions/", {"hall": hall.pk}).json()["results"]]
    assert titles == ["共享红利:互联网精准扶贫", "前沿技术领域科学家高峰对话", "互联网与金融——回归·绿色·共享"]
    closed = api_client.get("/api/v1/sessions/", {"access": "closed_door"}).json()
    assert [s["title_zh"] for s in closed["results"]] == ["网络安全闭门会"]
    assert api_client.get("/api/v1/sessions/", {"kind": "sub_forum", "edition": 2024}).json()["count"] == 24
    board = Board.objects.get(edition__year=2017, number=4)
    assert api_client.get("/api/v1/sessions/", {"board": board.pk}).json()["count"] == 4


def test_sessions_filter_by_host(api_client):
    from wic.models import Organization

    renmin = Organization.objects.get(name_zh="中国人民大学")
    hosted = {s["title_zh"] for s in api_client.get("/api/v1/sessions/", {"host": renmin.pk}).json()["results"]}
    assert hosted == {"网络法治论坛", "金融科技论坛"}
    anywhere = {s["title_zh"] for s in api_client.get("/api/v1/sessions/", {"organization": renmin.pk}).json()["results"]}
    assert anywhere == {"网络法治论坛", "金融科技论坛", "青年与数字未来论坛"}


def test_sessions_search_matches_titles_themes_and_hosts(api_client):
    by_title = api_client.get("/api/v1/sessions/", {"search": "闭门会"}).json()
    assert [s["title_zh"] for s in by_title["results"]] == ["网络安全闭门会"]
    by_host = api_client.get("/api/v1/sessions/", {"search": "货拉拉"}).json()
    assert [s["title_zh"] for s in by_host["results"]] == ["智能交通论坛"]
    by_abbreviation = {s["title_zh"] for s in api_client.get("/api/v1/sessions/", {"search": "CNCERT"}).json()["results"]}
    assert "网络安全技术发展与国际合作论坛" in by_abbreviation
    by_alt_title = api_client.get("/api/v1/sessions/", {"search": "迎接万物互联时代"}).json()
    assert [s["title_zh"] for s in by_alt_title["results"]] == ["企业家高峰对话——互联网时代的新经济"]


def test_sessions_search_in_english_titles(api_client):
    edition = EditionFactory()
    SessionFactory(edition=edition, title_en="Quantum Networking Roundtable")
    body = api_client.get("/api/v1/sessions/", {"search": "quantum networking"}).json()
    assert [s["title_en"] for s in body["results"]] == ["Quantum Networking Roundtable"]


def test_sessions_malformed_date_is_400_with_field_error(api_client):
    response = api_client.get("/api/v1/sessions/", {"date": "2017-13-45"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"date": [{"code": "invalid", "message": "Enter a valid date."}]}
    assert body["message"] == "Invalid input: date: Enter a valid date."


def test_sessions_malformed_date_message_in_chinese(api_client):
    response = api_client.get("/api/v1/sessions/", {"date": "2017-13-45"}, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 400
    assert response.json()["errors"] == {"date": [{"code": "invalid", "message": "输入一个有效的日期。"}]}


def test_sessions_unknown_edition_filter_is_400(api_client):
    response = api_client.get("/api/v1/sessions/", {"edition": "1999"})
    assert response.status_code == 400
    assert response.json()["errors"]["edition"][0]["code"] == "invalid_choice"


def test_sessions_unknown_kind_is_400(api_client):
    response = api_client.get("/api/v1/sessions/", {"kind": "picnic"})
    assert response.status_code == 400
    assert response.json()["errors"]["kind"][0]["code"] == "invalid_choice"


def test_page_size_is_capped_at_500(api_client):
    edition = EditionFactory()
    SessionFactory.create_batch(3, edition=edition)
    body = api_client.get("/api/v1/sessions/", {"page_size": 2, "edition": edition.year}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"].endswith(f"edition={edition.year}&page=2&page_size=2")
    everything = api_client.get("/api/v1/sessions/", {"page_size": 100000}).json()
    assert len(everything["results"]) == min(500, everything["count"])


def test_halls_and_organizations_lists(api_client):
    halls = api_client.get("/api/v1/halls/", {"page_size": 500}).json()
    tongan = next(h for h in halls["results"] if h["name_zh"] == "通安厅")
    assert (tongan["room"], tongan["venue"]["kind"]) == ("217", "convention_center")
    orgs = api_client.get("/api/v1/organizations/", {"search": "GSMA"}).json()
    assert [(o["name_zh"], o["abbreviation"], o["kind"]) for o in orgs["results"]] == [
        ("全球移动通信系统协会", "GSMA", "international_organization")
    ]


def test_token_auth_round_trip(api_client):
    get_user_model().objects.create_user("tokenuser", password="a-long-test-password-1")
    response = api_client.post("/api/v1/auth/token/", {"username": "tokenuser", "password": "a-long-test-password-1"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # Authenticated, the read-only endpoints still refuse writes, with a code.
    write = api_client.post("/api/v1/editions/", {}, format="json")
    assert write.status_code == 405
    assert write.json()["code"] == "method_not_allowed"


def test_token_with_wrong_password_is_400(api_client):
    get_user_model().objects.create_user("tokenuser", password="a-long-test-password-1")
    response = api_client.post("/api/v1/auth/token/", {"username": "tokenuser", "password": "wrong"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["non_field_errors"][0]["code"] == "authorization"


def test_anonymous_write_is_refused(api_client):
    response = api_client.post("/api/v1/editions/", {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/editions/", "/api/v1/editions/{year}/", "/api/v1/sessions/", "/api/v1/halls/", "/api/v1/organizations/", "/api/v1/auth/token/"} <= set(paths)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    for host in (b"cdn.jsdelivr", b"unpkg.com", b"cdnjs", b"//cdn."):
        assert host not in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"page": "999"}, 404, "not_found"),
        ({"page": "abc"}, 404, "not_found"),
        ({"hall": "abc"}, 400, "invalid"),
        ({"host": "99999999999999999999"}, 400, "invalid"),
        ({"search": "\x00"}, 400, "invalid_characters"),  # refused at the edge (wic.inputs.RefuseUnreadableInput)
    ],
)
def test_sessions_bad_input_gets_a_coded_error_not_a_500(api_client, query, status, code):
    response = api_client.get("/api/v1/sessions/", query)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_sessions_search_with_sql_wildcards_matches_nothing(api_client):
    body = api_client.get("/api/v1/sessions/", {"search": "%_'"}).json()
    assert body["count"] == 0


def test_edition_calendar_and_described_content_in_the_api(api_client):
    """Issue 21: the 2024 calendar (month-precise dates as "YYYY-MM", the Leading Technology Award's
    two accounts sharing a conflict key) and 2022's described content, as the edition pages show them."""
    body = api_client.get("/api/v1/editions/2024/").json()
    milestones = {m["key"]: m for m in body["milestones"]}
    assert milestones["youth-leaders-call-opens"]["date"] == "2024-05"
    assert milestones["youth-leaders-call-opens"]["precision"] == "month"
    disagreeing = sorted((m["date"], m["conflict_key"], m["sources_disagree"]) for m in body["milestones"] if m["conflict_key"])
    assert disagreeing == [("2024-03", "leading-tech-award-opens", True), ("2024-04", "leading-tech-award-opens", True)]
    described = api_client.get("/api/v1/editions/2022/").json()["described_items"]
    assert [d["kind"] for d in described].count("characteristic") == 4
    assert all(d["quote_zh"] and d["source"] == "003_a7811a11def97c06.txt" for d in described)
