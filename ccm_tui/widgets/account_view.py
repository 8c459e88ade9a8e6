"""How an account is shown: grouped fields, the auth-config tree and the raw JSON (redacted)."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text, TextType
from textual.widgets import Tree

from ccm_tui.models.enums import role_words
from ccm_tui.redaction import redact
from ccm_tui.safetext import json_text
from ccm_tui.widgets.safe import plain_label, safe_text

SECRET_MASK = "••••••"


def local_time(ts: int | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not ts:
        return "—"
    return time.strftime(fmt, time.localtime(ts))


def roles_words(roles: list[Any] | None) -> str:
    """"MANAGER (Administrator), READER (Viewer)"."""
    return role_words(roles, "both", sep=", ", empty="none")


def logo_summary(b64: str | None) -> str:
    if not b64:
        return "none"
    try:
        data = base64.b64decode(b64, validate=False)
    except (binascii.Error, ValueError):
        return "present (not valid base64)"
    head = data[:512].lstrip().lower()
    if data.startswith(b"\x89PNG"):
        kind = "PNG"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "JPEG"
    elif b"<svg" in head:
        kind = "SVG"
    else:
        kind = "unknown type"
    return f"{kind}, {len(data):,} bytes"


def enrollment_text(account: Any) -> Text:
    ne = getattr(account, "node_enrollment", None)
    disabled = getattr(ne, "attestation_enforcement_disabled_insecure", None)
    if disabled is True:
        return Text("attestation enforcement DISABLED (INSECURE): nodes join unattested",
                    style="bold white on red")
    if disabled is False:
        return Text("attestation enforced")
    return Text("not reported")


def field_groups(account: Any, *, totals_loading: bool = False) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The account's fields grouped for display: [(group, [(label, value)])]."""
    totals = getattr(account, "totals", None)
    if totals is not None:
        totals_rows: list[tuple[str, Any] | None] = [
            ("datasets", str(totals.datasets if totals.datasets is not None else "—")),
            ("final workflows", str(totals.final_workflows if totals.final_workflows is not None else "—")),
            ("nodes", str(totals.nodes if totals.nodes is not None else "—")),
        ]
    else:
        totals_rows = [("totals", "loading…" if totals_loading else "not reported")]
    pcr = account.azure_cvm_pcr_priority
    groups: list[tuple[str, list[tuple[str, Any] | None]]] = [
        ("Identity", [
            ("name", account.name or "—"),
            ("id", account.acct_id),
            ("created", local_time(account.created_at)),
        ]),
        ("My membership", [
            ("my roles", roles_words(account.roles)),
            ("my status", str(account.status or "—")),
        ]),
        ("Account", [
            ("account status", str(account.account_status or "—")),
            ("component", str(account.component or "—")),
            ("approval", str(account.approval_state)) if account.approval_state else None,
            ("default group", account.default_group_id) if account.default_group_id else None,
            ("marketplace group", account.marketplace_group_id) if account.marketplace_group_id else None,
        ]),
        ("Node enrollment", [("enrollment", enrollment_text(account))]),
        ("Totals", totals_rows),
        ("Other", [
            ("PCR priority", " ".join(str(p) for p in pcr) if pcr else "—"),
            ("logo", logo_summary(account.custom_logo)),
        ]),
    ]
    return [(title, [r for r in rows if r is not None]) for title, rows in groups]


class FieldGrid:
    """The account's grouped fields as two columns: each label (bold, never wrapped) and its
    value (wrapped at words, a word longer than the column folded), the value's further
    lines under the value column; a group's title (bold, underlined) on a line of its own,
    a blank line between groups.

    What ``rich.table.Table.grid`` drew, written out: the table measured and laid out every
    cell on each pass (~10 ms a frame at ~20 rows, the costliest part of the details' first
    frame, which a submit waits for). The lines depend only on the width and are kept per
    width: Textual renders a Static twice for its first frame (its height, then its lines)."""

    def __init__(self, groups: list[tuple[str, list[tuple[str, Any]]]]) -> None:
        self.rows: list[tuple[Text, Text] | None] = []  # None: the blank line between groups
        for index, (title, rows) in enumerate(groups):
            if index:
                self.rows.append(None)
            self.rows.append((Text(title, style="bold underline"), Text()))
            for label, value in rows:
                # Every value is outside text: a str is never read as markup.
                cell = value if isinstance(value, Text) else safe_text(value)
                self.rows.append((Text(f"  {label}", style="bold"), cell))
        cells = [row for row in self.rows if row is not None]
        self.label_width = max((label.cell_len for label, _ in cells), default=0)
        self.value_width = max((value.cell_len for _, value in cells), default=0)
        self._lines: dict[int, list[Segment]] = {}

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = self.label_width + 1 + self.value_width
        least = min(self.label_width + 2, widest)
        return Measurement(least, widest).clamp(max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines = self._lines.get(width)
        if lines is None:
            lines = self._lines[width] = self._render(console, width)
        yield from lines

    def _render(self, console: Console, width: int) -> list[Segment]:
        label_width = min(self.label_width, max(0, width - 2))
        value_width = max(1, min(self.value_width, width - label_width - 1))
        blank = Segment(" " * (label_width + 1))
        out: list[Segment] = []
        newline = Segment.line()
        for row in self.rows:
            if row is None:
                out.append(newline)
                continue
            label, value = row
            label = label.copy()
            label.truncate(label_width, overflow="ellipsis", pad=True)
            label.append(" ")  # the gap, in the label's style (as the grid's cell padding was)
            lines = value.wrap(console, value_width, overflow="fold") if value else [Text()]
            for index, line in enumerate(lines):
                if index:
                    out.append(blank)
                else:
                    out.extend(_segments(console, label))
                out.extend(_segments(console, line))
                out.append(newline)
        return out


def _segments(console: Console, text: Text) -> list[Segment]:
    """A one-line Text's segments with its own style beneath its spans' (``Text.render``
    leaves the Text's base style out; ``Text.__rich_console__`` adds it when joining lines)."""
    segments = text.render(console)
    if not text.style:
        return list(segments)
    return list(Segment.apply_style(segments, console.get_style(text.style)))


class AuthTree(Tree):
    """The auth-config tree: its ``str`` labels hold server strings (IdP names, client ids,
    endpoints, target ids, config ids) and are shown as plain text, never as markup."""

    def process_label(self, label: TextType) -> Text:
        return plain_label(label)


def client_cert_text(cert: Any) -> str:
    """What the server says of a TLS client certificate: its subject and expiry (from the
    certificate itself), "none" when there is none."""
    if not cert:
        return "none"
    from ccm_tui.models.pem import PemError, cert_infos_b64
    from ccm_tui.safetext import visible

    try:
        infos = cert_infos_b64(str(cert))
    except (PemError, ValueError):
        return "present (not a readable certificate)"
    first = infos[0]
    expired = " (EXPIRED)" if first.expired else ""
    return visible(f"{first.subject}, expires {first.not_after:%Y-%m-%d}{expired}")


def _describe_tls(node: Any, tls: dict[str, Any]) -> None:
    if not isinstance(tls, dict) or not tls:
        node.add_leaf("TLS: not set")
        return
    if "disabled" in tls:
        node.add_leaf(Text("TLS: disabled", style="bold red"))
    elif "opportunistic" in tls:
        node.add_leaf("TLS: opportunistic")
    elif "required" in tls:
        req = tls.get("required") or {}
        tls_node = node.add("TLS: required", expand=True)
        tls_node.add_leaf(f"validate hostname: {'yes' if req.get('validate_hostname') else 'NO'}")
        ca = req.get("ca") or {}
        if "ca_set" in ca:
            tls_node.add_leaf(f"CA: {ca['ca_set']}")
        elif "pinned" in ca:
            tls_node.add_leaf(f"CA: pinned ({len(ca.get('pinned') or [])} certificate(s))")
        else:
            tls_node.add_leaf("CA: not set")
        cert = req.get("client_cert")
        tls_node.add_leaf(Text(f"client certificate: {client_cert_text(cert)}"))
        if req.get("client_key"):
            tls_node.add_leaf(Text(f"client key: {SECRET_MASK} (hidden)"))
        elif cert:
            # The server never returns the key: say so, not "none" (it has one if a
            # certificate is set) and not a mask (we did not see it).
            tls_node.add_leaf(Text("client key: not returned by the server"))
    else:
        node.add_leaf(f"TLS: {', '.join(tls)}")


def fill_auth_tree(tree: Tree, auth_configs: dict[str, Any] | None) -> None:
    """Auth configs as a tree (password / OAuth with TLS and CA / cluster ref), redacted."""
    tree.clear()
    tree.root.expand()
    configs = redact(auth_configs or {})
    if not configs:
        tree.root.add_leaf("no authentication configs reported")
        return
    for config_id, config in configs.items():
        config = config or {}
        short = str(config_id)[:8]
        if "password" in config:
            pw = config.get("password") or {}
            node = tree.root.add(f"password  [{short}]", expand=True)
            node.add_leaf(f"require 2FA: {'yes' if pw.get('require_2fa') else 'no'}")
            node.add_leaf(f"administrators only: {'yes' if pw.get('administrators_only') else 'no'}")
        elif "oauth" in config:
            oa = config.get("oauth") or {}
            node = tree.root.add(f"OAuth {oa.get('idp_name') or ''}  [{short}]", expand=True)
            for key in ("idp_authorization_endpoint", "idp_token_endpoint", "idp_userinfo_endpoint",
                        "idp_icon_url", "client_id"):
                if oa.get(key):
                    node.add_leaf(f"{key}: {oa[key]}")
            secret = oa.get("client_secret")
            node.add_leaf(Text(f"client_secret: {SECRET_MASK + ' (hidden)' if secret else 'not returned by the server'}"))
            node.add_leaf(f"basic auth to IdP: {'yes' if oa.get('idp_requires_basic_auth') else 'no'}")
            _describe_tls(node, oa.get("tls") or {})
        elif "cluster_auth_ref" in config:
            ref = config.get("cluster_auth_ref") or {}
            tree.root.add_leaf(f"cluster auth ref → {ref.get('target_id', '?')}  [{short}]")
        else:
            tree.root.add_leaf(f"{', '.join(config) or 'empty'}  [{short}]")


def account_json(account: Any) -> str:
    """The raw account as received (unknown fields kept), secrets redacted."""
    return json_text(redact(account.raw()), indent=2, sort_keys=True)
