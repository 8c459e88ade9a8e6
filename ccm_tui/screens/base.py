"""What every console screen shares: the worker-failure handler and the help hook."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.worker import Worker, WorkerState


def describe_error(error: BaseException | None) -> str:
    """One readable line for an operator; never a traceback, never a secret. The server's
    message is outside text: its controls are made visible here; show the line as plain
    text (``safe``), never as markup."""
    from ccm_tui.api.errors import CcmError
    from ccm_tui.safetext import visible

    if error is None:
        return "unknown error"
    if isinstance(error, CcmError):
        return visible(str(error))
    return f"unexpected {type(error).__name__} — see the log file; the console keeps running"


def report_worker_failure(node: Any, event: Worker.StateChanged) -> bool:
    """Turn a failed worker into an error notification. Returns True when it reported."""
    if event.state != WorkerState.ERROR:
        return False
    error = event.worker.error
    node.app.notify(describe_error(error), title="Something went wrong", severity="error", timeout=10)
    return True


class CcmScreen(Screen):
    """Base of the console's screens."""

    #: One line shown on top of the help screen.
    HELP_TEXT = ""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        """(title, help, callback) offered in the ctrl+p palette while this screen is on top."""
        return []
