"""Members use-cases against the emulator: listing, guard rails that send nothing, typed
outcomes for server refusals, and reconciliation after ambiguous failures (never twice)."""

from __future__ import annotations

import pytest

from ccm_tui.models import AccountRequest, InviteUserRequest
from ccm_tui.service import members as svc


def _person(emulator, email, first=None):
    user = {"user_id": emulator.ids.new(), "user_email": email, "status": "ACTIVE",
            "email_verified": True, "created_at": emulator.now()}
    if first:
        user["first_name"] = first
    return user


@pytest.fixture
async def team(asgi_session, emulator):
    """An account where the operator is the only ACTIVE MANAGER, with a writer, a reader,
    a pending invitation and a disabled former manager; selected for the session."""
    client = asgi_session.client
    acct = (await client.create_account(AccountRequest(name="Team"))).acct_id
    store = emulator.store
    store.add_member(acct, _person(emulator, "wanda@example.com", "Wanda"), ["WRITER"])
    store.add_member(acct, _person(emulator, "rex@example.com", "Rex"), ["READER"])
    store.add_member(acct, _person(emulator, "penny@example.com"), ["READER"], "PENDING")
    store.add_member(acct, _person(emulator, "old.boss@example.com"), ["MANAGER"], "DISABLED")
    assert await svc.select_account(client, acct) is True
    assert await svc.select_account(client, acct) is False  # already selected: nothing sent
    return acct


def _writes(emulator) -> list[tuple[str, str, object]]:
    return [(r.method, r.path, r.body) for r in emulator.received
            if r.method in ("POST", "PATCH", "DELETE") and r.path.startswith("/v1/users")]


async def test_list_marks_me_and_summarises(asgi_session, emulator, team):
    lst = await svc.load_members(asgi_session.client)
    assert len(lst.rows) == 5 and not lst.truncated
    me = lst.me
    assert me is not None and me.email == emulator.email and me.roles == ("MANAGER", "WRITER", "READER")
    assert svc.summary(lst.rows) == "4 members, 1 invitation pending"
    penny = lst.find("PENNY@example.com")
    assert penny.status_text == "invitation pending" and penny.last_login_local == "never"
    assert [r.email for r in svc.sort_rows(lst.rows, "email")][0] == emulator.email
    assert [r.email for r in svc.filter_rows(lst.rows, "viewer pending")] == ["penny@example.com"]


async def test_list_is_paged_and_bounded(asgi_session, emulator, team):
    for i in range(7):
        emulator.store.add_member(team, _person(emulator, f"p{i}@example.com"), ["READER"])
    lst = await svc.load_members(asgi_session.client, page_size=3)
    assert len(lst.rows) == 12 and not lst.truncated
    offsets = [r.query.rsplit("offset=", 1)[1] for r in emulator.received if r.path == "/v1/users"]
    assert offsets == ["0", "3", "6", "9", "12"]
    bounded = await svc.load_members(asgi_session.client, page_size=3, max_members=5)
    assert len(bounded.rows) == 5 and bounded.truncated


async def test_invite_creates_a_pending_invitation_and_says_so(asgi_session, emulator, team):
    rows = (await svc.load_members(asgi_session.client)).rows
    phases = []
    out = await svc.invite_member(asgi_session.client, rows,
                                  InviteUserRequest(user_email="new.person@example.com", roles=["WRITER"]),
                                  on_phase=phases.append)
    assert out.state == "created" and out.ok and not out.reconciled
    assert "new.person@example.com as WRITER" in out.message
    assert _writes(emulator) == [("POST", "/v1/users/invite",
                                  {"user_email": "new.person@example.com", "roles": ["WRITER"]})]
    assert phases[0] == "sending"


async def test_invite_of_a_member_is_answered_without_sending(asgi_session, emulator, team):
    rows = (await svc.load_members(asgi_session.client)).rows
    out = await svc.invite_member(asgi_session.client, rows,
                                  InviteUserRequest(user_email="Wanda@example.com", roles=["READER"]))
    assert out.state == "already_member" and not out.sent
    assert out.message == "wanda@example.com is already a member with WRITER"
    assert _writes(emulator) == []


@pytest.mark.parametrize("status", [409, 400])
async def test_invite_of_a_member_the_list_did_not_show_reads_the_server_answer(
        asgi_session, emulator, team, status):
    rows = (await svc.load_members(asgi_session.client)).rows
    emulator.duplicate_status = status
    emulator.store.add_member(team, _person(emulator, "late@example.com"), ["WRITER", "READER"])
    out = await svc.invite_member(asgi_session.client, rows,
                                  InviteUserRequest(user_email="late@example.com", roles=["READER"]))
    assert out.state == "already_member" and out.sent
    assert out.message == "late@example.com is already a member with WRITER, READER"


async def test_last_manager_guard_sends_nothing(asgi_session, emulator, team):
    client = asgi_session.client
    rows = (await svc.load_members(client)).rows
    me = next(r for r in rows if r.is_me)
    for out in (await svc.set_roles(client, rows, me, ["WRITER"], confirmed_self=True),
                await svc.set_status(client, rows, me, False, confirmed_self=True),
                await svc.remove_member(client, rows, me, confirmed_self=True)):
        assert out.state == "last_manager" and not out.sent
        assert "you are the last active MANAGER" in out.message
    assert _writes(emulator) == []


async def test_own_manager_role_needs_confirmation(asgi_session, emulator, team):
    client = asgi_session.client
    rows = (await svc.load_members(client)).rows
    wanda = svc.find_member(rows, "wanda@example.com")
    out = await svc.set_roles(client, rows, wanda, ["MANAGER"])
    assert out.state == "updated" and out.message == "Wanda <wanda@example.com>: WRITER → MANAGER"
    rows = (await svc.load_members(client)).rows
    me = next(r for r in rows if r.is_me)
    out = await svc.set_roles(client, rows, me, ["READER"])
    assert out.state == "needs_confirmation" and "you will lose" in out.message and not out.sent
    assert len(_writes(emulator)) == 1  # only Wanda's promotion
    out = await svc.set_roles(client, rows, me, ["READER"], confirmed_self=True)
    assert out.state == "updated"
    assert _writes(emulator)[-1] == ("PATCH", f"/v1/users/{me.user_id}", {"roles": ["READER"]})


async def test_reader_is_refused_locally_and_a_403_is_still_handled(asgi_session, emulator, team):
    client = asgi_session.client
    me_id = emulator.user["user_id"]
    emulator.store.set_membership(me_id, team, ["READER"])
    rows = (await svc.load_members(client)).rows
    rex = svc.find_member(rows, "rex@example.com")
    out = await svc.set_roles(client, rows, rex, ["WRITER"])
    assert out.state == "forbidden" and "(you are READER)" in out.message and not out.sent
    out = await svc.invite_member(client, rows, InviteUserRequest(user_email="z@example.com", roles=["READER"]))
    assert out.state == "forbidden" and not out.sent
    assert _writes(emulator) == []
    # a list read while still MANAGER, then demoted on the server: the 403 becomes an outcome
    emulator.store.set_membership(me_id, team, ["MANAGER"])
    stale = (await svc.load_members(client)).rows
    emulator.store.set_membership(me_id, team, ["WRITER"])
    out = await svc.remove_member(client, stale, svc.find_member(stale, "rex@example.com"))
    assert out.state == "forbidden" and out.status == 403 and out.sent
    assert emulator.store.membership(rex.user_id, team) == (["READER"], "ACTIVE")


async def test_server_last_manager_rule_is_an_outcome_too(asgi_session, emulator, team):
    client = asgi_session.client
    rows = (await svc.load_members(client)).rows
    # the list said there is another active manager; the server knows better
    fake = [r if not r.email.startswith("old.boss") else
            svc.MemberRow(**{**{f: getattr(r, f) for f in ("user_id", "email", "name", "roles",
                             "email_verified", "last_login", "created_at", "is_me", "user")},
                             "status": "ACTIVE"})
            for r in rows]
    me = next(r for r in fake if r.is_me)
    out = await svc.set_status(client, fake, me, False, confirmed_self=True)
    assert out.state == "last_manager" and out.sent and "last ACTIVE MANAGER" in out.message


async def test_disable_enable_and_remove(asgi_session, emulator, team):
    client = asgi_session.client
    rows = (await svc.load_members(client)).rows
    rex = svc.find_member(rows, "rex@example.com")
    assert (await svc.set_status(client, rows, rex, False)).state == "updated"
    rows = (await svc.load_members(client)).rows
    rex = svc.find_member(rows, "rex@example.com")
    assert rex.status == "DISABLED"
    assert (await svc.set_status(client, rows, rex, False)).state == "no_change"
    assert (await svc.set_status(client, rows, rex, True)).state == "updated"
    out = await svc.remove_member(client, rows, svc.find_member(rows, "wanda@example.com"),
                                  account_name="Team")
    assert out.state == "removed" and "from Team" in out.message
    assert _writes(emulator) == [
        ("PATCH", f"/v1/users/{rex.user_id}", {"user_account_status": "DISABLED"}),
        ("PATCH", f"/v1/users/{rex.user_id}", {"user_account_status": "ACTIVE"}),
        ("DELETE", f"/v1/users/{svc.find_member(rows, 'wanda@example.com').user_id}/accounts", None),
    ]


@pytest.mark.parametrize("fault", ["drop", "502", "504_not_committed"])
async def test_ambiguous_invite_is_resolved_by_reading_the_list_never_twice(
        asgi_session, emulator, team, fault):
    client = asgi_session.client
    rows = (await svc.load_members(client)).rows
    if fault == "drop":
        emulator.faults.drop_after_commit(route="POST /v1/users/invite")
    else:
        emulator.faults.fail_next("POST /v1/users/invite", int(fault[:3]))
    req = InviteUserRequest(user_email="amb@example.com", roles=["WRITER"])
    out = await svc.invite_member(client, rows, req)
    invites = [w for w in _writes(emulator) if w[1] == "/v1/users/invite"]
    assert len(invites) == 1  # never sent twice
    assert out.reconciled
    if fault == "drop":
        assert out.state == "created" and "confirmed by the member list" in out.message
    else:
        assert out.state == "failed" and "inviting again is safe" in out.message
    members = [u for u in emulator.store.list_members(team)[0] if u["user_email"] == "amb@example.com"]
    assert len(members) == (1 if fault == "drop" else 0)


async def test_ambiguous_change_checks_the_roles_as_sent(asgi_session, emulator, team):
    client = asgi_session.client
    rows = (await svc.load_members(client)).rows
    rex = svc.find_member(rows, "rex@example.com")
    emulator.faults.fail_next("PATCH /v1/users/{id}", 504)
    out = await svc.set_roles(client, rows, rex, ["WRITER"])
    assert out.state == "failed" and out.reconciled and "unchanged" in out.message
    emulator.faults.fail_next("GET /v1/users", 500, count=5)
    emulator.faults.fail_next("PATCH /v1/users/{id}", 502)
    out = await svc.set_roles(client, rows, rex, ["WRITER"])
    assert out.state == "unknown" and "check the list" in out.message
    patches = [w for w in _writes(emulator) if w[0] == "PATCH"]
    assert len(patches) == 2  # one per action, never repeated


def test_resolve_account_by_id_prefix_and_name():
    from ccm_tui.models import Account

    accounts = [Account(acct_id="aaaa1111-0000", name="Prod"), Account(acct_id="aaaa2222-0000", name="prod "),
                Account(acct_id="bbbb0000-0000", name="Lab")]
    assert svc.resolve_account(accounts, "Lab")[0].acct_id == "bbbb0000-0000"
    assert svc.resolve_account(accounts, "bbbb")[0].name == "Lab"
    assert svc.resolve_account(accounts, "Prod")[0].acct_id == "aaaa1111-0000"  # exact name first
    assert "give more of the id" in svc.resolve_account(accounts, "aaaa")[1]
    assert svc.resolve_account(accounts, "nope")[0] is None


async def test_invite_that_times_out_after_the_commit_is_found_not_resent(live_session, live_emulator):
    """Over a real socket: the server commits, then answers after the client's read timeout."""
    emulator = live_emulator.emulator
    client = live_session.client
    acct = (await client.create_account(AccountRequest(name="Slow"))).acct_id
    await svc.select_account(client, acct)
    rows = (await svc.load_members(client)).rows
    emulator.faults.delay_after_commit(1.5, route="POST /v1/users/invite")
    phases = []
    out = await svc.invite_member(client, rows, InviteUserRequest(user_email="slow@example.com",
                                                                  roles=["READER"]),
                                  on_phase=phases.append)
    assert out.state == "created" and out.reconciled
    assert "did not answer in time" in out.message
    assert "checking" in phases
    assert len([r for r in emulator.received if r.path == "/v1/users/invite"]) == 1
