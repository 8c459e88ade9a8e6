"""Timing marks for the performance bench: with CCM_TUI_BENCH=/path/file the console appends
``<event> <time.monotonic_ns()> <detail>`` lines (events: data_received, table_painted,
filter_key, filter_painted). Nothing is written when the variable is unset."""

from __future__ import annotations

import os
import time


def enabled() -> bool:
    return bool(os.environ.get("CCM_TUI_BENCH"))


def mark(event: str, detail: str = "") -> None:
    path = os.environ.get("CCM_TUI_BENCH")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{event} {time.monotonic_ns()} {detail}\n")
