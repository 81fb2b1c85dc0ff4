"""wic.contrib.warm_up: the WarmUp contributions a worker runs before serving (gunicorn.conf.py)."""
import logging

from companion.assistant import parsing
from wic import contrib


def test_the_assistant_loads_jiebas_dictionary_in_the_warm_up(monkeypatch):
    monkeypatch.setattr(parsing.SEGMENTER, "_tokenizer", None)
    assert [w.key for w in contrib.items(contrib.WarmUp)] == ["jieba"]
    assert contrib.warm_up() == []
    assert parsing.SEGMENTER._tokenizer is not None and parsing.SEGMENTER._tokenizer.initialized


def test_a_failing_warm_up_is_logged_and_the_others_still_run(monkeypatch, caplog):
    ran = []

    def broken():
        raise OSError("dictionary file unreadable")

    monkeypatch.setattr(contrib, "items", lambda kind: [contrib.WarmUp("broken", broken), contrib.WarmUp("fine", lambda: ran.append("fine"))])
    with caplog.at_level(logging.ERROR, logger="wic.warm_up"):
        assert contrib.warm_up() == ["broken"]
    assert ran == ["fine"]
    assert [(r.getMessage(), r.exc_info[0]) for r in caplog.records] == [("warm-up broken failed", OSError)]
