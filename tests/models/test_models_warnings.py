"""Warnings shown before submitting: they point at the field and never block."""

from __future__ import annotations

from datetime import timedelta

from ccm_tui.models import AccountRequest
from ccm_tui.models.warnings import account_request_warnings

R = "auth_configs[0].oauth.tls.required"


def _warnings(payload, now=None):
    req = AccountRequest.model_validate(payload)
    return {(w.field, w.severity): w.message for w in account_request_warnings(req, now=now)}


def _oauth_required(oauth_body, **required):
    req = {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"}}
    req.update(required)
    return {"name": "a", "auth_configs": [{"oauth": oauth_body(tls={"required": req})}]}


def test_no_auth_config_is_informational():
    w = _warnings({"name": "a"})
    assert "server's default" in w[("auth_configs", "info")]
    assert len(w) == 1


def test_empty_auth_config_list_warns():
    w = _warnings({"name": "a", "auth_configs": []})
    assert "no way to sign in" in w[("auth_configs", "warning")]


def test_only_admin_password_locks_users_out():
    admins = {"password": {"require_2fa": True, "administrators_only": True}}
    w = _warnings({"name": "a", "auth_configs": [admins, admins]})
    assert "locked out" in w[("auth_configs", "warning")]


def test_lockout_not_reported_when_others_can_sign_in(oauth_body):
    admins = {"password": {"require_2fa": True, "administrators_only": True}}
    for other in (
        {"password": {"require_2fa": False, "administrators_only": False}},
        {"cluster_auth_ref": {"target_id": "cluster-cfg"}},
        {"oauth": oauth_body(tls={"required": {"validate_hostname": True,
                                               "ca": {"ca_set": "GLOBAL_ROOTS"}}})},
    ):
        w = _warnings({"name": "a", "auth_configs": [admins, other]})
        assert not any("locked out" in m for m in w.values()), w


def test_attestation_disabled_is_loud():
    w = _warnings({"name": "a", "auth_configs": [{"cluster_auth_ref": {"target_id": "x"}}],
                   "node_enrollment": {"attestation_enforcement_disabled_insecure": True}})
    msg = w[("node_enrollment.attestation_enforcement_disabled_insecure", "warning")]
    assert "attestation is turned OFF" in msg and "insecure" in msg
    w = _warnings({"name": "a", "auth_configs": [{"cluster_auth_ref": {"target_id": "x"}}],
                   "node_enrollment": {"attestation_enforcement_disabled_insecure": False}})
    assert w == {}


def test_expired_and_expiring_pinned_ca(oauth_body, pki):
    w = _warnings(_oauth_required(oauth_body, ca={"pinned": [
        pki.ca_pem_b64, pki.expired_ca_pem_b64, pki.expiring_ca_pem_b64]}))
    assert (f"{R}.ca.pinned[0]", "warning") not in w
    assert "CN=Expired CA expired on" in w[(f"{R}.ca.pinned[1]", "warning")]
    assert "CN=Expiring CA expires on" in w[(f"{R}.ca.pinned[2]", "warning")]
    assert "(in 9 days)" in w[(f"{R}.ca.pinned[2]", "warning")] or "(in 10 days)" in w[
        (f"{R}.ca.pinned[2]", "warning")]


def test_expiry_uses_the_given_clock(oauth_body, pki):
    later = pki.now + timedelta(days=400)
    w = _warnings(_oauth_required(oauth_body, ca={"pinned": [pki.ca_pem_b64]}), now=later)
    assert "expired on" in w[(f"{R}.ca.pinned[0]", "warning")]


def test_expired_client_cert(oauth_body, pki):
    w = _warnings(_oauth_required(oauth_body, client_key=pki.client_key_pem_b64,
                                  client_cert=pki.expired_client_cert_pem_b64))
    assert "client certificate CN=old-client.example expired" in w[(f"{R}.client_cert", "warning")]


def test_client_cert_without_key(oauth_body, pki):
    w = _warnings(_oauth_required(oauth_body, client_cert=pki.client_cert_pem_b64))
    assert "without client_key" in w[(f"{R}.client_cert", "warning")]


def test_tls_choices(oauth_body):
    base = "auth_configs[0].oauth.tls"
    w = _warnings({"name": "a", "auth_configs": [{"oauth": oauth_body(tls={"disabled": {}})}]})
    assert "neither encrypted nor authenticated" in w[(f"{base}.disabled", "warning")]
    w = _warnings({"name": "a", "auth_configs": [{"oauth": oauth_body()}]})
    assert "not verified" in w[(f"{base}.opportunistic", "info")]
    w = _warnings(_oauth_required(oauth_body, validate_hostname=False))
    assert "pose as the identity provider" in w[(f"{R}.validate_hostname", "warning")]
