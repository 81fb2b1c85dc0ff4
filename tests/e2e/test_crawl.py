"""The crawler (issue 20, "Done means"): every page of the demo edition, and the seeded 2017 and
2024 editions' public pages (edition, agenda, one session), as each demo role sees them, in
Debian's Chromium, at 390x844 and 1366x900, in Chinese and English. On every page:

- overflow: no sideways scrolling (document.documentElement.scrollWidth <= the viewport's width);
- code: no developer code in the visible text (a bracketed `[some_code]`);
- field: no model field name in the visible text (`name_zh`, `theme_en`, or any name with an
  underscore that a model of Django's apps registry has as a field);
- axe: axe-core (static/vendor/axe-core, evaluated in the page) finds 0 serious or critical
  violations;
- status: every link followed answers 200 (no 4xx/5xx behind a link a page shows).

How it crawls, deterministically: per role, breadth first from the role's start pages, following
the same-site <a href> links in document order, up to a page budget per role. Not followed: sign
out, language switches, the API, files (.ics/.csv/.pdf/.json/.xml...), the admin's delete/history
pages, other editions than the demo's (besides the 2017 and 2024 pages named above), and more
than SHAPE_LIMIT pages of one URL shape (a path with its ids replaced, e.g. two session pages).
Forms are never submitted, so nothing changes on the server.

The past editions' pages are crawled as anonymous and as attendee only (they are public; a role
changes only their header). Which combinations, to keep the run short: every page is loaded in
one language at 390x844 (the crawl's load: links are collected there) and in the other language
at 1366x900, alternating (even pages zh-hans on the phone and en on the desktop, odd pages the
reverse), so each page is checked at both viewports and in both languages. The desktop load of a
URL already checked on the desktop for an earlier role is skipped (the role only changes the
header there; the phone load, where a longer header could overflow, is done for every role), and
axe runs once per URL and viewport, for the first role that reaches it (overflow and text are
checked on every load).

All failures are collected and reported at once, grouped by kind, as
`role | viewport lang | path | what`. The pages crawled per role are printed as a figure and
written, with the failures, to screenshots/crawl-report.txt. Budgets: CRAWL_BUDGET (pages per role,
default 40; the organizer gets 1.5x for the admin), CRAWL_ROLES (comma-separated subset).
"""
import os
import re
import sqlite3
import time
from collections import Counter, OrderedDict, defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, SCREENSHOTS, SERVER, chromium_available, server_registration_page

pytestmark = [
    pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.slow,
]

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LANGS = {"en": ("en-US", "en-US,en;q=0.9"), "zh-hans": ("zh-CN", "zh-CN,zh;q=0.9")}
BUDGET = int(os.environ.get("CRAWL_BUDGET", "40"))
SHAPE_LIMIT = 2
SHOTS = Path(os.environ["CRAWL_SHOTS"]) if os.environ.get("CRAWL_SHOTS") else None  # screenshots of overflowing pages
PAST_YEARS = (2017, 2024)
PAST_ROLES = ("anonymous", "attendee")  # who crawls the past editions' pages (public: the role only changes the header)
GUEST_EMAIL = "guest1@demo.wic-summit.example"  # the first demo guest (approved): its private page

# Role -> (username or None for anonymous, start paths; "{demo}" is the demo edition's year).
ROLES: "OrderedDict[str, tuple[str | None, list[str]]]" = OrderedDict(
    anonymous=(None, ["/", "/editions/{demo}/", "/editions/", "/awards/", "{guest_page}"]),
    attendee=("attendee", ["/", "/editions/{demo}/", "/editions/{demo}/my-agenda/"]),
    volunteer=("volunteer", ["/volunteer/", "/", "/editions/{demo}/"]),
    gate=("gate", ["/checkin/", "/"]),
    reviewer=("reviewer", ["/editions/{demo}/forums/review/", "/", "/editions/{demo}/"]),
    applicant=("applicant", ["/editions/{demo}/forums/mine/", "/editions/{demo}/forums/apply/", "/"]),
    exhibitor=("exhibitor", ["/editions/{demo}/expo/", "/editions/{demo}/expo/meetings/", "/"]),
    organizer=("organizer", ["/admin/", "/admin/dashboard/{demo}/", "/checkin/", "/", "/editions/{demo}/"]),
)

SKIP_PATH = re.compile(
    r"^/(?:accounts/logout|lang/|i18n/|api/|static/|media/|healthz|favicon\.ico)"
    r"|^/admin/(?:logout|jsi18n|r/)"
    r"|/(?:delete|history|password)/$"
    r"|\.(?:ics|csv|pdf|json|xml|txt|png|jpe?g|gif|svg|webp|zip|xlsx?|docx?)$",
)
ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[A-Za-z0-9_-]{20,})$")
BRACKET_CODE = re.compile(r"\[[a-z_]+\]")
LANG_FIELD = re.compile(r"\b[a-z]+_(?:zh|en)\b")
SNAKE_WORD = re.compile(r"\b[a-z]+_[a-z_]+\b")
SERIOUS = ("serious", "critical")

# Findings judged acceptable, with the reason: (kind, path regex, detail regex) -> why. Empty: every
# finding is a failure until someone argues it here.
ALLOWED: dict[tuple[str, str, str], str] = {
    ("code", r"^/privacy/$", r"\[erased\]"): "the notice quotes the placeholder an erasure writes into a record, word for word",
}


def model_field_names() -> frozenset[str]:
    """Every field name (and column attname) with an underscore of every model Django knows."""
    from django.apps import apps

    names = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            for name in (getattr(field, "name", ""), getattr(field, "attname", "")):
                if name and "_" in name.strip("_") and re.fullmatch(r"[a-z]+_[a-z_]+", name):
                    names.add(name)
    return frozenset(names)


def demo_year() -> int:
    with sqlite3.connect(SERVER["db"]) as db:
        return db.execute("SELECT year FROM wic_edition WHERE is_demo ORDER BY year DESC").fetchone()[0]


def shape(path: str) -> str:
    parts = path.split("/")
    return "/".join(
        part if (i > 0 and parts[i - 1] in ("editions", "dashboard")) or not ID_SEGMENT.match(part) else "*"
        for i, part in enumerate(parts)
    )


class Scope:
    """Which same-site URLs a crawl follows: demo-edition and edition-less pages, and of the past
    editions only the edition page, the bare agenda and one session page."""

    def __init__(self, base: str, demo: int, past: bool = True):
        self.base = urlsplit(base)
        self.demo = demo
        self.past = past

    def normalize(self, href: str) -> str | None:
        if not isinstance(href, str):
            return None  # an SVG <a>'s href property is an SVGAnimatedString (the map's halls and points), read as {}
        url = urlsplit(href)
        if url.scheme not in ("http", "https") or url.netloc != self.base.netloc:
            return None
        path = url.path or "/"
        if SKIP_PATH.search(path):
            return None
        query = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k not in ("next", "lang", "language")]
        edition = re.match(r"^/editions/(\d{4})/(.*)$", path)
        if edition and int(edition.group(1)) != self.demo:
            if not self.past or int(edition.group(1)) not in PAST_YEARS:
                return None
            rest = edition.group(2)
            if query or not (rest in ("", "agenda/") or re.fullmatch(r"sessions/\d+/", rest)):
                return None
        return path + ("?" + urlencode(query) if query else "")


def shape_key(url: str) -> str:
    path = url.split("?")[0]
    key = shape(path)
    edition = re.match(r"^/editions/(\d{4})/sessions/", path)
    if edition and int(edition.group(1)) in PAST_YEARS:
        key += "#past"  # one session page per past edition
    return key


def shape_limit(key: str) -> int:
    return 1 if key.endswith("#past") else SHAPE_LIMIT


PAGE_PROBE = """(args) => {
    const [bracket, langField, snake] = args.patterns.map(p => new RegExp(p, "g"));
    const vw = window.innerWidth;
    const doc = document.documentElement;
    const describe = (el) => {
        let s = el.tagName.toLowerCase();
        if (el.id) s += "#" + el.id;
        const cls = (typeof el.className === "string" ? el.className : "").trim().split(/\\s+/).filter(Boolean).slice(0, 2);
        if (cls.length) s += "." + cls.join(".");
        return s;
    };
    // The outermost elements that reach past the viewport's right edge (what makes it scroll).
    const wide = [];
    if (doc.scrollWidth > vw) {
        const all = document.body ? document.body.querySelectorAll("*") : [];
        for (const el of all) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.right <= vw + 1) continue;
            let p = el.parentElement, outer = true;
            while (p && p !== document.body) {
                const pr = p.getBoundingClientRect();
                if (pr.right > vw + 1) { outer = false; break; }
                p = p.parentElement;
            }
            if (outer) wide.push(describe(el) + " right=" + Math.round(r.right));
            if (wide.length >= 3) break;
        }
    }
    const text = document.body ? document.body.innerText : "";
    const hits = (re) => {
        const out = [];
        for (const m of text.matchAll(re)) {
            const ctx = text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\\s+/g, " ").trim();
            out.push([m[0], ctx]);
        }
        return out;
    };
    return {
        scrollWidth: doc.scrollWidth, vw: vw, wide: wide, lang: doc.lang, title: document.title,
        bracket: hits(bracket), langField: hits(langField), snake: hits(snake),
        links: Array.from(document.querySelectorAll("a[href]")).filter(a => !a.hasAttribute("download")).map(a => a.href),
    };
}"""

AXE_RUN = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
        id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
        targets: v.nodes.slice(0, 4).map(n => n.target.join(" ")),
    }));
}"""


class Crawl:
    def __init__(self, browser, base: str):
        self.browser = browser
        self.base = base
        self.demo = demo_year()
        self.scope = Scope(base, self.demo)
        self.fields = model_field_names()
        self.failures: list[tuple[str, str, str, str, str]] = []  # (kind, role, "viewport lang", path, what)
        self.figure: "OrderedDict[str, dict]" = OrderedDict()
        self.desktop_done: set[str] = set()
        self.pages_per_lang_viewport: Counter = Counter()
        self.axe_done: set[tuple[str, int]] = set()  # (path, viewport width) axe has checked, for any role
        self.seconds: Counter = Counter()  # where the time goes: load, probe, axe
        self.referrer: dict[tuple[str, str], str] = {}  # (role, url) -> the first page that linked to it

    # -- helpers --------------------------------------------------------------------------------
    def fail(self, kind: str, role: str, combo: str, path: str, what: str) -> None:
        for (k, path_re, what_re), _why in ALLOWED.items():
            if k == kind and re.search(path_re, path) and re.search(what_re, what):
                return
        self.failures.append((kind, role, combo, path, what))

    def context(self, lang: str, username: str | None):
        locale, accept = LANGS[lang]
        context = self.browser.new_context(base_url=self.base, locale=locale, extra_http_headers={"Accept-Language": accept}, viewport=PHONE)
        context.set_default_timeout(15_000)
        # axe-core in every document before its own scripts: an init script is not subject to the
        # pages' Content-Security-Policy and is compiled once, not evaluated again per check.
        context.add_init_script(path=str(AXE_JS))
        page = context.new_page()
        if username:
            page.goto("/accounts/login/?next=/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.locator("form button[type=submit], form input[type=submit]").last.click()
            page.wait_for_load_state()
            if "/accounts/login/" in urlsplit(page.url).path:
                raise AssertionError(f"{username} could not sign in: still at {page.url}")
        return context, page

    def start_paths(self, role: str, paths: list[str]) -> list[str]:
        out = []
        for path in paths:
            if path == "{guest_page}":
                path = server_registration_page(GUEST_EMAIL)
            out.append(path.format(demo=self.demo))
        if role in PAST_ROLES:
            for year in PAST_YEARS:
                out += [f"/editions/{year}/", f"/editions/{year}/agenda/"]
        return out

    def visit(self, page, url: str, viewport: dict, lang: str, role: str, crawl: bool) -> tuple[str | None, list[str]]:
        """Load url in page at viewport, check it; returns (final path or None, links)."""
        combo = f"{viewport['width']} {lang}"
        page.set_viewport_size(viewport)
        started = time.monotonic()
        from_page = self.referrer.get((role, url))
        linked = f" (linked from {from_page})" if from_page else ""
        try:
            response = page.goto(url, wait_until="load")
        except Exception as error:  # a download, a timeout: a failure to name, not a crash
            self.fail("load", role, combo, url, str(error).splitlines()[0][:160] + linked)
            return None, []
        finally:
            self.seconds["load"] += time.monotonic() - started
        final = urlsplit(page.url)
        final_path = final.path + ("?" + final.query if final.query else "")
        status = response.status if response else 0
        if status >= 400:
            self.fail("status", role, combo, url, f"HTTP {status}" + (f" at {final_path}" if final_path != url else "") + linked)
        content_type = (response.headers.get("content-type", "") if response else "")
        if "text/html" not in content_type:
            return final_path, []
        started = time.monotonic()
        probe = page.evaluate(PAGE_PROBE, {"patterns": [BRACKET_CODE.pattern, LANG_FIELD.pattern, SNAKE_WORD.pattern]})
        self.seconds["probe"] += time.monotonic() - started
        self.pages_per_lang_viewport[combo] += 1
        if not probe["lang"].lower().startswith(lang.split("-")[0]):
            self.fail("language", role, combo, final_path, f'<html lang="{probe["lang"]}"> on a page asked for in {lang}')
        if probe["scrollWidth"] > viewport["width"]:
            self.fail("overflow", role, combo, final_path, f"scrollWidth {probe['scrollWidth']} > {viewport['width']}: " + "; ".join(probe["wide"]))
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / (re.sub(r"[^A-Za-z0-9]+", "-", f"{role}-{combo}-{final_path}").strip("-") + ".png")))
        for word, ctx in dedupe(probe["bracket"]):
            self.fail("code", role, combo, final_path, f"{word} in “{ctx}”")
        seen = set()
        for word, ctx in dedupe(probe["langField"]) + [h for h in dedupe(probe["snake"]) if h[0] in self.fields]:
            if word not in seen:
                seen.add(word)
                self.fail("field", role, combo, final_path, f"{word} in “{ctx}”")
        violations = []
        axe_key = (self.scope.normalize(self.base + final_path) or final_path, viewport["width"])
        if axe_key not in self.axe_done:
            self.axe_done.add(axe_key)
            started = time.monotonic()
            try:
                violations = page.evaluate(AXE_RUN)
            except Exception as error:
                self.fail("axe-error", role, combo, final_path, str(error).splitlines()[0][:160])
            self.seconds["axe"] += time.monotonic() - started
        for v in violations:
            self.fail("axe", role, combo, final_path, f"{v['id']} ({v['impact']}, {v['count']} nodes): {', '.join(v['targets'])}")
        return final_path, (probe["links"] if crawl else [])

    # -- one role -------------------------------------------------------------------------------
    def crawl_role(self, role: str, username: str | None, starts: list[str], budget: int) -> list[str]:
        contexts = {lang: self.context(lang, username) for lang in LANGS}
        scope = Scope(self.base, self.demo, past=role in PAST_ROLES)
        queue = [u for u in (scope.normalize(self.base + p) for p in self.start_paths(role, starts)) if u]
        queued = set(queue)
        shapes: Counter = Counter()
        done: list[str] = []
        done_set: set[str] = set()
        try:
            while queue and len(done) < budget:
                url = queue.pop(0)
                key = shape_key(url)
                if url in done_set or shapes[key] >= shape_limit(key):
                    continue
                index = len(done)
                phone_lang, desktop_lang = ("zh-hans", "en") if index % 2 == 0 else ("en", "zh-hans")
                final, links = self.visit(contexts[phone_lang][1], url, PHONE, phone_lang, role, crawl=True)
                if final is None:
                    continue
                final_norm = scope.normalize(self.base + final) or final
                if role != "anonymous" and urlsplit(final).path == "/accounts/login/" and final_norm != url:
                    from_page = self.referrer.get((role, url), "a start page")
                    self.fail("status", role, f"390 {phone_lang}", url, f"redirects the signed-in {role} to the sign-in page (linked from {from_page})")
                if final_norm in done_set:
                    done_set.add(url)
                    continue  # a redirect to a page this role has had: once is enough
                shapes[key] += 1
                done.append(final_norm)
                done_set.update({url, final_norm})
                if final_norm not in self.desktop_done:
                    self.desktop_done.add(final_norm)
                    self.visit(contexts[desktop_lang][1], url, DESKTOP, desktop_lang, role, crawl=False)
                for href in links:
                    link = scope.normalize(href)
                    if link and link not in queued:
                        queued.add(link)
                        queue.append(link)
                        self.referrer[(role, link)] = final_norm
        finally:
            for context, _page in contexts.values():
                context.close()
        return done

    def run(self, roles: list[str]) -> None:
        for role in roles:
            username, starts = ROLES[role]
            started = time.monotonic()
            budget = BUDGET * 3 // 2 if role == "organizer" else BUDGET
            done = self.crawl_role(role, username, starts, budget)
            self.figure[role] = {"pages": done, "seconds": time.monotonic() - started}

    # -- report ---------------------------------------------------------------------------------
    def figure_text(self) -> str:
        lines = [f"Pages crawled per role (budget {BUDGET}, organizer {BUDGET * 3 // 2}; demo edition {self.demo}):"]
        for role, info in self.figure.items():
            lines.append(f"  {role:<10} {len(info['pages']):>3} pages  {info['seconds']:5.1f}s")
        total = len({p for info in self.figure.values() for p in info["pages"]})
        lines.append(f"  {'distinct':<10} {total:>3} URLs; checks per viewport/language: "
                     + ", ".join(f"{k}: {v}" for k, v in sorted(self.pages_per_lang_viewport.items()))
                     + f"; axe runs: {len(self.axe_done)}")
        lines.append("  seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(self.seconds.items())))
        return "\n".join(lines)

    def pages_text(self) -> str:
        lines = []
        for role, info in self.figure.items():
            lines.append(f"[{role}]")
            lines.extend(f"  {p}" for p in info["pages"])
        return "\n".join(lines)

    def failures_text(self) -> str:
        by_kind = defaultdict(list)
        for kind, role, combo, path, what in self.failures:
            by_kind[kind].append((path, role, combo, what))
        lines = [f"{len(self.failures)} failures:"]
        for kind in sorted(by_kind):
            rows = sorted(set(by_kind[kind]))
            lines.append(f"== {kind} ({len(rows)})")
            lines.extend(f"  {role} | {combo} | {path} | {what}" for path, role, combo, what in rows)
        return "\n".join(lines)


def dedupe(hits: list[list[str]]) -> list[tuple[str, str]]:
    seen, out = set(), []
    for word, ctx in hits:
        if word not in seen:
            seen.add(word)
            out.append((word, ctx))
    return out


def test_model_field_names_come_from_the_registry():
    fields = model_field_names()
    assert {"name_zh", "name_en", "theme_zh", "start_date", "is_demo"} <= fields
    assert "name" not in fields and "email" not in fields


def test_scope_follows_the_demo_edition_and_three_pages_of_the_past_ones():
    scope = Scope("http://127.0.0.1:1", demo=2027)
    base = "http://127.0.0.1:1"
    assert scope.normalize(base + "/editions/2027/agenda/?day=2027-11-16#x") == "/editions/2027/agenda/?day=2027-11-16"
    assert scope.normalize(base + "/editions/2017/sessions/12/") == "/editions/2017/sessions/12/"
    assert scope.normalize(base + "/editions/2017/agenda/?day=2017-12-04") is None
    assert scope.normalize(base + "/editions/2017/expo/") is None
    assert scope.normalize(base + "/editions/2019/") is None
    assert scope.normalize(base + "/lang/en/?next=/") is None
    assert scope.normalize(base + "/editions/2027/agenda.ics") is None
    assert scope.normalize(base + "/admin/wic/edition/3/delete/") is None
    assert scope.normalize("http://example.com/") is None
    assert scope.normalize(base + "/accounts/login/?next=/volunteer/") == "/accounts/login/"
    assert shape_key("/editions/2027/sessions/12/") == "/editions/2027/sessions/*/"
    assert shape_key("/editions/2017/sessions/12/") == "/editions/2017/sessions/*/#past"


def test_crawl_every_page_as_every_role(browser, e2e_server):
    roles = [r.strip() for r in os.environ.get("CRAWL_ROLES", ",".join(ROLES)).split(",") if r.strip()]
    crawl = Crawl(browser, e2e_server)
    crawl.run(roles)
    figure, failures = crawl.figure_text(), crawl.failures_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "crawl-report.txt").write_text(f"{figure}\n\n{failures}\n\n{crawl.pages_text()}\n", encoding="utf-8")
    print(figure)
    print(crawl.pages_text())
    for role, info in crawl.figure.items():
        assert len(info["pages"]) >= 3, f"the {role} crawl reached only {info['pages']}"
    assert not crawl.failures, f"{figure}\n\n{failures}"
