"""Fuzzing: whatever JSON an operator (or a server) hands us, the models either accept it or
raise pydantic.ValidationError — never anything else — and field_errors() turns every such
error into field/message pairs without echoing the input."""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ccm_tui.models import Account, AccountListResponse, AccountRequest, AccountUpdateRequest
from ccm_tui.models.errors import field_errors

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KNOWN_KEYS = [
    "name", "custom_logo", "auth_configs", "node_enrollment", "component", "password",
    "oauth", "cluster_auth_ref", "require_2fa", "administrators_only", "target_id", "tls",
    "disabled", "opportunistic", "required", "validate_hostname", "ca", "ca_set", "pinned",
    "client_key", "client_cert", "client_id", "client_secret", "idp_name", "idp_icon_url",
    "idp_token_endpoint", "idp_authorization_endpoint", "idp_requires_basic_auth",
    "attestation_enforcement_disabled_insecure", "azure_cvm_pcr_priority", "acct_id",
    "roles", "status", "totals", "mod_auth_configs", "add_auth_configs", "del_auth_configs",
]
MARKER = "FUZZ-SECRET-7c1f"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", " ", "https://x/", "http://x", "GLOBAL_ROOTS", "DEFAULT", "\x00",
                     "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t", "iVBORw0KGgo=", "PHN2Zy8+", MARKER]),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(string.printable, max_size=10))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=25,
)


def _check(model: Any, payload: Any) -> None:
    try:
        model.model_validate(payload)
    except ValidationError as exc:
        errors = field_errors(exc)
        assert errors and all(e.message for e in errors)
        text = str(exc) + "".join(str(e) for e in errors)
        assert MARKER not in text, "an error message echoed the input"


@SETTINGS
@given(json_values)
def test_request_models_raise_only_validation_errors(payload):
    _check(AccountRequest, payload)
    _check(AccountUpdateRequest, payload)


@SETTINGS
@given(json_values)
def test_response_models_raise_only_validation_errors(payload):
    _check(Account, payload)
    _check(AccountListResponse, payload)


def _valid_body(oauth_required: bool = True) -> dict[str, Any]:
    return {
        "name": "acme",
        "component": "DEFAULT",
        "node_enrollment": {"attestation_enforcement_disabled_insecure": False},
        "auth_configs": [
            {"password": {"require_2fa": True, "administrators_only": False}},
            {"cluster_auth_ref": {"target_id": "cfg"}},
            {
                "oauth": {
                    "idp_name": "IdP",
                    "idp_icon_url": "https://idp.example/i.png",
                    "idp_authorization_endpoint": "https://idp.example/a",
                    "idp_token_endpoint": "https://idp.example/t",
                    "idp_requires_basic_auth": False,
                    "tls": {"required": {"validate_hostname": True,
                                         "ca": {"ca_set": "GLOBAL_ROOTS"}}},
                    "client_id": "c",
                    "client_secret": MARKER,
                }
            },
        ],
    }


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


@SETTINGS
@given(st.data())
def test_mutated_valid_requests_fail_cleanly(data):
    """Near-misses reach the deep validators (URLs, PEM, exactly-one) instead of the top."""
    body = _valid_body()
    paths = _paths(body)[1:]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(paths))
        target = body
        for part in path[:-1]:
            target = target[part]
        if isinstance(target, dict) and data.draw(st.booleans()) and path[-1] in target:
            del target[path[-1]]
            paths = _paths(body)[1:]
        elif path[-1] in (target if isinstance(target, dict) else range(len(target))):
            target[path[-1]] = data.draw(json_values)
            paths = _paths(body)[1:]
    _check(AccountRequest, copy.deepcopy(body))
