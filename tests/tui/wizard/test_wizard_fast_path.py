"""The fast path: type a name, Enter at every step, the account exists and its details show."""

from __future__ import annotations

from wizard_helpers import SIZE, open_wizard, type_text, wait_for


async def test_name_and_enter_creates_account(make_app, emulator):
    from ccm_tui.screens.details import AccountDetailsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        await type_text(pilot, "Fast lane")
        for _ in range(5):  # basics, logo, auth, tls, review(submit)
            await pilot.press("enter")
            await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        assert wizard.outcome.state == "created"
    posts = [r for r in emulator.received if r.method == "POST" and r.path == "/v1/accounts"]
    assert len(posts) == 1
    assert posts[0].body == {
        "name": "Fast lane",
        "component": "DEFAULT",
        "node_enrollment": {"attestation_enforcement_disabled_insecure": False},
    }
    assert [a["name"] for a in emulator.store.all_accounts()] == ["Fast lane"]
