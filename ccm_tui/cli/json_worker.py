"""`accounts list --json`: the pages encoded in forked workers while this process reads the
next ones.

Encoding a page of 1000 accounts to the JSON text (``ListedPage.json_block``: Python's
encoder, the secret and depth pre-checks) takes ~7 ms, longer than reading it (~5 ms); one
process did both one after the other, ~0.36 s of ~0.8 s at 50,000 accounts, and one worker
beside it still set the pace. Here this process reads the pages (the session, the bounds,
the cursor: everything as before, only each account's id picked out of the body) and hands
each page's body and the places of its new accounts to the next of ``WORKERS`` children
forked for it, in turn. A worker parses the body again (~1.3 ms) and writes the page's text
into its own temporary file. The command prints the pages' texts, in order, only once the
whole list was read and written: a failure part way still prints nothing but the error (the
first page's error, whichever worker met it).

The workers exist only where fork is safe (Linux, one thread in this process) and
``CCM_TUI_NO_PREFETCH`` is unset; elsewhere the pages are encoded here, as before. Nothing a
worker gets comes from anyone but this process (a pipe it inherits); what it writes back is
the text (a file) and how it ended (pickled, through a second pipe: the bytes of each page's
text, or the error).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import AsyncIterator
from typing import IO, Any, cast

from ccm_tui.api.errors import CcmError

_HEADER = 8  # bytes of the big-endian length before each message


class WorkerLost(CcmError):
    """The encoding worker ended without finishing (killed, out of memory)."""

    def __init__(self) -> None:
        super().__init__("the account list could not be written (the process encoding it "
                         "ended); nothing was printed: run the command again")


#: Workers the pages go to in turn. One encoded a page of 1000 in ~8 ms (its parse, Python's
#: JSON encoder, the secret and depth pre-checks) while this process read the next in ~5:
#: the list came out at the worker's pace. Two share that work.
WORKERS = 2


class PageEncoder:
    """This process's end of the workers: ``pages(client)`` to read, ``send`` each page,
    then ``copy_to`` (the whole JSON array, in the pages' order), or ``close`` to give up."""

    def __init__(self, workers: list[_Worker]) -> None:
        self.workers = workers
        self.counts: list[int] = []  # the accounts of each page sent, in order
        self.max_depth = 64

    @classmethod
    def start(cls, count: int = WORKERS) -> PageEncoder | None:
        """Fork the workers, or None where none can be (then encode here)."""
        import threading

        from ccm_tui.service import prefetch

        if not prefetch.available() or threading.active_count() != 1:
            return None
        workers: list[_Worker] = []
        while len(workers) < count and (worker := _Worker.fork()) is not None:
            workers.append(worker)
        return cls(workers) if workers else None

    def pages(self, client: Any) -> AsyncIterator[list[tuple[Any, bytes, int]]]:
        """The pages to send: only their ids are read here (CcmClient.iter_account_columns:
        the bounds, the cursor and the errors as for any list), the workers parse them."""
        from ccm_tui.api.client import LIST_PAGE_SIZE

        self.max_depth = client.limits.max_json_depth
        return cast("AsyncIterator[list[tuple[Any, bytes, int]]]",
                    client.iter_account_columns(page_size=LIST_PAGE_SIZE))

    def send(self, page: list[tuple[Any, bytes, int]]) -> None:
        """One page of ``(columns, body, index)`` (one answer's body): its body and its new
        accounts' places in it, to the next worker. Blocks while it is a full pipe behind."""
        if not page:
            return
        body = page[0][1]
        data = pickle.dumps((len(self.counts), body, [index for _, _, index in page],
                             self.max_depth), protocol=pickle.HIGHEST_PROTOCOL)
        self.workers[len(self.counts) % len(self.workers)].write(
            len(data).to_bytes(_HEADER, "big") + data)
        self.counts.append(len(page))

    def copy_to(self, stdout: IO[str]) -> None:
        """Wait for every worker to write everything, then print the array: each page's text
        from the worker that encoded it, in order. Raises the error of the first page a
        worker refused (a CcmError: a page too deep, say, as this process would have said
        it) or WorkerLost; nothing is printed then."""
        from ccm_tui.cli.output import JsonArrayWriter

        done = [worker.result() for worker in self.workers]
        refused = [outcome[1] for outcome in done if outcome[0] == "error"]  # (page, error)
        if refused:
            raise min(refused, key=lambda found: found[0])[1]
        if any(outcome[0] != "done" for outcome in done):
            raise WorkerLost()
        n = len(self.workers)
        lengths = [outcome[1] for outcome in done]
        if [len(got) for got in lengths] != [len(self.counts[k::n]) for k in range(n)]:
            raise WorkerLost()
        with JsonArrayWriter(stdout) as writer:
            for seq, count in enumerate(self.counts):
                worker = self.workers[seq % n]
                text = worker.out.read(lengths[seq % n][seq // n]).decode("utf-8")
                writer.write_block(text, count)

    def close(self) -> None:
        """End the workers that still run; safe to call more than once."""
        for worker in self.workers:
            worker.close()


class _Worker:
    """One forked worker: its input pipe, its error pipe, its output file."""

    def __init__(self, pid: int, fd: int, errors: int, out: IO[bytes]) -> None:
        self.pid, self._fd, self._errors, self.out = pid, fd, errors, out

    @classmethod
    def fork(cls) -> _Worker | None:
        from ccm_tui.service import prefetch

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
                # Nothing this process holds open (its connection, its event loop, the other
                # worker's pipes) stays open because of the worker, nor is walked by its
                # collector.
                prefetch.detach_child(keep=(read_fd, err_write, out.fileno()))
                code = _worker(read_fd, err_write, out)
            finally:
                os._exit(code)
        os.close(read_fd)
        os.close(err_write)
        prefetch.widen_pipe(write_fd)  # room for a page ahead
        return cls(pid, write_fd, err_read, out)

    def write(self, data: bytes) -> None:
        from ccm_tui.service.prefetch import write_all

        write_all(self._fd, data)  # (False: the worker is gone; result() says how)

    def result(self) -> tuple[str, Any]:
        """Wait for the worker to write everything: ``("done", [bytes of each page's
        text])``, ``("error", (page, CcmError))`` or ``("lost", None)``. The output file is
        then read from its start."""
        self.write((0).to_bytes(_HEADER, "big"))  # the end
        self._close_input()
        said = _read_all(self._errors)  # (ends when the worker does: read before waiting)
        os.close(self._errors)
        self._errors = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            outcome = pickle.loads(said) if said else None  # noqa: S301 - our own child only
        except Exception:  # noqa: BLE001 - unreadable: as lost
            outcome = None
        self.out.seek(0)
        match outcome:
            case ("done", list()) if os.waitstatus_to_exitcode(status) == 0:
                return outcome
            case ("error", (int(), CcmError())):
                return outcome
        return ("lost", None)

    def close(self) -> None:
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

    def pages(self, client: Any) -> AsyncIterator[Any]:
        """The pages to send: parsed whole (ListedPage), encoded here."""
        from ccm_tui.service.listing import account_pages

        return account_pages(client)

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
    """In the child: encode every page sent into ``out``, one after the other, then say the
    bytes of each page's text through ``errors``; exit."""
    from ccm_tui.api import fastjson
    from ccm_tui.service.listing import ListedPage

    lengths: list[int] = []
    seq = -1
    try:
        while (header := _read_exact(fd, _HEADER)) is not None:
            size = int.from_bytes(header, "big")
            if not size:
                break
            frame = _read_exact(fd, size)
            if frame is None:
                return 1  # this process's parent is gone: nothing to write for
            seq, body, indices, max_depth = pickle.loads(frame)  # noqa: S301 - our parent's
            items = fastjson.loads(body)["items"]
            page = ListedPage([(items[i], body, i) for i in indices], max_depth)
            text = page.json_block(",\n  ").encode("utf-8")
            out.write(text)
            lengths.append(len(text))
        else:
            return 1  # the pipe ended without the end: the parent is gone
        out.flush()
        os.write(errors, pickle.dumps(("done", lengths)))
        return 0
    except CcmError as exc:  # a page the bounds refuse: said as the parent would say it
        os.write(errors, pickle.dumps(("error", (seq, exc))))
        return 1
