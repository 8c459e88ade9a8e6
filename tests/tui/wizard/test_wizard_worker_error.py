"""A wizard worker that raises (issue 11 #5) goes through the app's one funnel, like every
other screen's: one plain line, the traceback in the private log, the console keeps running;
the wizard goes back to Review keeping what was typed and says what is known."""

from __future__ import annotations

from textual.widgets import Input
from wizard_helpers import SIZE, open_wizard, wait_for

from ccm_tui import logs
from ccm_tui.screens.wizard.steps import REVIEW

SECRET = "hunter2-in-the-exception"


async def test_a_failing_submit_worker_is_one_line_and_the_wizard_keeps_the_form(make_app, monkeypatch,
                                                                                tmp_path):
    from ccm_tui.api.client import CcmClient

    async def broken_create(self, *args, **kwargs):
        raise RuntimeError(f"create broke {SECRET}")

    monkeypatch.setattr(CcmClient, "create_account", broken_create)
    log_file = logs.setup_file_logging(tmp_path / "ccm.log")
    try:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            wiz = await open_wizard(pilot)
            wiz.query_one("#name", Input).value = "Worker error"
            await wiz.action_jump(REVIEW)
            await pilot.pause()
            await pilot.press("enter")
            await wait_for(pilot, lambda: wiz.step == REVIEW and not wiz.in_flight
                           and "unexpectedly" in wiz.pane(REVIEW).query_one("#review-error").text)
            await pilot.pause()
            assert app.is_running and app._exception is None and app.screen is wiz  # noqa: SLF001
            assert wiz.form.name == "Worker error"
            banner = wiz.pane(REVIEW).query_one("#review-error").text
            assert "not known whether the account was created" in banner
            shown = [str(n.message) for n in app._notifications]  # noqa: SLF001
            assert sum("unexpected RuntimeError" in n for n in shown) == 1, shown
            assert not any(SECRET in n or "Traceback" in n for n in shown + [banner]), shown
        written = log_file.read_text()
        assert "Traceback (most recent call last)" in written and "RuntimeError: create broke" in written
    finally:
        logs.close_file_logging()
