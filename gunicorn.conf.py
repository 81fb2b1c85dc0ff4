"""gunicorn's settings for production: `gunicorn -c gunicorn.conf.py` from the project folder, or
`python manage.py serve`, which runs exactly that (docs/deploy.md).

Every value has an environment variable; a command-line flag wins over both. gunicorn also reads
this file by itself when started from the project folder without `-c` (its default config is
`./gunicorn.conf.py`), which is why the benchmarks start their gunicorn from a temp folder.

gthread workers: each worker process runs `threads` requests at once and keeps client connections
alive, so a slow client or a database wait holds a thread, not a whole process. Each thread keeps
its own database connection (CONN_MAX_AGE), so one app server opens up to workers x threads
connections to PostgreSQL: 5 x 2 = 10 with the defaults on 2 cores.
"""
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"error: {name} must be a whole number, not {value!r}") from None


def _cores() -> int:
    # CPUs this process may run on (taskset, cpuset), not all the machine's.
    count = os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()
    return max(1, count or 1)


MAX_DEFAULT_WORKERS = 12  # 2 x cores + 1 grows past what memory and PostgreSQL connections allow

wsgi_app = "wic.wsgi:application"
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", min(2 * _cores() + 1, MAX_DEFAULT_WORKERS))
threads = _int("GUNICORN_THREADS", 2)
# A worker that does not report back for `timeout` seconds is killed and replaced; on SIGTERM,
# workers get `graceful_timeout` seconds to finish their requests.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle client connection stays open: keep it below the proxy's or load balancer's own
# upstream idle timeout, or it may reuse a connection gunicorn is closing.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after about this many requests (0: never), a guard against slow leaks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
backlog = _int("GUNICORN_BACKLOG", 2048)
# Addresses allowed to set X-Forwarded-Proto and friends: the proxy or load balancer in front.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-": stdout, for journald or the container's log
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The heartbeat files live in memory, not on a disk that may stall (or be a container's overlay).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
proc_name = "wic"

# gunicorn's control socket (`gunicornc`: worker counts, reload, shutdown) defaults to one fixed
# path per user ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl): a second gunicorn of
# the same user (a second deployment, a benchmark) takes it over, and `gunicornc` then drives the
# wrong server. Off unless GUNICORN_CONTROL_SOCKET names this server's own path; systemd's
# signals (SIGHUP reloads, SIGTERM stops) need none.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"].strip()
    control_socket_mode = 0o600  # its owner only

# A body gunicorn would have to read past to serve the next request on the connection. After a
# response it drains at most 64 KiB of a body the app did not read (a 413 refuses a large one
# unread), then closes the connection; the answer must then say "Connection: close", not
# keep-alive. A request with a larger body, or one of unknown size (chunked), therefore gets
# its connection closed after the answer, whatever the answer is.
KEEPALIVE_MAX_BODY = 64 * 1024


def pre_request(worker, req):
    length = next((value for name, value in req.headers if name == "CONTENT-LENGTH"), None)
    chunked = any(name == "TRANSFER-ENCODING" and "chunked" in value.lower() for name, value in req.headers)
    try:
        too_big = chunked or (length is not None and int(length) > KEEPALIVE_MAX_BODY)
    except ValueError:
        too_big = True
    if too_big:
        req.force_close()
    worker.log.debug("%s %s", req.method, req.path)


def post_worker_init(worker):
    """Each worker loads, before its first request, what would slow that request down (the
    apps' WarmUp contributions: jieba's dictionary for the assistant, about a second)."""
    from wic import contrib

    failed = contrib.warm_up(worker.log)
    worker.log.info("warm-up done%s", f"; failed: {', '.join(failed)}" if failed else "")
