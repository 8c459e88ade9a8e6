"""Rows, filter and sort; batch creation; redaction; curl lines."""

from __future__ import annotations

import pytest

from ccm_tui.api.records import RequestRecord
from ccm_tui.models import Account, AccountRequest
from ccm_tui.service.accounts import filter_rows, rows_from_accounts, sort_rows
from ccm_tui.service.batch import create_many
from ccm_tui.service.redact import MASK, redact
from ccm_tui.service.requestlog import curl_command

ACCOUNTS = [
    Account(acct_id="aaaaaaaa-1111", name="Zeta Corp", roles=["READER", "MANAGER"], status="ACTIVE",
            account_status="Active", component="DEFAULT", created_at=86400),
    Account(acct_id="bbbbbbbb-2222", name="alpha labs", roles=["WRITER"], status="PENDING",
            account_status="Deactivated", component="CONFIDENTIAL_AI", created_at=None),
    Account(acct_id="cccccccc-3333", name="Beta", roles=["FUTURE_ROLE"], created_at=1_700_000_000_000),
]


def test_rows_carry_ordered_roles_and_console_names():
    zeta, alpha, beta = rows_from_accounts(ACCOUNTS)
    assert zeta.roles == ("MANAGER", "READER")
    assert zeta.roles_text == "MANAGER READER"
    assert zeta.console_roles == "Administrator, Viewer"
    assert alpha.console_roles == "Editor"
    assert beta.roles_text == "FUTURE_ROLE"
    assert zeta.short_id == "aaaaaaaa"
    assert zeta.created_local == "1970-01-02 00:00"  # TZ=UTC in the test session
    assert alpha.created_local == ""
    assert beta.created_local.startswith("2023-11-14")  # milliseconds understood


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", ["Zeta Corp", "alpha labs", "Beta"]), ("ALPHA", ["alpha labs"]), ("bbbb", ["alpha labs"]),
     ("editor", ["alpha labs"]), ("manager", ["Zeta Corp"]), ("deactivated", ["alpha labs"]),
     ("corp active", ["Zeta Corp"]), ("nomatch", [])],
)
def test_filter_is_case_insensitive_over_name_id_roles_status(query, expected):
    assert [r.name for r in filter_rows(rows_from_accounts(ACCOUNTS), query)] == expected


def test_sort_rows():
    rows = rows_from_accounts(ACCOUNTS)
    assert [r.name for r in sort_rows(rows, "name")] == ["alpha labs", "Beta", "Zeta Corp"]
    assert [r.name for r in sort_rows(rows, "created_at", reverse=True)] == ["Beta", "Zeta Corp", "alpha labs"]
    with pytest.raises(ValueError, match="allowed"):
        sort_rows(rows, "colour")


async def test_create_many_reports_each_outcome_and_stops_on_nothing(asgi_session, emulator):
    client = asgi_session.client
    await client.create_account(AccountRequest(name="b-taken"))
    reqs = [AccountRequest(name=n) for n in ("b-1", "b-taken", "b-2", "b-3", "b-4")]
    results = {i: out async for i, out in create_many(client, reqs, concurrency=2)}
    assert sorted(results) == [0, 1, 2, 3, 4]
    assert results[1].state == "not_created" and results[1].field == "name"
    assert all(results[i].state == "created" for i in (0, 2, 3, 4))
    names = sorted(a.name for a in await client.list_accounts())
    assert names == ["b-1", "b-2", "b-3", "b-4", "b-taken"]


def test_redact_masks_secret_keys_deeply_and_pem_keys():
    pem = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"
    import base64

    data = {
        "name": "x", "password": "p", "token": "", "nested": [{"client_secret": "s", "tls": {"client_key": "k"}}],
        "Access_Token": "t", "note": f"key: {pem} end", "blob": base64.b64encode(pem.encode()).decode(),
        "client_cert": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
    }
    out = redact(data)
    assert out["password"] == MASK and out["Access_Token"] == MASK
    assert out["nested"][0]["client_secret"] == MASK and out["nested"][0]["tls"]["client_key"] == MASK
    assert out["token"] == ""  # empty values stay visibly empty
    assert "MIIB" not in out["note"] and out["note"].startswith("key: ") and out["note"].endswith(" end")
    assert out["blob"] == MASK
    assert out["client_cert"] == data["client_cert"]  # certificates are public
    assert data["password"] == "p"  # the original is untouched


def test_curl_command_uses_placeholders_not_secrets():
    rec = RequestRecord("POST", "/v1/accounts", 200, 12.0, base_url="https://ccm.example.com",
                        auth="bearer", sent_json=True, request_body=None, request_body_whole=False)
    line = curl_command(rec, ca_bundle="/etc/ca.pem")
    note, command = line.split("\n")
    assert note.startswith("# ") and "body.json" in note
    assert command.startswith("curl -sS -X POST https://ccm.example.com/v1/accounts")
    assert '"Authorization: Bearer $CCM_TOKEN"' in command
    assert "--data-binary @body.json" in command and "--cacert /etc/ca.pem" in command
    basic = RequestRecord("POST", "/v1/sys/auth", 200, 1.0, base_url="https://h", auth="basic")
    assert '-u "$CCM_EMAIL:$CCM_PASSWORD"' in curl_command(basic)


def test_curl_command_quotes_every_value_for_the_shell():
    import shlex

    body = '{"name": "it\'s $(rm -rf ~) `x`", "client_secret": "%s"}' % MASK
    rec = RequestRecord("POST", "/v1/accounts?q=a b;c", 201, 1.0, base_url="https://h",
                        auth="bearer", sent_json=True, request_body=body)
    note, command = curl_command(rec, ca_bundle="/tmp/my ca.pem").split("\n")
    assert "masked" in note and note.startswith("# ")
    words = shlex.split(command)  # a shell reads back exactly these words
    assert words[words.index("--data-binary") + 1] == body
    assert "https://h/v1/accounts?q=a b;c" in words and "/tmp/my ca.pem" in words
    assert "Authorization: Bearer $CCM_TOKEN" in words  # double quotes: the variable expands
    assert '"Authorization: Bearer $CCM_TOKEN"' in command


def test_redact_recurses_into_structural_secret_named_members():
    account = {"auth_configs": {"id1": {"password": {"require_2fa": True, "administrators_only": False}},
                                "id2": {"oauth": {"client_id": "c", "client_secret": "hidden"}}},
               "secret": ["one", {"token": "two"}]}
    out = redact(account)
    assert out["auth_configs"]["id1"]["password"] == {"require_2fa": True, "administrators_only": False}
    assert out["auth_configs"]["id2"]["oauth"] == {"client_id": "c", "client_secret": MASK}
    assert out["secret"] == [MASK, {"token": MASK}]


async def test_a_stopped_batch_sends_nothing_new_and_finishes_what_is_in_flight(
        asgi_session, emulator):
    from ccm_tui.service.batch import BatchControl

    client = asgi_session.client
    emulator.faults.latency(0.2, "POST /v1/accounts")
    reqs = [AccountRequest(name=f"stop-{i}") for i in range(10)]
    control = BatchControl()
    results = {}
    started_at_stop = None
    async for i, out in create_many(client, reqs, concurrency=3, control=control):
        results[i] = out
        if started_at_stop is None:  # as Ctrl+C would, once the first account is done
            control.stop()
            started_at_stop = control.started
    posted = {r.body["name"] for r in emulator.received
              if (r.method, r.path) == ("POST", "/v1/accounts")}
    assert len(results) == 10 and control.in_flight == 0
    created = {reqs[i].name for i, o in results.items() if o.state == "created"}
    not_sent = {reqs[i].name for i, o in results.items() if o.not_sent}
    # Only the creates begun before the stop were sent, and each of them finished.
    assert created == posted and len(posted) == started_at_stop < 10
    assert not_sent == {r.name for r in reqs} - posted
    assert all(o.state == "not_created" for o in results.values() if o.not_sent)
