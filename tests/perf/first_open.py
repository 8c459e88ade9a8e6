"""The first open of details, the wizard and the editor after launch, and the settled RSS,
for one or more source trees of the console, interleaved with the bare app (not part of the
bench's targets: a before/after tool for changes to what opening a screen imports).

    uv run python tests/perf/first_open.py --runs 5 before=/tmp/main-src after=.

Each ``label=DIR`` runs ``ccm-tui`` with DIR first on PYTHONPATH (DIR holds a ``ccm_tui``
package, e.g. ``git archive <commit> | tar -x -C DIR``), against one emulator process with
10 accounts, on the bench's pty (100x30). Per run and tree, three launches, each idle 5 s on
the table first (as an operator reading it; anything loaded while idle has happened):

- Enter on the first row -> the full account id on screen (details), and -> quiet 0.5 s
  (and the CPU time the console spent meanwhile: steadier than wall time on a shared box);
  the RSS 5 s after the table was quiet (settled) and 3 s after the details;
- ``n`` -> the wizard's first change, and -> quiet;
- Enter, then ``e`` on the details -> the editor's first change, and -> quiet.

Prints medians with every sample, per tree.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import MB, Bench, parse_args, table_rows  # noqa: E402
from emulator_proc import EmulatorProcess  # noqa: E402
from pty_harness import KEY_ENTER, UUID_RE, PtyApp  # noqa: E402

IDLE_S = 5.0
KEYS = ("settled", "details", "details_quiet", "details_cpu", "after_details", "wizard",
        "wizard_quiet", "wizard_cpu", "editor", "editor_quiet", "editor_cpu")


def cpu_ms(pid: int) -> float:
    """CPU time the process's threads have run (schedstat, ns): less moved by other loads on
    a shared machine than wall time, which waits for a core."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--details-only", action="store_true", help="skip the wizard and editor")
    ap.add_argument("trees", nargs="+", metavar="LABEL=DIR")
    opts = ap.parse_args()
    trees = [tuple(t.split("=", 1)) for t in opts.trees]
    bench = Bench(parse_args([]))
    out: dict[str, dict[str, list[float]]] = {label: {k: [] for k in KEYS} for label, _ in trees}
    bare: list[float] = []

    def launch(src: str, emu: EmulatorProcess) -> PtyApp:
        env = bench.env(emu.console_env())
        env["PYTHONPATH"] = str(Path(src).resolve())
        return PtyApp(bench.ccm, env=env)

    def table(app: PtyApp) -> None:
        app.wait_for(table_rows(), 30, "accounts table rows")
        app.wait_quiet(0.5, 15)
        time.sleep(IDLE_S)

    def details(app: PtyApp, r: dict[str, list[float]]) -> None:
        c0 = cpu_ms(app.pid)
        t0 = app.send(KEY_ENTER)
        t1 = app.wait_for(lambda s: UUID_RE.search(s) is not None, 15, "details (full id)")
        t2 = app.wait_quiet(0.5, 15)
        r["details_cpu"].append(cpu_ms(app.pid) - c0)
        r["details"].append((t1 - t0) * 1000)
        r["details_quiet"].append((t2 - t0) * 1000)

    def one_run(src: str, emu: EmulatorProcess, r: dict[str, list[float]]) -> None:
        with launch(src, emu) as app:
            table(app)
            r["settled"].append(app.rss_bytes() / MB)
            details(app, r)
            time.sleep(3)
            r["after_details"].append(app.rss_bytes() / MB)
        for what, key, on_details in () if opts.details_only else (
                ("wizard", "n", False), ("editor", "e", True)):
            with launch(src, emu) as app:
                table(app)
                if on_details:
                    details(app, {"details": [], "details_quiet": [], "details_cpu": []})
                    app.wait_quiet(1.0, 15)
                c0 = cpu_ms(app.pid)
                t0, t1 = app.press(key, 10, f"the {what} after {key!r}")
                t2 = app.wait_quiet(0.5, 15)
                r[f"{what}_cpu"].append(cpu_ms(app.pid) - c0)
                r[what].append((t1 - t0) * 1000)
                r[f"{what}_quiet"].append((t2 - t0) * 1000)

    with EmulatorProcess(bench.ccm, seed_accounts=10, env=bench.env()) as emu:
        bench.launch_bare()  # untimed: the OS file cache, the trees' .pyc
        for _, src in trees:
            with launch(src, emu) as app:
                app.wait_for(table_rows(), 30, "accounts table rows")
        for i in range(opts.runs):
            bare.append(bench.launch_bare()[1] / MB)
            for label, src in trees:
                one_run(src, emu, out[label])
            print(f"run {i + 1}/{opts.runs}", file=sys.stderr, flush=True)

    base = statistics.median(bare)
    print(f"bare app RSS {base:.1f} MB (median of {len(bare)})")
    for label, r in out.items():
        def med(k: str) -> float:
            return statistics.median(r[k])

        def every(k: str) -> str:
            return " ".join(f"{x:.0f}" if x >= 100 else f"{x:.1f}" for x in r[k])

        print(f"[{label}] settled RSS {med('settled'):.1f} MB = {med('settled') / base:.2f}x "
              f"({every('settled')}); after details {med('after_details'):.1f} MB")
        for k in ("details",) if opts.details_only else ("details", "wizard", "editor"):
            print(f"[{label}] {k}: first change/id {med(k):.0f} ms ({every(k)}); "
                  f"to quiet {med(k + '_quiet'):.0f} ms ({every(k + '_quiet')}); CPU "
                  f"{med(k + '_cpu'):.0f} ms ({every(k + '_cpu')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
