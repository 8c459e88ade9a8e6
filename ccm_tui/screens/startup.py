"""What ``run_app`` prepares before the first frame: settings from flags/env/profile, the
keymap and theme from the config. For ``--demo`` only the recipe of the in-process emulator:
``StartPlan.launch_demo()`` starts it (free loopback port) after the first frame, from a
thread of the console. Also the headless smoke run used by the packaging test. No requests
here."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StartPlan:
    settings: Any
    password: str | None = None
    token: str | None = None
    demo: bool = False
    demo_credentials: tuple[str, str] | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    server: Any = None  # the demo EmulatorServer, once launch_demo() started it
    demo_accounts: int = 0  # bulk "seed-account-N" accounts on top of the demo data
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _closed: bool = False

    def launch_demo(self) -> tuple[Any, tuple[str, str]]:
        """Start the demo emulator (blocking: call it from a thread); returns the
        connection settings and the demo (email, password)."""
        from ccm_tui.config import ConnectionSettings
        from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer

        emu = EmulatorServer(host="127.0.0.1", port=0, demo_data=True,
                             seed_accounts=self.demo_accounts)
        emu.start()
        with self._lock:
            if self._closed:  # the console quit while the server was starting
                emu.stop()
                raise RuntimeError("the console is closing")
            self.server = emu
        self.settings = ConnectionSettings(url=emu.url, email=DEMO_EMAIL)
        return self.settings, (DEMO_EMAIL, DEMO_PASSWORD)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            server, self.server = self.server, None
        if server is not None:
            server.stop()


def prepare_start(
    *,
    demo: bool,
    profile: str | None,
    server: str | None,
    email: str | None,
    token: str | None,
    ca_bundle: str | None,
    insecure: bool,
    env: Mapping[str, str],
) -> StartPlan:
    """Raises ccm_tui.config.ConfigError naming the flag/key at fault."""
    from ccm_tui.config import ConnectionSettings, load_config, resolve_settings

    config = load_config()
    if demo:
        # Nothing of the emulator is imported or started here: see StartPlan.launch_demo.
        return StartPlan(
            settings=None, demo=True, keymap=dict(config.keymap), theme=config.theme,
            demo_accounts=int(env.get("CCM_DEMO_ACCOUNTS", "0") or 0),
        )
    settings = resolve_settings(
        server, email, profile, ca_bundle, env, args_insecure=insecure, config=config,
        require_url=False,
    )
    password = env.get("CCM_PASSWORD") or None
    if not (settings.url and settings.email):
        password = None
    return StartPlan(
        settings=settings,
        password=password if not token else None,
        token=token,
        keymap=dict(config.keymap),
        theme=config.theme,
    )


async def smoke_run(create_app: Any, stylesheets: list[Any]) -> int:
    """Mount the console headless against an in-process emulator with two accounts;
    0 when every stylesheet loaded and the accounts table shows the rows."""
    import httpx

    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
    from ccm_tui.emulator import create_app as create_emulator
    from ccm_tui.screens.accounts import AccountsScreen

    if not stylesheets:
        print("smoke: no stylesheets found")
        return 1
    emulator = create_emulator(seed_accounts=2)
    transport = httpx.ASGITransport(app=emulator)
    app = create_app(
        settings=ConnectionSettings(url="http://127.0.0.1:9", email=DEMO_EMAIL),
        transport=transport,
        password=DEMO_PASSWORD,
    )
    ok = False
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
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
