"""Writes meeting at once, as a new deployment meets them: gunicorn with gthread workers (2 x 4
threads, through gunicorn.conf.py's variables) and production settings, on a fresh SQLite file
(the embedded default, with the options wic/settings.py gives it) and, where DATABASE_URL points
at PostgreSQL, on a fresh PostgreSQL database.

60 requests released together by one barrier: 20 recommendations by one member's 20
representatives for its single place (quota 1), 20 guest registrations and 20 gate scans of
different credentials. No answer may be a 5xx (SQLite's "database is locked" was a 500 before its
options moved into the settings), exactly one recommendation is accepted, and the database then
holds 1 active recommendation, 20 new registrations and 20 admissions."""
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2999
N = 20  # requests of each kind
WORKERS, THREADS = 2, 4

# Run in `manage.py shell -c` on the new database: one member (tier "associate": quota 1 per the
# texts) with N representatives, N non-member enterprises, an open award programme, an open
# edition with a gate list for today and N approved guests with a credential each, N gate users.
SETUP = r'''
import json
from datetime import date, timedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from awards import services as awards
from registration.models import CheckinList, Credential, Registration
from registration.services import CREDENTIAL_LENGTH, random_code
from wic import roles
from wic.models import Edition, Member, Organization
from wic.tokens import token_create

N, YEAR = %(n)d, %(year)d
User = get_user_model()
now = timezone.now()
edition = Edition.objects.create(
    year=YEAR, name_zh="并发测试峰会", name_en="Concurrency summit", start_date=date(YEAR, 11, 1), end_date=date(YEAR, 11, 3),
    location_zh="乌镇", location_en="Wuzhen", is_demo=True,
)
programme = awards.programme_upsert(
    edition=edition, key="concurrency-award", name_zh="并发测试奖", name_en="Concurrency award", has_enterprise_direction=True,
    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), is_demo=True,
)
awards.quotas_set(programme=programme, quotas={"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1})
member = Member.objects.create(tier="associate", is_demo=True, organization=Organization.objects.create(
    name_zh="并发测试会员", name_en="Concurrency Member", kind="enterprise", is_demo=True))
enterprises = [Organization.objects.create(name_zh=f"并发测试企业{i}", name_en=f"Concurrency Enterprise {i}", kind="enterprise", is_demo=True) for i in range(N)]
representatives = Group.objects.get_or_create(name=roles.MEMBER_REPRESENTATIVE)[0]
gates = Group.objects.get_or_create(name=roles.GATE)[0]
member_tokens, gate_tokens = [], []
for i in range(N):
    user = User.objects.create_user(f"concurrency-rep-{i}")  # no usable password: a token only
    user.groups.add(representatives)
    member.representatives.add(user)
    member_tokens.append(token_create(user=user)[1])
    user = User.objects.create_user(f"concurrency-gate-{i}")
    user.groups.add(gates)
    gate_tokens.append(token_create(user=user)[1])
gate = CheckinList.objects.create(edition=edition, name_zh="并发测试入口", name_en="Concurrency gate", kind="gate", day=timezone.localdate())
secrets = []
for i in range(N):
    registration = Registration.objects.create(
        edition=edition, reference=f"C{i:07d}", token=random_code(32), name=f"Scanned Guest {i}", email=f"scanned{i}@example.org",
        organization_name="Concurrency Organization", country="BR", category="government", participation="on_site",
        consent=True, status="approved", decided_at=now,
    )
    secrets.append(Credential.objects.create(registration=registration, secret=random_code(CREDENTIAL_LENGTH)).secret)
print("SETUP " + json.dumps({
    "programme": programme.pk, "member": member.pk, "enterprises": [o.pk for o in enterprises], "list": gate.pk,
    "secrets": secrets, "member_tokens": member_tokens, "gate_tokens": gate_tokens,
    "quota": awards.quota_for(programme=programme, member=member),
}))
'''

CHECK = r'''
import json
from awards.models import Recommendation
from registration.models import Checkin, Registration
print("CHECK " + json.dumps({
    "active_recommendations": Recommendation.objects.filter(programme_id=%(programme)d, withdrawn_at__isnull=True).count(),
    "recommendations": Recommendation.objects.filter(programme_id=%(programme)d).count(),
    "registrations": Registration.objects.filter(edition__year=%(year)d, email__startswith="registered").count(),
    "admissions": Checkin.objects.filter(checkin_list_id=%(list)d, result="ok").count(),
}))
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else ""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh SQLite file, or a fresh PostgreSQL database beside DATABASE_URL's (created here,
    dropped at the end) where DATABASE_URL points at PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    if not postgres_url():
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI sets it where PostgreSQL answers)")
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(postgres_url())
    server = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"], "password": config["PASSWORD"] or None}
    name = f"wic_concurrency_{secrets.token_hex(4)}"
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(tmp_path: Path, database_url: str, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "GUNICORN_", "EMAIL_"))}
    env.update(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0", DATABASE_URL=database_url, DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"), DJANGO_LOG_LEVEL="WARNING", EMAIL_URL="console://",
        # gunicorn.conf.py's own variables, as a deployment sets them (run.sh's production branch: 2 workers)
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(WORKERS), GUNICORN_THREADS=str(THREADS),
        GUNICORN_ACCESS_LOG=str(tmp_path / "access.log"), GUNICORN_LOG_LEVEL="warning",
    )
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def answer_of(line_start: str, output: str) -> dict:
    return json.loads(next(line for line in output.splitlines() if line.startswith(line_start))[len(line_start):])


def wait_for_health(proc: subprocess.Popen, port: int, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise AssertionError(f"/healthz did not answer 200 within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def fire_together(port: int, requests: list[tuple[str, str, dict, dict]]) -> list[tuple[int | None, dict | str]]:
    """Each request on its own thread and connection, all released by one barrier once every
    connection is open; returns (status, JSON body) in the order given."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def send(index: int, kind: str, url: str, body: dict, headers: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.connect()
            barrier.wait(30)
            conn.request("POST", url, body=json.dumps(body), headers={"Content-Type": "application/json", "Accept-Language": "en", **headers})
            response = conn.getresponse()
            data = response.read()
            try:
                answers[index] = (kind, response.status, json.loads(data))
            except ValueError:
                answers[index] = (kind, response.status, data[:300].decode(errors="replace"))
        except Exception as error:  # a refused or dropped connection is an answer too: counted, shown
            answers[index] = (kind, None, repr(error))
        finally:
            conn.close()

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return answers


def test_simultaneous_recommendations_registrations_and_scans_answer_without_server_errors(tmp_path, database_url):
    port = free_port()
    env = production_env(tmp_path, database_url, port)
    manage(env, "migrate", "--noinput", "-v", "0")
    data = answer_of("SETUP ", manage(env, "shell", "-c", SETUP % {"n": N, "year": YEAR}))
    assert data["quota"] == 1

    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as sink:  # gunicorn.conf.py with the GUNICORN_* variables above: gthread, 2 x 4 threads
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_for_health(proc, port, log)
        requests = []
        for i in range(N):
            requests.append((
                "recommendation", "/api/v1/recommendations/", {"programme": data["programme"], "enterprise": data["enterprises"][i]},
                {"Authorization": f"Token {data['member_tokens'][i]}"},
            ))
            requests.append((
                "registration", "/api/v1/registrations/",
                {"edition": YEAR, "name": f"Registered Guest {i}", "email": f"registered{i}@example.org", "organization_name": "Concurrency Ltd",
                 "country": "GB", "category": "academia", "participation": "on_site", "consent": True},
                {},
            ))
            requests.append((
                "scan", "/api/v1/checkins/", {"list": data["list"], "secret": data["secrets"][i], "nonce": uuid.uuid4().hex, "gate": "east"},
                {"Authorization": f"Token {data['gate_tokens'][i]}"},
            ))
        answers = fire_together(port, requests)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    server_log = log.read_text(errors="replace")

    def outcome(kind, status, body):
        code = body.get("result") or body.get("code") if isinstance(body, dict) else body
        return f"{status} {code}" if status not in (201, 202) else str(status)

    outcomes = {kind: Counter(outcome(*answer) for answer in answers if answer[0] == kind) for kind in ("recommendation", "registration", "scan")}
    server_errors = [answer for answer in answers if answer[1] is None or answer[1] >= 500]
    assert server_errors == [], f"{len(server_errors)} server error(s), e.g. {server_errors[:3]}\n{server_log[-3000:]}"
    assert outcomes == {
        "recommendation": Counter({"201": 1, "409 quota_exceeded": N - 1}),
        "registration": Counter({"202": N}),  # accepted: the page link goes by email (issue 19)
        "scan": Counter({"200 ok": N}),
    }, server_log[-3000:]
    check = answer_of("CHECK ", manage(env, "shell", "-c", CHECK % {"programme": data["programme"], "year": YEAR, "list": data["list"]}))
    assert check == {"active_recommendations": 1, "recommendations": 1, "registrations": N, "admissions": N}
    assert "database is locked" not in server_log and "Traceback" not in server_log, server_log[-3000:]
