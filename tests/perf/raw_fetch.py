"""The 50k-load baseline: a plain httpx loop that fetches every page of accounts (run by
bench.py as a subprocess, like the console).

    python tests/perf/raw_fetch.py URL EMAIL PAGE_SIZE

Logs in once (HTTP Basic, password from CCM_PASSWORD), then GETs /v1/accounts page after page
(``limit`` PAGE_SIZE, ``previous_id`` the last id of the page before) until a short page,
parsing each answer's JSON, and prints "accounts=N pages=P". Nothing else: no models, no
table, no terminal — the floor the console's "launch -> all shown" is compared with.
"""

from __future__ import annotations

import os
import sys

import httpx


def main(url: str, email: str, page_size: int) -> int:
    with httpx.Client(base_url=url, timeout=120) as client:
        auth = client.post("/v1/sys/auth", auth=(email, os.environ["CCM_PASSWORD"]))
        auth.raise_for_status()
        client.headers["Authorization"] = f"Bearer {auth.json()['access_token']}"
        client.headers["X-CSRF-Header"] = "true"
        total = pages = 0
        previous = None
        while True:
            params: dict[str, object] = {"limit": page_size}
            if previous:
                params["previous_id"] = previous
            resp = client.get("/v1/accounts", params=params)
            resp.raise_for_status()
            items = resp.json()["items"]
            total += len(items)
            pages += 1
            if len(items) < page_size:
                break
            previous = items[-1]["acct_id"]
    print(f"accounts={total} pages={pages}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
