"""Issue 25, the assistant's API: GET /api/v1/assistant/?q=…&edition=…&lang=… answers
{intent, answer, items, links, edition, lang}; refusals are coded (question_required,
question_too_long, invalid_characters, unknown_language: 400; unknown_edition: 404); a question in
another language is answered honestly (200, `unknown`); the endpoint is limited per address
(429 `throttled`) and lets questions through when the cache cannot count; its query count does
not grow with the answer; it is in the OpenAPI schema."""
import pytest
import time_machine
from django.test import override_settings

from companion import views_assistant
from companion.assistant import index as assistant_index
from wic import degraded

from .support import API, world  # noqa: F401
from .world import NOW, YEAR

pytestmark = pytest.mark.usefixtures("empty_cache")


def get(api_client, address="127.0.0.1", **params):
    return api_client.get(API, {"edition": YEAR, **params}, REMOTE_ADDR=address)


@time_machine.travel(NOW, tick=False)
def test_a_question_is_answered_with_intent_text_and_items(api_client, world, db):
    response = get(api_client, q="现在乌镇厅在开什么会？", lang="zh")
    body = response.json()
    assert response.status_code == 200
    assert body["intent"] == "whats_on"
    assert body["edition"] == YEAR and body["lang"] == "zh"
    assert body["items"][0] == {"type": "session", "id": world.ref("session:main-forum")[1], "title": "数字丝路发展主论坛",
                                "url": f"/editions/{YEAR}/sessions/{world.ref('session:main-forum')[1]}/"}
    assert "数字丝路发展主论坛" in body["answer"] and "09:00–12:00" in body["answer"]
    assert body["links"] == []


@time_machine.travel(NOW, tick=False)
def test_the_answer_is_in_the_language_asked_for(api_client, world, db):
    english = get(api_client, q="现在乌镇厅在开什么会？", lang="en").json()
    assert english["lang"] == "en"
    assert english["items"][0]["title"] == "Digital Silk Road Main Forum"
    assert english["answer"].startswith("On now in Wuzhen Hall: Digital Silk Road Main Forum (09:00–12:00).")


@time_machine.travel(NOW, tick=False)
def test_without_lang_the_answer_is_in_the_questions_language(api_client, world, db):
    assert get(api_client, q="Where is Tong'an Hall?").json()["lang"] == "en"
    assert get(api_client, q="通安厅在哪").json()["lang"] == "zh"


@time_machine.travel(NOW, tick=False)
def test_without_edition_the_current_edition_is_asked(api_client, world, db):
    body = api_client.get(API, {"q": "Where is Tong'an Hall?"}).json()
    assert body["edition"] == YEAR
    assert body["items"][0]["type"] == "hall"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "question_required"),
        ({"q": ""}, 400, "question_required"),
        ({"q": "   "}, 400, "question_required"),
        ({"q": "问" * 201}, 400, "question_too_long"),
        ({"q": "where\x07is it"}, 400, "invalid_characters"),
        ({"q": "where\x00is it"}, 400, "invalid_characters"),  # refused at the edge (wic.inputs)
        ({"q": "Where is Tong'an Hall?", "lang": "fr"}, 400, "unknown_language"),
        ({"q": "Where is Tong'an Hall?", "lang": "zh-hans"}, 400, "unknown_language"),
        ({"q": "Where is Tong'an Hall?", "edition": "1999"}, 404, "unknown_edition"),
        ({"q": "Where is Tong'an Hall?", "edition": "abc"}, 404, "unknown_edition"),
        ({"q": "Where is Tong'an Hall?", "edition": "²"}, 404, "unknown_edition"),
    ],
)
def test_refusals_are_coded(api_client, world, db, params, status, code):
    query = {"edition": YEAR, **params} if "edition" not in params else params
    response = api_client.get(API, query)
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code)
    assert body["message"]


def test_a_question_of_200_characters_is_taken(api_client, world, db):
    response = get(api_client, q="通" * 200)
    assert response.status_code == 200


def test_an_unpublished_edition_is_unknown(api_client, world, db):
    world.edition.is_published = False
    world.edition.save(update_fields=["is_published"])
    response = get(api_client, q="Where is Tong'an Hall?")
    assert (response.status_code, response.json()["code"]) == (404, "unknown_edition")


@pytest.mark.parametrize(
    "question",
    ["أين قاعة المؤتمرات؟", "Где находится зал?", "通安厅はどこですか", "회의장은 어디에 있나요?", "Où est la salle Tong'an aujourd'hui ?", "Wo ist die Halle heute?"],
)
def test_a_question_in_another_language_gets_an_honest_unknown(api_client, world, db, question):
    response = get(api_client, q=question, lang="en")
    body = response.json()
    assert response.status_code == 200
    assert body["intent"] == "unknown"
    assert body["items"] == []
    assert body["answer"].startswith("I answer questions in Chinese or English only.")
    assert [link["title"] for link in body["links"]] == ["Search the agenda", "Search the people", "Search the exhibitors", "Help pages and service points"]


def test_nothing_matching_is_an_honest_i_dont_know_with_search_links(api_client, world, db):
    body = get(api_client, q="Where is the Mars base?", lang="en").json()
    assert body["intent"] == "unknown"
    assert body["answer"].startswith("I don't know")
    assert body["links"][0]["url"] == f"/editions/{YEAR}/agenda/?search=mars+base"
    assert body["links"][2]["url"] == f"/editions/{YEAR}/expo/?q=mars+base"


def test_the_endpoint_is_limited_per_address(api_client, world, db, monkeypatch):
    monkeypatch.setattr(views_assistant.AssistantRateThrottle, "rate", "3/m")
    answers = [get(api_client, q="通安厅在哪", address="203.0.113.7").status_code for _ in range(3)]
    refused = get(api_client, q="通安厅在哪", address="203.0.113.7")
    other = get(api_client, q="通安厅在哪", address="203.0.113.8")
    assert answers == [200, 200, 200]
    assert (refused.status_code, refused.json()["code"]) == (429, "throttled")
    assert "Retry-After" in refused.headers
    assert other.status_code == 200


def test_questions_go_through_when_the_cache_cannot_count(api_client, world, db, monkeypatch):
    """The cache down (Redis on a port nothing listens on): not throttled, counted as
    `rate_limits_open`, and answered from an index built for the question (never a stale one)."""
    from tests.wic.test_cache_outage import closed_port
    from wic.cache import reset_breakers

    monkeypatch.setattr(views_assistant.AssistantRateThrottle, "rate", "1/m")
    url = f"redis://127.0.0.1:{closed_port()}/0"
    caches = {"default": {"BACKEND": "wic.cache.DegradingRedisCache", "LOCATION": url, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}}}
    degraded.reset()
    reset_breakers()
    builds = assistant_index.builds
    try:
        with override_settings(CACHES=caches, REDIS_URL=url):
            statuses = [get(api_client, q="Where is Tong'an Hall?").status_code for _ in range(3)]
            counts = degraded.snapshot()
    finally:
        reset_breakers()
        from agenda import cache as agenda_cache

        agenda_cache._pending.clear()
        assistant_index._pending.clear()
    assert statuses == [200, 200, 200]
    assert counts["rate_limits_open"] >= 3
    assert counts["agenda_uncached"] >= 3
    assert assistant_index.builds - builds == 3


@time_machine.travel(NOW, tick=False)
def test_the_query_count_does_not_grow_with_the_answer(api_client, world, db, django_assert_num_queries):
    get(api_client, q="Where is Tong'an Hall?")  # the index is built once
    with django_assert_num_queries(1):  # the published editions; the index is the process's
        one = get(api_client, q="Where is the restroom?").json()
    with django_assert_num_queries(1):
        many = get(api_client, q="Which sessions does Wuzhen Digital Institute host?").json()
    assert len(one["items"]) == 2 and len(many["items"]) == 4  # three sessions and its exhibitor


def test_building_the_index_takes_the_same_queries_whatever_the_edition_holds(world, db, django_assert_num_queries):
    from companion.assistant.index import build_index

    from .world import grow

    with django_assert_num_queries(11):
        small = build_index(world.edition)
    grow(world, sessions=60, exhibitors=60, people=60)
    with django_assert_num_queries(11):
        large = build_index(world.edition)
    assert len(large.sessions) > len(small.sessions) and len(large.exhibitors) > len(small.exhibitors)


def test_the_endpoint_and_its_answer_are_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/assistant/"]["get"]
    assert set(operation["responses"]) == {"200", "400", "404", "429"}
    assert [p["name"] for p in operation["parameters"]] == ["edition", "lang", "q"]
    answer = schema["components"]["schemas"]["AssistantAnswer"]
    assert set(answer["required"]) == {"intent", "answer", "items", "links", "edition", "lang"}
    item = schema["components"]["schemas"]["AssistantItem"]["properties"]
    assert item["type"]["pattern"] == "^(session|person|exhibitor|hall|zone|service_point|page)$"
