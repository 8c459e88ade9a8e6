"""`accounts list --json`: the pages encoded in a forked worker while this process reads the
next ones.

Encoding a page of 1000 accounts to the JSON text (``ListedPage.json_block``: Python's
encoder, the secret and depth pre-checks) takes ~7 ms, longer than reading and parsing it
(~5 ms); one process did both one after the other, ~0.36 s of ~0.8 s at 50,000 accounts. Here
this process reads the pages (the session, the bounds, the cursor: everything as before) and
hands each page's body and the places of its new accounts to a child forked for it, which
parses the body again (~1.3 ms) and writes the same text into its own temporary file. The
command prints that file only once the whole list was read and written: a failure part way
still prints nothing but the error.

The worker exists only where fork is safe (Linux, one thread in this process) and
``CCM_TUI_NO_PREFETCH`` is unset; elsewhere the pages are encoded here, as before. Nothing
the worker gets comes from anyone but this process (a pipe it inherits); what it writes
back is the text (a file) and, on failure, the error (pickled, through a second pipe).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import IO, Any

from ccm_tui.api.errors import CcmError

_HEADER = 8  # bytes of the big-endian length before each message


class WorkerLost(CcmError):
    """The encoding worker ended without finishing (killed, out of memory)."""

    def __init__(self) -> None:
        super().__init__("the account list could not be written (the process encoding it "
                         "ended); nothing was printed: run the command again")


class PageEncoder:
    """This process's end of the worker: ``send`` each page, then ``result`` (the file with
    the whole JSON array), or ``close`` to give up."""

    def __init__(self, pid: int, fd: int, errors: int, out: IO[bytes]) -> None:
        self.pid, self._fd, self._errors, self.out = pid, fd, errors, out

    @classmethod
    def start(cls) -> PageEncoder | None:
        """Fork the worker, or None where it cannot be (then encode here)."""
        import threading

        from ccm_tui.service import prefetch

        if not prefetch.available() or threading.active_count() != 1:
            return None
        out = tempfile.TemporaryFile()  # unlinked at once: gone with both processes
        read_fd, write_fd = os.pipe()
        err_read, err_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (read_fd, write_fd, err_read, err_write):
                os.close(fd)
            out.close()
            return None
        if pid == 0:  # the child: never returns
            code = 1
            try:
                # Nothing this process holds open (its connection, its event loop) stays
                # open because of the worker, nor is walked by its collector.
                prefetch.detach_child(keep=(read_fd, err_write, out.fileno()))
                code = _worker(read_fd, err_write, out)
            finally:
                os._exit(code)
        os.close(read_fd)
        os.close(err_write)
        try:  # room for a page ahead (~0.6 MB) where the system allows it
            import fcntl

            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (ImportError, AttributeError, OSError):
            pass
        return cls(pid, write_fd, err_read, out)

    def send(self, page: Any) -> None:
        """One page (a ListedPage of one answer's body): its body and its new accounts'
        places in it. Blocks while the worker is a full pipe behind."""
        if not page.items:
            return
        body = page.items[0][1]
        data = pickle.dumps((body, [index for _, _, index in page.items], page.max_depth),
                            protocol=pickle.HIGHEST_PROTOCOL)
        self._write(len(data).to_bytes(_HEADER, "big") + data)

    def copy_to(self, stdout: IO[str]) -> None:
        """Print what ``result`` gave: as bytes where the output is UTF-8 (what the worker
        wrote), else decoded and written as the text it is (as the encoding here would)."""
        import shutil

        out = self.result()
        stdout.flush()
        buffer = getattr(stdout, "buffer", None)
        encoding = str(getattr(stdout, "encoding", "") or "")
        if buffer is not None and encoding.replace("-", "").lower() == "utf8":
            shutil.copyfileobj(out, buffer, 1 << 20)
            buffer.flush()
        else:
            import io

            shutil.copyfileobj(io.TextIOWrapper(out, encoding="utf-8", newline="\n"),
                               stdout, 1 << 20)

    def result(self) -> IO[bytes]:
        """Wait for the worker to write everything; the file (read from its start). Raises
        the worker's error (a CcmError: a page too deep, say) or WorkerLost."""
        self._write((0).to_bytes(_HEADER, "big"))  # the end
        self._close_input()
        error = _read_all(self._errors)  # (ends when the worker does: read before waiting)
        os.close(self._errors)
        self._errors = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if error:
            try:
                exc = pickle.loads(error)  # noqa: S301 - from our own forked child only
            except Exception:  # noqa: BLE001 - unreadable: as lost
                exc = None
            raise exc if isinstance(exc, CcmError) else WorkerLost()
        if os.waitstatus_to_exitcode(status) != 0:
            raise WorkerLost()
        self.out.seek(0)
        return self.out

    def close(self) -> None:
        """End the worker if it still runs; safe to call more than once."""
        self._close_input()
        if self.pid:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
        if self._errors >= 0:
            os.close(self._errors)
            self._errors = -1
        self.out.close()

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view):]
        except OSError:  # the worker is gone: result() says how
            pass

    def _close_input(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class SpooledEncoder:
    """The same ``send`` / ``copy_to`` / ``close`` as PageEncoder, the pages encoded in this
    process: where no worker can be forked. The text goes to a spooled file (memory up to
    4 MiB, then disk) until the whole list is read."""

    def __init__(self) -> None:
        from ccm_tui.cli.output import JsonArrayWriter

        self.spool = tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+",
                                                   encoding="utf-8")
        self.writer = JsonArrayWriter(self.spool).__enter__()  # the "[" now

    def send(self, page: Any) -> None:
        self.writer.write_page(page)

    def copy_to(self, stdout: IO[str]) -> None:
        import shutil

        self.writer.__exit__(None, None, None)  # the closing "]"
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, stdout, 1 << 20)

    def close(self) -> None:
        self.spool.close()


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _worker(fd: int, errors: int, out: IO[bytes]) -> int:
    """In the child: encode every page sent, write the array to ``out``, exit."""
    import io

    from ccm_tui.api import fastjson
    from ccm_tui.cli.output import JsonArrayWriter
    from ccm_tui.service.listing import ListedPage

    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=False)
    try:
        with JsonArrayWriter(text) as writer:
            while (header := _read_exact(fd, _HEADER)) is not None:
                size = int.from_bytes(header, "big")
                if not size:
                    break
                frame = _read_exact(fd, size)
                if frame is None:
                    return 1  # this process's parent is gone: nothing to write for
                body, indices, max_depth = pickle.loads(frame)  # noqa: S301 - from our parent
                items = fastjson.loads(body)["items"]
                page = ListedPage([(items[i], body, i) for i in indices], max_depth)
                writer.write_page(page)
            else:
                return 1  # the pipe ended without the end: the parent is gone
        text.flush()
        text.detach()
        return 0
    except CcmError as exc:  # a page the bounds refuse: said as the parent would say it
        os.write(errors, pickle.dumps(exc))
        return 1
