"""Create many accounts concurrently (bounded), reporting each outcome as it completes.

A batch can be asked to stop (Ctrl+C in the CLI): requests not yet sent are not sent (each is
reported as ``not_created`` with ``not_sent=True``), and the ones already in flight run to
their end, reconciliation included, so every account of the batch ends created or not created
(or, only when the server cannot be read at all, ``unknown``) — never abandoned mid-request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from ccm_tui.api.client import CcmClient
from ccm_tui.models import AccountRequest
from ccm_tui.service.accounts import CreateOutcome, create_account

NOT_SENT_MESSAGE = "stopped (Ctrl+C) before it was sent; not created"


class BatchControl:
    """Shared between the batch and whoever may stop it: how many requests are in flight,
    and a stop switch that keeps the in-flight ones."""

    def __init__(self) -> None:
        self.stopped = False
        self.in_flight = 0
        self.started = 0

    def stop(self) -> None:
        """Send no new create; let those in flight finish."""
        self.stopped = True


async def create_many(
    client: CcmClient,
    requests: Iterable[AccountRequest],
    *,
    concurrency: int = 8,
    control: BatchControl | None = None,
) -> AsyncIterator[tuple[int, CreateOutcome]]:
    """Yield ``(index, outcome)`` in completion order. One failure never stops the others."""
    reqs = list(requests)
    sem = asyncio.Semaphore(max(1, concurrency))
    control = control or BatchControl()

    async def one(index: int, req: AccountRequest) -> tuple[int, CreateOutcome]:
        async with sem:
            if control.stopped:
                return index, CreateOutcome("not_created", message=NOT_SENT_MESSAGE,
                                            not_sent=True)
            control.started += 1
            control.in_flight += 1
            try:
                return index, await create_account(client, req)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must not hide the other results
                return index, CreateOutcome(
                    "unknown", message=f"cannot tell whether {req.name!r} was created: "
                                       f"internal error {type(exc).__name__}")
            finally:
                control.in_flight -= 1

    tasks = [asyncio.create_task(one(i, r)) for i, r in enumerate(reqs)]
    try:
        for fut in asyncio.as_completed(tasks):
            yield await fut
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
