"""The timing marks the performance bench (tests/perf/bench.py) reads: with CCM_TUI_BENCH set the
console appends ``<event> <monotonic ns> <detail>`` lines."""

from __future__ import annotations

from tui_helpers import accounts_ready, add_account, until


async def test_bench_marks_are_written_when_asked(make_app, det_emulator, tmp_path, monkeypatch):
    add_account(det_emulator, "alpha")
    marks = tmp_path / "marks.txt"
    monkeypatch.setenv("CCM_TUI_BENCH", str(marks))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await until(pilot, lambda: marks.exists() and "table_painted" in marks.read_text())
    events = {line.split()[0]: line.split() for line in marks.read_text().splitlines()}
    assert {"data_received", "table_painted"} <= set(events)
    assert events["data_received"][1].isdigit()

