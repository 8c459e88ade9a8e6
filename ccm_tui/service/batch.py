"""Create many accounts concurrently (bounded), reporting each outcome as it completes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from ccm_tui.api.client import CcmClient
from ccm_tui.models import AccountRequest
from ccm_tui.service.accounts import CreateOutcome, create_account


async def create_many(
    client: CcmClient,
    requests: Iterable[AccountRequest],
    *,
    concurrency: int = 8,
) -> AsyncIterator[tuple[int, CreateOutcome]]:
    """Yield ``(index, outcome)`` in completion order. One failure never stops the others."""
    reqs = list(requests)
    sem = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, req: AccountRequest) -> tuple[int, CreateOutcome]:
        async with sem:
            try:
                return index, await create_account(client, req)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must not hide the other results
                return index, CreateOutcome(
                    "unknown", message=f"cannot tell whether {req.name!r} was created: "
                                       f"internal error {type(exc).__name__}")

    tasks = [asyncio.create_task(one(i, r)) for i, r in enumerate(reqs)]
    try:
        for fut in asyncio.as_completed(tasks):
            yield await fut
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
