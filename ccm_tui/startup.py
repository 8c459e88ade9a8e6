"""Start-up of the console, before and around the first frame (standard library only at
import: the CLI imports this module before textual, httpx or pydantic).

- :func:`trim_imports`: the ``sys.modules`` entries that keep httpx's command-line client and
  a missing ``sniffio`` from costing time; an explicit step, run once by the CLI before any
  command that talks HTTP, never as a side effect of importing ``api/client.py``.
- :func:`prepare_start` / :class:`StartPlan`: settings from flags, environment and profile;
  the keymap and theme from the config. No requests.
- ``--demo``: :meth:`StartPlan.spawn_demo` starts the embedded emulator in a **child
  process** (:func:`demo_child_main`) before textual is even imported, so starlette, uvicorn,
  sqlite and the seeding run on the other core while this process paints its first frame.
  The child's lifetime is tied to the console's: it exits when its stdin pipe reaches EOF,
  which happens when the console closes it at exit *or* when the console dies in any way
  (crash, SIGTERM, SIGKILL). Its password goes through the environment, never argv.
- :func:`run_console`: all of the above, then the Textual app.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import Any

#: How long the console waits for the demo child to say where it listens.
DEMO_START_TIMEOUT = 30.0
#: The child's environment variable holding the demo password (the emulator's own).
DEMO_PASSWORD_ENV = "CCM_EMULATOR_PASSWORD"
#: Set in the demo child's environment when it should log in to itself for the console.
DEMO_LOGIN_ENV = "CCM_DEMO_LOGIN"


def trim_imports() -> None:
    """Make two imports of the HTTP stack cheap; idempotent, and harmless if httpx is
    already imported (it then changes nothing about httpx).

    - httpx imports its command-line client (click, pygments, rich.syntax: ~30 ms, ~1 MB) at
      import time, only to offer ``httpx.main``; with ``httpx._main`` marked absent httpx
      falls back to a stub ``main``. Nothing in ccm-tui runs the httpx CLI.
    - httpcore runs ``import sniffio`` on every lock, event and cancellation shield (several
      times per request); without sniffio installed each attempt searches the whole sys.path
      again (~15% of a batch create's CPU). Its absence is recorded once: the import then
      fails at once, exactly as before, and httpcore falls back to asyncio as it always did.
    """
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    if "sniffio" not in sys.modules:
        from importlib.util import find_spec

        if find_spec("sniffio") is None:
            sys.modules["sniffio"] = None  # type: ignore[assignment]


def follow_the_terminal(env: Any = os.environ) -> None:
    """Forget COLUMNS and LINES in this process, just before the app starts: exported by a
    shell profile or a wrapper, they pinned the console's size (the size is read through
    shutil.get_terminal_size, which takes them before the terminal's own), and resizing the
    window changed nothing. The console then always has the terminal's size."""
    env.pop("COLUMNS", None)
    env.pop("LINES", None)


class StartPlan:
    """What ``run_console`` hands to the app, and the demo server's handle."""

    def __init__(self, settings: Any, *, password: str | None = None, token: str | None = None,
                 demo: bool = False, demo_credentials: tuple[str, str] | None = None,
                 keymap: dict[str, str] | None = None, theme: str | None = None,
                 demo_accounts: int = 0) -> None:
        self.settings = settings
        self.password = password
        self.token = token
        self.demo = demo
        self.demo_credentials = demo_credentials
        self.keymap = dict(keymap or {})
        self.theme = theme
        self.demo_accounts = demo_accounts  # bulk "seed-account-N" accounts on top of the demo data
        self.server: Any = None  # the in-process EmulatorServer, once launch_demo() started it
        self.child: Any = None  # the demo child process (subprocess.Popen), once spawned
        self.prefetch: Any = None  # the login helper (service.prefetch.Prefetch), if forked
        self._child_password: str | None = None
        self._demo_login = False  # the demo child sends its login after READY
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:  # no password, no token
        return f"StartPlan(demo={self.demo}, settings={self.settings!r})"

    # -- --demo ----------------------------------------------------------------------------
    def spawn_demo(self) -> None:
        """Start the demo emulator in a child process (returns at once; the child says where
        it listens on its stdout, read by :meth:`launch_demo`)."""
        import secrets
        import subprocess

        from ccm_tui.service import prefetch

        password = secrets.token_urlsafe(12)
        env = dict(os.environ)
        env[DEMO_PASSWORD_ENV] = password
        env["CCM_DEMO_ACCOUNTS"] = str(self.demo_accounts)
        # The server logs in to itself and sends the session and the account pages after
        # its READY line (service/prefetch.serve_login): the console shows the rows without
        # importing the HTTP stack first. Where the console cannot read them (not Linux, or
        # turned off), it logs in itself.
        self._demo_login = prefetch.available()
        env[DEMO_LOGIN_ENV] = "1" if self._demo_login else ""
        child = subprocess.Popen(
            # -P: the working directory is not put on sys.path, so the server runs this
            # ccm_tui, not another checkout's that happens to be where the console starts.
            [sys.executable, "-P", "-m", "ccm_tui.startup"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True,  # no terminal signals: it ends with its stdin
        )
        with self._lock:
            self.child, self._child_password = child, password

    def launch_demo(self) -> tuple[Any, tuple[str, str]]:
        """The demo server's connection settings and (email, password), once it listens
        (blocking: call it from a thread). With a spawned child, waits for its ``READY``
        line; otherwise starts the emulator in this process (tests)."""
        from ccm_tui.config import ConnectionSettings

        if self.child is not None:
            url, email = self._wait_for_child()
            password = self._child_password or ""
        else:
            from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer

            emu = EmulatorServer(host="127.0.0.1", port=0, demo_data=True,
                                 seed_accounts=self.demo_accounts)
            emu.start()
            with self._lock:
                if self._closed:  # the console quit while the server was starting
                    emu.stop()
                    raise RuntimeError("the console is closing")
                self.server = emu
            url, email, password = emu.url, DEMO_EMAIL, DEMO_PASSWORD
        self.settings = ConnectionSettings(url=url, email=email)
        self.demo_credentials = (email, password)
        return self.settings, (email, password)

    def _wait_for_child(self) -> tuple[str, str]:
        child = self.child
        result: list[bytes] = []
        fd = child.stdout.fileno()
        reader = threading.Thread(target=lambda: result.append(_read_line(fd)),
                                  daemon=True, name="demo-child-ready")
        reader.start()
        reader.join(DEMO_START_TIMEOUT)
        line = result[0].decode("utf-8", "replace").split() if result else []
        if len(line) == 3 and line[0] == "READY":
            if self._demo_login:
                self._take_demo_login(fd)
            return line[1], line[2]
        if self._closed:
            raise RuntimeError("the console is closing")
        if not result:
            raise RuntimeError(f"the demo server did not start within {DEMO_START_TIMEOUT:.0f} s")
        detail = " ".join(line[1:]) if line[:1] == ["ERROR"] else f"exit status {child.poll()}"
        raise RuntimeError(f"the demo server did not start ({detail})")

    def _take_demo_login(self, fd: int) -> None:
        """What the demo server sends after READY (its login and its account pages), read
        like a login helper's; not a process to end when it is done (``pid`` 0)."""
        from ccm_tui.service import prefetch

        with self._lock:
            if not self._closed:
                self.prefetch = prefetch.Prefetch(0, os.dup(fd), limit=64 << 20,
                                                  wait=DEMO_START_TIMEOUT)

    def take_prefetch(self) -> Any:
        """The login helper's console end (or the demo server's login), handed out once."""
        with self._lock:
            helper, self.prefetch = self.prefetch, None
        return helper

    # -- credentials given ------------------------------------------------------------------
    def fork_login(self) -> None:
        """With everything to log in given, fork the helper that logs in and reads the
        account list while this process imports Textual (service/prefetch). Before any
        thread is started."""
        from ccm_tui.service import prefetch
        from ccm_tui.service.listing import FIRST_PAGE_SIZE

        if not prefetch.wanted(self.settings, password=self.password, token=self.token):
            return
        # What both processes need is imported once, before the fork: the helper starts its
        # login sooner and the console imports these anyway before its first rows (asyncio
        # for Textual, the session to adopt the helper's).
        import asyncio  # noqa: F401

        import ccm_tui.service.session  # noqa: F401

        self.prefetch = prefetch.start(self.settings, password=self.password, token=self.token,
                                       first_page_size=FIRST_PAGE_SIZE)

    def close(self) -> None:
        """Stop the demo server (in-process or child) and the login helper; safe to call
        more than once."""
        with self._lock:
            self._closed = True
            server, self.server = self.server, None
            child, self.child = self.child, None
            helper, self.prefetch = self.prefetch, None
        if helper is not None:
            helper.close()
        if server is not None:
            server.stop()
        if child is not None:
            stop_child(child)


def _read_line(fd: int, limit: int = 4096) -> bytes:
    """One line from ``fd``, read a byte at a time: what follows it (the demo server's login
    messages) stays in the pipe for whoever reads it next."""
    line = bytearray()
    while len(line) < limit:
        byte = os.read(fd, 1)
        if not byte:
            break
        line += byte
        if byte == b"\n":
            break
    return bytes(line)


def stop_child(child: Any, grace: float = 2.0) -> None:
    """End the demo child: EOF on its stdin asks it to stop; killed if it has not within
    ``grace`` seconds."""
    import subprocess

    try:
        child.stdin.close()
    except OSError:
        pass
    try:
        child.wait(grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    if child.stdout is not None:
        child.stdout.close()


def demo_child_main() -> int:
    """``python -m ccm_tui.startup``: the demo emulator of ``ccm-tui --demo`` (loopback, free
    port, demo data). Prints ``READY <url> <email>`` once it listens, then serves until its
    stdin reaches EOF (the console closed it, or is gone)."""
    out = sys.stdout
    try:
        from ccm_tui.emulator import DEMO_EMAIL, EmulatorServer

        password = os.environ.pop(DEMO_PASSWORD_ENV, None)
        if not password:
            raise RuntimeError(f"{DEMO_PASSWORD_ENV} is not set")
        emu = EmulatorServer(host="127.0.0.1", port=0, demo_data=True, password=password,
                             seed_accounts=int(os.environ.get("CCM_DEMO_ACCOUNTS", "0") or 0))
        emu.start()
    except Exception as exc:  # noqa: BLE001 - reported to the console in one line
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        out.write(f"ERROR {message}\n")
        out.flush()
        return 1
    out.write(f"READY {emu.url} {DEMO_EMAIL}\n")
    out.flush()
    sys.stdout = sys.stderr  # nothing printed later can come between the console's messages
    if os.environ.get(DEMO_LOGIN_ENV):
        # The console's first rows: the login and the account pages, read here through
        # this very server and sent on stdout (service/prefetch.serve_login).
        from ccm_tui.config import ConnectionSettings
        from ccm_tui.service.listing import FIRST_PAGE_SIZE
        from ccm_tui.service.prefetch import serve_login

        serve_login(os.dup(out.fileno()), ConnectionSettings(url=emu.url, email=DEMO_EMAIL),
                    password, None, FIRST_PAGE_SIZE)
    try:
        while sys.stdin.buffer.read(4096):  # nothing is sent; EOF ends the demo
            pass
    except (OSError, KeyboardInterrupt):
        pass
    finally:
        emu.stop()
    return 0


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
    from ccm_tui.config import load_config, resolve_settings

    config = load_config()
    if demo:
        # Nothing of the emulator is imported or started here: see StartPlan.spawn_demo.
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


def run_console(options: Any) -> int:
    """Start the console in this terminal. ``options`` has demo, profile, server, email,
    token, ca_bundle, insecure, no_mouse, theme (missing attributes count as unset)."""
    from ccm_tui.config import ConfigError

    opt = lambda name, default=None: getattr(options, name, default)  # noqa: E731
    try:
        start = prepare_start(
            demo=bool(opt("demo")),
            profile=opt("profile"),
            server=opt("server"),
            email=opt("email"),
            token=opt("token"),
            ca_bundle=opt("ca_bundle"),
            insecure=bool(opt("insecure")),
            env=os.environ,
        )
    except ConfigError as exc:
        from ccm_tui.safetext import visible

        print(f"error: {visible(exc)}", file=sys.stderr)
        return 2
    try:
        if start.demo:
            start.spawn_demo()  # before textual is imported: it starts on the other core
        else:
            start.fork_login()  # likewise, and before any thread is started
        trim_imports()
        from ccm_tui.logs import start_request_log

        start_request_log()
        from ccm_tui.app import create_app

        app = create_app(
            settings=start.settings,
            password=start.password,
            token=start.token,
            demo=start.demo,
            demo_credentials=start.demo_credentials,
            keymap=start.keymap,
            theme=opt("theme") or start.theme,
            launch_demo=start.launch_demo if start.demo else None,
            demo_login=start.take_prefetch if start.demo else None,
            prefetch=start.prefetch,
        )
        follow_the_terminal()
        app.run(mouse=not opt("no_mouse"))
        return app.return_code or 0
    finally:
        start.close()


if __name__ == "__main__":
    raise SystemExit(demo_child_main())
