"""Running the evaluation set (eval_set.yaml) against a world (world.py): shared by test_eval.py
and bench/assistant.py."""
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .world import NOW

SET = Path(__file__).with_name("eval_set.yaml")


def questions() -> list[dict]:
    return yaml.safe_load(SET.read_text(encoding="utf-8"))


@dataclass
class Result:
    total: int = 0
    hits: int = 0
    misses: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def report(self) -> str:
        return "\n".join(self.misses)


def top_of(answer) -> str:
    """The answer's first item as (type, id), or "" when it has none."""
    return (answer.items[0].type, answer.items[0].id) if answer.items else ""


def evaluate(world, entries: list[dict] | None = None, *, now=NOW, ask=None) -> Result:
    """Ask every question at `now`; a hit is the expected intent with the expected first item
    (no item for `unknown`)."""
    from companion.assistant.answer import ask as ask_assistant

    ask = ask or ask_assistant
    result = Result()
    for entry in entries if entries is not None else questions():
        expected = world.refs[entry["top"]] if entry["top"] else ""
        start = time.perf_counter()
        answer = ask(entry["q"], edition=world.edition, lang=entry["lang"], now=now)
        result.seconds.append(time.perf_counter() - start)
        result.total += 1
        got = top_of(answer)
        if answer.intent == entry["intent"] and got == expected:
            result.hits += 1
        else:
            names = {v: k for k, v in world.refs.items()}
            result.misses.append(
                f"{entry['q']!r}: expected {entry['intent']} {entry['top'] or '-'}, got {answer.intent} {names.get(got, got) or '-'} ({answer.answer[:120]})"
            )
    return result
