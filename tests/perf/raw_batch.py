"""The headless-batch baseline: a plain asyncio + httpx loop (run by bench.py as a subprocess).

    python tests/perf/raw_batch.py URL EMAIL FILE.jsonl CONCURRENCY

Logs in once (HTTP Basic, as the CLI does), then POSTs every JSON line of FILE to
/v1/accounts with at most CONCURRENCY requests in flight over one AsyncClient, and prints
"created=N failed=M". The password comes from CCM_PASSWORD. Nothing else: no validation, no
reconciliation, no output per account — the floor ccm-tui's batch create is compared with.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

import httpx


async def main(url: str, email: str, path: str, concurrency: int) -> int:
    with open(path, encoding="utf-8") as fh:
        bodies = [json.loads(line) for line in fh if line.strip()]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        auth = await client.post("/v1/sys/auth", auth=(email, os.environ["CCM_PASSWORD"]))
        auth.raise_for_status()
        client.headers["Authorization"] = f"Bearer {auth.json()['access_token']}"
        client.headers["X-CSRF-Header"] = "true"
        gate = asyncio.Semaphore(concurrency)
        created = failed = 0

        async def one(body: dict) -> None:
            nonlocal created, failed
            async with gate:
                resp = await client.post("/v1/accounts", json=body)
            if resp.status_code == 200:
                created += 1
            else:
                failed += 1

        await asyncio.gather(*(one(b) for b in bodies))
    print(f"created={created} failed={failed}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    url_, email_, path_, conc_ = sys.argv[1:5]
    raise SystemExit(asyncio.run(main(url_, email_, path_, int(conc_))))
