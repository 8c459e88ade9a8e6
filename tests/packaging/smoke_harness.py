"""Headless smoke start of an *installed* ccm-tui (run by test_wheel.py with the wheel's venv
interpreter, from an unrelated directory, so the checkout cannot be imported).

Mounts the console against an in-process emulator with two accounts; exit status 0 when
every stylesheet loaded and the accounts table shows the two rows. Prints where ccm_tui was
imported from, so the test can check it is the installed wheel."""

from __future__ import annotations

import asyncio
import sys


async def smoke() -> int:
    import httpx

    import ccm_tui
    from ccm_tui.app import create_app, stylesheet_paths
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
    from ccm_tui.emulator import create_app as create_emulator
    from ccm_tui.screens.accounts import AccountsScreen

    print(f"smoke: ccm_tui from {ccm_tui.__file__}")
    stylesheets = stylesheet_paths()
    absent = [p for p in stylesheets if not p.is_file()]
    if not stylesheets or absent:
        print(f"smoke: stylesheets missing: {absent or 'none listed'}")
        return 1
    transport = httpx.ASGITransport(app=create_emulator(seed_accounts=2))
    app = create_app(settings=ConnectionSettings(url="http://127.0.0.1:9", email=DEMO_EMAIL),
                     transport=transport, password=DEMO_PASSWORD)
    ok = False
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):  # up to 10 s for the login and the first page
            await pilot.pause(0.05)
            screen = app.screen
            if isinstance(screen, AccountsScreen) and screen.loaded:
                ok = len(screen.table.rows) == 2
                break
        missing = [p for p in stylesheets if not app.stylesheet.has_source(str(p))]
        if missing:
            print(f"smoke: stylesheets not loaded: {missing}")
            ok = False
    print("smoke: ok" if ok else "smoke: the accounts table did not render")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(smoke()))
