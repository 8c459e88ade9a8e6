"""Small dialogs of the wizard: auth config editor, file picker, leave/relogin/resume."""

from __future__ import annotations

import copy
from pathlib import Path

from rich.text import Text, TextType
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static

from ccm_tui.service.account_form import KIND_LABEL, AuthEntry, check_auth_entry
from ccm_tui.screens.base import EarlyKeys
from ccm_tui.screens.wizard.ids import FieldErrorLabel, error_label_for, field_key, focus_first_error
from ccm_tui.widgets.inputs import PlainInput
from ccm_tui.widgets.safe import plain_label, safe
from ccm_tui.widgets.toggles import Checkbox
from ccm_tui.widgets.footer import QuietFooter


class DialogInput(PlainInput):
    """A dialog's text field: Enter moves to the next field (the footer says so).

    Typed or pasted in one burst ("Okta⏎https://…⏎"), the keys after an Enter are already
    queued for this field when Enter is handled; the focus moves at once (not through a
    binding run later) and the queued characters follow it to the field now focused."""

    BINDINGS = [Binding("enter", "submit", "Next", id="wizard.dialog.next_field")]

    def on_key(self, event: events.Key) -> None:
        screen = self.screen
        focused = screen.focused
        if focused is not self and focused is not None:
            if event.is_printable and event.character and isinstance(focused, Input):
                focused.insert_text_at_cursor(event.character)
                event.stop()
                event.prevent_default()
            elif event.key == "enter" and isinstance(focused, DialogInput):
                focused._next_field()
                event.stop()
                event.prevent_default()
            return
        if event.key == "enter":
            self._next_field()
            event.stop()
            event.prevent_default()

    def _next_field(self) -> None:
        inputs = [w for w in self.screen.query(Input) if w.display]
        idx = inputs.index(self) if self in inputs else -1
        if 0 <= idx < len(inputs) - 1:
            self.screen.set_focus(inputs[idx + 1])  # now, not on the next turn of the loop
        else:
            self.post_message(Input.Submitted(self, self.value))


class PasswordInput(Input):
    """The re-login password: Enter logs in."""

    BINDINGS = [Binding("enter", "submit", "Log in", id="wizard.relogin.submit")]


def _input(value: str, *, id: str, placeholder: str = "", password: bool = False) -> Input:
    # No select-all on focus: in a burst, characters that follow the focus into the next
    # field land before its Focus event, which would select them and the next key replace
    # them ("https" became "ps").
    inp = DialogInput(value, id=id, placeholder=placeholder, password=password, select_on_focus=False)
    inp.cursor_blink = False
    return inp


OAUTH_FIELDS = (
    ("idp_name", "IdP name (required)", "e.g. Corporate SSO", False),
    ("idp_icon_url", "IdP icon URL (required)", "https://…/icon.png", False),
    ("idp_authorization_endpoint", "Authorization endpoint (required)", "https://…/authorize", False),
    ("idp_token_endpoint", "Token endpoint (required)", "https://…/token", False),
    ("idp_userinfo_endpoint", "Userinfo endpoint (optional)", "https://…/userinfo", False),
    ("client_id", "Client id (required)", "", False),
    ("client_secret", "Client secret (required)", "masked; never saved in drafts", True),
)


class AuthEditor(EarlyKeys, ModalScreen[AuthEntry | None]):
    """Add or edit one auth config; validated with the models before it closes."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="wizard.auth.cancel"),
        Binding("ctrl+o", "save", "Save", id="wizard.auth.save"),
    ]

    def __init__(self, entry: AuthEntry, *, pending_secret: bool = False) -> None:
        super().__init__()
        self.entry = copy.deepcopy(entry)
        self.pending_secret = pending_secret

    def compose(self) -> ComposeResult:
        e = self.entry
        with Vertical(id="auth-editor", classes="wizard-dialog"):
            yield Label(f"{KIND_LABEL[e.kind]} authentication", classes="dialog-title")
            with VerticalScroll(id="auth-editor-body"):
                if e.kind == "password":
                    yield Checkbox("Require two-factor authentication", e.require_2fa, id="require_2fa")
                    yield Checkbox("Administrators only", e.administrators_only, id="administrators_only")
                    yield FieldErrorLabel("", id="err-password")
                elif e.kind == "cluster_auth_ref":
                    yield Label("Target id (required; a cluster-level auth config)")
                    yield _input(e.target_id, id="target_id")
                    yield FieldErrorLabel("", id="err-cluster_auth_ref-target_id")
                else:
                    o = e.oauth
                    for name, label, placeholder, secret in OAUTH_FIELDS:
                        yield Label(label)
                        yield _input(getattr(o, name), id=name, placeholder=placeholder, password=secret)
                        yield FieldErrorLabel(
                            "⚠ enter the client secret again (drafts never keep it)"
                            if name == "client_secret" and self.pending_secret and not o.client_secret
                            else "",
                            id=f"err-oauth-{name}",
                        )
                    yield Checkbox("IdP requires HTTP Basic auth", o.idp_requires_basic_auth, id="idp_requires_basic_auth")
                    yield Static("TLS for this IdP is set on step 4.", classes="hint")
                yield FieldErrorLabel("", id="err-editor")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+o)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield QuietFooter()

    def on_mount(self) -> None:
        first = self.query("Input, Checkbox").first()
        first.focus()
        self.deliver_early_keys(first)  # keys typed right after the one that opened us

    def _collect(self) -> AuthEntry:
        e = self.entry
        if e.kind == "password":
            e.require_2fa = self.query_one("#require_2fa", Checkbox).value
            e.administrators_only = self.query_one("#administrators_only", Checkbox).value
        elif e.kind == "cluster_auth_ref":
            e.target_id = self.query_one("#target_id", Input).value
        else:
            for name, *_ in OAUTH_FIELDS:
                setattr(e.oauth, name, self.query_one(f"#{name}", Input).value)
            e.oauth.idp_requires_basic_auth = self.query_one("#idp_requires_basic_auth", Checkbox).value
        return e

    def action_save(self) -> None:
        entry = self._collect()
        errors = check_auth_entry(entry)
        for label in self.query(".field-error").results(Label):
            label.update("")
        for err in errors:
            label = error_label_for(self, err.field, err.message) or self.query_one("#err-editor", Label)
            label.update(f"⚠ {err.message}")
        if not errors:
            self.dismiss(entry)
            return
        focus_first_error(self)  # at 80×24 the error may be below the visible part

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        idx = inputs.index(event.input)
        if idx + 1 < len(inputs):
            inputs[idx + 1].focus()
        else:
            self.action_save()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class PlainDirectoryTree(DirectoryTree):
    """File names are outside text: shown with their control characters made visible."""

    def process_label(self, label: TextType) -> Text:
        return plain_label(label)


def picker_start(start: str | Path) -> Path:
    """The directory a file picker opens in for a typed path: its folder when it names a
    file, itself when a directory, else the working directory. Blocking (stat, resolve)."""
    start_path = Path(start).expanduser() if str(start).strip() else Path.cwd()
    try:
        if start_path.is_file():
            start_path = start_path.parent
        if not start_path.is_dir():
            start_path = Path.cwd()
        return start_path.resolve()
    except (OSError, ValueError, RuntimeError):
        return Path.cwd()


class FilePicker(ModalScreen[str | None]):
    """Choose a file from a directory tree; Enter on a file picks it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="wizard.picker.cancel"),
        Binding("backspace", "up", "Parent dir", id="wizard.picker.up"),
    ]

    def __init__(self, start: str | Path, title: str = "Choose a file") -> None:
        """``start``: a directory from :func:`picker_start` (which touches the disk: the
        wizard calls it in a thread)."""
        super().__init__()
        self.start = Path(start)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="file-picker", classes="wizard-dialog"):
            yield Label(safe(f"{self.title_text} — Enter picks, Backspace goes up, Esc cancels"),
                        classes="dialog-title")
            yield Label(safe(self.start), id="picker-dir")
            yield PlainDirectoryTree(self.start, id="picker-tree")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(str(event.path))

    def action_up(self) -> None:
        tree = self.query_one(DirectoryTree)
        parent = Path(tree.path).parent
        tree.path = parent
        self.query_one("#picker-dir", Label).update(safe(parent))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmLeave(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "stay", "Stay", id="wizard.leave.stay"),
        Binding("y", "leave", "Leave", id="wizard.leave.yes"),
        Binding("n", "stay", "Stay", show=False, id="wizard.leave.no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="wizard-dialog small"):
            yield Label("Leave the new-account wizard?", classes="dialog-title")
            yield Static("What you typed is kept as a draft (secrets are not); you can resume it later.")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Leave (y)", id="leave", variant="warning")
                yield Button("Stay (n)", id="stay")
        yield QuietFooter()

    def action_leave(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")


class Relogin(ModalScreen[str | None]):
    """The session expired during submit: ask for the password, then carry on."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="wizard.relogin.cancel")]

    def __init__(self, email: str | None, message: str = "") -> None:
        super().__init__()
        self.email = email or "(unknown user)"
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="wizard-dialog small"):
            yield Label("Your session has expired", classes="dialog-title")
            yield Static(safe(
                f"Enter the password of {self.email} to log in again; the account is then "
                "created (after checking it was not created already)."
            ))
            password = PasswordInput("", id="relogin-password", placeholder="password", password=True)
            password.cursor_blink = False
            yield password
            yield FieldErrorLabel(self.message, id="err-relogin")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value:
            self.dismiss(event.value)
        else:
            self.query_one("#err-relogin", Label).update("⚠ password: must not be empty")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeDraftScreen(ModalScreen[str]):
    """Offer an unfinished wizard draft: "resume", "discard" or "later" (at start-up); with
    ``offer_new`` (``n`` while a draft exists) also "new" (start another wizard) and Esc is
    "cancel"."""

    BINDINGS = [
        Binding("r", "choose('resume')", "Resume", id="wizard.draft.resume"),
        Binding("d", "choose('discard')", "Discard", id="wizard.draft.discard"),
        Binding("s", "choose('new')", "Start another", id="wizard.draft.new"),
        Binding("escape", "choose('later')", "Later", id="wizard.draft.later"),
    ]

    def __init__(self, description: str, secrets: int = 0, *, readable: bool = True,
                 offer_new: bool = False) -> None:
        super().__init__()
        self.description = description
        self.secrets = secrets
        #: False for a draft file that cannot be loaded: it can only be discarded (or kept).
        self.readable = readable
        self.offer_new = offer_new

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-draft", classes="wizard-dialog" if self.offer_new else "wizard-dialog small"):
            yield Label("Unfinished new account", classes="dialog-title")
            if self.readable:
                yield Static(safe(f"A draft was saved: {self.description}."), id="draft-description")
            else:
                yield Static(safe(f"A draft file cannot be read ({self.description}); it can "
                                  "only be discarded."), id="draft-description")
            if self.secrets:
                yield Static(f"{self.secrets} secret field(s) were not saved and will be asked again.")
            if self.offer_new:
                yield Static("Discard deletes it and starts a new account; Start another keeps it "
                             "until you type in the new wizard, which then replaces it. "
                             "Esc: back to the list.")
            with Horizontal(classes="dialog-buttons"):
                if self.readable:
                    yield Button("Resume (r)", id="resume", variant="primary")
                yield Button("Discard (d)", id="discard", variant="error")
                if self.offer_new:
                    yield Button("Start another (s)", id="new")
                else:
                    yield Button("Later (esc)", id="later")
        yield QuietFooter()

    def on_mount(self) -> None:
        # An unreadable draft: a stray Enter keeps it (Later / Start another); discarding takes d.
        keep = "#new" if self.offer_new else "#later"
        self.query_one("#resume" if self.readable else keep, Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("resume",):
            return self.readable
        if action == "choose" and parameters == ("new",):
            return self.offer_new
        return True

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "later")


__all__ = ["AuthEditor", "ConfirmLeave", "FilePicker", "Relogin", "ResumeDraftScreen", "field_key"]
