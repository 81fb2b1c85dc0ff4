"""The agenda's search text: what a guest may type to find a session, in Chinese, English or pinyin.

Each session keeps a precomputed `search_text` (lower case, tokens separated by spaces, starting
with a space): its titles and themes, its hall, venue and board, and its organizations' names and
abbreviations, each in Chinese, in English and in toneless pinyin (one token per syllable). It is
recomputed when the session or anything it names changes (the receivers below), so a search is
one `icontains` per word on the session's own row and costs no extra query.

A word typed in Latin letters matches from the start of a token (" itu", " wuzhen hall"); a word
in pinyin written without spaces ("wuzhen") is split into syllables first ("wu zhen"). A word in
capitals ("AI", "ITU") is an acronym and is not read as pinyin. A few common English words of the
summit's field also match their Chinese equivalent ("AI" finds 人工智能)."""
import re
from functools import cache

from django.db.models import Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT

from wic.models import Organization

from .models import Board, Hall, Session, SessionOrganization, Venue

MAX_TERMS = 8
HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"^[a-z]+$")

# English words that stand for a Chinese term in session titles (the search also matches the Chinese).
GLOSSARY = {
    "ai": ("人工智能",),
    "artificial": ("人工智能",),
    "intelligence": ("智能",),
    "internet": ("互联网",),
    "digital": ("数字",),
    "data": ("数据",),
    "cybersecurity": ("网络安全",),
    "cyberspace": ("网络空间",),
    "security": ("安全",),
    "governance": ("治理",),
    "opening": ("开幕",),
    "closing": ("闭幕",),
    "forum": ("论坛",),
    "summit": ("峰会",),
    "expo": ("博览会",),
    "youth": ("青年",),
    "cooperation": ("合作",),
    "innovation": ("创新",),
    "technology": ("技术", "科技"),
    "culture": ("文化",),
    "media": ("媒体",),
    "education": ("教育",),
    "health": ("健康",),
    "economy": ("经济",),
    "robot": ("机器人",),
    "robots": ("机器人",),
    "award": ("奖",),
}


# Interjection readings that are not syllables of ordinary words: left out so "rengong" splits
# into "ren gong", not "reng o ng".
NOT_SYLLABLES = frozenset({"o", "ng", "m", "n", "hm", "hng", "ê"})


@cache
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's dictionary)."""
    found = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            plain = _strip_tone(reading)
            if plain.isalpha() and plain.isascii():
                found.add(plain)
    return frozenset(found - NOT_SYLLABLES)


TONED = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


def _strip_tone(reading: str) -> str:
    return reading.strip().translate(TONED)


def pinyin_syllables(text: str) -> str:
    """The toneless pinyin of the Chinese characters in `text`, one syllable a token ("wu zhen ting")."""
    if not text or not HAN.search(text):
        return ""
    return " ".join(p.strip().lower() for p in lazy_pinyin(text, v_to_u=False) if p.strip() and p.strip().isalpha())


def split_pinyin(word: str) -> str | None:
    """A word of Latin letters read as pinyin without spaces ("wuzhen" -> "wu zhen"), or None where
    it is not a run of syllables. Longest syllable first, backtracking."""
    syllables = _syllables()

    @cache
    def split(rest: str):
        if not rest:
            return ()
        for size in range(min(6, len(rest)), 0, -1):
            head = rest[:size]
            if head in syllables:
                tail = split(rest[size:])
                if tail is not None:
                    return (head, *tail)
        return None

    found = split(word)
    return " ".join(found) if found else None


def _names(*values: str) -> list[str]:
    out = []
    for value in values:
        value = (value or "").strip()
        if value:
            out.append(value)
            out.append(pinyin_syllables(value))
    return out


def session_search_text(session) -> str:
    """The search text of `session`, from its own fields and the hall, venue, board and organizations
    it names (loaded by the caller: see `refresh_search_text`)."""
    parts = _names(session.title_zh, session.theme_zh, *session.alt_titles.splitlines())
    parts += [session.title_en, session.theme_en]
    hall = session.hall
    if hall is not None:
        parts += _names(hall.name_zh, hall.venue.name_zh) + [hall.name_en, hall.venue.name_en]
    board = session.board
    if board is not None:
        parts += _names(board.name_zh) + [board.name_en]
    for link in session.organization_roles.all():
        org = link.organization
        parts += _names(org.name_zh) + [org.name_en, org.abbreviation]
    text = " ".join(p.strip().lower() for p in parts if p and p.strip())
    return " " + re.sub(r"\s+", " ", text) + " "


def refresh_search_text(sessions) -> int:
    """Recompute the search text of the sessions in the queryset `sessions`; writes only those that
    changed. Returns how many did."""
    rows = list(
        sessions.select_related("hall__venue", "board").prefetch_related(
            Prefetch("organization_roles", queryset=SessionOrganization.objects.select_related("organization"))
        )
    )
    changed = []
    for session in rows:
        text = session_search_text(session)
        if text != session.search_text:
            session.search_text = text
            changed.append(session)
    if changed:
        Session.objects.bulk_update(changed, ["search_text"], batch_size=200)
    return len(changed)


def phrase_q(text: str) -> Q | None:
    """For a query of several words, the condition that they appear together ("Wuzhen Hall" as a
    name, not "Wuzhen" in one name and "Hall" in another); None for a single word."""
    words = text.split()[:MAX_TERMS]
    if len(words) < 2:
        return None
    return Q(search_text__icontains=" " + " ".join(words).lower())


def search_q(text: str) -> Q:
    """The condition that each word of `text` (at most eight) matches the session's search text."""
    condition = Q()
    for raw in text.split()[:MAX_TERMS]:
        term = raw.lower()
        if HAN.search(term):
            condition &= Q(search_text__icontains=term)
            continue
        word = Q(search_text__icontains=" " + term)
        if LATIN_WORD.match(term) and not (raw.isupper() and len(raw) > 1):
            syllables = split_pinyin(term)
            if syllables and syllables != term:
                word |= Q(search_text__icontains=" " + syllables)
        for chinese in GLOSSARY.get(term, ()):
            word |= Q(search_text__icontains=chinese)
        condition &= word
    return condition


# Keeping the search text current: the session itself, its organizations, and the records it names.


@receiver(post_save, sender=Session)
def _session_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= {"search_text", "translation_provenance"}):
        return
    refresh_search_text(Session.objects.filter(pk=instance.pk))


@receiver([post_save, post_delete], sender=SessionOrganization)
def _session_organizations_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(Session.objects.filter(pk=instance.session_id))


@receiver(post_save, sender=Hall)
def _hall_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(Session.objects.filter(hall=instance))


@receiver(post_save, sender=Venue)
def _venue_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(Session.objects.filter(hall__venue=instance))


@receiver(post_save, sender=Board)
def _board_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(Session.objects.filter(board=instance))


@receiver(post_save, sender=Organization)
def _organization_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(Session.objects.filter(organization_roles__organization=instance).distinct())
