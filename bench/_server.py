"""What the benchmarks share: starting and stopping the app's processes on loopback, and percentiles."""
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool(name: str) -> str:
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found (expected {candidate})")
    return found


def run(cmd: list[str], env: dict, what: str) -> str:
    t0 = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise RuntimeError(f"{what} failed (exit {result.returncode})")
    print(f"  {what:<34} {time.perf_counter() - t0:6.1f} s", flush=True)
    return result.stdout


def _healthz(port: int) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_for_health(proc: subprocess.Popen, port: int, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise RuntimeError(f"gunicorn exited with {proc.returncode} before answering /healthz")
        try:
            status, body = _healthz(port)
            if status == 200:
                return
            last = f"{status} {body[:200]!r}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.2)
    sys.stderr.write(log.read_text(errors="replace")[-4000:])
    raise RuntimeError(f"/healthz did not answer 200 within {seconds:.0f} s (last: {last})")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def request(conn_holder: list, port: int, method: str, url: str, body: bytes | None, headers: dict, timeout: float) -> tuple[int, bytes]:
    """One request on a client thread's keep-alive connection (conn_holder[0], None at first);
    reopens it when the server closed it. Retries once only on a connection the server dropped
    while idle, when the request cannot have been read."""
    for attempt in (1, 2):
        if conn_holder[0] is None:
            conn_holder[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn = conn_holder[0]
        try:
            conn.request(method, url, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.will_close:
                conn.close()
                conn_holder[0] = None
            return response.status, data
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
            conn.close()
            conn_holder[0] = None
            if attempt == 2:
                raise error
    raise AssertionError("unreachable")


def percentile(sorted_values: list, q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def figure(bench: str, measure: str, value: float, unit: str, goal: str = "") -> None:
    """One measure on one line, in the form bench/all collects into its table (tab-separated:
    FIGURE, bench, measure, value, unit, goal and whether it was met)."""
    print(f"FIGURE\t{bench}\t{measure}\t{value:.4g}\t{unit}\t{goal}", flush=True)


# -- the app under gunicorn with production settings, on a database of its own ---------------------

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def create_database() -> str:
    """A fresh PostgreSQL database wic_bench_<random> (127.0.0.1:5432, user postgres)."""
    import psycopg

    name = f"wic_bench_{secrets.token_hex(4)}"
    with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    import psycopg

    try:
        with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as error:  # report, do not mask the run's own outcome
        print(f"could not drop database {name}: {error!r}", file=sys.stderr)


def production_env(tmp: Path, sqlite: bool) -> tuple[dict, str | None]:
    """The environment of the app's processes (manage.py, gunicorn) for a benchmark: the app's own
    production settings as a deployment gets them (wic.settings, DJANGO_DEBUG=0, a random secret
    key, SSL redirect off, persistent connections, static files in `tmp`), on a fresh PostgreSQL
    database or a SQLite file in `tmp`. Nothing is tuned for the bench: a SQLite file gets the
    options wic/settings.py gives every SQLite DATABASE_URL (WAL, IMMEDIATE transactions, a busy
    timeout). Returns (env, the PostgreSQL database's name or None); the caller drops the
    database (drop_database)."""
    dbname = None
    if sqlite:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        dbname = create_database()
        database_url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "wic.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",  # the production default, spelled out
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp / "staticfiles"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env, dbname


def database_line(sqlite: bool, env: dict) -> str:
    """What the bench runs on, for its output: the database and, for SQLite, the options the app's
    settings gave it (read back from wic.settings in a subprocess with the bench's environment)."""
    if not sqlite:
        return "PostgreSQL (the app's settings)"
    code = "import json; from wic import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    result = subprocess.run([tool("python"), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    options = json.loads(result.stdout) if result.returncode == 0 else {}
    return (
        f"SQLite with the app's settings (transaction_mode {options.get('transaction_mode')}, busy timeout {options.get('timeout')} s, "
        f"{options.get('init_command', '').strip()}); no bench-only tuning"
    )


def start_gunicorn(tmp: Path, env: dict, workers: int, threads: int) -> tuple[subprocess.Popen, int, Path]:
    """gunicorn serving wic.wsgi on a free loopback port, answering /healthz: (process, port, log).
    Sync workers, or gthread workers with keep-alive when threads > 1."""
    port = free_port()
    log = tmp / "gunicorn.log"
    cmd = [
        tool("gunicorn"), "wic.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--chdir", str(ROOT), "--error-logfile", str(log), "--log-level", "warning", "--timeout", "120",
        "--backlog", "2048",
    ]
    if threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "10"]
    t0 = time.perf_counter()
    with open(log, "ab") as sink:
        # From the temp dir, not ROOT: there gunicorn would also read ./gunicorn.conf.py (production:
        # gthread, access log); the flags above are the whole configuration. --chdir still imports from ROOT.
        proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for_health(proc, port, log)
    print(f"  {'gunicorn up':<34} {time.perf_counter() - t0:6.1f} s", flush=True)
    return proc, port, log


def clean_up(proc: subprocess.Popen | None, tmp: Path, dbname: str | None, keep: bool) -> None:
    """Stop gunicorn; remove the temp dir and drop the database, or with --keep say where they are."""
    if proc is not None:
        stop(proc)
    if keep:
        print(f"kept {tmp}" + (f" and database {dbname}" if dbname else ""))
    else:
        shutil.rmtree(tmp, ignore_errors=True)
        if dbname:
            drop_database(dbname)


def add_server_options(parser) -> None:
    """The options of a benchmark that runs the app under gunicorn on its own database."""
    parser.add_argument("--workers", type=int, default=4, help="gunicorn --workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker: above 1, gthread workers that keep connections alive")
    parser.add_argument("--sqlite", action="store_true", help="a temp SQLite file instead of a fresh PostgreSQL database")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a single request may take before it counts as an error")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and the database, and print where they are")
