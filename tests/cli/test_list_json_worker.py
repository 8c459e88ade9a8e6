"""cli/json_worker: `accounts list --json` with its pages encoded in a forked worker prints
exactly what encoding them in the command's own process prints; a page the bounds refuse, or
a worker that dies, ends with one error and nothing printed. Pages go to two workers in turn
and come out in order."""

from __future__ import annotations

import io
import json
import os
import signal

import pytest
from test_list_json_paging import _expected, _fake_ccm, _plain

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errors import CcmError
from ccm_tui.api.policy import NO_RETRY
from ccm_tui.cli.accounts import _list_json
from ccm_tui.cli.json_worker import PageEncoder, WorkerLost
from ccm_tui.service import prefetch

pytestmark = pytest.mark.skipif(not prefetch.available({}),
                                reason="the worker is forked on Linux only")


@pytest.fixture
def workers(monkeypatch) -> list:
    """The workers started (None where this process encoded the pages itself)."""
    started: list = []
    real = PageEncoder.start.__func__

    def start(cls):
        started.append(real(cls))
        return started[-1]

    monkeypatch.setattr(PageEncoder, "start", classmethod(start))
    return started


async def _list(accounts: list[dict], capsys) -> tuple[str, CcmError | None]:
    client = CcmClient("https://ccm.test", transport=_fake_ccm(accounts), token="t",
                       retry=NO_RETRY)
    error = None
    try:
        assert await _list_json(client) == 0
    except CcmError as exc:
        error = exc
    finally:
        await client.aclose()
    return capsys.readouterr().out, error


HOSTILE = {"acct_id": "odd", "name": "evil\x1b]52;c;aGk=\x07 \u202eeman \x9b31m\u200b ☃ é",
           "auth_configs": {"c": {"oauth": {"client_secret": "s3cr3t-value"}}},
           "x": {"Access_Token": "t0ken-value"}}


async def test_the_worker_prints_what_the_command_s_own_process_prints(
        small_pages, workers, monkeypatch, capsys):
    accounts = [_plain(1), _plain(2), _plain(3), HOSTILE, _plain(5), _plain(6), _plain(7)]
    by_worker, error = await _list(accounts, capsys)
    assert error is None and workers and workers[0] is not None
    assert len(workers[0].workers) == 2  # 4 pages of 2: each worker encodes two
    monkeypatch.setenv(prefetch.OFF_ENV, "1")
    here, error = await _list(accounts, capsys)
    assert error is None and workers[-1] is None
    assert by_worker == here == _expected(accounts)
    assert "s3cr3t-value" not in by_worker and "t0ken-value" not in by_worker
    assert len(json.loads(by_worker)) == 7


async def test_an_empty_list_prints_an_empty_array(small_pages, workers, capsys):
    out, error = await _list([], capsys)
    assert error is None and out == "[]\n"


async def test_a_page_too_deep_ends_with_the_same_error_and_nothing_printed(
        small_pages, workers, monkeypatch, capsys):
    deep: dict = {"acct_id": "deep", "name": "deep"}
    node = deep
    for _ in range(80):  # past max_json_depth
        node["x"] = {}
        node = node["x"]
    accounts = [_plain(1), _plain(2), _plain(3), _plain(4), deep]
    by_worker, error = await _list(accounts, capsys)
    assert workers[0] is not None and by_worker == "" and error is not None
    monkeypatch.setenv(prefetch.OFF_ENV, "1")
    here, error_here = await _list(accounts, capsys)
    assert here == "" and error_here is not None
    assert type(error) is type(error_here) and str(error) == str(error_here)
    assert "nested more than" in str(error)


async def test_the_first_page_refused_is_the_error_whichever_worker_met_it(
        small_pages, workers, monkeypatch, capsys):
    """Pages go to the workers in turn: the second worker meets page 2's error, the first
    page 3's; the error said is page 2's, as the command's own process says it. (The
    workers are forked from this process: they refuse with the patched json_block too.)"""
    from ccm_tui.api.errors import MalformedResponse
    from ccm_tui.service.listing import ListedPage

    real_block = ListedPage.json_block

    def refusing(self, separator):
        names = [item["name"] for item, _, _ in self.items]
        if any(name.startswith("refused") for name in names):
            raise MalformedResponse(f"refused the page of {names}")
        return real_block(self, separator)

    monkeypatch.setattr(ListedPage, "json_block", refusing)
    accounts = [_plain(1), _plain(2), dict(_plain(3), name="refused b"), _plain(4), _plain(5),
                dict(_plain(6), name="refused c")]
    by_worker, error = await _list(accounts, capsys)
    assert len(workers[0].workers) == 2 and by_worker == ""
    monkeypatch.setenv(prefetch.OFF_ENV, "1")
    here, error_here = await _list(accounts, capsys)
    assert here == "" and type(error) is type(error_here) is MalformedResponse
    assert str(error) == str(error_here) and "refused b" in str(error)


@pytest.mark.parametrize("which", [0, 1])
async def test_a_worker_that_dies_ends_with_a_clear_error_and_nothing_printed(
        small_pages, workers, monkeypatch, capsys, which):
    real_send = PageEncoder.send

    def send_then_die(self, page):
        real_send(self, page)
        if len(self.counts) == 2:  # each worker has had a page
            os.kill(self.workers[which].pid, signal.SIGKILL)

    monkeypatch.setattr(PageEncoder, "send", send_then_die)
    out, error = await _list([_plain(i) for i in range(1, 8)], capsys)
    assert out == "" and isinstance(error, WorkerLost)
    assert "nothing was printed" in str(error)


def test_a_stdout_that_is_not_utf8_gets_the_text_decoded(small_pages, workers):
    """Not UTF-8 (LANG=C on an old system, say): written as text, as the command's own
    encoding would write it, not as UTF-8 bytes."""
    encoder = PageEncoder.start()
    assert encoder is not None
    try:
        from ccm_tui.api.listcols import of_item

        items = [_plain(1), _plain(2), _plain(3)]
        for part in (items[:2], items[2:]):  # a page for each worker
            body = json.dumps({"items": part}).encode()
            encoder.send([(of_item(item), body, i) for i, item in enumerate(part)])
        raw = io.BytesIO()
        stdout = io.TextIOWrapper(raw, encoding="latin-1", newline="\n")
        encoder.copy_to(stdout)
        stdout.flush()
    finally:
        encoder.close()
    assert raw.getvalue().decode("latin-1") == _expected(items)
