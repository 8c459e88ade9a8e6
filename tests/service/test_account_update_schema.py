"""Hypothesis: every AccountUpdateRequest the edit planner can build (from any account and any
mix of edits) validates against the project's API document's AccountUpdateRequest, made
strict (no members the document does not define)."""

from __future__ import annotations

import base64
import binascii
import copy
import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker
from lifecycle_helpers import ADMIN_ONLY, CLUSTER, OAUTH, PASSWORD, SVG_LOGO

from ccm_tui.models import Account
from ccm_tui.service.account_update import EditedAuthConfig, edit_from_account, plan_update

SPEC = Path(__file__).resolve().parents[1] / "spec" / "ccm-api.json"


def _strict(node):
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    schema = {"$ref": "#/definitions/AccountUpdateRequest", "definitions": _strict(spec["definitions"])}
    checker = FormatChecker()

    @checker.checks("binary", raises=(binascii.Error, ValueError))
    def _binary(value: object) -> bool:  # standard base64 ("" is the empty logo)
        return not isinstance(value, str) or base64.b64decode(value, validate=True) is not None

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or bool(uuid.UUID(value))

    return Draft4Validator(schema, format_checker=checker)


def test_the_strict_schema_refuses_drift(validator):
    assert validator.is_valid({"name": "x", "del_auth_configs": [str(uuid.uuid4())]})
    assert not validator.is_valid({"name": "x", "remove_logo": True})
    assert not validator.is_valid({"del_auth_configs": ["not-a-uuid"]})
    assert not validator.is_valid({"account_status": "ACTIVE"})
    assert not validator.is_valid({"mod_auth_configs": {"x": {"oauth": {"idp_name": "a"}}}})


def stored(cfg):
    cfg = copy.deepcopy(cfg)
    cfg.get("oauth", {}).pop("client_secret", None)
    return cfg


NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs", "Co")),
               min_size=1, max_size=40).filter(str.strip)
configs = st.sampled_from([PASSWORD, ADMIN_ONLY, CLUSTER, OAUTH])
accounts = st.builds(
    lambda cfgs, logo, status, pcr: Account.model_validate({
        "acct_id": str(uuid.uuid4()), "name": "Acme",
        "auth_configs": {str(uuid.UUID(int=i + 1)): stored(c) for i, c in enumerate(cfgs)},
        "account_status": status, "azure_cvm_pcr_priority": pcr,
        **({"custom_logo": SVG_LOGO} if logo else {}),
    }),
    st.lists(configs, max_size=4), st.booleans(), st.sampled_from(["Active", "Deactivated"]),
    st.permutations(list(range(23))),
)


@st.composite
def edits(draw):
    account = draw(accounts)
    edit = edit_from_account(account)
    if draw(st.booleans()):
        edit.name = draw(NAMES)
    edit.custom_logo = draw(st.sampled_from([edit.custom_logo, None, SVG_LOGO]))
    edit.account_status = draw(st.sampled_from(["Active", "Deactivated"]))
    if draw(st.booleans()):
        edit.azure_cvm_pcr_priority = draw(st.permutations(list(range(23))))
    kept = []
    for cfg in edit.auth_configs:
        action = draw(st.sampled_from(["keep", "drop", "change"]))
        if action == "drop":
            continue
        if action == "change":
            if "password" in cfg.config:
                cfg.config = {"password": {"require_2fa": draw(st.booleans()),
                                           "administrators_only": draw(st.booleans())}}
            elif "oauth" in cfg.config:
                cfg.config["oauth"]["client_secret"] = draw(st.text(min_size=1, max_size=20).filter(str.strip))
                if draw(st.booleans()):
                    cfg.config["oauth"]["tls"] = {"opportunistic": {}}
            else:
                cfg.config = {"cluster_auth_ref": {"target_id": "t-" + draw(st.text("abc", min_size=1))}}
        kept.append(cfg)
    kept.extend(EditedAuthConfig(copy.deepcopy(c)) for c in draw(st.lists(configs, max_size=2)))
    edit.auth_configs = kept
    return account, edit


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_every_planned_request_validates_against_the_api_document(validator, case):
    account, edit = case
    plan = plan_update(account, edit)
    assert plan.errors == [], plan.errors
    if plan.request is None:
        assert plan.changes == []
        return
    body = plan.request.wire_body()
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, errors[0].message
    # only what changed is sent
    if "name" in body:
        assert body["name"] != account.name
    for cid in body.get("del_auth_configs", []):
        assert cid in (account.auth_configs or {})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.none() | NAMES, status=st.sampled_from([None, "--activate", "--deactivate"]),
       pcr=st.none() | st.permutations(list(range(23))), remove_logo=st.booleans())
def test_every_cli_update_validates_against_the_api_document(validator, name, status, pcr, remove_logo):
    """`accounts update` flags build requests the API document accepts (or exit 2 first)."""
    import argparse

    from ccm_tui.cli.account_files import InputError
    from ccm_tui.cli.lifecycle import read_update_input

    args = argparse.Namespace(
        from_file=None, name=name, logo=None, remove_logo=remove_logo,
        activate=status == "--activate", deactivate=status == "--deactivate",
        pcr_priority=",".join(map(str, pcr)) if pcr is not None else None)
    try:
        req = read_update_input(args)
    except InputError as exc:
        assert "nothing to change" in str(exc)
        assert name is None and status is None and pcr is None and not remove_logo
        return
    body = req.wire_body()
    errors = list(validator.iter_errors(body))
    assert not errors, errors[0].message
    assert ("name" in body) == (name is not None)
    assert ("azure_cvm_pcr_priority" in body) == (pcr is not None)
