"""The emulator's page of 500 at 50k against its floor, by hand (bench.py's "emulator: one
page of 500" figure, taken apart).

    uv run python tests/perf/emu_page.py [--many 50000] [--requests 400] [--db FILE]

Starts ``ccm-tui emulator --seed-accounts N`` in its own process (``--db FILE`` keeps the
seeded database for the next run) and, beside it, the floor: a bare uvicorn + Starlette app
whose one route returns the very bytes of the emulator's page, served the same way
(httptools, TCP_NODELAY), in its own process. One warm ``httpx.Client`` each, holding the same
headers and session cookie, GETs ``limit=500&previous_id=<the middle account>`` from both,
request by request in turn (the machine's noise hits both alike). Prints the median and p25
of each, the ratio, and each server's CPU time per request (from /proc, so it needs Linux).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from emulator_proc import demo_credentials, free_port  # tests/perf is on sys.path


def _floor_server(body_file: str, port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    body = Path(body_file).read_bytes()

    async def page(request):  # noqa: ANN001, ANN202
        return Response(body, media_type="application/json")

    async def version(request):  # noqa: ANN001, ANN202
        return Response(b'{"version":"floor"}', media_type="application/json")

    app = Starlette(routes=[Route("/v1/accounts", page), Route("/v1/sys/version", version)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, log_config=None,
                                  lifespan="off", http="httptools", ws="none")).run(sockets=[sock])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/v1/sys/version", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url}: no answer within {timeout:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--many", type=int, default=50_000)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--db", default="", help="SQLite file for the emulator (seeded once)")
    ap.add_argument("--floor-server", nargs=2, metavar=("BODY", "PORT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.floor_server:
        _floor_server(a.floor_server[0], int(a.floor_server[1]))
        return
    email, password = demo_credentials()
    env = {**os.environ, "CCM_EMULATOR_PASSWORD": password}
    script = Path(sys.executable).parent / "ccm-tui"
    ccm = [str(script)] if script.exists() else [sys.executable, "-m", "ccm_tui"]
    procs: list[subprocess.Popen[bytes]] = []
    body_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"ccm-emu-page-{os.getpid()}.json"
    try:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        argv = [*ccm, "emulator", "--port", str(port), "--seed-accounts", str(a.many)]
        if a.db:
            argv += ["--db", a.db]
        emu = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env, start_new_session=True)
        procs.append(emu)
        _wait_up(url, emu, 300)
        c = httpx.Client(base_url=url, timeout=30)
        token = c.post("/v1/sys/auth", auth=(email, password)).json()["access_token"]
        c.headers["Authorization"] = f"Bearer {token}"
        c.headers["X-CSRF-Header"] = "true"
        mid = None  # the account in the middle of the list, paging to it as bench.py does
        for _ in range(max(1, a.many // 2 // 1000)):
            params = {"limit": 1000, **({"previous_id": mid["acct_id"]} if mid else {})}
            mid = c.get("/v1/accounts", params=params).json()["items"][-1]
        assert mid is not None
        params = {"limit": 500, "previous_id": mid["acct_id"]}
        body_file.write_bytes(c.get("/v1/accounts", params=params).content)
        floor_port = free_port()
        floor = subprocess.Popen(
            [sys.executable, __file__, "--floor-server", str(body_file), str(floor_port)],
            env=env, start_new_session=True)
        procs.append(floor)
        _wait_up(f"http://127.0.0.1:{floor_port}", floor, 60)
        f = httpx.Client(base_url=f"http://127.0.0.1:{floor_port}", timeout=30,
                         headers=c.headers, cookies=c.cookies)
        targets = {"emulator": (c, emu.pid), "floor (uvicorn+starlette, same bytes)": (f, floor.pid)}
        for client, _ in targets.values():
            for _ in range(10):
                client.get("/v1/accounts", params=params).raise_for_status()
        wall: dict[str, list[float]] = {k: [] for k in targets}
        cpu = dict.fromkeys(targets, 0.0)
        order = list(targets.items())
        for i in range(a.requests):
            for name, (client, pid) in (order if i % 2 == 0 else order[::-1]):
                c0 = _cpu_seconds(pid)
                t = time.perf_counter()
                r = client.get("/v1/accounts", params=params)
                wall[name].append((time.perf_counter() - t) * 1000)
                cpu[name] += _cpu_seconds(pid) - c0
                r.raise_for_status()
        print(f"page of 500 at {a.many:,} ({len(body_file.read_bytes()):,} bytes), "
              f"{a.requests} GETs each, interleaved:")
        for name, samples in wall.items():
            print(f"  {name:40s} median {statistics.median(samples):5.2f} ms  p25 "
                  f"{statistics.quantiles(samples, n=4)[0]:5.2f} ms  server CPU "
                  f"{cpu[name] * 1000 / a.requests:4.2f} ms/request")
        e, fl = wall["emulator"], wall["floor (uvicorn+starlette, same bytes)"]
        print(f"  emulator / floor: {statistics.median(e) / statistics.median(fl):.2f}x (medians)")
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(5)
        body_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
