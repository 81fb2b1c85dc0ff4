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
