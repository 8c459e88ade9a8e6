"""Which account does the operator mean? A full id, the 8-character short id (any unique id
prefix), or an exact name — shared by ``accounts show/update/delete`` and the console.

No Textual, no printing: :class:`AccountRefError` carries the candidates so each caller can
list them in its own way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errors import NotFound
from ccm_tui.service.accounts import get_account

if TYPE_CHECKING:
    from ccm_tui.models.account_record import AnyAccount

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PREFIX = re.compile(r"^[0-9a-fA-F-]{4,36}$")
#: Shortest id prefix accepted (the table shows 8 characters).
MIN_PREFIX = 4


@dataclass
class AccountRefError(LookupError):
    """No account, or more than one, matches ``ref``."""

    ref: str
    kind: Literal["not_found", "ambiguous"]
    candidates: list[AnyAccount] = field(default_factory=list)

    @property
    def id_shaped(self) -> bool:
        """Could ``ref`` be an account id (or a prefix of one)? If not, it was only a name."""
        return _UUID.match(self.ref.strip()) is not None or _PREFIX.match(self.ref.strip()) is not None

    def __str__(self) -> str:
        if self.kind == "not_found" and not self.id_shaped:
            return (f"no account named {self.ref!r}, and it is not an account id (a full id, or "
                    "its first 8 characters as the console shows them)")
        if self.kind == "not_found":
            return (f"no account with id {self.ref} and none named {self.ref!r}: give its id, "
                    "the 8-character short id or its exact name")
        return (f"{self.ref!r} matches {len(self.candidates)} accounts; give more of the id "
                "or the exact name")


def match_accounts(ref: str, accounts: Sequence[AnyAccount]) -> list[AnyAccount]:
    """The accounts ``ref`` names: an exact name wins over an id prefix."""
    ref = ref.strip()
    if not ref:
        return []
    exact = [a for a in accounts if a.acct_id.lower() == ref.lower()]
    if exact:
        return exact
    named = [a for a in accounts if a.name == ref]
    if named:
        return named
    if _PREFIX.match(ref) and len(ref.replace("-", "")) >= MIN_PREFIX:
        low = ref.lower()
        return [a for a in accounts if a.acct_id.lower().startswith(low)]
    return []


async def resolve_account(client: CcmClient, ref: str, *, with_totals: bool = False) -> AnyAccount:
    """The one account ``ref`` names, read fresh from the server.

    A full UUID is read directly (so SYSTEM-scope ids work too); anything else is looked up in
    the account list. Raises :class:`AccountRefError` (not found / ambiguous) or CcmError."""
    ref = ref.strip()
    if _UUID.match(ref):
        try:
            return await get_account(client, ref, with_totals=with_totals)
        except NotFound:
            pass  # maybe a name that looks like a UUID
    matches = match_accounts(ref, await client.list_accounts())
    if not matches:
        raise AccountRefError(ref, "not_found")
    if len(matches) > 1:
        raise AccountRefError(ref, "ambiguous", sorted(matches, key=lambda a: a.acct_id))
    if with_totals or _UUID.match(ref) is None:
        try:
            return await get_account(client, matches[0].acct_id, with_totals=with_totals)
        except NotFound:
            raise AccountRefError(ref, "not_found") from None
    return matches[0]
