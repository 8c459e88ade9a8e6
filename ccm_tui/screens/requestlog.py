"""The request log (``L``, palette "Request log"): this session's requests, newest last.

Every record was masked when it was recorded (``ccm_tui.api.records``); paths, headers, bodies
and request ids are still outside text, so they reach the screen only through the safe-text
boundary (``widgets.safe``). Enter shows one request; ``y`` copies it as a curl command with
``$CCM_TOKEN`` for the token.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from ccm_tui.safetext import truncate, visible
from ccm_tui.screens.base import CcmScreen
from ccm_tui.widgets.footer import QuietFooter
from ccm_tui.widgets.header import SessionHeader
from ccm_tui.widgets.safe import safe

COLUMNS = ("Time", "Method", "Path", "Status", "ms", "Request id")


def _cell(value: Any, style: str = "") -> Text:
    return Text(visible(value), style=style, no_wrap=True, overflow="ellipsis")


def _status_style(status: int | None) -> str:
    if status is None or status >= 500:
        return "bold red"
    return "yellow" if status >= 400 else ""


def history_of(app: Any) -> Any | None:
    session = getattr(app, "session", None)
    client = getattr(session, "client", None)
    return getattr(client, "history", None)


def ca_bundle_of(app: Any) -> str | None:
    settings = getattr(getattr(app, "session", None), "settings", None) or getattr(app, "settings", None)
    value = getattr(settings, "ca_bundle", None)
    return str(value) if value else None


def copy_curl(screen: Any, record: Any) -> None:
    """Put ``record`` on the clipboard as a curl command (OSC 52) and say what was copied."""
    from ccm_tui.service.requestlog import curl_command, curl_note

    screen.app.copy_to_clipboard(curl_command(record, ca_bundle=ca_bundle_of(screen.app)))
    screen.notify(curl_note(record), timeout=5)


class RequestLogScreen(CcmScreen):
    HELP_TITLE = "Request log"
    HELP_TEXT = ("This session's requests, newest last (the last 500). Headers and bodies "
                 "are recorded with passwords, tokens and other secrets masked.")
    BINDINGS = [
        Binding("escape", "back", "Back", id="requestlog.back"),
        Binding("enter", "details", "Details", id="requestlog.details"),
        Binding("y", "copy_curl", "Copy as curl", id="requestlog.copy_curl"),
        Binding("question_mark", "app.help", "Help", show=False, id="requestlog.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: list[Any] = []
        self._seen: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        yield Static("", id="requestlog-title")
        yield Static("", id="requestlog-message")
        yield DataTable(id="requestlog-table", cursor_type="row", zebra_stripes=False)
        yield QuietFooter()

    DEFAULT_CSS = """
    RequestLogScreen #requestlog-title { height: 1; padding: 0 1; text-style: bold; }
    RequestLogScreen #requestlog-message { height: auto; padding: 0 1; color: $text-muted; }
    RequestLogScreen #requestlog-table { height: 1fr; }
    """

    @property
    def table(self) -> DataTable:
        return self.query_one("#requestlog-table", DataTable)

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()
        self.set_interval(1.0, self.reload)  # requests made behind this screen show up

    def on_resize(self) -> None:
        self._seen = None
        self.reload()

    def reload(self) -> None:
        """Show the history again when something was added since the last look."""
        history = history_of(self.app)  # looked up each time: a new login, a new history
        seen = (id(history), getattr(history, "added", 0))
        if seen == self._seen:
            return
        self._seen = seen
        from datetime import datetime

        follow = not self.records or self.table.cursor_row >= len(self.records) - 1
        self.records = list(history) if history is not None else []
        with_ids = any(r.request_id for r in self.records)
        # The path takes what the other columns leave (each column has 2 cells of padding).
        path_width = max(24, self.size.width - (8 + 6 + 6 + 5) - (20 if with_ids else 0)
                         - 2 * (6 if with_ids else 5) - 2)
        table = self.table
        keep = table.cursor_row
        labels = COLUMNS if with_ids else COLUMNS[:-1]
        if len(table.columns) != len(labels):
            table.clear(columns=True)
            for label in labels:
                table.add_column(label, key=label)
        else:
            table.clear()
        for i, r in enumerate(self.records):
            status = str(r.status) if r.status is not None else "—"
            cells = [
                _cell(datetime.fromtimestamp(r.at).strftime("%H:%M:%S")),
                _cell(r.method),
                _cell(truncate(r.path, path_width)),
                _cell(status, _status_style(r.status)),
                _cell(f"{r.elapsed_ms:.0f}"),
            ]
            if with_ids:
                cells.append(_cell(truncate(r.request_id or "", 20)))
            table.add_row(*cells, key=str(i))
        if self.records:
            table.move_cursor(row=len(self.records) - 1 if follow else min(keep, len(self.records) - 1),
                              animate=False)
        count = len(self.records)
        self.query_one("#requestlog-title", Static).update(
            safe(f"Request log — {count} request{'s' if count != 1 else ''} this session"))
        message = self.query_one("#requestlog-message", Static)
        message.update(safe("No requests yet" if history is not None else
                            "Not logged in: there is no session to show the requests of"))
        message.display = not self.records

    @property
    def current(self) -> Any | None:
        row = self.table.cursor_row
        if self.records and row is not None and 0 <= row < len(self.records):
            return self.records[row]
        return None

    def _current(self) -> Any | None:
        record = self.current
        if record is None:
            self.notify("No request highlighted", severity="warning", timeout=3)
        return record

    @on(DataTable.RowSelected, "#requestlog-table")
    def _row_selected(self) -> None:
        self.action_details()

    def action_details(self) -> None:
        record = self._current()
        if record is not None:
            self.app.push_screen(RequestDetailScreen(record))

    def action_copy_curl(self) -> None:
        record = self._current()
        if record is not None:
            copy_curl(self, record)

    def action_back(self) -> None:
        self.dismiss()


class RequestDetailScreen(CcmScreen):
    """One request: headers and bodies (masked when recorded), shown as plain text."""

    HELP_TITLE = "Request"
    HELP_TEXT = "One request of the log; secrets were masked when it was recorded."
    BINDINGS = [
        Binding("escape", "back", "Back", id="requestdetail.back"),
        Binding("y", "copy_curl", "Copy as curl", id="requestdetail.copy_curl"),
        Binding("question_mark", "app.help", "Help", show=False, id="requestdetail.help"),
    ]

    DEFAULT_CSS = """
    RequestDetailScreen #requestdetail-box { height: 1fr; padding: 0 1; }
    """

    def __init__(self, record: Any) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        from ccm_tui.service.requestlog import record_details

        yield SessionHeader(id="header")
        with VerticalScroll(id="requestdetail-box"):
            yield Static(safe(record_details(self.record), newlines=True), id="requestdetail-text")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#requestdetail-box").focus()

    def action_copy_curl(self) -> None:
        copy_curl(self, self.record)

    def action_back(self) -> None:
        self.dismiss()


def open_request_log(app: Any) -> None:
    """``L`` / palette "Request log": open it unless it is already on top."""
    if isinstance(app.screen, (RequestLogScreen, RequestDetailScreen)):
        return
    app.push_screen(RequestLogScreen())
