#!/usr/bin/env python3
"""Regenerate the README screenshots in ``screenshots/`` from the REAL console.

    uv run python scripts/screenshots.py                 # SVG (+ PNG when a converter exists)
    uv run --with cairosvg python scripts/screenshots.py # PNG through cairosvg (needs libcairo2)
    uv run python scripts/screenshots.py --no-png --out /tmp/shots

The app runs headless (``App.run_test(size=(100, 30))``) against the embedded emulator through
an in-process ASGI transport (no socket, nothing leaves the process) with the demo data, a
fixed clock, seeded ids and TZ=UTC, so every run draws the same pictures. Keys are pressed
with Pilot as an operator would; long field values are filled in directly.

PNG renders are optional: ``cairosvg`` (importable) or ``rsvg-convert`` (Debian
librsvg2-bin) on PATH; without either only SVGs are written and a note says so.

Secrets: the OAuth client secret typed into the wizard is a fake, the field masks it, and the
script fails if it (or the login password, the session token or a private key) appears in
any SVG it wrote.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SIZE = (100, 30)
CLOCK_START = 1_767_268_800  # 2026-01-01 12:00:00 UTC
ID_SEED = 2024
SERVER = "http://127.0.0.1:8000"  # what --demo shows; the transport is in-process
FAKE_CLIENT_SECRET = "fake-client-secret-Zq81"  # typed into the masked field, must never show
NEW_ACCOUNT = "Payments (disaster recovery)"

#: (file stem, caption) in the order they are taken; the README list is built from this.
CAPTIONS: dict[str, str] = {
    "01-login": "Login: server, email, masked password (ctrl+t switches to a pasted SSO token).",
    "02-accounts": "Accounts: your roles (API names and Administrator/Editor/Viewer), membership "
                   "status, account status, component, created (local time).",
    "03-filter": "`/` filters as you type (name, id, role, status…).",
    "04-details": "Account details: identity, my roles and status, enrollment, totals.",
    "05-details-auth": "Details, further down: the auth configs as a tree (password, OAuth with "
                       "TLS and CA); secrets are never shown.",
    "06-wizard-basics": "New-account wizard, step 1 Basics: name, component, node enrollment.",
    "07-wizard-logo": "Step 2 Logo: type, size, dimensions and a small preview.",
    "08-wizard-oauth-editor": "Step 3 Authentication: the OAuth editor (client secret masked).",
    "09-wizard-auth": "Step 3 Authentication: password (2FA), OAuth and a cluster auth reference.",
    "10-wizard-tls": "Step 4 TLS: required, hostname validation, pinned CA (subject and expiry), "
                     "client certificate and key.",
    "11-wizard-review": "Step 5 Review: everything on one page and the exact JSON to be sent "
                        "(secrets masked).",
    "12-created": "Submit succeeded: the new account's details open.",
    "13-accounts-after": "Back on the list: the new account with your roles and status.",
    "14-help": "`?` / F1: the keys of the current screen.",
    "15-members": "`m`: the members of an account — roles, membership status (a pending "
                  "invitation, a disabled member), email verified, last login; your row marked.",
    "16-members-invite": "`a` invites: email, roles with what each may do, optional names.",
    "17-members-review": "Invite review: the exact InviteUserRequest before it is sent.",
    "18-members-last-manager": "Guard rail: the last active MANAGER cannot be demoted, disabled "
                               "or removed — refused before anything is sent.",
    "22-request-log": "`L` (or \"Request log\" in the palette): this session's requests — time, "
                      "method, path, status, duration, request id.",
    "23-request-detail": "`Enter` on a request: headers and bodies with the password, the Basic "
                         "header and the token masked; `y` copies it as curl with $CCM_TOKEN.",
}


# ---- deterministic setup --------------------------------------------------------------------
def fixed_environment(home: Path) -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    os.environ["CCM_TUI_HOME"] = str(home)  # config, drafts and logs in a throwaway folder
    os.environ.pop("NO_COLOR", None)
    os.environ.setdefault("TERM", "xterm-256color")
    os.environ.setdefault("COLORTERM", "truecolor")


def make_files(folder: Path) -> None:
    """A logo and certificates (fixed names, dates and subjects) for the wizard."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (48, 24), (18, 52, 110))
    draw = ImageDraw.Draw(img)
    draw.ellipse((3, 3, 21, 21), fill=(240, 180, 40))
    draw.rectangle((26, 6, 44, 9), fill=(235, 235, 235))
    draw.rectangle((26, 14, 39, 17), fill=(150, 190, 235))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    (folder / "logo.png").write_bytes(buf.getvalue())

    start = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)

    def cert(cn: str, org: str, years: int, stem: str, keep_key: bool) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])
        c = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
             .public_key(key.public_key()).serial_number(1000 + years)
             .not_valid_before(start).not_valid_after(start.replace(year=start.year + years))
             .sign(key, hashes.SHA256()))
        (folder / f"{stem}.pem").write_bytes(c.public_bytes(serialization.Encoding.PEM))
        if keep_key:
            (folder / f"{stem}.key").write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))

    cert("Acme Corporate Root CA", "Acme", 10, "acme-root-ca", keep_key=False)
    cert("ccm-payments-dr", "Acme", 2, "client", keep_key=True)


# ---- driving the app ------------------------------------------------------------------------
async def settle(pilot: Any, until: Callable[[], bool] = lambda: True, timeout: float = 20.0) -> None:
    """Let workers finish and the screen repaint until ``until()`` holds."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if until():
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"screenshots: gave up waiting on {type(app.screen).__name__}")
        await pilot.pause(0.05)
    await pilot.pause()


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*text)


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: list[Path] = []

    async def shot(self, pilot: Any, stem: str) -> None:
        await pilot.pause()
        name = f"{stem}.svg"
        pilot.app.save_screenshot(filename=name, path=str(self.out))
        self.files.append(self.out / name)
        print(f"  {name}")


async def login_shot(shooter: Shooter, emulator_app: Any) -> None:
    import httpx

    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL

    app = create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
                     transport=httpx.ASGITransport(app=emulator_app))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await shooter.shot(pilot, "01-login")


async def tour(shooter: Shooter, emulator_app: Any) -> list[str]:
    """The main walk-through. Returns the secrets that must not appear (the session token)."""
    import httpx
    from textual.widgets import Checkbox, Input, RadioButton

    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.screens.help import HelpScreen
    from ccm_tui.screens.wizard import WizardScreen
    from ccm_tui.screens.wizard.modals import AuthEditor

    app = create_app(
        settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
        transport=httpx.ASGITransport(app=emulator_app),
        password=DEMO_PASSWORD,
        demo=True,  # the DEMO marker; no credentials toast (it would show the demo password)
    )
    secrets: list[str] = []

    def on(screen_type: type) -> Callable[[], bool]:
        return lambda: isinstance(app.screen, screen_type)

    def accounts_loaded() -> bool:
        s = app.screen
        return isinstance(s, AccountsScreen) and s.loaded and not s.query_one("#accounts-busy").display

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, accounts_loaded)
        token = getattr(app.session.client, "access_token", None)
        if token is not None:
            secrets.append(token.get_secret_value())
        # select "Payments (prod)" for the session so the header shows an account
        table = app.screen.table
        rows = [r.name for r in table.rows]
        await pilot.press(*["down"] * rows.index("Payments (prod)"))
        await pilot.press("s")
        await settle(pilot, lambda: app.selected_account_name == "Payments (prod)")
        await shooter.shot(pilot, "02-accounts")

        await pilot.press("slash")
        await type_text(pilot, "pay")
        await settle(pilot, lambda: len(app.screen.table.rows) < len(rows))
        await shooter.shot(pilot, "03-filter")

        await pilot.press("enter")  # the filter field hands over to the table
        await settle(pilot)
        if not isinstance(app.screen, AccountDetailsScreen):
            await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                     and app.screen.account is not None and app.screen.account.totals is not None)
        await shooter.shot(pilot, "04-details")
        app.screen.query_one("#details-body").scroll_to_widget(
            app.screen.query_one("#auth-title"), top=True, animate=False)
        await settle(pilot)
        await shooter.shot(pilot, "05-details-auth")
        await pilot.press("escape")
        await settle(pilot, on(AccountsScreen))
        await pilot.press("escape")  # clear the filter
        await settle(pilot, accounts_loaded)

        # ---- the wizard ----
        await pilot.press("n")
        await settle(pilot, on(WizardScreen))
        wiz = app.screen
        await type_text(pilot, NEW_ACCOUNT)
        await settle(pilot)
        await shooter.shot(pilot, "06-wizard-basics")
        await pilot.press("enter")
        await settle(pilot, lambda: wiz.step == 1)
        await type_text(pilot, "logo.png")
        await settle(pilot, wiz.previews_settled)  # the logo is read off the event loop
        await shooter.shot(pilot, "07-wizard-logo")
        await pilot.press("enter")
        await settle(pilot, lambda: wiz.step == 2)

        await pilot.press("a")  # password config: require 2FA
        await settle(pilot, on(AuthEditor))
        app.screen.query_one("#require_2fa", Checkbox).value = True
        await pilot.press("ctrl+o")
        await settle(pilot, on(WizardScreen))

        await pilot.press("o")  # OAuth config
        await settle(pilot, on(AuthEditor))
        editor = app.screen
        values = {
            "idp_name": "Okta",
            "idp_icon_url": "https://acme.okta.example/favicon.png",
            "idp_authorization_endpoint": "https://acme.okta.example/oauth2/v1/authorize",
            "idp_token_endpoint": "https://acme.okta.example/oauth2/v1/token",
            "idp_userinfo_endpoint": "https://acme.okta.example/oauth2/v1/userinfo",
            "client_id": "ccm-payments-dr",
        }
        for field, value in values.items():
            editor.query_one(f"#{field}", Input).value = value
        editor.query_one("#client_secret", Input).focus()
        await type_text(pilot, FAKE_CLIENT_SECRET)
        editor.query_one("#idp_requires_basic_auth", Checkbox).value = True
        editor.query_one("#auth-editor-body").scroll_end(animate=False)
        await settle(pilot)
        await shooter.shot(pilot, "08-wizard-oauth-editor")
        await pilot.press("ctrl+o")
        await settle(pilot, on(WizardScreen))

        await pilot.press("c")  # cluster auth reference
        await settle(pilot, on(AuthEditor))
        app.screen.query_one("#target_id", Input).value = "7d7a5f0e-3c1b-4a55-9d1e-2f6c8b0a4e19"
        await pilot.press("ctrl+o")
        await settle(pilot, on(WizardScreen))
        await shooter.shot(pilot, "09-wizard-auth")
        await pilot.press("enter")
        await settle(pilot, lambda: wiz.step == 3)

        i = wiz.form.oauth_indexes[0]
        wiz.query_one(f"#tls{i}-ca-pinned", RadioButton).value = True
        await settle(pilot)
        wiz.query_one(f"#tls{i}-pinned", Input).value = "acme-root-ca.pem"
        wiz.query_one(f"#tls{i}-cert", Input).value = "client.pem"
        wiz.query_one(f"#tls{i}-key", Input).value = "client.key"
        wiz.pane(3).focus()
        await settle(pilot, wiz.previews_settled)  # certificates are read off the event loop
        await shooter.shot(pilot, "10-wizard-tls")
        await pilot.press("enter")
        await settle(pilot, lambda: wiz.step == 4)
        await shooter.shot(pilot, "11-wizard-review")

        await pilot.press("enter")  # submit
        await settle(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                     and app.screen.account is not None and app.screen.account.name == NEW_ACCOUNT)
        await shooter.shot(pilot, "12-created")
        await pilot.press("escape")
        await settle(pilot, lambda: accounts_loaded()
                     and any(r.name == NEW_ACCOUNT for r in app.screen.table.rows))
        await shooter.shot(pilot, "13-accounts-after")

        await pilot.press("question_mark")
        await settle(pilot, on(HelpScreen))
        await shooter.shot(pilot, "14-help")
    return secrets


async def members_shots(shooter: Shooter, emulator_app: Any) -> None:
    """The Members screen (issue 13) on "Payments (staging)", where the demo user is the only
    active MANAGER: the list, the invite dialog and its review, and a refused demotion."""
    import httpx

    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.members import MembersScreen
    from ccm_tui.screens.members_dialogs import RolesDialog

    app = create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
                     transport=httpx.ASGITransport(app=emulator_app), password=DEMO_PASSWORD,
                     demo=True)

    def members_loaded() -> bool:
        s = app.screen
        return isinstance(s, MembersScreen) and s.loaded and not s.query_one("#members-busy").display

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, AccountsScreen) and app.screen.loaded)
        rows = [r.name for r in app.screen.table.rows]
        await pilot.press(*["down"] * rows.index("Payments (prod)"), "m")
        await settle(pilot, members_loaded)
        await shooter.shot(pilot, "15-members")
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, RolesDialog))
        await type_text(pilot, "new.person@example.com")
        await pilot.press("tab", "tab", "space")
        await settle(pilot)
        await shooter.shot(pilot, "16-members-invite")
        await pilot.press("ctrl+o")
        await settle(pilot, lambda: app.screen.stage == "review")
        await shooter.shot(pilot, "17-members-review")
        await pilot.press("escape", "escape", "escape")  # review -> form -> closed -> accounts
        await settle(pilot, lambda: isinstance(app.screen, AccountsScreen))
        rows = [r.name for r in app.screen.table.rows]
        cursor = app.screen.table.cursor
        steps = rows.index("Payments (staging)") - cursor
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "m")
        await settle(pilot, members_loaded)
        await pilot.press("slash")
        await type_text(pilot, "demo@")
        await pilot.press("enter", "d")  # your own row: the last active MANAGER
        await settle(pilot)
        await shooter.shot(pilot, "18-members-last-manager")


async def lifecycle_shots(shooter: Shooter, emulator_app: Any) -> None:
    """Edit and delete (issue 12) on the demo data: the PCR pane after a reorder, the editor's
    Review (before/after and the exact AccountUpdateRequest), and the delete dialog. Nothing is
    sent: each is left with Esc."""
    import httpx

    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
    from ccm_tui.screens.account_editor import AccountEditorScreen
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.lifecycle import DeleteDialog

    app = create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
                     transport=httpx.ASGITransport(app=emulator_app), password=DEMO_PASSWORD,
                     demo=True)

    def accounts_loaded() -> bool:
        return isinstance(app.screen, AccountsScreen) and app.screen.loaded

    async def go_to(name: str) -> None:
        await settle(pilot, accounts_loaded)
        table = app.screen.table
        table.move_cursor(next(i for i, r in enumerate(table.rows) if r.name == name))
        await settle(pilot)

    async with app.run_test(size=SIZE) as pilot:
        await go_to("Payments (prod)")
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, AccountEditorScreen)
                     and app.screen.original is not None and bool(app.screen.query("#pcr-list")))
        await pilot.press("end")
        await type_text(pilot, " (EU)")
        await pilot.press("tab", "4")
        await settle(pilot, lambda: app.screen.query_one("#pcr-list").has_focus)
        await pilot.press("j", "j", "j", "j", "K", "K", "K", "K")
        await settle(pilot)
        await shooter.shot(pilot, "19-edit-pcr")
        await pilot.press("ctrl+o")
        await settle(pilot, lambda: "AccountUpdateRequest to be sent" in str(
            app.screen.query_one("#review-changes").render()) or bool(app.screen.query("#send")))
        await shooter.shot(pilot, "20-edit-review")
        await pilot.press("escape", "escape")
        await settle(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        await go_to("Edge lab (test nodes)")
        await pilot.press("ctrl+d")
        await settle(pilot, lambda: isinstance(app.screen, DeleteDialog))
        await type_text(pilot, "Edge lab")
        await settle(pilot)
        await shooter.shot(pilot, "21-delete-confirm")
        await pilot.press("escape")
        await settle(pilot, accounts_loaded)


async def requestlog_shots(shooter: Shooter, emulator_app: Any) -> list[str]:
    """The request log after a login, a listing and one account's details, and the login
    request in detail (its Basic header and the token of its answer masked)."""
    import httpx

    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.screens.requestlog import RequestDetailScreen, RequestLogScreen

    app = create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
                     transport=httpx.ASGITransport(app=emulator_app), password=DEMO_PASSWORD,
                     demo=True)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, AccountsScreen) and app.screen.loaded)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                     and app.screen.account is not None)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await pilot.press("L")
        await settle(pilot, lambda: isinstance(app.screen, RequestLogScreen) and bool(app.screen.records))
        await shooter.shot(pilot, "22-request-log")
        screen = app.screen
        login = next(i for i, r in enumerate(screen.records) if r.path == "/v1/sys/auth")
        screen.table.move_cursor(row=login, animate=False)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        await shooter.shot(pilot, "23-request-detail")
        token = app.session.client.access_token
        return [token.get_secret_value()] if token is not None else []


# ---- checks and PNG ---------------------------------------------------------------------------
def check_no_secrets(files: list[Path], secrets: list[str]) -> None:
    from ccm_tui.emulator import DEMO_PASSWORD

    banned = [s for s in [FAKE_CLIENT_SECRET, DEMO_PASSWORD, "PRIVATE KEY", *secrets] if s]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for secret in banned:
            if secret in text:
                raise SystemExit(f"screenshots: a secret appears in {path.name}; nothing published")


def mono_family() -> str:
    """The machine's monospace font family (the SVGs ask for Fira Code, which renderers
    without web fonts replace by a proportional font, breaking the columns)."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run([fc_match, "-f", "%{family}", "monospace"], capture_output=True,
                                   text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found:
            return found.split(",")[0]
    return "monospace"


def svg_for_render(svg: Path, family: str) -> bytes:
    text = svg.read_text(encoding="utf-8")
    return text.replace('"Fira Code"', f'"{family}"').replace("Fira Code,", f"{family},").encode()


def png_converter() -> tuple[str, Callable[[Path, Path], None]] | None:
    family = mono_family()
    try:
        import cairosvg  # type: ignore[import-not-found]
    except (ImportError, OSError):  # OSError: the package is there but libcairo2 is not
        cairosvg = None
    if cairosvg is not None:
        def with_cairo(svg: Path, png: Path) -> None:
            cairosvg.svg2png(bytestring=svg_for_render(svg, family), write_to=str(png),
                             output_width=1400)

        return "cairosvg", with_cairo
    rsvg = shutil.which("rsvg-convert")
    if rsvg:
        def with_rsvg(svg: Path, png: Path) -> None:
            subprocess.run([rsvg, "--width", "1400", "--keep-aspect-ratio", "-o", str(png)],
                           input=svg_for_render(svg, family), check=True)

        return "rsvg-convert", with_rsvg
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots", help="output folder")
    parser.add_argument("--no-png", action="store_true", help="write SVGs only")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="ccm-shots-") as tmp:
        work = Path(tmp)
        fixed_environment(work / "home")
        make_files(work)
        os.chdir(work)  # the wizard shows file names relative to here

        from ccm_tui.emulator import ManualClock, create_app

        shooter = Shooter(out)
        print(f"screenshots -> {out}")
        emulator_app = create_app(demo_data=True, clock=ManualClock(CLOCK_START), id_seed=ID_SEED)
        asyncio.run(login_shot(shooter, emulator_app))
        secrets = asyncio.run(tour(shooter, emulator_app))
        asyncio.run(members_shots(shooter, emulator_app))
        asyncio.run(lifecycle_shots(shooter, emulator_app))
        secrets += asyncio.run(requestlog_shots(shooter, emulator_app))
    check_no_secrets(shooter.files, secrets)

    if args.no_png:
        return 0
    converter = png_converter()
    if converter is None:
        print("note: SVG only — no PNG converter found (install librsvg2-bin for rsvg-convert, "
              "or run with `uv run --with cairosvg`; cairosvg needs libcairo2)")
        return 0
    name, convert = converter
    for svg in shooter.files:
        convert(svg, svg.with_suffix(".png"))
    print(f"  PNGs written with {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
