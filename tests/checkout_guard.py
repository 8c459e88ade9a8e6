"""A guard that fails any test which reads outside the checkout.

A user's clone has nothing beside it: no ``../shared``, no sibling projects, no warm config in
their home directory. So a test may open files only in

- the checkout itself (sources, fixtures, the project's ``.venv`` and caches),
- the temporary directory (pytest's ``tmp_path`` and the like),
- the uv cache (``UV_CACHE_DIR``, or uv's default under the user's cache directory),
- the Python installation running the tests, and the operating system's own files
  (``/dev``, ``/proc``, ``/etc`` for time zones, CA roots and name resolution, ``/usr``…).

It listens to Python's audit events for ``open`` and directory listings (``sys.addaudithook``),
so it sees every file the test process opens, imports included. Subprocesses are not watched.
Whatever stands beside the checkout (its siblings, ``../shared`` above all) is never allowed,
even when the checkout itself sits in the temporary directory. A test that must read the published spec beside the checkout says so with
``@pytest.mark.reads_upstream_spec`` (only ``../shared/spec`` is then allowed).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UPSTREAM_SPEC_DIR = str(REPO.parent / "shared" / "spec") + os.sep

_SYSTEM = ("/dev/", "/proc/", "/sys/", "/etc/", "/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/",
           "/run/", "/var/lib/", "/opt/")


def _uv_cache() -> str:
    if os.environ.get("UV_CACHE_DIR"):
        return os.environ["UV_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "uv")


def _roots() -> tuple[str, ...]:
    dirs = {str(REPO), tempfile.gettempdir(), "/tmp", "/var/tmp", _uv_cache(),
            sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    resolved = {os.path.realpath(d) for d in dirs} | dirs
    return tuple(d.rstrip(os.sep) + os.sep for d in resolved if d) + _SYSTEM


def _siblings() -> tuple[str, ...]:
    """What stands beside the checkout: never to be read, even where the checkout itself sits
    in an allowed place (a clone under /tmp). ``shared`` is named even when absent."""
    keep = [os.path.realpath(d) for d in (_uv_cache(), sys.prefix, sys.base_prefix)]
    names = {"shared"}
    try:
        names.update(os.listdir(REPO.parent))
    except OSError:
        pass
    out = []
    for name in names:
        path = os.path.join(str(REPO.parent), name)
        if path == str(REPO) or name.startswith("pytest-of-"):
            continue
        if any((k + os.sep).startswith(path + os.sep) for k in keep):
            continue  # the uv cache or the Python running us lives below it
        out.append(path + os.sep)
    return tuple(out)


_ALLOWED = _roots()
_BESIDE = _siblings()
seen: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if event == "open" or event in ("os.listdir", "os.scandir"):
        path = args[0] if args else None
        if path is None or isinstance(path, int):
            return
        try:
            text = os.path.abspath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if (text + os.sep).startswith(_BESIDE) or not (text + os.sep).startswith(_ALLOWED):
            seen.append(text)


def install() -> None:
    sys.addaudithook(_audit)


def take(allow_upstream_spec: bool) -> list[str]:
    """The paths opened outside the allowed places since the last call (then forgotten)."""
    found = [p for p in seen
             if not (allow_upstream_spec and p.startswith(UPSTREAM_SPEC_DIR))]
    seen.clear()
    return sorted(set(found))
