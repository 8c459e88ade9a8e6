"""A server message that echoes the request's secrets (or the session token) is scrubbed where
the typed error is built: the CcmError the console's review screen shows, the outcome message
of a create and the CLI's stderr all carry the mask instead."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errmap import scrub_text
from ccm_tui.api.errors import AuthRequired, BadRequest
from ccm_tui.api.policy import NO_RETRY
from ccm_tui.cli import main
from ccm_tui.models import AccountRequest
from ccm_tui.service.accounts import create_account
from ccm_tui.service.redact import MASK

from .helpers import Script
from .helpers import make_client as script_client
from .loopback_ccm import EMAIL, PASSWORD, TOKEN, LoopbackCcm

CLIENT_SECRET = "oauth-Client-Secret-91c2e"


def _key_and_cert() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "client")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def secret_body() -> dict:
    key_pem, cert_pem = _key_and_cert()
    return {"name": "Echo Co", "auth_configs": [{"oauth": {
        "idp_name": "IdP", "idp_icon_url": "https://idp.example/icon.png",
        "idp_authorization_endpoint": "https://idp.example/authorize",
        "idp_token_endpoint": "https://idp.example/token", "idp_requires_basic_auth": False,
        "client_id": "ccm", "client_secret": CLIENT_SECRET,
        "tls": {"required": {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"},
                             "client_key": base64.b64encode(key_pem).decode(),
                             "client_cert": base64.b64encode(cert_pem).decode()}}}}]}


def leaks(text: str, body: dict) -> list[str]:
    """Which secret (in any form the echo used) still shows in ``text``."""
    oauth = body["auth_configs"][0]["oauth"]
    key_b64 = oauth["tls"]["required"]["client_key"]
    key_lines = base64.b64decode(key_b64).decode().splitlines()[1:-1]
    found = []
    if CLIENT_SECRET in text:
        found.append("client_secret")
    if TOKEN in text:
        found.append("token")
    if key_b64[:24] in text:
        found.append("client_key (base64)")
    if any(line[:24] in text for line in key_lines) or "PRIVATE KEY" in text:
        found.append("client_key (PEM)")
    return found


@pytest.fixture
def ccm():
    with LoopbackCcm() as server:
        server.create_mode = "echo_secret"
        yield server


async def test_the_error_the_console_shows_carries_no_echoed_secret(ccm, secret_body):
    client = CcmClient(ccm.url, retry=NO_RETRY)
    await client.login(EMAIL, PASSWORD)
    req = AccountRequest.model_validate(secret_body)
    with pytest.raises(BadRequest) as info:
        await client.create_account(req)
    # the server did echo them: the request it got held them, the answer quoted them
    assert ccm.last_create_body["auth_configs"][0]["oauth"]["client_secret"] == CLIENT_SECRET
    for text in (info.value.message, str(info.value)):
        assert leaks(text, secret_body) == [], text
        assert text.count(MASK) >= 4  # token, secret, key base64, key PEM

    outcome = await create_account(client, req)  # what the review screen shows
    await client.aclose()
    assert outcome.state == "not_created"
    assert leaks(outcome.message, secret_body) == [] and MASK in outcome.message
    assert leaks(str(outcome.error), secret_body) == []


async def test_the_cli_prints_the_echo_with_secrets_masked(ccm, secret_body, capsys, tmp_path,
                                                           monkeypatch):
    acct = tmp_path / "acct.json"
    acct.write_text(json.dumps(secret_body))
    monkeypatch.setenv("CCM_URL", ccm.url)
    monkeypatch.setenv("CCM_EMAIL", EMAIL)
    monkeypatch.setenv("CCM_PASSWORD", PASSWORD)
    code = await asyncio.to_thread(main, ["accounts", "create", "--from", str(acct)])
    out, err = capsys.readouterr()
    assert code == 1
    [line] = err.strip().splitlines()
    assert line.startswith("error: account 'Echo Co' was not created: ")
    assert "invalid request: " in line and MASK in line
    assert leaks(out + err, secret_body) == []


async def test_a_login_refusal_that_echoes_the_password_is_masked():
    pw = "Hunter2-login-pw"
    basic = base64.b64encode(f"me@x.example:{pw}".encode()).decode()
    script = Script().on("POST /v1/sys/auth", httpx.Response(
        401, json={"message": f"bad credentials {pw} (Authorization: Basic {basic})"}))
    client, _ = script_client(script, retry=NO_RETRY)
    with pytest.raises(AuthRequired) as info:
        await client.login("me@x.example", pw)
    await client.aclose()
    assert pw not in str(info.value) and basic not in str(info.value)
    assert f"bad credentials {MASK} (Authorization: Basic {MASK})" in str(info.value)


def test_scrub_covers_json_escaped_and_pem_forms():
    secret = 'we"ird/sec\\ret'
    assert scrub_text('got "we\\"ird/sec\\\\ret"', [secret]) == f'got "{MASK}"'
    pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"
    b64 = base64.b64encode(pem.encode()).decode()
    one_line = " ".join(pem.split())
    assert scrub_text(f"key {one_line} refused", [b64]) == f"key {MASK} refused"
    assert scrub_text("inner MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg x", [b64]) == (
        f"inner {MASK} x")
    assert scrub_text("abc is short", ["abc"]) == "abc is short"  # too short to mask safely
