"""EmulatorServer: the emulator app served by uvicorn in a daemon thread."""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

from ccm_tui.emulator.faults import ConnectionDropped
from ccm_tui.urls import is_loopback_host as is_loopback  # the one loopback rule


class _HideInjectedDrops(logging.Filter):
    """uvicorn logs an app exception with its traceback; an injected drop is not a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


_FILTER = _HideInjectedDrops()
logging.getLogger("uvicorn.error").addFilter(_FILTER)


class EmulatorServer:
    """``EmulatorServer(host="127.0.0.1", port=0, **create_app_kwargs)``.

    ``.start()`` binds (port 0 = a free port), serves in a daemon thread and returns self;
    ``.url`` is e.g. ``http://127.0.0.1:54321``; ``.app`` the Starlette app (``.app.state.
    emulator`` the Emulator); ``.stop()`` shuts down cleanly. Also a context manager.
    ``ssl_certfile`` / ``ssl_keyfile`` (and ``ssl_keyfile_password``) serve HTTPS instead.
    Logs at warning level, no access log. Pass ``app=`` to serve an existing app."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app: Any = None,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        ssl_keyfile_password: str | None = None,
        **create_app_kwargs: Any,
    ) -> None:
        if app is None:
            from ccm_tui.emulator.app import create_app

            app = create_app(**create_app_kwargs)
        self.app = app
        self.host = host
        self.port = port
        self._ssl = {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile,
                     "ssl_keyfile_password": ssl_keyfile_password}
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def emulator(self) -> Any:
        return self.app.state.emulator

    @property
    def url(self) -> str:
        scheme = "https" if self._ssl["ssl_certfile"] else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    def start(self, timeout: float = 10.0) -> EmulatorServer:
        import uvicorn

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say so,
        # and accepted sockets inherit it. Without it every response (headers and body
        # written separately) waits ~40 ms for the client's delayed ACK (Nagle).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        sock.set_inheritable(True)
        self._socket = sock
        self.port = sock.getsockname()[1]
        emulator = getattr(self.app.state, "emulator", None)  # None: a foreign app served
        if emulator is not None and is_loopback(self.host):
            # DNS rebinding: the control endpoint answers loopback names only
            emulator.control_hosts = frozenset(
                {"127.0.0.1", "localhost", "::1", self.host.strip("[]").lower()})
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, log_config=None, lifespan="off",
            # httptools (a dependency): uvicorn's C parser, which also writes each answer
            # straight to the transport; h11 cost ~0.35 ms more CPU per page of 500. Named,
            # not probed ("auto"), and no websockets.
            http="httptools", ws="none",
            timeout_graceful_shutdown=2, ssl_certfile=self._ssl["ssl_certfile"],
            ssl_keyfile=self._ssl["ssl_keyfile"], ssl_keyfile_password=self._ssl["ssl_keyfile_password"],
        )
        ready = threading.Event()

        class _Server(uvicorn.Server):
            async def startup(self, sockets: Any = None) -> None:
                try:
                    await super().startup(sockets=sockets)
                finally:
                    ready.set()  # started or failed: start() stops waiting either way

        self._server = _Server(config)

        def serve() -> None:
            try:
                self._server.run(sockets=[sock])
            finally:
                ready.set()

        self._thread = threading.Thread(target=serve, name=f"ccm-emulator:{self.port}", daemon=True)
        self._thread.start()
        ready.wait(timeout)  # signalled by uvicorn's startup, no polling
        if not self._server.started:
            self.stop()
            raise RuntimeError(f"the emulator did not start on {self.host}:{self.port}")
        return self

    def stop(self, timeout: float = 5.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
