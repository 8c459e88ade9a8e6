"""The six panes of the wizard. Each pane draws one step and copies values between its
widgets and the WizardForm (``load`` / ``store``); the screen does navigation and I/O.
No pane reads a file: logo and certificate previews are computed off the event loop
(``previews``) and handed to ``show_preview`` / ``show_cert_lines``."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    RadioSet,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from ccm_tui.safetext import json_text, visible
from ccm_tui.widgets.toggles import Checkbox, RadioButton
from ccm_tui.service.account_form import (
    COMPONENTS,
    CONFIRM_WORD,
    TLS_MODES,
    WizardForm,
)
from ccm_tui.screens.wizard.ids import FieldErrorLabel, field_key
from ccm_tui.screens.wizard.previews import CertResult, LogoResult
from ccm_tui.widgets.inputs import PlainInput
from ccm_tui.widgets.safe import safe, safe_markup
from ccm_tui.widgets.wizard_logo import LogoPreview


class StepInput(PlainInput):
    """A wizard text field: Enter leaves the step forward (the screen handles Submitted), and
    the footer says so — a plain Input's hidden Enter binding would otherwise hide "Next"."""

    BINDINGS = [Binding("enter", "submit", "Next", id="wizard.field_next")]


def text_input(value: str = "", *, id: str, placeholder: str = "", password: bool = False) -> Input:
    inp = StepInput(value, id=id, placeholder=placeholder, password=password)
    inp.cursor_blink = False
    return inp


#: Step jumps, shown once as "1-5 Jump" (same ids as the screen's, so a keymap moves both).
#: Text fields swallow digits, so on Basics and Logo the footer leaves them out by itself.
JUMP_BINDINGS = [
    Binding(str(n), f"screen.jump({n - 1})", "Jump", key_display="1-5", show=n == 1,
            id=f"wizard.jump{n}")
    for n in range(1, 6)
]


def error_label(path: str) -> Label:
    return FieldErrorLabel("", id=f"err-{field_key(path)}")


class Pane(VerticalScroll):
    """One step. Its bindings only relabel the screen's actions for the footer (the focused
    pane comes before the screen in the binding chain)."""

    can_focus = True
    BINDINGS = [
        Binding("enter", "screen.next", "Next", id="wizard.next"),
        Binding("escape", "screen.back", "Back", id="wizard.back"),
        *JUMP_BINDINGS,
    ]

    def load(self, form: WizardForm) -> None: ...

    def store(self, form: WizardForm) -> None: ...

    def clear_errors(self) -> None:
        for label in self.query(".field-error").results(Label):
            label.update("")


class BasicsPane(Pane):
    BINDINGS = [Binding("escape", "screen.back", "Leave", id="wizard.back")]

    def compose(self) -> ComposeResult:
        yield Label("Account name (required, unique on this CCM)")
        yield text_input(id="name", placeholder="e.g. Payments team")
        yield error_label("name")
        yield Label("Component (account type)")
        yield Select([(c, c) for c in COMPONENTS], value="DEFAULT", allow_blank=False, id="component")
        yield error_label("component")
        yield Checkbox("Disable attestation enforcement (insecure)", False, id="disable-attestation")
        with Vertical(id="attest-confirm"):
            yield Static(
                "⚠ INSECURE: nodes will join this account WITHOUT attestation — "
                "no proof they run genuine, unmodified enclaves. "
                f"Type {CONFIRM_WORD} to confirm.",
                classes="danger",
            )
            yield text_input(id="confirm", placeholder=f"type {CONFIRM_WORD}")
            yield error_label("node_enrollment.confirm")
        yield error_label("node_enrollment")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "disable-attestation":
            self.query_one("#attest-confirm").display = event.value

    def load(self, form: WizardForm) -> None:
        self.query_one("#name", Input).value = form.name
        self.query_one("#component", Select).value = form.component
        self.query_one("#disable-attestation", Checkbox).value = form.disable_attestation
        self.query_one("#confirm", Input).value = form.confirm_text
        self.query_one("#attest-confirm").display = form.disable_attestation

    def store(self, form: WizardForm) -> None:
        form.name = self.query_one("#name", Input).value
        value = self.query_one("#component", Select).value
        form.component = value if isinstance(value, str) else "DEFAULT"
        form.disable_attestation = self.query_one("#disable-attestation", Checkbox).value
        form.confirm_text = self.query_one("#confirm", Input).value


class LogoPane(Pane):
    def compose(self) -> ComposeResult:
        yield Label("Logo (optional): PNG, JPEG or SVG, at most 128 KiB. Empty = no logo.")
        with Horizontal(classes="path-row"):
            yield text_input(id="logo-path", placeholder="path to an image file")
            yield Button("Browse ^o", id="browse-logo")
        yield error_label("custom_logo")
        yield Static("", id="logo-info")
        yield LogoPreview("", id="logo-preview")

    def load(self, form: WizardForm) -> None:
        # The preview follows from the path's change (the screen's previews, off the loop).
        self.query_one("#logo-path", Input).value = form.logo_path

    def store(self, form: WizardForm) -> None:
        form.logo_path = self.query_one("#logo-path", Input).value

    def show_preview(self, result: LogoResult) -> None:
        """Show a preview computed off the event loop (``previews.logo_preview``)."""
        self.query_one("#logo-info", Static).update(safe(result.info))
        self.query_one("#logo-preview", LogoPreview).show_rendered(result.image)
        if result.error is not None:
            self.query_one(f"#err-{field_key('custom_logo')}", Label).update(result.error)


class AuthPane(Pane):
    # "x,delete" on the screen would show Remove twice in the footer.
    BINDINGS = [Binding("delete", "screen.remove", "Remove", show=False, id="wizard.remove")]

    def compose(self) -> ComposeResult:
        yield Static(
            "a add password · o add OAuth · c add cluster ref · e edit · x remove",
            classes="hint",
        )
        yield OptionList(id="auth-list")
        yield error_label("auth_configs")
        yield Static("", id="auth-warnings", classes="warning")

    def render_list(self, form: WizardForm, errors: dict[int, str]) -> None:
        olist = self.query_one("#auth-list", OptionList)
        highlighted = olist.highlighted
        olist.clear_options()
        if not form.auths:
            olist.add_option(Option("No auth configs: the server's default applies. Enter continues.", disabled=True))
            return
        for i, entry in enumerate(form.auths):
            prompt = Text(f"{i + 1}. {visible(entry.summary())}")
            if i in errors:
                prompt.append(f"\n   ⚠ {visible(errors[i])}", style="bold red")
            olist.add_option(Option(prompt, id=f"auth-{i}"))
        if highlighted is not None:
            olist.highlighted = min(highlighted, len(form.auths) - 1)

    def selected_index(self, form: WizardForm) -> int | None:
        if not form.auths:
            return None
        idx = self.query_one("#auth-list", OptionList).highlighted
        return idx if idx is not None and idx < len(form.auths) else 0


class TlsPane(Pane):
    """Rebuilt from the form each time it is shown (one section per OAuth config)."""

    def sections(self, form: WizardForm) -> list[Any]:
        widgets: list[Any] = []
        if not form.oauth_indexes:
            widgets.append(
                Static(
                    "Nothing to set here: TLS settings belong to OAuth identity providers and "
                    "this account has none (add one on step 3). Enter continues.",
                    id="tls-none",
                )
            )
            return widgets
        for i in form.oauth_indexes:
            t = form.auths[i].oauth.tls
            prefix = f"auth_configs[{i}].oauth.tls"
            req = f"{prefix}.required"
            name = form.auths[i].oauth.idp_name or f"config {i + 1}"
            box = Vertical(
                Label(safe(f"OAuth {name}: TLS to the IdP"), classes="section-title"),
                RadioSet(
                    *[RadioButton(m.capitalize(), m == t.mode, id=f"tls{i}-mode-{m}") for m in TLS_MODES],
                    id=f"tls{i}-mode",
                    classes="inline",
                ),
                Vertical(
                    Checkbox("Validate hostname", t.validate_hostname, id=f"tls{i}-vh"),
                    RadioSet(
                        RadioButton("Global roots", t.ca != "pinned", id=f"tls{i}-ca-global"),
                        RadioButton("Pinned certificate files", t.ca == "pinned", id=f"tls{i}-ca-pinned"),
                        id=f"tls{i}-ca",
                        classes="inline",
                    ),
                    Label("Pinned CA files (comma separated; ^o browses)"),
                    text_input(t.pinned_paths, id=f"tls{i}-pinned", placeholder="ca.pem, other-ca.pem"),
                    error_label(f"{req}.ca.pinned"),
                    Static("", id=f"tls{i}-pinned-info", classes="cert-info"),
                    Label("Client certificate file (optional)"),
                    text_input(t.client_cert_path, id=f"tls{i}-cert", placeholder="client.pem"),
                    error_label(f"{req}.client_cert"),
                    Static("", id=f"tls{i}-cert-info", classes="cert-info"),
                    Label("Client key file (optional; never saved in drafts)"),
                    text_input(t.client_key_path, id=f"tls{i}-key", placeholder="client.key"),
                    error_label(f"{req}.client_key"),
                    id=f"tls{i}-required",
                ),
                error_label(req),
                error_label(prefix),
                classes="tls-section",
            )
            widgets.append(box)
        return widgets

    async def rebuild(self, form: WizardForm) -> None:
        await self.remove_children()
        await self.mount_all(self.sections(form))
        for i in form.oauth_indexes:
            self.sync_enabled(i)  # certificate lines: the screen's previews, off the loop

    def sync_enabled(self, i: int) -> None:
        mode = self.query_one(f"#tls{i}-mode", RadioSet).pressed_index
        required = mode == 2
        fields = self.query_one(f"#tls{i}-required")
        fields.disabled = not required
        fields.display = required  # Disabled/Opportunistic have none of these: hide, not dim
        pinned = self.query_one(f"#tls{i}-ca", RadioSet).pressed_index == 1
        self.query_one(f"#tls{i}-pinned", Input).disabled = not (required and pinned)

    def show_cert_lines(self, i: int, result: CertResult) -> None:
        """Show certificate lines computed off the event loop (``previews.cert_lines``)."""
        for ident, lines in ((f"tls{i}-pinned", result.pinned), (f"tls{i}-cert", result.cert)):
            self.query_one(f"#{ident}-info", Static).update(safe("\n".join(lines), newlines=True))

    def store(self, form: WizardForm) -> None:
        for i in form.oauth_indexes:
            if not self.query(f"#tls{i}-mode"):
                continue
            t = form.auths[i].oauth.tls
            idx = self.query_one(f"#tls{i}-mode", RadioSet).pressed_index
            t.mode = TLS_MODES[idx] if 0 <= idx < 3 else "required"
            t.validate_hostname = self.query_one(f"#tls{i}-vh", Checkbox).value
            t.ca = "pinned" if self.query_one(f"#tls{i}-ca", RadioSet).pressed_index == 1 else "global"
            t.pinned_paths = self.query_one(f"#tls{i}-pinned", Input).value
            t.client_cert_path = self.query_one(f"#tls{i}-cert", Input).value
            t.client_key_path = self.query_one(f"#tls{i}-key", Input).value


def abbreviate(value: Any, limit: int = 64) -> Any:
    """Long base64 values (logo, certificates) shortened for the screen only."""
    if isinstance(value, dict):
        return {k: abbreviate(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [abbreviate(v, limit) for v in value]
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:24]}…({len(value)} chars)"
    return value


class ReviewPane(Pane):
    """Rebuilt from the built request each time it is shown."""

    BINDINGS = [Binding("enter", "screen.next", "Create", id="wizard.next")]

    def sections(self, form: WizardForm, body: dict[str, Any] | None, warnings: list[str]) -> list[Any]:
        w: list[Any] = [
            Static("Review — Enter creates the account; 1-5 jump back to a step; y copies the JSON.", classes="hint"),
            FieldErrorLabel("", id="review-error"),
        ]

        def row(label: str, value: str | Content, path: str) -> None:
            # Our label in markup; the value (what the operator typed) as plain text.
            shown = value if isinstance(value, Content) else safe(value)
            w.append(Static(safe_markup("[b]$label[/b]  ", label=label) + shown, classes="review-row"))
            w.append(error_label(path))

        row("1 Name:", form.name.strip(), "name")
        row("  Component:", form.component, "component")
        row(
            "  Node enrollment:",
            Content.from_markup("[red b]attestation enforcement DISABLED (insecure)[/]")
            if form.disable_attestation else "attestation enforced",
            "node_enrollment",
        )
        row("2 Logo:", form.logo_path.strip() or "none", "custom_logo")
        if form.auths:
            for i, entry in enumerate(form.auths):
                row(f"3 Auth {i + 1}:", entry.summary(), f"auth_configs[{i}]")
        else:
            row("3 Auth:", "none (server default)", "auth_configs")
        if form.auths:
            w.append(error_label("auth_configs"))
        for msg in warnings:
            w.append(Static(safe(f"⚠ {msg}"), classes="warning"))
        if body is not None:
            shown = json_text(abbreviate(body), indent=2)
            w.append(Label("JSON to be sent (secrets masked; long base64 shortened on screen):"))
            w.append(Static(Text(shown), id="review-json"))
        return w

    async def rebuild(self, form: WizardForm, body: dict[str, Any] | None, warnings: list[str]) -> None:
        await self.remove_children()
        await self.mount_all(self.sections(form, body, warnings))


PHASES = (
    ("validating", "Validating"),
    ("connecting", "Connecting"),
    ("sending", "Sending"),
    ("waiting", "Waiting for the server"),
    ("reconciling", "Reconciling (did the server create it?)"),
)


class SubmitPane(Pane):
    BINDINGS = [
        Binding("enter", "screen.next", "Next", show=False, id="wizard.next"),
        Binding("escape", "screen.back", "Cancel", id="wizard.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="submit-title", classes="section-title")
        yield Static("", id="submit-phases")
        yield Static("", id="submit-status")
        yield Static("Esc cancels while the request is in flight.", classes="hint", id="submit-hint")

    def show(self, title: str, phases: list[tuple[str, float | None, bool]], status: str) -> None:
        self.query_one("#submit-title", Static).update(safe(title))
        text = Text()
        names = dict(PHASES)
        for key, elapsed, current in phases:
            mark = "▶" if current else "✓"
            secs = f"{elapsed:5.1f}s" if elapsed is not None else ""
            text.append(f"{mark} {names.get(key, key):<42} {secs}\n", style="bold" if current else "")
        self.query_one("#submit-phases", Static).update(text)
        self.query_one("#submit-status", Static).update(safe(status, newlines=True))
