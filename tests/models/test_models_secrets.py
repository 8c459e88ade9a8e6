"""Secrets leave the models only through wire_body(): never via masked_body, repr, str or errors."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import ValidationError

from ccm_tui.models import AccountRequest, AccountUpdateRequest, AuthResponse
from ccm_tui.models.errors import field_errors
from ccm_tui.models.light import WrongShape

SECRET = "s3cret-VALUE-never-logged"


@pytest.fixture
def request_with_secrets(oauth_body, pki) -> AccountRequest:
    tls = {
        "required": {
            "validate_hostname": True,
            "ca": {"pinned": [pki.ca_pem_b64]},
            "client_key": pki.client_key_pem_b64,
            "client_cert": pki.client_cert_pem_b64,
        }
    }
    return AccountRequest.model_validate(
        {"name": "acme", "auth_configs": [{"oauth": oauth_body(tls=tls, client_secret=SECRET)}]}
    )


def _leaks(text: str, pki) -> list[str]:
    key_body = b"".join(pki.client_key_pem.splitlines()[1:-1]).decode()
    found = []
    if SECRET in text:
        found.append("client_secret")
    if pki.client_key_pem_b64[:40] in text or key_body[:40] in text:
        found.append("client_key")
    return found


def test_masked_views_hide_secrets(request_with_secrets, pki):
    req = request_with_secrets
    oauth = req.auth_configs[0].oauth
    for text in (
        json.dumps(req.masked_body()),
        repr(req),
        str(req),
        repr(oauth),
        str(oauth.tls.required),
        f"{req}",
        req.model_dump_json(),
        json.dumps(req.model_dump(mode="json")),
    ):
        assert _leaks(text, pki) == [], text[:200]
    masked = req.masked_body()["auth_configs"][0]["oauth"]
    assert masked["client_secret"] == "**********"
    assert masked["tls"]["required"]["client_key"] == "**********"
    # the non-secret certificate is shown as is
    assert masked["tls"]["required"]["client_cert"] == pki.client_cert_pem_b64


def test_wire_body_reveals_secrets(request_with_secrets, pki):
    wire = request_with_secrets.wire_body()["auth_configs"][0]["oauth"]
    assert wire["client_secret"] == SECRET
    assert wire["tls"]["required"]["client_key"] == pki.client_key_pem_b64
    assert base64.b64decode(wire["tls"]["required"]["client_key"]) == pki.client_key_pem


def test_validation_errors_never_echo_secrets(oauth_body, pki):
    """A request that fails elsewhere must not quote the secret or key in its error text."""
    tls = {
        "required": {
            "validate_hostname": "yes",  # the error
            "ca": {"ca_set": "GLOBAL_ROOTS"},
            "client_key": pki.client_key_pem_b64,
            "client_cert": pki.client_cert_pem_b64,
        }
    }
    payload = {"name": "", "auth_configs": [{"oauth": oauth_body(tls=tls, client_secret=SECRET)}]}
    with pytest.raises(ValidationError) as exc:
        AccountRequest.model_validate(payload)
    text = str(exc.value) + repr(exc.value) + json.dumps(
        [str(e) for e in field_errors(exc.value)]
    ) + exc.value.json()
    assert _leaks(text, pki) == []


def test_bad_key_error_never_echoes_it(oauth_body, pki):
    # a key that does not match: the error names the field, never the key
    tls = {
        "required": {
            "validate_hostname": True,
            "ca": {"ca_set": "GLOBAL_ROOTS"},
            "client_key": pki.client_key_pem_b64,
            "client_cert": pki.expired_ca_pem_b64,
        }
    }
    with pytest.raises(ValidationError) as exc:
        AccountRequest.model_validate(
            {"name": "a", "auth_configs": [{"oauth": oauth_body(tls=tls)}]}
        )
    errors = field_errors(exc.value)
    assert [e.field for e in errors] == ["auth_configs[0].oauth.tls.required.client_key"]
    assert "does not match client_cert" in errors[0].message
    assert _leaks(str(exc.value) + str(errors), pki) == []


def test_update_request_masks_secrets_too(oauth_body, pki):
    upd = AccountUpdateRequest.model_validate(
        {"add_auth_configs": [{"oauth": oauth_body(client_secret=SECRET)}]}
    )
    assert SECRET not in json.dumps(upd.masked_body()) + repr(upd)
    assert upd.wire_body()["add_auth_configs"][0]["oauth"]["client_secret"] == SECRET


def test_access_token_hidden_in_auth_response():
    token = "eyJhbGciOi.TOKEN-never-logged.sig"
    resp = AuthResponse.model_validate({"access_token": token, "session_info": {}})
    assert token not in repr(resp) + str(resp) + f"{resp.access_token}" + json.dumps(resp.raw())
    assert resp.access_token.get_secret_value() == token
    with pytest.raises(WrongShape) as exc:
        AuthResponse.model_validate({"access_token": token, "session_info": "bad"})
    assert token not in str(exc.value) + repr(exc.value) + str(exc.value.args)
    assert exc.value.loc == ("session_info",)


def test_errors_json_never_carries_secrets_even_misspelt(oauth_body, pki):
    """ValidationError.errors()/.json() hold the raw input of the failing level; a server or
    CLI that returns or logs them must still not leak a secret, even under a typo'd name."""
    oauth = oauth_body(client_secret=SECRET)
    del oauth["idp_name"]  # a "missing" error carries the whole oauth object as its input
    oauth["clientSecret"] = SECRET
    oauth["tls"] = {"required": {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"},
                                 "client_key": pki.client_key_pem_b64, "client_cert": 5}}
    with pytest.raises(ValidationError) as exc:
        AccountRequest.model_validate({"name": "a", "auth_configs": [{"oauth": oauth}]})
    text = exc.value.json() + str(exc.value.errors()) + str(exc.value)
    assert _leaks(text, pki) == []
    fields = {e.field for e in field_errors(exc.value)}
    assert "auth_configs[0].oauth.idp_name" in fields
    assert "auth_configs[0].oauth.clientSecret" in fields


def test_invalid_key_error_never_echoes_it(oauth_body, pki):
    """A damaged key (still mostly real key material) is refused without quoting it."""
    damaged = base64.b64encode(pki.client_key_pem[:-60]).decode()
    tls = {
        "required": {
            "validate_hostname": True,
            "ca": {"ca_set": "GLOBAL_ROOTS"},
            "client_key": damaged,
            "client_cert": pki.client_cert_pem_b64,
        }
    }
    with pytest.raises(ValidationError) as exc:
        AccountRequest.model_validate(
            {"name": "a", "auth_configs": [{"oauth": oauth_body(tls=tls)}]}
        )
    errors = field_errors(exc.value)
    assert [e.field for e in errors] == ["auth_configs[0].oauth.tls.required.client_key"]
    assert damaged[:40] == pki.client_key_pem_b64[:40]
    assert _leaks(str(exc.value) + repr(exc.value) + exc.value.json() + str(errors), pki) == []
