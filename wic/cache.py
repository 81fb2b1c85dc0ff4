"""The cache backend used with Redis: django-redis's, degrading instead of failing.

Losing the cache must cost speed, not requests (issue 19: with the cache Redis killed, gate scans,
registrations and the cached agenda answered 500). So every operation of Django's cache API
answers as a cache that holds nothing when Redis fails: `get` gives the default, `get_many` {},
`add`, `delete`, `has_key` and `touch` False, `set` and `set_many` store nothing, `incr`/`decr`
raise ValueError (Django's answer for a key it cannot count). Each failure is counted and
warned about (wic.degraded: `cache_errors`), without a traceback per request.

A breaker keeps a dead Redis from costing a connect timeout per operation: after a connection
failure, the operations of the next RETRY_AFTER seconds (OPTIONS["RETRY_AFTER"], default 5) are
not tried at all (counted as `cache_skipped`); then one is tried again. The breaker is per process
and per LOCATION.

Callers that must know whether an answer came from the cache (throttles, rate limits, the
agenda's versions) wrap their calls in `wic.degraded.cache_watch()`.
"""
import functools
import logging
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import degraded

logger = logging.getLogger("wic.cache")

# What a Redis that is down, unreachable, overloaded or misconfigured raises through django-redis.
FAILURES = (ConnectionInterrupted, RedisError, OSError)
# Of those, the ones that say the server cannot be reached: they open the breaker.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

_down_until: dict[str, float] = {}  # LOCATION -> time.monotonic() until which nothing is tried
_state_lock = threading.Lock()


def _uncountable(*args, **kwargs):
    raise ValueError("The cache is unavailable: nothing can be counted in it now.")


# Django's cache API: each operation's answer when the cache cannot give one.
FALLBACKS = {
    "get": lambda key, default=None, *args, **kwargs: default,
    "get_many": lambda *args, **kwargs: {},
    "set": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set_many": lambda data, *args, **kwargs: list(data),
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "has_key": lambda *args, **kwargs: False,
    "touch": lambda *args, **kwargs: False,
    "clear": lambda *args, **kwargs: None,
    "incr": _uncountable,
    "decr": _uncountable,
    "incr_version": _uncountable,
    "decr_version": _uncountable,
}


def _error_text(error: BaseException) -> str:
    cause = error.__cause__ if isinstance(error, ConnectionInterrupted) and error.__cause__ else error
    return f"{type(cause).__name__}: {str(cause)[:200]}"


def _degrading(name: str, fallback):
    parent = getattr(RedisCache, name)

    @functools.wraps(parent)
    def method(self, *args, **kwargs):
        if self._breaker_open():
            degraded.cache_failed("cache_skipped", f"{name}: the cache failed less than {self.retry_after:g} s ago")
            return fallback(*args, **kwargs)
        try:
            result = parent(self, *args, **kwargs)
        except FAILURES as error:
            self._failed(name, error)
            return fallback(*args, **kwargs)
        if self._location in _down_until:
            self._recovered()
        return result

    return method


class DegradingRedisCache(RedisCache):
    """django_redis.cache.RedisCache whose failures degrade to "nothing cached" (module docstring)."""

    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", self.RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)

    def _breaker_open(self) -> bool:
        until = _down_until.get(self._location)
        return until is not None and time.monotonic() < until

    def _failed(self, name: str, error: BaseException) -> None:
        if isinstance(error, UNREACHABLE) or isinstance(getattr(error, "__cause__", None), UNREACHABLE):
            with _state_lock:
                _down_until[self._location] = time.monotonic() + self.retry_after
        degraded.cache_failed("cache_errors", f"{name}: {_error_text(error)}")

    def _recovered(self) -> None:
        with _state_lock:
            was_down = _down_until.pop(self._location, None) is not None
        if was_down:
            logger.warning("the cache answers again")


# Each operation of FALLBACKS, wrapped (a loop rather than fourteen copies of the same method).
for _name, _fallback in FALLBACKS.items():
    setattr(DegradingRedisCache, _name, _degrading(_name, _fallback))
del _name, _fallback


def reset_breakers() -> None:
    """Tests only: forget every failure, so the next operation tries Redis again."""
    with _state_lock:
        _down_until.clear()
