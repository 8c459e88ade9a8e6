"""The request log's records: secrets masked when recorded, request id, bounds."""

from __future__ import annotations

import base64

import httpx

from ccm_tui.api.records import BODY_LIMIT, RequestHistory, RequestRecord
from ccm_tui.service.redact import MASK

from .helpers import PASSWORD, TOKEN, Script, auth_ok, make_client


def everything(record: RequestRecord) -> str:
    return repr(record) + record.log_line()


async def test_login_record_masks_basic_header_and_the_token_in_the_answer():
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok())
    client, _ = make_client(script)
    await client.login("a@b.c", PASSWORD)
    (record,) = client.history
    basic = base64.b64encode(f"a@b.c:{PASSWORD}".encode()).decode()
    text = everything(record)
    assert PASSWORD not in text and TOKEN not in text and basic not in text
    assert ("authorization", f"Basic {MASK}") in record.request_headers
    assert f'"access_token": "{MASK}"' in record.response_body
    assert '"subject_id": "u-1"' in record.response_body  # the rest is shown
    await client.aclose()


async def test_bearer_header_and_secret_members_of_a_body_are_masked():
    script = Script().on("POST /v1/accounts", lambda r: httpx.Response(
        400, json={"message": "bad client_secret s3cr3t-value-123"},
        headers={"set-cookie": "sid=abcdef123456"}))
    client, _ = make_client(script, token=TOKEN)
    body = {"name": "x", "auth_configs": {"i": {"oauth": {"client_secret": "s3cr3t-value-123"}}}}
    try:
        await client._call("POST", "/v1/accounts", json=body, retry=False)
    except Exception:  # noqa: BLE001 - the 400 is expected
        pass
    (record,) = client.history
    text = everything(record)
    assert TOKEN not in text and "s3cr3t-value-123" not in text and "abcdef123456" not in text
    assert ("authorization", f"Bearer {MASK}") in record.request_headers
    assert f'"client_secret": "{MASK}"' in record.request_body and '"name": "x"' in record.request_body
    assert ("set-cookie", MASK) in record.response_headers
    await client.aclose()


async def test_request_id_is_taken_from_the_usual_headers_when_present():
    script = Script().queue(
        "GET /v1/user",
        httpx.Response(200, json={"user_id": "u"}, headers={"X-Correlation-Id": "corr-42"}),
        httpx.Response(200, json={"user_id": "u"}),
    )
    client, _ = make_client(script, token=TOKEN)
    await client._call("GET", "/v1/user")
    await client._call("GET", "/v1/user")
    first, second = client.history
    assert first.request_id == "corr-42" and first.log_line().endswith(" corr-42")
    assert second.request_id is None
    await client.aclose()


async def test_a_big_answer_is_cut_and_its_secret_members_masked_without_parsing():
    item = '{"acct_id":"a","token":"tok-very-secret-1","name":"' + "n" * 500 + '"}'
    big = ('{"items":[' + ",".join([item] * 2000) + "]}").encode()
    script = Script().on("GET /v1/accounts", lambda r: httpx.Response(
        200, content=big, headers={"content-type": "application/json"}))
    client, _ = make_client(script, token=TOKEN)
    await client._call("GET", "/v1/accounts")
    (record,) = client.history
    assert len(record.response_body) < BODY_LIMIT + 100
    assert "tok-very-secret-1" not in record.response_body
    assert record.response_body.endswith(f"(cut at {BODY_LIMIT} characters)")
    await client.aclose()


def test_history_keeps_the_newest_records_up_to_its_cap():
    history = RequestHistory(3)
    for i in range(5):
        history.add(RequestRecord("GET", f"/{i}", 200, 1.0))
    assert [r.path for r in history] == ["/2", "/3", "/4"]
    assert history.added == 5
