"""service.drafts.DraftWriter: draft writes from threads land in order (newest last), a
discard is never undone by a write still in flight, and a failed write is raised."""

from __future__ import annotations

import json
import threading

import pytest

from ccm_tui.service import drafts
from ccm_tui.service.drafts import DraftWriter, draft_path, load_draft


def _on_disk() -> str | None:
    d = load_draft()
    return d.name if d is not None else None


class GatedWrites:
    """Replaces the file writer: records each write's name; the first write waits for
    ``release`` (a slow disk), the others go through."""

    def __init__(self, monkeypatch) -> None:
        self.names: list[str] = []
        self.first_started = threading.Event()
        self.release = threading.Event()
        real = drafts.write_private_file

        def write(path, text):
            name = json.loads(text)["form"]["name"]
            if not self.names:
                self.names.append(name)
                self.first_started.set()
                assert self.release.wait(10), "the test never released the first write"
            else:
                self.names.append(name)
            return real(path, text)

        monkeypatch.setattr(drafts, "write_private_file", write)


def test_stages_before_a_flush_collapse_into_the_newest():
    w = DraftWriter()
    w.stage({"name": "a"})
    second = w.stage({"name": "ab"})
    assert w.pending
    assert w.flush() == second
    assert not w.pending and _on_disk() == "ab"
    assert w.flush() == second  # nothing staged: no write


def test_an_older_snapshot_never_lands_after_a_newer_one(monkeypatch):
    gate = GatedWrites(monkeypatch)
    w = DraftWriter()
    w.stage({"name": "old"})
    first = threading.Thread(target=w.flush)
    first.start()
    assert gate.first_started.wait(10)  # "old" is being written, slowly
    w.stage({"name": "new"})
    second = threading.Thread(target=w.flush)
    second.start()
    second.join(0.2)
    assert second.is_alive()  # it waits for the write in flight, it does not overlap it
    gate.release.set()
    first.join(10)
    second.join(10)
    assert gate.names == ["old", "new"]
    assert _on_disk() == "new"


def test_a_flush_started_late_writes_the_newest_snapshot(monkeypatch):
    """Two flushes queued behind a slow write: the newest snapshot is written once, and
    the other flush has nothing left to write (no stale rewrite)."""
    gate = GatedWrites(monkeypatch)
    w = DraftWriter()
    w.stage({"name": "1"})
    threads = [threading.Thread(target=w.flush)]
    threads[0].start()
    assert gate.first_started.wait(10)
    w.stage({"name": "12"})
    threads.append(threading.Thread(target=w.flush))
    w.stage({"name": "123"})
    threads.append(threading.Thread(target=w.flush))
    for t in threads[1:]:
        t.start()
    gate.release.set()
    for t in threads:
        t.join(10)
    assert gate.names == ["1", "123"]
    assert _on_disk() == "123"


def test_discard_waits_for_a_write_in_flight_and_drops_a_staged_one(monkeypatch):
    gate = GatedWrites(monkeypatch)
    w = DraftWriter()
    w.stage({"name": "typed"})
    writer = threading.Thread(target=w.flush)
    writer.start()
    assert gate.first_started.wait(10)
    w.stage({"name": "typed more"})
    result: list[bool] = []
    discarder = threading.Thread(target=lambda: result.append(w.discard()))
    discarder.start()
    gate.release.set()
    writer.join(10)
    discarder.join(10)
    assert result == [True]  # it deleted the file the slow write had just made
    assert w.flush() == 1 and not w.pending  # the staged snapshot was dropped
    assert not draft_path().exists()


def test_a_failed_write_is_raised_and_the_next_one_goes_through(monkeypatch):
    w = DraftWriter()
    real = drafts.write_private_file

    def full_disk(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts, "write_private_file", full_disk)
    w.stage({"name": "lost"})
    with pytest.raises(OSError):
        w.flush()
    monkeypatch.setattr(drafts, "write_private_file", real)
    w.stage({"name": "kept"})
    w.flush()
    assert _on_disk() == "kept"


def test_the_snapshot_goes_to_the_file_named_when_it_was_staged(tmp_path, monkeypatch):
    w = DraftWriter()
    w.stage({"name": "here"})
    first = draft_path()
    monkeypatch.setenv("CCM_TUI_HOME", str(tmp_path / "elsewhere"))
    w.flush()
    assert json.loads(first.read_text())["form"]["name"] == "here"
    assert not draft_path().exists()
