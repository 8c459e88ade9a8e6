"""Timeouts, bounds on answers, and the retry policy of reads (bounded exponential backoff
with jitter)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 30.0
    write: float | None = None  # defaults to read
    pool: float | None = None  # defaults to connect
    #: Overall time for one request, from connecting to the last byte of the body. ``read``
    #: bounds each socket read only: a server trickling one byte a second never trips it.
    deadline: float | None = 60.0
    #: Seconds an idle connection may still carry a request that is never retried (a create,
    #: an update, a delete, an invitation). Servers close idle keep-alive connections on their
    #: own timer (uvicorn, Apache, Node.js: 5 s; gunicorn: 2 s); a request written as that
    #: happens is lost with the connection ("connection lost before the answer"). Reads are
    #: retried then; these are not, so after a pause longer than this they go on a fresh
    #: connection (see ``CcmClient``), and back-to-back ones (a batch) keep theirs warm.
    write_keepalive: float = 1.0


@dataclass(frozen=True)
class Limits:
    """Bounds on what one answer (or one listing) may make the client hold. The defaults are
    far above anything a real CCM sends; a server that goes past them is reported, not
    followed."""

    max_list_items: int = 200_000  # accounts one listing follows across all its pages
    max_response_bytes: int = 64 * 1024 * 1024  # decoded body of one response
    max_json_depth: int = 64  # nesting of one JSON answer (CCM's own go ~10 deep)


@dataclass(frozen=True)
class RetryPolicy:
    """How reads are retried on connect errors, 429 and 5xx. Creates are never retried."""

    attempts: int = 3  # total tries, the first included
    base_delay: float = 0.5
    max_delay: float = 5.0  # cap of one backoff sleep
    max_retry_after: float = 30.0  # a longer Retry-After is reported, not waited for
    jitter: bool = True

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Sleep before try ``attempt + 1`` (``attempt`` counts from 1)."""
        delay = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        if self.jitter and delay > 0:
            delay = (rng or random).uniform(delay / 2, delay)
        return max(0.0, delay)


NO_RETRY = RetryPolicy(attempts=1)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        # email.utils (~1.8 ms of imports) only for a Retry-After given as a date.
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
