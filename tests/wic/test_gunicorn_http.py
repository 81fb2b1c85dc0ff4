"""HTTP details of the production server (issue 19): a 413 that promised keep-alive and then
closed the connection, TRACE answered by the views, and gunicorn's control socket at one fixed
path per user. The real gunicorn, with gunicorn.conf.py, on loopback; and the app's middleware
through the test client."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.wic.test_serve_and_backup import free_port, load_gunicorn_conf

ROOT = Path(__file__).resolve().parents[2]


# -- TRACE, in the app -----------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["TRACE", "TRACK", "trace"])
@pytest.mark.parametrize("path", ["/", "/editions/2017/agenda/", "/accounts/login/", "/healthz"])
def test_trace_is_refused_with_405_on_pages(client, method, path):
    response = client.generic(method, path, HTTP_COOKIE="sessionid=secret-session", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
    assert b"secret-session" not in response.content


def test_trace_is_refused_with_the_api_error_body(client):
    response = client.generic("TRACE", "/api/v1/editions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": 'Method "TRACE" not allowed.', "detail": 'Method "TRACE" not allowed.'}


# -- the control socket ------------------------------------------------------------------------------

def test_gunicorn_conf_has_no_control_socket_unless_one_is_named(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["control_socket_disable"] is True and "control_socket" not in conf
    conf = load_gunicorn_conf(monkeypatch, GUNICORN_CONTROL_SOCKET="/run/wic/gunicorn.ctl")
    assert (conf["control_socket_disable"], conf["control_socket"], conf["control_socket_mode"]) == (False, "/run/wic/gunicorn.ctl", 0o600)


# -- the real server ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn -c gunicorn.conf.py (1 worker, 2 threads) on SQLite in a temp folder, with HOME and
    XDG_RUNTIME_DIR there too, so that a control socket at gunicorn's per-user default would show."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    home, runtime = tmp / "home", tmp / "runtime"
    home.mkdir()
    runtime.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "GUNICORN_"))}
    env.update(
        DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", DJANGO_LOG_LEVEL="WARNING", HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime), GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_THREADS="2",
        PYTHONUNBUFFERED="1",
    )
    log = tmp / "gunicorn.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")], cwd=ROOT, env=env,
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not start:\n{log.read_text(errors='replace')}") from None
                time.sleep(0.1)
        yield {"port": port, "home": home, "runtime": runtime, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def exchange(port: int, raw: bytes, *, read_until_close: bool = False, timeout: float = 10) -> tuple[bytes, bool]:
    """Send raw bytes; return (what came back, whether the server closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(raw)
        data, closed = b"", False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                closed = True
                break
            if not chunk:
                closed = True
                break
            data += chunk
            if not read_until_close and b"\r\n\r\n" in data:
                head, _sep, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
                if len(body) >= length:
                    conn.settimeout(0.5)  # did the server close after it?
                    try:
                        closed = conn.recv(1) == b""
                    except (ConnectionResetError, TimeoutError, socket.timeout):
                        closed = False
                    except OSError:
                        closed = True
                    break
        return data, closed


def headers_of(response: bytes) -> dict[str, str]:
    head = response.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    return {"status": head[0].split(" ")[1], **{k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}}


def test_a_413_says_connection_close_and_closes(server):
    size = 2 * 1024 * 1024  # over DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB): refused unread
    request = (
        f"POST /api/v1/registrations/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Accept-Language: en\r\nContent-Length: {size}\r\n\r\n"
    ).encode() + b"x" * 200_000  # part of the body: the answer comes before the rest is sent
    response, closed = exchange(server["port"], request)
    headers = headers_of(response)
    assert (headers["status"], headers["connection"], closed) == ("413", "close", True)
    assert b'"code": "request_too_large"' in response or b'"code":"request_too_large"' in response


def test_a_small_request_keeps_its_connection_alive(server):
    request = b"GET /editions/2017/register/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n\r\n"
    response, closed = exchange(server["port"], request)
    assert (headers_of(response)["connection"], closed) == ("keep-alive", False)


def test_trace_through_gunicorn_is_405(server):
    request = b"TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sessionid=secret-session\r\n\r\n"
    response, _closed = exchange(server["port"], request)
    assert headers_of(response)["status"] == "405"
    assert b"secret-session" not in response


def test_gunicorn_makes_no_control_socket_at_the_per_user_path(server):
    assert not (server["runtime"] / "gunicorn.ctl").exists()
    assert not (server["home"] / ".gunicorn").exists()


def test_each_worker_runs_the_apps_warm_ups_before_serving(server):
    """post_worker_init runs the WarmUp contributions (the assistant's jieba dictionary): the
    worker logs that it is done, with none failed, before it answers."""
    exchange(server["port"], b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    lines = [line for line in server["log"].read_text(errors="replace").splitlines() if "warm-up" in line]
    assert len(lines) == 1 and lines[0].endswith("[INFO] warm-up done"), lines
