"""The one place a failed worker is reported: ``CcmApp.report_worker_error(worker)`` lands here.

A worker that raises is an internal error, not an operator's mistake. The traceback (no local
variables, scrubbed of anything that looks like a credential) goes to the private log; the
operator sees one plain line in a toast; the console keeps running. Each worker is reported
once, however many of the routes below see it:

* a screen's worker (``exit_on_error=False``): the screen's ``on_worker_state_changed``
  (``CcmScreen``, the wizard, the dialogs) hands it over;
* the app's own workers (log out): ``CcmApp.on_worker_state_changed``;
* any worker left with Textual's default ``exit_on_error=True`` (a widget's, a new one):
  ``CcmApp._handle_exception`` receives ``WorkerFailed`` and hands it over instead of
  ending the app.

``log_exception`` also writes the report of an internal error that ends the app
(``CcmApp._fatal_error``).
"""

from __future__ import annotations

import logging
import traceback
import weakref
from collections.abc import Iterable
from typing import Any

_reported: weakref.WeakSet[Any] = weakref.WeakSet()


def log_exception(what: str, error: BaseException, secrets: Iterable[str] = ()) -> None:
    """The traceback, into the private log. It goes into the message itself, so the log's
    credential scrubber sees it (it looks at the message only); ``format_exception`` never
    includes local variables (Textual's traceback would). ``secrets`` (the session's token
    and password) are masked wherever the text holds them."""
    from ccm_tui.api.errmap import scrub_text
    from ccm_tui.logs import ROOT_LOGGER

    text = "".join(traceback.format_exception(type(error), error, error.__traceback__)).rstrip()
    logging.getLogger(ROOT_LOGGER).error("%s:\n%s", what, scrub_text(text, secrets))


def session_secrets(app: Any) -> tuple[str, ...]:
    """The live session's secrets, for :func:`log_exception` (none without a session)."""
    client = getattr(getattr(app, "session", None), "client", None)
    try:
        return tuple(client.known_secrets()) if client is not None else ()
    except Exception:  # noqa: BLE001 - a report is written whatever the session's state
        return ()


def report_worker_error(app: Any, worker: Any, error: BaseException | None = None) -> bool:
    """Log the worker's traceback and show one line. Returns False when this worker was
    already reported (or has no error: cancelled, still running)."""
    from ccm_tui.screens.base import describe_error

    error = error if error is not None else getattr(worker, "error", None)
    if error is None or isinstance(error, BaseException) and not isinstance(error, Exception):
        return False  # CancelledError and friends are not failures
    if worker is not None:
        if worker in _reported:
            return False
        _reported.add(worker)
    name = getattr(worker, "group", None) or getattr(worker, "name", None) or "?"
    log_exception(f"worker {name} failed", error, session_secrets(app))
    app.notify(describe_error(error), title="Something went wrong", severity="error", timeout=10)
    return True
