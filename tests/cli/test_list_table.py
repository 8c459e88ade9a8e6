"""`accounts list` (the table): built from the console's rows, only the table's columns read
from each page, it prints exactly the table the validated models gave — over several pages,
with wide, combining and hostile strings — and no model is built for it."""

from __future__ import annotations

from types import SimpleNamespace

from test_list_json_paging import _fake_ccm, _plain

from ccm_tui.api.client import CcmClient
from ccm_tui.api.policy import NO_RETRY
from ccm_tui.cli.accounts import _list
from ccm_tui.cli.output import account_table

ACCOUNTS = [
    dict(_plain(1), status="ACTIVE", account_status="Active", component="DEFAULT",
         created_at=1764547200000),
    dict(_plain(2), name="東京 wide 😀", roles=["READER", "MANAGER", "READER"]),
    dict(_plain(3), name="e\u0301 combining", created_at=1764547200),
    dict(_plain(4), name="evil\x1b]52;c;aGk=\x07 \u202eeman [b]markup[/b]", status="PENDING"),
    dict(_plain(5), name=None, component=None),
]


async def test_the_table_is_the_one_the_models_gave(small_pages, capsys, monkeypatch):
    from ccm_tui.models import Account

    expected = account_table([Account.model_validate(a) for a in ACCOUNTS]) + "\n"
    client = CcmClient("https://ccm.test", transport=_fake_ccm(ACCOUNTS), token="t",
                       retry=NO_RETRY)
    validated = []
    real = Account.model_validate.__func__

    def counting(cls, *args, **kwargs):
        validated.append(args)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(Account, "model_validate", classmethod(counting))
    try:
        assert await _list(SimpleNamespace(json=False), client) == 0
    finally:
        await client.aclose()
    out = capsys.readouterr().out
    assert out == expected
    assert len(out.splitlines()) == 1 + len(ACCOUNTS)  # 3 pages of 2, one line each
    assert validated == []  # no model built for the table
    assert "\x1b" not in out and "\u202e" not in out


async def test_an_empty_list_says_so(capsys):
    client = CcmClient("https://ccm.test", transport=_fake_ccm([]), token="t", retry=NO_RETRY)
    try:
        assert await _list(SimpleNamespace(json=False), client) == 0
    finally:
        await client.aclose()
    assert capsys.readouterr().out == "no accounts\n"
