"""ccm-tui performance benchmark (issue 5). Run outside pytest:

    uv run python tests/perf/bench.py [--runs N] [--quick] [--json PATH]

Every figure is measured against a baseline in the SAME run (the bare Textual app in
bare_app.py, a raw httpx POST, a plain asyncio+httpx batch loop), interleaved run by run, because
the machines are shared and noisy. Prints a table (median [min-max] and the target) and writes
JSON (default tests/perf/results/latest.json). See tests/perf/README.md for what each figure
measures. Every wait is bounded; a failed run is reported, not hidden, and a figure with more
than one failed run is marked ERROR.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from emulator_proc import EmulatorProcess  # noqa: E402
from pty_harness import (  # noqa: E402
    KEY_BACKSPACE,
    KEY_DOWN,
    KEY_ENTER,
    KEY_ESCAPE,
    UUID_RE,
    HarnessTimeout,
    PtyApp,
    contains,
    non_blank,
)
from stats import percentile, ratio, summary  # noqa: E402

BARE_MARKER = "BARE BASELINE READY"
SHORT_ID_RE = re.compile(r"(?<![0-9A-Za-z-])[0-9a-f]{8}(?![0-9A-Za-z-])")
MB = 1_000_000


def table_rows(min_rows: int = 2) -> Callable[[str], bool]:
    """True once at least ``min_rows`` screen lines carry an account id (short or full)."""

    def pred(text: str) -> bool:
        n = sum(1 for line in text.splitlines() if SHORT_ID_RE.search(line) or UUID_RE.search(line))
        return n >= min_rows

    return pred


#: Seconds of no input before the settled RSS is read: whatever an idle console loads by then
#: is counted (the account-model warm-up that did so, 2 s after the last key, is gone).
SETTLE_S = 5.0

NO_INHERIT = ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONSTARTUP")


def printable(data: bytes, limit: int = 160) -> str:
    """The bytes a window received, escapes shown, for diagnostics."""
    return data[:limit].decode("utf-8", "replace").encode("unicode_escape").decode()[:limit]


@dataclass
class Figure:
    key: str
    label: str
    target: str
    unit: str  # "s", "ms", "B", "MB", "x", "acc/s"
    samples: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    value: float = math.nan  # what the target is judged on
    base_value: float = math.nan
    ratio: float = math.nan
    ok: bool | None = None


class Bench:
    def __init__(self, opts: argparse.Namespace) -> None:
        self.opts = opts
        script = Path(sys.executable).parent / "ccm-tui"
        self.ccm = [str(script)] if script.exists() else [sys.executable, "-m", "ccm_tui"]
        self.bare = [sys.executable, str(HERE / "bare_app.py")]
        self.tmp = Path(tempfile.mkdtemp(prefix="ccm-perf-"))
        self.figs: dict[str, Figure] = {}
        self.tag = uuid.uuid4().hex[:6]
        self.launch_no = 0

    # -- plumbing ----------------------------------------------------------------------------
    def fig(self, key: str, label: str, target: str, unit: str) -> Figure:
        if key not in self.figs:
            self.figs[key] = Figure(key, label, target, unit)
        return self.figs[key]

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """A private home per launch: no config, token cache or drafts leak between runs."""
        self.launch_no += 1
        home = self.tmp / f"home{self.launch_no}"
        home.mkdir()
        # Python's default bytecode behaviour, as a user who follows the README gets it: the
        # installed packages' .pyc come from `uv sync` (compile-bytecode), the console's own
        # modules (an editable install) are compiled by their first import and cached. A
        # PYTHONDONTWRITEBYTECODE / PYTHONPYCACHEPREFIX of the machine running the bench is
        # not inherited (it made every launch compile every ccm_tui module again); the
        # bytecode group measures that case on purpose.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("CCM_") and k not in NO_INHERIT}
        env.update(CCM_TUI_HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg-config"),
                   XDG_STATE_HOME=str(home / "xdg-state"), XDG_CACHE_HOME=str(home / "xdg-cache"),
                   XDG_DATA_HOME=str(home / "xdg-data"))
        if extra:
            env.update(extra)
        return env

    def guard(self, keys: list[str], what: str, fn: Callable[[], None]) -> None:
        """Run one measurement; a failure is recorded against every figure it feeds."""
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported, never hidden
            msg = f"{what}: {type(exc).__name__}: {exc}"
            if not isinstance(exc, HarnessTimeout | RuntimeError):
                msg += "\n" + traceback.format_exc(limit=3)
            print(f"  ! {msg.splitlines()[0]}", file=sys.stderr)
            for k in keys:
                self.figs[k].failures.append(msg)

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    # -- single launches ---------------------------------------------------------------------
    def launch_bare(self) -> tuple[float, int]:
        with PtyApp(self.bare, env=self.env()) as app:
            t = app.wait_for(non_blank, 30, "bare app first frame")
            app.wait_for(contains(BARE_MARKER), 10, "bare app label")
            app.wait_quiet(0.5, 10)
            return t - app.t_spawn, app.rss_bytes()

    def launch_demo(self) -> tuple[float, float]:
        with PtyApp([*self.ccm, "--demo"], env=self.env()) as app:
            t1 = app.wait_for(non_blank, 30, "first frame of ccm-tui --demo")
            t2 = app.wait_for(table_rows(), 30, "accounts table rows in --demo")
            return t1 - app.t_spawn, t2 - app.t_spawn

    def launch_console_rss(self, emu: EmulatorProcess) -> tuple[float, int, int]:
        """The console against a running server (credentials in the environment): launch to
        table rows, VmRSS once the table is shown and output is quiet, and VmRSS settled:
        SETTLE_S later, which is what an idle console holds from then on (anything loaded
        in the background while idle included)."""
        with PtyApp(self.ccm, env=self.env(emu.console_env())) as app:
            t = app.wait_for(table_rows(), 30, "accounts table rows")
            app.wait_quiet(0.5, 15)
            shown = app.rss_bytes()
            time.sleep(SETTLE_S)
            return t - app.t_spawn, shown, app.rss_bytes()

    def wall(self, argv: list[str], env: dict[str, str], timeout: float = 30) -> float:
        t = time.perf_counter()
        res = subprocess.run(argv, env=env, capture_output=True, timeout=timeout,
                             stdin=subprocess.DEVNULL)
        dt = time.perf_counter() - t
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[-2:])} exited {res.returncode}: "
                               f"{res.stderr.decode(errors='replace')[-300:]}")
        return dt

    # -- group A: start-up, memory, --help/--version -----------------------------------------
    def group_startup(self, emu10: EmulatorProcess) -> None:
        f_first = self.fig("first_frame", "--demo: launch to first frame, vs bare app", "<= 1.3x",
                           "s")
        f_pop = self.fig("populated", "--demo: launch to table with rows, vs bare app",
                         "<= 1.8x", "s")
        f_run = self.fig("running", "running server: launch to table with rows, vs bare app",
                         "<= 1.5x", "s")
        f_mem = self.fig("memory", "RSS with the table shown, settled (emulator in its own "
                         "process) vs bare app", "<= 1.5x", "MB")
        f_mem0 = self.fig("memory_shown", "RSS as soon as the table is shown and quiet, vs bare "
                          "app", "(info)", "MB")
        f_help = self.fig("help", "--help wall time vs python -c pass", "<= 2.5x", "s")
        f_ver = self.fig("version", "--version wall time vs python -c pass", "<= 2.5x", "s")
        rss10: list[float] = []
        bare_first: list[float] = []
        self.log("[startup] warm-up launches (not timed: fill the OS file cache)")
        self.guard(["first_frame"], "warm-up bare", self.launch_bare)
        self.guard(["first_frame"], "warm-up demo", self.launch_demo)
        for i in range(self.opts.runs):
            self.log(f"[startup] run {i + 1}/{self.opts.runs}")

            def do_bare() -> None:
                first, rss = self.launch_bare()
                for f in (f_first, f_pop, f_run):
                    f.baseline.append(first)
                bare_first.append(first)
                f_mem.baseline.append(rss / MB)
                f_mem0.baseline.append(rss / MB)

            self.guard(["first_frame", "populated", "running", "memory", "memory_shown"],
                       "bare app", do_bare)

            def do_demo() -> None:
                first, populated = self.launch_demo()
                f_first.samples.append(first)
                f_pop.samples.append(populated)

            self.guard(["first_frame", "populated"], "ccm-tui --demo", do_demo)

            def do_running() -> None:
                t, rss, settled = self.launch_console_rss(emu10)
                f_run.samples.append(t)
                f_mem0.samples.append(rss / MB)
                f_mem.samples.append(settled / MB)
                rss10.append(rss / MB)  # the 50k group reads its RSS as soon as it is quiet too

            self.guard(["running", "memory", "memory_shown"], "console against a running server",
                       do_running)
            env = self.env()
            floor = [sys.executable, "-c", "pass"]

            def do_floor() -> None:
                t = self.wall(floor, env)
                f_help.baseline.append(t)
                f_ver.baseline.append(t)

            self.guard(["help", "version"], "python -c pass", do_floor)
            self.guard(["help"], "--help", lambda: f_help.samples.append(
                self.wall([*self.ccm, "--help"], env)))
            self.guard(["version"], "--version", lambda: f_ver.samples.append(
                self.wall([*self.ccm, "--version"], env)))
        for f in (f_first, f_pop, f_run, f_mem, f_help, f_ver):
            self.judge_ratio(f, le=float(f.target.split()[1].rstrip("x")))
        self.judge_ratio(f_mem0, le=math.inf)
        f_mem.notes.append(f"read {SETTLE_S:g} s after the screen went quiet (what an idle "
                           "console holds)")
        bare = summary(bare_first)["median"]
        for f in (f_help, f_ver):
            if f.samples and not math.isnan(bare):
                f.notes.append(f"for information: {summary(f.samples)['median'] / bare:.2f}x the "
                               f"bare app's launch to first frame ({bare * 1000:.0f} ms)")
        self.rss10 = rss10

    # -- group A2: byte-compiled or not ----------------------------------------------------
    def group_bytecode(self) -> None:
        """The same launches with and without .pyc files: without = an empty
        PYTHONPYCACHEPREFIX and PYTHONDONTWRITEBYTECODE=1 (every start compiles every module,
        as in an install without compiled bytecode under a read-only or no-bytecode setup)."""
        f_ver = self.fig("pyc_version", "--version: no .pyc vs .pyc", "(info)", "s")
        f_demo = self.fig("pyc_demo", "--demo launch to rows: no .pyc vs .pyc", "(info)", "s")
        runs = max(1, min(self.opts.runs, 3))
        for i in range(runs):
            self.log(f"[bytecode] run {i + 1}/{runs}")
            empty = self.tmp / f"pycache-empty-{i}"
            empty.mkdir()
            nopyc = {"PYTHONPYCACHEPREFIX": str(empty), "PYTHONDONTWRITEBYTECODE": "1"}
            env = self.env()
            self.guard(["pyc_version"], "--version with .pyc", lambda: f_ver.baseline.append(
                self.wall([*self.ccm, "--version"], env)))
            self.guard(["pyc_version"], "--version without .pyc", lambda: f_ver.samples.append(
                self.wall([*self.ccm, "--version"], self.env(nopyc))))

            def demo(extra: dict[str, str] | None, into: list[float]) -> None:
                with PtyApp([*self.ccm, "--demo"], env=self.env(extra)) as app:
                    into.append(app.wait_for(table_rows(), 60, "--demo rows") - app.t_spawn)

            self.guard(["pyc_demo"], "--demo with .pyc", lambda: demo(None, f_demo.baseline))
            self.guard(["pyc_demo"], "--demo without .pyc", lambda: demo(nopyc, f_demo.samples))
        for f in (f_ver, f_demo):
            self.judge_ratio(f, le=math.inf)
            f.notes.append("ratio = without / with; the pyproject sets [tool.uv] "
                           "compile-bytecode = true, so `uv sync` / `uv run` install the .pyc")

    # -- group B: many accounts (50,000) ---------------------------------------------------
    def group_many(self) -> None:
        n = self.opts.many
        k = f"{n // 1000}k"
        f_all = self.fig("many_all", f"{k}: launch to all shown and settled, vs plain httpx "
                         "fetch of the same pages", "<= 1.2x", "s")
        f_first = self.fig("many_first", f"{k}: launch to first rows", "(info)", "s")
        f_acct = self.fig("many_per_acct", f"{k}: memory per account held", "<= 1200 B", "B")
        f_grow = self.fig("many_growth", f"{k}: RSS growth over 10 accounts", "<= 60 MB", "MB")
        f_p50 = self.fig("many_key_p50", f"{k}: filter keystroke to settled, p50", "(info)", "ms")
        f_p95 = self.fig("many_key_p95", f"{k}: filter keystroke to settled, p95", "<= 25 ms",
                         "ms")
        f_bytes = self.fig("many_load_bytes", f"{k}: terminal bytes, launch to settled",
                           "<= 65536 B", "B")
        f_scroll = self.fig("scroll_row", "bytes per row move that scrolls the table",
                            "<= 2000 B", "B")
        f_noop = self.fig("filter_noop", "bytes per filter keystroke that changes no visible row",
                          "<= 500 B", "B")
        f_cli = self.fig("cli_json", f"accounts list --json at {k}, vs a plain fetch of the same "
                         "pages", "<= 2.0x", "s")
        f_cli_rss = self.fig("cli_json_rss", f"accounts list --json at {k}: peak RSS",
                             "<= 120 MB", "MB")
        f_page = self.fig("emu_page", f"emulator: one page of 500 at {k} (HTTP, warm client)",
                          "<= 3 ms", "ms")
        self.log(f"[{k}] starting an emulator seeded with {n} accounts")
        keys_all: list[float] = []
        first_change: list[float] = []
        with EmulatorProcess(self.ccm, seed_accounts=n, env=self.env(), start_timeout=300) as emu:
            c = emu.login_client()
            try:
                items = c.get("/v1/accounts", params={"limit": 20}).json()["items"]
                mid = None  # the account in the middle of the list, paging to it
                for _ in range(max(1, n // 2 // 1000)):
                    params = {"limit": 1000, **({"previous_id": mid["acct_id"]} if mid else {})}
                    mid = c.get("/v1/accounts", params=params).json()["items"][-1]
                for _ in range(25):
                    t = time.perf_counter()
                    r = c.get("/v1/accounts", params={"limit": 500,
                                                      "previous_id": mid["acct_id"]})
                    dt = time.perf_counter() - t
                    r.raise_for_status()
                    f_page.samples.append(dt * 1000)
            finally:
                c.close()
            f_page.samples = f_page.samples[5:]  # the first five warm the connection
            name = sorted(a["name"] for a in items)[len(items) // 2]
            query = name[-self.opts.keys // 2:]
            for i in range(self.opts.runs_many):
                self.log(f"[{k}] run {i + 1}/{self.opts.runs_many} (filter query {query!r})")

                def raw(i: int = i) -> None:
                    f_all.baseline.append(self.wall(
                        [sys.executable, str(HERE / "raw_fetch.py"), emu.url, emu.email, "1000"],
                        self.env(emu.console_env()), timeout=300))

                def console() -> None:
                    self.run_many_once(emu, n, query, keys_all, first_change, i == 0)

                order = (raw, console) if i % 2 == 0 else (console, raw)
                for fn in order:
                    self.guard(["many_all", "many_first", "many_per_acct", "many_growth",
                                "many_key_p50", "many_key_p95", "many_load_bytes", "scroll_row",
                                "filter_noop"] if fn is console else ["many_all"],
                               f"{k} {fn.__name__}", fn)

                def cli(i: int = i) -> None:
                    wall, rss = self.wall_rss([*self.ccm, "accounts", "list", "--json"],
                                              self.env(emu.console_env()))
                    f_cli.samples.append(wall)
                    f_cli_rss.samples.append(rss / MB)

                def plain(i: int = i) -> None:
                    wall, rss = self.wall_rss(
                        [sys.executable, str(HERE / "raw_fetch.py"), emu.url, emu.email, "1000"],
                        self.env(emu.console_env()))
                    f_cli.baseline.append(wall)
                    f_cli_rss.baseline.append(rss / MB)

                for fn in ((cli, plain) if i % 2 == 0 else (plain, cli)):
                    self.guard(["cli_json", "cli_json_rss"], f"{k} {fn.__name__}", fn)
        self.judge_ratio(f_all, le=1.2)
        f_first.value = summary(f_first.samples)["median"]
        base = summary(getattr(self, "rss10", []))["median"]
        f_grow.base_value = base
        f_grow.baseline = list(getattr(self, "rss10", []))
        f_grow.value = summary(f_grow.samples)["median"] - base
        f_grow.ok = f_grow.value <= 60 if f_grow.samples and not math.isnan(base) else None
        f_acct.value = f_grow.value * MB / n
        f_acct.ok = f_acct.value <= 1200 if f_grow.ok is not None else None
        f_acct.notes.append(f"(RSS at {n:,} minus RSS at 10 accounts, medians) / {n:,}")
        f_p50.samples = f_p95.samples = keys_all
        f_p50.value = percentile(keys_all, 50)
        f_p95.value = percentile(keys_all, 95)
        f_p95.ok = f_p95.value <= 25 if keys_all else None
        if first_change:
            f_p95.notes.append(f"first screen change after a keystroke: p50 "
                               f"{percentile(first_change, 50):.1f} ms, p95 "
                               f"{percentile(first_change, 95):.1f} ms")
        for f, limit in ((f_bytes, 65536), (f_scroll, 2000), (f_noop, 500)):
            if f.samples:
                f.value = max(f.samples)  # byte counts are not noise: judge the worst one
                f.ok = f.value <= limit
        self.judge_ratio(f_cli, le=2.0)
        f_cli_rss.value = max(f_cli_rss.samples) if f_cli_rss.samples else math.nan
        f_cli_rss.base_value = summary(f_cli_rss.baseline)["median"]
        f_cli_rss.ok = f_cli_rss.value <= 120 * 2**20 / MB if f_cli_rss.samples else None
        f_cli_rss.notes.append("judged on the worst run; the baseline is raw_fetch.py's peak RSS "
                               "(the emulator refuses limit > 1000, so one curl of all 50k "
                               "accounts cannot be asked for)")
        f_page.value = summary(f_page.samples)["median"]
        f_page.ok = f_page.value <= 3 if f_page.samples else None
        f_page.notes.append(f"median of {len(f_page.samples)} GETs of limit=500 from the middle "
                            f"of the list (previous_id), p95 {percentile(f_page.samples, 95):.1f} "
                            "ms")

    def run_many_once(self, emu: EmulatorProcess, n: int, query: str, keys_all: list[float],
                      first_change: list[float], bytes_too: bool) -> None:
        figs = self.figs
        env = self.env({**emu.console_env()})
        all_shown = re.compile(rf"Accounts \(({n}|{n:,})\)")
        with PtyApp(self.ccm, env=env) as app:
            t_rows = app.wait_for(table_rows(), 120, f"{n} table rows")
            app.wait_for(lambda s: all_shown.search(s) is not None, 300, f"'Accounts ({n})'")
            t_last = app.wait_quiet(0.5, 120)
            figs["many_first"].samples.append(t_rows - app.t_spawn)
            figs["many_all"].samples.append(t_last - app.t_spawn)
            figs["many_load_bytes"].samples.append(app.total_bytes())
            figs["many_growth"].samples.append(app.rss_bytes() / MB)
            if bytes_too:
                # Row moves that scroll: first down to the bottom of the view (not counted).
                for _ in range(self.opts.rows_to_bottom):
                    app.send(KEY_DOWN)
                    time.sleep(0.02)
                app.wait_quiet(self.opts.settle, 20)
                for _ in range(self.opts.rows):
                    t0, _ = app.press(KEY_DOWN, 5, "a scrolling row move")
                    app.wait_quiet(self.opts.settle, 10)
                    figs["scroll_row"].samples.append(app.bytes_between(t0))
                # Filter keystrokes that keep every visible row: a prefix all names share.
                app.press("/", 5, "the filter input after '/'")
                app.wait_quiet(0.3, 10)
                common = "seed"
                for key in [c.encode() for c in common] + [KEY_BACKSPACE] * len(common):
                    t0 = app.send(key)
                    app.wait_quiet(self.opts.settle, 10)
                    figs["filter_noop"].samples.append(app.bytes_between(t0))
            else:
                app.press("/", 5, "the filter input after '/'")
                app.wait_quiet(0.3, 10)
            seq = [c.encode() for c in query] + [KEY_BACKSPACE] * len(query)
            for key in seq:
                t0, t1 = app.press(key, 5, f"repaint after key {key!r}")
                t2 = app.wait_quiet(self.opts.settle, 10)
                first_change.append((t1 - t0) * 1000)
                keys_all.append((max(t1, t2) - t0) * 1000)
                if self.opts.verbose:
                    self.log(f"    key {key!r}: first change {(t1 - t0) * 1000:.1f} ms, "
                             f"settled {(max(t1, t2) - t0) * 1000:.1f} ms, "
                             f"{app.bytes_between(t0)} B")

    def wall_rss(self, argv: list[str], env: dict[str, str], timeout: float = 300
                 ) -> tuple[float, int]:
        """Wall time and peak RSS (bytes) of one process; stdout discarded. The peak comes
        from GNU time (%M) when /usr/bin/time exists: a child forked from this Python process
        would report this process's own high-water mark if it was larger (Linux keeps
        ru_maxrss across exec); GNU time forks from a small process."""
        gnu_time = Path("/usr/bin/time")
        out = self.tmp / f"rss-{uuid.uuid4().hex[:6]}.txt"
        full = [str(gnu_time), "-f", "%M", "-o", str(out), *argv] if gnu_time.exists() else argv
        t = time.perf_counter()
        proc = subprocess.run(full, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout)
        dt = time.perf_counter() - t
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:3])} exited {proc.returncode}: "
                               f"{proc.stderr.decode(errors='replace')[-300:]}")
        if gnu_time.exists():
            kib = int(out.read_text().split()[-1])
        else:
            import resource

            kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # an upper bound
        return dt, kib * 1024

    # -- group C: bytes to the terminal --------------------------------------------------------
    def group_bytes(self, emu10: EmulatorProcess) -> None:
        idle = self.opts.idle
        figs = {
            "idle_accounts": self.fig("idle_accounts", f"idle {idle:g}s on accounts", "0 B", "B"),
            "idle_details": self.fig("idle_details", f"idle {idle:g}s on details", "0 B", "B"),
            "idle_wizard": self.fig("idle_wizard", f"idle {idle:g}s on the wizard", "0 B", "B"),
            "per_char": self.fig("per_char", "bytes per character typed (wizard name)",
                                 "<= 1000 B", "B"),
            "per_row": self.fig("per_row", "bytes per row down (accounts table)", "<= 4000 B",
                                "B"),
        }
        for i in range(self.opts.bytes_runs):
            self.log(f"[bytes] session {i + 1}/{self.opts.bytes_runs} (idle windows {idle:g}s)")
            self.guard(list(figs), "bytes session", lambda: self.bytes_session(emu10, figs))
        for key, f in figs.items():
            if not f.samples:
                continue
            f.value = max(f.samples)  # byte counts are not noise: judge the worst one
            limit = 0 if key.startswith("idle") else (1000 if key == "per_char" else 4000)
            f.ok = f.value <= limit

    def idle_window(self, app: PtyApp, f: Figure, where: str) -> None:
        t = time.monotonic()
        time.sleep(self.opts.idle)
        app._feed_pending(None)
        n = app.bytes_between(t)
        f.samples.append(n)
        if n:
            data = b"".join(c.data for c in app.chunks if c.t >= t)
            offsets = sorted({round(c.t - t, 2) for c in app.chunks if c.t >= t})[:8]
            f.notes.append(f"{where}: {n} B at +{offsets}s: {printable(data)}")

    def bytes_session(self, emu: EmulatorProcess, figs: dict[str, Figure]) -> None:
        with PtyApp(self.ccm, env=self.env(emu.console_env())) as app:
            app.wait_for(table_rows(), 30, "accounts table rows")
            app.wait_quiet(1.0, 20)
            self.idle_window(app, figs["idle_accounts"], "accounts")
            for _ in range(self.opts.rows):
                t0, _ = app.press(KEY_DOWN, 5, "repaint after row down")
                app.wait_quiet(self.opts.settle, 10)
                figs["per_row"].samples.append(app.bytes_between(t0))
            app.send(KEY_ENTER)
            app.wait_for(lambda s: UUID_RE.search(s) is not None, 15, "details with the full id")
            app.wait_quiet(1.0, 20)
            self.idle_window(app, figs["idle_details"], "details")
            app.send(KEY_ESCAPE)
            app.wait_quiet(1.0, 20)
            app.press("n", 10, "the wizard after 'n'")
            app.wait_quiet(1.0, 20)
            self.idle_window(app, figs["idle_wizard"], "wizard")
            typed = ""
            for ch in "benchname"[: self.opts.chars]:
                t0, _ = app.press(ch, 5, f"the typed {ch!r} on screen")
                typed += ch
                app.wait_quiet(self.opts.settle, 10)
                figs["per_char"].samples.append(app.bytes_between(t0))
            if typed not in app.text():
                raise RuntimeError(f"typed {typed!r} but the wizard screen does not show it")

    # -- group D: submit overhead --------------------------------------------------------------
    def group_submit(self) -> None:
        """Wizard submit -> the new account's details painted, vs a raw POST, at 0 ms and at
        200 ms of server latency. Reported as the milliseconds the console adds (medians),
        and at 200 ms also as the ratio."""
        for lat in (0.0, self.opts.latency):
            ms = round(lat * 1000)
            f = self.fig(f"submit_{ms}", f"submit to details painted minus raw POST, {ms} ms "
                         "latency", "(info)" if lat == 0 else "<= 1.25x", "ms")
            self.log(f"[submit] emulator with {ms} ms latency")
            with EmulatorProcess(self.ccm, seed_accounts=10, latency=lat, env=self.env()) as emu:
                raw = emu.login_client()
                raw.get("/v1/sys/version")  # warm connection, like the console's client
                try:
                    with PtyApp(self.ccm, env=self.env(emu.console_env())) as app:
                        app.wait_for(table_rows(), 60, "accounts table rows")
                        app.wait_quiet(0.5, 20)
                        for i in range(self.opts.runs):
                            self.log(f"[submit] {ms} ms: run {i + 1}/{self.opts.runs}")
                            self.guard([f.key], "wizard submit", lambda i=i: f.samples.append(
                                self.submit_once(app, i + ms) * 1000))

                            def do_raw(i: int = i) -> None:
                                body = {"name": f"perf-raw-{self.tag}-{ms}-{i}",
                                        "node_enrollment": {
                                            "attestation_enforcement_disabled_insecure": False},
                                        "component": "DEFAULT"}
                                t = time.perf_counter()
                                resp = raw.post("/v1/accounts", json=body)
                                dt = time.perf_counter() - t
                                resp.raise_for_status()
                                f.baseline.append(dt * 1000)

                            self.guard([f.key], "raw POST", do_raw)
                finally:
                    raw.close()
            if lat:
                self.judge_ratio(f, le=1.25)
            else:
                self.judge_ratio(f, le=math.inf)
                f.ok = None
            added = f.value - f.base_value
            f.notes.append(f"the console adds {added:.0f} ms (median submit {f.value:.0f} ms - "
                           f"median raw POST {f.base_value:.0f} ms)")

    def submit_once(self, app: PtyApp, i: int) -> float:
        name = f"perf-submit-{self.tag}-{i}"
        app.press("n", 10, "the wizard after 'n'")
        app.wait_quiet(0.4, 10)
        app.send(name)
        app.wait_for(contains(name), 5, "the typed name")
        app.wait_quiet(0.3, 10)
        for _ in range(6):  # Enter through the steps until the review shows the JSON body
            if '"name"' in app.text():
                break
            app.press(KEY_ENTER, 5, "the next wizard step")
            app.wait_quiet(0.4, 10)
        else:
            raise RuntimeError("never reached the review step (no JSON body on screen)")
        before = set(UUID_RE.findall(app.text()))
        t0 = app.send(KEY_ENTER)

        def details_shown(s: str) -> bool:
            # A submit the console answered with an error (back on the review) fails at once,
            # with what it said, instead of as a 30 s "timed out" that reads like a hang.
            said = [line.strip() for line in s.splitlines() if "⚠" in line and "creat" in line]
            if said and "Review" in s:
                raise RuntimeError("the console came back to the review: " + " ".join(said))
            return bool(set(UUID_RE.findall(s)) - before) and name in s

        t1 = app.wait_for(details_shown, 30, "the new account's details")
        app.wait_quiet(0.5, 20)
        for _ in range(3):  # back to the accounts list for the next run
            if not UUID_RE.search(app.text()) and '"name"' not in app.text():
                break
            app.send(KEY_ESCAPE)
            app.wait_quiet(0.5, 10)
        return t1 - t0

    # -- group E: headless batch ----------------------------------------------------------------
    def group_batch(self) -> None:
        f = self.fig("batch", f"accounts create, {self.opts.batch} accounts, concurrency 8, "
                     "throughput vs plain httpx loop", ">= 0.8x", "acc/s")
        n = self.opts.batch
        with EmulatorProcess(self.ccm, seed_accounts=0, env=self.env()) as emu:
            for i in range(self.opts.batch_runs):
                self.log(f"[batch] run {i + 1}/{self.opts.batch_runs} ({n} accounts each way)")

                def tool(i: int = i) -> None:
                    path = self.batch_file(f"cli{i}", n)
                    dt = self.wall([*self.ccm, "accounts", "create", "--from", str(path),
                                    "--concurrency", "8"], self.env(emu.console_env()),
                                   timeout=300)
                    f.samples.append(n / dt)

                def plain(i: int = i) -> None:
                    path = self.batch_file(f"raw{i}", n)
                    dt = self.wall([sys.executable, str(HERE / "raw_batch.py"), emu.url,
                                    emu.email, str(path), "8"], self.env(emu.console_env()),
                                   timeout=300)
                    f.baseline.append(n / dt)

                order = (tool, plain) if i % 2 == 0 else (plain, tool)
                for fn in order:
                    self.guard(["batch"], "batch " + fn.__name__, fn)
        self.judge_ratio(f, ge=0.8)

    def batch_file(self, kind: str, n: int) -> Path:
        path = self.tmp / f"batch-{kind}.jsonl"
        with path.open("w") as fh:
            for j in range(n):
                fh.write(json.dumps({"name": f"perf-batch-{self.tag}-{kind}-{j:05d}"}) + "\n")
        return path

    # -- judging & output ------------------------------------------------------------------------
    def judge_ratio(self, f: Figure, *, le: float | None = None, ge: float | None = None) -> None:
        f.value = summary(f.samples)["median"]
        f.base_value = summary(f.baseline)["median"]
        f.ratio = ratio(f.value, f.base_value)
        if math.isnan(f.ratio):
            f.ok = None
            return
        f.ok = f.ratio <= le if le is not None else f.ratio >= ge
        pairs = [a / b for a, b in zip(f.samples, f.baseline, strict=False) if b]
        if len(pairs) >= 2:
            f.notes.append(f"per-run ratios {min(pairs):.2f}-{max(pairs):.2f}")

    def status(self, f: Figure) -> str:
        if f.target == "(info)":
            return "info" if f.samples else "ERROR"
        if len(f.failures) > 1 or f.ok is None:
            return "ERROR"
        return "PASS" if f.ok else "FAIL"


def bench_events(path: Path) -> list[tuple[float, str, str]]:
    """Parse the app's CCM_TUI_BENCH file: ``<event> <time.monotonic_ns()> <detail>`` lines.

    Returns (monotonic seconds, event, detail); CLOCK_MONOTONIC is system-wide on Linux, so the
    times compare with this process's ``time.monotonic()``.
    """
    out: list[tuple[float, str, str]] = []
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        out.append((int(parts[1]) / 1e9, parts[0], parts[2] if len(parts) > 2 else ""))
    return out


def fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "s":
        return f"{value * 1000:.0f} ms"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "B":
        return f"{value:.0f} B"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "acc/s":
        return f"{value:.0f}/s"
    return f"{value:.2f}"


def spread(samples: list[float], unit: str) -> str:
    s = summary(samples)
    if not s["n"]:
        return ""
    return f" [{fmt(s['min'], unit)}-{fmt(s['max'], unit)}]"


def machine() -> dict[str, object]:
    info: dict[str, object] = {"platform": platform.platform(), "python": platform.python_version(),
                               "cpus": os.cpu_count()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        m = re.search(r"model name\s*:\s*(.+)", cpu)
        info["cpu"] = m.group(1).strip() if m else platform.processor()
        mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        info["memory_gib"] = round(int(mem.group(1)) / 2**20, 1) if mem else None
    except OSError:
        pass
    try:
        from importlib.metadata import version

        info["textual"] = version("textual")
    except Exception:  # noqa: BLE001
        pass
    return info


def render(bench: Bench, elapsed: float) -> str:
    rows = [("figure", "measured (median [min-max])", "baseline", "ratio", "target", "result")]
    for f in bench.figs.values():
        if f.key == "many_per_acct":
            measured = f"{f.value:.0f} B (medians)"
        elif f.unit in {"B"} or f.key.startswith("many_key"):
            measured = fmt(f.value, f.unit) + (" (max)" if f.unit == "B" else "")
            if f.unit == "B":
                measured += f" of {len(f.samples)}"
        elif f.key.startswith("submit_"):
            measured = (f"+{f.value - f.base_value:.0f} ms (submit {fmt(f.value, 'ms')}"
                        f"{spread(f.samples, 'ms')})")
        elif f.key == "many_growth":
            measured = fmt(f.value, "MB") + " (medians)"
        else:
            measured = fmt(f.value, f.unit) + spread(f.samples, f.unit)
        base = fmt(f.base_value, f.unit) + spread(f.baseline, f.unit) if f.baseline else "-"
        r = "-" if math.isnan(f.ratio) else f"{f.ratio:.2f}x"
        rows.append((f.label, measured, base, r, f.target, bench.status(f)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    out = "\n".join(lines)
    notes = []
    for f in bench.figs.values():
        for n in dict.fromkeys(f.notes):
            notes.append(f"- {f.key}: {n}")
        for fail in f.failures:
            notes.append(f"- {f.key}: FAILED RUN: {fail.splitlines()[0]}")
    m = machine()
    out += (f"\n\nmachine: {m.get('cpu')} x{m.get('cpus')}, {m.get('memory_gib')} GiB, "
            f"{m.get('platform')}, Python {m.get('python')}, textual {m.get('textual')}; "
            f"runs={bench.opts.runs}; wall {elapsed:.0f}s")
    if notes:
        out += "\nnotes:\n" + "\n".join(notes)
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    p.add_argument("--quick", action="store_true",
                   help="a fast smoke run of the bench itself: 2 runs, 2 s idle windows, "
                        "small batch (figures are indicative only)")
    p.add_argument("--json", type=Path, default=HERE / "results" / "latest.json",
                   help="where to write the JSON results (default tests/perf/results/latest.json)")
    p.add_argument("--only", default="startup,bytecode,many,bytes,submit,batch",
                   help="comma-separated groups to run (startup,bytecode,many,bytes,submit,batch)")
    p.add_argument("--many", type=int, default=50_000,
                   help="accounts in the large-list group (default 50,000)")
    p.add_argument("-v", "--verbose", action="store_true", help="log every keystroke")
    opts = p.parse_args(argv)
    opts.idle = 10.0
    opts.keys = 20
    opts.rows = 8
    opts.chars = 8
    opts.settle = 0.25  # silence that ends a repaint (must exceed any debounce)
    opts.latency = 0.2
    opts.batch = 1000
    # Every figure is a median of --runs runs (5 by default: the issue asks for medians of
    # at least 5); the 50k and batch groups took 3 to save ~20 s of the script's wall time.
    opts.runs_many = max(1, opts.runs)
    opts.rows_to_bottom = 30  # more than the table's visible rows at 100x30
    opts.bytes_runs = 1
    opts.batch_runs = max(1, opts.runs)
    if opts.quick:
        opts.runs = min(opts.runs, 2)
        opts.runs_many = 1
        opts.idle = 2.0
        opts.keys = 8
        opts.batch = 200
        opts.batch_runs = 1
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    groups = set(opts.only.split(","))
    bench = Bench(opts)
    started = time.monotonic()
    try:
        if groups & {"startup", "bytes", "many"}:
            with EmulatorProcess(bench.ccm, seed_accounts=10, env=bench.env()) as emu10:
                if "startup" in groups or "many" in groups:
                    bench.group_startup(emu10)
                if "bytes" in groups:
                    bench.group_bytes(emu10)
        if "bytecode" in groups:
            bench.group_bytecode()
        if "many" in groups:
            bench.group_many()
        if "submit" in groups:
            bench.group_submit()
        if "batch" in groups:
            bench.group_batch()
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    elapsed = time.monotonic() - started
    text = render(bench, elapsed)
    print(text)
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": machine(),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(opts).items()},
        "wall_seconds": round(elapsed, 1),
        "figures": [{**asdict(f), "status": bench.status(f)} for f in bench.figs.values()],
        "table": text,
    }
    opts.json.write_text(json.dumps(payload, indent=2, default=str))
    print(f"\nJSON written to {opts.json}", file=sys.stderr)
    return 0 if all(bench.status(f) == "PASS" for f in bench.figs.values()
                    if f.target != "(info)") else 1


if __name__ == "__main__":
    raise SystemExit(main())
