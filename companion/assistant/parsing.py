"""Reading a question: the checks a question must pass, its language, its normal form, its words.

- A question is 1 to MAX_LENGTH characters once trimmed, with no control character (NUL and
  lone surrogates never get here: wic.inputs.RefuseUnreadableInput answers 400 for them first).
- Its language is read from its letters: Chinese when it has Han characters (and not more letters
  of another script: kana, hangul...), English when it is in Latin letters and not made of another
  language's common words ("où", "wo ist", "dónde"...), else none (the assistant then says
  honestly that it answers in Chinese or English only).
- Its normal form (`normal`) is NFKC (full-width letters and digits as ASCII, "：" as ":"), lower
  case, without apostrophes ("Tong'an" and "Tong’an" are "tongan"), spaces collapsed; Chinese in
  traditional characters is converted to simplified (OpenCC, in-process).
- Chinese is segmented by jieba, whose dictionary loads once per process (about a second: `warm_up`
  does it ahead of the first question), with the names of the editions asked about added to it as
  words (`add_words`: halls, boards, organizations, people, zones, service points), so a name stays
  one word ("通安厅", "张伟明") and a two-character name is found only where it is a word.
"""
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

MAX_LENGTH = 200

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Control characters (C0 but tab, line feed and carriage return; DEL; C1) and the invisible
# formatting characters a pasted text may carry are refused: none belongs in a question.
CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LATIN_WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
APOSTROPHES = re.compile(r"['’‘`´]")
POSSESSIVE = re.compile(r"(?<=[a-z])['’]s\b")
SPACES = re.compile(r"\s+")

# Common words of other languages written in Latin letters (French, German, Spanish, Portuguese,
# Italian), none of them an English word a guest would use.
FOREIGN_WORDS = frozenset(
    ["où", "est", "quand", "quel", "quelle", "quels", "comment", "je", "vous", "nous", "salle", "aujourdhui", "demain", "cest", "quest", "ou", "wo", "ist", "wann", "wie", "ich", "heute", "morgen", "gibt", "es", "welche", "welcher", "findet", "statt", "halle", "spricht", "dónde", "donde", "está", "esta", "cuándo", "cuando", "qué", "hoy", "mañana", "sala", "habla", "hay", "onde", "fica", "quando", "hoje", "amanhã", "amanha", "dove", "è", "oggi", "domani", "parla"]
)
ENGLISH_WORDS = frozenset(
    ["the", "is", "are", "where", "what", "whats", "when", "who", "how", "on", "at", "in", "does", "do", "i", "my", "a", "an", "of", "to", "can", "which", "today", "tomorrow", "now", "speak", "speaks", "hall", "room", "get", "find", "booth", "there", "this", "for", "with", "and", "next"]
)


class Refusal(ValueError):
    """A question the assistant does not take: `code` is stable (question_required,
    question_too_long, invalid_characters)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def check_question(raw) -> str:
    """The question trimmed, or Refusal."""
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not text:
        raise Refusal("question_required")
    if len(text) > MAX_LENGTH:
        raise Refusal("question_too_long")
    if CONTROL.search(text) or "\x00" in text:
        raise Refusal("invalid_characters")
    return text


@cache
def _to_simplified():
    from opencc import OpenCC

    return OpenCC("t2s")


def simplified(text: str) -> str:
    return _to_simplified().convert(text) if HAN.search(text) else text


@lru_cache(maxsize=65536)
def normal(text: str) -> str:
    """The form questions and names are compared in (see the module's docstring; "Galaxy
    Robotics' booth" and "Huang Haitao's talk" lose their possessive), without the
    conversion to simplified characters (`normal_question` adds it)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = APOSTROPHES.sub("", POSSESSIVE.sub("", text))
    return SPACES.sub(" ", text).strip()


def normal_question(text: str) -> str:
    return simplified(normal(text))


def language_of(text: str) -> str | None:
    """"zh", "en", or None for a question in another language (see the module's docstring)."""
    han = latin = other = 0
    for char in text:
        if HAN.match(char):
            han += 1
        elif char.isalpha():
            if "LATIN" in unicodedata.name(char, ""):
                latin += 1
            else:
                other += 1
    if han:
        return "zh" if other <= han + latin else None
    if other > latin:
        return None
    words = LATIN_WORD.findall(normal(text))
    foreign = sum(1 for w in words if w in FOREIGN_WORDS)
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    if foreign >= 2 and foreign > english:
        return None
    return "en"


# -- words ----------------------------------------------------------------------------------------


class _Segmenter:
    """One jieba tokenizer per process, its dictionary loaded on first use; names are added to it
    once each (jieba's own dictionary is process-wide state, hence the lock)."""

    def __init__(self):
        self._tokenizer = None
        self._lock = threading.Lock()
        self._added: set[str] = set()

    def tokenizer(self):
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    self._tokenizer = tokenizer
        return self._tokenizer

    def add_words(self, words) -> None:
        new = [w for w in words if w not in self._added and HAN.search(w)]
        if not new:
            return
        tokenizer = self.tokenizer()
        with self._lock:
            for word in new:
                if word not in self._added:
                    # A frequency well above ordinary words': the name is cut as one word.
                    tokenizer.add_word(word, freq=max(100000, tokenizer.FREQ.get(word, 0)))
                    self._added.add(word)

    def cut(self, text: str) -> list[str]:
        return [t for t in self.tokenizer().lcut(text) if t.strip()]


SEGMENTER = _Segmenter()


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first Chinese question."""
    SEGMENTER.tokenizer()


@dataclass
class Words:
    """A normalized question's words: `tokens` in order (jieba's for Chinese, Latin words as they
    are), `bounds` the character offsets where a token starts or ends (a two-character name is
    found only between two of them)."""

    text: str
    tokens: list[str] = field(default_factory=list)
    bounds: set[int] = field(default_factory=set)


def words_of(text: str) -> Words:
    words = Words(text)
    if HAN.search(text):
        position = 0
        for token in SEGMENTER.tokenizer().lcut(text):
            start = text.find(token, position)
            if start < 0:
                continue
            end = start + len(token)
            words.bounds.update((start, end))
            position = end
            if token.strip():
                words.tokens.append(token.strip())
    else:
        for match in LATIN_WORD.finditer(text):
            words.tokens.append(match.group())
            words.bounds.update((match.start(), match.end()))
    return words


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(text)


@cache
def _pinyin():
    from pypinyin import lazy_pinyin

    return lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_syllables(name_zh: str) -> tuple[str, ...]:
    """Toneless pinyin of the Han characters of a name: ("tong", "an", "ting"). Kept per process:
    an index rebuilt after an edit reads mostly the same names."""
    syllables = _pinyin()(name_zh.replace("·", " "))
    return tuple(s.lower() for s in syllables if s.isascii() and s.isalpha())
