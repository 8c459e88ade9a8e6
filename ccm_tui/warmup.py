"""Import pydantic and the account models in the background once the console is idle.

Launch → accounts table never imports pydantic (models/light.py): ~0.25 s and ~8 MB less
before the first rows. The first account opened (details, edit, the wizard, members) needs
it, and would pay that import then. So once the table has all its rows and, since then,
the operator has not typed or clicked for ``IDLE_S`` seconds, a daemon thread imports it
and builds the Account schema, and the first Enter on a row is as quick as before. Waiting for a pause
keeps the import's CPU (it holds the GIL in slices) away from keys being typed.

No Textual here: the app calls :func:`watch` with a method that tells since when the table
has been complete and untouched; a daemon thread asks it every ``POLL_S`` (no Textual timer:
an interval timer left running changed how the app reports a crash at exit).
"""

from __future__ import annotations

import sys
import threading
import time
import weakref
from collections.abc import Callable

#: Seconds without a key or a click before the warm-up starts.
IDLE_S = 2.0
#: What opening an account imports first (pydantic with them).
MODULES = ("ccm_tui.models.account", "ccm_tui.models.user", "ccm_tui.models.errors")

#: How often the waiting thread asks whether the console is quiet.
POLL_S = 0.5

_lock = threading.Lock()
_thread: threading.Thread | None = None
_target: weakref.WeakMethod | None = None  # the app's quiet_since, held weakly
_warmed = False


def done_or_started() -> bool:
    """True once the warm-up ran, or something else imported the account models."""
    return _warmed or "ccm_tui.models.account" in sys.modules


def due(quiet_since: float | None, now: float | None = None) -> bool:
    """Whether to warm up now: ``quiet_since`` (time.monotonic(); None while the table is
    loading or not shown) is at least ``IDLE_S`` ago."""
    if quiet_since is None or done_or_started():
        return False
    now = time.monotonic() if now is None else now
    return now - quiet_since >= IDLE_S


def watch(quiet_since: Callable[[], float | None]) -> None:
    """Warm up in a daemon thread once ``quiet_since()`` (a bound method of the app, asked
    from that thread every ``POLL_S``; held weakly) says the table has been quiet ``IDLE_S``
    seconds. One thread per process; a later call only changes whom it asks."""
    global _thread, _target
    if done_or_started():
        return
    with _lock:
        _target = weakref.WeakMethod(quiet_since)
        if _thread is not None:
            return
        _thread = threading.Thread(target=_wait_then_warm, name="ccm-tui-warm-models",
                                   daemon=True)
    _thread.start()


def _wait_then_warm() -> None:
    global _thread, _warmed
    while not done_or_started():
        time.sleep(POLL_S)
        target = _target() if _target is not None else None
        if target is None:  # the app is gone
            break
        try:
            since = target()
        except Exception:  # noqa: BLE001 - the app closing under us: not quiet
            since = None
        if due(since):
            _warm()
            _warmed = True
            break
    with _lock:
        _thread = None


def _warm() -> None:
    from importlib import import_module

    try:
        for name in MODULES:
            import_module(name)
        from ccm_tui.models.account import Account

        # The schema is built on the first validation (defer_build): build it now.
        Account.model_validate({"acct_id": "warm-up"})
    except Exception:  # noqa: BLE001 - a warm-up never fails the console; the open will say
        pass
