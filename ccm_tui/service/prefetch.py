"""Log in and read the account list in a forked helper while the console starts.

When the console starts with everything it needs to log in (server, email and
``CCM_PASSWORD``, or a token), the login and the account pages do not wait for Textual: the
console forks before importing it, and the child — on the machine's other core — imports the
HTTP stack, logs in with the same service code a console would run (``open_session``,
``account_field_pages``) and sends what it got through a pipe. Meanwhile the console imports
Textual and paints its first frame; its own HTTP client is made only after the first rows
are shown (``Session``'s client is made on first use), from the child's login.

What goes through the pipe: length-prefixed pickles, from a child of this very process
(forked, or the ``--demo`` server it spawned: nothing else can write to the pipe). Each
message is one of ``("record", RequestRecord)`` — the request log's record of each request,
secrets already masked, replayed into the console's request log — ``("session", dict)``
(token, session info, user, cookies), ``("rows", fields)`` for each page (its body and each
account's columns as plain values: ListedPage.fields), ``("end", None)``, ``("error",
CcmError)`` (what the login or the listing met, shown as if the console had met it: a
refused password is never sent twice) and ``("crash", name)``.

With ``--demo`` no helper is forked (a third process importing the HTTP stack beside the
demo server and the console's Textual delayed the first frame by ~0.13 s on two cores, for
no earlier rows): the demo server itself, once it listens, logs in to itself and sends the
same messages on its stdout after its ``READY`` line (``serve_login``; startup.py). It keeps
serving; ``Prefetch`` is then given no pid to end.

If the child cannot be started (not Linux, a thread already running) or is lost before it
says how the login went, the console logs in by itself as it always did. Once logged in, a
child lost while pages are still coming makes the load fail with :class:`ListingLost`
(the table keeps what arrived; ``r`` reads the list again). Nothing here imports Textual,
httpx or pydantic at import time. Set ``CCM_TUI_NO_PREFETCH=1`` to turn it off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from ccm_tui.api.errors import CcmError  # standard library only

if TYPE_CHECKING:
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.service.listing import FieldsPage

#: Environment variable that turns the helper off (the console then logs in by itself).
OFF_ENV = "CCM_TUI_NO_PREFETCH"
_HEADER = 8  # bytes of the big-endian length before each pickle
#: Seconds a helper that has said its last word gets to exit before it is killed.
EXIT_GRACE = 0.5


def wanted(settings: Any, *, password: str | None, token: str | None,
           env: Any = os.environ) -> bool:
    """Whether to log in in a helper: credentials given, on Linux (fork is safe there in a
    process with one thread), not turned off."""
    return bool(available(env) and getattr(settings, "url", None)
                and (token or (password and settings.email)))


def available(env: Any = os.environ) -> bool:
    """Whether a helper can be forked here: on Linux (fork is safe there in a process with
    one thread), not turned off."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and not env.get(OFF_ENV)


def start(settings: ConnectionSettings, *, password: str | None, token: str | None,
          first_page_size: int | None) -> Prefetch | None:
    """Fork the helper (returns at once), or None when it cannot be (then log in as usual).
    Call before any thread is started: a fork copies only the calling thread."""
    import threading

    if threading.active_count() != 1:
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: never returns
        code = 1
        try:
            detach_child(keep=(write_fd,))  # never touches the terminal
            code = serve_login(write_fd, settings, password, token, first_page_size)
        finally:
            os._exit(code)
    os.close(write_fd)
    limit = (int(getattr(settings, "max_response_mb", 64)) * 4 + 1) * 1024 * 1024
    wait = float(getattr(settings, "request_deadline", 60.0) or 60.0) * 2 + 5.0
    return Prefetch(pid, read_fd, limit=limit, wait=wait)


def detach_child(keep: tuple[int, ...]) -> None:
    """In a child forked from this process (the login helper, `accounts list --json`'s
    encoding worker): close every descriptor it inherited but ``keep``, point the standard
    three at /dev/null (the terminal is the parent's), and freeze what the parent made, so
    that no collection here walks it (each walk would copy its pages: copy-on-write)."""
    import gc

    _close_inherited(keep)
    devnull = os.open(os.devnull, os.O_RDWR)
    for target in {0, 1, 2} - set(keep):
        os.dup2(devnull, target)
    os.close(devnull)
    gc.freeze()


def _close_inherited(keep: tuple[int, ...]) -> None:
    """In the child: close every descriptor but the standard three and ``keep``: nothing
    the console holds open stays open because of the helper."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


class Prefetch:
    """The console's end of the helper: its login outcome, then its pages. ``pid`` 0: not a
    process of ours to end (the ``--demo`` server, which sends the same messages)."""

    def __init__(self, pid: int, fd: int, *, limit: int, wait: float) -> None:
        self.pid = pid
        self._fd: int | None = fd
        os.set_blocking(fd, False)
        self._limit = limit  # the largest message accepted
        self._wait = wait  # the longest wait for one message
        self._buffer = bytearray()
        self._eof = False
        self._outcome: tuple[str, Any] | None = None  # the login outcome, once read
        self.records: list[Any] = []  # request records not yet taken by a client
        self._record_sink: Callable[[Any], None] | None = None
        self.finished = False  # "end" or "error" came (the child has exited or is exiting)

    def __repr__(self) -> str:
        return f"Prefetch(pid={self.pid})"

    # -- the request log ------------------------------------------------------------------
    def send_records_to(self, sink: Callable[[Any], None]) -> None:
        """Hand the records received so far, and every later one, to ``sink`` (the session
        client's log)."""
        self._record_sink = sink
        records, self.records = self.records, []
        for record in records:
            sink(record)

    # -- reading ----------------------------------------------------------------------------
    def _fill(self) -> bool:
        """Read what the pipe holds now (never waits); False when nothing came."""
        if self._fd is None or self._eof:
            return False
        try:
            chunk = os.read(self._fd, 1 << 20)
        except BlockingIOError:
            return False
        except OSError:
            chunk = b""
        if not chunk:
            self._eof = True
            return False
        self._buffer += chunk
        return True

    def _take(self) -> tuple[str, Any] | None | bool:
        """The next whole message in the buffer; False when it is not all there yet; None
        when it is unreadable (too large, not ours) or the pipe ended before it."""
        import pickle

        buffer = self._buffer
        if len(buffer) >= _HEADER:
            size = int.from_bytes(buffer[:_HEADER], "big")
            if size > self._limit:
                return None
            if len(buffer) >= _HEADER + size:
                # Read from the buffer itself: a page's message is ~0.7 MB, copied twice
                # before (a slice, then bytes()).
                with memoryview(buffer) as view, view[_HEADER:_HEADER + size] as data:
                    try:
                        message = pickle.loads(data)  # noqa: S301 - from our own child only
                    except Exception:  # noqa: BLE001 - unreadable: the child is lost
                        message = None
                del buffer[:_HEADER + size]
                if isinstance(message, tuple) and len(message) == 2 and isinstance(message[0], str):
                    return message
                return None
        return None if self._eof else False

    def _take_outcome(self) -> tuple[str, Any] | None | bool:
        """Like _take, for the next message that is not a request record (records go to
        the client's log, or wait for one)."""
        while True:
            message = self._take()
            if not isinstance(message, tuple) or message[0] != "record":
                return message
            if self._record_sink is not None:
                self._record_sink(message[1])
            else:
                self.records.append(message[1])

    async def _next(self) -> tuple[str, Any] | None:
        """The next message that is not a record, waiting for it (at most ``wait``); None
        when the child is gone or sent something unreadable."""
        import asyncio

        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait
        while True:
            message = self._take_outcome()
            if message is not False:
                return message if isinstance(message, tuple) else None
            if self._fill():
                continue
            if self._eof or self._fd is None or loop.time() >= deadline:
                return None
            readable: asyncio.Future[None] = loop.create_future()

            def wake(readable: asyncio.Future[None] = readable) -> None:
                if not readable.done():
                    readable.set_result(None)

            loop.add_reader(self._fd, wake)
            try:
                await asyncio.wait_for(readable, deadline - loop.time())
            except TimeoutError:
                pass
            finally:
                if self._fd is not None:
                    loop.remove_reader(self._fd)

    def _settle_login(self, message: tuple[str, Any] | None) -> tuple[str, Any]:
        kind, value = message if message is not None else ("lost", None)
        if kind == "session" and isinstance(value, dict) and isinstance(value.get("token"), str):
            outcome: tuple[str, Any] = (kind, value)
        elif kind == "error" and isinstance(value, CcmError):
            self.finished = True
            self.close()
            outcome = (kind, value)
        else:
            self.close()
            outcome = ("lost", None)
        self._outcome = outcome
        return outcome

    def poll_login(self) -> tuple[str, Any] | None:
        """The login outcome if the child has already sent it (never waits), else None."""
        if self._outcome is not None:
            return self._outcome
        while True:
            message = self._take_outcome()
            if message is not False:
                return self._settle_login(message if isinstance(message, tuple) else None)
            if not self._fill():
                if self._eof:
                    return self._settle_login(None)
                return None

    async def login(self) -> tuple[str, Any]:
        """``("session", dict)``, ``("error", CcmError)`` or ``("lost", None)`` (the child
        is gone without saying: the caller logs in by itself)."""
        if self._outcome is not None:
            return self._outcome
        return self._settle_login(await self._next())

    async def pages(self) -> AsyncIterator[FieldsPage]:
        """The account pages as the child reads them (after a "session" outcome). Raises the
        child's CcmError as if the console had met it, ListingLost when the child is gone
        before the end. Closing it early ends the child."""
        import asyncio

        from ccm_tui.service.listing import FieldsPage

        try:
            while True:
                message = await self._next()
                kind, value = message if message is not None else ("lost", None)
                if kind == "rows" and isinstance(value, list):
                    yield FieldsPage(value)
                    # Pages already in the pipe would otherwise come one after the other
                    # with no turn of the event loop between them: no frame, no key.
                    await asyncio.sleep(0)
                elif kind == "end":
                    self.finished = True
                    return
                elif kind == "error" and isinstance(value, CcmError):
                    self.finished = True
                    raise value
                else:
                    raise ListingLost()
        finally:
            self.close()

    def close(self) -> None:
        """End the child (if it still runs) and reap it; safe to call more than once."""
        import signal

        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        if self.pid:
            pid, self.pid = self.pid, 0
            try:
                if self.finished:  # it is exiting: a moment to do so, then no more
                    import time

                    deadline = time.monotonic() + EXIT_GRACE
                    while os.waitpid(pid, os.WNOHANG) == (0, 0):
                        if time.monotonic() > deadline:
                            break
                        time.sleep(0.002)
                    else:
                        return
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ChildProcessError, ProcessLookupError, OSError):
                pass


class ListingLost(CcmError):
    """The helper ended before the last page of the account list (killed, out of memory):
    the table keeps what arrived."""

    def __init__(self, message: str = "the account list stopped arriving before its end "
                 "(the process reading it ended); press r to read it again", **kw: Any) -> None:
        super().__init__(message, **kw)


# ----------------------------------------------------------------------------- the child
def serve_login(fd: int, settings: Any, password: str | None, token: str | None,
                first_page_size: int | None) -> int:
    """Log in, read the account list and send it all through ``fd`` (the helper's side of
    the protocol above); returns once everything is written or the console is gone. Run by
    the forked helper, and by the ``--demo`` server once it listens (then the console shows
    the demo's rows without importing the HTTP stack first)."""
    pipe = _Pipe(fd)
    try:
        import asyncio

        from ccm_tui.startup import trim_imports

        trim_imports()
        asyncio.run(_child_run(pipe.send, settings, password, token, first_page_size))
        code = 0
    except BrokenPipeError:  # the console is gone
        return 1
    except BaseException as exc:  # noqa: BLE001 - said to the console, which carries on
        code = 1
        try:
            pipe.send("crash", type(exc).__name__)
        except OSError:
            pass
    pipe.finish()
    return code


class _Pipe:
    """The child's end: frames are written by a thread, so that reading the next page never
    waits for the console to take the last one (it is busy starting Textual while the first
    pages arrive; a pipe holds 64 KiB, one page of 500 is ~300 KiB)."""

    def __init__(self, fd: int) -> None:
        import queue
        import threading

        self.fd = fd
        widen_pipe(fd)
        self.frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.broken = False
        self.writer = threading.Thread(target=self._write_all, name="prefetch-pipe", daemon=True)
        self.writer.start()

    def send(self, kind: str, value: Any) -> None:
        import pickle

        if self.broken:
            raise BrokenPipeError("the console is gone")
        data = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
        self.frames.put(len(data).to_bytes(_HEADER, "big") + data)

    def finish(self) -> None:
        """Wait until every frame is written (or the console is gone)."""
        self.frames.put(None)
        self.writer.join()

    def _write_all(self) -> None:
        while (frame := self.frames.get()) is not None:
            if not write_all(self.fd, frame):  # the console is gone: nothing more to say
                self.broken = True
                return


def widen_pipe(fd: int) -> None:
    """Room for 1 MiB in the pipe ``fd`` where the system allows it (64 KiB by default; a
    page of 1000 accounts is ~0.6 MB): fewer, larger writes, and a writer a page ahead."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def write_all(fd: int, data: bytes) -> bool:
    """Write all of ``data`` to ``fd`` (blocking); False when the reader is gone."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        return False
    return True


async def _child_run(send: Callable[[str, Any], None], settings: Any, password: str | None,
                     token: str | None, first_page_size: int | None) -> None:
    from ccm_tui.service.listing import account_field_pages, paging_gc
    from ccm_tui.service.session import open_session

    try:
        session = await open_session(settings, password=password, token=token,
                                     on_request=lambda record: send("record", record))
    except CcmError as exc:
        send("error", exc)
        return
    client = session.client
    try:
        secret = client.access_token
        send("session", {
            "token": secret.get_secret_value() if secret is not None else None,
            "session_info": client.session_info,
            "user": session.user,
            "cookies": client.cookies(),
        })
        # The collector as `accounts list` has it: ~30 ms less of the helper's CPU at 50,000
        # accounts, on the critical path of the list's last rows.
        with paging_gc() as page_done:
            async for page in account_field_pages(client, first_page_size=first_page_size):
                send("rows", page.fields())
                page_done()
        send("end", None)
    except CcmError as exc:
        send("error", exc)
    finally:
        await client.aclose()
