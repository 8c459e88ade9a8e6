"""Responses and transport failures become typed errors with readable messages."""

from __future__ import annotations

import httpx
import pytest

from ccm_tui.api.errors import (
    AuthRequired,
    BadRequest,
    ConnectionLost,
    HttpError,
    MalformedResponse,
    NameTaken,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
)
from ccm_tui.api.policy import NO_RETRY
from ccm_tui.models import AccountRequest

from .helpers import TOKEN, Script, make_client


@pytest.mark.parametrize(
    ("response", "cls", "message", "field"),
    [
        (httpx.Response(400, json={"message": "field `custom_logo` is not valid base64"}),
         BadRequest, "field `custom_logo` is not valid base64", "custom_logo"),
        (httpx.Response(400, json="name must not be empty"), BadRequest, "name must not be empty", "name"),
        (httpx.Response(400, text="Account name already exists"), NameTaken, "Account name already exists", "name"),
        (httpx.Response(409, json={"error": {"message": "duplicate"}}), NameTaken, "duplicate", "name"),
        (httpx.Response(403, json={"msg": "not allowed"}), PermissionDenied, "not allowed", None),
        (httpx.Response(404, text=""), NotFound, "Not Found", None),
        (httpx.Response(500, html="<html><head><title>Internal Error</title></head><body>x</body></html>"),
         ServerError, "Internal Error", None),
        (httpx.Response(418, text="short and stout"), HttpError, "short and stout", None),
    ],
)
async def test_error_responses_are_typed_with_message_and_field(response, cls, message, field):
    script = Script().on("GET /v1/accounts/x", response)
    client, _ = make_client(script, retry=NO_RETRY, token=TOKEN)
    with pytest.raises(cls) as info:
        await client.get_account("x")
    err = info.value
    assert type(err) is cls
    assert err.status == response.status_code
    assert err.message == message
    assert err.field == field
    assert str(err).startswith(f"HTTP {response.status_code}: ")
    await client.aclose()


async def test_rate_limited_keeps_retry_after():
    script = Script().on("DELETE /v1/accounts/x", httpx.Response(429, headers={"Retry-After": "7"}, json={}))
    client, _ = make_client(script, token=TOKEN)
    with pytest.raises(RateLimited) as info:
        await client.delete_account("x")
    assert info.value.retry_after == 7
    assert script.count("DELETE /v1/accounts/x") == 1  # delete is not retried
    await client.aclose()


async def test_error_message_never_echoes_the_token():
    script = Script().on(
        "GET /v1/user", httpx.Response(403, json={"message": f"token {TOKEN} lacks scope"})
    )
    client, _ = make_client(script, token=TOKEN)
    with pytest.raises(PermissionDenied) as info:
        await client.current_user()
    assert TOKEN not in str(info.value)
    assert "lacks scope" in str(info.value)
    await client.aclose()


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        (httpx.Response(200, html="<!doctype html><html><title>Login</title></html>"), "HTML page"),
        (httpx.Response(200, text="hello"), "not JSON"),
        (httpx.Response(200, content=b'{"items": [', headers={"content-type": "application/json"}), "not JSON"),
        (httpx.Response(200, json={"items": [{"name": "no id"}]}), "wrong shape"),
        (httpx.Response(200, json=["a", "b"]), "wrong shape"),
        (httpx.Response(200, content=b""), "empty body"),
    ],
)
async def test_unreadable_success_is_malformed_response(response, kind):
    script = Script().on("GET /v1/accounts", response)
    client, _ = make_client(script, token=TOKEN)
    with pytest.raises(MalformedResponse) as info:
        await client.list_accounts()
    assert "the server sent an unreadable answer" in info.value.message
    assert kind in info.value.message
    await client.aclose()


def _raise(exc_type, msg="boom"):
    def handler(req):
        raise exc_type(msg, request=req)

    return handler


async def test_connect_error_says_cannot_connect_and_names_host():
    script = Script().on("GET /v1/sys/version", _raise(httpx.ConnectError, "[Errno 111] Connection refused"))
    client, sleeps = make_client(script)
    with pytest.raises(NetworkError) as info:
        await client.version()
    assert type(info.value) is NetworkError
    assert info.value.message.startswith("cannot connect to 127.0.0.1:8: connection refused")
    assert script.count("GET /v1/sys/version") == 3  # connect errors are retried
    await client.aclose()


async def test_dns_failure_is_named():
    script = Script().on("GET /v1/sys/version", _raise(httpx.ConnectError, "[Errno -2] Name or service not known"))
    client, _ = make_client(script, retry=NO_RETRY)
    with pytest.raises(NetworkError, match="host name not found"):
        await client.version()
    await client.aclose()


async def test_read_timeout_on_create_may_have_been_sent_and_is_not_retried():
    script = Script().on("POST /v1/accounts", _raise(httpx.ReadTimeout))
    client, _ = make_client(script, token=TOKEN)
    with pytest.raises(RequestTimeout) as info:
        await client.create_account(AccountRequest(name="a"))
    assert info.value.maybe_sent is True
    assert script.count("POST /v1/accounts") == 1
    await client.aclose()


async def test_read_timeout_on_get_is_reported_not_waited_thrice():
    script = Script().on("GET /v1/accounts", _raise(httpx.ReadTimeout))
    client, _ = make_client(script, token=TOKEN)
    with pytest.raises(RequestTimeout) as info:
        await client.list_accounts()
    assert info.value.maybe_sent is False
    assert script.count("GET /v1/accounts") == 1
    await client.aclose()


@pytest.mark.parametrize("exc", [httpx.RemoteProtocolError, httpx.ReadError])
async def test_connection_broken_after_send_is_connection_lost(exc):
    script = Script().on("POST /v1/accounts", _raise(exc, "Server disconnected"))
    client, _ = make_client(script, token=TOKEN)
    with pytest.raises(ConnectionLost) as info:
        await client.create_account(AccountRequest(name="a"))
    assert info.value.maybe_sent
    assert "may have been processed" in info.value.message
    assert script.count("POST /v1/accounts") == 1
    await client.aclose()


async def test_401_with_pasted_token_raises_auth_required():
    script = Script().on("GET /v1/accounts", httpx.Response(401, json={"message": "expired"}))
    client, _ = make_client(script, token=TOKEN)
    with pytest.raises(AuthRequired, match="log in again"):
        await client.list_accounts()
    assert script.count("GET /v1/accounts") == 1
    await client.aclose()
