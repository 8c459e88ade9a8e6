"""Helpers shared by the wizard tests (imported as a plain module, like tui_helpers)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

SIZE = (80, 24)


async def wait_for(pilot, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until ``predicate()`` holds (workers, screen switches); the wizard's
    steps get a longer time limit than tui_helpers.until's default."""
    from tui_helpers import until

    await until(pilot, predicate, timeout)


async def open_wizard(pilot):
    """From the start, wait for the accounts list to finish loading, then press ``n``.

    Waiting for the load (not only for the screen) keeps the first frames deterministic on a
    loaded machine: the list's reload never races the wizard's first paint."""
    from tui_helpers import accounts_ready

    from ccm_tui.screens.wizard import WizardScreen

    app = pilot.app
    await wait_for(pilot, lambda: accounts_ready(app))
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
    await pilot.pause()
    return app.screen


async def previews_shown(pilot, wiz) -> None:
    """Wait until the logo / certificate previews show the paths now in their fields (they
    are read and decoded off the event loop, after a short debounce). The pause first lets
    a just-set field's Changed message arrive."""
    await pilot.pause()
    await wait_for(pilot, wiz.previews_settled)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[_key(c) for c in text])


def _key(ch: str) -> str:
    names = {" ": "space", ".": "full_stop", "/": "slash", ":": "colon", "-": "minus",
             "_": "underscore", ",": "comma"}
    return names.get(ch, ch)


def error_text(screen, path_key: str) -> str:
    """The text of the visible error label ``#err-<key>`` in the current pane."""
    pane = screen.pane(screen.step)
    labels = pane.query(f"#err-{path_key}")
    return getattr(labels.first(), "text", "") if labels else ""


# ---- files made in the test ---------------------------------------------------------------
def tiny_png(path: Path, size=(4, 4), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def make_cert(path: Path, cn: str, *, days: int = 365, key_path: Path | None = None,
              expired: bool = False, not_after: dt.datetime | None = None) -> tuple[bytes, bytes]:
    """A self-signed EC certificate (PEM) and its key (PEM), written to disk."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = dt.datetime(2020, 1, 1, tzinfo=dt.UTC) if expired else dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(not_after or now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(cert_pem)
    if key_path is not None:
        key_path.write_bytes(key_pem)
    return cert_pem, key_pem


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
