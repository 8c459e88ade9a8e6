"""The editor's Authentication pane: the account's auth configs by id — edit, remove, add —
and TLS per OAuth config. Reuses the wizard's AuthEditor and its form conversions.

The server never returns ``client_secret`` or ``client_key``: an existing OAuth config shows
the secret as "unchanged" and the request carries a secret only when one is typed.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Static,
)
from textual.widgets.option_list import Option

from ccm_tui.service.account_form import (
    OAUTH_TEXT_FIELDS,
    AuthEntry,
    OauthForm,
    TlsForm,
    auth_dict,
    tls_dict,
)
from ccm_tui.screens.wizard.modals import AuthEditor
from ccm_tui.widgets.safe import safe
from ccm_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from ccm_tui.screens.base import CcmScreen

    class _EditorHost(CcmScreen):
        """What AuthPaneMixin uses of AccountEditorScreen (for the type checker only)."""

        original: Any  # the account as the server returned it
        edit: Any  # service.account_update.AccountEdit
else:
    _EditorHost = object

UNCHANGED = "unchanged — type a new secret to replace it"


def entry_from_config(config: dict[str, Any]) -> AuthEntry:
    """An AuthEntry for the wizard's AuthEditor (secrets empty = unchanged)."""
    if "password" in config:
        p = config["password"] or {}
        return AuthEntry("password", bool(p.get("require_2fa")), bool(p.get("administrators_only")))
    if "cluster_auth_ref" in config:
        return AuthEntry("cluster_auth_ref", target_id=str((config["cluster_auth_ref"] or {}).get("target_id", "")))
    o = config.get("oauth") or {}
    form = OauthForm(idp_requires_basic_auth=bool(o.get("idp_requires_basic_auth")))
    for k in OAUTH_TEXT_FIELDS:
        setattr(form, k, str(o.get(k) or ""))
    secret = o.get("client_secret")
    reveal = getattr(secret, "get_secret_value", None)
    form.client_secret = reveal() if callable(reveal) else str(secret or "")
    return AuthEntry("oauth", oauth=form)


def config_from_entry(entry: AuthEntry, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The wire config for an edited entry; an OAuth config keeps its TLS (edited apart) and
    leaves the secret out when none was typed."""
    body, _errors = auth_dict(entry, with_tls=False, prefix="")
    if entry.kind != "oauth":
        return body
    oauth = body["oauth"]
    old = (previous or {}).get("oauth") or {}
    if old.get("tls"):
        oauth["tls"] = copy.deepcopy(old["tls"])
    else:
        oauth["tls"] = tls_dict(TlsForm(), "")[0]  # new: required, hostname checked, global roots
    if not entry.oauth.client_secret:
        oauth.pop("client_secret", None)
    return body


def describe(cfg: Any, removed: bool = False) -> str:
    c = cfg.config
    where = f"id {cfg.config_id[:8]}" if cfg.config_id else "new"
    if "password" in c:
        p = c["password"] or {}
        flags = [f for f, on in (("2FA", p.get("require_2fa")), ("admins only", p.get("administrators_only"))) if on]
        text = "Password" + (f" ({', '.join(flags)})" if flags else "")
    elif "cluster_auth_ref" in c:
        text = f"Cluster auth ref → {(c['cluster_auth_ref'] or {}).get('target_id', '?')}"
    elif "oauth" in c:
        o = c["oauth"] or {}
        secret = "new secret typed" if o.get("client_secret") else (
            "secret unchanged" if cfg.config_id else "secret NOT SET")
        tls = next(iter(o.get("tls") or {"?": None}))
        text = f"OAuth {o.get('idp_name') or '?'} · client {o.get('client_id') or '?'} · {secret} · TLS {tls}"
    else:
        text = "Unknown kind (kept as the server sent it)"
    return f"{'[removed] ' if removed else ''}{text}  ({where})"


class AuthList(OptionList):
    BINDINGS = [
        Binding("a", "screen.auth_add('password')", "Add password", id="editor.auth.add_password"),
        Binding("o", "screen.auth_add('oauth')", "Add OAuth", id="editor.auth.add_oauth"),
        Binding("c", "screen.auth_add('cluster_auth_ref')", "Add cluster ref", id="editor.auth.add_ref"),
        Binding("e,enter", "screen.auth_edit", "Edit", id="editor.auth.edit"),
        Binding("t", "screen.auth_tls", "TLS", id="editor.auth.tls"),
        Binding("x,delete", "screen.auth_remove", "Remove/restore", id="editor.auth.remove"),
    ]


class EditAuthEditor(AuthEditor):
    """The wizard's AuthEditor on an existing config: an empty secret means unchanged."""

    def __init__(self, entry: AuthEntry, *, existing: bool) -> None:
        super().__init__(entry)
        self.existing = existing

    def on_mount(self) -> None:
        super().on_mount()
        if self.existing and self.entry.kind == "oauth":
            secret = self.query_one("#client_secret", Input)
            secret.placeholder = UNCHANGED
            self.query_one("#err-oauth-client_secret", Label).update(
                "CCM never returns it. Changing this config needs it typed again.")
            for hint in self.query(".hint").results(Static):
                hint.update("TLS for this IdP: press t on the Authentication pane.")

    def action_save(self) -> None:
        if self.existing and self.entry.kind == "oauth":
            entry = self._collect()
            if not entry.oauth.client_secret:
                from ccm_tui.service.account_form import check_auth_entry

                probe = copy.deepcopy(entry)
                probe.oauth.client_secret = "unchanged"  # checked by the review instead
                if not check_auth_entry(probe):
                    self.dismiss(entry)
                    return
        super().action_save()


class TlsDialog(ModalScreen[dict | None]):
    """TLS of one OAuth config: mode, hostname check, CA (keep / global roots / pinned
    files), client certificate and key files (the key only when a file is given)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="editor.tls.cancel"),
        Binding("ctrl+o", "save", "Save", id="editor.tls.save"),
    ]

    def __init__(self, tls: dict[str, Any]) -> None:
        super().__init__()
        self.tls = copy.deepcopy(tls or {})

    def compose(self) -> ComposeResult:
        mode = next(iter(self.tls), "required")
        req = self.tls.get("required") or {}
        with Vertical(classes="wizard-dialog"):
            yield Label("TLS to the identity provider", classes="dialog-title")
            with VerticalScroll():
                with RadioSet(id="tls-mode"):
                    for m in ("required", "opportunistic", "disabled"):
                        yield RadioButton(m, value=m == mode, id=f"tls-{m}")
                yield Checkbox("Validate the hostname", bool(req.get("validate_hostname", True)),
                               id="tls-validate")
                with RadioSet(id="tls-ca"):
                    has_ca = bool(req.get("ca"))
                    yield RadioButton("Keep the current CA", value=has_ca, id="ca-keep", disabled=not has_ca)
                    yield RadioButton("Global roots", value=not has_ca, id="ca-global")
                    yield RadioButton("Pinned certificate files", id="ca-pinned")
                yield Input(placeholder="pinned CA files, comma separated", id="tls-pinned")
                yield Input(placeholder="client certificate file (optional; empty keeps it)", id="tls-cert")
                yield Input(placeholder="client key file (secret; empty = unchanged)", id="tls-key")
                yield Static("", id="err-tls", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+o)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield QuietFooter()

    def action_save(self) -> None:
        mode_btn = self.query_one("#tls-mode", RadioSet).pressed_button
        mode = (mode_btn.id or "tls-required").removeprefix("tls-") if mode_btn else "required"
        ca_btn = self.query_one("#tls-ca", RadioSet).pressed_button
        ca = (ca_btn.id or "ca-global").removeprefix("ca-") if ca_btn else "global"
        form = TlsForm(mode=mode, validate_hostname=self.query_one("#tls-validate", Checkbox).value,
                       ca="pinned" if ca == "pinned" else "global",
                       pinned_paths=self.query_one("#tls-pinned", Input).value,
                       client_cert_path=self.query_one("#tls-cert", Input).value,
                       client_key_path=self.query_one("#tls-key", Input).value)
        body, errors = tls_dict(form, "tls")
        if errors:
            self.query_one("#err-tls", Static).update(safe("\n".join(f"⚠ {e}" for e in errors), newlines=True))
            return
        old = self.tls.get("required") or {}
        if mode == "required":
            if ca == "keep" and old.get("ca"):
                body["required"]["ca"] = copy.deepcopy(old["ca"])
            if "client_cert" not in body["required"] and old.get("client_cert"):
                body["required"]["client_cert"] = old["client_cert"]
        self.dismiss(body)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class AuthPaneMixin(_EditorHost):
    """AccountEditorScreen's auth actions (uses ``self.edit`` and ``self.original``)."""

    def _auth_rows(self) -> list[tuple[Any, bool]]:
        from ccm_tui.service.account_update import EditedAuthConfig

        rows = [(c, False) for c in self.edit.auth_configs]
        kept = {c.config_id for c in self.edit.auth_configs}
        for cid, cfg in (self.original.auth_configs or {}).items():
            if cid not in kept:
                rows.append((EditedAuthConfig(cfg, cid), True))
        return rows

    def _fill_auth(self) -> None:
        from ccm_tui.service.account_update import plan_update

        auth_list = self.query_one("#auth-list", AuthList)
        keep = auth_list.highlighted
        auth_list.clear_options()
        rows = self._auth_rows()
        auth_list.add_options([Option(safe(describe(c, removed))) for c, removed in rows])
        if rows:
            auth_list.highlighted = min(keep or 0, len(rows) - 1)
        plan = plan_update(self.original, self.edit)
        warns = [w for w in plan.warnings if "locked out" in w.message]
        self.query_one("#auth-warnings", Static).update(
            safe("\n".join(f"⚠ {w.message}" for w in warns), newlines=True))

    def _auth_selected(self) -> tuple[Any, bool] | None:
        idx = self.query_one("#auth-list", AuthList).highlighted
        rows = self._auth_rows()
        if idx is None or not 0 <= idx < len(rows):
            self.notify("No auth config highlighted: press a, o or c to add one.", timeout=4)
            return None
        return rows[idx]

    def action_auth_add(self, kind: str) -> None:
        from ccm_tui.service.account_update import EditedAuthConfig

        def done(entry: AuthEntry | None) -> None:
            if entry is not None:
                self.edit.auth_configs.append(EditedAuthConfig(config_from_entry(entry, None)))
                self._fill_auth()

        self.app.push_screen(AuthEditor(AuthEntry(kind=kind)), done)

    def action_auth_edit(self) -> None:
        picked = self._auth_selected()
        if picked is None:
            return
        cfg, removed = picked
        if removed:
            self.notify("This config is marked for removal: press x to keep it first.", timeout=4)
            return
        if not any(k in cfg.config for k in ("password", "oauth", "cluster_auth_ref")):
            self.notify("This kind of auth config cannot be edited here.", timeout=4)
            return

        def done(entry: AuthEntry | None) -> None:
            if entry is not None:
                cfg.config = config_from_entry(entry, cfg.config)
                self._fill_auth()

        self.app.push_screen(EditAuthEditor(entry_from_config(cfg.config),
                                            existing=cfg.config_id is not None), done)

    def action_auth_tls(self) -> None:
        picked = self._auth_selected()
        if picked is None:
            return
        cfg, removed = picked
        if removed or "oauth" not in cfg.config:
            self.notify("TLS belongs to an OAuth config: highlight one.", timeout=4)
            return

        def done(tls: dict | None) -> None:
            if tls is not None:
                cfg.config = copy.deepcopy(cfg.config)
                cfg.config["oauth"]["tls"] = tls
                self._fill_auth()

        self.app.push_screen(TlsDialog(cfg.config["oauth"].get("tls") or {}), done)

    def action_auth_remove(self) -> None:
        picked = self._auth_selected()
        if picked is None:
            return
        cfg, removed = picked
        if removed:  # restore it as the server has it
            from ccm_tui.service.account_update import EditedAuthConfig

            original = (self.original.auth_configs or {})[cfg.config_id]
            self.edit.auth_configs.append(EditedAuthConfig(copy.deepcopy(original), cfg.config_id))
        else:
            self.edit.auth_configs.remove(cfg)
        self._fill_auth()
