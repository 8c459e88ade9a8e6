"""SIGHUP (the SSH connection dropped) and SIGTERM while the console runs: every screen that
holds unsaved work keeps it, then the app exits normally (terminal restored, status 0).

The app installs the handlers once, on mount, and removes them on unmount
(``install_exit_signals`` / ``remove_exit_signals``). A screen takes part by having a
``keep_work_before_exit()`` method (``KeepsWorkOnExit``); the wizard saves its draft there.
The same hook runs before the one-line report of an internal error (``CcmApp._fatal_error``).
The hook must finish its writing before it returns: the app exits right after it."""

from __future__ import annotations

import asyncio
import signal
from typing import Any, Protocol, runtime_checkable

EXIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name))


@runtime_checkable
class KeepsWorkOnExit(Protocol):
    def keep_work_before_exit(self) -> bool:
        """Save what must survive the exit, synchronously; True when something was kept."""
        ...


def keep_work_before_exit(app: Any) -> int:
    """Ask every screen on the stack (not only the top one: a dialog may cover the wizard)
    to keep its work; returns how many kept something. One screen failing never stops the
    others."""
    kept = 0
    for screen in list(getattr(app, "screen_stack", [])):
        if isinstance(screen, KeepsWorkOnExit):
            try:
                kept += bool(screen.keep_work_before_exit())
            except Exception:  # noqa: BLE001 - the exit must happen, and the next screen save
                pass
    return kept


def install_exit_signals(app: Any) -> tuple[int, ...]:
    """Install the handlers on the running loop; returns the signals installed (none where
    that is impossible: not the main thread, Windows)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return ()

    def on_signal(_signum: int) -> None:
        try:
            keep_work_before_exit(app)
        finally:
            app.exit()

    installed: list[int] = []
    for sig in EXIT_SIGNALS:
        try:
            loop.add_signal_handler(sig, on_signal, int(sig))
        except (NotImplementedError, RuntimeError, ValueError):
            break
        installed.append(int(sig))
    return tuple(installed)


def remove_exit_signals(signals: tuple[int, ...]) -> None:
    """Undo ``install_exit_signals`` (the loop may outlive the app: tests, ``smoke_check``)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for sig in signals:
        try:
            loop.remove_signal_handler(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
