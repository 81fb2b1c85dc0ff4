"""Fixtures for the browser tests: the app in a subprocess on its own SQLite file, one Chromium,
a fresh browser context per test, and screenshots in <project>/screenshots/.

Why not pytest-django's live_server: it serves the shared test database and flushes it after each
test, which would wipe the past editions the rest of the suite seeds once per session. The server
here is a separate `manage.py runserver` process with its own throwaway database, migrated and
seeded like ./run.sh does; the tests only talk to it over HTTP.

Chromium is Debian's (/usr/bin/chromium): `playwright install` cannot download browsers here.
"""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = "needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
SCREENSHOTS = ROOT / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
SERVER_START_TIMEOUT = 30.0


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(db_path: Path) -> dict:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DATABASE_CONN_MAX_AGE"):
        env.pop(name, None)
    env.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{db_path}",
        DJANGO_MEDIA_ROOT=str(db_path.parent / "media"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(args: list[str], env: dict) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


SERVER: dict = {}  # "db": the server's SQLite file, for what only an email would tell (a registration's page)


def server_registration_page(email: str) -> str:
    """The path of the guest's page that the registration email links to, read from the server's
    database (the answer to a registration never shows it)."""
    import sqlite3

    with sqlite3.connect(SERVER["db"]) as db:
        year, token = db.execute(
            "SELECT e.year, r.token FROM registration_registration r JOIN wic_edition e ON e.id = r.edition_id WHERE lower(r.email) = lower(?)", (email,)
        ).fetchone()
    return f"/editions/{year}/registration/{token}/"


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory):
    """Base URL of the app served by `manage.py runserver` on a free loopback port, with the past
    editions seeded into a throwaway SQLite file. Stopped at the end of the session."""
    workdir = tmp_path_factory.mktemp("e2e")
    env = _server_env(workdir / "e2e.sqlite3")
    SERVER["db"] = workdir / "e2e.sqlite3"
    _manage(["migrate", "--noinput", "-v0"], env)
    _manage(["seed", "--demo"], env)  # the past editions, plus the demo edition, accounts and open call

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the e2e server exited with {proc.returncode}:\n{_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the e2e server did not answer /healthz within {SERVER_START_TIMEOUT:.0f}s:\n{_tail(log_path)}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module.

    Module scope, not session: while Playwright's sync API is started, its asyncio loop counts as
    running in this thread, and Django's async-unsafe guard then refuses ORM calls ("You cannot
    call this from an async context") in any later test of the same `./test.sh` run. Stopping
    Playwright at the end of the module gives the thread back clean."""
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def screenshot(request):
    """screenshot(page, label="") saves screenshots/<test name>[-label].png (full page) and returns the path."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page, label: str = "") -> Path:
        name = _slug(request.node.name + (f"-{label}" if label else ""))
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def new_page(browser, e2e_server, request):
    """new_page(lang="en"|"zh-hans", viewport=...) opens a page in a fresh context (empty
    localStorage and cookies). `lang` sets both the browser locale and the Accept-Language header.
    Contexts are closed after the test; a failing test leaves screenshots/<test>-failed.png."""
    contexts = []
    pages = []
    failed_shot = SCREENSHOTS / f"{_slug(request.node.name)}-failed.png"
    failed_shot.unlink(missing_ok=True)  # from an earlier run

    def make(lang: str = "en", viewport: dict | None = None):
        locale, accept = {"en": ("en-US", "en-US,en;q=0.9"), "zh-hans": ("zh-CN", "zh-CN,zh;q=0.9")}[lang]
        context = browser.new_context(
            base_url=e2e_server,
            locale=locale,
            extra_http_headers={"Accept-Language": accept},
            viewport=viewport or DESKTOP,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and pages:
        SCREENSHOTS.mkdir(exist_ok=True)
        try:
            pages[-1].screenshot(path=str(failed_shot), full_page=True)
        except Exception:  # the page may be gone; the failure itself is what matters
            pass
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report



DEMO_PASSWORD = "wic-demo-2026"  # the documented DEBUG default of DEMO_PASSWORD


def sign_in(page, username: str, path: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form with `?next=path` and wait until the browser is at `path`."""
    from playwright.sync_api import expect

    page.goto(f"/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


# The `slow` marker (tests/e2e/test_crawl.py: the crawler over every page as every role, about 3
# minutes) is registered in pytest.ini.
