"""Logo and certificate previews, off the event loop.

A preview reads a file the operator names (up to 128 KiB for a logo, a PEM bundle for a
certificate) and decodes it (Pillow, cryptography): on a slow or hung filesystem that would
freeze every keystroke if it ran on the event loop. So a path change only marks its preview
*wanted* and clears what was shown for the old path; one exclusive worker (group
``wizard-preview``) waits ``PREVIEW_DELAY`` (a burst of keystrokes restarts it: debounce),
then reads and decodes every wanted preview in a thread, and shows each result only if its
field still holds the path it was computed for. A preview for an old path is never shown.

Targets: ``"logo"`` (the Logo step) and ``"tls<i>"`` (pinned CA and client certificate
files of OAuth config ``i`` on the TLS step).
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Input

from ccm_tui.screens.wizard.steps import LOGO, TLS

#: Seconds without a path change before a preview is computed.
PREVIEW_DELAY = 0.2

LOGO_TARGET = "logo"


@dataclass(frozen=True)
class LogoResult:
    """What the Logo step shows for one path (built off the event loop)."""

    info: str = ""
    #: The field error: None leaves it as it is (a path that is not a file yet, mid-typing).
    error: str | None = None
    image: Text | str = ""


@dataclass(frozen=True)
class CertResult:
    """Certificate lines for the pinned CA field and the client certificate field."""

    pinned: list[str] = field(default_factory=list)
    cert: list[str] = field(default_factory=list)


def logo_preview(path: str) -> LogoResult:
    """Read and decode a logo file (blocking: call it from a thread)."""
    from ccm_tui.files import read_logo_file as read_logo
    from ccm_tui.widgets.wizard_logo import preview_renderable

    path = path.strip()
    if not path:
        return LogoResult(error="")
    if not Path(path).expanduser().is_file():
        return LogoResult()
    try:
        b64, meta = read_logo(path)
    except ValueError as exc:
        return LogoResult(error=f"⚠ {exc}")
    dims = f", {meta.width}×{meta.height} px" if meta.width and meta.height else ""
    return LogoResult(
        info=f"{meta.kind.upper()}, {meta.size:,} bytes{dims}",
        error="",
        image=preview_renderable(base64.b64decode(b64), meta.kind),
    )


def cert_lines(paths: list[str]) -> list[str]:
    """One line per certificate in the files that exist and parse (blocking)."""
    from ccm_tui.safetext import visible
    from ccm_tui.files import read_cert_file as read_cert

    lines: list[str] = []
    for p in paths:
        if not Path(p).expanduser().is_file():
            continue
        try:
            _, infos = read_cert(p)
        except ValueError:
            continue
        for ci in infos:
            flag = "  ⚠ EXPIRED" if ci.expired else ""
            lines.append(visible(f"{ci.subject} · expires {ci.not_after:%Y-%m-%d}{flag}"))
    return lines


def split_paths(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def compute(inputs: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """Every wanted preview, from the paths snapshotted on the loop (blocking)."""
    out: dict[str, Any] = {}
    for target, paths in inputs.items():
        if target == LOGO_TARGET:
            try:
                out[target] = logo_preview(paths[0])
            except Exception as exc:  # noqa: BLE001 - a preview never takes the wizard down
                why = type(exc).__name__
                out[target] = LogoResult(error=f"⚠ cannot preview this file ({why})")
        else:
            pinned, cert = paths
            try:
                out[target] = CertResult(
                    cert_lines(split_paths(pinned)), cert_lines(split_paths(cert)[:1])
                )
            except Exception:  # noqa: BLE001
                out[target] = CertResult()
    return out


class PreviewMixin:
    """WizardScreen's previews (the screen calls :meth:`request_preview` on a path change)."""

    _previews_wanted: set[str]

    def request_preview(self, target: str) -> None:
        """The path(s) of ``target`` changed: clear its preview now, compute it soon."""
        screen: Any = self
        self._previews_wanted.add(target)
        self._clear_preview(target)
        screen._run_previews()

    def previews_settled(self) -> bool:
        """True when every preview shown is the one of its field's current path."""
        return not self._previews_wanted

    def _preview_inputs(self, target: str) -> tuple[str, ...] | None:
        """The paths ``target`` previews, as its fields hold them now (None: gone)."""
        screen: Any = self
        if target == LOGO_TARGET:
            found = screen.query("#logo-path")
            return (found.first(Input).value.strip(),) if found else None
        i = target[3:]
        pinned, cert = screen.query(f"#tls{i}-pinned"), screen.query(f"#tls{i}-cert")
        if not pinned or not cert:
            return None
        return (pinned.first(Input).value, cert.first(Input).value)

    def _clear_preview(self, target: str) -> None:
        screen: Any = self
        if target == LOGO_TARGET:
            screen.pane(LOGO).show_preview(LogoResult())
        else:
            pane = screen.pane(TLS)
            if pane.query(f"#{target}-pinned-info"):
                pane.show_cert_lines(int(target[3:]), CertResult())

    def _apply_preview(self, target: str, result: Any) -> None:
        screen: Any = self
        if target == LOGO_TARGET:
            screen.pane(LOGO).show_preview(result)
        else:
            screen.pane(TLS).show_cert_lines(int(target[3:]), result)

    @work(exclusive=True, group="wizard-preview", exit_on_error=False)
    async def _run_previews(self) -> None:
        await asyncio.sleep(PREVIEW_DELAY)  # a newer path change cancels this: debounce
        inputs: dict[str, tuple[str, ...]] = {}
        for target in sorted(self._previews_wanted):
            paths = self._preview_inputs(target)
            if paths is None:
                self._previews_wanted.discard(target)
            else:
                inputs[target] = paths
        if not inputs:
            return
        results = await asyncio.to_thread(compute, inputs)
        again = False
        for target, paths in inputs.items():
            # A change since the snapshot has cancelled this worker already (its own worker
            # runs next); the check keeps a stale result off the screen whatever the order.
            if self._preview_inputs(target) == paths:
                self._apply_preview(target, results[target])
                self._previews_wanted.discard(target)
            else:
                again = True
        if again:
            screen: Any = self
            screen._run_previews()
