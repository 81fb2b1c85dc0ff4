"""The assistant's index of one edition: everything it may name, read from the database in a
fixed number of queries, kept in this process, and rebuilt when the data changes.

What is in it is what the public pages show, and nothing else:
- the edition's published sessions (`is_published`; an unpublished session is never named), with
  their hall and venue, board, host organizations (host, co-host, organizer on site) and people;
- people with a public appearance (confirmed or appeared, people.selectors.SHOWN) in those
  sessions, by name only: contact fields (email, phone, assistant) are never read;
- approved exhibitors (a pending or declined application is never named) with their current
  booths and zones, by their organization's names: the contact fields are never read;
- the edition's halls (those of its sessions and of its main venue), boards, expo zones, service
  points and help pages.

Freshness: the index of an edition is kept with the version it was built at, and rebuilt when
the version changes. The version joins the agenda's (agenda.cache: any change to the edition's
sessions, boards, appearances and session hosts, or to any hall, venue, organization, person or
edition) and the assistant's own (`bump`, by companion.assistant.signals: exhibitors, booths and
their allotments, zones, service points, help pages). Both live in the cache, so an edit made in
one process is seen by all. When the cache is down the index is built for each question (slower,
never stale; counted as `agenda_uncached`, wic.degraded).
"""
import math
import re
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from uuid import uuid4

from django.core.cache import cache
from django.db.models import Q

from agenda import cache as agenda_cache
from wic import degraded

from .parsing import HAN, LATIN_WORD, SEGMENTER, normal, pinyin_syllables

# -- what it holds ----------------------------------------------------------------------------------


def pick(zh: str, en: str, lang: str) -> str:
    """The text in `lang`, falling back to the other language."""
    return (en or zh) if lang == "en" else (zh or en)


@dataclass(slots=True)
class Hall:
    id: int
    name_zh: str
    name_en: str
    room: str
    venue_zh: str
    venue_en: str
    whole_venue: bool
    order: tuple = ()


@dataclass(slots=True)
class Board:
    id: int
    name_zh: str
    name_en: str


@dataclass(slots=True)
class Session:
    id: int
    title_zh: str
    title_en: str
    kind: str
    date: date | None
    start: datetime | None
    end: datetime | None
    period: str
    hall_id: int | None
    board_id: int | None
    order: tuple
    hosts: list = field(default_factory=list)  # [(organization id, role)]
    people: list = field(default_factory=list)  # [(person id, role)]


@dataclass(slots=True)
class Person:
    id: int
    name_zh: str
    name_en: str
    appearances: list = field(default_factory=list)  # [(session id, role)]


@dataclass(slots=True)
class Organization:
    id: int
    name_zh: str
    name_en: str
    roles: list = field(default_factory=list)  # [(session id, role)]
    exhibitor_id: int | None = None


@dataclass(slots=True)
class Exhibitor:
    id: int
    organization_id: int
    name_zh: str
    name_en: str
    booths: list = field(default_factory=list)  # [(code, zone id)]


@dataclass(slots=True)
class Zone:
    id: int
    key: str
    name_zh: str
    name_en: str
    venue_zh: str = ""
    venue_en: str = ""
    exhibitors: int = 0


@dataclass(slots=True)
class ServicePoint:
    id: int
    kind: str
    name_zh: str
    name_en: str
    hours_zh: str
    hours_en: str
    note_zh: str
    note_en: str
    venue_zh: str
    venue_en: str


@dataclass(slots=True)
class HelpPage:
    id: int
    key: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


# -- finding names in a question ------------------------------------------------------------------

# One-word English names that are everyday words of a question: never taken for a name alone.
COMMON_WORDS = frozenset(
    ["the", "a", "an", "of", "and", "in", "on", "at", "to", "is", "are", "where", "what", "when", "who", "how", "hall", "halls", "room", "rooms", "center", "centre", "forum", "forums", "session", "sessions", "board", "track", "zone", "expo", "booth", "desk", "point", "stop", "group", "company", "summit", "conference", "day", "today", "now", "next", "main", "open", "closing", "opening", "china", "international", "world", "internet", "digital", "ai", "data"]
)


@dataclass(frozen=True, slots=True)
class Match:
    """A name found in a question: what it names (`ref`: (type, id)), where (`start`, `end` in the
    normalized question) and how surely (`weight`: 1 for a full name, less for a short form)."""

    ref: tuple
    start: int
    end: int
    weight: float


class NameMatcher:
    """Every name an edition's things go by, in their normal form (parsing.normal), found in a
    question by their first two characters (Chinese) or their first word (Latin letters): the
    cost of a question does not grow with the number of names."""

    def __init__(self):
        self.han: dict[str, dict[str, dict]] = defaultdict(dict)  # first two chars -> alias -> {ref: weight}
        self.latin: dict[str, dict[tuple, dict]] = defaultdict(dict)  # first word -> words -> {ref: weight}
        self.words: set[str] = set()  # Chinese names, for jieba's user dictionary

    def add(self, name: str, ref: tuple, weight: float = 1.0, *, word: bool = True) -> None:
        """Add a name; a Chinese one also to jieba's words unless `word` is false (a session's
        title is found whole here, but its words must stay words for the title search)."""
        alias = normal(name or "")
        if not alias:
            return
        if HAN.search(alias):
            alias = alias.replace(" ", "")
            if len(alias) < 2:
                return
            slot = self.han[alias[:2]].setdefault(alias, {})
            if word:
                self.words.add(alias)
        else:
            words = tuple(LATIN_WORD.findall(alias))
            if not words or (len(words) == 1 and (words[0] in COMMON_WORDS or len(words[0]) < 2 or words[0].isdigit())):
                return
            slot = self.latin[words[0]].setdefault(words, {})
        slot[ref] = max(weight, slot.get(ref, 0.0))

    def find(self, text: str, bounds: set[int]) -> list[Match]:
        """The names in `text` (normalized), longest first, none overlapping another; a Chinese
        name of two characters only where jieba cut it as a word (its `bounds`)."""
        found = []
        for i in range(len(text) - 1):
            for alias, refs in self.han.get(text[i : i + 2], {}).items():
                if text.startswith(alias, i):
                    end = i + len(alias)
                    if len(alias) <= 2 and not (i in bounds and end in bounds):
                        continue
                    found.extend(Match(ref, i, end, weight) for ref, weight in refs.items())
        spans = [(m.start(), m.end(), m.group()) for m in LATIN_WORD.finditer(text)]
        for j, (start, _end, word) in enumerate(spans):
            for words, refs in self.latin.get(word, {}).items():
                if tuple(s[2] for s in spans[j : j + len(words)]) == words:
                    end = spans[j + len(words) - 1][1]
                    found.extend(Match(ref, start, end, weight) for ref, weight in refs.items())
        found.sort(key=lambda m: (-(m.end - m.start), m.start, -m.weight))
        chosen, taken = [], []
        for match in found:
            if any(match.start < e and s < match.end and (s, e) != (match.start, match.end) for s, e in taken):
                continue
            chosen.append(match)
            taken.append((match.start, match.end))
        return chosen


ORG_SUFFIXES_ZH = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司")
TRADE_WORDS_ZH = ("信息技术", "网络科技", "科技", "技术")
TRADE_WORDS_EN = frozenset(("technology", "technologies", "tech", "intelligent", "intelligence", "smart", "information", "network", "networks", "software", "systems"))
ORG_SUFFIXES_EN = re.compile(r"[,.]?\s+(?:co\.?,?\s*ltd\.?|ltd\.?|inc\.?|group|corporation|corp\.?|limited|company|co\.)$")
BRACKETS = re.compile(r"[（(][^）)]*[）)]")
ZH_ONLY = re.compile(r"[^\u3400-\u9fff]")


def zh_forms(name: str) -> list[str]:
    """A Chinese name and its shorter forms: without a bracketed note ("（演示）"), without a
    company's legal suffix ("有限公司", "集团")."""
    name = (name or "").strip()
    if not name:
        return []
    forms = [name]
    base = BRACKETS.sub("", name).strip()
    if base and base != name:
        forms.append(base)
    for suffix in ORG_SUFFIXES_ZH:
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            base = base[: -len(suffix)]
            forms.append(base)
            break
    # And without the trade word guests leave out: "云栖智能科技" is asked for as "云栖智能".
    for trade in TRADE_WORDS_ZH:
        if base.endswith(trade) and len(base) - len(trade) >= 3:
            forms.append(base[: -len(trade)])
            break
    return forms


def en_forms(name: str) -> list[str]:
    name = normal(name or "")
    if not name:
        return []
    forms = [name]
    base = BRACKETS.sub("", name).strip()
    if base != name and base:
        forms.append(base)
    shorter = ORG_SUFFIXES_EN.sub("", base)
    if shorter != base and shorter:
        forms.append(shorter)
    # And without the trade words guests leave out: "Yunqi Intelligent Technology" is "Yunqi".
    words = shorter.split()
    while len(words) > 1 and words[-1] in TRADE_WORDS_EN:
        words = words[:-1]
        forms.append(" ".join(words))
    if base.startswith("the "):
        forms.append(base[4:])
    return forms


@lru_cache(maxsize=65536)
def person_forms(name_zh: str, name_en: str) -> tuple[tuple[str, float], ...]:
    """A person's names: Chinese, English, and the pinyin of a Chinese name as it is written in
    English ("zhang weiming", "weiming zhang", "zhangweiming", "zhang wei ming")."""
    forms = [(f, 1.0) for f in zh_forms(name_zh)] + [(f, 1.0) for f in en_forms(name_en)]
    zh = ZH_ONLY.sub("", name_zh or "")
    if 2 <= len(zh) <= 4 and "·" not in (name_zh or ""):
        syllables = pinyin_syllables(zh)
        if len(syllables) == len(zh):
            surname, given = syllables[0], "".join(syllables[1:])
            forms += [(f"{surname} {given}", 1.0), (f"{given} {surname}", 1.0), ("".join(syllables), 1.0), (" ".join(syllables), 1.0)]
    return tuple(forms)


def hall_forms(hall: Hall) -> list[str]:
    forms = zh_forms(hall.name_zh) + en_forms(hall.name_en)
    zh = ZH_ONLY.sub("", hall.name_zh)
    if zh:
        syllables = pinyin_syllables(zh)
        if syllables and len(syllables) == len(zh):
            forms += [" ".join(syllables), "".join(syllables)]
            if zh.endswith("厅") and len(syllables) > 1:
                stem = "".join(syllables[:-1])
                forms += [f"{stem} hall", f"{stem} ting", f"{stem}ting"]
    if hall.room:
        forms += [f"room {hall.room}", f"hall {hall.room}", f"{hall.room}室", f"{hall.room}会议室", f"{hall.room}厅"]
    return forms


def board_forms(board: Board) -> list[tuple[str, float]]:
    forms = [(f, 1.0) for f in zh_forms(board.name_zh)]
    for f in list(forms):
        if f[0].endswith("板块") and len(f[0]) >= 5:
            forms.append((f[0][:-2], 0.8))
    for f in en_forms(board.name_en):
        forms += [(f, 1.0), (f"{f} board", 1.0), (f"{f} track", 1.0)]
        words = LATIN_WORD.findall(f)
        if len(words) > 1:
            acronym = "".join(w[0] for w in words)  # "artificial intelligence" -> "ai"
            forms += [(acronym, 0.8), (f"{acronym} board", 1.0), (f"{acronym} track", 1.0)]
    return forms


# -- help pages -------------------------------------------------------------------------------------

# Words guests use for the help pages organizers usually write, by the page's key; added to the
# page's own title and keywords (HelpPage.keywords) where the edition has a page of that key.
HELP_WORDS = {
    "badge": "证件, 参会证, 胸卡, 证卡, 胸牌, 领证, 制证, badge, badges, credential, credentials, accreditation, lanyard, pass",
    "visa-letter": "签证, 邀请函, 签证函, visa, visas, invitation letter, letter of invitation",
    "pickup": "接机, 接站, 接送, 送机, 机场, 高铁站, 火车站, pickup, pick-up, airport, train station, transfer",
    "hotel": "酒店, 住宿, 入住, 宾馆, hotel, hotels, accommodation, check in",
    "meals": "用餐, 吃饭, 午餐, 午饭, 晚饭, 晚餐, 早餐, 餐厅, 自助餐, meal, meals, lunch, dinner, breakfast, food, eat",
    "wifi": "wifi, wi-fi, 无线网, 无线网络, 上网, 网络密码, wireless, internet access",
    "shuttle": "班车, 摆渡车, 接驳车, 穿梭巴士, shuttle, shuttles, bus, buses",
    "registration": "注册, 报名, registration, register, sign up",
    "parking": "停车, 停车场, parking, car park",
    "luggage": "行李, 寄存, luggage, baggage",
}
HELP_SEPARATORS = re.compile(r"[,，、;；/\n]+")


class HelpTerms:
    """The words that lead to each help page: its title, its keywords, HELP_WORDS of its key."""

    def __init__(self):
        self.han: list[tuple[str, int]] = []
        self.latin: list[tuple[tuple, int]] = []

    def add(self, term: str, page_id: int) -> None:
        term = normal(term)
        if not term:
            return
        if HAN.search(term):
            if len(term) >= 2:
                self.han.append((term.replace(" ", ""), page_id))
        else:
            words = tuple(LATIN_WORD.findall(term))
            if words:
                self.latin.append((words, page_id))

    def scores(self, text: str) -> dict[int, float]:
        """Each page's score for a normalized question: the characters of its terms found in it."""
        found: dict[int, float] = defaultdict(float)
        for term, page in self.han:
            if term in text:
                found[page] += len(term)
        words = LATIN_WORD.findall(text)
        for term, page in self.latin:
            n = len(term)
            if any(tuple(words[i : i + n]) == term for i in range(len(words) - n + 1)):
                found[page] += sum(len(w) for w in term) * 0.6
        return dict(found)


# -- sessions by the words of their titles ---------------------------------------------------------

TITLE_STOPWORDS = frozenset(
    ["的", "和", "与", "及", "暨", "在", "哪", "哪里", "哪儿", "什么", "时候", "几点", "是", "吗", "呢", "有", "我", "请问", "开始", "举行", "举办", "召开", "结束", "几号", "地点", "会议", "活动", "the", "of", "and", "in", "on", "at", "to", "for", "a", "an", "is", "are", "where", "when", "what", "time", "does", "do", "start", "starts", "begin", "held", "session", "forum", "booth", "stand", "find", "located", "location", "happen", "happening", "take", "place", "my", "me", "can",
     "论坛", "分论坛", "主论坛", "大会"]
)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=16384)
def title_tokens(text: str) -> frozenset[str]:
    """The words of a title or question that tell one session from another (kept per process:
    an index rebuilt after an edit cuts mostly the same titles)."""
    text = normal(text)
    tokens = set()
    if HAN.search(text):
        for token in SEGMENTER.cut(text):
            token = token.strip()
            if token in TITLE_STOPWORDS:
                continue
            if HAN.search(token) and len(token) >= 2:
                tokens.add(token)
            elif not HAN.search(token) and len(token) >= 2:
                tokens.update(_stem(w) for w in LATIN_WORD.findall(token) if w not in TITLE_STOPWORDS)
    else:
        tokens.update(_stem(w) for w in LATIN_WORD.findall(text) if w not in TITLE_STOPWORDS and len(w) >= 2)
    return frozenset(tokens)


class TitleSearch:
    """Sessions by the rare words of their titles (inverse document frequency over the edition)."""

    def __init__(self, titles: dict[int, set[str]]):
        self.titles = titles
        counts: dict[str, int] = defaultdict(int)
        for tokens in titles.values():
            for token in tokens:
                counts[token] += 1
        total = max(len(titles), 1)
        self.idf = {token: math.log(1 + total / n) for token, n in counts.items()}
        self.postings: dict[str, list[int]] = defaultdict(list)
        for session_id, tokens in titles.items():
            for token in tokens:
                self.postings[token].append(session_id)

    def best(self, tokens: set[str]) -> list[tuple[int, float]]:
        """Sessions sharing the question's title words, best first, with the share of the
        question's (known) title words they hold, weighted by rarity."""
        known = [t for t in tokens if t in self.idf]
        if not known:
            return []
        # A word no title holds counts as the rarest: "Shadow Data Company" is not "Data Governance".
        rarest = max(self.idf.values())
        weight = sum(self.idf[t] for t in known) + rarest * (len(tokens) - len(known))
        scores: dict[int, float] = defaultdict(float)
        for token in known:
            for session_id in self.postings[token]:
                scores[session_id] += self.idf[token]
        ranked = []
        for session_id, score in scores.items():
            coverage = score / weight
            # Also the share of the title the question names, so a short exact title wins.
            title_weight = sum(self.idf.get(t, 0) for t in self.titles[session_id]) or 1
            ranked.append((session_id, coverage * 0.7 + (score / title_weight) * 0.3))
        ranked.sort(key=lambda pair: -pair[1])
        return ranked


# -- the index --------------------------------------------------------------------------------------

HOST_ROLES = ("host", "co_host", "organizer_on_site")


@dataclass
class EditionIndex:
    edition_id: int
    year: int
    days: list
    halls: dict = field(default_factory=dict)
    boards: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    organizations: dict = field(default_factory=dict)
    exhibitors: dict = field(default_factory=dict)
    zones: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)
    booths: dict = field(default_factory=dict)  # code -> exhibitor id
    names: NameMatcher = field(default_factory=NameMatcher)
    help_terms: HelpTerms = field(default_factory=HelpTerms)
    titles: TitleSearch | None = None
    version: str | None = None

    def ordered_sessions(self) -> list:
        return sorted(self.sessions.values(), key=lambda s: s.order)


def build_index(edition) -> EditionIndex:
    """Read the edition's public records (eleven queries, whatever their number) into an index."""
    from agenda.models import Board as BoardModel
    from agenda.models import Hall as HallModel
    from agenda.models import Session as SessionModel
    from agenda.models import SessionOrganization
    from expo.enums import ExhibitorStatus
    from expo.models import BoothAllotment
    from expo.models import Exhibitor as ExhibitorModel
    from expo.models import Zone as ZoneModel
    from people.models import Appearance
    from people.selectors import SHOWN

    from ..models import HelpPage as HelpPageModel
    from ..models import PlanShape
    from ..models import ServicePoint as ServicePointModel

    index = EditionIndex(edition_id=edition.pk, year=edition.year, days=[])
    published = SessionModel.objects.filter(edition=edition, is_published=True)
    rows = published.values_list(
        "id", "title_zh", "title_en", "alt_titles", "kind", "date", "start", "end", "period", "hall_id", "board_id", "sort_key", "sort_order"
    ).order_by()
    alt_titles = {}
    for sid, title_zh, title_en, alt, kind, day, start, end, period, hall_id, board_id, sort_key, sort_order in rows:
        index.sessions[sid] = Session(sid, title_zh, title_en, kind, day, start, end, period, hall_id, board_id, (day is None, sort_key, sort_order, sid))
        alt_titles[sid] = [line.strip() for line in (alt or "").splitlines() if line.strip()]
    index.days = sorted(set(edition.days) | {s.date for s in index.sessions.values() if s.date is not None})

    hall_ids = {s.hall_id for s in index.sessions.values() if s.hall_id}
    condition = Q(pk__in=hall_ids)
    if edition.main_venue_id:
        condition |= Q(venue_id=edition.main_venue_id)
    for h in HallModel.objects.filter(condition).select_related("venue").order_by("venue__name_zh", "sort_order", "name_zh"):
        index.halls[h.pk] = Hall(h.pk, h.name_zh, h.name_en, h.room, h.venue.name_zh, h.venue.name_en, h.is_whole_venue, (h.venue.name_zh, h.sort_order, h.name_zh))
    for b in BoardModel.objects.filter(edition=edition).order_by("number", "key"):
        index.boards[b.pk] = Board(b.pk, b.name_zh, b.name_en)

    for sid, role, oid, name_zh, name_en, abbreviation in (
        SessionOrganization.objects.filter(session__in=published, role__in=HOST_ROLES)
        .order_by("session_id", "sort_order", "id")
        .values_list("session_id", "role", "organization_id", "organization__name_zh", "organization__name_en", "organization__abbreviation")
    ):
        org = index.organizations.get(oid)
        if org is None:
            org = index.organizations[oid] = Organization(oid, name_zh, name_en)
            if abbreviation:
                index.names.add(abbreviation, ("organization", oid), 0.9)
        org.roles.append((sid, role))
        index.sessions[sid].hosts.append((oid, role))

    # People by name only: the contact fields are never read.
    for sid, role, pid, name_zh, name_en in (
        Appearance.objects.filter(session__in=published, status__in=SHOWN)
        .order_by("session_id", "sort_order", "id")
        .values_list("session_id", "role", "person_id", "person__name_zh", "person__name_en")
    ):
        person = index.people.get(pid)
        if person is None:
            person = index.people[pid] = Person(pid, name_zh, name_en)
        person.appearances.append((sid, role))
        index.sessions[sid].people.append((pid, role))

    for z in ZoneModel.objects.filter(edition=edition).order_by("sort_order", "key"):
        index.zones[z.pk] = Zone(z.pk, z.key, z.name_zh, z.name_en)
    shapes = PlanShape.objects.filter(Q(zone__edition=edition) | Q(hall_id__in=list(index.halls))).select_related("venue")
    for shape in shapes.order_by():
        if shape.zone_id in index.zones:
            index.zones[shape.zone_id].venue_zh, index.zones[shape.zone_id].venue_en = shape.venue.name_zh, shape.venue.name_en

    # Approved exhibitors only, by their organization's names: the contact fields are never read.
    for eid, oid, name_zh, name_en, abbreviation in (
        ExhibitorModel.objects.filter(edition=edition, status=ExhibitorStatus.APPROVED)
        .order_by("organization__name_zh", "id")
        .values_list("id", "organization_id", "organization__name_zh", "organization__name_en", "organization__abbreviation")
    ):
        index.exhibitors[eid] = Exhibitor(eid, oid, name_zh, name_en)
        if oid in index.organizations:
            index.organizations[oid].exhibitor_id = eid
        if abbreviation:
            index.names.add(abbreviation, ("exhibitor", eid), 0.9)
    for eid, code, zone_id in (
        BoothAllotment.objects.filter(released_at__isnull=True, exhibitor_id__in=list(index.exhibitors), booth__edition=edition)
        .order_by("booth__code")
        .values_list("exhibitor_id", "booth__code", "booth__zone_id")
    ):
        index.exhibitors[eid].booths.append((code, zone_id))
        index.booths[code.lower()] = eid
        if zone_id in index.zones:
            index.zones[zone_id].exhibitors += 1

    for p in ServicePointModel.objects.filter(edition=edition).select_related("venue").order_by("venue__name_zh", "kind", "name_zh", "id"):
        index.points[p.pk] = ServicePoint(p.pk, p.kind, p.name_zh, p.name_en, p.hours_zh, p.hours_en, p.note_zh, p.note_en, p.venue.name_zh, p.venue.name_en)
    for page in HelpPageModel.objects.filter(edition=edition).order_by("key"):
        index.pages[page.pk] = HelpPage(page.pk, page.key, page.title_zh, page.title_en, page.body_zh, page.body_en)
        terms = [page.title_zh, page.title_en, *HELP_SEPARATORS.split(page.keywords or ""), *HELP_SEPARATORS.split(HELP_WORDS.get(page.key, ""))]
        for term in terms:
            index.help_terms.add(term, page.pk)

    _add_names(index, alt_titles)
    SEGMENTER.add_words(index.names.words)
    index.titles = TitleSearch(
        {s.id: title_tokens(s.title_zh) | title_tokens(s.title_en) | {t for alt in alt_titles.get(s.id, ()) for t in title_tokens(alt)} for s in index.sessions.values()}
    )
    return index


def _add_names(index: EditionIndex, alt_titles: dict) -> None:
    names = index.names
    for hall in index.halls.values():
        for form in hall_forms(hall):
            names.add(form, ("hall", hall.id))
    for board in index.boards.values():
        for form, weight in board_forms(board):
            names.add(form, ("board", board.id), weight)
    for person in index.people.values():
        for form, weight in person_forms(person.name_zh, person.name_en):
            names.add(form, ("person", person.id), weight)
    for org in index.organizations.values():
        for form in zh_forms(org.name_zh) + en_forms(org.name_en):
            names.add(form, ("organization", org.id))
    for exhibitor in index.exhibitors.values():
        for form in zh_forms(exhibitor.name_zh) + en_forms(exhibitor.name_en):
            names.add(form, ("exhibitor", exhibitor.id))
        for code, _zone in exhibitor.booths:
            names.add(f"booth {code}", ("exhibitor", exhibitor.id))
            names.add(f"展位{code}", ("exhibitor", exhibitor.id))
            if len(code) >= 3:
                names.add(code, ("exhibitor", exhibitor.id), 0.9)
    for zone in index.zones.values():
        for form in zh_forms(zone.name_zh) + en_forms(zone.name_en):
            names.add(form, ("zone", zone.id))
    for point in index.points.values():
        for form in zh_forms(point.name_zh) + en_forms(point.name_en):
            names.add(form, ("service_point", point.id))
    for session in index.sessions.values():
        for title in (session.title_zh, session.title_en, *alt_titles.get(session.id, ())):
            for form in zh_forms(title) if HAN.search(title or "") else en_forms(title):
                names.add(form.strip("《》“”\"' "), ("session", session.id), 0.9, word=False)


# -- versions and the per-process store -------------------------------------------------------------

MAX_EDITIONS = 16  # indexes kept per process (an index of 300 sessions, 700 exhibitors, 900 people: a few MB)

_store: "OrderedDict[int, EditionIndex]" = OrderedDict()
_store_lock = threading.Lock()
_build_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)
_pending: set[str] = set()  # version keys this process could not bump (cache down): bumped when it answers
_pending_lock = threading.Lock()
builds = 0  # indexes built by this process (tests and the bench read it)


def _key(edition_id: int) -> str:
    return f"assistant-version:{edition_id}"


def _set(key: str) -> None:
    with degraded.cache_watch() as failed:
        cache.set(key, uuid4().hex[:12], None)
    with _pending_lock:
        (_pending.add if failed() else _pending.discard)(key)


def bump(edition_id: int) -> None:
    """A record of the edition that the agenda does not version changed (see the module's docstring)."""
    _set(_key(edition_id))


def version_of(edition) -> str | None:
    """The agenda's version of the edition and the assistant's own, or None when the cache cannot
    give them."""
    agenda = agenda_cache.agenda_version(edition.year)
    if agenda is None:
        return None
    for key in list(_pending):
        _set(key)
    key = _key(edition.pk)
    with degraded.cache_watch() as failed:
        own = cache.get(key)
        if own is None:
            own = uuid4().hex[:12]
            if not cache.add(key, own, None):
                own = cache.get(key) or own
    if failed():
        return None
    return f"{agenda}.{own}"


def index_for(edition) -> EditionIndex:
    """The edition's index, built once per version in this process (see the module's docstring)."""
    global builds
    version = version_of(edition)
    if version is None:
        degraded.record("agenda_uncached", f"assistant index of {edition.year} built for one question: the cache is down")
        builds += 1
        return build_index(edition)
    found = _store.get(edition.pk)
    if found is not None and found.version == version:
        return found
    with _build_locks[edition.pk]:
        found = _store.get(edition.pk)
        if found is not None and found.version == version:
            return found
        index = build_index(edition)
        index.version = version
        builds += 1
        with _store_lock:
            _store[edition.pk] = index
            _store.move_to_end(edition.pk)
            while len(_store) > MAX_EDITIONS:
                _store.popitem(last=False)
        return index


def forget() -> None:
    """Tests only: drop every index of this process."""
    with _store_lock:
        _store.clear()
