"""What a question asks: its intent, chosen by rules that score the names, time words and cue
words found in it.

The intents:
- `whats_on`: what is on now, at a time, on a day or part of a day, in a hall or a board;
- `where_is`: where a hall, expo zone, exhibitor, service point (by name or by kind: "洗手间",
  "first aid") or session is;
- `person_sessions`: when and where a person speaks;
- `org_sessions`: which sessions an organization hosts (host, co-host, organizer on site);
- `help`: how to get a badge, a visa letter, a pickup..., from the edition's help pages;
- `unknown`: none of these, or a question in another language.

Each intent gets a score from what the question holds (a name of the right kind, a cue word such
as "在哪" or "host", a time); the highest wins if it reaches MIN_SCORE. The weights were set on the
evaluation set (tests/assistant/eval_set.yaml) and are meant to be read, not learned."""
import re
from dataclasses import dataclass, field

from .index import EditionIndex, HelpTerms, Match, title_tokens
from .parsing import HAN, Words, normal_question, words_of
from .times import When, parse_when

INTENTS = ("whats_on", "where_is", "person_sessions", "org_sessions", "help", "unknown")
MIN_SCORE = 3.0
TITLE_MATCH = 0.55  # a session found by the words of its title, not its full title: the least share

CUES_ZH = {
    "where": "在哪 哪里 哪儿 哪边 哪个位置 位置 怎么走 怎么去 如何去 如何到 怎样去 在几楼 几楼 地址 方位 找不到 路线 导航",
    "on": "有什么 有哪些 有啥 在开 开什么 在讲 讲什么 什么会 什么活动 什么论坛 活动 议程 日程 安排 节目 在进行 进行 会议 论坛 场次 有会 开会 演出",
    "when": "什么时候 几点 何时 哪天 哪一天 时间 几号 多久",
    "speak": "演讲 发言 讲话 讲什么 致辞 主持 出席 参加 嘉宾 登台 主讲 讲座 对话",
    "host": "主办 承办 协办 举办 组织 办了 办的 牵头 负责",
    "howto": "如何 怎么办 怎样 怎么 办理 申请 领取 需要 流程 手续 能不能 可以",
    "booth": "展位 展台 展馆 展区 参展 展商",
    "who": "谁",
}
CUES_EN = {
    "where": r"where|location|located|find|get to|way to|directions|how do i get to|how to get to|which floor",
    "on": r"what'?s on|whats on|what is on|happening|going on|sessions?|schedule|agenda|programm?e|events?|talks|on in|on at|forums?|running",
    "when": r"when|what time|which day|what day",
    "speak": r"speak|speaks|speaking|speech|talk|talking|keynote|present|presents|presenting|moderat\w*|appear\w*|panel\w*|give a",
    "host": r"host|hosts|hosted|hosting|runs|organi[sz]e[sd]?|organi[sz]ing|holds|held by|by whom",
    "howto": r"how do|how can|how to|how does|how should|where do i get|where can i get|apply|get my|get a|do i need|what do i",
    "booth": r"booth|stand|exhibit\w*|pavilion",
    "who": r"who|whom",
}
_CUES_EN = {name: re.compile(rf"\b(?:{pattern})\b") for name, pattern in CUES_EN.items()}

# Service points by kind, in guests' words: the kind's points answer "where" without a name.
SERVICE_WORDS = {
    "restroom": "洗手间, 卫生间, 厕所, 盥洗室, 厕, restroom, restrooms, toilet, toilets, bathroom, bathrooms, washroom, wc, lavatory, loo",
    "medical": "医务室, 医疗点, 医疗站, 急救, 医生, 看病, 受伤, 不舒服, medical, first aid, doctor, clinic, nurse, ambulance",
    "information": "咨询台, 服务台, 问询处, 咨询处, 信息台, 问讯处, 服务中心, information desk, info desk, help desk, information point, information",
    "shuttle_stop": "班车站, 班车点, 接驳车站, 摆渡车站, 候车点, 班车, 摆渡车, 接驳车, shuttle stop, bus stop, shuttle, shuttles",
    "charging": "充电, 充电站, 充电宝, 手机没电, charging, charge my phone, charger, power bank",
    "prayer_room": "祈祷室, 礼拜室, 祷告, prayer room, prayer, pray",
    "media_centre": "新闻中心, 媒体中心, 记者, 媒体工作区, press centre, press center, media centre, media center, press room, journalists",
    "lost_and_found": "失物招领, 丢失, 丢了, 遗失, 捡到, lost and found, lost property, lost my, found a",
    "accessible_entrance": "无障碍入口, 无障碍通道, 无障碍, 轮椅, accessible entrance, wheelchair, accessibility, step-free",
}


def _service_terms() -> HelpTerms:
    terms = HelpTerms()
    for kind, words in SERVICE_WORDS.items():
        for word in words.split(","):
            terms.add(word.strip(), kind)
    return terms


SERVICE_TERMS = _service_terms()

# Words that carry no subject: left when everything a question names is taken out, they do not
# make it a question about something the assistant does not know.
FILLER_ZH = {
    "的", "了", "吗", "呢", "吧", "啊", "呀", "我", "我们", "你", "请问", "请", "问", "一下", "想", "想要", "要", "知道", "告诉", "现在", "今天", "明天", "后天", "上午", "下午", "晚上", "中午", "早上", "是", "在", "有", "什么", "哪些", "哪", "哪里", "哪儿", "几点", "时候", "会", "都", "还", "和", "与", "及", "去", "到", "可以", "能", "个", "这", "那", "点", "号", "日", "月", "的话", "一个", "谁", "跟", "场"
}
FILLER_EN = {
    "the", "a", "an", "of", "and", "in", "on", "at", "to", "is", "are", "was", "be", "what", "whats", "what's", "where", "when", "who", "how", "which", "do", "does", "did", "i", "me", "my", "we", "our", "you", "your", "can", "could", "would", "will", "please", "tell", "know", "there", "here", "this", "that", "it", "its", "now", "today", "tomorrow", "morning", "afternoon", "evening", "tonight", "pm", "am", "oclock", "day", "time", "get", "find", "for", "about", "any", "anything", "something", "show", "list", "give", "with", "by", "from", "next"
}


@dataclass
class Reading:
    """A question as the assistant read it."""

    text: str
    zh: bool
    words: Words
    when: When | None
    matches: list = field(default_factory=list)  # [Match]
    kinds: dict = field(default_factory=dict)  # service point kind -> score
    pages: dict = field(default_factory=dict)  # help page id -> score
    cues: set = field(default_factory=set)
    scores: dict = field(default_factory=dict)
    intent: str = "unknown"
    leftover: list = field(default_factory=list)  # words no name, cue or time word explains

    def of_type(self, *types) -> list:
        return [m for m in self.matches if m.ref[0] in types]


def _cues(text: str, zh: bool) -> set[str]:
    found = set()
    for name, words in CUES_ZH.items():
        if any(word in text for word in words.split()):
            found.add(name)
    for name, pattern in _CUES_EN.items():
        if pattern.search(text):
            found.add(name)
    return found


def _leftover(reading: Reading) -> list[str]:
    """The question's words that no name, cue or time word accounts for."""
    covered = [(m.start, m.end) for m in reading.matches]
    cue_words = {w for words in CUES_ZH.values() for w in words.split()}
    left, position = [], 0
    for token in reading.words.tokens:
        start = reading.text.find(token, position)
        if start >= 0:
            position = start + len(token)
            if any(s <= start and start + len(token) <= e for s, e in covered):
                continue
        if HAN.search(token):
            if token in FILLER_ZH or token in cue_words or len(token) == 1:
                continue
            if re.fullmatch(r"[零〇一二两三四五六七八九十\d]+[点时号日月半]?", token):
                continue
        else:
            if token in FILLER_EN or token.isdigit() or any(p.fullmatch(token) for p in _CUES_EN.values()):
                continue
        left.append(token)
    return left


def read(question: str, index: EditionIndex, *, now) -> Reading:
    """Read a checked question (parsing.check_question) against the edition's index."""
    text = normal_question(question)
    zh = bool(HAN.search(text))
    words = words_of(text)
    reading = Reading(text=text, zh=zh, words=words, when=parse_when(text, now=now, days=index.days, zh=zh))
    reading.matches = index.names.find(text, words.bounds)
    reading.kinds = {k: v for k, v in SERVICE_TERMS.scores(text).items() if any(p.kind == k for p in index.points.values())}
    reading.pages = index.help_terms.scores(text)
    reading.cues = _cues(text, zh)
    # A booth code alone ("A01在哪") names its exhibitor.
    if not reading.of_type("exhibitor"):
        for code in re.findall(r"\b[a-z]{1,2}-?\d{1,3}\b", text):
            if code in index.booths:
                start = text.find(code)
                reading.matches.append(Match(("exhibitor", index.booths[code]), start, start + len(code), 0.9))
    # A session named by the words of its title rather than its whole title ("数字丝路论坛在哪",
    # "robot forum time"): asked where or when it is, or what it is, without a time.
    asks_of_a_session = {"where", "when"} & reading.cues or ("on" in reading.cues and reading.when is None)
    if not reading.matches and asks_of_a_session and index.titles is not None:
        ranked = index.titles.best(title_tokens(text))
        if ranked and ranked[0][1] >= TITLE_MATCH:
            reading.matches.append(Match(("session", ranked[0][0]), 0, 0, ranked[0][1]))
    reading.leftover = _leftover(reading)
    reading.scores = score(reading, index)
    best = max(reading.scores.items(), key=lambda pair: pair[1], default=("unknown", 0.0))
    reading.intent = best[0] if best[1] >= MIN_SCORE else "unknown"
    return reading


def score(r: Reading, index: EditionIndex) -> dict[str, float]:
    cues, when = r.cues, r.when
    people = r.of_type("person")
    orgs = r.of_type("organization")
    halls, boards = r.of_type("hall"), r.of_type("board")
    places = r.of_type("hall", "zone", "exhibitor", "service_point", "session")
    sessions = r.of_type("session")
    scores = {}
    scores["person_sessions"] = (6 + 2 * bool({"speak", "when"} & cues) + ("where" in cues)) if people else 0.0
    if orgs:
        scores["org_sessions"] = 4 + 3 * ("host" in cues) + ("on" in cues) + ("when" in cues) - 3 * ("booth" in cues) - 2 * ("where" in cues and "host" not in cues)
    where = 0.0
    if places or r.kinds:
        where = 3 + 4 * ("where" in cues) + 1 * bool(r.kinds or r.of_type("service_point"))
        if r.of_type("exhibitor", "zone"):
            where += 2 * ("booth" in cues)
        if sessions and not (halls or boards):
            where += 2 * ("when" in cues) + (when is not None)
        if halls and when is not None:
            where -= 2
    scores["where_is"] = where
    on = 0.0
    if when is not None or "on" in cues or ((halls or boards) and "when" in cues):
        on = 3 * (when is not None) + 3 * ("on" in cues) + 2 * bool(halls or boards) + ("speak" in cues or "who" in cues)
        if "where" in cues and when is None:
            on -= 3
        if sessions and not (halls or boards):
            on -= 2
        if (halls or boards) and "when" in cues and "where" not in cues:
            on += 3  # "通安厅几点有会": the hall's sessions and their times
        if not (halls or boards or places or people or orgs) and "on" not in cues and len(r.leftover) >= 2:
            on = 0.0  # "明天天气怎么样": a time, but not a question about the programme
    scores["whats_on"] = on
    if r.pages:
        best = max(r.pages.values())
        scores["help"] = 3 + min(best / 2, 4) + 2 * ("howto" in cues) - 2 * bool(people)
    if r.leftover and not r.matches and not r.pages and not r.kinds and "on" not in cues:
        # Nothing named, and words the assistant does not know: it does not guess.
        scores = {k: (0.0 if k != "whats_on" or len(r.leftover) >= 2 else v) for k, v in scores.items()}
    return scores
