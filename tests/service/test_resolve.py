"""Which account the operator means: full id, 8-character short id, exact name; an
ambiguous prefix lists the candidates."""

from __future__ import annotations

import pytest

from ccm_tui.models import AccountRequest
from ccm_tui.service.resolve import AccountRefError, resolve_account


async def test_full_short_and_name(asgi_session):
    client = asgi_session.client
    a = await client.create_account(AccountRequest(name="Alpha"))
    await client.create_account(AccountRequest(name="Beta"))
    assert (await resolve_account(client, a.acct_id)).acct_id == a.acct_id
    assert (await resolve_account(client, a.acct_id[:8])).acct_id == a.acct_id
    assert (await resolve_account(client, a.acct_id[:8].upper())).acct_id == a.acct_id
    assert (await resolve_account(client, "Alpha")).acct_id == a.acct_id
    got = await resolve_account(client, "Alpha", with_totals=True)
    assert got.totals is not None


async def test_not_found_and_case_sensitive_names(asgi_session):
    client = asgi_session.client
    await client.create_account(AccountRequest(name="Alpha"))
    for ref in ("alpha", "nope", "0000", "ffffffff-ffff-4fff-8fff-ffffffffffff"):
        with pytest.raises(AccountRefError) as err:
            await resolve_account(client, ref)
        assert err.value.kind == "not_found"


def _stored(emulator, name: str, acct_id: str) -> None:
    from ccm_tui.emulator.accounts import new_account

    account = new_account({"name": name}, ids=emulator.ids, now=emulator.now())
    account["acct_id"] = acct_id
    emulator.store.insert_account(account, emulator.user["user_id"])


async def test_ambiguous_prefix_lists_candidates(asgi_session, emulator):
    _stored(emulator, "One", "abcd1234-0000-4000-8000-000000000001")
    _stored(emulator, "Two", "abcd5678-0000-4000-8000-000000000002")
    client = asgi_session.client
    with pytest.raises(AccountRefError) as err:
        await resolve_account(client, "abcd")
    assert err.value.kind == "ambiguous"
    assert [a.name for a in err.value.candidates] == ["One", "Two"]
    assert "matches 2 accounts" in str(err.value)
    assert (await resolve_account(client, "abcd5678")).name == "Two"
    with pytest.raises(AccountRefError):
        await resolve_account(client, "abc")  # shorter than a usable prefix


async def test_an_exact_name_wins_over_an_id_prefix(asgi_session, emulator):
    _stored(emulator, "One", "abcd1234-0000-4000-8000-000000000001")
    _stored(emulator, "abcd1234", "eeee0000-0000-4000-8000-000000000003")
    assert (await resolve_account(asgi_session.client, "abcd1234")).name == "abcd1234"
