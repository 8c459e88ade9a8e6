"""Building, updating and presenting stored accounts (pure functions, no I/O).

Stored auth configs never hold secrets: ``oauth.client_secret`` and
``oauth.tls.required.client_key`` are removed and their presence noted under the internal
``_secrets_set`` key (``{config_id: ["client_secret", ...]}``). Responses omit both the secret
values and every internal ``_``-prefixed key. CCM is not known to echo secrets, so neither do we.
"""

from __future__ import annotations

import copy
from typing import Any

from ccm_tui.emulator.ids import IdFactory

DEFAULT_PCR_PRIORITY = list(range(23))
DEFAULT_AUTH_CONFIG = {"password": {"require_2fa": False, "administrators_only": False}}
EMPTY_TOTALS = {"datasets": 0, "final_workflows": 0, "nodes": 0}

RESPONSE_KEYS = (
    "acct_id", "name", "created_at", "custom_logo", "auth_configs", "node_enrollment",
    "component", "default_group_id", "marketplace_group_id", "account_status",
    "azure_cvm_pcr_priority",
)


def strip_secrets(config: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of an auth config without secret values, and the names of those that were set."""
    cfg = copy.deepcopy(config)
    found: list[str] = []
    oauth = cfg.get("oauth")
    if isinstance(oauth, dict):
        if oauth.pop("client_secret", None) is not None:
            found.append("client_secret")
        required = (oauth.get("tls") or {}).get("required")
        if isinstance(required, dict) and required.pop("client_key", None) is not None:
            found.append("client_key")
    return cfg, found


def _add_configs(account: dict[str, Any], configs: list[dict[str, Any]], ids: IdFactory) -> None:
    for config in configs:
        _put_config(account, ids.new(), config)


def _put_config(account: dict[str, Any], config_id: str, config: dict[str, Any]) -> None:
    clean, found = strip_secrets(config)
    account["auth_configs"][config_id] = clean
    secrets_set = account.setdefault("_secrets_set", {})
    if found:
        secrets_set[config_id] = found
    else:
        secrets_set.pop(config_id, None)


def new_account(body: dict[str, Any], *, ids: IdFactory, now: int) -> dict[str, Any]:
    """The stored form of a validated AccountRequest body.

    Without ``auth_configs`` the account gets one password config (require_2fa false,
    administrators_only false); ``node_enrollment`` defaults to attestation enforced and
    ``component`` to DEFAULT."""
    account: dict[str, Any] = {
        "acct_id": ids.new(),
        "name": body["name"],
        "created_at": now,
        "auth_configs": {},
        "node_enrollment": dict(body.get("node_enrollment") or {"attestation_enforcement_disabled_insecure": False}),
        "component": body.get("component") or "DEFAULT",
        "default_group_id": ids.new(),
        "marketplace_group_id": ids.new(),
        "account_status": "Active",
        "azure_cvm_pcr_priority": list(DEFAULT_PCR_PRIORITY),
        "totals": dict(EMPTY_TOTALS),
    }
    if body.get("custom_logo") is not None:
        account["custom_logo"] = body["custom_logo"]
    configs = body.get("auth_configs")
    _add_configs(account, configs if configs is not None else [DEFAULT_AUTH_CONFIG], ids)
    return account


class UnknownConfigId(ValueError):
    def __init__(self, field: str, config_id: str) -> None:
        super().__init__(f"invalid value for field `{field}`: no auth config with id {config_id} in this account")
        self.field = field


def apply_update(account: dict[str, Any], body: dict[str, Any], *, ids: IdFactory) -> dict[str, Any]:
    """A new stored account with a validated AccountUpdateRequest applied.

    An empty ``custom_logo`` removes the logo. ``enabled`` false/true sets ``account_status`` Deactivated/Active unless the same request
    names ``account_status`` itself. Unknown ids in mod/del_auth_configs raise UnknownConfigId."""
    acc = copy.deepcopy(account)
    acc.setdefault("auth_configs", {})
    for key in ("name", "custom_logo", "default_group_id", "marketplace_group_id", "azure_cvm_pcr_priority"):
        if body.get(key) is not None:
            acc[key] = body[key]
    if body.get("custom_logo") == "":
        acc.pop("custom_logo", None)  # an empty logo removes it (the spec has no other way)
    if body.get("enabled") is not None:
        acc["account_status"] = "Active" if body["enabled"] else "Deactivated"
    if body.get("account_status") is not None:
        acc["account_status"] = body["account_status"]
    for config_id in body.get("del_auth_configs") or []:
        if config_id not in acc["auth_configs"]:
            raise UnknownConfigId("del_auth_configs", config_id)
        del acc["auth_configs"][config_id]
        acc.get("_secrets_set", {}).pop(config_id, None)
    for config_id, config in (body.get("mod_auth_configs") or {}).items():
        if config_id not in acc["auth_configs"]:
            raise UnknownConfigId("mod_auth_configs", config_id)
        _put_config(acc, config_id, config)
    _add_configs(acc, body.get("add_auth_configs") or [], ids)
    return acc


def to_response(
    account: dict[str, Any],
    roles: list[str] | None,
    status: str | None,
    *,
    with_totals: bool = False,
    fresh: bool = False,
) -> dict[str, Any]:
    """The Account as CCM returns it to a user with ``roles``/``status`` in it. ``fresh``:
    ``account`` was just parsed from the store and is used by nobody else, so its values are
    taken as they are (deep copies would be most of a page's time)."""
    if fresh:
        out = {k: account[k] for k in RESPONSE_KEYS if account.get(k) is not None}
    else:
        out = {k: copy.deepcopy(account[k]) for k in RESPONSE_KEYS if account.get(k) is not None}
    if roles is not None:
        out["roles"] = list(roles)
    if status is not None:
        out["status"] = status
    if with_totals:
        out["totals"] = dict(account.get("totals") or EMPTY_TOTALS)
    return out


def seed_accounts(n: int, *, ids: IdFactory, now: int) -> list[dict[str, Any]]:
    """``n`` ready-to-store accounts named ``seed-account-00001``..., created a minute apart."""
    out = []
    for i in range(1, n + 1):
        acct_id = ids.new()
        out.append({
            "acct_id": acct_id,
            "name": f"seed-account-{i:05d}",
            "created_at": now - (n - i) * 60,
            "auth_configs": {ids.new(): copy.deepcopy(DEFAULT_AUTH_CONFIG)},
            "node_enrollment": {"attestation_enforcement_disabled_insecure": False},
            "component": "CONFIDENTIAL_AI" if i % 5 == 0 else "DEFAULT",
            "default_group_id": ids.new(),
            "marketplace_group_id": ids.new(),
            "account_status": "Deactivated" if i % 7 == 0 else "Active",
            "azure_cvm_pcr_priority": list(DEFAULT_PCR_PRIORITY),
            "totals": {"datasets": i % 4, "final_workflows": i % 3, "nodes": i % 6},
        })
    return out
