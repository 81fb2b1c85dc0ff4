"""What a reader may type to find a person: the Chinese name, the English or original-script name,
the toneless pinyin of the Chinese name with or without spaces ("ren xian liang", "renxianliang"),
or its initials ("rxl"). Each person's `search_text` holds all of them, lower case, space-separated
tokens starting with a space; a query matches a person when every word it holds is in that text."""
from django.db.models import Q
from pypinyin import lazy_pinyin

MAX_TERMS = 6


def _syllables(name_zh: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin((name_zh or "").strip().replace("·", " ")) if s.strip() and s.isascii() and s.isalpha()]


def person_sort_name(name_zh: str, name_en: str) -> str:
    """"ren xian liang" for 任贤良; the English name, lower case, for a person named only in English."""
    return (" ".join(_syllables(name_zh)) or (name_en or "").strip().lower())[:300]


def person_search_text(name_zh: str, name_en: str) -> str:
    tokens = []
    zh = (name_zh or "").strip()
    if zh:
        syllables = _syllables(zh)
        tokens += [zh, " ".join(syllables), "".join(syllables), "".join(s[0] for s in syllables)]
    en = (name_en or "").strip().lower()
    if en:
        tokens += [en, *en.split()]
    return "".join(f" {t}" for t in tokens if t)


def person_search_q(query: str) -> Q:
    """Every word of `query` (at most MAX_TERMS) in the person's search text."""
    condition = Q()
    for word in (query or "").lower().split()[:MAX_TERMS]:
        condition &= Q(search_text__icontains=word)
    return condition
