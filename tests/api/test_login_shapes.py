"""The login path's answers of the wrong shape are a MalformedResponse that names the field
("JSON of the wrong shape: <field> <why>"), never the value — the same words the pydantic
models gave, from the light records (models/light.py)."""

from __future__ import annotations

import logging

import httpx
import pytest

from ccm_tui.api.errors import MalformedResponse
from ccm_tui.secret import Secret

from .helpers import PASSWORD, TOKEN, Script, auth_ok, make_client


@pytest.mark.parametrize(
    ("route", "body", "call", "words"),
    [
        ("POST /v1/sys/auth", {"access_token": 5}, "login",
         "JSON of the wrong shape: access_token Input should be a valid string"),
        ("POST /v1/sys/auth", {"access_token": TOKEN, "session_info": {"subject_id": 7}},
         "login", "JSON of the wrong shape: session_info.subject_id Input should be a valid "
                  "string"),
        ("GET /v1/user", {"user_email": "a@example.com"}, "current_user",
         "JSON of the wrong shape: user_id Field required"),
        ("GET /v1/user", {"user_id": "u", "roles": ["MANAGER", {"x": TOKEN}]}, "token",
         "JSON of the wrong shape: roles.1 Input should be a valid string"),
        ("GET /v1/user", [TOKEN], "current_user", "JSON of the wrong shape"),
    ],
)
async def test_wrong_shape_login_answers_name_the_field(route, body, call, words):
    script = Script().on(route, httpx.Response(200, json=body))
    client, _ = make_client(script, token=None if call == "login" else TOKEN)
    with pytest.raises(MalformedResponse) as info:
        if call == "login":
            await client.login("ops@example.com", PASSWORD)
        elif call == "token":
            await client.login_with_token(TOKEN)
        else:
            await client.current_user()
    assert words in info.value.message
    assert TOKEN not in str(info.value) and PASSWORD not in str(info.value)
    await client.aclose()


async def test_a_wrong_session_answer_to_refresh_is_malformed():
    script = Script().on("POST /v1/sys/auth", auth_ok()).on(
        "POST /v1/sys/session/refresh",
        httpx.Response(200, json={"session_info": {"session_token_expires_at": "later"}}))
    client, _ = make_client(script)
    await client.login("ops@example.com", PASSWORD)
    with pytest.raises(MalformedResponse) as info:
        await client.refresh()
    assert "wrong shape" in info.value.message
    await client.aclose()


async def test_the_token_and_password_stay_secret(caplog):
    script = Script().on("POST /v1/sys/auth", auth_ok()).on(
        "GET /v1/user", httpx.Response(200, json={"user_id": "u-1", "roles": ["MANAGER"]}))
    client, _ = make_client(script)
    with caplog.at_level(logging.DEBUG):
        resp = await client.login("ops@example.com", PASSWORD)
        user = await client.current_user()
    assert isinstance(client.access_token, Secret)
    assert client.access_token.get_secret_value() == TOKEN
    assert client.access_token == resp.access_token
    shown = (caplog.text + repr(resp) + str(resp) + repr(client.session_info) + repr(user)
             + repr(client.access_token) + repr(client._creds))
    assert TOKEN not in shown and PASSWORD not in shown
    assert script.seen[-1].headers["Authorization"] == f"Bearer {TOKEN}"
    await client.aclose()


async def test_a_secretstr_token_is_still_accepted():
    from pydantic import SecretStr

    script = Script().on("GET /v1/user", httpx.Response(200, json={"user_id": "u-1"}))
    client, _ = make_client(script)
    user = await client.login_with_token(SecretStr(TOKEN))
    assert user.user_id == "u-1"
    assert script.seen[-1].headers["Authorization"] == f"Bearer {TOKEN}"
    await client.aclose()
