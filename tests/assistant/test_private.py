"""Issue 25: nothing the assistant answers exposes private data. Not a person's contact fields
(email, phone, assistant), nor an exhibitor's; not an unpublished session, nor a person whose only
appearance is in one; not a person who is only invited; not a pending or a declined exhibitor.
Checked on the questions that name them, and on every answer to the evaluation set in both
languages."""
import dataclasses
import json

import pytest
import time_machine

from companion.assistant import index as assistant_index

from .evaluation import questions
from .support import API, world  # noqa: F401
from .world import NOW, YEAR

pytestmark = pytest.mark.usefixtures("empty_cache")
PRIVATE_TEXT = ("private.example.org", "+86 13", "Assistant of", "Contact ")


def ask(api_client, q, lang="zh"):
    response = api_client.get(API, {"q": q, "edition": YEAR, "lang": lang})
    assert response.status_code == 200
    return response.json()


def private_refs(world) -> set:
    return {world.ref(name) for name in ("session:secret-prep", "person:sun-mimi", "person:qian-yin", "exhibitor:暗影数据公司", "exhibitor:灰狼科技")}


def item_refs(body) -> set:
    return {(item["type"], item["id"]) for item in body["items"]}


def test_the_index_reads_no_contact_field():
    held = {f.name for cls in (assistant_index.Person, assistant_index.Exhibitor, assistant_index.Organization) for f in dataclasses.fields(cls)}
    assert not held & {"email", "phone", "assistant", "contact_name", "contact_email", "contact_phone"}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("孙秘密什么时候演讲", "zh"), ("When does Sun Mimi speak?", "en"),  # invited only
        ("钱隐在哪里发言", "zh"), ("Where does Qian Yin speak?", "en"),  # only in an unpublished session
        ("筹备闭门会议在哪", "zh"), ("Where is the Preparatory Meeting?", "en"),  # unpublished
        ("暗影数据公司的展位在哪", "zh"), ("Where is Shadow Data Company's booth?", "en"),  # pending
        ("灰狼科技在哪", "zh"), ("Where is Grey Wolf Tech?", "en"),  # declined
    ],
)
def test_private_records_are_unknown(api_client, world, db, question, lang):
    body = ask(api_client, question, lang)
    assert body["intent"] == "unknown"
    assert body["items"] == []


@time_machine.travel(NOW, tick=False)
def test_an_unpublished_session_is_not_on_even_when_it_is_on(api_client, world, db):
    body = ask(api_client, "现在慈云厅有什么")  # the unpublished meeting is on there at 10:30
    assert "筹备" not in body["answer"]
    assert item_refs(body) == {world.ref("session:silk-road-trade"), world.ref("hall:慈云厅")}


@time_machine.travel(NOW, tick=False)
def test_an_organizations_sessions_leave_out_the_unpublished_one(api_client, world, db):
    body = ask(api_client, "Which events does the Green Pine Education Foundation host?", "en")
    assert [item["id"] for item in body["items"]] == [world.ref(f"session:{k}")[1] for k in ("youth-forum", "cafe-talk", "edu-forum")]
    assert "3 sessions" in body["answer"]


@time_machine.travel(NOW, tick=False)
def test_the_speakers_named_leave_out_the_invited(api_client, world, db):
    body = ask(api_client, "What's on in Wuzhen Hall now?", "en")
    assert "With Li Siyuan, Ting Zhou, Kenji Tanaka." in body["answer"]
    assert "Sun Mimi" not in body["answer"]


@time_machine.travel(NOW, tick=False)
def test_no_answer_to_the_evaluation_set_holds_anything_private(api_client, world, db, monkeypatch):
    from companion import views_assistant

    monkeypatch.setattr(views_assistant.AssistantRateThrottle, "rate", "1000/m")  # 330 questions from one address
    private = private_refs(world)
    for entry in questions():
        for lang in ("zh", "en"):
            body = ask(api_client, entry["q"], lang)
            text = json.dumps(body, ensure_ascii=False)
            assert not [s for s in PRIVATE_TEXT if s in text], (entry["q"], text)
            assert not item_refs(body) & private, (entry["q"], body["items"])
            for name in ("孙秘密", "Sun Mimi", "钱隐", "Qian Yin", "筹备闭门会议", "Preparatory Meeting", "暗影数据", "Shadow Data", "灰狼", "Grey Wolf"):
                assert name not in body["answer"], (entry["q"], body["answer"])
