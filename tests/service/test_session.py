"""open_session / resume_session, the 0600 token cache, logout, and the private log file."""

from __future__ import annotations

import json
import logging
import stat

import pytest

from ccm_tui import paths
from ccm_tui.api.errors import AuthRequired
from ccm_tui.config import ConnectionSettings
from ccm_tui.logs import close_file_logging, setup_file_logging
from ccm_tui.models import AccountRequest
from ccm_tui.service import token_cache
from ccm_tui.service.accounts import create_account
from ccm_tui.service.session import open_session, resume_session

URL = "http://127.0.0.1:9"


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_password_login_gives_user_and_expiry(asgi_transport, demo_credentials):
    email, password = demo_credentials
    session = await open_session(ConnectionSettings(url=URL, email=email), password=password,
                                 transport=asgi_transport)
    assert session.user.user_email == email
    assert session.expires_at is not None and session.session_info.subject_id
    await session.close()


async def test_wrong_password_raises_auth_required(asgi_transport, demo_credentials):
    email, _ = demo_credentials
    with pytest.raises(AuthRequired, match="email or password is wrong"):
        await open_session(ConnectionSettings(url=URL, email=email), password="nope-nope",
                           transport=asgi_transport)


async def test_nothing_to_log_in_with_is_refused_before_any_request():
    with pytest.raises(AuthRequired, match="password or a token"):
        await open_session(ConnectionSettings(url=URL, email="a@b.c"))


async def test_remember_writes_a_private_token_file_without_password(asgi_transport, demo_credentials, private_home):
    email, password = demo_credentials
    settings = ConnectionSettings(url=URL, email=email)
    assert not private_home.exists()  # nothing created until a write
    session = await open_session(settings, password=password, transport=asgi_transport, remember=True)
    path = token_cache.cache_path(URL, email)
    assert path.parent == paths.state_dir() / "tokens"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    text = path.read_text()
    assert password not in text
    data = json.loads(text)
    assert data["access_token"] == session.client.access_token.get_secret_value()
    assert data["session_token_expires_at"] == session.expires_at
    await session.close()

    resumed = await resume_session(settings, transport=asgi_transport)
    assert resumed is not None and resumed.user.user_email == email
    assert (await create_account(resumed.client, AccountRequest(name="via-cache"))).state == "created"
    await resumed.logout()
    assert not path.exists()
    assert await resume_session(settings, transport=asgi_transport) is None


async def test_expired_cached_token_is_deleted_not_used(asgi_transport, demo_credentials):
    email, _ = demo_credentials
    from pydantic import SecretStr

    path = token_cache.save_token(URL, email, SecretStr("old-token"), expires_at=1000)
    assert await resume_session(ConnectionSettings(url=URL, email=email), transport=asgi_transport) is None
    assert not path.exists()


async def test_rejected_cached_token_is_deleted(asgi_transport, demo_credentials):
    email, _ = demo_credentials
    from pydantic import SecretStr
    import time

    path = token_cache.save_token(URL, email, SecretStr("forged-token"), expires_at=int(time.time()) + 600)
    assert await resume_session(ConnectionSettings(url=URL, email=email), transport=asgi_transport) is None
    assert not path.exists()


async def test_pasted_token_session(asgi_transport, demo_credentials):
    email, password = demo_credentials
    first = await open_session(ConnectionSettings(url=URL, email=email), password=password,
                               transport=asgi_transport)
    token = first.client.access_token.get_secret_value()
    second = await open_session(ConnectionSettings(url=URL), token=token, transport=asgi_transport)
    assert second.user.user_email == email
    assert len(await second.client.list_accounts()) == 0
    await second.close()
    await first.close()


async def test_log_file_has_method_path_status_but_no_secrets(live_emulator, demo_credentials, private_home):
    email, password = demo_credentials
    log_path = setup_file_logging()
    try:
        settings = ConnectionSettings(url=live_emulator.url, email=email)
        session = await open_session(settings, password=password, remember=True)
        token = session.client.access_token.get_secret_value()
        secret = "s3cr3t-client-secret-value"
        from ccm_tui.models import AuthenticationConfig

        req = AccountRequest(name="logged", auth_configs=[AuthenticationConfig.model_validate({"oauth": {
            "idp_name": "idp", "idp_icon_url": "https://idp.example/i.png",
            "idp_authorization_endpoint": "https://idp.example/a", "idp_token_endpoint": "https://idp.example/t",
            "idp_requires_basic_auth": False, "tls": {"opportunistic": {}}, "client_id": "cid",
            "client_secret": secret}})])
        out = await create_account(session.client, req)
        assert out.state == "created", out.message
        await session.logout()
        for handler in logging.getLogger("ccm_tui").handlers:
            handler.flush()
        text = log_path.read_text()
    finally:
        close_file_logging()
    assert log_path.parent == paths.log_dir()
    assert mode(log_path) == 0o600 and mode(log_path.parent) == 0o700
    assert "POST /v1/sys/auth 200" in text
    assert "POST /v1/accounts 200" in text
    assert "GET /v1/user 200" in text
    for leaked in (password, token, secret, "logged"):
        assert leaked not in text
    # and nothing else we wrote holds the password or client secret
    for f in private_home.rglob("*"):
        if f.is_file():
            content = f.read_text(errors="replace")
            assert password not in content and secret not in content, f


def test_log_rotation_keeps_files_private(tmp_path):
    path = setup_file_logging(tmp_path / "logs" / "x.log", max_bytes=200, backup_count=2)
    try:
        log = logging.getLogger("ccm_tui.requests")
        for i in range(40):
            log.info("GET /v1/accounts 200 %dms", i)
    finally:
        close_file_logging()
    files = sorted((tmp_path / "logs").iterdir())
    assert len(files) == 3
    assert all(mode(f) == 0o600 for f in files)
