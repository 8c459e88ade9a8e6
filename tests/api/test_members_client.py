"""CcmClient's member calls against the emulator: the wire format, reads retried like every
GET, writes (invite, PATCH, DELETE) never retried."""

from __future__ import annotations

import pytest

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errors import PermissionDenied, ServerError
from ccm_tui.api.policy import RetryPolicy
from ccm_tui.models import AccountRequest, InviteUserRequest, UpdateUserRequest


@pytest.fixture
async def client(asgi_transport, demo_credentials):
    c = CcmClient("http://127.0.0.1:9", transport=asgi_transport,
                  retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02))
    await c.login(*demo_credentials)
    acct = await c.create_account(AccountRequest(name="Team"))
    await c.select_account(acct.acct_id)
    yield c
    await c.aclose()


def calls(emulator, method, path_start):
    return [r for r in emulator.received if r.method == method and r.path.startswith(path_start)]


async def test_members_round_trip(client, emulator):
    user = await client.invite_user(InviteUserRequest(user_email="a@example.com", roles=["READER"],
                                                      first_name="Ann"))
    assert user.user_account_status == "PENDING" and user.role_names == ["READER"]
    page = await client.list_users(all_search="ann", limit=5, offset=0, sort_by="user_email:ASC")
    assert [u.user_email for u in page.items] == ["a@example.com"]
    assert page.metadata["filtered_count"] == 1
    assert calls(emulator, "GET", "/v1/users")[-1].query == (
        "limit=5&offset=0&all_search=ann&sort_by=user_email%3AASC")
    changed = await client.update_user(user.user_id, UpdateUserRequest(roles=["WRITER"]))
    assert changed.role_names == ["WRITER"]
    await client.remove_user_from_account(user.user_id)
    assert [u.user_email for u in (await client.list_users()).items] == [emulator.email]


async def test_reads_are_retried(client, emulator):
    emulator.faults.fail_next("GET /v1/users", 503, count=2)
    page = await client.list_users()
    assert len(page.items) == 1
    assert len(calls(emulator, "GET", "/v1/users")) == 3


@pytest.mark.parametrize("status", [502, 503, 504, 500])
async def test_writes_are_never_retried(client, emulator, status):
    me = emulator.user["user_id"]
    for route, call in (
        ("POST /v1/users/invite",
         lambda: client.invite_user(InviteUserRequest(user_email="b@example.com", roles=["READER"]))),
        ("PATCH /v1/users/{id}", lambda: client.update_user(me, UpdateUserRequest(first_name="X"))),
        ("DELETE /v1/users/{id}/accounts", lambda: client.remove_user_from_account(me)),
    ):
        emulator.faults.fail_next(route, status, count=3)
        method = route.split()[0]
        before = len(calls(emulator, method, "/v1/users"))
        with pytest.raises(ServerError):
            await call()
        assert len(calls(emulator, method, "/v1/users")) == before + 1, route
    emulator.faults.clear()


async def test_403_is_permission_denied(client, emulator):
    emulator.faults.fail_next("POST /v1/users/invite", 403, body={"message": "not a manager"})
    with pytest.raises(PermissionDenied, match="not a manager"):
        await client.invite_user(InviteUserRequest(user_email="c@example.com", roles=["READER"]))
