"""Run a command in a pseudo-terminal, watch its screen, count its bytes.

Used by ``bench.py`` (not a pytest module). Everything here is bounded: every wait takes a
timeout, and :meth:`PtyApp.close` always kills the child's whole process group.

How events are detected: a reader thread timestamps every chunk the child writes
(``time.monotonic()``); :meth:`PtyApp.wait_for` feeds the chunks, one by one and in order, into a
``pyte`` terminal emulator and checks a predicate on the screen text after each chunk. The event
time is the arrival time of the chunk that made the predicate true, so it does not depend on how
often the waiting thread polls.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyte

COLS, ROWS = 100, 30

KEY_ENTER = b"\r"
KEY_DOWN = b"\x1b[B"
KEY_UP = b"\x1b[A"
KEY_BACKSPACE = b"\x7f"
KEY_ESCAPE = b"\x1b"
KEY_CTRL_C = b"\x03"

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

ScreenPredicate = Callable[[str], bool]


class HarnessTimeout(TimeoutError):
    """A wait ran out of time. Carries the last screen for the report."""

    def __init__(self, what: str, screen: str, exit_code: int | None) -> None:
        tail = "\n".join(line.rstrip() for line in screen.splitlines() if line.strip())[-1200:]
        state = "still running" if exit_code is None else f"exited with {exit_code}"
        super().__init__(f"timed out waiting for {what} (child {state}); screen:\n{tail}")
        self.screen = screen


def non_blank(text: str) -> bool:
    """True once anything but spaces is on the screen."""
    return bool(text.strip())


def contains(*markers: str) -> ScreenPredicate:
    """True once every marker is visible somewhere on the screen."""
    return lambda text: all(m in text for m in markers)


def shows_uuid(text: str) -> bool:
    return UUID_RE.search(text) is not None


class _AnsweringScreen(pyte.Screen):
    """A pyte screen that answers device-attribute/status queries like a real terminal."""

    def __init__(self, cols: int, rows: int, reply: Callable[[bytes], None]) -> None:
        super().__init__(cols, rows)
        self._reply = reply

    def write_process_input(self, data: str) -> None:  # called by pyte for DA/DSR reports
        self._reply(data.encode())


@dataclass
class Chunk:
    t: float
    data: bytes


class PtyApp:
    """One child process on a fresh pty of ``cols`` x ``rows``."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
        cols: int = COLS,
        rows: int = ROWS,
    ) -> None:
        self.argv = list(argv)
        self.env = terminal_env(env, cols, rows)
        self.cwd = cwd
        self.cols, self.rows = cols, rows
        self.chunks: list[Chunk] = []
        self._fed = 0
        self._cond = threading.Condition()
        self._eof = False
        self.proc: subprocess.Popen[bytes] | None = None
        self.t_spawn = 0.0
        self.last_input = 0.0
        self.screen = _AnsweringScreen(cols, rows, self._write_reply)
        self.stream = pyte.ByteStream(self.screen)
        self._master = -1
        self._reader: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> PtyApp:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self._master = master

        def make_controlling_tty() -> None:  # runs in the child, after setsid
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.t_spawn = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
            preexec_fn=make_controlling_tty,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read_loop, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def __enter__(self) -> PtyApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, grace: float = 2.0) -> int | None:
        """Stop the child (its whole process group), always. Returns its exit code."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        if proc is not None:
            # Children the app left behind in its group (e.g. an emulator it spawned).
            _signal_group(proc.pid, signal.SIGKILL)
        if self._master >= 0:
            try:
                os.close(self._master)
            except OSError:
                pass
            self._master = -1
        if self._reader is not None:
            self._reader.join(timeout=2)
        return proc.returncode if proc is not None else None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def exit_code(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    # -- I/O ---------------------------------------------------------------------------------
    def _read_loop(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO once the child side is closed
                data = b""
            t = time.monotonic()
            with self._cond:
                if not data:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self.chunks.append(Chunk(t, data))
                self._cond.notify_all()

    def _write_reply(self, data: bytes) -> None:
        if self._master >= 0:
            try:
                os.write(self._master, data)
            except OSError:
                pass

    def send(self, data: bytes | str) -> float:
        """Type bytes into the terminal; returns the monotonic time just before writing."""
        if isinstance(data, str):
            data = data.encode()
        t = time.monotonic()
        os.write(self._master, data)
        self.last_input = t
        return t

    # -- screen ------------------------------------------------------------------------------
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _feed_pending(self, predicate: ScreenPredicate | None) -> float | None:
        """Feed unfed chunks; return the time of the first chunk after which predicate holds."""
        with self._cond:
            pending = self.chunks[self._fed :]
        for chunk in pending:
            self.stream.feed(chunk.data)
            self._fed += 1
            if predicate is not None and predicate(self.text()):
                return chunk.t
        return None

    def wait_for(self, predicate: ScreenPredicate, timeout: float, what: str = "screen") -> float:
        """Wait until ``predicate(screen_text)`` holds; returns the time it became true."""
        deadline = time.monotonic() + timeout
        if predicate(self.text()):
            return time.monotonic()
        while True:
            t = self._feed_pending(predicate)
            if t is not None:
                return t
            with self._cond:
                if self._fed >= len(self.chunks):
                    if self._eof:
                        self._cond.wait(0.05)  # let proc.poll() see the exit
                        raise HarnessTimeout(what, self.text(), self.exit_code())
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise HarnessTimeout(what, self.text(), self.exit_code())
                    self._cond.wait(min(remaining, 0.5))

    def cells(self) -> int:
        """A hash of every cell's character AND attributes (colours, reverse, bold...).

        A cursor moving down a table often changes colours only, not text.
        """
        buf, cols = self.screen.buffer, self.cols
        return hash(tuple(tuple(buf[y][x] for x in range(cols)) for y in range(self.rows)))

    def wait_change(self, timeout: float, what: str = "screen change") -> float:
        """Wait until the screen (text or attributes) differs from what it is now.

        To time a key, use :meth:`press`: the "before" must be taken before the key is sent.
        """
        self._feed_pending(None)
        before = self.cells()
        return self.wait_for(lambda _text: self.cells() != before, timeout, what)

    def press(self, data: bytes | str, timeout: float, what: str = "") -> tuple[float, float]:
        """Send a key and wait for the screen to change; returns (sent at, changed at)."""
        self._feed_pending(None)
        before = self.cells()
        t0 = self.send(data)
        t1 = self.wait_for(lambda _text: self.cells() != before, timeout,
                           what or f"a screen change after {data!r}")
        return t0, t1

    def wait_quiet(self, quiet: float, timeout: float) -> float:
        """Wait until the child wrote nothing for ``quiet`` seconds since the last input we sent.

        Returns the arrival time of the last chunk before the silence (or of the last input,
        if nothing came after it).
        Raises HarnessTimeout if it never goes quiet within ``timeout``.
        """
        deadline = time.monotonic() + timeout
        while True:
            self._feed_pending(None)
            with self._cond:
                last = self.chunks[-1].t if self.chunks else self.t_spawn
            last = max(last, self.last_input)
            now = time.monotonic()
            if now - last >= quiet:
                return last
            if now >= deadline:
                raise HarnessTimeout(f"{quiet}s of silence", self.text(), self.exit_code())
            time.sleep(min(quiet - (now - last), deadline - now) + 0.001)

    def output_between(self, t0: float, t1: float | None = None) -> bytes:
        """What the child wrote from ``t0`` (until ``t1``)."""
        with self._cond:
            return b"".join(c.data for c in self.chunks if c.t >= t0 and (t1 is None or c.t < t1))

    def output_from(self, index: int) -> bytes:
        """What the child wrote from its ``index``-th chunk on (see :meth:`resize`)."""
        with self._cond:
            return b"".join(c.data for c in self.chunks[index:])

    def bytes_between(self, t0: float, t1: float | None = None) -> int:
        return len(self.output_between(t0, t1))

    def total_bytes(self) -> int:
        with self._cond:
            return sum(len(c.data) for c in self.chunks)

    def last_chunk_time(self) -> float:
        with self._cond:
            return self.chunks[-1].t if self.chunks else self.t_spawn

    def resize(self, cols: int, rows: int, timeout: float) -> int:
        """Resize the pty (the child gets SIGWINCH) and the screen it is fed into; wait for
        the child's first chunk after it. Returns that chunk's index (:meth:`output_from`).
        Quiet is counted from now on (:meth:`wait_quiet`), not from the last key."""
        with self._cond:
            start = len(self.chunks)
        self.cols, self.rows = cols, rows
        self.screen.resize(rows, cols)
        fcntl.ioctl(self._master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.chunks) > start, timeout):
                raise HarnessTimeout("a repaint after a resize", self.text(), self.exit_code())
        self.last_input = time.monotonic()
        return start

    # -- memory ------------------------------------------------------------------------------
    def rss_bytes(self) -> int:
        """Resident set size of the child plus its descendants (bytes)."""
        return tree_rss_bytes(self.pid)


def terminal_env(extra: dict[str, str] | None, cols: int, rows: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST"))}
    env.pop("NO_COLOR", None)
    # Python's default bytecode behaviour unless the caller asks otherwise (bench.NO_INHERIT).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    env.pop("COLORTERM", None)
    env.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows), PYTHONUNBUFFERED="1")
    if extra:
        env.update(extra)
    return env


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the child is a session (and group) leader: pgid == pid
    except (ProcessLookupError, PermissionError):
        pass


def rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.M)
    return int(m.group(1)) if m else 0


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # field 4 (ppid) comes after the ")" that closes the command name
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            kids.append(int(entry.name))
    return kids


def tree_rss_bytes(pid: int) -> int:
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += rss_kib(p) * 1024
        todo.extend(_children(p))
    return total
