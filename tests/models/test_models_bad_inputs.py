"""Table of bad inputs at model level: each names the field and says what is allowed."""

from __future__ import annotations

import base64
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from ccm_tui.models import AccountRequest, AccountUpdateRequest
from ccm_tui.models.errors import field_errors
from ccm_tui.models.rules import NAME_MAX_LENGTH


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def oauth(k: SimpleNamespace, **kw: Any) -> dict[str, Any]:
    return {"name": "acme", "auth_configs": [{"oauth": k.oauth(**kw)}]}


def tls_required(k: SimpleNamespace, **kw: Any) -> dict[str, Any]:
    req = {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"}}
    req.update(kw)
    return oauth(k, tls={"required": req})


def pcr(values: Any) -> dict[str, Any]:
    return {"azure_cvm_pcr_priority": values}


PCR_OK = list(range(23))
O = "auth_configs[0].oauth"
R = f"{O}.tls.required"

Row = tuple[str, Callable[[SimpleNamespace], Any], str, str]

ROWS: list[Row] = [
    # --- name
    ("name-missing", lambda k: {}, "name", "is required"),
    ("name-empty", lambda k: {"name": ""}, "name", "must not be empty"),
    ("name-blanks", lambda k: {"name": "  \t "}, "name", "must not be empty"),
    ("name-control-char", lambda k: {"name": "ac\x07me"}, "name", "U+0007"),
    ("name-newline", lambda k: {"name": "ac\nme"}, "name", "control or invisible"),
    ("name-bidi-override", lambda k: {"name": "acme\u202egnp.exe"}, "name", "U+202E"),
    ("name-too-long", lambda k: {"name": "x" * (NAME_MAX_LENGTH + 1)}, "name",
     f"at most {NAME_MAX_LENGTH}"),
    ("name-number", lambda k: {"name": 42}, "name", "must be a string"),
    ("name-null", lambda k: {"name": None}, "name", "must be a string"),
    # --- logo (base64 of bytes, checked by content)
    ("logo-not-base64", lambda k: {"name": "a", "custom_logo": "not base64!!"}, "custom_logo",
     "standard base64"),
    ("logo-empty", lambda k: {"name": "a", "custom_logo": ""}, "custom_logo", "is empty"),
    ("logo-gif", lambda k: {"name": "a", "custom_logo": b64(b"GIF89a" + b"\0" * 20)},
     "custom_logo", "GIF image, not a PNG, JPEG or SVG"),
    ("logo-text", lambda k: {"name": "a", "custom_logo": b64(b"hello world")}, "custom_logo",
     "not a PNG, JPEG or SVG"),
    ("logo-too-big", lambda k: {"name": "a", "custom_logo": b64(k.images.png + b"\0" * 131072)},
     "custom_logo", "at most 131072 bytes"),
    ("logo-truncated-png", lambda k: {"name": "a", "custom_logo": b64(k.images.png[:30])},
     "custom_logo", "damaged or truncated"),
    ("logo-svg-script", lambda k: {"name": "a", "custom_logo": b64(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')},
     "custom_logo", "<script>"),
    ("logo-svg-onload", lambda k: {"name": "a", "custom_logo": b64(
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')},
     "custom_logo", "event handler (onload="),
    ("logo-svg-external-entity", lambda k: {"name": "a", "custom_logo": b64(
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>')},
     "custom_logo", "must not declare entities"),
    ("logo-not-string", lambda k: {"name": "a", "custom_logo": 12}, "custom_logo",
     "must be a string"),
    # --- URLs
    ("url-http", lambda k: oauth(k, idp_token_endpoint="http://idp.example/token"),
     f"{O}.idp_token_endpoint", "must use https://"),
    ("url-not-a-url", lambda k: oauth(k, idp_authorization_endpoint="idp.example/authorize"),
     f"{O}.idp_authorization_endpoint", "expected https://host/path"),
    ("url-no-host", lambda k: oauth(k, idp_icon_url="https:///icon.png"), f"{O}.idp_icon_url",
     "expected https://host/path"),
    ("url-spaces", lambda k: oauth(k, idp_userinfo_endpoint="https://idp.example/user info"),
     f"{O}.idp_userinfo_endpoint", "must not contain spaces"),
    ("url-credentials", lambda k: oauth(k, idp_token_endpoint="https://u:pw@idp.example/t"),
     f"{O}.idp_token_endpoint", "user name or password"),
    ("url-bad-port", lambda k: oauth(k, idp_token_endpoint="https://idp.example:99999/t"),
     f"{O}.idp_token_endpoint", "not a valid URL"),
    ("url-javascript", lambda k: oauth(k, idp_icon_url="javascript:alert(1)"),
     f"{O}.idp_icon_url", "expected https://host/path"),
    # --- OAuth other members
    ("oauth-secret-empty", lambda k: oauth(k, client_secret=""), f"{O}.client_secret",
     "must not be empty"),
    ("oauth-client-id-blank", lambda k: oauth(k, client_id="  "), f"{O}.client_id",
     "must not be empty"),
    ("oauth-basic-auth-string", lambda k: oauth(k, idp_requires_basic_auth="yes"),
     f"{O}.idp_requires_basic_auth", "must be true or false"),
    # --- exactly one member
    ("auth-config-empty", lambda k: {"name": "a", "auth_configs": [{}]}, "auth_configs[0]",
     "exactly one of: password, oauth, cluster_auth_ref; none is set"),
    ("auth-config-two", lambda k: {"name": "a", "auth_configs": [
        {"password": {"require_2fa": True, "administrators_only": False},
         "cluster_auth_ref": {"target_id": "c1"}}]}, "auth_configs[0]",
     "2 are set (password, cluster_auth_ref)"),
    ("tls-two-modes", lambda k: oauth(k, tls={"disabled": {}, "opportunistic": {}}), f"{O}.tls",
     "exactly one of: disabled, opportunistic, required"),
    ("tls-none", lambda k: oauth(k, tls={}), f"{O}.tls", "none is set"),
    ("ca-two", lambda k: tls_required(
        k, ca={"ca_set": "GLOBAL_ROOTS", "pinned": [k.pki.ca_pem_b64]}),
     f"{R}.ca", "exactly one of: ca_set, pinned"),
    ("ca-set-unknown", lambda k: tls_required(k, ca={"ca_set": "ALL"}), f"{R}.ca.ca_set",
     "GLOBAL_ROOTS"),
    ("ca-pinned-empty", lambda k: tls_required(k, ca={"pinned": []}), f"{R}.ca.pinned",
     "at least one CA certificate"),
    ("tls-disabled-not-empty", lambda k: oauth(k, tls={"disabled": {"x": 1}}),
     f"{O}.tls.disabled.x", "is not a known field"),
    # --- PEM
    ("pem-pinned-garbage", lambda k: tls_required(k, ca={"pinned": [b64(b"garbage")]}),
     f"{R}.ca.pinned[0]", "not a valid X.509 certificate"),
    ("pem-pinned-not-b64", lambda k: tls_required(k, ca={"pinned": ["%%%"]}),
     f"{R}.ca.pinned[0]", "standard base64"),
    ("pem-pinned-is-key", lambda k: tls_required(k, ca={"pinned": [k.pki.client_key_pem_b64]}),
     f"{R}.ca.pinned[0]", "holds a private key; expected a certificate"),
    ("pem-key-garbage", lambda k: tls_required(
        k, client_key=b64(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        client_cert=k.pki.client_cert_pem_b64), f"{R}.client_key", "not a valid private key"),
    ("pem-key-is-cert", lambda k: tls_required(
        k, client_key=k.pki.client_cert_pem_b64, client_cert=k.pki.client_cert_pem_b64),
     f"{R}.client_key", "holds a certificate; expected the private key"),
    ("pem-key-encrypted", lambda k: tls_required(
        k, client_key=k.pki.encrypted_key_pem_b64, client_cert=k.pki.client_cert_pem_b64),
     f"{R}.client_key", "encrypted private key"),
    ("pem-key-without-cert", lambda k: tls_required(k, client_key=k.pki.client_key_pem_b64),
     f"{R}.client_key", "without client_cert"),
    ("pem-key-mismatch", lambda k: tls_required(
        k, client_key=k.pki.other_key_pem_b64, client_cert=k.pki.client_cert_pem_b64),
     f"{R}.client_key", "does not match client_cert"),
    ("pem-cert-is-key", lambda k: tls_required(
        k, client_key=k.pki.client_key_pem_b64, client_cert=k.pki.client_key_pem_b64),
     f"{R}.client_cert", "holds a private key"),
    ("tls-validate-hostname-missing", lambda k: oauth(
        k, tls={"required": {"ca": {"ca_set": "GLOBAL_ROOTS"}}}),
     f"{R}.validate_hostname", "is required"),
    # --- unknown keys and wrong types
    ("unknown-top-level", lambda k: {"name": "a", "nmae": "b"}, "nmae",
     "allowed here: name, custom_logo, auth_configs, node_enrollment, component "
     "(did you mean 'name'?)"),
    ("unknown-in-password", lambda k: {"name": "a", "auth_configs": [
        {"password": {"require_2fa": True, "administrators_only": False, "admins": True}}]},
     "auth_configs[0].password.admins", "allowed here: require_2fa, administrators_only"),
    ("unknown-create-only-field", lambda k: {"name": "a", "azure_cvm_pcr_priority": PCR_OK},
     "azure_cvm_pcr_priority", "is not a known field"),
    ("auth-configs-object", lambda k: {"name": "a", "auth_configs": {"password": {}}},
     "auth_configs", "must be a list"),
    ("password-2fa-int", lambda k: {"name": "a", "auth_configs": [
        {"password": {"require_2fa": 1, "administrators_only": False}}]},
     "auth_configs[0].password.require_2fa", "must be true or false"),
    ("node-enrollment-string", lambda k: {"name": "a", "node_enrollment": {
        "attestation_enforcement_disabled_insecure": "false"}},
     "node_enrollment.attestation_enforcement_disabled_insecure", "must be true or false"),
    ("component-unknown", lambda k: {"name": "a", "component": "PREMIUM"}, "component",
     "'DEFAULT' or 'CONFIDENTIAL_AI'"),
    ("cluster-ref-empty", lambda k: {"name": "a", "auth_configs": [
        {"cluster_auth_ref": {"target_id": ""}}]}, "auth_configs[0].cluster_auth_ref.target_id",
     "must not be empty"),
    ("not-an-object", lambda k: ["name"], "", "must be a JSON object"),
]

UPDATE_ROWS: list[Row] = [
    ("pcr-short", lambda k: pcr(list(range(22))), "azure_cvm_pcr_priority",
     "is missing [22]; it must list each of 0..22 exactly once"),
    ("pcr-duplicate", lambda k: pcr([0, 1, 1] + list(range(3, 23))), "azure_cvm_pcr_priority[2]",
     "repeats 1"),
    ("pcr-out-of-range", lambda k: pcr(list(range(22)) + [23]), "azure_cvm_pcr_priority[22]",
     "is 23, outside 0..22"),
    ("pcr-negative", lambda k: pcr([-1] + list(range(1, 23))), "azure_cvm_pcr_priority[0]",
     "outside 0..22"),
    ("pcr-boolean", lambda k: pcr([True] + list(range(1, 23))), "azure_cvm_pcr_priority[0]",
     "is a boolean"),
    ("pcr-string", lambda k: pcr(["0"] + list(range(1, 23))), "azure_cvm_pcr_priority[0]",
     "is not an integer"),
    ("pcr-float", lambda k: pcr([0.0] + list(range(1, 23))), "azure_cvm_pcr_priority[0]",
     "is not an integer"),
    ("pcr-not-list", lambda k: pcr(5), "azure_cvm_pcr_priority", "must be a list"),
    ("update-group-not-uuid", lambda k: {"default_group_id": "group-1"}, "default_group_id",
     "expected a UUID"),
    ("update-account-status-case", lambda k: {"account_status": "ACTIVE"}, "account_status",
     "'Active' or 'Deactivated'"),
    ("update-del-not-uuid", lambda k: {"del_auth_configs": ["x"]}, "del_auth_configs[0]",
     "expected a UUID"),
    ("update-mod-bad-config", lambda k: {"mod_auth_configs": {
        "3fa85f64-5717-4562-b3fc-2c963f66afa6": {"password": {"require_2fa": True}}}},
     "mod_auth_configs.3fa85f64-5717-4562-b3fc-2c963f66afa6.password.administrators_only",
     "is required"),
]


@pytest.fixture
def kit(pki: SimpleNamespace, images: SimpleNamespace, oauth_body: Any) -> SimpleNamespace:
    return SimpleNamespace(pki=pki, images=images, oauth=oauth_body)


def _errors(model: Any, payload: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(payload)
    return [(e.field, e.message) for e in field_errors(info.value)]


@pytest.mark.parametrize(
    ("build", "field", "message"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_bad_account_request_names_field(kit, build, field, message):
    errors = _errors(AccountRequest, build(kit))
    assert any(f == field and message in m for f, m in errors), errors


@pytest.mark.parametrize(
    ("build", "field", "message"), [r[1:] for r in UPDATE_ROWS], ids=[r[0] for r in UPDATE_ROWS]
)
def test_bad_update_request_names_field(kit, build, field, message):
    errors = _errors(AccountUpdateRequest, build(kit))
    assert any(f == field and message in m for f, m in errors), errors


def test_table_is_large_enough():
    assert len(ROWS) + len(UPDATE_ROWS) >= 40


def test_all_errors_reported_at_once(kit):
    """An operator fixing a file sees every bad field in one go, not one per attempt."""
    payload = oauth(kit, idp_token_endpoint="http://x/t", client_id="")
    payload["name"] = ""
    payload["component"] = "X"
    fields = {f for f, _ in _errors(AccountRequest, payload)}
    assert {"name", "component", f"{O}.idp_token_endpoint", f"{O}.client_id"} <= fields


def test_valid_request_normalises_name(kit):
    req = AccountRequest.model_validate({"name": "  Acme Corp  "})
    assert req.wire_body() == {"name": "Acme Corp"}


def test_valid_full_request_accepts_everything(kit):
    payload = tls_required(
        kit,
        ca={"pinned": [kit.pki.ca_der_b64, kit.pki.bundle_pem_b64]},
        client_key=kit.pki.client_key_der_b64,
        client_cert=kit.pki.client_cert_pem_b64,
    )
    payload["custom_logo"] = kit.images.svg_b64
    payload["node_enrollment"] = {"attestation_enforcement_disabled_insecure": False}
    payload["component"] = "CONFIDENTIAL_AI"
    body = AccountRequest.model_validate(payload).wire_body()
    tls = body["auth_configs"][0]["oauth"]["tls"]["required"]
    # sent exactly as read: DER stays DER, the PEM bundle stays a bundle
    assert tls["ca"]["pinned"] == [kit.pki.ca_der_b64, kit.pki.bundle_pem_b64]
    assert tls["client_key"] == kit.pki.client_key_der_b64
    assert body["node_enrollment"] == {"attestation_enforcement_disabled_insecure": False}


def test_traditional_openssl_key_accepted(kit):
    payload = tls_required(
        kit, client_key=kit.pki.client_key_trad_b64, client_cert=kit.pki.client_cert_pem_b64
    )
    AccountRequest.model_validate(payload)
