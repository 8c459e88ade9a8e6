"""What every console screen shares: the worker-failure handler and the help hook."""

from __future__ import annotations

from typing import Any

from textual import events, getters, on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ccm_tui.app import CcmApp


def describe_error(error: BaseException | None) -> str:
    """One readable line for an operator; never a traceback, never a secret. The server's
    message is outside text: its controls are made visible here; show the line as plain
    text (``safe``), never as markup."""
    from ccm_tui.api.errors import CcmError
    from ccm_tui.api.errors import describe_error as describe  # the one wording

    if error is None or isinstance(error, CcmError):
        return describe(error)
    return f"unexpected {type(error).__name__} — see the log file; the console keeps running"


def report_worker_failure(node: Any, event: Worker.StateChanged) -> bool:
    """Hand a failed worker to the app's one funnel (log + one line, once per worker).
    Returns True when the worker failed, so the caller can also repair its own state."""
    if event.state != WorkerState.ERROR:
        return False
    node.app.report_worker_error(event.worker)
    return True


class CcmScreen(Screen):
    """Base of the console's screens."""

    #: The running CcmApp, typed (Screen.app is a plain App).
    app = getters.app(CcmApp)

    #: One line shown on top of the help screen.
    HELP_TEXT = ""

    #: Whether this screen was shown before (see _no_restyle_at_first_show).
    _shown_before = False

    @on(events.ScreenResume)
    def _no_restyle_at_first_show(self, event: events.ScreenResume) -> None:
        """The first time a screen is shown its styles were applied as its widgets were
        mounted, just before: Textual applies them all again on every ScreenResume (~10 ms for
        the details screen after a create, before its first frame). Later resumes restyle as
        Textual does (the theme may have changed meanwhile). Runs before Screen's own
        handler (handlers run from the subclass up); subclasses keep on_screen_resume."""
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        """(title, help, callback) offered in the ctrl+p palette while this screen is on top."""
        return []



def forward_stray_key(app: Any, event: Any) -> bool:
    """A printable key that bubbled up to the app unhandled while a dialog that takes early
    keys is on top: it was typed for that dialog. In a burst, ``c`` opens the dialog only once
    its binding runs, after the next keys were already handed to the old screen's widgets;
    they come back up here. Returns True when the key went to the dialog."""
    top = app.screen
    if not isinstance(top, EarlyKeys) or not (event.is_printable and event.character):
        return False
    top.take_early_key(event.character)
    event.stop()
    event.prevent_default()
    return True


class EarlyKeys:
    """Mixin for a screen (a dialog) that focuses a text field when it opens.

    Over SSH a paste or fast typing arrives in one burst: ``c`` opens a dialog, and the keys
    after it are already on their way to the old screen's widgets, or reach the new screen
    before its field has focus; they were dropped. Here they are kept, in order, and typed
    into the field the screen focuses (``deliver_early_keys(widget)``, called from
    ``on_mount`` after focusing); the app passes on the keys that were already on their way
    to the old screen (``forward_stray_key``)."""

    _early_keys: list[str] | None = None
    _early_done: bool = False
    _early_target: Any = None

    def on_key(self, event: Any) -> None:
        if self._early_done or getattr(self, "focused", None) is not None:
            return
        if event.is_printable and event.character:
            self.take_early_key(event.character)
            event.stop()
            event.prevent_default()

    def take_early_key(self, character: str) -> None:
        if not self._early_done:
            if self._early_keys is None:
                self._early_keys = []
            self._early_keys.append(character)
            return
        # Focus moves on the next turn of the loop: until then the field we focus is meant.
        focused = getattr(self, "focused", None)
        target = focused if hasattr(focused, "insert_text_at_cursor") else self._early_target
        if target is not None and hasattr(target, "insert_text_at_cursor"):
            target.insert_text_at_cursor(character)

    def deliver_early_keys(self, target: Any) -> None:
        self._early_done = True
        self._early_target = target
        keys, self._early_keys = self._early_keys, None
        if keys and hasattr(target, "insert_text_at_cursor"):
            target.insert_text_at_cursor("".join(keys))
