"""service/listing: the one paging loop of the table and `accounts list`, and the JSON lines
`accounts list --json` prints (secrets masked, unsafe characters escaped, depth bounded)."""

from __future__ import annotations

import json

import pytest

from ccm_tui.api.errors import MalformedResponse
from ccm_tui.service.listing import ListedPage, account_pages
from ccm_tui.service.redact import MASK, redact


def _page(*items: dict) -> ListedPage:
    body = json.dumps({"items": list(items)}).encode()
    return ListedPage([(item, body, i) for i, item in enumerate(items)])


PLAIN = {"acct_id": "a1", "name": "Plain", "roles": ["READER"],
         "auth_configs": {"c1": {"password": {"require_2fa": False}}}}


@pytest.mark.parametrize("secret", [
    {"oauth": {"client_secret": "s3cr3t-value"}},
    {"oauth": {"tls": {"required": {"Client_Key": "s3cr3t-value"}}}},
    {"x": {" PASSWORD ": "s3cr3t-value"}},
    {"pem": "-----BEGIN PRIVATE KEY-----\ns3cr3t-value\n-----END PRIVATE KEY-----"},
])
def test_json_lines_mask_what_redact_masks_and_nothing_else(secret):
    odd = {"acct_id": "a2", "name": "Odd", "auth_configs": {"c2": secret}}
    lines = _page(PLAIN, odd).json_lines()
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert [json.loads(line) for line in lines] == [PLAIN, redact(odd)]
    assert "s3cr3t-value" not in "".join(lines) and MASK in lines[1]


def test_json_lines_escape_unsafe_characters():
    item = {"acct_id": "a3", "name": "evil\x1b]52;c;x\x07 \u202e name"}
    [line] = _page(item).json_lines()
    assert "\x1b" not in line and "\u202e" not in line and "\x07" not in line
    assert json.loads(line) == item


def test_json_lines_refuse_an_item_nested_past_the_bound():
    deep: object = "bottom"
    for _ in range(80):
        deep = [deep]
    with pytest.raises(MalformedResponse, match="nested more than"):
        _page(PLAIN, {"acct_id": "a4", "name": "Deep", "x": deep}).json_lines()


async def test_one_paging_loop_serves_rows_models_and_json(asgi_session):
    client = asgi_session.client
    for i in range(3):
        await client._call("POST", "/v1/accounts", json={"name": f"L{i}"})
    pages = [p async for p in account_pages(client, first_page_size=2)]
    assert [len(p) for p in pages][0] == 2
    rows = [r.name for p in pages for r in p.rows()]
    models = [a.name for p in pages for a in p.accounts()]
    lines = [json.loads(line)["name"] for p in pages for line in p.json_lines()]
    assert rows == models == lines and {"L0", "L1", "L2"} <= set(rows)
