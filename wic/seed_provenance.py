"""Every seed file checked against the seed texts: what a record says comes from a text, in its words.

Pure (no database, no Django settings): `seed_files()` finds the seed files by glob, `problems(path)`
lists everything wrong in one of them. tests/wic/test_seed_provenance.py runs it per file; the rules
are wic/seed_data/SCHEMA.md's ("Provenance of the seed files").

- A **record** is a mapping that names something (one of `NAMING_KEYS`) or carries `source:`.
  A top-level record (one no other record holds) names its own `source` (the texts' file names,
  comma-separated, each one a file of the seed texts). A nested record (a venue's halls, a session's
  organizations and outcomes, a programme's categories and figures, an expo's exhibits) inherits
  the source of the record that holds it, unless it names its own.
- A **quote** (`quote_zh`, any `*_quote_zh`, each line or item of `quotes_zh`; a list, each item) is found verbatim in one of
  its record's source texts converted traditional -> simplified with OpenCC (`t2s`) (or in the text
  as written, for a quote OpenCC leaves unchanged: the simplified texts 000, 001, 004 are taken as
  they are), after whitespace normalization: every whitespace character (`str.split()`'s:
  spaces, tabs, line breaks, U+3000, no-break spaces) is deleted from the quote and from the text.
  Nothing else is normalized (punctuation, width, case stay as written). A line of `quotes_zh` may
  end with a note in parentheses that names a text, "(004)" or "(004,...)": the note is not quoted,
  and the line is looked for in that text (when the record names it).
- **English** (a non-empty `*_en` value, and `abbreviation`) in a source-data file is found in its
  record's source texts (same normalization) or is marked editorial by the record's key
  `editorial: [name_en, ...]`. Files named `editorial_*.yaml` hold editorial English by definition.
  A figure's `label_en` (a record in a `figures` list) is a UI label, not a fact: exempt.
"""
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
import re

import yaml

REPO_DIR = Path(__file__).resolve().parent.parent
TEXTS_DIR = REPO_DIR.parent / "shared" / "seeds"  # the seed texts, beside the checkout (../shared/seeds)
NAMING_KEYS = ("name_zh", "title_zh", "key", "quote_zh", "organization")
NOT_SEED_FILES = {"sources.yaml"}  # wic/seed_data/sources.yaml: the citations of the texts, not records
UI_TEXT = {("figures", "label_en")}  # (list the record sits in, field): UI labels, not facts
NOTE = re.compile(r"[(（](\d{3})(?:[,，、;；][^()（）]*)?[)）]\s*$")


@dataclass(frozen=True)
class Problem:
    path: str   # where in the file: "sessions[3]{key: plenary}.organizations[0]"
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field} = {self.value!r}: {self.message}"


def seed_files(root: Path = REPO_DIR) -> list[Path]:
    """Every seed file of the project: `<app>/seed_data.yaml` and `<app>/seed_data/*.yaml`."""
    found = set(root.glob("*/seed_data.yaml")) | set(root.glob("*/seed_data/*.yaml"))
    return sorted((p for p in found if p.name not in NOT_SEED_FILES and not p.parts[len(root.parts)].startswith(".")),
                  key=lambda p: p.relative_to(root).as_posix())


def is_editorial_file(path: Path) -> bool:
    return path.name.startswith("editorial")


def normalize(text: str) -> str:
    return "".join(text.split())


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


@lru_cache(maxsize=None)
def source_text(name: str, texts_dir: Path = TEXTS_DIR) -> tuple[str, str] | None:
    """The text `name` normalized, as written and converted to simplified; None where there is no such text."""
    path = texts_dir / name
    if not path.is_file():
        return None
    raw = path.read_text(encoding="utf-8")
    return normalize(raw), normalize(simplified(raw))


def source_names(source) -> list[str]:
    return [part.strip() for part in str(source or "").split(",") if part.strip()]


def found_in(value: str, names: list[str], texts_dir: Path = TEXTS_DIR, *, quote: bool = False) -> bool:
    """Whether `value` is in one of the texts `names` (normalized). A quote is looked for in the texts
    converted to simplified, or as written only where the quote itself is simplified (OpenCC leaves it
    unchanged): a quote in traditional characters is never found."""
    needle = normalize(value)
    as_written = not quote or simplified(needle) == needle
    for name in names:
        text = source_text(name, texts_dir)
        if text is not None and ((as_written and needle in text[0]) or needle in text[1]):
            return True
    return False


def _label(node: dict) -> str:
    for key in NAMING_KEYS + ("year",):
        if node.get(key) not in (None, ""):
            value = str(node[key])
            return f"{{{key}: {value[:30]}{'…' if len(value) > 30 else ''}}}"
    return ""


def _is_record(node: dict) -> bool:
    return "source" in node or any(key in node for key in NAMING_KEYS)


def _check_quote(problems, path, field, quote, names, texts_dir):
    if not names or found_in(quote, names, texts_dir, quote=True):
        return
    if simplified(quote) != quote and found_in(simplified(quote), names, texts_dir, quote=True):
        problems.append(Problem(path, field, quote, "in traditional characters: store it simplified"))
    else:
        problems.append(Problem(path, field, quote, f"not found verbatim in {', '.join(names)}"))


def _walk(node, path: str, parent_list: str, inherited: list[str], editorial_file: bool, problems: list, texts_dir: Path):
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, f"{path}[{index}]", parent_list, inherited, editorial_file, problems, texts_dir)
        return
    if not isinstance(node, dict):
        return
    names = inherited
    if _is_record(node) and not editorial_file:
        path = f"{path}{_label(node)}"
        own = source_names(node.get("source"))
        if "source" in node and not own:
            problems.append(Problem(path, "source", str(node.get("source")), "empty source"))
        for name in own:
            if source_text(name, texts_dir) is None:
                problems.append(Problem(path, "source", name, f"no seed text of that name in {texts_dir}"))
        if not own and not inherited:
            problems.append(Problem(path, "source", "", "record without a source (and none held by an enclosing record)"))
        names = own or inherited
        marked = node.get("editorial") or []
        if not isinstance(marked, list):
            problems.append(Problem(path, "editorial", str(marked), "must be a list of field names"))
            marked = []
        for field in marked:
            if field not in node:
                problems.append(Problem(path, "editorial", str(field), "names a field the record does not have"))
        for field, value in node.items():
            field = str(field)
            if field == "quote_zh" or field.endswith("_quote_zh"):
                for quote in value if isinstance(value, list) else [value]:
                    if isinstance(quote, str) and quote.strip():
                        _check_quote(problems, path, field, quote, names, texts_dir)
            elif field == "quotes_zh" and isinstance(value, (str, list)):
                for line in value.splitlines() if isinstance(value, str) else [str(v) for v in value]:
                    note = NOTE.search(line)
                    quote = line[:note.start()].strip() if note else line.strip()
                    named = [n for n in names if note and n.startswith(note.group(1))] if note else names
                    if quote:
                        _check_quote(problems, path, field, quote, named or names, texts_dir)
            elif (field.endswith("_en") or field == "abbreviation") and (parent_list, field) not in UI_TEXT and field not in marked:
                for value_en in value if isinstance(value, list) else [value]:
                    if isinstance(value_en, str) and value_en.strip() and not found_in(value_en, names, texts_dir):
                        problems.append(Problem(path, field, value_en, "English not in the source text(s) and not marked editorial"))
    if editorial_file:
        for field, value in node.items():
            if str(field) in ("quote_zh", "source"):
                problems.append(Problem(path, str(field), str(value), "an editorial file holds no quotes nor sources"))
    for key, value in node.items():
        if isinstance(value, (dict, list)):
            _walk(value, f"{path}.{key}" if path else str(key), str(key), names, editorial_file, problems, texts_dir)


def problems(path: Path, texts_dir: Path = TEXTS_DIR) -> list[Problem]:
    """Everything wrong with the provenance of one seed file (an unreadable file is one problem)."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        return [Problem("", "", "", f"not valid YAML: {error}")]
    if not isinstance(data, (dict, list)):
        return [Problem("", "", "", "not a mapping or a list")]
    found: list[Problem] = []
    _walk(data, "", "", [], is_editorial_file(path), found, texts_dir)
    return found
