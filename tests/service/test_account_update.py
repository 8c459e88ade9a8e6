"""Editing an account: the diff becomes the exact AccountUpdateRequest, guard rails warn, and
submitting never PATCHes twice — ambiguous answers are settled by re-reading the account."""

from __future__ import annotations

import copy

import pytest
from lifecycle_helpers import (
    ADMIN_ONLY,
    CLUSTER,
    OAUTH,
    PASSWORD,
    SVG_LOGO,
    deletes,
    oauth,
    patches,
)

from ccm_tui.api.errors import NameTaken, PermissionDenied
from ccm_tui.models import Account
from ccm_tui.service.account_update import (
    EditedAuthConfig,
    delete_account,
    edit_from_account,
    parse_pcr_priority,
    plan_update,
    set_account_status,
    submit_update,
)
from ccm_tui.service.accounts import Phase

ID_A = "11111111-1111-4111-8111-111111111111"
ID_B = "22222222-2222-4222-8222-222222222222"
ID_C = "33333333-3333-4333-8333-333333333333"


def server_account(**extra) -> Account:
    """An account as the server returns it (no secrets in its auth configs)."""
    stored_oauth = copy.deepcopy(OAUTH)
    del stored_oauth["oauth"]["client_secret"]
    raw = {
        "acct_id": "aaaaaaaa-0000-4000-8000-000000000001",
        "name": "Acme",
        "account_status": "Active",
        "azure_cvm_pcr_priority": list(range(23)),
        "auth_configs": {ID_A: copy.deepcopy(PASSWORD), ID_B: stored_oauth, ID_C: copy.deepcopy(CLUSTER)},
        "node_enrollment": {"attestation_enforcement_disabled_insecure": False},
        "component": "DEFAULT",
    }
    raw.update(extra)
    return Account.model_validate(raw)


# ----------------------------------------------------------------------------- the diff


def test_no_change_sends_nothing():
    acct = server_account()
    plan = plan_update(acct, edit_from_account(acct))
    assert plan.request is None and plan.empty and plan.changes == [] and plan.errors == []


def test_rename_sends_only_the_name():
    acct = server_account()
    edit = edit_from_account(acct)
    edit.name = "Acme Prod"
    plan = plan_update(acct, edit)
    assert plan.request.wire_body() == {"name": "Acme Prod"}
    assert [(c.field, c.before, c.after) for c in plan.changes] == [("name", "Acme", "Acme Prod")]


def test_pcr_status_and_logo():
    acct = server_account(custom_logo=SVG_LOGO)
    edit = edit_from_account(acct)
    pcr = [4, 0, 1, 2, 3, *range(5, 23)]
    edit.azure_cvm_pcr_priority = pcr
    edit.account_status = "Deactivated"
    edit.custom_logo = None
    assert plan_update(acct, edit).request.wire_body() == {
        "custom_logo": "", "account_status": "Deactivated", "azure_cvm_pcr_priority": pcr}
    edit2 = edit_from_account(server_account())
    edit2.custom_logo = SVG_LOGO
    assert plan_update(server_account(), edit2).request.wire_body() == {"custom_logo": SVG_LOGO}


def test_auth_configs_add_mod_del_by_id_secrets_only_when_typed():
    acct = server_account()
    edit = edit_from_account(acct)
    # password: turn on 2FA; oauth: rotate the client secret only; cluster ref: removed
    edit.auth_configs[0].config = {"password": {"require_2fa": True, "administrators_only": False}}
    edit.auth_configs[1].config["oauth"]["client_secret"] = "NEW-rotated-secret"
    del edit.auth_configs[2]
    edit.auth_configs.append(EditedAuthConfig(copy.deepcopy(CLUSTER)))
    plan = plan_update(acct, edit)
    assert plan.errors == []
    masked = plan.masked_json()
    assert masked == {
        "add_auth_configs": [CLUSTER],
        "mod_auth_configs": {
            ID_A: {"password": {"require_2fa": True, "administrators_only": False}},
            ID_B: oauth(client_secret="**********"),
        },
        "del_auth_configs": [ID_C],
    }
    assert plan.request.wire_body()["mod_auth_configs"][ID_B]["oauth"]["client_secret"] == "NEW-rotated-secret"
    assert "NEW-rotated-secret" not in repr(plan) + str(plan.changes)


def test_changing_oauth_without_its_secret_names_the_field_and_sends_nothing():
    acct = server_account()
    edit = edit_from_account(acct)
    edit.auth_configs[1].config["oauth"]["client_id"] = "other-client"
    plan = plan_update(acct, edit)
    assert plan.request is None
    assert [e.field for e in plan.errors] == [f"mod_auth_configs.{ID_B}.oauth.client_secret"]


def test_unchanged_oauth_is_not_sent_even_though_the_server_hides_its_secret():
    acct = server_account()
    edit = edit_from_account(acct)
    edit.name = "x"
    assert plan_update(acct, edit).request.wire_body() == {"name": "x"}


def test_invalid_edits_name_the_field():
    acct = server_account()
    edit = edit_from_account(acct)
    edit.name = "   "
    edit.azure_cvm_pcr_priority = [0] * 23
    plan = plan_update(acct, edit)
    assert plan.request is None
    assert {e.field.split("[")[0] for e in plan.errors} == {"name", "azure_cvm_pcr_priority"}


@pytest.mark.parametrize(
    ("keep", "add", "warned"),
    [
        ([], [], True),  # everything removed
        ([0], [], False),  # a normal password config stays
        ([], [ADMIN_ONLY], True),  # only administrators may sign in
        ([2], [], False),  # a cluster auth ref stays
    ],
)
def test_lockout_warning_uses_the_create_rule(keep, add, warned):
    acct = server_account()
    edit = edit_from_account(acct)
    edit.auth_configs = [edit.auth_configs[i] for i in keep] + [EditedAuthConfig(c) for c in add]
    plan = plan_update(acct, edit)
    lock = [w for w in plan.warnings if "locked out" in w.message]
    assert bool(lock) is warned, plan.warnings


def test_parse_pcr_priority():
    assert parse_pcr_priority("4,0,1,2,3," + ",".join(map(str, range(5, 23))))[:2] == [4, 0]
    for bad, words in [("1,2", "all 23"), (",".join(["0"] * 23), "twice"), ("a,b", "whole numbers"),
                       (",".join(map(str, range(1, 24))), "23 is not a PCR index")]:
        with pytest.raises(ValueError, match=words):
            parse_pcr_priority(bad)


# ----------------------------------------------------------------------------- submit


async def _account(client, name="Acme", **body):
    from ccm_tui.models import AccountRequest

    return await client.create_account(AccountRequest(name=name, **body))


async def test_submit_rename_sends_exactly_the_diff(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client)
    edit = edit_from_account(acct)
    edit.name = "Acme Prod"
    phases = []
    out = await submit_update(client, acct, plan_update(acct, edit).request, on_phase=phases.append)
    assert out.state == "updated" and out.account.name == "Acme Prod" and not out.reconciled
    assert patches(emulator, acct.acct_id) == [{"name": "Acme Prod"}]
    assert phases[-1] == Phase.DONE


async def test_submit_no_change_sends_nothing(asgi_session, emulator):
    acct = await _account(asgi_session.client)
    out = await submit_update(asgi_session.client, acct, None)
    assert out.state == "no_change" and "nothing to send" in out.message
    assert patches(emulator, acct.acct_id) == []


@pytest.mark.parametrize("flavour", [409, 400])
async def test_rename_to_taken_name_is_name_taken_at_name(asgi_session, emulator, flavour):
    client = asgi_session.client
    await _account(client, "Taken")
    acct = await _account(client, "Mine")
    emulator.duplicate_status = flavour
    edit = edit_from_account(acct)
    edit.name = "Taken"
    out = await submit_update(client, acct, plan_update(acct, edit).request)
    assert out.state == "not_updated" and out.field == "name"
    assert isinstance(out.error, NameTaken)
    assert (await client.get_account(acct.acct_id)).name == "Mine"


async def test_reader_gets_forbidden(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "ro")
    emulator.store.set_membership(emulator.user["user_id"], acct.acct_id, ["READER"])
    out = await set_account_status(client, acct, active=False)
    assert out.state == "not_updated" and isinstance(out.error, PermissionDenied)
    assert "MANAGER" in out.message


async def test_concurrent_change_is_a_conflict_and_nothing_is_sent(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Shared")
    # someone else renames it after our editor opened
    stored = emulator.store.get_account(acct.acct_id)
    stored["azure_cvm_pcr_priority"] = list(reversed(range(23)))
    emulator.store.update_account(stored)
    edit = edit_from_account(acct)
    edit.name = "Shared 2"
    out = await submit_update(client, acct, plan_update(acct, edit).request)
    assert out.state == "conflict" and out.changed_on_server == ["azure_cvm_pcr_priority"]
    assert "changed on the server" in out.message
    assert patches(emulator, acct.acct_id) == []


async def test_dropped_patch_that_committed_is_confirmed_once(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Flaky")
    emulator.faults.drop_after_commit(route="PATCH /v1/accounts/{account-id}")
    edit = edit_from_account(acct)
    edit.name = "Flaky 2"
    edit.azure_cvm_pcr_priority = list(reversed(range(23)))
    out = await submit_update(client, acct, plan_update(acct, edit).request)
    assert out.state == "updated" and out.reconciled
    assert "confirmed by re-reading" in out.message
    assert len(patches(emulator, acct.acct_id)) == 1


@pytest.mark.parametrize("status", [502, 504])
async def test_gateway_error_without_commit_is_not_updated_once(asgi_session, emulator, status):
    client = asgi_session.client
    acct = await _account(client, "Gate")
    emulator.faults.fail_next("PATCH /v1/accounts/{account-id}", status)
    out = await set_account_status(client, acct, active=False)
    assert out.state == "not_updated" and out.reconciled and "retry is safe" in out.message
    assert len(patches(emulator, acct.acct_id)) == 1
    assert str((await client.get_account(acct.acct_id)).account_status) == "Active"


async def test_malformed_answer_to_patch_resolved_by_reading(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Garbled")
    emulator.faults.malformed_next("PATCH /v1/accounts/{account-id}", kind="html")
    out = await set_account_status(client, acct, active=False)
    # the fault answered instead of the handler: nothing was changed, and the re-read says so
    assert out.state == "not_updated" and out.reconciled


async def test_secret_only_change_after_drop_is_unknown(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Sec", auth_configs=[OAUTH])
    emulator.faults.drop_after_commit(route="PATCH /v1/accounts/{account-id}")
    edit = edit_from_account(acct)
    edit.auth_configs[0].config["oauth"]["client_secret"] = "rotated-secret"
    out = await submit_update(client, acct, plan_update(acct, edit).request)
    assert out.state == "unknown" and "only a secret changed" in out.message
    assert "rotated-secret" not in out.message


async def test_deactivate_and_reactivate(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Toggle")
    out = await set_account_status(client, acct, active=False)
    assert out.state == "updated" and str(out.account.account_status) == "Deactivated"
    out = await set_account_status(client, out.account, active=True)
    assert str(out.account.account_status) == "Active"
    assert patches(emulator, acct.acct_id) == [{"account_status": "Deactivated"}, {"account_status": "Active"}]


# ----------------------------------------------------------------------------- delete


async def test_delete_then_gone(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Bye")
    out = await delete_account(client, acct)
    assert out.state == "deleted" and not out.reconciled
    out = await delete_account(client, acct)
    assert out.state == "not_deleted" and "does not exist" in out.message


async def test_dropped_delete_is_confirmed_by_404(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Drop")
    emulator.faults.drop_after_commit(route="DELETE /v1/accounts/{account-id}")
    out = await delete_account(client, acct)
    assert out.state == "deleted" and out.reconciled and "404" in out.message
    assert deletes(emulator, acct.acct_id) == 1


async def test_gateway_error_on_delete_says_still_there(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Stay")
    emulator.faults.fail_next("DELETE /v1/accounts/{account-id}", 504)
    out = await delete_account(client, acct)
    assert out.state == "not_deleted" and out.reconciled and "still there" in out.message
    assert deletes(emulator, acct.acct_id) == 1
    assert (await client.get_account(acct.acct_id)).name == "Stay"


async def test_delete_forbidden_for_reader(asgi_session, emulator):
    client = asgi_session.client
    acct = await _account(client, "Keep")
    emulator.store.set_membership(emulator.user["user_id"], acct.acct_id, ["READER"])
    out = await delete_account(client, acct)
    assert out.state == "not_deleted" and "403" in out.message


async def test_timeout_after_the_patch_committed_is_confirmed(live_session, live_emulator):
    client = live_session.client
    acct = await _account(client, "Slow")
    emu = live_emulator.emulator
    emu.faults.delay_after_commit(1.5, route="PATCH /v1/accounts/{account-id}")
    out = await set_account_status(client, acct, active=False)
    assert out.state == "updated" and out.reconciled, out.message
    assert "did not answer in time" in out.message
    assert len(patches(emu, acct.acct_id)) == 1


def test_rebase_keeps_my_edits_where_the_server_did_not_change():
    from ccm_tui.service.account_update import rebase_edit

    opened = server_account()
    edit = edit_from_account(opened)
    edit.name = "Mine"
    edit.azure_cvm_pcr_priority = list(reversed(range(23)))
    del edit.auth_configs[2]  # remove the cluster ref
    current = server_account(account_status="Deactivated",
                             azure_cvm_pcr_priority=[1, 0, *range(2, 23)])
    fresh, conflicts = rebase_edit(opened, edit, current)
    assert conflicts == ["azure_cvm_pcr_priority"]
    plan = plan_update(current, fresh)
    assert plan.request.wire_body() == {"name": "Mine", "del_auth_configs": [ID_C]}
