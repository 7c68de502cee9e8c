"""An outage of a part the intranet uses, as one process sees it, reported once per interval.

A failing cache or mail server would otherwise write one traceback per request: thousands a
minute, burying everything else in the logs. An :class:`Outage` logs the first failure with its
traceback, then at most one line per ``log_interval`` seconds while the part stays down (with the
number of failures since the last line), and one line when it answers again.

It is also a circuit breaker: after a failure, callers skip the part for ``retry_after`` seconds
(:meth:`Outage.skipping`) instead of paying a connection attempt on every request; the first call
after that tries again.

The state is per process: each app server finds out for itself, which costs one failed attempt
per process and interval.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)


class Outage:
    def __init__(self, name, *, retry_after=5.0, log_interval=60.0, clock=time.monotonic):
        self.name = name
        self.retry_after = retry_after
        self.log_interval = log_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._down_since = None
        self._retry_at = 0.0
        self._logged_at = 0.0
        self._failures_since_log = 0

    @property
    def down(self):
        return self._down_since is not None

    def skipping(self):
        """True while the part is known to be down and the next attempt is not due yet."""
        return self._down_since is not None and self._clock() < self._retry_at

    def failed(self, error):
        now = self._clock()
        with self._lock:
            self._retry_at = now + self.retry_after
            self._failures_since_log += 1
            if self._down_since is None:
                self._down_since = now
                self._logged_at = now
                self._failures_since_log = 0
                logger.error("%s unavailable: %s", self.name, error, exc_info=error)
            elif now - self._logged_at >= self.log_interval:
                logger.error(
                    "%s still unavailable after %.0f s (%d failures since the last report): %s",
                    self.name,
                    now - self._down_since,
                    self._failures_since_log,
                    error,
                )
                self._logged_at = now
                self._failures_since_log = 0

    def succeeded(self):
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            logger.warning("%s available again after %.0f s", self.name, self._clock() - self._down_since)
            self._down_since = None
            self._failures_since_log = 0
