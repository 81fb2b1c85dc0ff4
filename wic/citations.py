"""A record's `source` (the seed texts' file names, comma-separated) as a reader's citation.

File names are provenance for organizers (admin, API, the seed); a public page shows the text's
title from `seed_data/sources.yaml` in the page's language, or nothing for a name it does not know.
"""
from functools import lru_cache
from pathlib import Path

import yaml

from .i18n import prefers_english

SOURCES_FILE = Path(__file__).resolve().parent / "seed_data" / "sources.yaml"


@lru_cache(maxsize=1)
def seed_texts() -> dict[str, dict]:
    """{file name: {year, kind, title_zh, title_en}}, read once per process."""
    with SOURCES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def citations(source: str | None) -> list[str]:
    """The titles of the texts `source` names, in order and once each; unknown names left out."""
    texts = seed_texts()
    titles = []
    for name in (source or "").split(","):
        text = texts.get(name.strip())
        if text is None:
            continue
        title = text["title_en"] if prefers_english() else text["title_zh"]
        if title not in titles:
            titles.append(title)
    return titles


def citation(source: str | None) -> str:
    """The citation as one line ("" when no known text is named)."""
    return "; ".join(citations(source))
