"""Import pydantic and the account models in the background once the console is idle.

Launch → accounts table never imports pydantic (models/light.py): ~0.25 s and ~8 MB less
before the first rows. The first account opened (details, edit, the wizard, members) needs
it, and would pay that import then. So once the table has all its rows and, since then,
the operator has not typed or clicked for ``IDLE_S`` seconds, a daemon thread imports it and builds the
Account schema, and the first Enter on a row is as quick as before. Waiting for a pause
keeps the import's CPU (it holds the GIL in slices) away from keys being typed.

No Textual here: the app calls :func:`due` from a timer and :func:`start` when it is.
"""

from __future__ import annotations

import sys
import threading
import time

#: Seconds without a key or a click before the warm-up starts.
IDLE_S = 2.0
#: What opening an account imports first (pydantic with them).
MODULES = ("ccm_tui.models.account", "ccm_tui.models.user", "ccm_tui.models.errors")

_lock = threading.Lock()
_thread: threading.Thread | None = None


def done_or_started() -> bool:
    """True once the warm-up ran or is running, or something else imported the models."""
    return _thread is not None or "ccm_tui.models.account" in sys.modules


def due(*, table_loaded: bool, quiet_since: float, now: float | None = None) -> bool:
    """Whether to start now: the table has every row, and neither a key, a click nor new
    rows came for ``IDLE_S`` seconds (``quiet_since``, time.monotonic())."""
    if done_or_started() or not table_loaded:
        return False
    now = time.monotonic() if now is None else now
    return now - quiet_since >= IDLE_S


def start() -> threading.Thread | None:
    """Start the warm-up thread (once per process); None when it was already started."""
    global _thread
    with _lock:
        if _thread is not None:
            return None
        _thread = threading.Thread(target=_warm, name="ccm-tui-warm-models", daemon=True)
    _thread.start()
    return _thread


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
