"""Property tests against the project's API document (tests/spec/ccm-api.json, whose facts come
from CCM's published API description 2.0.0).

1. Every AccountRequest our models accept serialises (wire_body) into JSON that validates
   against the spec's AccountRequest schema — made stricter here (no members the spec does
   not define; ``format: binary`` must be base64) so the test fails if we drift.
2. Account payloads generated from the spec's Account schema, with unknown members, optional
   members dropped and older-server members added, parse; unknown members survive ``raw()``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import string
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker

from ccm_tui.models import Account, AccountListResponse, AccountRequest, ApprovalState
from ccm_tui.models.rules import NAME_MAX_LENGTH

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# --- the spec, strictly -----------------------------------------------------------------


def _strict(defs: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(defs)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(out)
    return out


def _format_checker() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("binary", raises=(binascii.Error, ValueError))
    def _binary(value: object) -> bool:
        return not isinstance(value, str) or bool(base64.b64decode(value, validate=True))

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or bool(uuid.UUID(value))

    return checker


@pytest.fixture(scope="module")
def request_validator(spec) -> Draft4Validator:
    # The definitions sit in the same document, so "#/definitions/..." refs resolve.
    schema = {"$ref": "#/definitions/AccountRequest", "definitions": _strict(spec["definitions"])}
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=_format_checker())


def test_strict_schema_catches_drift(request_validator):
    """The validator is not a rubber stamp: wrong members, types and encodings fail."""
    assert request_validator.is_valid({"name": "a"})
    assert not request_validator.is_valid({"name": "a", "mode": "x"})
    assert not request_validator.is_valid({"name": "a", "custom_logo": "%%not base64"})
    assert not request_validator.is_valid(
        {"name": "a", "auth_configs": [{"password": {"require_2fa": True}}]}
    )
    assert not request_validator.is_valid({"name": "a", "node_enrollment": {}})


# --- strategies for valid requests ------------------------------------------------------

NAME_CHARS = st.characters(
    blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs", "Co"), max_codepoint=0x2FFFF
)
names = st.text(NAME_CHARS, min_size=1, max_size=NAME_MAX_LENGTH).filter(lambda s: s.strip())
plain = st.text(string.ascii_letters + string.digits + "-_. ", min_size=1, max_size=30).filter(
    lambda s: s.strip()
)
hosts = st.sampled_from(["idp.example", "login.example.com", "127.0.0.1", "[::1]", "sso.test:8443"])
paths = st.text(string.ascii_lowercase + "/-_", max_size=20)
https_urls = st.builds(lambda h, p: f"https://{h}/{p}", hosts, paths)


def request_payloads(pki, images) -> st.SearchStrategy[dict[str, Any]]:
    certs = st.sampled_from(
        [pki.ca_pem_b64, pki.ca_der_b64, pki.bundle_pem_b64, pki.expired_ca_pem_b64]
    )
    ca = st.one_of(
        st.just({"ca_set": "GLOBAL_ROOTS"}),
        st.builds(lambda p: {"pinned": p}, st.lists(certs, min_size=1, max_size=3)),
    )
    client_pair = st.sampled_from(
        [
            {},
            {"client_key": pki.client_key_pem_b64, "client_cert": pki.client_cert_pem_b64},
            {"client_key": pki.client_key_der_b64, "client_cert": pki.client_cert_pem_b64},
            {"client_cert": pki.client_cert_pem_b64},
        ]
    )
    required = st.builds(
        lambda vh, c, pair: {"required": {"validate_hostname": vh, "ca": c, **pair}},
        st.booleans(), ca, client_pair,
    )
    tls = st.one_of(st.just({"disabled": {}}), st.just({"opportunistic": {}}), required)
    oauth = st.fixed_dictionaries(
        {
            "idp_name": plain,
            "idp_icon_url": https_urls,
            "idp_authorization_endpoint": https_urls,
            "idp_token_endpoint": https_urls,
            "idp_requires_basic_auth": st.booleans(),
            "tls": tls,
            "client_id": plain,
            "client_secret": st.text(min_size=1, max_size=40).filter(lambda s: s.strip()),
        },
        optional={"idp_userinfo_endpoint": https_urls},
    )
    auth_config = st.one_of(
        st.builds(
            lambda a, b: {"password": {"require_2fa": a, "administrators_only": b}},
            st.booleans(), st.booleans(),
        ),
        st.builds(lambda o: {"oauth": o}, oauth),
        st.builds(lambda t: {"cluster_auth_ref": {"target_id": t}}, plain),
    )
    return st.fixed_dictionaries(
        {"name": names},
        optional={
            "custom_logo": st.sampled_from([images.png_b64, images.jpeg_b64, images.svg_b64]),
            "auth_configs": st.lists(auth_config, max_size=3),
            "node_enrollment": st.builds(
                lambda b: {"attestation_enforcement_disabled_insecure": b}, st.booleans()
            ),
            "component": st.sampled_from(["DEFAULT", "CONFIDENTIAL_AI"]),
        },
    )


@SETTINGS
@given(data=st.data())
def test_every_request_we_send_matches_the_spec(data, pki, images, request_validator):
    payload = data.draw(request_payloads(pki, images))
    req = AccountRequest.model_validate(payload)
    body = req.wire_body()
    wire = json.loads(json.dumps(body))  # exactly what goes over the wire
    errors = sorted(request_validator.iter_errors(wire), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    # nothing lost on the way: the same request comes back from its own wire body
    assert AccountRequest.model_validate(wire).wire_body() == body
    assert body["name"] == payload["name"].strip()


# --- Account payloads from the spec's schema --------------------------------------------


def from_schema(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy:
    """A small generator for the parts of JSON Schema the spec uses for Account."""
    if "$ref" in schema:
        return from_schema(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, depth)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "uuid":
            return st.uuids().map(str)
        if fmt == "binary":
            return st.binary(max_size=30).map(lambda b: base64.b64encode(b).decode())
        return st.text(max_size=20)
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -(2**40)), max_value=2**40)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), defs, depth + 1), max_size=3)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        if not props:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and depth < 4:
                return st.dictionaries(
                    st.uuids().map(str), from_schema(extra, defs, depth + 1), max_size=2
                )
            return st.just({})
        if depth > 4:
            required_only = {k: from_schema(props[k], defs, depth + 1) for k in required}
            return st.fixed_dictionaries(required_only)
        return st.fixed_dictionaries(
            {k: from_schema(v, defs, depth + 1) for k, v in props.items() if k in required},
            optional={
                k: from_schema(v, defs, depth + 1) for k, v in props.items() if k not in required
            },
        )
    return st.none()


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
unknown_members = st.dictionaries(
    st.text(string.ascii_lowercase + "_", min_size=3, max_size=12).map(lambda s: "x_" + s),
    json_values,
    max_size=3,
)


@SETTINGS
@given(data=st.data())
def test_spec_shaped_accounts_parse(data, spec):
    defs = spec["definitions"]
    payload = data.draw(from_schema(defs["Account"], defs))
    extra = data.draw(unknown_members)
    older = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "features": st.one_of(
                    st.lists(st.text(max_size=8), max_size=3),
                    st.dictionaries(st.text(max_size=8), st.booleans(), max_size=3),
                ),
                "approval_state": st.sampled_from(
                    ["PENDING_CONFIRMATION", "APPROVED", "DISAPPROVED", "SOMETHING_NEW"]
                ),
            },
        )
    )
    # missing optional members: keep only acct_id plus a random subset of the others
    keep = data.draw(st.sets(st.sampled_from(sorted(payload))))
    payload = {k: v for k, v in payload.items() if k in keep or k == "acct_id"}
    payload.update(extra)
    payload.update(older)

    account = Account.model_validate(payload)
    assert account.acct_id == payload["acct_id"]
    raw = account.raw()
    for key, value in extra.items():
        if value is not None:
            assert raw[key] == value
    if "approval_state" in older:
        state = older["approval_state"]
        assert account.approval_state == state
        if state != "SOMETHING_NEW":
            assert isinstance(account.approval_state, ApprovalState)
    # a list response holds it just the same
    listed = AccountListResponse.model_validate({"items": [payload], "next": None})
    assert listed.items[0].acct_id == payload["acct_id"]


def test_minimal_and_hand_built_accounts_parse():
    assert Account.model_validate({"acct_id": "a"}).name is None
    newer = Account.model_validate(
        {
            "acct_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "roles": ["MANAGER", "AUDITOR"],  # a role a newer server may add
            "status": "SUSPENDED",
            "account_status": "Archived",
            "component": "SOMETHING_ELSE",
            "auth_configs": [{"password": {"require_2fa": False, "administrators_only": False}}],
            "features": ["sgx", "tdx"],
            "approval_state": "APPROVED",
            "brand_new": {"nested": [1, 2]},
        }
    )
    assert newer.role_names == ["MANAGER", "AUDITOR"]
    assert newer.status == "SUSPENDED" and newer.account_status == "Archived"
    assert newer.approval_state is ApprovalState.APPROVED
    assert newer.auth_configs == {
        "0": {"password": {"require_2fa": False, "administrators_only": False}}
    }
    assert newer.raw()["brand_new"] == {"nested": [1, 2]}
    assert newer.raw()["features"] == ["sgx", "tdx"]
