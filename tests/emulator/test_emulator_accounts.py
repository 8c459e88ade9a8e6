"""Account endpoints: create, read, update, delete, validation like CCM, secrets not echoed."""

from __future__ import annotations

import base64

import pytest

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 64).decode()
MISSING_UUID = "00000000-0000-4000-8000-000000000000"

OAUTH = {
    "oauth": {
        "idp_name": "Corp IdP",
        "idp_icon_url": "https://idp.example/icon.png",
        "idp_authorization_endpoint": "https://idp.example/authorize",
        "idp_token_endpoint": "https://idp.example/token",
        "idp_requires_basic_auth": True,
        "tls": {"required": {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"},
                             "client_key": base64.b64encode(b"KEY").decode(),
                             "client_cert": base64.b64encode(b"CERT").decode()}},
        "client_id": "ccm",
        "client_secret": "top-secret-value",
    }
}
FULL = {
    "name": "Full Account",
    "custom_logo": PNG,
    "auth_configs": [{"password": {"require_2fa": True, "administrators_only": False}}, OAUTH],
    "node_enrollment": {"attestation_enforcement_disabled_insecure": True},
    "component": "CONFIDENTIAL_AI",
}


async def test_create_full_account(client, emulator):
    r = await client.post("/v1/accounts", json=FULL)
    assert r.status_code == 200  # CCM answers 200, not 201
    acct = r.json()
    assert acct["name"] == "Full Account" and acct["component"] == "CONFIDENTIAL_AI"
    assert acct["custom_logo"] == PNG
    assert acct["node_enrollment"] == {"attestation_enforcement_disabled_insecure": True}
    assert acct["roles"] == ["MANAGER", "WRITER", "READER"] and acct["status"] == "ACTIVE"
    assert acct["account_status"] == "Active"
    assert abs(acct["created_at"] - emulator.now()) <= 2
    configs = acct["auth_configs"]
    assert isinstance(configs, dict) and len(configs) == 2
    assert all(len(k) == 36 for k in configs)
    oauth = next(c["oauth"] for c in configs.values() if "oauth" in c)
    # secrets are not echoed, everything else is
    assert "client_secret" not in oauth and "client_key" not in oauth["tls"]["required"]
    assert oauth["client_id"] == "ccm" and oauth["tls"]["required"]["client_cert"]
    assert "top-secret-value" not in r.text
    # what arrived is kept exactly, secrets included, for "sent as entered" assertions
    assert emulator.last_body("POST", "/v1/accounts") == FULL
    # the store notes that the secrets were set, without holding them
    stored = emulator.store.get_account(acct["acct_id"])
    assert sorted(next(iter(stored["_secrets_set"].values()))) == ["client_key", "client_secret"]
    assert "top-secret-value" not in str(stored)


async def test_create_minimal_gets_defaults(client):
    acct = (await client.post("/v1/accounts", json={"name": "min"})).json()
    assert acct["component"] == "DEFAULT"
    assert acct["node_enrollment"] == {"attestation_enforcement_disabled_insecure": False}
    assert list(acct["auth_configs"].values()) == [
        {"password": {"require_2fa": False, "administrators_only": False}}
    ]
    assert acct["azure_cvm_pcr_priority"] == list(range(23))
    assert "totals" not in acct


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": 3}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x", "component": "BIG"}, "component"),
        ({"name": "x", "node_enrollment": {}}, "node_enrollment.attestation_enforcement_disabled_insecure"),
        ({"name": "x", "node_enrollment": {"attestation_enforcement_disabled_insecure": "no"}},
         "node_enrollment.attestation_enforcement_disabled_insecure"),
        ({"name": "x", "auth_configs": {}}, "auth_configs"),
        ({"name": "x", "auth_configs": [{}]}, "auth_configs[0]"),
        ({"name": "x", "auth_configs": [{"password": {"require_2fa": True, "administrators_only": True},
                                         "cluster_auth_ref": {"target_id": "t"}}]}, "auth_configs[0]"),
        ({"name": "x", "auth_configs": [{"password": {"require_2fa": True}}]},
         "auth_configs[0].password.administrators_only"),
        ({"name": "x", "auth_configs": [{"oauth": {**OAUTH["oauth"], "tls": {}}}]}, "auth_configs[0].oauth.tls"),
        ({"name": "x", "custom_logo": "***"}, "custom_logo"),
        ({"name": "x", "custom_logo": base64.b64encode(b"\0" * 131073).decode()}, "custom_logo"),
    ],
)
async def test_bad_create_body_400_names_field(client, emulator, body, field):
    r = await client.post("/v1/accounts", json=body)
    assert r.status_code == 400
    assert f"`{field}`" in r.json()["message"]
    assert emulator.store.count_accounts() == 0


async def test_body_not_an_object(client):
    r = await client.post("/v1/accounts", json=["name"])
    assert r.status_code == 400 and "JSON object" in r.json()["message"]
    r = await client.post("/v1/accounts", content=b"{", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["message"]


async def test_duplicate_name_409_or_400(client, emulator):
    assert (await client.post("/v1/accounts", json={"name": "dup"})).status_code == 200
    r = await client.post("/v1/accounts", json={"name": "dup"})
    assert r.status_code == 409 and "already taken" in r.json()["message"]
    emulator.duplicate_status = 400
    r = await client.post("/v1/accounts", json={"name": "dup"})
    assert r.status_code == 400 and r.json()["message"] == "Account with name dup already exists"
    assert emulator.store.count_accounts() == 1


async def test_get_with_totals_and_unknown(client):
    acct = (await client.post("/v1/accounts", json={"name": "t"})).json()
    r = await client.get(f"/v1/accounts/{acct['acct_id']}")
    assert r.status_code == 200 and "totals" not in r.json()
    assert r.json()["name"] == "t"
    r = await client.get(f"/v1/accounts/{acct['acct_id']}", params={"with_totals": "true"})
    assert r.json()["totals"] == {"datasets": 0, "final_workflows": 0, "nodes": 0}
    r = await client.get(f"/v1/accounts/{MISSING_UUID}")
    assert r.status_code == 404 and MISSING_UUID in r.json()["message"]
    r = await client.get(f"/v1/accounts/{acct['acct_id']}", params={"with_totals": "maybe"})
    assert r.status_code == 400 and "`with_totals`" in r.json()["message"]


async def test_patch_account(client, emulator):
    acct = (await client.post("/v1/accounts", json=FULL)).json()
    acct_id = acct["acct_id"]
    ids = list(acct["auth_configs"])
    pcr = list(reversed(range(23)))
    r = await client.patch(f"/v1/accounts/{acct_id}", json={
        "name": "Renamed",
        "add_auth_configs": [{"cluster_auth_ref": {"target_id": "cluster-1"}}],
        "mod_auth_configs": {ids[0]: {"password": {"require_2fa": False, "administrators_only": True}}},
        "del_auth_configs": [ids[1]],
        "azure_cvm_pcr_priority": pcr,
        "enabled": False,
    })
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["name"] == "Renamed" and out["azure_cvm_pcr_priority"] == pcr
    assert out["account_status"] == "Deactivated"
    assert out["auth_configs"][ids[0]] == {"password": {"require_2fa": False, "administrators_only": True}}
    assert ids[1] not in out["auth_configs"] and len(out["auth_configs"]) == 2
    assert out["roles"] == ["MANAGER", "WRITER", "READER"]
    r = await client.patch(f"/v1/accounts/{acct_id}", json={"account_status": "Active"})
    assert r.json()["account_status"] == "Active"
    # persisted
    assert (await client.get(f"/v1/accounts/{acct_id}")).json()["name"] == "Renamed"
    assert emulator.last_body("PATCH", f"/v1/accounts/{acct_id}") == {"account_status": "Active"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"azure_cvm_pcr_priority": list(range(22))}, "azure_cvm_pcr_priority"),
        ({"azure_cvm_pcr_priority": [0] * 23}, "azure_cvm_pcr_priority"),
        ({"account_status": "ACTIVE"}, "account_status"),
        ({"enabled": "yes"}, "enabled"),
        ({"del_auth_configs": ["not-a-uuid"]}, "del_auth_configs[0]"),
        ({"del_auth_configs": [MISSING_UUID]}, "del_auth_configs"),
        ({"mod_auth_configs": {MISSING_UUID: {"password": {"require_2fa": True, "administrators_only": True}}}},
         "mod_auth_configs"),
        ({"default_group_id": "g"}, "default_group_id"),
        ({"name": ""}, "name"),
    ],
)
async def test_bad_patch_400_names_field(client, body, field):
    acct_id = (await client.post("/v1/accounts", json={"name": "p"})).json()["acct_id"]
    r = await client.patch(f"/v1/accounts/{acct_id}", json=body)
    assert r.status_code == 400
    assert f"`{field}`" in r.json()["message"]
    assert (await client.get(f"/v1/accounts/{acct_id}")).json()["name"] == "p"


async def test_patch_duplicate_name_and_unknown(client):
    await client.post("/v1/accounts", json={"name": "a"})
    b = (await client.post("/v1/accounts", json={"name": "b"})).json()["acct_id"]
    r = await client.patch(f"/v1/accounts/{b}", json={"name": "a"})
    assert r.status_code == 409
    assert (await client.patch(f"/v1/accounts/{b}", json={"name": "b"})).status_code == 200
    assert (await client.patch(f"/v1/accounts/{MISSING_UUID}", json={})).status_code == 404


async def test_delete(client, emulator):
    acct_id = (await client.post("/v1/accounts", json={"name": "gone"})).json()["acct_id"]
    await client.post(f"/v1/sys/session/select_account/{acct_id}")
    r = await client.delete(f"/v1/accounts/{acct_id}")
    assert r.status_code == 204 and r.content == b""
    assert (await client.get(f"/v1/accounts/{acct_id}")).status_code == 404
    assert (await client.delete(f"/v1/accounts/{acct_id}")).status_code == 404
    assert (await client.get("/v1/accounts")).json() == {"items": []}
    # the name is free again
    assert (await client.post("/v1/accounts", json={"name": "gone"})).status_code == 200


async def test_manager_role_needed_to_change(client, emulator):
    acct_id = (await client.post("/v1/accounts", json={"name": "ro"})).json()["acct_id"]
    emulator.store.set_membership(emulator.user["user_id"], acct_id, ["READER"])
    assert (await client.get(f"/v1/accounts/{acct_id}")).json()["roles"] == ["READER"]
    r = await client.patch(f"/v1/accounts/{acct_id}", json={"name": "x"})
    assert r.status_code == 403 and "MANAGER" in r.json()["message"]
    assert (await client.delete(f"/v1/accounts/{acct_id}")).status_code == 403
