"""How an account is shown: grouped fields, the auth-config tree and the raw JSON (redacted)."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
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


class RenderedOnce:
    """A rich renderable whose segments are computed once per width and reused.

    Textual renders a Static's rich content twice for its first frame (once to measure its
    height, once to paint it); a grid of ~25 rows is the details screen's costliest part.
    The segments depend only on the width here (a Table lays its cells out with their own
    options), so both passes share one rendering."""

    def __init__(self, renderable: Table) -> None:
        self.renderable = renderable
        self._segments: dict[tuple[Any, ...], list[Segment]] = {}

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (options.max_width, options.min_width, options.justify, options.overflow,
               options.no_wrap, options.highlight, options.markup)
        segments = self._segments.get(key)
        if segments is None:
            segments = self._segments[key] = list(console.render(self.renderable, options))
        yield from segments


def groups_table(groups: list[tuple[str, list[tuple[str, Any]]]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for index, (title, rows) in enumerate(groups):
        if index:
            table.add_row("", "")
        table.add_row(Text(title, style="bold underline"), "")
        for label, value in rows:
            # A str cell of a rich Table is parsed as markup: every value is outside text.
            table.add_row(f"  {label}", value if isinstance(value, Text) else safe_text(value))
    return table


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
