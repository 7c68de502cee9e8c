"""Django's Redis cache, which costs speed and not service when Redis is away.

Everything the intranet keeps in this cache can be rebuilt from the database: the rendered
copies of member pages (sitewide/page_cache.py) and Wagtail's own lookups (the sites' root
paths). So every operation **fails open**: when Redis refuses, times out or answers an error, a
read is a miss, a write is dropped, and the request goes on uncached. Sessions are not kept here
(they live in the database, where logins are decided), the page cache's content generation
neither (it must never go backwards), and login protection is in the database (django-axes).

The one use that must **fail closed**, the password reset limit, uses the ``limits`` alias, a
plain :class:`~django.core.cache.backends.redis.RedisCache` that raises (accounts/views.py).

While Redis is down, each process skips it for ``RETRY_AFTER`` seconds after a failure instead
of trying on every call, and reports the outage once per ``LOG_INTERVAL`` seconds
(resilience/outages.py). Connection and socket timeouts are short (settings: ``OPTIONS``), so a
Redis that hangs costs a request at most that long.
"""

import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from .outages import Outage

_outages = {}
_outages_lock = threading.Lock()


def outage_for(location, **options):
    """One :class:`Outage` per Redis location and process, shared by the threads' cache objects."""
    key = str(location)
    with _outages_lock:
        if key not in _outages:
            _outages[key] = Outage(f"Cache (Redis at {_without_password(key)})", **options)
        return _outages[key]


def _without_password(location):
    scheme, _, rest = location.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return f"{scheme}://{rest}" if rest else location


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        outage_options = {
            "retry_after": float(params["OPTIONS"].pop("RETRY_AFTER", 5)),
            "log_interval": float(params["OPTIONS"].pop("LOG_INTERVAL", 60)),
        }
        super().__init__(server, params)
        self.outage = outage_for(server, **outage_options)

    def _guarded(self, fallback, operation, *args, **kwargs):
        if self.outage.skipping():
            return fallback
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            self.outage.failed(error)
            return fallback
        self.outage.succeeded()
        return result

    def is_available(self):
        """Ask Redis itself, whatever the breaker says (the health check)."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self.outage.failed(error)
            return False
        self.outage.succeeded()
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._guarded(_MISSING, super().incr, key, delta, version)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)


_MISSING = object()
